"""What a load found, sheet by sheet, so a person can see and correct it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only named in annotations: reading cells needs no pandas
    import pandas as pd


@dataclass
class RawSheet:
    """A sheet's cells as read, before any heading is recognised.

    Cells are None, str, int, float, bool, datetime.date, datetime.datetime or
    datetime.time. `first_row` is the spreadsheet row number (1-based) of `rows[0]`, so
    messages can point at the row a person sees in Excel.
    """

    file: str
    name: str
    rows: list[list[Any]]
    first_row: int = 1
    # A large CSV's records after `rows`, read column by column (a pyarrow Table of text, "" for
    # an empty cell), so a million rows never become a million Python lists. `rows` then holds
    # the first records only: enough for every heading search.
    body: Any = None

    def complete(self) -> RawSheet:
        """The same sheet with every record in `rows` (for readers that walk rows: templates, Census)."""
        if self.body is None:
            return self
        columns = [column.to_pylist() for column in self.body.columns]
        body_rows = [[cell if cell != "" else None for cell in row] for row in zip(*columns, strict=True)]
        return RawSheet(self.file, self.name, self.rows + body_rows, self.first_row)


@dataclass
class SkippedRows:
    reason: str
    rows: list[int]  # spreadsheet row numbers, 1-based

    @property
    def count(self) -> int:
        return len(self.rows)


@dataclass
class SheetReport:
    file: str
    sheet: str
    dataset: str | None = None
    # Why the sheet was not used ("notes sheet", "no recognisable headings"), or None.
    ignored: str | None = None
    header_row: int | None = None
    # canonical column -> the heading it was read from
    columns: dict[str, str] = field(default_factory=dict)
    unmapped_headings: list[str] = field(default_factory=list)
    rows_read: int = 0
    skipped: list[SkippedRows] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.file} / {self.sheet}" if self.sheet else self.file


@dataclass
class LoadedData:
    """Canonical frames by dataset name (see data_loaders.schema) and what was found on the way."""

    datasets: dict[str, pd.DataFrame] = field(default_factory=dict)
    sheets: list[SheetReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
