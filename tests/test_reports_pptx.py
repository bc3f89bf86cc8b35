"""The board pack's PowerPoint export: the slides a board expects, its text, publication-safe by default."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Emu, Pt

from metrics.registry import metrics_of
from metrics.settings import PAN_LONDON_RAG_MEANINGS
from pipeline.api import Analysis, analyse_paths
from reports.content import INTERNAL_MARKING, build_content, rag_key_text, unknown_lines
from reports.images import chart_png, png_size
from reports.pptx import LINE_SPACING, text_lines, write_pptx
from storage import PANEL_KINDS, Action, create_schema, make_engine, save_actions, save_panel
from tests.office_checks import (
    headless_tables,
    out_of_reading_order,
    table_frames,
    undescribed_pictures,
    untitled_slides,
)
from tests.reports_command import reports_in_process

METRICS = metrics_of("sc-wres")  # the sample council's standard, whose metrics the packs here hold

REPOSITORY = Path(__file__).resolve().parents[1]
LABEL_KINDS = tuple(PANEL_KINDS)
LABELS = ("What we know from our data", "What we've achieved", "What we're working towards")
ACHIEVED = "<b>Mentoring</b> for 12 staff & a {bme} network."
# Too long for one slide at 18 pt: twenty numbered sentences, so each can be found after the split.
LONG = " ".join(f"Sentence {i} of our plan says what we will change in recruitment and why it matters."
                for i in range(1, 21))
OF_PATTERN = re.compile(r"\b(\d[\d,]*) of (\d[\d,]*)\b")


def _texts(slide, *, titles: bool = True) -> list[str]:  # noqa: ANN001
    out = []
    for shape in slide.shapes:
        if shape.has_text_frame and (titles or shape != slide.shapes.title):
            out.append(shape.text_frame.text)
        if shape.has_table:
            out += [cell.text for row in shape.table.rows for cell in row.cells]
    return out


def _title(slide) -> str:  # noqa: ANN001
    return slide.shapes.title.text_frame.text


def _metric_slides(deck, metric_id: str) -> list:  # noqa: ANN001
    return [s for s in deck.slides if _title(s).startswith(f"{metric_id} ")]


def _table_cells(deck) -> list[str]:  # noqa: ANN001
    return [cell.text for slide in deck.slides for shape in slide.shapes if shape.has_table
            for row in shape.table.rows for cell in row.cells]


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return analyse_paths()


@pytest.fixture(scope="module")
def published(analysis: Analysis, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    folder = tmp_path_factory.mktemp("pptx")
    engine = make_engine(f"sqlite:///{folder / 'wres.sqlite'}")
    create_schema(engine)
    period = analysis.period.end.isoformat()
    save_panel(engine, analysis.organisation, period, "M3", "achieved", ACHIEVED, expected_version=0, user="t")
    save_panel(engine, analysis.organisation, period, "M2", "working_towards", LONG, expected_version=0, user="t")
    save_actions(engine, analysis.organisation, period, [
        Action(objective=f"Objective {i}", metrics=["M3"], lead=f"Lead {i}", timeframe="2026", rag="amber")
        for i in range(1, 8)
    ], user="t")
    out = folder / "published.pptx"
    write_pptx(build_content(analysis, engine=engine), out)
    return Presentation(str(out))


@pytest.fixture(scope="module")
def internal(analysis: Analysis, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    out = tmp_path_factory.mktemp("pptx") / "internal.pptx"
    write_pptx(build_content(analysis, publish_safe=False), out)
    return Presentation(str(out))


def test_chart_png_is_a_png(analysis: Analysis) -> None:
    content = build_content(analysis)
    image = chart_png(content.metrics["M5"].chart, width=600, scale=1)
    width, height = png_size(image)
    assert image.startswith(b"\x89PNG") and 600 <= width < 900 and 0 < height < width


def test_deck_has_the_slides_a_board_expects(published) -> None:  # noqa: ANN001
    slides = list(published.slides)
    assert round(published.slide_width / published.slide_height, 2) == round(16 / 9, 2)
    assert _title(slides[0]) == "Wexcombe Borough Council"
    assert _title(slides[1]).startswith("Scorecard")
    for metric_id in METRICS:
        assert _metric_slides(published, metric_id), metric_id
    firsts = [s for s in slides if any(_title(s) == f"{m.id} {m.title}" for m in METRICS.values())]
    assert len(firsts) == 9
    # Each metric's slide, then what the organisation says about it (the sample's sentence at the least).
    for number, slide in enumerate(firsts, start=1):
        following = slides[slides.index(slide) + 1]
        assert _title(following).startswith(f"What we say about metric {number}")
    for slide in firsts:
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1 and pictures[0].image.blob.startswith(b"\x89PNG")
    plans = [s for s in slides if _title(s).startswith("Action plan")]
    # Seven objectives: six rows a slide, so two slides, in order, at the end.
    assert [_title(s) for s in plans] == ["Action plan (1 of 2)", "Action plan (2 of 2)"]
    assert slides[-2:] == plans
    numbers = [row.cells[0].text for s in plans for shape in s.shapes if shape.has_table
               for row in list(shape.table.rows)[1:]]
    assert numbers == [str(i) for i in range(1, 8)]
    first_row = [c.text for s in plans[:1] for shape in s.shapes if shape.has_table
                 for c in shape.table.rows[1].cells]
    assert first_row == ["1", "Objective 1", "Lead 1", "2026", "Amber"]


def test_title_slide(published, internal) -> None:  # noqa: ANN001
    text = "\n".join(_texts(published.slides[0]))
    assert "Social Care Workforce Race Equality Standard (SC-WRES)" in text
    assert "1 April 2025 to 31 March 2026" in text
    assert "Publication-safe" in text and "Counts from 1 to 9 are withheld" in text
    assert INTERNAL_MARKING not in text
    assert INTERNAL_MARKING in "\n".join(_texts(internal.slides[0]))


def test_scorecard_rows(published) -> None:  # noqa: ANN001
    table = next(s for s in published.slides[1].shapes if s.has_table).table
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["Metric", "Value", "95% interval", "Status"]
    assert [r[0] for r in rows[1:]] == [f"{m.id} {m.title}" for m in METRICS.values()]
    by_id = {r[0].split()[0]: r for r in rows[1:]}
    # The sample's M5: 0.95 (0.80 to 1.14), within range.
    assert by_id["M5"][1:] == ["0.95", "0.80 to 1.14", "Within range"]
    assert by_id["M7"][1].splitlines() == ["From colleagues: 1.32", "From managers: 1.67"]
    # 1.32 (0.94 to 1.85) and 1.67 (1.11 to 2.52): both outside the range; only the second beyond chance.
    assert by_id["M7"][3].splitlines() == ["From colleagues: Adverse, could be chance",
                                           "From managers: Adverse, beyond chance"]
    assert by_id["M2"][1:] == ["0.78", "0.57 to 1.08", "Adverse, could be chance"]
    # A handful of fitness to practise referrals: withheld in the published deck, and said so, not "too few".
    assert by_id["M4"][1] == "withheld" and by_id["M4"][3] == "Withheld for publication"
    # The pay bands have no single figure or status: described by their chart, in the words used everywhere.
    assert by_id["M1"][1:] == ["–", "", "Descriptive: see the pay band chart"]
    assert not any("See the pay bands" in t for slide in published.slides for t in _texts(slide))


def test_large_type(published) -> None:  # noqa: ANN001
    sizes = [run.font.size for slide in published.slides for shape in slide.shapes if shape.has_text_frame
             for p in shape.text_frame.paragraphs for run in p.runs]
    titles = [run.font.size for slide in published.slides
              for run in slide.shapes.title.text_frame.paragraphs[0].runs]
    assert min(titles) >= Pt(32) and min(sizes) >= Pt(18)


def _panel_slides(deck, metric_number: int) -> list:  # noqa: ANN001
    return [s for s in deck.slides if _title(s).startswith(f"What we say about metric {metric_number}")]


def test_each_metric_has_one_slide_of_chart_headline_and_points(published) -> None:  # noqa: ANN001
    for definition in METRICS.values():
        slides = _metric_slides(published, definition.id)
        assert [_title(s) for s in slides] == [f"{definition.id} {definition.title}"]
    m3 = "\n".join(_texts(_metric_slides(published, "M3")[0], titles=False))
    assert "Relative likelihood: 1.50 (95% interval 0.80 to 2.81). Adverse, could be chance." in m3
    assert "Ethnicity is not known for 6% of those counted; they are left out of the comparison." in m3
    assert "In the action plan: objectives 1, 2, 3, 4, 5, 6, 7." in m3
    points = next(s for s in _metric_slides(published, "M3")[0].shapes if s.name == "Points")
    assert len(points.text_frame.paragraphs) <= 3
    # The panels are not on the metric's slide: they have their own.
    assert ACHIEVED not in m3 and not any(label in m3 for label in LABELS)


def test_panels_under_their_labels_on_their_own_slide(published) -> None:  # noqa: ANN001
    slides = _panel_slides(published, 3)
    assert [_title(s) for s in slides] == ["What we say about metric 3"]
    assert published.slides.index(slides[0]) == published.slides.index(_metric_slides(published, "M3")[0]) + 1
    text = _texts(slides[0], titles=False)[0].split("\n")
    # Stored text comes out exactly as typed: no markup read, no placeholder filled. The empty panel is
    # left out, heading and all.
    assert text[0] == LABELS[0] and text[2:] == [LABELS[1], ACHIEVED]
    assert LABELS[2] not in text and "Nothing written yet." not in text
    sizes = [r.font.size for s in slides for shape in s.shapes if shape.name == "Panels"
             for p in shape.text_frame.paragraphs for r in p.runs]
    assert min(sizes) >= Pt(18)


def test_the_panels_are_in_the_notes_under_who_is_counted(published, analysis) -> None:  # noqa: ANN001
    notes = _metric_slides(published, "M3")[0].notes_slide.notes_text_frame.text.split("\n")
    assert notes[0] == f"Who is counted: {METRICS['M3'].counted_text(analysis.period)}"
    assert notes[2] == f"{LABELS[1]}: {ACHIEVED}" and notes[1].startswith(f"{LABELS[0]}: ")
    # The empty panel is left out; then whether the figure stands whatever the unknown are (metrics.unknown_bounds).
    assert notes[3:] == unknown_lines(build_content(analysis).metrics["M3"], analysis.settings, True)
    assert len(notes) == 4 and notes[3].startswith("If the unknown were known: ")


def test_a_long_panel_is_split_and_numbered_not_continued(published) -> None:  # noqa: ANN001
    slides = _panel_slides(published, 2)
    titles = [_title(s) for s in slides]
    assert titles == [f"What we say about metric 2 ({i} of {len(titles)})" for i in range(1, len(titles) + 1)]
    assert len(titles) == 2
    assert not any("continued" in _title(s).lower() for s in published.slides)
    on_slide = ["\n".join(_texts(s, titles=False)) for s in slides]
    assert LABELS[2] in on_slide[1]  # the label again above the rest of its text
    for i in range(1, 21):
        sentence = f"Sentence {i} of our plan says"
        assert sum(sentence in text for text in on_slide) == 1, sentence
    assert "Sentence 1 of" in on_slide[0] and "Sentence 20 of" in on_slide[-1]


def test_a_metric_with_nothing_written_has_no_panel_slide(analysis: Analysis, tmp_path: Path) -> None:
    content = build_content(analysis)
    for metric_id in ("M4", "M9"):
        content.metrics[metric_id] = replace(content.metrics[metric_id], panels=dict.fromkeys(LABEL_KINDS, ""))
    only = {m: content.metrics[m] for m in ("M4", "M5", "M9")}
    out = tmp_path / "deck.pptx"
    write_pptx(replace(content, metrics=only, pay_gaps=None, where_it_sits=None), out)  # the metric slides alone
    titles = [_title(s) for s in Presentation(str(out)).slides]
    assert titles[2:-1] == ["M4 Fitness to practise", "M5 Continuing professional development",
                            "What we say about metric 5", "M9 Senior management"]


def test_the_action_plan_carries_the_rag_key(published, analysis: Analysis, tmp_path: Path) -> None:  # noqa: ANN001
    neutral = rag_key_text(analysis.settings)
    for slide in [s for s in published.slides if _title(s).startswith("Action plan")]:
        assert neutral in _texts(slide)
    content = build_content(analysis)
    london = replace(content, settings=content.settings.with_(rag_meanings=dict(PAN_LONDON_RAG_MEANINGS)))
    out = tmp_path / "london.pptx"
    write_pptx(replace(london, metrics={"M5": content.metrics["M5"]}), out)
    last = Presentation(str(out)).slides[-1]
    assert _title(last) == "Action plan" and "The action plan has no objectives yet." in _texts(last)
    assert rag_key_text(london.settings) in _texts(last) and "Pan-London" in rag_key_text(london.settings)


def _overflowing(deck) -> list[str]:  # noqa: ANN001
    """Every text box (titles too) whose text, wrapped at its font size, is taller than the box."""
    found = []
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            if not shape.has_text_frame or not shape.text_frame.text:
                continue
            frame = shape.text_frame
            width = Emu(shape.width - frame.margin_left - frame.margin_right).inches
            room = Emu(shape.height - frame.margin_top - frame.margin_bottom).pt
            need = 0.0
            for paragraph in frame.paragraphs:
                size = max(r.font.size.pt for r in paragraph.runs)
                lines = text_lines(paragraph.text, width, size, bold=any(r.font.bold for r in paragraph.runs))
                need += len(lines) * size * LINE_SPACING + (paragraph.space_after or Pt(0)).pt
            if need > room:
                found.append(f"slide {number} ({_title(slide)}), {shape.name}: {need:.0f} pt in {room:.0f}")
    return found


def test_no_text_box_overflows_however_long_the_panels(analysis: Analysis, tmp_path: Path) -> None:
    content = build_content(analysis, publish_safe=False)
    paragraph = " ".join(f"Point {i} about what the figures mean for staff and what we will do next."
                         for i in range(1, 13))
    unbroken = " ".join(["word"] * 400)  # no sentence ends: split between words
    panels = {"know": "\n".join([paragraph] * 3), "achieved": unbroken + "\n" + "x" * 300,
              "working_towards": LONG}
    plan = [Action(number=i, objective="An objective that takes several lines to say. " * 4, metrics=["M7"],
                   lead="Director of Adult Social Care and Health", timeframe="By the end of March 2027", rag="red")
            for i in range(1, 21)]
    metrics = {m: replace(content.metrics[m], panels=panels, actions=plan if m == "M7" else [])
               for m in ("M1", "M7", "M8")}
    long_content = replace(content, metrics=metrics, actions=plan,
                           organisation="The Royal Borough of Wexcombe and Upper Thistledown District Council")
    out = tmp_path / "long.pptx"
    write_pptx(long_content, out)
    deck = Presentation(str(out))
    assert _overflowing(deck) == []
    titles = [_title(s) for s in deck.slides]
    assert not any("continued" in t.lower() for t in titles)
    assert [t for t in titles if t.startswith("M")] == [f"{d.id} {d.title}" for d in
                                                         (METRICS["M1"], METRICS["M7"], METRICS["M8"])]
    seven = [t for t in titles if t.startswith("What we say about metric 7")]
    assert len(seven) >= 3 and seven[-1] == f"What we say about metric 7 ({len(seven)} of {len(seven)})"
    text = "\n".join(t for s in deck.slides for t in _texts(s, titles=False))
    assert "Nothing written yet." not in text and text.count("Point 12 about") == 3 * 3


def test_the_sample_deck_fits(published, internal) -> None:  # noqa: ANN001
    assert _overflowing(published) == [] and _overflowing(internal) == []


def test_internal_deck_is_marked_on_every_slide(internal, published) -> None:  # noqa: ANN001
    for slide in internal.slides:
        assert INTERNAL_MARKING in _texts(slide), _title(slide)
    assert not any(INTERNAL_MARKING in t for s in published.slides for t in _texts(s))


def _number_cells(deck) -> list[str]:  # noqa: ANN001
    """Every table cell (or line of one) that is a number, leaving out the action plan's objective numbers."""
    cells = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if not shape.has_table:
                continue
            skip = 0 if _title(slide).startswith("Action plan") else None
            cells += [line.split(": ")[-1] for row in list(shape.table.rows)[1:]
                      for c, cell in enumerate(row.cells) if c != skip for line in cell.text.splitlines()]
    return [c for c in cells if re.fullmatch(r"[+-]?[\d,]+(\.\d+)?", c)]


