"""Metrics across years: the figures per period and the change in words, worked by hand."""

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest

from data_loaders.comparison import DISABILITY
from metrics.counts import DataQuality, FigureSet, Period
from metrics.settings import Settings
from metrics.trends import change_sentence, change_z, changes, history, period_label, previous_year, trend_table

LAST_YEAR = Period(dt.date(2024, 4, 1), dt.date(2025, 3, 31))
THIS_YEAR = Period(dt.date(2025, 4, 1), dt.date(2026, 3, 31))


def year(period, rows, quality=None):
    counts = pd.DataFrame(rows, columns=["metric", "item", "group", "events", "base"])
    return FigureSet("Test council", period, counts, quality or {}, available=frozenset(counts["metric"]))


def appointed(bme, white):
    """M2 rows: (appointed, shortlisted) for each group."""
    return [("M2", "", "bme", *bme), ("M2", "", "white", *white), ("M2", "", "unknown", 0, 0)]


def test_period_labels():
    assert period_label(THIS_YEAR) == "2025/26"
    assert period_label(Period.twelve_months_to(dt.date(2026, 9, 30))) == "year to 30 Sep 2026"


def test_appointment_rising_into_range_could_be_chance():
    # 2024/25: BME 20/200 = 10%, white 50/250 = 20%: RL 0.50.
    #   se = sqrt(1/20 - 1/200 + 1/50 - 1/250) = sqrt(0.061) = 0.246982; 95% CI 0.3081 to 0.8113 (excludes 1).
    # 2025/26: BME 36/200 = 18%, white 20%: RL 0.90.
    #   se = sqrt(1/36 - 1/200 + 1/50 - 1/250) = sqrt(0.038778) = 0.196921; 95% CI 0.6118 to 1.3239 (includes 1).
    # z = (ln 0.9 - ln 0.5) / sqrt(0.061 + 0.038778) = 0.587787 / 0.315876 = 1.8608 < 1.96.
    years = history([year(THIS_YEAR, appointed((36, 200), (50, 250))),
                     year(LAST_YEAR, appointed((20, 200), (50, 250)))])
    assert [y.period for y in years] == [LAST_YEAR, THIS_YEAR]  # oldest first, whatever order given
    assert change_z(years[0].results["M2"], years[1].results["M2"]) == pytest.approx(1.8608, abs=1e-4)
    assert change_sentence(years[0], years[1], "M2", Settings()) == (
        "The relative likelihood to be appointed rose from 0.50 to 0.90 (2024/25 to 2025/26), closer to 1.00; "
        "the interval now includes 1.00. It was adverse, beyond chance; it is now within the 0.80 to 1.25 range. "
        "A change this size could be down to chance."
    )


def test_appointment_under_nhs_wres_reads_the_other_way():
    # NHS WRES puts white over BME: 2.00 then 1/0.9 = 1.11; high is adverse there.
    years = history([year(LAST_YEAR, appointed((20, 200), (50, 250))),
                     year(THIS_YEAR, appointed((36, 200), (50, 250)))], Settings(standard="nhs-wres"))
    assert change_sentence(years[0], years[1], "M2", Settings(standard="nhs-wres")).startswith(
        "The relative likelihood to be appointed fell from 2.00 to 1.11 (2024/25 to 2025/26), closer to 1.00; "
        "the interval now includes 1.00. It was adverse, beyond chance; it is now within the 0.80 to 1.25 range."
    )


def test_a_large_change_is_said_to_be_more_than_chance():
    # 2025/26: BME 50/200 = 25% against 20%: RL 1.25; se = sqrt(1/50 - 1/200 + 1/50 - 1/250) = sqrt(0.031).
    # z = ln(1.25 / 0.5) / sqrt(0.061 + 0.031) = 0.916291 / 0.303315 = 3.0209.
    years = history([year(LAST_YEAR, appointed((20, 200), (50, 250))),
                     year(THIS_YEAR, appointed((50, 200), (50, 250)))])
    assert change_z(years[0].results["M2"], years[1].results["M2"]) == pytest.approx(3.0209, abs=1e-4)
    sentence = change_sentence(years[0], years[1], "M2", Settings())
    assert "rose from 0.50 to 1.25" in sentence
    assert sentence.endswith("The change is larger than chance alone would usually give.")


def test_unchanged_ratio_says_so_and_makes_no_claim_about_chance():
    years = history([year(LAST_YEAR, appointed((20, 200), (50, 250))),
                     year(THIS_YEAR, appointed((20, 200), (50, 250)))])
    assert change_sentence(years[0], years[1], "M2", Settings()) == (
        "The relative likelihood to be appointed was unchanged at 0.50 (2024/25 to 2025/26); "
        "the interval still does not include 1.00."
    )


