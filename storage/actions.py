"""The action plan: the objectives table councils publish (Brighton, Birmingham) with RAG ratings.

An organisation keeps one plan per period and standard (schema version 7): a council its SC-WRES plan, a trust its
NHS WRES plan and its WDES plan. The plan's scope is the standard's as storage.panels.panel_scope(standard) words it
with no filters ("" for the default standard, the SC-WRES; "NHS WRES"; "WDES"): a plan is the whole organisation's.
Every read, save and restore takes it (`scope=`, default "": the SC-WRES plan, where every plan was written before).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from numbers import Real
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.engine import Connection

from access import Caller
from metrics.registry import METRICS, STANDARDS, THEMES
from metrics.settings import DEFAULT_RAG_MEANINGS
from storage.allowed import UNRESTRICTED, check_edit, check_read
from storage.db import (
    ACTION_STATE_FIELDS,
    StaleEdit,
    action_state,
    actions,
    as_utc,
    check_name,
    check_period,
    check_text,
    inserted_id,
    read_connection,
    utc_now,
    write_audit,
    write_transaction,
)
from storage.figure_sets import standard_scope

# The ratings a row may have, with the key's default words; an organisation's own key is
# Settings.rag_meanings (metrics.settings), shown wherever the plan is.
RAG_MEANINGS: dict[str, str] = DEFAULT_RAG_MEANINGS

TEXT_FIELDS: dict[str, str] = {
    "objective": "objective",
    "lead": "lead",
    "data_from_metrics": "data from the metrics",
    "specific_actions": "specific actions",
    "indicators": "indicators of improvement",
    "timeframe": "timeframe",
    "progress": "progress",
}
CONTENT_FIELDS: tuple[str, ...] = ("number", *TEXT_FIELDS, "themes", "metrics", "rag")


def plan_scopes() -> dict[str, str]:
    """Each standard's plan scope, by scope: {"": "sc-wres", "NHS WRES": "nhs-wres", "WDES": "wdes"}."""
    return {standard_scope(standard): standard for standard in STANDARDS}


def check_plan_scope(scope: object, what: str = "the plan's scope") -> str:
    """`scope` when it is a standard's plan scope; ValueError naming them otherwise."""
    scopes = plan_scopes()
    if not isinstance(scope, str) or scope not in scopes:
        named = ", ".join(f"{s!r} ({STANDARDS[standard].name})" for s, standard in scopes.items())
        raise ValueError(f"{what} {scope!r} is not a standard's plan; the plans are {named}")
    return scope


def standard_of_plan(scope: str) -> str:
    """The standard (its id) whose plan `scope` is."""
    return plan_scopes()[check_plan_scope(scope)]


