"""The Data page's parts: upload, what was recognised, corrections, data quality, the template."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

from data_loaders import DATASETS, SCHEMAS, InputError
from data_loaders.comparison import DISABILITY, ETHNICITY, comparison_named
from data_loaders.disability import disability_label_table
from data_loaders.ethnicity import label_table
from data_loaders.report import SheetReport
from data_loaders.source import Source
from data_loaders.survey_codes import DEFAULT_SURVEY_YEAR, SURVEY_YEARS
from data_loaders.tables import SheetError, column_label
from metrics.registry import DEFAULT_STANDARD, STANDARDS
from pipeline.api import SAMPLE_TRUST, Inputs, sample_trust_paths
from pipeline.survey_counts import SurveyCounts, question_columns
from storage import StaleEdit, load_settings, save_settings
from ui import access, db, sidebar, state
from ui.figures import table_html
from ui.reading import Reading
from ui.safe import md

AUTOMATIC = "Recognise automatically"
_UPLOADER = "data_uploader"
_DATASET_CHOICE = "data_dataset_choice"
_MESSAGE = "data_message"
_ADDED = "data_added"  # what reading the files just added took, stage by stage, for the next run to finish
# "Add the files" was pressed before the files had reached the app: they are added in the run their arrival starts.
_WAITING = "data_waiting_for_files"
WAITING_TEXT = ("Your files are still uploading: they will be added when they arrive. If you have not chosen any "
                "yet, choose them above.")
# The groups a label may be counted as, in the order the page has always offered them (white first).
GROUP_LABELS = {group.key: group.choice for group in (ETHNICITY.reference, ETHNICITY.focus, ETHNICITY.unknown)}
# The disability groups a label is counted as (the WDES), in the comparison's order.
DISABILITY_GROUP_LABELS = {group.key: group.choice for group in DISABILITY.groups}
_AS_LISTED = "as listed"  # the choice that takes a correction away
_CORRECTED = "data_label_corrected"  # what the last correction did, said on the next run
_REFUSED = "data_refused"  # [(source, SheetError)]: files refused for a column not found, until one is chosen
_TRUST_ASKED = "data_sample_trust_asked"  # the sample trust's exports asked for: added in this run
_NO_CHOICE = "(choose a column)"
# What one session may hold at once: each upload is in the server's memory while the session lasts.
MAX_SESSION_FILES = 30
MAX_SESSION_BYTES = 300 * 1024 * 1024


def _uploader_key() -> str:
    # A new key empties the uploader once its files have been added.
    return f"{_UPLOADER}_{st.session_state.get(_UPLOADER + '_round', 0)}"


def _with(files: list[Source], source: Source) -> list[Source]:
    """The files once `source` is added: a file of the same name is replaced."""
    return [s for s in files if s.name != source.name] + [source]


def _add_files() -> None:
    """Read the chosen files under a progress indicator, keep those that can be used, then run the page again:
    the sidebar, drawn before this, then shows them, and the metrics are counted.

    The browser sends the files chosen before the uploader holds them, and tells the app only once all have
    arrived (a run of its own). Pressed before then, the uploader holds none: the request is remembered, said,
    and carried out in the run their arrival starts (upload_section)."""
    files = st.session_state.get(_uploader_key()) or []
    if not files:
        st.session_state[_WAITING] = True
        return
    st.session_state.pop(_WAITING, None)
    choice = st.session_state.get(_DATASET_CHOICE, AUTOMATIC)
    dataset = None if choice == AUTOMATIC else choice
    _add_sources([Source(upload.name, upload.getvalue(), dataset) for upload in files],
                 uploaded=[upload.file_id for upload in files])


def _let_go(file_ids: list[str]) -> None:
    """Streamlit keeps each uploaded file for its session until the session is shut down; a session dropped
    after its disconnection is never shut down, so its files would stay. Once added, they are the session's
    (state.uploads), and the uploader that held them is replaced: Streamlit's copy goes now."""
    ctx = get_script_run_ctx()
    # The manager Streamlit runs with (in memory) can let a file go; the interface it implements does not say so.
    if ctx is not None and isinstance(ctx.uploaded_file_mgr, MemoryUploadedFileManager):
        for file_id in file_ids:
            ctx.uploaded_file_mgr.remove_file(ctx.session_id, file_id)


