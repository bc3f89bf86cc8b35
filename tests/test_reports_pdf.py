"""The board pack's PDF export: the published action plan, in the shape councils publish, safe by default."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pdfua
import pytest
from pypdf import PdfReader

from data_loaders.errors import InputError
from metrics.registry import metrics_of
from metrics.settings import PAN_LONDON_RAG_MEANINGS
from pipeline.api import Analysis, analyse_paths
from reports.content import INTERNAL_MARKING, ReportContent, build_content, scorecard_rows
from reports.document import Chart, Heading, PlanDocument, SignOff, Table, Text, plan_document
from reports.images import PNG_SIGNATURE, png_size
from reports.pdf import SIGN_OFF_MAX_CHARS, sign_off_date, sign_off_problems, typeset, write_pdf
from storage import Action, create_schema, make_engine, save_actions, save_panel
from tests.pdf_structure import structure, structure_problems, text_without_artifacts
from tests.reports_command import reports_in_process

METRICS = metrics_of("sc-wres")  # the sample council's standard, whose metrics the packs here hold

REPOSITORY = Path(__file__).resolve().parents[1]
LABELS = ("What we know from our data", "What we've achieved", "What we're working towards")
ACHIEVED = "<b>bold?</b> & co"
SCRIPT = "<script>alert(1)</script>"
# What a board member may paste into a panel: Typst, HTML and spreadsheet markup, to be printed as typed.
HOSTILE = ('#import "@preview/x:0.1.0": *\n#set page(paper: "a5")\n$x^2$ *bold* _it_ `code` = Heading @ref <label>\n'
           '=SUM(A1) \\ back\\slash {braces} [brackets] // not a comment /* nor this */ #{ "code" } ]')
OF_PATTERN = re.compile(r"\b(\d[\d,]*)\s+of\s+(\d[\d,]*)\b")
OBJECTIVES = 14  # enough rows, with long cells, for the table to run onto a second page


def _pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(str(path)).pages]


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return analyse_paths()


@pytest.fixture(scope="module")
def published_content(analysis: Analysis, tmp_path_factory: pytest.TempPathFactory) -> ReportContent:
    folder = tmp_path_factory.mktemp("db")
    engine = make_engine(f"sqlite:///{folder / 'wres.sqlite'}")
    create_schema(engine)
    period = analysis.period.end.isoformat()
    save_panel(engine, analysis.organisation, period, "M3", "achieved", ACHIEVED, expected_version=0, user="t")
    save_panel(engine, analysis.organisation, period, "M5", "know", HOSTILE, expected_version=0, user="t")
    save_actions(engine, analysis.organisation, period, [
        Action(objective=f"Objective {i}", themes=["Recruitment and retention"], metrics=["M2"], lead=f"Lead {i}",
               specific_actions=SCRIPT if i == 1 else "Review every shortlisting panel and publish the outcome. "
               * 3, indicators="Fewer adverse ratios", timeframe="2026", progress="Started", rag="amber")
        for i in range(1, OBJECTIVES + 1)
    ], user="t")
    content = build_content(analysis, engine=engine)
    engine.dispose()
    return content


@pytest.fixture(scope="module")
def published(published_content: ReportContent, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "published.pdf"
    write_pdf(published_content, out)
    return out


@pytest.fixture(scope="module")
def internal_content(analysis: Analysis) -> ReportContent:
    return build_content(analysis, publish_safe=False)


@pytest.fixture(scope="module")
def internal(internal_content: ReportContent, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "internal.pdf"
    write_pdf(internal_content, out, signed_off_by="Jo Bloggs & Co", role="Director", date="1 May 2026")
    return out


def test_pdf_has_the_plan_in_the_seeds_shape(published: Path) -> None:
    pages = _pages(published)
    text = "\n".join(pages)
    assert PdfReader(str(published)).pages[0].mediabox.width == pytest.approx(595.28, abs=0.1)  # A4 portrait
    assert "Wexcombe Borough Council" in pages[0] and "Workforce Race Equality Standard action plan" in pages[0]
    assert "Social Care Workforce Race Equality Standard (SC-WRES)" in pages[0]
    assert "1 April 2025 to 31 March 2026" in pages[0] and "Counts from 1 to 9 are withheld" in pages[0]
    assert "\"BME\" is this organisation's term" in pages[0]
    # Each metric starts its own page, in the registry's order, with the three panels under it.
    firsts = [next(i for i, p in enumerate(pages) if f"Metric {m.number}: {m.title}" in p) for m in METRICS.values()]
    assert firsts == sorted(firsts) and len(set(firsts)) == 9 and firsts[0] == 2  # after the scorecard
    # The panels written, under each metric; an empty one is left out of the published plan, heading and all.
    for metric, start, end in zip(METRICS, firsts, [*firsts[1:], len(pages)], strict=True):
        metric_text = "\n".join(pages[start:end])
        written = [LABELS[0], LABELS[1]] if metric == "M3" else [LABELS[0]]
        assert [label for label in LABELS if label in metric_text] == written, metric
    assert "Nothing written yet." not in text
    assert "Signed off by" in pages[-1] and "Role" in pages[-1] and "Date" in pages[-1]
    assert [f"Page {i}" in p for i, p in enumerate(pages, start=1)] == [True] * len(pages)
    assert INTERNAL_MARKING not in text


def test_figures_in_words(published: Path) -> None:
    pages = _pages(published)
    m5 = next(p for p in pages if "Metric 5: Continuing professional development" in p)
    # The sample's M5: 0.95 (0.80 to 1.14), within range, as in the deck's scorecard.
    assert "Relative likelihood: 0.95 (95% interval 0.80 to 1.14). Within range." in m5
    # A handful of fitness to practise referrals: the ratio is withheld in the published plan.
    m4 = next(p for p in pages if "Metric 4: Fitness to practise" in p)
    assert "Relative likelihood: withheld. Withheld for publication." in m4
    assert "Insufficient data" not in m4 and "Too few to say" not in m4
    # Appointment: 0.78 (0.57 to 1.08), outside the range but the interval includes 1.00.
    m2 = next(p for p in pages if "Metric 2: Appointment from shortlisting" in p)
    assert "Relative likelihood: 0.78 (95% interval 0.57 to 1.08). Adverse, could be chance." in " ".join(m2.split())
    # The pay bands: the workforce's share as every page writes it, and the senior bands combined for publication
    # rather than withheld, so no lower band is called the highest.
    m1 = " ".join(next(p for p in pages if "Metric 1: Pay bands" in p).split())
    assert "BME staff are 28% of staff whose ethnicity is known (526 BME and 1,369 white)." in m1
    assert "are shown together as Grade 11 to SM3" in m1
    assert "highest shown" not in m1 and "26%" not in m1


def test_saved_text_comes_out_as_typed(published: Path) -> None:
    text = "\n".join(_pages(published))
    m3 = text[text.index("Metric 3: Disciplinary"):text.index("Metric 4:")]
    assert ACHIEVED in m3
    # In the objectives table, not read as markup (a narrow cell may wrap it, so spaces are ignored).
    assert SCRIPT in "".join(text.split())


def test_objectives_table_repeats_its_header(published: Path) -> None:
    # Cells wrap where their column ends, so each page's words are compared without the line breaks.
    pages = [" ".join(p.split()) for p in _pages(published)]
    row = re.compile(r"(?<![\d.])(\d+) Objective \1 Recruitment")
    table_pages = [p for p in pages if row.search(p)]
    assert len(table_pages) >= 2
    header = "No. Objective Themes and metrics Lead Specific actions Indicators of improvement Timeframe Progress RAG"
    for number, page in enumerate(table_pages):
        body = page.removeprefix("Covers the whole organisation. ")  # every page says what it covers
        if number == 0:
            body = body.split("Our objectives ", 1)[1]
        assert body.startswith(header), body[:120]  # the header row again on each page the table runs onto
    assert [int(n) for p in table_pages for n in row.findall(p)] == list(range(1, OBJECTIVES + 1))
    # A row is never split across two pages: each objective's last cell (its RAG) is on its first cell's page.
    assert all(p.count(" Started Amber") == len(row.findall(p)) for p in table_pages)
    assert "Recruitment and retention; M2 Lead 1" in table_pages[0]


def test_sign_off_filled_or_blank(published: Path, internal: Path) -> None:
    assert "Signed off by Jo Bloggs & Co Role Director Date 1 May 2026" in " ".join(_pages(internal)[-1].split())
    assert "Signed off by Role Date" in " ".join(_pages(published)[-1].split())


def test_sign_off_words_are_checked_and_the_date_written_out() -> None:
    assert sign_off_problems("", "") == [] and sign_off_problems("Jo Bloggs & Co", "Director") == []
    assert sign_off_problems("x" * (SIGN_OFF_MAX_CHARS + 1), "") == [
        f"The name is {SIGN_OFF_MAX_CHARS + 1} characters long; the sign-off block has room for {SIGN_OFF_MAX_CHARS}."]
    assert sign_off_problems("Jo", "Chief\nExecutive")[0].startswith("The role holds a tab, line break")
    assert sign_off_date(dt.date(2026, 5, 1)) == "1 May 2026" and sign_off_date(None) == ""


def test_scorecard_page_follows_the_introduction_with_the_decks_rows(published: Path, analysis: Analysis) -> None:
    page = " ".join(_pages(published)[1].split())
    assert page.count("Scorecard: the nine metrics") == 1 and "Metric Value 95% interval Status" in page
    # The same rows as the deck's scorecard slide, from the same content and formatter.
    for row in scorecard_rows(build_content(analysis)):
        for cell in row:
            assert " ".join(cell.split()) in page, cell
    assert "M5 Continuing professional development 0.95 0.80 to 1.14 Within range" in page
    assert "Descriptive: see the pay band chart" in page and "See the pay bands" not in page
    assert "M4 Fitness to practise withheld Withheld for publication" in page  # as in the deck
    assert "M2 Appointment from shortlisting 0.78 0.57 to 1.08 Adverse, could be chance" in page


def test_a_metric_with_no_text_says_so_once_when_published(analysis: Analysis, tmp_path: Path) -> None:
    content = build_content(analysis)
    m2 = content.metrics["M2"]
    empty = replace(content, metrics=content.metrics | {"M2": replace(m2, panels=dict.fromkeys(m2.panels, " "))})
    write_pdf(empty, tmp_path / "published.pdf")
    text = "\n".join(_pages(tmp_path / "published.pdf"))
    m2_text = text[text.index("Metric 2: "):text.index("Metric 3: ")]
    assert m2_text.count("No text for this metric was written for publication.") == 1
    assert not any(label in m2_text for label in LABELS) and "Nothing written yet." not in text
    assert text.count("No text for this metric was written for publication.") == 1
    # The internal plan is the board's draft: every heading stays, the gaps said, so they can be filled.
    internal = replace(empty, published=False)
    write_pdf(internal, tmp_path / "internal.pdf")
    text = "\n".join(_pages(tmp_path / "internal.pdf"))
    m2_text = text[text.index("Metric 2: "):text.index("Metric 3: ")]
    assert all(label in m2_text for label in LABELS) and m2_text.count("Nothing written yet.") == 3
    assert "No text for this metric was written for publication." not in text


def test_internal_pdf_is_marked_on_every_page(internal: Path) -> None:
    pages = _pages(internal)
    assert len(pages) >= 11
    for number, page in enumerate(pages, start=1):
        assert INTERNAL_MARKING in page, number


def _small_counts(pages: list[str]) -> list[str]:
    return [f"{a} of {b}" for p in pages for a, b in OF_PATTERN.findall(p)
            if 0 < int(a.replace(",", "")) < 10 or 0 < int(b.replace(",", "")) < 10]


def test_published_pdf_never_shows_a_small_count(published: Path, internal: Path) -> None:
    pages = _pages(published)
    assert _small_counts(pages) == []
    assert [m for p in pages for m in OF_PATTERN.findall(p)]  # the scan saw counts
    assert _small_counts(_pages(internal))  # and finds small ones when nothing is withheld


def test_first_page_renders(published: Path, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed, so the pages cannot be rendered here")
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", str(published),
                    str(tmp_path / "page")], check=True, timeout=60)
    image = (tmp_path / "page.png").read_bytes()
    width, height = png_size(image)
    # A4 at 50 dpi: about 413 by 585 pixels.
    assert image.startswith(PNG_SIGNATURE) and 400 < width < 430 and 570 < height < 600
    assert len(image) > 5_000


# The command line ----------------------------------------------------------------------------


def _cli(*args: str, database: Path) -> subprocess.CompletedProcess[str]:
    return reports_in_process(*args, database=database)


def test_cli_writes_pdf(tmp_path: Path) -> None:
    out = tmp_path / "plan.pdf"
    done = _cli("--format", "pdf", "--out", str(out), "--signed-off-by", "A. Person", "--role", "Chief Executive",
                "--sign-off-date", "2 June 2026", database=tmp_path / "none.sqlite")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Wrote {out}"
    assert out.read_bytes().startswith(b"%PDF")
    pages = _pages(out)
    assert "Wexcombe Borough Council" in pages[0]
    assert "Signed off by A. Person Role Chief Executive Date 2 June 2026" in " ".join(pages[-1].split())


def test_cli_sign_off_is_for_the_pdf_only(tmp_path: Path) -> None:
    done = _cli("--format", "pptx", "--out", str(tmp_path / "pack.pptx"), "--role", "Director",
                database=tmp_path / "none.sqlite")
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --role fills the plan's sign-off block"), done.stderr
    assert not (tmp_path / "pack.pptx").exists()


def test_the_rag_key_is_in_the_organisations_words(published: Path, analysis: Analysis, tmp_path: Path) -> None:
    """Under the objectives: the key in neutral words by default, never another programme's unasked."""
    text = " ".join(" ".join(_pages(published)).split())
    assert "RAG status: Green: Well underway; Amber: Some progress, not yet embedded; Red: Not started." in text
    assert "london" not in text.lower()
    content = build_content(analysis)
    london = replace(content, settings=content.settings.with_(rag_meanings=dict(PAN_LONDON_RAG_MEANINGS)),
                     actions=[Action(number=1, objective="Fair shortlisting", rag="green")])
    write_pdf(london, tmp_path / "london.pdf")
    last = " ".join(" ".join(_pages(tmp_path / "london.pdf")[-2:]).split())
    assert "Green: Pan-London activity well underway" in last


