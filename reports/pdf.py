"""The PDF export: the action plan a council publishes, in the shape of the plans councils publish.

An introduction, the scorecard (the deck's: metric, value, 95% interval, status), then metric by metric
(chart, figures, the panels written), the objectives table with its RAG key and a sign-off block. A4
portrait, body 11 pt. Every string that came from a person or a spreadsheet is escaped before it reaches
reportlab's Paragraph, which would otherwise read <b>, <font> and & as markup.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

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
from reports.images import chart_png, png_size
from reports.paygap_section import SECTION_TITLE, PayGapBlock, PayGapSection
from storage import PANEL_KINDS, Action

PLAN_TITLE = "Workforce Race Equality Standard action plan"
NOT_WRITTEN = "Nothing written yet."  # under an empty panel in the internal plan, for the board to see the gap
# In the published plan an empty panel is left out; a metric with none written says so once.
NO_TEXT_PUBLISHED = "No text for this metric was written for publication."
NO_PAY_GAP_TEXT_PUBLISHED = "No text for these pay gaps was written for publication."
SCORECARD_TITLE = "Scorecard: the nine metrics"
SCORECARD_WIDTHS: tuple[float, ...] = (64, 38, 32, 36)  # millimetres, the frame's width
SIGN_OFF_LABELS: tuple[str, ...] = ("Signed off by", "Role", "Date")
# Two lines at most in the block's 110 mm column at 11 pt.
SIGN_OFF_MAX_CHARS = 80
ACTION_COLUMNS: tuple[str, ...] = ("No.", "Objective", "Themes and metrics", "Lead", "Specific actions",
                                   "Indicators of improvement", "Timeframe", "Progress", "RAG")
# Millimetres, just under the frame's width; wide enough for the longest theme word and header at 9 pt.
ACTION_WIDTHS: tuple[float, ...] = (8, 22, 21, 16, 26, 23, 18.5, 18, 16.5)
MARGIN = 18 * mm
FRAME_WIDTH = A4[0] - 2 * MARGIN - 12  # the frame pads 6 pt each side
CHART_MAX_HEIGHT = 105 * mm
BODY_SIZE, TABLE_SIZE = 11, 9
_HEADING = colors.HexColor("#1F3A5F")
_GREY = colors.HexColor("#595959")
_RED = colors.HexColor("#C00000")
_RAG_TINTS = {"green": colors.HexColor("#D9EAD3"), "amber": colors.HexColor("#FCE5CD"),
              "red": colors.HexColor("#F4CCCC")}


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("Body", parent=base["BodyText"], fontSize=BODY_SIZE, leading=15, spaceAfter=6)
    return {
        "body": body,
        "title": ParagraphStyle("Title", parent=base["Title"], fontSize=26, leading=32, textColor=_HEADING,
                                spaceAfter=12),
        "subtitle": ParagraphStyle("Subtitle", parent=body, fontSize=16, leading=21, alignment=TA_CENTER,
                                   textColor=_HEADING, spaceAfter=8),
        "h1": ParagraphStyle("H1", parent=base["Heading1"], fontSize=18, leading=23, textColor=_HEADING,
                             spaceBefore=0, spaceAfter=8),
        "h2": ParagraphStyle("H2", parent=base["Heading2"], fontSize=14, leading=18, textColor=_HEADING,
                             spaceBefore=10, spaceAfter=4),
        "figure": ParagraphStyle("Figure", parent=body, fontName="Helvetica-Bold", textColor=_HEADING),
        "caption": ParagraphStyle("Caption", parent=body, fontSize=10, leading=13, textColor=_GREY),
        "empty": ParagraphStyle("Empty", parent=body, fontName="Helvetica-Oblique", textColor=_GREY),
        "marking": ParagraphStyle("Marking", parent=body, fontName="Helvetica-Bold", textColor=_RED),
        "cell": ParagraphStyle("Cell", parent=body, fontSize=TABLE_SIZE, leading=11, spaceAfter=0),
        "head": ParagraphStyle("Head", parent=body, fontName="Helvetica-Bold", fontSize=TABLE_SIZE, leading=11,
                               spaceAfter=0, textColor=colors.white),
    }


def markup(text: str) -> str:
    """Plain text as Paragraph markup: shown exactly as typed, line breaks kept."""
    return escape(text).replace("\r\n", "\n").replace("\n", "<br/>")


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(markup(text), style)


# Pages ---------------------------------------------------------------------------------------------


def _page_decorator(marking: str, scope_line: str = "") -> Any:
    def decorate(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        width, _ = A4
        canvas.setFont("Helvetica", 9)
        canvas.setFillColor(_GREY)
        # "Page N" alone: "N of M" reads like a count, and the published text never shows small counts.
        canvas.drawRightString(width - MARGIN, 10 * mm, f"Page {doc.page}")
        if scope_line:  # every page says what it covers: one service's page is never read as the council's
            canvas.drawRightString(width - MARGIN, A4[1] - 11 * mm, scope_line)
        if marking:
            canvas.setFont("Helvetica-Bold", 9)
            canvas.setFillColor(_RED)
            canvas.drawString(MARGIN, A4[1] - 11 * mm, marking)
            canvas.drawString(MARGIN, 10 * mm, marking)
        canvas.restoreState()
    return decorate


def _introduction(content: ReportContent, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    standard = content.standard
    own_term = own_term_text(content)
    story: list[Flowable] = [
        Spacer(1, 30 * mm),
        _para(pack_title(content), s["title"]),
        _para(PLAN_TITLE, s["subtitle"]),
        _para(f"{standard.title} ({standard.name})", s["subtitle"]),
        _para(f"Period: {content.period}", s["subtitle"]),
        _para(content.scope_line, s["subtitle"]),
        Spacer(1, 12 * mm),
        _para("Introduction", s["h1"]),
        _para(f"The {standard.title} ({standard.name}) {compares_text(standard)}: who works here and "
              "at what level, who is appointed, who enters formal processes, who has training, who reports "
              "harassment and who leaves. This plan sets out what our data shows for each metric, what we "
              "have achieved and what we are working towards.", s["body"]),
        *([_para(f"\"{content.settings.bme_label}\" is this organisation's term for staff from minority-ethnic "
                 "backgrounds, and is used throughout.", s["body"])] if own_term else []),
        _para("Most metrics are relative likelihoods: one group's rate divided by the other's. A relative "
              "likelihood of 1.00 means the two groups are equally likely to experience something; 2.00 "
              "means the first is twice as likely. Each ratio comes with a 95% interval: where the interval "
              "includes 1.00, the difference may be down to chance.", s["body"]),
        Spacer(1, 4 * mm),
    ]
    if content.published:
        story += [_para("Publication-safe", s["h2"]), _para(content.note, s["body"])]
    else:
        story += [_para(content.marking, s["marking"]),
                  _para("Every count is shown as counted. For the board's own use: do not publish.", s["body"])]
    return story


def _chart(metric: MetricContent) -> Image:
    image = chart_png(metric.chart, width=900, scale=2)
    width_px, height_px = png_size(image)
    scale = min(FRAME_WIDTH / width_px, CHART_MAX_HEIGHT / height_px)
    return Image(BytesIO(image), width=width_px * scale, height=height_px * scale)


def _metric(metric: MetricContent, content: ReportContent, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    d = metric.definition
    story: list[Flowable] = [
        _para(f"Metric {d.number}: {d.title}", s["h1"]),
        _para(d.description.format(bme=content.settings.bme_label), s["body"]),
        _chart(metric),
        _para(metric.chart.summary, s["caption"]),
        _para(counted_line(metric, content.period), s["caption"]),
        *([_para(combined_line(metric), s["caption"])] if combined_line(metric) else []),
        *[_para(line, s["figure"]) for line in headline_lines(metric, content.published)],
        *[_para(line, s["caption"]) for line in unknown_lines(metric, content.settings, content.published)],
    ]
    numbers = [str(a.number) for a in metric.actions if a.number is not None]
    if numbers:
        story.append(_para(f"In the action plan: objective{'s' if len(numbers) > 1 else ''} "
                           f"{', '.join(numbers)}.", s["caption"]))
    written = {kind: metric.panels[kind].strip() for kind in PANEL_KINDS}
    if content.published and not any(written.values()):
        story.append(_para(NO_TEXT_PUBLISHED, s["empty"]))
    for kind, label in PANEL_KINDS.items():
        text = written[kind]
        if not text and content.published:
            continue  # a heading over nothing reads as a gap in what the board signs off
        body = _para(text, s["body"]) if text else _para(NOT_WRITTEN, s["empty"])
        story.append(KeepTogether([_para(label, s["h2"]), body]))
    story.append(PageBreak())
    return story


def _figure_table(frame: Any, s: dict[str, ParagraphStyle]) -> Table:
    """A small table of a frame's columns and rows, every cell as text."""
    rows = [[_para(str(c), s["head"]) for c in frame.columns],
            *[[_para("" if v is None else str(v), s["cell"]) for v in values]
              for values in frame.itertuples(index=False)]]
    width = FRAME_WIDTH / len(frame.columns)
    table = Table(rows, colWidths=[width] * len(frame.columns), repeatRows=1)
    table.setStyle(TableStyle(_table_style()))
    return table


