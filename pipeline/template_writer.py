"""Writing the counts template workbook (openpyxl); its layout and reader are in pipeline.template."""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Sequence
from typing import Any, BinaryIO

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from data_loaders.comparison import ETHNICITY, Comparison
from metrics.counts import FigureSet, empty_counts
from metrics.registry import DEFAULT_STANDARD, STANDARDS, MetricDefinition, metrics_of
from pipeline.template import (
    ABOUT_SHEET,
    AVERAGED_BASE_METRIC,
    BAND_HEADING,
    BLANK_BANDS,
    EXCEL_SERIALS,
    FIRST_ROW,
    GROUP_LABELS,
    GROUPS_LABEL,
    ORGANISATION_LABEL,
    PERIOD_END_LABEL,
    TEMPLATE_MARKER,
    comparison_heading,
    has_sheet,
    input_columns,
    question_heading,
    sheet_name,
)

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_NOTE = Font(italic=True, color="595959")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_UNLOCKED = Protection(locked=False)
_COUNT_FORMAT = "#,##0"
_DATE_FORMAT = "dd/mm/yyyy"


def write_workbook(
    target: str | os.PathLike | BinaryIO,
    *,
    organisation: str = "",
    period_end: dt.date | None = None,
    figures: FigureSet | None = None,
    standard: str = DEFAULT_STANDARD,
) -> None:
    """Write the counts workbook, a sheet for each of `standard`'s metrics: blank, or holding `figures`' counts so
    they can be re-imported."""
    if figures is not None:
        organisation = organisation or figures.organisation
        period_end = period_end or figures.period.end
    definitions = [d for d in metrics_of(standard).values() if has_sheet(d)]
    narratives = [d for d in metrics_of(standard).values() if not has_sheet(d)]
    comparison = STANDARDS[standard].comparison
    if figures is not None and figures.comparison != comparison:
        raise ValueError(f"the figures are counted by {figures.comparison.key}, but the {STANDARDS[standard].name}'s "
                         f"counts template holds counts by {comparison.key}")
    workbook = Workbook()
    about = workbook.active
    assert about is not None
    _write_about(about, organisation, period_end, definitions, comparison, narratives)
    for definition in definitions:
        sheet = workbook.create_sheet(sheet_name(definition))
        counts = figures.for_metric(definition.id) if figures is not None else empty_counts()
        if definition.kind == "distribution":
            _write_bands_sheet(sheet, definition, counts, comparison)
        elif definition.kind == "score":
            _write_scores_sheet(sheet, definition, counts, comparison)
        elif definition.questions:
            _write_items_sheet(sheet, definition, counts, comparison)
        else:
            _write_groups_sheet(sheet, definition, counts, comparison)
    workbook.save(target)


def _write_about(sheet: Worksheet, organisation: str, period_end: dt.date | None,
                 definitions: list[MetricDefinition], comparison: Comparison = ETHNICITY,
                 narratives: Sequence[MetricDefinition] = ()) -> None:
    sheet.title = ABOUT_SHEET
    sheet["A1"] = TEMPLATE_MARKER
    sheet["A1"].font = _TITLE
    sheet["A2"] = f"Counts of staff by {comparison.heading.lower()}, one sheet per metric."
    if comparison != ETHNICITY:
        # Whose groups these are, for the reader (pipeline.template): a template without the line holds ethnic
        # groups, as every template before the WDES did.
        sheet["A6"] = GROUPS_LABEL
        sheet["A6"].font = _BOLD
        sheet["B6"] = comparison_heading(comparison)
        sheet["C6"] = "Whose groups the counts are: leave as it is."
        sheet["C6"].font = _NOTE
    sheet["A4"] = ORGANISATION_LABEL
    sheet["A5"] = PERIOD_END_LABEL
    for cell in (sheet["A4"], sheet["A5"]):
        cell.font = _BOLD
    _input(sheet["B4"]).value = organisation or None
    date_cell = _input(sheet["B5"])
    date_cell.value = period_end
    date_cell.number_format = _DATE_FORMAT
    sheet["C5"] = "The last day of the 12 months the counts cover, usually 31 March."
    sheet["C5"].font = _NOTE
    dates = DataValidation(type="date", operator="greaterThan", formula1=str(EXCEL_SERIALS[0]),
                           allow_blank=True, showErrorMessage=True, errorTitle="A date",
                           error="Enter the period end date, for example 31/03/2026.")
    dates.add("B5")
    sheet.add_data_validation(dates)

    labels = [group.label for group in comparison.groups]
    instructions = (
        "There is one sheet per metric. Fill in the shaded cells with counts for each ethnic group."
        if comparison == ETHNICITY else
        f"There is one sheet per metric. Fill in the shaded cells with counts for each group: {labels[0]}, "
        f"{labels[1]} and {labels[2]}.",
        "Enter whole numbers of people; enter 0 where there are none.",
        "Leave a metric's sheet blank if you have no data for it: it will show as no data.",
        f"{comparison.unknown.label} means not stated, prefer not to say or not recorded.",
        "Events (such as appointments or leavers) count over the 12 months to the period end date; "
        "headcounts are at that date; survey counts come from the latest staff survey.",
        "You may use your organisation's own words for BME in the group headings, and insert rows for notes."
        if comparison.renamable else "You may insert rows for notes.",
        *(f"Metric {d.number} ({d.title}) is the organisation's own account in words: write it in the app, on "
          "the metric's page, not here." for d in narratives),
    )
    sheet["A7"] = "How to fill it in"
    sheet["A7"].font = _BOLD
    for offset, line in enumerate(instructions):
        sheet.cell(row=8 + offset, column=1, value=line)

    row = 9 + len(instructions)
    sheet.cell(row=row, column=1, value="The sheets").font = _BOLD
    for offset, definition in enumerate(definitions, start=1):
        name = sheet_name(definition)
        link = sheet.cell(row=row + offset, column=1, value=name)
        link.hyperlink = f"#'{name}'!A1"
        link.font = Font(color="0563C1", underline="single")
        sheet.cell(row=row + offset, column=2, value=_description(definition))
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 40