def test_each_metric_names_who_is_counted(published: Path, analysis: Analysis) -> None:
    text = re.sub(r"\s+", " ", "\n".join(_pages(published)))
    for definition in METRICS.values():
        # The rule with the period's dates, as metrics.registry writes it (the PDF wraps lines).
        assert f"Who is counted: {definition.counted_text(analysis.period)}" in text, definition.id


def test_a_services_plan_names_its_service_on_every_page_and_carries_that_services_text(tmp_path: Path) -> None:
    adults = analyse_paths(filters={"service": ["Adults"]})
    engine = make_engine(f"sqlite:///{tmp_path / 'scoped.sqlite'}")
    create_schema(engine)
    period = adults.period.end.isoformat()
    save_panel(engine, adults.organisation, period, "M2", "achieved", "Council-wide words.", expected_version=0,
               user="alex")
    save_panel(engine, adults.organisation, period, "M2", "achieved", "Words for Adults.", expected_version=0,
               user="alex", scope="service: Adults")
    content = build_content(adults, engine=engine)
    assert (content.covers, content.file_stem) == ("service: Adults", "wres-2026-03-31-service-adults-published")
    out = tmp_path / "adults.pdf"
    write_pdf(content, out)
    pages = _pages(out)
    assert all("Covers service: Adults only." in page for page in pages)
    text = "\n".join(pages)
    assert "Words for Adults." in text and "Council-wide words." not in text
    # The whole organisation's pack says what it covers too, and carries the council's text.
    whole = build_content(analyse_paths(), engine=engine)
    assert (whole.covers, whole.scope_line) == ("", "Covers the whole organisation.")
    assert whole.metrics["M2"].panels["achieved"] == "Council-wide words."
    engine.dispose()


