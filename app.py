"""The frame every page shares: page set-up, the sidebar, the navigation. Run with `make run`."""

# ruff: noqa: E402 - the app's imports come after the wait below

from __future__ import annotations

import streamlit as st

from ui import warm_up

# On a server just started by `make run`, a thread is importing what this page needs (ui.warm_up): the first run
# waits for it rather than import the same modules at the same time (which can deadlock in Python's import locks).
warm_up.wait_for_first_imports()

from data_loaders.errors import InputError
from ui import access, per_run, sidebar, style, turns
from ui.navigation import METRIC_PAGES, PAY_GAPS_PAGE, pages_for
from ui.safe import md
from ui.state import rerun_tuning

# Many people's runs take turns in the process rather than interleave (ui.turns, issue 29); what a run asks for
# often (the database, the view's figures) it looks up once (ui.per_run).
with turns.turn(rerun_tuning()), per_run.remembering(rerun_tuning()):
    st.set_page_config(page_title="Workforce Race Equality Standard", page_icon=":material/diversity_3:",
                       layout="wide")
    style.apply()

    # Open to everyone, signed in or not: it holds no data.
    ACCESSIBILITY = st.Page("pages/accessibility.py", title="Accessibility statement",
                            icon=":material/accessibility_new:")
    pages = {
        "Overview": [st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True)],
        "Metrics": [st.Page(p.path, title=p.title, icon=p.icon) for p in METRIC_PAGES],
        # Not a standard's metric: listed whichever standard is chosen.
        "Pay gaps": [st.Page(PAY_GAPS_PAGE.path, title=PAY_GAPS_PAGE.title, icon=PAY_GAPS_PAGE.icon)],
        "Compare": [st.Page("pages/trends.py", title="Trends", icon=":material/trending_up:"),
                    st.Page("pages/benchmarking.py", title="Benchmarking", icon=":material/leaderboard:")],
        "Action plan": [st.Page("pages/action_plan.py", title="Action plan", icon=":material/checklist:"),
                        st.Page("pages/report.py", title="Board pack", icon=":material/download:"),
                        st.Page("pages/present.py", title="Present", icon=":material/slideshow:")],
        "Data": [st.Page("pages/data.py", title="Data", icon=":material/upload_file:")],
        "Settings": [st.Page("pages/settings.py", title="Settings", icon=":material/settings:")],
        "About": [ACCESSIBILITY],
    }
    blocked = access.gate()
    if blocked is not None:  # signed out, or not on the access list: that page and the statement, nothing else
        signed_out = st.navigation([st.Page(blocked, title="Sign in", url_path="sign-in", default=True),
                                    ACCESSIBILITY], position="hidden")
        sidebar.open_requested_page(only=frozenset({"pages/accessibility.py"}))
        signed_out.run()
        st.stop()
    navigation = st.navigation(pages, position="hidden")  # the sidebar draws the links (ui.sidebar.menu)
    sidebar.open_requested_page()
    # Every metric page stays open by its address; the menu lists those with a metric of the chosen standard.
    shown = {p.path for p in pages_for(sidebar.chosen_standard())}
    sidebar.menu(pages | {"Metrics": [page for p, page in zip(METRIC_PAGES, pages["Metrics"], strict=True)
                                      if p.path in shown]})
    try:
        sidebar.render()
        navigation.run()
    except InputError as error:  # e.g. storage's NotAllowed: an organisation this account may not read or change
        st.error(md(str(error)), icon=":material/block:")
        st.stop()
    warm_up.import_the_rest()  # the page is drawn: what other pages need is imported while it is read