def _pay_gap_block(block: PayGapBlock, content: ReportContent, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    image = chart_png(block.chart, width=900, scale=2)
    width_px, height_px = png_size(image)
    scale = min(FRAME_WIDTH / width_px, CHART_MAX_HEIGHT / height_px)
    story: list[Flowable] = [
        _para(block.title, s["h1"]),
        _figure_table(block.figures, s), Spacer(1, 3 * mm),
        *[_para(line, s["figure"]) for line in block.lines],
        Image(BytesIO(image), width=width_px * scale, height=height_px * scale),
        _para(block.chart.summary, s["caption"]),
        _figure_table(block.chart.table, s), Spacer(1, 3 * mm),
        *[_para(line, s["caption"]) for line in block.counted],
    ]
    if block.withheld:
        story.append(_para("Withheld", s["h2"]))
        story += [_para(line, s["caption"]) for line in block.withheld]
    written = {kind: block.panels[kind].strip() for kind in PANEL_KINDS}
    if content.published and not any(written.values()):
        story.append(_para(NO_PAY_GAP_TEXT_PUBLISHED, s["empty"]))
    for kind, label in PANEL_KINDS.items():
        text = written[kind]
        if not text and content.published:
            continue
        body = _para(text, s["body"]) if text else _para(NOT_WRITTEN, s["empty"])
        story.append(KeepTogether([_para(label, s["h2"]), body]))
    story.append(PageBreak())
    return story


def _pay_gaps(section: PayGapSection, content: ReportContent, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The Pay gaps section: each comparison on its own pages, or one line saying why there is none."""
    if not section.blocks:
        return [_para(SECTION_TITLE, s["h1"]), _para(section.missing or "No pay gaps to show.", s["body"]),
                *[_para(note, s["caption"]) for note in section.notes], PageBreak()]
    story: list[Flowable] = [_para(note, s["caption"]) for note in section.notes]
    for block in section.blocks:
        story += _pay_gap_block(block, content, s)
    return story


def _action_cells(action: Action, style: ParagraphStyle) -> list[Paragraph]:
    linked = "; ".join(part for part in (", ".join(action.themes), ", ".join(action.metrics)) if part)
    values = ["" if action.number is None else str(action.number), action.objective, linked, action.lead,
              action.specific_actions, action.indicators, action.timeframe, action.progress, rag_text(action)]
    return [_para(v, style) for v in values]


def _table_style() -> list[Any]:
    return [
        ("BACKGROUND", (0, 0), (-1, 0), _HEADING),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#A6A6A6")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]


def _scorecard(content: ReportContent, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The deck's scorecard slide as a page: the same rows (reports.content.scorecard_rows)."""
    cell = ParagraphStyle("ScorecardCell", parent=s["cell"], fontSize=10, leading=13)
    head = ParagraphStyle("ScorecardHead", parent=s["head"], fontSize=10, leading=13)
    rows = [[_para(c, head) for c in SCORECARD_COLUMNS],
            *[[_para(value, cell) for value in row] for row in scorecard_rows(content)]]
    table = Table(rows, colWidths=[w * mm for w in SCORECARD_WIDTHS], repeatRows=1)
    table.setStyle(TableStyle(_table_style()))
    return [_para(SCORECARD_TITLE, s["h1"]), table, Spacer(1, 3 * mm),
            _para("Each metric's page explains its figures. Where a 95% interval includes 1.00, the difference may "
                  "be down to chance.", s["caption"])]


def _objectives(content: ReportContent, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = [_para("Our objectives", s["h1"])]
    if not content.actions:
        return [*story, _para("The action plan has no objectives yet.", s["empty"])]
    rows = [[_para(c, s["head"]) for c in ACTION_COLUMNS],
            *[_action_cells(a, s["cell"]) for a in content.actions]]
    style = _table_style()
    for row, action in enumerate(content.actions, start=1):
        tint = _RAG_TINTS.get(action.rag or "")
        if tint is not None:  # the word is in the cell too: colour is never the only signal
            style.append(("BACKGROUND", (-1, row), (-1, row), tint))
    table = Table(rows, colWidths=[w * mm for w in ACTION_WIDTHS], repeatRows=1)
    table.setStyle(TableStyle(style))
    return [*story, table, Spacer(1, 2 * mm), _para(rag_key_text(content.settings), s["caption"])]


def sign_off_problems(signed_off_by: str, role: str) -> list[str]:
    """Why a name or role given for the sign-off block cannot go in it, one sentence each; [] when they can."""
    problems = []
    for label, value in (("The name", signed_off_by), ("The role", role)):
        if len(value.strip()) > SIGN_OFF_MAX_CHARS:
            problems.append(f"{label} is {len(value.strip())} characters long; the sign-off block has room for "
                            f"{SIGN_OFF_MAX_CHARS}.")
        elif any(not character.isprintable() for character in value.strip()):
            problems.append(f"{label} holds a tab, line break or other character that cannot be printed.")
    return problems


def sign_off_date(day: dt.date | None) -> str:
    """A date as the sign-off block writes it ("14 May 2026"); "" for none, a line to write it by hand."""
    return "" if day is None else f"{day.day} {day:%B %Y}"


def _sign_off(s: dict[str, ParagraphStyle], values: tuple[str, str, str]) -> Flowable:
    rows = [[_para(label, s["figure"]), _para(value, s["body"])] for label, value in zip(SIGN_OFF_LABELS, values,
                                                                                         strict=True)]
    table = Table(rows, colWidths=[40 * mm, 110 * mm], rowHeights=[12 * mm] * len(rows))
    table.setStyle(TableStyle([
        ("LINEBELOW", (1, 0), (1, -1), 0.75, colors.black),  # the line to sign on when nothing is given
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
    ]))
    return KeepTogether([Spacer(1, 10 * mm), _para("Sign-off", s["h1"]), table])


def write_pdf(content: ReportContent, target: str | Path | IO[bytes], *, signed_off_by: str = "",
              role: str = "", date: str = "") -> None:
    """Write the published plan (or the internal one, marked on every page) to a path or binary file."""
    s = _styles()
    doc = SimpleDocTemplate(
        str(target) if isinstance(target, Path) else target, pagesize=A4,
        leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
        title=f"{PLAN_TITLE}: {content.organisation}, {content.period}"
              + (f" ({content.covers})" if content.covers else ""), author=content.organisation,
        subject=content.standard.title,
    )
    story = [*_introduction(content, s), PageBreak(), *_scorecard(content, s), PageBreak()]
    for metric in content.metrics.values():
        story += _metric(metric, content, s)
    if content.pay_gaps is not None:
        story += _pay_gaps(content.pay_gaps, content, s)
    story += _objectives(content, s)
    story.append(_sign_off(s, (signed_off_by, role, date)))
    decorate = _page_decorator(content.marking, content.scope_line)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
