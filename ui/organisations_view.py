"""The organisation names data is stored under, and renaming one to a configured name: administrators only.

Data saved before organisations came from the [access] configuration is under whatever was typed in the
sidebar; such a name matches no configured organisation, so only administrators reach it. This lists every
stored name with its counts, flags those the configuration does not name, and moves one name's data to another
(storage.organisations.rename_organisation, which also refuses anyone but an administrator).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from storage import NotAllowed, rename_organisation, stored_organisations
from ui import access, db, sidebar
from ui.backup_view import show_outcome
from ui.figures import table_html
from ui.safe import md

_OUTCOME = "organisations_outcome"
OLD_KEY = "organisations_old"
NEW_KEY = "organisations_new"
TYPED_KEY = "organisations_new_typed"
TYPE_ANOTHER = "Another name (type it below)"


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
    st.subheader("Stored organisation names")
    stored = stored_organisations(db.engine(), caller=access.caller())
    configured = access.configured_organisations()
    st.markdown("Data saved before organisations were configured is under the name typed then. A name the access "
                "configuration does not have is reached by administrators only: rename it to a configured one to "
                "give its editors and viewers their data back. Nothing is lost, and the history records the move.")
    if not stored:
        st.caption("Nothing is stored yet.")
    else:
        rows = [{"Organisation": o.name, **{label.capitalize(): count for label, count in o.counts().items()},
                 "Configured": "yes" if o.name in configured else "no"} for o in stored]
        st.html(table_html(pd.DataFrame(rows), "Organisation names with stored data"))
        unconfigured = [o.name for o in stored if o.name not in configured]
        if not configured:
            st.caption("No organisations are configured ([access.organisations] in .streamlit/secrets.toml): "
                       "'To' takes a typed name only.")
        elif unconfigured:
            st.warning(md(f"Not in the access configuration: {', '.join(repr(n) for n in unconfigured)}."),
                       icon=":material/warning:")
        names = [o.name for o in stored]
        targets = [*configured, TYPE_ANOTHER]
        with st.form("organisations_rename"):
            st.selectbox("Rename", names, index=None, key=OLD_KEY, placeholder="A stored name", format_func=repr)
            st.selectbox("To", targets, index=None, key=NEW_KEY, placeholder="A configured organisation")
            st.text_input("Another name", key=TYPED_KEY, max_chars=200,
                          help="Used when 'To' is 'Another name'; write it as the configuration names it.")
            st.form_submit_button("Rename", on_click=_rename, icon=":material/drive_file_rename_outline:")
    show_outcome(_OUTCOME)
