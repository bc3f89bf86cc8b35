"""Cells as exported into the canonical kinds of data_loaders.schema.

Every parser takes a Series of raw cells (None, str, int, float, bool, date, datetime) and
returns the parsed Series and a mask of the cells that held something but could not be
read, so the caller can say which rows lost a value instead of dropping them silently.

Each distinct cell value is parsed once and the results are spread back over the rows: an
export of 100,000 rows has a few hundred distinct dates, a handful of distinct flags.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from data_loaders.schema import normalise_heading

Parsed = tuple[pd.Series, pd.Series]

STRING = pd.StringDtype()
# Text with few distinct values (ethnicity, service, pay band, job title) is kept categorical: a
# million rows are a million small codes into a few hundred labels, counted without hashing text.
CATEGORY = "category"
BOOLEAN = pd.BooleanDtype()
FLOAT = np.dtype("float64")
DATETIME = np.dtype("datetime64[ns]")


class _Sentinel:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


# What a single-value parser returns besides a value.
BLANK = _Sentinel("BLANK")
UNREADABLE = _Sentinel("UNREADABLE")

# Text that people type for "nothing here"; read as blank, not as an unreadable value.
_PLACEHOLDERS = frozenset({"-", "–", "—", "n/a", "#n/a", "na", "null", "not applicable", "nil"})


def is_blank(value: Any) -> bool:
    kind = type(value)
    if kind is str:
        return not value.strip()
    if kind is int:
        return False
    if kind is float:
        return value != value  # NaN
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip()
    return False


def is_number(value: Any) -> bool:
    """A number as a reader gives it (int, float, a numpy number), not a bool, nor text that looks like one."""
    kind = type(value)
    if kind is float or kind is int:  # the common case, without the slow ABC check
        return True
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def map_distinct(cells: pd.Series, parse: Callable[[Any], Any], dtype: Any, missing: Any,
                 bulk: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None) -> Parsed:
    """Parse each distinct value of `cells` once; blank and unreadable cells become `missing`.

    `bulk` may answer for many distinct values at once: (which it answered, the answers)."""
    # factorize is the vectorised "dict over unique values + map": codes point into uniques,
    # and -1 (None, NaN, NaT) picks the `missing` appended at the end.
    if isinstance(cells.dtype, pd.CategoricalDtype):  # the table layer has found the distinct values already
        codes, uniques = cells.cat.codes.to_numpy(), cells.cat.categories.to_numpy(dtype=object)
    else:
        codes, uniques = pd.factorize(cells.to_numpy(dtype=object), use_na_sentinel=True)
    results: list[Any] = []
    unreadable = np.zeros(len(uniques) + 1, dtype=bool)
    answered, answers = bulk(uniques) if bulk is not None and len(uniques) else (None, None)
    for i, value in enumerate(uniques):
        if answered is not None and answered[i]:
            assert answers is not None  # bulk answers with both arrays or not at all
            results.append(answers[i])
            continue
        result = BLANK if is_blank(value) else parse(value)
        if result is UNREADABLE:
            unreadable[i] = True
        results.append(missing if result is BLANK or result is UNREADABLE else result)
    results.append(missing)
    if isinstance(dtype, str) and dtype == CATEGORY:
        values = _categories_from(results, codes)
    else:
        values = _spread(pd.array(results, dtype=dtype), codes)
    flags = unreadable[codes] if unreadable.any() else np.zeros(len(codes), dtype=bool)
    return (
        pd.Series(values, index=cells.index, name=cells.name),
        pd.Series(flags, index=cells.index, name=cells.name),
    )


def _spread(distinct: Any, codes: np.ndarray) -> Any:
    """distinct[code] for every row; code -1 picks the last (the missing value). Plain numpy indexing: a
    pandas take checks and fills every -1 itself, several times slower over a million rows."""
    if isinstance(distinct, pd.arrays.BooleanArray):
        return pd.arrays.BooleanArray(distinct.to_numpy(dtype=bool, na_value=False)[codes],
                                      np.asarray(distinct.isna())[codes])
    if distinct.dtype == DATETIME:
        return pd.array(np.asarray(distinct, dtype=DATETIME)[codes], dtype=DATETIME)
    if distinct.dtype == FLOAT:
        return np.asarray(distinct, dtype=FLOAT)[codes]
    return distinct.take(codes)


def _categories_from(results: list[Any], codes: np.ndarray) -> pd.Categorical:
    """Per-row codes into the distinct parsed texts (several raw values may parse to one: ' Adults',
    'ADULT SOCIAL CARE'); `results` ends with the missing value, which code -1 picks."""
    # pandas-stubs' factorize has no overload for an extension array, which pandas factorizes as it is.
    parsed_codes, categories = pd.factorize(pd.array(results[:-1], dtype=STRING),  # type: ignore[call-overload]
                                            use_na_sentinel=True, sort=True)
    row_codes = np.append(parsed_codes, -1)[codes]
    # In order, and only the labels of the rows kept: the same categories however the cells were read.
    # (Categorical.remove_unused_categories sorts every code to find them: a second on a national file.)
    used = np.bincount(row_codes[row_codes >= 0], minlength=len(categories)) > 0
    if not used.all():
        row_codes = np.append(np.cumsum(used) - 1, -1)[row_codes]
    return pd.Categorical.from_codes(row_codes, categories=pd.Index(list(categories[used]), dtype="str"))


# --- money -------------------------------------------------------------------------------

_MONEY_NOISE = re.compile(r"£|gbp|,|\s")
_MONEY_PERIOD = re.compile(r"(?:p\.?a\.?|perannum|peryear|ayear|/yr|/year|/annum|pounds)$")
_MONEY = re.compile(r"([-+]?(?:\d+(?:\.\d*)?|\.\d+))(k?)")


def money_value(value: Any) -> Any:
    if is_number(value):
        number = float(value)
        return BLANK if math.isnan(number) else number
    if not isinstance(value, str):
        return UNREADABLE
    text = value.strip().lower()
    if text in _PLACEHOLDERS:
        return BLANK
    text = _MONEY_PERIOD.sub("", _MONEY_NOISE.sub("", text))
    match = _MONEY.fullmatch(text)
    if not match:
        return UNREADABLE
    amount = float(match.group(1))
    return amount * 1000 if match.group(2) else amount


def parse_money(cells: pd.Series) -> Parsed:
    """'£23,456', ' £ 23,456.50 ', '23,456 pa', '£23k' and numbers -> float64 (NaN when blank)."""
    return map_distinct(cells, money_value, FLOAT, np.nan, bulk=_plain_amounts)


# Plain amounts as text ('23456', ' -23456.50 '), which pyarrow reads as numbers just as float() would.
_PLAIN_AMOUNT = r"^\s*-?\d+(?:\.\d+)?\s*$"


def _plain_amounts(uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which distinct values are text holding a plain amount, and those amounts: a CSV's salary column has
    tens of thousands, read in one go as money_value would read each."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kinds = [type(value) for value in uniques]
    numbers = np.array([kind is float or kind is int for kind in kinds], dtype=bool)  # a workbook's cells
    texts = pa.array([value if kind is str else None for value, kind in zip(uniques, kinds, strict=True)],
                     pa.string())
    plain = pc.fill_null(pc.match_substring_regex(texts, _PLAIN_AMOUNT), False).to_numpy(zero_copy_only=False)
    amounts = pc.cast(pc.utf8_trim_whitespace(pc.if_else(pa.array(plain), texts, None)), pa.float64())
    amounts = amounts.to_numpy(zero_copy_only=False)
    if numbers.any():
        amounts[numbers] = np.array([float(value) for value in uniques[numbers]], dtype=float)
    # NaN is a blank, as money_value says: leave it to the one-by-one path, which knows BLANK.
    numbers &= ~np.isnan(amounts)
    return plain | numbers, amounts


# --- dates -------------------------------------------------------------------------------

# Excel's 1900 date system counts from 1899-12-30 for every serial after its fictitious
# 29 February 1900 (serial 60); serials 1-59 are a day later.
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_MAX_SERIAL = 2958465  # 9999-12-31
_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
_TIME = r"(?:[ t]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:am|pm)?)?"
_ISO_DATE = re.compile(rf"(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}}){_TIME}")
_DAY_MONTH_YEAR = re.compile(rf"{_WEEKDAY}(\d{{1,2}})[-/. ](\d{{1,2}})[-/. ](\d{{4}}|\d{{2}}){_TIME}")
_DAY_NAMED_MONTH_YEAR = re.compile(
    rf"{_WEEKDAY}(\d{{1,2}})(?:st|nd|rd|th)?[-/. ,]*([a-z]+)\.?[-/. ,]*(\d{{4}}|\d{{2}}){_TIME}"
)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_TEXT_SERIAL = re.compile(r"(\d{5})(?:\.\d+)?")
# The years a nanosecond timestamp can hold. HR systems write 31/12/4712 or 31/12/9999 for
# "no end date", which is a blank, not an error.
_FIRST_YEAR, _LAST_YEAR = 1678, 2261


def _full_year(year: str) -> int:
    number = int(year)
    if len(year) == 4:
        return number
    # Python's %y convention: 69-99 are 1900s, 00-68 are 2000s.
    return number + (1900 if number >= 69 else 2000)


def _calendar_day(year: int, month: int, day: int) -> Any:
    try:
        return _timestamp(dt.datetime(year, month, day))
    except ValueError:
        return UNREADABLE


def _timestamp(moment: dt.datetime) -> Any:
    if moment.year > _LAST_YEAR:
        return BLANK
    if moment.year < _FIRST_YEAR:
        return UNREADABLE
    return pd.Timestamp(moment.replace(tzinfo=None)).normalize()


def _from_serial(serial: float) -> Any:
    if not 1 <= serial <= _MAX_SERIAL or serial == 60:
        return UNREADABLE
    days = math.floor(serial) + (1 if serial < 60 else 0)
    return _timestamp(_EXCEL_EPOCH + dt.timedelta(days=days))


def _date_from_text(text: str) -> Any:
    if text in _PLACEHOLDERS:
        return BLANK
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = match.groups()
        return _calendar_day(int(year), int(month), int(day))
    if match := _DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = match.groups()
        return _calendar_day(_full_year(year), int(month), int(day))
    if match := _DAY_NAMED_MONTH_YEAR.fullmatch(text):
        day, month_name, year = match.groups()
        month = _MONTHS.get(month_name)
        return UNREADABLE if month is None else _calendar_day(_full_year(year), month, int(day))
    if match := _COMPACT_DATE.fullmatch(text):
        year, month, day = match.groups()
        return _calendar_day(int(year), int(month), int(day))
    if _TEXT_SERIAL.fullmatch(text):
        return _from_serial(float(text))
    return UNREADABLE


def date_value(value: Any) -> Any:
    if isinstance(value, (bool, np.bool_, dt.time)):
        return UNREADABLE
    if isinstance(value, dt.datetime):  # includes pd.Timestamp
        return _timestamp(value)
    if isinstance(value, dt.date):
        return _timestamp(dt.datetime(value.year, value.month, value.day))
    if isinstance(value, np.datetime64):
        return BLANK if np.isnat(value) else _timestamp(pd.Timestamp(value).to_pydatetime())
    if is_number(value):
        return BLANK if math.isnan(float(value)) else _from_serial(float(value))
    if isinstance(value, str):
        return _date_from_text(re.sub(r"\s+", " ", value.strip().lower()))
    return UNREADABLE


def parse_date(cells: pd.Series) -> Parsed:
    """Date cells, Excel serials and UK day-first text (never month-first) -> datetime64[ns] days."""
    return map_distinct(cells, date_value, DATETIME, pd.NaT, bulk=_plain_datetimes)


def _plain_datetimes(uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which distinct values are date cells in the years a timestamp holds, and their days: thousands of
    start dates read in one go as date_value would read each. A workbook's date cells come back from
    calamine as datetime.date (a date alone) or datetime.datetime (with a time of day)."""
    # A categorical's datetime categories come back as pd.Timestamp, a datetime too.
    def in_range(value: dt.date) -> bool:
        return _FIRST_YEAR <= value.year <= _LAST_YEAR

    days_only = np.array([type(value) is dt.date and in_range(value) for value in uniques], dtype=bool)
    moments = np.array([isinstance(value, dt.datetime) and value.tzinfo is None and in_range(value)
                        for value in uniques], dtype=bool)
    days = np.full(len(uniques), np.datetime64("NaT"), dtype=DATETIME)
    if days_only.any():
        days[days_only] = np.array(list(uniques[days_only]), dtype="datetime64[D]").astype(DATETIME)
    if moments.any():
        days[moments] = pd.DatetimeIndex(list(uniques[moments])).normalize().to_numpy(dtype=DATETIME)
    return days_only | moments, days


