"""The plan as one HTML page (reports.html): read back by a parser, as a screen reader and a browser read it.

The page must say its language and title, have one h1 and headings that never skip a level, give every table a
caption and header cells with their scope, name every chart by its finding, show whatever a board member typed
exactly as typed (never as markup), load nothing from anywhere, and carry the INTERNAL marking when, and only
when, it is the internal plan. axe-core's check in a real browser is tests/browser/test_accessibility.py's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from charts.shared import ChartSpec
from pipeline.api import Analysis, analyse_paths
from reports.cli import build_parser
from reports.content import INTERNAL_MARKING, ReportContent, build_content
from reports.document import Chart, Heading, PageBreak, PlanDocument, Table, Text, plan_document
from reports.html import TO_SIGN, css_string, plan_html, write_html
from storage import Action, create_schema, make_engine, save_actions, save_panel
from tests.reports_command import reports_in_process

# What a board member might paste: markup, a closing tag, an entity, a formula, Typst and Markdown.
HOSTILE = ('<script>alert(1)</script></table></main><img src=x onerror=alert(2)> &amp; =SUM(A1) '
           '#set page(fill: red) *bold* _under_ [link](http://example.com) "quoted" \\ \'s')
RAGS = ("green", "amber", "red", None)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self):  # noqa: ANN201 - every element below, in document order
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.walk()

    def find(self, tag: str) -> list[Node]:
        return [n for n in self.walk() if n.tag == tag]

    def elements(self) -> list[Node]:
        return [c for c in self.children if isinstance(c, Node)]


class _Builder(HTMLParser):
    """The page as a tree, by the standard library's tokeniser: <br/>, <path/> and void elements close themselves."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.open = self.root
        self.doctype = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.open)
        self.open.children.append(node)
        if tag not in VOID:
            self.open = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.open))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.open
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None and node is self.open, f"</{tag}> closes <{self.open.tag}>: the page is not well nested"
        self.open = node.parent or self.root

    def handle_data(self, data: str) -> None:
        self.open.children.append(data)


def parsed(page: str) -> _Builder:
    builder = _Builder()
    builder.feed(page)
    builder.close()
    assert builder.open is builder.root, f"<{builder.open.tag}> is never closed"
    return builder


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return analyse_paths()


@pytest.fixture(scope="module")
def published(analysis: Analysis, tmp_path_factory: pytest.TempPathFactory) -> tuple[ReportContent, str]:
    """The sample council's published plan with hostile text in a panel, the objectives, its name and its scope."""
    folder = tmp_path_factory.mktemp("html")
    engine = make_engine(f"sqlite:///{folder / 'wres.sqlite'}")
    create_schema(engine)
    period = analysis.period.end.isoformat()
    save_panel(engine, analysis.organisation, period, "M3", "achieved", f"{HOSTILE}\nA second line.",
               expected_version=0, user="t")
    save_actions(engine, analysis.organisation, period, [
        Action(objective=HOSTILE if i == 0 else f"Objective {i}", themes=["Recruitment and retention"],
               metrics=["M2"], lead="Lead", specific_actions=HOSTILE, indicators="Fewer adverse ratios",
               timeframe="2026", progress="Started", rag=rag)
        for i, rag in enumerate(RAGS)], user="t")
    content = replace(build_content(analysis, engine=engine), organisation=f"Wexcombe {HOSTILE}",
                      covers=f'service: </style>"{HOSTILE}')
    out = folder / "published.html"
    write_html(content, out)
    return content, out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def internal(analysis: Analysis) -> tuple[ReportContent, str]:
    from io import BytesIO

    content = build_content(analysis, publish_safe=False)
    buffer = BytesIO()  # a binary file, as the Board pack page gives it
    write_html(content, buffer, signed_off_by="Jo Bloggs & <Co>", role="Director", date="1 May 2026")
    return content, buffer.getvalue().decode("utf-8")


