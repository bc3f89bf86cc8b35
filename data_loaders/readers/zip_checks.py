"""The checks on a zip workbook (xlsx, xlsm, ods) before calamine opens it.

The central directory is checked first (members, declared sizes, compression ratio); then every member is
inflated once, streamed and bounded, to check that it is no larger than declared, that no XML part has a
DOCTYPE, how far the cells of each sheet reach (readers.cell_extent, readers.ods), and that the shared
strings declare no more entries than they hold.
"""

from __future__ import annotations

import codecs
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator

from data_loaders.errors import InputError
from data_loaders.readers.cell_extent import CellExtentScan, cell_extent_slow
from data_loaders.readers.limits import check_extents, limit, part_too_large
from data_loaders.readers.messages import MAKE_SMALLER, damaged, password_protected, unusual
from data_loaders.readers.ods import ods_extents

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_ODS_MIMETYPES = (
    b"application/vnd.oasis.opendocument.spreadsheet",
    b"application/vnd.oasis.opendocument.spreadsheet-template",
)
_INFLATE_INPUT_BYTES = 1024 * 1024
_INFLATE_OUTPUT_BYTES = 8 * 1024 * 1024
# A DOCTYPE can only precede the root element; no spreadsheet writer puts more than a few
# hundred bytes before it, so a prolog longer than this is refused rather than read on.
XML_PROLOG_BYTES = 64 * 1024


def check_zip(name: str, data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, EOFError, OSError) as error:
        raise damaged(name) from error
    _check_zip_directory(name, members)
    _check_zip_is_workbook(name, archive)
    extents: list[tuple[int, int]] = []
    for member in members:
        extents.extend(_check_member(name, data, member))
    check_extents(name, extents)


def _check_zip_directory(name: str, members: list[zipfile.ZipInfo]) -> None:
    if len(members) > limit('MAX_ZIP_MEMBERS'):
        raise unusual(name, f"holds {len(members):,} internal parts")
    if sum(member.file_size for member in members) > limit('MAX_UNCOMPRESSED_BYTES'):
        raise InputError(
            f"the workbook expands to more than {limit('MAX_UNCOMPRESSED_BYTES') // 1024**3} GB when opened",
            file=name,
            advice=MAKE_SMALLER,
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > limit('RATIO_CHECKED_ABOVE_BYTES') and ratio > limit('MAX_COMPRESSION_RATIO'):
            raise unusual(name, f"has a part that expands to {ratio:,.0f} times its stored size")


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
        raise damaged(name) from error


def _check_member(name: str, data: bytes, member: zipfile.ZipInfo) -> list[tuple[int, int]]:
    """Inflate one member, bounded, checking as it streams; the cell extents its sheets reach.

    Every member is scanned for cells, pictures included: calamine finds sheets through the
    workbook's relationships, not by name, and skips text before a sheet's root element.
    """
    head = b""
    prolog_checked = False
    extent = CellExtentScan()
    ods_content = member.filename == "content.xml"
    shared_strings = _is_shared_strings(member.filename)
    whole: list[bytes] | None = [] if ods_content or shared_strings else None
    if whole is not None and member.file_size > limit('MAX_IN_MEMORY_SCAN_BYTES'):
        raise part_too_large(name, member.file_size)
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
        cells_reach = cell_extent_slow(name, _whole_member(name, data, member))
    extents = [cells_reach] if cells_reach != (0, 0) else []
    if whole is not None:
        text = b"".join(whole)
        if ods_content:
            extents.extend(ods_extents(name, text))
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
    most = min(len(text) // len(b"<si/>"), limit('MAX_CELLS'))
    for found in _UNIQUE_COUNT.finditer(text):
        declared = found.group(1) if found.group(1) is not None else found.group(2)
        if not declared.isdigit() or len(declared) > 12 or int(declared) > most:
            raise unusual(name, "declares more shared text entries than it holds")


def _whole_member(name: str, data: bytes, member: zipfile.ZipInfo) -> bytes:
    if member.file_size > limit('MAX_IN_MEMORY_SCAN_BYTES'):
        raise part_too_large(name, member.file_size)
    return b"".join(_inflate(name, data, member))


def _inflate(name: str, data: bytes, member: zipfile.ZipInfo) -> Iterator[bytes]:
    """A member's bytes, inflated by hand in bounded chunks.

    Not zipfile.open(): it stops at the size the directory declares, which would hide a member
    that inflates further, and calamine's reader does not stop there.
    """
    if member.flag_bits & 0x1:
        raise password_protected(name)
    start = member.header_offset
    header = data[start : start + 30]
    if len(header) < 30 or not header.startswith(ZIP_MAGIC):
        raise damaged(name)
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    begin = start + 30 + name_length + extra_length
    end = begin + member.compress_size
    if end > len(data):
        raise damaged(name, "it is shorter than its own index says; it may not have finished downloading")
    stored = memoryview(data)[begin:end]
    if member.compress_type == zipfile.ZIP_STORED:
        if member.compress_size != member.file_size:
            raise damaged(name)
        for offset in range(0, len(stored), _INFLATE_OUTPUT_BYTES):
            yield bytes(stored[offset : offset + _INFLATE_OUTPUT_BYTES])
        return
    if member.compress_type != zipfile.ZIP_DEFLATED:
        raise unusual(name, "uses a compression method other than Deflate")
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
                raise unusual(name, "has a part that expands beyond the size its index declares")
            if chunk:
                yield chunk
    except zlib.error as error:
        raise damaged(name) from error
    if not inflater.eof or produced != declared_size:
        raise damaged(name, "a part of it is cut short; it may not have finished downloading")


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
            raise unusual(name, "stores a part as UTF-16 text")
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
        raise unusual(name, "contains XML with a document type declaration (DOCTYPE)")
    if len(head) >= XML_PROLOG_BYTES and (not rest or rest.startswith((b"<?", b"<!--"))):
        raise unusual(name, "contains XML with an unusually long preamble")