def _description(definition: MetricDefinition) -> str:
    return definition.description.format(bme=GROUP_LABELS["bme"])


def _write_title(sheet: Worksheet, definition: MetricDefinition, note: str) -> None:
    sheet["A1"] = f"{definition.id} {definition.title}"
    sheet["A1"].font = _TITLE
    sheet["A2"] = _description(definition)
    sheet["A3"] = note
    sheet["A3"].font = _NOTE


def _input(cell: Any) -> Any:
    cell.fill = _INPUT_FILL
    cell.protection = _UNLOCKED
    return cell


def _count_cell(cell: Any) -> Any:
    _input(cell).number_format = _COUNT_FORMAT
    return cell


def _whole_counts_validation(sheet: Worksheet) -> DataValidation:
    validation = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                showErrorMessage=True, errorTitle="A count",
                                error="Enter a whole number of people, 0 or more.")
    sheet.add_data_validation(validation)
    return validation


def _headings(sheet: Worksheet, row: int, headings: Sequence[str]) -> None:
    for column, heading in enumerate(headings, start=1):
        sheet.cell(row=row, column=column, value=heading).font = _BOLD
        letter = get_column_letter(column)
        width = max(sheet.column_dimensions[letter].width or 0, len(heading) + 4, 14)
        sheet.column_dimensions[letter].width = width


def _write_group_rows(sheet: Worksheet, first_row: int, values: dict[str, Sequence[int | None]],
                      validation: DataValidation, columns: int, comparison: Comparison) -> None:
    for offset, group in enumerate(comparison.keys):
        row = first_row + offset
        sheet.cell(row=row, column=1, value=comparison.label(group))
        for column in range(2, 2 + columns):
            cell = _count_cell(sheet.cell(row=row, column=column))
            given = values.get(group)
            cell.value = given[column - 2] if given else None
    validation.add(f"B{first_row}:{get_column_letter(1 + columns)}{first_row + len(comparison.keys) - 1}")


def _write_groups_sheet(sheet: Worksheet, definition: MetricDefinition, counts: pd.DataFrame,
                        comparison: Comparison) -> None:
    columns = input_columns(definition)
    note = "Counts for the 12 months to the period end date; headcounts at that date."
    if definition.kind == "representation":
        note = "Headcounts at the period end date."
    if definition.id == AVERAGED_BASE_METRIC:
        note = f"{definition.base_label} is the mean of the headcounts at the start and end of the year."
    _write_title(sheet, definition, note)
    _headings(sheet, FIRST_ROW, (comparison.heading, *columns))
    values: dict[str, Sequence[int | None]] = {}
    record: Any  # a counts row; pandas-stubs types every field as any scalar at all, not as its column's type
    for record in counts.itertuples(index=False):
        events = _whole(record.events, definition.id, record.group)
        if definition.id == AVERAGED_BASE_METRIC:
            start, end = _two_headcounts(record.base, definition.id, record.group)
            values[record.group] = (start, end, events)
        else:
            values[record.group] = (_whole(record.base, definition.id, record.group), events)
    _write_group_rows(sheet, FIRST_ROW + 1, values, _whole_counts_validation(sheet), len(columns), comparison)


