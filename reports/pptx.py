"""The PowerPoint export: title, scorecard, a slide per metric with its chart and panels, the action plan.

Made for a meeting-room screen: 16:9, titles 36 pt, body 18 pt. Text never shrinks to fit; what does
not fit flows onto a continuation slide for the same metric. Every string goes into a text run as
plain text, so nothing a person typed is read as markup.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path
from typing import IO

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide
from pptx.text.text import _Paragraph
from pptx.util import Emu, Inches, Pt

from reports.content import (
    SCORECARD_COLUMNS,
    MetricContent,
    ReportContent,
    counted_line,
    headline_lines,
    rag_text,
    scorecard_rows,
)
from reports.images import chart_png, png_size
from storage import PANEL_KINDS, Action

SLIDE_WIDTH, SLIDE_HEIGHT = 13.333, 7.5  # inches, 16:9
MARGIN = 0.5
CONTENT_TOP = 1.35
TITLE_SIZE, BODY_SIZE, HEADLINE_SIZE, MARKING_SIZE = 36, 18, 20, 16
ACTION_ROWS_PER_SLIDE = 6
ACTION_COLUMNS: tuple[str, ...] = ("Number", "Objective", "Lead", "Timeframe", "RAG")
ACTION_WIDTHS: tuple[float, ...] = (1.3, 5.5, 2.5, 1.8, 1.23)  # inches
NOT_WRITTEN = "Nothing written yet."
CONTINUED = " (continued)"
_LAYOUT_TITLE_ONLY = 5
_BLACK = RGBColor(0x1F, 0x1F, 0x1F)
_GREY = RGBColor(0x59, 0x59, 0x59)
_RED = RGBColor(0xC0, 0x00, 0x00)
_HEADING = RGBColor(0x1F, 0x3A, 0x5F)
# Average glyph width in ems for the theme font, a little generous so estimates err towards fitting.
_EM_PER_CHAR = 0.53
_LINE = 1.2
_BOX_INSET = 0.05  # inches, each side
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class _Block:
    """One paragraph to place: a panel's label, its text, a headline figure."""

    text: str
    size: int = BODY_SIZE
    bold: bool = False
    italic: bool = False
    colour: RGBColor = _BLACK
    space_after: int = 6
    # The label a text block sits under, repeated with "(continued)" when the text is split.
    label: _Block | None = None
    is_label: bool = False

    def lines(self, width: float) -> list[str]:
        return textwrap.wrap(self.text, _chars_per_line(width, self.size, self.bold)) or [""]

    def height(self, width: float) -> float:
        """Points."""
        return len(self.lines(width)) * self.size * _LINE + self.space_after


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


def _chars_per_line(width: float, size: int, bold: bool) -> int:
    return max(10, int(width * 72 / (size * (_EM_PER_CHAR + (0.03 if bold else 0)))))


# Slides and text -----------------------------------------------------------------------------------


def _bottom(content: ReportContent) -> float:
    return SLIDE_HEIGHT - (0.55 if content.marking else 0.3)


def _new_slide(deck: Deck, title: str, content: ReportContent) -> Slide:
    slide = deck.slides.add_slide(deck.slide_layouts[_LAYOUT_TITLE_ONLY])
    heading = slide.shapes.title
    heading.left, heading.top = Inches(MARGIN), Inches(0.3)
    heading.width, heading.height = Inches(SLIDE_WIDTH - 2 * MARGIN), Inches(0.95)
    frame = heading.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    _run(paragraph, title, TITLE_SIZE, bold=True, colour=_HEADING)
    if content.marking:
        _marking(slide, content.marking)
    return slide


def _marking(slide: Slide, marking: str) -> None:
    box = slide.shapes.add_textbox(Inches(MARGIN), Inches(SLIDE_HEIGHT - 0.5), Inches(SLIDE_WIDTH - 2 * MARGIN),
                                   Inches(0.4))
    box.name = "Marking"
    frame = box.text_frame
    frame.word_wrap = True
    _run(frame.paragraphs[0], marking, MARKING_SIZE, bold=True, colour=_RED)


def _run(paragraph: _Paragraph, text: str, size: int, *, bold: bool = False, italic: bool = False,
         colour: RGBColor = _BLACK) -> None:
    run = paragraph.add_run()
    run.text = text  # a plain run: no markup is interpreted
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run.font.color.rgb = colour


