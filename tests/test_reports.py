"""The board pack's Excel export: publication-safe by default, internal when asked, never a formula."""

from __future__ import annotations

import subprocess
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine

from metrics.registry import METRICS
from pipeline.api import Analysis, analyse_paths
from reports import build_content, safe_cell, write_excel
from reports.content import INTERNAL_MARKING
from storage import Action, create_schema, make_engine, save_actions, save_panel
from tests.office_checks import table_faults, undefined_grids
from tests.reports_command import reports_command, reports_in_process

REPOSITORY = Path(__file__).resolve().parents[1]
INJECTION = '=HYPERLINK("http://x","y")'
EXPECTED_SHEETS = [
    "Contents", "M1 Pay bands", "M2 Appointment", "M3 Disciplinary", "M4 Fitness to practise",
    "M5 Continuing professional", "M6 Harassment from the public", "M7 Harassment from colleagues",
    "M8 Leaving the organisation", "M9 Senior management", "Where it sits by service", "Pay gaps",
    "Action plan",
]
# Table headings whose cells are counts of people: the chart tables' and the registry's labels.
COUNT_HEADINGS = {"BME staff", "White staff", "Unknown staff", "Total staff", "Shortlisted", "Appointed",
                  "Respondents", "Said yes", "Leavers", "Average headcount"} | {
    label for m in METRICS.values() for label in (m.events_label, m.base_label)}


@pytest.mark.parametrize(("value", "expected"), [
    ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
    ("+44 20 7946 0000", "'+44 20 7946 0000"),
    ("-5", "'-5"),  # text, so from a person or a file: neutralised like any other
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"),
    ("\rcmd", "'\rcmd"),
    ("Grade 7", "Grade 7"),
    (" =1+1", "' =1+1"),  # spreadsheets skip leading white space before a formula
    ("\n=1+1", "'\n=1+1"),
    ("\u3000=1", "'\u3000=1"),  # the ideographic space
    ("\uff1dSUM(A1)", "'\uff1dSUM(A1)"),  # full-width equals
    ("\uff0b44", "'\uff0b44"),  # full-width plus
    ("\uff0d5", "'\uff0d5"),
    ("\uff20SUM(A1)", "'\uff20SUM(A1)"),
    ("\ncmd", "'\ncmd"),
    ("  Grade 7", "  Grade 7"),
    ("a=b", "a=b"),
    ("", ""),
    (-5, -5),
    (12.5, 12.5),
    (None, None),
])
def test_safe_cell(value: object, expected: object) -> None:
    assert safe_cell(value) == expected


def test_a_defined_tables_header_and_name_are_what_excel_accepts() -> None:
    """A defined table's headings must be unique non-empty strings (Excel repairs the file otherwise), and its name
    unique in the workbook, of letters, digits and underscores, and not a cell's address."""
    from reports.excel import table_header, table_name

    assert table_header(["Group", "", "Value", "value", None, 2026, "=SUM(A1)"]) == [
        "Group", "Column 2", "Value", "value (2)", "Column 5", "2026", "'=SUM(A1)"]
    taken: set[str] = set()
    assert [table_name(words, taken) for words in ("M2 figures", "M2 figures", "m2 Figures", "A1", "R1C1", "2026 plan",
                                                   "Pay gaps: sex (%)", "", "!!")] == [
        "M2_figures", "M2_figures_2", "m2_Figures_3", "Table_A1", "Table_R1C1", "Table_2026_plan",
        "Pay_gaps_sex", "Table", "Table_2"]


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return analyse_paths()


@pytest.fixture()
def engine(tmp_path: Path, analysis: Analysis) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'wres.sqlite'}")
    create_schema(engine)
    period = analysis.period.end.isoformat()
    save_panel(engine, analysis.organisation, period, "M3", "achieved", INJECTION, expected_version=0, user="t")
    save_panel(engine, analysis.organisation, period, "M3", "know", "Our own words.", expected_version=0,
               user="t")
    save_actions(engine, analysis.organisation, period, [
        Action(objective=INJECTION, metrics=["M3"], lead="+44 lead", progress="@progress", rag="amber"),
        Action(objective="Fair shortlisting", themes=["Recruitment and retention"]),
    ], user="t")
    return engine


