"""The Report page: the board pack to download, publication-safe unless the board asks otherwise."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from functools import partial

import pandas as pd
import streamlit as st

from data_loaders.errors import InputError
from metrics.registry import METRICS
from reports.content import INTERNAL_MARKING, build_content, suppression_note
from reports.excel import write_excel
from reports.html import write_html
from reports.pdf import SIGN_OFF_MAX_CHARS, sign_off_date, sign_off_problems, write_pdf
from reports.pptx import write_pptx
from storage.figure_sets import scope_of
from storage.panels import PAY_GAP_PANEL_KEYS
from ui import access, db, state
from ui.figures import table_html
from ui.navigation import page_for
from ui.safe import md

_PREPARED = "report_prepared"
# format -> (button words, file suffix, MIME type, writer)
_FORMATS = {
    "xlsx": ("Excel workbook", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             write_excel),
    "pptx": ("PowerPoint slides", "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
             write_pptx),
    "pdf": ("PDF plan", "pdf", "application/pdf", write_pdf),
    "html": ("HTML plan", "html", "text/html", write_html),
}
# The plan, as a PDF or as one web page: both carry the sign-off block, so each is made for the words in its fields.
_SIGNED = {"pdf": write_pdf, "html": write_html}
_FOUND = "report_withheld_in_text"  # (pack key, [WithheldFigure]) from the last pack prepared
_CHECKED = "report_text_checked"
_STALE = "report_stale_panels"  # (pack key, [(metric, panel, figures then, figures now)]) from the last pack prepared
_STALE_CHECKED = "report_stale_checked"
PUBLISHED = "Publication-safe"
INTERNAL = "Internal, unsuppressed"


def render(view: state.View) -> None:
    analysis = state.analysis(view)
    threshold = view.settings.suppression_threshold
    choice = st.radio(
        "Which version", [PUBLISHED, INTERNAL], horizontal=True, key="report_version",
        captions=[f"Counts under {threshold}, and anything that would reveal them, withheld.",
                  "The real counts, for the board's own use; marked INTERNAL on every sheet."],
    )
    published = choice == PUBLISHED
    st.caption(suppression_note(threshold) if published else INTERNAL_MARKING)
    covers = scope_of(dict(view.filters))
    if covers:
        st.info(f"This pack covers {md(covers)} only, as the sidebar's filter says: its cover, every page, slide "
                "and sheet, and its file name say so, and it carries the text written for it. Clear the filter "
                "for the whole organisation's pack.", icon=":material/filter_alt:")
    # The workbook is made when asked for, not on every rerun of the page.
    key = (view.organisation, analysis.period.end.isoformat(), published, threshold, view.settings.standard,
           view.filters, id(analysis))
    sign_off = _sign_off_fields()
    columns = st.columns(len(_FORMATS))
    for column, (kind, (words, suffix, mime, write)) in zip(columns, _FORMATS.items(), strict=True):
        with column:
            made_for: tuple = key
            if kind in _SIGNED:  # the plan made for other sign-off words is not offered
                made_for = (*key, sign_off)
                if sign_off is None:
                    st.button(f"Prepare the {words}", key=f"report_prepare_{kind}", icon=":material/build:",
                              disabled=True, help="Correct the sign-off block above first.")
                    continue
                signer, role, date = sign_off
                write = partial(_SIGNED[kind], signed_off_by=signer, role=role, date=date)
            if st.button(f"Prepare the {words}", key=f"report_prepare_{kind}", icon=":material/build:"):
                with st.spinner(f"Making the {words}..."):
                    content = build_content(analysis, publish_safe=published, threshold=threshold,
                                            engine=db.engine(), caller=access.caller(),
                                            together=state.published_together(view) if published else None)
                    st.session_state[_FOUND] = (key, content.withheld_in_text)
                    st.session_state[_STALE] = (key, content.stale_panels)
                    if (not content.withheld_in_text or st.session_state.get(_CHECKED)) and \
                            (not content.stale_panels or st.session_state.get(_STALE_CHECKED)):
                        buffer = io.BytesIO()
                        try:
                            write(content, buffer)
                        except InputError as error:  # the PDF plan refuses a character its fonts cannot show
                            text = str(error)
                            st.error(md(text[:1].upper() + text[1:]), icon=":material/error:")
                        else:
                            st.session_state[f"{_PREPARED}_{kind}"] = (made_for, buffer.getvalue(),
                                                                       content.file_stem)
            prepared = st.session_state.get(f"{_PREPARED}_{kind}")
            if prepared and prepared[0] == made_for:
                name = f"{prepared[2]}.{suffix}"
                st.download_button(f"Download the {words}", prepared[1], file_name=name, mime=mime, type="primary",
                                   icon=":material/download:", key=f"report_download_{kind}")
    _withheld_in_text(key)
    _stale_panels(key)
    st.caption("The workbook holds every metric's table, headline figures, the three panels and the action plan; "
               "the slides, for the meeting room, a slide per metric with its chart and one with what we say about "
               "it, in large type; the PDF, the plan in the shape councils publish, with the sign-off block above; "
               "the HTML plan, the same plan as one web page for the organisation's website, which a screen reader, "
               "a phone and 400% zoom read as well as a printer prints.")


def _sign_off_fields() -> tuple[str, str, str] | None:
    """The plan's sign-off block as filled in here: (name, role, date as written), blank by default for a
    block to sign by hand; None, with the reasons shown, when what was typed cannot go in it. Used for the
    PDF and HTML plans made in this session only: not saved."""
    st.markdown("**The plan's sign-off block**")
    st.caption("Who signs the plan off, and the date of the meeting. Leave them blank for lines to sign and date "
               "by hand. They go into the PDF and HTML plans made here, and are not saved.")
    today = dt.date.today()
    name_column, role_column, date_column = st.columns([2, 2, 1])
    name = name_column.text_input("Signed off by", key="report_sign_off_name", max_chars=SIGN_OFF_MAX_CHARS,
                                  placeholder="Name")
    role = role_column.text_input("Role", key="report_sign_off_role", max_chars=SIGN_OFF_MAX_CHARS,
                                  placeholder="For example, Director of Adult Social Care")
    day = date_column.date_input("Date", value=None, key="report_sign_off_date", format="DD/MM/YYYY",
                                 min_value=dt.date(2000, 1, 1), max_value=dt.date(today.year + 5, 12, 31))
    problems = sign_off_problems(name or "", role or "")
    if not isinstance(day, dt.date | None):  # a range or anything else: never one date to print
        problems.append("The date must be a single day.")
    if problems:
        st.error(" ".join(problems), icon=":material/error:")
        return None
    return (name or "").strip(), (role or "").strip(), sign_off_date(day if isinstance(day, dt.date) else None)


def _metric_words(metric_id: str) -> str:
    """A metric's label, or "Pay gaps by sex" for a pay gap panel's key."""
    by = {key: by for by, key in PAY_GAP_PANEL_KEYS.items()}.get(metric_id)
    return f"Pay gaps by {by}" if by else METRICS[metric_id].label


def _to_check(key: tuple, found_key: str, message: tuple[Callable[..., object], str, str],
              rows: Callable[[list], list[dict]], caption: str, link: str, tick: tuple[str, str]) -> None:
    """What stopped the last pack prepared for `key` (kept under `found_key`: (pack key, [item with .metric_id or a
    metric id first])): the message (st.error or st.warning, words, icon), the items as a table, a link to each
    metric's page, and the tick (words, key) that lets the pack be made as it is."""
    found = st.session_state.get(found_key)
    if not found or found[0] != key or not found[1]:
        return
    alert, words, icon = message
    alert(words, icon=icon)
    st.html(table_html(pd.DataFrame(rows(found[1])), caption))
    for metric_id in dict.fromkeys(getattr(item, "metric_id", None) or item[0] for item in found[1]):
        page = page_for(metric_id)
        st.page_link(page.path, label=f"{link} {page.title}", icon=":material/edit:")
    st.checkbox(tick[0], key=tick[1])


