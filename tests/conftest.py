"""Test-run checks shared by every test file."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

POSTGRES_ENV = "WRES_TEST_POSTGRES_URL"


def pytest_configure(config: pytest.Config) -> None:
    # Locally the PostgreSQL variants skip without a server; in CI they must run, so that a storage
    # change that works on SQLite alone cannot land.
    if os.environ.get("CI") and not os.environ.get(POSTGRES_ENV):
        raise pytest.UsageError(f"CI runs the storage tests against PostgreSQL: set {POSTGRES_ENV} "
                                "(.ci/run starts a server and sets it)")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL for a storage test, run once on SQLite and once on PostgreSQL (when configured)."""
    from storage import make_engine
    from storage.db import metadata

    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'wres.sqlite'}"
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set: set it to a throwaway PostgreSQL database's URL to run this there")
    url = worker_schema_url(url)
    engine = make_engine(url)
    metadata.drop_all(engine)  # a throwaway database: start every test from no tables
    engine.dispose()
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """The storage engine for `db_url`, its schema made."""
    from storage import create_schema, make_engine

    made = make_engine(db_url)
    create_schema(made)
    yield made
    made.dispose()


def worker_schema_url(url: str) -> str:
    """Under pytest-xdist (make test runs `-n auto`), each worker's PostgreSQL tests use a schema of their own in the
    one throwaway database (its search path, set on every connection), since each test starts from no tables and
    two workers sharing one schema would drop each other's. Without xdist, the URL as given."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    return schema_url(url, worker)


def schema_url(url: str, schema: str) -> str:
    """`url` with its search path set to `schema` on every connection, the schema made if it is missing: a test
    whose app processes must not share tables with the tests that start from none (tests/browser/test_region.py
    drops every table in the default schema)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    admin.dispose()
    return make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)
