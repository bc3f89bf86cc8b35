"""Bytes of an uploaded file in, the cells of each sheet out, safely.

The format is decided from the bytes, never the file name: zip -> xlsx/xlsm or ods, OLE2 -> xls,
anything else is read as CSV text. Workbooks are read with python-calamine, but only after the
checks below, because calamine trusts its input: a few kilobytes naming a cell at XFD1048576
(xlsx), a repeated value cell (ods) or a column past 255 (xls) make it allocate hundreds of
gigabytes, and a failed allocation in Rust aborts the whole process rather than raising.

- zip: the central directory is checked first (members, declared sizes, compression ratio);
  then every member is inflated once, streamed and bounded, to check that it is no larger than
  declared, that no XML part has a DOCTYPE, how far the cells of each sheet reach, and that the
  shared strings declare no more entries than they hold.
- xls: the BIFF records of the Workbook stream are walked to find how far each sheet reaches.
- all formats: rows and cells are counted before calamine hands them to Python.

Nothing is written to disk.
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
import os
import re
import struct
import sys
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import olefile
from numpy.lib.stride_tricks import sliding_window_view
from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum

from data_loaders.cell_address import column_letters
from data_loaders.errors import InputError
from data_loaders.report import RawSheet

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
# A DOCTYPE can only precede the root element; no spreadsheet writer puts more than a few
# hundred bytes before it, so a prolog longer than this is refused rather than read on.
XML_PROLOG_BYTES = 64 * 1024
SNIFF_SAMPLE_CHARS = 4096  # csv.Sniffer is quadratic on some inputs: keep its sample small
_DELIMITERS = ",;\t|"

_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_ODS_MIMETYPES = (
    b"application/vnd.oasis.opendocument.spreadsheet",
    b"application/vnd.oasis.opendocument.spreadsheet-template",
)
_INFLATE_INPUT_BYTES = 1024 * 1024
_INFLATE_OUTPUT_BYTES = 8 * 1024 * 1024

# A large CSV is read with pyarrow (below). Arrow's default allocator here, mimalloc, was measured on
# the national-scale CSVs (benchmarks) to take 1.0 to 1.6 s from run to run where the system's malloc
# took 1.05 s every time, with 5% less memory at the peak. Arrow reads this variable once, when pyarrow is
# first imported: a process that has imported it already keeps its allocator, and a deployment that sets
# the variable itself keeps its choice.
if "pyarrow" not in sys.modules:
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

_RESAVE_XLSX = "Open it in Excel, save it again as Excel Workbook (.xlsx) and upload the new copy."
_SAVE_AS_SPREADSHEET = "Save it from Excel as .xlsx or .csv and upload again."
_MAKE_SMALLER = (
    "Remove the rows, columns or sheets you don't need (including formatted cells far below "
    "or to the right of the table), or save the data as .csv, then upload again."
)


def read_path(path: str | os.PathLike[str], *, columnar: bool = False) -> list[RawSheet]:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > _limit('MAX_FILE_BYTES'):
            raise _too_big(path.name, size)
        data = path.read_bytes()
    except OSError as error:
        raise InputError(
            f"the file could not be opened ({error.strerror or error})",
            file=path.name,
            advice="Check the file name, close it in any other program and try again.",
        ) from error
    return read_workbook(path.name, data, columnar=columnar)


@contextmanager
def local_limits() -> Iterator[None]:
    """Read with LOCAL_LIMITS instead of the upload limits (the command line, on the user's own files)."""
    token = _RAISED.set(LOCAL_LIMITS)
    try:
        yield
    finally:
        _RAISED.reset(token)


def _limit(name: str) -> int:
    # Looked up at each use, so tests (and local_limits) can change a limit.
    raised = _RAISED.get()
    return raised[name] if raised is not None and name in raised else globals()[name]


def read_workbook(name: str, data: bytes, *, columnar: bool = False) -> list[RawSheet]:
    """Every sheet of an xlsx/xlsm/xls/ods workbook or a CSV, as RawSheets (a CSV gives one
    RawSheet whose name is ""). Raises InputError for anything unusable. Writes nothing to disk.

    `columnar`: a large CSV may come back as its first records in `rows` and the rest in `body`
    (for data_loaders.tables, which reads both); otherwise every record is in `rows`."""
    return checked_read(name, data, columnar=columnar)()


def checked_read(name: str, data: bytes, *, columnar: bool = False) -> Callable[[], list[RawSheet]]:
    """read_workbook in two steps: the checks on the bytes now (raising InputError for anything they
    refuse), then the returned call to read the cells. The checks hold the GIL; most of the read
    (calamine's parse of a sheet, pyarrow's of a CSV) does not, so a caller may run the read on another
    thread while this one does other work (metrics.api.read_paths)."""
    if len(data) > _limit('MAX_FILE_BYTES'):
        raise _too_big(name, len(data))
    if not data or data.isspace():  # isspace does not copy a 100 MB file as strip would
        raise _empty(name)
    if data.startswith((_ZIP_MAGIC, _EMPTY_ZIP_MAGIC)):
        _check_zip(name, data)
        return lambda: _read_with_calamine(name, data)
    if data.startswith(_OLE2_MAGIC):
        _check_ole2(name, data)
        return lambda: _read_with_calamine(name, data)
    return lambda: _read_csv(name, data, columnar)


# --- messages ---------------------------------------------------------------------------------


def _too_big(name: str, size: int) -> InputError:
    return InputError(
        f"the file is {size / 1024 / 1024:,.0f} MB, more than the "
        f"{_limit('MAX_FILE_BYTES') // 1024 // 1024} MB this service reads",
        file=name,
        advice=_MAKE_SMALLER,
    )


def _empty(name: str) -> InputError:
    return InputError(
        "the file is empty",
        file=name,
        advice="Check that you chose the right file, save it again from Excel and upload it.",
    )


def _password_protected(name: str) -> InputError:
    return InputError(
        "the workbook is password-protected",
        file=name,
        advice=(
            "Remove the password (File > Info > Protect Workbook in Excel, then clear the "
            "password) and upload it again."
        ),
    )


def _damaged(name: str, detail: str = "") -> InputError:
    problem = "the workbook is damaged or incomplete, so it could not be read"
    if detail:
        problem = f"{problem} ({detail})"
    return InputError(problem, file=name, advice=_RESAVE_XLSX)


def _unusual(name: str, what: str) -> InputError:
    return InputError(
        f"the workbook {what}, which spreadsheet programs do not do; it may be damaged or "
        "built to attack the reader, so it was not opened",
        file=name,
        advice=_RESAVE_XLSX,
    )


def _too_many_cells(name: str, rows: int, columns: int, sheet: str | None = None) -> InputError:
    where = "the sheet" if sheet else "a sheet in the workbook"
    return InputError(
        f"{where} reaches row {rows:,} and column {column_letters(columns)} "
        f"({rows * columns:,} cells), more than the {_limit('MAX_CELLS'):,} cells this service reads",
        file=name,
        sheet=sheet,
        advice=_MAKE_SMALLER,
    )


# --- zip: xlsx, xlsm, ods ---------------------------------------------------------------------


def _check_zip(name: str, data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, EOFError, OSError) as error:
        raise _damaged(name) from error
    _check_zip_directory(name, members)
    _check_zip_is_workbook(name, archive)
    extents: list[tuple[int, int]] = []
    for member in members:
        extents.extend(_check_member(name, data, member))
    _check_extents(name, extents)


def _check_zip_directory(name: str, members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_ZIP_MEMBERS:
        raise _unusual(name, f"holds {len(members):,} internal parts")
    if sum(member.file_size for member in members) > _limit('MAX_UNCOMPRESSED_BYTES'):
        raise InputError(
            f"the workbook expands to more than {_limit('MAX_UNCOMPRESSED_BYTES') // 1024**3} GB when opened",
            file=name,
            advice=_MAKE_SMALLER,
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_CHECKED_ABOVE_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise _unusual(name, f"has a part that expands to {ratio:,.0f} times its stored size")


def _check_zip_is_workbook(name: str, archive: zipfile.ZipFile) -> None:
    names = set(archive.namelist())
    if "mimetype" in names:
        mimetype = _read_small_member(name, archive, "mimetype").strip()
        if mimetype in _ODS_MIMETYPES:
            return
        if mimetype.startswith(b"application/vnd.oasis.opendocument."):
            raise InputError(
                "the file is an OpenDocument file but not a spreadsheet (it may be a text document)",
                file=name,
                advice="Upload the spreadsheet (.ods, .xlsx or .csv) that holds the data.",
            )
    if "xl/workbook.xml" in names:
        return
    if "xl/workbook.bin" in names:
        raise InputError(
            "the file is an Excel Binary Workbook (.xlsb), which this service does not read",
            file=name,
            advice="Open it in Excel, save it as Excel Workbook (.xlsx) and upload the new file.",
        )
    if "word/document.xml" in names or "ppt/presentation.xml" in names:
        kind = "a Word document" if "word/document.xml" in names else "a PowerPoint presentation"
        raise InputError(
            f"the file is {kind}, not a spreadsheet",
            file=name,
            advice="Upload the spreadsheet (.xlsx or .csv) that holds the data.",
        )
    raise InputError(
        "the file is a zip archive, not an Excel workbook",
        file=name,
        advice="Unzip it and upload the spreadsheet inside (.xlsx, .xls, .ods or .csv).",
    )


def _read_small_member(name: str, archive: zipfile.ZipFile, member: str) -> bytes:
    try:
        with archive.open(member) as stream:
            return stream.read(200)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError, EOFError) as error:
        raise _damaged(name) from error


def _check_member(name: str, data: bytes, member: zipfile.ZipInfo) -> list[tuple[int, int]]:
    """Inflate one member, bounded, checking as it streams; the cell extents its sheets reach.

    Every member is scanned for cells, pictures included: calamine finds sheets through the
    workbook's relationships, not by name, and skips text before a sheet's root element.
    """
    head = b""
    prolog_checked = False
    extent = _CellExtentScan()
    ods_content = member.filename == "content.xml"
    shared_strings = _is_shared_strings(member.filename)
    whole: list[bytes] | None = [] if ods_content or shared_strings else None
    if whole is not None and member.file_size > _limit('MAX_IN_MEMORY_SCAN_BYTES'):
        raise _part_too_large(name, member.file_size)
    for chunk in _inflate(name, data, member):
        if whole is not None:
            whole.append(chunk)
        if not prolog_checked:
            head += chunk[: XML_PROLOG_BYTES - len(head)]
            if len(head) >= XML_PROLOG_BYTES:
                _check_xml_prolog(name, head)
                prolog_checked = True
        extent.feed(chunk)
    if not prolog_checked:
        _check_xml_prolog(name, head)
    cells_reach = extent.finish()
    if cells_reach is None:
        cells_reach = _cell_extent_slow(name, _whole_member(name, data, member))
    extents = [cells_reach] if cells_reach != (0, 0) else []
    if whole is not None:
        text = b"".join(whole)
        if ods_content:
            extents.extend(_ods_extents(name, text))
        if shared_strings:
            _check_shared_strings(name, text)
    return extents


def _is_shared_strings(member: str) -> bool:
    # calamine opens xl/sharedStrings.xml whatever the case of its name
    return member.replace("\\", "/").lower().endswith("sharedstrings.xml")


_UNIQUE_COUNT = re.compile(rb"uniqueCount\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def _check_shared_strings(name: str, text: bytes) -> None:
    """calamine reserves room for the uniqueCount strings a table declares before it reads one, so
    a few bytes declaring billions abort the process. Each string takes at least `<si/>`, and no
    workbook here has more strings to show than cells."""
    most = min(len(text) // len(b"<si/>"), _limit('MAX_CELLS'))
    for found in _UNIQUE_COUNT.finditer(text):
        declared = found.group(1) if found.group(1) is not None else found.group(2)
        if not declared.isdigit() or len(declared) > 12 or int(declared) > most:
            raise _unusual(name, "declares more shared text entries than it holds")


def _check_extents(name: str, extents: list[tuple[int, int]]) -> None:
    total_cells = 0
    total_rows = 0
    for rows, columns in extents:
        total_cells += rows * columns
        total_rows += rows
        if rows * columns > _limit('MAX_CELLS'):
            raise _too_many_cells(name, rows, columns)
    if total_cells > _limit('MAX_CELLS') or total_rows > _limit('MAX_ROWS'):
        raise InputError(
            f"the workbook's sheets reach {total_rows:,} rows and {total_cells:,} cells in all, "
            f"more than the {_limit('MAX_ROWS'):,} rows or {_limit('MAX_CELLS'):,} cells this service reads",
            file=name,
            advice=_MAKE_SMALLER,
        )


def _whole_member(name: str, data: bytes, member: zipfile.ZipInfo) -> bytes:
    if member.file_size > _limit('MAX_IN_MEMORY_SCAN_BYTES'):
        raise _part_too_large(name, member.file_size)
    return b"".join(_inflate(name, data, member))


def _part_too_large(name: str, size: int) -> InputError:
    return InputError(
        f"a part of the workbook is {size / 1024**2:,.0f} MB, too large to check safely",
        file=name,
        advice=_RESAVE_XLSX + " If it is still refused, save the data as .csv.",
    )


def _inflate(name: str, data: bytes, member: zipfile.ZipInfo) -> Iterator[bytes]:
    """A member's bytes, inflated by hand in bounded chunks.

    Not zipfile.open(): it stops at the size the directory declares, which would hide a member
    that inflates further, and calamine's reader does not stop there.
    """
    if member.flag_bits & 0x1:
        raise _password_protected(name)
    start = member.header_offset
    header = data[start : start + 30]
    if len(header) < 30 or not header.startswith(_ZIP_MAGIC):
        raise _damaged(name)
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    begin = start + 30 + name_length + extra_length
    end = begin + member.compress_size
    if end > len(data):
        raise _damaged(name, "it is shorter than its own index says; it may not have finished downloading")
    stored = memoryview(data)[begin:end]
    if member.compress_type == zipfile.ZIP_STORED:
        if member.compress_size != member.file_size:
            raise _damaged(name)
        for offset in range(0, len(stored), _INFLATE_OUTPUT_BYTES):
            yield bytes(stored[offset : offset + _INFLATE_OUTPUT_BYTES])
        return
    if member.compress_type != zipfile.ZIP_DEFLATED:
        raise _unusual(name, "uses a compression method other than Deflate")
    yield from _inflate_deflated(name, stored, member.file_size)


def _inflate_deflated(name: str, stored: memoryview, declared_size: int) -> Iterator[bytes]:
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    produced = 0
    offset = 0
    pending: bytes | memoryview = b""
    try:
        while not inflater.eof:
            if not pending:
                if offset >= len(stored):
                    break
                pending = stored[offset : offset + _INFLATE_INPUT_BYTES]
                offset += _INFLATE_INPUT_BYTES
            chunk = inflater.decompress(pending, _INFLATE_OUTPUT_BYTES)
            pending = inflater.unconsumed_tail
            produced += len(chunk)
            if produced > declared_size:
                raise _unusual(name, "has a part that expands beyond the size its index declares")
            if chunk:
                yield chunk
    except zlib.error as error:
        raise _damaged(name) from error
    if not inflater.eof or produced != declared_size:
        raise _damaged(name, "a part of it is cut short; it may not have finished downloading")


_PROLOG_SKIPPABLE = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.S)


def _check_xml_prolog(name: str, head: bytes) -> None:
    """Refuse a DOCTYPE (entity expansion, external entities) in any XML part.

    Binary parts (pictures) pass: they do not start with '<'. XML in UTF-16 is refused: no
    spreadsheet program writes it, and the cell scan reads ASCII-compatible bytes.
    """
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or head[:2] in (b"<\x00", b"\x00<"):
        big_endian = head.startswith(codecs.BOM_UTF16_BE) or head[:1] == b"\x00"
        text = head[: len(head) // 2 * 2].decode("utf-16-be" if big_endian else "utf-16-le", errors="replace")
        if text.lstrip("\ufeff \t\r\n").startswith("<"):
            raise _unusual(name, "stores a part as UTF-16 text")
        return
    head = head.removeprefix(codecs.BOM_UTF8)
    position = 0
    while True:
        skipped = _PROLOG_SKIPPABLE.match(head, position)
        if skipped is None or skipped.end() == position:
            break
        position = skipped.end()
    rest = head[position : position + 9]
    if rest.upper().startswith(b"<!DOCTYPE"):
        raise _unusual(name, "contains XML with a document type declaration (DOCTYPE)")
    if len(head) >= XML_PROLOG_BYTES and (not rest or rest.startswith((b"<?", b"<!--"))):
        raise _unusual(name, "contains XML with an unusually long preamble")


# --- xlsx cell extent -------------------------------------------------------------------------
#
# calamine places an xlsx cell where the last r="C5" attribute of its tag says (or, without
# one, after the previous cell), then allocates a dense grid from the first to the farthest
# cell. So the farthest reference in every sheet part must be known before calamine sees the
# file. The fast path vouches for a part with numpy when every cell tag opens `<c r="A1"` and
# no tag has any other attribute named r; anything else (a cell without r, attributes in
# another order, odd spacing, a second r) goes to an exact, slower tokenizer.

_NAME_CHAR = np.zeros(256, dtype=bool)
_NAME_CHAR[list(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-:")] = True
_NAME_CHAR[128:] = True
# How far the fast scan reads either side of a position: a chunk's last bytes are checked
# with the next chunk, so no chunk is copied to pad it.
_LOOK = 32
_PAD = b" " * _LOOK
_SCAN_STRETCH = 2 * 1024 * 1024
# From 4 bytes before an r attribute: '<row r="' or '..<c r="', up to 3 letters, 8 digits, '"'
_KEY_WINDOW = 24
_LESS_C = int.from_bytes(b"<c", "little")
_COLON_C = int.from_bytes(b":c", "little")
_BEFORE_R = int.from_bytes(b"\x00r", "little")
_ROW_TAG = int.from_bytes(b"<row", "little")


class _CellExtentScan:
    """Streams a part's bytes; finish() gives (rows, columns) reached, or None to scan slowly."""

    def __init__(self) -> None:
        self.rows = 0
        self.columns = 0
        self.vouched = True
        # The last bytes seen: _LOOK bytes already checked (to look back on), then the rest.
        self._tail = _PAD
        self._unchecked = 0

    def feed(self, chunk: bytes) -> None:
        if not self.vouched:
            return
        if len(chunk) < 4 * _LOOK:
            buffer = self._tail + chunk
            begin = len(self._tail) - self._unchecked
            end = max(len(buffer) - _LOOK, begin)
            self._scan(buffer, begin, end)
            self._tail, self._unchecked = buffer[end - _LOOK :], len(buffer) - end
            return
        # Where the last chunk meets this one, then the rest of this one, a stretch at a time: the
        # scan passes over its bytes several times, faster while they are still in the CPU's cache.
        self._scan(self._tail + chunk[: 2 * _LOOK], len(self._tail) - self._unchecked, len(self._tail) + _LOOK)
        for begin in range(_LOOK, len(chunk) - _LOOK, _SCAN_STRETCH):
            self._scan(chunk, begin, min(begin + _SCAN_STRETCH, len(chunk) - _LOOK))
        self._tail, self._unchecked = chunk[-2 * _LOOK :], _LOOK

    def finish(self) -> tuple[int, int] | None:
        if self.vouched:
            self._scan(self._tail + _PAD, len(self._tail) - self._unchecked, len(self._tail))
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
    (which holds _LOOK bytes either side); None unless every cell tag there opens `<c r="A1"`
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
    return bool(_NAME_CHAR[np.frombuffer(buffer, dtype=np.uint8)[others + 2]].all())


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


# A tag runs to the first '>' outside quotes, as quick-xml reads it. Every alternative also
# accepts the end of the text and nothing backtracks, so damaged input costs linear time.
_TAG_REST = rb"((?:[^>\"']++|\"[^\"]*+(?:\"|\Z)|'[^']*+(?:'|\Z))*+)(?:>|\Z)"
_XML_TOKEN = re.compile(
    rb"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<\?.*?(?:\?>|\Z)|<!"
    + _TAG_REST
    + rb"|<(/?)([^\s<>/\"'=]*)"
    + _TAG_REST,
    re.S,
)
# An attribute's name starts after whitespace or a quote. calamine keeps the last r of a cell
# (the first of a row); every r that could be an attribute counts here, the farthest winning.
_R_ATTRIBUTE = re.compile(rb"(?<![^\s\"'])r\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_CELL_REFERENCE = re.compile(rb"([A-Za-z]{1,3})([0-9]{1,8})")


def _cell_extent_slow(name: str, text: bytes) -> tuple[int, int]:
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
                    raise _unusual(name, "has a row numbered in an unreadable way")
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
        raise _unusual(name, "has a cell addressed in an unreadable way")
    return int(parsed.group(2)) - 1, _column_number(parsed.group(1)) - 1


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


# --- ods extent -------------------------------------------------------------------------------
#
# calamine expands table:number-columns-repeated on value cells and table:number-rows-repeated
# on rows between the first and last rows holding a value, so ten bytes can ask for millions of
# cells. Trailing empty repeats (LibreOffice writes one to row 1,048,576) are not expanded.

_ODS_ROW = re.compile(rb"<table:table-row(?=[\s/>])" + _TAG_REST)
_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell(?=[\s/>])" + _TAG_REST)
_ODS_VALUE = re.compile(
    rb"(?:office:(?:value|value-type|string-value|date-value|time-value|boolean-value)"
    rb"|table:formula)\s*="
)
_ODS_ROWS_REPEATED = re.compile(rb"table:number-rows-repeated\s*=\s*[\"']\s*([0-9]+)")
_ODS_COLUMNS_REPEATED = re.compile(rb"table:number-columns-repeated\s*=\s*[\"']\s*([0-9]+)")


def _ods_extents(name: str, content: bytes) -> list[tuple[int, int]]:
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
    if int(cells.sum()) > _limit('MAX_CELLS'):
        raise InputError(
            f"the workbook stores {int(cells.sum()):,} cells, more than the {_limit('MAX_CELLS'):,} cells "
            "this service reads",
            file=name,
            advice=_MAKE_SMALLER,
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
        self._padded = text + _PAD
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
        return found[~_NAME_CHAR[self._octets[found + len(opening)]]]

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


# --- xls (OLE2) -------------------------------------------------------------------------------
#
# calamine reads every sheet of an xls when it opens it and sizes each sheet from its cell
# records (row and column are 16-bit, so a patched column reaches 65,535), its DIMENSIONS
# record and the string count of the SST record. Walk the records first.

_BIFF_EOF = 0x000A
_BIFF_FILEPASS = 0x002F
_BIFF_BOUNDSHEET = 0x0085
_BIFF_SST = 0x00FC
_BIFF_DIMENSIONS = 0x0200
_BIFF_MULRK = 0x00BD
# Number, Label, BoolErr, Rk, LabelSst, Formula: calamine places a cell at (row, column)
_BIFF_CELLS = np.array([0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x0006])
_RECORD_HEADER = struct.Struct("<HH")


def _check_ole2(name: str, data: bytes) -> None:
    # Excel keeps a password-protected xlsx inside an OLE2 file, as a stream of this name
    if _ENCRYPTED_PACKAGE in data:
        raise _password_protected(name)
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
        raise _damaged(name) from error
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
    _check_extents(name, extents)


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
            raise _password_protected(name)
        if kind == _BIFF_BOUNDSHEET and len(body) >= 4:
            position = struct.unpack_from("<I", body)[0]
            if position >= len(stream):
                raise _damaged(name)
            sheet_positions.append(position)
        # each string needs at least three bytes, so a larger count is a lie calamine would
        # believe when it reserves room for the strings
        if kind == _BIFF_SST and len(body) >= 8 and not 0 <= struct.unpack_from("<i", body, 4)[0] <= len(stream) // 3:
            raise _unusual(name, "declares more text entries than it could hold")
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
        if declared_rows * declared_columns > _limit('MAX_CELLS'):
            raise _too_many_cells(name, declared_rows, declared_columns)
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


# --- calamine ---------------------------------------------------------------------------------


def _read_with_calamine(name: str, data: bytes) -> list[RawSheet]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError as error:
        raise _password_protected(name) from error
    except Exception as error:  # calamine reports damage with several exception types
        raise _damaged(name) from error
    except BaseException as error:  # a Rust panic arrives as pyo3's PanicException
        if not _is_rust_panic(error):
            raise
        raise _damaged(name) from error
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
        if rows * columns > _limit('MAX_CELLS'):
            raise _too_many_cells(self.file, first_row + rows, columns, sheet)
        self.rows += rows
        self.cells += rows * columns
        if self.rows > _limit('MAX_ROWS') or self.cells > _limit('MAX_CELLS'):
            raise InputError(
                f"the workbook has {self.rows:,} rows and {self.cells:,} cells up to this sheet, more "
                f"than the {_limit('MAX_ROWS'):,} rows or {_limit('MAX_CELLS'):,} cells this service reads",
                file=self.file,
                sheet=sheet,
                advice=_MAKE_SMALLER,
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
        raise _password_protected(name) from error
    except BaseException as error:  # calamine's exceptions, or a Rust panic (pyo3's PanicException)
        if not isinstance(error, Exception) and not _is_rust_panic(error):
            raise
        raise InputError(
            "the sheet is damaged and could not be read", file=name, sheet=sheet_name, advice=_RESAVE_XLSX
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


# --- CSV --------------------------------------------------------------------------------------

_CONTROL_BYTES = bytes(set(range(32)) - set(b"\t\n\r\f\x1a"))
_MARKUP_START = re.compile(r"\s*<(?:!doctype\s+html|html|\?xml|table|head|body|!--)", re.I)
_EXCEL_SEPARATOR_LINE = re.compile(r"sep=(.)\r?\n")


def _read_csv(name: str, data: bytes, columnar: bool) -> list[RawSheet]:
    _check_is_text(name, data)
    if columnar and len(data) > COLUMNAR_CSV_BYTES:
        sheet = _read_csv_columns(name, data)
        if sheet is not None:
            return [sheet]
    text = _decode(data)
    if not text.strip():
        raise _empty(name)
    _check_not_markup(name, text)
    first_row, delimiter, text = _separator(text)
    rows = _parse_csv(name, text, delimiter, first_row)
    return [RawSheet(file=name, name="", rows=rows, first_row=first_row)]


def _check_not_markup(name: str, text: str) -> None:
    if _MARKUP_START.match(text[:1024]):
        raise InputError(
            "the file is a web page (HTML) or XML file, not a real spreadsheet, although Excel can open it",
            file=name,
            advice="Open it in Excel, choose File > Save As > Excel Workbook (.xlsx) and upload the new file.",
        )


def _separator(text: str) -> tuple[int, str, str]:
    """(the row number of the text's first record, its delimiter, the text from that record on)."""
    separator_line = _EXCEL_SEPARATOR_LINE.match(text)
    if separator_line:  # Excel honours a first line "sep=;" and does not show it
        return 2, separator_line.group(1), text[separator_line.end():]
    return 1, _sniff_delimiter(text), text


# A UTF-8 CSV larger than this is read column by column (pyarrow's parser, in C++ on every core) after
# its first records, which the csv module reads as rows so that headings are found as in any other file.
COLUMNAR_CSV_BYTES = 2 * 1024 * 1024
_HEAD_BYTES = 1024 * 1024
HEAD_RECORDS = 100
HEAD_FILLED_RECORDS = 40  # more than the heading search ever looks at


def _read_csv_columns(name: str, data: bytes) -> RawSheet | None:
    """A UTF-8 CSV as a head of rows and a body of text columns, or None when it is not that plain
    (another encoding, rows of differing lengths, a quote never closed, very long records): the
    csv module then reads it all, row by row, with its own messages."""

    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        prefix = codecs.getincrementaldecoder("utf-8")().decode(data[start:start + _HEAD_BYTES], final=False)
    except UnicodeDecodeError:
        return None
    if prefix.isspace():
        return None
    _check_not_markup(name, prefix)
    first_row, delimiter, head_text = _separator(prefix)
    buffer = io.StringIO(head_text, newline="")
    head: list[list[str | None]] = []
    filled = 0
    try:
        for row in csv.reader(buffer, delimiter=delimiter):
            head.append([cell if cell != "" else None for cell in row])
            filled += any(row)
            if len(head) >= HEAD_RECORDS and filled >= HEAD_FILLED_RECORDS:
                break
    except csv.Error:
        return None
    read_to = buffer.tell()
    if len(head) < HEAD_RECORDS or filled < HEAD_FILLED_RECORDS or read_to >= len(head_text):
        return None  # records too long for the head to be read from the prefix
    offset = start + len(prefix[: len(prefix) - len(head_text) + read_to].encode("utf-8"))
    end = len(data)
    while end > offset and data[end - 1] in b"\r\n":
        end -= 1
    width = len(next(csv.reader(io.StringIO(head_text[read_to:read_to + 65536], newline=""), delimiter=delimiter),
                     []))
    if end <= offset or not width:
        return None
    body = _arrow_body(memoryview(data)[offset:end], width, delimiter)
    if body is None:
        return None
    # An opening quote never closed swallows the rest of the file into one cell, silently.
    last_cell = body.column(width - 1)[body.num_rows - 1].as_py() if body.num_rows else ""
    if "\n" in last_cell and data[end - 1:end] != b'"':
        return None
    max_rows, max_cells = _limit("MAX_ROWS"), _limit("MAX_CELLS")
    if len(head) + body.num_rows > max_rows or sum(map(len, head)) + body.num_rows * width > max_cells:
        raise InputError(
            f"the file has more than {max_rows:,} rows or {max_cells:,} cells, more than this service reads",
            file=name,
            advice=_MAKE_SMALLER,
        )
    return RawSheet(file=name, name="", rows=head, first_row=first_row, body=body)


_SAMPLE_BYTES = 1024 * 1024
# A column with more distinct values than this share of a sample's rows (identifiers) is kept as text;
# the others are read as codes into their distinct values, in the parser's own threads.
MOSTLY_DISTINCT = 0.95  # a sample of salaries (72,000 in 1.6 million rows) is 0.9 distinct; IDs are 1.0


def _arrow_body(body: memoryview, width: int, delimiter: str) -> Any:
    """The records as a pyarrow Table of text columns ("" for an empty cell), or None if pyarrow cannot
    read them as a plain table of `width` columns."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{i}" for i in range(width)]

    def read(data: memoryview, types: dict[str, Any], newlines_in_values: bool) -> Any:
        return pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 22),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=newlines_in_values,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=False),
        )

    text = dict.fromkeys(names, pa.string())
    sample_end = bytes(body[:_SAMPLE_BYTES]).rfind(b"\n") + 1 if len(body) > _SAMPLE_BYTES else len(body)
    try:
        sample = read(body[:sample_end or len(body)], text, True)
    except (pa.ArrowInvalid, ValueError):
        return None
    coded = pa.dictionary(pa.int32(), pa.string())
    types = {name: text[name] if len(sample.column(name).unique()) > MOSTLY_DISTINCT * sample.num_rows else coded
             for name in names}
    # Without newlines in values the parser splits the file for its threads at any line end, and stops
    # ("out of sync") if one was inside quotes: then it reads again, the slower way.
    for newlines_in_values in (False, True):
        try:
            table = read(body, types, newlines_in_values)
        except (pa.ArrowInvalid, ValueError):
            continue
        return table.unify_dictionaries()
    return None


def _check_is_text(name: str, data: bytes) -> None:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return
    sample = data[:8192]
    if data.startswith(b"%PDF-"):
        raise InputError("the file is a PDF, not a spreadsheet or CSV file", file=name, advice=_SAVE_AS_SPREADSHEET)
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if b"\x00" in sample or control > len(sample) // 20:
        raise InputError("the file is not a spreadsheet or CSV file", file=name, advice=_SAVE_AS_SPREADSHEET)


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode Text"
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # what Excel's "CSV (Comma delimited)" writes on a UK machine: '£' is 0xA3
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _sniff_delimiter(text: str) -> str:
    sample = text[:SNIFF_SAMPLE_CHARS]
    if len(text) > SNIFF_SAMPLE_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = ","
    # A title line above the table misleads the sniffer: a tab-separated export under one comes back
    # as comma-separated, one cell a row. Its answer stands unless another delimiter splits more rows
    # into the same number of cells (or as many rows into more cells).
    in_step = {delimiter: _rows_in_step(sample, delimiter) for delimiter in _DELIMITERS}
    best = max(in_step, key=in_step.__getitem__)
    return best if in_step[best] > in_step.get(sniffed, (0, 0)) else sniffed


def _rows_in_step(sample: str, delimiter: str) -> tuple[int, int]:
    """How many rows of the sample the delimiter splits into the commonest number of cells (two or
    more), and that number."""
    try:
        widths = Counter(len(row) for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter))
    except csv.Error:
        return 0, 0
    return max(((count, width) for width, count in widths.items() if width > 1), default=(0, 0))


def _parse_csv(name: str, text: str, delimiter: str, first_row: int) -> list[list[str | None]]:
    rows: list[list[str | None]] = []
    cells = 0
    max_rows, max_cells = _limit("MAX_ROWS"), _limit("MAX_CELLS")  # once, not per row
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            rows.append([cell if cell != "" else None for cell in row])
            cells += len(row)
            if len(rows) > max_rows or cells > max_cells:
                raise InputError(
                    f"the file has more than {max_rows:,} rows or {max_cells:,} cells, more than this service reads",
                    file=name,
                    advice=_MAKE_SMALLER,
                )
    except csv.Error as error:
        raise _unclosed_quote(name, first_row + len(rows)) from error
    last = rows[-1] if rows else []
    # an opening quote never closed swallows the rest of the file into one cell, silently
    if last and last[-1] and "\n" in last[-1] and not text.rstrip().endswith('"'):
        raise _unclosed_quote(name, first_row + len(rows) - 1)
    return rows


def _unclosed_quote(name: str, row: int) -> InputError:
    return InputError(
        "a quotation mark is not closed, so the rest of the file reads as one cell",
        file=name,
        row=row,
        advice="Open the file in a text editor, fix the quotes on that row and upload it again.",
    )
