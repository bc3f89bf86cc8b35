"""The checks on an xls workbook (OLE2) before calamine opens it.

calamine reads every sheet of an xls when it opens it and sizes each sheet from its cell
records (row and column are 16-bit, so a patched column reaches 65,535), its DIMENSIONS
record and the string count of the SST record. Walk the records first.
"""

from __future__ import annotations

import io
import struct

import numpy as np
import olefile

from data_loaders.errors import InputError
from data_loaders.readers.limits import check_extents, limit, too_many_cells
from data_loaders.readers.messages import damaged, password_protected, unusual

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

_BIFF_EOF = 0x000A
_BIFF_FILEPASS = 0x002F
_BIFF_BOUNDSHEET = 0x0085
_BIFF_SST = 0x00FC
_BIFF_DIMENSIONS = 0x0200
_BIFF_MULRK = 0x00BD
# Number, Label, BoolErr, Rk, LabelSst, Formula: calamine places a cell at (row, column)
_BIFF_CELLS = np.array([0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x0006])
_RECORD_HEADER = struct.Struct("<HH")


def check_ole2(name: str, data: bytes) -> None:
    # Excel keeps a password-protected xlsx inside an OLE2 file, as a stream of this name
    if _ENCRYPTED_PACKAGE in data:
        raise password_protected(name)
    try:
        # a file object: given bytes shorter than 1,536, olefile would take them for a path
        with olefile.OleFileIO(io.BytesIO(data)) as container:
            stream_name = next((s for s in ("Workbook", "Book") if container.exists(s)), None)
            if stream_name is None:
                raise InputError(
                    "the file is an old-style Office file but not an Excel workbook (it may be a Word document)",
                    file=name,
                    advice="Upload the spreadsheet (.xls, .xlsx or .csv) that holds the data.",
                )
            stream = container.openstream(stream_name).read()
    except InputError:
        raise
    except Exception as error:  # olefile raises several types for damaged containers
        raise damaged(name) from error
    _check_biff(name, stream)


def _check_biff(name: str, stream: bytes) -> None:
    record_starts = _biff_record_starts(stream, 0)
    padded = np.frombuffer(stream + bytes(16), dtype=np.uint8)
    starts = np.array(record_starts, dtype=np.int64)
    kinds = _u16(padded, starts)
    ends = np.flatnonzero(kinds == _BIFF_EOF)
    globals_end = int(ends[0]) if ends.size else len(starts)
    sheet_positions = _check_biff_globals(name, stream, record_starts[:globals_end], kinds[:globals_end])
    extents = []
    for position in sheet_positions:
        index = int(np.searchsorted(starts, position))
        if index < len(starts) and starts[index] == position:
            after = ends[ends >= index]
            sheet = slice(index, int(after[0]) if after.size else len(starts))
            extents.append(_biff_sheet_extent(name, padded, starts[sheet], kinds[sheet]))
        else:  # the sheet does not start on a record boundary of the main walk: walk it apart
            own = np.array(_biff_record_starts(stream, position, stop_at_eof=True), dtype=np.int64)
            extents.append(_biff_sheet_extent(name, padded, own, _u16(padded, own)))
    check_extents(name, extents)


def _biff_record_starts(stream: bytes, position: int, stop_at_eof: bool = False) -> list[int]:
    starts: list[int] = []
    length = len(stream)
    unpack = _RECORD_HEADER.unpack_from
    append = starts.append
    while position + 4 <= length:
        append(position)
        kind, size = unpack(stream, position)
        if stop_at_eof and kind == _BIFF_EOF:
            break
        position += 4 + size
    return starts


def _u16(octets: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    return octets[offsets].astype(np.int64) | (octets[offsets + 1].astype(np.int64) << 8)


def _check_biff_globals(name: str, stream: bytes, starts: list[int], kinds: np.ndarray) -> list[int]:
    sheet_positions = []
    for index in np.flatnonzero(np.isin(kinds, [_BIFF_FILEPASS, _BIFF_BOUNDSHEET, _BIFF_SST])):
        start = starts[index]
        kind, size = _RECORD_HEADER.unpack_from(stream, start)
        body = stream[start + 4 : start + 4 + size]
        if kind == _BIFF_FILEPASS and body[:2] != b"\x00\x00":
            raise password_protected(name)
        if kind == _BIFF_BOUNDSHEET and len(body) >= 4:
            position = struct.unpack_from("<I", body)[0]
            if position >= len(stream):
                raise damaged(name)
            sheet_positions.append(position)
        # each string needs at least three bytes, so a larger count is a lie calamine would
        # believe when it reserves room for the strings
        if kind == _BIFF_SST and len(body) >= 8 and not 0 <= struct.unpack_from("<i", body, 4)[0] <= len(stream) // 3:
            raise unusual(name, "declares more text entries than it could hold")
    return sheet_positions


def _biff_sheet_extent(name: str, padded: np.ndarray, starts: np.ndarray, kinds: np.ndarray) -> tuple[int, int]:
    rows = columns = 0
    cells = starts[np.isin(kinds, _BIFF_CELLS)]
    if cells.size:
        rows = int(_u16(padded, cells + 4).max()) + 1
        columns = int(_u16(padded, cells + 6).max()) + 1
    multiple = starts[kinds == _BIFF_MULRK]
    if multiple.size:
        sizes = _u16(padded, multiple + 2)
        rows = max(rows, int(_u16(padded, multiple + 4).max()) + 1)
        columns = max(columns, int(_u16(padded, multiple + 2 + sizes).max()) + 1)
    for start in starts[kinds == _BIFF_DIMENSIONS]:
        declared_rows, declared_columns = _biff_dimensions(padded, int(start))
        if declared_rows * declared_columns > limit('MAX_CELLS'):
            raise too_many_cells(name, declared_rows, declared_columns)
    return rows, columns


def _biff_dimensions(padded: np.ndarray, start: int) -> tuple[int, int]:
    """The rows and columns calamine reserves for a DIMENSIONS record (its u32 arithmetic wraps)."""
    size = int(_u16(padded, np.array([start + 2]))[0])
    body = padded[start + 4 : start + 4 + size].tobytes()
    if size == 14:
        first_row, last_row, first_column, last_column = struct.unpack_from("<IIHH", body)
    elif size == 10:
        first_row, last_row, first_column, last_column = struct.unpack_from("<HHHH", body)
    else:
        return 0, 0
    if last_row < 1 or last_column < 1:
        return 1, 1
    return (last_row - first_row) % 2**32, (last_column - first_column) % 2**32
