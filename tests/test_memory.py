"""ui.memory: what people who have left held is let go (issue 29). The whole effect on a server's memory is measured
by `python -m loadtest.uploads` (README, "Where uploaded files are kept"); these check each part."""

from __future__ import annotations

import gc
import sys
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from streamlit.runtime.memory_session_storage import MemorySessionStorage
from streamlit.runtime.session_manager import SessionInfo
from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

from ui import memory


class _Session:
    """Enough of an AppSession for Streamlit's store: an id; and, as a real one does, a cycle (its state refers
    back to it) holding the files' bytes."""

    def __init__(self, session_id: str) -> None:
        self.id = session_id
        self.state = {"session": self, "files": bytearray(4 * 1024 * 1024)}


@contextmanager
def _no_automatic_collection() -> Iterator[None]:
    # The server's heap is frozen and collected rarely (ui.warm_up): here, not at all unless asked.
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_release_frees_the_cycle_a_session_leaves_with_its_files_bytes():
    with _no_automatic_collection():
        left = _Session("left")
        watched = weakref.ref(left)
        del left
        assert watched() is not None  # a cycle: nothing frees it but a collection
        released = memory.release(store=MemorySessionStorage())
        assert watched() is None
        assert released.objects > 0


def test_a_disconnected_session_is_let_go_once_its_reconnection_time_has_passed_and_not_before():
    store = MemorySessionStorage(ttl_seconds=1)
    with _no_automatic_collection():
        store.save(SessionInfo(client=None, session=_Session("left")))  # type: ignore[arg-type]
        left = weakref.ref(store.get("left").session)  # type: ignore[union-attr]
        assert memory.release(store).sessions == 0  # within the time: a dropped connection may come back to it
        assert left() is not None and store.get("left") is not None
        time.sleep(1.1)
        assert store.list() == []  # expired, but Streamlit's store removes it only when it is next written to
        assert left() is not None
        assert memory.release(store).sessions == 1
        assert left() is None


def test_the_installed_streamlit_has_the_store_release_reaches_into():
    # ui.memory finds the store as the runtime's _session_mgr._session_storage._cache.expire(): if an upgrade of
    # Streamlit moves them, this says so (the server would otherwise keep expired sessions until the next write).
    import inspect

    from streamlit.runtime.runtime import Runtime

    assert "self._session_mgr =" in inspect.getsource(Runtime.__init__)
    assert "self._session_storage =" in inspect.getsource(WebsocketSessionManager.__init__)
    assert callable(MemorySessionStorage()._cache.expire)


def test_outside_a_server_there_is_nothing_to_release_and_nothing_fails():
    assert memory.expired_sessions() == 0
    assert memory.session_count() == 0
    releaser = memory.Releaser(seconds=60)
    assert releaser.check() is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_the_allocator_takes_the_fixed_threshold_on_linux():
    assert memory.tune_allocator() is True
    assert memory.trim_allocator() in (True, False)  # True when it had pages to give back
