"""Back up everything stored (panels, action plans, settings, figure sets, the organisations the service knows
and who belongs to each, history) as one JSON document, and import such a document into another database or the
same one.

The document holds plain JSON values only. Importing checks the whole document before writing
anything, then writes in one transaction: an item that is not there is created as it was (same
version, who and when); one that is there with other content is replaced (its version + 1, audited
as "imported" with before and after); an identical one is left alone. Items in the database but not
in the file are left alone too. History entries from the file are added once, however often the
same file is imported. So export -> import into an empty database -> export gives the same
document, apart from exported_at, and importing a file a second time changes nothing.

Organisations and memberships (schema version 5) are sections of their own. Who belongs to an organisation (people's
addresses and roles) is an administrator's to see: only an administrator's backup holds the memberships and their
history; an editor's holds the names of the organisations it covers. A backup written before these sections
existed has neither, and imports as it always did. An organisation the file names is added when this database has
no row for it, else left alone (it has no content to replace). A membership is created, replaced (another role) or
left alone like the other items; one of an organisation neither in the file nor known here refuses the import.

A saved period's comparison and own rules (schema version 6) are keys of its own ("comparison": "ethnicity",
"own_rules": ["M1"]). A backup written before them has neither: its periods import as the race standards', counted
under the plain rules, as they were.

An objective's plan (schema version 7) is its "scope": "" the SC-WRES plan's, "NHS WRES", "WDES" (see storage.actions).
A backup written before it has none: its objectives import into the SC-WRES plan, where every plan was written. The
format version went from 1 to 2 with it: code that reads version 1 ignores keys it does not know, so it would put a
trust's NHS WRES and WDES objectives into its SC-WRES plan (and their numbers would clash there); it refuses a
version 2 file instead ("update the application"). This code reads both.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal, overload

import pandas as pd
from sqlalchemy import Engine, and_, delete, func, insert, select, text, update
from sqlalchemy.engine import Connection

from access import Caller
from access.policy import entry_of
from data_loaders.comparison import COMPARISONS, ETHNICITY
from metrics.counts import FigureSet, Period
from metrics.registry import METRICS, THEMES
from storage.actions import RAG_MEANINGS, TEXT_FIELDS, Action, check_plan_scope, checked_action, scope_of_state
from storage.allowed import UNRESTRICTED, NotAllowed, check_administrator, check_edit_all
from storage.audit import NOTE_KEYS, AuditEntry, entry_from_row
from storage.db import (
    ACTION_STATE_FIELDS,
    AUDIT_CHANGES,
    AUDIT_ENTITIES,
    FIGURE_SET_STATE_FIELDS,
    MAX_KEY_CHARS,
    MAX_NAME_CHARS,
    action_state,
    actions,
    as_utc,
    audit_log,
    audit_row,
    check_name,
    check_period,
    check_text,
    figure_counts,
    figure_set_key,
    figure_set_state,
    figure_sets,
    inserted_id,
    memberships,
    organisation_settings,
    panel_key,
    panel_state,
    panels,
    plain_json,
    read_connection,
    settings_state,
    split_panel_key,
    stored_schema_version,
    utc_now,
    write_transaction,
)
from storage.db import organisations as organisations_table  # export_all's `organisations` is names
from storage.figure_sets import (
    MAX_JSON_CHARS,
    SOURCES,
    checked_counts,
    count_rows,
    own_rules_from,
    own_rules_text,
)
from storage.memberships import MAX_MEMBERS, ROLES, known_names
from storage.organisation_settings import encode_settings
from storage.panels import PANEL_KINDS, PANEL_SUBJECTS

FORMAT = "wres-backup"
# 2 from schema version 7: objectives say whose plan they are in ("scope"); version 1 files still import.
FORMAT_VERSION = 2
MAX_BACKUP_BYTES = 200 * 1024 * 1024
# An entry's before or after: the largest state (settings, 200,000 characters) and its notes.
MAX_STATE_CHARS = 250_000
KINDS: tuple[str, ...] = ("panels", "actions", "settings", "figure_sets", "organisations", "memberships", "audit")
# The state every entry of an entity must have recorded.
STATE_KEYS: dict[str, tuple[str, ...]] = {
    "panel": ("text",),
    "action": ACTION_STATE_FIELDS,
    "settings": ("values",),
    "figure_set": FIGURE_SET_STATE_FIELDS,
    "organisation": ("name",),
    "membership": ("role",),
}
# Sections a backup written before they existed does not have: read as empty.
OPTIONAL_KINDS: tuple[str, ...] = ("organisations", "memberships")


@dataclass(frozen=True)
class ImportReport:
    """How many of each kind (panels, actions, settings, figure_sets, organisations, memberships, audit) the import
    created, replaced or left unchanged. Organisations and history entries are only ever created (added) or
    unchanged (already there)."""

    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    replaced: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    unchanged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.replaced.values())

    def lines(self) -> list[str]:
        return [
            f"{kind.replace('_', ' ')}: {self.created[kind]} created, {self.replaced[kind]} replaced, "
            f"{self.unchanged[kind]} unchanged"
            for kind in KINDS
        ]


# Export


def _iso(value: dt.datetime | None) -> str | None:
    moment = as_utc(value)
    return None if moment is None else moment.isoformat()


def portable(entry: AuditEntry) -> dict[str, Any]:
    """An entry as it was first recorded: a copy imported from a backup goes back to its original
    change, who and when, so it exports the same from every database it passes through."""
    record = {
        "organisation": entry.organisation,
        "entity": entry.entity,
        "entity_key": entry.entity_key,
        "change": entry.change,
        "before": entry.before,
        "after": entry.after,
        "version": entry.version,
        "changed_by": entry.changed_by,
        "changed_at": _iso(entry.changed_at),
    }
    origin = entry.imported_from
    if origin is not None:
        after = {k: v for k, v in (entry.after or {}).items() if k != "imported"}
        record |= {"change": origin["change"], "changed_by": origin["changed_by"],
                   "changed_at": origin["changed_at"], "after": after or None}
    return record


def _fingerprint(record: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _snapshot(conn: Connection) -> Connection:
    # Every table read as of one moment; PostgreSQL's default (READ COMMITTED) sees each statement's own.
    if conn.dialect.name == "postgresql":
        return conn.execution_options(isolation_level="REPEATABLE READ")
    return conn


def _panel_out(row: Any) -> dict[str, Any]:
    return {"organisation": row.organisation, "period": row.period, "scope": row.scope, "metric": row.metric,
            "kind": row.kind, "text": row.text, "figures": row.figures, "version": row.version,
            "updated_by": row.updated_by, "updated_at": _iso(row.updated_at)}


def _action_out(row: Any) -> dict[str, Any]:
    return {"id": row.id, "organisation": row.organisation, **action_state(row._mapping), "scope": row.scope,
            "version": row.version, "updated_by": row.updated_by, "updated_at": _iso(row.updated_at)}


def _settings_out(row: Any) -> dict[str, Any]:
    return {"organisation": row.organisation, "values": json.loads(row.values_json), "version": row.version,
            "updated_by": row.updated_by, "updated_at": _iso(row.updated_at)}


def _figure_set_out(row: Any, counts: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "organisation": row.organisation, "period_start": row.period_start, "period_end": row.period_end,
        "scope": row.scope, "source": row.source, "made_with": json.loads(row.made_with),
        "quality": json.loads(row.quality), "notes": json.loads(row.notes), "available": json.loads(row.available),
        "comparison": row.comparison, "own_rules": [m for m in METRICS if m in own_rules_from(row.own_rules)],
        "version": row.version, "saved_by": row.saved_by, "saved_at": _iso(row.saved_at), "counts": counts,
    }


def _organisation_out(row: Any) -> dict[str, Any]:
    return {"organisation": row.organisation, "created_by": row.created_by, "created_at": _iso(row.created_at)}


def _membership_out(row: Any) -> dict[str, Any]:
    return {"organisation": row.organisation, "member": row.member, "role": row.role, "version": row.version,
            "updated_by": row.updated_by, "updated_at": _iso(row.updated_at)}


def _count_out(row: Any) -> dict[str, Any]:
    return {"metric": row.metric, "item": row.item, "group": row.group_name, "events": row.events,
            "base": row.base}


def exported_organisations(caller: Caller, organisations: Iterable[str] | None = None) -> list[str] | None:
    """Which organisations `caller` may export: `organisations` when given (each must be one the caller edits),
    else all they edit; None for every organisation (administrators, and editors of every organisation).
    NotAllowed for a caller who edits none."""
    if organisations is not None:
        chosen = sorted({check_name(o, "the organisation") for o in organisations})
        check_edit_all(caller, chosen)
        return chosen
    edited = caller.edited_organisations
    if edited is None:
        return None
    if not edited:
        raise NotAllowed(f"{caller.identity or 'This account'} may not download a backup: that needs the editor "
                         "role in an organisation (its backup) or the administrator role (everyone's)")
    return list(edited)


def export_all(
    engine: Engine, *, organisations: Iterable[str] | None = None, caller: Caller = UNRESTRICTED
) -> dict[str, Any]:
    """Everything stored, as plain JSON values, read as of one moment: of `organisations` only when given,
    and only of the organisations the caller may export (exported_organisations). Who belongs to each organisation
    (the memberships and their history) only when the caller is an administrator: that list is theirs alone."""
    chosen = exported_organisations(caller, organisations)
    with_members = caller.administrator

    def only(query: Any, table: Any) -> Any:
        return query if chosen is None else query.where(table.c.organisation.in_(chosen))

    schema = stored_schema_version(engine)
    with read_connection(engine) as conn:
        conn = _snapshot(conn)
        with conn.begin():
            panel_rows = conn.execute(only(
                select(panels).order_by(panels.c.organisation, panels.c.period, panels.c.metric, panels.c.kind),
                panels))
            exported_panels = [_panel_out(row) for row in panel_rows]
            exported_actions = [_action_out(row)
                                for row in conn.execute(only(select(actions).order_by(actions.c.id), actions))]
            exported_settings = [
                _settings_out(row)
                for row in conn.execute(only(select(organisation_settings).order_by(
                    organisation_settings.c.organisation), organisation_settings))
            ]
            counts_by_set: dict[int, list[dict[str, Any]]] = {}
            count_query = select(figure_counts).order_by(figure_counts.c.figure_set_id, figure_counts.c.position)
            if chosen is not None:
                count_query = count_query.where(figure_counts.c.figure_set_id.in_(
                    select(figure_sets.c.id).where(figure_sets.c.organisation.in_(chosen))))
            for row in conn.execute(count_query):
                counts_by_set.setdefault(row.figure_set_id, []).append(_count_out(row))
            set_rows = conn.execute(only(
                select(figure_sets).order_by(figure_sets.c.organisation, figure_sets.c.period_end,
                                             figure_sets.c.scope), figure_sets))
            exported_sets = [_figure_set_out(row, counts_by_set.get(row.id, [])) for row in set_rows]
            exported_names = [
                _organisation_out(row)
                for row in conn.execute(only(
                    select(organisations_table).order_by(organisations_table.c.organisation), organisations_table))
            ]
            exported_memberships = [
                _membership_out(row)
                for row in conn.execute(only(select(memberships).order_by(memberships.c.organisation,
                                                                          memberships.c.member), memberships))
            ] if with_members else []
            audit_query = only(select(audit_log).order_by(audit_log.c.id), audit_log)
            if not with_members:
                audit_query = audit_query.where(audit_log.c.entity != "membership")
            exported_audit = [portable(entry_from_row(row)) for row in conn.execute(audit_query)]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_version": schema,
        "exported_at": utc_now().isoformat(),
        "panels": exported_panels,
        "actions": exported_actions,
        "settings": exported_settings,
        "figure_sets": exported_sets,
        "organisations": exported_names,
        "memberships": exported_memberships,
        "audit": exported_audit,
    }


def backup_bytes(
    engine: Engine, *, organisations: Iterable[str] | None = None, caller: Caller = UNRESTRICTED
) -> bytes:
    """The backup as UTF-8 JSON, e.g. for a download button."""
    return _encode(export_all(engine, organisations=organisations, caller=caller))


def _encode(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1, allow_nan=False).encode("utf-8")


def write_backup(
    engine: Engine,
    target: str | os.PathLike[str] | IO[bytes],
    *,
    organisations: Iterable[str] | None = None,
    caller: Caller = UNRESTRICTED,
) -> dict[str, Any]:
    """Write the backup to a path (whole or not at all) or a binary file; return the document written."""
    document = export_all(engine, organisations=organisations, caller=caller)
    encoded = _encode(document)
    if isinstance(target, str | os.PathLike):
        path = Path(target)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(encoded)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    else:
        target.write(encoded)
    return document


# Reading and checking


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"the file is not a WRES backup: it holds {name}, which is not a JSON number")


def read_backup(data: bytes) -> dict[str, Any]:
    """The backup document in `data`; ValueError saying why when it is not one (or is too large)."""
    if isinstance(data, str) or not isinstance(data, bytes | bytearray | memoryview):
        raise ValueError("a backup is read from the file's bytes")
    if len(data) > MAX_BACKUP_BYTES:
        raise ValueError(f"the file is {len(data) / 1024 / 1024:,.0f} MB; a backup is at most "
                         f"{MAX_BACKUP_BYTES // 1024 // 1024} MB")
    try:
        decoded = json.loads(bytes(data).decode("utf-8-sig"), parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise ValueError("the file is not a WRES backup: it is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"the file is not a WRES backup: it is not JSON ({error.msg} at line {error.lineno}, "
                         f"column {error.colno}); it may be cut short or damaged") from None
    except RecursionError:
        raise ValueError("the file is not a WRES backup: its JSON is nested too deeply") from None
    _check_header(decoded)
    return decoded


def _check_header(data: Any) -> None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f'the file is not a WRES backup: it has no "format": "{FORMAT}"')
    version = data.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError("the backup's format_version is not a whole number of 1 or more")
    if version > FORMAT_VERSION:
        raise ValueError(f"this backup is in format version {version}, newer than this application reads "
                         f"({FORMAT_VERSION}): update the application to import it")


def _get(item: dict[str, Any], name: str, where: str) -> Any:
    if name not in item:
        raise ValueError(f"{where} has no {name!r}")
    return item[name]


def _text(item: dict[str, Any], name: str, where: str) -> str:
    value = _get(item, name, where)
    if not isinstance(value, str):
        raise ValueError(f"{where}.{name} is not text")
    return check_text(value, f"{where}.{name}")


def _name(item: dict[str, Any], name: str, where: str, *, optional: bool = False) -> str | None:
    value = _get(item, name, where)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{where}.{name} is not text")
    return check_name(value, f"{where}.{name}")


@overload
def _whole(item: dict[str, Any], name: str, where: str, *, optional: Literal[False] = False) -> int: ...
@overload
def _whole(item: dict[str, Any], name: str, where: str, *, optional: bool) -> int | None: ...
def _whole(item: dict[str, Any], name: str, where: str, *, optional: bool = False) -> int | None:
    value = _get(item, name, where)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{where}.{name} is not a whole number of 1 or more")
    return value


def _moment(item: dict[str, Any], name: str, where: str, *, optional: bool = False) -> dt.datetime | None:
    value = _get(item, name, where)
    if value is None and optional:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"{where}.{name} is not a date and time written like 2026-03-31T09:30:00+00:00") from None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _period(item: dict[str, Any], name: str, where: str) -> str:
    value = _get(item, name, where)
    if not isinstance(value, str):
        raise ValueError(f"{where}.{name} is not a date written YYYY-MM-DD")
    try:
        return check_period(value)
    except ValueError as error:
        raise ValueError(f"{where}.{name}: {error}") from None


def _one_of(item: dict[str, Any], name: str, where: str, allowed: Iterable[str]) -> str:
    value = _get(item, name, where)
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{where}.{name} is {value!r}, not one of {', '.join(allowed)}")
    return value


def _list(item: dict[str, Any], name: str, where: str) -> list[Any]:
    value = _get(item, name, where)
    if not isinstance(value, list):
        raise ValueError(f"{where}.{name} is not a list")
    return value


def _dict(item: dict[str, Any], name: str, where: str) -> dict[str, Any]:
    value = _get(item, name, where)
    if not isinstance(value, dict):
        raise ValueError(f"{where}.{name} is not a JSON object")
    return value


def _items(data: dict[str, Any], kind: str, check: Callable[[dict[str, Any], str], dict[str, Any]]) -> list[dict]:
    found = data.get(kind, []) if kind in OPTIONAL_KINDS else _get(data, kind, "the backup")
    if not isinstance(found, list):
        raise ValueError(f"the backup's {kind} is not a list")
    checked = []
    for index, item in enumerate(found):
        where = f"{kind}[{index}]"
        if not isinstance(item, dict):
            raise ValueError(f"{where} is not a JSON object")
        checked.append(check(item, where))
    return checked


def _stamp(item: dict[str, Any], where: str, by: str = "updated_by", at: str = "updated_at") -> dict[str, Any]:
    return {"by": _name(item, by, where, optional=True), "at": _moment(item, at, where, optional=True)}


def _check_panel(item: dict[str, Any], where: str) -> dict[str, Any]:
    return {
        "organisation": _name(item, "organisation", where),
        "period": _period(item, "period", where),
        # A backup made before panels had scopes has none: its panels are the whole organisation's.
        "scope": (_name(item, "scope", where) or "") if item.get("scope") else "",
        "metric": _one_of(item, "metric", where, PANEL_SUBJECTS),
        "kind": _one_of(item, "kind", where, PANEL_KINDS),
        "text": _text(item, "text", where),
        "figures": _text(item, "figures", where) if item.get("figures") is not None else None,
        "version": _whole(item, "version", where),
        **_stamp(item, where),
    }


def _action_content(item: dict[str, Any], where: str) -> dict[str, Any]:
    """An action's state (period and edited fields), checked as a save checks it."""
    number = _whole(item, "number", where)
    for name in TEXT_FIELDS:
        _text(item, name, where)
    themes = _list(item, "themes", where)
    metric_ids = _list(item, "metrics", where)
    for name, values, allowed in (("themes", themes, THEMES), ("metrics", metric_ids, tuple(METRICS))):
        for value in values:
            if value not in allowed:
                raise ValueError(f"{where}.{name} holds {value!r}, not one of {', '.join(allowed)}")
    rag = _get(item, "rag", where)
    if rag is not None and rag not in RAG_MEANINGS:
        raise ValueError(f"{where}.rag is {rag!r}, not one of {', '.join(RAG_MEANINGS)} or null")
    try:
        cleaned = checked_action(Action(number=number, themes=themes, metrics=metric_ids, rag=rag,
                                **{name: item[name] for name in TEXT_FIELDS}), number)
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None
    content = {name: getattr(cleaned, name) for name in ACTION_STATE_FIELDS if name != "period"}
    # A backup written before plans were kept per standard has no scope: the SC-WRES plan's ("").
    scope = check_plan_scope(item.get("scope", ""), f"{where}.scope")
    # As action_state records it: the scope only when it is not the default standard's.
    return {"period": _period(item, "period", where), **content, **({"scope": scope} if scope else {})}


