"""The metrics by ethnic group (metrics.ethnic_groups, `python -m metrics --by ethnic-group`): worked by hand on a
small council, then a property over generated records (each group's counts are the counts of the records filtered by
hand to that group and the reference; each adjusted interval contains the plain one)."""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commands.metrics_cli import main
from data_loaders.ethnicity import classify_census
from metrics.breakdown import adjusted_confidence
from metrics.ethnic_groups import (
    COLUMN,
    DETAILED_COLUMN,
    ETHNIC_GROUP,
    MINORITY_NOT_RECORDED,
    WHITE_MINORITIES,
    ethnic_group_breakdown,
)
from metrics.records import figures_from_records
from metrics.results import compute_results
from metrics.settings import Settings
from pipeline.api import analyse_paths
from storage.organisation_settings import settings_from_values

WB, IRISH, WHITE_ALONE = "A White - British", "B White - Irish", "White"
AFRICAN, CARIBBEAN = "N Black or Black British - African", "M Black or Black British - Caribbean"
INDIAN, PAKISTANI, BANGLADESHI = ("H Asian or Asian British - Indian", "J Asian or Asian British - Pakistani",
                                  "K Asian or Asian British - Bangladeshi")
UNKNOWN, BME_ONLY = "Z Not Stated", "BME"
END = dt.date(2026, 3, 31)
# "BME" on its own names no group: the organisation has classified it as minority ethnic.
SETTINGS = Settings(period_end=END, ethnicity_overrides={BME_ONLY: "bme"})
Z_95 = 1.959964
# Bonferroni for k = 3 and k = 4 at 95%: the normal quantiles at 1 - 0.05/6 and 1 - 0.05/8 (tables: 2.3940, 2.4977).
Z_3, Z_4 = 2.393980, 2.497705


def katz(a: float, n1: float, c: float, n2: float, z: float) -> tuple[float, float]:
    value = (a / n1) / (c / n2)
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
    return value * math.exp(-z * se), value * math.exp(z * se)


def people(start: int, n: int, ethnicity: str, sex: str = "Female") -> list[dict]:
    return [{"employee_id": str(start + i), "ethnicity": ethnicity, "sex": sex, "pay_band": "Grade 3",
             "start_date": pd.Timestamp("2020-01-01"), "leave_date": pd.NaT} for i in range(n)]


def council() -> dict[str, pd.DataFrame]:
    """Staff and disciplinary cases (a case against employee 100, say), counted by hand:

    White British: 20 women (100-119; cases 100, 101, 102) and 20 men (120-139; case 120): 40, 4 cases.
    Irish: 10 (200-209; case 200). "White" alone: 4 (800-803; case 800).
    Black: African 6 women (300-305; cases 300, 301) and 6 men (306-311; case 306); Caribbean 4 women (400-403;
    case 400) and 4 men (404-407; case 404): 20, 5 cases (women 10, 3; men 10, 2).
    Asian: Indian 12 (500-511; case 500), Pakistani 3 (600-602; case 600), Bangladeshi 7 (1000-1006; case 1000): 22,
    3 cases. "BME": 3 (900-902; case 900). Not stated: 5 (700-704; case 700).
    """
    staff = pd.DataFrame(
        people(100, 20, WB) + people(120, 20, WB, "Male") + people(200, 10, IRISH) + people(800, 4, WHITE_ALONE)
        + people(300, 6, AFRICAN) + people(306, 6, AFRICAN, "Male") + people(400, 4, CARIBBEAN)
        + people(404, 4, CARIBBEAN, "Male") + people(500, 12, INDIAN, "Male") + people(600, 3, PAKISTANI, "Male")
        + people(1000, 7, BANGLADESHI, "Male") + people(900, 3, BME_ONLY) + people(700, 5, UNKNOWN))
    cases = ["100", "101", "102", "120", "200", "800", "300", "301", "306", "400", "404", "500", "600", "1000", "900",
             "700"]
    return {"staff": staff, "disciplinary": pd.DataFrame({"employee_id": cases, "date": pd.Timestamp("2025-09-01")})}


