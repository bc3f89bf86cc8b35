"""Test-run checks shared by every test file."""

import os

import pytest

POSTGRES_ENV = "WRES_TEST_POSTGRES_URL"


def pytest_configure(config: pytest.Config) -> None:
    # Locally the PostgreSQL variants skip without a server; in CI they must run, so that a storage
    # change that works on SQLite alone cannot land.
    if os.environ.get("CI") and not os.environ.get(POSTGRES_ENV):
        raise pytest.UsageError(f"CI runs the storage tests against PostgreSQL: set {POSTGRES_ENV} "
                                "(.ci/run starts a server and sets it)")
