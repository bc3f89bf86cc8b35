"""Where the dashboard keeps what people write: the engine, the tables and the transactions.

Only text people type, the organisation's settings and counts by group (figure sets) are stored
here, never employee records.
The tables use SQLAlchemy Core types that PostgreSQL and SQLite both understand.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    exc,
    func,
    insert,
    select,
)
from sqlalchemy.engine import Connection, make_url

SCHEMA_VERSION = 2
REPOSITORY_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SQLITE_PATH = REPOSITORY_ROOT / "var" / "wres.sqlite"
# Long enough to wait out another session's save; SQLite's own default (5 s) is not.
SQLITE_BUSY_TIMEOUT_MS = 30_000
MAX_TEXT_CHARS = 20_000
MAX_NAME_CHARS = 200
# Streamlit runs sessions in threads: two listening at once would BEGIN twice.
_configure_lock = threading.Lock()

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

panels = Table(
    "panels",
    metadata,
    Column("organisation", String(MAX_NAME_CHARS), primary_key=True),
    Column("period", String(10), primary_key=True),
    Column("metric", String(3), primary_key=True),
    Column("kind", String(20), primary_key=True),
    Column("text", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_by", String(MAX_NAME_CHARS)),
    Column("updated_at", DateTime(timezone=True)),
)

actions = Table(
    "actions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("organisation", String(MAX_NAME_CHARS), nullable=False),
    Column("period", String(10), nullable=False),
    Column("number", Integer, nullable=False),
    Column("objective", Text, nullable=False),
    # JSON arrays as text: portable, and the lists are only ever read whole.
    Column("themes", Text, nullable=False),
    Column("metrics", Text, nullable=False),
    Column("lead", Text, nullable=False),
    Column("data_from_metrics", Text, nullable=False),
    Column("specific_actions", Text, nullable=False),
    Column("indicators", Text, nullable=False),
    Column("timeframe", Text, nullable=False),
    Column("progress", Text, nullable=False),
    Column("rag", String(5)),
    Column("version", Integer, nullable=False),
    Column("updated_by", String(MAX_NAME_CHARS)),
    Column("updated_at", DateTime(timezone=True)),
    Index("ix_actions_organisation_period", "organisation", "period"),
    sqlite_autoincrement=True,  # never reuse a deleted row's id: a stale editor could address it
)

organisation_settings = Table(
    "organisation_settings",
    metadata,
    Column("organisation", String(MAX_NAME_CHARS), primary_key=True),
    Column("values_json", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_by", String(MAX_NAME_CHARS)),
    Column("updated_at", DateTime(timezone=True)),
)

# Version 2: the counts behind every metric for one organisation, period and scope, so a year
# can be shown beside the last. Counts by group only; see storage.figure_sets.
figure_sets = Table(
    "figure_sets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("organisation", String(MAX_NAME_CHARS), nullable=False),
    Column("period_start", String(10), nullable=False),
    Column("period_end", String(10), nullable=False),
    # What the figures were filtered to, in words ("service: Adults"); "" for the whole organisation.
    Column("scope", String(MAX_NAME_CHARS), nullable=False),
    Column("source", String(20), nullable=False),
    # JSON: the classification choices the counts depend on, the data quality, notes, metric ids.
    Column("made_with", Text, nullable=False),
    Column("quality", Text, nullable=False),
    Column("notes", Text, nullable=False),
    Column("available", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("saved_by", String(MAX_NAME_CHARS)),
    Column("saved_at", DateTime(timezone=True)),
    UniqueConstraint("organisation", "period_end", "scope", name="uq_figure_sets_organisation_period_scope"),
    sqlite_autoincrement=True,  # never reuse a deleted set's id: a stale page could address it
)

figure_counts = Table(
    "figure_counts",
    metadata,
    Column(
        "figure_set_id",
        Integer,
        ForeignKey("figure_sets.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("metric", String(3), primary_key=True),
    Column("item", String(MAX_NAME_CHARS), primary_key=True),
    Column("group_name", String(10), primary_key=True),  # "group" is an SQL keyword
    # The row's place in the counts table: M1's pay bands are shown in the order they come.
    Column("position", Integer, nullable=False),
    Column("events", Float, nullable=False),
    Column("base", Float, nullable=False),
)


class StaleEdit(Exception):
    """Someone saved after this edit was opened; `current` is what they saved (and who, and when)."""

    def __init__(self, current: Any) -> None:
        self.current = current
        who = getattr(current, "updated_by", None) or "someone else"
        when = getattr(current, "updated_at", None)
        at = f" at {when:%H:%M on %d %B %Y} (UTC)" if when else ""
        super().__init__(f"{who} saved a newer version{at}; nothing was changed. Review theirs and save again.")


def database_url() -> str:
    return os.environ.get("WRES_DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    return configure_engine(create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}))


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let the "begin" listener below issue BEGIN itself; pysqlite's implicit BEGIN is deferred,
    # and a deferred transaction that reads then writes fails at once ("database is locked")
    # when another session wrote in between, whatever the busy timeout.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    # WAL lets readers carry on while one session writes.
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _on_sqlite_begin(conn: Connection) -> None:
    dbapi_connection = conn.connection.driver_connection
    if getattr(dbapi_connection, "isolation_level", "") is not None:
        return  # a connection opened before configure_engine: pysqlite still begins its own
    # A writer takes the write lock up front, waiting (busy timeout) for any other writer.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("wres_write") else "BEGIN")


def configure_engine(engine: Engine) -> Engine:
    """Give an engine made elsewhere (st.connection) the SQLite settings make_engine uses; idempotent."""
    if engine.dialect.name != "sqlite" or event.contains(engine, "connect", _on_sqlite_connect):
        return engine
    with _configure_lock:
        if not event.contains(engine, "connect", _on_sqlite_connect):
            event.listen(engine, "connect", _on_sqlite_connect)
            event.listen(engine, "begin", _on_sqlite_begin)
            engine.dispose()  # pooled connections predate the listeners
    return engine


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    configure_engine(engine)
    with engine.connect() as conn:
        conn.execution_options(wres_write=True)
        with conn.begin():
            yield conn


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    configure_engine(engine)
    with engine.connect() as conn:
        yield conn


def create_schema(engine: Engine) -> None:
    """Create the tables if they are missing and record the schema version; safe on every start."""
    try:
        _create_schema_once(engine)
    except (exc.IntegrityError, exc.OperationalError, exc.ProgrammingError):
        # Another process created the same tables a moment earlier; by now they exist.
        _create_schema_once(engine)


def _create_schema_once(engine: Engine) -> None:
    with write_transaction(engine) as conn:
        metadata.create_all(conn, checkfirst=True)
        stored = conn.execute(select(func.max(schema_version.c.version))).scalar()
        if stored is None:
            conn.execute(insert(schema_version).values(version=SCHEMA_VERSION, applied_at=utc_now()))
        elif stored < SCHEMA_VERSION:
            _upgrade(conn, stored)
        elif stored > SCHEMA_VERSION:
            raise RuntimeError(
                f"the database is at schema version {stored}, newer than this code ({SCHEMA_VERSION}): "
                "update the application"
            )


def _upgrade(conn: Connection, stored: int) -> None:
    # Version 2 only added tables (figure_sets, figure_counts), which create_all has just made.
    # A later version that changes an existing table adds its step here, before its row.
    for version in range(stored + 1, SCHEMA_VERSION + 1):
        conn.execute(insert(schema_version).values(version=version, applied_at=utc_now()))


def stored_schema_version(engine: Engine) -> int:
    with read_connection(engine) as conn:
        return conn.execute(select(func.max(schema_version.c.version))).scalar() or 0


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes; everything stored here was written in UTC.
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def check_text(text: str, what: str) -> str:
    if not isinstance(text, str):
        raise ValueError(f"{what} must be text, not {type(text).__name__}")
    if len(text) > MAX_TEXT_CHARS:
        raise ValueError(
            f"{what} is {len(text):,} characters long; the limit is {MAX_TEXT_CHARS:,}. Shorten it and save again."
        )
    if "\x00" in text:
        raise ValueError(f"{what} contains a NUL character, which cannot be stored")
    return text


def plain_json(value: Any, what: str, limit: int) -> str:
    """`value` as JSON text, refusing anything that is not plain JSON or is longer than `limit` characters."""
    try:
        encoded = json.dumps(value, sort_keys=True, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{what} must be plain JSON values (text, numbers, lists, dicts): {error}") from None
    if len(encoded) > limit:
        raise ValueError(f"{what} is {len(encoded):,} characters long; the limit is {limit:,}")
    return encoded


def check_name(value: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} is required")
    if len(value) > MAX_NAME_CHARS:
        raise ValueError(f"{what} is longer than {MAX_NAME_CHARS} characters")
    return value


def check_period(period: str | dt.date) -> str:
    text = period.isoformat() if isinstance(period, dt.date) else period
    try:
        dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(f"the period must be a date written YYYY-MM-DD, e.g. 2026-03-31, not {period!r}") from None
    return text
