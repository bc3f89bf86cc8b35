"""The counts template: a workbook a person fills in with counts by group (ethnic group; disability status for the
WDES), and its reader.

Many councils hold only counts by group (what the Skills for Care Excel tool keeps), not
one row per person. They fill this workbook in Excel; `read_template` turns it into the
same `FigureSet` the person-level exports become. Every metric's words on it come from
the registry.

Whose groups a template holds is its standard's comparison (data_loaders.comparison): a template for the WDES
says so on its About sheet ("Groups: Disability status") and has a Disabled, a Non-disabled and a Not declared row;
one without that line holds ethnic groups, as every template before the WDES did.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, BinaryIO

import pandas as pd

from data_loaders.cell_address import column_letters
from data_loaders.comparison import COMPARISONS, ETHNICITY, Comparison
from data_loaders.disability import recognise_disability
from data_loaders.errors import InputError
from data_loaders.report import RawSheet
from data_loaders.schema import normalise_heading
from data_loaders.values import date_value
from metrics.counts import COUNT_COLUMNS, DataQuality, FigureSet, Period, empty_counts, validate_counts
from metrics.registry import (
    COMPARISON,
    DEFAULT_STANDARD,
    METRICS,
    STANDARDS,
    MetricDefinition,
    Question,
)
from metrics.results import MEAN_ITEM, SD_ITEM

TEMPLATE_MARKER = "WRES counts template v1"
_MARKER_WORDS = "wres counts template"

ABOUT_SHEET = "About"
ORGANISATION_LABEL = "Organisation"
PERIOD_END_LABEL = "Period end date"
# The About sheet's line saying whose groups the template holds, for a comparison other than ethnicity.
GROUPS_LABEL = "Groups"
# The template is the same for every standard of the one comparison (metrics.registry.COMPARISON), and written
# with its own labels: the organisation's word for the focus group is not the template's.
GROUP_HEADING = COMPARISON.heading
BAND_HEADING = "Pay band"
GROUP_LABELS: dict[str, str] = {group.key: group.label for group in COMPARISON.groups}


# A score metric's sheet (WDES 9a): by group, the respondents with a score, their mean and its standard deviation,
# as a trust's published summary gives them (the mean's heading is the metric's events_label).
SD_HEADING = "Standard deviation"
START_HEADCOUNT = "Headcount at start of year"
END_HEADCOUNT = "Headcount at end of year"
# The metric whose base is the mean of two headcounts (start and end of the year).
AVERAGED_BASE_METRIC = "M8"
BLANK_BANDS = 12

_SHEET_NAME_LIMIT = 31
_FORBIDDEN_IN_SHEET_NAME = re.compile(r"[:\\/?*\[\]]")
_DANGLING_WORDS = frozenset({"a", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"})
FIRST_ROW = 4  # the heading row of every metric sheet; rows above are title and notes


_NUMBER_TEXT = re.compile(r"^[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$")
# Excel serial day numbers from 2000 to 2099: a date cell that lost its date format.
EXCEL_SERIALS = (36526, 73050)

# The words councils use for the minority-ethnic group, beyond "BME" itself.
_BME_WORDS = ("minorit", "global majority", "racism", "of colour", "non white", "black asian")
_BME_TOKENS = frozenset({"bme", "bame", "baem"})
_UNKNOWN_WORDS = ("unknown", "not known", "not stated", "not recorded", "prefer not", "not disclosed",
                  "undisclosed", "not given", "not declared", "undeclared")


def sheet_name(definition: MetricDefinition) -> str:
    """'M2 Appointment from shortlisting'; cut at a word to Excel's 31 characters."""
    return fitted_sheet_name(f"{definition.id} {definition.title}")


def fitted_sheet_name(text: str) -> str:
    """`text` as a sheet's name: without the characters Excel refuses, cut at a word to its 31 characters."""
    name = _FORBIDDEN_IN_SHEET_NAME.sub(" ", text)
    name = re.sub(r"\s+", " ", name).strip()
    if len(name) <= _SHEET_NAME_LIMIT:
        return name
    words = name[: _SHEET_NAME_LIMIT + 1].split(" ")[:-1]
    # "M2 Appointment from" reads as a mistake; "M2 Appointment" does not.
    while len(words) > 2 and words[-1].lower() in _DANGLING_WORDS:
        words.pop()
    cut = " ".join(words)
    return cut if len(words) > 1 else name[:_SHEET_NAME_LIMIT]


