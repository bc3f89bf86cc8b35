"""The history of every saved change: who, when, the state before and after; and restoring an earlier one.

Each save writes its entry in the same transaction as the change (storage.db.write_audit), so a
change is never without its entry nor an entry without its change. Entries are only ever added.

What an entry's `before` and `after` hold, by entity:
- panel: {"text": ...}, and "figures" (the metric's figures in words when it was saved) when known
- action: the action's period and every field a person edits (storage.db.ACTION_STATE_FIELDS), and "scope" when
  it is in another standard's plan than the default's ("NHS WRES"; none recorded: the SC-WRES plan's)
- settings: {"values": {...}}
- figure_set: the summary (period, scope, source, available metrics), never the counts

Beside the state, `after` may carry a note: "restored_from" (the entry a restore brought back) or
"imported" (an entry copied from a backup: its original change, who and when), or "renamed_from" (on a
"renamed" entry: the organisation name the item was stored under before, see storage.organisations).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from access import Caller
from storage.actions import Action, check_plan_scope, restore_action_state, scope_of_state
from storage.allowed import UNRESTRICTED, check_edit, check_read
from storage.db import (
    AUDIT_ENTITIES,
    as_utc,
    audit_log,
    check_name,
    check_period,
    panel_key,
    read_connection,
)
from storage.organisation_settings import save_settings_as
from storage.panels import Panel, key_of_entry, save_panel_as

# Keys of `after` that describe the entry rather than the entity.
NOTE_KEYS: tuple[str, ...] = ("restored_from", "imported", "renamed_from")
MAX_HISTORY = 10_000


@dataclass(frozen=True)
class AuditEntry:
    id: int
    organisation: str
    entity: str
    entity_key: str
    change: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    version: int | None  # the entity's version after the change; None after a delete
    changed_by: str | None
    changed_at: dt.datetime

    @property
    def imported_from(self) -> dict[str, Any] | None:
        """For an entry copied from a backup: its original change, changed_by and changed_at."""
        return None if self.after is None else self.after.get("imported")

    @property
    def restored_from(self) -> dict[str, Any] | None:
        return None if self.after is None else self.after.get("restored_from")

    @property
    def recorded(self) -> dict[str, Any] | None:
        """The state this entry kept: what the change saved, or for a deletion what was deleted."""
        after = {k: v for k, v in (self.after or {}).items() if k not in NOTE_KEYS}
        return after or self.before

    def note(self) -> dict[str, Any]:
        """What a restore of this entry writes beside the state, naming the entry it came from."""
        return {"restored_from": {"entry": self.id, "change": self.change, "version": self.version,
                                  "changed_by": self.changed_by, "changed_at": self.changed_at.isoformat()}}


def entry_from_row(row: Any) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        organisation=row.organisation,
        entity=row.entity,
        entity_key=row.entity_key,
        change=row.change,
        before=None if row.before is None else json.loads(row.before),
        after=None if row.after is None else json.loads(row.after),
        version=row.version,
        changed_by=row.changed_by,
        changed_at=as_utc(row.changed_at),  # type: ignore[arg-type]  # never NULL
    )


def _check_limit(limit: int) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_HISTORY:
        raise ValueError(f"the limit must be a whole number from 1 to {MAX_HISTORY:,}, not {limit!r}")
    return limit


def history(
    engine: Engine,
    organisation: str,
    entity: str | None = None,
    entity_key: str | None = None,
    limit: int = 200,
    *,
    caller: Caller = UNRESTRICTED,
) -> list[AuditEntry]:
    """An organisation's changes, newest first (in the order this database recorded them)."""
    organisation = check_name(organisation, "the organisation")
    check_read(caller, organisation)
    query = select(audit_log).where(audit_log.c.organisation == organisation)
    if entity is not None:
        if entity not in AUDIT_ENTITIES:
            raise ValueError(f"no entity {entity!r}; the entities are {', '.join(AUDIT_ENTITIES)}")
        query = query.where(audit_log.c.entity == entity)
    if entity_key is not None:
        query = query.where(audit_log.c.entity_key == entity_key)
    query = query.order_by(audit_log.c.id.desc()).limit(_check_limit(limit))
    with read_connection(engine) as conn:
        return [entry_from_row(row) for row in conn.execute(query)]


