"""The Excel export: a Contents sheet, one sheet per metric, and the action plan.

Made to be read with a screen reader as well as by eye: the Contents sheet comes first and says what each sheet
holds; every table of figures is a defined Excel table (a header row of unique names, a style, a name that says what
it holds), so a screen reader announces its column headings as it moves through the cells; no cell is merged. The
words around the tables (headings, sentences, the panels) are plain cells in column A, read top to bottom.
"""

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
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from metrics.registry import METRICS
from pipeline.template import fitted_sheet_name, sheet_name
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

ACTION_PLAN_SHEET = "Action plan"
PAY_GAPS_SHEET = SECTION_TITLE
WHERE_IT_SITS_SHEET = "Where it sits"
CONTENTS_SHEET = "Contents"
ACTION_COLUMNS: tuple[str, ...] = (
    "Number", "Objective", "Themes", "Metrics", "Lead", "Data from the metrics", "Specific actions",
    "Indicators of improvement", "Timeframe", "Progress", "RAG",
)
# What each kind of sheet holds, as the Contents sheet says.
_WHERE_SHEET = "each metric's figures for every subgroup, and the counts by group behind them"
_PAY_GAPS_SHEET = ("each comparison's pay gaps, who is in each pay quarter, who is counted, what is withheld and what "
                   "we say about them")
_ACTION_PLAN_SHEET = "every objective in the plan, with its lead, timeframe, progress and RAG status, and the RAG key"
_BOLD = Font(bold=True)
_HEADING = Font(bold=True, size=14)
_MARKING = Font(bold=True, color="C00000")
_WRAP = Alignment(wrap_text=True, vertical="top")
TABLE_STYLE = "TableStyleMedium2"
_NOT_IN_TABLE_NAMES = re.compile(r"[^A-Za-z0-9_]+")
# A name Excel would read as a cell (A1, XFD1048576) or in R1C1 style (R, C, R1C1): never a table's.
_CELL_LIKE = re.compile(r"^([A-Za-z]{1,3}[0-9]+|[RrCc][0-9]*|[Rr][0-9]*[Cc][0-9]*)$")


def where_sheet_name(where: WhereItSits) -> str:
    """'Where it sits by service': the section and the column it breaks the metrics down by; the section alone when
    the column's name will not fit whole (the Contents sheet names it)."""
    name = f"{WHERE_IT_SITS_SHEET} by {where.words}"
    return fitted_sheet_name(name) if len(fitted_sheet_name(name)) == len(name) else WHERE_IT_SITS_SHEET


def table_header(values: list[Any]) -> list[str]:
    """A defined table's header: every heading a non-empty string, unique ignoring case (as Excel requires of a
    table's column names); a blank heading is "Column 3", a repeated one "Value (2)"."""
    out: list[str] = []
    taken: set[str] = set()
    for i, value in enumerate(values, start=1):
        text = _text(value).strip() if value is not None else ""
        base = text or f"Column {i}"
        name, n = base, 1
        while name.casefold() in taken:
            n += 1
            name = f"{base} ({n})"
        taken.add(name.casefold())
        out.append(name)
    return out


def table_name(words: str, taken: set[str]) -> str:
    """A valid, workbook-unique Excel table name from `words` (the heading above the table): letters, digits and
    underscores, starting with a letter, never a cell's address; "_2" and on when the name is taken."""
    base = _NOT_IN_TABLE_NAMES.sub("_", words).strip("_")[:60].rstrip("_") or "Table"
    if not base[0].isalpha() or _CELL_LIKE.match(base):
        base = f"Table_{base}"
    name, n = base, 1
    while name.casefold() in taken:
        n += 1
        name = f"{base}_{n}"
    taken.add(name.casefold())
    return name