# --- yes/no flags ------------------------------------------------------------------------

_YES = frozenset({"y", "yes", "true", "t", "1", "1.0", "x", "✓", "✔", "☑", "✅"})
_NO = frozenset({"n", "no", "false", "f", "0", "0.0", "never", "none"})
# Deliberate non-answers: blank, not unreadable.
_NOT_KNOWN = frozenset({
    "prefer not to say", "don't know", "dont know", "do not know", "not known", "unknown",
    "not answered", "no response", "did not answer", "not stated",
})
# Staff surveys ask how often something happened; WRES counts "at least once" as yes.
_AT_LEAST_ONCE = frozenset({
    "once", "more than once", "at least once", "several times", "a few times", "sometimes",
    "often", "always", "rarely", "occasionally", "regularly", "more than 10", "more than ten",
})
_COUNT_RANGE = re.compile(r"\d+\s*(?:-|–|to)\s*\d+|\d+\+")


def flag_value(value: Any) -> Any:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if is_number(value):
        number = float(value)
        if math.isnan(number):
            return BLANK
        return {1.0: True, 0.0: False}.get(number, UNREADABLE)
    if not isinstance(value, str):
        return UNREADABLE
    text = re.sub(r"\s+", " ", value.strip().lower())
    if text in _PLACEHOLDERS or text in _NOT_KNOWN:
        return BLANK
    if text in _YES or text in _AT_LEAST_ONCE or _COUNT_RANGE.fullmatch(text):
        return True
    if text in _NO:
        return False
    # "Yes, once", "Yes - more than once", "No, never"
    if re.match(r"yes\b", text):
        return True
    if re.match(r"no\b", text):
        return False
    return UNREADABLE


