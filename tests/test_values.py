import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data_loaders import values
from data_loaders.values import (
    parse_date,
    parse_flag,
    parse_id,
    parse_money,
    parse_outcome,
    parse_service,
    parse_text,
)


def cells(*items: object) -> pd.Series:
    return pd.Series(list(items), dtype=object)


# --- money -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("£23,456", 23456.0),
        ("23456.00", 23456.0),
        (" £ 23,456.50 ", 23456.5),
        ("23,456 pa", 23456.0),
        ("£23,456 p.a.", 23456.0),
        ("23456 per annum", 23456.0),
        ("£23k", 23000.0),
        ("23.5K", 23500.0),
        ("GBP 31,000", 31000.0),
        (23456, 23456.0),
        (23456.75, 23456.75),
        (np.int64(40000), 40000.0),
    ],
)
def test_money_spellings(cell: object, expected: float) -> None:
    parsed, unreadable = parse_money(cells(cell))
    assert parsed.dtype == np.float64
    assert parsed.iloc[0] == expected
    assert not unreadable.iloc[0]


def test_money_blank_and_unreadable_cells() -> None:
    parsed, unreadable = parse_money(cells(None, "", "  ", float("nan"), "-", "TBC", "£23,000 - £25,000", True))
    assert parsed.isna().all()
    assert unreadable.tolist() == [False, False, False, False, False, True, True, True]


# --- dates -------------------------------------------------------------------------------

MARCH_31 = pd.Timestamp(2024, 3, 31)


@pytest.mark.parametrize(
    "cell",
    [
        45382,
        45382.0,
        45382.75,  # a serial with a time of day is still that day
        "45382",
        dt.date(2024, 3, 31),
        dt.datetime(2024, 3, 31),
        dt.datetime(2024, 3, 31, 14, 30),
        pd.Timestamp("2024-03-31"),
        "31/03/2024",
        "31-03-2024",
        "31.03.24",
        "31.03.2024",
        "31/3/24",
        "31 March 2024",
        "31-Mar-2024",
        "31 Mar 24",
        "31st March 2024",
        " 31 MARCH 2024 ",
        "Sunday 31 March 2024",
        "2024-03-31",
        "2024-03-31 00:00:00",
        "2024-03-31T00:00:00",
        "31/03/2024 00:00",
        "20240331",
    ],
)
def test_date_spellings_of_31_march_2024(cell: object) -> None:
    parsed, unreadable = parse_date(cells(cell))
    assert parsed.dtype == "datetime64[ns]"
    assert parsed.iloc[0] == MARCH_31
    assert not unreadable.iloc[0]


def test_dates_are_day_first_never_month_first() -> None:
    parsed, unreadable = parse_date(cells("01/02/2024", "12/01/2024", "03/31/2024"))
    assert parsed.iloc[0] == pd.Timestamp(2024, 2, 1)
    assert parsed.iloc[1] == pd.Timestamp(2024, 1, 12)
    assert pd.isna(parsed.iloc[2])
    assert unreadable.tolist() == [False, False, True]


def test_excel_serials_follow_the_1900_system() -> None:
    parsed, unreadable = parse_date(cells(1, 59, 61, 2958465, 0, 2958466, 60))
    assert parsed.iloc[0] == pd.Timestamp(1900, 1, 1)
    assert parsed.iloc[1] == pd.Timestamp(1900, 2, 28)
    assert parsed.iloc[2] == pd.Timestamp(1900, 3, 1)
    # 31/12/9999 is an HR system's "no end date": blank, and not reported as unreadable.
    assert pd.isna(parsed.iloc[3]) and not unreadable.iloc[3]
    # 0, past 9999 and Excel's fictitious 29 February 1900 are not dates.
    assert unreadable.tolist()[4:] == [True, True, True]


def test_two_digit_years() -> None:
    parsed, _ = parse_date(cells("01/04/68", "01/04/69", "01/04/99", "01/04/05"))
    assert [d.year for d in parsed] == [2068, 1969, 1999, 2005]


def test_end_of_time_placeholders_are_blank() -> None:
    parsed, unreadable = parse_date(cells("31/12/4712", dt.date(9999, 12, 31)))
    assert parsed.isna().all()
    assert not unreadable.any()


def test_unreadable_dates_are_reported() -> None:
    parsed, unreadable = parse_date(cells("TBC", "31/02/2024", "March 2024", "2024", True, dt.time(9, 0), None, ""))
    assert parsed.isna().all()
    assert unreadable.tolist() == [True, True, True, True, True, True, False, False]


# --- flags -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Y", True), ("y", True), ("Yes", True), (" YES ", True), ("True", True), ("TRUE", True),
        ("T", True), ("1", True), (1, True), (1.0, True), (True, True), (np.True_, True),
        ("X", True), ("x", True), ("✓", True), ("✔", True),
        ("N", False), ("no", False), ("False", False), ("F", False), ("0", False), (0, False),
        (False, False),
        # staff survey answers: how often, where "at least once" is yes
        ("Yes, once", True), ("Yes - more than once", True), ("1-2", True), ("3 to 5", True),
        ("More than 10", True), ("Never", False), ("No, never", False),
    ],
)
def test_flag_spellings(cell: object, expected: bool) -> None:
    parsed, unreadable = parse_flag(cells(cell))
    assert parsed.dtype == "boolean"
    assert parsed.iloc[0] == expected
    assert not unreadable.iloc[0]