def _small_counts(deck) -> list[str]:  # noqa: ANN001
    """'3 of 120' in any text, and whole numbers in tables, under the threshold of 10."""
    found = [f"{a} of {b}" for s in deck.slides for t in _texts(s, titles=False) for a, b in OF_PATTERN.findall(t)
             if 0 < int(a.replace(",", "")) < 10 or 0 < int(b.replace(",", "")) < 10]
    return found + [c for c in _number_cells(deck) if "." not in c and 0 < abs(int(c.replace(",", ""))) < 10]


def test_published_deck_never_shows_a_small_count(published, internal) -> None:  # noqa: ANN001
    assert _small_counts(published) == []
    assert _small_counts(internal)  # the same scan finds them when nothing is withheld
    assert [t for s in published.slides for t in _texts(s) if OF_PATTERN.search(t)]  # it saw counts
    numbers = _number_cells(published)
    # The scan saw the scorecard's ratios (0.78, 1.50, 0.95, 1.14, 1.32, 1.67, 1.22), the Where it sits slides'
    # (each service's shown) and the plan's timeframes.
    assert numbers.count("2026") == 7 and sum(re.fullmatch(r"\d\.\d\d", n) is not None for n in numbers) > 7


# Read with a screen reader (issue 28) ---------------------------------------------------------


