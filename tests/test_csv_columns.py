"""A large CSV is read column by column (pyarrow) after its first records; everything it gives must be
what the row-by-row reading gives: the same frames, the same rows skipped for the same reasons, the same
notes and the same errors."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data_loaders import readers, tables
from data_loaders.errors import InputError
from data_loaders.load import load_sheets
from data_loaders.readers import csv_text, limits


def _both(data: bytes, monkeypatch: pytest.MonkeyPatch, name: str = "staff.csv"):
    """(columnar sheets, their load; row-by-row sheets, their load), errors as their messages."""
    def run():
        try:
            sheets = readers.read_workbook(name, data, columnar=True)
        except InputError as error:
            return None, f"read: {error}"
        try:
            return sheets, load_sheets(sheets)
        except InputError as error:
            return sheets, f"load: {error}"

    with monkeypatch.context() as patch:
        patch.setattr(csv_text, "COLUMNAR_CSV_BYTES", 0)
        patch.setattr(csv_text, "_SAMPLE_BYTES", 300)
        patch.setattr(tables, "_BULK_ABOVE", 0)  # every coded column's distinct values tested by pyarrow too
        columnar = run()
    with monkeypatch.context() as patch:
        patch.setattr(csv_text, "COLUMNAR_CSV_BYTES", 1 << 40)
        rows = run()
    return columnar, rows


def _assert_same(columnar, rows) -> None:
    (_, got), (_, expected) = columnar, rows
    if isinstance(expected, str) or isinstance(got, str):
        assert got == expected
        return
    assert got.datasets.keys() == expected.datasets.keys()
    for dataset, frame in expected.datasets.items():
        pd.testing.assert_frame_equal(got.datasets[dataset], frame)
    assert [vars(r) for r in got.sheets] == [vars(r) for r in expected.sheets]
    assert got.warnings == expected.warnings


HEADINGS = ["Employee No", "Ethnic Origin", "Grade", "Annual Salary", "Service Area", "Leaving Date"]
LABELS = ["A White - British", "N Black or Black British - African", "H Asian or Asian British - Indian",
          "Z Not Stated", "", "  White British ", "Mixed, White and Asian", "British"]


def _staff_csv(rows: int, seed: int, *, extra: list[list[str]] | None = None, ids: str = "numbers") -> bytes:
    rng = random.Random(seed)
    lines = [["Wexcombe Council: staff in post"], ["As at 31/03/2026", ""], [], HEADINGS]
    for n in range(rows):
        person = f"E{n:06d}" if ids == "letters" else str(100000 + n)
        lines.append([person, rng.choice(LABELS), f"Grade {rng.randint(1, 9)}", str(rng.randint(18000, 60000)),
                      rng.choice(["Adult Social Care", "Children's Services", " ASC "]),
                      rng.choice(["", "", "", "30/09/2025"])])
    lines += extra or []
    out = []
    for line in lines:
        out.append(",".join(f'"{cell}"' if ("," in cell or '"' in cell or "\n" in cell) else cell for cell in line))
    return ("\r\n".join(out) + "\r\n").encode("utf-8")


def test_the_head_reaches_past_every_heading_search() -> None:
    assert csv_text.HEAD_FILLED_RECORDS > tables.HEADER_SEARCH_ROWS


def test_a_large_export_is_read_column_by_column_with_identical_results(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _staff_csv(600, 1)
    columnar, rows = _both(data, monkeypatch)
    assert columnar[0][0].body is not None and rows[0][0].body is None
    assert columnar[0][0].body.num_rows == 604 - len(columnar[0][0].rows)
    _assert_same(columnar, rows)
    frame = columnar[1].datasets["staff"]
    assert len(frame) == 600
    assert frame["ethnicity"].dtype == "category" and frame["employee_id"].dtype == "string"
    assert set(frame["service"].dropna()) == {"Adults", "Children's"}


def test_totals_page_titles_repeated_headings_and_notes_inside_the_body(monkeypatch: pytest.MonkeyPatch) -> None:
    # The IDs are text with letters, so the tests on the first cell run on the text column itself. Every row
    # has every comma, as Excel writes a CSV.
    middle = [["Page 2 of 3", "", "", "", "", ""], HEADINGS, ["Wexcombe Council: staff in post", "", "", "", "", ""]]
    data = _staff_csv(300, 2, ids="letters", extra=middle)
    data += _staff_csv(200, 3, ids="letters").split(b"\r\n", 4)[4]
    data += (b"Total,500,,,,\r\n,,,,,\r\n,,,,,\r\n"
             b"Source: iTrent HR extract,,,,,\r\nNote [1]: grades as at March,,,,,\r\n")
    columnar, rows = _both(data, monkeypatch)
    assert columnar[0][0].body is not None
    _assert_same(columnar, rows)
    skipped = {s.reason: s.rows for s in columnar[1].sheets[0].skipped}
    assert skipped["totals row"] == [4 + 300 + 3 + 200 + 1]
    assert skipped["headings repeated inside the data"] == [4 + 300 + 2]
    assert skipped["page title repeated inside the data"] == [4 + 300 + 1, 4 + 300 + 3]
    assert skipped["notes below the table"] == [4 + 300 + 3 + 200 + 4, 4 + 300 + 3 + 200 + 5]
    assert len(columnar[1].datasets["staff"]) == 500


@pytest.mark.parametrize(
    ("case", "tail"),
    [
        ("a blank line inside the table", b"\r\n100999,A White - British,Grade 1,20000,ASC,\r\n"),
        ("a row longer than the others", b"100999,A White - British,Grade 1,20000,ASC,,extra\r\n"),
        ("a quote never closed", b'100999,"A White - British,Grade 1,20000,ASC,\r\n100998,x,y,z,w,v\r\n'),
        ("a quoted line break", b'100999,"A White -\r\nBritish",Grade 1,20000,ASC,\r\n'),
        ("Windows-1252 text", b"100999,A White - British,Grade \xa31,20000,ASC,\r\n"),
    ],
)
def test_what_is_not_a_plain_table_reads_as_the_rows_read_it(monkeypatch: pytest.MonkeyPatch, case: str,
                                                            tail: bytes) -> None:
    columnar, rows = _both(_staff_csv(300, 4) + tail, monkeypatch)
    _assert_same(columnar, rows)


def test_a_quote_never_closed_is_reported_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _staff_csv(300, 5) + b'100999,A White - British,Grade 1,"20000,ASC,\r\n100998,x,y,z,w,v\r\n'
    columnar, rows = _both(data, monkeypatch)
    assert columnar[1].startswith("read: ") and "quotation mark is not closed" in columnar[1]
    _assert_same(columnar, rows)


def test_a_quoted_line_break_inside_the_body_is_kept_in_its_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _staff_csv(300, 6) + b'100999,"Mixed\nWhite and Asian",Grade 1,20000,ASC,\r\n'
    columnar, rows = _both(data, monkeypatch)
    assert columnar[0][0].body is not None
    _assert_same(columnar, rows)
    assert columnar[1].datasets["staff"]["ethnicity"].iloc[-1] == "Mixed\nWhite and Asian"


def test_limits_hold_for_a_columnar_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_text, "COLUMNAR_CSV_BYTES", 0)
    monkeypatch.setattr(limits, "MAX_ROWS", 250)
    with pytest.raises(InputError, match="more than 250 rows"):
        readers.read_workbook("staff.csv", _staff_csv(300, 7), columnar=True)


def test_only_the_tables_layer_is_given_a_body(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_text, "COLUMNAR_CSV_BYTES", 0)
    data = _staff_csv(300, 7)
    assert readers.read_workbook("staff.csv", data)[0].body is None  # Census and template readers walk rows
    assert len(readers.read_workbook("staff.csv", data)[0].rows) == 304
    assert readers.read_workbook("staff.csv", data, columnar=True)[0].body is not None


def test_complete_gives_every_record_as_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    (sheets, _), (row_sheets, _) = _both(_staff_csv(300, 8), monkeypatch)
    assert sheets[0].body is not None
    assert sheets[0].complete().rows == row_sheets[0].rows
    assert len(sheets[0].rows) + sheets[0].body.num_rows == len(row_sheets[0].rows)


# --- the text tests: pyarrow's narrowing must never lose a cell the Python test would pass ---------------

_WORDS = ["Total", "TOTAL", "total ", "Sub total", "Grand Totals", "Count of staff", "sum", "Page 3 of 9",
          "page 12", "Source: HR", "Notes", "n.b. grades", "* estimated", "[1] see note", "(2) at March",
          "Employee  No", "employee\tno", "EMPLOYEE NO", "Straße", "STRASSE", "ﬁle", "Total\u00a0staff",
          "Employee\u2003No", "Employee\x1fNo", "Employee\x0bno", "Ethnic origin", "123", " 456 ", "1,234", "",
          "   ", "E0042", "Wexcombe Council: staff in post", "wexcombe council:  staff in post", "Tot", "TÖTAL"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(_WORDS), st.text(max_size=12)), min_size=1, max_size=40),
       st.sampled_from(_WORDS), st.sampled_from(_WORDS))
def test_text_column_tests_agree_with_the_distinct_value_tests(cells: list[str], wanted: str, title: str) -> None:
    distinct = tables._DistinctCells.of(np.array(cells, dtype=object))
    text = tables._TextCells(pa.array(cells, pa.string()))
    assert text.blank.tolist() == distinct.blank.tolist()
    keys = {k for k in (tables._casefold(wanted), tables._casefold(title)) if k}
    checks = [tables._PAGE_ROW, tables._TOTALS_WORD, tables._NOTES_LIKE] + ([tables._equals_key(keys)] if keys else [])
    for check in checks:
        assert text.where(check).tolist() == distinct.where(check).tolist(), check


_CELLS = st.one_of(st.sampled_from(_WORDS + LABELS + HEADINGS + ["Y", "N", "£23,456", "31/03/2025", '"quoted"',
                                                                 "a,b", "line\nbreak", "  "]),
                   st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                           max_size=8))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.lists(_CELLS, min_size=6, max_size=6), min_size=1, max_size=12), st.integers(0, 2 ** 32 - 1),
       st.sampled_from([",", ";", "\t"]))
def test_generated_exports_read_the_same_either_way(odd_rows: list[list[str]], seed: int, delimiter: str) -> None:
    rng = random.Random(seed)
    rows = [["Wexcombe Council", "", "", "", "", ""], HEADINGS]
    rows += [[str(100000 + n), rng.choice(LABELS), f"Grade {n % 7}", str(20000 + n), "ASC", ""] for n in range(150)]
    for odd in odd_rows:  # odd rows anywhere below the headings
        rows.insert(rng.randint(2, len(rows)), odd)

    def quoted(cell: str) -> str:
        special = any(c in cell for c in (delimiter, '"', "\n", "\r"))
        return '"' + cell.replace('"', '""') + '"' if special else cell

    data = "\r\n".join(delimiter.join(quoted(c) for c in row) for row in rows).encode("utf-8")
    with pytest.MonkeyPatch.context() as monkeypatch:
        columnar, by_rows = _both(data, monkeypatch)
    _assert_same(columnar, by_rows)


def test_a_heading_beyond_the_body_s_columns_reads_blank_below_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # The heading row is one cell wider than every row under it (a trailing comma on the headings only).
    data = _staff_csv(300, 9).replace(b"Leaving Date\r\n", b"Leaving Date,Notes\r\n", 1)
    columnar, rows = _both(data, monkeypatch)
    assert columnar[0][0].body is not None and columnar[0][0].body.num_columns == 6
    _assert_same(columnar, rows)
    assert len(columnar[1].datasets["staff"]) == 300
