"""The board pack of a trust's standards: the sample trust's NHS WRES pack, in every format, holds the NHS WRES's own
indicators in its numbers and words, publication-safe and internal (issue 20: "the board pack ... work for each
standard")."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pdfua
import pytest
from pptx import Presentation
from pypdf import PdfReader

from metrics.registry import STANDARDS, metrics_of
from metrics.settings import Settings
from pipeline.api import Analysis, analyse_paths, sample_trust_paths
from reports import build_content, write_excel, write_pdf, write_pptx
from reports.document import Chart, plan_document
from tests.pdf_structure import structure, structure_problems

NHS = "nhs-wres"


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return analyse_paths(sample_trust_paths(), settings=Settings(standard=NHS),
                         organisation="Northfield NHS Foundation Trust")


@pytest.fixture(scope="module")
def published(analysis: Analysis):  # noqa: ANN201
    return build_content(analysis)


@pytest.mark.parametrize("publish_safe", [True, False])
def test_the_pack_holds_the_standards_indicators_in_order(analysis: Analysis, publish_safe: bool) -> None:
    content = build_content(analysis, publish_safe=publish_safe)
    assert list(content.metrics) == list(STANDARDS[NHS].metrics)


def test_every_format_is_written_with_the_indicators_numbers_and_titles(published, tmp_path: Path) -> None:  # noqa: ANN001
    content = published

    pdf = io.BytesIO()
    write_pdf(content, pdf)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.getvalue())).pages)
    for d in metrics_of(NHS).values():
        assert f"Metric {d.number}: {d.title}" in text, d.id
    assert "Fitness to practise" not in text and "NHS Workforce Race Equality Standard" in text
    # The trust's plan is a tagged PDF/UA-1 too: the checker finds nothing, and its headings are the indicators'.
    (tmp_path / "plan.pdf").write_bytes(pdf.getvalue())
    assert [f.message for f in pdfua.validate(str(tmp_path / "plan.pdf")).findings] == []
    document = plan_document(content)
    findings = [block.alt for block in document.blocks if isinstance(block, Chart)]
    assert structure_problems(tmp_path / "plan.pdf", title=document.title, findings=findings) == []
    assert [text for level, text in structure(tmp_path / "plan.pdf").headings if level == 2] == [
        "Introduction", "Scorecard: the nine metrics", *[f"Metric {d.number}: {d.title}" for d in
                                                         metrics_of(NHS).values()],
        *(["Pay gaps"] if content.pay_gaps is not None else []), "Our objectives", "Sign-off"]

    slides = io.BytesIO()
    write_pptx(content, slides)
    shown = [shape.text_frame.text for slide in Presentation(io.BytesIO(slides.getvalue())).slides
             for shape in slide.shapes if shape.has_text_frame]
    assert any("Harassment from staff" in text for text in shown)
    assert not any("Fitness to practise" in text for text in shown)

    workbook = io.BytesIO()
    write_excel(content, workbook)
    sheets = openpyxl.load_workbook(io.BytesIO(workbook.getvalue())).sheetnames
    assert [s.split()[0] for s in sheets if s.split()[0] in metrics_of(NHS)] == list(metrics_of(NHS))


def test_the_slides_and_workbook_read_with_a_screen_reader_under_another_standard(analysis: Analysis,
                                                                                   published) -> None:  # noqa: ANN001
    """Issue 28, for the NHS WRES's pack as for the SC-WRES's (tests/test_reports_pptx.py and
    tests/test_publication_audit.py): every slide titled, every picture described, every table with a header row,
    in reading order; every grid of figures in the workbook a defined table, the Contents sheet first listing the
    rest."""
    from tests.office_checks import (
        contents_listing,
        headless_tables,
        out_of_reading_order,
        table_faults,
        undefined_grids,
        undescribed_pictures,
        untitled_slides,
    )

    for content in (published, build_content(analysis, publish_safe=False)):
        slides = io.BytesIO()
        write_pptx(content, slides)
        deck = Presentation(io.BytesIO(slides.getvalue()))
        assert untitled_slides(deck) == [] and undescribed_pictures(deck) == []
        assert headless_tables(deck) == [] and out_of_reading_order(deck) == []
        titles = [slide.shapes.title.text_frame.text for slide in deck.slides]
        assert "W5 Harassment from patients and the public" in titles and titles[-1] == "Action plan"
        workbook = io.BytesIO()
        write_excel(content, workbook)
        book = openpyxl.load_workbook(io.BytesIO(workbook.getvalue()))
        assert undefined_grids(book) == [] and table_faults(book) == []
        assert [name for name, _ in contents_listing(book)] == book.sheetnames[1:] and book.sheetnames[0] == "Contents"
        assert "W5_figures" in book[next(n for n in book.sheetnames if n.startswith("W5 "))].tables
