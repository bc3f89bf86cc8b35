"""Pay gaps as published (metrics.paygap_publish): worked examples by hand, the auditor's proof over generated
payrolls, and the command line's --suppress.

A published share of a pay quarter is a count (the quarters' sizes are public: a quarter of the employees), and a
bonus proportion x the group's size is one too, so the auditor reads the published percentages and rounded sizes
as a reader would and checks no withheld count can be narrowed to fewer than the threshold's values.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics import paygap as pg
from metrics import paygap_publish as pp
from metrics.disclosure import Range
from metrics.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "paygap" / "payroll.csv"
SNAPSHOT = dt.date(2026, 3, 31)
THRESHOLD = 10


def frame(rows: list[tuple[str, float, float]], column: str) -> pd.DataFrame:
    """(group label, hourly rate, bonus) -> payroll rows: weekly hours 1 and a 7-day period make the pay the rate."""
    return pd.DataFrame({column: [r[0] for r in rows], "ordinary_pay": [float(r[1]) for r in rows],
                         "weekly_hours": 1.0, "pay_period_days": 7.0, "bonus_pay": [float(r[2]) for r in rows]})


def result_for(rows: list[tuple[str, float, float]], by: str) -> pg.PayGapResult:
    people = pg.relevant_employees(frame(rows, by), SNAPSHOT)
    return pg.pay_gaps(people, pg.grouping_for(people.frame, by), pg.Bootstrap(resamples=0))


def ranked(*blocks: tuple[str, int, float]) -> list[tuple[str, float, float]]:
    """Blocks of (label, how many, bonus) in pay order, lowest first, each person a rate of their own."""
    rows, rate = [], 10.0
    for who, count, bonus in blocks:
        for _ in range(count):
            rows.append((who, rate, bonus))
            rate += 0.25
    return rows


def test_the_threshold_is_the_products_publication_threshold():
    assert pp.DEFAULT_THRESHOLD == Settings().suppression_threshold == 10


# --- a small ethnic group of 4 --------------------------------------------------------------------------------


def four_pakistani() -> pg.PayGapResult:
    # 80 people, quarters of 20. White British 46 (10, 10, 10 and 16 in the upper quarter), Indian 30 (10 in each of
    # the lower three), Pakistani 4, all in the upper quarter: 4 of its 20 (20%), beside White 16 (80%), Indian 0.
    rows = ranked(("White British", 10, 0), ("Indian", 10, 0), ("White British", 10, 0), ("Indian", 10, 0),
                  ("White British", 10, 0), ("Indian", 10, 0), ("White British", 16, 500), ("Pakistani", 4, 500))
    return result_for(rows, "ethnicity")


def test_a_group_of_four_is_withheld_with_its_reason_and_the_cell_beside_it_too():
    result = four_pakistani()
    small = pg.OTHER_COMBINED  # under 10 relevant employees, Pakistani is combined (with nobody) and still small
    assert result.counts[small].relevant == 4
    assert result.quarters["upper"] == {"white": 80.0, "Asian, Asian British or Asian Welsh: Indian": 0.0,
                                        small: 20.0}
    pub = pp.published(result)
    # Every figure of the group of 4: null, and why in words.
    assert pub.sizes[small] is None and pub.bonus_received_pct[small] is None
    assert all(pub.quarters[q][small] is None for q in pg.QUARTERS)
    assert all(getattr(pub.gaps[small], m) is None for m in pg.MEASURES)
    reason = pub.withheld[pp.quarter_key("upper", small)]
    assert reason == "fewer than 10 relevant employees in the group (Other ethnic groups (combined))"
    assert pub.withheld[pp.gap_key(small, "mean_pct")] == reason
    # The complementary cell: with White's 80% of a public 20 shown, and Indian's 0%, the 4 are 20 - 16 - 0. So
    # White's upper share is withheld too (the one other non-zero count in the quarter).
    assert pub.quarters["upper"]["white"] is None
    assert pub.withheld[pp.quarter_key("upper", "white")].startswith("a count under 10, or one that would let")
    # White's column is then a second hidden cell short (White's size is published, about 50, and so are its other
    # shares), and the group of 4's hidden zeros must not be pinned either (that would say where all 4 are): more is
    # withheld, as in any table with a hidden rectangle, but not everything: White's middle quarters (10 of 20 each)
    # and the minority-ethnic group's ranking with White there stay published.
    assert pub.quarters["lower_middle"]["white"] == pub.quarters["upper_middle"]["white"] == 50.0
    assert pub.aggregate_quarters[pg.MINORITY_ETHNIC]["upper_middle"] == {"white": 50.0, pg.MINORITY_ETHNIC: 50.0}
    assert pub.sizes["white"] == 50.0  # 46, to the nearest 10
    assert pp.audit(pp.to_dict(pub)) == {}


def test_the_auditor_works_the_four_back_out_when_the_complementary_cell_is_published():
    payload = pp.to_dict(pp.published(four_pakistani()))
    leaked = copy.deepcopy(payload)
    leaked["quarters"]["upper"]["white"] = 80.0  # the fault: the complementary cell not withheld
    # 20 - 16 (80% of 20, to the half percent: 15.9 to 16.1) leaves 4 for the group and the Indian group together.
    assert pp.audit(leaked)[pp.quarter_key("upper", pg.OTHER_COMBINED)] == Range(0, 4)
    # With Indian's 0% shown too (at most 0.1 of 20 people): exactly 4.
    leaked["quarters"]["upper"]["Asian, Asian British or Asian Welsh: Indian"] = 0.0
    assert pp.audit(leaked)[pp.quarter_key("upper", pg.OTHER_COMBINED)] == Range(4, 4)


# --- a bonus proportion that would reveal 2 --------------------------------------------------------------------


def two_women_paid_a_bonus() -> pg.PayGapResult:
    # 40 women (the lower half), 40 men (the upper half); 2 women paid a bonus (5%), 20 men (50%).
    rows = ranked(("F", 2, 300), ("F", 38, 0), ("M", 20, 0), ("M", 20, 900))
    return result_for(rows, "sex")


def test_a_bonus_proportion_that_gives_away_two_people_is_withheld():
    result = two_women_paid_a_bonus()
    assert result.bonus_received_pct["women"] == 5.0 and result.counts["women"].bonus == 2
    pub = pp.published(result)
    assert pub.bonus_received_pct == {"men": 50.0, "women": None}
    assert pub.withheld[pp.bonus_key("women")].startswith("a count under 10")
    # The bonus gaps rest on the 2 women's bonuses: withheld; the hourly gaps and the quarters are not.
    assert pub.gaps["women"].bonus_mean_pct is None and pub.gaps["women"].bonus_median_pct is None
    assert pub.withheld[pp.gap_key("women", "bonus_mean_pct")] == (
        "fewer than 10 people paid a bonus in the group or the reference")
    assert pub.gaps["women"].mean_pct == pytest.approx(result.gaps["women"].mean_pct)
    assert pub.quarters["lower"] == {"men": 0.0, "women": 100.0}
    assert pub.sizes == {"men": 40.0, "women": 40.0}
    payload = pp.to_dict(pub)
    assert pp.audit(payload) == {}
    # Shown, 5% of a group of about 40 (35 to 44) is 1.6 to 2.4 people: 2.
    payload["bonus_received_pct"]["women"] = 5.0
    assert pp.audit(payload)[pp.bonus_key("women")].width == 0


# --- a 300-person organisation by sex: published in full --------------------------------------------------------


def test_the_sex_comparison_of_300_people_is_published_in_full():
    # 153 men, 147 women; quarters of 75. Lower: 30 men, 45 women; lower middle 35, 40; upper middle 40, 35;
    # upper 48, 27. A bonus for 60 men and 40 women.
    rows = ranked(("M", 30, 0), ("F", 45, 0), ("M", 35, 0), ("F", 40, 100), ("M", 40, 100), ("F", 35, 0),
                  ("M", 48, 200), ("F", 27, 0))
    rows = [(who, rate, bonus) for who, rate, bonus in rows]
    for i, (who, rate, _) in enumerate(rows):  # bonuses: the first 60 men and 40 women in pay order
        rows[i] = (who, rate, 0.0)
    men = [i for i, r in enumerate(rows) if r[0] == "M"][:60]
    women = [i for i, r in enumerate(rows) if r[0] == "F"][:40]
    for i in men + women:
        rows[i] = (rows[i][0], rows[i][1], 100.0 + i)
    result = result_for(rows, "sex")
    assert result.employees == 300 and result.quarter_sizes == dict.fromkeys(pg.QUARTERS, 75)
    pub = pp.published(result)
    assert pub.withheld == {}
    assert pub.sizes == {"men": 150.0, "women": 150.0}  # 153 and 147, to the nearest 10
    # 45 of 75 = 60%, 40 of 75 = 53.3% -> 53%, 35 of 75 = 46.7% -> 47%, 27 of 75 = 36%.
    assert [pub.quarters[q]["women"] for q in pg.QUARTERS] == [60.0, 53.0, 47.0, 36.0]
    assert [pub.quarters[q]["men"] for q in pg.QUARTERS] == [40.0, 47.0, 53.0, 64.0]
    assert pub.bonus_received_pct == {"men": 39.0, "women": 27.0}  # 60 / 153 = 39.2%, 40 / 147 = 27.2%
    for m in pg.MEASURES:
        assert getattr(pub.gaps["women"], m) == pytest.approx(getattr(result.gaps["women"], m))
    assert pp.audit(pp.to_dict(pub)) == {}


# --- shares of a quarter whose size is not public --------------------------------------------------------------


def a_pair_ranked_without_public_sizes() -> pg.PayGapResult:
    """Found by the generated proof below (and kept): White British the reference, White Irish in neither the
    reference nor the minority-ethnic group, so the quarters of the two ranked together have sizes a reader is not
    given. 87 people; the minority-ethnic group is 12, one of them in the upper quarter of the pair's ranking."""
    table = [("White British", 10.0, 37), ("White British", 11.0, 1), ("White British", 12.5, 3),
             ("White British", 14.0, 4), ("White British", 16.0, 3), ("White British", 20.0, 3),
             ("White British", 25.0, 2), ("White British", 31.0, 2), ("Chinese", 10.0, 1), ("Chinese", 16.0, 1),
             ("Indian", 10.0, 9), ("Irish", 10.0, 20), ("Pakistani", 16.0, 1)]
    data = frame([(who, rate, 0.0) for who, rate, n in table for _ in range(n)], "ethnicity")
    data["full_pay_relevant"] = pd.array([who != "Pakistani" for who, _, n in table for _ in range(n)],
                                         dtype="boolean")
    people = pg.relevant_employees(data, SNAPSHOT)
    return pg.pay_gaps(people, pg.ethnicity_grouping(people.frame, reference="white_british"),
                       pg.Bootstrap(resamples=0))


