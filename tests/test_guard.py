"""run_bounded: a parse in a child process that cannot hang, exhaust memory or take the app down."""

from __future__ import annotations

import ctypes
import datetime as dt
import io
import logging
import os
import resource
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from data_loaders import guard
from data_loaders.errors import InputError
from data_loaders.guard import run_bounded
from data_loaders.source import Source
from data_loaders.tables import SheetError
from pipeline.api import read_sources, sample_paths

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the bounds need fork and /proc")

MB = 1024**2
ADVICE = (
    "Remove the rows, columns or sheets you do not need (including formatted cells far below or to the right of "
    "the table), split a large file into smaller ones, or save the data as .csv, then upload again."
)
CRASHED = (
    "a file made the spreadsheet reader fail; it may be damaged, or not a spreadsheet saved by Excel. Open it in "
    "Excel, save it again as Excel Workbook (.xlsx) or as .csv, and upload the new copy."
)
UNEXPECTED = (
    "the files could not be read because of an unexpected problem; a file may be damaged or in a form this "
    "service does not recognise. Save them again from Excel as Excel Workbook (.xlsx) or .csv and upload the new "
    "copies. If that does not help, tell your administrator: the problem was logged."
)


def too_much_memory(limit: str) -> str:
    return (f"reading the files needed more memory (more than {limit}) than this service allows for one upload, "
            f"so it was stopped. {ADVICE}")


# --- functions run in the child (top level, as callers are asked to pass) ------------------------------


def staff_frame(rows: int, *, service: str = "Adults") -> pd.DataFrame:
    rng = np.random.default_rng(rows)
    return pd.DataFrame({
        "employee_id": [f"E{n:06d}" for n in range(rows)],
        "ethnicity": pd.Series(rng.choice(["white", "bme", None], rows), dtype="str"),
        "salary": rng.integers(18_000, 90_000, rows).astype("float64"),
        "start_date": pd.Timestamp("2010-01-01") + pd.to_timedelta(rng.integers(0, 5000, rows), unit="D"),
        "senior_manager": pd.array(rng.choice([True, False, None], rows), dtype="boolean"),
        "service": service,
    })


def pause_then_staff_frame(rows: int, seconds: float) -> pd.DataFrame:
    time.sleep(seconds)
    return staff_frame(rows)


def sleep_after_writing_pid(path: str) -> None:
    Path(path).write_text(str(os.getpid()))
    time.sleep(60)


def allocate(octets: int) -> int:
    block = np.ones(octets, dtype=np.uint8)  # touched, so the pages are really there
    return int(block.sum())


def read_with_calamine_unchecked(data: bytes) -> int:
    """Calamine without data_loaders.readers' checks in front: how a file the checks miss would be read."""
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return len(workbook.get_sheet_by_index(0).to_python())


def segfault() -> None:
    ctypes.string_at(0)


def raise_given(error: BaseException) -> None:
    raise error


def fail_quoting(cell: str) -> None:
    raise ValueError(f"could not convert {cell!r} to a date")


def raise_unpicklable_panic(message: str) -> None:
    class PanicException(BaseException):  # like pyo3's: a BaseException, and this one cannot be pickled
        pass

    raise PanicException(message)


def return_a_lock() -> threading.Lock:
    return threading.Lock()


def write_to_stderr(text: str) -> int:
    sys.stderr.write(text)
    return len(text)


def report_then_wait_for(flag: str, seconds: float) -> bool:
    """Reports a stage, then waits for the parent to have received it (it creates `flag`): True if it did
    while this child was still at work."""
    guard.report_progress("Reading staff.xlsx (file 1 of 2)")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if Path(flag).exists():
            guard.report_progress("Counting the metrics")
            return True
        time.sleep(0.01)
    return False


def report_stages(stages: list[str], flag: str | None = None) -> int:
    for stage in stages:
        guard.report_progress(stage)
    if flag:
        Path(flag).touch()
    return len(stages)