def _check_action(item: dict[str, Any], where: str) -> dict[str, Any]:
    return {
        "id": _whole(item, "id", where),
        "organisation": _name(item, "organisation", where),
        "state": _action_content(item, where),
        "version": _whole(item, "version", where),
        **_stamp(item, where),
    }


def _plan_of(item: dict[str, Any]) -> tuple[str, str, str]:
    """The plan a checked action is in: (organisation, period, scope)."""
    return item["organisation"], item["state"]["period"], scope_of_state(item["state"])


def _action_columns(state: dict[str, Any]) -> dict[str, Any]:
    """The actions table's columns for a checked action's state."""
    return {**state, "scope": scope_of_state(state), "themes": json.dumps(state["themes"], ensure_ascii=False),
            "metrics": json.dumps(state["metrics"])}


def _check_settings(item: dict[str, Any], where: str) -> dict[str, Any]:
    values = _dict(item, "values", where)
    try:
        encoded = encode_settings(values)
    except ValueError as error:
        raise ValueError(f"{where}.values: {error}") from None
    return {
        "organisation": _name(item, "organisation", where),
        "values": json.loads(encoded),
        "encoded": encoded,
        "version": _whole(item, "version", where),
        **_stamp(item, where),
    }


def _quality(item: dict[str, Any], where: str) -> dict[str, Any]:
    quality = _dict(item, "quality", where)
    for metric_id, entry in quality.items():
        at = f"{where}.quality.{metric_id}"
        if metric_id not in METRICS or not isinstance(entry, dict):
            raise ValueError(f"{at} is not a metric's data quality")
        for name in ("total", "unknown"):
            value = entry.get(name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ValueError(f"{at}.{name} is not a whole number of 0 or more")
        unrecognised = entry.get("unrecognised", {})
        if not isinstance(unrecognised, dict) or not all(
            isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) for k, v in unrecognised.items()
        ):
            raise ValueError(f"{at}.unrecognised is not labels with their counts")
    plain_json(quality, f"{where}.quality", MAX_JSON_CHARS)
    return quality