def _add_sources(sources: list[Source], *, uploaded: list[str] | None = None) -> None:
    started = time.monotonic()
    problems: list[str] = []
    session = list(state.uploads())
    new: list[Source] = []
    for source in sources:
        kept = [s for s in session if s.name != source.name]
        kept_bytes = sum(len(s.data) for s in kept)
        if len(kept) >= MAX_SESSION_FILES or kept_bytes + len(source.data) > MAX_SESSION_BYTES:
            held = f"{len(kept)} file{'' if len(kept) == 1 else 's'} ({kept_bytes / 1024**2:,.0f} MB)"
            problems.append(f"'{source.name}': not added, because this session already holds {held}; the most is "
                            f"{MAX_SESSION_FILES} files or {MAX_SESSION_BYTES // 1024**2} MB. Remove files you no "
                            "longer need, then add it again.")
            continue
        session = _with(session, source)
        new = _with(new, source)
    added: list[Source] = []
    # A file refused for a column the app can let the person choose waits for the choice (see _column_choices).
    refused: list[tuple[Source, SheetError]] = []
    stages: list[tuple[str, float]] = []
    if new:
        # Not `with st.status()`: leaving that marks it complete, and the metrics are counted in the next run.
        status = st.status("Reading the files...")
        try:
            # Every file the session will hold, read together: what each page asks for next, so nothing is
            # read twice.
            stages = _stages(state.read_with_progress(tuple(session), status), since=started)
            added = new
        except InputError:
            # Which file is it? Each new one on its own: the good ones are added, the others refused with
            # their reason.
            for source in new:
                try:
                    stages += _stages(state.read_with_progress((source,), status), since=started)
                    added.append(source)
                except SheetError as error:
                    if error.missing:
                        refused.append((source, error))
                    else:
                        problems.append(str(error))
                except InputError as error:
                    problems.append(str(error))
        status.update(label="Counting the metrics..." if added else "The files could not be read",
                      state="running" if added else "error")
    names = {source.name for source in sources}
    st.session_state[_REFUSED] = [(waiting, why) for waiting, why in st.session_state.get(_REFUSED, [])
                                  if waiting.name not in names] + refused
    if added:
        session = list(state.uploads())
        for source in added:
            session = _with(session, source)
        state.uploads()[:] = session
        st.session_state[_UPLOADER + "_round"] = st.session_state.get(_UPLOADER + "_round", 0) + 1
        st.session_state[_ADDED] = (stages, started)
        _let_go(uploaded or [])
    st.session_state[_MESSAGE] = ([source.name for source in added], problems)
    if added:
        st.rerun()


def _stages(reading: Reading[Inputs], *, since: float) -> list[tuple[str, float]]:
    """Each stage the reading went through and the seconds it took; none if it was done before `since`."""
    if reading.requested < since:  # the same files were read earlier (by this session or another)
        return [("The files had been read already", 0.0)]
    ends = [seconds for _, seconds in reading.stages[1:]] + [reading.seconds or 0.0]
    return [(stage, end - begun) for (stage, begun), end in zip(reading.stages, ends, strict=True)]


def _finish_adding(view: state.View) -> None:
    """After files were added: count the metrics for the view the sidebar now shows, saying how long each stage
    took, so that the overview opens at once."""
    stages, started = st.session_state.pop(_ADDED)
    status = st.status("Counting the metrics...")
    begun = time.monotonic()
    try:
        state.count(view)
    except InputError:
        status.update(label="The metrics could not be counted", state="error")
        state.analysis(view)  # says why, as every page would, and stops
    stages = [*stages, ("Counting the metrics", time.monotonic() - begun)]
    for stage, seconds in stages:
        status.markdown(f"{md(stage)}: {seconds:.1f} s")
    status.update(label=f"Read and counted in {time.monotonic() - started:.1f} s", state="complete")


def _stop_waiting() -> None:
    st.session_state.pop(_WAITING, None)