def _rows(path: Path, sheet: str) -> list[tuple]:
    return list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))


def _small(cell: object, threshold: int) -> bool:
    """Under the threshold after rounding half up, the publication rule (an average headcount of 9.5 is 10)."""
    return isinstance(cell, (int, float)) and 0 < int(cell + 0.5) < threshold


def _count_cells(path: Path) -> list[object]:
    """Every cell under a count heading in every table of every metric sheet."""
    book = openpyxl.load_workbook(path)
    found: list[object] = []
    for name in book.sheetnames[1:-1]:
        columns: list[int] = []
        for row in book[name].iter_rows(values_only=True):
            if all(v is None for v in row):
                columns = []
            elif any(v in COUNT_HEADINGS for v in row) and all(v is None or isinstance(v, str) for v in row):
                columns = [i for i, v in enumerate(row) if v in COUNT_HEADINGS]
            else:
                found += [row[i] for i in columns]
    return found


def test_content_panels_and_actions(analysis: Analysis, engine: Engine) -> None:
    content = build_content(analysis, engine=engine)
    assert content.published and content.threshold == 10
    assert content.note.startswith("Counts from 1 to 9 are withheld")
    m3 = content.metrics["M3"]
    assert m3.panels == {"know": "Our own words.", "achieved": INJECTION, "working_towards": ""}
    # Never saved: the published result's sentence, not the unsuppressed one.
    assert content.metrics["M1"].panels["know"] == content.metrics["M1"].result.sentence
    # M4 rests on a handful of referrals: its published sentence withholds them.
    assert content.metrics["M4"].panels["know"] == content.metrics["M4"].result.sentence
    assert content.metrics["M4"].panels["know"] != analysis.results["M4"].sentence
    assert [a.objective for a in m3.actions] == [INJECTION]
    assert [a.objective for a in content.metrics["M2"].actions] == ["Fair shortlisting"]
    assert [a.objective for a in content.metrics["M8"].actions] == ["Fair shortlisting"]
    assert content.metrics["M1"].actions == []
    assert [a.number for a in content.actions] == [1, 2]


def test_each_standards_pack_shows_its_own_plan(analysis: Analysis, engine: Engine) -> None:
    """The board pack's plan is the analysis's standard's: the NHS WRES pack shows the NHS WRES plan, and the SC-WRES
    pack never an NHS WRES objective (schema version 7 keeps the plans apart)."""
    from pipeline.api import analyse

    period = analysis.period.end.isoformat()
    save_actions(engine, analysis.organisation, period, [
        Action(number=1, objective="Reporting route for abuse from patients", metrics=["W5"]),
        Action(number=2, objective="Shortlisting panels", metrics=["M2"]),
    ], user="t", scope="NHS WRES")
    nhs = analyse(analysis.inputs, analysis.settings.with_(standard="nhs-wres"), organisation=analysis.organisation)
    content = build_content(nhs, engine=engine)
    assert [(a.number, a.objective) for a in content.actions] == [
        (1, "Reporting route for abuse from patients"), (2, "Shortlisting panels")]
    assert [a.objective for a in content.metrics["W5"].actions] == ["Reporting route for abuse from patients"]
    assert [a.objective for a in content.metrics["M2"].actions] == ["Shortlisting panels"]
    council = build_content(analysis, engine=engine)
    assert [a.objective for a in council.actions] == [INJECTION, "Fair shortlisting"]


def test_internal_content_is_marked_and_unsuppressed(analysis: Analysis) -> None:
    content = build_content(analysis, publish_safe=False)
    assert not content.published and content.note == INTERNAL_MARKING
    assert content.metrics["M3"].result is analysis.results["M3"]
    assert content.metrics["M3"].panels["know"] == analysis.results["M3"].sentence