def parse_flag(cells: pd.Series) -> Parsed:
    """Y/N, Yes/No, True/False, 1/0, T/F, X and ticks (yes), bools -> boolean (NA when blank)."""
    return map_distinct(cells, flag_value, BOOLEAN, pd.NA)


# An opinion question's "don't know" is an answer, not a blank: the NHS Staff Survey counts it among those who
# answered whether the organisation acts fairly on career progression (yes / no / don't know).
_UNSURE = frozenset({"don't know", "dont know", "do not know", "not sure", "unsure", "don’t know"})


def opinion_value(value: Any) -> Any:
    if isinstance(value, str) and re.sub(r"\s+", " ", value.strip().lower()) in _UNSURE:
        return False
    return flag_value(value)


def parse_opinion(cells: pd.Series) -> Parsed:
    """A yes / no / don't know question -> boolean: yes True; no and don't know False (answered, not yes); NA when
    blank or not said ("prefer not to say")."""
    return map_distinct(cells, opinion_value, BOOLEAN, pd.NA)


# A satisfaction question on the NHS Staff Survey's five-point scale (q4b, how far the organisation values one's
# work): "Satisfied" and "Very satisfied" are satisfied; "Neither satisfied nor dissatisfied", "Dissatisfied" and
# "Very dissatisfied" are answers that are not. Compared trimmed, case-folded, single-spaced, "-" and "_" as spaces.
_SATISFIED = frozenset({"satisfied", "very satisfied", "fairly satisfied", "quite satisfied", "extremely satisfied"})
_NOT_SATISFIED = frozenset({
    "neither satisfied nor dissatisfied", "neither satisfied or dissatisfied", "neither", "neutral",
    "dissatisfied", "very dissatisfied", "fairly dissatisfied", "quite dissatisfied", "extremely dissatisfied",
})


