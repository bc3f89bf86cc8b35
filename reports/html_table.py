"""A table as HTML that reads well to everyone, for the app's pages (ui.figures) and the HTML plan (reports.html):
a caption naming it, column (and row) headers a screen reader announces with each cell, and a labelled region a
keyboard can scroll when the table is wider than the screen (at 400% zoom, or on a phone): the pattern GOV.UK
and most accessibility guidance give for wide tables, a `role="region"` with the caption's name and
`tabindex="0"` (axe-core: scrollable-region-focusable).

Cells arrive as text, written already (metrics.formatting.cell_text); every one is escaped here, never read as
HTML, and a line break in it stays a line break.

Standard library only: ui.style imports this on every page's first run.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

CLASS = "wres-figures"


def cell_markup(tag: str, text: str, scope: str | None = None, classes: str = "") -> str:
    """One cell: `text` escaped, with its scope ("col", "row") and class names."""
    attributes = (f' scope="{scope}"' if scope else "") + (f' class="{html.escape(classes)}"' if classes else "")
    body = html.escape(text).replace("\r\n", "\n").replace("\n", "<br>")
    return f"<{tag}{attributes}>{body}</{tag}>"


def table_markup(caption: str, header: Sequence[str], rows: Sequence[Sequence[str]], *, row_headers: bool = True,
                 classes: Sequence[Sequence[str]] | None = None, header_classes: Sequence[str] | None = None) -> str:
    """The table in its focusable region named by `caption`: `header` across the top, each row headed by its first
    cell when `row_headers`; `classes` gives each body cell's class names ("" for none), row by row, and
    `header_classes` each header cell's."""
    name = html.escape(caption)
    head = "".join(cell_markup("th", column, "col", kind)
                   for column, kind in zip(header, header_classes or [""] * len(header), strict=True))
    body = []
    for n, cells in enumerate(rows):
        names = classes[n] if classes is not None else [""] * len(cells)
        body.append("<tr>" + "".join(
            cell_markup("th", text, "row", kind) if row_headers and i == 0 else cell_markup("td", text, None, kind)
            for i, (text, kind) in enumerate(zip(cells, names, strict=True))) + "</tr>")
    return (f'<div class="{CLASS}" role="region" aria-label="{name}" tabindex="0">'
            f"<table><caption>{name}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")
