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


# Under pytest-xdist (make test runs `-n auto --dist loadgroup`), the tests that share the one throwaway PostgreSQL
# database run on one worker, one after another: each starts from no tables, so two at once would drop each other's.
POSTGRES_MODULES = frozenset({"test_audit", "test_backup", "test_figure_sets", "test_migrations", "test_storage"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if item.module is not None and item.module.__name__.rpartition(".")[2] in POSTGRES_MODULES \
                or params.get("db_url") == "postgresql":
            item.add_marker(pytest.mark.xdist_group("postgres"))
