"""Signing in, when `[auth]` is configured, and what the signed-in person may do.

With `[auth]` in `.streamlit/secrets.toml`, nobody sees anything until they have signed in with the
OIDC provider (Microsoft Entra ID is what councils use) and their address is on the `[access]`
allow-list (access.policy); viewers read, editors also save panels, the action plan and settings.
Without `[auth]` the app is open, for local use, and the sidebar says so on every page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import streamlit as st

from access import EDITOR, VIEWER, AccessPolicy, PolicyError
from ui.safe import md

ROLE = "access_role"
IDENTITY = "access_identity"
_LOG = logging.getLogger(__name__)


def secrets_section(name: str) -> Any:
    try:
        return st.secrets.get(name)
    except Exception:  # noqa: BLE001 - no secrets file is the usual local case, and Streamlit raises for it
        return None


def auth_configured() -> bool:
    return bool(secrets_section("auth"))


def _sign_in_page() -> None:
    st.title("Workforce Race Equality Standard")
    st.markdown("This dashboard holds special-category personal data about staff (their ethnicity). Sign in with "
                "your organisation's account to continue.")
    st.button("Sign in", on_click=st.login, type="primary", icon=":material/login:")
    st.page_link("pages/accessibility.py", label="Accessibility statement", icon=":material/accessibility_new:")


def _refused_page(message: str) -> Callable[[], None]:
    def page() -> None:
        st.title("Workforce Race Equality Standard")
        st.error(md(message), icon=":material/block:")
        st.button("Sign out", on_click=st.logout, icon=":material/logout:")

    return page


def gate() -> Callable[[], None] | None:
    """None when the person may go on (their role recorded for this run), else the page to show instead."""
    st.session_state.pop(ROLE, None)
    if not auth_configured():
        st.session_state[ROLE] = EDITOR
        st.session_state[IDENTITY] = None
        return None
    if not st.user.is_logged_in:
        return _sign_in_page
    try:
        policy = AccessPolicy.from_mapping(secrets_section("access"))
    except PolicyError as error:
        return _refused_page(f"The dashboard's access list cannot be used: {error}. Ask whoever runs the dashboard "
                             "to correct .streamlit/secrets.toml.")
    email = st.user.get("email")
    role = policy.role_for(email if isinstance(email, str) else None)
    if role is None:
        _LOG.warning("refused a signed-in account that is not on the access list")  # no address in the log
        who = email if isinstance(email, str) and email else "Your account"
        return _refused_page(f"{who} is not on this dashboard's access list. Ask the dashboard's administrator "
                             "to add you as a viewer or an editor.")
    st.session_state[ROLE] = role
    name = st.user.get("name")
    st.session_state[IDENTITY] = str(name or email)
    return None


def role() -> str:
    return st.session_state.get(ROLE) or VIEWER


def can_edit() -> bool:
    return role() == EDITOR


def identity() -> str | None:
    """The signed-in person's name (or address); None when the app runs without sign-in."""
    return st.session_state.get(IDENTITY)


def sidebar_status() -> None:
    if not auth_configured():
        st.sidebar.caption(":material/lock_open: Open access: anyone who can reach this address can see and edit "
                           "it. Set up sign-in ([auth] and [access] in .streamlit/secrets.toml) before real staff "
                           "data goes in.")
        return
    st.sidebar.caption(f"Signed in as {md(identity())} ({role()}).")
    st.sidebar.button("Sign out", on_click=st.logout, icon=":material/logout:", key="access_sign_out")


def read_only_note(what: str = "this") -> None:
    """Say once, where editing would be, why it is not offered."""
    st.caption(f":material/visibility: You can read {what}; saving changes needs the editor role.")