def test_cli_sign_off_is_checked_as_the_board_pack_page_checks_it(tmp_path: Path) -> None:
    done = _cli("--format", "pdf", "--out", str(tmp_path / "plan.pdf"), "--signed-off-by", "x" * 200,
                database=tmp_path / "none.sqlite")
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: The name is 200 characters long"), done.stderr
    assert not (tmp_path / "plan.pdf").exists()
    done = _cli("--format", "pdf", "--out", str(tmp_path / "plan.pdf"), "--sign-off-date", "14 May\n2026",
                database=tmp_path / "none.sqlite")
    assert done.returncode == 2 and "The date holds a tab, line break" in done.stderr


# Accessibility: tagged PDF/UA-1 ---------------------------------------------------------------------------------

# The plan's sections, as a screen reader lists its headings (H2): the pay gaps come before the objectives.
SECTIONS = ["Introduction", "Scorecard: the nine metrics", *[f"Metric {m.number}: {m.title}" for m in METRICS.values()],
            "Pay gaps", "Our objectives", "Sign-off"]


def _pdfua_findings(path: Path) -> list[str]:
    return [f"{f.rule_id} {f.severity.name}: {f.message}" for f in pdfua.validate(str(path)).findings]


def _findings(document: PlanDocument) -> list[str]:
    return [block.alt for block in document.blocks if isinstance(block, Chart)]


