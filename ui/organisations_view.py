"""Organisations and who belongs to each, and the names data is stored under: administrators only.

An administrator makes an organisation and gives people a role in it (storage.memberships); those roles join
the ones the [access] configuration gives, which are shown beside them and changed only there. Data saved before
organisations were named is under whatever was typed in the sidebar: this lists every stored name with its counts
and moves one name's data to another (storage.organisations.rename_organisation). Storage refuses all of it to
anyone but an administrator, whatever this page shows.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from access import EDITOR, VIEWER
from access.policy import entry_of
from storage import (
    NotAllowed,
    StaleEdit,
    create_organisation,
    members,
    organisations_with_members,
    remove_member,
    rename_organisation,
    set_member,
    stored_organisations,
)
from ui import access, db, sidebar
from ui.backup_view import show_outcome
from ui.figures import table_html
from ui.safe import md

_OUTCOME = "organisations_outcome"
OLD_KEY = "organisations_old"
NEW_KEY = "organisations_new"
TYPED_KEY = "organisations_new_typed"
TYPE_ANOTHER = "Another name (type it below)"
NEW_ORGANISATION_KEY = "organisations_new_name"
CHOSEN_KEY = "organisations_people_of"
MEMBER_KEY = "organisations_member"
ROLE_KEY = "organisations_member_role"
REMOVE_KEY = "organisations_member_remove"
_PEOPLE_OUTCOME = "organisations_people_outcome"
ROLE_WORDS = {EDITOR: "Editor", VIEWER: "Viewer"}
_CHANGED_MEANWHILE = ("Not changed: another administrator changed this person's role a moment ago. Look at the list "
                      "again and retry.")


def _create() -> None:
    name = str(st.session_state.get(NEW_ORGANISATION_KEY) or "").strip()
    try:
        made = create_organisation(db.engine(), name, user=sidebar.user(), caller=access.caller())
    except (ValueError, NotAllowed) as error:
        st.session_state[_PEOPLE_OUTCOME] = ("error", [f"Not made: {error}"])
        return
    st.session_state[NEW_ORGANISATION_KEY] = ""
    st.session_state[CHOSEN_KEY] = made
    st.session_state[_PEOPLE_OUTCOME] = ("success", [f"Made {made!r}: give people a role in it below.", made])


def _give_role() -> None:
    organisation = st.session_state.get(CHOSEN_KEY)
    member = str(st.session_state.get(MEMBER_KEY) or "").strip()
    role = st.session_state.get(ROLE_KEY) or VIEWER
    if not organisation or not member:
        st.session_state[_PEOPLE_OUTCOME] = ("error", ["Not changed: write an address or @domain."])
        return
    engine, caller = db.engine(), access.caller()
    try:
        current = {m.member: m for m in members(engine, organisation, caller=caller)}
        existing = current.get(entry_of(member))
        if existing is not None and existing.role == role:
            st.session_state[_PEOPLE_OUTCOME] = ("success", [f"{existing.member} is already a {role} there."])
            return
        saved = set_member(engine, organisation, member, role, expected_version=existing.version if existing else 0,
                           user=sidebar.user(), caller=caller)
    except StaleEdit:
        st.session_state[_PEOPLE_OUTCOME] = ("error", [_CHANGED_MEANWHILE])
        return
    except (ValueError, NotAllowed) as error:
        st.session_state[_PEOPLE_OUTCOME] = ("error", [f"Not changed: {error}"])
        return
    st.session_state[MEMBER_KEY] = ""
    st.session_state[ROLE_KEY] = VIEWER  # the next person starts from the lesser role
    st.session_state[_PEOPLE_OUTCOME] = ("success", [f"Made {saved.member} {'an' if role == EDITOR else 'a'} {role} "
                                                     f"of {organisation!r}. It takes effect on their next page.",
                                                     saved.member])


def _take_role_away() -> None:
    organisation, member = st.session_state.get(CHOSEN_KEY), st.session_state.get(REMOVE_KEY)
    if not organisation or not member:
        st.session_state[_PEOPLE_OUTCOME] = ("error", ["Not changed: choose the person whose role to take away."])
        return
    engine, caller = db.engine(), access.caller()
    try:
        current = {m.member: m for m in members(engine, organisation, caller=caller)}
        if member not in current:
            raise StaleEdit(None)
        remove_member(engine, organisation, member, expected_version=current[member].version, user=sidebar.user(),
                      caller=caller)
    except StaleEdit:
        st.session_state[_PEOPLE_OUTCOME] = ("error", [_CHANGED_MEANWHILE])
        return
    except (ValueError, NotAllowed) as error:
        st.session_state[_PEOPLE_OUTCOME] = ("error", [f"Not changed: {error}"])
        return
    st.session_state[REMOVE_KEY] = None
    st.session_state[_PEOPLE_OUTCOME] = ("success", [f"Took {member}'s role in {organisation!r} away.", member])


def _people_section() -> None:
    st.subheader("Organisations and people")
    st.markdown("Make an organisation, then give people a role in it: an **editor** saves its panels, action plan "
                "and settings; a **viewer** reads them. Write a whole address, or a domain starting with @ to give "
                "everyone at that address the role. Each person sees only the organisations they belong to.")
    with st.form("organisations_create", clear_on_submit=False):
        st.text_input("New organisation's name", key=NEW_ORGANISATION_KEY, max_chars=200,
                      help="As it should appear on every page and in what is published.")
        st.form_submit_button("Make the organisation", on_click=_create, icon=":material/add_business:")
    engine, caller = db.engine(), access.caller()
    names = access.known_organisations()
    if not names:
        show_outcome(_PEOPLE_OUTCOME)
        st.caption("No organisation is here yet.")
        return
    if st.session_state.get(CHOSEN_KEY) not in names:
        st.session_state.pop(CHOSEN_KEY, None)
    organisation = st.selectbox("People of", names, key=CHOSEN_KEY)
    kept = members(engine, organisation, caller=caller) if organisation else []
    configured = access.configured_people(organisation) if organisation else []
    rows = [{"Person": m.member, "Role": ROLE_WORDS[m.role], "Given by": m.updated_by or "",
             "When (UTC)": f"{m.updated_at:%d %b %Y %H:%M}", "Kept in": "this dashboard"} for m in kept]
    rows += [{"Person": entry, "Role": ROLE_WORDS[role], "Given by": "", "When (UTC)": "",
              "Kept in": ".streamlit/secrets.toml"} for entry, role in configured]
    if rows:
        st.html(table_html(pd.DataFrame(rows), f"People with a role in {organisation}"))
    else:
        st.caption("Nobody has a role in it yet: only administrators can open it.")
    if configured:
        st.caption("Roles kept in .streamlit/secrets.toml are changed there, by whoever runs the server.")
    with st.form("organisations_give_role"):
        st.text_input("Address or @domain", key=MEMBER_KEY, max_chars=200, placeholder="sam.patel@council.gov.uk")
        st.radio("Role", [EDITOR, VIEWER], key=ROLE_KEY, format_func=ROLE_WORDS.__getitem__, horizontal=True,
                 index=1)
        st.form_submit_button("Give this role", on_click=_give_role, icon=":material/person_add:")
    if kept:
        with st.form("organisations_take_role"):
            st.selectbox("Person", [m.member for m in kept], index=None, key=REMOVE_KEY,
                         placeholder="Someone with a role kept here")
            st.form_submit_button("Take their role away", on_click=_take_role_away,
                                  icon=":material/person_remove:")
    show_outcome(_PEOPLE_OUTCOME)


def _rename() -> None:
    """The form's callback: it runs before the page does, so the table below shows the names after the rename."""
    old, chosen = st.session_state.get(OLD_KEY), st.session_state.get(NEW_KEY)
    new = str(st.session_state.get(TYPED_KEY) or "").strip() if chosen == TYPE_ANOTHER else chosen
    if not old or not new:
        st.session_state[_OUTCOME] = ("error", ["Not renamed: choose the stored name and the name to move it to."])
        return
    try:
        report = rename_organisation(db.engine(), old, new, caller=access.caller(), user=sidebar.user())
    except (ValueError, NotAllowed) as error:
        st.session_state[_OUTCOME] = ("error", [f"Not renamed: {error}"])
        return
    st.session_state[OLD_KEY] = None  # the old name is gone from the list
    st.session_state[_OUTCOME] = ("success", [f"Renamed {old!r} to {new!r}; its history says so.", *report.lines()])