def _use_sample() -> None:
    state.uploads().clear()
    state.forget_own_files()
    st.session_state.pop(_WAITING, None)
    st.session_state.pop(state.MAPPINGS, None)
    st.session_state.pop(state.SURVEY_YEAR, None)
    st.session_state.pop(_REFUSED, None)
    st.session_state[_MESSAGE] = ([], [])


def _ask_for_sample_trust() -> None:
    """Before the run: the sample trust's name in the organisation box and the NHS WRES in the sidebar, so the
    pages open on what a trust publishes; its files are added in the run (they are read as any upload is)."""
    st.session_state[state.ORGANISATION] = SAMPLE_TRUST
    st.session_state[state.STANDARD] = "nhs-wres"
    st.session_state[_TRUST_ASKED] = True


def _sample_trust_sources() -> list[Source]:
    return [Source(Path(path).name, Path(path).read_bytes(), dataset) for path, dataset in sample_trust_paths()]


def upload_section(view: state.View) -> None:
    st.subheader("Your files")
    st.markdown("Upload the spreadsheets your HR, payroll and recruitment systems export: xlsx, xls, ods or CSV, "
                "as they come. One workbook may hold several datasets, one per sheet. Uploaded data stays in "
                "your session: it is not saved, and nobody else sees it. It leaves the server's memory when you "
                "remove your files, or a minute after you close the app's tab (in case you come back to it).")
    with st.container(border=True):
        st.file_uploader("Workbooks or CSVs", type=["xlsx", "xlsm", "xls", "ods", "csv"],
                         accept_multiple_files=True, key=_uploader_key())
        st.selectbox("What the files hold", [AUTOMATIC, *DATASETS], key=_DATASET_CHOICE,
                     format_func=lambda d: d if d == AUTOMATIC else SCHEMAS[d].title,
                     help="Leave it to recognise each sheet by its name and headings.")
        if st.button("Add the files", icon=":material/upload:", type="primary"):
            _add_files()
        elif st.session_state.get(_WAITING) and st.session_state.get(_uploader_key()):
            _add_files()  # the files asked for have arrived: this is the run their arrival started
        if st.session_state.get(_WAITING):
            st.info(WAITING_TEXT, icon=":material/hourglass_top:")
            st.button("Do not add them", on_click=_stop_waiting, icon=":material/close:")
        if view.is_sample:
            st.button(f"Try the sample NHS trust's exports ({SAMPLE_TRUST})", on_click=_ask_for_sample_trust,
                      icon=":material/local_hospital:",
                      help="A fictional trust's ESR staff list, recruitment, employee relations cases, training, "
                      "NHS Staff Survey and board list, as their systems export them: for the NHS WRES and the "
                      "WDES.")
        if st.session_state.pop(_TRUST_ASKED, False):
            _add_sources(_sample_trust_sources())
        if _ADDED in st.session_state and not view.is_sample:
            _finish_adding(view)
    added, problems = st.session_state.pop(_MESSAGE, ([], []))
    if added:
        st.success(f"Added {md(', '.join(added))}.", icon=":material/check:")
        st.page_link("pages/overview.py", label="See the metrics on the overview", icon=":material/dashboard:")
    for problem in problems:
        st.error(md(problem), icon=":material/error:")
    for source, error in list(st.session_state.get(_REFUSED, [])):
        _column_choices(source, error)
    if state.uploads():
        files = pd.DataFrame([{"File": source.name, "Dataset": source.dataset or "recognised from its sheets",
                               "Size": f"{len(source.data) / 1024:,.0f} KB"} for source in state.uploads()])
        st.html(table_html(files, "Your files"))
        st.button("Remove my files and go back to the sample council", on_click=_use_sample,
                  icon=":material/restart_alt:")