def write_pid_report_then_sleep(path: str) -> None:
    Path(path).write_text(str(os.getpid()))
    guard.report_progress("Reading staff.xlsx (file 1 of 1)")
    time.sleep(60)


def hold_until(started: str, go: str, seconds: float) -> str:
    """Says it has started (creates `started`), then works until the parent creates `go`."""
    Path(started).touch()
    deadline = time.monotonic() + seconds
    while not Path(go).exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return "held"


def address_space_bytes() -> int:
    status = Path("/proc/self/status").read_text()
    return next(int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmSize:"))


# --- results -------------------------------------------------------------------------------------------


def test_a_frame_comes_back_equal_to_an_in_process_call():
    result = run_bounded(staff_frame, 5_000, service="Children's")
    pd.testing.assert_frame_equal(result, staff_frame(5_000, service="Children's"))
    assert result["service"].iloc[0] == "Children's"


def test_read_sources_gives_the_same_inputs_in_a_child():
    sources = [Source(Path(path).name, Path(path).read_bytes(), dataset) for path, dataset in sample_paths()]
    direct = read_sources(sources)
    bounded = run_bounded(read_sources, sources)
    assert bounded.files == direct.files
    assert sorted(bounded.loaded.datasets) == sorted(direct.loaded.datasets)
    for name, frame in direct.loaded.datasets.items():
        pd.testing.assert_frame_equal(bounded.loaded.datasets[name], frame)
    assert bounded.loaded.sheets == direct.loaded.sheets
    assert bounded.loaded.warnings == direct.loaded.warnings


# --- time ------------------------------------------------------------------------------------------------


def test_a_call_past_its_time_is_stopped_and_its_child_is_gone(tmp_path, caplog):
    pid_file = tmp_path / "pid"
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        run_bounded(sleep_after_writing_pid, str(pid_file), timeout=1.5)
    assert 1.5 <= time.monotonic() - started < 6
    assert str(caught.value) == f"reading the files took longer than 1.5 seconds, so it was stopped. {ADVICE}"
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):  # killed and reaped: not even a zombie is left
        os.kill(pid, 0)
    assert "stopped after 1.5 seconds" in caplog.text


# --- memory ----------------------------------------------------------------------------------------------


def test_the_memory_bound_is_on_growth_not_on_what_the_process_already_holds():
    # the test process (pandas, numpy, calamine loaded) already has more address space than the bound
    assert address_space_bytes() > 256 * MB
    assert run_bounded(allocate, 100 * MB, memory_bytes=256 * MB) == 100 * MB


def test_allocating_far_beyond_the_bound_is_refused_and_the_parent_is_unaffected():
    limits_before = resource.getrlimit(resource.RLIMIT_AS)
    with pytest.raises(InputError) as caught:
        run_bounded(allocate, 4 * 1024 * MB, memory_bytes=64 * MB)
    assert str(caught.value) == too_much_memory("64 MB")
    assert resource.getrlimit(resource.RLIMIT_AS) == limits_before
    assert allocate(512 * MB) == 512 * MB  # the limit was the child's alone


def test_a_rust_allocation_failure_in_calamine_is_reported_as_too_much_memory():
    workbook = Workbook()
    workbook.active["A1"] = "Employee No"
    workbook.active["XFD1048576"] = 1  # calamine reserves every cell up to here: 17 billion of them
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(InputError) as caught:
        run_bounded(read_with_calamine_unchecked, buffer.getvalue(), memory_bytes=512 * MB)
    assert str(caught.value) == too_much_memory("512 MB")


def test_the_default_bounds():
    assert guard.PARSE_TIMEOUT_SECONDS == 120
    assert guard.PARSE_MEMORY_BYTES == 3 * 1024**3
    assert guard._too_much_memory(guard.PARSE_MEMORY_BYTES).problem.startswith(
        "reading the files needed more memory (more than 3 GB)")
    assert guard._too_slow(guard.PARSE_TIMEOUT_SECONDS).problem == (
        "reading the files took longer than 120 seconds, so it was stopped")


