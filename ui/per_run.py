"""What one run of the script works out once, however often its page asks: the database engine, the view's
analysis and its figures as they may be published.

A metric page asks for these a dozen times a run (each panel, each chart, the sidebar), and each ask was a lookup
in one of Streamlit's caches, which hashes the arguments again every time: a tenth of a rerun under load (issue 29).
Here the first ask of a run looks them up and the rest of the run reuses the answer.

Remembered only inside `remembering()` (app.py wraps every run in it) and only for that run: the next run starts
afresh, so a save, an upload or a change of settings is seen as soon as the run that follows it. Outside a run (a
test calling a function directly, a background thread) nothing is remembered. Kept per thread: Streamlit runs each
session's script in a thread of its own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import TypeVar, cast

T = TypeVar("T")

_local = threading.local()


@contextmanager
def remembering(enabled: bool = True) -> Iterator[None]:
    """Remember for the block (one run of the script); `enabled=False` (the load test's untuned baseline) does not."""
    _local.memo = {} if enabled else None
    try:
        yield
    finally:
        _local.memo = None


def remembered(key: Hashable, owners: tuple[object, ...], make: Callable[[], T]) -> T:
    """`make()`, once a run for `key` and the very objects `owners` (held until the run ends, so their ids are not
    taken by others). Not remembered when `make` raises (a stop, a message): the next ask tries again."""
    memo: dict[tuple[Hashable, tuple[int, ...]], tuple[tuple[object, ...], object]] | None = \
        getattr(_local, "memo", None)
    if memo is None:
        return make()
    slot = (key, tuple(id(owner) for owner in owners))
    found = memo.get(slot)
    if found is not None and all(a is b for a, b in zip(found[0], owners, strict=True)):
        return cast("T", found[1])
    value = make()
    memo[slot] = (owners, value)
    return value
