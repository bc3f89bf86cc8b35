"""The organisation's settings form; saved for everyone who opens the organisation next."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_loaders import SCHEMAS
from data_loaders.comparison import DISABILITY
from data_loaders.disability import disability_label_table
from data_loaders.ethnicity import WHITE_BRITISH_REFERENCE, WHITE_REFERENCE
from metrics.registry import STANDARDS
from metrics.settings import DEFAULT_RAG_MEANINGS, PAN_LONDON_RAG_MEANINGS, RAG_WORDS, salary_band_labels
from storage import StaleEdit, load_settings, save_settings, settings_from_values
from ui import access, db, sidebar, state
from ui.data_view import GROUP_LABELS
from ui.figures import table_html
from ui.safe import md

_OUTCOME = "settings_outcome"
# The groups a disability label may be counted as, as the app names them: Disabled, Non-disabled, Not declared.
DISABILITY_LABELS = {key: DISABILITY.choice(key) for key in DISABILITY.keys}


def _bands_in_data(view: state.View) -> list[str]:
    staff = state.parsed(view.sources).loaded.datasets.get("staff")
    found = sorted(staff["pay_band"].dropna().astype(str).unique()) if staff is not None and "pay_band" in staff else []
    return found


def _boundaries(text: str) -> tuple[int, ...]:
    numbers = [part.replace("£", "").replace(",", "").strip() for part in text.replace(";", "\n").splitlines()]
    try:
        return tuple(sorted({int(float(n)) for n in numbers if n}))
    except ValueError:
        raise ValueError("Pay band boundaries must be amounts in pounds, one per line, e.g. 25,000") from None


def _corrections_text(overrides: dict[str, str], names: dict[str, str] = GROUP_LABELS) -> str:
    return "\n".join(f"{label} = {names.get(group, group)}" for label, group in overrides.items())


def _corrections(text: str, names: dict[str, str] = GROUP_LABELS, heading: str = "Label corrections",
                 example: str = "Mixed - other = Minority ethnic") -> dict[str, str]:
    """'label = group' lines, one per label; the group as the app names it (`names`: White, Minority ethnic,
    Unknown). The last '=' on a line divides them, so a label may hold one."""
    by_name = {name.lower(): key for key, name in names.items()} | {key: key for key in names}
    found: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        label, equals, group = line.rpartition("=")
        key = by_name.get(group.strip().lower())
        if not equals or not label.strip() or key is None:
            raise ValueError(f"{heading}, line {number} ('{line.strip()[:80]}'): write the label as it is "
                             f"in your data, then ' = ' and {', '.join(names.values())}, e.g. '{example}'")
        found[label.strip()] = key
    return found


def _disability_labels(view: state.View, overrides: dict[str, str]) -> None:
    """Each dataset's disability labels, their rows and how they are counted now, the unrecognised flagged."""
    found = False
    for name, frame in state.parsed(view.sources).loaded.datasets.items():
        if "disability" not in frame.columns:
            continue
        found = True
        table = disability_label_table(frame["disability"], overrides)
        unsettled = table[~table["recognised"]]
        title = SCHEMAS[name].title
        if len(unsettled):
            st.warning(f"**{md(title)}**: {len(unsettled):,} disability label{'s' if len(unsettled) > 1 else ''} "
                       f"not recognised ({int(unsettled['rows'].sum()):,} rows), counted as not declared until "
                       "you say below how each is counted: "
                       + ", ".join(f"“{md(label)}”" for label in unsettled["label"][:10])
                       + (" ..." if len(unsettled) > 10 else "") + ".", icon=":material/help:")
        st.html(table_html(pd.DataFrame({
            "Label": table["label"], "Rows": table["rows"],
            "Counted as": table["group"].map(DISABILITY_LABELS),
            "Recognised": table["recognised"].map({True: "Yes", False: "No: check it"}),
        }), f"Disability labels in the {title.lower()}"))
    if not found:
        st.caption("The data has no disability column, so there are no disability labels to list.")


