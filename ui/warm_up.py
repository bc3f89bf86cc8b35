"""Work done ahead of a person's clicks: before the first page, and once it has been drawn.

Before anyone connects (ui.serve, as the server starts): the modules the first page imports, and the
sample council read, so the first visitor does not wait for them. The first script run waits for those imports to
end before it imports anything of the app's (app.py, `wait_for_first_imports`): two threads importing the same
packages at once can meet in Python's import locks, and the one that loses fails with a deadlock error and leaves
half a module behind.

After the first page: what it does not need, imported in the background.

The overview draws no chart, so it does not wait for the chart library (altair, a quarter of a
second or more to import); every metric page would. Imported here, in a thread, while the person
reads the first page, it is ready by the time anyone clicks. Python's import lock makes a page that
asks for a module still being imported wait for that import rather than start another. Only what
the first page used to import: more would compete longer with the person's first clicks.
"""

from __future__ import annotations

import gc
import importlib
import logging
import threading

LATER = ("charts",)
# What the entrypoint and the overview import (app.py, pages/overview.py).
FIRST = ("ui.style", "ui.access", "ui.sidebar", "ui.navigation", "ui.history", "ui.metric_page", "ui.overview",
         "ui.status", "ui.state")

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_started = False
_first_pending = False  # a thread is importing FIRST, or has
_first_imported = threading.Event()


def import_the_rest() -> None:
    """Start importing LATER in a background thread, once per process."""
    global _started
    with _lock:
        if _started:
            return
        _started = True
    threading.Thread(target=_later, name="wres-warm-up", daemon=True).start()


def _later() -> None:
    _import(LATER)
    freeze_heap()


def freeze_heap() -> None:
    """Put everything alive now (the modules, the sample council read and counted for the first page) out of the
    garbage collector's way: a full collection walked all of it on every pass, a large part of a rerun's time
    under load (issue 29). Done once, after the first page: what the people's later clicks make is collected as
    usual. Only in a server (not under AppTest, whose test process goes on to other things), and not with
    WRES_RERUN_TUNING=off (the load test's untuned baseline)."""
    from streamlit import runtime

    from ui.state import rerun_tuning

    if runtime.exists() and rerun_tuning():
        gc.collect()
        gc.freeze()


def start_first_page() -> None:
    """Run prepare_first_page in a background thread (ui.serve, as the server starts, before anyone can connect)."""
    global _first_pending
    _first_pending = True
    threading.Thread(target=prepare_first_page, name="wres-first-page", daemon=True).start()


def wait_for_first_imports(timeout: float = 120) -> None:
    """If start_first_page has started, wait until its imports have ended (app.py, before its own imports)."""
    if _first_pending:
        _first_imported.wait(timeout)


def prepare_first_page() -> None:
    """Import what the first page imports and start reading the sample council. Anything that fails here is left
    for the first page to meet and show."""
    try:
        _import(FIRST)
    finally:
        _first_imported.set()
    try:
        from ui import state

        state.prepare_first_visit()
    except Exception:  # noqa: BLE001 - the first page reads the sample itself and shows any error there
        logger.warning("reading the sample council ahead of the first visit failed", exc_info=True)


def _import(names: tuple[str, ...]) -> None:
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the page that needs it imports it again and shows the error there
            logger.warning("importing %s ahead of time failed", name, exc_info=True)
