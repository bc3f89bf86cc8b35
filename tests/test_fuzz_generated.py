"""Generated uploads, read end to end: each gives a result or a clear InputError naming the file.

Workbooks (openpyxl, in memory) and CSVs are made from specifications hypothesis draws: the
schemas' real headings mixed with junk, ethnicity labels as people write them mixed with codes and
junk, every kind of cell value, title rows (merged or not), blank rows and columns, several sheets,
and the encodings and separators Excel writes. Each case is read and analysed inside run_bounded,
so a hang, a runaway allocation or a crash in calamine fails the case instead of the test run.

Repeatable: the examples are derandomised and no example database is kept (nothing is written into
the repo). Not shrunk: a failing case is reported as drawn, as a readable specification (the bytes
are built from it in the test), because shrinking cases that each read and analyse files in a child
takes many minutes. To shrink one locally, add Phase.shrink to PHASES.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import sys
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, get_args

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from data_loaders import ethnicity
from data_loaders.errors import InputError
from data_loaders.guard import run_bounded
from data_loaders.schema import SCHEMAS, Column
from data_loaders.source import Source
from pipeline.api import analyse, read_sources

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="run_bounded needs fork")

TIMEOUT_SECONDS = 30
MEMORY_BYTES = 3 * 1024**3 // 2
# Per test: 150 take about 20 s on a 2-core machine, within make test's 15 minutes; set WRES_FUZZ_EXAMPLES for a
# longer hunt (the examples are derandomised, so more examples are more cases, never other ones).
EXAMPLES = int(os.environ.get("WRES_FUZZ_EXAMPLES", "150"))
PHASES = (Phase.explicit, Phase.generate)
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=PHASES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

# Defects found by this file outside data_loaders/, reported and not yet fixed, each as the parts of its
# traceback that identify it. A case meeting one is counted with a warning, not failed, so the run goes on
# to find others. Delete the entry when the fix lands (its pinned test below, an xfail, will say so).
KNOWN_DEFECTS: tuple[tuple[str, ...], ...] = ()


class KnownDefectWarning(UserWarning):
    pass


# --- what a case is --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Long:
    """A cell of `length` characters, `piece` repeated: drawn and printed short, built long."""

    piece: str
    length: int

    def text(self) -> str:
        return (self.piece * (self.length // len(self.piece) + 1))[: self.length]


@dataclass
class SheetSpec:
    name: str
    rows: list[list[Any]]
    merged: list[tuple[int, int]] = field(default_factory=list)  # (row, last column), 1-based


@dataclass
class CsvSpec:
    rows: list[list[Any]]
    delimiter: str
    encoding: str
    line_end: str
    quote_all: bool
    separator_line: bool


@dataclass
class FileSpec:
    name: str
    content: list[SheetSpec] | CsvSpec
    said: str | None  # the dataset the person chose, or None (the app's default: worked out)


def workbook_bytes(sheets: list[SheetSpec]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        sheet = book.create_sheet(spec.name)
        for row in spec.rows:
            sheet.append([value.text() if isinstance(value, Long) else value for value in row])
        for row, last_column in spec.merged:
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_column)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Long):
        return value.text()
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def csv_bytes(spec: CsvSpec) -> bytes:
    buffer = io.StringIO()
    if spec.separator_line:
        buffer.write(f"sep={spec.delimiter}\n")  # Excel honours it and hides it
    writer = csv.writer(buffer, delimiter=spec.delimiter, lineterminator=spec.line_end,
                        quoting=csv.QUOTE_ALL if spec.quote_all else csv.QUOTE_MINIMAL)
    writer.writerows([csv_text(value) for value in row] for row in spec.rows)
    text = buffer.getvalue()
    if spec.encoding == "utf-16-be with BOM":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return text.encode(spec.encoding, errors="replace")  # cp1252 cannot hold every character: '?' then


def built(files: list[FileSpec]) -> list[Source]:
    return [Source(spec.name,
                   csv_bytes(spec.content) if isinstance(spec.content, CsvSpec) else workbook_bytes(spec.content),
                   spec.said) for spec in files]


# --- in the child ---------------------------------------------------------------------------------------


def read_and_analyse(sources: list[Source]) -> tuple[str, str]:
    """('ok', metrics computed) or ('defect', traceback); an InputError is raised as it comes."""
    try:
        analysis = analyse(read_sources(sources))
    except InputError:
        raise
    except Exception:  # the traceback, values and all, is for the test's failure message only
        return "defect", traceback.format_exc()
    return "ok", ",".join(sorted(analysis.results))


def check(files: list[FileSpec]) -> None:
    sources = built(files)
    try:
        outcome, detail = run_bounded(read_and_analyse, sources, timeout=TIMEOUT_SECONDS, memory_bytes=MEMORY_BYTES)
    except InputError as error:
        message = str(error)
        assert error.file is not None, f"run_bounded stopped the case (a hang, memory or a crash): {message}"
        assert message.strip()
        assert any(source.name in message for source in sources), f"the message names no file: {message}"
        return
    if outcome == "defect" and any(all(part in detail for part in defect) for defect in KNOWN_DEFECTS):
        warnings.warn(f"known defect met: {detail.strip().splitlines()[-1]}", KnownDefectWarning, stacklevel=2)
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
_LONG_TEXT = st.builds(lambda piece, length: Long(piece, length),
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
    # mostly from a small pool, so that events and staff share people and the joins match
    "id": st.one_of(*[st.sampled_from([*range(1, 21), *(f"E{n:05d}" for n in range(1, 21))])] * 3,
                    st.integers(1, 10**9), st.from_regex(r"[A-Z]{0,2}\d{1,8}", fullmatch=True)),
    "ethnicity": ETHNICITY,
    "money": st.one_of(_NUMBERS, st.from_regex(r"£?\d{1,3}(,\d{3})*(\.\d\d)?k?", fullmatch=True)),
    "date": st.one_of(_DATES, _DATETIMES, st.integers(-100, 80_000),
                      _DATES.map(lambda day: day.strftime("%d/%m/%Y")),
                      _DATES.map(lambda day: day.strftime("%d %B %y")), _DATES.map(dt.date.isoformat)),
    "flag": st.sampled_from(["Y", "N", "Yes", "no", "TRUE", "False", True, False, 1, 0, "x", "", "Y/N", "Maybe"]),
    "opinion": st.sampled_from(["Yes", "No", "Don't know", "not sure", "", "Prefer not to say", 1, 0, "Maybe"]),
    "satisfaction": st.sampled_from(["Very satisfied", "Satisfied", "Neither satisfied nor dissatisfied",
                                     "Dissatisfied", "very dissatisfied", "", "Prefer not to say", 4, "Yes"]),
    "adjustments": st.sampled_from(["Yes", "No", "No adjustment required", "Not applicable", "", "Prefer not to say",
                                    "N/A", 1, "Maybe"]),
    "score": st.one_of(st.floats(-5, 15), st.just(float("nan")), st.integers(-3, 12),
                       st.sampled_from(["7.2", "6,5", "", "n/a", "ten"])),
    "executive": st.sampled_from(["Executive", "Non-executive", "Executive Director of Finance", "NED", "Chair", "Y",
                                  "No", "", "Observer"]),
    "voting": st.sampled_from(["Voting", "Non-voting", "Yes", "N", "In attendance", "", "Associate", "Maybe"]),
    "service": st.sampled_from(["Adults", "Children's", "Adult Social Care", "Childrens Services", "Both", "ASC"]),
    "outcome": st.sampled_from(["Appointed", "Shortlisted", "Rejected", "Withdrawn", "Not shortlisted",
                                "Offer made", "Interviewed - unsuccessful", "Pending"]),
    "text": _UNICODE,
}


def test_every_kind_of_column_has_values_generated_for_it():
    from data_loaders.schema import ColumnKind

    assert set(_BY_KIND) == set(get_args(ColumnKind))


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


# --- how a case is drawn ----------------------------------------------------------------------------------


def one_in(draw: st.DrawFn, times: int) -> bool:
    # Not st.integers(0, n) == 0: hypothesis draws the bounds of a range far more often than 1 in n. The
    # last choice, not the first: hypothesis starts from the first.
    return draw(st.sampled_from(range(times))) == times - 1


@st.composite
def table(draw: st.DrawFn, meant: str | None = None) -> tuple[str | None, list[Any], list[list[Any]]]:
    """The dataset meant, a heading row and rows under it: mostly a dataset's columns (its required ones
    and some others, headed as exports head them, a third of the time with junk among them), otherwise
    any headings over any values. `meant`: that dataset's columns."""
    if meant or not one_in(draw, 5):
        schema = SCHEMAS[meant or draw(st.sampled_from(sorted(SCHEMAS)))]
        required = [schema.column(draw(st.sampled_from(group))) for group in schema.required]
        others = draw(st.lists(st.sampled_from(schema.columns), min_size=1, max_size=len(schema.columns)))
        # nearly every export has the person's ethnicity, even where an employee ID would do
        usual = [schema.column("ethnicity")] if not one_in(draw, 5) else []
        columns = draw(st.permutations(list({c.name: c for c in [*usual, *required, *others]}.values())))
        as_written = [st.sampled_from(column.headings) for column in columns]
        messy = one_in(draw, 3)  # some headings junk; otherwise each as some export writes it
        headings = [draw(st.one_of(written, written.map(str.title), written.map(str.upper), *[HEADING] * messy))
                    for written in as_written]
        kinds = [column.kind for column in columns]
        dataset: str | None = schema.name
    else:
        headings = draw(st.lists(HEADING, min_size=1, max_size=8))
        kinds = [draw(st.sampled_from(sorted(_BY_KIND))) for _ in headings]
        dataset = None
    rows = draw(st.lists(st.tuples(*(column_values(kind) for kind in kinds)).map(list),
                         min_size=0 if one_in(draw, 10) else 1, max_size=30))
    return dataset, headings, rows