def test_a_share_of_a_quarter_of_unpublished_size_is_withheld_with_the_share_beside_it():
    result = a_pair_ranked_without_public_sizes()
    me, wb = pg.MINORITY_ETHNIC, "white_british"
    assert result.counts[me].relevant == 12
    upper = result.aggregate_quarters[me]["upper"]
    assert result.aggregate_quarter_sizes[me]["upper"] == 17 and upper[me] == pytest.approx(100 / 17)  # 1 of 17
    pub = pp.published(result)
    payload = pp.to_dict(pub)
    assert pp.audit(payload) == {}
    for q in pg.QUARTERS:
        if pub.aggregate_quarter_sizes[me][q] is None:
            # The two shares add up to 100: one shown would give the other.
            assert (pub.aggregate_quarters[me][q][me] is None) == (pub.aggregate_quarters[me][q][wb] is None)
    assert pub.aggregate_quarters[me]["upper"] == {wb: None, me: None}
    # The fault the proof found (what was published before): the pair's quarter sizes withheld and White British's
    # shares shown (81%, 76%, 81%, 94%) beside the group's withheld ones. The shares add up to 100, so the group's
    # are 19%, 24%, 19% and 6%, of quarters no bigger than the two groups' published sizes allow: 6% of the upper
    # is a handful of people.
    leaked = copy.deepcopy(payload)
    for q, white_share in zip(pg.QUARTERS, (81.0, 76.0, 81.0, 94.0), strict=True):
        leaked["aggregate_quarter_sizes"][me][q] = None
        leaked["aggregate_quarters"][me][q][wb] = white_share
    assert pp.audit(leaked)[pp.aggregate_quarter_key(me, "upper", me)].width < THRESHOLD


