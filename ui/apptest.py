"""Running the app headless (Streamlit's AppTest) as the server runs it; for tests and the benchmark."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import Any


@contextlib.contextmanager
def served_navigation() -> Iterator[None]:
    """Run every page through app.py, as the server does.

    AppTest resets PagesManager.uses_pages_directory before each run, and because this app
    has a pages/ folder the flag then turns True, so AppTest runs a switched-to page on its
    own, skipping app.py's sidebar. A served app sets the flag False at its first
    st.navigation call and keeps it; this does the same. AppTest also leaves the app script
    as sys.modules["__main__"], which a later spawned process would run: it is put back.
    """
    from streamlit.runtime import pages_manager

    original_init = pages_manager.PagesManager.__init__
    main = sys.modules["__main__"]

    def served(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        original_init(self, *args, **kwargs)
        pages_manager.PagesManager.uses_pages_directory = False

    # Patching the method is the point here; mypy refuses any assignment to a method.
    pages_manager.PagesManager.__init__ = served  # type: ignore[method-assign]
    try:
        yield
    finally:
        pages_manager.PagesManager.__init__ = original_init  # type: ignore[method-assign]
        sys.modules["__main__"] = main


def html_tables(at) -> list:  # noqa: ANN001 - an AppTest
    """The page's tables (ui.figures: HTML in st.html), read back as pandas frames indexed by their row headers."""
    from io import StringIO

    import pandas as pd

    from ui.figures import CLASS

    return [pd.read_html(StringIO(h.proto.body), index_col=0, thousands=",")[0]
            for h in at.get("html") if f'class="{CLASS}"' in h.proto.body]


@contextlib.contextmanager
def offered_files() -> Iterator[Callable[[Any], bytes]]:
    """A reader of the bytes a download button offers (an AppTest element), as the browser would download them.

    AppTest keeps each run's media files in a storage it makes for that run and drops afterwards; this keeps
    hold of the latest, so a test can read the file a button points at after the run. A button whose file is
    made when clicked (a callable given as its data) has it made, as a click would.
    """
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.testing.v1 import app_test

    stores: list[MemoryMediaFileStorage] = []
    managers: list[MediaFileManager] = []

    class Kept(MemoryMediaFileStorage):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            stores.append(self)

    class KeptManager(MediaFileManager):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            managers.append(self)

    def read(button: Any) -> bytes:
        url = button.proto.url
        if not url and button.proto.deferred_file_id:
            url = managers[-1].execute_deferred(button.proto.deferred_file_id)
        return stores[-1].get_file(url.rsplit("/", 1)[-1]).content

    original, original_manager = app_test.MemoryMediaFileStorage, app_test.MediaFileManager
    app_test.MemoryMediaFileStorage = Kept  # type: ignore[misc]
    app_test.MediaFileManager = KeptManager  # type: ignore[misc]
    try:
        yield read
    finally:
        app_test.MemoryMediaFileStorage = original  # type: ignore[misc]
        app_test.MediaFileManager = original_manager  # type: ignore[misc]