def test_every_slide_has_a_title_and_every_picture_its_description(published, internal) -> None:  # noqa: ANN001
    for deck in (published, internal):
        assert untitled_slides(deck) == []
        assert undescribed_pictures(deck) == []
    titles = [_title(s) for s in published.slides]
    # Each kind of slide, its title in the title placeholder: the title slide, a metric's, a panel slide split in
    # two, Where it sits, a pay gap's chart and its continuation, the action plan's continuation.
    for title in ("Wexcombe Borough Council", "Scorecard: the nine metrics", "M2 Appointment from shortlisting",
                  "What we say about metric 2 (1 of 2)", "What we say about metric 2 (2 of 2)",
                  "Where it sits: M2 by service", "Pay gaps by sex", "Pay gaps by sex (1 of 2)",
                  "Action plan (1 of 2)", "Action plan (2 of 2)"):
        assert title in titles, title
    # A chart's description is its one-sentence summary: the first point beside it.
    m2 = _metric_slides(published, "M2")[0]
    chart = next(s for s in m2.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE)
    summary = next(s for s in m2.shapes if s.name == "Points").text_frame.paragraphs[0].text
    assert chart._element.nvPicPr.cNvPr.get("descr") == summary and summary.startswith("25% of BME shortlisted")
    pictures = [s for slide in published.slides for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 9 + 3  # the nine metrics' charts and the three pay gaps' quarters


def test_the_grids_of_figures_are_tables_with_a_header_row(published, internal) -> None:  # noqa: ANN001
    for deck in (published, internal):
        assert headless_tables(deck) == []
        for slide in deck.slides:
            title = _title(slide)
            if title.startswith(("Scorecard", "Where it sits", "Action plan (")) or (
                    title.startswith("Pay gaps by") and "of" not in title):
                assert table_frames(slide), title
    # The pay gap's quarters, once lines of text beside the chart, are a table: a row a quarter, a column a group.
    sex = next(s for s in published.slides if _title(s) == "Pay gaps by sex")
    quarters = next(s for s in sex.shapes if s.name == "Quarters").table
    assert [c.text for c in quarters.rows[0].cells] == ["Quarter", "Men", "Women"]
    assert [r.cells[0].text for r in list(quarters.rows)[1:]] == [
        "Upper quarter", "Upper middle quarter", "Lower middle quarter", "Lower quarter"]
    assert [c.text for c in quarters.rows[1].cells] == ["Upper quarter", "27%", "73%"]
    assert not any("Upper quarter:" in t for t in _texts(sex))


def test_the_shapes_are_in_reading_order(published, internal) -> None:  # noqa: ANN001
    for deck in (published, internal):
        assert out_of_reading_order(deck) == []
    assert all([s.name for s in slide.shapes][-1] == "Marking" for slide in internal.slides)
    m2 = _metric_slides(internal, "M2")[0]
    assert [s.name for s in m2.shapes] == ["Title 1", "Chart", "Headline", "Points", "Marking"]
    sex = next(s for s in published.slides if _title(s) == "Pay gaps by sex")
    assert [s.name for s in sex.shapes] == ["Title 1", "Chart", "Points", "Quarters"]


# The command line ----------------------------------------------------------------------------


def _cli(*args: str, database: Path) -> subprocess.CompletedProcess[str]:
    return reports_in_process(*args, database=database)


def test_cli_writes_pptx(tmp_path: Path) -> None:
    out = tmp_path / "pack.pptx"
    done = _cli("--format", "pptx", "--out", str(out), database=tmp_path / "none.sqlite")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Wrote {out}"
    deck = Presentation(str(out))
    assert _title(deck.slides[0]) == "Wexcombe Borough Council" and len(deck.slides) >= 12



def test_each_metric_slides_notes_name_who_is_counted(published, analysis) -> None:  # noqa: ANN001
    for definition in METRICS.values():
        first = next(s for s in published.slides if _title(s) == f"{definition.id} {definition.title}")
        assert first.notes_slide.notes_text_frame.paragraphs[0].text == \
            f"Who is counted: {definition.counted_text(analysis.period)}"


def test_a_services_deck_says_what_it_covers_on_every_slide(published, tmp_path) -> None:  # noqa: ANN001
    from pipeline.api import analyse_paths

    assert "Covers the whole organisation." in "\n".join(_texts(published.slides[0]))
    out = tmp_path / "adults.pptx"
    write_pptx(build_content(analyse_paths(filters={"service": ["Adults"]})), out)
    slides = list(Presentation(str(out)).slides)
    assert "Covers service: Adults only." in "\n".join(_texts(slides[0]))
    assert all(_title(s).endswith("(service: Adults)") for s in slides), [_title(s) for s in slides]
