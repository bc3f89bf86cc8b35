"""The published plan as a document: the one outline the PDF (reports.pdf) and the HTML page (reports.html) both
write, so that the two say the same things in the same order under the same headings.

The plan's shape is the one councils publish: a title, an introduction, the scorecard, metric by metric (its
chart, the chart's figures as a table, who is counted, the headline figures, the three panels as written), the
pay gaps, the objectives table and a sign-off block. The outline is a flat list of blocks:

- `Heading(level, text)`: level 1 is the plan's title, and only it; sections are 2, a metric's panels 3. Levels
  never skip (a screen reader's list of headings is the plan's contents).
- `Text(text, role)`: a paragraph as typed (line breaks kept); the writers escape it, nothing in it is markup.
- `Chart(spec)`: a picture whose alternative text is its one-sentence finding (ChartSpec.summary); the figures
  it draws follow it as a `Table`, so the numbers are never only in the picture.
- `Table(caption, header, rows)`: header cells across the top; `row_headers` when each row's first cell names it.
- `PageBreak()`: where the printed plan starts a new page (the HTML page's print stylesheet does the same).
- `SignOff(rows)`: the sign-off block's (label, value) rows; an empty value is a line to sign on.

No Streamlit, no typesetting here: the writers decide how each block looks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from charts.shared import ChartSpec
from metrics.formatting import cell_text
from reports.content import (
    SCORECARD_COLUMNS,
    MetricContent,
    ReportContent,
    combined_line,
    compares_text,
    counted_line,
    headline_lines,
    own_term_text,
    pack_title,
    rag_key_text,
    rag_text,
    scorecard_rows,
    unknown_lines,
)
from reports.paygap_section import SECTION_TITLE, PayGapBlock, PayGapSection
from storage import PANEL_KINDS, Action

PLAN_TITLE = "Workforce Race Equality Standard action plan"
NOT_WRITTEN = "Nothing written yet."  # under an empty panel in the internal plan, for the board to see the gap
# In the published plan an empty panel is left out; a metric with none written says so once.
NO_TEXT_PUBLISHED = "No text for this metric was written for publication."
NO_PAY_GAP_TEXT_PUBLISHED = "No text for these pay gaps was written for publication."
SCORECARD_TITLE = "Scorecard: the nine metrics"
SCORECARD_NOTE = ("Each metric's section explains its figures. Where a 95% interval includes 1.00, the difference "
                  "may be down to chance.")
OBJECTIVES_TITLE = "Our objectives"
NO_OBJECTIVES = "The action plan has no objectives yet."
SIGN_OFF_TITLE = "Sign-off"
SIGN_OFF_LABELS: tuple[str, ...] = ("Signed off by", "Role", "Date")
INTRODUCTION_TITLE = "Introduction"
PUBLICATION_SAFE_TITLE = "Publication-safe"
WITHHELD_TITLE = "Withheld"
ACTION_COLUMNS: tuple[str, ...] = ("No.", "Objective", "Themes and metrics", "Lead", "Specific actions",
                                   "Indicators of improvement", "Timeframe", "Progress", "RAG")
LANGUAGE = "en-GB"

# How a paragraph reads: body text; a caption under a chart or table; a headline figure; the words standing for a
# panel nobody wrote; the internal plan's marking; a line of the title page under the title.
Role = Literal["body", "caption", "figure", "empty", "marking", "subtitle"]


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Text:
    text: str
    role: Role = "body"


@dataclass(frozen=True)
class Chart:
    spec: ChartSpec

    @property
    def alt(self) -> str:
        """The chart's alternative text: its headline finding in one sentence."""
        return self.spec.summary


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    # Each row's first cell names the row (a figures table's group, the scorecard's metric).
    row_headers: bool = True
    # The objectives table's RAG rating per row (green, amber, red or ""), for a tint behind its last cell: the
    # word is in the cell too, so colour is never the only signal.
    rag: tuple[str, ...] = ()
    # What kind of table, for a writer's column widths: "figures", "scorecard" or "objectives".
    kind: str = "figures"


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class SignOff:
    rows: tuple[tuple[str, str], ...]


Block = Heading | Text | Chart | Table | PageBreak | SignOff


