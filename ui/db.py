"""The app's database: `st.connection("sql")`, its schema made on first start.

The URL comes from WRES_DATABASE_URL, else `[connections.sql]` in .streamlit/secrets.toml,
else a SQLite file under var/. Nothing read from it is cached: people edit what is in it, so
every read goes to the database (the `ttl=0` rule), through storage's own functions.
"""

from __future__ import annotations

import os

import streamlit as st
from sqlalchemy.engine import Engine

from storage import configure_engine, create_schema, database_url


def _secrets_have_sql() -> bool:
    try:
        return "sql" in st.secrets.get("connections", {})
    except Exception:  # noqa: BLE001 - no secrets file is the usual case, and Streamlit raises for it
        return False


@st.cache_resource(show_spinner=False)
def _ready(url: str) -> Engine:
    if url == "secrets":
        engine = st.connection("sql", type="sql", ttl=0).engine
    else:
        engine = st.connection("sql", type="sql", url=url, ttl=0).engine
    configure_engine(engine)
    create_schema(engine)
    return engine


def engine() -> Engine:
    explicit = os.environ.get("WRES_DATABASE_URL")
    if explicit:
        return _ready(explicit)
    if _secrets_have_sql():
        return _ready("secrets")
    return _ready(database_url())