# --- a child that dies -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fn", "signal_name"), [(os.abort, "SIGABRT"), (segfault, "SIGSEGV")])
def test_a_child_killed_by_a_signal_gives_a_clear_message(fn, signal_name, caplog):
    with pytest.raises(InputError) as caught:
        run_bounded(fn)
    assert str(caught.value) == CRASHED
    assert f"signal {signal_name}" in caplog.text


# --- exceptions ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("error", [
    InputError("the column has no heading", file="staff.xlsx", sheet="Staff", row=5, column="G",
               advice="Give every column a heading."),
    SheetError("no recognisable headings", file="cpd.csv", sheet="", dataset="cpd", advice="Add headings.",
               no_rows=True),
])
def test_an_input_error_comes_out_unchanged(error):
    with pytest.raises(InputError) as caught:
        run_bounded(raise_given, error)
    assert type(caught.value) is type(error)
    assert str(caught.value) == str(error)
    assert caught.value.args == error.args
    assert vars(caught.value) == vars(error)


def test_any_other_exception_becomes_a_clear_input_error_and_is_logged_without_the_cell(caplog):
    caplog.set_level(logging.ERROR, logger="data_loaders.guard")
    with pytest.raises(InputError) as caught:
        run_bounded(fail_quoting, "Jane Doe")
    assert str(caught.value) == UNEXPECTED
    assert caught.value.__cause__ is None and caught.value.__context__ is None  # nothing of the original
    assert "builtins.ValueError" in caplog.text
    assert "fail_quoting" in caplog.text  # where it happened, for whoever reads the log
    assert "Jane Doe" not in caplog.text


def test_a_base_exception_that_does_not_pickle_becomes_a_clear_input_error(caplog):
    with pytest.raises(InputError) as caught:
        run_bounded(raise_unpicklable_panic, "called `Option::unwrap()` on a `None` value")
    assert str(caught.value) == UNEXPECTED
    assert "raise_unpicklable_panic.<locals>.PanicException" in caplog.text
    assert "Option::unwrap" not in caplog.text


def test_a_result_that_does_not_pickle_becomes_a_clear_input_error(caplog):
    with pytest.raises(InputError) as caught:
        run_bounded(return_a_lock)
    assert str(caught.value) == UNEXPECTED
    assert "TypeError" in caplog.text


def test_what_the_child_writes_to_stderr_is_passed_on(capsys):
    assert run_bounded(write_to_stderr, "a warning from the reader\n") == 26
    assert "a warning from the reader\n" in capsys.readouterr().err


def test_bounds_must_be_positive():
    with pytest.raises(ValueError):
        run_bounded(staff_frame, 1, timeout=0)
    with pytest.raises(ValueError):
        run_bounded(staff_frame, 1, memory_bytes=-1)


# --- concurrency ---------------------------------------------------------------------------------------------


def test_calls_from_two_threads_at_once_are_independent(tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "PARSE_WORKERS", 3)  # a place each: none waits for another
    with ThreadPoolExecutor(max_workers=3) as pool:
        started = time.monotonic()
        stuck = pool.submit(run_bounded, sleep_after_writing_pid, str(tmp_path / "pid"), timeout=3)
        small = pool.submit(run_bounded, pause_then_staff_frame, 1_000, 0.5)
        large = pool.submit(run_bounded, pause_then_staff_frame, 20_000, 0.5)
        pd.testing.assert_frame_equal(small.result(timeout=10), staff_frame(1_000))
        pd.testing.assert_frame_equal(large.result(timeout=10), staff_frame(20_000))
        assert time.monotonic() - started < 3  # neither waited for the stuck call
        with pytest.raises(InputError, match="took longer than 3 seconds"):
            stuck.result(timeout=15)


