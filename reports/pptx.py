"""The PowerPoint export: title, scorecard, a slide per metric, the panels in words, the action plan.

Made for a meeting-room screen: 16:9, titles 36 pt, body 18 pt or more. Each metric has one slide: its
chart, the headline figure and at most three short points. What the organisation wrote about it (the
three panels) follows on its own slide in large type, and is in the metric slide's notes for whoever
presents. Every text box is measured before it is written (`text_lines`); text shrinks only when it
cannot fit at the usual size, and a panel slide too long even at 18 pt is split into slides titled
"(1 of 2)", "(2 of 2)". Every string goes into a text run as plain text, so nothing a person typed is
read as markup.

Made to be read with a screen reader too: every slide has its title in the title placeholder (a screen reader's list
of slides, and its headings); each chart keeps its one-sentence summary as its description (alt text); a grid of
figures is a real table with its header row marked as one; and the shapes are in reading order (the title, then the
body as it is read, the protective marking last), which is the order a screen reader reads them in.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, replace
from io import BytesIO
from itertools import repeat
from pathlib import Path
from typing import IO

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide
from pptx.text.text import _Paragraph
from pptx.util import Emu, Inches, Pt

from charts.shared import WITHHELD
from reports.content import (
    SCORECARD_COLUMNS,
    MetricContent,
    ReportContent,
    combined_line,
    counted_line,
    headline_lines,
    own_term_text,
    pack_title,
    quality_point,
    rag_key_text,
    rag_text,
    scorecard_rows,
    unknown_lines,
    where_figure_rows,
    where_lines,
)
from reports.images import chart_png, png_size
from reports.paygap_section import SECTION_TITLE, PayGapBlock, PayGapSection, size_lines, withheld_summary
from storage import PANEL_KINDS, Action

SLIDE_WIDTH, SLIDE_HEIGHT = 13.333, 7.5  # inches, 16:9
MARGIN = 0.5
CONTENT_TOP = 1.35
TITLE_SIZE, BODY_SIZE, HEADLINE_SIZE, MARKING_SIZE = 36, 18, 20, 16
# The sizes a box's text may take, largest first, before a panel slide is split or a point left out.
TITLE_SIZES: tuple[int, ...] = (36, 32, 28, 24)
PANEL_SIZES: tuple[int, ...] = (24, 22, 20, 18)
POINT_SIZES: tuple[int, ...] = (18, 16, 14)
HEADLINE_SIZES: tuple[int, ...] = (20, 18, 16, 14)
ACTION_ROWS_PER_SLIDE = 6
ACTION_COLUMNS: tuple[str, ...] = ("Number", "Objective", "Lead", "Timeframe", "RAG")
ACTION_WIDTHS: tuple[float, ...] = (1.3, 5.5, 2.5, 1.8, 1.23)  # inches
ACTION_ROW_HEIGHT = 0.5  # inches, the least a row takes; rows with more lines grow
PANEL_TITLE = "What we say about metric {number}"
# Average glyph width in ems for the theme font (Calibri), a little generous so estimates err towards
# fitting; bold is wider.
EM_PER_CHAR, EM_PER_CHAR_BOLD = 0.53, 0.56
# Single line spacing, as a multiple of the font size (Calibri's ascent, descent and line gap: 1.22).
LINE_SPACING = 1.22
_LAYOUT_TITLE_ONLY = 5
_BLACK = RGBColor(0x1F, 0x1F, 0x1F)
_GREY = RGBColor(0x59, 0x59, 0x59)
_RED = RGBColor(0xC0, 0x00, 0x00)
_HEADING = RGBColor(0x1F, 0x3A, 0x5F)
_BOX_INSET = 0.05  # inches, each side, for the boxes made here
# A table cell's margins (python-pptx's and PowerPoint's defaults), inches: 0.1 each side, 0.05 above and below.
_CELL_SIDES, _CELL_ENDS = 0.2, 0.1
MARKING_NAME = "Marking"
_TITLE_TOP, _TITLE_HEIGHT = 0.3, 0.95
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def text_lines(text: str, width: float, size: float, *, bold: bool = False) -> list[str]:
    """`text` wrapped as it would be in a box `width` inches wide (inside its margins) at `size` points."""
    per_em = EM_PER_CHAR_BOLD if bold else EM_PER_CHAR
    return textwrap.wrap(text, max(1, int(width * 72 / (size * per_em)))) or [""]


@dataclass(frozen=True)
class _Block:
    """One paragraph to place: a panel's label, its text, a headline figure, a point."""

    text: str
    size: int = BODY_SIZE
    bold: bool = False
    italic: bool = False
    colour: RGBColor = _BLACK
    space_after: int = 6
    # The label a text block sits under, repeated above the rest when the text is split.
    label: _Block | None = None
    is_label: bool = False

    def lines(self, width: float) -> list[str]:
        return text_lines(self.text, width, self.size, bold=self.bold)

    def height(self, width: float) -> float:
        """Points."""
        return len(self.lines(width)) * self.size * LINE_SPACING + self.space_after


