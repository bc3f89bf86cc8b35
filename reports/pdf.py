"""The PDF export: the action plan a council publishes, as a tagged PDF that conforms to PDF/UA-1.

The plan's outline is reports.document's (the HTML page writes the same one): headings in order, text, each chart
with its finding as alternative text and its figures as a table, the objectives table, a sign-off block. Typst
typesets it with PDF/UA-1 on, so the file carries its structure tree (H1 to H4, tables with header cells, figures
with alternative text), the document language (en-GB), its title as the window title, embedded fonts, and its page
headers and footers as artifacts; and Typst refuses to write a file that could not conform.

The layout is a fixed template, reports/plan.typ, which reads the plan as data (plan.json, written next to it in a
temporary folder with the charts' PNG images). Every string a person or a spreadsheet gave is a string value there,
never Typst markup, so nothing typed needs escaping and nothing typed can change the layout.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path
from typing import IO, Any, Literal

from data_loaders.errors import InputError
from reports.content import ReportContent
from reports.document import Block, Chart, Heading, PageBreak, PlanDocument, SignOff, Table, Text, plan_document
from reports.images import chart_png, png_size

TEMPLATE = Path(__file__).with_name("plan.typ")
PDF_STANDARD: Literal["ua-1"] = "ua-1"
# Two lines at most in the sign-off block's 110 mm column at 11 pt.
SIGN_OFF_MAX_CHARS = 80
CHART_WIDTH, CHART_SCALE = 900, 2  # CSS pixels, and the scale that keeps the PNG sharp in print
FRAME_WIDTH_MM = 174.0  # A4's 210 mm less the 18 mm margins
CHART_MAX_HEIGHT_MM = 105.0
# Line breaks as a word processor may paste them, and a tab, as the PDF writes them.
_BREAKS = str.maketrans({"\r": "\n", "\x0b": "\n", "\x0c": "\n", "\u2028": "\n", "\u2029": "\n", "\t": " "})
# How Typst names the text a font cannot show: the text `"😀"` could not be displayed with font `"..."`.
_NOT_SHOWN = re.compile(r'the text `"(.+?)"` could not be displayed')


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


def printable(text: str) -> str:
    """Text as the PDF carries it: line breaks as one kind, a tab as a space, and the invisible characters a paste
    can bring (control characters, a byte order mark), which PDF/UA-1 refuses, left out. Nothing visible changes."""
    text = text.replace("\r\n", "\n").translate(_BREAKS)
    return "".join(c for c in text if c == "\n" or (unicodedata.category(c) not in ("Cc", "Cs") and c != "\ufeff"))


def _texts(block: Block) -> list[str]:
    """The strings a block prints."""
    if isinstance(block, Heading | Text):
        return [block.text]
    if isinstance(block, Table):
        return [block.caption, *block.header, *(cell for row in block.rows for cell in row)]
    if isinstance(block, SignOff):
        return [value for row in block.rows for value in row]
    return []


def _where(document: PlanDocument, shown: str) -> str:
    """Where the first text holding `shown` is, by the headings over it: " under Metric 3: Disciplinary, What
    we've achieved"; "" when no heading but the title is over it."""
    over: dict[int, str] = {}
    for block in document.blocks:
        if isinstance(block, Heading):
            over = {level: text for level, text in over.items() if level < block.level} | {block.level: block.text}
        if any(shown in printable(text) for text in _texts(block)):
            headings = [text for level, text in sorted(over.items()) if level > 1]
            return f" under {', '.join(headings)}" if headings else ""
    return ""


def _chart_width_mm(image: bytes) -> float:
    """The chart's printed width: the frame's, or narrower where the frame's width would make it too tall."""
    width_px, height_px = png_size(image)
    return round(min(FRAME_WIDTH_MM, CHART_MAX_HEIGHT_MM * width_px / height_px), 2)