@pytest.fixture(scope="module", params=["published", "internal"])
def plan(request: pytest.FixtureRequest) -> tuple[ReportContent, str]:
    return request.getfixturevalue(request.param)


def outline(content: ReportContent) -> PlanDocument:
    return plan_document(content)


def test_the_page_says_its_language_title_and_character_set(plan: tuple[ReportContent, str]) -> None:
    content, page = plan
    tree = parsed(page)
    assert tree.doctype.lower() == "doctype html"
    (html,) = tree.root.elements()
    assert html.tag == "html" and html.attrs["lang"] == "en-GB"
    (title,) = tree.root.find("head")[0].find("title")  # the window's: each chart has its own, in its SVG
    assert title.text() == outline(content).title
    assert any(m.attrs.get("charset", "").lower() == "utf-8" for m in tree.root.find("meta"))
    assert any(m.attrs.get("name") == "viewport" for m in tree.root.find("meta"))


def test_landmarks_a_skip_link_and_contents(plan: tuple[ReportContent, str]) -> None:
    content, page = plan
    tree = parsed(page)
    (body,) = tree.root.find("body")
    assert [n.tag for n in body.elements()][:2] == ["a", "header"]
    skip = body.elements()[0]
    (main,) = tree.root.find("main")
    assert skip.attrs["href"] == f"#{main.attrs['id']}" and skip.text() == "Skip to the plan"
    assert len(tree.root.find("header")) == len(tree.root.find("footer")) == 1
    (nav,) = tree.root.find("nav")
    sections = [h for h in tree.root.find("h2")]
    links = nav.find("a")
    assert [a.text() for a in links] == [h.text() for h in sections]
    assert [a.attrs["href"] for a in links] == [f"#{h.attrs['id']}" for h in sections]
    ids = [n.attrs["id"] for n in tree.root.walk() if "id" in n.attrs]
    assert len(ids) == len(set(ids))


def test_one_h1_and_the_outlines_headings_in_order_never_skipping_a_level(plan: tuple[ReportContent, str]) -> None:
    content, page = plan
    tree = parsed(page)
    headings = [(int(n.tag[1]), n.text()) for n in tree.root.walk() if re.fullmatch(r"h[1-6]", n.tag)]
    assert headings == [(b.level, b.text) for b in outline(content).blocks if isinstance(b, Heading)]
    levels = [level for level, _ in headings]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))


def test_every_table_has_a_caption_and_header_cells_with_their_scope(plan: tuple[ReportContent, str]) -> None:
    content, page = plan
    tree = parsed(page)
    tables = tree.root.find("table")
    expected = [b for b in outline(content).blocks if isinstance(b, Table) and b.header]
    assert len(tables) == len(expected) > 10
    for table, block in zip(tables, expected, strict=True):
        (caption,) = [c for c in table.elements() if c.tag == "caption"]
        assert caption.text() == block.caption != ""
        assert [th.text() for th in table.find("thead")[0].find("th")] == list(block.header)
        assert all(th.attrs.get("scope") in ("col", "row") for th in table.find("th"))
        assert all(th.attrs["scope"] == "row" for th in table.find("tbody")[0].find("th"))
        region = table.parent
        assert region is not None and (region.attrs["role"], region.attrs["tabindex"], region.attrs["aria-label"]) \
            == ("region", "0", block.caption)