# --- progress ----------------------------------------------------------------------------------------------------


def test_each_stage_reaches_the_callback_while_the_child_is_still_at_work(tmp_path):
    flag = tmp_path / "received"
    received = []

    def show(stage: str) -> None:
        received.append(stage)
        flag.touch()  # the child goes on only once this has happened

    assert run_bounded(report_then_wait_for, str(flag), 30.0, progress=show) is True
    assert received == ["Reading staff.xlsx (file 1 of 2)", "Counting the metrics"]


def test_without_a_callback_reporting_a_stage_does_nothing():
    guard.report_progress("outside any bounded call")  # nobody is listening: nothing happens, nothing fails
    assert run_bounded(report_stages, ["Reading staff.xlsx (file 1 of 1)"]) == 1


def test_a_long_stage_is_cut_and_a_flood_of_stages_never_holds_the_child_up(tmp_path):
    flag = tmp_path / "all reported"
    received = []

    def slow(stage: str) -> None:
        received.append(stage)
        deadline = time.monotonic() + 30
        while not flag.exists() and time.monotonic() < deadline:  # the child fills the pipe and goes on
            time.sleep(0.01)

    stages = ["é" * 600] + [f"stage {n} " + "x" * 1000 for n in range(2000)]
    assert run_bounded(report_stages, stages, str(flag), progress=slow) == 2001
    assert flag.exists()
    assert received[0] == "é" * 512  # 1,024 bytes of UTF-8
    assert 1 < len(received) < 2001  # those that did not fit were dropped, not waited for
    assert all(stage.startswith("stage ") and len(stage.encode()) <= 1024 for stage in received[1:])


def test_an_exception_from_the_callback_ends_the_child_and_comes_out_as_it_was(tmp_path):
    class Rerun(BaseException):  # as Streamlit stops a script when the person clicks elsewhere
        pass

    def stop(stage: str) -> None:
        raise Rerun(stage)

    pid_file = tmp_path / "pid"
    started = time.monotonic()
    with pytest.raises(Rerun, match="Reading staff.xlsx"):
        run_bounded(write_pid_report_then_sleep, str(pid_file), progress=stop)
    assert time.monotonic() - started < 30  # it did not wait for the child's minute of sleep
    with pytest.raises(ProcessLookupError):  # killed and reaped
        os.kill(int(pid_file.read_text()), 0)


# --- without fork -----------------------------------------------------------------------------------------------


def test_without_fork_stages_reach_the_callback_and_its_exceptions_come_out_as_they_were(monkeypatch):
    monkeypatch.setattr(guard, "_FORK", None)
    received = []
    assert run_bounded(report_stages, ["one", "two"], progress=received.append) == 2
    assert received == ["one", "two"]
    guard.report_progress("after the call")  # no callback any more
    assert received == ["one", "two"]

    class Rerun(BaseException):
        pass

    def stop(stage: str) -> None:
        raise Rerun(stage)

    with pytest.raises(Rerun):
        run_bounded(report_stages, ["one"], progress=stop)


def test_without_fork_the_call_runs_in_process_with_the_same_messages(monkeypatch, caplog):
    monkeypatch.setattr(guard, "_FORK", None)
    monkeypatch.setattr(guard, "_warned_in_process", False)
    pd.testing.assert_frame_equal(run_bounded(staff_frame, 10), staff_frame(10))
    with pytest.raises(InputError) as caught:
        run_bounded(fail_quoting, "Jane Doe")
    assert str(caught.value) == UNEXPECTED
    error = InputError("the file is empty", file="staff.csv")
    with pytest.raises(InputError) as passed:
        run_bounded(raise_given, error)
    assert passed.value is error
    assert caplog.text.count("without a time or memory limit") == 1
    assert "Jane Doe" not in caplog.text