# --- the proof over generated payrolls ---------------------------------------------------------------------------

LABELS = ("White British", "Indian", "Pakistani", "African", "Caribbean", "Irish", "Arab", "Chinese")


@st.composite
def payrolls(draw: st.DrawFn) -> pd.DataFrame:
    """Several ethnic groups, small ones (1 to 9) among them, rates from a short list (so ties cross the quarters'
    boundaries), a few people paid a bonus, some not in the hourly figures."""
    groups = draw(st.lists(st.sampled_from(LABELS[1:]), min_size=1, max_size=4, unique=True))
    sizes = {"White British": draw(st.integers(10, 70))}
    for g in groups:
        sizes[g] = draw(st.one_of(st.integers(1, 9), st.integers(10, 40)))
    rates = st.sampled_from([10.0, 11.0, 12.5, 14.0, 16.0, 20.0, 25.0, 31.0])
    rows = []
    for g, n in sizes.items():
        for _ in range(n):
            rows.append((g, draw(rates), draw(st.sampled_from([0.0, 0.0, 0.0, 250.0, 900.0])),
                         draw(st.sampled_from([True] * 9 + [False]))))
    data = frame([(g, r, b) for g, r, b, _ in rows], "ethnicity")
    data["full_pay_relevant"] = pd.array([f for *_, f in rows], dtype="boolean")
    return data


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(payrolls(), st.sampled_from(["white", "white_british"]))
def test_every_generated_publication_passes_the_auditor(data, reference):
    people = pg.relevant_employees(data, SNAPSHOT)
    grouping = pg.ethnicity_grouping(people.frame, reference=reference)
    result = pg.pay_gaps(people, grouping, pg.Bootstrap(resamples=0))
    pub = pp.published(result, THRESHOLD)
    payload = pp.to_dict(pub)
    assert pp.audit(payload, THRESHOLD) == {}
    for name, table in pub.aggregate_quarters.items():
        for q, row in table.items():
            if pub.aggregate_quarter_sizes[name][q] is None:
                assert len({share is None for share in row.values()}) == 1, (name, q, row)
    for g in [*result.order, *result.aggregate_quarters]:
        if 0 < result.counts[g].relevant < THRESHOLD:
            assert pub.sizes[g] is None and all(pub.quarters.get(q, {}).get(g) is None for q in pg.QUARTERS)
    json.dumps(payload, allow_nan=False)  # what the command line prints


