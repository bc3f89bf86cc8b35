"""How far the cells of an xlsx sheet part reach, before calamine sees the file.

calamine places an xlsx cell where the last r="C5" attribute of its tag says (or, without
one, after the previous cell), then allocates a dense grid from the first to the farthest
cell. So the farthest reference in every sheet part must be known before calamine sees the
file. The fast path (CellExtentScan) vouches for a part with numpy when every cell tag opens
`<c r="A1"` and no tag has any other attribute named r; anything else (a cell without r,
attributes in another order, odd spacing, a second r) goes to an exact, slower tokenizer
(cell_extent_slow).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from data_loaders.readers.messages import unusual
from data_loaders.readers.xml_bytes import LOOK, NAME_CHAR, PAD, TAG_REST

_SCAN_STRETCH = 2 * 1024 * 1024
# From 4 bytes before an r attribute: '<row r="' or '..<c r="', up to 3 letters, 8 digits, '"'
_KEY_WINDOW = 24
_LESS_C = int.from_bytes(b"<c", "little")
_COLON_C = int.from_bytes(b":c", "little")
_BEFORE_R = int.from_bytes(b"\x00r", "little")
_ROW_TAG = int.from_bytes(b"<row", "little")


class CellExtentScan:
    """Streams a part's bytes; finish() gives (rows, columns) reached, or None to scan slowly."""

    def __init__(self) -> None:
        self.rows = 0
        self.columns = 0
        self.vouched = True
        # The last bytes seen: LOOK bytes already checked (to look back on), then the rest.
        self._tail = PAD
        self._unchecked = 0

    def feed(self, chunk: bytes) -> None:
        if not self.vouched:
            return
        if len(chunk) < 4 * LOOK:
            buffer = self._tail + chunk
            begin = len(self._tail) - self._unchecked
            end = max(len(buffer) - LOOK, begin)
            self._scan(buffer, begin, end)
            self._tail, self._unchecked = buffer[end - LOOK :], len(buffer) - end
            return
        # Where the last chunk meets this one, then the rest of this one, a stretch at a time: the
        # scan passes over its bytes several times, faster while they are still in the CPU's cache.
        self._scan(self._tail + chunk[: 2 * LOOK], len(self._tail) - self._unchecked, len(self._tail) + LOOK)
        for begin in range(LOOK, len(chunk) - LOOK, _SCAN_STRETCH):
            self._scan(chunk, begin, min(begin + _SCAN_STRETCH, len(chunk) - LOOK))
        self._tail, self._unchecked = chunk[-2 * LOOK :], LOOK

    def finish(self) -> tuple[int, int] | None:
        if self.vouched:
            self._scan(self._tail + PAD, len(self._tail) - self._unchecked, len(self._tail))
        return (self.rows, self.columns) if self.vouched else None

    def _scan(self, buffer: bytes, begin: int, end: int) -> None:
        if not self.vouched or end <= begin:
            return
        reach = _canonical_cells_reach(buffer, begin, end)
        if reach is None:
            self.vouched = False
            return
        self.rows = max(self.rows, reach[0])
        self.columns = max(self.columns, reach[1])