def test_dates_and_missing_values_survive_the_trip():
    value = {"as_at": dt.date(2026, 3, 31), "missing": pd.NA, "nan": float("nan")}
    result = run_bounded(dict, value)
    assert result["as_at"] == dt.date(2026, 3, 31)
    assert result["missing"] is pd.NA
    assert np.isnan(result["nan"])


def test_when_no_child_process_can_be_started_the_message_says_to_try_again(monkeypatch):
    def refuse(self):
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(guard._FORK.Process, "start", refuse)
    with pytest.raises(InputError) as caught:
        run_bounded(staff_frame, 1)
    assert str(caught.value) == ("the files could not be read just now: the server is too busy to start reading "
                                 "them. Nothing is wrong with the files. Try again in a few minutes.")


# --- the places to run: at most PARSE_WORKERS at once, the rest queued and told -----------------------------


def wait_for(condition, seconds: float = 20.0) -> None:  # noqa: ANN001 - a callable returning a truth value
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited too long"
        time.sleep(0.01)


def test_the_places_are_one_per_processor_unless_set(monkeypatch):
    monkeypatch.delenv("WRES_PARSE_WORKERS", raising=False)
    assert guard.default_workers() == len(os.sched_getaffinity(0))
    monkeypatch.setenv("WRES_PARSE_WORKERS", "3")
    assert guard.default_workers() == 3
    monkeypatch.setenv("WRES_PARSE_WORKERS", "0")
    assert guard.default_workers() == 1
    monkeypatch.setenv("WRES_PARSE_WORKERS", "many")
    assert guard.default_workers() == len(os.sched_getaffinity(0))


def test_with_one_place_a_second_call_waits_is_told_and_both_finish(tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "PARSE_WORKERS", 1)
    monkeypatch.setattr(guard, "PARSE_QUEUE_SECONDS", 30.0)
    started, go = tmp_path / "started", tmp_path / "go"
    told_first: list[str] = []
    told_second: list[str] = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(run_bounded, hold_until, str(started), str(go), 30.0, progress=told_first.append)
        wait_for(started.exists)  # the first has its place and its child is at work
        second = pool.submit(run_bounded, staff_frame, 100, progress=told_second.append)
        wait_for(lambda: told_second)
        assert told_second == ["Waiting for 1 other set of files to be read first"]
        assert told_first == []  # the first never waited
        time.sleep(0.5)
        assert not second.done()  # still waiting: its child has not been started
        assert guard.running_and_waiting() == (1, 1)
        go.touch()
        assert first.result(timeout=20) == "held"
        pd.testing.assert_frame_equal(second.result(timeout=20), staff_frame(100))
    assert told_second == ["Waiting for 1 other set of files to be read first"]
    assert guard.running_and_waiting() == (0, 0)


def test_each_waiting_call_is_told_how_many_are_ahead_and_none_is_dropped(tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "PARSE_WORKERS", 2)
    monkeypatch.setattr(guard, "PARSE_QUEUE_SECONDS", 60.0)
    go = tmp_path / "go"
    holders = [tmp_path / f"started {n}" for n in range(2)]
    told: dict[int, list[str]] = {n: [] for n in range(6)}
    with ThreadPoolExecutor(max_workers=6) as pool:
        held = [pool.submit(run_bounded, hold_until, str(path), str(go), 30.0, progress=told[n].append)
                for n, path in enumerate(holders)]
        wait_for(lambda: all(path.exists() for path in holders))
        queued = []
        for n in range(2, 6):  # one after another, so the queue's order is known
            queued.append(pool.submit(run_bounded, staff_frame, 10 * n, progress=told[n].append))
            wait_for(lambda n=n: told[n])
        assert [told[n] for n in range(2, 6)] == [[guard.waiting_stage(ahead)] for ahead in (1, 2, 3, 4)]
        assert guard.waiting_stage(2) == "Waiting for 2 other sets of files to be read first"
        go.touch()
        assert [future.result(timeout=30) for future in held] == ["held", "held"]
        for n, future in enumerate(queued, start=2):
            pd.testing.assert_frame_equal(future.result(timeout=30), staff_frame(10 * n))
    # As those ahead finished, each was told its new place until it had one (not always every step: two may
    # finish between two looks).
    for n in range(3, 6):
        aheads = [int(stage.split()[2]) for stage in told[n]]
        assert aheads == sorted(aheads, reverse=True) and aheads[-1] >= 1
    assert guard.running_and_waiting() == (0, 0)


