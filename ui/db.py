"""The app's database: `st.connection("sql")`, its schema made on first start.

The URL comes from WRES_DATABASE_URL, else `[connections.sql]` in .streamlit/secrets.toml,
else a SQLite file under var/ (made on first start). Nothing read from it is cached: people edit what is in it,
so every read goes to the database (the `ttl=0` rule), through storage's own functions. (A panel's history is kept
by the panel's version, which is read afresh on every run: ui.panels.versioned_history.)
A database that cannot be opened stops the page with a message naming it and saying what to do.
"""

from __future__ import annotations

import os

import streamlit as st
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from storage import DatabaseUnavailable, configure_engine, create_schema, database_url, prepare_location
from storage.db import NewerSchema, unavailable
from ui import per_run
from ui.safe import md


def _secrets_sql() -> dict | None:
    try:
        connections = st.secrets.get("connections", {})
        return dict(connections["sql"]) if "sql" in connections else None
    except Exception:  # noqa: BLE001 - no secrets file is the usual case, and Streamlit raises for it
        return None


@st.cache_resource(show_spinner=False)
def _ready(url: str) -> Engine:
    # A failure raises out of here uncached, so the next rerun tries again once the cause is fixed.
    secrets = _secrets_sql() if url == "secrets" else None
    shown = str((secrets or {}).get("url") or "the database in .streamlit/secrets.toml") if secrets else url
    try:
        if secrets is not None:
            if secrets.get("url"):
                prepare_location(str(secrets["url"]))
            engine = st.connection("sql", type="sql", ttl=0).engine
        else:
            prepare_location(url)
            engine = st.connection("sql", type="sql", url=url, ttl=0).engine
        configure_engine(engine)
        create_schema(engine)
    except (SQLAlchemyError, NewerSchema, DatabaseUnavailable) as error:
        raise unavailable(shown, error) from None
    return engine


def engine() -> Engine:
    """The app's database engine, made ready once per process (its schema made), looked up once per run."""
    return per_run.remembered("engine", (), _engine)


def _engine() -> Engine:
    explicit = os.environ.get("WRES_DATABASE_URL")
    try:
        if explicit:
            return _ready(explicit)
        if _secrets_sql() is not None:
            return _ready("secrets")
        return _ready(database_url())
    except DatabaseUnavailable as error:
        st.error(f"The dashboard cannot open its database, where panels, the action plan and settings are saved: "
                 f"{md(str(error))}", icon=":material/database:")
        st.stop()
