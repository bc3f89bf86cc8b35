"""The plan as one self-contained HTML page: the same outline as the PDF (reports.document), for a council's website.

GOV.UK's guidance prefers HTML to PDF for what a public body publishes: a page reflows to any screen or zoom, and a
screen reader moves through it by its headings, landmarks and tables. The page:

- says what it is: `lang="en-GB"`, the plan's title as the window title, a header with what it covers (and, for the
  internal plan, its INTERNAL marking, first and prominent), the plan in `main`, a footer; a skip link to the plan
  and a contents list of its sections;
- writes the outline's headings as they are (one h1, levels never skipped), every table with its caption and its
  header cells' scope (reports.html_table, as the app's pages do), and each chart as an inline SVG drawn by
  vl-convert with `role="img"`, named by its `<title>` (the chart's one-sentence finding) and described by its
  `<desc>`, followed by its figures as a table. Inline SVG rather than a PNG: it stays sharp at 400% zoom and in
  print, it is a tenth of a PNG's size (the whole page is a few hundred kilobytes), and the words drawn in it are
  text the browser renders;
- needs nothing else: no script, font, stylesheet or image from anywhere (it works saved to a disk or attached to an
  email); the style is GOV.UK's type (Arial, 19 pixels, #0b0c0c, lines of at most 40em, the yellow focus), and a
  long word or web address typed in a panel wraps rather than pushing the page sideways at 320 pixels;
- prints on A4: no skip link or contents, a page break where the PDF has one, headings kept with what follows,
  table rows never split and their header rows repeated, the marking, what it covers and the page number on every
  page.

Every string came from a person, a spreadsheet or the settings: each is escaped (html.escape), so a board member's
`<script>`, `</table>`, `&amp;` or `=SUM(A1)` is shown exactly as typed and never runs or closes anything.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import IO

from reports.content import ReportContent
from reports.document import Block, Chart, Heading, PageBreak, PlanDocument, SignOff, Table, Text, plan_document
from reports.html_table import table_markup
from reports.images import chart_svg

CHART_WIDTH = 640  # CSS pixels of plot, as vl-convert draws it; the page scales the picture to its column
MAIN_ID = "main"
CONTENTS_TITLE = "Contents"
SKIP_LINK = "Skip to the plan"
TO_SIGN = "Left blank, to be filled in by hand"  # read out for a sign-off line with nothing on it
# A figure in a table's cell, for setting its column to the right: "1,200", "25.5", "-0.6%", "–", "withheld".
_NUMBER = re.compile(r"[-+−]?£?\d[\d,]*(\.\d+)?%?")
_NOT_A_FIGURE = {"", "–", "-", "withheld"}
_RAG = ("green", "amber", "red")

_STYLE = """
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: #ffffff; color: #0b0c0c; font-family: arial, helvetica, sans-serif; font-size: 19px;
  line-height: 1.32; overflow-wrap: break-word; }
.width-container { max-width: 960px; margin: 0 15px; }
@media (min-width: 640px) { .width-container { margin: 0 30px; } }
@media (min-width: 1020px) { .width-container { margin: 0 auto; } }
p, li, dd, dt { max-width: 40em; }
p { margin: 0 0 20px; }
h1, h2, h3, h4 { font-weight: 700; margin: 0 0 20px; }
h1 { font-size: 32px; line-height: 1.09; margin-top: 30px; }
h2 { font-size: 27px; line-height: 1.11; margin-top: 45px; }
h3 { font-size: 21px; line-height: 1.19; margin-top: 30px; }
h4 { font-size: 19px; line-height: 1.32; margin-top: 25px; }
@media (min-width: 640px) { h1 { font-size: 48px; } h2 { font-size: 36px; } h3 { font-size: 24px; } }
a { color: #1d70b8; text-decoration: underline; text-decoration-thickness: max(1px, .0625rem);
  text-underline-offset: .1578em; }
