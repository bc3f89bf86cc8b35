"""The pay gaps in the GOV.UK gender pay gap service's shape, checked against small payrolls worked by hand."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd
import pytest

from metrics import paygap as pg
from reports.paygap_export import columns_for, export_rows, file_name, one_place
from reports.safe import csv_bytes

SNAPSHOT = dt.date(2026, 3, 31)
GOV_UK_COLUMNS = [
    "DiffMeanHourlyPercent", "DiffMedianHourlyPercent", "DiffMeanBonusPercent", "DiffMedianBonusPercent",
    "MaleBonusPercent", "FemaleBonusPercent", "MaleLowerQuartile", "FemaleLowerQuartile",
    "MaleLowerMiddleQuartile", "FemaleLowerMiddleQuartile", "MaleUpperMiddleQuartile", "FemaleUpperMiddleQuartile",
    "MaleTopQuartile", "FemaleTopQuartile",
]


def payroll(column: str, rows: list[tuple[str, float, float]]) -> pd.DataFrame:
    """(group label, hourly rate, bonus) -> rows whose hourly rate is their pay: 1 hour a week, a 7-day period."""
    return pd.DataFrame({column: [r[0] for r in rows], "ordinary_pay": [r[1] for r in rows],
                         "weekly_hours": 1.0, "pay_period_days": 7.0, "bonus_pay": [r[2] for r in rows]})


def worked(frame: pd.DataFrame, by: str, **grouping: object):
    people = pg.relevant_employees(frame, SNAPSHOT)
    groups = pg.grouping_for(people.frame, by, **grouping)  # type: ignore[arg-type]
    return pg.pay_gaps(people, groups, pg.Bootstrap(resamples=0)), people, groups


# Men: 10, 20, 30, 40 an hour; bonuses 100 and 300. Women: 10, 15, 22, 25; a bonus of 50.
# Ranked: 10 M, 10 F | 15 F, 20 M | 22 F, 25 F | 30 M, 40 M (two to a quarter, no tie across a boundary).
# Mean: men 25, women 18 -> 28.0%. Median: men 25, women 18.5 -> 26.0%.
# Bonus among those paid one: men 200 (mean and median), women 50 -> 75.0%; paid one: men 2 of 4, women 1 of 4.
BY_SEX = [("M", 10, 100), ("M", 20, 0), ("M", 30, 0), ("M", 40, 300),
          ("F", 10, 0), ("F", 15, 50), ("F", 22, 0), ("F", 25, 0)]


def test_by_sex_one_row_in_the_services_columns_worked_by_hand():
    rows, columns = export_rows(*worked(payroll("sex", BY_SEX), "sex"))
    assert list(columns) == GOV_UK_COLUMNS and list(columns.values()) == GOV_UK_COLUMNS
    assert rows == [{
        "DiffMeanHourlyPercent": 28.0, "DiffMedianHourlyPercent": 26.0,
        "DiffMeanBonusPercent": 75.0, "DiffMedianBonusPercent": 75.0,
        "MaleBonusPercent": 50.0, "FemaleBonusPercent": 25.0,
        "MaleLowerQuartile": 50.0, "FemaleLowerQuartile": 50.0,
        "MaleLowerMiddleQuartile": 50.0, "FemaleLowerMiddleQuartile": 50.0,
        "MaleUpperMiddleQuartile": 0.0, "FemaleUpperMiddleQuartile": 100.0,
        "MaleTopQuartile": 100.0, "FemaleTopQuartile": 0.0,
    }]


def test_the_csv_has_the_services_headings_and_one_decimal_place():
    rows, columns = export_rows(*worked(payroll("sex", BY_SEX), "sex"))
    text = csv_bytes(rows, columns).decode("utf-8-sig")
    read = list(csv.reader(io.StringIO(text)))
    assert read[0] == GOV_UK_COLUMNS
    assert read[1][:6] == ["28.0", "26.0", "75.0", "75.0", "50.0", "25.0"]


def test_by_disability_the_same_shape_with_the_groups_names():
    frame = payroll("disability", [("No", r, b) if g == "M" else ("Yes", r, b) for g, r, b in BY_SEX])
    rows, columns = export_rows(*worked(frame, "disability"))
    assert list(columns) == columns_for("NonDisabled", "Disabled")
    assert list(columns)[4:8] == ["NonDisabledBonusPercent", "DisabledBonusPercent", "NonDisabledLowerQuartile",
                                  "DisabledLowerQuartile"]
    assert [rows[0][c] for c in columns] == [28.0, 26.0, 75.0, 75.0, 50.0, 25.0, 50.0, 50.0, 50.0, 50.0, 0.0, 100.0,
                                             100.0, 0.0]


# White British: 10, 20, 30, 40 an hour. Indian: 11, 12, 13, 14. African: 35, 45, 50, 55. No bonuses.
# White and Indian ranked together: 10 W, 11 I | 12 I, 13 I | 14 I, 20 W | 30 W, 40 W.
# White and African: 10 W, 20 W | 30 W, 35 A | 40 W, 45 A | 50 A, 55 A.
# White and minority ethnic (12, three a quarter): 10 W, 11, 12 | 13, 14, 20 W | 30 W, 35, 40 W | 45, 50, 55.
# Gaps against White (mean 25, median 25): Indian 12.5 -> 50.0%, 50.0%; African mean 46.25 -> -85.0%, median
# 47.5 -> -90.0%; minority ethnic mean 29.375 -> -17.5%, median (14 + 35) / 2 = 24.5 -> 2.0%.
BY_ETHNICITY = [("White British", r, 0) for r in (10, 20, 30, 40)] + [("Indian", r, 0) for r in (11, 12, 13, 14)] \
    + [("African", r, 0) for r in (35, 45, 50, 55)]


def test_by_ethnicity_a_row_per_group_each_ranked_with_the_reference_alone():
    result, people, groups = worked(payroll("ethnicity", BY_ETHNICITY), "ethnicity", threshold=1)
    rows, columns = export_rows(result, people, groups)
    assert list(columns)[:2] == ["Group", "ReferenceGroup"]
    assert list(columns)[2:] == columns_for("Reference", "Group")
    by_group = {row["Group"].split(": ")[-1]: row for row in rows}
    assert set(by_group) == {"Indian", "African", "Minority ethnic"}
    assert all(row["ReferenceGroup"] == "White" for row in rows)
    quarters = ["LowerQuartile", "LowerMiddleQuartile", "UpperMiddleQuartile", "TopQuartile"]

    def shares(row: dict[str, object], who: str) -> list[object]:
        return [row[who + q] for q in quarters]

    indian, african, minority = by_group["Indian"], by_group["African"], by_group["Minority ethnic"]
    assert [indian[c] for c in ("DiffMeanHourlyPercent", "DiffMedianHourlyPercent")] == [50.0, 50.0]
    assert shares(indian, "Reference") == [50.0, 0.0, 50.0, 100.0]
    assert shares(indian, "Group") == [50.0, 100.0, 50.0, 0.0]
    assert [african[c] for c in ("DiffMeanHourlyPercent", "DiffMedianHourlyPercent")] == [-85.0, -90.0]
    assert shares(african, "Group") == [0.0, 50.0, 50.0, 100.0]
    assert [minority[c] for c in ("DiffMeanHourlyPercent", "DiffMedianHourlyPercent")] == [-17.5, 2.0]
    assert shares(minority, "Group") == [66.7, 66.7, 33.3, 100.0]
    assert shares(minority, "Reference") == [33.3, 33.3, 66.7, 0.0]
    # No one was paid a bonus: no bonus gap can be formed (blank), and 0.0% of each group were paid one.
    assert indian["DiffMeanBonusPercent"] is None and indian["GroupBonusPercent"] == 0.0
    assert indian["ReferenceBonusPercent"] == 0.0


def test_one_decimal_place_rounds_halves_away_from_zero_and_leaves_no_figure_blank():
    assert one_place(12.25) == 12.3 and one_place(-12.25) == -12.3 and one_place(100 / 3) == 33.3
    assert one_place(None) is None and one_place(float("nan")) is None


def test_the_file_is_named_after_the_organisation_comparison_and_snapshot():
    result = worked(payroll("sex", BY_SEX), "sex")[0]
    assert file_name(result, "Wexcombe Council") == "wexcombe-council-pay-gaps-by-sex-2026-03-31.csv"


@pytest.mark.parametrize("reference", pg.ETHNICITY_REFERENCES)
def test_the_reference_named_in_each_row(reference):
    result, people, groups = worked(payroll("ethnicity", BY_ETHNICITY), "ethnicity", threshold=1,
                                    reference=reference)
    rows, _ = export_rows(result, people, groups)
    assert {row["ReferenceGroup"] for row in rows} == {pg.label(reference)}
