"""Where the dashboard keeps what people write: the engine, the tables and the transactions.

Only text people type, the organisation's settings and counts by group (figure sets) are stored
here, never employee records. Every save also writes what changed to `audit_log`, in the same
transaction (see storage.audit).
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
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection, CursorResult, make_url

from data_loaders.errors import InputError

SCHEMA_VERSION = 7
REPOSITORY_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SQLITE_PATH = REPOSITORY_ROOT / "var" / "wres.sqlite"
# Long enough to wait out another session's save; SQLite's own default (5 s) is not.
SQLITE_BUSY_TIMEOUT_MS = 30_000
MAX_TEXT_CHARS = 20_000
MAX_NAME_CHARS = 200
# Room for the longest history key, a figure set's "PERIOD_END/SCOPE" (11 characters and a scope).
MAX_KEY_CHARS = 2 * MAX_NAME_CHARS
# Room for every comparison's group keys in figure_counts.group_name ("not_declared" is 12) and its key in
# figure_sets.comparison ("disability" is 10), with some to spare.
MAX_GROUP_CHARS = 20
MAX_COMPARISON_CHARS = 20
# "organisation" (made by an administrator) and "membership" (a person's role in it, keyed by their address or
# @domain) are recorded too, so who gave whom access is in the organisation's history; neither is restored from it.
AUDIT_ENTITIES: tuple[str, ...] = ("panel", "action", "settings", "figure_set", "organisation", "membership")
# "renamed": the item moved from an organisation name to another (storage.organisations), its content unchanged.
AUDIT_CHANGES: tuple[str, ...] = ("created", "updated", "deleted", "restored", "imported", "renamed")


class NewerSchema(RuntimeError):
    """The database was made by a newer version of this code, which must not write to it."""

    def __init__(self, stored: int) -> None:
        self.stored = stored
        super().__init__(f"the database is at schema version {stored}, newer than this code ({SCHEMA_VERSION}): "
                         "update the application")


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
    # Version 4: what the text was written for (storage.panels.panel_scope): "" is the whole organisation under
    # the default standard; "service: Adults", "NHS WRES", "NHS WRES; service: Adults" the others.
    Column("scope", String(MAX_NAME_CHARS), primary_key=True, default=""),
    Column("metric", String(3), primary_key=True),
    Column("kind", String(20), primary_key=True),
    Column("text", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_by", String(MAX_NAME_CHARS)),
    Column("updated_at", DateTime(timezone=True)),
    # Version 4: the metric's figures in words when the text was saved, so a page can say when they have changed
    # since; NULL when not known (saved before version 4, imported, or saved with no figures in view).
    Column("figures", Text),
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
    # Version 7: whose plan the objective is in, the standard's scope as storage.panels.panel_scope(standard) gives
    # it with no filters (a plan is the whole organisation's): "" the default standard's (SC-WRES), "NHS WRES",
    # "WDES". Objectives saved before it are the SC-WRES plan's, where every plan was written. Numbers are unique
    # within (organisation, period, scope); storage.actions keeps them so.
    Column("scope", String(MAX_NAME_CHARS), nullable=False, server_default=""),
    Index("ix_actions_organisation_period_scope", "organisation", "period", "scope"),
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
    # Version 6: whose groups the counts are, the key of a data_loaders.comparison.Comparison ("ethnicity",
    # "disability"); sets saved before it are the race standards' ("ethnicity").
    Column("comparison", String(MAX_COMPARISON_CHARS), nullable=False, server_default="ethnicity"),
    # Version 6: the metric ids counted under their standard's own population rule (FigureSet.own_rules),
    # comma-separated in the registry's order; "" for none, and for sets saved before it.
    Column("own_rules", Text, nullable=False, server_default=""),
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
    # "group" is an SQL keyword. 10 characters before version 6, too few for "non_disabled".
    Column("group_name", String(MAX_GROUP_CHARS), primary_key=True),
    # The row's place in the counts table: M1's pay bands are shown in the order they come.
    Column("position", Integer, nullable=False),
    Column("events", Float, nullable=False),
    Column("base", Float, nullable=False),
)


# Version 5: the organisations the service knows (made by an administrator, or found with data when a
# database was upgraded) and who belongs to each, beside those the [access] configuration names (access.policy).
organisations = Table(
    "organisations",
    metadata,
    Column("organisation", String(MAX_NAME_CHARS), primary_key=True),
    Column("created_by", String(MAX_NAME_CHARS)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

memberships = Table(
    "memberships",
    metadata,
    # No foreign key: SQLite does not enforce one here; storage.memberships keeps the two in step on both databases.
    Column("organisation", String(MAX_NAME_CHARS), primary_key=True),
    # A whole address or an @domain, as access.policy.entry_of writes it (lower case).
    Column("member", String(MAX_NAME_CHARS), primary_key=True),
    Column("role", String(10), nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_by", String(MAX_NAME_CHARS)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_memberships_member", "member"),
)


# Version 3: every saved change, who made it and when, with the entity's state before and after
# (JSON), so information governance can see and restore any earlier version.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("organisation", String(MAX_NAME_CHARS), nullable=False),
    Column("entity", String(20), nullable=False),
    # "PERIOD/METRIC/KIND" for a panel, the action's id, "" for settings, "PERIOD_END/SCOPE" for a figure set.
    Column("entity_key", String(MAX_KEY_CHARS), nullable=False),
    Column("change", String(10), nullable=False),
    Column("before", Text),
    Column("after", Text),
    Column("version", Integer),  # the entity's version after the change; NULL after a delete
    Column("changed_by", String(MAX_NAME_CHARS)),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Index("ix_audit_log_entity", "organisation", "entity", "entity_key"),
    sqlite_autoincrement=True,  # ids are the order changes were recorded in
)

# An action's recorded state: its period and every column a person edits.
ACTION_STATE_FIELDS: tuple[str, ...] = (
    "period", "number", "objective", "themes", "metrics", "lead", "data_from_metrics", "specific_actions",
    "indicators", "timeframe", "progress", "rag",
)
# Recorded from version 7 when not "" (another standard's plan, "NHS WRES"): entries without it, and every entry made
# before it, are the default standard's plan's, as panel keys leave out the whole organisation's scope.
ACTION_LATER_STATE_FIELDS: tuple[str, ...] = ("scope",)
FIGURE_SET_STATE_FIELDS: tuple[str, ...] = ("period_start", "period_end", "scope", "source", "available")
# Recorded too from version 6 (whose groups the counts are), so not in every entry: entries made before lack it.
FIGURE_SET_LATER_STATE_FIELDS: tuple[str, ...] = ("comparison",)


class StaleEdit(Exception):
    """Someone saved after this edit was opened; `current` is what they saved (and who, and when).

    `current` is None when someone deleted it instead.
    """

    def __init__(self, current: Any) -> None:
        self.current = current
        if current is None:
            super().__init__("Someone else deleted it after you opened it; nothing was changed.")
            return
        who = getattr(current, "updated_by", None) or "someone else"
        when = getattr(current, "updated_at", None)
        at = f" at {when:%H:%M on %d %B %Y} (UTC)" if when else ""
        super().__init__(f"{who} saved a newer version{at}; nothing was changed. Review theirs and save again.")


def database_url() -> str:
    return os.environ.get("WRES_DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"


class DatabaseUnavailable(InputError):
    """The database cannot be opened or written. `str()` names it and says what to do; nothing saved is lost."""


_WHAT_TO_DO = ("Make the folder writable by the account that runs the dashboard, or set WRES_DATABASE_URL to a "
               "database it can write (for example sqlite:////home/you/wres.sqlite); see 'Where things are "
               "saved' in the README.")


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names; None for another database, an in-memory one, a `file:` URI or no URL."""
    try:
        parsed = make_url(url)
    except exc.ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:" \
            or parsed.database.startswith("file:"):
        return None
    return Path(parsed.database)


