"""The load test (`make load`, loadtest) works: against a real server started for it, two simulated people switch
pages, change the filter and save panels; every action is answered and every save the app reported is in the
database. Its figures are printed by `make load`, not asserted here (the levels of 10 to 40 people stay out of
`make test`)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from loadtest.crowd import Save, lost_saves, run_levels, table
from tests.conftest import schema_url


def test_two_people_drive_a_real_server_and_every_save_they_were_told_of_is_in_the_database():
    (level,) = run_levels([2], seconds=60, think=(0.05, 0.1), actions=5, warm=False)
    assert level.errors == []
    kinds = [action.kind for action in level.actions]
    assert {"page", "filter", "save"} <= set(kinds) and len(kinds) >= 10  # 5 each; a save may need a page first
    assert all(action.seconds > 0 for action in level.actions)  # each answered with its script_finished
    assert len(level.saves) >= 2 and all(save.outcome in ("saved", "refused") for save in level.saves)
    assert any(save.outcome == "saved" for save in level.saves)
    assert level.lost == 0 and level.rss_mb > 0
    # Each action's script run was timed on the server's side too (ui.turns' run log): at least one run each.
    assert len(level.runs) >= len(level.timed) and all(ran > 0 and waited >= 0 for waited, ran in level.runs)
    assert "| 2 | " in table("now", [level])


def test_a_save_reported_but_not_in_the_database_is_counted_as_lost():
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'empty.sqlite'}"
        never = Save("load user 1", "never written", "saved")
        assert lost_saves(url, [never, Save("load user 1", "refused text", "refused")]) == [never]


def test_two_app_processes_behind_haproxy_share_the_people_and_lose_no_save():
    # make load's several-process levels (python -m ui.region over PostgreSQL): skipped without HAProxy and a
    # throwaway PostgreSQL database here; CI has both (.ci/run). In a schema of its own: tests/browser/test_region.py
    # drops every table in the default one, and once did so while this test's processes were saving (CI, two workers).
    url = os.environ.get("WRES_TEST_POSTGRES_URL")
    if not url or shutil.which("haproxy") is None:
        pytest.skip("needs HAProxy and WRES_TEST_POSTGRES_URL")
    url = schema_url(url, "load_test")
    (level,) = run_levels([4], seconds=90, think=(0.05, 0.1), actions=4, warm=False, processes=2, database_url=url)
    assert level.errors == []
    assert level.processes == 2
    assert any(save.outcome == "saved" for save in level.saves)
    assert level.lost == 0


def test_two_people_add_a_workbook_at_once_over_the_protocol_and_each_is_added(tmp_path):
    from benchmarks.workbooks import make_workbook
    from loadtest.uploads import run_uploads
    from loadtest.uploads import table as upload_table

    workbook = tmp_path / "staff.xlsx"
    make_workbook(300, workbook)
    run = run_uploads(people=2, rows=300, after=(), workbook=workbook)
    assert [(o.kind, o.message) for o in run.outcomes if o.kind != "added"] == []
    assert len(run.outcomes) == 2
    assert all(o.message.startswith("Added staff load user") and o.seconds > 0 for o in run.outcomes)
    assert run.idle_mb > 0 and run.peak_mb >= run.idle_mb and run.after_mb[0] > 0
    assert "| 2 | 300 | 2 | 0 | 0 |" in upload_table("now", [run])


def test_a_file_that_cannot_be_read_is_counted_as_told_why_with_the_pages_words(tmp_path):
    from loadtest.uploads import run_uploads

    workbook = tmp_path / "staff.xlsx"
    workbook.write_bytes(b"not a workbook at all")
    (outcome,) = run_uploads(people=1, rows=0, after=(), workbook=workbook).outcomes
    assert outcome.kind == "told" and "'staff load user 1.xlsx': " in outcome.message, outcome
    assert "\\" not in outcome.message and "Traceback" not in outcome.message