def has_sheet(definition: MetricDefinition) -> bool:
    """Whether the metric has a sheet of counts: a narrative (WDES 9b) is written in the app's panels instead."""
    return definition.kind != "narrative"


def input_columns(definition: MetricDefinition) -> tuple[str, ...]:
    """The headings of a group-rows sheet's count columns, after the group column."""
    if definition.kind == "score":
        return (definition.base_label, definition.events_label, SD_HEADING)
    if definition.id == AVERAGED_BASE_METRIC:
        return (START_HEADCOUNT, END_HEADCOUNT, definition.events_label)
    return (definition.base_label, definition.events_label)


def question_heading(definition: MetricDefinition, label: str) -> str:
    """The words above an item's block: its outcome, and which question when the metric has several ("Respondents
    who report harassment, bullying or abuse from colleagues"; one question's outcome says it already, as the
    sentences do); an item of a representation metric is named by its label alone ("The board's voting members")."""
    if definition.kind == "representation":
        return label[:1].upper() + label[1:]
    which = f" {label}" if len(definition.questions) > 1 else ""
    return f"{definition.base_label} who {definition.outcome}{which}"


def write_template(
    target: str | os.PathLike | BinaryIO,
    *,
    organisation: str = "",
    period_end: dt.date | None = None,
    figures: FigureSet | None = None,
    standard: str = DEFAULT_STANDARD,
) -> None:
    """Write the counts workbook, a sheet for each of `standard`'s metrics: blank, or holding `figures`' counts so
    they can be re-imported."""
    # openpyxl is only needed to write; reading goes through calamine, so importing this module
    # for reading (every command-line run) does not pay for it.
    from pipeline.template_writer import write_workbook

    write_workbook(target, organisation=organisation, period_end=period_end, figures=figures, standard=standard)


# ---------------------------------------------------------------------------------------
# Reading


def is_counts_template(sheets: list[RawSheet]) -> bool:
    return _about_sheet(sheets) is not None


def read_template(sheets: list[RawSheet], *, file: str = "") -> FigureSet:
    """The figure set a filled-in counts template holds; InputError for anything a person must fix."""
    file = file or (sheets[0].file if sheets else "")
    about = _about_sheet(sheets)
    if about is None:
        raise InputError("this is not a counts template: it has no sheet saying "
                         f"'{TEMPLATE_MARKER}'", file=file,
                         advice="Download a blank counts template and copy your counts into it.")
    about_reader = _SheetReader(file, about)
    organisation = about_reader.organisation() or (PurePath(file).stem if file else "")
    period = Period.twelve_months_to(about_reader.period_end())
    comparison = about_reader.groups_compared()

    rows: list[dict[str, Any]] = []
    quality: dict[str, DataQuality] = {}
    notes: list[str] = []
    for definition in METRICS.values():
        if not has_sheet(definition):
            continue
        sheet = _metric_sheet(sheets, definition, file)
        if sheet is None:
            continue
        reader = _SheetReader(file, sheet, comparison)
        if comparison not in comparisons_of(definition):
            if reader.has_numbers():
                counted = " or ".join(sorted({c.heading.lower() for c in comparisons_of(definition)}))
                raise reader.error(
                    f"the sheet is for {definition.id}, which is counted by {counted}, but this template holds "
                    f"counts by {comparison.heading.lower()}",
                    advice="Use a counts template written for the metric's standard (python -m metrics template "
                           "OUT.xlsx --standard ...), one standard per template.")
            continue
        if definition.kind == "distribution":
            found = reader.bands(definition)
        elif definition.kind == "score":
            found = reader.scores(definition)
        elif definition.questions:
            found = reader.items(definition)
        else:
            found = reader.groups(definition)
        if found is None:
            continue
        rows.extend(found.rows)
        if found.quality is not None:
            quality[definition.id] = found.quality
        else:
            notes.append(f"{definition.id} {definition.title}: no {comparison.unknown.label} counts were entered, so "
                         f"how many people's {comparison.what} is not {comparison.known_word} cannot be shown.")
    counts = (validate_counts(pd.DataFrame(rows, columns=list(COUNT_COLUMNS)), comparison) if rows
              else empty_counts())
    return FigureSet(
        organisation=organisation,
        period=period,
        counts=counts,
        quality=quality,
        notes=notes,
        available=frozenset(row["metric"] for row in rows),
        comparison=comparison,
    )