def test_xlsx_sheets_and_no_formula(analysis: Analysis, engine: Engine, tmp_path: Path) -> None:
    out = tmp_path / "pack.xlsx"
    write_excel(build_content(analysis, engine=engine), out)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == EXPECTED_SHEETS
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells}
    assert "'" + INJECTION in texts and INJECTION not in texts
    assert {"'+44 lead", "'@progress"} <= texts
    m3 = [row[0] for row in _rows(out, "M3 Disciplinary")]
    for label in ("What we know from our data", "What we've achieved", "What we're working towards"):
        assert m3[m3.index(label) + 1] == {"What we know from our data": "Our own words.",
                                           "What we've achieved": "'" + INJECTION,
                                           "What we're working towards": None}[label]
    plan = _rows(out, "Action plan")
    assert plan[1] == ("Number", "Objective", "Themes", "Metrics", "Lead", "Data from the metrics",
                       "Specific actions", "Indicators of improvement", "Timeframe", "Progress", "RAG")
    assert plan[2][:5] == (1, "'" + INJECTION, None, "M3", "'+44 lead") and plan[2][-2:] == ("'@progress", "Amber")
    # The plan's two objectives and M3's one are defined tables (what a screen reader announces a table by); the
    # rest of the workbook's tables are checked in tests/test_publication_audit.py.
    assert {t.displayName: t.ref for t in book["Action plan"].tables.values()} == {"Action_plan": "A2:K4"}
    assert book["M3 Disciplinary"].tables["M3_actions"].ref.endswith(":E" + str(len(m3)))
    assert undefined_grids(book) == [] and table_faults(book) == []
    contents = [row[:2] for row in _rows(out, "Contents")]
    assert ("Standard", "Social Care Workforce Race Equality Standard (SC-WRES)") in contents
    assert book["Contents"]["A1"].font.bold


def test_published_xlsx_has_no_small_count(analysis: Analysis, tmp_path: Path) -> None:
    out = tmp_path / "published.xlsx"
    write_excel(build_content(analysis), out)
    counts = _count_cells(out)
    numbers = [c for c in counts if isinstance(c, (int, float))]
    assert len(numbers) > 50 and "withheld" in counts  # the scan saw the tables, and suppression acted
    assert [c for c in counts if not (c == "withheld" or isinstance(c, (int, float)))] == []
    assert [c for c in counts if _small(c, 10)] == []
    assert all(not str(row[0]).startswith("INTERNAL") for name in EXPECTED_SHEETS for row in _rows(out, name)[:1])
    notes = [row[1] for row in _rows(out, "Contents") if row[0] == "Published figures"]
    assert notes and notes[0].startswith("Counts from 1 to 9 are withheld")


def test_published_threshold_follows_the_argument(analysis: Analysis, tmp_path: Path) -> None:
    out = tmp_path / "published5.xlsx"
    write_excel(build_content(analysis, threshold=5), out)
    counts = _count_cells(out)
    assert [c for c in counts if _small(c, 5)] == []
    assert any(isinstance(c, (int, float)) and 5 <= c < 10 for c in counts)


def test_internal_xlsx_shows_small_counts_and_is_marked(analysis: Analysis, tmp_path: Path) -> None:
    out = tmp_path / "internal.xlsx"
    write_excel(build_content(analysis, publish_safe=False), out)
    counts = _count_cells(out)
    assert "withheld" not in counts
    assert any(_small(c, 10) for c in counts)
    for name in EXPECTED_SHEETS:
        assert _rows(out, name)[0][0] == INTERNAL_MARKING
    # Disciplinary counts are under 10 for unknown ethnicity in the sample: shown as counted.
    m3 = _rows(out, "M3 Disciplinary")
    heading = next(i for i, row in enumerate(m3) if row[0] == "Group")
    assert m3[heading][:4] == ("Group", "Headcount", "Entering disciplinary", "Rate (%)")
    assert m3[heading + 3][:3] == ("Unknown", 120, 3)


# The command line ----------------------------------------------------------------------------


