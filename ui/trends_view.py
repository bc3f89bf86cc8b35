"""The Trends page: every metric across periods, the change since last year in words, and saving a period."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from charts.trends import trend, unknown_text
from metrics.registry import METRICS, metrics_of
from metrics.trends import changes, period_label
from pipeline.api import Analysis
from storage import StaleEdit, delete_figure_set, save_figure_set
from ui import access, db, history, sidebar, state
from ui.figures import table_html
from ui.metric_page import caption, chart_and_figures, period_note, sample_note
from ui.safe import md

_METRIC = "trends_metric"
_REPLACE = "trends_replace_version"
_OUTCOME = "trends_outcome"


def _save(view: state.View, analysis: Analysis, expected_version: int) -> None:
    if not access.can_edit():
        st.session_state[_OUTCOME] = ("error", "Not saved: saving a period needs the editor role.")
        return
    try:
        saved = save_figure_set(db.engine(), analysis.figures, saved_by=sidebar.user(), caller=access.caller(),
                                made_with=history.made_with(view.settings), scope=history.scope_of(view),
                                source="counts template" if analysis.inputs.templates and not
                                analysis.inputs.loaded.datasets else "records",
                                expected_version=expected_version)
    except StaleEdit as stale:
        st.session_state[_REPLACE] = (_key(view, analysis), stale.current.version)
        who = stale.current.saved_by or "someone"
        st.session_state[_OUTCOME] = ("warning", f"Figures for {period_label(analysis.period)} were already saved by "
                                      f"{who}. Replace them with the figures on screen?")
        return
    except ValueError as error:
        st.session_state[_OUTCOME] = ("error", f"Not saved: {error}")
        return
    st.session_state.pop(_REPLACE, None)
    st.session_state[_OUTCOME] = ("success", f"Saved the figures for {saved.label}. Only counts by group were kept, "
                                  "no person's record.")


def _key(view: state.View, analysis: Analysis) -> str:
    return f"{view.organisation}|{analysis.period.end}|{history.scope_of(view)}"


def _delete(figure_set_id: int, version: int, label: str) -> None:
    if not access.can_edit():
        st.session_state[_OUTCOME] = ("error", "Not removed: removing a period needs the editor role.")
        return
    try:
        delete_figure_set(db.engine(), figure_set_id, expected_version=version, user=sidebar.user(),
                          caller=access.caller())
    except StaleEdit:
        st.session_state[_OUTCOME] = ("error", f"Not removed: someone saved the figures for {label} again a moment "
                                      "ago. Look at them and remove them again if you still want to.")
        return
    st.session_state[_OUTCOME] = ("success", f"Removed the saved figures for {label}.")


def _outcome() -> None:
    found = st.session_state.pop(_OUTCOME, None)
    if found:
        kind, message = found
        getattr(st, kind)(md(message))


def _save_controls(view: state.View, analysis: Analysis, saved: list) -> None:
    st.subheader("Saved periods")
    label = period_label(analysis.period)
    st.markdown(f"Save the figures on screen as **{label}** so that next year's figures can be set beside them. "
                "Only the counts by group (and by band and survey question) are kept, never a person's record.")
    if not access.can_edit():
        access.read_only_note("the saved periods")
    pending = st.session_state.get(_REPLACE) if access.can_edit() else None
    replacing = pending[1] if pending and pending[0] == _key(view, analysis) else None
    if replacing:
        left, right = st.columns(2)
        left.button(f"Replace the saved {label} figures", icon=":material/sync:", type="primary",
                    on_click=_save, args=(view, analysis, replacing))
        right.button("Keep the saved figures", on_click=st.session_state.pop, args=(_REPLACE, None))
    elif access.can_edit():
        st.button(f"Save these figures as {label}", icon=":material/save:", on_click=_save, args=(view, analysis, 0))
    _outcome()
    if not saved:
        st.caption("No period has been saved for this organisation yet.")
        return
    st.html(table_html(pd.DataFrame([{"Period": period_label_of(s), "Scope": s.scope or "Whole organisation",
                                      "From": s.source, "Metrics": len(s.available), "Saved by": s.saved_by or "",
                                      "Saved at (UTC)": f"{s.saved_at:%d %b %Y %H:%M}" if s.saved_at else ""}
                                     for s in saved]), "Saved periods"))
    if not access.can_edit():
        return
    with st.expander("Remove a saved period"):
        choice = st.selectbox("Saved period", saved, format_func=period_label_of, key="trends_remove_choice")
        st.button("Remove it", icon=":material/delete:", on_click=_delete,
                  args=(choice.id, choice.version, period_label_of(choice)))


def period_label_of(summary) -> str:  # noqa: ANN001 - a storage.FigureSetSummary
    return summary.label


def render(view: state.View) -> None:
    analysis = state.analysis(view)
    st.title("Trends")
    sample_note(view)
    period_note(view)  # saving these figures keeps them by period
    st.caption(caption(view, analysis))
    found = history.periods(view, analysis)
    years = found.years
    for note in found.notes:
        st.warning(md(note), icon=":material/warning:")
    st.markdown("Periods: " + ", ".join(period_label(y.period) for y in years) + ".")
    if len(years) < 2:
        st.info("There is only one period so far. Save these figures as a period below; next year, load that "
                "year's files and the change appears here and on the overview.", icon=":material/info:")
    else:
        before, after = years[-2], years[-1]
        st.subheader(f"Change from {period_label(before.period)} to {period_label(after.period)}")
        for metric_id, sentence in changes(years, view.settings).items():
            definition = METRICS[metric_id]
            st.markdown(f"**{definition.number}. {definition.title}.** {md(sentence)}")

    st.subheader("Each metric over time")
    options = list(metrics_of(view.settings.standard))  # the standard's, in its order
    if st.session_state.get(_METRIC) not in (None, *options):  # chosen under a standard that had it
        del st.session_state[_METRIC]
    metric_id = st.selectbox("Metric", options, key=_METRIC,
                             format_func=lambda m: METRICS[m].label)
    spec = trend(years, metric_id, view.settings)
    with chart_and_figures(spec, md(spec.summary)):
        if unknown := unknown_text(years, metric_id):
            st.caption(unknown + " Those people are left out of each comparison; a falling share means better "
                       "records.")
    _save_controls(view, analysis, found.saved)