@dataclass(frozen=True)
class _Box:
    left: float
    top: float
    width: float
    height: float

    @property
    def inner_width(self) -> float:
        return self.width - 2 * _BOX_INSET

    @property
    def capacity(self) -> float:
        """Points of text that fit."""
        return (self.height - 2 * _BOX_INSET) * 72

    def holds(self, blocks: list[_Block]) -> bool:
        return sum(b.height(self.inner_width) for b in blocks) <= self.capacity


def _sized(blocks: list[_Block], size: int, base: int) -> list[_Block]:
    """The blocks with `base` points made `size`, and other sizes moved by as much (labels stay larger)."""
    return [replace(b, size=max(1, b.size + size - base)) for b in blocks]


def _largest_that_fits(blocks: list[_Block], box: _Box, sizes: tuple[int, ...]) -> list[_Block] | None:
    """The blocks at the largest of `sizes` (for blocks written at sizes[0]) at which they fit the box."""
    for size in sizes:
        sized = _sized(blocks, size, sizes[0])
        if box.holds(sized):
            return sized
    return None


# Slides and text -----------------------------------------------------------------------------------


def _bottom(content: ReportContent) -> float:
    return SLIDE_HEIGHT - (0.55 if content.marking else 0.3)


def _title_size(title: str) -> int:
    width = SLIDE_WIDTH - 2 * MARGIN - 0.2  # the placeholder's own margins, 0.1 inch each side
    room = (_TITLE_HEIGHT - 0.1) * 72
    for size in TITLE_SIZES:
        if len(text_lines(title, width, size, bold=True)) * size * LINE_SPACING <= room:
            return size
    return TITLE_SIZES[-1]


def _new_slide(deck: Deck, title: str, content: ReportContent) -> Slide:
    if content.covers:  # a service's slide is never read as the council's: its title says what it covers
        title = f"{title} ({content.covers})"
    slide = deck.slides.add_slide(deck.slide_layouts[_LAYOUT_TITLE_ONLY])
    heading = slide.shapes.title
    heading.left, heading.top = Inches(MARGIN), Inches(_TITLE_TOP)
    heading.width, heading.height = Inches(SLIDE_WIDTH - 2 * MARGIN), Inches(_TITLE_HEIGHT)
    frame = heading.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    _run(paragraph, title, _title_size(title), bold=True, colour=_HEADING)
    if content.marking:
        _marking(slide, content.marking)
    return slide


def _marking(slide: Slide, marking: str) -> None:
    _text_box(slide, _Box(MARGIN, SLIDE_HEIGHT - 0.5, SLIDE_WIDTH - 2 * MARGIN, 0.45),
              [_Block(marking, size=MARKING_SIZE, bold=True, colour=_RED, space_after=0)], name=MARKING_NAME)