def render(view: state.View) -> None:
    values, version = load_settings(db.engine(), view.organisation, caller=access.caller())
    current = settings_from_values(values)
    with st.form("settings_form"):
        st.subheader("Standards")
        published = st.multiselect(
            "The standards this organisation publishes (the sidebar offers these)", list(STANDARDS),
            default=[s for s in current.offered_standards], format_func=lambda s: STANDARDS[s].name,
            key="settings_standards",
            help="; ".join(f"{s.name}: the {s.title}" for s in STANDARDS.values()) + ". A council publishing the "
            "Social Care WRES keeps that one; an NHS trust the NHS WRES and the WDES. Leave every one chosen to see "
            "them all.")
        st.subheader("Words")
        bme_label = st.text_input("Your term for the minority-ethnic group", value=current.bme_label,
                                  help="Used in every title, sentence and export, e.g. 'Black, Asian and minority "
                                  "ethnic' or 'Global majority'.")
        st.subheader("Small numbers")
        left, right = st.columns(2)
        min_group = left.number_input("Minimum group size for a ratio", min_value=1, max_value=1000,
                                      value=current.min_group_size, step=1)
        threshold = right.number_input("Publication: hide counts under", min_value=0, max_value=100,
                                       value=current.suppression_threshold, step=1,
                                       help="In anything published, counts from 1 up to this number less one are "
                                       "withheld, and whatever would reveal them.")
        low = left.number_input("Adverse range: from", min_value=0.01, max_value=0.99,
                                value=float(current.adverse_range[0]), step=0.01, format="%.2f")
        high = right.number_input("to", min_value=1.01, max_value=10.0, value=float(current.adverse_range[1]),
                                  step=0.01, format="%.2f")
        st.subheader("Ethnicity")
        white_minorities = st.checkbox("Count White minorities (Irish, Gypsy or Irish Traveller, Roma, other White) "
                                       "as minority ethnic", value=current.white_minorities_as_bme)
        reference_words = {WHITE_BRITISH_REFERENCE: "White British staff", WHITE_REFERENCE: "All White staff"}
        ethnic_reference = st.radio(
            "Metrics by ethnic group (Where it sits) compare each group with", list(reference_words),
            index=list(reference_words).index(current.ethnic_group_reference), format_func=reference_words.get,
            horizontal=True, key="settings_ethnic_reference",
            help="Asian, Black, Mixed, Other and White minority staff, each against this group. With all White "
            "staff the White minorities are part of the reference and have no figures of their own.")
        corrections_text = st.text_area(
            "Label corrections, one per line: the label as written, then = and White, Minority ethnic or Unknown",
            value=_corrections_text(dict(current.ethnicity_overrides)), placeholder="Mixed - other = Minority ethnic",
            help="For a label the standard list gets wrong or does not know. The Data page lists every label "
            "found in your files and corrects them one at a time too.")
        st.subheader("Disability classifications")
        st.caption("How each disability label in your data is counted for a disability standard. A label that could "
                   "mean either (\"None\", \"N/A\", \"Yes, not limited\") is counted as not declared until you "
                   "say what it means in your organisation.")
        _disability_labels(view, dict(current.disability_overrides))
        disability_text = st.text_area(
            "Disability label corrections, one per line: the label as written, then = and Disabled, Non-disabled "
            "or Not declared",
            value=_corrections_text(dict(current.disability_overrides), DISABILITY_LABELS),
            placeholder="None = Non-disabled",
            help="For a label the standard list does not settle, or one your organisation uses differently.")
        st.subheader("Pay bands and senior managers")
        boundaries_text = st.text_area("Salary band boundaries (when the data has salaries but no bands), one per line",
                                       value="\n".join(f"{b:,}" for b in current.pay_band_boundaries))
        band_options = sorted(set(_bands_in_data(view)) | set(salary_band_labels(current.pay_band_boundaries))
                              | set(current.senior_bands))
        senior = st.multiselect("Senior bands (used when the data has no senior-manager column)", band_options,
                                default=[b for b in current.senior_bands if b in band_options])
        st.subheader("Action plan: what each RAG rating means")
        st.caption("Shown beside the plan on screen and in the PDF. Blank: the standard words. A council in the "
                   "pan-London programme can use that programme's key: "
                   + "; ".join(f"{RAG_WORDS[r]}: '{m}'" for r, m in PAN_LONDON_RAG_MEANINGS.items()) + ".")
        rag_meanings = {r: st.text_input(f"{word} means", value=current.rag_meanings[r], key=f"settings_rag_{r}",
                                         placeholder=DEFAULT_RAG_MEANINGS[r], max_chars=200)
                        for r, word in RAG_WORDS.items()}
        st.subheader("Benchmarking")
        share = st.checkbox("Share our published figures with the other organisations on this dashboard, for "
                            "benchmarking", value=current.share_for_benchmarking, key="settings_share",
                            help="People in the other organisations here may then set your latest saved whole-"
                            "organisation figures beside theirs on the Benchmarking page, as they would be "
                            "published: counts left out, small ones withheld with whatever rests on them, sizes "
                            "rounded to 10. Untick to stop at once.")
        submitted = st.form_submit_button("Save the settings", icon=":material/save:", type="primary",
                                          disabled=not access.can_edit())
    if not access.can_edit():
        access.read_only_note("the settings")
    if submitted and access.can_edit():
        try:
            new_values = {
                "bme_label": bme_label.strip() or "BME",
                "min_group_size": int(min_group),
                "suppression_threshold": int(threshold),
                "adverse_range": [round(low, 2), round(high, 2)],
                "white_minorities_as_bme": bool(white_minorities),
                "ethnic_group_reference": str(ethnic_reference),
                "ethnicity_overrides": _corrections(corrections_text),
                "disability_overrides": _corrections(disability_text, DISABILITY_LABELS,
                                                     "Disability label corrections", "None = Non-disabled"),
                "pay_band_boundaries": list(_boundaries(boundaries_text)),
                "senior_bands": senior,
                "rag_meanings": {r: m.strip() or DEFAULT_RAG_MEANINGS[r] for r, m in rag_meanings.items()},
                "share_for_benchmarking": bool(share),
                # Every standard chosen is the same as none: stored as none, so a standard added later shows too.
                "published_standards": [] if set(published) == set(STANDARDS) else
                [s for s in STANDARDS if s in published],
            }
            if not published:
                raise ValueError("choose at least one standard this organisation publishes")
            settings_from_values(values | new_values)  # refuses anything the engine could not use
            save_settings(db.engine(), view.organisation, values | new_values, expected_version=version,
                          user=sidebar.user(), caller=access.caller())
        except StaleEdit as stale:
            st.error("Not saved: someone else saved the settings while you were editing. The form now shows "
                     f"their settings (saved by {stale.current.updated_by or 'someone'}); make your change again.",
                     icon=":material/sync_problem:")
            return
        except ValueError as error:
            st.error(f"Not saved: {md(error)}", icon=":material/error:")
            return
        st.success("Saved. Every page now uses these settings.", icon=":material/check:")
        st.rerun()
