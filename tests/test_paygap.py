"""Pay gaps (metrics.paygap, pipeline.paygap, `python -m metrics paygap`): worked examples computed by hand, the
hourly rate of the 2017 regulations, the command line's JSON and errors, and a property of the pay quarters."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics import paygap as pg

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "paygap" / "payroll.csv"
SNAPSHOT = dt.date(2026, 3, 31)


def run(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "metrics", "paygap", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)


def payroll(rows: list[tuple[str, float, float, bool]], period_days: int = 7, hours: float = 1.0) -> pd.DataFrame:
    """(sex, hourly rate, bonus, full pay) -> payroll rows whose ordinary pay gives that hourly rate: with weekly
    hours of 1 and a 7-day pay period, hourly rate = pay x 7 / 7 / 1 = pay."""
    return pd.DataFrame({
        "sex": [r[0] for r in rows],
        "ordinary_pay": [r[1] * hours * period_days / 7 for r in rows],
        "weekly_hours": [hours] * len(rows),
        "pay_period_days": [float(period_days)] * len(rows),
        "bonus_pay": [r[2] for r in rows],
        "full_pay_relevant": pd.array([r[3] for r in rows], dtype="boolean"),
    })


def gaps_by_sex(frame: pd.DataFrame, resamples: int = 0) -> pg.PayGapResult:
    people = pg.relevant_employees(frame, SNAPSHOT)
    return pg.pay_gaps(people, pg.sex_grouping(people.frame), pg.Bootstrap(resamples=resamples))


# --- the hourly rate ----------------------------------------------------------------------------------------


def test_hourly_rate_is_ordinary_pay_times_seven_over_the_period_days_over_weekly_hours():
    # £2,325 for March (31 days) at 37.5 hours a week: 2,325 x 7 = 16,275; / 31 = 525 a week; / 37.5 = £14.00.
    assert pg.hourly_rate(2325, 37.5, 31) == pytest.approx(14.0)
    # Paid weekly: £525 for 7 days at 35 hours: 525 x 7 / 7 / 35 = £15.00.
    assert pg.hourly_rate(525, 35, 7) == pytest.approx(15.0)
    # Part time: £1,240 for March at 20 hours: 1,240 x 7 / 31 = 280 a week; / 20 = £14.00.
    assert pg.hourly_rate(1240, 20, 31) == pytest.approx(14.0)
    # No hours, no rate.
    assert np.isnan(pg.hourly_rate(1000, 0, 31))
    # March has 31 days, February 2028 29: a monthly payroll's period is the snapshot's month.
    assert pg.days_in_pay_period(dt.date(2026, 3, 31)) == 31
    assert pg.days_in_pay_period(dt.date(2028, 2, 29)) == 29


def test_the_snapshot_month_is_the_pay_period_when_the_data_does_not_say():
    frame = pd.DataFrame({"sex": ["M"], "ordinary_pay": [2325.0], "weekly_hours": [37.5]})
    people = pg.relevant_employees(frame, SNAPSHOT)
    assert people.hourly.iloc[0] == pytest.approx(14.0)  # 2,325 x 7 / 31 / 37.5
    assert any("31 days" in note for note in people.notes)
    # Given as 30 days instead: 2,325 x 7 / 30 / 37.5 = 14.4666...
    assert pg.relevant_employees(frame, SNAPSHOT, period_days=30).hourly.iloc[0] == pytest.approx(14.46666667)


# --- worked examples ----------------------------------------------------------------------------------------


def test_mean_and_median_hourly_gap_by_hand():
    # Men 10, 20, 30, 40: mean 25, median (20 + 30) / 2 = 25. Women 10, 15, 20: mean 15, median 15.
    # Mean gap (25 - 15) / 25 = 40%; median gap (25 - 15) / 25 = 40%.
    frame = payroll([("M", 10, 0, True), ("M", 20, 0, True), ("M", 30, 0, True), ("M", 40, 0, True),
                     ("F", 10, 0, True), ("F", 15, 0, True), ("F", 20, 0, True)])
    result = gaps_by_sex(frame)
    assert result.reference == "men"
    assert result.gaps["women"].mean_pct == pytest.approx(40.0)
    assert result.gaps["women"].median_pct == pytest.approx(40.0)
    # A group paid more has a negative gap: women 30, 50 (mean 40) against men 20, 20 (mean 20): (20 - 40) / 20.
    higher = gaps_by_sex(payroll([("M", 20, 0, True), ("M", 20, 0, True), ("F", 30, 0, True), ("F", 50, 0, True)]))
    assert higher.gaps["women"].mean_pct == pytest.approx(-100.0)


# Twelve full-pay relevant people, and a thirteenth on reduced pay (the fixture file's people at 31 March 2026):
#
#   rank  hourly  sex  bonus      rank  hourly  sex  bonus
#   0     9       F    0          6     15      F    0      <- a run of six at 15 crosses the boundary at 6
#   1     10      F    0          7     15      M    200
#   2     11      M    0          8     15      M    0
#   3     15      F    100        9     20      M    400
#   4     15      F    0          10    25      F    500
#   5     15      F    0          11    30      M    600
#   and F on reduced pay for leave (hourly 2.86, not counted), bonus 600.
#
# Quarters: 12 people, so 3 in each (ranks 0-2, 3-5, 6-8, 9-11). The run at 15 holds 4 women and 2 men and falls
# half in the lower middle quarter, half in the upper middle: in the same proportion in each, 2 women and 1 man.
#   lower: F F M -> women 2/3 = 66.67%, men 33.33%
#   lower middle: F M F (shared run) -> women 66.67%, men 33.33%
#   upper middle: F M F (shared run) -> women 66.67%, men 33.33%
#   upper: M F M -> women 33.33%, men 66.67%
# Ranked as listed (all the women at 15 first), the lower middle would be all women and the upper middle 1 woman.
#
# Hourly: men 11, 15, 15, 20, 30: mean 91 / 5 = 18.2, median 15. Women 9, 10, 15, 15, 15, 15, 25: mean 104 / 7
# = 14.857..., median 15. Mean gap = 1 - (104 / 7) / (91 / 5) = 1 - 520 / 637 = 117 / 637 = 9 / 49 = 18.367%.
# Median gap (15 - 15) / 15 = 0%.
#
# Bonus: men paid 200, 400, 600: 3 of 5 = 60%, mean 400, median 400. Women paid 100, 500 and (on reduced pay, but
# in the bonus figures) 600: 3 of 8 = 37.5%, mean 400, median 500. Mean bonus gap (400 - 400) / 400 = 0%; median
# bonus gap (400 - 500) / 400 = -25%. Were the woman on reduced pay left out of the bonus figures too, the women's
# bonuses would be 100 and 500 (mean 300), 2 of 7 paid.
TWELVE = [("F", 9, 0, True), ("F", 10, 0, True), ("M", 11, 0, True), ("F", 15, 100, True), ("F", 15, 0, True),
          ("F", 15, 0, True), ("F", 15, 0, True), ("M", 15, 200, True), ("M", 15, 0, True), ("M", 20, 400, True),
          ("F", 25, 500, True), ("M", 30, 600, True), ("F", 100 / 35, 600, False)]


def check_the_twelve(result: pg.PayGapResult) -> None:
    women = result.gaps["women"]
    assert women.mean_pct == pytest.approx(9 / 49 * 100)
    assert women.median_pct == pytest.approx(0.0)
    assert women.bonus_mean_pct == pytest.approx(0.0)
    assert women.bonus_median_pct == pytest.approx(-25.0)
    assert result.bonus_received_pct == pytest.approx({"men": 60.0, "women": 37.5})
    two_thirds, third = 200 / 3, 100 / 3
    assert result.quarters["lower"] == pytest.approx({"men": third, "women": two_thirds})
    assert result.quarters["lower_middle"] == pytest.approx({"men": third, "women": two_thirds})
    assert result.quarters["upper_middle"] == pytest.approx({"men": third, "women": two_thirds})
    assert result.quarters["upper"] == pytest.approx({"men": two_thirds, "women": third})
    assert result.employees == 13 and result.hourly_employees == 12


def test_worked_example_of_twelve_with_a_tie_at_a_quarter_boundary_and_one_on_reduced_pay():
    result = gaps_by_sex(payroll(TWELVE))
    check_the_twelve(result)
    assert result.counts["women"].relevant == 8 and result.counts["women"].hourly == 7
    assert any("1 relevant employee on reduced or nil pay" in note and "counted in the bonus" in note
               for note in result.notes)


def test_a_run_of_ties_across_every_boundary_is_shared_evenly():
    # Four people on the same rate, men first: each quarter holds one person; the run crosses all three boundaries,
    # so men and women alternate: M, F, M, F -> each quarter 100% one sex, and each sex in two of the four.
    result = gaps_by_sex(payroll([("M", 12, 0, True), ("M", 12, 0, True), ("F", 12, 0, True), ("F", 12, 0, True)]))
    assert [result.quarters[q]["men"] for q in pg.QUARTERS] == [100.0, 0.0, 100.0, 0.0]
    assert result.gaps["women"].mean_pct == pytest.approx(0.0)


def test_quarters_of_a_number_not_divisible_by_four_differ_by_one_at_most():
    assert pg.quarter_bounds(8) == (2, 4, 6)
    assert pg.quarter_bounds(10) == (2, 5, 7)  # sizes 2, 3, 2, 3
    assert pg.quarter_bounds(5) == (1, 2, 3)  # sizes 1, 1, 1, 2


def test_leavers_and_later_starters_are_not_relevant_employees_and_notes_say_how_many():
    frame = payroll([("M", 10, 0, True), ("F", 10, 0, True), ("M", 50, 0, True), ("F", 5, 0, True)])
    frame["leave_date"] = pd.to_datetime([None, None, "2026-03-01", None])
    frame["start_date"] = pd.to_datetime(["2020-01-01", "2020-01-01", "2020-01-01", "2026-04-01"])
    result = gaps_by_sex(frame)
    assert result.employees == 2
    assert result.gaps["women"].mean_pct == pytest.approx(0.0)
    assert any(note.startswith("1 row of people who had left") for note in result.notes)
    assert any(note.startswith("1 row of people who started after") for note in result.notes)


def test_a_reduced_pay_flag_works_as_full_pay_relevant_no():
    frame = payroll([("M", 10, 0, True), ("F", 10, 0, True), ("F", 1, 0, True)]).drop(columns="full_pay_relevant")
    frame["reduced_pay"] = pd.array([False, False, True], dtype="boolean")
    result = gaps_by_sex(frame)
    assert result.hourly_employees == 2 and result.employees == 3
    assert result.gaps["women"].mean_pct == pytest.approx(0.0)


def test_people_neither_men_nor_women_are_left_out_with_a_note():
    frame = payroll([("M", 10, 0, True), ("F", 8, 0, True), ("Non-binary", 30, 0, True), ("", 30, 0, True)])
    result = gaps_by_sex(frame)
    assert result.employees == 2
    assert result.gaps["women"].mean_pct == pytest.approx(20.0)  # (10 - 8) / 10
    assert any(note.startswith("2 relevant employees recorded neither") for note in result.notes)


def test_ethnicity_categories_under_the_threshold_are_combined_and_the_split_is_reported_too():
    labels = ["White British"] * 4 + ["Indian"] * 3 + ["African", "Caribbean"] + ["Not stated"]
    frame = pd.DataFrame({"ethnicity": labels, "ordinary_pay": [20.0] * 4 + [10.0] * 3 + [16.0, 16.0] + [1.0],
                          "weekly_hours": 1.0, "pay_period_days": 7.0, "bonus_pay": 0.0})
    people = pg.relevant_employees(frame, SNAPSHOT)
    grouping = pg.ethnicity_grouping(people.frame, threshold=3)
    result = pg.pay_gaps(people, grouping, pg.Bootstrap(resamples=0))
    indian = "Asian, Asian British or Asian Welsh: Indian"
    assert result.order == ("white", indian, pg.OTHER_COMBINED)
    # Indian: 10 against White 20: (20 - 10) / 20 = 50%. African and Caribbean (2 < 3) combined: 16: 20%.
    assert result.gaps[indian].mean_pct == pytest.approx(50.0)
    assert result.gaps[pg.OTHER_COMBINED].mean_pct == pytest.approx(20.0)
    # Minority ethnic as a whole: 10, 10, 10, 16, 16: mean 12.4: (20 - 12.4) / 20 = 38%.
    assert result.gaps[pg.MINORITY_ETHNIC].mean_pct == pytest.approx(38.0)
    assert any("combined" in note and "African" in note for note in result.notes)
    assert any(note.startswith("1 relevant employee whose ethnicity is not stated") for note in result.notes)
    # White British as the reference: the same here, named so.
    british = pg.ethnicity_grouping(people.frame, reference="white_british", threshold=3)
    assert british.reference == "white_british"


def test_disability_compares_disabled_with_non_disabled_people():
    frame = pd.DataFrame({"disability": ["No", "No", "Yes", "Yes", "Prefer not to say"],
                          "ordinary_pay": [20.0, 20.0, 15.0, 17.0, 5.0], "weekly_hours": 1.0,
                          "pay_period_days": 7.0, "bonus_pay": 0.0})
    people = pg.relevant_employees(frame, SNAPSHOT)
    result = pg.pay_gaps(people, pg.disability_grouping(people.frame), pg.Bootstrap(resamples=0))
    assert result.reference == "non_disabled"
    assert result.gaps["disabled"].mean_pct == pytest.approx(20.0)  # (20 - 16) / 20
    assert result.employees == 4


def test_bootstrap_intervals_are_seeded_and_cover_the_gap():
    rng = np.random.default_rng(1)
    rows = [("M", float(r), 0, True) for r in rng.normal(20, 3, 60)] + \
        [("F", float(r), 0, True) for r in rng.normal(16, 3, 60)]
    first = gaps_by_sex(payroll(rows), resamples=400)
    again = gaps_by_sex(payroll(rows), resamples=400)
    low, high = first.gaps["women"].intervals["mean_pct"]
    assert (low, high) == again.gaps["women"].intervals["mean_pct"]
    assert low < first.gaps["women"].mean_pct < high
    assert low > 0  # a 20% gap in 120 people is not noise
    assert first.bootstrap.resamples == 400 and first.bootstrap.seed == pg.DEFAULT_SEED


# --- the command line ---------------------------------------------------------------------------------------


def test_command_line_json_for_the_fixture_file():
    completed = run(FIXTURE, "--by", "sex", "--snapshot", "2026-03-31", "--json")
    assert completed.returncode == 0, completed.stderr
    data = json.loads(completed.stdout)
    assert {"snapshot", "by", "reference", "employees", "gaps", "bonus_received_pct", "quarters"} <= set(data)
    assert data["snapshot"] == "2026-03-31" and data["by"] == "sex" and data["reference"] == "men"
    # The fixture's people are the twelve above (hourly rate = pay x 7 / 7 / 35) and the woman on reduced pay; a
    # leaver, a later starter and a person whose sex is not stated are left out.
    assert data["employees"] == 13
    assert set(data["gaps"]) == {"women"}
    women = data["gaps"]["women"]
    assert set(women) >= {"mean_pct", "median_pct", "bonus_mean_pct", "bonus_median_pct"}
    assert women["mean_pct"] == pytest.approx(9 / 49 * 100)
    assert women["median_pct"] == pytest.approx(0.0)
    assert women["bonus_mean_pct"] == pytest.approx(0.0)
    assert women["bonus_median_pct"] == pytest.approx(-25.0)
    assert data["bonus_received_pct"] == pytest.approx({"men": 60.0, "women": 37.5})
    assert list(data["quarters"]) == ["lower", "lower_middle", "upper_middle", "upper"]
    assert data["quarters"]["lower_middle"] == pytest.approx({"men": 100 / 3, "women": 200 / 3})
    assert data["quarters"]["upper"] == pytest.approx({"men": 200 / 3, "women": 100 / 3})
    assert data["intervals"]["resamples"] == 1000 and data["intervals"]["seed"] == pg.DEFAULT_SEED
    assert "bootstrap" in data["intervals"]["method"]
    notes = " ".join(data["notes"])
    for said in ("1 row of people who had left", "1 row of people who started after", "1 relevant employee on "
                 "reduced or nil pay", "1 relevant employee recorded neither"):
        assert said in notes


def test_command_line_by_ethnicity_names_its_reference_and_combines_small_groups():
    completed = run(FIXTURE, "--by", "ethnicity", "--snapshot", "2026-03-31", "--json", "--reference",
                    "white-british", "--resamples", "50")
    assert completed.returncode == 0, completed.stderr
    data = json.loads(completed.stdout)
    assert data["reference"] == "white_british" and data["labels"]["white_british"] == "White British"
    assert set(data["gaps"]) == {pg.OTHER_COMBINED, pg.MINORITY_ETHNIC}
    for quarter in data["quarters"].values():
        assert sum(quarter.values()) == pytest.approx(100.0)
    # Minority ethnic (E02 10, E05 15, E07 15, E09 15; E13 on reduced pay is not ranked) against White British (E01
    # 9, E03 11, E04 15, E06 15, E08 15, E16 600 / 35 = 17.14, E10 20, E12 30); E11 (White Irish, 25) is on neither
    # side of this split, so not ranked. 12 ranked, 3 a quarter: lower 9 WB, 10 ME, 11 WB -> ME 1/3. The run of six
    # at 15 (3 WB, 3 ME) is cut 3 | 3 at rank 6: each part's share is 1.5 of each, so one part has 2 of a group and
    # the other 1; the reference, first in order, takes the first spare place: lower middle WB 2, ME 1 -> ME 1/3;
    # upper middle ME 2/3. Upper: 17.14, 20, 30, all WB -> ME 0.
    split = data["aggregate_quarters"][pg.MINORITY_ETHNIC]
    assert [split[q][pg.MINORITY_ETHNIC] for q in pg.QUARTERS] == pytest.approx([100 / 3, 100 / 3, 200 / 3, 0.0])
    for quarter in split.values():
        assert sum(quarter.values()) == pytest.approx(100.0)


def test_command_line_text_has_a_table_and_a_sentence_per_figure():
    completed = run(FIXTURE, "--by", "sex", "--snapshot", "2026-03-31", "--resamples", "50")
    assert completed.returncode == 0, completed.stderr
    text = completed.stdout
    assert "Hourly pay" in text and "Mean gap" in text and "Upper middle" in text and "Men (reference)" in text
    assert "Women's mean hourly pay is 18.4% lower than men's" in text
    assert "Women's median bonus pay is 25.0% higher than men's" in text
    assert "37.5% of women (3 of 8) were paid a bonus" in text
    assert "50 resamples, seed 20260331" in text


@pytest.mark.parametrize(("args", "said"), [
    (["--snapshot", "2026-13-45"], "'2026-13-45' is not a date in the form YYYY-MM-DD"),
    (["--by", "age"], "invalid choice: 'age'"),
])
def test_bad_arguments_give_one_clear_line_and_exit_2(args, said):
    base = [FIXTURE, "--by", "sex", "--snapshot", "2026-03-31"]
    completed = run(*base, *args)
    assert completed.returncode == 2
    assert completed.stderr.startswith("error: ") and said in completed.stderr
    assert "Traceback" not in completed.stderr


@pytest.mark.parametrize(("drop", "said"), [
    ("Ordinary Pay", "no ordinary pay column was found"),
    ("Weekly Contracted Hours", "no weekly hours column was found"),
    ("Sex", "no sex column was found"),
])
def test_a_missing_column_is_named_with_what_to_do(tmp_path, drop, said):
    frame = pd.read_csv(FIXTURE, dtype=str).drop(columns=drop)
    path = tmp_path / "payroll.csv"
    frame.to_csv(path, index=False)
    completed = run(path, "--by", "sex", "--snapshot", "2026-03-31")
    assert completed.returncode == 2
    assert said in completed.stderr and "add it to the export" in completed.stderr
    assert "Traceback" not in completed.stderr and len(completed.stderr.strip().splitlines()) == 1


def test_a_payroll_file_is_joined_to_the_staff_file_by_employee_number(tmp_path):
    frame = pd.read_csv(FIXTURE, dtype=str)
    staff_columns = ["Employee Number", "Sex", "Ethnicity", "Disability", "Date Started", "Leaving Date"]
    staff, pay = tmp_path / "staff.csv", tmp_path / "pay.csv"
    frame[staff_columns].to_csv(staff, index=False)
    pd.concat([frame.drop(columns=staff_columns[1:]),
               pd.DataFrame({"Employee Number": ["E99"], "Ordinary Pay": ["500"], "Weekly Contracted Hours": ["35"],
                             "Pay Period Days": ["7"], "Bonus Pay": ["0"], "Full Pay Relevant": ["Yes"]})]
              ).to_csv(pay, index=False)
    completed = run(f"staff={staff}", f"payroll={pay}", "--by", "sex", "--snapshot", "2026-03-31", "--json",
                    "--resamples", "0")
    assert completed.returncode == 0, completed.stderr
    data = json.loads(completed.stdout)
    assert data["gaps"]["women"]["mean_pct"] == pytest.approx(9 / 49 * 100)
    assert any("1 payroll rows have no staff row" in note or "1 payroll row" in note for note in data["notes"])


# --- a property of the quarters -----------------------------------------------------------------------------

GROUPS = ("a", "b", "c")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([8.0, 9.5, 9.5, 12.0, 20.0]), st.sampled_from(GROUPS)),
                min_size=1, max_size=60))
def test_quarters_hold_a_quarter_each_and_each_quarters_shares_sum_to_100(people):
    """Whatever the rates (few distinct ones, so ties at the boundaries are common) and groups: the four quarters
    hold the employees in parts as equal as possible (sizes differ by one at most and add up to everyone), and in
    each quarter with anyone in it the groups' percentages add up to 100."""
    hourly = pd.Series([rate for rate, _ in people])
    frame = pd.DataFrame({"ordinary_pay": hourly, "weekly_hours": 1.0, "pay_period_days": 7.0, "bonus_pay": 0.0})
    employees = pg.relevant_employees(frame, SNAPSHOT)
    grouping = pg.Grouping("test", pd.Series([g for _, g in people], dtype="str"), "a", GROUPS)
    result = pg.pay_gaps(employees, grouping, pg.Bootstrap(resamples=0))
    sizes = [result.quarter_sizes[q] for q in pg.QUARTERS]
    assert sum(sizes) == len(people)
    assert max(sizes) - min(sizes) <= 1
    for quarter in pg.QUARTERS:
        shares = result.quarters[quarter]
        if result.quarter_sizes[quarter]:
            assert sum(shares.values()) == pytest.approx(100.0)
    # Each group is counted once: its people over the four quarters are all its people.
    rates, groups = hourly.to_numpy(), np.array([g for _, g in people])
    table = pg.quarter_counts(rates, groups, GROUPS)
    for group in GROUPS:
        assert sum(table[q][group] for q in pg.QUARTERS) == sum(1 for _, g in people if g == group)
    # The tie rule: a run of equal rates cut by a boundary holds each group in each part in the run's proportion,
    # within one person (its share rounded down or up).
    ranked = pg.rank_for_quarters(rates, groups, GROUPS)
    assert sorted(ranked.tolist()) == list(range(len(people)))
    assert (np.diff(rates[ranked]) >= 0).all()
    bounds = pg.quarter_bounds(len(people))
    for rate in set(rates.tolist()):
        where = np.flatnonzero(rates[ranked] == rate)
        start, end = int(where[0]), int(where[-1]) + 1
        cuts = [start, *(b for b in bounds if start < b < end), end]
        run = groups[ranked[start:end]]
        for low, high in zip(cuts, cuts[1:], strict=False):
            part = groups[ranked[low:high]]
            for group in GROUPS:
                share = (high - low) * (run == group).sum() / (end - start)
                assert abs((part == group).sum() - share) < 1


