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

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

PATIENCE_S = 10.0


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
    taken = enabled and _TURNS.take(PATIENCE_S)
    try:
        yield taken
    finally:
        if taken:
            _TURNS.give()
