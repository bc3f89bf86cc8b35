"""Files read in the background, once per set of files and column corrections, shared by every session.

A reading runs in a thread of its own that waits on the bounded child process doing the work
(data_loaders.guard); whoever needs the result waits for it, and can show the stage the child has
reported meanwhile. A reading started early (read ahead) overlaps the rest of a page's work: the child
runs on the machine's other core. Streamlit's st.cache_resource is not used for this because it records
whatever a cached function draws and replays it on every later hit, so a progress indicator drawn while
reading would come back on every rerun; here the caller draws, outside the cache.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from data_loaders.guard import run_bounded

T = TypeVar("T")


class Reading(Generic[T]):
    """One call of `fn` in a bounded child (run_bounded), started in a background thread at once, or once the
    reading `after` is done (so that two do not compete for the processor when one is needed first)."""

    def __init__(self, fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any], *,
                 after: Reading[Any] | None = None) -> None:
        self.requested = self.started = time.monotonic()
        self.stages: list[tuple[str, float]] = []  # each stage the child reported, with seconds since the start
        self.seconds: float | None = None  # how long it took, once done
        self._done = threading.Event()
        self._value: T | None = None
        self._error: BaseException | None = None
        threading.Thread(target=self._run, args=(fn, args, kwargs, after), name="wres-reading", daemon=True).start()

    def _run(self, fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any],
             after: Reading[Any] | None) -> None:
        try:
            if after is not None:
                after.wait()
                self.started = time.monotonic()  # the time bound and the stages count from here
            self._value = run_bounded(fn, *args, progress=self._reached, **kwargs)
        except BaseException as error:  # kept for whoever waits: usually an InputError saying what is wrong
            self._error = error
        finally:
            self.seconds = time.monotonic() - self.started
            self._done.set()

    def _reached(self, stage: str) -> None:
        self.stages.append((stage, time.monotonic() - self.started))

    @property
    def stage(self) -> str | None:
        """The latest stage the child reported, if any."""
        return self.stages[-1][0] if self.stages else None

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def failed(self) -> bool:
        return self._done.is_set() and self._error is not None

    def wait(self, seconds: float | None = None) -> bool:
        """Wait up to `seconds` (for ever with None); True once the reading is done."""
        return self._done.wait(seconds)

    def result(self) -> T:
        """The value, waiting for it if need be; raises what the call raised."""
        self._done.wait()
        if self._error is not None:
            raise _copy(self._error) from None
        return self._value  # type: ignore[return-value]


def _copy(error: BaseException) -> BaseException:
    # A copy per caller: several sessions may wait on the same reading, and one exception object raised in
    # several threads would tangle their tracebacks. Made as data_loaders.guard rebuilds an InputError, without
    # calling __init__, whose arguments differ from class to class.
    try:
        copied = type(error).__new__(type(error))
        copied.args = error.args
        copied.__dict__.update(vars(error))
    except (TypeError, AttributeError):
        return error
    return copied


class Readings:
    """The readings of this process by key, the most recent `max_entries`, each kept `ttl_seconds`.

    A failed reading is not kept: the next request for its key reads again, as a cache that does not
    keep exceptions would. The key is compared by equality (a tuple of file bytes compares by content
    and hashes once per bytes object), so two keys never share a reading by accident.
    """

    def __init__(self, max_entries: int, ttl_seconds: float) -> None:
        self.max_entries = max_entries
        self.ttl_seconds = ttl_seconds
        self._entries: OrderedDict[Hashable, Reading[Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, start: Callable[[], Reading[T]]) -> Reading[T]:
        """The reading for `key`: the one under way or done, else a new one from start()."""
        with self._lock:
            now = time.monotonic()
            for old in [k for k, r in self._entries.items() if now - r.started > self.ttl_seconds]:
                del self._entries[old]
            reading = self._entries.get(key)
            if reading is None or reading.failed:
                reading = start()
                self._entries[key] = reading
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                # An evicted reading still under way finishes for whoever waits on it, then is let go.
                self._entries.popitem(last=False)
            return reading

    def __len__(self) -> int:
        return len(self._entries)
