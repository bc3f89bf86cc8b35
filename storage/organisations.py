"""The organisation names data is stored under, and moving one name's data to another (issue 18).

Before organisations came from the [access] configuration, the sidebar had a free-text box: data was saved
under whatever was typed ("Wexcombe BC", "wexcombe borough council ", the fallback "My organisation"). Such
names match no configured organisation, so only administrators reach them. `stored_organisations` lists
every name with data and how much; `rename_organisation` moves all of one name's data to another, in one
transaction, refusing (and changing nothing) when the two would collide. Both are for administrators.

What collides, so the rename is refused: a panel with the same period, scope, metric and kind; settings on
both sides (an organisation has one settings row); a figure set with the same period end and scope; an
objective with the same number in the same period and standard's plan (a plan's numbers are unique; objectives
with other numbers join the plan, and an NHS WRES objective never clashes with an SC-WRES one). History never
collides: the old name's entries join the new name's.

Every moved item gets one history entry, change "renamed", under the new name: its state as it is (the
content and version are unchanged) and a note "renamed_from" naming the old name; the old name's history
entries move with it. An auditor reading an item's history sees who moved it, when, and from where.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Table, and_, exc, func, select, update
from sqlalchemy.engine import Connection

from access import Caller
from storage.allowed import UNRESTRICTED, check_administrator
from storage.db import (
    action_state,
    actions,
    audit_log,
    audit_row,
    check_name,
    figure_set_key,
    figure_set_state,
    figure_sets,
    organisation_settings,
    panel_key,
    panel_state,
    panels,
    read_connection,
    settings_state,
    utc_now,
    write_transaction,
)
from storage.memberships import is_made, membership_collisions, move_memberships

RENAMED = "renamed"
RENAMED_FROM = "renamed_from"

# What is counted for each name, in the order shown: (attribute, label, table).
KINDS: tuple[tuple[str, str, Table], ...] = (
    ("panels", "panels", panels),
    ("objectives", "objectives", actions),
    ("settings", "settings", organisation_settings),
    ("figure_sets", "saved periods", figure_sets),
    ("history", "history entries", audit_log),
)


@dataclass(frozen=True)
class StoredOrganisation:
    """One organisation name as stored, with how many rows of each kind it has."""

    name: str
    panels: int = 0
    objectives: int = 0
    settings: int = 0
    figure_sets: int = 0
    history: int = 0

    @property
    def total(self) -> int:
        return self.panels + self.objectives + self.settings + self.figure_sets + self.history

    def counts(self) -> dict[str, int]:
        """label -> count, in the order of KINDS."""
        return {label: getattr(self, attribute) for attribute, label, _table in KINDS}


@dataclass(frozen=True)
class RenameReport:
    """What a rename moved: the old name's counts (now the new name's), and the history entries it added."""

    old: str
    new: str
    moved: StoredOrganisation
    entries_added: int
    people: int = 0

    def lines(self) -> list[str]:
        counts = ", ".join(f"{count} {label}" for label, count in self.moved.counts().items())
        if self.people:
            counts += f" and {self.people} people's roles"
        return [f"Moved {counts} from {self.old!r} to {self.new!r}.",
                f"Recorded {self.entries_added} 'renamed' history entries, one per item moved."]


def _counts(conn: Connection, names: list[str] | None = None) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for attribute, _label, table in KINDS:
        column = table.c.organisation
        query = select(column, func.count()).group_by(column)
        if names is not None:
            query = query.where(column.in_(names))
        for name, count in conn.execute(query):
            found.setdefault(name, {})[attribute] = count
    return found


def stored_organisations(engine: Engine, *, caller: Caller = UNRESTRICTED) -> list[StoredOrganisation]:
    """Every organisation name with rows anywhere (panels, objectives, settings, saved periods, history), by name."""
    check_administrator(caller, "list every organisation stored")
    with read_connection(engine) as conn:
        found = _counts(conn)
    return [StoredOrganisation(name, **counts) for name, counts in sorted(found.items())]


def _collisions(conn: Connection, old: str, new: str) -> list[str]:
    """What of `old` would land on something `new` already has, in words; empty when nothing would."""
    problems: list[str] = []
    mine, theirs = panels.alias("mine"), panels.alias("theirs")
    same_panel = select(mine.c.period, mine.c.scope, mine.c.metric, mine.c.kind).join(theirs, and_(
        theirs.c.organisation == new, theirs.c.period == mine.c.period, theirs.c.scope == mine.c.scope,
        theirs.c.metric == mine.c.metric, theirs.c.kind == mine.c.kind)).where(mine.c.organisation == old)
    rows = conn.execute(same_panel.order_by(mine.c.period, mine.c.scope, mine.c.metric, mine.c.kind)).all()
    if rows:
        named = "; ".join(f"{r.period} {r.metric} {r.kind}" + (f" ({r.scope})" if r.scope else "") for r in rows[:5])
        problems.append(f"{len(rows)} panel(s) saved under both names ({named}{'; ...' if len(rows) > 5 else ''})")
    both_settings = conn.execute(select(func.count()).select_from(organisation_settings).where(
        organisation_settings.c.organisation.in_([old, new]))).scalar_one()
    if both_settings == 2:
        problems.append("settings saved under both names (an organisation has one set of settings)")
    mine_f, theirs_f = figure_sets.alias("mine_f"), figure_sets.alias("theirs_f")
    same_set = select(mine_f.c.period_end, mine_f.c.scope).join(theirs_f, and_(
        theirs_f.c.organisation == new, theirs_f.c.period_end == mine_f.c.period_end,
        theirs_f.c.scope == mine_f.c.scope)).where(mine_f.c.organisation == old)
    sets = conn.execute(same_set.order_by(mine_f.c.period_end, mine_f.c.scope)).all()
    if sets:
        named = "; ".join(r.period_end + (f" ({r.scope})" if r.scope else "") for r in sets[:5])
        problems.append(f"{len(sets)} saved period(s) under both names ({named})")
    mine_a, theirs_a = actions.alias("mine_a"), actions.alias("theirs_a")
    same_number = select(mine_a.c.period, mine_a.c.scope, mine_a.c.number).join(theirs_a, and_(
        theirs_a.c.organisation == new, theirs_a.c.period == mine_a.c.period, theirs_a.c.scope == mine_a.c.scope,
        theirs_a.c.number == mine_a.c.number)).where(mine_a.c.organisation == old)
    numbers = conn.execute(same_number.order_by(mine_a.c.period, mine_a.c.scope, mine_a.c.number)).all()
    if numbers:
        named = "; ".join(f"{r.period} objective {r.number}" + (f" ({r.scope} plan)" if r.scope else "")
                          for r in numbers[:5])
        problems.append(f"{len(numbers)} objective number(s) used under both names in the same period ({named})")
    return problems


def _renamed_entries(conn: Connection, old: str, new: str, user: str | None) -> list[dict[str, Any]]:
    """One "renamed" entry per item of `old`, under `new`, read before the rows move."""
    at = utc_now()
    note = {RENAMED_FROM: old}
    entries: list[dict[str, Any]] = []

    def add(entity: str, key: str, state: dict[str, Any], version: int) -> None:
        entries.append(audit_row(organisation=new, entity=entity, entity_key=key, change=RENAMED, before=None,
                                 after={**state, **note}, version=version, user=user, at=at))

    for row in conn.execute(select(panels).where(panels.c.organisation == old).order_by(
            panels.c.period, panels.c.scope, panels.c.metric, panels.c.kind)):
        add("panel", panel_key(row.period, row.metric, row.kind, row.scope), panel_state(row.text, row.figures),
            row.version)
    for row in conn.execute(select(actions).where(actions.c.organisation == old).order_by(actions.c.id)):
        add("action", str(row.id), action_state(row._mapping), row.version)
    for row in conn.execute(select(organisation_settings).where(organisation_settings.c.organisation == old)):
        add("settings", "", settings_state(json.loads(row.values_json)), row.version)
    for row in conn.execute(select(figure_sets).where(figure_sets.c.organisation == old).order_by(figure_sets.c.id)):
        add("figure_set", figure_set_key(row.period_end, row.scope), figure_set_state(row._mapping), row.version)
    return entries


def rename_organisation(engine: Engine, old: str, new: str, *, caller: Caller = UNRESTRICTED,
                        user: str | None = None) -> RenameReport:
    """Move every row stored under `old` (panels, objectives, settings, saved periods with their counts, history)
    to `new`, in one transaction, recording one "renamed" history entry per item moved.

    `old` is the name exactly as stored; `new` may not have spaces before or after it (configured names have
    none). ValueError, changing nothing, when the names are the same, `old` has no data, or `new` already has
    data that would collide (see the module's notes). NotAllowed unless the caller is an administrator.
    """
    check_administrator(caller, "rename an organisation's stored data")
    old = check_name(old, "the organisation to rename")
    new = check_name(new, "the new organisation name")
    if new != new.strip():
        raise ValueError(f"the new name {new!r} has spaces before or after it: write it as the [access] "
                         "configuration names it; nothing was changed")
    if old == new:
        raise ValueError(f"{old!r} is already called that; nothing was changed")
    try:
        with write_transaction(engine) as conn:
            before = _counts(conn, [old, new])
            if not before.get(old) and not is_made(conn, old):
                raise ValueError(f"nothing is stored under {old!r} (names must match exactly, spaces and case "
                                 "included; python -m storage organisations lists them); nothing was changed")
            problems = _collisions(conn, old, new) + membership_collisions(conn, old, new)
            if problems:
                raise ValueError(f"{new!r} already has data that {old!r} would collide with: "
                                 f"{'; '.join(problems)}. Delete or rename one side first; nothing was changed")
            entries = _renamed_entries(conn, old, new, user)
            for table in (panels, actions, organisation_settings, figure_sets, audit_log):
                conn.execute(update(table).where(table.c.organisation == old).values(organisation=new))
            people = move_memberships(conn, old, new, user)
            if entries:
                conn.execute(audit_log.insert(), entries)
            after = _counts(conn, [old, new])
            expected = {attribute: before.get(old, {}).get(attribute, 0) + before.get(new, {}).get(attribute, 0)
                        for attribute, _label, _table in KINDS}
            expected["history"] += len(entries)
            got = {attribute: after.get(new, {}).get(attribute, 0) for attribute, _label, _table in KINDS}
            if old in after or got != expected:  # never expected: the transaction is rolled back
                raise RuntimeError(f"the rename would not have kept every row ({expected} before, {got} after)")
    except exc.IntegrityError:
        # Someone saved under the new name between the check and the move; the transaction was rolled back.
        raise ValueError(f"{new!r} gained data that collides while renaming; nothing was changed. Try again") from None
    return RenameReport(old, new, StoredOrganisation(old, **before.get(old, {})), len(entries), people)