def prepare_location(url: str) -> None:
    """Make the folder a SQLite file goes in (var/ on a fresh clone) and check the file can be written there.

    Both the app (through st.connection) and the command line open the database after this, so a fresh
    clone works with no folder made by hand, and a path that cannot be used is named in a message rather
    than surfacing as SQLite's "unable to open database file".
    """
    path = sqlite_file(url)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseUnavailable(
            f"the database file {path} cannot be made: its folder {path.parent} could not be created "
            f"({error.strerror or error})", advice=_WHAT_TO_DO) from None
    if path.exists() and not path.is_file():
        raise DatabaseUnavailable(f"the database file {path} is a folder, not a file",
                                  advice="Rename that folder, or set WRES_DATABASE_URL to another file.")
    if not os.access(path if path.exists() else path.parent, os.W_OK):
        raise DatabaseUnavailable(f"the database file {path} cannot be written by this account", advice=_WHAT_TO_DO)


def where(url: str) -> str:
    """A database URL as it can be shown to a person: the password hidden. Text that is no URL, as given."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except exc.ArgumentError:
        return url


def unavailable(url: str, error: Exception) -> DatabaseUnavailable:
    """A failure to open or set up the database at `url`, worded for the person who started the dashboard."""
    if isinstance(error, DatabaseUnavailable):
        return error
    if isinstance(error, NewerSchema):
        return DatabaseUnavailable(f"the database at {where(url)} is at schema version {error.stored}, newer than "
                                   f"this code ({SCHEMA_VERSION}): update the application; nothing in it was changed")
    reason = getattr(error, "orig", None) or error
    advice = (_WHAT_TO_DO if sqlite_file(url) is not None else
              "Check that the database server is running and the URL, user and password in WRES_DATABASE_URL "
              "(or .streamlit/secrets.toml) are right; see 'Where things are saved' in the README.")
    return DatabaseUnavailable(f"the database at {where(url)} could not be opened ({reason})", advice=advice)


def open_database(url: str | None = None) -> Engine:
    """An engine on `url` (default: `database_url()`) with the schema made or upgraded, or DatabaseUnavailable."""
    url = url or database_url()
    engine = make_engine(url)
    try:
        create_schema(engine)
    except (exc.SQLAlchemyError, NewerSchema) as error:
        engine.dispose()
        raise unavailable(url, error) from None
    return engine


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    prepare_location(url)
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
            raise NewerSchema(stored)


def _upgrade(conn: Connection, stored: int) -> None:
    # Versions 2 and 3 only added tables (figure_sets, figure_counts; audit_log), which create_all
    # has just made. A later version that changes an existing table adds its step here, before its row.
    if stored < 4:
        # First, whatever the starting version: the steps below read the panels with this code's table.
        _panels_by_scope(conn)
    if stored < 6:
        # First too: version 3's step reads the figure sets with this code's table.
        _figure_sets_say_whose_groups(conn)
    if stored < 7:
        # First too: version 3's step reads the objectives with this code's table.
        _actions_by_scope(conn)
    for version in range(stored + 1, SCHEMA_VERSION + 1):
        if version == 3:
            _record_what_is_there(conn)
        if version == 5:
            register_stored_organisations(conn, "the upgrade to schema version 5")
        conn.execute(insert(schema_version).values(version=version, applied_at=utc_now()))


def names_with_data(conn: Connection, *, with_history: bool = False) -> set[str]:
    """Every organisation name that panels, objectives, settings or saved periods (and the history, if asked) are
    stored under, exactly as stored."""
    found: set[str] = set()
    for table in (panels, actions, organisation_settings, figure_sets, *((audit_log,) if with_history else ())):
        found.update(conn.execute(select(table.c.organisation).distinct()).scalars())
    return found


def register_stored_organisations(conn: Connection, by: str) -> int:
    """Version 5: every organisation name with data anywhere becomes an organisation the service knows, exactly as
    stored (spaces and case kept: an administrator renames one to merge it); no row of data moves. The number added."""
    known = set(conn.execute(select(organisations.c.organisation)).scalars())
    new = sorted(names_with_data(conn, with_history=True) - known)
    if new:
        at = utc_now()
        conn.execute(insert(organisations),
                     [{"organisation": name, "created_by": by, "created_at": at} for name in new])
    return len(new)


def _panels_by_scope(conn: Connection) -> None:
    """Version 4: panels are kept per scope, with the figures they were written against.

    The scope joins the primary key, which neither SQLite nor a portable ALTER can change in place: the old table
    is renamed, the new one made, every row copied as the whole organisation's (scope ""), and the old one
    dropped, in the upgrade's one transaction. A table already in the new shape (made by create_all just now,
    when the database had no panels table) is left as it is.
    """
    if "scope" in {column["name"] for column in inspect(conn).get_columns("panels")}:
        return
    conn.execute(text("ALTER TABLE panels RENAME TO panels_v3"))
    if conn.dialect.name == "postgresql":
        # The primary key's index keeps its name through the rename; the new table's needs it.
        conn.execute(text("ALTER TABLE panels_v3 RENAME CONSTRAINT panels_pkey TO panels_v3_pkey"))
    panels.create(conn)
    conn.execute(text(
        "INSERT INTO panels (organisation, period, scope, metric, kind, text, version, updated_by, updated_at, "
        "figures) SELECT organisation, period, '', metric, kind, text, version, updated_by, updated_at, NULL "
        "FROM panels_v3"))
    conn.execute(text("DROP TABLE panels_v3"))


def _figure_sets_say_whose_groups(conn: Connection) -> None:
    """Version 6: a saved period records whose groups its counts are and which metrics were counted under their
    standard's own rule, and its group column holds every comparison's group keys.

    Two columns are added with their defaults, so every set already saved reads as the race standards' with no
    own rule, which is how it was counted ("ethnicity", ""). PostgreSQL widens group_name in place (keeping every
    row and the primary key); SQLite does not enforce a VARCHAR's length, so there is nothing to change there. A
    table already in the new shape (made by create_all just now) is left as it is.
    """
    have = {column["name"] for column in inspect(conn).get_columns("figure_sets")}
    if "comparison" not in have:
        conn.execute(text(f"ALTER TABLE figure_sets ADD COLUMN comparison VARCHAR({MAX_COMPARISON_CHARS}) "
                          "NOT NULL DEFAULT 'ethnicity'"))
    if "own_rules" not in have:
        conn.execute(text("ALTER TABLE figure_sets ADD COLUMN own_rules TEXT NOT NULL DEFAULT ''"))
    if conn.dialect.name == "postgresql":
        width = {column["name"]: getattr(column["type"], "length", None)
                 for column in inspect(conn).get_columns("figure_counts")}["group_name"]
        if width is not None and width < MAX_GROUP_CHARS:
            conn.execute(text(f"ALTER TABLE figure_counts ALTER COLUMN group_name TYPE VARCHAR({MAX_GROUP_CHARS})"))


def _actions_by_scope(conn: Connection) -> None:
    """Version 7: an objective is in one standard's plan (its scope), so a trust's NHS WRES and WDES plans are kept
    apart.

    The column is added with its default, so every objective already saved reads as the SC-WRES plan's (""), where
    every plan so far was written; the index on (organisation, period) is replaced by one on (organisation, period,
    scope), the plan a page reads. Nothing else changes: ids, numbers, versions and history stay as they were. A
    table already in the new shape (made by create_all just now) is left as it is.
    """
    if "scope" not in {column["name"] for column in inspect(conn).get_columns("actions")}:
        conn.execute(text(f"ALTER TABLE actions ADD COLUMN scope VARCHAR({MAX_NAME_CHARS}) NOT NULL DEFAULT ''"))
    indexes = {index["name"] for index in inspect(conn).get_indexes("actions")}
    if "ix_actions_organisation_period" in indexes:
        conn.execute(text("DROP INDEX ix_actions_organisation_period"))
    if "ix_actions_organisation_period_scope" not in indexes:
        conn.execute(text("CREATE INDEX ix_actions_organisation_period_scope ON actions (organisation, period, scope)"))


def _record_what_is_there(conn: Connection) -> None:
    """One history entry per item saved before there was history, so its text can be restored later.

    Each says what the row itself says: its state, version, who saved it last and when. "created" at
    version 1; "updated" otherwise, with `before` unknown (NULL).
    """
    now = utc_now()
    entries: list[dict[str, Any]] = []

    def add(organisation: str, entity: str, key: str, state: dict[str, Any], row: Any, by: Any, at: Any) -> None:
        entries.append(audit_row(
            organisation=organisation, entity=entity, entity_key=key,
            change="created" if row.version == 1 else "updated", before=None, after=state,
            version=row.version, user=by, at=as_utc(at) or now,
        ))

    for row in conn.execute(select(panels).order_by(panels.c.updated_at)):
        add(row.organisation, "panel", panel_key(row.period, row.metric, row.kind), panel_state(row.text), row,
            row.updated_by, row.updated_at)
    for row in conn.execute(select(actions).order_by(actions.c.id)):
        add(row.organisation, "action", str(row.id), action_state(row._mapping), row, row.updated_by, row.updated_at)
    for row in conn.execute(select(organisation_settings).order_by(organisation_settings.c.organisation)):
        add(row.organisation, "settings", "", settings_state(json.loads(row.values_json)), row, row.updated_by,
            row.updated_at)
    for row in conn.execute(select(figure_sets).order_by(figure_sets.c.id)):
        add(row.organisation, "figure_set", figure_set_key(row.period_end, row.scope),
            figure_set_state(row._mapping), row, row.saved_by, row.saved_at)
    if entries:
        conn.execute(insert(audit_log), entries)


# What a history entry records of each kind of thing; storage.audit reads these back.


def panel_key(period: str, metric: str, kind: str, scope: str = "") -> str:
    """"PERIOD/METRIC/KIND", and "/SCOPE" after it for a panel written for a part of the organisation (the
    whole organisation's keys are as they were before panels had scopes)."""
    return f"{period}/{metric}/{kind}" + (f"/{scope}" if scope else "")


def split_panel_key(key: str) -> tuple[str, str, str, str]:
    """(period, metric, kind, scope) from a panel_key; the scope may itself hold "/"."""
    parts = key.split("/", 3)
    if len(parts) == 3:
        parts.append("")
    if len(parts) != 4:
        raise ValueError(f"{key!r} is not a panel's key")
    return parts[0], parts[1], parts[2], parts[3]


def figure_set_key(period_end: str, scope: str) -> str:
    return f"{period_end}/{scope}"


def panel_state(text: str, figures: str | None = None) -> dict[str, Any]:
    return {"text": text} if figures is None else {"text": text, "figures": figures}


def settings_state(values: dict[str, Any]) -> dict[str, Any]:
    return {"values": values}


def action_state(columns: Any) -> dict[str, Any]:
    """From the actions table's column values (themes and metrics as their stored JSON text), with its plan's scope
    when it is another standard's than the default's (ACTION_LATER_STATE_FIELDS)."""
    state = {name: columns[name] for name in ACTION_STATE_FIELDS}
    for name in ACTION_LATER_STATE_FIELDS:
        if columns.get(name):
            state[name] = columns[name]
    state["themes"] = json.loads(state["themes"])
    state["metrics"] = json.loads(state["metrics"])
    return state


def figure_set_state(columns: Any) -> dict[str, Any]:
    """The summary of a figure set, never its counts (the available metrics as their stored JSON text), with
    whose groups they are (its comparison's key) when the columns say."""
    state = {name: columns[name] for name in FIGURE_SET_STATE_FIELDS}
    for name in FIGURE_SET_LATER_STATE_FIELDS:
        if name in columns:
            state[name] = columns[name]
    state["available"] = json.loads(state["available"])
    return state


def audit_row(
    *,
    organisation: str,
    entity: str,
    entity_key: str,
    change: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    version: int | None,
    user: str | None,
    at: dt.datetime,
) -> dict[str, Any]:
    if entity not in AUDIT_ENTITIES or change not in AUDIT_CHANGES:
        raise ValueError(f"no audit entity {entity!r} or change {change!r}")
    return {
        "organisation": organisation,
        "entity": entity,
        "entity_key": entity_key,
        "change": change,
        "before": None if before is None else json.dumps(before, ensure_ascii=False, sort_keys=True, allow_nan=False),
        "after": None if after is None else json.dumps(after, ensure_ascii=False, sort_keys=True, allow_nan=False),
        "version": version,
        "changed_by": user,
        "changed_at": at,
    }


def inserted_id(result: CursorResult[Any]) -> int:
    """The primary key of the one row an insert added. SQLAlchemy types it optional, for an insert that
    added no row; every insert here adds one row to a table with a primary key."""
    key = result.inserted_primary_key
    assert key is not None, "a one-row insert into a table with a primary key"
    return key[0]


def write_audit(conn: Connection, **entry: Any) -> None:
    """Record one change; call it inside the transaction that makes the change, so both or neither happen."""
    conn.execute(insert(audit_log).values(**audit_row(**entry)))


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