def _in_reading_order(slide: Slide) -> None:
    """The protective marking, at the foot of the slide, read last: moved to the end of the slide's shapes (the
    title placeholder is first, and the body's shapes are added in the order they are read)."""
    for shape in list(slide.shapes):
        if shape.name == MARKING_NAME:
            element = shape.element
            tree = element.getparent()
            tree.remove(element)
            shapes = [e for e in tree.iterchildren() if not e.tag.endswith("}extLst")]
            shapes[-1].addnext(element)


def _run(paragraph: _Paragraph, text: str, size: int, *, bold: bool = False, italic: bool = False,
         colour: RGBColor = _BLACK) -> None:
    run = paragraph.add_run()
    run.text = text  # a plain run: no markup is interpreted
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run.font.color.rgb = colour


def _text_box(slide: Slide, box: _Box, blocks: list[_Block], name: str = "") -> None:
    shape = slide.shapes.add_textbox(Inches(box.left), Inches(box.top), Inches(box.width), Inches(box.height))
    if name:
        shape.name = name
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    for side in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
        setattr(frame, side, Inches(_BOX_INSET))
    for i, block in enumerate(blocks):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.space_after = Pt(block.space_after)
        _run(paragraph, block.text, block.size, bold=block.bold, italic=block.italic, colour=block.colour)