def _column_choices(source: Source, error: SheetError) -> None:
    """A file refused because a required column was not found: the reason, then its sheet's headings to choose the
    column from, which is kept as a column correction (as `_mapping_editor` keeps them) when the file is added."""
    what = " or ".join(column_label(column) for column in error.missing)
    st.error(md(f"{error.where}: {error.problem}. Choose the column that holds {what} below, and add the file "
                "again."), icon=":material/error:")
    key = f"data_refused_{error.file}_{error.sheet}"
    with st.container(border=True):
        cells = st.columns(max(len(error.missing), 2))
        picked = {column: cells[n].selectbox(f"Column that holds {column_label(column)}",
                                             [_NO_CHOICE, *error.headings], key=f"{key}_{column}")
                  for n, column in enumerate(error.missing)}
        chosen = {column: heading for column, heading in picked.items() if heading != _NO_CHOICE}
        add, leave = st.columns(2)
        if add.button("Use this column and add the file", key=f"{key}_add", type="primary", disabled=not chosen,
                      icon=":material/upload:"):
            if error.dataset is not None:
                mappings = st.session_state.setdefault(state.MAPPINGS, {})
                mappings[error.dataset] = mappings.get(error.dataset, {}) | chosen
            _add_sources([source])
            st.rerun()  # when it was refused again: this run has drawn the reason it was refused before
        leave.button("Leave this file out", key=f"{key}_leave", on_click=_leave_out, args=(source.name,),
                     icon=":material/close:")


def _leave_out(name: str) -> None:
    st.session_state[_REFUSED] = [(waiting, why) for waiting, why in st.session_state.get(_REFUSED, [])
                                  if waiting.name != name]


def _mapping_editor(sheet: SheetReport) -> None:
    assert sheet.dataset is not None  # shown only for a sheet read as a dataset
    headings = [*sheet.columns.values(), *sheet.unmapped_headings]
    schema = SCHEMAS[sheet.dataset]
    mappings = st.session_state.setdefault(state.MAPPINGS, {})
    chosen: dict[str, str] = {}
    cells = st.columns(3)
    for n, column in enumerate(schema.columns):
        current = mappings.get(sheet.dataset, {}).get(column.name, sheet.columns.get(column.name))
        options = ["(not in this sheet)", *headings]
        picked = cells[n % 3].selectbox(column.name.replace("_", " ").capitalize(), options,
                                        index=options.index(current) if current in options else 0,
                                        key=f"data_map_{sheet.file}_{sheet.sheet}_{column.name}")
        if picked != options[0]:
            chosen[column.name] = picked
    if chosen != sheet.columns and st.button("Use these columns", key=f"data_map_apply_{sheet.file}_{sheet.sheet}"):
        mappings[sheet.dataset] = chosen
        st.rerun()


def _survey_year_choice() -> None:
    """The survey year whose question codes a survey's results by group are read with, where the file does not say
    (its own "Survey year" cell or column, or its title, wins; a different choice is refused, naming both)."""
    options: list[int | None] = [None, *sorted(SURVEY_YEARS, reverse=True)]
    current = st.session_state.get(state.SURVEY_YEAR)
    picked = st.selectbox(
        "Survey year of the results by group", options, index=options.index(current) if current in options else 0,
        format_func=lambda year: f"As the file says, else {DEFAULT_SURVEY_YEAR}" if year is None else str(year),
        help="The NHS Staff Survey renumbers its questions between years: the year says which code is which "
             "question. The codes of 2021 to 2023 are assumed the same as 2024's.", key="data_survey_year_choice")
    if picked != current:
        if picked is None:
            st.session_state.pop(state.SURVEY_YEAR, None)
        else:
            st.session_state[state.SURVEY_YEAR] = picked
        st.rerun()


def _survey_question_editor(survey: SurveyCounts) -> None:
    """A council's own questions in a survey's results by group, each chosen for the standard's question it asks
    (the survey's column mapping, as `--column survey.COLUMN=QUESTION` gives it on the command line)."""
    mappings = st.session_state.setdefault(state.MAPPINGS, {})
    current: dict[str, str] = dict(mappings.get("survey", {}))
    columns = question_columns()
    mapped = [current[c] for c in columns if c in current]
    if not survey.unused and not mapped:
        return
    with st.expander(f"Your own questions in {survey.file}"):
        st.caption("These questions are read by no standard's metric. Choose one for the standard's question it "
                   "asks, if it does.")
        chosen: dict[str, str] = {}
        cells = st.columns(3)
        for n, column in enumerate(columns):
            options = ["(not in this file)", *dict.fromkeys([*survey.unused, *mapped])]
            picked = cells[n % 3].selectbox(column.replace("_", " ").capitalize(), options,
                                            index=options.index(current[column]) if current.get(column) in options
                                            else 0, key=f"survey_map_{survey.file}_{column}")
            if picked != options[0]:
                chosen[column] = picked
        kept = {c: h for c, h in current.items() if c not in columns}
        if kept | chosen != current and st.button("Use these questions", key=f"survey_map_apply_{survey.file}"):
            mappings["survey"] = kept | chosen
            st.rerun()


