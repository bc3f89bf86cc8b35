"""Generated uploads, read end to end: each gives a result or a clear InputError naming the file.

Workbooks (openpyxl, in memory) and CSVs are made by hypothesis from the schemas' real headings
mixed with junk, ethnicity labels as people write them mixed with codes and junk, every kind of
cell value, title rows, blank rows and columns, several sheets, and the encodings and separators
Excel writes. Each case is read and analysed inside run_bounded, so a hang, a runaway allocation
or a crash in calamine fails the case instead of the test run. The examples are derandomised and
no database is kept: CI sees the same cases every time, and nothing is written into the repo.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import sys
import traceback
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from data_loaders import ethnicity
from data_loaders.errors import InputError
from data_loaders.guard import run_bounded
from data_loaders.schema import SCHEMAS, Column
from metrics.api import analyse, read_sources

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="run_bounded needs fork")

TIMEOUT_SECONDS = 30
MEMORY_BYTES = 3 * 1024**3 // 2
EXAMPLES = 250  # per test: about half a minute each on a 2-core machine
SETTINGS = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

Upload = tuple[str, bytes, str | None]


# --- in the child ---------------------------------------------------------------------------------------


def read_and_analyse(sources: list[Upload]) -> tuple[str, str]:
    """('ok', metrics computed) or ('defect', traceback): an InputError is raised as it comes."""
    try:
        analysis = analyse(read_sources(sources))
    except InputError:
        raise
    except Exception:  # the traceback, values and all, is for the test's failure message only
        return "defect", traceback.format_exc()
    return "ok", ",".join(sorted(analysis.results))


def check(sources: list[Upload]) -> None:
    try:
        outcome, detail = run_bounded(read_and_analyse, sources, timeout=TIMEOUT_SECONDS,
                                      memory_bytes=MEMORY_BYTES)
    except InputError as error:
        message = str(error)
        assert error.file is not None, f"run_bounded stopped the case (hang, memory or crash): {message}"
        assert message.strip()
        assert any(name in message for name, _, _ in sources), f"the message names no file: {message}"
        return
    assert outcome == "ok", detail


# --- cell values ------------------------------------------------------------------------------------------

# XML 1.0 cannot hold control characters or lone surrogates, so openpyxl refuses them.
_CHARACTERS = st.characters(blacklist_categories=("Cs", "Cc"))
_UNICODE = st.text(_CHARACTERS, max_size=40)
_JUNK = st.sampled_from([
    "", " ", "-", "?", "#N/A", "#REF!", "#VALUE!", "n/a", "TBC", "0", "NULL", "nan", "None", "Total", "Grand total",
    "Page 1 of 3", "* not published", "Source: HR system", "Ethnicity", "ethnic origin", "=", "'", '"', "\\",
    "Ｗｈｉｔｅ", "Blanc", "Weiß", "白人", "😀", "\u200b", "\ufeff", "\u00a0White\u00a0", "White\u2028British",
])
_FORMULAS = st.sampled_from([
    "=SUM(A1:A3)", "=1/0", "=A1", "=NA()", '=HYPERLINK("http://example.com","x")', "=TODAY()", "=+A2&B2",
    '=IF(A1="White","W","B")', "=-1", "=XFD1048576",
])
_LONG_TEXT = st.builds(lambda piece, times: (piece * times)[:100_000],
                       st.text(_CHARACTERS, min_size=1, max_size=10), st.integers(1_000, 100_000))
_DATES = st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 12, 31))
_DATETIMES = st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 12, 31))
_NUMBERS = st.one_of(
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.sampled_from([0, 1, -1, 0.5, 1e308, -1e-308, 2**31, 18_000.50, 123456789012345678]),
)
ANY_VALUE = st.one_of(
    st.none(), st.booleans(), _NUMBERS, _DATES, _DATETIMES, _UNICODE, _JUNK, _FORMULAS,
)

_CODED_LABELS = [f"{code} {category.split(': ')[-1]}" for code, category in ethnicity.NHS_CODES.items()]
_LABELS = sorted({
    *ethnicity.CENSUS_2021_CATEGORIES,
    *(spelling for spellings in ethnicity.CATEGORY_NAMES.values() for spelling in spellings),
    *(spelling for spellings in ethnicity.HIGH_LEVEL_NAMES.values() for spelling in spellings),
    *ethnicity.NOT_STATED_NAMES, *ethnicity.WHITE_MINORITY_NAMES,
    *ethnicity.NHS_CODES, *ethnicity.NHS_EXTENDED_CODES, *_CODED_LABELS,
    "A White - British", "M Black or Black British - Caribbean", "Z Not Stated", "White - Turkish",
    "White and Black Somali", "Asian or Asian British - Any other Asian background", "BME", "BAME",
})
ETHNICITY = st.one_of(
    st.sampled_from(_LABELS),
    st.sampled_from(_LABELS).map(str.upper),
    st.sampled_from(_LABELS).map(lambda label: f"  {label.lower()} "),
    st.sampled_from(_LABELS).map(lambda label: label.replace(" ", "_")),
    st.sampled_from(list(ethnicity.NHS_CODES)).map(lambda code: int(code) if code.isdigit() else code),
    _JUNK, _UNICODE, st.none(),
)
_BY_KIND: dict[str, st.SearchStrategy[Any]] = {
    "id": st.one_of(st.integers(1, 10**9), st.from_regex(r"[A-Z]{0,2}\d{1,8}", fullmatch=True)),
    "ethnicity": ETHNICITY,
    "money": st.one_of(_NUMBERS, st.from_regex(r"£?\d{1,3}(,\d{3})*(\.\d\d)?k?", fullmatch=True)),
    "date": st.one_of(_DATES, _DATETIMES, st.integers(-100, 80_000),
                      _DATES.map(lambda day: day.strftime("%d/%m/%Y")),
                      _DATES.map(lambda day: day.strftime("%d %B %y")), _DATES.map(dt.date.isoformat)),
    "flag": st.sampled_from(["Y", "N", "Yes", "no", "TRUE", "False", True, False, 1, 0, "x", "", "Y/N", "Maybe"]),
    "service": st.sampled_from(["Adults", "Children's", "Adult Social Care", "Childrens Services", "Both", "ASC"]),
    "outcome": st.sampled_from(["Appointed", "Shortlisted", "Rejected", "Withdrawn", "Not shortlisted",
                                "Offer made", "Interviewed - unsuccessful", "Pending"]),
    "text": _UNICODE,
}


def column_values(kind: str) -> st.SearchStrategy[Any]:
    typed = _BY_KIND[kind]
    return st.one_of(typed, typed, typed, st.none(), ANY_VALUE)  # mostly the column's kind


# --- headings ---------------------------------------------------------------------------------------------

_ALL_COLUMNS: list[Column] = [column for schema in SCHEMAS.values() for column in schema.columns]
_REAL_HEADINGS = sorted({heading for column in _ALL_COLUMNS for heading in column.headings})
HEADING = st.one_of(
    st.sampled_from(_REAL_HEADINGS),
    st.sampled_from(_REAL_HEADINGS).map(str.title),
    st.sampled_from(_REAL_HEADINGS).map(lambda heading: heading.upper().replace(" ", "_") + " "),
    st.sampled_from(_REAL_HEADINGS).map(lambda heading: f"{heading} (Y/N)"),
    _JUNK, _UNICODE, st.none(), _NUMBERS,
)


def one_in(draw: st.DrawFn, times: int) -> bool:
    # Not st.integers(0, n) == 0: hypothesis draws the bounds of a range far more often than 1 in n. The
    # last choice, not the first: hypothesis starts from (and shrinks towards) the first.
    return draw(st.sampled_from(range(times))) == times - 1


@st.composite
def table(draw: st.DrawFn) -> tuple[str | None, list[Any], list[list[Any]]]:
    """The dataset meant, a heading row and rows under it: mostly a dataset's columns (its required ones
    and some others, headed as exports head them, now and then not), otherwise any headings and values."""
    if not one_in(draw, 5):
        schema = SCHEMAS[draw(st.sampled_from(sorted(SCHEMAS)))]
        required = [schema.column(draw(st.sampled_from(group))) for group in schema.required]
        others = draw(st.lists(st.sampled_from(schema.columns), min_size=1, max_size=len(schema.columns)))
        columns = draw(st.permutations(list({column.name: column for column in [*required, *others]}.values())))
        headings = [draw(st.one_of(*[st.sampled_from(column.headings)] * 3,
                                   st.sampled_from(column.headings).map(str.title),
                                   st.sampled_from(column.headings).map(str.upper), HEADING)) for column in columns]
        kinds = [column.kind for column in columns]
        dataset: str | None = schema.name
    else:
        headings = draw(st.lists(HEADING, min_size=1, max_size=8))
        kinds = [draw(st.sampled_from(sorted(_BY_KIND))) for _ in headings]
        dataset = None
    rows = draw(st.lists(st.tuples(*(column_values(kind) for kind in kinds)).map(list), max_size=30))
    return dataset, headings, rows


@st.composite
def sheet_rows(draw: st.DrawFn) -> tuple[str | None, list[list[Any]], list[int]]:
    """The dataset meant, the sheet's rows (title rows, a table, blank rows and columns, a long cell) and
    which rows are titles."""
    dataset, headings, rows = draw(table())
    width = len(headings)
    for _ in range(draw(st.integers(0, 2))):  # blank columns, anywhere
        position = draw(st.integers(0, width))
        headings.insert(position, None)
        for row in rows:
            row.insert(position, None)
        width += 1
    body = [headings, *rows]
    for _ in range(draw(st.integers(0, 3))):  # blank rows, anywhere below the headings
        body.insert(draw(st.integers(1, len(body))), [])
    if body[1:] and one_in(draw, 5):  # a very long string in one cell
        row = draw(st.integers(1, len(body) - 1))
        body[row] = [*body[row], draw(_LONG_TEXT)]
    titles = [[draw(st.one_of(_UNICODE, _JUNK, st.just("Wexcombe Borough Council: staff in post at 31/03/2026")))]
              for _ in range(draw(st.integers(0, 3)))]
    spacer = [[]] * draw(st.integers(0, 2))
    return dataset, [*titles, *spacer, *body], list(range(len(titles)))


_NEUTRAL_NAMES = ["Sheet1", "Data", "Export", "Report 2026", "Query1", "Données", "職員", "ethnicity ✓"]
_ANY_NAMES = [*_NEUTRAL_NAMES, *(name for schema in SCHEMAS.values() for name in schema.sheet_names),
              "Notes", "Read me", "Summary", "Pivot", "Lookups", "Staff (2)", "Leavers Q1-Q4"]


def named(dataset: str | None) -> st.SearchStrategy[str]:
    """A sheet or file name: mostly one that names the dataset meant, or none; now and then any name."""
    own = [st.sampled_from(SCHEMAS[dataset].sheet_names)] * 2 if dataset else []
    return st.one_of(*own, st.sampled_from(_NEUTRAL_NAMES), st.sampled_from(_ANY_NAMES))


@st.composite
def workbook(draw: st.DrawFn) -> tuple[bytes, str | None]:
    book = Workbook()
    book.remove(book.active)
    datasets = []
    for _ in range(draw(st.sampled_from([1, 1, 2, 3]))):
        dataset, rows, titles = draw(sheet_rows())
        datasets.append(dataset)
        name = draw(named(dataset))
        sheet = book.create_sheet(name if name not in book.sheetnames else f"{name} ({len(book.sheetnames)})")
        for row in rows:
            sheet.append(row)
        for title in titles:
            if draw(st.booleans()):
                sheet.merge_cells(start_row=title + 1, start_column=1, end_row=title + 1,
                                  end_column=draw(st.integers(2, 8)))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), datasets[0]


def as_csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


@st.composite
def csv_file(draw: st.DrawFn) -> tuple[bytes, str | None]:
    dataset, rows, _ = draw(sheet_rows())
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    buffer = io.StringIO()
    if one_in(draw, 6):
        buffer.write(f"sep={delimiter}\n")  # Excel's separator line
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\r\n", "\n"])),
                        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])))
    writer.writerows([as_csv_text(value) for value in row] for row in rows)
    text = buffer.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-be-bom"]))
    if encoding == "utf-16-be-bom":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be"), dataset
    return text.encode(encoding, errors="replace"), dataset


@st.composite
def uploads(draw: st.DrawFn, make: st.SearchStrategy[tuple[bytes, str | None]], suffix: str) -> list[Upload]:
    """One or two files (a staff export beside an events file exercises the joins), each named apart,
    mostly without saying which dataset each holds (the app's default), sometimes saying, rightly or not."""
    sources: list[Upload] = []
    for number in range(draw(st.sampled_from([1, 1, 2]))):
        data, dataset = draw(make)
        stem = draw(named(dataset))
        said = draw(st.one_of(*[st.none()] * 3, st.just(dataset), st.sampled_from(sorted(SCHEMAS))))
        sources.append((f"{stem} {number + 1}{suffix}" if number else f"{stem}{suffix}", data, said))
    return sources


@settings(SETTINGS, max_examples=EXAMPLES)
@given(uploads(workbook(), ".xlsx"))
def test_generated_workbooks_give_a_result_or_a_clear_message(sources):
    check(sources)


@settings(SETTINGS, max_examples=EXAMPLES)
@given(uploads(csv_file(), ".csv"))
def test_generated_csvs_give_a_result_or_a_clear_message(sources):
    check(sources)