def render() -> None:
    if not access.caller().administrator:
        return  # nobody else may see every organisation's name, nor rename one
    if not access.caller().unrestricted_access:  # without sign-in nobody is anyone: there are no people to list
        _people_section()
    st.subheader("Stored organisation names")
    engine, caller = db.engine(), access.caller()
    stored = stored_organisations(engine, caller=caller)
    configured = access.configured_organisations()
    with_people = organisations_with_members(engine, caller=caller)
    reached = set(configured) | with_people
    st.markdown("Data saved before organisations were named is under the name typed then. A name nobody has a role "
                "in is reached by administrators only: rename it to an organisation people belong to, to give its "
                "editors and viewers their data back. Nothing is lost, and the history records the move.")
    if not stored:
        st.caption("Nothing is stored yet.")
    else:
        rows = [{"Organisation": o.name, **{label.capitalize(): count for label, count in o.counts().items()},
                 "Anyone has a role": "yes" if o.name in reached else "no"} for o in stored]
        st.html(table_html(pd.DataFrame(rows), "Organisation names with stored data"))
        unreached = [o.name for o in stored if o.name not in reached]
        if unreached:
            st.warning(md(f"Nobody but administrators has a role in: {', '.join(repr(n) for n in unreached)}."),
                       icon=":material/warning:")
        names = [o.name for o in stored]
        targets = [*access.known_organisations(), TYPE_ANOTHER]
        with st.form("organisations_rename"):
            st.selectbox("Rename", names, index=None, key=OLD_KEY, placeholder="A stored name", format_func=repr)
            st.selectbox("To", targets, index=None, key=NEW_KEY, placeholder="An organisation")
            st.text_input("Another name", key=TYPED_KEY, max_chars=200,
                          help="Used when 'To' is 'Another name'.")
            st.form_submit_button("Rename", on_click=_rename, icon=":material/drive_file_rename_outline:")
    show_outcome(_OUTCOME)