def by_name(found) -> dict:
    return {s.name: s for s in found.subgroups}


def test_black_against_white_british_by_hand():
    m3 = ethnic_group_breakdown(council(), SETTINGS)["M3"]
    assert m3.column == COLUMN
    groups = by_name(m3)
    # Asian, Black, White minorities, and the 3 known only as minority ethnic; the 5 not stated in none, nor the
    # 4 "White" alone (not said to be White British).
    assert list(groups) == ["Asian", "Black", WHITE_MINORITIES, MINORITY_NOT_RECORDED]
    black = groups["Black"]
    # (5 / 20) / (4 / 40) = 2.5.
    assert black.figure.value == pytest.approx(2.5)
    assert black.figure.ci == pytest.approx(katz(5, 20, 4, 40, Z_95))
    counts = black.counts.set_index("group")
    assert (counts.loc["bme", "events"], counts.loc["bme", "base"]) == (5, 20)
    assert (counts.loc["white", "events"], counts.loc["white", "base"]) == (4, 40)
    assert groups["Asian"].figure.value == pytest.approx((3 / 22) / (4 / 40))
    assert groups[WHITE_MINORITIES].figure.value == pytest.approx((1 / 10) / (4 / 40))
    # 3 people are under the minimum group size (10): flagged, no figure, and not one of the k compared.
    assert groups[MINORITY_NOT_RECORDED].under_minimum and groups[MINORITY_NOT_RECORDED].figure.value is None
    assert m3.comparisons == 3
    assert black.figure.ci_adjusted == pytest.approx(katz(5, 20, 4, 40, Z_3), rel=1e-6)
    assert adjusted_confidence(3) == pytest.approx(1 - 0.05 / 3)
    notes = " ".join(m3.notes)
    assert "White British staff" in notes
    assert "5 rows of the staff data" in notes and "1 row of the disciplinary data" in notes  # not stated
    assert "4 rows of the staff data" in notes and "'White' alone" in notes


def test_a_group_is_the_metric_on_its_rows_and_the_references_alone():
    datasets = council()
    groups = by_name(ethnic_group_breakdown(datasets, SETTINGS)["M3"])
    staff = datasets["staff"]
    for name, labels, as_bme in (("Black", {AFRICAN, CARIBBEAN}, False), (WHITE_MINORITIES, {IRISH}, True)):
        kept = staff[staff["ethnicity"].isin(labels | {WB})]
        cases = datasets["disciplinary"][datasets["disciplinary"]["employee_id"].isin(kept["employee_id"])]
        by_hand = SETTINGS.with_(white_minorities_as_bme=as_bme)
        result = compute_results(figures_from_records({"staff": kept, "disciplinary": cases}, by_hand), by_hand)["M3"]
        assert groups[name].result.value == result.value and groups[name].result.ci == result.ci
        assert groups[name].result.groups["bme"] == result.groups["bme"]
        assert groups[name].result.groups["white"] == result.groups["white"]


def test_all_white_staff_as_the_reference():
    m3 = ethnic_group_breakdown(council(), SETTINGS.with_(ethnic_group_reference="white"))["M3"]
    groups = by_name(m3)
    # The White minorities and "White" alone are in the reference: 40 + 10 + 4 = 54 staff, 4 + 1 + 1 = 6 cases.
    assert list(groups) == ["Asian", "Black", MINORITY_NOT_RECORDED]
    assert groups["Black"].figure.value == pytest.approx((5 / 20) / (6 / 54))
    assert groups["Black"].figure.ci == pytest.approx(katz(5, 20, 6, 54, Z_95))
    assert m3.comparisons == 2
    assert groups["Black"].figure.ci_adjusted == pytest.approx(katz(5, 20, 6, 54, 2.241403), rel=1e-6)
    assert "all White staff" in " ".join(m3.notes)


