"""One run of the script at a time per process: the script runs of many people take turns rather than interleave.

Streamlit runs each session's script in a thread of its own. With many people at once, dozens of those threads
compete for Python's one interpreter lock, which it hands between them every few milliseconds: each run then
takes longer than it would alone (its cache lines, its share of the lock, the switches) and all of them finish
late together. Taking turns, each run goes through at the speed of one person alone and the queue moves in order;
the server's event loop (sending what a run drew) still runs beside it. Measured with `make load` (README:
Performance).

Turns are given in the order they were asked for (first come, first served), so that with many people waiting
none is passed over again and again. A run waits at most `PATIENCE_S` for its turn and then goes ahead anyway, so
that a long run (a board pack being made) slows others but never stops them. Switched off with the rest of the rerun
tuning (WRES_RERUN_TUNING=off).
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

PATIENCE_S = 10.0
# A file to which each run of the script appends "<seconds waited for the turn> <seconds run>" (the load test sets it,
# to measure reruns on the server's side: loadtest.crowd). Unset, nothing is written.
RUN_LOG = "WRES_RUN_LOG"


class Turns:
    """A first-come-first-served turn: one holder at a time, the waiting served in the order they asked."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._busy = False
        self._waiting: deque[threading.Event] = deque()

    def take(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the turn; whether it was taken."""
        with self._lock:
            if not self._busy:
                self._busy = True
                return True
            mine = threading.Event()
            self._waiting.append(mine)
        if mine.wait(timeout):
            return True  # handed over by give()
        with self._lock:
            if mine in self._waiting:
                self._waiting.remove(mine)
                return False
        return True  # handed over between the wait's end and the lock

    def waiting(self) -> int:
        """How many wait for the turn now."""
        with self._lock:
            return len(self._waiting)

    def give(self) -> None:
        """Hand the turn to the longest waiting, or free it."""
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()  # still busy: theirs now
            else:
                self._busy = False


_TURNS = Turns()


@contextmanager
def turn(enabled: bool = True) -> Iterator[bool]:
    """Hold the process's turn for the block (waiting at most PATIENCE_S for it); yields whether it was taken."""
    asked = time.perf_counter()
    taken = enabled and _TURNS.take(PATIENCE_S)
    began = time.perf_counter()
    try:
        yield taken
    finally:
        ended = time.perf_counter()
        if taken:
            _TURNS.give()
        log_run(began - asked, ended - began)


def log_run(waited: float, ran: float, path: str | None = None) -> None:
    """Append one run's times to the RUN_LOG file, if the environment names one."""
    path = path or os.environ.get(RUN_LOG)
    if path:
        with open(path, "a") as log:  # one short line: appended whole
            log.write(f"{waited:.6f} {ran:.6f}\n")


def read_runs(path: str, start: int = 0) -> tuple[list[tuple[float, float]], int]:
    """The (waited, ran) times logged from byte `start` of the file on, and the offset to read on from."""
    try:
        with open(path) as log:
            log.seek(start)
            text = log.read()
    except FileNotFoundError:
        return [], start
    complete, _, _ = text.rpartition("\n")  # a line still being written is left for the next read
    runs = [(float(w), float(r)) for w, r in (line.split() for line in complete.splitlines() if line)]
    return runs, start + len(complete) + (1 if complete else 0)