@pytest.mark.parametrize("which", ["published", "internal"])
def test_the_plan_is_a_tagged_pdf_that_passes_the_pdfua_checker(which: str, request: pytest.FixtureRequest) -> None:
    path: Path = request.getfixturevalue(which)
    content: ReportContent = request.getfixturevalue(f"{which}_content")
    assert _pdfua_findings(path) == []  # no error, warning or note
    document = plan_document(content)
    assert structure_problems(path, title=document.title, findings=_findings(document)) == []
    found = structure(path)
    assert [text for level, text in found.headings if level == 2] == SECTIONS
    assert found.headings[0] == (1, "Wexcombe Borough Council")
    assert {text for level, text in found.headings if level == 3} >= {*LABELS[:1], "Pay gaps by sex"}
    # A figure per chart: the nine metrics' and the three pay gaps'.
    assert len(found.figures) == 12 and all(found.figures)
    assert found.title.startswith("Workforce Race Equality Standard action plan: Wexcombe Borough Council")


def test_page_headers_and_footers_are_artifacts(internal: Path) -> None:
    """What every page repeats (the marking, what the plan covers, "Page N") is not read out on every page."""
    read = text_without_artifacts(internal)
    shown = _pages(internal)
    assert all(INTERNAL_MARKING in page and "Covers the whole organisation." in page for page in shown)
    assert not any(re.search(r"Page \d+", page) for page in read)
    # Said once where the plan says it (the introduction, the title page), not on every page.
    assert sum(page.count(INTERNAL_MARKING) for page in read) == 1
    assert sum(page.count("Covers the whole organisation.") for page in read) == 1
    assert "Metric 1: Pay bands" in "\n".join(read)


