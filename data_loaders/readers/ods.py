"""How many cells calamine will make of an ods workbook's content.xml, before it sees the file.

calamine expands table:number-columns-repeated on value cells and table:number-rows-repeated
on rows between the first and last rows holding a value, so ten bytes can ask for millions of
cells. Trailing empty repeats (LibreOffice writes one to row 1,048,576) are not expanded.
"""

from __future__ import annotations

import re

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from data_loaders.errors import InputError
from data_loaders.readers.limits import limit
from data_loaders.readers.messages import MAKE_SMALLER
from data_loaders.readers.xml_bytes import NAME_CHAR, PAD, TAG_REST

_ODS_ROW = re.compile(rb"<table:table-row(?=[\s/>])" + TAG_REST)
_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell(?=[\s/>])" + TAG_REST)
_ODS_VALUE = re.compile(
    rb"(?:office:(?:value|value-type|string-value|date-value|time-value|boolean-value)"
    rb"|table:formula)\s*="
)
_ODS_ROWS_REPEATED = re.compile(rb"table:number-rows-repeated\s*=\s*[\"']\s*([0-9]+)")
_ODS_COLUMNS_REPEATED = re.compile(rb"table:number-columns-repeated\s*=\s*[\"']\s*([0-9]+)")


def ods_extents(name: str, content: bytes) -> list[tuple[int, int]]:
    """(rows, columns) calamine will allocate for each table of an ods content.xml.

    Rows are counted with numpy; only rows carrying a repeat attribute are parsed one by one.
    """
    text = _Occurrences(content)
    row_starts = text.elements(b"<table:table-row")
    if row_starts.size == 0:
        return []
    row_ends = text.find(b"</table:table-row", anchor=13)
    # a row's cells end at its end tag, or at the next row if the end tag is missing
    end_tag = np.append(row_ends, len(content))[np.searchsorted(row_ends, row_starts)]
    row_limits = np.minimum(end_tag, np.append(row_starts[1:], len(content)))

    def per_row(positions: np.ndarray) -> np.ndarray:
        row = np.searchsorted(row_starts, positions, side="right") - 1
        inside = (row >= 0) & (positions < row_limits[np.maximum(row, 0)])
        return np.bincount(row[inside], minlength=row_starts.size)

    cells = per_row(text.elements(b"<table:table-cell")) + per_row(text.elements(b"<table:covered-table-cell"))
    # office:value, office:value-type, office:string-value... or table:formula: a value
    has_value = (per_row(text.find(b"value")) + per_row(text.find(b"formula"))) > 0
    repeats = np.ones(row_starts.size, dtype=np.int64)
    value_width = np.where(has_value, cells, 0)
    for row in np.flatnonzero(per_row(text.find(b"-repeated"))):
        repeats[row], cells[row], value_width[row] = _ods_row(content[row_starts[row] : row_limits[row]])
    if int(cells.sum()) > limit('MAX_CELLS'):
        raise InputError(
            f"the workbook stores {int(cells.sum()):,} cells, more than the {limit('MAX_CELLS'):,} cells "
            "this service reads",
            file=name,
            advice=MAKE_SMALLER,
        )
    table_of_row = np.searchsorted(text.elements(b"<table:table"), row_starts, side="right") - 1
    extents = []
    for table in np.unique(table_of_row[table_of_row >= 0]):
        rows = table_of_row == table
        valued = np.flatnonzero(value_width[rows] > 0)
        if valued.size:
            # calamine expands repeats between the first and the last row holding a value
            height = int(repeats[rows][valued[0] : valued[-1] + 1].sum())
            extents.append((height, int(value_width[rows].max())))
    return extents


class _Occurrences:
    """Offsets of byte patterns in a text, found with numpy."""

    def __init__(self, text: bytes) -> None:
        self._length = len(text)
        self._padded = text + PAD
        self._octets = np.frombuffer(self._padded, dtype=np.uint8)
        self._eights = sliding_window_view(self._octets, 8)
        self._pairs: dict[bytes, np.ndarray] = {}
        self._checked: dict[tuple[int, bytes], np.ndarray] = {}

    def find(self, pattern: bytes, anchor: int = 0) -> np.ndarray:
        """Sorted offsets of `pattern`, looked for first by its two bytes at `anchor` (choose
        a rare pair: it decides how many candidates are checked)."""
        found = self._pair(pattern[anchor : anchor + 2]) - anchor
        found = found[found >= 0]
        for offset in range(0, len(pattern), 8):
            key = (anchor, pattern[: offset + 8])
            if key not in self._checked:  # '<table:table-row' and '-cell' share '<table:t'
                piece = pattern[offset : offset + 8]
                words = self._eights[found + offset].view("<u8")[:, 0]
                mask = (1 << 8 * len(piece)) - 1
                self._checked[key] = found[(words & mask) == int.from_bytes(piece, "little")]
            found = self._checked[key]
        return found

    def elements(self, opening: bytes) -> np.ndarray:
        """Offsets of tags named exactly `opening`, not longer names that begin with it."""
        found = self.find(opening)
        return found[~NAME_CHAR[self._octets[found + len(opening)]]]

    def _pair(self, pair: bytes) -> np.ndarray:
        if pair not in self._pairs:
            code = int.from_bytes(pair, "little")
            even = np.frombuffer(self._padded, dtype="<u2", count=len(self._padded) // 2)
            odd = np.frombuffer(self._padded, dtype="<u2", count=(len(self._padded) - 1) // 2, offset=1)
            found = np.concatenate([np.flatnonzero(even == code) * 2, np.flatnonzero(odd == code) * 2 + 1])
            found = found[found < self._length]
            found.sort()
            self._pairs[pair] = found
        return self._pairs[pair]


def _ods_row(row: bytes) -> tuple[int, int, int]:
    """(times the row repeats, cells calamine stores for it, columns up to its last value)."""
    if b"-repeated" not in row:  # the usual row: count, don't parse
        cells = row.count(b"<table:table-cell") + row.count(b"<table:covered-table-cell")
        has_value = b"office:" in row or b"table:formula" in row
        return 1, cells, cells if has_value else 0
    tag = _ODS_ROW.match(row)
    repeats = _repeat_count(_ODS_ROWS_REPEATED, tag.group(1)) if tag else 1
    pushed = pending_empty = value_width = 0
    for cell in _ODS_CELL.finditer(row):
        attributes = cell.group(1)
        columns = _repeat_count(_ODS_COLUMNS_REPEATED, attributes)
        pushed += pending_empty
        pending_empty = 0
        if _ODS_VALUE.search(attributes) or not attributes.rstrip().endswith(b"/"):
            pushed += columns
            value_width = pushed
        else:
            pending_empty = columns  # stored only if a value follows in the row
    return repeats, pushed, value_width


def _repeat_count(pattern: re.Pattern[bytes], attributes: bytes) -> int:
    found = pattern.search(attributes)
    return max(int(found.group(1)), 1) if found else 1