def test_every_chart_is_an_image_named_by_its_finding_and_followed_by_its_figures(
        plan: tuple[ReportContent, str]) -> None:
    content, page = plan
    tree = parsed(page)
    charts = [n for n in tree.root.find("svg") if n.parent is not None and n.parent.tag != "svg"]
    expected = [b for b in outline(content).blocks if isinstance(b, Chart)]
    assert len(charts) == len(expected) > 5
    ids = {n.attrs["id"]: n for n in tree.root.walk() if "id" in n.attrs}
    for svg, chart in zip(charts, expected, strict=True):
        assert svg.attrs["role"] == "img"
        name = ids[svg.attrs["aria-labelledby"]]
        assert name.tag == "title" and name.parent is svg and name.text() == chart.alt != ""
        assert ids[svg.attrs["aria-describedby"]].tag == "desc"
        siblings = svg.parent.elements() if svg.parent else []
        after = siblings[siblings.index(svg) + 1:siblings.index(svg) + 3]
        assert after[0].tag == "p" and after[0].text() == chart.alt  # the finding under it, for the eye
        # Its figures, or, where every one is withheld, a line saying there are none.
        figures = after[1] if after[1].tag == "p" else after[1].find("caption")[0]
        assert figures.text().startswith(f"Figures: {chart.spec.title}")


def test_what_people_typed_is_shown_as_typed_and_never_read_as_markup(published: tuple[ReportContent, str]) -> None:
    _, page = published
    tree = parsed(page)
    assert tree.root.find("script") == [] and tree.root.find("img") == []
    assert len(tree.root.find("style")) == 1 and len(tree.root.find("main")) == 1
    assert not [(n.tag, a) for n in tree.root.walk() for a in n.attrs if a.startswith("on")]
    paragraphs = [p.text() for p in tree.root.find("p")]
    assert f"{HOSTILE}A second line." in paragraphs  # the panel, its line break a <br>
    cells = [td.text() for td in tree.root.find("td")]
    assert cells.count(HOSTILE) == 4 + 1  # every objective's specific actions, and the first one's objective
    (title,) = tree.root.find("head")[0].find("title")
    assert title.text().startswith(f"Workforce Race Equality Standard action plan: Wexcombe {HOSTILE}, ")
    assert f'Covers service: </style>"{HOSTILE} only.' in paragraphs
    # In the print stylesheet's page boxes, what it covers is a CSS string nothing can end.
    (style,) = tree.root.find("style")
    assert "</style>" not in style.text() and "<script" not in style.text()


def test_the_objectives_rag_cells_are_tinted_with_the_word_in_them(published: tuple[ReportContent, str]) -> None:
    _, page = published
    tree = parsed(page)
    rag_cells = [td for td in tree.root.find("td") if "rag" in td.attrs.get("class", "").split()]
    assert [td.attrs["class"] for td in rag_cells] == ["rag rag-green", "rag rag-amber", "rag rag-red"]
    assert [td.text() for td in rag_cells] == ["Green", "Amber", "Red"]


def test_the_page_loads_nothing_from_anywhere(plan: tuple[ReportContent, str]) -> None:
    _, page = plan
    tree = parsed(page)
    for tag in ("script", "link", "img", "iframe", "object", "embed", "image", "use", "foreignobject"):
        assert tree.root.find(tag) == [], tag
    references = [(n.tag, a, v) for n in tree.root.walk() for a, v in n.attrs.items()
                  if a in ("src", "href", "xlink:href", "data", "action", "srcset", "poster")]
    assert references and all(a == "href" and v.startswith("#") for _, a, v in references), references
    (style,) = tree.root.find("style")
    assert "url(" not in style.text() and "@import" not in style.text()
    assert not re.search(r"https?://", style.text())


def test_only_the_internal_plan_is_marked_internal(published: tuple[ReportContent, str],
                                                  internal: tuple[ReportContent, str]) -> None:
    assert "INTERNAL" not in published[1]
    tree = parsed(internal[1])
    (header,) = tree.root.find("header")
    first = header.elements()[0]
    assert first.attrs["class"] == "internal-marking" and first.text() == INTERNAL_MARKING  # first, at the top
    (footer,) = tree.root.find("footer")
    assert INTERNAL_MARKING in footer.text()
    (style,) = tree.root.find("style")
    assert "@top-left" in style.text() and "@top-left" not in parsed(published[1]).root.find("style")[0].text()


