"""How much a file may hold, and the refusals that say so.

Every limit is looked up by name at each use (`limit`), so that `local_limits()` can raise them for the
files read inside it and a test can lower one with monkeypatch.setattr(limits, "MAX_ROWS", 5).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from data_loaders.cell_address import column_letters
from data_loaders.errors import InputError
from data_loaders.readers.messages import MAKE_SMALLER, RESAVE_XLSX

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
RATIO_CHECKED_ABOVE_BYTES = 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
MAX_ROWS = 2_000_000
MAX_CELLS = 20_000_000
# A part that the fast cell scan cannot vouch for is read whole into memory; past this, refuse.
MAX_IN_MEMORY_SCAN_BYTES = 256 * 1024 * 1024
# The limits above are for files from a web browser. Someone running the command line on their own
# machine (an analyst with the national file) is trusted with their own memory: `local_limits()`
# raises them for the files read inside it.
LOCAL_LIMITS: dict[str, int] = {
    "MAX_FILE_BYTES": 8 * 1024**3,
    "MAX_UNCOMPRESSED_BYTES": 64 * 1024**3,
    "MAX_ROWS": 100_000_000,
    "MAX_CELLS": 2_000_000_000,
    "MAX_IN_MEMORY_SCAN_BYTES": 8 * 1024**3,
}
_RAISED: ContextVar[dict[str, int] | None] = ContextVar("reader_limits", default=None)


@contextmanager
def local_limits() -> Iterator[None]:
    """Read with LOCAL_LIMITS instead of the upload limits (the command line, on the user's own files)."""
    token = _RAISED.set(LOCAL_LIMITS)
    try:
        yield
    finally:
        _RAISED.reset(token)


def limit(name: str) -> int:
    """The limit of that name (one of the constants above), as it is now: looked up at each use, so tests
    (and local_limits) can change it."""
    raised = _RAISED.get()
    return raised[name] if raised is not None and name in raised else globals()[name]


def too_big(name: str, size: int) -> InputError:
    return InputError(
        f"the file is {size / 1024 / 1024:,.0f} MB, more than the "
        f"{limit('MAX_FILE_BYTES') // 1024 // 1024} MB this service reads",
        file=name,
        advice=MAKE_SMALLER,
    )


def too_many_cells(name: str, rows: int, columns: int, sheet: str | None = None) -> InputError:
    where = "the sheet" if sheet else "a sheet in the workbook"
    return InputError(
        f"{where} reaches row {rows:,} and column {column_letters(columns)} "
        f"({rows * columns:,} cells), more than the {limit('MAX_CELLS'):,} cells this service reads",
        file=name,
        sheet=sheet,
        advice=MAKE_SMALLER,
    )


def check_extents(name: str, extents: list[tuple[int, int]]) -> None:
    total_cells = 0
    total_rows = 0
    for rows, columns in extents:
        total_cells += rows * columns
        total_rows += rows
        if rows * columns > limit('MAX_CELLS'):
            raise too_many_cells(name, rows, columns)
    if total_cells > limit('MAX_CELLS') or total_rows > limit('MAX_ROWS'):
        raise InputError(
            f"the workbook's sheets reach {total_rows:,} rows and {total_cells:,} cells in all, "
            f"more than the {limit('MAX_ROWS'):,} rows or {limit('MAX_CELLS'):,} cells this service reads",
            file=name,
            advice=MAKE_SMALLER,
        )


def part_too_large(name: str, size: int) -> InputError:
    return InputError(
        f"a part of the workbook is {size / 1024**2:,.0f} MB, too large to check safely",
        file=name,
        advice=RESAVE_XLSX + " If it is still refused, save the data as .csv.",
    )