def test_a_run_shared_out_by_hand():
    # Six at one rate, 4 women and 2 men, cut 3 | 3: each part's share is 3 x 4/6 = 2 women and 3 x 2/6 = 1 man.
    assert pg.share_out([3, 3], {"women": 4, "men": 2}, ["men", "women"]) == [{"men": 1, "women": 2}] * 2
    # Five, 3 women and 2 men, cut 2 | 3: shares 1.2 women, 0.8 men | 1.8 women, 1.2 men; rounded down or up and
    # adding up: 1 woman and 1 man | 2 women and 1 man.
    assert pg.share_out([2, 3], {"women": 3, "men": 2}, ["men", "women"]) == [{"men": 1, "women": 1},
                                                                              {"men": 1, "women": 2}]


# --- the sample council -------------------------------------------------------------------------------------

SAMPLE_STAFF = ROOT / "sample_data" / "wexcombe" / "2026-03-31" / "staff.xlsx"


@pytest.mark.parametrize("by", pg.BY)
def test_the_sample_councils_staff_workbook_gives_every_pay_gap(by):
    completed = run(SAMPLE_STAFF, "--by", by, "--snapshot", "2026-03-31", "--json", "--resamples", "100")
    assert completed.returncode == 0, completed.stderr
    data = json.loads(completed.stdout)
    # About 2,000 in post; those on reduced pay for leave in the bonus figures only.
    assert 1_500 <= data["employees"] <= 2_300
    assert data["hourly_employees"] < data["employees"]
    assert any("on reduced or nil pay" in note for note in data["notes"])
    for gap in data["gaps"].values():
        assert gap["mean_pct"] is not None and gap["intervals"]["mean_pct"] is not None
    for quarter in data["quarters"].values():
        assert sum(quarter.values()) == pytest.approx(100.0)
    if by == "sex":
        # Men are more of the senior managers than of the workforce (sample_data.generate, FEMALE_SHARE), so
        # women's mean hourly pay is lower and men are a larger share of the upper quarter than of the lower.
        assert data["gaps"]["women"]["mean_pct"] > 0
        assert data["quarters"]["upper"]["men"] > data["quarters"]["lower"]["men"]
    if by == "ethnicity":
        assert data["reference"] == "white" and pg.MINORITY_ETHNIC in data["gaps"]