def test_the_sign_off_block_has_the_words_given_or_lines_to_sign(published: tuple[ReportContent, str],
                                                                internal: tuple[ReportContent, str]) -> None:
    def rows(page: str) -> list[tuple[str, str]]:
        (block,) = parsed(page).root.find("dl")
        return [(div.find("dt")[0].text(), div.find("dd")[0].text()) for div in block.elements()]

    assert rows(internal[1]) == [("Signed off by", "Jo Bloggs & <Co>"), ("Role", "Director"), ("Date", "1 May 2026")]
    assert rows(published[1]) == [("Signed off by", TO_SIGN), ("Role", TO_SIGN), ("Date", TO_SIGN)]


def test_a_page_break_in_the_outline_is_one_in_print(plan: tuple[ReportContent, str]) -> None:
    content, page = plan
    breaks = [n for n in parsed(page).root.walk() if n.attrs.get("class") == "page-break"]
    assert len(breaks) == sum(isinstance(b, PageBreak) for b in outline(content).blocks) > 5
    assert re.search(r"@media print \{.*\.page-break \{ break-before: page;", page, re.DOTALL)


def test_css_strings_end_only_where_they_should() -> None:
    assert css_string("A: B") == '"A\\00003a  B"'  # the escape's own space ends it; the text's space is kept
    quoted = css_string('x"</style>\\\n')
    assert quoted.count('"') == 2 and "<" not in quoted and "\n" not in quoted


def test_a_chart_label_and_a_table_with_no_rows() -> None:
    """The picture's own words are text, escaped by vl-convert; a table with columns and no rows keeps its caption
    and headers (one with no figures at all is a line in the outline: tests/test_report_document.py)."""
    frame = pd.DataFrame({"Group": ["<b>x</b>"], "Count": [3]})
    chart = alt.Chart(frame).mark_bar().encode(x="Count:Q", y="Group:N").properties(
        title=f"Title {HOSTILE}", width=200)
    spec = ChartSpec(chart, f"Title {HOSTILE}", f"Finding {HOSTILE}", frame)
    document = PlanDocument("T", "A", "S", "", "Covers the whole organisation.", True, [
        Heading(1, "Plan"), Heading(2, "Part"), Chart(spec), Text(spec.summary, "caption"),
        Table("No rows", ("Group", "Count"), ())])
    tree = parsed(plan_html(document))
    assert tree.root.find("script") == [] and tree.root.find("b") == []
    (svg,) = [n for n in tree.root.find("svg") if n.parent is not None and n.parent.tag != "svg"]
    assert svg.find("title")[0].text() == f"Finding {HOSTILE}"
    assert any(f"Title {HOSTILE}" in t.text() for t in svg.find("text"))  # drawn as text, as typed
    (table,) = tree.root.find("table")
    assert table.find("caption")[0].text() == "No rows" and len(table.find("th")) == 2 and table.find("td") == []


def test_the_command_line_writes_the_html_plan(tmp_path: Path) -> None:
    out = tmp_path / "plan.html"
    done = reports_in_process("--format", "html", "--out", str(out), "--internal", "--signed-off-by", "A. Person",
                              "--role", "Chief Executive", "--sign-off-date", "2 June 2026",
                              database=tmp_path / "none.sqlite")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Wrote {out}"
    tree = parsed(out.read_text(encoding="utf-8"))
    assert tree.root.find("h1")[0].text() == "Wexcombe Borough Council"
    assert [d.text() for d in tree.root.find("dd")] == ["A. Person", "Chief Executive", "2 June 2026"]
    assert "html" in build_parser().format_help()


def test_a_charts_description_says_what_it_is_how_to_read_it_and_where_its_figures_are(
        internal: tuple[ReportContent, str]) -> None:
    content, page = internal
    tree = parsed(page)
    spec = content.metrics["M3"].chart
    (desc,) = [d for d in tree.root.find("desc") if d.text().startswith(f"{spec.title}.")]
    assert desc.text() == f"{spec.title}. {spec.subtitle} Its figures are in the table that follows."