def test_a_stored_reference_must_be_one_of_the_two():
    with pytest.raises(ValueError, match="'white_british' .*or 'white'"):
        Settings(ethnic_group_reference="black")
    # Settings stored before there was a choice have none: White British.
    assert settings_from_values({"bme_label": "BAME"}).ethnic_group_reference == "white_british"
    assert settings_from_values({"ethnic_group_reference": "white"}).ethnic_group_reference == "white"
    with pytest.raises(ValueError, match="reference for the metrics by ethnic group is 'White'"):
        settings_from_values({"ethnic_group_reference": "White"})


def test_detailed_categories_with_the_small_ones_combined():
    m3 = ethnic_group_breakdown(council(), SETTINGS, detailed=True)["M3"]
    assert m3.column == DETAILED_COLUMN
    groups = by_name(m3)
    # African 12, Indian 12 and Irish 10 reach the minimum size (10); Caribbean (8) is combined alone, Pakistani (3)
    # and Bangladeshi (7) together: 10 people, 2 cases.
    assert list(groups) == ["Indian", "Other Asian groups (combined)", "African", "Other Black groups (combined)",
                            "Irish", MINORITY_NOT_RECORDED]
    assert groups["African"].figure.value == pytest.approx((3 / 12) / (4 / 40))
    assert groups["Indian"].figure.value == pytest.approx((1 / 12) / (4 / 40))
    combined = groups["Other Asian groups (combined)"]
    assert combined.figure.value == pytest.approx((2 / 10) / (4 / 40))
    assert not combined.under_minimum
    assert groups["Other Black groups (combined)"].under_minimum  # Caribbean's 8 alone
    assert m3.comparisons == 4  # Indian, the Asian combined, African, Irish
    assert groups["African"].figure.ci_adjusted == pytest.approx(katz(3, 12, 4, 40, Z_4), rel=1e-6)
    # Listed in the Census's order.
    notes = " ".join(m3.notes)
    assert "Other Asian groups (combined)" in notes and "Bangladeshi (7), Pakistani (3)" in notes
    assert "Other Black groups (combined)" in notes and "Caribbean (8)" in notes


def test_black_women_against_white_british_women():
    m3 = ethnic_group_breakdown(council(), SETTINGS, within="sex")["M3"]
    assert m3.column == f"{COLUMN},sex"
    groups = by_name(m3)
    # Black women 10, 3 cases, against White British women 20, 3 cases; Black men 10, 2, against 20, 1.
    assert groups["Black, Female"].figure.value == pytest.approx((3 / 10) / (3 / 20))
    assert groups["Black, Male"].figure.value == pytest.approx((2 / 10) / (1 / 20))
    assert groups["Black, Male"].figure.ci == pytest.approx(katz(2, 10, 1, 20, Z_95))
    # Every Asian person in the council is a man, so there is no "Asian, Female".
    assert "Asian, Female" not in groups and "Asian, Male" in groups
    assert "sex" in m3.source


def test_a_disability_standard_is_refused_in_words():
    with pytest.raises(ValueError, match="need a race equality standard"):
        ethnic_group_breakdown(council(), SETTINGS.with_(standard="wdes"))


# Generated records: staff of every kind of label, cases joined by employee number (some to no one), applicants.
LABELS = [WB, IRISH, WHITE_ALONE, AFRICAN, CARIBBEAN, INDIAN, PAKISTANI, UNKNOWN, BME_ONLY]
# By hand: each label's high-level subgroup under White British as the reference (None: in no subgroup).
GROUP_OF = {WB: "reference", IRISH: WHITE_MINORITIES, WHITE_ALONE: None, AFRICAN: "Black", CARIBBEAN: "Black",
            INDIAN: "Asian", PAKISTANI: "Asian", UNKNOWN: None, BME_ONLY: MINORITY_NOT_RECORDED}