def comparisons_of(definition: MetricDefinition) -> set[Comparison]:
    """The comparisons a metric is counted by: those of the standards that have it."""
    return {standard.comparison for standard in STANDARDS.values() if definition.id in standard.metrics}


def comparison_heading(comparison: Comparison) -> str:
    """What the About sheet's Groups line says for a comparison: its heading ("Disability status")."""
    return comparison.heading



def _number(value: object) -> float | None:
    """A cell's number: a finite int or float (not a bool), or text written as one ("1,234", with spaces); None
    otherwise."""
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        return float(text.replace(",", "")) if _NUMBER_TEXT.match(text) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None

def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _about_sheet(sheets: list[RawSheet]) -> RawSheet | None:
    for sheet in sheets:
        for row in sheet.rows[:10]:
            if any(normalise_heading(_text(v)).startswith(_MARKER_WORDS) for v in row[:5]):
                return sheet
    return None


def _metric_sheet(sheets: list[RawSheet], definition: MetricDefinition, file: str) -> RawSheet | None:
    """The sheet whose name, or else whose title cell, starts with the metric's id."""
    def starts_with_id(text: str) -> bool:
        return re.match(rf"\s*{definition.id}\b", text, flags=re.IGNORECASE) is not None

    named = [s for s in sheets if starts_with_id(s.name)]
    if len(named) > 1:
        raise InputError(f"more than one sheet is for {definition.id}: "
                         f"{', '.join(repr(s.name) for s in named)}", file=file,
                         advice="Keep one sheet per metric.")
    if named:
        return named[0]
    titled = [s for s in sheets if s.rows and s.rows[0] and starts_with_id(_text(s.rows[0][0]))]
    return titled[0] if titled else None


def group_of_label(label: Any, comparison: Comparison = ETHNICITY) -> str | None:
    """The group a heading names: 'White' -> white, 'Not stated' -> unknown, 'BAME' -> bme; under the disability
    comparison, 'Disabled' -> disabled, 'Non-disabled' -> non_disabled, 'Not declared' -> not_declared."""
    text = normalise_heading(_text(label))
    if not text:
        return None
    if comparison.key == "disability":
        return recognise_disability(_text(label))
    if any(word in text for word in _UNKNOWN_WORDS):
        return "unknown"
    if _BME_TOKENS & set(text.split()) or any(word in text for word in _BME_WORDS):
        return "bme"
    if text == "white" or text.startswith("white "):
        return "white"
    return None


def _is_total(label: Any) -> bool:
    text = normalise_heading(_text(label))
    return text.startswith("total") or text in {"grand total", "all", "all staff", "sum"}


@dataclass
class _Found:
    rows: list[dict[str, Any]]
    quality: DataQuality | None


