"""The shared sidebar: whose data, which period, which service, which standard, who is editing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st

from metrics.records import AssumedPeriodEnd, day_words
from metrics.registry import DEFAULT_STANDARD, STANDARDS
from metrics.settings import Settings
from pipeline.api import SAMPLE_ORGANISATION
from ui import access, drafts, state
from ui.safe import md

ALL_SERVICES = "All services"
CURRENT_VIEW = "current_view"
REQUESTED_PAGE = "requested_page"


def menu(sections: dict[str, list[st.Page]]) -> None:
    """The pages as links at the top of the sidebar, under their group names. Drawn here, not by
    st.navigation, whose list puts each group's name (a div) straight inside the list and its links in
    no list at all, so a screen reader announces neither the list nor how many pages it holds (axe-core:
    'list', 'listitem')."""
    with st.sidebar.container(key="menu"):
        for section, pages in sections.items():
            st.caption(md(section))
            for page in pages:
                st.page_link(page)
    st.sidebar.divider()


def chosen_standard() -> str:
    """The standard chosen in the sidebar (its control keeps the choice across runs), before the sidebar is drawn:
    the menu above it lists that standard's pages."""
    chosen = st.session_state.get(state.STANDARD)
    return chosen if chosen in STANDARDS else DEFAULT_STANDARD


def _saved_settings(organisation: str) -> Settings:
    # Imported here, not at the top: on a cold start the database library's import (a third of a second)
    # then overlaps the files being read in the background.
    from storage import load_settings, settings_from_values
    from ui import db

    values, _version = load_settings(db.engine(), organisation, caller=access.caller())
    return settings_from_values(values)


ORGANISATION_CHOICE = "sidebar_organisation_choice"


def _typed_organisation() -> str:
    state.restore_widget(state.ORGANISATION)
    organisation = st.sidebar.text_input("Organisation", key=state.ORGANISATION, placeholder="Your organisation's name")
    state.remember_widget(state.ORGANISATION)
    return organisation.strip() or "My organisation"


def _organisation() -> str:
    """Whose data. Without sign-in (one council on its own machine): a free-text box, as ever. Signed in: only the
    organisations the person may use, chosen from a list (shown as text when there is one): an administrator's or
    an every-organisation role's list is every organisation the service knows (made on Settings, or with data)."""
    sidebar = st.sidebar
    caller = access.caller()
    mine = caller.organisations
    if mine is None:
        if caller.unrestricted_access:
            return _typed_organisation()
        mine = tuple(access.known_organisations())
        if not mine:
            if caller.administrator:
                sidebar.caption("No organisation is here yet: make the first on Settings, under Organisations and "
                                "people, or type its name to start.")
            return _typed_organisation()
    if not mine:  # no one gets past the gate without an organisation; should one, they see none
        sidebar.error("Your account belongs to no organisation on this dashboard.", icon=":material/block:")
        st.stop()
    if len(mine) == 1:
        sidebar.markdown(f"Organisation: **{md(mine[0])}**")
        return mine[0]
    state.restore_widget(ORGANISATION_CHOICE)
    if st.session_state.get(ORGANISATION_CHOICE) not in mine:
        st.session_state.pop(ORGANISATION_CHOICE, None)
    organisation = sidebar.selectbox("Organisation", mine, key=ORGANISATION_CHOICE)
    state.remember_widget(ORGANISATION_CHOICE)
    return organisation if organisation in mine else mine[0]