def _canonical_cells_reach(buffer: bytes, begin: int, end: int) -> tuple[int, int] | None:
    """Farthest (row, column) of the cells whose r attribute starts in [begin, end) of `buffer`
    (which holds LOOK bytes either side); None unless every cell tag there opens `<c r="A1"`
    and no other attribute named r starts there.

    An attribute name starts after whitespace or a quote, so every such byte followed by 'r'
    is looked at: one in text ('a rate') is not followed by '=' or whitespace.
    """
    octets = np.frombuffer(buffer, dtype=np.uint8)
    keys = _pair_positions(buffer, begin, end, lambda pair: (pair - _BEFORE_R) <= ord("'"))
    windows = sliding_window_view(octets, _KEY_WINDOW)[keys - 4]
    after = windows[:, 6]
    named_r = after == ord("=")
    spaced = np.flatnonzero(after <= ord(" "))
    if spaced.size:  # 'r =' is an attribute; 'a r b' in text is not, nor is 'r x=' to calamine
        rest = windows[spaced, 6:] > ord(" ")
        next_byte = windows[spaced, 6 + rest.argmax(axis=1)]
        named_r[spaced] = (next_byte == ord("=")) | ~rest.any(axis=1)
    canonical = named_r & (windows[:, 4] == ord(" ")) & (after == ord("=")) & (windows[:, 7] == ord('"'))
    if (named_r & ~canonical).any():
        return None
    cell = canonical & (windows[:, 3] == ord("c")) & ((windows[:, 2] == ord("<")) | (windows[:, 2] == ord(":")))
    row_tag = canonical & (np.ascontiguousarray(windows[:, :4]).view("<u4")[:, 0] == _ROW_TAG)
    if (canonical & ~cell & ~row_tag).any():
        return None  # a second r in a tag, or r on another element: left to the exact scan
    if not _cells_are_all_the_cell_tags(buffer, begin - 2, end - 2, keys[cell] - 2):
        return None
    return _farthest_reference(windows, cell) if cell.any() else (0, 0)


