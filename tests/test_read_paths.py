"""The command line's files: read one ahead on a worker thread, loaded in order, as if read one by one."""

import io
import json
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from data_loaders import InputError
from data_loaders.readers import limits
from data_loaders.source import Source
from pipeline.api import read_paths, read_sources, sample_paths

ROOT = Path(__file__).resolve().parent.parent


def staff_workbook(rows: int) -> bytes:
    book = Workbook()
    book.active.append(["Employee No", "Ethnic Origin", "Grade"])
    for n in range(rows):
        book.active.append([n + 1, "A White - British" if n % 2 else "N Black or Black British - African", "Grade 3"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_ahead_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("read-ahead")]


def test_read_ahead_gives_what_reading_one_by_one_gives():
    paths = sample_paths("2026-03-31")
    ahead = read_paths(paths)
    one_by_one = read_sources([Source(Path(p).name, Path(p).read_bytes(), dataset) for p, dataset in paths])
    assert ahead.files == one_by_one.files == [Path(p).name for p, _ in paths]
    assert len(ahead.files) >= 5  # several files, so each but the first is read while another is loaded
    assert ahead.loaded.datasets.keys() == one_by_one.loaded.datasets.keys()
    for name, frame in ahead.loaded.datasets.items():
        pd.testing.assert_frame_equal(frame, one_by_one.loaded.datasets[name], obj=name)
    assert [s.label for s in ahead.loaded.sheets] == [s.label for s in one_by_one.loaded.sheets]
    assert ahead.loaded.warnings == one_by_one.loaded.warnings
    assert not read_ahead_threads()


def test_a_damaged_file_after_good_ones_is_named_and_the_worker_ends(tmp_path):
    good = tmp_path / "staff.xlsx"
    good.write_bytes(staff_workbook(4))
    damaged = tmp_path / "recruitment.xlsx"
    damaged.write_bytes(staff_workbook(4)[:300])  # a zip cut short
    later = tmp_path / "leavers.xlsx"
    later.write_bytes(staff_workbook(4))
    with pytest.raises(InputError) as raised:
        read_paths([str(good), str(damaged), str(later)])
    assert raised.value.file == "recruitment.xlsx"
    assert not read_ahead_threads()


def test_the_command_lines_own_limits_reach_the_worker_thread(tmp_path, monkeypatch):
    # The upload limit (as lowered here) refuses the workbook; the command line's local limits, a context
    # variable that a new thread does not inherit unless given it, let it be read.
    monkeypatch.setattr(limits, "MAX_ROWS", 5)
    path = tmp_path / "staff.xlsx"
    path.write_bytes(staff_workbook(20))
    with pytest.raises(InputError, match="rows"):
        read_sources([Source(path.name, path.read_bytes(), None)])
    inputs = read_paths([str(path)])
    assert len(inputs.loaded.datasets["staff"]) == 20


def test_the_front_door_imports_no_pandas_before_a_file_is_read():
    # So read_paths can start reading the first file while pandas and the engine import.
    code = "import sys, json; import pipeline.api; print(json.dumps(sorted(sys.modules)))"
    loaded = set(json.loads(subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                                           check=True).stdout))
    assert "python_calamine" in loaded and "data_loaders.readers" in loaded
    assert "pandas" not in loaded


def test_the_app_has_imported_all_that_reading_and_analysing_import_before_a_reader_is_forked():
    # The app reads in forked children: a child that imports a module another thread of the app was importing
    # at the fork would wait for ever. So nothing of the engine may be left to import in the child.
    code = """
import json, sys
from pathlib import Path
import ui.state
from data_loaders.source import Source
from pipeline.api import analyse, read_sources, sample_paths
before = set(sys.modules)
analyse(read_sources([Source(Path(p).name, Path(p).read_bytes(), d) for p, d in sample_paths()]))
print(json.dumps(sorted(m for m in set(sys.modules) - before if m.split(".")[0] in ("data_loaders", "metrics"))))
"""
    completed = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(completed.stdout.strip().splitlines()[-1]) == []
