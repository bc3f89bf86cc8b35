"""What the first page does not need, imported in the background once it has been drawn.

The overview draws no chart, so it does not wait for the chart library (altair, a quarter of a
second or more to import); every metric page would. Imported here, in a thread, while the person
reads the first page, it is ready by the time anyone clicks. Python's import lock makes a page that
asks for a module still being imported wait for that import rather than start another. Only what
the first page used to import: more would compete longer with the person's first clicks.
"""

from __future__ import annotations

import importlib
import logging
import threading

LATER = ("charts",)

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_started = False


def import_the_rest() -> None:
    """Start importing LATER in a background thread, once per process."""
    global _started
    with _lock:
        if _started:
            return
        _started = True
    threading.Thread(target=_import, args=(LATER,), name="wres-warm-up", daemon=True).start()


def _import(names: tuple[str, ...]) -> None:
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the page that needs it imports it again and shows the error there
            logger.warning("importing %s ahead of time failed", name, exc_info=True)