@st.composite
def sheet_rows(draw: st.DrawFn, meant: str | None = None) -> tuple[str | None, list[list[Any]], list[tuple[int, int]]]:
    """The dataset meant, a sheet's rows (title rows, a table, blank rows and columns, a long cell) and
    the title rows merged across."""
    dataset, headings, rows = draw(table(meant))
    width = len(headings)
    for _ in range(draw(st.sampled_from([0, 0, 1, 2]))):  # blank columns, anywhere
        position = draw(st.integers(0, width))
        headings.insert(position, None)
        for row in rows:
            row.insert(position, None)
        width += 1
    body = [headings, *rows]
    for _ in range(draw(st.sampled_from([0, 0, 1, 3]))):  # blank rows, anywhere below the headings
        body.insert(draw(st.integers(1, len(body))), [])
    if body[1:] and one_in(draw, 5):
        row = draw(st.integers(1, len(body) - 1))
        body[row] = [*body[row], draw(_LONG_TEXT)]
    titles = [[draw(st.one_of(_UNICODE, _JUNK, st.just("Wexcombe Borough Council: staff in post at 31/03/2026")))]
              for _ in range(draw(st.sampled_from([0, 0, 1, 2, 3])))]
    merged = [(row + 1, draw(st.integers(2, 8))) for row in range(len(titles)) if draw(st.booleans())]
    spacer: list[list[Any]] = [[] for _ in range(draw(st.sampled_from([0, 0, 1, 2])))]
    return dataset, [*titles, *spacer, *body], merged