class _SheetReader:
    """One sheet's cells, with spreadsheet addresses for messages."""

    def __init__(self, file: str, sheet: RawSheet, comparison: Comparison = ETHNICITY) -> None:
        self.file = file
        self.sheet = sheet
        self.rows = sheet.rows
        self.comparison = comparison
        self.labels = {group.key: group.label for group in comparison.groups}

    def value(self, row: int, column: int) -> Any:
        if row >= len(self.rows) or column >= len(self.rows[row]):
            return None
        value = self.rows[row][column]
        return None if isinstance(value, str) and not value.strip() else value

    def ref(self, row: int, column: int) -> str:
        return f"{column_letters(column + 1)}{self.sheet.first_row + row}"

    def row_number(self, row: int) -> int:
        return self.sheet.first_row + row

    def width(self, row: int) -> int:
        return len(self.rows[row]) if row < len(self.rows) else 0

    def error(self, problem: str, advice: str | None = None) -> InputError:
        return InputError(problem, file=self.file, sheet=self.sheet.name, advice=advice)

    def has_numbers(self) -> bool:
        """Whether any cell beside the first column holds a number (a blank sheet's cells hold words only)."""
        return any(isinstance(v, int | float) and not isinstance(v, bool)
                   for row in self.rows for v in row[1:])

    def has_entries(self, start: int, end: int) -> bool:
        """Whether anything is typed beside the first column in rows [start, end)."""
        return any(self.value(r, c) is not None for r in range(start, end) for c in range(1, self.width(r)))

    # -- About ------------------------------------------------------------------------

    def _labelled(self, words: tuple[str, ...]) -> tuple[int, int] | None:
        """(row, column) of the cell beside the first-column label that starts with one of `words`."""
        for row in range(len(self.rows)):
            if normalise_heading(_text(self.value(row, 0))).startswith(words):
                # The cell right beside the label: the About sheet keeps a hint further along the row.
                return row, 1
        return None

    def groups_compared(self) -> Comparison:
        """Whose groups the template holds: the About sheet's Groups line; ethnic groups without one."""
        place = self._labelled((normalise_heading(GROUPS_LABEL),))
        if place is None:
            return ETHNICITY
        row, column = place
        text = normalise_heading(_text(self.value(row, column)))
        if not text:
            return ETHNICITY
        for comparison in COMPARISONS.values():
            if text in (normalise_heading(comparison.heading), normalise_heading(comparison.key)):
                return comparison
        known = ", ".join(repr(c.heading) for c in COMPARISONS.values())
        raise self.error(f"the template's groups are {_text(self.value(row, column))!r} "
                         f"(cell {self.ref(row, column)}), "
                         f"which are not groups the tool compares",
                         advice=f"Write one of {known} there, as a blank counts template has it.")

    def organisation(self) -> str:
        place = self._labelled(("organisation", "organization"))
        return _text(self.value(*place)) if place else ""

    def period_end(self) -> dt.date:
        place = self._labelled(("period end",))
        if place is None:
            raise self.error(
                "there is no period end date",
                advice=f"Put '{PERIOD_END_LABEL}' in column A of the About sheet and the last day of the "
                       "12 months the counts cover (for example 31/03/2026) in the cell beside it.",
            )
        value = self.value(*place)
        ref = self.ref(*place)
        if value is None:
            raise self.error(
                "there is no period end date",
                advice=f"Enter the last day of the 12 months the counts cover (for example 31/03/2026) "
                       f"in cell {ref}, beside '{PERIOD_END_LABEL}'.",
            )
        date = _as_date(value)
        if date is None:
            raise self.error(f"the period end date in cell {ref} is '{_text(value)}', not a date",
                             advice="Enter a date such as 31/03/2026.")
        return date

    # -- counts ----------------------------------------------------------------------

    def count(self, row: int, column: int, what: str) -> int | None:
        value = self.value(row, column)
        if value is None:
            return None
        ref = self.ref(row, column)
        shown = _text(value)
        number = _number(value)
        if number is None:
            raise self.error(f"{what} in cell {ref} is '{shown}', not a number",
                             advice="Enter a whole number, or leave the cell blank.")
        if number < 0:
            raise self.error(f"{what} in cell {ref} is {shown}, but a count cannot be negative",
                             advice="Enter the number of people, 0 or more.")
        if not number.is_integer():
            raise self.error(f"{what} in cell {ref} is {shown}, not a whole number",
                             advice="Counts are numbers of people: enter a whole number.")
        return int(number)

    def _heading_row(self, labels: Sequence[str], start: int, end: int) -> tuple[int, list[int]] | None:
        """The first row in [start, end) holding every one of `labels`, and the column of each."""
        wanted = [normalise_heading(label) for label in labels]
        for row in range(start, end):
            cells = {normalise_heading(_text(self.value(row, c))): c for c in range(self.width(row) - 1, -1, -1)}
            if all(label in cells for label in wanted):
                return row, [cells[label] for label in wanted]
        return None

    def _group_rows(self, start: int, end: int, columns: Sequence[int], skip: Sequence[str] = ()) -> dict[str, int]:
        """Rows in [start, end) by the group their first cell names.

        A note that happens to name a group ("Unknown includes prefer not to say") gives way to
        the row with counts; a row with counts under a name the reader does not know is the
        minority-ethnic group when that is the one group missing.
        """
        found: dict[str, int] = {}
        unnamed_with_counts: list[int] = []
        for row in range(start, end):
            label = self.value(row, 0)
            has_counts = any(self.value(row, c) is not None for c in columns)
            group = group_of_label(label, self.comparison)
            if group is None:
                text = normalise_heading(_text(label))
                if text and has_counts and not _is_total(label) and not any(s in text for s in skip):
                    unnamed_with_counts.append(row)
                continue
            if group not in found:
                found[group] = row
            elif has_counts:
                if any(self.value(found[group], c) is not None for c in columns):
                    raise self.error(
                        f"rows {self.row_number(found[group])} and {self.row_number(row)} both say "
                        f"{self.labels[group]}",
                        advice=f"Keep one row of counts per {self.comparison.heading.lower()}.",
                    )
                found[group] = row
        focus, reference = self.comparison.known
        if focus not in found and reference in found and len(unnamed_with_counts) == 1:
            found[focus] = unnamed_with_counts[0]
        return found

    def _group_block(self, definition: MetricDefinition, start: int, end: int,
                     skip: Sequence[str] = ()) -> dict[str, tuple[int, float]] | None:
        """(events, base) by group from one block of group rows; None when the block is blank."""
        labels = input_columns(definition)
        heading = self._heading_row(labels, start, end)
        if heading is None:
            if self.has_entries(start, end):
                raise self.error(
                    f"cannot find the headings {', '.join(repr(label) for label in labels)}",
                    advice="Put the headings back as they are in a blank counts template.",
                )
            return None
        heading_row, columns = heading
        group_rows = self._group_rows(heading_row + 1, end, columns, skip)
        entries = {
            group: [self.count(row, column, f"{label} for {self.labels[group]}")
                    for label, column in zip(labels, columns, strict=True)]
            for group, row in group_rows.items()
        }
        for row in range(heading_row + 1, end):
            if row in group_rows.values() or _is_total(self.value(row, 0)):
                continue
            stray = [c for c in columns if self.value(row, c) is not None]
            if stray:
                raise self.error(
                    f"cell {self.ref(row, stray[0])} has a count, but the first cell of its row does not say "
                    f"{', '.join(self.labels[g] for g in self.comparison.keys[:-1])} or "
                    f"{self.labels[self.comparison.keys[-1]]}",
                    advice=f"Put the group's name in cell {self.ref(row, 0)}, or move the count to its group's row.",
                )
        if all(v is None for values in entries.values() for v in values):
            return None
        out: dict[str, tuple[int, float]] = {}
        for group in self.comparison.keys:
            values = entries.get(group)
            if values is None or all(v is None for v in values):
                # One group's percentage (WDES 8) needs only that group's counts.
                if group in self.comparison.known and (definition.kind != "share"
                                                       or group == self.comparison.focus.key):
                    where = (f"row {self.row_number(group_rows[group])} is blank" if group in group_rows
                             else "there is no row for it")
                    raise self.error(
                        f"there are counts for other groups but none for {self.labels[group]} ({where})",
                        advice=f"Enter the {self.labels[group]} counts (0 where there are none).",
                    )
                continue
            row = group_rows[group]
            missing = [(label, column) for label, column, v in zip(labels, columns, values, strict=True) if v is None]
            if missing:
                given = [f"{label} ({v:,})" for label, v in zip(labels, values, strict=True) if v is not None]
                raise self.error(
                    f"the {self.labels[group]} row has {' and '.join(given)} but no "
                    f"{' or '.join(f'{label} in cell {self.ref(row, c)}' for label, c in missing)}",
                    advice="Fill in every count of the row (0 where there are none), or leave the row blank.",
                )
            # No count is missing (the check above), so this is every count of the row.
            *base_values, events = [v for v in values if v is not None]
            base = sum(base_values) / len(base_values)
            # Not where the events are not among the base: leavers over an average headcount, board members
            # (many not staff) over the workforce.
            if definition.events_among_base and events > base:
                raise self.error(
                    f"{definition.events_label} ({events:,}) is more than {definition.base_label} "
                    f"({int(base):,}) for {self.labels[group]}, cell {self.ref(row, columns[-1])}",
                    advice="Check both counts.",
                )
            out[group] = (events, base)
        return out

    def decimal(self, row: int, column: int, what: str, high: float | None) -> float | None:
        """A mean or a standard deviation: a number from 0 (to `high`), decimals allowed."""
        value = self.value(row, column)
        if value is None:
            return None
        ref, shown = self.ref(row, column), _text(value)
        number = _number(value)
        if number is None:
            raise self.error(f"{what} in cell {ref} is '{shown}', not a number",
                             advice="Enter a number such as 6.6, or leave the row blank.")
        if number < 0 or (high is not None and number > high):
            limit = f"from 0 to {high:g}" if high is not None else "0 or more"
            raise self.error(f"{what} in cell {ref} is {shown}, but it must be {limit}",
                             advice="Check the figure against the survey's published results.")
        return number

    def scores(self, definition: MetricDefinition) -> _Found | None:
        """A score metric's rows (WDES 9a): by group, respondents, mean score and standard deviation; the mean on
        the metric's scale. Items MEAN_ITEM and SD_ITEM, each over the respondents."""
        labels = input_columns(definition)
        heading = self._heading_row(labels, 0, len(self.rows))
        if heading is None:
            if self.has_entries(0, len(self.rows)):
                raise self.error(f"cannot find the headings {', '.join(repr(label) for label in labels)}",
                                 advice="Put the headings back as they are in a blank counts template.")
            return None
        heading_row, (n_column, mean_column, sd_column) = heading
        group_rows = self._group_rows(heading_row + 1, len(self.rows), (n_column, mean_column, sd_column))
        high = definition.scale[1] if definition.scale else None
        found: dict[str, tuple[int, float, float]] = {}
        for group, row in group_rows.items():
            label = self.labels[group]
            n = self.count(row, n_column, f"{labels[0]} for {label}")
            mean = self.decimal(row, mean_column, f"{labels[1]} for {label}", high)
            sd = self.decimal(row, sd_column, f"{labels[2]} for {label}", None)
            given = [v for v in (n, mean, sd) if v is not None]
            if not given:
                continue
            if n is None or mean is None or (sd is None and n > 1):
                raise self.error(
                    f"the {label} row needs {labels[0]}, {labels[1]} and {labels[2]}",
                    advice="Fill in all three (the standard deviation may be blank for one respondent), or leave "
                           "the row blank.")
            found[group] = (n, mean, sd or 0.0)
        if not found:
            return None
        for group in self.comparison.known:
            if group not in found:
                raise self.error(f"there are scores for other groups but none for {self.labels[group]}",
                                 advice=f"Enter the {self.labels[group]} respondents, mean and standard deviation.")
        rows = [{"metric": definition.id, "item": item, "group": g, "events": float(value), "base": float(n)}
                for g, (n, mean, sd) in found.items() for item, value in ((MEAN_ITEM, mean), (SD_ITEM, sd))]
        unknown = self.comparison.unknown.key
        quality = (DataQuality(total=sum(n for n, _, _ in found.values()), unknown=found[unknown][0])
                   if unknown in found else None)
        return _Found(rows, quality)

    def groups(self, definition: MetricDefinition) -> _Found | None:
        block = self._group_block(definition, 0, len(self.rows))
        if block is None:
            return None
        return _Found(_records(definition.id, "", block, self.comparison), _quality(block, self.comparison))

    def items(self, definition: MetricDefinition) -> _Found | None:
        """A block of group rows per item (survey question, kind of board member), each under its words."""
        columns = (definition.base_label, definition.events_label)
        question_labels = [normalise_heading(q.label) for q in definition.questions]
        headings: list[tuple[int, str]] = []
        start = 0
        while (heading := self._heading_row(columns, start, len(self.rows))) is not None:
            headings.append((heading[0], self._question_above(definition, heading[0], start)))
            start = heading[0] + 1
        if not headings:
            if self.has_entries(0, len(self.rows)):
                raise self.error(f"cannot find the headings '{columns[0]}' and '{columns[1]}'",
                                 advice="Put the headings back as they are in a blank counts template.")
            return None
        seen: dict[str, int] = {}
        for row, key in headings:
            if key in seen:
                raise self.error(f"rows {self.row_number(seen[key])} and {self.row_number(row)} are both "
                                 f"for the question {_question(definition, key).label!r}",
                                 advice="Keep one block per question.")
            seen[key] = row
        blocks: list[tuple[str, dict[str, tuple[int, float]]]] = []
        ends = [row for row, _ in headings[1:]] + [len(self.rows)]
        for (row, key), end in zip(headings, ends, strict=True):
            block = self._group_block(definition, row, end, skip=question_labels)
            if block is not None:
                blocks.append((key, block))
        if not blocks:
            return None
        rows = [record for key, block in blocks for record in _records(definition.id, key, block, self.comparison)]
        # The first question answered stands for the survey's respondents.
        return _Found(rows, _quality(blocks[0][1], self.comparison))

    def _question_above(self, definition: MetricDefinition, heading_row: int, after: int) -> str:
        """The question whose label is in the nearest first-column text above the headings, from row `after`."""
        for row in range(heading_row - 1, after - 1, -1):
            text = normalise_heading(_text(self.value(row, 0)))
            keys = [q.key for q in definition.questions if normalise_heading(q.label) in text]
            if len(keys) == 1:
                return keys[0]
            if len(keys) > 1:
                break
        if len(definition.questions) == 1:
            return definition.questions[0].key
        raise self.error(
            f"cannot tell which question the headings in row {self.row_number(heading_row)} are for",
            advice="Put the question back in the row above the headings, as in a blank counts template: "
                   + "; ".join(repr(question_heading(definition, q.label)) for q in definition.questions) + ".",
        )

    def bands(self, definition: MetricDefinition) -> _Found | None:
        heading = self._band_heading()
        if heading is None:
            if self.has_entries(0, len(self.rows)):
                raise self.error(
                    f"cannot find the headings {', '.join(repr(self.labels[g]) for g in self.comparison.keys)}",
                    advice="Put the headings back as they are in a blank counts template.",
                )
            return None
        heading_row, columns = heading
        bands: list[tuple[str, dict[str, int | None]]] = []
        band_rows: dict[str, int] = {}
        for row in range(heading_row + 1, len(self.rows)):
            name = _text(self.value(row, 0))
            counts = {g: self.count(row, c, f"{self.labels[g]} staff" + (f" in {name!r}" if name else ""))
                      for g, c in columns.items()}
            if all(v is None for v in counts.values()) or _is_total(name):
                continue
            if not name:
                raise self.error(f"there are counts in row {self.row_number(row)} but no pay band",
                                 advice=f"Enter the pay band's name in cell {self.ref(row, 0)}.")
            if name in band_rows:
                raise self.error(
                    f"the pay band {name!r} is in rows {self.row_number(band_rows[name])} and "
                    f"{self.row_number(row)}",
                    advice="Keep one row per pay band.",
                )
            band_rows[name] = row
            bands.append((name, counts))
        if not bands:
            return None
        keys, unknown = self.comparison.keys, self.comparison.unknown.key
        given = {g: any(counts.get(g) is not None for _, counts in bands) for g in keys}
        for group in self.comparison.known:
            if not given[group]:
                raise self.error(
                    f"there are counts for other groups but none for {self.labels[group]}",
                    advice=f"Enter the {self.labels[group]} staff in each band (0 where there are none).",
                )
        groups = [g for g in keys if given[g]]
        # Within a band that has counts, a blank cell is a group with nobody in that band.
        in_band = [(name, {g: counts.get(g) or 0 for g in groups}) for name, counts in bands]
        totals = {g: sum(counts[g] for _, counts in in_band) for g in groups}
        rows = [
            {"metric": definition.id, "item": name, "group": g, "events": float(counts[g]),
             "base": float(totals[g])}
            for name, counts in in_band
            for g in groups
        ]
        quality = DataQuality(total=sum(totals.values()), unknown=totals[unknown]) if given[unknown] else None
        return _Found(rows, quality)

    def _band_heading(self) -> tuple[int, dict[str, int]] | None:
        """The row naming the groups across the columns, and each group's column."""
        for row in range(len(self.rows)):
            columns: dict[str, int] = {}
            others: list[int] = []
            for column in range(1, self.width(row)):
                label = self.value(row, column)
                group = group_of_label(label, self.comparison)
                if group is not None and group not in columns:
                    columns[group] = column
                elif label is not None:
                    others.append(column)
            focus, reference = self.comparison.known
            if reference in columns:
                if focus not in columns and len(others) == 1:
                    columns[focus] = others[0]
                if focus in columns:
                    return row, columns
        return None