def _write_items_sheet(sheet: Worksheet, definition: MetricDefinition, counts: pd.DataFrame,
                       comparison: Comparison) -> None:
    """A block of group rows per item: each survey question (M6, M7), each kind of board member (W9)."""
    note = "From the latest staff survey: who answered the question, and who said yes."
    if definition.kind == "representation":
        note = ("Headcounts at the period end date, one block for each of "
                f"{' and '.join(q.label for q in definition.questions)}.")
    _write_title(sheet, definition, note)
    validation = _whole_counts_validation(sheet)
    columns = (definition.base_label, definition.events_label)
    unknown_items = set(counts["item"]) - {q.key for q in definition.questions}
    if unknown_items:
        raise ValueError(f"{definition.id} has counts for questions {sorted(unknown_items)} the registry does not know")
    row = FIRST_ROW
    record: Any  # a counts row; pandas-stubs types every field as any scalar at all, not as its column's type
    for question in definition.questions:
        sheet.cell(row=row, column=1, value=question_heading(definition, question.label)).font = _BOLD
        _headings(sheet, row + 1, (comparison.heading, *columns))
        values: dict[str, Sequence[int | None]] = {}
        for record in counts[counts["item"] == question.key].itertuples(index=False):
            values[record.group] = (_whole(record.base, definition.id, record.group),
                                    _whole(record.events, definition.id, record.group))
        _write_group_rows(sheet, row + 2, values, validation, len(columns), comparison)
        row += 2 + len(comparison.keys) + 1


def _write_scores_sheet(sheet: Worksheet, definition: MetricDefinition, counts: pd.DataFrame,
                        comparison: Comparison) -> None:
    """A score metric (WDES 9a) by group: respondents with a score, their mean and its standard deviation, as the
    survey's published results give them."""
    from metrics.results import MEAN_ITEM, SD_ITEM

    low, high = definition.scale or (0.0, 10.0)
    _write_title(sheet, definition, f"From the latest staff survey: by group, the respondents with a score, their "
                                    f"mean score ({low:g} to {high:g}) and its standard deviation.")
    columns = input_columns(definition)
    _headings(sheet, FIRST_ROW, (comparison.heading, *columns))
    mean_rows, sd_rows = counts[counts["item"] == MEAN_ITEM], counts[counts["item"] == SD_ITEM]
    means: dict[str, tuple[float, float]] = {
        str(g): (float(m), float(n)) for g, m, n in zip(mean_rows["group"], mean_rows["events"], mean_rows["base"],
                                                        strict=True)}
    sds: dict[str, float] = {str(g): float(v) for g, v in zip(sd_rows["group"], sd_rows["events"], strict=True)}
    whole = _whole_counts_validation(sheet)
    decimals = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                              showErrorMessage=True, errorTitle="A score",
                              error="Enter a number, 0 or more (a mean from the score's scale).")
    sheet.add_data_validation(decimals)
    for offset, group in enumerate(comparison.keys):
        row = FIRST_ROW + 1 + offset
        sheet.cell(row=row, column=1, value=comparison.label(group))
        mean_base = means.get(group)
        n_cell = _count_cell(sheet.cell(row=row, column=2))
        n_cell.value = _whole(mean_base[1], definition.id, group) if mean_base else None
        for column, value in ((3, mean_base[0] if mean_base else None), (4, sds.get(group))):
            cell = _input(sheet.cell(row=row, column=column))
            cell.number_format = "0.00"
            cell.value = None if value is None or mean_base is None else float(value)
    last = FIRST_ROW + len(comparison.keys)
    whole.add(f"B{FIRST_ROW + 1}:B{last}")
    decimals.add(f"C{FIRST_ROW + 1}:D{last}")


def _write_bands_sheet(sheet: Worksheet, definition: MetricDefinition, counts: pd.DataFrame,
                       comparison: Comparison) -> None:
    _write_title(sheet, definition, f"{definition.events_label}: staff in each pay band at the period end date, "
                                    "lowest band first. Add rows if you have more bands.")
    _headings(sheet, FIRST_ROW, (BAND_HEADING, *(comparison.label(g) for g in comparison.keys)))
    sheet.column_dimensions["A"].width = 30
    bands = list(dict.fromkeys(counts["item"]))
    validation = _whole_counts_validation(sheet)
    for offset in range(max(BLANK_BANDS, len(bands))):
        row = FIRST_ROW + 1 + offset
        band = bands[offset] if offset < len(bands) else None
        _input(sheet.cell(row=row, column=1)).value = band
        in_band = counts[counts["item"] == band] if band is not None else counts.iloc[0:0]
        for column, group in enumerate(comparison.keys, start=2):
            given = in_band.loc[in_band["group"] == group, "events"]
            cell = _count_cell(sheet.cell(row=row, column=column))
            cell.value = _whole(given.iloc[0], definition.id, group) if len(given) else None
    last_row = FIRST_ROW + max(BLANK_BANDS, len(bands))
    validation.add(f"B{FIRST_ROW + 1}:{get_column_letter(1 + len(comparison.keys))}{last_row}")


def _whole(value: float, metric_id: str, group: str) -> int:
    if not float(value).is_integer() or value < 0:
        raise ValueError(f"{metric_id} {group}: {value} is not a whole count; the counts template holds whole counts")
    return int(value)


def _two_headcounts(average: float, metric_id: str, group: str) -> tuple[int, int]:
    """Two whole headcounts whose mean is `average` (only whole or half averages have them)."""
    start = math.floor(average)
    end = 2 * average - start
    if not float(end).is_integer() or average < 0:
        raise ValueError(f"{metric_id} {group}: an average headcount of {average} is not the mean of two "
                         "whole headcounts, so the counts template cannot hold it")
    return start, int(end)


