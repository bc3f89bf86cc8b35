"""The Excel export: a Contents sheet, one sheet per metric, and the action plan."""

from __future__ import annotations

import datetime as dt
import math
import re
from numbers import Real
from pathlib import Path
from typing import IO, Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from metrics.registry import METRICS, MetricDefinition
from reports.content import (
    MetricContent,
    ReportContent,
    WhereItSits,
    combined_line,
    counted_line,
    pack_title,
    rag_key_text,
    status_lines,
    unknown_lines,
    where_count_rows,
    where_figure_rows,
    where_intro,
    where_lines,
)
from reports.paygap_section import FIGURES_TABLE, KEY_COLUMNS, SECTION_TITLE, PayGapSection, figure_rows
from reports.safe import safe_cell
from storage import PANEL_KINDS, Action

MAX_SHEET_NAME = 31
ACTION_PLAN_SHEET = "Action plan"
PAY_GAPS_SHEET = SECTION_TITLE
WHERE_IT_SITS_SHEET = "Where it sits"
CONTENTS_SHEET = "Contents"
ACTION_COLUMNS: tuple[str, ...] = (
    "Number", "Objective", "Themes", "Metrics", "Lead", "Data from the metrics", "Specific actions",
    "Indicators of improvement", "Timeframe", "Progress", "RAG",
)
_BOLD = Font(bold=True)
_HEADING = Font(bold=True, size=14)
_MARKING = Font(bold=True, color="C00000")
_WRAP = Alignment(wrap_text=True, vertical="top")
_DANGLING = {"a", "and", "from", "in", "of", "the", "to", "with"}
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def sheet_name(definition: MetricDefinition) -> str:
    """'M1 Pay bands'; cut at a word to fit Excel's 31 characters."""
    name = _NOT_IN_SHEET_NAMES.sub(" ", f"{definition.id} {definition.title}")
    if len(name) <= MAX_SHEET_NAME:
        return name
    words = name[: MAX_SHEET_NAME + 1].split(" ")[:-1]
    while len(words) > 2 and words[-1].lower() in _DANGLING:
        words.pop()
    return " ".join(words) if len(words) > 1 else name[:MAX_SHEET_NAME]


def _plain(value: Any) -> Any:
    """A value openpyxl can write: numpy scalars as Python, NaN and NA as empty."""
    if value is None or isinstance(value, (str, bool, dt.date)):
        return value
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, Real):
        return None if isinstance(value, float) and math.isnan(value) else value
    if pd.isna(value):
        return None
    return str(value)


class _Sheet:
    """Writes rows top to bottom, every string through safe_cell and stored as text."""

    def __init__(self, sheet: Worksheet, marking: str) -> None:
        self.sheet = sheet
        self.row = 1
        if marking:
            self.write([marking], font=_MARKING)

    def write(self, values: list[Any], *, font: Font | None = None, number_format: str | None = None) -> None:
        for column, value in enumerate(values, start=1):
            value = _plain(value)
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", safe_cell(value))
            cell = self.sheet.cell(row=self.row, column=column)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would otherwise take a leading "=" for a formula
            elif number_format and isinstance(value, float):
                cell.number_format = number_format
            cell.alignment = _WRAP
            if font is not None:
                cell.font = font
        self.row += 1

    def gap(self) -> None:
        self.row += 1

    def heading(self, text: str) -> None:
        self.write([text], font=_BOLD)

    def table(self, frame: pd.DataFrame) -> None:
        self.write(list(frame.columns), font=_BOLD)
        for values in frame.itertuples(index=False):
            self.write(list(values))

    def widths(self, widths: list[int]) -> None:
        for column, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(column)].width = width


def _contents(sheet: _Sheet, content: ReportContent, names: list[str]) -> None:
    sheet.write([f"Workforce Race Equality Standard: {content.organisation}"], font=_HEADING)
    sheet.write(["Organisation", content.organisation])
    sheet.write(["Period", str(content.period)])
    sheet.write(["Standard", f"{content.standard.title} ({content.standard.name})"])
    sheet.write(["Covers", content.scope_line])
    sheet.write(["Published figures" if content.published else "Internal figures", content.note],
                font=None if content.published else _MARKING)
    sheet.gap()
    sheet.heading("Sheets")
    for name in names:
        sheet.write([name])
    sheet.widths([24, 100])


def _headline(sheet: _Sheet, metric: MetricContent) -> None:
    headline = metric.headline()
    if metric.definition.kind == "distribution":
        return
    sheet.write(["Figure", "Value", "Lower 95% limit", "Upper 95% limit"], font=_BOLD)
    for label, value, ci in headline:
        low, high = ci if ci is not None else (None, None)
        sheet.write([label, "withheld or not available" if value is None else value, low, high],
                    number_format="0.00")


def _metric(sheet: _Sheet, metric: MetricContent, content: ReportContent) -> None:
    d = metric.definition
    bme = content.settings.bme_label
    sheet.write([f"Metric {d.number}: {d.title}"], font=_HEADING)
    sheet.write([d.description.format(bme=bme)])
    sheet.write([counted_line(metric, content.period)])
    sheet.write([f"{content.organisation}. {content.period}. {content.standard.name}. {content.scope_line}"])
    sheet.write(["Status", status_lines(metric)], font=None)
    _headline(sheet, metric)
    for line in unknown_lines(metric, content.settings, content.published):
        sheet.write([line])
    sheet.gap()
    sheet.heading(metric.chart.title)
    sheet.write([metric.chart.summary])
    if combined_line(metric):
        sheet.write([combined_line(metric)])
    if not metric.chart.table.empty:
        sheet.table(metric.chart.table)
    if not metric.counts.empty and d.chart in ("forest", "representation"):  # the other charts' tables hold the counts
        sheet.gap()
        sheet.heading(f"Counts by {content.standard.comparison.what}")
        sheet.table(metric.counts)
    if content.published and content.threshold > 1:
        sheet.gap()
        sheet.write([content.note])
    for kind, label in PANEL_KINDS.items():
        sheet.gap()
        sheet.heading(label)
        sheet.write([metric.panels[kind]])
    sheet.gap()
    sheet.heading(f"Actions in the plan for metric {d.number}")
    if metric.actions:
        sheet.write(["Number", "Objective", "Lead", "Timeframe", "RAG"], font=_BOLD)
        for action in metric.actions:
            sheet.write([action.number, action.objective, action.lead, action.timeframe, (action.rag or "").title()])
    else:
        sheet.write(["No action in the plan targets this metric yet."])
    sheet.widths([40, 18, 18, 18, 18, 18, 18, 18])