def _counts(item: dict[str, Any], where: str) -> pd.DataFrame:
    rows = _list(item, "counts", where)
    columns: dict[str, list[Any]] = {"metric": [], "item": [], "group": [], "events": [], "base": []}
    for index, row in enumerate(rows):
        at = f"{where}.counts[{index}]"
        if not isinstance(row, dict):
            raise ValueError(f"{at} is not a JSON object")
        for name in ("metric", "item", "group"):
            columns[name].append(_text(row, name, at))
        for name in ("events", "base"):
            value = _get(row, name, at)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{at}.{name} is not a number")
            columns[name].append(float(value))
    return pd.DataFrame(columns)


def _check_figure_set(item: dict[str, Any], where: str) -> dict[str, Any]:
    organisation = _name(item, "organisation", where)
    period_start = _period(item, "period_start", where)
    period_end = _period(item, "period_end", where)
    if period_start > period_end:
        raise ValueError(f"{where}: the period starts ({period_start}) after it ends ({period_end})")
    scope = _text(item, "scope", where)
    if len(scope) > MAX_NAME_CHARS or scope != scope.strip():
        raise ValueError(f"{where}.scope is not a scope as saved (at most {MAX_NAME_CHARS} characters, no spaces "
                         "around it)")
    available = _list(item, "available", where)
    if not available or any(metric_id not in METRICS for metric_id in available):
        raise ValueError(f"{where}.available is not a list of metric ids ({', '.join(METRICS)})")
    notes = _list(item, "notes", where)
    for index, note in enumerate(notes):
        if not isinstance(note, str):
            raise ValueError(f"{where}.notes[{index}] is not text")
        check_text(note, f"{where}.notes[{index}]")
    made_with = _dict(item, "made_with", where)
    quality = _quality(item, where)
    # Schema version 6: whose groups the counts are, and the metrics counted under their standard's own rule. A
    # backup written before has neither: its figures are the race standards', counted under the plain rules.
    comparison = COMPARISONS[_one_of(item, "comparison", where, COMPARISONS) if "comparison" in item
                             else ETHNICITY.key]
    own_rules = _list(item, "own_rules", where) if "own_rules" in item else []
    if any(not isinstance(metric_id, str) or metric_id not in METRICS for metric_id in own_rules):
        raise ValueError(f"{where}.own_rules is not a list of metric ids ({', '.join(METRICS)})")
    figures = FigureSet(organisation or "", Period(dt.date.fromisoformat(period_start),
                                                   dt.date.fromisoformat(period_end)),
                        _counts(item, where), available=frozenset(available), comparison=comparison)
    try:
        counts = checked_counts(figures)
    except ValueError as error:
        raise ValueError(f"{where}.counts: {error}") from None
    return {
        "organisation": organisation,
        "period_start": period_start,
        "period_end": period_end,
        "scope": scope,
        "source": _one_of(item, "source", where, SOURCES),
        "made_with": json.loads(plain_json(made_with, f"{where}.made_with", MAX_JSON_CHARS)),
        "quality": quality,
        "notes": notes,
        "available": [m for m in METRICS if m in available],
        "comparison": comparison.key,
        "own_rules": own_rules_text(own_rules),
        "counts": counts,
        "version": _whole(item, "version", where),
        **_stamp(item, where, "saved_by", "saved_at"),
    }