def test_flag_blanks_non_answers_and_unreadable() -> None:
    parsed, unreadable = parse_flag(cells(None, "", "Prefer not to say", "N/A", "Maybe", 2, "Partly"))
    assert parsed.isna().all()
    assert unreadable.tolist() == [False, False, False, False, True, True, True]


# --- recruitment outcome -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "shortlisted", "appointed"),
    [
        ("Appointed", True, True),
        ("Offered", True, True),
        ("Offer accepted", True, True),
        ("Successful", True, True),
        ("Hired", True, True),
        ("Successful at interview", True, True),
        ("Conditional offer", True, True),
        ("Not appointed", True, False),
        ("Unsuccessful at interview", True, False),
        ("Interviewed", True, False),
        ("Shortlisted", True, False),
        ("Rejected after interview", True, False),
        ("Shortlisted - not appointed", True, False),
        ("Offer declined", True, False),
        ("Withdrawn after interview", True, False),
        ("Not shortlisted", False, False),
        ("Rejected at shortlisting", False, False),
        ("Unsuccessful", False, False),
        ("Rejected", False, False),
        ("Not shortlisted for interview", False, False),
        ("Application unsuccessful", False, False),
        (" NOT SHORTLISTED ", False, False),
    ],
)
def test_outcome_spellings(cell: str, shortlisted: bool, appointed: bool) -> None:
    frame, unreadable = parse_outcome(cells(cell))
    assert frame.dtypes.tolist() == ["boolean", "boolean"]
    assert frame.loc[0, "shortlisted"] == shortlisted
    assert frame.loc[0, "appointed"] == appointed
    assert not unreadable.iloc[0]


def test_withdrawn_is_not_known_for_shortlisting_and_not_appointed() -> None:
    frame, unreadable = parse_outcome(cells("Withdrawn", "Candidate withdrew"))
    assert frame["shortlisted"].isna().all()
    assert frame["appointed"].tolist() == [False, False]
    assert not unreadable.any()


def test_unreadable_outcomes() -> None:
    frame, unreadable = parse_outcome(cells("???", "On hold", 3, None, ""))
    assert frame["shortlisted"].isna().all() and frame["appointed"].isna().all()
    assert unreadable.tolist() == [True, True, True, False, False]


# --- identifiers, text, services ---------------------------------------------------------


def test_ids_are_text_without_float_tails() -> None:
    parsed, unreadable = parse_id(cells(1234.0, 1234, " E0042 ", "001234", "1234.0", 12.5, None, ""))
    assert parsed.dtype == "string"
    assert parsed.tolist()[:6] == ["1234", "1234", "E0042", "001234", "1234", "12.5"]
    assert parsed.iloc[6:].isna().all()
    assert not unreadable.any()


def test_text_parsing_to_the_same_text_shares_one_category() -> None:
    parsed, _ = parse_service(cells(" Adults", "ASC", "Adult Social Care", "Housing", None, "Housing "))
    assert list(parsed.cat.categories) == ["Adults", "Housing"]
    assert parsed.cat.codes.tolist() == [0, 0, 0, 1, -1, 1]


def test_a_large_csv_column_of_text_ids_is_parsed_in_bulk_as_one_by_one() -> None:
    raw = [" E0042 ", "001234", "1234.0", "", "  ", "12.50", "A-1"]
    bulk, unreadable = parse_id(pd.Series(raw, dtype="string"))
    one_by_one, _ = parse_id(cells(*raw))
    assert bulk.dtype == "string"
    assert bulk.tolist() == one_by_one.tolist()
    assert bulk.tolist()[:3] == ["E0042", "001234", "1234"]
    assert bulk.iloc[3:5].isna().all()
    assert not unreadable.any()


def test_text_is_stripped_and_numbers_written_as_text() -> None:
    parsed, unreadable = parse_text(cells("  White British ", 7.0, 7.5, dt.datetime(2024, 3, 31), True, None, " "))
    assert parsed.dtype == "category"
    assert parsed.tolist()[:5] == ["White British", "7", "7.5", "2024-03-31", "Yes"]
    assert parsed.iloc[5:].isna().all()
    assert not unreadable.any()


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Adults", "Adults"),
        ("Adult Social Care", "Adults"),
        ("ASC", "Adults"),
        ("Adult Services", "Adults"),
        ("Adults and Health", "Adults"),
        ("Adults & Health", "Adults"),
        ("Health and Adult Social Care", "Adults"),
        (" adult social care ", "Adults"),
        ("Children's Services", "Children's"),
        ("Children’s Services", "Children's"),
        ("Childrens", "Children's"),
        ("CSC", "Children's"),
        ("Children and Families", "Children's"),
        ("Children's Social Care", "Children's"),
        ("Families, Children and Learning", "Children's"),
        ("Adult Social Care – Provider Services", "Adults"),
        ("Children's Services: Early Help", "Children's"),
        ("Housing - Adults and Families", "Housing - Adults and Families"),
        ("  Housing ", "Housing"),
        ("Adult Learning", "Adult Learning"),
    ],
)
def test_service_spellings(cell: str, expected: str) -> None:
    parsed, unreadable = parse_service(cells(cell))
    assert parsed.dtype == "category"
    assert parsed.iloc[0] == expected
    assert not unreadable.iloc[0]