@dataclass(frozen=True)
class Action:
    # None on a new row: it takes the next number after the table's highest.
    number: int | None = None
    objective: str = ""
    themes: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)
    lead: str = ""
    data_from_metrics: str = ""
    specific_actions: str = ""
    # Indicators of improvement: what good looks like.
    indicators: str = ""
    timeframe: str = ""
    progress: str = ""
    rag: str | None = None
    id: int | None = None  # None: not saved yet
    version: int = 0
    updated_by: str | None = None
    updated_at: dt.datetime | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Action:
        """An Action from a data editor's row, where empty cells arrive as None or NaN."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            value = row.get(f.name)
            if f.name in ("themes", "metrics"):
                values[f.name] = _as_list(value)
            elif _blank(value):
                values[f.name] = 0 if f.name == "version" else "" if f.name in TEXT_FIELDS else None
            elif f.name in ("number", "id", "version") and isinstance(value, Real):
                # typeshed's numbers.Real has no __int__ (its __trunc__ is not typed as giving an int), but every
                # real number converts.
                values[f.name] = int(value) if float(value).is_integer() else value  # type: ignore[call-overload]
            else:
                values[f.name] = value
        return cls(**values)

    def to_row(self) -> dict[str, Any]:
        return asdict(self)

    def content(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in CONTENT_FIELDS)


@dataclass(frozen=True)
class ActionConflict:
    """A row this save left alone because someone else changed or deleted it first."""

    submitted: Action
    stored: Action | None  # None: someone else deleted it
    deleted: bool = False  # the person saving had deleted the row

    @property
    def message(self) -> str:
        number = self.submitted.number
        if self.stored is None:
            return f"Objective {number} was deleted by someone else after you opened the plan; your edit was not saved."
        who = self.stored.updated_by or "Someone else"
        when = f" at {self.stored.updated_at:%H:%M on %d %B %Y} (UTC)" if self.stored.updated_at else ""
        outcome = "it was not deleted" if self.deleted else "your edit to it was not saved"
        return f"{who} changed objective {number}{when} after you opened the plan; {outcome}."


@dataclass(frozen=True)
class SaveResult:
    saved: list[Action]  # the table as stored after the save
    conflicts: list[ActionConflict]
    changed: int  # rows inserted, updated or deleted


def _blank(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN
    except (TypeError, ValueError):
        return True  # pandas' NA has no truth value


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if value is None or (isinstance(value, float) and value != value):
        return []
    return list(value)


def _row_name(number: Any, position: int) -> str:
    valid = isinstance(number, int) and not isinstance(number, bool) and number >= 1
    return f"Row {number}" if valid else f"Row {position} of the table"


def checked_action(row: Action, position: int) -> Action:
    """`row` checked and tidied for saving (its number, themes, metrics, RAG and text): ValueError naming the
    objective (by number, or position) and the field when it cannot be saved."""
    number = row.number
    name = _row_name(number, position)
    if number is not None and (isinstance(number, bool) or not isinstance(number, int) or number < 1):
        raise ValueError(f"{name}, number: {number!r} is not a whole number of 1 or more")
    texts: dict[str, Any] = {}  # Any: mypy checks **texts against every field of Action, not just the text ones
    for attribute, label in TEXT_FIELDS.items():
        value = getattr(row, attribute)
        texts[attribute] = check_text("" if value is None else value, f"{name}, {label},")
    if not texts["objective"].strip():
        raise ValueError(f"{name}, objective: an objective is required")
    themes_by_lower = {theme.lower(): theme for theme in THEMES}
    themes: list[str] = []
    for theme in row.themes:
        canonical = themes_by_lower.get(str(theme).strip().lower())
        if canonical is None:
            raise ValueError(f"{name}, themes: {theme!r} is not a WRES theme; the themes are {', '.join(THEMES)}")
        if canonical not in themes:
            themes.append(canonical)
    metric_ids: set[str] = set()
    for metric_id in row.metrics:
        canonical = str(metric_id).strip().upper()
        if canonical not in METRICS:
            raise ValueError(f"{name}, metrics: {metric_id!r} is not a metric; the metrics are {', '.join(METRICS)}")
        metric_ids.add(canonical)
    rag = None if row.rag is None or not str(row.rag).strip() else str(row.rag).strip().lower()
    if rag is not None and rag not in RAG_MEANINGS:
        raise ValueError(f"{name}, RAG rating: {row.rag!r} is not one of {', '.join(RAG_MEANINGS)}")
    return replace(row, **texts, themes=themes, metrics=[m for m in METRICS if m in metric_ids], rag=rag)


def _validate(rows: Sequence[Action]) -> list[Action]:
    cleaned = [checked_action(row, position) for position, row in enumerate(rows, start=1)]
    seen_numbers: set[int] = set()
    seen_ids: set[int] = set()
    for row in cleaned:
        if row.number is not None:
            if row.number in seen_numbers:
                raise ValueError(f"Row {row.number}, number: {row.number} is used by more than one objective")
            seen_numbers.add(row.number)
        if row.id is not None:
            if row.id in seen_ids:
                raise ValueError(f"Row {row.number}: the same saved objective appears twice in the table")
            seen_ids.add(row.id)
    next_number = max(seen_numbers, default=0) + 1
    numbered = []
    for row in cleaned:
        if row.number is None:
            row = replace(row, number=next_number)
            next_number += 1
        numbered.append(row)
    return numbered


def _columns(row: Action) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in CONTENT_FIELDS}
    values["themes"] = json.dumps(row.themes, ensure_ascii=False)
    values["metrics"] = json.dumps(row.metrics)
    return values


def _state(period: str, scope: str, row: Action) -> dict[str, Any]:
    return action_state({**_columns(row), "period": period, "scope": scope})


def _audit(
    conn: Connection, organisation: str, action_id: int, change: str, before: dict[str, Any] | None,
    after: dict[str, Any] | None, version: int | None, stamp: dict[str, Any],
) -> None:
    write_audit(conn, organisation=organisation, entity="action", entity_key=str(action_id), change=change,
                before=before, after=after, version=version, user=stamp["updated_by"], at=stamp["updated_at"])


def _from_db(row: Any) -> Action:
    return Action(
        number=row.number,
        objective=row.objective,
        themes=json.loads(row.themes),
        metrics=json.loads(row.metrics),
        lead=row.lead,
        data_from_metrics=row.data_from_metrics,
        specific_actions=row.specific_actions,
        indicators=row.indicators,
        timeframe=row.timeframe,
        progress=row.progress,
        rag=row.rag,
        id=row.id,
        version=row.version,
        updated_by=row.updated_by,
        updated_at=as_utc(row.updated_at),
    )


def _read(conn: Connection, organisation: str, period: str, scope: str) -> list[Action]:
    query = (
        select(actions)
        .where(actions.c.organisation == organisation, actions.c.period == period, actions.c.scope == scope)
        .order_by(actions.c.number, actions.c.id)
    )
    return [_from_db(row) for row in conn.execute(query)]


def _read_one(conn: Connection, organisation: str, period: str, scope: str, action_id: int) -> Action | None:
    row = conn.execute(
        select(actions).where(
            actions.c.id == action_id, actions.c.organisation == organisation, actions.c.period == period,
            actions.c.scope == scope,
        )
    ).first()
    return None if row is None else _from_db(row)


def load_actions(
    engine: Engine, organisation: str, period: str, *, scope: str = "", caller: Caller = UNRESTRICTED
) -> list[Action]:
    """The plan of the standard whose scope is `scope` (standard_scope) for the organisation and period."""
    organisation = check_name(organisation, "the organisation")
    check_read(caller, organisation)
    period = check_period(period)
    scope = check_plan_scope(scope)
    with read_connection(engine) as conn:
        return _read(conn, organisation, period, scope)


def actions_for_metric(
    engine: Engine, organisation: str, period: str, metric: str, *, scope: str = "", caller: Caller = UNRESTRICTED
) -> list[Action]:
    """Objectives of the `scope` plan naming the metric, and those naming only themes when one is the metric's
    theme."""
    if metric not in METRICS:
        raise ValueError(f"no metric {metric!r}; the metrics are {', '.join(METRICS)}")
    return [action for action in load_actions(engine, organisation, period, scope=scope, caller=caller)
            if targets_metric(action, metric)]


def targets_metric(action: Action, metric: str) -> bool:
    """Whether the objective is listed under the metric: it names the metric, or names only themes and one is the
    metric's theme. The one rule for the app's metric pages and the exports."""
    return metric in action.metrics or (not action.metrics and METRICS[metric].theme in action.themes)


def save_actions(
    engine: Engine,
    organisation: str,
    period: str,
    rows: Sequence[Action],
    *,
    user: str,
    original: Sequence[Action] | None = None,
    scope: str = "",
    caller: Caller = UNRESTRICTED,
) -> SaveResult:
    """Save the whole edited table (the `scope` plan: standard_scope) in one transaction, leaving alone rows someone
    else changed first. Another standard's plan for the same organisation and period is not touched.

    `original` is the table as loaded. With it, rows the person did not touch are skipped even if
    someone has since changed them, and a row someone else added since is not taken for a deletion.
    Without it the stored table stands for what was loaded: a missing row is deleted at its stored version.
    """
    organisation = check_name(organisation, "the organisation")
    check_edit(caller, organisation)
    period = check_period(period)
    scope = check_plan_scope(scope)
    check_name(user, "the name of the person saving")
    cleaned = _validate(rows)
    loaded = None if original is None else {a.id: a for a in original if a.id is not None}
    now = utc_now()
    stamp = {"updated_by": user, "updated_at": now}
    conflicts: list[ActionConflict] = []
    changed = 0
    with write_transaction(engine) as conn:
        stored_by_id = {a.id: a for a in _read(conn, organisation, period, scope)}
        submitted_ids: set[int] = set()
        for row in cleaned:
            if row.id is None:
                inserted = conn.execute(
                    insert(actions).values(
                        **_columns(row), organisation=organisation, period=period, scope=scope, version=1,
                        **stamp,
                    )
                )
                _audit(conn, organisation, inserted_id(inserted), "created", None, _state(period, scope, row), 1,
                       stamp)
                changed += 1
                continue
            submitted_ids.add(row.id)
            seen = None if loaded is None else loaded.get(row.id)
            stored = stored_by_id.get(row.id)
            untouched = seen is not None and checked_action(seen, 0).content() == row.content()
            if untouched or (stored is not None and stored.content() == row.content()):
                continue
            if stored is None or stored.version != row.version:
                conflicts.append(ActionConflict(row, stored))
                continue
            result = conn.execute(
                update(actions)
                .where(
                    actions.c.id == row.id,
                    actions.c.organisation == organisation,
                    actions.c.period == period,
                    actions.c.scope == scope,
                    actions.c.version == row.version,
                )
                .values(**_columns(row), version=actions.c.version + 1, **stamp)
            )
            if result.rowcount == 1:
                _audit(conn, organisation, row.id, "updated", _state(period, scope, stored),
                       _state(period, scope, row), row.version + 1, stamp)
                changed += 1
            else:
                conflicts.append(ActionConflict(row, _read_one(conn, organisation, period, scope, row.id)))
        for stored in stored_by_id.values():
            assert stored.id is not None  # read from the table, where every row has its id
            if stored.id in submitted_ids:
                continue
            seen = stored  # without the table as loaded, the stored row stands for what was loaded
            if loaded is not None:
                if stored.id not in loaded:
                    continue  # added by someone else after this table was loaded
                seen = loaded[stored.id]
            seen_version = seen.version
            if seen_version != stored.version:
                conflicts.append(ActionConflict(seen, stored, deleted=True))
                continue
            result = conn.execute(
                delete(actions).where(actions.c.id == stored.id, actions.c.version == seen_version)
            )
            if result.rowcount == 1:
                _audit(conn, organisation, stored.id, "deleted", _state(period, scope, stored), None, None, stamp)
                changed += 1
            else:
                current = _read_one(conn, organisation, period, scope, stored.id)
                if current is not None:
                    conflicts.append(ActionConflict(stored, current, deleted=True))
        saved = _read(conn, organisation, period, scope)
    return SaveResult(saved=saved, conflicts=conflicts, changed=changed)


def action_from_state(state: dict[str, Any]) -> Action:
    """The Action a history entry recorded (not saved: no id or version)."""
    return Action(**{name: state[name] for name in ACTION_STATE_FIELDS if name != "period"})


def scope_of_state(state: dict[str, Any]) -> str:
    """The plan a history entry's state is in: its "scope", or "" (the default standard's) when it records none."""
    return state.get("scope") or ""


def restore_action_state(
    engine: Engine,
    organisation: str,
    action_id: int,
    state: dict[str, Any],
    *,
    user: str,
    expected_version: int | None,
    note: dict[str, Any],
    caller: Caller = UNRESTRICTED,
) -> Action:
    """Put the action `action_id` back to `state` (a history entry's), or bring it back when it was deleted.

    expected_version (when given) is the action's version as the person saw it: StaleEdit if it has
    moved on since, or was deleted since. None restores over whatever is there now: nothing is lost,
    since the state it replaces is itself in the history. A deleted action comes back under a new id;
    one already brought back (same content in the period) is returned as it is, not duplicated.
    Its number is kept unless another objective now has it; then it takes the next free one.
    """
    organisation = check_name(organisation, "the organisation")
    check_edit(caller, organisation)
    period = check_period(state["period"])
    scope = check_plan_scope(scope_of_state(state), "the history entry's plan")
    check_name(user, "the name of the person saving")
    wanted = checked_action(action_from_state(state), 0)
    now = utc_now()
    stamp = {"updated_by": user, "updated_at": now}
    with write_transaction(engine) as conn:
        table = _read(conn, organisation, period, scope)
        current = next((a for a in table if a.id == action_id), None)
        if expected_version is not None and expected_version != (0 if current is None else current.version):
            raise StaleEdit(current)
        others = [a for a in table if a.id != action_id]
        taken = {a.number for a in others if a.number is not None}  # all of them: the column is NOT NULL
        if wanted.number in taken:
            wanted = replace(wanted, number=max(taken) + 1 if current is None else current.number)
        if current is None:
            back = next((a for a in others if a.content()[1:] == wanted.content()[1:]), None)
            if back is not None:
                return back
            inserted = conn.execute(
                insert(actions).values(**_columns(wanted), organisation=organisation, period=period, scope=scope,
                                       version=1, **stamp)
            )
            new_id = inserted_id(inserted)
            _audit(conn, organisation, new_id, "restored", None, {**_state(period, scope, wanted), **note}, 1,
                   stamp)
            restored = _read_one(conn, organisation, period, scope, new_id)
        else:
            if current.content() == wanted.content():
                return current
            result = conn.execute(
                update(actions)
                .where(actions.c.id == action_id, actions.c.version == current.version)
                .values(**_columns(wanted), version=actions.c.version + 1, **stamp)
            )
            if result.rowcount != 1:
                raise StaleEdit(_read_one(conn, organisation, period, scope, action_id))
            _audit(conn, organisation, action_id, "restored", _state(period, scope, current),
                   {**_state(period, scope, wanted), **note}, current.version + 1, stamp)
            restored = _read_one(conn, organisation, period, scope, action_id)
    assert restored is not None
    return restored