def _check_organisation(item: dict[str, Any], where: str) -> dict[str, Any]:
    return {
        "organisation": _name(item, "organisation", where),
        "by": _name(item, "created_by", where, optional=True),
        "at": _moment(item, "created_at", where),
    }


def _member(item: dict[str, Any], name: str, where: str) -> str:
    """An address or @domain exactly as access.policy.entry_of stores it."""
    value = _get(item, name, where)
    try:
        entry = entry_of(value)
    except ValueError as error:
        raise ValueError(f"{where}.{name} is {error}") from None
    if entry != value:
        raise ValueError(f"{where}.{name} is {value!r}, not an address or @domain as stored ({entry!r})")
    return entry


def _check_membership(item: dict[str, Any], where: str) -> dict[str, Any]:
    return {
        "organisation": _name(item, "organisation", where),
        "member": _member(item, "member", where),
        "role": _one_of(item, "role", where, ROLES),
        "version": _whole(item, "version", where),
        "by": _name(item, "updated_by", where, optional=True),
        "at": _moment(item, "updated_at", where),
    }


def _a(entity: str) -> str:
    """"a panel", "a figure set", "an organisation": the entity in words."""
    words = entity.replace("_", " ")
    return f"{'an' if words[0] in 'aeiou' else 'a'} {words}"