def _withheld_in_text(key: tuple) -> None:
    """Numbers in the panels that could be figures this pack withholds: listed, with where to change them,
    and the pack not made until they are changed or the editor says none of them is the withheld figure."""
    _to_check(key, _FOUND, (st.error, "The pack was not made: these panels quote numbers that could be figures it "
                            "withholds. Change them on the metric's page, or tick the box below if none of them is "
                            "the withheld figure, then prepare the pack again.", ":material/visibility_off:"),
              lambda found: [{"Metric": _metric_words(f.metric_id), "Panel": f.panel, "Written": f.written,
                              "Could be": f.what} for f in found],
              "Numbers to check", "Change the panels on",
              ("I have checked these: none of them is the withheld figure", _CHECKED))


def _stale_panels(key: tuple) -> None:
    """Panels written against other figures than the pack's: listed before the pack is made, which waits until
    they are saved again against today's figures or the editor says the text still holds."""
    _to_check(key, _STALE, (st.warning, "The pack was not made: these panels were written when the figures were "
                            "different. Check each still holds (saving it on the metric's page records that it was "
                            "checked), or tick the box below, then prepare the pack again.", ":material/update:"),
              lambda found: [{"Metric": _metric_words(m), "Panel": panel, "Written against": then, "Now": now}
                             for m, panel, then, now in found],
              "Panels written against other figures", "Check the panels on",
              ("I have checked these: the text still holds for today's figures", _STALE_CHECKED))