def _split_text(block: _Block, width: float, room: float, fresh: bool) -> tuple[_Block | None, _Block]:
    """The part of `block` that fits in `room` points, and the rest; at a sentence end where one fits."""
    line = block.size * LINE_SPACING
    fits = int((room - block.space_after) // line)
    if fits < 1:
        return None, block

    def fit(text: str) -> bool:
        return len(replace(block, text=text).lines(width)) <= fits

    sentences = _SENTENCE_END.split(block.text)
    taken: list[str] = []
    for sentence in sentences:
        if not fit(" ".join([*taken, sentence])):
            break
        taken.append(sentence)
    if taken:
        head, tail = " ".join(taken), " ".join(sentences[len(taken):])
    elif fresh or fits >= 3:  # one sentence longer than the room: split it between words
        words = block.text.split()
        count = len(words) - 1
        while count > 1 and not fit(" ".join(words[:count])):
            count -= 1
        head, tail = " ".join(words[:count]), " ".join(words[count:])
    else:
        return None, block
    return replace(block, text=head), replace(block, text=tail)


def _flow(blocks: list[_Block], boxes: Iterator[_Box]) -> list[tuple[_Box, list[_Block]]]:
    """Place blocks into boxes in order, taking more boxes as needed; text splits, labels keep with text."""
    placed: list[tuple[_Box, list[_Block]]] = []
    box, used, inside = next(boxes), 0.0, []
    queue = list(blocks)
    while queue:
        block = queue.pop(0)
        room = box.capacity - used
        height = block.height(box.inner_width)
        if block.is_label and queue and queue[0].label is block:
            # Keep the label with at least two lines of its text (or all of a shorter text).
            following = queue[0]
            need = min(following.height(box.inner_width),
                       2 * following.size * LINE_SPACING + following.space_after)
            height_needed = height + need
        else:
            height_needed = height
        if height_needed <= room:
            inside.append(block)
            used += height
            continue
        if not block.is_label:
            head, tail = _split_text(block, box.inner_width, room, fresh=not inside)
            if head is not None:
                inside.append(head)
                queue[:0] = _with_label(tail)
                placed.append((box, inside))
                box, used, inside = next(boxes), 0.0, []
                continue
        if not inside:  # too tall for an empty box: place it anyway rather than loop for ever
            inside.append(block)
            used += height
            continue
        placed.append((box, inside))
        box, used, inside = next(boxes), 0.0, []
        queue[:0] = _with_label(block)
    placed.append((box, inside))
    return placed


def _with_label(block: _Block) -> list[_Block]:
    """A text block starting a new box, under its label again (the slide's title says "2 of 2")."""
    if block.is_label or block.label is None:
        return [block]
    return [block.label, block]


# Figures in words ----------------------------------------------------------------------------------


def _headline_blocks(metric: MetricContent, published: bool) -> list[_Block]:
    return [_Block(line, size=HEADLINE_SIZE, bold=True, colour=_HEADING, space_after=8)
            for line in headline_lines(metric, published)]


def _objectives_point(metric: MetricContent) -> str:
    """Where the metric is in the action plan, or "" when no objective names it."""
    numbers = [str(a.number) for a in metric.actions if a.number is not None]
    if not numbers:
        return ""
    return f"In the action plan: objective{'s' if len(numbers) > 1 else ''} {', '.join(numbers)}."


def _metric_points(metric: MetricContent) -> list[str]:
    """At most three short points beside the chart: what it shows, the data's gaps, the plan's objectives."""
    return [p for p in (metric.chart.summary, quality_point(metric), _objectives_point(metric)) if p][:3]


def _point_blocks(points: list[str]) -> list[_Block]:
    return [_Block(p, space_after=14, colour=_GREY if i else _BLACK, italic=p.startswith("In the action plan"))
            for i, p in enumerate(points)]


def _written_panels(metric: MetricContent) -> list[tuple[str, list[str]]]:
    """(label, paragraphs) for each panel with text, in PANEL_KINDS order; empty panels are left out."""
    out = []
    for kind, label in PANEL_KINDS.items():
        paragraphs = [p.strip() for p in metric.panels.get(kind, "").splitlines() if p.strip()]
        if paragraphs:
            out.append((label, paragraphs))
    return out


def _panel_blocks(metric: MetricContent, size: int) -> list[_Block]:
    blocks: list[_Block] = []
    for label, paragraphs in _written_panels(metric):
        heading = _Block(label, size=size + 2, bold=True, colour=_HEADING, space_after=4, is_label=True)
        blocks.append(heading)
        for i, paragraph in enumerate(paragraphs):
            blocks.append(_Block(paragraph, size=size, space_after=16 if i == len(paragraphs) - 1 else 6,
                                 label=heading))
    return blocks


# The slides ----------------------------------------------------------------------------------------


def _title_slide(deck: Deck, content: ReportContent) -> None:
    slide = _new_slide(deck, pack_title(content), content)
    standard = content.standard
    blocks = [
        _Block(f"{standard.title} ({standard.name})", size=28, bold=True, colour=_HEADING, space_after=12),
        _Block(f"Period: {content.period}", size=24, space_after=6),
        _Block(content.scope_line, size=24, space_after=24),
        _Block("Publication-safe" if content.published else content.marking, size=BODY_SIZE, bold=True,
               colour=_HEADING if content.published else _RED, space_after=4),
        _Block(content.note if content.published else
               "Every count is shown as counted. For the board's own use: do not publish.", size=BODY_SIZE),
        *([_Block(f"{own_term}.", size=BODY_SIZE, colour=_GREY)] if (own_term := own_term_text(content)) else []),
    ]
    top = 1.6
    box = _Box(MARGIN, top, SLIDE_WIDTH - 2 * MARGIN, _bottom(content) - top)
    _text_box(slide, box, _largest_that_fits(blocks, box, (28, 24, 20, 16)) or blocks)


def row_heights(rows: list[list[str]], widths: list[float], size: float, least: float = 0.0) -> list[float]:
    """Each row's height in inches, its text wrapped in its cells at `size` points (at least `least`)."""
    return [max(least, max(sum(len(text_lines(line, width - _CELL_SIDES, size, bold=r == 0))
                               for line in value.split("\n")) for value, width in zip(row, widths, strict=True))
                * size * LINE_SPACING / 72 + _CELL_ENDS)
            for r, row in enumerate(rows)]


def _table(slide: Slide, header: tuple[str, ...], rows: list[list[str]], widths: list[float],
           row_height: float | list[float], *, left: float = MARGIN, top: float = CONTENT_TOP, size: int = BODY_SIZE,
           name: str = "") -> None:
    """A real table (a screen reader reads each cell with its column's heading): the header row first, marked as the
    header row (python-pptx's tables have firstRow set), white on the theme's dark fill."""
    heights = row_height if isinstance(row_height, list) else [row_height] * (len(rows) + 1)
    shape = slide.shapes.add_table(len(rows) + 1, len(header), Inches(left), Inches(top),
                                   Inches(sum(widths)), Inches(sum(heights)))
    if name:
        shape.name = name
    table = shape.table
    table.first_row = True
    for column, width in enumerate(widths):
        table.columns[column].width = Emu(Inches(width))
    for r, values in enumerate([list(header), *rows]):
        table.rows[r].height = Emu(Inches(heights[r]))
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            frame = cell.text_frame
            frame.word_wrap = True
            for i, line in enumerate(value.split("\n")):
                paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
                _run(paragraph, line, size, bold=r == 0, colour=RGBColor(0xFF, 0xFF, 0xFF) if r == 0 else _BLACK)


def _scorecard_slide(deck: Deck, content: ReportContent) -> None:
    slide = _new_slide(deck, "Scorecard: the nine metrics", content)
    _table(slide, SCORECARD_COLUMNS, scorecard_rows(content), [5.0, 2.9, 2.3, 2.13], 0.45, name="Scorecard")


def _picture(slide: Slide, image: bytes, box: _Box, description: str) -> float:
    """Fit the image in the box, top left; returns its height in inches."""
    width_px, height_px = png_size(image)
    scale = min(box.width / width_px, box.height / height_px)
    width, height = width_px * scale, height_px * scale
    picture = slide.shapes.add_picture(BytesIO(image), Inches(box.left), Inches(box.top), Inches(width),
                                       Inches(height))
    picture.name = "Chart"
    # Alt text for screen readers: the chart's own summary sentence.
    # python-pptx types the oxml child as the descriptor that makes it (OneAndOnlyOne), not the element it gives.
    picture._element.nvPicPr.cNvPr.set("descr", description)  # type: ignore[union-attr]
    return height


def _fit_points(points: list[str], box: _Box) -> list[_Block]:
    """The points at the largest size that fits; if even the smallest will not, the last points go (the
    chart summary, first, is the chart's alt text too; the panels slide and the notes say the rest)."""
    while points:
        fitted = _largest_that_fits(_point_blocks(points), box, POINT_SIZES)
        if fitted is not None:
            return fitted
        points = points[:-1]
    return []


def _metric_slide(deck: Deck, metric: MetricContent, content: ReportContent) -> None:
    d = metric.definition
    slide = _new_slide(deck, f"{d.id} {d.title}", content)
    bottom = _bottom(content)
    chart_width, gap = 7.0, 0.3
    chart_box = _Box(MARGIN, CONTENT_TOP, chart_width, min(3.9, bottom - CONTENT_TOP - 1.3))
    chart_height = _picture(slide, chart_png(metric.chart), chart_box, metric.chart.summary)
    under_top = CONTENT_TOP + chart_height + 0.2
    headline_box = _Box(MARGIN, under_top, chart_width, bottom - under_top)
    headline = _headline_blocks(metric, content.published)
    _text_box(slide, headline_box, _largest_that_fits(headline, headline_box, HEADLINE_SIZES)
              or _sized(headline, HEADLINE_SIZES[-1], HEADLINE_SIZE), name="Headline")
    points_left = MARGIN + chart_width + gap
    points_box = _Box(points_left, CONTENT_TOP, SLIDE_WIDTH - MARGIN - points_left, bottom - CONTENT_TOP)
    points = _fit_points(_metric_points(metric), points_box)
    if points:
        _text_box(slide, points_box, points, name="Points")
    notes = [counted_line(metric, content.period)]
    if combined_line(metric):
        notes.append(combined_line(metric))
    notes += [f"{label}: {' '.join(paragraphs)}" for label, paragraphs in _written_panels(metric)]
    # Whether the figure stands whatever the unknown are: in the notes, the points box being full at its smallest size.
    notes += unknown_lines(metric, content.settings, content.published)
    slide.notes_slide.notes_text_frame.text = "\n".join(notes)  # type: ignore[union-attr]


def _panel_pages(metric: MetricContent, box_width: float, box_height: float) -> list[list[_Block]]:
    """The written panels for one metric's panel slides: one slide at the largest size that fits (24 pt
    down to 18 pt); split, at 18 pt, only when they cannot fit on one. No slide when nothing is written."""
    if not _written_panels(metric):
        return []
    box = _Box(0, 0, box_width, box_height)
    for size in PANEL_SIZES:
        blocks = _panel_blocks(metric, size)
        if box.holds(blocks):
            return [blocks]
    placed = _flow(_panel_blocks(metric, PANEL_SIZES[-1]), repeat(box))
    return [blocks for _, blocks in placed if blocks]


def _panel_slides(deck: Deck, metric: MetricContent, content: ReportContent) -> None:
    top, bottom = CONTENT_TOP, _bottom(content)
    box = _Box(MARGIN, top, SLIDE_WIDTH - 2 * MARGIN, bottom - top)
    pages = _panel_pages(metric, box.width, box.height)
    title = PANEL_TITLE.format(number=metric.definition.number)
    for i, blocks in enumerate(pages):
        slide = _new_slide(deck, title + (f" ({i + 1} of {len(pages)})" if len(pages) > 1 else ""), content)
        _text_box(slide, box, blocks, name="Panels")


def _rag_key_blocks(content: ReportContent, width: float) -> tuple[list[_Block], float]:
    """The RAG key as written under the plan, and the height of its box in inches."""
    blocks = [_Block(rag_key_text(content.settings), colour=_GREY, space_after=0)]
    return blocks, sum(b.height(width - 2 * _BOX_INSET) for b in blocks) / 72 + 2 * _BOX_INSET + 0.02


def _action_pages(actions: list[Action], room: float) -> list[list[Action]]:
    """Six rows a slide, fewer where long objectives would not fit at 18 pt in `room` points."""
    pages: list[list[Action]] = [[]]
    used = 0.0
    for action in actions:
        lines = max(len(text_lines(action.objective, ACTION_WIDTHS[1] - 0.2, BODY_SIZE)),
                    len(text_lines(action.lead, ACTION_WIDTHS[2] - 0.2, BODY_SIZE)),
                    len(text_lines(action.timeframe, ACTION_WIDTHS[3] - 0.2, BODY_SIZE)))
        height = max(ACTION_ROW_HEIGHT * 72, lines * BODY_SIZE * LINE_SPACING + 10)
        if pages[-1] and (len(pages[-1]) >= ACTION_ROWS_PER_SLIDE or used + height > room):
            pages.append([])
            used = 0.0
        pages[-1].append(action)
        used += height
    return pages


def _action_plan_slides(deck: Deck, content: ReportContent) -> None:
    width = SLIDE_WIDTH - 2 * MARGIN
    key, key_height = _rag_key_blocks(content, width)
    key_box = _Box(MARGIN, _bottom(content) - key_height, width, key_height)
    header = max(ACTION_ROW_HEIGHT * 72, BODY_SIZE * LINE_SPACING + 10)
    pages = _action_pages(content.actions, (key_box.top - 0.15 - CONTENT_TOP) * 72 - header)
    for i, page in enumerate(pages):
        title = "Action plan" + (f" ({i + 1} of {len(pages)})" if len(pages) > 1 else "")
        slide = _new_slide(deck, title, content)
        if page:
            rows = [["" if a.number is None else str(a.number), a.objective, a.lead, a.timeframe, rag_text(a)]
                    for a in page]
            _table(slide, ACTION_COLUMNS, rows, list(ACTION_WIDTHS), ACTION_ROW_HEIGHT, name="Action plan")
        else:
            _text_box(slide, _Box(MARGIN, CONTENT_TOP, width, 0.6),
                      [_Block("The action plan has no objectives yet.", italic=True, colour=_GREY, space_after=0)])
        _text_box(slide, key_box, key, name="RAG key")


PAY_GAP_TEXT_SIZE = BODY_SIZE


def _pay_gap_text(block: PayGapBlock) -> list[_Block]:
    """The figures in sentences, who is counted, what is withheld and the written panels, to flow over slides."""
    size = PAY_GAP_TEXT_SIZE
    blocks: list[_Block] = []

    def part(label: str, lines: list[str]) -> None:
        if not lines:
            return
        heading = _Block(label, size=size + 2, bold=True, colour=_HEADING, space_after=4, is_label=True)
        blocks.append(heading)
        blocks.extend(_Block(line, size=size, space_after=4, label=heading) for line in lines)

    part("The figures", [*block.lines, *size_lines(block)])
    part("Who is counted", block.counted)
    part("Withheld", withheld_summary(block))
    for kind, label in PANEL_KINDS.items():
        part(label, [p.strip() for p in block.panels.get(kind, "").splitlines() if p.strip()])
    return blocks


QUARTER_COLUMN_WIDTH = 2.0  # inches: the quarters table's first column, its quarters' names


def _quarters(slide: Slide, block: PayGapBlock, box: _Box) -> None:
    """Beside the quarters chart: its summary, and under it the quarters as a table (each quarter's share of each
    group), both at the largest size that fits the box."""
    table = block.chart.table
    header = (str(table.columns[0]), *(str(c).removesuffix(" %") for c in table.columns[1:]))
    rows = [[str(row[0]), *(f"{v}{'' if v == WITHHELD else '%'}" for v in row[1:])]
            for row in table.itertuples(index=False)]
    rest = (box.width - QUARTER_COLUMN_WIDTH) / (len(header) - 1)
    widths = [QUARTER_COLUMN_WIDTH, *[rest] * (len(header) - 1)]
    gap = 0.2
    for size in POINT_SIZES:
        heights = row_heights([list(header), *rows], widths, size)
        room = box.height - sum(heights) - gap
        summary = _largest_that_fits(_point_blocks([block.chart.summary]), _Box(box.left, box.top, box.width, room),
                                     (size,)) if room > 0 else None
        if summary is not None or size == POINT_SIZES[-1]:
            break
    used = 0.0
    if summary is not None:
        used = sum(b.height(box.inner_width) for b in summary) / 72 + 2 * _BOX_INSET
        _text_box(slide, _Box(box.left, box.top, box.width, used), summary, name="Points")
    _table(slide, header, rows, widths, heights, left=box.left, top=box.top + used + gap, size=size, name="Quarters")


def _pay_gap_slides(deck: Deck, section: PayGapSection, content: ReportContent) -> None:
    """Each comparison: the quarters chart beside its table, then its figures, who is counted and its panels."""
    bottom = _bottom(content)
    width = SLIDE_WIDTH - 2 * MARGIN
    if not section.blocks:
        slide = _new_slide(deck, SECTION_TITLE, content)
        _text_box(slide, _Box(MARGIN, CONTENT_TOP, width, bottom - CONTENT_TOP),
                  [_Block(line, space_after=8) for line in [section.missing, *section.notes] if line])
        return
    for block in section.blocks:
        slide = _new_slide(deck, block.title, content)
        chart_width, gap = 7.0, 0.3
        _picture(slide, chart_png(block.chart), _Box(MARGIN, CONTENT_TOP, chart_width, bottom - CONTENT_TOP),
                 block.chart.summary)
        left = MARGIN + chart_width + gap
        _quarters(slide, block, _Box(left, CONTENT_TOP, SLIDE_WIDTH - MARGIN - left, bottom - CONTENT_TOP))
        box = _Box(MARGIN, CONTENT_TOP, width, bottom - CONTENT_TOP)
        pages = [blocks for _, blocks in _flow(_pay_gap_text(block), repeat(box)) if blocks]
        for i, blocks in enumerate(pages):
            title = block.title + (f" ({i + 1} of {len(pages)})" if len(pages) > 1 else "")
            _text_box(_new_slide(deck, title, content), box, blocks, name="Figures")


# The table's column widths (inches) by its number of columns: the pay bands' three, a metric's six, a survey's
# seven (with its questions).
_WHERE_WIDTHS: dict[int, list[float]] = {3: [4.5, 2.5, 3.5], 6: [3.2, 1.6, 1.6, 2.2, 2.2, 1.53],
                                         7: [2.6, 1.9, 1.2, 1.2, 1.9, 1.9, 1.63]}
WHERE_ROW_HEIGHT = 0.42


def _where_slides(deck: Deck, content: ReportContent) -> None:
    """A slide per metric broken down: its figures by the column in a table (published figures in a published
    pack), the many-comparisons warning beneath, and in the notes where the column is read from, the adjustment
    and what is withheld and why."""
    from metrics.breakdown import BY_CHANCE, METHOD_WORDS
    from metrics.formatting import number

    where = content.where_it_sits
    if where is None:
        return
    title = where.words[:1].upper() + where.words[1:]
    for metric_id, found in where.breakdowns.items():
        if metric_id not in content.metrics:  # a deck of some metrics only
            continue
        definition = found.whole.definition
        # The metric's title where it keeps the deck's large type (32 pt or more); else the id alone, the title
        # in the points beneath.
        title_in_full = f"Where it sits: {metric_id} {definition.title} by {where.words}"
        in_full = _title_size(title_in_full) >= TITLE_SIZES[1]
        slide = _new_slide(deck, title_in_full if in_full else f"Where it sits: {metric_id} by {where.words}", content)
        header, *rows = where_figure_rows(found, title, content.settings.bme_label)
        cells = [[number(v) if isinstance(v, (int, float)) else str(v) for v in row] for row in rows]
        _table(slide, tuple(header), cells, _WHERE_WIDTHS[len(header)], WHERE_ROW_HEIGHT, name="Figures")
        top = CONTENT_TOP + WHERE_ROW_HEIGHT * (len(rows) + 1) + 0.3
        box = _Box(MARGIN, top, SLIDE_WIDTH - 2 * MARGIN, _bottom(content) - top)
        # At the deck's body size (18 pt): the metric's title when the slide's is short, and the warning; the
        # warning alone when both will not fit, and the notes for what does not.
        named = f"{metric_id} {definition.title}; adjusted intervals by Bonferroni's method."
        for points in ([BY_CHANCE] if in_full else [named, BY_CHANCE], [BY_CHANCE]):
            fitted = _largest_that_fits(_point_blocks(points), box, (BODY_SIZE,)) if box.height > 0.4 else None
            if fitted is not None:
                _text_box(slide, box, fitted, name="Points")
                break
        notes = [*where_lines(found), f"Adjusted intervals: {METHOD_WORDS}.", BY_CHANCE]
        slide.notes_slide.notes_text_frame.text = "\n".join(notes)  # type: ignore[union-attr]


def write_pptx(content: ReportContent, target: str | Path | IO[bytes]) -> None:
    """Write the deck to a path or a binary file object."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(SLIDE_WIDTH), Inches(SLIDE_HEIGHT)
    deck.core_properties.title = (f"Workforce {content.standard.comparison.equality} equality: "
                                  f"{content.organisation}, {content.period}")
    _title_slide(deck, content)
    _scorecard_slide(deck, content)
    for metric in content.metrics.values():
        _metric_slide(deck, metric, content)
        _panel_slides(deck, metric, content)
    _where_slides(deck, content)
    if content.pay_gaps is not None:
        _pay_gap_slides(deck, content.pay_gaps, content)
    _action_plan_slides(deck, content)
    for slide in deck.slides:
        _in_reading_order(slide)
    deck.save(str(target) if isinstance(target, Path) else target)  # python-pptx takes a path as a str
