"""Backing up what is saved (panels, the action plan, settings, saved periods, history) as one file, and
importing such a file: for safe keeping, and for moving to another server.

Administrators (and the app without sign-in) download every organisation's and may import; an editor downloads
only the organisations they edit, and may not import (a backup can replace any organisation's data). Storage
refuses the same, whatever this page offers.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from storage import NotAllowed, backup_bytes, import_all, read_backup
from ui import access, db, sidebar
from ui.safe import md

_OUTCOME = "backup_outcome"


def _import(data: bytes) -> None:
    if not access.can_import():
        st.session_state[_OUTCOME] = ("error", ["Not imported: importing a backup needs the administrator role."])
        return
    try:
        report = import_all(db.engine(), read_backup(data), user=sidebar.user(), caller=access.caller())
    except (ValueError, NotAllowed) as error:
        st.session_state[_OUTCOME] = ("error", [f"Not imported, and nothing was changed: {error}"])
        return
    st.session_state[_OUTCOME] = ("success", ["Imported. Nothing saved here was deleted; what differed was "
                                              "replaced and is in the history.", *report.lines()])


def render() -> None:
    st.subheader("Backup")
    caller = access.caller()
    edited = caller.edited_organisations
    if edited is not None and not edited:
        st.markdown("A backup holds everything saved for an organisation; downloading one needs the editor role in "
                    "it, and importing one the administrator role.")
        access.read_only_note("this")
        return
    if edited is None:
        st.markdown("Everything saved here (panels, the action plan, settings, saved periods and their history) as "
                    "one file: keep it safe, or import it into another server. Uploaded HR files are never in it.")
    else:
        names = ", ".join(md(name) for name in edited)
        st.markdown(f"Everything saved for {names} (panels, the action plan, settings, saved periods and their "
                    "history) as one file, to keep safe. Uploaded HR files are never in it; other organisations' "
                    "data is not in it either.")
    engine = db.engine()
    st.download_button("Download a backup",
                       lambda: backup_bytes(engine, organisations=edited, caller=caller), on_click="ignore",
                       file_name=f"wres-backup-{dt.date.today():%Y-%m-%d}.json", mime="application/json",
                       icon=":material/download:")
    if not access.can_import():
        st.caption(":material/info: Importing a backup needs the administrator role: a backup can replace any "
                   "organisation's data.")
    else:
        upload = st.file_uploader("Import a backup", type=["json"], key="backup_upload",
                                  help="A file made by 'Download a backup' or `python -m storage export`.")
        if upload is not None:
            st.button("Import it", on_click=_import, args=(upload.getvalue(),), icon=":material/upload:",
                      type="primary")
    show_outcome(_OUTCOME)


def show_outcome(key: str) -> None:
    """What an action's callback left under `key` in the session, ("success" or "error", [lines]), shown once:
    the first line as a message, the rest (file names, counts, names people typed) as plain text."""
    found = st.session_state.pop(key, None)
    if found:
        kind, lines = found
        getattr(st, kind)(md(lines[0]))
        for line in lines[1:]:
            st.text(line)
