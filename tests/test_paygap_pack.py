"""The board pack's Pay gaps section and the Pay gaps page's download as published, checked on small payrolls
worked by hand (reports.paygap_section, reports.paygap_export.published_export_rows)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from metrics import paygap as pg
from metrics.paygap_publish import audit, published, to_dict
from metrics.settings import Settings
from reports.paygap_export import WITHHELD_COLUMN, published_export_rows, published_note
from reports.paygap_section import NO_PAYROLL, figure_rows, pay_gap_section, payload_of_rows
from reports.safe import csv_bytes

SNAPSHOT = dt.date(2026, 3, 31)


def payroll(rows: list[tuple[str, float, float]], column: str = "sex") -> pd.DataFrame:
    """(group label, hourly rate, bonus) -> rows whose hourly rate is their pay: 1 hour a week, a 7-day period."""
    return pd.DataFrame({column: [r[0] for r in rows], "ordinary_pay": [r[1] for r in rows],
                         "weekly_hours": 1.0, "pay_period_days": 7.0, "bonus_pay": [r[2] for r in rows]})


def worked(frame: pd.DataFrame, by: str = "sex") -> pg.PayGapResult:
    people = pg.relevant_employees(frame, SNAPSHOT)
    return pg.pay_gaps(people, pg.grouping_for(people.frame, by), pg.Bootstrap(resamples=0))


# 20 men at 10, 11, ... 29 an hour, every other one paid a bonus of 100; 4 women at 11.50, 15.50, 20.50, 25.50,
# none paid a bonus. 24 people: four quarters of 6, one woman in each (16.7%). Published at 10: the women are a
# group of 4, so their size, shares, bonus share and gaps are withheld; and with two groups the men's figures give
# the women's back (a quarter's 6 less its men; the 24 employees less the men), so the men's shares and size are
# withheld too, and the men's bonus share with their size withheld would give a count (10 of about 20). Nothing is
# left to publish: every cell blank, and the Withheld column saying why, figure by figure.
SMALL = [("M", 10 + i, 100 if i % 2 == 0 else 0) for i in range(20)] + [("F", r, 0) for r in (11.5, 15.5, 20.5, 25.5)]


def test_a_group_of_four_is_withheld_in_the_published_download_worked_by_hand():
    result = worked(payroll(SMALL))
    assert result.quarter_sizes == {q: 6 for q in pg.QUARTERS}
    assert all(abs(result.quarters[q]["women"] - 100 / 6) < 1e-9 for q in pg.QUARTERS)  # the full figures
    pub = published(result, 10)
    rows, columns = published_export_rows(pub)
    assert list(columns)[-1] == WITHHELD_COLUMN and len(rows) == 1
    row = rows[0]
    assert all(row[c] is None for c in columns if c != WITHHELD_COLUMN)  # every figure blank
    note = row[WITHHELD_COLUMN]
    assert "Women: share of the upper pay quarter: withheld, fewer than 10 relevant employees in the group " \
           "(Women)." in note
    assert "Women: the mean hourly pay gap: withheld, fewer than 10 relevant employees" in note
    assert "Men: share of the lower pay quarter: withheld, a count under 10, or one that would let a reader" in note
    assert "Men: the proportion paid a bonus: withheld" in note
    # As a CSV: blank cells, the note in its column.
    read = list(csv.DictReader(io.StringIO(csv_bytes(rows, columns).decode("utf-8-sig"))))
    assert read[0]["FemaleTopQuartile"] == "" and read[0]["DiffMeanHourlyPercent"] == ""
    assert read[0][WITHHELD_COLUMN].startswith("Women: the mean hourly pay gap: withheld")
    assert "14 figures withheld" in published_note(pub)
    assert audit(to_dict(pub), 10) == {}


# 40 men and 40 women, one of each at 10, 11, ... 49 an hour (the woman 50p more): 80 people, quarters of 20, ten
# of each in every quarter, so every share is 50% and no count is under 10. Men with an even rate paid a bonus of
# 100 (20 of 40: 50%), women whose rate is a multiple of 4 paid one of 50 (10 of 40: 25%).
# Mean hourly: men 29.50, women 30.00 -> (29.5 - 30) / 29.5 = -1.7%. Median: men 29.50, women 30.00 -> -1.7%.
# Bonus among those paid one: 100 and 50 -> 50.0%, mean and median.
EVEN = [("M", 10 + i, 100 if i % 2 == 0 else 0) for i in range(40)] + \
       [("F", 10.5 + i, 50 if i % 4 == 2 else 0) for i in range(40)]


def test_groups_large_enough_are_published_whole_worked_by_hand():
    pub = published(worked(payroll(EVEN)), 10)
    rows, _ = published_export_rows(pub)
    row = rows[0]
    assert row["DiffMeanHourlyPercent"] == -1.7 and row["DiffMedianHourlyPercent"] == -1.7
    assert row["DiffMeanBonusPercent"] == 50.0 and row["DiffMedianBonusPercent"] == 50.0
    assert row["MaleBonusPercent"] == 50.0 and row["FemaleBonusPercent"] == 25.0
    assert {row[f"{who}{q}"] for who in ("Male", "Female")
            for q in ("LowerQuartile", "LowerMiddleQuartile", "UpperMiddleQuartile", "TopQuartile")} == {50.0}
    assert row[WITHHELD_COLUMN] == ""


def test_by_ethnicity_each_groups_own_quarters_are_left_out_as_published_and_said_so():
    rows = [("White British", 10 + i / 2, 0) for i in range(80)] + [("Indian", 10.1 + i, 0) for i in range(40)] + \
           [("African", 10.3 + i, 0) for i in range(40)]
    pub = published(worked(payroll(rows, "ethnicity"), "ethnicity"), 10)
    out, columns = published_export_rows(pub)
    by_group = {r["Group"]: r for r in out}
    assert set(by_group) >= {"Minority ethnic", "Asian, Asian British or Asian Welsh: Indian"}
    indian = by_group["Asian, Asian British or Asian Welsh: Indian"]
    assert indian["GroupTopQuartile"] is None and indian["ReferenceTopQuartile"] is None
    assert "ranked with White alone: not published" in indian[WITHHELD_COLUMN]
    minority = by_group["Minority ethnic"]
    assert minority["GroupTopQuartile"] is not None  # the minority-ethnic group's pair is in the model
    assert minority["GroupTopQuartile"] == float(int(minority["GroupTopQuartile"]))  # a whole percentage


# --- the board pack's section --------------------------------------------------------------------------------


def test_files_without_payroll_columns_give_one_line_not_an_error():
    staff = pd.DataFrame({"sex": ["Female", "Male"], "ethnicity": ["Indian", "White British"]})
    section = pay_gap_section(staff, SNAPSHOT, Settings(), threshold=10)
    assert section.blocks == [] and section.missing == NO_PAYROLL
    assert pay_gap_section(None, SNAPSHOT, Settings(), threshold=10).missing == NO_PAYROLL


def test_the_section_has_a_comparison_for_each_column_the_data_allow():
    frame = payroll(EVEN)
    section = pay_gap_section(frame, SNAPSHOT, Settings(), threshold=10)
    assert [b.by for b in section.blocks] == ["sex"]  # no ethnicity or disability column: no such comparison
    frame["disability"] = ["Yes" if i % 4 == 0 else "No" for i in range(len(frame))]
    assert [b.by for b in pay_gap_section(frame, SNAPSHOT, Settings(), threshold=10).blocks] == ["sex", "disability"]


def _values(block) -> dict[tuple[str, str], str]:  # noqa: ANN001 - a PayGapBlock
    figures = block.figures
    return {(g, f): v for g, f, v in zip(figures["Group"], figures["Figure"], figures["Value"], strict=True)}


def test_the_published_section_carries_only_published_figures_and_the_internal_one_the_full():
    published_section = pay_gap_section(payroll(SMALL), SNAPSHOT, Settings(), threshold=10)
    internal = pay_gap_section(payroll(SMALL), SNAPSHOT, Settings(), threshold=None)
    block = published_section.blocks[0]
    values = _values(block)
    assert values[("Women", "Mean hourly pay gap")] == "withheld"
    assert values[("Women", "Relevant employees")] == "withheld"
    assert set(block.chart.table["Women %"]) == {"withheld"}
    assert any("withheld, fewer than 10 relevant employees in the group (Women)" in line for line in block.lines)
    assert block.withheld and block.payload is not None
    assert audit(payload_of_rows(figure_rows(block.payload)), 10) == {}  # the table the workbook carries
    full = internal.blocks[0]
    values = _values(full)
    assert values[("Women", "Relevant employees")] == "4"
    assert list(full.chart.table["Women %"]) == [16.7] * 4
    assert full.payload is None and full.withheld == []


@dataclass
class _Saved:
    text: str
    version: int = 1


def test_a_pay_gap_panel_quoting_a_withheld_figure_is_listed_before_publication():
    panels = {("PGS", "know"): _Saved("Only 4 women work here and they are 16.7% of the upper quarter."),
              ("PGS", "achieved"): _Saved("We ran 3 workshops in 2025.")}
    section = pay_gap_section(payroll(SMALL), SNAPSHOT, Settings(), threshold=10, panels=panels)
    found = [(f.written, f.what) for f in section.blocks[0].withheld_in_text]
    assert ("4", "Women: the number of relevant employees") in found
    # 16.7% is the women's share of every quarter: the first withheld figure it could be is named.
    assert ("16.7", "Women: share of the lower pay quarter, %") in found
    assert not [w for w, _ in found if w in ("3", "2025")]
    sentence = section.blocks[0].withheld_in_text[0].sentence()
    assert sentence.startswith("Pay gaps by sex, What we know from our data: \"4\" could be")
    # The internal pack withholds nothing, so it checks nothing.
    assert pay_gap_section(payroll(SMALL), SNAPSHOT, Settings(), threshold=None,
                           panels=panels).blocks[0].withheld_in_text == []


@pytest.mark.parametrize("kind", ["xlsx", "pdf", "pptx"])
def test_a_pack_without_payroll_columns_says_so_in_one_line(kind, tmp_path: Path):
    from dataclasses import replace

    from pipeline.api import analyse_paths
    from reports.content import build_content
    from reports.excel import write_excel
    from reports.paygap_section import PayGapSection
    from reports.pdf import write_pdf
    from reports.pptx import write_pptx

    content = build_content(analyse_paths(), pay_gaps=False)
    assert content.pay_gaps is None
    content = replace(content, pay_gaps=PayGapSection(missing=NO_PAYROLL))
    out = tmp_path / f"pack.{kind}"
    {"xlsx": write_excel, "pdf": write_pdf, "pptx": write_pptx}[kind](content, out)
    if kind == "xlsx":
        from openpyxl import load_workbook

        text = " ".join(str(v) for row in load_workbook(out)["Pay gaps"].iter_rows(values_only=True) for v in row)
    elif kind == "pdf":
        from pypdf import PdfReader

        text = " ".join(p.extract_text() for p in PdfReader(str(out)).pages).replace("\n", " ")
    else:
        from pptx import Presentation

        text = " ".join(s.text_frame.text for slide in Presentation(str(out)).slides for s in slide.shapes
                        if s.has_text_frame)
    assert "They need the staff records' payroll columns" in text
