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


def test_two_people_drive_a_real_server_and_every_save_they_were_told_of_is_in_the_database():
    (level,) = run_levels([2], seconds=60, think=(0.05, 0.1), actions=5, warm=False)
    assert level.errors == []
    kinds = [action.kind for action in level.actions]
    assert {"page", "filter", "save"} <= set(kinds) and len(kinds) >= 10  # 5 each; a save may need a page first
    assert all(action.seconds > 0 for action in level.actions)  # each answered with its script_finished
    assert len(level.saves) >= 2 and all(save.outcome in ("saved", "refused") for save in level.saves)
    assert any(save.outcome == "saved" for save in level.saves)
    assert level.lost == 0 and level.rss_mb > 0
    assert "| 2 | " in table("now", [level])


def test_a_save_reported_but_not_in_the_database_is_counted_as_lost():
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'empty.sqlite'}"
        never = Save("load user 1", "never written", "saved")
        assert lost_saves(url, [never, Save("load user 1", "refused text", "refused")]) == [never]


def test_two_app_processes_behind_haproxy_share_the_people_and_lose_no_save():
    # make load's several-process levels (python -m ui.region over PostgreSQL): skipped without HAProxy and a
    # throwaway PostgreSQL database here; CI has both (.ci/run). The default schema, as tests/browser/test_region.py.
    url = os.environ.get("WRES_TEST_POSTGRES_URL")
    if not url or shutil.which("haproxy") is None:
        pytest.skip("needs HAProxy and WRES_TEST_POSTGRES_URL")
    (level,) = run_levels([4], seconds=90, think=(0.05, 0.1), actions=4, warm=False, processes=2, database_url=url)
    assert level.errors == []
    assert level.processes == 2
    assert any(save.outcome == "saved" for save in level.saves)
    assert level.lost == 0