a:visited { color: #4c2c92; }
a:hover { color: #003078; text-decoration-thickness: max(3px, .1875rem); }
a:focus { outline: 3px solid transparent; color: #0b0c0c; background-color: #ffdd00; text-decoration: none;
  box-shadow: 0 -2px #ffdd00, 0 4px #0b0c0c; }
[tabindex]:focus { outline: 3px solid #ffdd00; outline-offset: 0; box-shadow: inset 0 0 0 4px #0b0c0c; }
.skip-link { position: absolute; left: -10000px; top: auto; }
.skip-link:focus { position: static; display: block; padding: 10px 15px; }
.visually-hidden { position: absolute !important; width: 1px !important; height: 1px !important; margin: 0 !important;
  padding: 0 !important; overflow: hidden !important; clip: rect(0 0 0 0) !important; white-space: nowrap !important;
  border: 0 !important; }
.masthead { background: #0b0c0c; color: #ffffff; border-bottom: 10px solid #1d70b8; padding: 10px 0; }
.masthead p { margin: 5px 0; font-size: 16px; }
.masthead .plan-name { font-weight: 700; font-size: 19px; }
.internal-marking { margin: 0; background: #d4351c; color: #ffffff; font-weight: 700; font-size: 24px;
  padding: 15px 0; }
.internal-marking p { margin: 0; font-size: 24px; }
main { display: block; padding-bottom: 30px; }
.subtitle { font-size: 24px; margin-bottom: 10px; }
.caption { font-size: 16px; color: #505a5f; }
.figure { font-weight: 700; }
.empty { font-style: italic; color: #505a5f; }
.marking { font-weight: 700; border-left: 10px solid #d4351c; padding: 10px 0 10px 15px; }
.contents { margin: 30px 0; }
.contents-title { font-weight: 700; margin-bottom: 10px; }
.contents ol { margin: 0; padding-left: 1.5em; }
.contents li { margin-bottom: 5px; }
.chart { display: block; width: 100%; max-width: 857px; height: auto; margin: 20px 0; }
.wres-figures { overflow-x: auto; margin: 0 0 30px; }
.wres-figures table { border-collapse: collapse; width: 100%; font-size: 16px; }
.wres-figures caption { text-align: left; font-weight: 700; font-size: 19px; padding-bottom: 10px; }
.wres-figures th, .wres-figures td { text-align: left; vertical-align: top; padding: 10px 20px 10px 0;
  border-bottom: 1px solid #b1b4b6; overflow-wrap: break-word; }
.wres-figures th:last-child, .wres-figures td:last-child { padding-right: 0; }
.wres-figures tbody th { font-weight: 400; }
.wres-figures .number { text-align: right; font-variant-numeric: tabular-nums; }
.wres-figures .rag { padding-left: 5px; padding-right: 5px; font-weight: 700; }
.rag-green { background: #d9ead3; }
.rag-amber { background: #fce5cd; }
.rag-red { background: #f4cccc; }
.objectives table { font-size: 16px; }
.sign-off { margin: 0 0 30px; }
.sign-off div { display: flex; flex-wrap: wrap; gap: 0 20px; align-items: flex-end; margin-bottom: 20px; }
.sign-off dt { font-weight: 700; min-width: 8em; }
.sign-off dd { margin: 0; flex: 1 1 15em; min-height: 1.6em; border-bottom: 1px solid #0b0c0c; }
.page-break { height: 0; }
.site-footer { border-top: 1px solid #b1b4b6; background: #f3f2f1; padding: 25px 0; font-size: 16px; }
.site-footer p { margin: 0 0 10px; }
@media (forced-colors: active) { .masthead, .internal-marking { border: 3px solid; } }
@media print {
  body { font-size: 11pt; line-height: 1.3; color: #000000; }
  .width-container { max-width: none; margin: 0; }
  .skip-link, .contents { display: none; }
  .masthead { background: none; color: #000000; border: 0; border-bottom: 1pt solid #000000; padding: 0 0 4mm; }
  .masthead p, .internal-marking p, .site-footer p { font-size: 10pt; }
  .internal-marking { background: none; color: #d4351c; border: 2pt solid #d4351c; padding: 2mm 3mm; }
  h1 { font-size: 26pt; } h2 { font-size: 18pt; margin-top: 0; } h3 { font-size: 14pt; } h4 { font-size: 12pt; }
  h1, h2, h3, h4, .wres-figures caption { break-after: avoid; page-break-after: avoid; }
  p { orphans: 3; widows: 3; }
  .page-break { break-before: page; page-break-before: always; }
  .chart { max-width: 100%; break-inside: avoid; page-break-inside: avoid; }
  .wres-figures { overflow: visible; }
  .wres-figures table, .objectives table { font-size: 9pt; }
  .wres-figures caption { font-size: 11pt; }
  .wres-figures th, .wres-figures td { padding: 3pt 6pt 3pt 0; }
  thead { display: table-header-group; }
  tr, .sign-off div { break-inside: avoid; page-break-inside: avoid; }
  .sign-off { break-inside: avoid; page-break-inside: avoid; }
  .rag-green, .rag-amber, .rag-red { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  a { color: #000000; text-decoration: none; }
  a[href^="http"]::after { content: " (" attr(href) ")"; }
  .site-footer { background: none; border-top: 1pt solid #000000; padding: 4mm 0 0; }
}
"""


def css_string(text: str) -> str:
    """`text` as a quoted CSS string that nothing in it can end: every character but a letter, digit or space as
    a hex escape (so a quote, a backslash or `</style>` is only ever a character). Six digits and a space end each
    escape: the space is the escape's, so a space after it in the text is kept."""
    return '"' + "".join(c if c.isascii() and (c.isalnum() or c == " ") else f"\\{ord(c):06x} " for c in text) + '"'


def _page_style(document: PlanDocument) -> str:
    """The printed page: A4, with what the plan covers, its marking (internal) and the page number on every page."""
    boxes = [f"@top-right {{ content: {css_string(document.scope_line)}; font: 9pt arial, sans-serif; "
             "color: #505a5f; }",
             '@bottom-right { content: "Page " counter(page); font: 9pt arial, sans-serif; color: #505a5f; }']
    if document.marking:
        marking = css_string(document.marking)
        boxes += [f"@top-left {{ content: {marking}; font: bold 9pt arial, sans-serif; color: #d4351c; }}",
                  f"@bottom-left {{ content: {marking}; font: bold 9pt arial, sans-serif; color: #d4351c; }}"]
    return "@page { size: A4; margin: 18mm 15mm 20mm; " + " ".join(boxes) + " }"


def _text(text: str) -> str:
    """Text as typed, escaped, its line breaks kept."""
    return html.escape(text).replace("\r\n", "\n").replace("\n", "<br>")


def _figure_columns(table: Table) -> list[bool]:
    """Which columns hold figures (set to the right): every cell a figure or a word standing for one, and one at
    least a figure. A row's header cell never is, nor any of the objectives' (their timeframe "2026" is a year)."""
    if table.kind == "objectives":
        return [False] * len(table.header)
    columns = []
    for n in range(len(table.header)):
        cells = [row[n] for row in table.rows]
        columns.append(not (table.row_headers and n == 0) and any(_NUMBER.fullmatch(c) for c in cells)
                       and all(_NUMBER.fullmatch(c) or c.lower() in _NOT_A_FIGURE for c in cells))
    return columns


def _table(table: Table) -> str:
    figures = _figure_columns(table)
    classes = []
    for n, row in enumerate(table.rows):
        names = ["number" if figure else "" for figure in figures[:len(row)]]
        rag = table.rag[n] if n < len(table.rag) else ""
        if rag in _RAG and names:  # the tint behind the word: the word is in the cell, colour is never alone
            names[-1] = f"rag rag-{rag}"
        classes.append(names)
    markup = table_markup(table.caption, table.header, table.rows, row_headers=table.row_headers, classes=classes,
                          header_classes=["number" if figure else "" for figure in figures])
    return f'<div class="{html.escape(table.kind)}">{markup}</div>'


_SVG_OPENING = re.compile(r"^\s*<svg\b([^>]*)>")


def _chart(chart: Chart, n: int) -> str:
    """The chart as inline SVG, an image named by its finding (<title>) and described by what it shows (<desc>)."""
    svg = chart_svg(chart.spec, CHART_WIDTH)
    opening = _SVG_OPENING.match(svg)
    if opening is None:
        raise ValueError("vl-convert did not write an SVG picture")
    # vl-convert's own attributes kept (its size and viewBox) bar its class; ours name and describe the picture.
    attributes = re.sub(r'\s(class|role|aria-[a-z]+|focusable)="[^"]*"', "", opening.group(1))
    title, desc = f"chart-{n}-title", f"chart-{n}-desc"
    # What the picture is and how to read it (its title and subtitle, as drawn), and where its figures are.
    parts = [part.strip() for part in (chart.spec.title, chart.spec.subtitle) if part.strip()]
    description = " ".join([*(p if p.endswith((".", "?", "!")) else f"{p}." for p in parts),
                            "Its figures are in the table that follows."])
    return (f'<svg{attributes} class="chart" role="img" aria-labelledby="{title}" aria-describedby="{desc}" '
            f'focusable="false"><title id="{title}">{_text(chart.alt)}</title>'
            f'<desc id="{desc}">{_text(description)}</desc>{svg[opening.end():]}')


def _sign_off(block: SignOff) -> str:
    """The sign-off rows; one left blank is a line to sign on, which a screen reader hears as such."""
    rows = []
    for label, value in block.rows:
        filled = _text(value) if value.strip() else f'<span class="visually-hidden">{TO_SIGN}</span>'
        rows.append(f"<div><dt>{_text(label)}</dt><dd>{filled}</dd></div>")
    return f'<dl class="sign-off">{"".join(rows)}</dl>'


def section_id(n: int) -> str:
    return f"section-{n}"


def _contents(sections: list[str]) -> str:
    items = "".join(f'<li><a href="#{section_id(n)}">{_text(text)}</a></li>' for n, text in enumerate(sections, 1))
    return (f'<nav class="contents" aria-labelledby="contents-title"><p class="contents-title" id="contents-title">'
            f"{CONTENTS_TITLE}</p><ol>{items}</ol></nav>")


def _blocks(blocks: list[Block]) -> str:
    """The outline's blocks in order, the contents list before its first section."""
    sections = [b.text for b in blocks if isinstance(b, Heading) and b.level == 2]
    parts: list[str] = []
    charts = section = 0
    for block in blocks:
        if isinstance(block, Heading):
            if block.level == 2:
                if section == 0:
                    parts.append(_contents(sections))
                section += 1
                parts.append(f'<h2 id="{section_id(section)}">{_text(block.text)}</h2>')
            else:
                parts.append(f"<h{block.level}>{_text(block.text)}</h{block.level}>")
        elif isinstance(block, Text):
            role = "" if block.role == "body" else f' class="{block.role}"'
            parts.append(f"<p{role}>{_text(block.text)}</p>")
        elif isinstance(block, Chart):
            charts += 1
            parts.append(_chart(block, charts))
        elif isinstance(block, Table):
            parts.append(_table(block))
        elif isinstance(block, PageBreak):
            parts.append('<div class="page-break"></div>')
        elif isinstance(block, SignOff):
            parts.append(_sign_off(block))
    return "\n".join(parts)


def plan_html(document: PlanDocument) -> str:
    """The whole page for the outline."""
    marking = (f'<div class="internal-marking"><div class="width-container"><p>{_text(document.marking)}</p></div>'
               "</div>") if document.marking else ""
    return f"""<!doctype html>
<html lang="{html.escape(document.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>{_text(document.title)}</title>
<meta name="author" content="{html.escape(document.author)}">
<meta name="description" content="{html.escape(document.subject)}">
<style>{_STYLE}{_page_style(document)}</style>
</head>
<body>
<a class="skip-link" href="#{MAIN_ID}">{SKIP_LINK}</a>
<header class="site-header">
{marking}<div class="masthead"><div class="width-container">
<p class="plan-name">{_text(document.title)}</p>
<p>{_text(document.scope_line)}</p>
</div></div>
</header>
<div class="width-container">
<main id="{MAIN_ID}">
{_blocks(document.blocks)}
</main>
</div>
<footer class="site-footer"><div class="width-container">
<p>{_text(document.title)}. {_text(document.scope_line)}</p>
{f'<p><strong>{_text(document.marking)}</strong></p>' if document.marking else ''}
</div></footer>
</body>
</html>
"""


def write_html(content: ReportContent, target: str | Path | IO[bytes], *, signed_off_by: str = "", role: str = "",
               date: str = "") -> None:
    """Write the published plan (or the internal one, marked at its top and on every printed page) as one HTML
    page, UTF-8, to a path or binary file."""
    page = plan_html(plan_document(content, signed_off_by=signed_off_by, role=role, date=date)).encode("utf-8")
    if isinstance(target, str | Path):
        Path(target).write_bytes(page)
    else:
        target.write(page)
