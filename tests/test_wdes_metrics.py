"""The WDES's metrics 3 to 7 (issue 20): worked examples by hand. Metric 3 counts people entering the formal
capability procedure on grounds of performance (ill health left out) from a capability list, or from an employee
relations case log split by its case type; metrics 4a, 4b, 5, 6 and 7 are read from the NHS Staff Survey by
respondent, each respondent in the group their own answer to the survey's disability question puts them in."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data_loaders import load_sheets
from data_loaders.load import case_log_dataset
from data_loaders.report import RawSheet
from data_loaders.values import parse_satisfaction, satisfaction_value
from metrics.counting.casework import ILL_HEALTH
from metrics.records import figures_from_records
from metrics.registry import METRICS, STANDARDS
from metrics.results import compute_results
from metrics.settings import Settings
from pipeline.api import analyse_paths

WDES = Settings(standard="wdes", period_end=dt.date(2026, 3, 31))
# The worked examples' groups are a handful of people: small enough to follow by hand, so a ratio is given for them.
WDES_ANY_SIZE = WDES.with_(min_group_size=1)


def counts(figures, metric_id: str, item: str | None = None) -> dict[str, tuple[float, float]]:
    rows = figures.for_metric(metric_id)
    if item is not None:
        rows = rows[rows["item"] == item]
    return {g: (e, b) for g, e, b in zip(rows["group"], rows["events"], rows["base"], strict=True)}


def test_the_wdes_lists_every_metric_in_number_order():
    assert STANDARDS["wdes"].metrics == ("D1", "D2", "D3", "D4A", "D4B", "D5", "D6", "D7", "D8", "D9A", "D9B", "D10")
    assert [METRICS[m].number for m in STANDARDS["wdes"].metrics] == ["1", "2", "3", "4a", "4b", "5", "6", "7", "8",
                                                                      "9a", "9b", "10"]
    # Disabled over non-disabled in every one of them; which way is adverse, as NHS England words each.
    adverse = {m: METRICS[m].adverse_if_ratio("wdes") for m in ("D3", "D4A", "D4B", "D5", "D6", "D7")}
    assert adverse == {"D3": "higher", "D4A": "higher", "D4B": "lower", "D5": "lower", "D6": "higher",
                       "D7": "lower"}
    assert all(METRICS[m].numerator_group("wdes") == "disabled" for m in adverse)


# --- Metric 3: capability on grounds of performance -----------------------------------------------------------------


def _staff() -> pd.DataFrame:
    """Ten staff in post: 4 disabled (E01-E04), 5 non-disabled (E05-E09), 1 not declared (E10); and E11, disabled,
    who left in January."""
    labels = ["Yes"] * 4 + ["No"] * 5 + ["Prefer not to say", "Yes"]
    return pd.DataFrame({
        "employee_id": pd.array([f"E{i:02d}" for i in range(1, 12)], dtype="str"),
        "ethnicity": pd.array(["White British"] * 11, dtype="str"),
        "disability": pd.array(labels, dtype="str"),
        "start_date": pd.to_datetime(["2020-01-01"] * 11),
        "leave_date": pd.to_datetime([None] * 10 + ["2026-01-15"]),
    })


def _capability(reasons: list[str | None], ids: list[str], dates: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"employee_id": pd.array(ids, dtype="str"), "date": pd.to_datetime(dates),
                         "reason": pd.array(reasons, dtype="str").astype("category")})


def test_capability_counts_performance_cases_each_person_once_over_the_staff_in_post():
    # E01 performance twice (once), E02 blank reason (counted as performance), E03 ill health (left out), E11
    # performance and left since (counted, as M3 counts leavers); E05 "Sickness absence" (left out), E06
    # performance; E07 performance but in 2024, before the year (not counted).
    # Disabled: E01, E02, E11 = 3 of 4 in post (75%); non-disabled: E06 = 1 of 5 (20%): 0.75 / 0.20 = 3.75.
    cases = _capability(
        ["Performance", "Poor performance", None, "Ill health", "Performance", "Sickness absence", "Performance",
         "Performance"],
        ["E01", "E01", "E02", "E03", "E11", "E05", "E06", "E07"],
        ["2025-05-01", "2025-11-01", "2025-06-01", "2025-07-01", "2025-08-01", "2025-09-01", "2025-10-01",
         "2024-10-01"])
    figures = figures_from_records({"staff": _staff(), "capability": cases}, WDES)
    assert counts(figures, "D3") == {"disabled": (3, 4), "non_disabled": (1, 5), "not_declared": (0, 1)}
    assert compute_results(figures, WDES_ANY_SIZE)["D3"].value == pytest.approx(3.75)
    notes = " ".join(figures.notes)
    assert "2 of the 7 capability cases give ill health as the reason" in notes
    assert "1 of the 7 capability cases give no reason; they are counted as performance cases." in notes
    assert "Metric 3: 1 of the 4 counted under 'Entering capability' was not in post on 31 March 2026" in notes


def test_capability_without_a_reason_column_counts_every_case_and_says_so():
    cases = pd.DataFrame({"employee_id": pd.array(["E01", "E05"], dtype="str"),
                          "date": pd.to_datetime(["2025-05-01", "2025-06-01"])})
    figures = figures_from_records({"staff": _staff(), "capability": cases}, WDES)
    # Disabled E01: 1 of 4; non-disabled E05: 1 of 5.
    assert counts(figures, "D3") == {"disabled": (1, 4), "non_disabled": (1, 5), "not_declared": (0, 1)}
    assert any("no reason column: all 2 capability cases are counted as performance" in n for n in figures.notes)


def test_the_race_standards_do_not_count_capability():
    cases = _capability(["Performance"], ["E01"], ["2025-05-01"])
    figures = figures_from_records({"staff": _staff(), "capability": cases}, WDES.with_(standard="nhs-wres"))
    assert "D3" not in figures.available


# --- An employee relations case log, split by its case type ---------------------------------------------------------


def _case_log(*rows: tuple[object, ...], headings=("Case Reference", "Employee Number", "Case Type",
                                                   "Capability Reason", "Date Opened")) -> RawSheet:
    return RawSheet("er_cases.xlsx", "ER Cases", [list(headings), *map(list, rows)])


def test_a_case_log_gives_disciplinary_and_capability_cases_by_their_type_and_says_how_many():
    log = _case_log(
        ("ER-1", 101, "Disciplinary", None, dt.date(2025, 5, 1)),
        ("ER-2", 102, "Capability", "Performance", dt.date(2025, 6, 1)),
        ("ER-3", 103, "Capability", "Ill Health", dt.date(2025, 7, 1)),
        ("ER-4", 104, "Grievance", None, dt.date(2025, 8, 1)),
        ("ER-5", 105, "Gross Misconduct", None, dt.date(2025, 9, 1)),
        ("ER-6", 106, None, None, dt.date(2025, 9, 2)),
        ("ER-7", 107, "Capability - Ill Health", None, dt.date(2025, 9, 3)),
    )
    loaded = load_sheets([log])
    assert list(loaded.datasets["disciplinary"]["employee_id"]) == ["101", "105"]
    capability = loaded.datasets["capability"]
    assert list(capability["employee_id"]) == ["102", "103", "107"]
    # A blank reason takes what the type says after "Capability".
    assert list(capability["reason"].astype(str)) == ["Performance", "Ill Health", "ill health"]
    sheet = loaded.sheets[0]
    assert sheet.dataset == "disciplinary"
    assert sheet.notes[0] == ("a case log of 7 rows, split by its case type: 2 formal disciplinary cases; 3 formal "
                              "capability cases; 2 of other types (Grievance 1, (blank) 1), not used")
    assert any("1 capability cases with no reason of their own take it from their case type" in n
               for n in sheet.notes)


def test_a_case_log_of_disciplinary_cases_only_gives_no_capability_data():
    loaded = load_sheets([_case_log(("ER-1", 101, "Disciplinary", None, dt.date(2025, 5, 1)))])
    assert set(loaded.datasets) == {"disciplinary"}
    assert "none of a capability type, so it gives no capability cases" in loaded.sheets[0].notes[0]


def test_a_capability_sheet_of_its_own_is_capability_cases():
    sheet = RawSheet("hr.xlsx", "Capability", [["Employee Number", "Reason", "Date Opened"],
                                               [101, "Performance", dt.date(2025, 5, 1)]])
    loaded = load_sheets([sheet])
    assert list(loaded.datasets) == ["capability"]
    assert list(loaded.datasets["capability"]["reason"].astype(str)) == ["Performance"]


def test_a_disciplinary_list_without_a_case_type_is_read_as_before():
    sheet = RawSheet("hr.xlsx", "Sheet1", [["Case ID", "Employee No", "Ethnicity", "Hearing date"],
                                           ["C1", 101, "White British", dt.date(2025, 5, 1)]])
    loaded = load_sheets([sheet])
    assert list(loaded.datasets) == ["disciplinary"]
    assert not any("case log" in n for n in loaded.sheets[0].notes)


@pytest.mark.parametrize(("written", "dataset", "rest"), [
    ("Disciplinary", "disciplinary", ""), ("CONDUCT", "disciplinary", ""), ("Capability", "capability", ""),
    ("Capability (Performance)", "capability", "performance"), ("Poor Performance", "capability", ""),
    ("Grievance", None, ""), ("Capable", None, ""), (None, None, ""), ("", None, ""),
])
def test_which_dataset_a_case_type_is(written, dataset, rest):
    assert case_log_dataset(written) == (dataset, rest)


# --- Metrics 4a to 7: the staff survey, by the respondent's disability ----------------------------------------------


def survey(**columns: list[object]) -> pd.DataFrame:
    """Respondents; disability first. Answers as booleans or blank (None), as the loader gives them."""
    frame = pd.DataFrame({"disability": pd.array(columns.pop("disability"), dtype="str")})
    for name, values in columns.items():
        frame[name] = pd.array(values, dtype="boolean")
    return frame


# Four disabled, four non-disabled, one who preferred not to say.
NINE = ["Yes"] * 4 + ["No"] * 4 + ["Prefer not to say"]


def test_harassment_is_three_figures_one_for_each_source():
    # Public: disabled yes, yes, no, blank (2 of 3); non-disabled yes, no, no, no (1 of 4).
    # Managers: disabled yes, no, no, no (1 of 4); non-disabled no, no, blank, blank (0 of 2).
    # Colleagues: disabled yes, yes, yes, no (3 of 4); non-disabled yes, no, no, no (1 of 4).
    # So 4a(i) 0.667 / 0.25 = 2.67; (iii) 0.75 / 0.25 = 3.00.
    records = {"survey": survey(
        disability=NINE,
        harassment_public=[True, True, False, None, True, False, False, False, True],
        harassment_managers=[True, False, False, False, False, False, None, None, None],
        harassment_colleagues=[True, True, True, False, True, False, False, False, False])}
    figures = figures_from_records(records, WDES)
    assert counts(figures, "D4A", "public") == {"disabled": (2, 3), "non_disabled": (1, 4), "not_declared": (1, 1)}
    assert counts(figures, "D4A", "managers") == {"disabled": (1, 4), "non_disabled": (0, 2), "not_declared": (0, 0)}
    assert counts(figures, "D4A", "colleagues") == {"disabled": (3, 4), "non_disabled": (1, 4),
                                                    "not_declared": (0, 1)}
    results = compute_results(figures, WDES_ANY_SIZE)["D4A"]
    by_question = {q: r.value for q, r in results.questions.items()}
    assert by_question["public"] == pytest.approx((2 / 3) / (1 / 4))
    assert by_question["colleagues"] == pytest.approx(3.0)


def test_reporting_is_counted_over_those_who_answered_q14d_and_a_low_figure_is_adverse():
    # Asked of those who experienced harassment: the rest leave it blank and are not in the base.
    # Disabled: yes, no, no, blank (1 of 3); non-disabled: yes, yes, blank, blank (2 of 2): 0.333 / 1.0 = 0.33.
    records = {"survey": survey(disability=NINE,
                                harassment_reported=[True, False, False, None, True, True, None, None, None])}
    figures = figures_from_records(records, WDES)
    assert counts(figures, "D4B") == {"disabled": (1, 3), "non_disabled": (2, 2), "not_declared": (0, 0)}
    assert compute_results(figures, WDES_ANY_SIZE)["D4B"].value == pytest.approx(1 / 3)
    assert METRICS["D4B"].adverse_if_ratio("wdes") == "lower"


def test_pressure_to_work_is_counted_over_those_who_answered_q11e():
    # Disabled: yes, yes, no, blank (2 of 3, 66.7%); non-disabled: yes, no, no, no (1 of 4, 25%): 2.67.
    records = {"survey": survey(disability=NINE,
                                pressure_to_work=[True, True, False, None, True, False, False, False, True])}
    figures = figures_from_records(records, WDES)
    assert counts(figures, "D6") == {"disabled": (2, 3), "non_disabled": (1, 4), "not_declared": (1, 1)}
    assert compute_results(figures, WDES_ANY_SIZE)["D6"].value == pytest.approx((2 / 3) / 0.25)


@pytest.mark.parametrize(("cell", "value"), [
    ("Very satisfied", True), ("Satisfied", True), (" SATISFIED ", True),
    ("Neither satisfied nor dissatisfied", False), ("Dissatisfied", False), ("Very dissatisfied", False),
    ("very-dissatisfied", False), ("", None), ("Prefer not to say", None), (None, None), ("-", None),
])
def test_a_satisfaction_answer_is_satisfied_or_not(cell, value):
    read = satisfaction_value(cell) if cell is not None else None
    assert (None if read is not True and read is not False else read) == value


def test_a_satisfaction_answer_that_is_not_on_the_scale_is_unreadable_not_guessed():
    parsed, unreadable = parse_satisfaction(pd.Series(["Satisfied", "Yes", 4, "Dissatisfied", None]))
    assert list(parsed.astype(object).where(parsed.notna(), None)) == [True, None, None, False, None]
    assert list(unreadable) == [False, True, True, False, False]


def test_the_nhs_staff_survey_gives_metrics_4a_to_7_by_its_question_codes(tmp_path):
    # Q4b valued (five points), Q11d came to work unwell, Q11e pressure (only if Q11d yes), Q14a-c harassment,
    # Q14d reported (only if harassed), Q15 career (Don't know an answer), Disability Yes / No / blank.
    path = tmp_path / "nss.csv"
    path.write_text(
        "Respondent ID,Disability,Q4b,Q11d,Q11e,Q14a,Q14b,Q14c,Q14d,Q15\n"
        "1,Yes,Dissatisfied,Yes,Yes,1-2,Never,Never,No,No\n"
        "2,Yes,Satisfied,Yes,No,Never,Never,3-5,Yes,Don't know\n"
        "3,Yes,Neither satisfied nor dissatisfied,No,,Never,Never,Never,,Yes\n"
        "4,No,Very satisfied,Yes,No,Never,Never,Never,,Yes\n"
        "5,No,Satisfied,No,,1-2,Never,Never,Yes,Yes\n"
        "6,No,Very dissatisfied,No,,Never,Never,Never,,No\n"
        "7,,Satisfied,Yes,Yes,Never,Never,Never,,Yes\n", encoding="utf-8")
    analysis = analyse_paths([str(path)], settings=WDES_ANY_SIZE)
    figures = analysis.figures
    # 7: disabled 1 of 3 satisfied; non-disabled 2 of 3.
    assert counts(figures, "D7") == {"disabled": (1, 3), "non_disabled": (2, 3), "not_declared": (1, 1)}
    # 6: of those who answered Q11e, disabled 1 of 2; non-disabled 0 of 1.
    assert counts(figures, "D6") == {"disabled": (1, 2), "non_disabled": (0, 1), "not_declared": (1, 1)}
    # 4b: of those who answered Q14d, disabled 1 of 2; non-disabled 1 of 1.
    assert counts(figures, "D4B") == {"disabled": (1, 2), "non_disabled": (1, 1), "not_declared": (0, 0)}
    # 4a(i): disabled 1 of 3, non-disabled 1 of 3; (iii) disabled 1 of 3, non-disabled 0 of 3.
    assert counts(figures, "D4A", "public") == {"disabled": (1, 3), "non_disabled": (1, 3), "not_declared": (0, 1)}
    assert counts(figures, "D4A", "colleagues") == {"disabled": (1, 3), "non_disabled": (0, 3),
                                                    "not_declared": (0, 1)}
    # 5: disabled 1 of 3 (Don't know an answer, not a yes); non-disabled 2 of 3.
    assert counts(figures, "D5") == {"disabled": (1, 3), "non_disabled": (2, 3), "not_declared": (1, 1)}
    assert analysis.results["D5"].value == pytest.approx(0.5)


@pytest.mark.parametrize(("reason", "ill"), [
    ("Ill health", True), ("ill-health", True), ("Sickness absence", True), ("Attendance", True),
    ("Mental health", True), ("Medical", True), ("Performance", False), ("Health and safety breach", False),
    ("Health & Safety", False), ("Skills", False),
])
def test_which_capability_reasons_say_ill_health(reason, ill):
    # "Health and safety" names a rule broken, not the person's health: a performance case.
    assert bool(ILL_HEALTH.search(reason)) is ill
