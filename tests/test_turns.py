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