def satisfaction_value(value: Any) -> Any:
    if not isinstance(value, str):
        return UNREADABLE
    text = re.sub(r"[\s_-]+", " ", value.strip().lower()).strip()
    if text in _PLACEHOLDERS or text in _NOT_KNOWN:
        return BLANK
    if text in _SATISFIED:
        return True
    if text in _NOT_SATISFIED:
        return False
    return UNREADABLE


def parse_satisfaction(cells: pd.Series) -> Parsed:
    """A five-point satisfaction answer -> boolean: satisfied or very satisfied True; neither, dissatisfied and very
    dissatisfied False (answered, not satisfied); NA when blank or not said. A number is not read (which end of a
    numbered scale is satisfied is the survey's to say): it is reported as unreadable."""
    return map_distinct(cells, satisfaction_value, BOOLEAN, pd.NA)
# An adjustments question (NHS Staff Survey q30b, WDES 8): yes, no, or not needed, which is a third answer kept
# apart (the metric leaves it out of its base and says how many), not a blank. Compared trimmed, case-folded,
# single-spaced, "-" and "_" as spaces, a trailing full stop dropped.
ADJUSTMENTS_YES = "yes"
ADJUSTMENTS_NO = "no"
ADJUSTMENTS_NOT_NEEDED = "not needed"
_NOT_NEEDED = frozenset({
    "not needed", "not required", "no adjustment required", "no adjustments required", "no adjustment needed",
    "no adjustments needed", "not applicable", "n/a", "na", "i have not needed adjustments",
    "i have not required adjustments", "i don't need adjustments", "i do not need adjustments",
    "not applicable i have not needed adjustments", "not applicable / i have not needed adjustments",
    "adjustments not needed", "adjustments not required",
})


