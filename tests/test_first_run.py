"""A fresh clone: the default database is made where the README says, on the app's path and the command
line's; a database that cannot be used is named in a message with what to do, never a traceback.

The browser test that runs `make run` on a copy of the tree is tests/browser/test_first_run.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from storage import DatabaseUnavailable, open_database, prepare_location
from storage.db import DEFAULT_SQLITE_PATH, REPOSITORY_ROOT, database_url
from tests.fresh_clone import copy_of_the_tree
from ui.apptest import served_navigation
from ui.safe import plain

ROOT = Path(__file__).resolve().parent.parent


def test_the_default_database_is_the_file_under_var_the_readme_names(monkeypatch):
    monkeypatch.delenv("WRES_DATABASE_URL", raising=False)
    assert DEFAULT_SQLITE_PATH == REPOSITORY_ROOT / "var" / "wres.sqlite"
    assert database_url() == f"sqlite:///{REPOSITORY_ROOT / 'var' / 'wres.sqlite'}"


def test_a_missing_folder_is_made_and_the_schema_with_it(tmp_path):
    path = tmp_path / "var" / "deeper" / "wres.sqlite"
    engine = open_database(f"sqlite:///{path}")
    engine.dispose()
    assert path.is_file()


def test_a_folder_that_cannot_be_made_is_named_with_what_to_do(tmp_path):
    blocker = tmp_path / "var"
    blocker.write_text("a file where the folder should be")
    path = blocker / "wres.sqlite"
    with pytest.raises(DatabaseUnavailable) as raised:
        prepare_location(f"sqlite:///{path}")
    message = str(raised.value)
    assert f"the database file {path} cannot be made: its folder {blocker} could not be created" in message
    assert "WRES_DATABASE_URL" in message and "README" in message
    assert blocker.read_text() == "a file where the folder should be"  # nothing already there is touched


def test_a_folder_where_the_file_should_be_is_named(tmp_path):
    (tmp_path / "wres.sqlite").mkdir()
    with pytest.raises(DatabaseUnavailable, match="is a folder, not a file"):
        open_database(f"sqlite:///{tmp_path / 'wres.sqlite'}")


def test_a_server_that_is_not_there_is_named_without_its_password():
    with pytest.raises(DatabaseUnavailable) as raised:
        open_database("postgresql+psycopg://wres:hunter2@127.0.0.1:1/wres")
    message = str(raised.value)
    assert "the database at postgresql+psycopg://wres:***@127.0.0.1:1/wres could not be opened" in message
    assert "hunter2" not in message
    assert "Check that the database server is running" in message


def _run(module: str, *args: str, env: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


def test_the_command_line_says_which_database_it_cannot_use(tmp_path):
    (tmp_path / "var").write_text("")
    env = os.environ | {"WRES_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'wres.sqlite'}"}
    for args in (("upgrade",), ("export", str(tmp_path / "backup.json"))):
        result = _run("storage", *args, env=env)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ")
        assert "cannot be made" in lines[0] or "no database" in lines[0]


def test_the_command_line_makes_the_default_database_on_a_fresh_clone(tmp_path):
    tree = copy_of_the_tree(tmp_path / "clone")
    env = {k: v for k, v in os.environ.items() if k != "WRES_DATABASE_URL"}
    result = _run("storage", "upgrade", env=env, cwd=tree)
    assert result.returncode == 0, result.stderr
    made = tree / "var" / "wres.sqlite"
    assert made.is_file()
    assert f"Made the tables in sqlite:///{made}" in result.stdout


@pytest.fixture
def navigation_as_served():
    with served_navigation():
        yield


def test_the_app_names_a_database_it_cannot_open_and_draws_no_traceback(tmp_path, monkeypatch,
                                                                        navigation_as_served):
    (tmp_path / "var").write_text("")
    monkeypatch.setenv("WRES_DATABASE_URL", f"sqlite:///{tmp_path / 'var' / 'wres.sqlite'}")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception, at.exception
    errors = [plain(e.value) for e in at.error]
    assert len(errors) == 1
    assert errors[0].startswith("The dashboard cannot open its database")
    assert f"its folder {tmp_path / 'var'} could not be created" in errors[0]
    assert "WRES_DATABASE_URL" in errors[0]