# --- the command line --------------------------------------------------------------------------------------------


def run(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "metrics", "paygap", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)


def test_command_line_suppress_prints_withheld_figures_as_null_with_reasons():
    completed = run(FIXTURE, "--by", "sex", "--snapshot", "2026-03-31", "--resamples", "0", "--json",
                    "--suppress", "10")
    assert completed.returncode == 0, completed.stderr
    data = json.loads(completed.stdout)
    assert data["published"] is True and data["threshold"] == 10
    assert "counts" not in data  # the groups' pay and exact sizes are internal
    assert data["sizes"]["women"] is None and data["quarters"]["upper"]["women"] is None
    assert data["withheld"][pp.size_key("women")].startswith("fewer than 10 relevant employees")
    assert pp.audit(data) == {}


def test_command_line_suppress_says_what_is_withheld_in_words_and_the_default_is_unchanged():
    text = run(FIXTURE, "--by", "sex", "--snapshot", "2026-03-31", "--resamples", "0", "--suppress", "10")
    assert text.returncode == 0, text.stderr
    assert "as published" in text.stdout and "Withheld\n--------" in text.stdout
    assert "Women: the number of relevant employees: withheld, fewer than 10 relevant employees" in text.stdout
    internal = json.loads(run(FIXTURE, "--by", "sex", "--snapshot", "2026-03-31", "--resamples", "0",
                              "--json").stdout)
    assert "withheld" not in internal and internal["counts"]["women"]["relevant"] > 0


