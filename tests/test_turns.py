"""ui.turns: many people's script runs take turns in a process, and a long one never stops the others."""

from __future__ import annotations

import threading
import time

from ui import turns


def test_a_second_run_waits_for_the_first_to_finish():
    order: list[str] = []
    first_inside = threading.Event()

    def first() -> None:
        with turns.turn() as taken:
            assert taken
            first_inside.set()
            time.sleep(0.2)
            order.append("first done")

    def second() -> None:
        first_inside.wait()
        with turns.turn() as taken:
            assert taken
            order.append("second began")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert order == ["first done", "second began"]


def test_a_run_that_waits_past_its_patience_goes_ahead_without_the_turn(monkeypatch):
    monkeypatch.setattr(turns, "PATIENCE_S", 0.1)
    holding, release = threading.Event(), threading.Event()

    def long_run() -> None:
        with turns.turn():
            holding.set()
            release.wait(5)

    thread = threading.Thread(target=long_run)
    thread.start()
    holding.wait(5)
    started = time.perf_counter()
    with turns.turn() as taken:
        waited = time.perf_counter() - started
    release.set()
    thread.join(5)
    assert not taken and 0.05 <= waited < 2
    with turns.turn() as taken:  # the long run's turn was given back; the one that went ahead took none
        assert taken


def test_switched_off_nothing_waits():
    with turns.turn(), turns.turn(enabled=False) as taken:  # within a turn: would wait PATIENCE_S if it asked
        assert not taken


def test_turns_are_given_in_the_order_they_were_asked_for():
    queue = turns.Turns()
    assert queue.take(1)
    order: list[int] = []
    asked = []

    def wait_for_turn(n: int) -> None:
        assert queue.take(5)
        order.append(n)
        queue.give()

    threads = []
    for n in range(8):
        thread = threading.Thread(target=wait_for_turn, args=(n,))
        thread.start()
        threads.append(thread)
        deadline = time.monotonic() + 5
        while queue.waiting() < n + 1 and time.monotonic() < deadline:  # each has asked before the next asks
            time.sleep(0.001)
        asked.append(n)
    queue.give()
    for thread in threads:
        thread.join(5)
    assert order == asked == list(range(8))


def test_a_waiter_that_gives_up_leaves_the_queue_and_the_turn_goes_to_the_next():
    queue = turns.Turns()
    assert queue.take(1)
    assert not queue.take(0.05)  # gave up
    queue.give()  # nobody waiting: free
    assert queue.take(0.05)
    queue.give()


def test_each_run_is_logged_with_its_wait_and_its_time_and_read_back_in_whole_lines(tmp_path, monkeypatch):
    log = tmp_path / "runs.log"
    monkeypatch.setenv(turns.RUN_LOG, str(log))
    with turns.turn():
        time.sleep(0.02)
    runs, offset = turns.read_runs(str(log))
    ((waited, ran),) = runs
    assert waited >= 0 and 0.02 <= ran < 1
    with log.open("a") as half:
        half.write("0.001")  # a line still being written: not read yet
    assert turns.read_runs(str(log), offset) == ([], offset)
    with log.open("a") as rest:
        rest.write(" 0.050\n")
    assert turns.read_runs(str(log), offset)[0] == [(0.001, 0.05)]


def test_without_a_log_named_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.delenv(turns.RUN_LOG, raising=False)
    monkeypatch.chdir(tmp_path)
    with turns.turn():
        pass
    assert list(tmp_path.iterdir()) == []