def _text_box(slide: Slide, box: _Box, blocks: list[_Block]) -> None:
    shape = slide.shapes.add_textbox(Inches(box.left), Inches(box.top), Inches(box.width), Inches(box.height))
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
    line = block.size * _LINE
    fits = int((room - block.space_after) // line)
    if fits < 1:
        return None, block
    sentences = _SENTENCE_END.split(block.text)
    taken: list[str] = []
    for sentence in sentences:
        if len(replace(block, text=" ".join([*taken, sentence])).lines(width)) > fits:
            break
        taken.append(sentence)
    if taken:
        head, tail = " ".join(taken), " ".join(sentences[len(taken):])
    elif fresh or fits >= 3:  # one sentence longer than the room: split it between words
        lines = block.lines(width)
        words_in_head = len(" ".join(lines[:fits]).split())
        words = block.text.split()
        head, tail = " ".join(words[:words_in_head]), " ".join(words[words_in_head:])
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
            need = min(following.height(box.inner_width), 2 * following.size * _LINE + following.space_after)
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
    """A text block starting a new box, under its label marked "(continued)"."""
    if block.is_label or block.label is None:
        return [block]
    label = replace(block.label, text=_continued(block.label.text))
    return [label, replace(block, label=label)]


def _continued(label: str) -> str:
    return label if label.endswith(CONTINUED) else label + CONTINUED


# Figures in words ----------------------------------------------------------------------------------


def _headline_blocks(metric: MetricContent, published: bool) -> list[_Block]:
    return [_Block(line, size=HEADLINE_SIZE, bold=True, colour=_HEADING) for line in headline_lines(metric, published)]


def _metric_blocks(metric: MetricContent, published: bool) -> list[_Block]:
    blocks = [*_headline_blocks(metric, published), _Block(metric.chart.summary, space_after=12)]
    if metric.actions:
        numbers = [str(a.number) for a in metric.actions if a.number is not None]
        blocks.append(_Block(f"In the action plan: objective{'s' if len(numbers) > 1 else ''} "
                             f"{', '.join(numbers)}.", italic=True, colour=_GREY, space_after=12))
    for kind, label in PANEL_KINDS.items():
        heading = _Block(label, bold=True, colour=_HEADING, space_after=4, is_label=True)
        blocks.append(heading)
        paragraphs = [p.strip() for p in metric.panels[kind].splitlines() if p.strip()]
        if not paragraphs:
            blocks.append(_Block(NOT_WRITTEN, italic=True, colour=_GREY, space_after=12, label=heading))
        for i, paragraph in enumerate(paragraphs):
            blocks.append(_Block(paragraph, space_after=12 if i == len(paragraphs) - 1 else 6, label=heading))
    return blocks


# The slides ----------------------------------------------------------------------------------------


def _title_slide(deck: Deck, content: ReportContent) -> None:
    slide = _new_slide(deck, content.organisation or "Workforce race equality", content)
    standard = content.standard
    blocks = [
        _Block(f"{standard.title} ({standard.name})", size=28, bold=True, colour=_HEADING, space_after=12),
        _Block(f"Period: {content.period}", size=24, space_after=24),
        _Block("Publication-safe" if content.published else content.marking, size=BODY_SIZE, bold=True,
               colour=_HEADING if content.published else _RED, space_after=4),
        _Block(content.note if content.published else
               "Every count is shown as counted. For the board's own use: do not publish.", size=BODY_SIZE),
        _Block(f"{content.settings.bme_label} is this organisation's term for staff from minority-ethnic "
               "backgrounds.", size=BODY_SIZE, colour=_GREY),
    ]
    top = 1.6
    _text_box(slide, _Box(MARGIN, top, SLIDE_WIDTH - 2 * MARGIN, _bottom(content) - top), blocks)


def _table(slide: Slide, header: tuple[str, ...], rows: list[list[str]], widths: list[float],
           row_height: float) -> None:
    shape = slide.shapes.add_table(len(rows) + 1, len(header), Inches(MARGIN), Inches(CONTENT_TOP),
                                   Inches(sum(widths)), Inches(row_height * (len(rows) + 1)))
    table = shape.table
    for column, width in enumerate(widths):
        table.columns[column].width = Emu(Inches(width))
    for r, values in enumerate([list(header), *rows]):
        table.rows[r].height = Emu(Inches(row_height))
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            frame = cell.text_frame
            frame.word_wrap = True
            for i, line in enumerate(value.split("\n")):
                paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
                _run(paragraph, line, BODY_SIZE, bold=r == 0, colour=RGBColor(0xFF, 0xFF, 0xFF) if r == 0 else _BLACK)


def _scorecard_slide(deck: Deck, content: ReportContent) -> None:
    slide = _new_slide(deck, "Scorecard: the nine metrics", content)
    _table(slide, SCORECARD_COLUMNS, scorecard_rows(content), [5.0, 2.9, 2.3, 2.13], 0.45)


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


def _metric_slides(deck: Deck, metric: MetricContent, content: ReportContent) -> None:
    d = metric.definition
    title = f"{d.id} {d.title}"
    first = _new_slide(deck, title, content)
    bottom = _bottom(content)
    left_width, gap = 7.6, 0.3
    chart_box = _Box(MARGIN, CONTENT_TOP, left_width, min(3.8, bottom - CONTENT_TOP - 1.2))
    chart_height = _picture(first, chart_png(metric.chart), chart_box, metric.chart.summary)
    first.notes_slide.notes_text_frame.text = counted_line(metric, content.period)  # type: ignore[union-attr]
    under_top = CONTENT_TOP + chart_height + 0.15
    right_left = MARGIN + left_width + gap
    right_width = SLIDE_WIDTH - MARGIN - right_left
    column = (SLIDE_WIDTH - 2 * MARGIN - gap) / 2
    slides: dict[int, Slide] = {0: first}

    def boxes() -> Iterator[_Box]:
        yield _Box(MARGIN, under_top, left_width, bottom - under_top)
        yield _Box(right_left, CONTENT_TOP, right_width, bottom - CONTENT_TOP)
        while True:
            yield _Box(MARGIN, CONTENT_TOP, column, bottom - CONTENT_TOP)
            yield _Box(MARGIN + column + gap, CONTENT_TOP, column, bottom - CONTENT_TOP)

    for i, (box, blocks) in enumerate(_flow(_metric_blocks(metric, content.published), boxes())):
        page = 0 if i < 2 else 1 + (i - 2) // 2
        if page not in slides:
            slides[page] = _new_slide(deck, title + CONTINUED, content)
        if blocks:
            _text_box(slides[page], box, blocks)


def _action_pages(actions: list[Action]) -> list[list[Action]]:
    """Six rows a slide, fewer where long objectives would not fit at 18 pt."""
    room = (SLIDE_HEIGHT - CONTENT_TOP - 1.0) * 72
    pages: list[list[Action]] = [[]]
    used = 0.0
    for action in actions:
        lines = max(len(_Block(action.objective).lines(ACTION_WIDTHS[1] - 0.2)),
                    len(_Block(action.lead).lines(ACTION_WIDTHS[2] - 0.2)),
                    len(_Block(action.timeframe).lines(ACTION_WIDTHS[3] - 0.2)))
        height = lines * BODY_SIZE * _LINE + 10
        if pages[-1] and (len(pages[-1]) >= ACTION_ROWS_PER_SLIDE or used + height > room):
            pages.append([])
            used = 0.0
        pages[-1].append(action)
        used += height
    return pages


def _action_plan_slides(deck: Deck, content: ReportContent) -> None:
    pages = _action_pages(content.actions)
    for i, page in enumerate(pages):
        title = "Action plan" + (f" ({i + 1} of {len(pages)})" if len(pages) > 1 else "")
        slide = _new_slide(deck, title, content)
        if not page:
            _text_box(slide, _Box(MARGIN, CONTENT_TOP, SLIDE_WIDTH - 2 * MARGIN, 1.0),
                      [_Block("The action plan has no objectives yet.", italic=True, colour=_GREY)])
            continue
        rows = [["" if a.number is None else str(a.number), a.objective, a.lead, a.timeframe, rag_text(a)]
                for a in page]
        _table(slide, ACTION_COLUMNS, rows, list(ACTION_WIDTHS), 0.5)


def write_pptx(content: ReportContent, target: str | Path | IO[bytes]) -> None:
    """Write the deck to a path or a binary file object."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(SLIDE_WIDTH), Inches(SLIDE_HEIGHT)
    deck.core_properties.title = f"Workforce race equality: {content.organisation}, {content.period}"
    _title_slide(deck, content)
    _scorecard_slide(deck, content)
    for metric in content.metrics.values():
        _metric_slides(deck, metric, content)
    _action_plan_slides(deck, content)
    deck.save(str(target) if isinstance(target, Path) else target)  # python-pptx takes a path as a str