@dataclass
class PlanDocument:
    """The plan: what its file says about itself, and its blocks in reading order."""

    title: str  # the window title: "Workforce Race Equality Standard action plan: Northshire, 2025-04-01 ..."
    author: str
    subject: str
    marking: str  # every page of the internal plan carries it; "" published
    scope_line: str  # every page says what it covers
    published: bool
    blocks: list[Block] = field(default_factory=list)
    language: str = LANGUAGE


def document_title(content: ReportContent) -> str:
    """The plan's title as its file gives it (the window title)."""
    return (f"{PLAN_TITLE}: {content.organisation or pack_title(content)}, {content.period}"
            + (f" ({content.covers})" if content.covers else ""))


def frame_table(frame: pd.DataFrame, caption: str, places: Mapping[str, int] | None = None) -> Table:
    """A frame of figures (a chart's table, a pay gap's figures) as a Table, every cell as the pages write it."""
    columns = [str(c) for c in frame.columns]
    column_places = [(places or {}).get(c) for c in columns]
    rows = tuple(tuple(cell_text(v, n) for v, n in zip(values, column_places, strict=True))
                 for values in frame.itertuples(index=False, name=None))
    return Table(caption, tuple(columns), rows)


NO_FIGURES = "no figures to show"


def figures_blocks(frame: pd.DataFrame, caption: str, places: Mapping[str, int] | None = None) -> list[Block]:
    """A frame of figures as a table; a line naming it when it has none (a published chart whose every figure is
    withheld draws nothing, and its finding has said why): an empty table reads to nobody."""
    if frame.empty:
        return [Text(f"{caption}: {NO_FIGURES}.", "caption")]
    return [frame_table(frame, caption, places)]


def chart_blocks(spec: ChartSpec) -> list[Block]:
    """A chart, its finding under it, and the figures it draws as a table."""
    return [Chart(spec), Text(spec.summary, "caption"), *figures_blocks(spec.table, f"Figures: {spec.title}",
                                                                        spec.places)]


def _introduction(content: ReportContent) -> list[Block]:
    standard = content.standard
    blocks: list[Block] = [
        Heading(1, pack_title(content)),
        Text(PLAN_TITLE, "subtitle"),
        Text(f"{standard.title} ({standard.name})", "subtitle"),
        Text(f"Period: {content.period}", "subtitle"),
        Text(content.scope_line, "subtitle"),
        Heading(2, INTRODUCTION_TITLE),
        Text(f"The {standard.title} ({standard.name}) {compares_text(standard)}: who works here and at what "
             "level, who is appointed, who enters formal processes, who has training, who reports harassment and "
             "who leaves. This plan sets out what our data shows for each metric, what we have achieved and what "
             "we are working towards."),
    ]
    if own_term_text(content):
        blocks.append(Text(f"\"{content.settings.bme_label}\" is this organisation's term for staff from "
                           "minority-ethnic backgrounds, and is used throughout."))
    blocks.append(Text("Most metrics are relative likelihoods: one group's rate divided by the other's. A relative "
                       "likelihood of 1.00 means the two groups are equally likely to experience something; 2.00 "
                       "means the first is twice as likely. Each ratio comes with a 95% interval: where the "
                       "interval includes 1.00, the difference may be down to chance."))
    if content.published:
        blocks += [Heading(3, PUBLICATION_SAFE_TITLE), Text(content.note)]
    else:
        blocks += [Text(content.marking, "marking"),
                   Text("Every count is shown as counted. For the board's own use: do not publish.")]
    return blocks


def _scorecard(content: ReportContent) -> list[Block]:
    rows = tuple(tuple(row) for row in scorecard_rows(content))
    return [Heading(2, SCORECARD_TITLE), Table(SCORECARD_TITLE, SCORECARD_COLUMNS, rows, kind="scorecard"),
            Text(SCORECARD_NOTE, "caption")]


def _panels(panels: dict[str, str], published: bool, none_written: str, level: int) -> list[Block]:
    """The three panels as written, each under its heading: in the published plan an empty one is left out (a
    heading over nothing reads as a gap in what the board signs off) and one line says when none was written."""
    written = {kind: panels[kind].strip() for kind in PANEL_KINDS}
    if published and not any(written.values()):
        return [Text(none_written, "empty")]
    blocks: list[Block] = []
    for kind, label in PANEL_KINDS.items():
        text = written[kind]
        if not text and published:
            continue
        blocks += [Heading(level, label), Text(text) if text else Text(NOT_WRITTEN, "empty")]
    return blocks


