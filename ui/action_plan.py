"""The objectives table, edited in place and saved; rows someone else changed meanwhile are kept.

The plan shown is the sidebar standard's (storage.standard_scope): a trust's NHS WRES and WDES plans are kept apart,
and the page says whose plan it is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pandas as pd
import streamlit as st

from metrics.counts import Period
from metrics.registry import STANDARDS, THEMES
from metrics.settings import RAG_WORDS, Settings
from reports.safe import csv_bytes
from storage import (
    Action,
    SaveResult,
    StaleEdit,
    action_from_state,
    action_history,
    load_actions,
    restore_action,
    save_actions,
    standard_scope,
)
from ui import access, db, objective_form, sidebar
from ui.panels import CURRENT_VERSION
from ui.safe import md

_RESULT = "action_plan_result"
_LOADED = "action_plan_loaded"  # the table as this person opened it, the base of their edits
_EDITOR = "action_plan_editor"
_RESTORED = "action_plan_restored"
_MODE = "action_plan_mode"
GRID, ONE_AT_A_TIME = "grid", "one at a time"
MODES = {GRID: "Editable grid", ONE_AT_A_TIME: "Table and form, one objective at a time"}
COLUMNS = {
    "number": "No",
    "objective": "Objective",
    "themes": "WRES theme",
    "metrics": "Metrics",
    "lead": "Lead",
    "data_from_metrics": "Data from WRES metrics",
    "specific_actions": "Specific actions",
    "indicators": "Indicators of improvement (what good looks like)",
    "timeframe": "Timeframe",
    "progress": "Progress",
    "rag": "RAG status",
}


def _frame(actions: list[Action]) -> pd.DataFrame:
    rows = [a.to_row() | {"rag": RAG_WORDS.get(a.rag or "")} for a in actions]
    frame = pd.DataFrame(rows, columns=["id", "version", *COLUMNS])
    return frame.astype({"id": "Int64", "version": "Int64", "number": "Int64"})


def plan_csv(actions: list[Action]) -> bytes:
    """The saved plan as a CSV a spreadsheet opens safely (reports.safe.csv_bytes), in the grid's columns."""
    return csv_bytes([a.to_row() | {"rag": RAG_WORDS.get(a.rag or "")} for a in actions], COLUMNS)


def _actions(frame: pd.DataFrame) -> list[Action]:
    reverse_rag = {v: k for k, v in RAG_WORDS.items()}
    # The frame's columns are the actions' field names; pandas-stubs types a record's keys as any Hashable.
    records = cast("list[dict[str, Any]]", frame.to_dict("records"))
    return [Action.from_row(row | {"rag": reverse_rag.get(rag) if isinstance(rag := row.get("rag"), str) else None})
            for row in records]


def year_words(period: str) -> str:
    """The 12 months to the period end as a plan names them: "2025/26" (1 April 2025 to 31 March 2026), "2025"
    for a calendar year."""
    year = Period.twelve_months_to(dt.date.fromisoformat(period))
    return str(year.end.year) if year.start.year == year.end.year else f"{year.start.year}/{year.end.year % 100:02d}"


def plan_title(standard: str, period: str) -> str:
    """Whose plan the page shows: "The NHS WRES action plan for 2025/26"."""
    return f"The {STANDARDS[standard].name} action plan for {year_words(period)}"


def csv_name(standard: str, period: str) -> str:
    """The plan's download, named by its standard and period: "action-plan-nhs-wres-2026-03-31.csv"."""
    return f"action-plan-{standard}-{period}.csv"


def _reload() -> None:
    st.session_state.pop(_LOADED, None)
    st.session_state.pop(_EDITOR, None)


def rag_key(settings: Settings) -> str:
    """The RAG key as markdown, in the organisation's words (Settings page)."""
    return " · ".join(f"**{word}**: {md(meaning)}" for word, meaning in settings.rag_key())


