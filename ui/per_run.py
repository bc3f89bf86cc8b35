"""What one run of the script works out once, however often its page asks: the database engine, the view's
analysis and its figures as they may be published.

A metric page asks for these a dozen times a run (each panel, each chart, the sidebar), and each ask was a lookup
in one of Streamlit's caches, which hashes the arguments again every time: a tenth of a rerun under load (issue 29).
Here the first ask of a run looks them up and the rest of the run reuses the answer.

Remembered only inside `remembering()` (app.py wraps every run in it) and only for that run: the next run starts
afresh, so a save, an upload or a change of settings is seen as soon as the run that follows it. Outside a run (a
test calling a function directly, a background thread) nothing is remembered. Kept per thread: Streamlit runs each
session's script in a thread of its own.

`ByIdentity`, the store it keeps a run's answers in, is also the bounded store the app keeps values made from
particular objects in across runs (charts, settings keys, a panel's history).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import TypeVar, cast

T = TypeVar("T")

_local = threading.local()
RUN_ENTRIES = 1024  # far more than a run asks for: a run's memo is never trimmed in practice


@contextmanager
def remembering(enabled: bool = True) -> Iterator[None]:
    """Remember for the block (one run of the script); `enabled=False` (the load test's untuned baseline) does not."""
    _local.memo = ByIdentity(max_entries=RUN_ENTRIES) if enabled else None
    try:
        yield
    finally:
        _local.memo = None


def remembered(key: Hashable, owners: tuple[object, ...], make: Callable[[], T]) -> T:
    """`make()`, once a run for `key` and the very objects `owners` (held until the run ends, so their ids are not
    taken by others). Not remembered when `make` raises (a stop, a message): the next ask tries again."""
    memo: ByIdentity | None = getattr(_local, "memo", None)
    if memo is None:
        return make()
    return cast("T", memo.get_or_make(owners, key, make))


class ByIdentity:
    """A bounded, least-recently-used store of values made from particular objects (the very objects the caches
    above hand every rerun: an analysis' results, a settings object), or by key alone (no owners). An entry holds its
    objects, so their ids cannot be taken by others while it lives, and is found only for those same objects."""

    def __init__(self, max_entries: int) -> None:
        self._entries: OrderedDict[tuple[tuple[int, ...], Hashable], tuple[tuple[object, ...], object]] = \
            OrderedDict()
        self._max = max_entries
        self._lock = threading.Lock()

    def get_or_make(self, owners: tuple[object, ...], key: Hashable, make: Callable[[], object],
                    keep: Callable[[object], bool] = lambda _value: True) -> object:
        """The value kept for `owners` and `key`, else `make()`'s, kept if `keep` says so."""
        slot = (tuple(id(owner) for owner in owners), key)
        with self._lock:
            found = self._entries.get(slot)
            if found is not None and all(a is b for a, b in zip(found[0], owners, strict=True)):
                self._entries.move_to_end(slot)
                return found[1]
        value = make()  # outside the lock: two sessions may both build it once; either result is the same
        if not keep(value):
            return value
        with self._lock:
            self._entries[slot] = (owners, value)
            self._entries.move_to_end(slot)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return value