def adjustments_value(value: Any) -> Any:
    if isinstance(value, str):
        text = re.sub(r"[\s_-]+", " ", value.strip().lower()).strip().rstrip(".").strip()
        if text in _NOT_NEEDED or text.replace(" / ", " ").replace(",", "") in _NOT_NEEDED:
            return ADJUSTMENTS_NOT_NEEDED
    answer = flag_value(value)
    if answer is True:
        return ADJUSTMENTS_YES
    if answer is False:
        return ADJUSTMENTS_NO
    return answer


def parse_adjustments(cells: pd.Series) -> Parsed:
    """Yes / no / not needed -> a category of those three words; NA when blank or not said ("prefer not to say")."""
    return map_distinct(cells, adjustments_value, CATEGORY, pd.NA)


# A score on a 0-10 scale (WDES 9a's engagement score): a number, or text that is one ("6.5"); outside the scale,
# or not a number, is unreadable (reported in a note, and not counted).
SCORE_SCALE = (0.0, 10.0)


def score_value(value: Any) -> Any:
    if is_number(value):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip()
        if text.lower() in _PLACEHOLDERS or text.lower() in _NOT_KNOWN:
            return BLANK
        try:
            number = float(text)
        except ValueError:
            return UNREADABLE
    else:
        return UNREADABLE
    if math.isnan(number):
        return BLANK
    low, high = SCORE_SCALE
    return number if low <= number <= high else UNREADABLE


def parse_score(cells: pd.Series) -> Parsed:
    """A score from 0 to 10 -> float (NaN when blank, outside the scale or not a number; the last two unreadable)."""
    return map_distinct(cells, score_value, FLOAT, np.nan)


# --- board roles ------------------------------------------------------------------------

# A board list often says a member's role in words rather than yes/no: "Executive" / "Non-executive" in an
# "Exec/Non-exec" column, "Voting" / "Non-voting". Compared after normalise_heading; a role that begins with one
# of these words ("Executive Director of Finance", "Non-Executive Director (Audit Chair)") reads as it. The "no"
# words are tried first, as "non executive" contains "executive". The chair of an NHS board is a non-executive.
_EXECUTIVE_YES = ("executive", "exec", "chief executive", "ed")
_EXECUTIVE_NO = ("non executive", "non exec", "nonexecutive", "nonexec", "ned", "associate non executive",
                 "chair", "vice chair", "deputy chair")
_VOTING_YES = ("voting", "voting member", "full member")
_VOTING_NO = ("non voting", "nonvoting", "no vote", "not voting", "associate", "observer", "in attendance",
              "attendee", "attending")


