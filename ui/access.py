"""Signing in, when `[auth]` is configured, and what the signed-in person may do.

With `[auth]` in `.streamlit/secrets.toml`, nobody sees anything until they have signed in with the
OIDC provider (Microsoft Entra ID is what councils use) and their address is on the `[access]`
allow-list (access.policy). What they may do is their Caller, kept for the run: in each organisation,
viewers read, editors also save panels, the action plan and settings; administrators have every organisation.
Storage checks the caller on every read and write; every call the app makes passes `caller()`.
Without `[auth]` the app is open (an unrestricted caller), for local use, and the sidebar says so on every page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import streamlit as st

from access import EDITOR, VIEWER, AccessPolicy, Caller, PolicyError, Role
from pipeline.api import SAMPLE_ORGANISATION
from ui.safe import md

IDENTITY = "access_identity"
CALLER = "access_caller"
ORGANISATION_IN_VIEW = "access_organisation"
NOBODY = Caller()  # no role anywhere: what a run that has not passed the gate acts as
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
    """None when the person may go on (who they are, as a Caller, kept for this run), else the page to show."""
    st.session_state.pop(CALLER, None)
    if not auth_configured():
        st.session_state[IDENTITY] = None
        st.session_state[CALLER] = Caller.unrestricted()
        return None
    if not st.user.is_logged_in:
        return _sign_in_page
    try:
        policy = AccessPolicy.from_mapping(secrets_section("access"))
    except PolicyError as error:
        return _refused_page(f"The dashboard's access list cannot be used: {error}. Ask whoever runs the dashboard "
                             "to correct .streamlit/secrets.toml.")
    email = st.user.get("email")
    address = email if isinstance(email, str) else None
    found = policy.caller_for(address)
    kept = _roles_kept(address)
    if kept:
        found = (found or Caller(identity=address.strip().lower() if address else None)).with_roles(kept)
    if found is None:
        _LOG.warning("refused a signed-in account that is not on the access list")  # no address in the log
        who = email if isinstance(email, str) and email else "Your account"
        return _refused_page(f"{who} is not on this dashboard's access list. Ask the dashboard's administrator "
                             "to add you as a viewer or an editor.")
    # Everyone let in may read the built-in sample (it is no one's data); only its editors change what is saved there.
    st.session_state[CALLER] = found.also_reading(SAMPLE_ORGANISATION)
    name = st.user.get("name")
    st.session_state[IDENTITY] = str(name or email)
    return None


def _roles_kept(address: str | None) -> tuple[tuple[str, Role], ...]:
    """The roles an administrator gave this address (or its @domain) in the database (Settings, Organisations and
    people). A database that cannot be opened gives none here: the page then says what is wrong with it."""
    if not address:
        return ()
    from sqlalchemy.exc import SQLAlchemyError

    from storage import DatabaseUnavailable, roles_of
    from ui import db

    try:
        return roles_of(db.engine(), address)
    except (DatabaseUnavailable, SQLAlchemyError):
        _LOG.warning("could not read the organisations' memberships; going on with the configured roles only")
        return ()


def configured_organisations() -> list[str]:
    """The organisations the [access] configuration names, in its order; none when there is none (or it is broken:
    the gate has already refused everyone then)."""
    try:
        policy = AccessPolicy.from_mapping(secrets_section("access"))
    except PolicyError:
        return []
    return [o.name for o in policy.organisations]


def known_organisations() -> list[str]:
    """The organisations the service knows that the caller may read (made on Settings, named in the configuration,
    or with data saved under them), by name."""
    from storage import known_organisations as made_or_stored
    from ui import db

    who = caller()
    return sorted(set(made_or_stored(db.engine(), caller=who)) | {o for o in configured_organisations()
                                                                     if who.may_read(o)})


def configured_people(organisation: str) -> list[tuple[str, Role]]:
    """The addresses and @domains the [access] configuration gives a role in `organisation`, editors first."""
    try:
        policy = AccessPolicy.from_mapping(secrets_section("access"))
    except PolicyError:
        return []
    found: list[tuple[str, Role]] = []
    for named in policy.organisations:
        if named.name == organisation:
            found += [(entry, EDITOR) for entry in sorted(named.editors)]
            found += [(entry, VIEWER) for entry in sorted(named.viewers - named.editors)]
    return found


def caller() -> Caller:
    """Who is acting in this run, for every storage call; a run that has not passed the gate may do nothing."""
    found = st.session_state.get(CALLER)
    return found if isinstance(found, Caller) else NOBODY


def set_organisation(organisation: str) -> None:
    """The organisation in view (the sidebar's choice): the one role() and can_edit() are about."""
    st.session_state[ORGANISATION_IN_VIEW] = organisation


def organisation_in_view() -> str | None:
    return st.session_state.get(ORGANISATION_IN_VIEW)


def role() -> str:
    """The caller's role in the organisation in view (viewer when none is chosen yet)."""
    organisation = organisation_in_view()
    found = caller().role_in(organisation) if organisation else None
    return found or VIEWER


def can_edit() -> bool:
    organisation = organisation_in_view()
    return organisation is not None and caller().may_edit(organisation)


def can_import() -> bool:
    return caller().may_import


def identity() -> str | None:
    """The signed-in person's name (or address); None when the app runs without sign-in."""
    return st.session_state.get(IDENTITY)


def sidebar_status() -> None:
    if not auth_configured():
        st.sidebar.caption(":material/lock_open: Open access: anyone who can reach this address can see and edit "
                           "it. Set up sign-in ([auth] and [access] in .streamlit/secrets.toml) before real staff "
                           "data goes in.")
        return
    who = caller()
    if who.administrator:
        what = "administrator"
    elif who.organisations is None:  # a role in every organisation, as on a server for one council
        what = role()
    else:
        what = f"{role()} of {organisation_in_view() or 'no organisation'}"
    st.sidebar.caption(f"Signed in as {md(identity())} ({md(what)}).")
    st.sidebar.button("Sign out", on_click=st.logout, icon=":material/logout:", key="access_sign_out")


def read_only_note(what: str = "this") -> None:
    """Say once, where editing would be, why it is not offered."""
    st.caption(f":material/visibility: You can read {what}; saving changes needs the editor role in "
               f"{md(organisation_in_view() or 'this organisation')}.")