def _check_key(entity: str, key: str, where: str) -> None:
    parts = key.split("/", 1 if entity == "figure_set" else -1)
    try:
        if entity == "panel":
            period, metric, kind, _ = split_panel_key(key)
            check_period(period)
            valid = metric in PANEL_SUBJECTS and kind in PANEL_KINDS
        elif entity == "action":
            valid = key.isascii() and key.isdigit() and int(key) >= 1
        elif entity in ("settings", "organisation"):
            valid = key == ""
        elif entity == "membership":
            valid = entry_of(key) == key
        elif entity == "figure_set":
            check_period(parts[0])
            valid = len(parts) == 2
        else:
            valid = False  # an entity this code has no key for: refused rather than guessed
    except ValueError:
        valid = False
    if not valid:
        raise ValueError(f"{where}.entity_key {key!r} is not {_a(entity)}'s key")


def _state(item: dict[str, Any], name: str, where: str) -> dict[str, Any] | None:
    value = _get(item, name, where)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError(f"{where}.{name} is not a JSON object or null")
    plain_json(value, f"{where}.{name}", MAX_STATE_CHARS)
    if "imported" in value:
        raise ValueError(f"{where}.{name} has an 'imported' note: a backup holds entries as first recorded")
    return value


def _check_entry(item: dict[str, Any], where: str) -> dict[str, Any]:
    entity = _one_of(item, "entity", where, AUDIT_ENTITIES)
    key = _get(item, "entity_key", where)
    if not isinstance(key, str) or len(key) > MAX_KEY_CHARS:
        raise ValueError(f"{where}.entity_key is not text of at most {MAX_KEY_CHARS} characters")
    _check_key(entity, key, where)
    before = _state(item, "before", where)
    after = _state(item, "after", where)
    recorded = {k: v for k, v in (after or {}).items() if k not in NOTE_KEYS} or before
    if recorded is None or any(name not in recorded for name in STATE_KEYS[entity]):
        raise ValueError(f"{where} does not record {_a(entity)}'s state "
                         f"({', '.join(STATE_KEYS[entity])})")
    for name, state in (("before", before), ("after", after)):
        if state is None:
            continue
        if entity == "panel" and "text" in state:
            _text(state, "text", f"{where}.{name}")
        elif entity == "organisation" and "name" in state:
            _name(state, "name", f"{where}.{name}")
        elif entity == "membership" and "role" in state:
            _one_of(state, "role", f"{where}.{name}", ROLES)
    changed_at = _moment(item, "changed_at", where)
    assert changed_at is not None
    return {
        "organisation": _name(item, "organisation", where),
        "entity": entity,
        "entity_key": key,
        "change": _one_of(item, "change", where, AUDIT_CHANGES),
        "before": before,
        "after": after,
        "version": _whole(item, "version", where, optional=True),
        "changed_by": _name(item, "changed_by", where, optional=True),
        "changed_at": changed_at.isoformat(),
    }


def _no_repeats(items: list[dict[str, Any]], kind: str, key: Callable[[dict[str, Any]], Any], what: str) -> None:
    seen: dict[Any, int] = {}
    for index, item in enumerate(items):
        first = seen.setdefault(key(item), index)
        if first != index:
            raise ValueError(f"{kind}[{index}] repeats {kind}[{first}] (the same {what})")


@dataclass(frozen=True)
class _Checked:
    panels: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    settings: list[dict[str, Any]]
    figure_sets: list[dict[str, Any]]
    organisations: list[dict[str, Any]]
    memberships: list[dict[str, Any]]
    audit: list[dict[str, Any]]