_NEUTRAL_NAMES = ["Sheet1", "Data", "Export", "Report 2026", "Query1", "Données", "職員", "ethnicity ✓"]
_ANY_NAMES = [*_NEUTRAL_NAMES, *(name for schema in SCHEMAS.values() for name in schema.sheet_names),
              "Notes", "Read me", "Summary", "Pivot", "Lookups", "Staff (2)", "Leavers Q1-Q4"]


def named(dataset: str | None) -> st.SearchStrategy[str]:
    """A sheet or file name: mostly one that names the dataset meant, or none; now and then any name."""
    own = [st.sampled_from(SCHEMAS[dataset].sheet_names)] * 2 if dataset else []
    return st.one_of(*own, st.sampled_from(_NEUTRAL_NAMES), st.sampled_from(_ANY_NAMES))


@st.composite
def workbook(draw: st.DrawFn, meant: str | None = None) -> tuple[list[SheetSpec], str | None]:
    sheets: list[SheetSpec] = []
    datasets = []
    for number in range(draw(st.sampled_from([1, 1, 2, 3]))):
        dataset, rows, merged = draw(sheet_rows(None if number else meant))
        datasets.append(dataset)
        name = draw(named(dataset))
        if name in {sheet.name for sheet in sheets}:
            name = f"{name[:26]} ({len(sheets) + 1})"
        sheets.append(SheetSpec(name[:31], rows, merged))  # Excel's limit on a sheet name
    return sheets, datasets[0]