def _metric(metric: MetricContent, content: ReportContent) -> list[Block]:
    d = metric.definition
    blocks: list[Block] = [
        Heading(2, f"Metric {d.number}: {d.title}"),
        Text(d.description.format(bme=content.settings.bme_label)),
        *chart_blocks(metric.chart),
        Text(counted_line(metric, content.period), "caption"),
    ]
    if combined := combined_line(metric):
        blocks.append(Text(combined, "caption"))
    blocks += [Text(line, "figure") for line in headline_lines(metric, content.published)]
    blocks += [Text(line, "caption") for line in unknown_lines(metric, content.settings, content.published)]
    numbers = [str(a.number) for a in metric.actions if a.number is not None]
    if numbers:
        blocks.append(Text(f"In the action plan: objective{'s' if len(numbers) > 1 else ''} {', '.join(numbers)}.",
                           "caption"))
    return [*blocks, *_panels(metric.panels, content.published, NO_TEXT_PUBLISHED, 3), PageBreak()]


def _pay_gap_block(block: PayGapBlock, content: ReportContent) -> list[Block]:
    blocks: list[Block] = [
        Heading(3, block.title),
        *figures_blocks(block.figures, block.title),
        *[Text(line, "figure") for line in block.lines],
        *chart_blocks(block.chart),
        *[Text(line, "caption") for line in block.counted],
    ]
    if block.withheld:
        blocks += [Heading(4, WITHHELD_TITLE), *[Text(line, "caption") for line in block.withheld]]
    return [*blocks, *_panels(block.panels, content.published, NO_PAY_GAP_TEXT_PUBLISHED, 4), PageBreak()]


def _pay_gaps(section: PayGapSection, content: ReportContent) -> list[Block]:
    """The Pay gaps section: each comparison under its own heading, or one line saying why there is none."""
    blocks: list[Block] = [Heading(2, SECTION_TITLE)]
    if not section.blocks:
        return [*blocks, Text(section.missing or "No pay gaps to show."),
                *[Text(note, "caption") for note in section.notes], PageBreak()]
    blocks += [Text(note, "caption") for note in section.notes]
    for block in section.blocks:
        blocks += _pay_gap_block(block, content)
    return blocks


def action_cells(action: Action) -> tuple[str, ...]:
    """An objective's row of the objectives table (ACTION_COLUMNS)."""
    linked = "; ".join(part for part in (", ".join(action.themes), ", ".join(action.metrics)) if part)
    return ("" if action.number is None else str(action.number), action.objective, linked, action.lead,
            action.specific_actions, action.indicators, action.timeframe, action.progress, rag_text(action))


def _objectives(content: ReportContent) -> list[Block]:
    blocks: list[Block] = [Heading(2, OBJECTIVES_TITLE)]
    if not content.actions:
        return [*blocks, Text(NO_OBJECTIVES, "empty")]
    table = Table(OBJECTIVES_TITLE, ACTION_COLUMNS, tuple(action_cells(a) for a in content.actions),
                  row_headers=False, rag=tuple(a.rag or "" for a in content.actions), kind="objectives")
    return [*blocks, table, Text(rag_key_text(content.settings), "caption")]


def plan_document(content: ReportContent, *, signed_off_by: str = "", role: str = "", date: str = "") -> PlanDocument:
    """The plan, published or internal, as the outline every writer follows."""
    blocks: list[Block] = [*_introduction(content), PageBreak(), *_scorecard(content), PageBreak()]
    for metric in content.metrics.values():
        blocks += _metric(metric, content)
    if content.pay_gaps is not None:
        blocks += _pay_gaps(content.pay_gaps, content)
    blocks += _objectives(content)
    blocks += [Heading(2, SIGN_OFF_TITLE),
               SignOff(tuple(zip(SIGN_OFF_LABELS, (signed_off_by, role, date), strict=True)))]
    return PlanDocument(title=document_title(content), author=content.organisation, subject=content.standard.title,
                        marking=content.marking, scope_line=content.scope_line, published=content.published,
                        blocks=blocks)
