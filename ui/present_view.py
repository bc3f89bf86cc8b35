"""Presentation mode: one chart per screen with its headline, large type, next and previous."""

from __future__ import annotations

import streamlit as st

import charts
from metrics.registry import METRICS
from ui import state
from ui.metric_page import draw_chart
from ui.safe import md
from ui.status import badge

_INDEX = "present_index"


def _move(step: int) -> None:
    st.session_state[_INDEX] = (st.session_state.get(_INDEX, 0) + step) % len(METRICS)


_PUBLISHED = "present_published"


def render(view: state.View) -> None:
    analysis = state.analysis(view)
    metric_ids = list(METRICS)
    index = st.session_state.setdefault(_INDEX, 0)
    shown_in_public = st.toggle(
        "Publication-safe figures", key=_PUBLISHED,
        help=f"For a meeting in public or a screen others can see: counts under {view.settings.suppression_threshold}"
        ", and any figure that would let someone work one out, are withheld, as in the published board pack.")
    results = state.published(view) if shown_in_public else analysis.results
    result = results[metric_ids[index]]
    definition = result.definition
    spec = charts.chart_for(result, view.settings)
    previous, position, following = st.columns([1, 2, 1], vertical_alignment="center")
    previous.button("Previous", on_click=_move, args=(-1,), icon=":material/arrow_back:", width="stretch")
    position.markdown(f"<p style='text-align:center;font-size:1.3rem'>Metric {definition.number} of "
                      f"{len(metric_ids)}</p>", unsafe_allow_html=True)
    following.button("Next", on_click=_move, args=(1,), icon=":material/arrow_forward:", width="stretch",
                     type="primary")
    st.title(f"{definition.number}. {definition.title}")
    st.markdown(f"## {badge(result.status)}")
    # The headline in large type: the chart's one-sentence finding.
    st.markdown(f"### {md(spec.summary)}")
    draw_chart(spec)
    if spec.small_groups:
        st.warning(f"Too few people to read reliably: {md(', '.join(spec.small_groups))}.",
                   icon=":material/warning:")
    st.caption(f"{analysis.period}. {md(view.organisation)}."
               + (" Publication-safe: small counts and what would reveal them are withheld." if shown_in_public
                  else " Every count as counted: not for a screen the public can see."))