def panel_history(
    engine: Engine, organisation: str, period: str, metric: str, kind: str, limit: int = 200, scope: str = "",
    *, caller: Caller = UNRESTRICTED,
) -> list[AuditEntry]:
    return history(engine, organisation, "panel", panel_key(check_period(period), metric, kind, scope), limit,
                   caller=caller)


def action_history(
    engine: Engine, organisation: str, period: str, limit: int = 200, *, scope: str = "",
    caller: Caller = UNRESTRICTED,
) -> list[AuditEntry]:
    """Changes to the period's action plan of the standard whose plan `scope` is (storage.standard_scope), newest first:
    every objective, including deleted ones; never another standard's plan's."""
    organisation = check_name(organisation, "the organisation")
    check_read(caller, organisation)
    period = check_period(period)
    scope = check_plan_scope(scope)
    _check_limit(limit)
    query = (
        select(audit_log)
        .where(audit_log.c.organisation == organisation, audit_log.c.entity == "action")
        .order_by(audit_log.c.id.desc())
    )
    found: list[AuditEntry] = []
    with read_connection(engine) as conn:
        # The period and the plan are inside each entry's state, not its key (the action's id).
        for row in conn.execute(query):
            entry = entry_from_row(row)
            recorded = entry.recorded or {}
            if recorded.get("period") == period and scope_of_state(recorded) == scope:
                found.append(entry)
                if len(found) == limit:
                    break
    return found


def entry(engine: Engine, entry_id: int, *, caller: Caller = UNRESTRICTED) -> AuditEntry:
    with read_connection(engine) as conn:
        row = conn.execute(select(audit_log).where(audit_log.c.id == entry_id)).first()
    if row is None:
        raise LookupError(f"there is no history entry {entry_id}")
    found = entry_from_row(row)
    check_read(caller, found.organisation)
    return found


def _entry_of(engine: Engine, entry_id: int, entity: str, caller: Caller) -> tuple[AuditEntry, dict[str, Any]]:
    """The entry to restore, once the caller is known to be able to change its organisation."""
    found = entry(engine, entry_id)
    check_edit(caller, found.organisation)
    if found.entity != entity:
        raise ValueError(f"history entry {entry_id} is of a {found.entity.replace('_', ' ')}, not a "
                         f"{entity.replace('_', ' ')}")
    state = found.recorded
    if state is None:
        raise ValueError(f"history entry {entry_id} recorded nothing to restore")
    return found, state


def restore_panel(
    engine: Engine, entry_id: int, *, user: str, expected_version: int, caller: Caller = UNRESTRICTED
) -> Panel:
    """Save the text the entry recorded as a new version of its panel, if the panel is still at
    `expected_version` (StaleEdit otherwise, changing nothing). Restoring the text it has already changes nothing."""
    found, state = _entry_of(engine, entry_id, "panel", caller)
    # The figures the restored text was written against come back with it (None when not recorded).
    return save_panel_as(engine, key_of_entry(found.organisation, found.entity_key), state["text"],
                         expected_version=expected_version, user=user, change="restored", note=found.note(),
                         figures=state.get("figures"), caller=caller)


def restore_action(
    engine: Engine, entry_id: int, *, user: str, expected_version: int | None = None, caller: Caller = UNRESTRICTED
) -> Action:
    """Put an objective back to the entry's version, or bring back one the entry records deleting.

    Give `expected_version` (the objective's version as the person saw it; 0 when it was deleted) to
    get StaleEdit when someone changed or deleted it since. Without it the restore goes ahead: nothing
    is lost, since what it replaces is itself in the history. A deleted objective comes back under a
    new id, once: restoring the same deletion again returns the one already back.
    """
    found, state = _entry_of(engine, entry_id, "action", caller)
    return restore_action_state(engine, found.organisation, int(found.entity_key), state, user=user,
                                expected_version=expected_version, note=found.note(), caller=caller)


def restore_settings(
    engine: Engine, entry_id: int, *, user: str, expected_version: int, caller: Caller = UNRESTRICTED
) -> tuple[dict[str, Any], int]:
    """Save the settings the entry recorded as a new version, if still at `expected_version` (else StaleEdit)."""
    found, state = _entry_of(engine, entry_id, "settings", caller)
    return save_settings_as(engine, found.organisation, state["values"], expected_version=expected_version,
                            user=user, change="restored", note=found.note(), caller=caller)