def abort_when(go: str) -> None:
    while not Path(go).exists():
        time.sleep(0.01)
    os.abort()


def hang(go: str) -> None:
    time.sleep(60)


@pytest.mark.parametrize(("fn", "message"), [
    (abort_when, CRASHED),
    (hang, f"reading the files took longer than 2 seconds, so it was stopped. {ADVICE}"),
])
def test_a_call_that_crashes_or_hangs_gives_its_message_and_frees_its_place(tmp_path, monkeypatch, fn, message):
    monkeypatch.setattr(guard, "PARSE_WORKERS", 1)
    monkeypatch.setattr(guard, "PARSE_QUEUE_SECONDS", 10.0)  # a place never given back fails here, not hangs
    go = tmp_path / "go"
    with ThreadPoolExecutor(max_workers=2) as pool:
        failing = pool.submit(run_bounded, fn, str(go), timeout=2)
        wait_for(lambda: guard.running_and_waiting() == (1, 0))
        after: list[str] = []
        following = pool.submit(run_bounded, staff_frame, 10, progress=after.append)
        wait_for(lambda: after)  # queued behind the failing call
        go.touch()
        with pytest.raises(InputError) as caught:
            failing.result(timeout=20)
        assert str(caught.value) == message
        pd.testing.assert_frame_equal(following.result(timeout=20), staff_frame(10))
    assert after == ["Waiting for 1 other set of files to be read first"]
    assert guard.running_and_waiting() == (0, 0)
    assert run_bounded(len, "abc") == 3  # and the place is free for the next


def test_a_call_that_waits_too_long_for_a_place_is_told_the_server_is_busy(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(guard, "PARSE_WORKERS", 1)
    monkeypatch.setattr(guard, "PARSE_QUEUE_SECONDS", 1.0)
    started, go = tmp_path / "started", tmp_path / "go"
    with ThreadPoolExecutor(max_workers=1) as pool:
        holding = pool.submit(run_bounded, hold_until, str(started), str(go), 30.0)
        wait_for(started.exists)
        told: list[str] = []
        with pytest.raises(InputError) as caught:
            run_bounded(staff_frame, 10, progress=told.append)
        go.touch()
        assert holding.result(timeout=20) == "held"
    assert told == ["Waiting for 1 other set of files to be read first"]
    assert str(caught.value) == ("the files could not be read just now: the server is too busy to start reading "
                                 "them. Nothing is wrong with the files. Try again in a few minutes.")
    assert "waited 1 second for a place to run" in caplog.text
    assert guard.running_and_waiting() == (0, 0)


def test_an_exception_from_the_callback_while_waiting_leaves_the_queue(tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "PARSE_WORKERS", 1)
    started, go = tmp_path / "started", tmp_path / "go"

    class Rerun(Exception):
        pass

    def interrupted(stage: str) -> None:
        raise Rerun(stage)

    with ThreadPoolExecutor(max_workers=1) as pool:
        holding = pool.submit(run_bounded, hold_until, str(started), str(go), 30.0)
        wait_for(started.exists)
        with pytest.raises(Rerun):
            run_bounded(staff_frame, 10, progress=interrupted)
        assert guard.running_and_waiting() == (1, 0)
        go.touch()
        assert holding.result(timeout=20) == "held"
    assert guard.running_and_waiting() == (0, 0)