def recognised_section(view: state.View) -> None:
    st.subheader("What was recognised")
    inputs = state.parsed(view.sources)
    for sheet in inputs.loaded.sheets:
        if sheet.ignored:
            st.markdown(f":gray-badge[Ignored] **{md(sheet.label)}**: {md(sheet.ignored)}")
            continue
        assert sheet.dataset is not None  # a sheet not ignored was read as a dataset (data_loaders.tables)
        title = f"{md(sheet.label)}: {SCHEMAS[sheet.dataset].title}, {sheet.rows_read:,} rows"
        with st.expander(title):
            st.caption(f"Headings found on row {sheet.header_row}.")
            st.html(table_html(pd.DataFrame([{"Column": c.replace("_", " "), "Read from heading": h}
                                              for c, h in sheet.columns.items()]), f"Columns read from {sheet.label}"))
            if sheet.unmapped_headings:
                st.caption("Not used: " + ", ".join(f"'{md(h)}'" for h in sheet.unmapped_headings))
            for skipped in sheet.skipped:
                rows = ", ".join(str(r) for r in skipped.rows[:20]) + (" ..." if skipped.count > 20 else "")
                st.caption(f"Skipped {skipped.count:,} rows ({md(skipped.reason)}): rows {rows}.")
            for note in sheet.notes:
                st.caption(md(note))
            if not view.is_sample:
                st.markdown("**Correct the columns**")
                _mapping_editor(sheet)
    if inputs.templates:
        for figures in inputs.templates:
            st.markdown(f"**Counts template** for {md(figures.organisation)}, {figures.period}: metrics "
                        f"{', '.join(sorted(figures.available)) or 'none filled in yet'}.")
    for survey in inputs.survey_counts:
        # Which shape was read, the year whose codes were used, and what each standard's groups give.
        given = "; ".join(f"by {comparison_named(key).heading.lower()}: metrics "
                          f"{', '.join(sorted(figures.available)) or 'none'}"
                          for key, figures in survey.figures.items())
        st.markdown(f"**Staff survey results by group** ({md(survey.file)}), the {survey.year} survey: {md(given)}.")
        for note in survey.notes:
            st.caption(md(note))
        if not view.is_sample:
            _survey_question_editor(survey)
    if inputs.survey_counts and not view.is_sample:
        _survey_year_choice()


def _save_correction(organisation: str, label: str, group: str | None) -> None:
    """Count `label` as `group` from now on for this organisation (None: as the standard list says again)."""
    values, version = load_settings(db.engine(), organisation, caller=access.caller())
    overrides = dict(values.get("ethnicity_overrides", {}))
    if group is None:
        overrides.pop(label, None)
    else:
        overrides[label] = group
    try:
        save_settings(db.engine(), organisation, values | {"ethnicity_overrides": overrides},
                      expected_version=version, user=sidebar.user(), caller=access.caller())
    except StaleEdit:
        st.session_state[_CORRECTED] = ("error", "Not saved: someone else changed the settings at the same moment. "
                                        "Choose the label and save again.")
        return
    counted = "as the standard list says" if group is None else f"as {GROUP_LABELS[group]}"
    st.session_state[_CORRECTED] = ("success", f"Saved: “{md(label)}” is now counted {counted}, on every page.")


