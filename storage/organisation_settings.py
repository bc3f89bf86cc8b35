"""An organisation's saved choices (labels, thresholds, overrides), stored as JSON."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from access import Caller
from metrics.settings import Settings
from storage.allowed import UNRESTRICTED, check_edit, check_read
from storage.db import (
    StaleEdit,
    as_utc,
    check_name,
    organisation_settings,
    plain_json,
    read_connection,
    settings_state,
    utc_now,
    write_audit,
    write_transaction,
)

MAX_SETTINGS_CHARS = 200_000


@dataclass(frozen=True)
class SavedSettings:
    organisation: str
    values: dict[str, Any] = field(default_factory=dict)
    version: int = 0  # 0: never saved
    updated_by: str | None = None
    updated_at: dt.datetime | None = None


def settings_from_values(values: dict[str, Any]) -> Settings:
    """A Settings from stored JSON: unknown keys ignored, JSON lists back to tuples, dates from ISO text."""
    defaults = Settings()
    known: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name not in values:
            continue
        value = values[f.name]
        if isinstance(getattr(defaults, f.name), tuple) and isinstance(value, list):
            value = tuple(value)
        elif f.name == "period_end" and isinstance(value, str):
            value = dt.date.fromisoformat(value)
        known[f.name] = value
    try:
        return Settings(**known)
    except TypeError as error:  # e.g. a number stored as text
        raise ValueError(f"the saved settings do not fit: {error}") from None


def settings_to_values(settings: Settings) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in fields(Settings):
        value = getattr(settings, f.name)
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        values[f.name] = value
    return values


def encode_settings(values: dict[str, Any]) -> str:
    """Settings' values as they are stored (JSON); ValueError when they are not a dict, too long, or not settings
    the engine could use (saved here, or imported from a backup)."""
    if not isinstance(values, dict):
        raise ValueError(f"settings must be a dict, not {type(values).__name__}")
    encoded = plain_json(values, "the settings", MAX_SETTINGS_CHARS)
    settings_from_values(json.loads(encoded))  # refuse what the engine could not use
    return encoded


def _read(conn: Connection, organisation: str) -> SavedSettings | None:
    row = conn.execute(
        select(organisation_settings).where(organisation_settings.c.organisation == organisation)
    ).first()
    if row is None:
        return None
    return SavedSettings(
        organisation=row.organisation,
        values=json.loads(row.values_json),
        version=row.version,
        updated_by=row.updated_by,
        updated_at=as_utc(row.updated_at),
    )


def sharing_for_benchmarking(conn: Connection, organisations: Iterable[str]) -> set[str]:
    """Those of `organisations` whose saved settings share their published figures for benchmarking
    (Settings.share_for_benchmarking). Settings that cannot be used share nothing. Storage's own: the caller's
    check is the function that asks (storage.figure_sets.benchmark_sources)."""
    wanted = set(organisations)
    if not wanted:
        return set()
    sharing = set()
    rows = conn.execute(select(organisation_settings.c.organisation, organisation_settings.c.values_json)
                        .where(organisation_settings.c.organisation.in_(sorted(wanted))))
    for organisation, values_json in rows:
        try:
            shares = settings_from_values(json.loads(values_json)).share_for_benchmarking
        except ValueError:  # json's errors are ValueErrors too
            continue
        if shares:
            sharing.add(organisation)
    return sharing


def load_saved_settings(engine: Engine, organisation: str, *, caller: Caller = UNRESTRICTED) -> SavedSettings:
    organisation = check_name(organisation, "the organisation")
    check_read(caller, organisation)
    with read_connection(engine) as conn:
        return _read(conn, organisation) or SavedSettings(organisation)


def load_settings(engine: Engine, organisation: str, *, caller: Caller = UNRESTRICTED) -> tuple[dict[str, Any], int]:
    saved = load_saved_settings(engine, organisation, caller=caller)
    return saved.values, saved.version


class _Lost(Exception):
    pass


def save_settings(
    engine: Engine,
    organisation: str,
    values: dict[str, Any],
    *,
    expected_version: int,
    user: str,
    caller: Caller = UNRESTRICTED,
) -> tuple[dict[str, Any], int]:
    """Save if the settings are still at `expected_version`; otherwise raise StaleEdit, changing nothing."""
    return save_settings_as(engine, organisation, values, expected_version=expected_version, user=user,
                            caller=caller)


def save_settings_as(
    engine: Engine,
    organisation: str,
    values: dict[str, Any],
    *,
    expected_version: int,
    user: str,
    change: str | None = None,
    note: dict[str, Any] | None = None,
    caller: Caller = UNRESTRICTED,
) -> tuple[dict[str, Any], int]:
    """save_settings, recorded in the history as `change` ("created" or "updated" when None), `note` beside."""
    organisation = check_name(organisation, "the organisation")
    check_edit(caller, organisation)
    check_name(user, "the name of the person saving")
    encoded = encode_settings(values)
    decoded = json.loads(encoded)
    now = utc_now()
    try:
        with write_transaction(engine) as conn:
            current = _read(conn, organisation)
            if current is not None and current.values == decoded:
                return current.values, current.version
            if current is not None and current.version != expected_version:
                raise StaleEdit(current)
            if expected_version == 0:
                conn.execute(
                    insert(organisation_settings).values(
                        organisation=organisation, values_json=encoded, version=1, updated_by=user, updated_at=now
                    )
                )
            else:
                result = conn.execute(
                    update(organisation_settings)
                    .where(
                        organisation_settings.c.organisation == organisation,
                        organisation_settings.c.version == expected_version,
                    )
                    .values(
                        values_json=encoded,
                        version=organisation_settings.c.version + 1,
                        updated_by=user,
                        updated_at=now,
                    )
                )
                if result.rowcount != 1:
                    raise _Lost
            write_audit(
                conn, organisation=organisation, entity="settings", entity_key="",
                change=change or ("created" if current is None else "updated"),
                before=None if current is None else settings_state(current.values),
                after={**settings_state(decoded), **(note or {})},
                version=expected_version + 1, user=user, at=now,
            )
    except (_Lost, IntegrityError):
        raise StaleEdit(load_saved_settings(engine, organisation, caller=caller)) from None
    return decoded, expected_version + 1