def plan_data(document: PlanDocument, folder: Path) -> dict[str, Any]:
    """The plan as the template reads it (plan.json), each chart's PNG written into `folder` beside it."""
    language, _, region = document.language.partition("-")
    blocks: list[dict[str, Any]] = []
    for previous, block in zip([None, *document.blocks], document.blocks, strict=False):
        if isinstance(block, Heading):
            blocks.append({"type": "heading", "level": block.level, "text": printable(block.text)})
        elif isinstance(block, Text):
            blocks.append({"type": "text", "text": printable(block.text), "role": block.role})
        elif isinstance(block, Chart):
            image = chart_png(block.spec, width=CHART_WIDTH, scale=CHART_SCALE)
            name = f"chart-{len(blocks)}.png"
            (folder / name).write_bytes(image)
            blocks.append({"type": "chart", "image": name, "width": _chart_width_mm(image),
                           # PDF/UA needs a figure's alternative text: the finding, or else what the chart is.
                           "alt": printable(block.alt.strip() or block.spec.title.strip()
                                            or "A chart of the figures below.")})
        elif isinstance(block, Table):
            blocks.append({"type": "table", "caption": printable(block.caption),
                           "header": [printable(cell) for cell in block.header],
                           "rows": [[printable(cell) for cell in row] for row in block.rows], "rag": list(block.rag),
                           "kind": block.kind,
                           # No caption where the heading just above says the same.
                           "show_caption": not (isinstance(previous, Heading) and previous.text == block.caption)})
        elif isinstance(block, PageBreak):
            blocks.append({"type": "pagebreak"})
        elif isinstance(block, SignOff):
            blocks.append({"type": "signoff", "rows": [[printable(cell) for cell in row] for row in block.rows]})
    return {"title": printable(document.title), "author": printable(document.author),
            "subject": printable(document.subject), "marking": printable(document.marking),
            "scope_line": printable(document.scope_line), "lang": language.lower(),
            "region": region.upper(), "blocks": blocks}


def _refused(document: PlanDocument, message: str) -> InputError:
    """Typst's refusal as a sentence for a person: which character cannot be shown, and where it is."""
    if found := _NOT_SHOWN.search(message):
        shown = found.group(1)
        return InputError(f"the PDF plan could not be made: its text{_where(document, shown)} holds \"{shown}\", "
                          "which the PDF's fonts cannot show, and an accessible PDF (PDF/UA-1) must show every "
                          "character it holds",
                          advice="Replace or remove that character where it was written, and make the PDF again; "
                          "the workbook can carry it as written.")
    return InputError(f"the PDF plan could not be made as an accessible PDF (PDF/UA-1): {message}",
                      advice="Make the workbook instead, and report this.")


def typeset(document: PlanDocument, target: str | Path | IO[bytes], *, system_fonts: bool = True) -> None:
    """Write the plan as a PDF/UA-1 file to a path or binary file. `system_fonts=False` typesets with Typst's own
    fonts only, as on a machine with none of the template's fonts installed.

    Raises InputError, saying why, when Typst cannot make the file (PDF/UA-1 refuses what could not conform)."""
    import typst  # imported here: only the PDF export pays for loading it

    with tempfile.TemporaryDirectory(prefix="wres-pdf-") as name:
        folder = Path(name)
        shutil.copyfile(TEMPLATE, folder / TEMPLATE.name)
        data = plan_data(document, folder)
        (folder / "plan.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        try:
            # A font the template names but the machine lacks: Typst falls back to the next, then to its own.
            pdf = typst.compile(str(folder / TEMPLATE.name), root=str(folder), format="pdf",
                                pdf_standards=[PDF_STANDARD], ignore_system_fonts=not system_fonts)
        except typst.TypstError as error:
            raise _refused(document, error.message) from None
    assert isinstance(pdf, bytes)
    if isinstance(target, str | Path):
        Path(target).write_bytes(pdf)
    else:
        target.write(pdf)


def write_pdf(content: ReportContent, target: str | Path | IO[bytes], *, signed_off_by: str = "",
              role: str = "", date: str = "") -> None:
    """Write the published plan (or the internal one, marked on every page) to a path or binary file."""
    typeset(plan_document(content, signed_off_by=signed_off_by, role=role, date=date), target)
