"""The Report page: the board pack to download, publication-safe unless the board asks otherwise."""

from __future__ import annotations

import io

import streamlit as st

from reports.content import INTERNAL_MARKING, build_content, suppression_note
from reports.excel import write_excel
from ui import db, state

_PREPARED = "report_prepared"
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
    # The workbook is made when asked for, not on every rerun of the page.
    key = (view.organisation, analysis.period.end.isoformat(), published, threshold, view.settings.standard,
           view.filters, id(analysis))
    if st.button("Prepare the Excel workbook", icon=":material/table_view:"):
        content = build_content(analysis, publish_safe=published, threshold=threshold, engine=db.engine())
        buffer = io.BytesIO()
        write_excel(content, buffer)
        st.session_state[_PREPARED] = (key, buffer.getvalue())
    prepared = st.session_state.get(_PREPARED)
    if prepared and prepared[0] == key:
        name = f"wres-{analysis.period.end.isoformat()}-{'published' if published else 'INTERNAL'}.xlsx"
        st.download_button("Download the Excel workbook", prepared[1], file_name=name, type="primary",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           icon=":material/download:")
    st.caption("The PowerPoint slides and the published PDF plan are on their way; for now the workbook holds "
               "every metric's table, headline figures, the three panels and the action plan.")