def _text(value: Any) -> str:
    """A string as the workbook stores it: neutralised (safe_cell) and without the characters XML cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", safe_cell(str(value)))


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
    """Writes rows top to bottom, every string through safe_cell and stored as text. `tables` holds the defined
    tables' names taken so far in the workbook (a table's name is unique across the workbook)."""

    def __init__(self, sheet: Worksheet, marking: str, tables: set[str]) -> None:
        self.sheet = sheet
        self.row = 1
        self.tables = tables
        if marking:
            self.write([marking], font=_MARKING)

    def write(self, values: list[Any], *, font: Font | None = None, number_format: str | None = None) -> None:
        for column, value in enumerate(values, start=1):
            value = _plain(value)
            if isinstance(value, str):
                value = _text(value)
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

    def table(self, header: list[Any] | tuple[Any, ...], rows: list[list[Any]], name: str, *,
              number_format: str | None = None) -> None:
        """A header row and rows, made a defined Excel table named from `name` (the heading it sits under) when
        there is a row under the header (Excel has no table of a header alone)."""
        top = self.row
        header = table_header(list(header))
        self.write(header, font=_BOLD)
        for values in rows:
            self.write(list(values), number_format=number_format)
        if not rows:
            return
        ref = f"A{top}:{get_column_letter(len(header))}{self.row - 1}"
        table = Table(displayName=table_name(name, self.tables), ref=ref)
        table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
        self.sheet.add_table(table)

    def frame(self, frame: pd.DataFrame, name: str) -> None:
        self.table(list(frame.columns), [list(values) for values in frame.itertuples(index=False)], name)

    def widths(self, widths: list[int]) -> None:
        for column, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(column)].width = width


def _contents(sheet: _Sheet, content: ReportContent, sheets: list[list[str]]) -> None:
    sheet.write([f"Workforce Race Equality Standard: {content.organisation}"], font=_HEADING)
    sheet.write(["Organisation", content.organisation])
    sheet.write(["Period", str(content.period)])
    sheet.write(["Standard", f"{content.standard.title} ({content.standard.name})"])
    sheet.write(["Covers", content.scope_line])
    sheet.write(["Published figures" if content.published else "Internal figures", content.note],
                font=None if content.published else _MARKING)
    sheet.gap()
    sheet.heading("Sheets")
    sheet.table(["Sheet", "What it holds"], sheets, "Sheets")
    sheet.widths([30, 100])


def _headline(sheet: _Sheet, metric: MetricContent) -> None:
    headline = metric.headline()
    if metric.definition.kind == "distribution":
        return
    rows = []
    for label, value, ci in headline:
        low, high = ci if ci is not None else (None, None)
        rows.append([label, "withheld or not available" if value is None else value, low, high])
    sheet.table(["Figure", "Value", "Lower 95% limit", "Upper 95% limit"], rows, f"{metric.definition.id} headline",
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
        sheet.frame(metric.chart.table, f"{d.id} figures")
    if _counts_shown(metric):
        sheet.gap()
        sheet.heading(f"Counts by {content.standard.comparison.what}")
        sheet.frame(metric.counts, f"{d.id} counts")
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
        sheet.table(["Number", "Objective", "Lead", "Timeframe", "RAG"],
                    [[a.number, a.objective, a.lead, a.timeframe, (a.rag or "").title()] for a in metric.actions],
                    f"{d.id} actions")
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
        sheet.frame(block.figures, f"Pay gaps {block.by} figures")
        sheet.gap()
        for line in block.lines:
            sheet.write([line])
        sheet.gap()
        sheet.heading(block.chart.title)
        sheet.write([block.chart.summary])
        sheet.frame(block.chart.table, f"Pay gaps {block.by} quarters")
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
            sheet.table(list(KEY_COLUMNS), [[key, value] for key, value in figure_rows(block.payload)],
                        f"Pay gaps {block.by} published")
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
        for rows, what in ((where_figure_rows(found, title, content.settings.bme_label), "figures"),
                           (where_count_rows(found, title, content.settings), "counts")):
            sheet.table(rows[0], filled_down(rows[1:]), f"{definition.id} by {where.words} {what}")
            sheet.gap()
        for line in where_lines(found):
            sheet.write([line])
    sheet.widths([24, 24, 18, 18, 18, 18, 30])


def filled_down(rows: list[list[Any]]) -> list[list[Any]]:
    """The rows with a blank first cell given the one above's (a survey's second question under its subgroup's
    name): each row of a defined table then says whose it is, read alone, sorted or filtered."""
    out: list[list[Any]] = []
    for row in rows:
        blank = bool(out) and bool(row) and row[0] in (None, "")
        out.append([out[-1][0], *row[1:]] if blank else list(row))
    return out


def _action_row(action: Action) -> list[Any]:
    return [action.number, action.objective, ", ".join(action.themes), ", ".join(action.metrics), action.lead,
            action.data_from_metrics, action.specific_actions, action.indicators, action.timeframe,
            action.progress, (action.rag or "").title()]


def _action_plan(sheet: _Sheet, content: ReportContent) -> None:
    sheet.write([f"Action plan: {content.organisation}, {content.period}"], font=_HEADING)
    sheet.table(list(ACTION_COLUMNS), [_action_row(a) for a in content.actions], "Action plan")
    if not content.actions:
        sheet.write(["The action plan has no objectives yet."])
    sheet.gap()
    sheet.write([rag_key_text(content.settings)])
    sheet.widths([9, 40, 22, 12, 20, 30, 40, 30, 16, 30, 9])


def _holds(metric: MetricContent) -> str:
    """What a metric's sheet holds, in words for the Contents sheet (as `_metric` writes it)."""
    d = metric.definition
    parts = [*(["the headline figure with its 95% interval"] if d.kind != "distribution" else []),
             *(["the table behind the chart"] if not metric.chart.table.empty else []),
             *(["the counts by group"] if _counts_shown(metric) else []),
             "what we say about it"]
    return ", ".join(parts) + " and the actions that target it"


def _counts_shown(metric: MetricContent) -> bool:
    """Whether the sheet has a table of counts by group: the other charts' tables hold the counts."""
    return not metric.counts.empty and metric.definition.chart in ("forest", "representation")


def write_excel(content: ReportContent, target: str | Path | IO[bytes]) -> None:
    """Write the workbook to a path or a binary file object."""
    book = Workbook()
    tables: set[str] = set()
    contents = book.active
    contents.title = CONTENTS_SHEET
    names = [sheet_name(METRICS[m]) for m in content.metrics]
    sheets = [[name, f"Metric {metric.definition.number}, {metric.definition.title}: {_holds(metric)}"]
              for name, metric in zip(names, content.metrics.values(), strict=True)]
    where = content.where_it_sits
    if where is not None:
        sheets.append([where_sheet_name(where), f"{where.title}: {_WHERE_SHEET}"])
    if content.pay_gaps is not None:
        sheets.append([PAY_GAPS_SHEET, _PAY_GAPS_SHEET])
    sheets.append([ACTION_PLAN_SHEET, _ACTION_PLAN_SHEET])
    _contents(_Sheet(contents, content.marking, tables), content, sheets)
    for name, metric in zip(names, content.metrics.values(), strict=True):
        _metric(_Sheet(book.create_sheet(name), content.marking, tables), metric, content)
    if where is not None:
        _where_it_sits(_Sheet(book.create_sheet(where_sheet_name(where)), content.marking, tables), where, content)
    if content.pay_gaps is not None:
        _pay_gaps(_Sheet(book.create_sheet(PAY_GAPS_SHEET), content.marking, tables), content.pay_gaps, content)
    _action_plan(_Sheet(book.create_sheet(ACTION_PLAN_SHEET), content.marking, tables), content)
    book.save(target)
