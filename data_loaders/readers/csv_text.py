"""A CSV file's records: its encoding and delimiter found from the text, a large one read with pyarrow."""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import sys
from collections import Counter
from typing import Any

from data_loaders.errors import InputError
from data_loaders.readers.limits import limit
from data_loaders.readers.messages import MAKE_SMALLER, SAVE_AS_SPREADSHEET, empty_file
from data_loaders.report import RawSheet

SNIFF_SAMPLE_CHARS = 4096  # csv.Sniffer is quadratic on some inputs: keep its sample small
_DELIMITERS = ",;\t|"

# A large CSV is read with pyarrow (below). Arrow's default allocator here, mimalloc, was measured on
# the national-scale CSVs (benchmarks) to take 1.0 to 1.6 s from run to run where the system's malloc
# took 1.05 s every time, with 5% less memory at the peak. Arrow reads this variable once, when pyarrow is
# first imported: a process that has imported it already keeps its allocator, and a deployment that sets
# the variable itself keeps its choice.
if "pyarrow" not in sys.modules:
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

_CONTROL_BYTES = bytes(set(range(32)) - set(b"\t\n\r\f\x1a"))
_MARKUP_START = re.compile(r"\s*<(?:!doctype\s+html|html|\?xml|table|head|body|!--)", re.I)
_EXCEL_SEPARATOR_LINE = re.compile(r"sep=(.)\r?\n")


def read_csv(name: str, data: bytes, columnar: bool) -> list[RawSheet]:
    _check_is_text(name, data)
    if columnar and len(data) > COLUMNAR_CSV_BYTES:
        sheet = _read_csv_columns(name, data)
        if sheet is not None:
            return [sheet]
    text = _decode(data)
    if not text.strip():
        raise empty_file(name)
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
    max_rows, max_cells = limit("MAX_ROWS"), limit("MAX_CELLS")
    if len(head) + body.num_rows > max_rows or sum(map(len, head)) + body.num_rows * width > max_cells:
        raise InputError(
            f"the file has more than {max_rows:,} rows or {max_cells:,} cells, more than this service reads",
            file=name,
            advice=MAKE_SMALLER,
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
        raise InputError("the file is a PDF, not a spreadsheet or CSV file", file=name, advice=SAVE_AS_SPREADSHEET)
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if b"\x00" in sample or control > len(sample) // 20:
        raise InputError("the file is not a spreadsheet or CSV file", file=name, advice=SAVE_AS_SPREADSHEET)


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
    max_rows, max_cells = limit("MAX_ROWS"), limit("MAX_CELLS")  # once, not per row
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            rows.append([cell if cell != "" else None for cell in row])
            cells += len(row)
            if len(rows) > max_rows or cells > max_cells:
                raise InputError(
                    f"the file has more than {max_rows:,} rows or {max_cells:,} cells, more than this service reads",
                    file=name,
                    advice=MAKE_SMALLER,
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