def test_white_minorities_in_the_minority_group_need_white_british_as_the_reference():
    completed = run(FIXTURE, "--by", "ethnicity", "--snapshot", "2026-03-31", "--white-minorities-as-minority")
    assert completed.returncode == 2
    assert "needs White British as the reference (--reference white-british)" in completed.stderr
    completed = run(FIXTURE, "--by", "ethnicity", "--snapshot", "2026-03-31", "--white-minorities-as-minority",
                    "--reference", "white-british", "--json", "--resamples", "0")
    assert completed.returncode == 0, completed.stderr
    # White British: E01, E03, E04, E06, E08, E10, E12, E16; the White Irish woman (E11) is now minority ethnic.
    data = json.loads(completed.stdout)
    assert data["counts"]["white_british"]["relevant"] == 8
    assert data["counts"][pg.MINORITY_ETHNIC]["relevant"] == 6


def test_a_negative_bonus_is_read_as_blank_with_a_note_in_the_pay_gaps_own_words(tmp_path):
    frame = pd.read_csv(FIXTURE, dtype=str)
    frame.loc[frame["Employee Number"] == "E03", "Bonus Pay"] = "-150"
    path = tmp_path / "payroll.csv"
    frame.to_csv(path, index=False)
    completed = run(path, "--by", "sex", "--snapshot", "2026-03-31", "--json", "--resamples", "0")
    assert completed.returncode == 0, completed.stderr
    notes = json.loads(completed.stdout)["notes"]
    assert any("a bonus pay cannot be negative" in note and "left out of the figures that need it" in note
               and "pay bands" not in note for note in notes)
    assert any(note.startswith("1 relevant employee with a blank bonus") for note in notes)


def test_a_label_the_organisation_classified_itself_is_compared_on_its_side_of_the_split():
    frame = pd.DataFrame({"ethnicity": ["White British"] * 3 + ["Other - European", "Zulu heritage"],
                          "ordinary_pay": [20.0, 20.0, 20.0, 20.0, 10.0], "weekly_hours": 1.0,
                          "pay_period_days": 7.0, "bonus_pay": 0.0})
    people = pg.relevant_employees(frame, SNAPSHOT)
    grouping = pg.ethnicity_grouping(people.frame, threshold=1,
                                     overrides={"Other - European": "white", "Zulu heritage": "bme"})
    result = pg.pay_gaps(people, grouping, pg.Bootstrap(resamples=0))
    # "Other - European" (classified white) joins the White reference; "Zulu heritage" (classified bme) is its own
    # group, "Minority ethnic (not said which)", and in the minority-ethnic group: (20 - 10) / 20 = 50%.
    assert result.counts["white"].relevant == 4
    assert result.gaps["Minority ethnic (not said which)"].mean_pct == pytest.approx(50.0)
    assert result.gaps[pg.MINORITY_ETHNIC].mean_pct == pytest.approx(50.0)
    assert result.employees == 5
