"""WDES metrics 8 (adequate adjustments: one group's percentage), 9a (staff engagement: a difference of mean scores)
and 9b (the voices of disabled staff: a narrative), worked by hand."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from data_loaders.values import adjustments_value, parse_adjustments, parse_score
from metrics import stats
from metrics.records import figures_from_records
from metrics.registry import METRICS
from metrics.results import compute_results
from metrics.settings import Settings
from pipeline.api import analyse_paths

WDES = Settings(standard="wdes", period_end=dt.date(2026, 3, 31))
WDES_ANY_SIZE = WDES.with_(min_group_size=1)


def counts(figures, metric_id: str, item: str | None = None) -> dict[str, tuple[float, float]]:
    rows = figures.for_metric(metric_id)
    if item is not None:
        rows = rows[rows["item"] == item]
    return {g: (e, b) for g, e, b in zip(rows["group"], rows["events"], rows["base"], strict=True)}


def survey(disability: list[str], **columns: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame({"disability": pd.array(disability, dtype="str")})
    for name, values in columns.items():
        frame[name] = values
    return frame


# --- Metric 8: adequate adjustments ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "value"), [
    ("Yes", "yes"), ("No", "no"), ("No adjustment required", "not needed"),
    ("Not applicable / I have not needed adjustments", "not needed"), ("N/A", "not needed"),
    ("not applicable", "not needed"), ("I have not needed adjustments.", "not needed"),
])
def test_an_adjustments_answer_is_yes_no_or_not_needed(cell, value):
    assert adjustments_value(cell) == value


def test_an_adjustments_answer_that_is_not_one_is_unreadable_and_a_blank_is_blank():
    parsed, unreadable = parse_adjustments(pd.Series(["Yes", "Perhaps", None, "Prefer not to say", "No"]))
    assert list(parsed.astype(object).where(parsed.notna(), None)) == ["yes", None, None, None, "no"]
    assert list(unreadable) == [False, True, False, False, False]


def test_adjustments_are_disabled_respondents_percentage_with_a_wilson_interval_not_needed_left_out():
    # Disabled: yes, yes, yes, no, not needed, not needed, blank: 3 of 4 who answered (75%), 2 said not needed.
    # Non-disabled: not needed, blank, yes (asked only of those with a condition: 1 of 1, not part of the figure).
    answers = ["yes", "yes", "yes", "no", "not needed", "not needed", None, "not needed", None, "yes"]
    records = {"survey": survey(["Yes"] * 7 + ["No"] * 3, adjustments=pd.Series(answers, dtype="category"))}
    figures = figures_from_records(records, WDES)
    assert counts(figures, "D8") == {"disabled": (3, 4), "non_disabled": (1, 1), "not_declared": (0, 0)}
    assert any("Metric 8: 2 disabled respondents said they have not needed adjustments" in n for n in figures.notes)
    result = compute_results(figures, WDES_ANY_SIZE)["D8"]
    assert result.status == stats.ONE_GROUP
    assert result.value == pytest.approx(75.0)
    # Wilson, by hand: p = 0.75, n = 4, z = 1.95996, z² = 3.84146; centre (0.75 + z²/8) / (1 + z²/4) = 1.23018 /
    # 1.96036 = 0.62754; half z * sqrt(0.75 * 0.25 / 4 + z² / 64) / 1.96036 = 1.95996 * 0.32695 / 1.96036 = 0.32689:
    # 30.06% to 95.44%.
    z = 1.959964
    centre = (0.75 + z * z / 8) / (1 + z * z / 4)
    half = z * math.sqrt(0.75 * 0.25 / 4 + z * z / 64) / (1 + z * z / 4)
    assert result.ci == pytest.approx((100 * (centre - half), 100 * (centre + half)), abs=1e-3)
    assert result.ci == pytest.approx((30.06, 95.44), abs=0.01)
    assert "75% of disabled survey respondents who answered say their employer has made adequate adjustments" in (
        result.sentence)
    assert METRICS["D8"].adverse_if_ratio("wdes") == "lower"


def test_adjustments_for_too_few_disabled_respondents_are_too_few_to_say():
    records = {"survey": survey(["Yes", "Yes", "No"], adjustments=pd.Series(["yes", "no", None], dtype="category"))}
    result = compute_results(figures_from_records(records, WDES), WDES)["D8"]
    assert result.status == stats.INSUFFICIENT and result.value is None
    assert "only 2 disabled survey respondents" in result.sentence


# --- Metric 9a: staff engagement --------------------------------------------------------------------------------------


def test_a_score_outside_0_to_10_or_not_a_number_is_not_read():
    parsed, unreadable = parse_score(pd.Series([7, "6.5", 11, "high", None, -1, 0, 10]))
    assert [None if math.isnan(v) else v for v in parsed] == [7.0, 6.5, None, None, None, None, 0.0, 10.0]
    assert list(unreadable) == [False, False, True, True, False, True, False, False]


def test_engagement_is_the_difference_of_means_with_a_welch_interval():
    # Disabled: 5, 6, 7 (mean 6, sd 1); non-disabled: 6, 7, 8, 9 (mean 7.5, sd 1.29099); not declared: 10.
    # Difference -1.5. se² = 1/3 + 1.66667/4 = 0.75; se 0.86603. Welch df = 0.75² / ((1/3)²/2 + (0.41667)²/3)
    # = 0.5625 / (0.055556 + 0.057870) = 4.9592; t(0.975, 4.9592) = 2.5769 (scipy), half 2.2317.
    # Organisation: (18 + 30 + 10) / 8 = 7.25.
    scores = pd.Series([5.0, 6.0, 7.0, 6.0, 7.0, 8.0, 9.0, 10.0, float("nan")])
    records = {"survey": survey(["Yes"] * 3 + ["No"] * 4 + ["Prefer not to say", "Yes"], engagement_score=scores)}
    figures = figures_from_records(records, WDES)
    assert counts(figures, "D9A", "mean") == {"disabled": (6.0, 3), "non_disabled": (7.5, 4),
                                              "not_declared": (10.0, 1)}
    sd = counts(figures, "D9A", "sd")
    assert sd["disabled"][0] == pytest.approx(1.0) and sd["non_disabled"][0] == pytest.approx(1.290994)
    result = compute_results(figures, WDES_ANY_SIZE)["D9A"]
    assert result.value == pytest.approx(-1.5)
    from scipy.stats import ttest_ind

    expected = ttest_ind([5, 6, 7], [6, 7, 8, 9], equal_var=False).confidence_interval()
    assert result.ci == pytest.approx((expected.low, expected.high))
    assert result.ci == pytest.approx((-1.5 - 2.2317, -1.5 + 2.2317), abs=1e-3)
    assert result.overall_score == pytest.approx(7.25) and result.overall_base == 8
    # Below the -0.1 to +0.1 range, adverse; the interval includes 0.
    assert result.status == stats.ADVERSE_COULD_BE_CHANCE
    assert "6.00 out of 10" in result.sentence and "7.50" in result.sentence and "7.25" in result.sentence


def test_engagement_beyond_chance_and_within_range():
    disabled = [6.0, 6.5, 6.2, 6.4, 6.6, 6.3] * 10
    others = [7.0, 7.2, 6.9, 7.1, 7.3, 7.0] * 10
    records = {"survey": survey(["Yes"] * 60 + ["No"] * 60, engagement_score=pd.Series(disabled + others))}
    result = compute_results(figures_from_records(records, WDES), WDES)["D9A"]
    assert result.status == stats.ADVERSE_BEYOND_CHANCE
    same = {"survey": survey(["Yes"] * 60 + ["No"] * 60, engagement_score=pd.Series(others + others))}
    assert compute_results(figures_from_records(same, WDES), WDES)["D9A"].status == stats.WITHIN_RANGE


# --- Metric 9b: the voices of disabled staff -----------------------------------------------------------------------


def test_the_voices_of_disabled_staff_are_a_narrative_never_no_data():
    records = {"survey": survey(["Yes"], harassment_public=pd.Series([True], dtype="boolean"))}
    result = compute_results(figures_from_records(records, WDES), WDES)["D9B"]
    assert result.status == stats.NARRATIVE and result.value is None
    assert METRICS["D9B"].datasets == ()


def test_the_nhs_staff_survey_gives_metrics_8_and_9a_by_their_headings(tmp_path):
    path = tmp_path / "nss.csv"
    path.write_text(
        "Respondent ID,Disability,Q30b,Staff engagement\n"
        "1,Yes,Yes,6\n"
        "2,Yes,No,5.5\n"
        "3,Yes,No adjustment required,7\n"
        "4,No,,8\n"
        "5,No,,7\n"
        "6,No,,12\n"
        "7,,Yes,six\n", encoding="utf-8")
    analysis = analyse_paths([str(path)], settings=WDES_ANY_SIZE)
    figures = analysis.figures
    assert counts(figures, "D8") == {"disabled": (1, 2), "non_disabled": (0, 0), "not_declared": (1, 1)}
    # 6, 5.5 and 7 (mean 6.1667); 8 and 7 (12 is off the scale: not read); "six" is not a number.
    means = counts(figures, "D9A", "mean")
    assert means == {"disabled": (pytest.approx(37 / 6), 3), "non_disabled": (7.5, 2), "not_declared": (0.0, 0)}
    assert any("'Staff engagement'" in w and "a score from 0 to 10" in w and "'12'" in w
               for w in analysis.warnings), analysis.warnings
    assert analysis.results["D8"].value == pytest.approx(50.0)
    assert analysis.results["D9A"].value == pytest.approx(37 / 6 - 7.5)


# --- Publication ---------------------------------------------------------------------------------------------------


def test_published_engagement_withholds_a_small_groups_mean_and_the_counts_the_rule_withholds():
    from metrics.publish import publish

    # 12 disabled (6 and 7, mean 6.5), 12 non-disabled (7 and 8, mean 7.5), 3 not declared (9 each). The 3 are a
    # small count, withheld with their mean; the rule then withholds a second count of the line 12 + 12 + 3 = 27 (the
    # total is published in the declaration rate). The two compared groups' means are 12 people's each and do not give
    # a count away, so the difference (-1.00) is published, without the interval (it rests on the counts) and
    # without the organisation's mean (with the groups' it would give the not-declared mean away).
    scores = pd.Series([6.0, 7.0] * 6 + [7.0, 8.0] * 6 + [9.0, 9.0, 9.0])
    records = {"survey": survey(["Yes"] * 12 + ["No"] * 12 + ["Prefer not to say"] * 3, engagement_score=scores)}
    settings = WDES.with_(suppression_threshold=10)
    result = compute_results(figures_from_records(records, settings), settings)
    published = publish(result, settings)["D9A"]
    assert published.groups["not_declared"].base is None and published.groups["not_declared"].events is None
    assert published.overall_score is None and published.overall_base is None
    assert published.groups["disabled"].events == pytest.approx(6.5)
    assert published.value == pytest.approx(-1.0) and published.status == result["D9A"].status
    assert published.ci is None and result["D9A"].ci is not None
    assert "not_declared.base" in published.hidden
    assert "9.00" not in published.sentence and "interval is withheld from publication" in published.sentence
    assert "chance" not in published.sentence


def test_published_adjustments_round_the_percentage_and_withhold_it_with_a_small_count():
    from metrics.publish import publish

    settings = WDES.with_(suppression_threshold=10)
    # 30 of 40 disabled respondents: 75%, published as a whole number.
    answers = pd.Series(["yes"] * 30 + ["no"] * 10, dtype="category")
    result = compute_results(figures_from_records({"survey": survey(["Yes"] * 40, adjustments=answers)}, settings),
                             settings)
    published = publish(result, settings)["D8"]
    assert published.value == 75.0 and published.ci == (float(round(result["D8"].ci[0])),
                                                        float(round(result["D8"].ci[1])))
    # 4 of 40: a small count, withheld, and the percentage with it.
    answers = pd.Series(["yes"] * 4 + ["no"] * 36, dtype="category")
    result = compute_results(figures_from_records({"survey": survey(["Yes"] * 40, adjustments=answers)}, settings),
                             settings)
    published = publish(result, settings)["D8"]
    assert published.status == stats.WITHHELD and published.value is None
    assert "withheld from publication" in published.sentence


# --- The counts template -------------------------------------------------------------------------------------------


def test_the_wdes_counts_template_carries_adjustments_and_engagement_and_reads_them_back(tmp_path):
    from data_loaders.readers import read_workbook
    from pipeline.template import read_template, write_template

    answers = pd.Series(["yes"] * 30 + ["no"] * 10 + ["not needed"] * 5 + [None] * 30, dtype="category")
    scores = pd.Series([6.0, 7.0] * 20 + [7.0, 8.0] * 10 + [5.0, 9.0] * 5)
    records = {"survey": survey(["Yes"] * 45 + ["No"] * 20 + ["Prefer not to say"] * 10,
                                adjustments=answers,
                                engagement_score=pd.concat([scores, pd.Series([float("nan")] * 5)],
                                                           ignore_index=True))}
    figures = figures_from_records(records, WDES)
    path = tmp_path / "counts.xlsx"
    write_template(path, figures=figures, standard="wdes")
    back = read_template(read_workbook(path.name, path.read_bytes()))
    assert {"D8", "D9A"} <= back.available and "D9B" not in back.available
    assert counts(back, "D8") == counts(figures, "D8")
    for item in ("mean", "sd"):
        mine, theirs = counts(back, "D9A", item), counts(figures, "D9A", item)
        assert {g: (pytest.approx(e), b) for g, (e, b) in mine.items()} == theirs
    again = compute_results(back, WDES)
    assert again["D9A"].value == pytest.approx(compute_results(figures, WDES)["D9A"].value)
    assert again["D8"].value == pytest.approx(75.0)


def test_a_trust_with_only_published_engagement_figures_types_them_in(tmp_path):
    from openpyxl import load_workbook

    from data_loaders.errors import InputError
    from data_loaders.readers import read_workbook
    from pipeline.template import read_template, write_template

    path = tmp_path / "blank.xlsx"
    write_template(path, standard="wdes", period_end=dt.date(2026, 3, 31))
    book = load_workbook(path)
    sheet = next(s for s in book.worksheets if s.title.startswith("D9A"))
    assert [sheet.cell(row=4, column=c).value for c in range(1, 5)] == [
        "Disability status", "Respondents", "Mean score", "Standard deviation"]
    assert not any(s.title.startswith("D9B") for s in book.worksheets)
    # Disabled 200 at 6.6 (sd 1.5), non-disabled 800 at 7.0 (sd 1.4): -0.40, se sqrt(2.25/200 + 1.96/800) = 0.11706.
    for row, values in ((5, (200, 6.6, 1.5)), (6, (800, 7.0, 1.4))):
        for column, value in enumerate(values, start=2):
            sheet.cell(row=row, column=column, value=value)
    book.save(path)
    result = compute_results(read_template(read_workbook(path.name, path.read_bytes())), WDES)["D9A"]
    assert result.value == pytest.approx(-0.4)
    half = result.value - result.ci[0]
    assert half == pytest.approx(1.9695 * math.sqrt(2.25 / 200 + 1.96 / 800), abs=1e-3)
    assert result.status == stats.ADVERSE_BEYOND_CHANCE
    # A mean off the scale is refused with the cell, never a traceback.
    sheet.cell(row=5, column=3, value=11)
    book.save(path)
    with pytest.raises(InputError, match="Mean score for Disabled in cell C5 is 11, but it must be from 0 to 10"):
        read_template(read_workbook(path.name, path.read_bytes()))


# --- Trends and saved periods --------------------------------------------------------------------------------------


def test_two_years_of_adjustments_and_engagement_give_a_trend_and_a_change_in_words():
    from metrics.trends import changes, history, trend_table

    def year(end: dt.date, yes: int, shift: float):
        answers = pd.Series(["yes"] * yes + ["no"] * (40 - yes) + [None] * 40, dtype="category")
        scores = pd.Series([6.0 + shift, 7.0 + shift] * 20 + [7.0, 8.0] * 20)
        settings = WDES.with_(period_end=end)
        return figures_from_records({"survey": survey(["Yes"] * 40 + ["No"] * 40, adjustments=answers,
                                                      engagement_score=scores)}, settings)

    years = history([year(dt.date(2025, 3, 31), 20, 0.0), year(dt.date(2026, 3, 31), 30, 0.5)], WDES)
    table = trend_table(years)
    rows = table[table["metric"].isin(["D8", "D9A", "D9B"])]
    assert list(rows["metric"]) == ["D8", "D9A", "D8", "D9A"]  # the narrative has no figure to follow
    assert list(rows["value"]) == pytest.approx([50.0, -1.0, 75.0, -0.5])
    said = changes(years, WDES)
    assert said["D8"].startswith("Adequate adjustments: 50.0% → 75.0%")
    assert said["D9A"].startswith("Staff engagement: -1.00 → -0.50 points on a 0-10 scale")
    assert "narrative" in said["D9B"]


def test_a_saved_period_keeps_adjustments_and_engagement_as_they_were_counted(engine):
    from dataclasses import replace

    from storage.figure_sets import load_figure_set, save_figure_set

    answers = pd.Series(["yes"] * 30 + ["no"] * 10 + [None] * 40, dtype="category")
    scores = pd.Series([6.0, 7.5] * 20 + [7.0, 8.0] * 20)
    figures = replace(figures_from_records({"survey": survey(["Yes"] * 40 + ["No"] * 40, adjustments=answers,
                                                             engagement_score=scores)}, WDES),
                      organisation="Northfield NHS Foundation Trust")
    summary = save_figure_set(engine, figures, saved_by="alex", made_with={})
    back = load_figure_set(engine, summary.id)
    assert counts(back, "D8") == counts(figures, "D8")
    assert counts(back, "D9A", "mean") == counts(figures, "D9A", "mean")
    assert counts(back, "D9A", "sd") == counts(figures, "D9A", "sd")
    then, now = compute_results(back, WDES), compute_results(figures, WDES)
    assert (then["D8"].value, then["D9A"].value, then["D9A"].ci) == (now["D8"].value, now["D9A"].value, now["D9A"].ci)
    assert then["D9B"].status == stats.NARRATIVE


def test_the_trends_chart_draws_adjustments_and_engagement_in_their_own_units():
    import charts.trends as trend_charts
    from metrics.trends import history

    def year(end: dt.date, yes: int, shift: float):
        answers = pd.Series(["yes"] * yes + ["no"] * (40 - yes) + [None] * 40, dtype="category")
        scores = pd.Series([6.0 + shift, 7.0 + shift] * 20 + [7.0, 8.0] * 20)
        return figures_from_records({"survey": survey(["Yes"] * 40 + ["No"] * 40, adjustments=answers,
                                                      engagement_score=scores)}, WDES.with_(period_end=end))

    years = history([year(dt.date(2025, 3, 31), 20, 0.0), year(dt.date(2026, 3, 31), 30, 0.5)], WDES)
    share = trend_charts.trend(years, "D8", WDES)
    assert list(share.table["% of the group"]) == [50.0, 75.0]
    score = trend_charts.trend(years, "D9A", WDES)
    assert list(score.table["Difference (points on a 0-10 scale)"]) == [-1.0, -0.5]
    assert "0 is no difference" in score.subtitle
    score.chart.to_dict()
    assert trend_charts.trend(years, "D9B", WDES).summary.startswith("The voices of disabled staff: a narrative")


# --- The board pack ------------------------------------------------------------------------------------------------


def test_the_sample_trusts_wdes_pack_gives_8_and_9a_as_figures_and_9b_as_a_narrative(tmp_path):
    import io

    from pypdf import PdfReader

    from pipeline.api import analyse_paths, sample_trust_paths
    from reports import build_content, write_pdf
    from reports.content import scorecard_rows

    analysis = analyse_paths(sample_trust_paths(), settings=Settings(standard="wdes"),
                             organisation="Northfield NHS Foundation Trust")
    content = build_content(analysis)
    rows = {row[0].split()[0]: row for row in scorecard_rows(content)}
    assert rows["D8"][1] == "65.0%" and rows["D8"][3] == "One group: no comparison to rate"
    assert rows["D9A"][1].endswith("points on a 0-10 scale") and rows["D9A"][3] == "Adverse, beyond chance"
    assert rows["D9B"][1] == "narrative" and rows["D9B"][3] == "Narrative: see the organisation's account"
    assert list(content.metrics["D9A"].counts["Group"]) == ["Disabled", "Non-disabled", "Not declared",
                                                            "The organisation"]
    assert content.metrics["D9B"].counts.empty
    pdf = io.BytesIO()
    write_pdf(content, pdf)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.getvalue())).pages)
    for heading in ("Metric 8: Adequate adjustments", "Metric 9a: Staff engagement",
                    "Metric 9b: The voices of disabled staff"):
        assert heading in text
    # A tagged PDF/UA-1 with 9b's narrative (no figures) in it: the checker finds nothing, the structure holds.
    import pdfua

    from reports.document import Chart, plan_document
    from tests.pdf_structure import structure_problems

    (tmp_path / "plan.pdf").write_bytes(pdf.getvalue())
    assert [f.message for f in pdfua.validate(str(tmp_path / "plan.pdf")).findings] == []
    document = plan_document(content)
    findings = [block.alt for block in document.blocks if isinstance(block, Chart)]
    assert structure_problems(tmp_path / "plan.pdf", title=document.title, findings=findings) == []


def test_the_overview_says_engagement_is_read_against_its_own_range():
    from pipeline.api import analyse_paths, sample_trust_paths
    from ui.overview import headline

    analysis = analyse_paths(sample_trust_paths(), settings=Settings(standard="wdes"))
    text = headline(analysis.results, analysis.settings, analysis.inputs.loaded.datasets)
    assert "Staff engagement is read against a range of its own, -0.10 to +0.10 points, not the ratios'." in text
    assert "9b" not in text  # a narrative is not among the metrics without figures