def test_senior_management_gap_narrowing():
    # 2024/25: 2 of 20 senior managers are BME (10%); 100 of 400 staff (25%): -15.0 pp.
    # 2025/26: 4 of 20 (20%) against 25%: -5.0 pp. Wilson 95% for 4/20 is 8.07% to 41.60%, so the
    # gap's interval is -16.9 to +16.6 pp and includes zero.
    def senior(bme_senior, white_senior):
        return [("M9", "", "bme", bme_senior, 100), ("M9", "", "white", white_senior, 300),
                ("M9", "", "unknown", 0, 0)]

    years = history([year(LAST_YEAR, senior(2, 18)), year(THIS_YEAR, senior(4, 16))])
    assert years[1].results["M9"].ci == pytest.approx((8.0658 - 25, 41.6018 - 25), abs=1e-3)
    assert change_sentence(years[0], years[1], "M9", Settings(bme_label="Global Majority")) == (
        "The gap between the Global Majority share of senior managers and of the workforce narrowed from -15.0 to "
        "-5.0 percentage points (2024/25 to 2025/26). The latest year's interval includes 0 points, so the gap "
        "could be down to chance. It was adverse, could be chance; it is now within range."
    )


def test_workforce_share_from_the_pay_bands():
    # 25 BME, 70 white, 5 unknown -> 25 of the 95 whose ethnicity is known, 26.3%; then 30, 65, 5 -> 31.6%.
    def bands(bme, white):
        return [("M1", "Band A", "bme", bme, 0), ("M1", "Band A", "white", white, 0),
                ("M1", "Band A", "unknown", 5, 0)]

    years = history([year(LAST_YEAR, bands(25, 70)), year(THIS_YEAR, bands(30, 65))])
    assert change_sentence(years[0], years[1], "M1", Settings()) == (
        "The BME share of the workforce rose from 26.3% to 31.6% of staff whose ethnicity is known "
        "(2024/25 to 2025/26)."
    )


def test_a_year_without_the_metric_gives_no_change():
    years = history([year(LAST_YEAR, appointed((20, 200), (50, 250))),
                     year(THIS_YEAR, [("M3", "", "bme", 5, 100), ("M3", "", "white", 5, 100)])])
    assert change_sentence(years[0], years[1], "M2", Settings()) == (
        "Appointment from shortlisting: no change can be given, as there is no data for 2025/26."
    )


def test_insufficient_year_gives_no_change():
    years = history([year(LAST_YEAR, appointed((2, 8), (50, 250))), year(THIS_YEAR, appointed((36, 200), (50, 250)))])
    assert change_sentence(years[0], years[1], "M2", Settings()) == (
        "The relative likelihood to be appointed: no change can be given (2024/25 to 2025/26), as there was not "
        "enough data in the earlier year."
    )


def test_survey_questions_each_get_a_sentence():
    def survey(colleagues, managers):
        return [("M7", "colleagues", "bme", colleagues, 100), ("M7", "colleagues", "white", 20, 200),
                ("M7", "managers", "bme", managers, 100), ("M7", "managers", "white", 10, 200)]

    # Colleagues: 20/100 v 20/200 = 2.00 -> 15/100 v 10% = 1.50. Managers: 10/100 v 5% = 2.00 -> same.
    years = history([year(LAST_YEAR, survey(20, 10)), year(THIS_YEAR, survey(15, 10))])
    sentence = change_sentence(years[0], years[1], "M7", Settings())
    assert "report harassment, bullying or abuse from colleagues fell from 2.00 to 1.50" in sentence
    assert "report harassment, bullying or abuse from managers was unchanged at 2.00" in sentence


def test_trend_table_rows_and_unknown_rate():
    quality = {"M2": DataQuality(total=500, unknown=50)}
    years = history([year(LAST_YEAR, appointed((20, 200), (50, 250)), quality),
                     year(THIS_YEAR, appointed((36, 200), (50, 250)), {"M2": DataQuality(total=475, unknown=25)})])
    table = trend_table(years)
    assert list(table["period"]) == ["2024/25", "2025/26"]  # only M2 has data
    assert list(table["value"].round(4)) == [0.5, 0.9]
    assert list(table["ci_low"].round(4)) == [0.3081, 0.6118]
    assert list(table["status"]) == ["adverse, beyond chance", "within range"]
    assert list(table["unknown_pct"]) == [10.0, pytest.approx(100 * 25 / 475)]


def test_changes_need_two_years_and_use_the_latest_two():
    one = history([year(LAST_YEAR, appointed((20, 200), (50, 250)))])
    assert changes(one, Settings()) == {}
    three = history([
        year(Period(dt.date(2023, 4, 1), dt.date(2024, 3, 31)), appointed((10, 200), (50, 250))),
        year(LAST_YEAR, appointed((20, 200), (50, 250))),
        year(THIS_YEAR, appointed((36, 200), (50, 250))),
    ])
    assert changes(three, Settings())["M2"].startswith("The relative likelihood to be appointed rose from 0.50 to 0.90")
    assert previous_year(three, THIS_YEAR.end).period == LAST_YEAR
    assert previous_year(three, dt.date(2024, 3, 31)) is None


def test_years_counted_in_different_groups_are_refused():
    disability = [("M2", "", "disabled", 1, 20), ("M2", "", "non_disabled", 5, 25), ("M2", "", "not_declared", 0, 0)]
    wdes = replace(year(LAST_YEAR, disability), comparison=DISABILITY)
    with pytest.raises(ValueError, match=r"counted in different groups \(by disability and by ethnicity\)"):
        history([wdes, year(THIS_YEAR, appointed((2, 20), (5, 25)))])


def test_two_sets_for_one_period_are_refused():
    with pytest.raises(ValueError, match="31 March 2026"):
        history([year(THIS_YEAR, appointed((1, 20), (5, 25))), year(THIS_YEAR, appointed((2, 20), (5, 25)))])