def test_the_sample_council_by_ethnicity_passes_the_auditor_as_published():
    staff = ROOT / "sample_data" / "wexcombe" / "2026-03-31" / "staff.xlsx"
    completed = run(staff, "--by", "ethnicity", "--snapshot", "2026-03-31", "--resamples", "0", "--json",
                    "--suppress", "10")
    assert completed.returncode == 0, completed.stderr
    data = json.loads(completed.stdout)
    assert data["withheld"]  # small groups to protect
    assert data["sizes"]["white"] is not None and data["sizes"][pg.MINORITY_ETHNIC] is not None
    assert pp.audit(data) == {}
    assert all(size is None or size % 10 == 0 for size in data["sizes"].values())
    shares = [v for row in data["quarters"].values() for v in row.values() if v is not None]
    assert shares and all(v == int(v) for v in shares)


def test_published_notes_keep_the_rules_and_drop_the_counts_of_people():
    notes = ["3 rows of people who started after the snapshot (31 March 2026) left out: not yet employed on it",
             "ethnic groups with fewer than 10 relevant employees are combined as 'Other ethnic groups (combined)' "
             "(7 employees): Roma; Arab",
             "the combined group has fewer than 10 relevant employees: read its figures with care",
             "ordinary pay is taken as pay for a pay period of 31 days"]
    assert pp.published_notes(notes) == (
        "ethnic groups with fewer than 10 relevant employees are combined as 'Other ethnic groups (combined)': "
        "Roma; Arab",
        "ordinary pay is taken as pay for a pay period of 31 days",
        "Notes counting the people left out of these figures are in the internal figures only.")


def test_with_white_british_as_the_reference_the_pair_quarters_sizes_are_not_taken_as_public():
    # 40 White British, 40 Indian (the minority-ethnic group), 3 White Irish: with White British as the reference the
    # Irish are in neither side, so the sizes of the minority-ethnic group's quarters ranked with White British (80
    # people) beside the 83 employees would give the 3 away.
    rows = ranked(("White British", 20, 0), ("Indian", 20, 0), ("Irish", 3, 0), ("Indian", 20, 0),
                  ("White British", 20, 0))
    people = pg.relevant_employees(frame(rows, "ethnicity"), SNAPSHOT)
    result = pg.pay_gaps(people, pg.ethnicity_grouping(people.frame, reference="white_british"),
                         pg.Bootstrap(resamples=0))
    assert result.aggregate_members[pg.MINORITY_ETHNIC] == (("Asian, Asian British or Asian Welsh: Indian",), ())
    assert not pp.pair_is_everyone(result.order, result.reference, result.aggregate_members[pg.MINORITY_ETHNIC])
    payload = pp.to_dict(pp.published(result))
    assert payload["sizes"][pg.OTHER_COMBINED] is None
    assert pp.audit(payload) == {}
    # Planted: every pair quarter's size shown gives 83 - 80 = 3 back.
    payload["aggregate_quarter_sizes"][pg.MINORITY_ETHNIC] = dict(result.aggregate_quarter_sizes[pg.MINORITY_ETHNIC])
    assert pp.size_key(pg.OTHER_COMBINED) in pp.audit(payload)