@st.composite
def records(draw: st.DrawFn) -> dict[str, pd.DataFrame]:
    rows = draw(st.lists(st.tuples(st.sampled_from(LABELS), st.sampled_from([None, "2025-10-01"])),
                         min_size=1, max_size=40))
    staff = pd.DataFrame([{"employee_id": str(i), "ethnicity": e, "pay_band": "Grade 3",
                           "start_date": pd.Timestamp("2020-01-01"),
                           "leave_date": pd.Timestamp(leave) if leave else pd.NaT}
                          for i, (e, leave) in enumerate(rows)])
    ids = draw(st.lists(st.integers(0, len(rows) + 2), max_size=15))  # a number past the staff matches no one
    disciplinary = pd.DataFrame({"employee_id": [str(i) for i in ids], "date": pd.Timestamp("2025-09-01")})
    applicants = draw(st.lists(st.tuples(st.sampled_from(LABELS), st.booleans()), max_size=30))
    recruitment = pd.DataFrame({"ethnicity": [a[0] for a in applicants], "shortlisted": [True] * len(applicants),
                                "appointed": [a[1] for a in applicants], "date": pd.Timestamp("2025-09-01")})
    return {"staff": staff, "disciplinary": disciplinary, "recruitment": recruitment}


FEW = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _by_hand(datasets: dict[str, pd.DataFrame], group: str) -> dict[str, pd.DataFrame]:
    """The records filtered by hand to the group's rows and the reference's (a case by its person's label)."""
    keep = {label for label, g in GROUP_OF.items() if g in (group, "reference")}
    staff = datasets["staff"][datasets["staff"]["ethnicity"].isin(keep)]
    cases = datasets["disciplinary"][datasets["disciplinary"]["employee_id"].isin(staff["employee_id"])]
    recruitment = datasets["recruitment"][datasets["recruitment"]["ethnicity"].isin(keep)]
    return {"staff": staff, "disciplinary": cases, "recruitment": recruitment}


def _known(counts: pd.DataFrame) -> pd.DataFrame:
    """Events and base by (item, group) for the two sides compared."""
    return counts[counts["group"].isin(["bme", "white"])].groupby(["item", "group"])[["events", "base"]].sum()


@FEW
@given(records())
def test_each_group_counts_its_rows_and_the_references(datasets):
    # Planted once: metrics.ethnic_groups counting with white_minorities_as_bme=False under White British as the
    # reference (the Irish then counted White in their own subgroup, which so counted no one and was dropped); this
    # test failed, as it should, on a staff list of one Irish person.
    by_hand_settings = SETTINGS.with_(white_minorities_as_bme=True, min_group_size=1)
    found = ethnic_group_breakdown(datasets, SETTINGS.with_(min_group_size=1))
    groups = {g for g in GROUP_OF.values() if g not in (None, "reference")}
    # Every metric the records give is broken down (the cases take their people's ethnicity by employee number).
    available = figures_from_records(datasets, SETTINGS).available
    assert set(found) == {m for m in ("M1", "M2", "M3", "M8") if m in available} and "M3" in found
    by_hand = {group: figures_from_records(_by_hand(datasets, group), by_hand_settings) for group in groups}
    for metric_id, broken in found.items():
        subgroups = {s.name: s for s in broken.subgroups}
        for group in groups:
            expected = _known(by_hand[group].for_metric(metric_id))
            # A group is a subgroup of the metric exactly when the metric counts anyone of it.
            anyone = bool(len(expected)) and bool((expected.xs("bme", level="group")["base"] > 0).any()) \
                if "bme" in expected.index.get_level_values("group") else False
            assert (group in subgroups) == anyone, f"{metric_id} {group}"
            if not anyone:
                continue
            subgroup = subgroups[group]
            pd.testing.assert_frame_equal(_known(subgroup.counts), expected, obj=f"{metric_id} {group}",
                                          check_index_type=False)
            # Each adjusted interval contains the plain one.
            figure = subgroup.figure
            if figure.ci is not None:
                assert figure.ci_adjusted is not None
                assert figure.ci_adjusted[0] <= figure.ci[0] + 1e-12 and figure.ci[1] <= figure.ci_adjusted[1] + 1e-12