def test_text_a_person_typed_is_printed_as_typed_and_the_plan_still_passes(published: Path) -> None:
    text = " ".join(" ".join(_pages(published)).split())
    assert " ".join(HOSTILE.split()) in text  # no Typst, HTML or formula acted on
    assert "<b>bold?</b> & co" in text and SCRIPT in "".join(text.split())  # a narrow cell may wrap it
    assert PdfReader(str(published)).pages[-1].mediabox.width == pytest.approx(595.28, abs=0.1)  # still A4


def _small_document(*blocks: Heading | Text | Table | SignOff) -> PlanDocument:
    return PlanDocument(title="Workforce Race Equality Standard action plan: Test", author="Test", subject="Test",
                        marking="", scope_line="Covers the whole organisation.", published=True,
                        blocks=[Heading(1, "Test council"), Heading(2, "Section"), *blocks])


def test_a_table_with_no_rows_is_its_header_alone_and_still_passes(tmp_path: Path) -> None:
    out = tmp_path / "empty.pdf"
    typeset(_small_document(Table("Figures: nobody", ("Group", "Staff"), ()), Text("Nobody is counted.")), out)
    assert _pdfua_findings(out) == []
    assert structure(out).tables == [["TH", "TH"]]
    assert "Group Staff" in " ".join(_pages(out)[0].split())


def test_without_the_templates_fonts_the_pdf_is_made_with_typsts_own_and_embeds_them(tmp_path: Path) -> None:
    """A fresh machine without Liberation Sans or DejaVu Sans: Typst falls back to a font it carries."""
    out = tmp_path / "fallback.pdf"
    typeset(_small_document(Text("Words in a font Typst carries."), SignOff((("Signed off by", ""),))), out,
            system_fonts=False)
    assert _pdfua_findings(out) == [] and structure(out).unembedded_fonts == []
    assert "Words in a font Typst carries." in _pages(out)[0]


def test_invisible_characters_a_paste_brings_are_left_out_and_line_breaks_kept(tmp_path: Path) -> None:
    out = tmp_path / "pasted.pdf"
    typeset(_small_document(Text("One\x07 line\r\nand\x0banother\ttabbed\ufeff.")), out)
    assert _pdfua_findings(out) == []
    assert "One line\nand\nanother tabbed." in _pages(out)[0]


def test_a_character_no_font_can_show_is_refused_in_one_sentence_saying_where(tmp_path: Path) -> None:
    document = _small_document(Heading(3, "What we've achieved"), Text("We did well \U0001F600"))
    with pytest.raises(InputError) as refused:
        typeset(document, tmp_path / "emoji.pdf", system_fonts=False)
    message = str(refused.value)
    assert message.startswith("the PDF plan could not be made: its text under Section, What we've achieved holds "
                              "\"\U0001F600\", which the PDF's fonts cannot show"), message
    assert "\n" not in message and not (tmp_path / "emoji.pdf").exists()