def render() -> state.View:
    """Draw the sidebar and return the view every page shows."""
    sidebar = st.sidebar
    if state.using_sample():
        organisation = SAMPLE_ORGANISATION
        access.set_organisation(organisation)
        sidebar.markdown(f"**{md(organisation)}**  \n:orange-badge[:material/science: Sample data]")
        snapshots = state.sample_snapshot_names()
        snapshot = sidebar.selectbox(
            "Period (12 months to)", snapshots, index=len(snapshots) - 1, key=state.SNAPSHOT,
            format_func=lambda s: f"{dt.date.fromisoformat(s).day} {dt.date.fromisoformat(s):%B %Y}",
        )
        # Read in the background while the database is opened; then the year before, which the overview
        # compares with, while this year is counted and drawn.
        sources = state.read_sample_ahead(snapshot)
        saved = _saved_settings(organisation)
        period_end = dt.date.fromisoformat(snapshot)
        assumed = None
    else:
        sources = tuple(state.uploads())
        state.read_ahead(sources)
        organisation = _organisation()
        access.set_organisation(organisation)
        saved = _saved_settings(organisation)
        period_end, assumed = _period_end(state.assumed_period(sources))
    service = sidebar.selectbox("Service", [ALL_SERVICES, *state.services(sources)], key=state.SERVICE)
    offered = list(saved.offered_standards)  # the standards the organisation publishes (Settings)
    # Kept across a run that stops before drawing it (reading new files does), as the organisation box is.
    state.restore_widget(state.STANDARD)
    if st.session_state.get(state.STANDARD) not in offered:
        st.session_state[state.STANDARD] = offered[0]
    standard = sidebar.radio("Standard", offered, key=state.STANDARD,
                             format_func=lambda s: STANDARDS[s].name, horizontal=True,
                             help="Which standard's metrics the pages show: "
                             + "; ".join(f"{STANDARDS[s].name}, the {STANDARDS[s].title}" for s in offered)
                             + ". Settings says which standards your organisation publishes.")
    state.remember_widget(state.STANDARD)
    if access.identity() is None:
        sidebar.text_input("Your name (shown beside what you save)", key=state.USER, placeholder="e.g. Sam Patel")
    access.sidebar_status()
    drafts.sidebar_note(organisation)

    settings = saved.with_(standard=standard, period_end=period_end)
    filters = () if service == ALL_SERVICES else (("service", (service,)),)
    view = state.View(sources, state.using_sample(), organisation, settings, filters, assumed_period=assumed)
    st.session_state[CURRENT_VIEW] = view
    return view


def _period_end(assumed: AssumedPeriodEnd) -> tuple[dt.date, AssumedPeriodEnd | None]:
    """The period control for the person's own files: the date the files suggest, and why, until they set one.
    Returns the period end and, while it is the files' suggestion, the suggestion."""
    chosen = state.chosen_period_end()
    # Put in the control's key before it is drawn, not given as its value: a value given is used only when the
    # control first appears, so the files' suggestion would not follow the files as they are added.
    st.session_state[state.PERIOD_END] = chosen or assumed.end
    sidebar = st.sidebar
    period_end = sidebar.date_input("Period end (12 months to)", key=state.PERIOD_END, format="DD/MM/YYYY",
                                    on_change=state.choose_period_end)
    if chosen is None:
        sidebar.caption(f"Assumed, not set by you: {md(assumed.reason)}. Pick a date to set your own.")
        return period_end, assumed
    sidebar.caption("The period end you set.")
    if chosen != assumed.end:
        sidebar.button(f"Use {day_words(assumed.end)}, from the files", on_click=state.unchoose_period_end,
                       help=md(f"The files suggest it: {assumed.reason}."), icon=":material/undo:")
    return period_end, None


def _legacy_pages_mode() -> bool:
    # Streamlit decides at start-up that an app with a pages/ folder is a version-1 multipage
    # app, until app.py's first st.navigation call says otherwise. So a fresh server's first
    # request for a page's URL runs that page alone, without app.py's frame.
    from streamlit.runtime.pages_manager import PagesManager

    return bool(PagesManager.uses_pages_directory)


def current_view(page_file: str) -> state.View:
    """The view app.py's sidebar made for this run; `page_file` is the calling page's __file__."""
    if _legacy_pages_mode() or CURRENT_VIEW not in st.session_state:
        st.session_state[REQUESTED_PAGE] = f"pages/{Path(page_file).name}"
        st.switch_page("app.py")
    return st.session_state[CURRENT_VIEW]


def in_frame(page_file: str) -> None:
    """For a page that shows no data (so needs no view): run it inside app.py's frame, as current_view does."""
    if _legacy_pages_mode():
        st.session_state[REQUESTED_PAGE] = f"pages/{Path(page_file).name}"
        st.switch_page("app.py")


def open_requested_page(only: frozenset[str] | None = None) -> None:
    """After a cold start sent a page request through app.py, go on to the page asked for (if it is one of
    `only`, when given: a signed-out person may open only the pages that show no data)."""
    requested = st.session_state.pop(REQUESTED_PAGE, None)
    if requested and (only is None or requested in only):
        st.switch_page(requested)


def user() -> str:
    """Who is saving: the signed-in name when there is sign-in, else the name typed in the sidebar."""
    return access.identity() or (st.session_state.get(state.USER) or "").strip() or "Anonymous"