# --- many rows ---------------------------------------------------------------------------


def test_a_large_column_parses_each_distinct_value_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = values.date_value

    def counting(value: object) -> object:
        calls.append(value)
        return real(value)

    monkeypatch.setattr(values, "date_value", counting)
    distinct = ["31/03/2024", 45382, "01/02/2024", dt.date(2023, 4, 1), "TBC"]
    column = pd.Series((distinct + [None]) * 20_000, dtype=object)  # 120,000 rows
    parsed, unreadable = parse_date(column)
    # Once each, and the date cell not at all: date cells are read in bulk (_plain_datetimes).
    assert sorted(map(repr, calls)) == sorted(repr(v) for v in distinct if not isinstance(v, dt.date))
    assert len(parsed) == 120_000
    assert parsed.iloc[6] == MARCH_31 and parsed.iloc[7] == MARCH_31
    assert parsed.iloc[8] == pd.Timestamp(2024, 2, 1)
    assert int(unreadable.sum()) == 20_000
    assert int(parsed.isna().sum()) == 40_000


def test_index_is_kept() -> None:
    parsed, unreadable = parse_money(pd.Series(["£1", "x"], index=[10, 20], dtype=object))
    assert parsed.index.tolist() == [10, 20]
    assert unreadable.loc[20] and not unreadable.loc[10]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(), st.from_regex(r"\s*\d{1,6}(\.0+)?\s*", fullmatch=True)), min_size=1))
def test_text_ids_in_bulk_read_exactly_as_one_by_one(ids):
    """A CSV's IDs are parsed with string operations in bulk; the answer is id_value's, cell by cell."""
    from data_loaders.values import STRING, id_value, map_distinct, parse_id

    cells = pd.Series(ids, dtype=object)
    bulk = parse_id(cells)[0].tolist()
    one_by_one = map_distinct(cells, id_value, STRING, pd.NA)[0].tolist()
    assert [None if v is pd.NA else v for v in bulk] == [None if v is pd.NA else v for v in one_by_one]


def _one_by_one(parse_one, items: list) -> list:
    out = []
    for item in items:
        value = values.BLANK if values.is_blank(item) else parse_one(item)
        out.append(None if value in (values.BLANK, values.UNREADABLE) else value)
    return out


_MONEY_CELLS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=False, width=32), st.integers(-10**9, 10**9),
    st.from_regex(r"\s*-?\d{1,7}(\.\d{1,3})?\s*", fullmatch=True),
    st.from_regex(r"£?\d{1,3}(,\d{3})*(\.\d\d)?k?", fullmatch=True),
    st.sampled_from(["", " ", "n/a", "+5", "1.", ".5", "1e3", "£23k", "23,456 pa"]), st.none(),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_MONEY_CELLS, min_size=1, max_size=30))
def test_money_read_in_bulk_is_money_read_one_by_one(items: list) -> None:
    parsed, _ = values.parse_money(cells(*items))
    expected = _one_by_one(values.money_value, items)
    assert [None if np.isnan(v) else v for v in parsed.tolist()] == expected


_DATE_CELLS = st.one_of(
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2030, 1, 1),
                 timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=5))])),
    st.dates(), st.sampled_from(["31/03/2025", "2025-03-31", "", "not a date", 45000.0, 45000]), st.none(),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_DATE_CELLS, min_size=1, max_size=30))
def test_dates_read_in_bulk_are_dates_read_one_by_one(items: list) -> None:
    parsed, unreadable = values.parse_date(cells(*items))
    expected = _one_by_one(values.date_value, items)
    assert [None if pd.isna(v) else pd.Timestamp(v) for v in parsed.tolist()] == expected
    assert unreadable.tolist() == [not values.is_blank(i) and values.date_value(i) is values.UNREADABLE for i in items]


def test_date_cells_given_as_a_categorical_are_read_as_one_by_one() -> None:
    # The tables layer hands parsers a categorical; its datetime categories come back as pd.Timestamp.
    items = [dt.datetime(2025, 3, 31, 14, 30), dt.datetime(1601, 1, 1), dt.datetime(4712, 12, 31),
             dt.datetime(2019, 4, 1), dt.datetime(2025, 3, 31, 14, 30), None]
    parsed, unreadable = values.parse_date(cells(*items).astype("category"))
    assert parsed.iloc[0] == parsed.iloc[4] == pd.Timestamp(2025, 3, 31)
    assert parsed.iloc[3] == pd.Timestamp(2019, 4, 1)
    assert parsed.iloc[1:3].isna().all() and parsed.iloc[5] is pd.NaT
    assert unreadable.tolist() == [False, True, False, False, False, False]  # 1601 is before a timestamp's range