def _role_value(value: Any, yes: tuple[str, ...], no: tuple[str, ...]) -> Any:
    answer = flag_value(value)
    if answer is not UNREADABLE or not isinstance(value, str):
        return answer
    text = normalise_heading(value)

    def starts(words: tuple[str, ...]) -> bool:
        return any(text == word or text.startswith(word + " ") for word in words)

    if starts(no):
        return False
    if starts(yes):
        return True
    return UNREADABLE


def executive_value(value: Any) -> Any:
    """Yes/no, or a role in words: "Executive" (True), "Non-executive" (False)."""
    return _role_value(value, _EXECUTIVE_YES, _EXECUTIVE_NO)


def voting_value(value: Any) -> Any:
    """Yes/no, or a role in words: "Voting" (True), "Non-voting" (False)."""
    return _role_value(value, _VOTING_YES, _VOTING_NO)


def parse_executive(cells: pd.Series) -> Parsed:
    """A board member's executive flag: yes/no, or "Executive" / "Non-executive" -> boolean (NA when blank)."""
    return map_distinct(cells, executive_value, BOOLEAN, pd.NA)


def parse_voting(cells: pd.Series) -> Parsed:
    """A board member's voting flag: yes/no, or "Voting" / "Non-voting" -> boolean (NA when blank)."""
    return map_distinct(cells, voting_value, BOOLEAN, pd.NA)


# --- recruitment outcome -----------------------------------------------------------------

# (shortlisted, appointed); None is "not known".
Outcome = tuple[bool | None, bool | None]

_OUTCOMES: dict[str, Outcome] = {
    "not shortlisted": (False, False),
    "not short listed": (False, False),
    "rejected at shortlisting": (False, False),
    "unsuccessful at shortlisting": (False, False),
    "rejected": (False, False),
    "unsuccessful": (False, False),
    "not successful": (False, False),
    "not progressed": (False, False),
    "sifted out": (False, False),
    "not appointed": (True, False),
    "not offered": (True, False),
    "not selected": (True, False),
    "interviewed": (True, False),
    "shortlisted": (True, False),
    "short listed": (True, False),
    "invited to interview": (True, False),
    "reserve": (True, False),
    "appointed": (True, True),
    "offered": (True, True),
    "offer made": (True, True),
    "offer accepted": (True, True),
    "successful": (True, True),
    "hired": (True, True),
    "appointable": (True, True),
    "conditional offer": (True, True),
    "unconditional offer": (True, True),
    "started": (True, True),
}
# Withdrawn applicants may have left before or after shortlisting, so whether they were
# shortlisted is not known (NA) unless a Shortlisted column says; they were not appointed.
WITHDRAWN: Outcome = (None, False)


def outcome_value(value: Any) -> Any:
    if not isinstance(value, str):
        return UNREADABLE
    if value.strip().lower() in _PLACEHOLDERS:
        return BLANK
    text = normalise_heading(value.replace("'", "").replace("’", ""))
    if text in _OUTCOMES:
        return _OUTCOMES[text]
    words = set(text.split())
    if re.search(r"\b(?:not|never) (?:short ?listed|invited|interviewed|progressed)\b", text):
        return (False, False)
    past_sift = bool(words & {"interview", "interviewed", "shortlisted", "offer", "offered", "appointed"})
    if any(word.startswith("withdr") for word in words):
        # "Withdrawn after interview", "Offer withdrawn": they were shortlisted.
        return (True, False) if past_sift and "before" not in words else WITHDRAWN
    rejected = bool(words & {"rejected", "unsuccessful", "not", "declined", "failed"})
    if rejected and words & {"shortlisting", "sift", "sifting", "application"}:
        return (False, False)
    if rejected:
        # "Unsuccessful at interview", "Shortlisted - not appointed", "Offer declined"
        return (True, False) if past_sift else (False, False)
    if words & {"appointed", "offered", "offer", "successful", "hired", "accepted", "started"}:
        return (True, True)
    if past_sift:
        return (True, False)
    return UNREADABLE


