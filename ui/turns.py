"""One run of the script at a time per process: the script runs of many people take turns rather than interleave.

Streamlit runs each session's script in a thread of its own. With many people at once, dozens of those threads
compete for Python's one interpreter lock, which it hands between them every few milliseconds: each run then
takes longer than it would alone (its cache lines, its share of the lock, the switches) and all of them finish
late together. Taking turns, each run goes through at the speed of one person alone and the queue moves in order;
the server's event loop (sending what a run drew) still runs beside it. Measured with `make load` (README:
Performance).

A run waits at most `PATIENCE_S` for its turn and then goes ahead anyway, so that a long run (a board pack being
made) slows others but never stops them. Switched off with the rest of the rerun tuning (WRES_RERUN_TUNING=off).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

PATIENCE_S = 2.0
_TURN = threading.Lock()


@contextmanager
def turn(enabled: bool = True) -> Iterator[bool]:
    """Hold the process's turn for the block (waiting at most PATIENCE_S for it); yields whether it was taken."""
    taken = enabled and _TURN.acquire(timeout=PATIENCE_S)
    try:
        yield taken
    finally:
        if taken:
            _TURN.release()