def _records(metric_id: str, item: str, block: dict[str, tuple[int, float]],
             comparison: Comparison) -> list[dict[str, Any]]:
    return [
        {"metric": metric_id, "item": item, "group": g, "events": float(block[g][0]), "base": float(block[g][1])}
        for g in comparison.keys
        if g in block
    ]


def _quality(block: dict[str, tuple[int, float]], comparison: Comparison) -> DataQuality | None:
    unknown = comparison.unknown.key
    if unknown not in block:
        return None
    # An average headcount can end in .5; the quality figure counts people.
    total = math.floor(sum(base for _, base in block.values()) + 0.5)
    return DataQuality(total=total, unknown=math.floor(block[unknown][1] + 0.5))


def _question(definition: MetricDefinition, key: str) -> Question:
    return next(q for q in definition.questions if q.key == key)


def _as_date(value: Any) -> dt.date | None:
    # A bare number is only a date when it is a plausible serial: "5" in the date cell is a slip.
    if isinstance(value, (int, float)) and not isinstance(value, bool) and not (
        EXCEL_SERIALS[0] <= value <= EXCEL_SERIALS[1]
    ):
        return None
    parsed = date_value(value)
    return parsed.date() if isinstance(parsed, dt.datetime) else None


# Counts templates for benchmarking: one per organisation, from files or folders.

