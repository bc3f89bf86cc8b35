"""Running the app headless (Streamlit's AppTest) as the server runs it; for tests and the benchmark."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator


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