def _cli(*args: str, database: Path) -> subprocess.CompletedProcess[str]:
    return reports_command(*args, database=database, timeout=120)


def test_cli_writes_xlsx_with_saved_text_as_text(engine: Engine, tmp_path: Path) -> None:
    out = tmp_path / "pack.xlsx"
    done = reports_in_process("--format", "xlsx", "--out", str(out), database=tmp_path / "wres.sqlite")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Wrote {out}"
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == EXPECTED_SHEETS
    values = [(c.value, c.data_type) for s in book for row in s.iter_rows() for c in row if c.value is not None]
    assert ("'" + INJECTION, "s") in values
    assert [v for v, kind in values if kind == "f"] == []


def test_cli_without_a_database_does_not_make_one(tmp_path: Path) -> None:
    out = tmp_path / "internal.xlsx"
    done = _cli("--format", "xlsx", "--internal", "--out", str(out), database=tmp_path / "never.sqlite")
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "never.sqlite").exists()
    assert _rows(out, "Action plan")[0][0] == INTERNAL_MARKING


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "xlsx", "--out", "{tmp}/pack.xlsx", "--signed-off-by", "Jo"], "use it with --format pdf"),
    (["--format", "xlsx", "--out", "{tmp}/missing/pack.xlsx"], "folder that does not exist"),
    (["--format", "xlsx", "--out", "{tmp}/pack.xlsx", "staff={tmp}/staff.xlsx"], "error: "),
    (["--format", "xlsx", "--out", "{tmp}/pack.xlsx", "--suppress", "ten"], "is not a whole number"),
])
def test_cli_errors_are_one_line(args: list[str], message: str, tmp_path: Path) -> None:
    (tmp_path / "staff.xlsx").write_bytes(b"this is not a workbook")
    done = _cli(*[a.format(tmp=tmp_path) for a in args], database=tmp_path / "none.sqlite")
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0], done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "pack.xlsx").exists()


def test_each_metric_sheet_says_who_is_counted(analysis: Analysis, tmp_path: Path) -> None:
    from metrics.registry import METRICS

    out = tmp_path / "pack.xlsx"
    write_excel(build_content(analysis), out)
    rows = [row[0] for row in _rows(out, "M8 Leaving the organisation")]
    assert f"Who is counted: {METRICS['M8'].counted_text(analysis.period)}" in rows


def test_an_organisation_named_as_markup_or_a_formula_is_text_in_every_export(analysis: Analysis,
                                                                              tmp_path: Path) -> None:
    """An organisation's name is typed by an administrator (or, without sign-in, by anyone): in the workbook it is
    never a formula, and in the PDF and the slides it is the characters typed, no tag or link acted on."""
    from dataclasses import replace

    from pptx import Presentation
    from pypdf import PdfReader

    from reports import write_pdf, write_pptx

    name = '=HYPERLINK("http://evil.example","x") <img src=x onerror=alert(1)> [a](javascript:alert(2)) <b>'
    content = build_content(replace(analysis, organisation=name))
    write_excel(content, tmp_path / "pack.xlsx")
    book = openpyxl.load_workbook(tmp_path / "pack.xlsx")
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert "'" + name in {c.value for c in cells}  # the Contents sheet's Organisation row, neutralised
    write_pdf(content, tmp_path / "pack.pdf")
    reader = PdfReader(tmp_path / "pack.pdf")
    first = "".join(reader.pages[0].extract_text().split())  # the title wraps: compared without the line breaks
    assert "<imgsrc=xonerror=alert(1)>" in first and "[a](javascript:alert(2))" in first
    assert not any("/A" in (a.get_object() or {}) for page in reader.pages for a in page.get("/Annots", []) or [])
    write_pptx(content, tmp_path / "pack.pptx")
    deck = Presentation(str(tmp_path / "pack.pptx"))
    shown = "\n".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes
                      if shape.has_text_frame)
    assert name in shown
    assert not [run for slide in deck.slides for shape in slide.shapes if shape.has_text_frame
                for p in shape.text_frame.paragraphs for run in p.runs if run.hyperlink.address]
