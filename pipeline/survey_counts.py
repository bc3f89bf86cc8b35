"""A staff survey's results as counts by group: the NHS Staff Survey's local results as trusts receive them, or a
council's own survey tabulated the same way, read into the counts the survey metrics are computed from.

Two shapes are read, told apart by their headings:

- long: a row per question and group. A question column (the NHS Staff Survey's code, "Q14a", or the question's
  words), a group column (the group's name; with a breakdown column saying whose groups they are, "Ethnicity",
  "Disability", or a group column headed "Ethnic group" or "Disability"), the respondents (n, base) and either
  the number answering yes (positively) or the percentage;
- wide: a row per question, a pair of columns per group: "BME %" and "BME n", "White %" and "White n" (or
  "BME yes" for a count).

Where only a percentage is given, the yes count is worked back: yes = percentage x respondents / 100, rounded to
a whole person (half up), and a note says so. Groups are classified as the records' labels are (detailed ethnic
categories add up into their group; "Yes" / "No" to the disability question are disabled / non-disabled), and
question codes are read by the survey year's codes (data_loaders.survey_codes). The counts go into the engine as
a counts template's do (pipeline.api): one FigureSet per comparison the file holds (ethnic groups for the race
standards, disability for the WDES), filling the survey metrics the records did not give.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from data_loaders.cell_address import column_letters
from data_loaders.comparison import DISABILITY, ETHNICITY, Comparison, comparison_named
from data_loaders.disability import recognise_disability
from data_loaders.errors import InputError
from data_loaders.ethnicity import classify_label, group_of
from data_loaders.report import RawSheet
from data_loaders.schema import SCHEMAS, normalise_heading
from data_loaders.survey_codes import DEFAULT_SURVEY_YEAR, SurveyYear, code_in, known_years, survey_year
from metrics.counts import COUNT_COLUMNS, DataQuality, FigureSet, Period, empty_counts, validate_counts
from metrics.registry import METRICS, MetricDefinition
from pipeline.template import comparisons_of, group_of_label

Shape = Literal["long", "wide"]
SHAPE_WORDS: dict[str, str] = {
    "long": "counts by group, a row per question and group",
    "wide": "counts by group, a row per question with a pair of columns per group",
}

# Headings, compared after normalise_heading.
_QUESTION = ("question code", "question number", "question no", "question id", "question ref", "q code", "code",
             "question", "survey question", "item", "question text")
_BREAKDOWN = ("breakdown", "breakdown type", "breakdown category", "breakdown variable", "demographic",
              "characteristic", "protected characteristic", "group type", "demographic type")
_GROUP = ("group", "breakdown group", "breakdown value", "group value", "subgroup", "sub group", "demographic group",
          "respondent group", "value")
_RESPONDENTS = ("n", "base", "base n", "base size", "respondents", "number of respondents", "total respondents",
                "responses", "number of responses", "total responses", "answered", "number answering")
_YES = ("yes", "number yes", "yes n", "n yes", "count yes", "yes count", "positive", "number positive",
        "positive n", "positive responses", "number answering yes", "said yes")
_PERCENT = ("%", "% yes", "yes %", "percentage", "percent", "% positive", "positive %", "percentage positive",
            "percentage yes", "pct")
_YEAR = ("survey year", "year")
# Words naming whose groups a breakdown (or a group column, or a wide heading's prefix) holds.
_COMPARISON_WORDS: dict[str, tuple[str, ...]] = {
    "ethnicity": ("ethnicity", "ethnic group", "ethnic background", "ethnic origin", "ethnic"),
    "disability": ("disability", "disabled", "disability status", "long term condition",
                   "long term health condition", "ltc", "physical or mental health condition"),
}
# Breakdowns the standards do not compare: their rows or columns are left out, with a note.
_OTHER_BREAKDOWNS = ("gender", "sex", "age", "age group", "religion", "sexual orientation", "staff group",
                     "occupation", "occupational group", "directorate", "division", "site", "band", "pay band",
                     "carer", "caring responsibilities", "length of service", "working pattern")
_TOTALS = ("total", "all", "all staff", "all respondents", "overall", "organisation", "organisation total",
           "trust", "trust total", "whole organisation", "grand total")
# Cells the survey's reports print where a small group's figure is held back.
_SUPPRESSED = ("*", "-", "x", "c", "s", "[c]", "[x]", "[z]", "n/a", "na", "suppressed", "..")
_NUMBER = re.compile(r"^[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$")
_STAFF_SURVEY_YEAR = re.compile(r"staff survey (20\d\d)\b")
_HEADING_ROWS = 30


@dataclass
class SurveyCounts:
    """What a survey results file holds: counts for each comparison it breaks down by (comparison key -> the
    survey metrics' counts), the shape read and the year whose codes were used."""

    file: str
    shape: Shape
    year: int
    figures: dict[str, FigureSet] = field(default_factory=dict)
    # Said once for the file, whichever standard is chosen: the shape read, the year, rows not used.
    notes: list[str] = field(default_factory=list)
    # Questions as written that no metric reads (neither a code of the year nor mapped): the Data page offers them
    # to be mapped to a standard's question.
    unused: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Layout:
    sheet: RawSheet
    shape: Shape
    heading_row: int
    questions: tuple[int, ...]  # columns that may name the question, the codes' first
    breakdown: int | None = None
    group: int | None = None
    group_comparison: str | None = None  # the comparison a group column's heading names ("Ethnic group")
    respondents: int | None = None
    yes: int | None = None
    percent: int | None = None
    year: int | None = None
    # wide: (column of the respondents, column of yes or None, column of the percentage or None, group label)
    pairs: tuple[tuple[int, int | None, int | None, str], ...] = ()


@dataclass
class _Entry:
    row: int  # spreadsheet row number
    label: str  # the group as written
    comparison: str | None  # None: a "prefer not to say" that either comparison may own
    group: str
    column: str  # the survey column (the question)
    yes: int
    n: int
    worked_back: bool


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _find(headings: list[str], words: tuple[str, ...]) -> int | None:
    """The column of the first heading among `words`, in the order of `words`."""
    for word in words:
        if word in headings:
            return headings.index(word)
    return None


def _comparison_in(text: str) -> str | None:
    """The comparison a breakdown's words name ("Ethnic group", "Ethnicity (detailed)" -> ethnicity), or None."""
    for key, words in _COMPARISON_WORDS.items():
        if any(text == word or text.startswith(word + " ") for word in words):
            return key
    return None


def _measure(heading: str) -> tuple[str, str] | None:
    """A wide heading's group and measure: 'bme %' -> ('bme', 'percent'), 'white n' -> ('white', 'n')."""
    if heading.endswith("%"):
        return heading[:-1].strip(), "percent"
    if heading.startswith("% "):
        return heading[2:].strip(), "percent"
    words = heading.rsplit(" ", 1)
    if len(words) == 2 and words[0]:
        label, last = words
        if last in ("n", "base", "respondents"):
            return label, "n"
        if last in ("percentage", "percent", "pct"):
            return label, "percent"
        if last in ("yes", "positive"):
            return label, "yes"
    return None


def _layout(sheet: RawSheet) -> _Layout | None:
    """Where a sheet's survey counts are, if it holds them."""
    for row_index, row in enumerate(sheet.rows[:_HEADING_ROWS]):
        headings = [normalise_heading(_text(cell)) for cell in row]
        questions = [i for i, h in enumerate(headings) if h in _QUESTION]
        if not questions:
            continue
        questions.sort(key=lambda i: _QUESTION.index(headings[i]))
        respondents = _find(headings, _RESPONDENTS)
        yes, percent = _find(headings, _YES), _find(headings, _PERCENT)
        group = _find(headings, _GROUP)
        group_comparison = None
        if group is None:
            group = next((i for i, h in enumerate(headings) if _comparison_in(h)), None)
            group_comparison = _comparison_in(headings[group]) if group is not None else None
        year = _find(headings, _YEAR)
        if group is not None and respondents is not None and (yes is not None or percent is not None):
            breakdown = _find(headings, _BREAKDOWN)
            return _Layout(sheet, "long", row_index, tuple(questions), breakdown, group, group_comparison,
                           respondents, yes, percent, year)
        measures: dict[str, dict[str, int]] = {}
        for column, heading in enumerate(headings):
            found = _measure(heading)
            if found is not None:
                measures.setdefault(found[0], {}).setdefault(found[1], column)
        pairs = tuple((m["n"], m.get("yes"), m.get("percent"), label) for label, m in measures.items()
                      if "n" in m and ("yes" in m or "percent" in m))
        if len(pairs) >= 2:
            return _Layout(sheet, "wide", row_index, tuple(questions), year=year, pairs=pairs)
    return None


def is_survey_counts(sheets: list[RawSheet]) -> bool:
    """Whether any sheet holds a survey's results as counts by group (a question column, groups, respondents)."""
    return any(_layout(sheet) is not None for sheet in sheets)


class _Reader:
    """One sheet's survey counts, with the row numbers and cell addresses a person sees."""

    def __init__(self, file: str, layout: _Layout, year_setting: int | None,
                 mapping: Mapping[str, str] | None, sheet_comparison: str | None = None) -> None:
        self.file = file
        self.layout = layout
        self.sheet = layout.sheet
        # The comparison the sheet's name says its groups are of (a workbook of a sheet per breakdown), or None.
        self.sheet_comparison = sheet_comparison
        self.year_setting = year_setting
        self.notes: list[str] = []
        self.unused: list[str] = []
        # A heading the person has mapped a survey column to (data page, --column) names that question here too.
        self.mapped = {normalise_heading(heading): column for column, heading in (mapping or {}).items()}
        survey_columns = question_columns()
        # The standard's own words for a question ("harassment from public"), codes left to the year's table.
        self.worded = {heading: column for column in survey_columns if column in SCHEMAS["survey"].column_names
                       for heading in SCHEMAS["survey"].column(column).headings if code_in(heading) is None}

    def row_number(self, row: int) -> int:
        return self.sheet.first_row + row

    def ref(self, row: int, column: int) -> str:
        return f"{column_letters(column + 1)}{self.row_number(row)}"

    def value(self, row: int, column: int | None) -> Any:
        if column is None or row >= len(self.sheet.rows) or column >= len(self.sheet.rows[row]):
            return None
        value = self.sheet.rows[row][column]
        return None if isinstance(value, str) and not value.strip() else value

    def error(self, problem: str, *, row: int | None = None, advice: str | None = None) -> InputError:
        return InputError(problem, file=self.file, sheet=self.sheet.name or None,
                          row=None if row is None else self.row_number(row), advice=advice)

    # -- the survey year --------------------------------------------------------------------------------------

    def year(self) -> tuple[int, str]:
        """The survey year and what said it."""
        stated: list[tuple[int, str]] = []
        layout = self.layout
        if layout.year is not None:
            years: dict[int, int] = {}
            for row in range(layout.heading_row + 1, len(self.sheet.rows)):
                cell = self.value(row, layout.year)
                if cell is None:
                    continue
                year = self._year_value(cell)
                if year is None:
                    raise self.error(f"the survey year {_text(cell)!r} in cell {self.ref(row, layout.year)} is not a "
                                     "year", row=row, advice="Write the year of the survey, for example 2024.")
                years.setdefault(year, row)
            if len(years) > 1:
                (first, at), (second, later) = sorted(years.items(), key=lambda kv: kv[1])[:2]
                raise self.error(f"rows {self.row_number(at)} and {self.row_number(later)} are of different survey "
                                 f"years ({first} and {second})",
                                 advice="Give one survey year's results per file: question codes differ by year.")
            if years:
                stated.append((next(iter(years)), "the file's survey year column"))
        for row in range(layout.heading_row):
            for column in range(len(self.sheet.rows[row])):
                text = normalise_heading(_text(self.value(row, column)))
                if text.startswith("survey year"):
                    beside = self.value(row, column + 1)
                    year = self._year_value(beside) if beside is not None else self._year_value(text[11:])
                    if year is not None:
                        stated.append((year, f"the file's survey year (cell {self.ref(row, column)})"))
                elif (found := _STAFF_SURVEY_YEAR.search(text)) is not None:
                    stated.append((int(found.group(1)), f"the file's title (cell {self.ref(row, column)})"))
        if stated:
            year, said = stated[0]
            if self.year_setting is not None and self.year_setting != year:
                raise self.error(f"the survey year chosen is {self.year_setting}, but {said} says {year}",
                                 advice="Choose the year the file is of, or leave the survey year unset.")
            return year, said
        if self.year_setting is not None:
            return self.year_setting, "the survey year chosen"
        return DEFAULT_SURVEY_YEAR, "the default, as the file does not say (a 'Survey year' cell or column does)"

    @staticmethod
    def _year_value(cell: Any) -> int | None:
        text = _text(cell)
        found = re.search(r"\b(19|20)\d\d\b", text)
        return int(found.group(0)) if found else None

    # -- questions ----------------------------------------------------------------------------------------------

    def question(self, row: int, codes: SurveyYear | None) -> tuple[str | None, str]:
        """The survey column a row's question is, and the question as written."""
        written = ""
        for column in self.layout.questions:
            cell = _text(self.value(row, column))
            if not cell:
                continue
            written = written or cell
            text = normalise_heading(cell)
            code = code_in(text)
            if text in self.mapped:
                return self.mapped[text], cell
            if code is not None and code in self.mapped:
                return self.mapped[code], cell
            if code is not None and codes is not None and code in codes.codes:
                return codes.codes[code], cell
            if text in self.worded:
                return self.worded[text], cell
        return None, written

    # -- numbers ------------------------------------------------------------------------------------------------

    def number(self, row: int, column: int | None, what: str) -> float | None | Literal["suppressed"]:
        """A count or percentage cell: its number, None when blank, 'suppressed' where the survey held it back."""
        cell = self.value(row, column)
        if cell is None:
            return None
        assert column is not None  # a cell was read from it
        if isinstance(cell, bool):
            raise self.error(f"{what} in cell {self.ref(row, column)} is {cell}, not a number", row=row,
                             advice="Enter the number.")
        if isinstance(cell, int | float):
            number = float(cell)
        else:
            text = str(cell).strip()
            if text.lower() in _SUPPRESSED or text.startswith("<"):
                return "suppressed"
            plain = text.rstrip("%").strip().replace(" ", "")
            if not _NUMBER.match(plain):
                raise self.error(f"{what} in cell {self.ref(row, column)} is {text!r}, not a number", row=row,
                                 advice="Enter the number, or leave the cell blank.")
            number = float(plain.replace(",", ""))
        if math.isnan(number) or math.isinf(number):
            raise self.error(f"{what} in cell {self.ref(row, column)} is not a number", row=row,
                             advice="Enter the number.")
        if number < 0:
            raise self.error(f"{what} in cell {self.ref(row, column)} is {number:g}, below zero", row=row,
                             advice="A count or percentage cannot be negative: check the cell.")
        return number


def _classify(label: str, comparison: str | None) -> tuple[str | None, str] | None:
    """(comparison key, group) of a group's name; the comparison None for a "prefer not to say" either may own;
    None when the name is no group of a comparison asked for."""
    def ethnic(text: str) -> str | None:
        group = group_of_label(text, ETHNICITY)
        if group is None:
            classification = classify_label(text)
            group = group_of(classification) if classification is not None else None
        return group

    def disabled(text: str) -> str | None:
        return recognise_disability(text) if text.strip() else None

    if comparison == "ethnicity":
        group = ethnic(label)
        return (comparison, group) if group is not None else None
    if comparison == "disability":
        group = disabled(label)
        return (comparison, group) if group is not None else None
    by_ethnicity, by_disability = ethnic(label), disabled(label)
    if by_ethnicity in ETHNICITY.known:
        return "ethnicity", by_ethnicity
    if by_disability in DISABILITY.known:
        return "disability", by_disability
    if by_ethnicity is not None or by_disability is not None:
        return None, "unknown"
    return None


def question_columns() -> tuple[str, ...]:
    """The survey columns the standards' metrics count (metrics.registry, Question.column), in the schema's order."""
    asked = {q.column for d in METRICS.values() if d.kind == "survey" for q in d.questions}
    return tuple(column for column in SCHEMAS["survey"].column_names if column in asked)


def _is_total(label: str) -> bool:
    text = normalise_heading(label)
    return text in _TOTALS or text.startswith("total ")


def _group_advice(comparison: str | None) -> str:
    if comparison == "ethnicity":
        return ("Write the group as the survey names it (White, BME, Asian / Asian British, Black / African / "
                "Caribbean / Black British, Mixed / Multiple ethnic groups, Any other ethnic group, Prefer not to "
                "say), or delete the row")
    if comparison == "disability":
        return ("Write the answer to the disability question (Yes, No, Prefer not to say) or Disabled / "
                "Non-disabled, or delete the row")
    return ("Write an ethnic group (White, BME or a detailed category) or a disability answer (Disabled, "
            "Non-disabled, Prefer not to say); or add a Breakdown column saying Ethnicity or Disability for each row "
            "(rows of other breakdowns, such as gender, are then left out); or delete the row")


def read_survey_counts(sheets: list[RawSheet], *, file: str = "", survey_year_setting: int | None = None,
                       mapping: Mapping[str, str] | None = None) -> SurveyCounts:
    """The counts a survey results file holds; InputError, naming the row and what to do, for anything a person
    must fix. `mapping` is the survey dataset's column mapping ({column: heading}): a question written so is read
    as that column."""
    file = file or (sheets[0].file if sheets else "")
    layouts = [layout for sheet in sheets if (layout := _layout(sheet)) is not None]
    if not layouts:
        raise InputError("this is not a survey's results by group: no sheet has a question column with groups and "
                         "respondents", file=file,
                         advice="Give the survey's results with a Question, a Group, an n (respondents) and a Yes "
                                "or % column, or a row per question with a pair of columns per group (BME %, BME n).")
    # A workbook may give a sheet per breakdown ("Ethnicity", "Disability", "Gender"): each sheet's name says whose
    # groups it holds, unless its rows say; a sheet of another breakdown is left out.
    readers: list[_Reader] = []
    left_out: list[str] = []
    for layout in layouts:
        named = _comparison_in(normalise_heading(layout.sheet.name)) if len(layouts) > 1 else None
        if len(layouts) > 1 and named is None and _is_other_breakdown(normalise_heading(layout.sheet.name)):
            left_out.append(layout.sheet.name)
            continue
        readers.append(_Reader(file, layout, survey_year_setting, mapping, named))
    if not readers:
        raise InputError("every sheet of survey results is of a breakdown the standards do not compare: "
                         + ", ".join(repr(name) for name in left_out), file=file,
                         advice="Give the results by ethnic group or by disability.")
    years = [(reader, *reader.year()) for reader in readers]
    reader, year, said = years[0]
    for other, other_year, other_said in years[1:]:
        if other_year != year:
            raise other.error(f"the sheet is of the {other_year} survey ({other_said}), but sheet "
                              f"{reader.sheet.name!r} is of {year} ({said})",
                              advice="Give one survey year's results per file: question codes differ by year.")
    codes = survey_year(year)
    if codes is None and not reader.mapped:
        raise reader.error(
            f"the survey is of {year} ({said}), and the NHS Staff Survey's question codes for {year} are not known "
            f"to the tool (it knows {known_years()}; questions are renumbered between years)",
            advice="Map each question to the standard's: in the app, the Data page's column choices for the survey; "
                   "on the command line, --column \"survey.harassment_public=Q13a\" and so on (the README lists the "
                   "survey's columns).")
    seen: dict[tuple[str | None, str, str], tuple[str, int]] = {}
    entries = [entry for one in readers for entry in _entries(one, codes, seen)]
    counts = SurveyCounts(file, reader.layout.shape, year)
    shapes = {one.layout.shape for one in readers}
    shape_note = f"{file}: the staff survey was read as " + (
        SHAPE_WORDS[counts.shape] if len(shapes) == 1 else
        "; ".join(f"sheet {one.sheet.name!r}, {SHAPE_WORDS[one.layout.shape]}" for one in readers))
    if len(readers) > 1 and len(shapes) == 1:
        shape_note += " (sheets " + ", ".join(repr(one.sheet.name) for one in readers) + ")"
    if codes is None:
        counts.notes.append(f"{shape_note}; survey year {year} ({said}), whose codes the tool does not know, so "
                            "only the questions mapped by hand were read.")
    elif codes.verified:
        counts.notes.append(f"{shape_note}; question codes of the {year} survey ({said}).")
    else:
        counts.notes.append(f"{shape_note}; question codes of the {year} survey ({said}), {codes.source}.")
    for one in readers:
        counts.notes.extend(one.notes)
        counts.unused.extend(q for q in one.unused if q not in counts.unused)
    if left_out:
        counts.notes.append(f"{file}: sheets of breakdowns the standards do not compare were left out: "
                            + ", ".join(repr(name) for name in left_out) + ".")
    worked_back = [e for e in entries if e.worked_back]
    if worked_back:
        counts.notes.append(
            f"{file}: the numbers answering yes were worked back from percentages in {len(worked_back):,} "
            f"{'row' if len(worked_back) == 1 else 'rows'} (yes = percentage x respondents / 100, rounded to a whole "
            "person), so a count may differ by one from the survey's own; the ratios rest on these counts.")
    counts.figures = _figure_sets(file, entries)
    if not any(figures.available for figures in counts.figures.values()):
        # Kept, not refused: the Data page offers the file's questions to be mapped to the standard's.
        known = f"the {year} survey's codes: " + ", ".join(sorted(codes.codes, key=_code_order)) if codes else \
            "no codes are known for its year"
        counts.notes.append(f"{file}: no row gives a question the standards use with counts for both groups compared, "
                            f"so the file gives no figures. Check the question codes ({known}) and the groups, or "
                            "map your own questions to the standard's (the Data page, under the file; --column "
                            "\"survey.COLUMN=QUESTION\").")
    return counts


def _code_order(code: str) -> tuple[int, str]:
    found = re.match(r"q(\d+)(.*)", code)
    return (int(found.group(1)), found.group(2)) if found else (0, code)


def _entries(reader: _Reader, codes: SurveyYear | None,
             seen: dict[tuple[str | None, str, str], tuple[str, int]]) -> list[_Entry]:
    layout = reader.layout
    rows = reader.sheet.rows
    entries: list[_Entry] = []
    not_used: dict[str, list[int]] = {}
    other_breakdowns: dict[str, int] = {}
    suppressed: list[int] = []

    def values(row: int, label: str, respondents: int | None, yes: int | None,
               percent: int | None) -> tuple[int, int, bool] | None:
        """(yes, n, worked back) of one group's cells; None when blank or suppressed."""
        # A percentage column of Excel's percentage cells holds fractions of 1 (_percent_fractions).
        scale = 100.0 if percent in fractions else 1.0
        n = reader.number(row, respondents, f"the respondents for {label!r}")
        count = reader.number(row, yes, f"the number answering yes for {label!r}")
        pct = reader.number(row, percent, f"the percentage for {label!r}")
        if isinstance(pct, float):
            pct *= scale
        if "suppressed" in (n, count, pct):
            suppressed.append(reader.row_number(row))
            return None
        if n is None and count is None and pct is None:
            return None
        assert not isinstance(n, str) and not isinstance(count, str) and not isinstance(pct, str)  # suppressed: above
        if n is None:
            assert respondents is not None  # every layout has a respondents column
            raise reader.error(f"there is no number of respondents for {label!r} (cell {reader.ref(row, respondents)})",
                               row=row, advice="Enter the respondents (n, the base) beside the figure.")
        if not n.is_integer():
            raise reader.error(f"the respondents for {label!r} (cell {reader.ref(row, respondents or 0)}) are {n:g}, "
                               "not a whole number", row=row, advice="Enter the number of people who answered.")
        if count is None and pct is None:
            where = reader.ref(row, yes if yes is not None else percent or 0)
            raise reader.error(f"there are respondents for {label!r} but no number answering yes or percentage "
                               f"(cell {where})", row=row, advice="Enter the figure, or delete the row.")
        if count is not None:
            if not count.is_integer():
                raise reader.error(f"the number answering yes for {label!r} (cell {reader.ref(row, yes or 0)}) is "
                                   f"{count:g}, not a whole number", row=row,
                                   advice="Enter a count of people; a percentage goes in a % column.")
            events, worked_back = int(count), False
        else:
            assert pct is not None  # one of the two is given: checked above
            if pct > 100:
                raise reader.error(f"the percentage for {label!r} (cell {reader.ref(row, percent or 0)}) is {pct:g}, "
                                   "over 100", row=row, advice="Check the cell: a percentage is 0 to 100.")
            # Half up, as a person rounds: 12.5 people is 13.
            events, worked_back = math.floor(pct * n / 100 + 0.5), True
        if events > n:
            raise reader.error(f"{events:,} answered yes for {label!r} but only {int(n):,} answered "
                               f"(cell {reader.ref(row, yes or 0)})", row=row,
                               advice="Check both counts: those answering yes are among the respondents.")
        return events, int(n), worked_back

    wide_groups: list[tuple[tuple[str | None, str] | None, tuple[int, int | None, int | None, str]]] = []
    if layout.shape == "wide":
        fractions = _percent_fractions(reader, [p[2] for p in layout.pairs if p[2] is not None])
        for pair in layout.pairs:
            label = pair[3]
            comparison, rest = _prefixed(label)
            comparison = comparison or reader.sheet_comparison
            if comparison == "other":
                other_breakdowns[label] = other_breakdowns.get(label, 0) + 1
                continue
            if _is_total(rest):
                continue
            classified = _classify(rest, comparison)
            if classified is None:
                first = min(c for c in pair[:3] if isinstance(c, int))
                heading = _text(reader.value(layout.heading_row, first))
                raise reader.error(f"the heading {heading!r} (cell {reader.ref(layout.heading_row, first)}) is not "
                                   "for a group the tool recognises", row=layout.heading_row,
                                   advice=_group_advice(comparison).replace("or delete the row",
                                                                            "or delete its columns"))
            wide_groups.append((classified, pair))
    else:
        fractions = _percent_fractions(reader, [layout.percent] if layout.percent is not None else [])

    for row in range(layout.heading_row + 1, len(rows)):
        column, written = reader.question(row, codes)
        if not written:
            continue
        if column is None:
            not_used.setdefault(written, []).append(reader.row_number(row))
            continue
        if layout.shape == "wide":
            for classified, (n_col, yes_col, pct_col, label) in wide_groups:
                assert classified is not None  # unrecognised groups were refused above
                found = values(row, label, n_col, yes_col, pct_col)
                if found is None:
                    continue
                yes, n, worked_back = found
                _add(reader, entries, seen, _Entry(reader.row_number(row), label, classified[0], classified[1],
                                                   column, yes, n, worked_back))
            continue
        comparison = layout.group_comparison or reader.sheet_comparison
        if layout.breakdown is not None:
            breakdown = normalise_heading(_text(reader.value(row, layout.breakdown)))
            if breakdown:
                comparison = _comparison_in(breakdown)
                if comparison is None:
                    written_breakdown = _text(reader.value(row, layout.breakdown))
                    other_breakdowns[written_breakdown] = other_breakdowns.get(written_breakdown, 0) + 1
                    continue
        label = _text(reader.value(row, layout.group))
        if not label:
            if any(reader.value(row, c) is not None for c in (layout.respondents, layout.yes, layout.percent)):
                assert layout.group is not None  # a long layout has a group column
                raise reader.error(f"there are counts for {written!r} but no group (cell "
                                   f"{reader.ref(row, layout.group)})", row=row,
                                   advice="Enter the group the counts are for, or delete the row.")
            continue
        if _is_total(label):
            continue
        classified = _classify(label, comparison)
        if classified is None:
            raise reader.error(f"the group {label!r} is not a group the tool recognises"
                               + (f" as {ETHNICITY.what if comparison == 'ethnicity' else DISABILITY.what}"
                                  if comparison else ""), row=row, advice=_group_advice(comparison))
        found = values(row, label, layout.respondents, layout.yes, layout.percent)
        if found is None:
            continue
        yes, n, worked_back = found
        _add(reader, entries, seen, _Entry(reader.row_number(row), label, classified[0], classified[1], column, yes,
                                           n, worked_back))

    _settle_unknowns(reader, entries)
    if fractions:
        reader.notes.append(f"{reader.file}: every percentage was 1 or less, so they were read as fractions of 1 "
                            "(0.25 is 25%), as Excel keeps a cell formatted as a percentage.")
    reader.unused = list(not_used)
    if not_used:
        listed = "; ".join(f"{q!r} (row {', '.join(str(r) for r in rows_[:3])}{' ...' if len(rows_) > 3 else ''})"
                           for q, rows_ in list(not_used.items())[:8])
        more = f" and {len(not_used) - 8:,} more" if len(not_used) > 8 else ""
        questions = "1 question" if len(not_used) == 1 else f"{len(not_used):,} questions"
        reader.notes.append(f"{reader.file}: {questions} not used by any standard's metric were left out: "
                            f"{listed}{more}. If one is a standard's question under another name or "
                            "code, map it (the Data page's column choices; --column \"survey.COLUMN=Q21\").")
    if other_breakdowns:
        reader.notes.append(f"{reader.file}: breakdowns the standards do not compare were left out: "
                            + ", ".join(f"{b!r}" for b in other_breakdowns) + ".")
    if suppressed:
        shown = ", ".join(str(r) for r in suppressed[:10]) + (" ..." if len(suppressed) > 10 else "")
        held = ("1 figure held back by the survey (a small group) is" if len(suppressed) == 1 else
                f"{len(suppressed):,} figures held back by the survey (small groups) are")
        reader.notes.append(f"{reader.file}: {held} not counted (row{'' if len(suppressed) == 1 else 's'} {shown}).")
    return entries


def _is_other_breakdown(text: str) -> bool:
    return any(text == word or text.startswith(word + " ") for word in _OTHER_BREAKDOWNS)


def _prefixed(label: str) -> tuple[str | None, str]:
    """A wide heading's breakdown, if its group is prefixed by one ('ethnicity bme' -> ('ethnicity', 'bme');
    'gender male' -> ('other', 'male')), and the group."""
    for key, words in _COMPARISON_WORDS.items():
        for word in words:
            if label.startswith(word + " "):
                return key, label[len(word) + 1:]
    for word in _OTHER_BREAKDOWNS:
        if label.startswith(word + " "):
            return "other", label[len(word) + 1:]
    return None, label


def _percent_fractions(reader: _Reader, columns: list[int]) -> set[int]:
    """The percentage columns written as fractions of 1 (Excel's percentage cells): every number in them 1 or less,
    and one of them not a whole number. Text ("25%") is a percentage as written."""
    numbers = [cell for column in columns for row in range(reader.layout.heading_row + 1, len(reader.sheet.rows))
               if isinstance(cell := reader.value(row, column), int | float) and not isinstance(cell, bool)]
    if numbers and all(0 <= n <= 1 for n in numbers) and any(not float(n).is_integer() for n in numbers):
        return set(columns)
    return set()


def _add(reader: _Reader, entries: list[_Entry], seen: dict[tuple[str | None, str, str], tuple[str, int]],
         entry: _Entry) -> None:
    key = (entry.comparison, entry.column, normalise_heading(entry.label))
    if key in seen:
        sheet, row = seen[key]
        rows = f"rows {row} and {entry.row}" if sheet == reader.sheet.name else \
            f"row {row} of sheet {sheet!r} and row {entry.row}"
        raise reader.error(f"{rows} both give the results of the same question for {entry.label!r}",
                           row=entry.row - reader.sheet.first_row, advice="Keep one row per question and group.")
    seen[key] = (reader.sheet.name, entry.row)
    entries.append(entry)


def _settle_unknowns(reader: _Reader, entries: list[_Entry]) -> None:
    """Give a "prefer not to say" row the comparison of the file's other rows; refuse it where the file has both."""
    present = {e.comparison for e in entries if e.comparison is not None}
    for entry in entries:
        if entry.comparison is not None:
            continue
        if len(present) != 1:
            raise reader.error(
                f"cannot tell whether {entry.label!r} is an answer to the ethnicity or the disability question"
                if present else f"{entry.label!r} is the only kind of group in the file, and says no one's group",
                row=entry.row - reader.sheet.first_row,
                advice="Add a Breakdown column saying Ethnicity or Disability for each row.")
        comparison = next(iter(present))
        entry.comparison = comparison
        entry.group = comparison_named(comparison).unknown.key


def _figure_sets(file: str, entries: list[_Entry]) -> dict[str, FigureSet]:
    """The survey metrics' counts for each comparison the entries hold."""
    # comparison -> column -> group -> [yes, n]
    table: dict[str, dict[str, dict[str, list[int]]]] = {}
    for entry in entries:
        assert entry.comparison is not None  # settled by _settle_unknowns
        cell = table.setdefault(entry.comparison, {}).setdefault(entry.column, {}).setdefault(entry.group, [0, 0])
        cell[0] += entry.yes
        cell[1] += entry.n
    out: dict[str, FigureSet] = {}
    for key, columns in table.items():
        comparison = comparison_named(key)
        rows: list[dict[str, Any]] = []
        quality: dict[str, DataQuality] = {}
        notes: list[str] = []
        for definition in METRICS.values():
            if definition.kind != "survey" or comparison not in comparisons_of(definition):
                continue
            first: dict[str, list[int]] | None = None
            for question in definition.questions:
                groups = columns.get(question.column)
                if groups is None:
                    if question.any_of and all(c in columns for c in question.any_of):
                        notes.append(_combined_note(file, definition, question.any_of))
                    continue
                missing = [g for g in comparison.known if g not in groups]
                if missing:
                    notes.append(f"{file}: {definition.id} ({question.label}) has no counts for "
                                 f"{' or '.join(comparison.label(g) for g in missing)}, so it was not counted from "
                                 "this file.")
                    continue
                rows.extend({"metric": definition.id, "item": question.key, "group": g, "events": float(groups[g][0]),
                             "base": float(groups[g][1])} for g in comparison.keys if g in groups)
                first = first or groups
            if first is not None:
                if comparison.unknown.key in first:
                    quality[definition.id] = DataQuality(total=sum(n for _, n in first.values()),
                                                         unknown=first[comparison.unknown.key][1])
                else:
                    notes.append(f"{definition.id} {definition.title}: the survey's results give no "
                                 f"{comparison.unknown.label} group, so how many respondents' {comparison.what} is not "
                                 f"{comparison.known_word} cannot be shown.")
        # Kept without counts too, for its notes (a question with no counts for one group says so).
        counts = validate_counts(pd.DataFrame(rows, columns=list(COUNT_COLUMNS)), comparison) if rows \
            else empty_counts()
        out[key] = FigureSet(organisation="", period=_SURVEY_PERIOD, counts=counts, quality=quality, notes=notes,
                             available=frozenset(row["metric"] for row in rows), comparison=comparison)
    return out


def _combined_note(file: str, definition: MetricDefinition, parts: tuple[str, ...]) -> str:
    return (f"{file}: {definition.id} ({definition.title}) is counted from those who said yes to either question "
            f"({' or '.join(part.replace('_', ' ') for part in parts)}), which counts by group for each question "
            "cannot give (one person may say yes to both), so it was not counted from this file. Add rows for the "
            "combined question (harassment from staff) if the survey's results give it.")


# The counts fill a period the records or the settings give (pipeline.api); this one is never shown.
_SURVEY_PERIOD = Period.twelve_months_to(dt.date(DEFAULT_SURVEY_YEAR + 1, 3, 31))


def comparison_of(counts: SurveyCounts, comparison: Comparison) -> FigureSet | None:
    """The file's counts for a standard's comparison, or None when the file does not break down by it."""
    return counts.figures.get(comparison.key)
