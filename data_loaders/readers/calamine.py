"""A checked workbook's cells, read with python-calamine, counted against the limits as they come."""

from __future__ import annotations

import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum

from data_loaders.errors import InputError
from data_loaders.readers.limits import limit, too_many_cells
from data_loaders.readers.messages import MAKE_SMALLER, RESAVE_XLSX, damaged, password_protected
from data_loaders.report import RawSheet


def read_with_calamine(name: str, data: bytes) -> list[RawSheet]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError as error:
        raise password_protected(name) from error
    except Exception as error:  # calamine reports damage with several exception types
        raise damaged(name) from error
    except BaseException as error:  # a Rust panic arrives as pyo3's PanicException
        if not _is_rust_panic(error):
            raise
        raise damaged(name) from error
    with workbook:
        worksheets = [
            (index, sheet.name)
            for index, sheet in enumerate(workbook.sheets_metadata)
            if sheet.typ == SheetTypeEnum.WorkSheet
        ]
        if not worksheets:
            raise InputError(
                "the workbook has no worksheets",
                file=name,
                advice="Check that you chose the right file: the data must be on a worksheet, not only in a chart.",
            )
        budget = _Budget(name)
        with _collector_paused():
            return [_read_sheet(name, workbook, index, sheet_name, budget) for index, sheet_name in worksheets]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """A sheet comes back as one new list per row, and none can be part of a reference cycle. Left
    on, the cyclic collector would wake every few hundred lists and walk all those made so far:
    about half of the time calamine takes to hand 100,000 rows over."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _is_rust_panic(error: BaseException) -> bool:
    return type(error).__name__ == "PanicException"


@dataclass
class _Budget:
    file: str
    rows: int = 0
    cells: int = 0

    def spend(self, sheet: str, first_row: int, rows: int, columns: int) -> None:
        """Count a sheet's rows (from first_row, 0-based) by columns, refusing past the limits."""
        if rows * columns > limit('MAX_CELLS'):
            raise too_many_cells(self.file, first_row + rows, columns, sheet)
        self.rows += rows
        self.cells += rows * columns
        if self.rows > limit('MAX_ROWS') or self.cells > limit('MAX_CELLS'):
            raise InputError(
                f"the workbook has {self.rows:,} rows and {self.cells:,} cells up to this sheet, more "
                f"than the {limit('MAX_ROWS'):,} rows or {limit('MAX_CELLS'):,} cells this service reads",
                file=self.file,
                sheet=sheet,
                advice=MAKE_SMALLER,
            )


def _read_sheet(name: str, workbook: CalamineWorkbook, index: int, sheet_name: str, budget: _Budget) -> RawSheet:
    try:
        sheet = workbook.get_sheet_by_index(index)
        start = sheet.start
        if start is None:
            return RawSheet(file=name, name=sheet_name, rows=[], first_row=1)
        first_row, first_column = start
        budget.spend(sheet_name, first_row, sheet.height, first_column + sheet.width)
        rows = sheet.to_python(skip_empty_area=True)
    except InputError:
        raise
    except PasswordError as error:
        raise password_protected(name) from error
    except BaseException as error:  # calamine's exceptions, or a Rust panic (pyo3's PanicException)
        if not isinstance(error, Exception) and not _is_rust_panic(error):
            raise
        raise InputError(
            "the sheet is damaged and could not be read", file=name, sheet=sheet_name, advice=RESAVE_XLSX
        ) from error
    return RawSheet(file=name, name=sheet_name, rows=_tidy(rows, first_column), first_row=first_row + 1)


def _tidy(rows: list[list[Any]], first_column: int) -> list[list[Any]]:
    """Empty strings become None, in calamine's own lists (no copies: a large sheet has a blank on
    most rows); columns left of the data come back so positions stay true."""
    for row in rows:
        blanks = row.count("")
        at = -1
        for _ in range(blanks):
            at = row.index("", at + 1)
            row[at] = None
    if first_column:
        padding = [None] * first_column
        return [padding + row for row in rows]
    return rows
