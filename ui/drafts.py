"""Text typed in a panel and not saved: kept for the rest of the session, and said to be unsaved.

A page switch used to lose it without a word (Streamlit forgets a text box's value in a run that does not
draw it), and so did a reload. Now the draft comes back when its panel is drawn again, the sidebar lists
every unsaved panel with a link to it, and while any is unsaved the browser asks before the tab is reloaded
or closed (a reload starts a new session, which cannot see this one's drafts).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from storage import PANEL_KINDS
from ui.navigation import page_for
from ui.safe import md

_DRAFTS = "panel_drafts"  # {text key: Draft}

# The browser's own "Leave site? Changes you made may not be saved." while anything is unsaved.
_LEAVE_WARNING_JS = """
export default function(component) {
    window.wresUnsavedPanels = Number(component.data) || 0;
    if (!window.wresLeaveWarning) {
        window.wresLeaveWarning = (event) => {
            if (window.wresUnsavedPanels > 0) {
                event.preventDefault();
                event.returnValue = "";
            }
        };
        window.addEventListener("beforeunload", window.wresLeaveWarning);
    }
}
"""


@dataclass(frozen=True)
class Draft:
    organisation: str
    period: str
    metric: str
    kind: str
    text: str
    version: int  # the saved version it was typed over: a later save is checked against this
    scope: str = ""  # what the panel is written for (storage.panel_scope): "" the whole organisation


def get(text_key: str) -> Draft | None:
    return st.session_state.get(_DRAFTS, {}).get(text_key)


def put(text_key: str, draft: Draft) -> None:
    st.session_state.setdefault(_DRAFTS, {})[text_key] = draft


def forget(text_key: str) -> None:
    st.session_state.get(_DRAFTS, {}).pop(text_key, None)


def unsaved() -> list[Draft]:
    """This session's unsaved drafts, in the order they were started."""
    return list(st.session_state.get(_DRAFTS, {}).values())


@st.cache_resource(show_spinner=False)
def _leave_warning():  # noqa: ANN202 - Streamlit's component mounting command
    return st.components.v2.component("wres_leave_warning", js=_LEAVE_WARNING_JS)


def sidebar_note(organisation: str) -> None:
    """In the sidebar: which panels hold unsaved text, each a link to its page; and the browser's warning."""
    waiting = [d for d in unsaved() if d.organisation == organisation]
    _leave_warning()(data=len(waiting), key="wres_leave_warning")
    if not waiting:
        return
    with st.sidebar.container(border=True):
        st.markdown(f":orange-badge[:material/edit_note: Unsaved] {len(waiting)} "
                    f"{'panel has' if len(waiting) == 1 else 'panels have'} text you have not saved:")
        for draft in waiting:
            page = page_for(draft.metric)
            st.page_link(page.path, label=f"{page.title}: {md(PANEL_KINDS[draft.kind])}", icon=":material/edit:")