def check_backup(data: Any) -> _Checked:
    """Check the whole document, naming the first thing wrong; nothing is written."""
    _check_header(data)
    _whole(data, "schema_version", "the backup")
    _moment(data, "exported_at", "the backup")
    checked = _Checked(
        panels=_items(data, "panels", _check_panel),
        actions=_items(data, "actions", _check_action),
        settings=_items(data, "settings", _check_settings),
        figure_sets=_items(data, "figure_sets", _check_figure_set),
        organisations=_items(data, "organisations", _check_organisation),
        memberships=_items(data, "memberships", _check_membership),
        audit=_items(data, "audit", _check_entry),
    )
    _no_repeats(checked.panels, "panels",
                lambda p: (p["organisation"], p["period"], p["scope"], p["metric"], p["kind"]),
                "organisation, period, scope, metric and panel")
    _no_repeats(checked.actions, "actions", lambda a: a["id"], "id")
    _no_repeats(checked.settings, "settings", lambda s: s["organisation"], "organisation")
    _no_repeats(checked.figure_sets, "figure_sets", lambda f: (f["organisation"], f["period_end"], f["scope"]),
                "organisation, period end and scope")
    _no_repeats(checked.organisations, "organisations", lambda o: o["organisation"], "organisation")
    _no_repeats(checked.memberships, "memberships", lambda m: (m["organisation"], m["member"]),
                "organisation and member")
    return checked


# Importing


def _organisations(checked: _Checked) -> set[str]:
    return {item["organisation"] for kind in KINDS for item in getattr(checked, kind)}


