"""Giving the server's memory back once people have left (issue 29): ui.serve calls `tune_allocator` as it starts and
`start_releasing` once the server is up.

Measured with `python -m loadtest.uploads` (ten people each adding a 50,000-row workbook at once; README,
"Where uploaded files are kept"), three things kept the memory up after they had left:

- C's allocator (glibc) raises its threshold for serving a large block from its own mmap each time such a block is
  freed, so after the first upload the files' bytes (each a few MB) and the readers' large arrays came from its
  heaps, which it does not give back when the blocks are freed in between live ones. `tune_allocator` fixes the
  threshold at 128 KiB (glibc's starting value): a block that large gets its own mapping, returned to the system
  the moment it is freed.
- A disconnected session is kept by Streamlit for `server.disconnectedSessionTTL` seconds (so a dropped
  connection can come back to it), but once that has passed it is removed from Streamlit's store only when
  something else writes to the store (another session disconnecting): on a quiet server, never. `release` removes
  the expired sessions (`expired_sessions`).
- A session let go is a cycle of objects (the session, its script runner, its state with the files' bytes), freed
  only by a full garbage collection, which comes rarely: Streamlit's collection after every run is off
  (.streamlit/config.toml) and the heap as the first page leaves it is frozen (ui.warm_up). `release` collects,
  then asks the allocator to give back the free pages of its heaps (glibc's malloc_trim).

`start_releasing` checks every RELEASE_SECONDS and releases when a session has gone since the last check; nothing
is released while a session, connected or within its reconnection time, still holds it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import logging
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

RELEASE_SECONDS = 15.0
MMAP_THRESHOLD_BYTES = 128 * 1024  # glibc's starting value; fixed, it no longer rises as large blocks are freed
_M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)


@functools.cache
def _glibc() -> Any | None:
    """glibc's allocator functions, or None elsewhere (macOS, musl): then nothing here touches the allocator."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt, libc.malloc_trim  # noqa: B018 - glibc's; musl has neither
    except (OSError, AttributeError):
        return None
    return libc


def tune_allocator(threshold: int = MMAP_THRESHOLD_BYTES) -> bool:
    """Serve every block of `threshold` bytes or more from a mapping of its own, freed to the system with the block.
    True if the allocator took the setting (glibc), False where there is none to set."""
    libc = _glibc()
    return bool(libc is not None and libc.mallopt(_M_MMAP_THRESHOLD, threshold) == 1)


def trim_allocator() -> bool:
    """Give the free pages of the allocator's heaps back to the system (glibc's malloc_trim); False elsewhere."""
    libc = _glibc()
    return bool(libc is not None and libc.malloc_trim(0))


def _session_store() -> Any | None:
    """Streamlit's store of disconnected sessions (a MemorySessionStorage) in this server, or None (no server, or a
    Streamlit whose insides have changed: tests/test_memory.py checks the installed one has them)."""
    from streamlit import runtime

    if not runtime.exists():
        return None
    manager = getattr(runtime.get_instance(), "_session_mgr", None)
    return getattr(manager, "_session_storage", None)


def expired_sessions(store: Any | None = None) -> int:
    """Remove from Streamlit's store the disconnected sessions whose reconnection time has passed (Streamlit removes
    them only when it next writes to the store); the number removed. `store`: Streamlit's, unless given."""
    store = _session_store() if store is None else store
    cache = getattr(store, "_cache", None)
    expire: Callable[[], list[Any]] | None = getattr(cache, "expire", None)
    if expire is None:
        return 0
    return len(expire())


def session_count() -> int:
    """The sessions this server holds, connected or waiting to be reconnected (0 outside a server)."""
    from streamlit import runtime

    if not runtime.exists():
        return 0
    manager = getattr(runtime.get_instance(), "_session_mgr", None)
    return len(manager.list_sessions()) if manager is not None else 0


@dataclass(frozen=True)
class Released:
    sessions: int  # expired sessions removed from Streamlit's store
    objects: int  # unreachable objects the collection freed
    trimmed: bool  # the allocator gave pages back (glibc)


def release(store: Any | None = None) -> Released:
    """Let go of what people who have left held: their expired sessions, the cycles of objects they leave, the
    allocator's free pages."""
    sessions = expired_sessions(store)
    objects = gc.collect()
    return Released(sessions, objects, trim_allocator())


class Releaser:
    """Every `seconds`, `release` when the number of sessions has fallen since the last look (or a session's
    reconnection time has passed)."""

    def __init__(self, seconds: float = RELEASE_SECONDS) -> None:
        self.seconds = seconds
        self._stop = threading.Event()
        self._last = 0
        self.thread = threading.Thread(target=self._run, name="wres-release-memory", daemon=True)

    def check(self) -> Released | None:
        gone = expired_sessions()
        now = session_count()
        fallen = gone > 0 or now < self._last
        self._last = now
        if not fallen:
            return None
        released = release()
        logger.info("sessions gone: %d expired, %d objects collected", gone, released.objects)
        return released

    def _run(self) -> None:
        while not self._stop.wait(self.seconds):
            try:
                self.check()
            except Exception:  # noqa: BLE001 - a failed release must not end the server; the next look tries again
                logger.warning("releasing memory failed", exc_info=True)

    def stop(self) -> None:
        self._stop.set()


def start_releasing(seconds: float = RELEASE_SECONDS) -> Releaser:
    releaser = Releaser(seconds)
    releaser.thread.start()
    return releaser