def _correction(organisation: str, name: str, table: pd.DataFrame, overrides: dict[str, str]) -> None:
    """One label corrected at a time, in ordinary labelled controls: the label, the group, a button."""
    labels = [str(label) for label in table["label"] if label != "(blank)"]
    if not labels:
        return
    groups = dict(zip(table["label"].astype(str), table["group"], strict=True))
    st.markdown("**Correct a label**")
    left, right = st.columns(2)
    label = left.selectbox("Label as written", labels, key=f"data_label_{name}")
    choices = [*GROUP_LABELS, *([_AS_LISTED] if label in overrides else [])]
    current = groups.get(label)  # as counted now, corrections included
    group = right.selectbox("Count it as", choices, index=choices.index(current) if current in choices else 0,
                            key=f"data_label_group_{name}_{label}",
                            format_func=lambda g: GROUP_LABELS.get(g, "As the standard list says (undo my correction)"))
    if st.button("Save this correction", key=f"data_label_save_{name}", icon=":material/save:"):
        if group == current:
            st.session_state[_CORRECTED] = ("info", f"“{md(label)}” is already counted as {GROUP_LABELS[group]}.")
        else:
            _save_correction(organisation, label, None if group == _AS_LISTED else group)
        st.rerun()


def ethnicity_section(view: state.View) -> None:
    st.subheader("Ethnicity labels")
    st.markdown("Every label found, how many rows carry it and how it is counted. Correct a label's group and "
                "save: the correction is kept in the settings for this organisation.")
    corrected = st.session_state.pop(_CORRECTED, None)
    if corrected:
        getattr(st, corrected[0])(corrected[1])
    inputs = state.parsed(view.sources)
    settings = view.settings
    for name, frame in inputs.loaded.datasets.items():
        if "ethnicity" not in frame.columns:
            continue
        table = label_table(frame["ethnicity"], white_minorities_as_bme=settings.white_minorities_as_bme,
                            overrides=settings.ethnicity_overrides)
        unknown = table.loc[table["group"] == "unknown", "rows"].sum()
        shown = pd.DataFrame({
            "Label": table["label"], "Rows": table["rows"],
            "Census 2021 category": table["category"].fillna("–"),
            "Group": table["group"].map(GROUP_LABELS),
            "Recognised": table["recognised"].map({True: "Yes", False: "No: check it"}),
        })
        st.markdown(f"**{SCHEMAS[name].title}**: ethnicity unknown for {100 * unknown / max(len(frame), 1):.1f}% "
                    f"of {len(frame):,} rows.")
        st.html(table_html(shown, f"Ethnicity labels in the {SCHEMAS[name].title.lower()}"))
        if access.can_edit():
            _correction(view.organisation, name, table, dict(settings.ethnicity_overrides))


def labels_section(view: state.View) -> None:
    """The labels of the standard's groups: ethnicity labels, corrected here; under the WDES, disability labels."""
    if STANDARDS[view.settings.standard].comparison.key == "disability":
        disability_section(view)
    else:
        ethnicity_section(view)


def disability_section(view: state.View) -> None:
    """Every disability label found, how many rows carry it and how it is counted; corrected on the Settings page."""
    st.subheader("Disability labels")
    st.markdown("Every label found, how many rows carry it and how it is counted. Correct a label's group on the "
                "Settings page, under Disability classifications: the correction is kept for this organisation.")
    settings = view.settings
    found = False
    for name, frame in state.parsed(view.sources).loaded.datasets.items():
        if "disability" not in frame.columns:
            continue
        found = True
        table = disability_label_table(frame["disability"], settings.disability_overrides)
        not_declared = table.loc[table["group"] == DISABILITY.unknown.key, "rows"].sum()
        declared = len(frame) - not_declared
        shown = pd.DataFrame({
            "Label": table["label"], "Rows": table["rows"],
            "Group": table["group"].map(DISABILITY_GROUP_LABELS),
            "Recognised": table["recognised"].map({True: "Yes", False: "No: check it"}),
        })
        st.markdown(f"**{SCHEMAS[name].title}**: declaration rate {100 * declared / max(len(frame), 1):.1f}% "
                    f"of {len(frame):,} rows.")
        st.html(table_html(shown, f"Disability labels in the {SCHEMAS[name].title.lower()}"))
    if not found:
        st.info("No disability column was found in the files.", icon=":material/info:")
    st.page_link("pages/settings.py", label="Classify the labels on the Settings page", icon=":material/label:")


def template_section(standard: str = DEFAULT_STANDARD) -> None:
    st.subheader("Only counts?")
    st.markdown("If you have counts by group rather than a row per person, fill in the counts template and "
                "upload it like any other file.")
    st.download_button("Download the blank counts template", state.blank_template(standard),
                       file_name="wres-counts-template.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:")