@FEW
@given(records())
def test_no_group_is_missed_or_invented(datasets):
    found = ethnic_group_breakdown(datasets, SETTINGS.with_(min_group_size=1))
    staff = datasets["staff"]
    in_staff = {GROUP_OF[e] for e in staff["ethnicity"]} - {None, "reference"}
    if "M3" in found:  # every group with staff is a subgroup of a metric counting the staff (its base is theirs)
        names = {s.name for s in found["M3"].subgroups}
        assert names <= in_staff
        in_post = staff[staff["leave_date"].isna()]
        assert names == {GROUP_OF[e] for e in in_post["ethnicity"]} - {None, "reference"}


# The command line, on the sample council.

def test_cli_json_breaks_every_metric_down_by_ethnic_group(capsys):
    assert main(["--by", "ethnic-group", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["by"] == ETHNIC_GROUP and payload["reference"] == "white_british"
    m3 = payload["metrics"]["M3"]
    assert m3["breakdown_by"] == COLUMN and m3["breakdown_method"] == "bonferroni"
    names = [entry["subgroup"] for entry in m3["breakdown"]]
    assert names == ["Asian", "Black", "Mixed", "Other ethnic group", WHITE_MINORITIES]
    black = m3["breakdown"][1]
    assert set(black) >= {"subgroup", "counts", "value", "ci", "ci_adjusted", "status", "size"}
    # By hand from the sample's own files: Black staff in post and White British staff in post, and the cases.
    analysis = analyse_paths()
    staff = analysis.inputs.loaded.datasets["staff"]
    census = classify_census(staff["ethnicity"])
    in_post = staff["leave_date"].isna() | (staff["leave_date"] > pd.Timestamp(analysis.period.end))
    black_staff = census["high_level"].str.startswith("Black").fillna(False).astype(bool) & in_post
    white_british = census["category"].str.startswith("White: English").fillna(False).astype(bool) & in_post
    assert black["counts"]["bme"]["base"] == int(black_staff.sum())
    assert black["counts"]["white"]["base"] == int(white_british.sum())
    assert any("not known" in note for note in m3["breakdown_notes"])


def test_cli_text_crossed_with_sex_and_all_white_as_the_reference(capsys):
    assert main(["--by", "ethnic-group,sex", "--reference", "white"]) == 0
    out = capsys.readouterr().out
    assert "Where it sits: each metric by ethnic group and sex" in out
    assert "Black, Female" in out and "Black, Male" in out and "White minorities, Female" not in out
    assert "some will look adverse by chance" in out and "all White staff" in out


def test_cli_detailed(capsys):
    assert main(["--by", "ethnic-group-detailed", "--json"]) == 0
    m3 = json.loads(capsys.readouterr().out)["metrics"]["M3"]
    names = [entry["subgroup"] for entry in m3["breakdown"]]
    assert "Indian" in names and "African" in names and "Caribbean" in names


def test_cli_refuses_published_ethnic_breakdowns(capsys):
    assert main(["--by", "ethnic-group", "--suppress", "10"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: published figures by ethnic group are not yet available") and "Traceback" not in err


def test_cli_says_what_is_wrong_with_a_reference_or_a_cross(capsys):
    assert main(["--reference", "white"]) == 2
    assert "needs --by ethnic-group" in capsys.readouterr().err
    assert main(["--by", "ethnic-group,shoe_size"]) == 2
    err = capsys.readouterr().err
    assert "'shoe_size'" in err and "sex" in err
    assert main(["--by", "service,sex"]) == 2
    assert "only the ethnic groups can be crossed" in capsys.readouterr().err
