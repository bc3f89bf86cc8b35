"""What a screen reader needs of the board pack's slides and workbook, read back from the files (issue 28).

Each check returns what fails, as short readable strings ("slide 3: no title"), so a test asserts `== []` and a
failure says where. They read the files as a person's software does: python-pptx's shapes in the order the slide
holds them, and openpyxl's cells, fonts and defined tables, not the code that wrote them.
"""

from __future__ import annotations

import re
from typing import Any

from openpyxl.utils import get_column_letter
from pptx.enum.shapes import MSO_SHAPE_TYPE

MARKING = "Marking"  # the name reports.pptx gives the protective marking's box
_FILE_NAME = re.compile(r"\S+\.(png|jpe?g|gif|svg|emf|wmf|bmp|tiff?)", re.IGNORECASE)


def title_of(slide: Any) -> str:
    title = slide.shapes.title
    return title.text_frame.text.strip() if title is not None and title.has_text_frame else ""


def untitled_slides(deck: Any) -> list[str]:
    """Slides without a title placeholder holding text (a screen reader lists the slides by their titles)."""
    return [f"slide {n}" for n, slide in enumerate(deck.slides, start=1) if not title_of(slide)]


def undescribed_pictures(deck: Any) -> list[str]:
    """Pictures whose description (alt text: `descr` on the picture's cNvPr) is missing, blank or a file's name
    (python-pptx's own, "image.png", which says nothing of the picture)."""
    return [f"slide {n} ({title_of(slide)}): {shape.name} {descr!r}"
            for n, slide in enumerate(deck.slides, start=1) for shape in slide.shapes
            if shape.shape_type == MSO_SHAPE_TYPE.PICTURE
            and (not (descr := (shape._element.nvPicPr.cNvPr.get("descr") or "").strip())
                 or _FILE_NAME.fullmatch(descr))]


def table_frames(slide: Any) -> list[Any]:
    return [shape for shape in slide.shapes if shape.has_table]


def headless_tables(deck: Any) -> list[str]:
    """Tables whose first row is not marked as the header row (firstRow) or has an empty heading."""
    found = []
    for n, slide in enumerate(deck.slides, start=1):
        for shape in table_frames(slide):
            properties = shape._element.graphic.graphicData.tbl.tblPr
            header = [cell.text.strip() for cell in shape.table.rows[0].cells]
            if properties is None or properties.get("firstRow") != "1" or not all(header):
                found.append(f"slide {n} ({title_of(slide)}): {shape.name} {header}")
    return found


def out_of_reading_order(deck: Any) -> list[str]:
    """Slides whose shapes are not in reading order: the title first, and the protective marking (at the foot of
    the slide) last."""
    found = []
    for n, slide in enumerate(deck.slides, start=1):
        shapes = list(slide.shapes)
        if not shapes or not shapes[0].is_placeholder or shapes[0].shape_id != slide.shapes.title.shape_id:
            found.append(f"slide {n} ({title_of(slide)}): the title is not first")
        names = [s.name for s in shapes]
        if MARKING in names and names[-1] != MARKING:
            found.append(f"slide {n} ({title_of(slide)}): the marking is not last but before {names[-1]}")
    return found


# The workbook ------------------------------------------------------------------------------------------------


def _filled(row: tuple[Any, ...]) -> list[int]:
    return [i for i, cell in enumerate(row) if cell.value not in (None, "")]


def grids(sheet: Any) -> list[str]:
    """Every grid of figures the sheet shows, as the range a defined table over it would have: a header row (two or
    more bold cells from column A) and the rows under it that fill more than column A, up to a row that does not."""
    rows = list(sheet.iter_rows())
    found = []
    n = 0
    while n < len(rows):
        filled = _filled(rows[n])
        if len(filled) >= 2 and filled[0] == 0 and all(rows[n][i].font.bold for i in filled):
            width = filled[-1] + 1
            last = n
            while last + 1 < len(rows) and [i for i in _filled(rows[last + 1]) if i > 0]:
                last += 1
            if last > n:
                found.append(f"A{n + 1}:{get_column_letter(width)}{last + 1}")
            n = last + 1
            continue
        n += 1
    return found


def undefined_grids(book: Any) -> list[str]:
    """Grids of figures that are not exactly a defined table, and defined tables that are not exactly a grid."""
    found = []
    for sheet in book.worksheets:
        shown = set(grids(sheet))
        defined = {table.ref for table in sheet.tables.values()}
        found += [f"{sheet.title}!{ref}: not a defined table" for ref in sorted(shown - defined)]
        found += [f"{sheet.title}!{ref}: a defined table over no grid" for ref in sorted(defined - shown)]
    return found


def table_faults(book: Any) -> list[str]:
    """Defined tables without a header row of unique non-empty strings matching their columns, without a style, or
    whose name is used twice in the workbook; and any merged cells (a screen reader cannot follow a merged cell's
    row or column)."""
    found = []
    names: list[str] = []
    for sheet in book.worksheets:
        found += [f"{sheet.title}!{merged}: merged" for merged in sheet.merged_cells.ranges]
        for table in sheet.tables.values():
            names.append(table.displayName.casefold())
            header = [cell.value for cell in sheet[table.ref][0]]
            if table.headerRowCount != 1 or not table.tableStyleInfo or not table.tableStyleInfo.name:
                found.append(f"{sheet.title}!{table.ref}: no header row or no style")
            if not all(isinstance(h, str) and h.strip() for h in header) \
                    or len({h.casefold() for h in header if isinstance(h, str)}) != len(header):
                found.append(f"{sheet.title}!{table.ref}: headings {header}")
            if [c.name for c in table.tableColumns] != header:
                found.append(f"{sheet.title}!{table.ref}: columns {[c.name for c in table.tableColumns]} {header}")
    found += [f"table name {name} used twice" for name in sorted({n for n in names if names.count(n) > 1})]
    return found


def contents_listing(book: Any) -> list[tuple[str, str]]:
    """The Contents sheet's table of sheets: (sheet, what it holds) for each row."""
    sheet = book["Contents"]
    table = sheet.tables["Sheets"]
    rows = [[cell.value for cell in row] for row in sheet[table.ref]]
    assert rows[0] == ["Sheet", "What it holds"], rows[0]
    return [(str(name), str(what)) for name, what in rows[1:]]
