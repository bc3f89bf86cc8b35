"""Presentation mode, for the screen in a meeting room: one metric per slide, each fitting the screen without
scrolling (1920 x 1080 and 1366 x 768), its finding in about twenty plain words, the chart's text large and black,
and the next or previous slide on the arrow and page keys as well as the buttons.

No sidebar, header or sample-data banner on this page (the CSS below, injected by this page alone, so every
other page keeps them); "Leave presentation" leads back to the overview, by keyboard as by mouse.
"""

from __future__ import annotations

import streamlit as st

import charts
from metrics.narrative import headline
from metrics.registry import metrics_of
from ui import state
from ui.metric_page import CHART_MENU
from ui.safe import md
from ui.status import badge

_INDEX = "present_index"
_PUBLISHED = "present_published"
_KEYS = "present_keys"
CHART_KEY = "present_chart"

# The page is a column as tall as the window; the chart's box takes whatever the rest leaves. Streamlit's own
# header (its menu and "running" indicator) is hidden with the sidebar and the button that reopens it.
CSS = f"""<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"] {{ display: none !important; }}
[data-testid="stMainBlockContainer"] {{
  padding: 0.75rem 2rem 0.5rem !important; max-width: none !important; height: 100vh; box-sizing: border-box;
  display: flex; flex-direction: column;
}}
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] {{
  flex: 1 1 auto; min-height: 0; gap: 0.5rem;
}}
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] > * {{ flex-shrink: 0; }}
:has(> .st-key-{CHART_KEY}), .st-key-{CHART_KEY} {{ flex: 1 1 0 !important; min-height: 12rem; overflow: hidden; }}
[data-testid="stMainBlockContainer"] h1 {{ padding: 0; }}
/* A caption's paragraph keeps a margin that its box takes back with a negative one: below the last line of the
   page, that margin is 16px more to scroll. */
[data-testid="stMainBlockContainer"] [data-testid="stCaptionContainer"] {{ margin-bottom: 0; }}
[data-testid="stMainBlockContainer"] [data-testid="stCaptionContainer"] p {{ margin-bottom: 0; }}
[data-testid="stMainBlockContainer"] h2 {{ font-size: 2rem; line-height: 1.25; padding: 0; }}
</style>"""

# ArrowRight / PageDown: next; ArrowLeft / PageUp: previous. Runs in the page itself (components v2), listening
# on the whole document, and lets keys typed into a text box, a list or a slider do what they do there.
_KEYS_JS = """
export default function(component) {
    const { setTriggerValue } = component;
    const steps = { ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1 };
    const typing = 'textarea, select, [contenteditable="true"], [role="combobox"], [role="listbox"], '
        + '[role="slider"], [role="textbox"], input:not([type="checkbox"]):not([type="radio"]):not([type="button"])';
    const onKey = (event) => {
        const step = steps[event.key];
        if (!step || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
            return;
        }
        const target = event.target;
        if (target instanceof Element && (target.isContentEditable || target.closest(typing))) {
            return;
        }
        event.preventDefault();
        setTriggerValue("step", step);
    };
    if (window.wresPresentKeys) {
        document.removeEventListener("keydown", window.wresPresentKeys);
    }
    window.wresPresentKeys = onKey;
    document.addEventListener("keydown", onKey);
    return () => {
        document.removeEventListener("keydown", onKey);
        if (window.wresPresentKeys === onKey) {
            window.wresPresentKeys = undefined;
        }
    };
}
"""


@st.cache_resource(show_spinner=False)
def _keys():  # noqa: ANN202 - Streamlit's component mounting command
    return st.components.v2.component("wres_present_keys", js=_KEYS_JS)


def _move(step: int, count: int) -> None:
    st.session_state[_INDEX] = (st.session_state.get(_INDEX, 0) + step) % count


def render(view: state.View) -> None:
    st.html(CSS)
    analysis = state.analysis(view)
    metric_ids = list(metrics_of(view.settings.standard))  # the standard's, in its order
    leave, previous, position, following, public = st.columns([2, 2, 2, 2, 3], vertical_alignment="center")
    with leave:
        pressed = _keys()(key=_KEYS, on_step_change=lambda: None)
        if pressed.step in (1, -1):
            _move(int(pressed.step), len(metric_ids))
        st.page_link("pages/overview.py", label="Leave presentation", icon=":material/close:")
    # Within the standard's metrics, if another standard with more of them was being shown.
    index = st.session_state.setdefault(_INDEX, 0) % len(metric_ids)
    previous.button("Previous", on_click=_move, args=(-1, len(metric_ids)), icon=":material/arrow_back:",
                    width="stretch", help="Or the left arrow key, or Page Up")
    position.markdown(f"<p style='text-align:center;font-size:1.2rem;margin:0'>Metric {index + 1} of "
                      f"{len(metric_ids)}</p>", unsafe_allow_html=True)
    following.button("Next", on_click=_move, args=(1, len(metric_ids)), icon=":material/arrow_forward:",
                     width="stretch", type="primary", help="Or the right arrow key, or Page Down")
    shown_in_public = public.toggle(
        "Publication-safe figures", key=_PUBLISHED,
        help=f"For a meeting in public or a screen others can see: counts under {view.settings.suppression_threshold}"
        ", and any figure that would let someone work one out, are withheld, as in the published board pack.")
    results = state.published(view) if shown_in_public else analysis.results
    result = results[metric_ids[index]]
    definition = result.definition
    spec = charts.chart_for(result, view.settings).presented()
    st.title(f"{definition.number}. {definition.title}", anchor=False)
    st.header(f"{badge(result.status)} {md(headline(result, view.settings))}", anchor=False)
    if spec.subtitle:
        st.caption(md(spec.subtitle))
    with st.container(key=CHART_KEY, height="stretch"):
        st.altair_chart(spec.untitled().properties(usermeta=CHART_MENU), width="stretch", height="stretch")
    if spec.small_groups:
        st.warning(f"Too few people to read reliably: {md(', '.join(spec.small_groups))}.",
                   icon=":material/warning:")
    whose = md(view.organisation)
    sample = f"Sample data for {whose}, a fictional council" if view.is_sample else whose
    combined = f" {'; '.join(result.combined)}." if result.combined else ""
    st.caption(f"{analysis.period}. {sample}."
               + (f" Publication-safe: small counts and what would reveal them are withheld.{combined}"
                  if shown_in_public else " Every count as counted: not for a screen the public can see."))