def _pay_gaps(sheet: _Sheet, section: PayGapSection, content: ReportContent) -> None:
    """Each comparison's figures, sentences, quarters table, who is counted and panels; in a published pack, what
    is withheld and why, and the published figures by key (what the publication audit reads back)."""
    sheet.write([f"Pay gaps: {pack_title(content)}, {content.period}"], font=_HEADING)
    sheet.write([f"{content.period}. {content.scope_line}"])
    if section.missing:
        sheet.write([section.missing])
    for note in section.notes:
        sheet.write([note])
    for block in section.blocks:
        sheet.gap()
        sheet.write([block.title], font=_HEADING)
        sheet.table(block.figures)
        sheet.gap()
        for line in block.lines:
            sheet.write([line])
        sheet.gap()
        sheet.heading(block.chart.title)
        sheet.write([block.chart.summary])
        sheet.table(block.chart.table)
        sheet.gap()
        for line in block.counted:
            sheet.write([line])
        if block.withheld:
            sheet.gap()
            sheet.heading("Withheld")
            for line in block.withheld:
                sheet.write([line])
        for kind, label in PANEL_KINDS.items():
            sheet.gap()
            sheet.heading(label)
            sheet.write([block.panels[kind]])
        if block.payload is not None:
            sheet.gap()
            sheet.heading(f"{FIGURES_TABLE}: {block.by}")
            sheet.write(list(KEY_COLUMNS), font=_BOLD)
            for key, value in figure_rows(block.payload):
                sheet.write([key, value])
    sheet.widths([40, 24, 18, 22])


def column_title(where: WhereItSits) -> str:
    """The subgroups' column heading: "Service", "Pay band"."""
    return where.words[:1].upper() + where.words[1:]


def _where_it_sits(sheet: _Sheet, where: WhereItSits, content: ReportContent) -> None:
    """Each metric by the column: a figures table (size, value, intervals, status) and the counts by group behind
    it, what is withheld and why (published), and the many-comparisons words."""
    sheet.write([f"{where.title}: {pack_title(content)}, {content.period}"], font=_HEADING)
    sheet.write([f"{content.period}. {content.scope_line}"])
    for line in where_intro(where, content):
        sheet.write([line])
    title = column_title(where)
    for metric_id, found in where.breakdowns.items():
        definition = METRICS[metric_id]
        sheet.gap()
        sheet.write([f"{definition.id} {definition.title} by {where.words}"], font=_HEADING)
        for rows in (where_figure_rows(found, title, content.settings.bme_label),
                     where_count_rows(found, title, content.settings)):
            sheet.write(rows[0], font=_BOLD)
            for row in rows[1:]:
                sheet.write(row)
            sheet.gap()
        for line in where_lines(found):
            sheet.write([line])
    sheet.widths([24, 24, 18, 18, 18, 18, 30])


def _action_row(action: Action) -> list[Any]:
    return [action.number, action.objective, ", ".join(action.themes), ", ".join(action.metrics), action.lead,
            action.data_from_metrics, action.specific_actions, action.indicators, action.timeframe,
            action.progress, (action.rag or "").title()]


def _action_plan(sheet: _Sheet, content: ReportContent) -> None:
    sheet.write([f"Action plan: {content.organisation}, {content.period}"], font=_HEADING)
    sheet.write(list(ACTION_COLUMNS), font=_BOLD)
    for action in content.actions:
        sheet.write(_action_row(action))
    if not content.actions:
        sheet.write(["The action plan has no objectives yet."])
    sheet.gap()
    sheet.write([rag_key_text(content.settings)])
    sheet.widths([9, 40, 22, 12, 20, 30, 40, 30, 16, 30, 9])


def write_excel(content: ReportContent, target: str | Path | IO[bytes]) -> None:
    """Write the workbook to a path or a binary file object."""
    book = Workbook()
    contents = book.active
    contents.title = CONTENTS_SHEET
    names = [sheet_name(METRICS[m]) for m in content.metrics]
    pay_gaps = [PAY_GAPS_SHEET] if content.pay_gaps is not None else []
    where = [WHERE_IT_SITS_SHEET] if content.where_it_sits is not None else []
    _contents(_Sheet(contents, content.marking), content, [*names, *where, *pay_gaps, ACTION_PLAN_SHEET])
    for name, metric in zip(names, content.metrics.values(), strict=True):
        _metric(_Sheet(book.create_sheet(name), content.marking), metric, content)
    if content.where_it_sits is not None:
        _where_it_sits(_Sheet(book.create_sheet(WHERE_IT_SITS_SHEET), content.marking), content.where_it_sits,
                       content)
    if content.pay_gaps is not None:
        _pay_gaps(_Sheet(book.create_sheet(PAY_GAPS_SHEET), content.marking), content.pay_gaps, content)
    _action_plan(_Sheet(book.create_sheet(ACTION_PLAN_SHEET), content.marking), content)
    book.save(target)