def render(organisation: str, period: str, settings: Settings) -> None:
    """The plan of the settings' standard (Settings.standard, the sidebar's choice) for the organisation and period."""
    standard = settings.standard
    scope = standard_scope(standard)
    key = (organisation, period, scope)
    if st.session_state.get(_LOADED, (None, None))[0] != key:
        st.session_state[_LOADED] = (key, load_actions(db.engine(), organisation, period, scope=scope,
                                                       caller=access.caller()))
        st.session_state.pop(_EDITOR, None)
    stored = st.session_state[_LOADED][1]
    st.header(plan_title(standard, period))
    others = [STANDARDS[s].name for s in STANDARDS if s != standard]
    st.caption(f"Each standard has its own plan: this is the {STANDARDS[standard].name}'s. The "
               f"{' and '.join(others)} plans are kept apart; choose the standard in the sidebar to see one.")
    st.markdown(rag_key(settings))
    editor = access.can_edit()
    if not editor:
        access.read_only_note("the action plan")
    mode = st.radio("Show the plan", list(MODES), key=_MODE, horizontal=True, format_func=MODES.get,
                    help="The grid is edited cell by cell, like a spreadsheet. The table and form suit a keyboard "
                    "or a screen reader: the plan as a plain table, and one objective at a time in labelled fields.")
    if mode == ONE_AT_A_TIME:
        objective_form.plan_table(stored, COLUMNS, RAG_WORDS)
        if editor:
            objective_form.draft_note()
            objective_form.render(organisation, period, stored, COLUMNS,
                                  {r: f"{word}: {settings.rag_meanings[r]}" for r, word in RAG_WORDS.items()},
                                  lambda result: _saved(key, result), standard)
    else:
        _grid(organisation, period, key, stored, editor, standard)
    result = st.session_state.pop(_RESULT, None)
    if result is not None:
        if result.conflicts:
            st.warning(f"Saved, except {len(result.conflicts)} row(s) that someone else changed while you were "
                       "editing. Make your change again if it still applies.", icon=":material/sync_problem:")
            for conflict in result.conflicts:
                st.text(conflict.message)
        else:
            st.success("Saved.", icon=":material/check:")
    if stored:
        latest = max((a for a in stored if a.updated_at), key=lambda a: a.updated_at, default=None)
        if latest is not None:
            st.caption(f"Last change by {md(latest.updated_by or 'someone')} on "
                       f"{latest.updated_at.day} {latest.updated_at:%B %Y at %H:%M} (UTC).")
    _history(organisation, period, scope, stored)


def _grid(organisation: str, period: str, key: tuple[str, str, str], stored: list[Action], editor: bool,
          standard: str) -> None:
    choices = objective_form.metric_choices(standard, [m for a in stored for m in a.metrics])
    edited = st.data_editor(
        _frame(stored), key=_EDITOR, num_rows="dynamic" if editor else "fixed", hide_index=True, width="stretch",
        disabled=not editor,
        column_order=list(COLUMNS),
        column_config={
            "number": st.column_config.NumberColumn(COLUMNS["number"], min_value=1, step=1, width="small"),
            "objective": st.column_config.TextColumn(COLUMNS["objective"], required=True, width="large"),
            "themes": st.column_config.MultiselectColumn(COLUMNS["themes"], options=list(THEMES)),
            "metrics": st.column_config.MultiselectColumn(
                COLUMNS["metrics"], options=choices, format_func=lambda m: objective_form.metric_label(m, standard)),
            "lead": st.column_config.TextColumn(COLUMNS["lead"]),
            "data_from_metrics": st.column_config.TextColumn(COLUMNS["data_from_metrics"], width="medium"),
            "specific_actions": st.column_config.TextColumn(COLUMNS["specific_actions"], width="large"),
            "indicators": st.column_config.TextColumn(COLUMNS["indicators"], width="large"),
            "timeframe": st.column_config.TextColumn(COLUMNS["timeframe"]),
            "progress": st.column_config.TextColumn(COLUMNS["progress"], width="large"),
            "rag": st.column_config.SelectboxColumn(COLUMNS["rag"], options=list(RAG_WORDS.values())),
        },
    )
    save, reload, download = st.columns([1, 2, 1])
    reload.button("Discard my edits and load the latest", on_click=_reload, icon=":material/refresh:")
    # The grid's own CSV download is off (.streamlit/config.toml: it writes what was typed, formulas and all); this
    # one is the saved plan with text that a spreadsheet could run as a formula neutralised.
    download.download_button(f"Download the {STANDARDS[standard].name} plan (CSV)", plan_csv(stored),
                             file_name=csv_name(standard, period), mime="text/csv", icon=":material/download:",
                             on_click="ignore")
    if editor and save.button("Save the action plan", icon=":material/save:", type="primary"):
        try:
            # The table as loaded tells a row this person deleted from one someone else added since.
            result = save_actions(db.engine(), organisation, period, _actions(edited), user=sidebar.user(),
                                  original=stored, scope=key[2], caller=access.caller())
        except ValueError as error:
            st.error(f"Not saved: {md(error)}", icon=":material/error:")
            return
        _saved(key, result)