SPREADSHEET_SUFFIXES: tuple[str, ...] = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


def spreadsheet_paths(arguments: Iterable[str | Path]) -> list[Path]:
    """Files as given; a folder becomes the spreadsheets in it, sorted (not its sub-folders)."""
    paths: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SPREADSHEET_SUFFIXES
                           and not p.name.startswith(("~$", ".")))  # Excel's lock files, hidden files
            if not found:
                raise InputError("the folder has no spreadsheets (xlsx, xls, ods or csv) in it", file=str(path))
            paths += found
        elif path.exists():
            paths.append(path)
        else:
            raise InputError("the file does not exist", file=str(path), advice="Check the path and try again.")
    return paths


def _not_a_template(file: str) -> InputError:
    return InputError(
        "this is not a counts template: benchmarking needs one counts template per organisation, not HR records",
        file=file,
        advice="Write a blank one with `python -m metrics template OUT.xlsx` (or download it from the app's "
               "Data page), fill in the organisation's counts, and give one file per organisation.",
    )


def read_counts_templates(sources: Iterable[tuple[str, bytes]]) -> list[FigureSet]:
    """One figure set per (file name, bytes); InputError for a file that is not a counts template."""
    from data_loaders.readers import read_workbook

    figure_sets = []
    for name, data in sources:
        sheets = read_workbook(name, data)
        if not is_counts_template(sheets):
            raise _not_a_template(name)
        figure_sets.append(read_template(sheets, file=name))
    return figure_sets


def read_template_paths(arguments: Iterable[str | Path]) -> list[FigureSet]:
    """The counts templates named, folders expanded."""
    from data_loaders.readers import read_path

    figure_sets = []
    for path in spreadsheet_paths(arguments):
        sheets = read_path(path)
        if not is_counts_template(sheets):
            raise _not_a_template(path.name)
        figure_sets.append(read_template(sheets, file=path.name))
    return figure_sets
