"""The NHS WRES's own indicators (issue 20): worked examples by hand for each indicator the engine counts its own way
(4 non-mandatory training, 5-8 the staff survey), the survey's answers read as the NHS Staff Survey writes them, and
NHS England's published national figures where a shape allows."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data_loaders.values import opinion_value
from metrics.records import figures_from_records
from metrics.registry import METRICS
from metrics.results import compute_results
from metrics.settings import Settings
from pipeline.api import analyse_paths

NHS = Settings(standard="nhs-wres", period_end=dt.date(2026, 3, 31))
SC = Settings(standard="sc-wres", period_end=dt.date(2026, 3, 31))
# The worked examples' groups are a handful of people: small enough to follow by hand, so a ratio is given for them.
NHS_ANY_SIZE = NHS.with_(min_group_size=1)


def survey(**columns: list[object]) -> pd.DataFrame:
    """Respondents; ethnicity first. Flags as booleans or blank (None), as the loader gives them."""
    frame = pd.DataFrame({"ethnicity": pd.array(columns.pop("ethnicity"), dtype="str")})
    for name, values in columns.items():
        frame[name] = pd.array(values, dtype="boolean")
    return frame


def counts(figures, metric_id: str) -> dict[str, tuple[float, float]]:
    rows = figures.for_metric(metric_id)
    return {g: (e, b) for g, e, b in zip(rows["group"], rows["events"], rows["base"], strict=True)}


# --- Indicator 6: harassment from staff, one figure from two questions -------------------------------------------


SEVEN = ["Indian", "Indian", "Indian", "White British", "White British", "White British", "White British"]


def test_harassment_from_staff_is_answered_by_either_question_and_yes_to_either():
    # BME: yes to managers (colleagues blank): answered, yes; no and no: answered; both blank: not answered.
    # White: no and yes: yes; no and blank: answered; blank and no: answered; no and no: answered.
    # So BME 1 of 2 (50%), white 1 of 4 (25%): a relative likelihood of 0.50 / 0.25 = 2.00.
    records = {"survey": survey(ethnicity=SEVEN,
                                harassment_managers=[True, False, None, False, False, None, False],
                                harassment_colleagues=[None, False, None, True, None, False, False])}
    figures = figures_from_records(records, NHS)
    assert counts(figures, "W6") == {"bme": (1, 2), "white": (1, 4), "unknown": (0, 0)}
    assert compute_results(figures, NHS_ANY_SIZE)["W6"].value == pytest.approx(2.0)
    assert compute_results(figures, NHS)["W6"].value is None  # under the default minimum of 10: too few to say


def test_a_single_from_staff_column_wins_over_the_two_questions():
    records = {"survey": survey(ethnicity=SEVEN,
                                harassment_staff=[True, True, False, False, False, None, None],
                                harassment_managers=[False] * 7, harassment_colleagues=[False] * 7)}
    figures = figures_from_records(records, NHS)
    # BME 2 of 3; white 0 of 2 (two blanks are not answers, though they answered the two questions).
    assert counts(figures, "W6") == {"bme": (2, 3), "white": (0, 2), "unknown": (0, 0)}


def test_the_sc_wres_keeps_the_two_questions_apart():
    records = {"survey": survey(ethnicity=SEVEN,
                                harassment_managers=[True, False, None, False, False, None, False],
                                harassment_colleagues=[None, False, None, True, None, False, False])}
    figures = figures_from_records(records, SC)
    assert "W6" not in figures.available
    m7 = figures.for_metric("M7")
    managers = m7[m7["item"] == "managers"]
    assert list(managers["events"]) == [1, 0, 0] and list(managers["base"]) == [2, 3, 0]


# --- Indicator 7: equal opportunities, "Don't know" an answer ------------------------------------------------------


@pytest.mark.parametrize(("cell", "value"), [
    ("Yes", True), ("No", False), ("Don't know", False), ("don’t know", False), ("Not sure", False),
    ("", None), ("Prefer not to say", None), (None, None),
])
def test_an_opinions_dont_know_is_an_answer_that_is_not_yes(cell, value):
    read = opinion_value(cell)
    assert (None if read is not True and read is not False else read) == value


def test_equal_opportunities_counts_dont_know_among_those_who_answered(tmp_path):
    # As a survey file writes it: BME Yes, Don't know, blank; white Yes, Yes, No, Prefer not to say.
    # BME 1 of 2 (50%), white 2 of 3 (66.7%): 0.50 / 0.667 = 0.75, BME over white; low is adverse.
    path = tmp_path / "survey.csv"
    path.write_text("Ethnic Group,Q15\nIndian,Yes\nIndian,Don't know\nIndian,\n"
                    "White British,Yes\nWhite British,Yes\nWhite British,No\nWhite British,Prefer not to say\n",
                    encoding="utf-8")
    analysis = analyse_paths([f"survey={path}"], settings=NHS_ANY_SIZE)
    assert counts(analysis.figures, "W7") == {"bme": (1, 2), "white": (2, 3), "unknown": (0, 0)}
    assert analysis.results["W7"].value == pytest.approx(0.75)
    assert METRICS["W7"].adverse_if_ratio("nhs-wres") == "lower"


def test_the_nhs_staff_surveys_codes_are_read_as_its_questions(tmp_path):
    # Q14a public; Q14b managers and Q14c other colleagues (indicator 6); Q15 (7); Q16b discrimination (8). Answers
    # as the survey words them: "Never" no, "1-2" and "More than 10" yes.
    path = tmp_path / "nss.csv"
    path.write_text("Respondent ID,Ethnic Group,Q14a,Q14b,Q14c,Q15,Q16b\n"
                    "1,Black African,1-2,Never,Never,No,Yes\n"
                    "2,Black African,Never,Never,More than 10,Don't know,No\n"
                    "3,White British,Never,Never,Never,Yes,No\n"
                    "4,White British,3-5,,,Yes,No\n", encoding="utf-8")
    analysis = analyse_paths([str(path)], settings=NHS)
    figures = analysis.figures
    assert counts(figures, "W5") == {"bme": (1, 2), "white": (1, 2), "unknown": (0, 0)}
    assert counts(figures, "W6") == {"bme": (1, 2), "white": (0, 1), "unknown": (0, 0)}
    assert counts(figures, "W7") == {"bme": (0, 2), "white": (2, 2), "unknown": (0, 0)}
    assert counts(figures, "W8") == {"bme": (1, 2), "white": (0, 2), "unknown": (0, 0)}


# --- Indicator 4: non-mandatory training, funded or not ------------------------------------------------------------


def test_non_mandatory_training_counts_unfunded_courses_which_the_sc_wres_leaves_out():
    # Ten BME and ten white staff in post. Courses in the year: BME E00 (funded, non-mandatory), E01 (unfunded,
    # non-mandatory), E02 (mandatory); white W00, W01 (unfunded, non-mandatory), W02 twice (funded, non-mandatory).
    # NHS WRES 4: BME 2 of 10, white 3 of 10: white over BME 0.3 / 0.2 = 1.50.
    # SC-WRES 5 (funded non-mandatory): BME 1 of 10, white 1 of 10: 1.00.
    ids = [f"E{i:02d}" for i in range(10)] + [f"W{i:02d}" for i in range(10)]
    staff = pd.DataFrame({"employee_id": ids, "ethnicity": pd.array(["Indian"] * 10 + ["White British"] * 10,
                                                                     dtype="str"),
                          "start_date": pd.to_datetime(["2020-01-01"] * 20)})
    people = ["E00", "E01", "E02", "W00", "W01", "W02", "W02"]
    cpd = pd.DataFrame({"employee_id": people, "date": pd.to_datetime(["2025-10-01"] * 7),
                        "funded": pd.array([True, False, True, False, False, True, True], dtype="boolean"),
                        "non_mandatory": pd.array([True, True, False, True, True, True, True], dtype="boolean")})
    nhs = figures_from_records({"staff": staff, "cpd": cpd}, NHS)
    assert counts(nhs, "W4") == {"bme": (2, 10), "white": (3, 10), "unknown": (0, 0)}
    assert compute_results(nhs, NHS)["W4"].value == pytest.approx(1.5)
    sc = figures_from_records({"staff": staff, "cpd": cpd}, SC)
    assert counts(sc, "M5") == {"bme": (1, 10), "white": (1, 10), "unknown": (0, 0)}


# --- Indicator 1: NHS England's published national shares ----------------------------------------------------------


def test_the_published_national_shares_of_the_workforce_and_of_very_senior_managers():
    # NHS England's 2024 WRES data: BME staff 28.6% of the workforce and 12.7% of very senior managers. A workforce
    # of that shape: 1,000 staff, 286 BME; 55 of them very senior managers, 7 BME (7 / 55 = 12.7%).
    bands = ["VSM"] * 55 + ["Band 5"] * 945
    ethnicity = ["Indian"] * 7 + ["White British"] * 48 + ["Indian"] * 279 + ["White British"] * 666
    staff = pd.DataFrame({"employee_id": [f"E{i:04d}" for i in range(1000)],
                          "ethnicity": pd.array(ethnicity, dtype="str"), "pay_band": bands,
                          "start_date": pd.to_datetime(["2020-01-01"] * 1000)})
    result = compute_results(figures_from_records({"staff": staff}, NHS), NHS)["M1"]
    by_band = {band.band: band for band in result.bands}
    assert by_band["VSM"].known_pct == pytest.approx(12.7, abs=0.05)
    assert result.overall is not None and result.overall.known_pct == pytest.approx(28.6)


# --- The list and its words -----------------------------------------------------------------------------------------


def test_the_nhs_wres_shows_its_indicators_in_its_words_on_the_sample_trust():
    from pipeline.api import sample_trust_paths

    analysis = analyse_paths(sample_trust_paths(), settings=NHS.with_(period_end=None))
    assert list(analysis.results) == ["M1", "M2", "M3", "W4", "W5", "W6", "W7", "W8", "W9"]
    w7 = analysis.results["W7"].sentence
    assert w7.startswith("BME survey respondents were less likely to believe the organisation acts fairly on "
                         "career progression or promotion than white survey respondents (")
    # One question: its words are said once, in the outcome.
    assert w7.count("acts fairly") == 1


# --- A council's own survey, its questions mapped to the standard's ------------------------------------------------


def test_a_surveys_own_questions_are_mapped_to_the_standards_on_the_command_line(tmp_path, capsys):
    import json

    from commands.metrics_cli import main

    # BME: Yes, No, Unsure (an answer, not a yes); white: Yes, Yes, No. Indicator 7: BME 1 of 3, white 2 of 3.
    # Q22: BME Yes, No, No; white No, Yes, No. Indicator 8: BME 1 of 3, white 1 of 3.
    path = tmp_path / "council_survey.csv"
    path.write_text("Ethnic Group,Q21 Fair promotion,Q22 Treated badly by my manager\n"
                    "Indian,Yes,Yes\nIndian,No,No\nIndian,Unsure,No\n"
                    "White British,Yes,No\nWhite British,Yes,Yes\nWhite British,No,No\n", encoding="utf-8")
    assert main(["--json", "--standard", "nhs-wres", f"survey={path}",
                 "--column", "survey.equal_opportunities=Q21 Fair promotion",
                 "--column", "survey.discrimination_staff=Q22 Treated badly by my manager"]) == 0
    metrics = json.loads(capsys.readouterr().out)["metrics"]
    for metric_id, expected in (("W7", {"bme": (1, 3), "white": (2, 3)}), ("W8", {"bme": (1, 3), "white": (1, 3)})):
        groups = metrics[metric_id]["groups"]
        assert {g: (groups[g]["events"], groups[g]["base"]) for g in expected} == expected, metric_id
    # Without the mapping the survey's questions are not recognised, and it says which columns it needs.
    assert main(["--json", "--standard", "nhs-wres", f"survey={path}"]) == 2
    assert "survey" in capsys.readouterr().err


@pytest.mark.parametrize(("given", "said"), [
    ("nonsense", "is not in the form DATASET.COLUMN=HEADING"),
    ("surveys.equal_opportunities=Q21", "'surveys' is not a dataset"),
    ("survey.fairness=Q21", "'fairness' is not a column of survey; its columns are"),
])
def test_a_column_mapping_that_cannot_be_used_says_why(given, said, capsys):
    from commands.metrics_cli import main

    assert main(["--column", given]) == 2  # argparse's error, as the command line's other arguments' errors
    assert said in capsys.readouterr().err


# --- Trends: each indicator over two years ---------------------------------------------------------------------------


def test_each_nhs_wres_indicator_has_its_change_and_its_trend_chart():
    """The sample trust's files counted at two period ends (31 March 2025 from the staff dated then, and 2026): every
    indicator with figures in both years has a sentence of change and a trend chart with both years."""
    from charts.trends import trend
    from metrics.registry import metrics_of
    from metrics.trends import changes, history
    from pipeline.api import analyse, read_paths, sample_trust_paths

    inputs = read_paths(sample_trust_paths())
    years = history([analyse(inputs, NHS.with_(period_end=end)).figures
                     for end in (dt.date(2025, 3, 31), dt.date(2026, 3, 31))], NHS)
    said = changes(years, NHS)
    for metric_id in metrics_of("nhs-wres"):
        spec = trend(years, metric_id, NHS)
        spec.chart.to_dict()  # valid Vega-Lite
        both = all(metric_id in year.results and year.results[metric_id].status != "no data" for year in years)
        if both and METRICS[metric_id].kind != "distribution":
            assert metric_id in said, metric_id
    assert said["W7"].startswith("The relative likelihood")