def _saved(key: tuple[str, str, str], result: SaveResult) -> None:
    """After a save from the grid or the form: the plan as stored now, and what happened, said on the next run."""
    st.session_state.pop(_EDITOR, None)
    st.session_state[_LOADED] = (key, result.saved)
    st.session_state[_RESULT] = result
    st.rerun()


def _restore(entry_id: int, expected_version: int) -> None:
    if not access.can_edit():
        st.session_state[_RESTORED] = ("error", "Not restored: restoring needs the editor role.")
        return
    try:
        action = restore_action(db.engine(), entry_id, user=sidebar.user(), expected_version=expected_version,
                                caller=access.caller())
    except StaleEdit as stale:
        who = getattr(stale.current, "updated_by", None) or "someone"
        st.session_state[_RESTORED] = ("error", f"Not restored: {who} changed this objective after you opened the "
                                       "page. Look at it again, then restore if you still want to.")
        return
    except (LookupError, ValueError) as error:
        st.session_state[_RESTORED] = ("error", f"Not restored: {error}")
        return
    _reload()
    st.session_state[_RESTORED] = ("success", f"Restored objective {action.number} as version {action.version}.")


def _in_plan(state: dict[str, Any], stored: list[Action]) -> bool:
    """Whether the plan holds an objective as `state` recorded it (its number aside), as restoring would find."""
    try:
        recorded = action_from_state(state).content()[1:]
    except (KeyError, TypeError):
        return False
    return any(a.content()[1:] == recorded for a in stored)


def _history(organisation: str, period: str, scope: str, stored: list[Action]) -> None:
    restored = st.session_state.pop(_RESTORED, None)
    if restored:
        getattr(st, restored[0])(md(restored[1]))
    entries = action_history(db.engine(), organisation, period, limit=100, scope=scope, caller=access.caller())
    if not entries:
        return
    current = {a.id: a.version for a in stored}
    with st.expander(f"Change history ({len(entries)})"):
        st.caption("Every saved change to the plan, newest first. Restoring an objective saves it again as it was "
                   "then; a deleted one comes back.")
        for entry in entries:
            state = entry.recorded or {}
            when = entry.changed_at
            action_id = int(entry.entity_key)
            is_current = entry.change != "deleted" and current.get(action_id) == entry.version
            # A deleted objective comes back under a new id: once back, it is not offered again.
            back = action_id not in current and _in_plan(state, stored)
            st.markdown(f"**{md(entry.change.capitalize())}**: objective {md(state.get('number', '?'))}, "
                        f"“{md(str(state.get('objective', ''))[:200])}”, by {md(entry.changed_by or 'someone')} "
                        f"on {when.day} {when:%B %Y at %H:%M} (UTC)"
                        + (f": {CURRENT_VERSION}" if is_current else ": brought back since" if back else ""))
            if access.can_edit() and not is_current and not back:
                label = "Bring it back" if action_id not in current else "Restore this version"
                st.button(label, key=f"action_restore_{entry.id}", on_click=_restore,
                          args=(entry.id, current.get(action_id, 0)), icon=":material/history:")