def _pair_positions(buffer: bytes, begin: int, end: int, match: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Positions p in [begin, end) whose two bytes, read as a little-endian uint16, satisfy `match`."""
    found = [np.flatnonzero(hits) * 2 + first for first, hits in _pair_matches(buffer, begin, end, match)]
    return np.concatenate(found)


def _pair_matches(
    buffer: bytes, begin: int, end: int, match: Callable[[np.ndarray], np.ndarray]
) -> Iterator[tuple[int, np.ndarray]]:
    for parity in (0, 1):
        first = begin + (begin - parity) % 2
        pairs = np.frombuffer(buffer, dtype="<u2", count=max((end - first + 1) // 2, 0), offset=first)
        yield first, match(pairs)


def _cells_are_all_the_cell_tags(buffer: bytes, begin: int, end: int, cell_starts: np.ndarray) -> bool:
    """Whether every element named c (`<c`, `prefix:c`) opening in [begin, end) is one of the
    cells at `cell_starts`; other openings must be longer names ('<col', '<cfRule')."""
    # rare outside .NET exports: skip that comparison when absent
    prefixed = buffer.find(b":", begin, end) >= 0 and buffer.find(b":c", begin, end + 1) >= 0

    def opens(pair: np.ndarray) -> np.ndarray:
        found = pair == _LESS_C
        return found | (pair == _COLON_C) if prefixed else found

    if sum(np.count_nonzero(hits) for _, hits in _pair_matches(buffer, begin, end, opens)) == cell_starts.size:
        return True
    others = np.setdiff1d(_pair_positions(buffer, begin, end, opens), cell_starts, assume_unique=True)
    return bool(NAME_CHAR[np.frombuffer(buffer, dtype=np.uint8)[others + 2]].all())


def _farthest_reference(windows: np.ndarray, cell: np.ndarray) -> tuple[int, int] | None:
    """(row, column) of the farthest `r="A1"` among the cells' windows; None if one is in another
    form (lower case, four letters, nine digits, '$')."""
    flat = windows.reshape(-1)
    starts = np.arange(0, flat.size, _KEY_WINDOW)
    letter = (windows[:, 8:12] - ord("A")) < 26
    second, third = letter[:, 1], letter[:, 1] & letter[:, 2]
    first_digit = 9 + second + third.astype(np.intp)
    # after the first letter: any other letters, the digits, then the closing quote
    stop = (windows[:, 9:20] - ord("0")) >= 10
    stop[:, 0] &= ~second
    stop[:, 1] &= ~third
    quote = 9 + stop.argmax(axis=1)
    digits = quote - first_digit
    closed = flat[starts + quote] == ord('"')
    if not (letter[:, 0] & ~(third & letter[:, 3]) & (digits >= 1) & (digits <= 8) & closed)[cell].all():
        return None
    # The most digits wins, then the greatest; but leading zeros ('A007') can pad a small number.
    zero_led = cell & (flat[starts + first_digit] == ord("0"))
    longest = int(digits[cell & ~zero_led].max(initial=1))
    best = _greatest(flat, np.flatnonzero(cell & ~zero_led & (digits == longest)), first_digit, longest)
    rows = int(flat[best : best + longest].tobytes()) if best >= 0 else 0
    if zero_led.any():
        led = np.flatnonzero(zero_led)
        padded = sliding_window_view(flat, 8)[led * _KEY_WINDOW + quote[led] - 8]
        padded = np.where((padded - ord("0")) < 10, padded, ord("0"))  # '0' up to the digits
        rows = max(rows, int(padded[padded.view(">u8")[:, 0].argmax()].tobytes()))
    letters = 1 + int((second & cell).any()) + int((third & cell).any())
    best = _greatest(flat, np.flatnonzero(cell & (first_digit == 8 + letters)), np.full(len(windows), 8), letters)
    return rows, _column_number(flat[best : best + letters].tobytes())


def _greatest(flat: np.ndarray, rivals: np.ndarray, starts: np.ndarray, length: int) -> int:
    """Where in `flat` the greatest of the rivals' `length` bytes (from their window's `starts`)
    begin, compared byte by byte: few rivals are left after the first. -1 if there are none."""
    at = rivals * _KEY_WINDOW + starts[rivals]
    for offset in range(length):
        if at.size <= 1:
            break
        column = flat[at + offset]
        at = at[column == column.max()]
    return int(at[0]) if at.size else -1


# The tokens quick-xml reads: comments, CDATA, processing instructions, declarations, then tags.
_XML_TOKEN = re.compile(
    rb"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<\?.*?(?:\?>|\Z)|<!"
    + TAG_REST
    + rb"|<(/?)([^\s<>/\"'=]*)"
    + TAG_REST,
    re.S,
)
# An attribute's name starts after whitespace or a quote. calamine keeps the last r of a cell
# (the first of a row); every r that could be an attribute counts here, the farthest winning.
_R_ATTRIBUTE = re.compile(rb"(?<![^\s\"'])r\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_CELL_REFERENCE = re.compile(rb"([A-Za-z]{1,3})([0-9]{1,8})")


def cell_extent_slow(name: str, text: bytes) -> tuple[int, int]:
    """(rows, columns) reached, following calamine's rules tag by tag: a cell without r sits
    after the previous cell; a row without r follows the previous row. Its XML reader expands
    `<c/>` and `<row/>` into a start and an end, so they move the position too."""
    row_index = column_index = 0
    rows = columns = 0
    for token in _XML_TOKEN.finditer(text):
        closing, tag_name, attributes = token.group(2, 3, 4)
        # quick-xml's local name is what follows the first ':'
        element = tag_name.split(b":", 1)[-1] if tag_name is not None else None
        if element not in (b"c", b"row"):
            continue
        self_closing = attributes.rstrip().endswith(b"/")
        references = _r_attributes(attributes)
        if element == b"row":
            if not closing and references:
                if not all(reference.isdigit() and len(reference) <= 8 for reference in references):
                    raise unusual(name, "has a row numbered in an unreadable way")
                row_index = max(int(reference) for reference in references) - 1
            if closing or self_closing:
                row_index += 1
                column_index = 0
            continue
        if closing:
            continue
        if not references:
            row, column = row_index, column_index
        else:
            places = [_cell_place(name, reference) for reference in references]
            row = max(row for row, _ in places)
            column = max(column for _, column in places)
        rows = max(rows, row + 1)
        columns = max(columns, column + 1)
        column_index = column + 1
    return rows, columns


def _r_attributes(attributes: bytes) -> list[bytes]:
    return [found.group(1) if found.group(1) is not None else found.group(2)
            for found in _R_ATTRIBUTE.finditer(attributes)]


def _cell_place(name: str, reference: bytes) -> tuple[int, int]:
    """(row, column), from 0, of a reference such as b"D40"."""
    parsed = _CELL_REFERENCE.fullmatch(reference)
    if parsed is None:
        raise unusual(name, "has a cell addressed in an unreadable way")
    return int(parsed.group(2)) - 1, _column_number(parsed.group(1)) - 1


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number