@st.composite
def csv_file(draw: st.DrawFn, meant: str | None = None) -> tuple[CsvSpec, str | None]:
    dataset, rows, _ = draw(sheet_rows(meant))
    return CsvSpec(
        rows,
        delimiter=draw(st.sampled_from([",", ";", "\t"])),
        encoding=draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-be with BOM"])),
        line_end=draw(st.sampled_from(["\r\n", "\n"])),
        quote_all=draw(st.booleans()),
        separator_line=one_in(draw, 6),
    ), dataset


@st.composite
def uploads(draw: st.DrawFn, make: Callable[[str | None], st.SearchStrategy[tuple[Any, str | None]]],
            suffix: str) -> list[FileSpec]:
    """One file, or a staff export and another (events joined to staff by employee ID), each named apart,
    mostly without saying which dataset each holds (the app's default), sometimes saying, rightly or not."""
    files: list[FileSpec] = []
    count = draw(st.sampled_from([1, 1, 2]))
    for number in range(count):
        content, dataset = draw(make("staff" if count == 2 and number == 0 else None))
        stem = draw(named(dataset))
        said = draw(st.one_of(*[st.none()] * 3, st.just(dataset), st.sampled_from(sorted(SCHEMAS))))
        files.append(FileSpec(f"{stem} {number + 1}{suffix}" if number else f"{stem}{suffix}", content, said))
    return files


@SETTINGS
@given(uploads(workbook, ".xlsx"))
def test_generated_workbooks_give_a_result_or_a_clear_message(files):
    check(files)


@SETTINGS
@given(uploads(csv_file, ".csv"))
def test_generated_csvs_give_a_result_or_a_clear_message(files):
    check(files)


# --- what the generated cases found, pinned ---------------------------------------------------------------

TITLED_TAB_EXPORT = (  # Excel's "Unicode Text": UTF-16, tab-separated; a title line above the table
    "Wexcombe Borough Council: staff in post at 31/03/2026\r\n\r\nEmployee ID\tEthnicity\tGrade\r\n"
    "1\tWhite - Irish\t3\r\n2\tIndian\t4\r\n3\tNot stated\t5\r\n"
).encode("utf-16")
TITLED_SEMICOLON_EXPORT = (  # a title with a comma, and commas in every salary
    b"Wexcombe, staff in post\nEmployee ID;Ethnicity;Salary\n1;White;23,456.00\n2;Indian;31,000.50\n"
)


@pytest.mark.parametrize(("name", "data", "ethnicity", "third"), [
    ("staff.txt", TITLED_TAB_EXPORT, ["White - Irish", "Indian", "Not stated"], ("pay_band", ["3", "4", "5"])),
    ("staff.csv", TITLED_SEMICOLON_EXPORT, ["White", "Indian"], ("salary", [23456.0, 31000.5])),
])
def test_a_table_under_a_title_line_is_split_on_its_own_delimiter(name, data, ethnicity, third):
    staff = read_sources([Source(name, data, None)]).loaded.datasets["staff"]
    assert list(staff["ethnicity"]) == ethnicity
    column, values = third
    assert list(staff[column]) == values


def test_leavers_missing_from_the_staff_snapshot_are_counted_as_unknown():
    # the usual shape: the snapshot lists people in post, so no leaver is in it, and the leavers file has no
    # ethnicity column of its own
    staff = b"Employee ID,Ethnicity,Grade\n1,White,3\n2,Indian,4\n"
    leavers = b"Employee ID,Leaving Date,Reason\n7,30/06/2025,Resigned\n8,31/01/2026,Retired\n"
    analysis = analyse(read_sources([Source("staff.csv", staff, None), Source("leavers.csv", leavers, None)]))
    counts = analysis.figures.counts
    leaving = counts[counts["metric"] == "M8"].set_index("group")["events"]
    assert leaving.to_dict() == {"white": 0, "bme": 0, "unknown": 2}
