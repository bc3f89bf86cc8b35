"""A table of figures as HTML that reads well to everyone: a caption naming it, column and row headers a screen
reader announces with each cell, and a labelled region that a keyboard can scroll when the table is wider
than the screen (at 400% zoom, or on a phone).

Why not st.table: its sideways scroll sits on a box nobody can focus, so at 320 pixels wide a keyboard could
not reach a table's right-hand columns (axe-core: scrollable-region-focusable), and it has no caption. The
pattern here is the one GOV.UK and most accessibility guidance give for wide tables: the table in a
`role="region"` with the caption's name and `tabindex="0"`.

Every cell is text from a spreadsheet or a person: escaped, never read as HTML. The markup is
reports.html_table's, which the HTML plan's tables share.

Also here: the overview's cells, which carry their column's heading with them (`labelled_cell`).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from numbers import Real
from typing import TYPE_CHECKING

from metrics.formatting import cell_text
from reports.html_table import CLASS, table_markup

if TYPE_CHECKING:  # pandas is not imported for this: ui.style, on every page's first run, imports this module
    import pandas as pd


def _numeric(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def table_html(frame: pd.DataFrame, caption: str, places: Mapping[str, int] | None = None) -> str:
    """`frame` as an HTML table (reports.html_table), each row headed by its first column, in a focusable region
    named by `caption`; `places` gives some columns' decimal places. Numbers are set right, in even-width digits."""
    column_places = [None, *[(places or {}).get(str(column)) for column in frame.columns[1:]]]
    values = list(frame.itertuples(index=False, name=None))
    rows = [[cell_text(v, n) for v, n in zip(row, column_places, strict=True)] for row in values]
    classes = [["number" if _numeric(v) else "" for v in row] for row in values]
    return table_markup(caption, [str(column) for column in frame.columns], rows, classes=classes)


# The overview's rows are Streamlit columns, which stack one under another on a narrow screen (or at 400% zoom):
# the headings then stand alone at the top and "0.57 to 1.08" below them says nothing. So each cell carries
# its own heading, shown only once the columns stack, and always read out by a screen reader; the heading row
# is for the eye alone, and goes when the columns stack (CSS, below).
CELL_LABEL = "wres-cell-label"
HEADING_ROW = "wres-column-heading"


def labelled_cell(heading: str, markdown: str) -> str:
    """A cell's Markdown with its column heading before it, for st.markdown(unsafe_allow_html=True)."""
    return f'<span class="{CELL_LABEL}">{html.escape(heading)}: </span>{markdown}'


def column_heading(heading: str) -> str:
    return f'<strong class="{HEADING_ROW}" aria-hidden="true">{html.escape(heading)}</strong>'


# Drawn like Streamlit's own tables, with GOV.UK's table rules: numbers to the right, in even-width digits. The
# overview's cell headings: out of sight (but read out) until its columns stack, at Streamlit's 640-pixel break.
CSS = f"""
.{CLASS} {{ overflow-x: auto; margin-bottom: 1rem; }}
.{CLASS} table {{ border-collapse: collapse; width: 100%; font-size: 0.875rem; }}
.{CLASS} caption {{ text-align: left; font-weight: 600; padding-bottom: 0.5rem; }}
.{CLASS} :is(th, td) {{ text-align: left; vertical-align: top; padding: 0.5rem 0.5rem 0.5rem 0;
  border-bottom: 1px solid #b1b4b6; overflow-wrap: break-word; }}
.{CLASS} thead th {{ font-weight: 600; vertical-align: bottom; }}
.{CLASS} tbody th {{ font-weight: 400; }}
.{CLASS} .number {{ text-align: right; font-variant-numeric: tabular-nums; }}
.{CELL_LABEL} {{ position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }}
@media (max-width: 640px) {{
  .{CELL_LABEL} {{ position: static !important; width: auto; height: auto; overflow: visible; clip: auto;
    white-space: normal; font-weight: 600; }}
  [data-testid="stHorizontalBlock"]:has(.{HEADING_ROW}) {{ display: none; }}
}}
"""