def parse_outcome(cells: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """Outcome text -> a frame of boolean 'shortlisted' and 'appointed', and the unreadable mask."""
    shortlisted, unreadable = map_distinct(cells, lambda v: _part(outcome_value(v), 0), BOOLEAN, pd.NA)
    appointed, _ = map_distinct(cells, lambda v: _part(outcome_value(v), 1), BOOLEAN, pd.NA)
    return pd.DataFrame({"shortlisted": shortlisted, "appointed": appointed}), unreadable


def _part(outcome: Any, index: int) -> Any:
    if outcome is BLANK or outcome is UNREADABLE:
        return outcome
    part = outcome[index]
    return BLANK if part is None else part


# --- identifiers and text ----------------------------------------------------------------

_WHOLE_NUMBER_TEXT = re.compile(r"(\d+)\.0+")


def _number_text(number: Any) -> Any:
    number = number.item() if isinstance(number, np.generic) else number
    if isinstance(number, float):
        if math.isnan(number):
            return BLANK
        if number.is_integer():
            return str(int(number))
    return str(number)


def id_value(value: Any) -> Any:
    # Most cells of a large export are plain ints or str: answer those first.
    kind = type(value)
    if kind is int:
        return str(value)
    if kind is float and value.is_integer():  # calamine reads every number as a float
        return str(int(value))
    if isinstance(value, (bool, np.bool_, dt.date, dt.time)):
        return UNREADABLE
    if is_number(value):
        return _number_text(value)
    text = str(value).strip()
    # "1234.0" is an Excel number that went through a CSV; it must join to 1234.
    if text.endswith("0") and (match := _WHOLE_NUMBER_TEXT.fullmatch(text)):
        return match.group(1)
    return text


def parse_id(cells: pd.Series) -> Parsed:
    """Whole numbers (1234.0) -> '1234'; text stripped -> string dtype."""
    if isinstance(cells.dtype, pd.StringDtype):  # a large CSV's column as read: text, every cell
        ids = _text_ids(cells)
        assert ids is not None  # _text_ids answers for every string column
        return ids
    return _whole_number_ids(cells) or _text_ids(cells) or map_distinct(cells, id_value, STRING, pd.NA)


def _text_ids(cells: pd.Series) -> Parsed | None:
    """A CSV's identifiers, all text, done in bulk: what id_value does to each, with string operations.

    None unless every distinct value is a str, for the general path."""
    none_unreadable = pd.Series(np.zeros(len(cells), dtype=bool), index=cells.index, name=cells.name)
    if isinstance(cells.dtype, pd.StringDtype):  # a large CSV's column as read: every cell is text already
        return _mended_id_text(cells), none_unreadable
    if isinstance(cells.dtype, pd.CategoricalDtype):
        codes, uniques = cells.cat.codes.to_numpy(), cells.cat.categories.to_numpy(dtype=object)
    else:
        codes, uniques = pd.factorize(cells.to_numpy(dtype=object), use_na_sentinel=True)
    if len(uniques) == 0 or not all(type(value) is str for value in uniques):
        return None
    text = _mended_id_text(pd.Series(uniques, dtype=STRING))
    values = pd.concat([text, pd.Series([pd.NA], dtype=STRING)], ignore_index=True).array.take(codes)
    return pd.Series(values, index=cells.index, name=cells.name), none_unreadable


def _mended_id_text(text: pd.Series) -> pd.Series:
    """Identifiers as text, stripped, "1234.0" as "1234" (an Excel number that went through a CSV must join
    to 1234, as in id_value), blank as NA. Employee numbers of digits alone need none of it."""
    if text.str.isdecimal().fillna(False).all():
        return text.astype(STRING)
    text = text.str.strip()
    if text.str.contains(".", regex=False).any():
        text = text.str.replace(f"^{_WHOLE_NUMBER_TEXT.pattern}$", r"\1", regex=True)
    return text.mask(text == "").astype(STRING)


def _whole_number_ids(cells: pd.Series) -> Parsed | None:
    """The common case done in bulk: a column of employee numbers that are all whole numbers.

    Identifiers are nearly all distinct, so parsing each distinct value once saves nothing;
    None when any cell is text, a fraction or anything else, for the general path.
    """
    raw = cells.to_numpy(dtype=object)
    kinds = {type(value) for value in raw}
    if not kinds <= {float, int, type(None)} or kinds <= {type(None)}:
        return None
    numbers = pd.array(raw, dtype="Float64")
    present = numbers[~numbers.isna()]
    # FloatingArray.round exists (pandas' masked arrays have it); pandas-stubs does not declare it.
    if len(present) and not bool((present == present.round()).all()):  # type: ignore[attr-defined]
        return None
    text = pd.Series(numbers.astype("Int64"), index=cells.index, name=cells.name).astype(STRING)
    return text, pd.Series(False, index=cells.index, name=cells.name)


def text_value(value: Any) -> Any:
    if type(value) is str:
        return value.strip()
    if isinstance(value, (bool, np.bool_)):
        return "Yes" if value else "No"
    if is_number(value):
        return _number_text(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


def parse_text(cells: pd.Series) -> Parsed:
    """Stripped text (categorical); numbers as their text; blank -> NA. Nothing is unreadable."""
    return map_distinct(cells, text_value, CATEGORY, pd.NA)


# --- service -----------------------------------------------------------------------------

ADULTS = "Adults"
CHILDRENS = "Children's"

_ADULTS_SPELLINGS = frozenset({
    "adults", "adult", "asc", "adult social care", "adults social care", "adult services",
    "adults services", "adult care", "adult care services", "adults and health",
    "health and adult social care", "adult social services", "adult health and social care",
    "adults and social care", "adults health and care", "adults and communities",
    "adults wellbeing and health", "adult social work", "department of adult social care",
    "adult social care and health", "adults health and wellbeing",
})
_CHILDRENS_SPELLINGS = frozenset({
    "childrens", "children", "csc", "cs", "childrens services", "children services",
    "childrens social care", "children social care", "children and families",
    "childrens and families", "children families", "children and family services",
    "children and families services", "children young people and families",
    "children and young people", "children and young peoples services", "cyp",
    "families children and learning", "childrens social work", "children families and education",
    "childrens services and education", "department for children and families",
})


# "Adult Social Care – Provider Services", "Children's Services: Early Help": a department
# and the part of it, in the department's name first.
_SUBDIVISION = re.compile(r"\s+[-–—|/]\s+|:\s*")


def _service_of(text: str) -> str | None:
    key = normalise_heading(text.replace("'", "").replace("’", ""))
    if key in _ADULTS_SPELLINGS:
        return ADULTS
    if key in _CHILDRENS_SPELLINGS:
        return CHILDRENS
    return None


def service_value(value: Any) -> Any:
    text = text_value(value)
    if text is BLANK or text is UNREADABLE or not text:
        return BLANK
    return _service_of(text) or _service_of(_SUBDIVISION.split(text, maxsplit=1)[0]) or text


def parse_service(cells: pd.Series) -> Parsed:
    """Adult and children's social care spellings -> 'Adults' / "Children's"; others as written."""
    return map_distinct(cells, service_value, CATEGORY, pd.NA)


PARSERS: dict[str, Callable[[pd.Series], Parsed]] = {
    "id": parse_id,
    "text": parse_text,
    "ethnicity": parse_text,  # classified later (data_loaders.ethnicity); kept as written here
    "money": parse_money,
    "date": parse_date,
    "flag": parse_flag,
    "opinion": parse_opinion,
    "satisfaction": parse_satisfaction,
    "adjustments": parse_adjustments,
    "score": parse_score,
    "executive": parse_executive,
    "voting": parse_voting,
    "service": parse_service,
    "outcome": parse_text,  # the text is kept; parse_outcome derives shortlisted/appointed
}

DTYPES: dict[str, Any] = {
    "id": STRING,
    "text": CATEGORY,
    "ethnicity": CATEGORY,
    "service": CATEGORY,
    "outcome": CATEGORY,
    "money": FLOAT,
    "date": DATETIME,
    "flag": BOOLEAN,
    "opinion": BOOLEAN,
    "satisfaction": BOOLEAN,
    "adjustments": CATEGORY,
    "score": FLOAT,
    "executive": BOOLEAN,
    "voting": BOOLEAN,
}