class _Import:
    """One import's writes, inside its transaction."""

    def __init__(self, conn: Connection, user: str) -> None:
        self.conn = conn
        self.user = user
        self.now = utc_now()
        self.report = ImportReport()
        self.entries: list[dict[str, Any]] = []  # this import's own history entries, written last
        self.created: list[tuple[str, str, str, int, dict[str, Any]]] = []  # entity, organisation, key, version, state
        self.known: set[str] = set()  # fingerprints of the entries already here
        # Actions an earlier import had to give new ids: (organisation, id in the file) -> id here.
        self.moved_before: dict[tuple[str, str], str] = {}

    def read_history(self, organisations: set[str]) -> None:
        query = select(audit_log).where(audit_log.c.organisation.in_(sorted(organisations)))
        for row in self.conn.execute(query):
            entry = entry_from_row(row)
            self.known.add(_fingerprint(portable(entry)))
            origin = entry.imported_from or {}
            if entry.entity == "action" and "entity_key" in origin:
                self.moved_before[entry.organisation, origin["entity_key"]] = entry.entity_key

    def count(self, how: str, kind: str) -> None:
        getattr(self.report, how)[kind] += 1

    def replaced(self, organisation: str, entity: str, key: str, before: dict[str, Any], after: dict[str, Any],
                 version: int) -> None:
        self.entries.append(audit_row(organisation=organisation, entity=entity, entity_key=key, change="imported",
                                      before=before, after=after, version=version, user=self.user, at=self.now))

    def panels(self, items: list[dict[str, Any]]) -> None:
        for item in items:
            where = and_(panels.c.organisation == item["organisation"], panels.c.period == item["period"],
                         panels.c.scope == item["scope"], panels.c.metric == item["metric"],
                         panels.c.kind == item["kind"])
            current = self.conn.execute(select(panels).where(where)).first()
            key = panel_key(item["period"], item["metric"], item["kind"], item["scope"])
            state = panel_state(item["text"], item["figures"])
            if current is None:
                self.conn.execute(insert(panels).values(
                    organisation=item["organisation"], period=item["period"], scope=item["scope"],
                    metric=item["metric"], kind=item["kind"], text=item["text"], figures=item["figures"],
                    version=item["version"], updated_by=item["by"], updated_at=item["at"],
                ))
                self.count("created", "panels")
                self.created.append(("panel", item["organisation"], key, item["version"], state))
            elif current.text == item["text"]:
                self.count("unchanged", "panels")
            else:
                self.conn.execute(update(panels).where(where).values(
                    text=item["text"], figures=item["figures"], version=current.version + 1, updated_by=self.user,
                    updated_at=self.now))
                self.count("replaced", "panels")
                self.replaced(item["organisation"], "panel", key, panel_state(current.text, current.figures),
                              state, current.version + 1)

    def actions(self, items: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
        """Write the actions; return the ids that had to change, as audit keys: (organisation, old) -> new."""
        moved: list[dict[str, Any]] = []
        kept_ids = False
        new_keys: dict[tuple[str, str], str] = {}
        for item in items:
            state = item["state"]
            here = self._action_here(item)
            current = self.conn.execute(select(actions).where(actions.c.id == here)).first()
            if current is not None and (current.organisation, current.period, current.scope) != _plan_of(item):
                moved.append(item)  # that id is another organisation's, period's or standard's objective here
                continue
            if here != item["id"]:
                new_keys[item["organisation"], str(item["id"])] = str(here)
            columns = _action_columns(state)
            if current is None:
                self.conn.execute(insert(actions).values(
                    id=item["id"], organisation=item["organisation"], **columns, version=item["version"],
                    updated_by=item["by"], updated_at=item["at"]))
                kept_ids = True
                self.count("created", "actions")
                self.created.append(("action", item["organisation"], str(item["id"]), item["version"], state))
                continue
            stored = action_state(current._mapping)
            if stored == state:
                self.count("unchanged", "actions")
                continue
            self.conn.execute(update(actions).where(actions.c.id == here).values(
                **columns, version=current.version + 1, updated_by=self.user, updated_at=self.now))
            self.count("replaced", "actions")
            self.replaced(item["organisation"], "action", str(here), stored, state, current.version + 1)
        if kept_ids and self.conn.dialect.name == "postgresql":
            # Rows given their ids do not move the sequence on; SQLite's AUTOINCREMENT follows by itself.
            self.conn.execute(text(
                "SELECT setval(pg_get_serial_sequence('actions', 'id'), GREATEST((SELECT MAX(id) FROM actions), "
                "nextval(pg_get_serial_sequence('actions', 'id'))))"
            ))
        for item in moved:
            state = item["state"]
            same = self._same_action(item)
            if same is not None:
                new_keys[item["organisation"], str(item["id"])] = str(same)
                self.count("unchanged", "actions")
                continue
            columns = _action_columns(state)
            inserted = self.conn.execute(insert(actions).values(
                organisation=item["organisation"], **columns, version=item["version"], updated_by=item["by"],
                updated_at=item["at"]))
            new_id = str(inserted_id(inserted))
            new_keys[item["organisation"], str(item["id"])] = new_id
            self.count("created", "actions")
            self.created.append(("action", item["organisation"], new_id, item["version"], state))
        return new_keys

    def _action_here(self, item: dict[str, Any]) -> int:
        """The id the file's action has here: its own, unless an earlier import had to give it another."""
        earlier = self.moved_before.get((item["organisation"], str(item["id"])))
        if earlier is None:
            return item["id"]
        row = self.conn.execute(select(actions.c.organisation, actions.c.period, actions.c.scope)
                                .where(actions.c.id == int(earlier))).first()
        if row is None or tuple(row) != _plan_of(item):
            return item["id"]
        return int(earlier)

    def _same_action(self, item: dict[str, Any]) -> int | None:
        """An action of the organisation, period and plan with exactly this content (brought in before)."""
        organisation, period, scope = _plan_of(item)
        query = select(actions).where(actions.c.organisation == organisation, actions.c.period == period,
                                      actions.c.scope == scope).order_by(actions.c.id)
        for row in self.conn.execute(query):
            if action_state(row._mapping) == item["state"]:
                return row.id
        return None

    def settings(self, items: list[dict[str, Any]]) -> None:
        for item in items:
            where = organisation_settings.c.organisation == item["organisation"]
            current = self.conn.execute(select(organisation_settings).where(where)).first()
            if current is None:
                self.conn.execute(insert(organisation_settings).values(
                    organisation=item["organisation"], values_json=item["encoded"], version=item["version"],
                    updated_by=item["by"], updated_at=item["at"]))
                self.count("created", "settings")
                self.created.append(("settings", item["organisation"], "", item["version"],
                                     settings_state(item["values"])))
                continue
            stored = json.loads(current.values_json)
            if stored == item["values"]:
                self.count("unchanged", "settings")
                continue
            self.conn.execute(update(organisation_settings).where(where).values(
                values_json=item["encoded"], version=current.version + 1, updated_by=self.user, updated_at=self.now))
            self.count("replaced", "settings")
            self.replaced(item["organisation"], "settings", "", settings_state(stored),
                          settings_state(item["values"]), current.version + 1)

    def figure_sets(self, items: list[dict[str, Any]]) -> None:
        for item in items:
            head = {
                "period_start": item["period_start"],
                "source": item["source"],
                "made_with": json.dumps(item["made_with"], sort_keys=True, ensure_ascii=False),
                "quality": json.dumps(item["quality"], sort_keys=True, ensure_ascii=False),
                "notes": json.dumps(item["notes"], sort_keys=True, ensure_ascii=False),
                "available": json.dumps(item["available"]),
                "comparison": item["comparison"],
                "own_rules": item["own_rules"],
            }
            state = figure_set_state({**item, "available": head["available"]})
            key = figure_set_key(item["period_end"], item["scope"])
            current = self.conn.execute(select(figure_sets).where(
                figure_sets.c.organisation == item["organisation"], figure_sets.c.period_end == item["period_end"],
                figure_sets.c.scope == item["scope"])).first()
            if current is None:
                inserted = self.conn.execute(insert(figure_sets).values(
                    organisation=item["organisation"], period_end=item["period_end"], scope=item["scope"], **head,
                    version=item["version"], saved_by=item["by"], saved_at=item["at"]))
                self._write_counts(inserted_id(inserted), item["counts"])
                self.count("created", "figure_sets")
                self.created.append(("figure_set", item["organisation"], key, item["version"], state))
                continue
            if self._same_figures(current, item):
                self.count("unchanged", "figure_sets")
                continue
            self.conn.execute(update(figure_sets).where(figure_sets.c.id == current.id).values(
                **head, version=current.version + 1, saved_by=self.user, saved_at=self.now))
            self.conn.execute(delete(figure_counts).where(figure_counts.c.figure_set_id == current.id))
            self._write_counts(current.id, item["counts"])
            self.count("replaced", "figure_sets")
            self.replaced(item["organisation"], "figure_set", key, figure_set_state(current._mapping), state,
                          current.version + 1)

    def refuse_unknown_organisations(self, checked: _Checked) -> None:
        """Before anything is written: every membership's organisation will be known here once the file is in (made,
        or with data: here already, or in the file's organisations or data), as set_member requires; a role in an
        organisation nobody made would be a role in nothing."""
        if not checked.memberships:
            return
        known = known_names(self.conn) | {item["organisation"] for kind in KINDS if kind not in ("memberships", "audit")
                                     for item in getattr(checked, kind)}
        for index, item in enumerate(checked.memberships):
            if item["organisation"] not in known:
                raise ValueError(f"memberships[{index}] is of {item['organisation']!r}, which is neither among the "
                                 "backup's organisations nor an organisation here: make it first, or import a "
                                 "backup that holds it")

    def organisations(self, items: list[dict[str, Any]]) -> None:
        """An organisation is its name: added as it was made when there is no row for it here, else left alone."""
        for item in items:
            where = organisations_table.c.organisation == item["organisation"]
            if self.conn.execute(select(organisations_table.c.organisation).where(where)).first() is not None:
                self.count("unchanged", "organisations")
                continue
            self.conn.execute(insert(organisations_table).values(
                organisation=item["organisation"], created_by=item["by"], created_at=item["at"]))
            self.count("created", "organisations")

    def memberships(self, items: list[dict[str, Any]]) -> None:
        for item in items:
            organisation, member = item["organisation"], item["member"]
            where = and_(memberships.c.organisation == organisation, memberships.c.member == member)
            current = self.conn.execute(select(memberships).where(where)).first()
            state = {"role": item["role"]}
            if current is None:
                self.conn.execute(insert(memberships).values(
                    organisation=organisation, member=member, role=item["role"], version=item["version"],
                    updated_by=item["by"], updated_at=item["at"]))
                self.count("created", "memberships")
                self.created.append(("membership", organisation, member, item["version"], state))
            elif current.role == item["role"]:
                self.count("unchanged", "memberships")
            else:
                self.conn.execute(update(memberships).where(where).values(
                    role=item["role"], version=current.version + 1, updated_by=self.user, updated_at=self.now))
                self.count("replaced", "memberships")
                self.replaced(organisation, "membership", member, {"role": current.role}, state, current.version + 1)
        for organisation in sorted({item["organisation"] for item in items}):
            count = self.conn.execute(select(func.count()).select_from(memberships)
                                      .where(memberships.c.organisation == organisation)).scalar_one()
            if count > MAX_MEMBERS:  # the transaction is rolled back: nothing is written
                raise ValueError(f"{organisation!r} would have {count:,} people with a role, more than "
                                 f"{MAX_MEMBERS:,}: give roles by @domain instead")

    def _write_counts(self, figure_set_id: int, counts: pd.DataFrame) -> None:
        rows = count_rows(figure_set_id, counts)
        if rows:
            self.conn.execute(insert(figure_counts), rows)

    def _same_figures(self, current: Any, item: dict[str, Any]) -> bool:
        stored_head = (current.period_start, current.source, json.loads(current.made_with),
                       json.loads(current.quality), json.loads(current.notes), json.loads(current.available),
                       current.comparison, current.own_rules)
        given_head = (item["period_start"], item["source"], item["made_with"], item["quality"], item["notes"],
                      item["available"], item["comparison"], item["own_rules"])
        if stored_head != given_head:
            return False
        stored_counts = [
            (row.metric, row.item, row.group_name, row.events, row.base)
            for row in self.conn.execute(select(figure_counts).where(figure_counts.c.figure_set_id == current.id)
                                         .order_by(figure_counts.c.position))
        ]
        return stored_counts == list(item["counts"][["metric", "item", "group", "events", "base"]]
                                     .itertuples(index=False, name=None))

    def history(self, entries: list[dict[str, Any]], keys_in_file: list[str]) -> None:
        """Add the file's entries this database does not hold yet, as copies marked "imported"."""
        copies = []
        for entry, key_in_file in zip(entries, keys_in_file, strict=True):
            fingerprint = _fingerprint(entry)
            if fingerprint in self.known:
                self.count("unchanged", "audit")
                continue
            self.known.add(fingerprint)
            origin = {"change": entry["change"], "changed_by": entry["changed_by"], "changed_at": entry["changed_at"]}
            if key_in_file != entry["entity_key"]:
                origin["entity_key"] = key_in_file  # so the next import of this file finds the action again
            copies.append(audit_row(
                organisation=entry["organisation"], entity=entry["entity"], entity_key=entry["entity_key"],
                change="imported", before=entry["before"], after={**(entry["after"] or {}), "imported": origin},
                version=entry["version"], user=self.user, at=self.now,
            ))
            self.count("created", "audit")
        if copies:
            self.conn.execute(insert(audit_log), copies)

    def created_without_history(self, entries: list[dict[str, Any]]) -> None:
        """An item created here whose state the file's history does not end on gets its own entry."""
        last: dict[tuple[str, str, str], dict[str, Any]] = {}
        for entry in entries:
            last[entry["entity"], entry["organisation"], entry["entity_key"]] = entry
        for entity, organisation, key, version, state in self.created:
            latest = last.get((entity, organisation, key))
            if latest is not None and latest["version"] == version and _recorded(latest) == state:
                continue
            self.entries.append(audit_row(organisation=organisation, entity=entity, entity_key=key,
                                          change="imported", before=None, after=state, version=version,
                                          user=self.user, at=self.now))


def _recorded(entry: dict[str, Any]) -> dict[str, Any] | None:
    return {k: v for k, v in (entry["after"] or {}).items() if k not in NOTE_KEYS} or entry["before"]


def import_all(engine: Engine, data: dict[str, Any], *, user: str, caller: Caller = UNRESTRICTED) -> ImportReport:
    """Check the whole backup, then import it in one transaction (see the module's description).
    Only an administrator may: a backup can hold, and replace, any organisation's data."""
    check_administrator(caller, "import a backup")
    check_name(user, "the name of the person importing")
    checked = check_backup(data)
    with write_transaction(engine) as conn:
        work = _Import(conn, user)
        work.read_history(_organisations(checked))
        work.refuse_unknown_organisations(checked)
        work.panels(checked.panels)
        new_keys = work.actions(checked.actions)
        work.settings(checked.settings)
        work.figure_sets(checked.figure_sets)
        work.organisations(checked.organisations)
        work.memberships(checked.memberships)
        entries = [
            {**entry, "entity_key": new_keys.get((entry["organisation"], entry["entity_key"]), entry["entity_key"])}
            if entry["entity"] == "action" else entry
            for entry in checked.audit
        ]
        # The file's history first, then what this import itself changed: newest last, as recorded.
        work.history(entries, [entry["entity_key"] for entry in checked.audit])
        work.created_without_history(entries)
        if work.entries:
            conn.execute(insert(audit_log), work.entries)
    return work.report


def import_file(
    engine: Engine, path: str | os.PathLike[str], *, user: str, caller: Caller = UNRESTRICTED
) -> ImportReport:
    """read_backup and import_all for a file, refusing one over the size limit before reading it."""
    check_administrator(caller, "import a backup")
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BACKUP_BYTES:
        raise ValueError(f"the file is {size / 1024 / 1024:,.0f} MB; a backup is at most "
                         f"{MAX_BACKUP_BYTES // 1024 // 1024} MB")
    return import_all(engine, read_backup(path.read_bytes()), user=user, caller=caller)


__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MAX_BACKUP_BYTES",
    "ImportReport",
    "backup_bytes",
    "check_backup",
    "export_all",
    "exported_organisations",
    "import_all",
    "import_file",
    "portable",
    "read_backup",
    "write_backup",
]
