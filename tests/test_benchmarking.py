"""Benchmarking organisations: the pooled figure, the funnel's limits, each organisation's place, anonymising."""

import datetime as dt
import json
import math
import random
import string
from pathlib import Path

import pandas as pd
import pytest

from data_loaders.comparison import DISABILITY
from data_loaders.errors import InputError
from metrics import registry, stats
from metrics.benchmarking import (
    BETWEEN_95_998,
    CURVE_COLUMNS,
    OUTSIDE_998,
    WITHIN_95,
    anonymise,
    anonymise_benchmark,
    benchmark,
    funnel_curve,
    rounded_size,
    to_json_dict,
)
from metrics.counts import FigureSet, Period, validate_counts
from metrics.registry import METRICS
from metrics.results import compute_results
from metrics.settings import Settings
from pipeline.template import read_counts_templates, read_template_paths, spreadsheet_paths
from sample_data.region import ORGANISATIONS, write_region

ROOT = Path(__file__).resolve().parent.parent
REGION = ROOT / "sample_data" / "region"
END = dt.date(2026, 3, 31)
SC = Settings()
NHS = Settings(standard="nhs-wres")


def figures(name: str, counts: dict[str, dict[str, tuple[float, float]]], end: dt.date = END,
            item: str = "") -> FigureSet:
    """A figure set from {metric: {group: (events, base)}}."""
    rows = [{"metric": m, "item": item if METRICS[m].kind == "survey" else "", "group": g, "events": e, "base": b}
            for m, groups in counts.items() for g, (e, b) in groups.items()]
    return FigureSet(name, Period.twelve_months_to(end), validate_counts(pd.DataFrame(rows)),
                     available=frozenset(counts))


# The worked example. Each organisation has the same counts for M2 (appointed of shortlisted) and M3
# (entering disciplinary of headcount), so the two metrics differ only in which side is adverse.
#
#              BME events/base   white events/base   n = BME base + white base   ratio BME/white
#   Ashmere        3 / 50            30 / 150              200                   0.06 / 0.2 = 0.3
#   Brackenholt   27 / 150           90 / 450              600                   0.18 / 0.2 = 0.9
#   Carrowdale    20 / 50            30 / 150              200                   0.40 / 0.2 = 2.0
#   (Ashmere also has 10 unknown with 2 events: left out of n, the ratio and the pool.)
#
# Pooled: BME 50 / 250 = 0.2 = p1, white 150 / 750 = 0.2 = p2; ratio 1.0, theta0 = ln 1 = 0.
# Katz: se = sqrt(1/50 - 1/250 + 1/150 - 1/750) = sqrt(0.0213333) = 0.1460593
#       interval exp(-+1.959964 * 0.1460593) = exp(-+0.2862710) = 0.7511 to 1.3315
# s = 250 / 1000 = 0.25
# se(n) = sqrt(0.8 / (n * 0.25 * 0.2) + 0.8 / (n * 0.75 * 0.2)) = sqrt(16/n + 5.333333/n) = sqrt(21.333333/n)
#   n = 200: se = sqrt(0.1066667) = 0.3265986
#            95%:   exp(-+1.959964 * 0.3265986) = exp(-+0.6401215) = 0.5272 to 1.8967
#            99.8%: exp(-+3.090232 * 0.3265986) = exp(-+1.0092654) = 0.3645 to 2.7436
#   n = 600: se = sqrt(0.0355556) = 0.1885618
#            95%:   exp(-+0.3695743) = 0.6910 to 1.4471
#            99.8%: exp(-+0.5826997) = 0.5584 to 1.7909
# Places: Ashmere 0.3 < 0.3645 (outside 99.8%, below); Brackenholt 0.6910 <= 0.9 <= 1.4471 (within 95%);
#         Carrowdale 1.8967 < 2.0 <= 2.7436 (between 95% and 99.8%, above).
WORKED = {
    "Ashmere": {"bme": (3, 50), "white": (30, 150), "unknown": (2, 10)},
    "Brackenholt": {"bme": (27, 150), "white": (90, 450), "unknown": (0, 0)},
    "Carrowdale": {"bme": (20, 50), "white": (30, 150), "unknown": (0, 0)},
}
LIMITS_200 = (0.5272, 1.8967, 0.3645, 2.7436)
LIMITS_600 = (0.6910, 1.4471, 0.5584, 1.7909)


def worked_sets() -> list[FigureSet]:
    return [figures(name, {"M2": groups, "M3": groups}) for name, groups in WORKED.items()]


def rows_by_name(comparison):
    return {row.organisation: row for row in comparison.organisations}


def limits_tuple(limits):
    return tuple(round(v, 4) for v in (limits.lower_95, limits.upper_95, limits.lower_998, limits.upper_998))


@pytest.mark.parametrize("metric_id", ["M2", "M3"])
def test_pooled_ratio_and_katz_interval(metric_id):
    comparison = benchmark(worked_sets(), SC, published_only=()).comparison(metric_id)
    pooled = comparison.pooled
    assert (pooled.numerator.events, pooled.numerator.base) == (50, 250)
    assert (pooled.denominator.events, pooled.denominator.base) == (150, 750)
    assert pooled.value == pytest.approx(1.0)
    assert (round(pooled.ci[0], 4), round(pooled.ci[1], 4)) == (0.7511, 1.3315)
    assert pooled.share == pytest.approx(0.25)


@pytest.mark.parametrize("settings", [SC, NHS])
def test_limits_at_each_organisations_size(settings):
    rows = rows_by_name(benchmark(worked_sets(), settings, published_only=()).comparison("M2"))
    assert {name: row.size for name, row in rows.items()} == {"Ashmere": 200, "Brackenholt": 600, "Carrowdale": 200}
    assert limits_tuple(rows["Ashmere"].limits) == LIMITS_200
    assert limits_tuple(rows["Carrowdale"].limits) == LIMITS_200
    assert limits_tuple(rows["Brackenholt"].limits) == LIMITS_600


def test_positions_where_low_is_adverse_sc_wres_appointment():
    rows = rows_by_name(benchmark(worked_sets(), SC, published_only=()).comparison("M2"))
    assert rows["Ashmere"].value == pytest.approx(0.3)
    assert (rows["Ashmere"].position, rows["Ashmere"].side, rows["Ashmere"].adverse) == (OUTSIDE_998, "below", True)
    assert (rows["Brackenholt"].position, rows["Brackenholt"].side, rows["Brackenholt"].adverse) == (
        WITHIN_95, None, None)
    assert (rows["Carrowdale"].position, rows["Carrowdale"].side, rows["Carrowdale"].adverse) == (
        BETWEEN_95_998, "above", False)


@pytest.mark.parametrize("settings", [SC, NHS])
def test_positions_where_high_is_adverse_disciplinary(settings):
    comparison = benchmark(worked_sets(), settings, published_only=()).comparison("M3")
    assert comparison.adverse_if == "higher"
    rows = rows_by_name(comparison)
    assert rows["Carrowdale"].value == pytest.approx(2.0)
    assert (rows["Ashmere"].position, rows["Ashmere"].side, rows["Ashmere"].adverse) == (OUTSIDE_998, "below", False)
    assert rows["Brackenholt"].position == WITHIN_95
    assert (rows["Carrowdale"].position, rows["Carrowdale"].side, rows["Carrowdale"].adverse) == (
        BETWEEN_95_998, "above", True)


def test_nhs_wres_puts_white_over_bme_for_appointment():
    comparison = benchmark(worked_sets(), NHS, published_only=()).comparison("M2")
    assert comparison.pooled.numerator_group == "white"
    assert comparison.adverse_if == "higher"
    rows = rows_by_name(comparison)
    # Ashmere: white 0.2 over BME 0.06 = 3.3333, beyond 2.7436: outside, above, and still adverse.
    assert rows["Ashmere"].value == pytest.approx(0.2 / 0.06)
    assert (rows["Ashmere"].position, rows["Ashmere"].side, rows["Ashmere"].adverse) == (OUTSIDE_998, "above", True)
    # Brackenholt: 0.2 / 0.18 = 1.1111, within 0.6910 to 1.4471.
    assert rows["Brackenholt"].value == pytest.approx(0.2 / 0.18)
    assert rows["Brackenholt"].position == WITHIN_95
    # Carrowdale: 0.2 / 0.4 = 0.5, between 0.3645 and 0.5272: between the limits, below, not adverse.
    assert (rows["Carrowdale"].position, rows["Carrowdale"].side, rows["Carrowdale"].adverse) == (
        BETWEEN_95_998, "below", False)


@pytest.mark.parametrize("settings", [SC, NHS])
def test_rows_carry_compute_results_figures_unchanged(settings):
    sets = worked_sets()
    rows = rows_by_name(benchmark(sets, settings, published_only=()).comparison("M2"))
    for fs in sets:
        ratio = compute_results(fs, settings)["M2"].ratio
        row = rows[fs.organisation]
        assert (row.value, row.ci, row.status) == (ratio.value, ratio.ci, ratio.status)
    assert stats.is_adverse(rows["Ashmere"].status)  # 0.3 is below 0.80 under either standard's direction


def test_small_organisation_listed_with_reason_and_pooled():
    small = figures("Dunmore", {"M2": {"bme": (1, 4), "white": (10, 40)}})
    comparison = benchmark([*worked_sets(), small], SC, published_only=()).comparison("M2")
    row = rows_by_name(comparison)["Dunmore"]
    assert row.status == stats.INSUFFICIENT
    assert not row.placed and row.limits is None
    assert "only 4 BME" in row.reason
    assert [r.organisation for r in comparison.not_placed] == ["Dunmore"]
    # It is still part of the region's figure: BME 51 of 254, white 160 of 790.
    assert (comparison.pooled.numerator.events, comparison.pooled.numerator.base) == (51, 254)
    assert (comparison.pooled.denominator.events, comparison.pooled.denominator.base) == (160, 790)


def test_ratio_of_zero_and_no_data_are_listed_not_placed():
    none_appointed = figures("Eastholm", {"M2": {"bme": (0, 40), "white": (12, 60)}, "M3": WORKED["Ashmere"]})
    comparison = benchmark([*worked_sets(), none_appointed], SC, published_only=()).comparison("M2")
    row = rows_by_name(comparison)["Eastholm"]
    assert row.value == 0 and not row.placed and "ratio is 0" in row.reason
    m4 = benchmark([*worked_sets(), none_appointed], SC, published_only=()).comparison("M4")
    assert len(m4.no_data) == 4 and not m4.pooled.has_funnel and m4.funnel_reason
    assert funnel_curve(m4).empty


def test_funnel_curve_covers_the_organisations_geometrically():
    comparison = benchmark(worked_sets(), SC, published_only=()).comparison("M3")
    curve = funnel_curve(comparison, points=50)
    assert list(curve.columns) == list(CURVE_COLUMNS) and len(curve) == 50
    # From 200 / 1.25 = 160 to 600 * 1.25 = 750, each n the same multiple of the one before.
    assert curve["n"].iloc[0] == pytest.approx(160) and curve["n"].iloc[-1] == pytest.approx(750)
    steps = curve["n"] / curve["n"].shift()
    assert steps.dropna().to_numpy() == pytest.approx([(750 / 160) ** (1 / 49)] * 49)
    # n = 160: se = sqrt(21.333333 / 160) = 0.3651484; upper 99.8% = exp(3.090232 * 0.3651484) = exp(1.1283932) = 3.0907
    assert round(curve["upper_998"].iloc[0], 4) == 3.0907
    assert round(curve["lower_95"].iloc[0], 4) == round(math.exp(-1.959964 * math.sqrt(64 / 480)), 4)
    assert curve["upper_95"].is_monotonic_decreasing and curve["lower_95"].is_monotonic_increasing
    assert (curve["upper_998"] > curve["upper_95"]).all() and (curve["lower_998"] < curve["lower_95"]).all()


def test_survey_questions_senior_managers_and_pay_bands():
    def org(name, yes, senior, bands):
        counts = {"M7": {"bme": (yes, 100), "white": (20, 200)}, "M9": {"bme": (senior, 100), "white": (12, 200)}}
        fs = figures(name, counts, item="colleagues")
        m1 = pd.DataFrame([{"metric": "M1", "item": "Band 1", "group": g, "events": n, "base": n}
                           for g, n in bands.items()])
        return FigureSet(name, fs.period, validate_counts(pd.concat([fs.counts, m1])),
                         available=fs.available | {"M1"})

    result = benchmark([org("Ashmere", 15, 3, {"bme": 30, "white": 60, "unknown": 10}),
                        org("Brackenholt", 25, 5, {"bme": 10, "white": 90, "unknown": 0})], SC, published_only=())
    assert [c.key for c in result.comparisons] == ["M2", "M3", "M4", "M5", "M6 public", "M7 colleagues",
                                                   "M7 managers", "M8", "M9"]
    colleagues = result.comparison("M7", "colleagues")
    assert colleagues.question_label == "from colleagues"
    # Pooled: BME 40 / 200 = 0.2 over white 40 / 400 = 0.1.
    assert colleagues.pooled.value == pytest.approx(2.0)
    assert result.comparison("M7", "managers").no_data and not result.comparison("M7", "managers").placed
    m9 = result.comparison("M9")
    assert m9.adverse_if == "lower"
    assert m9.pooled.value == pytest.approx((8 / 200) / (24 / 400))
    # M1: the BME share of staff of known ethnicity (unknowns left out), and pooled 40 / 190.
    workforce = {row.organisation: row for row in result.workforce.organisations}
    assert workforce["Ashmere"].size == 90 and workforce["Ashmere"].focus_pct == pytest.approx(100 * 30 / 90)
    assert workforce["Brackenholt"].focus_pct == pytest.approx(10.0)
    assert result.workforce.pooled_pct == pytest.approx(100 * 40 / 190)


def test_metrics_can_be_chosen():
    result = benchmark(worked_sets(), SC, metrics=["m3"], published_only=())
    assert [c.key for c in result.comparisons] == ["M3"] and result.workforce is None
    with pytest.raises(InputError, match="no metric 'M12'"):
        benchmark(worked_sets(), SC, metrics=["M12"], published_only=())


def test_duplicate_names_and_too_few_organisations_are_refused():
    sets = worked_sets()
    with pytest.raises(InputError) as error:
        benchmark([*sets, sets[0], sets[1]], SC, published_only=())
    message = str(error.value)
    assert "'Ashmere'" in message and "'Brackenholt'" in message and "'Carrowdale'" not in message
    assert "About sheet" in message
    with pytest.raises(InputError, match="at least 2 organisations"):
        benchmark(sets[:1], SC, published_only=())


def test_figures_of_different_comparisons_are_never_pooled(monkeypatch):
    """A saved period says whose groups it holds (FigureSet.comparison): disability figures set beside ethnic
    groups' are refused, naming them, rather than pooled; a disability standard pools only disability figures."""
    disability = {"disabled": (3, 50), "non_disabled": (30, 150), "not_declared": (1, 10)}
    rows = [{"metric": "M3", "item": "", "group": g, "events": e, "base": b} for g, (e, b) in disability.items()]
    wdes = FigureSet("Dunmore", Period.twelve_months_to(END), validate_counts(pd.DataFrame(rows), DISABILITY),
                     available=frozenset({"M3"}), comparison=DISABILITY)
    with pytest.raises(InputError, match=r"compares groups by ethnicity, but the figures of 'Dunmore' \(by "
                                         r"disability\) are counted in other groups: .* cannot be pooled"):
        benchmark([*worked_sets(), wdes], SC, published_only=())
    with pytest.raises(InputError, match="'Dunmore' .*cannot be pooled"):
        benchmark([*worked_sets(), wdes], NHS, published_only=())
    monkeypatch.setitem(registry.STANDARDS, "test-wdes",
                        registry.Standard("test-wdes", "Test WDES", "A disability standard for tests", DISABILITY))
    test_wdes = Settings(standard="test-wdes")
    with pytest.raises(InputError, match="compares groups by disability, but the figures of 'Ashmere' \\(by "
                                         "ethnicity\\), 'Brackenholt'"):
        benchmark([*worked_sets(), wdes], test_wdes, published_only=())
    other = FigureSet("Eastwick", wdes.period, wdes.counts, available=wdes.available, comparison=DISABILITY)
    result = benchmark([wdes, other], test_wdes, metrics=["M3"], published_only=())
    (m3,) = result.comparisons
    assert m3.pooled.value == pytest.approx(0.3)  # 0.06 / 0.2 in each, so in the pool


def test_differing_periods_are_noted():
    sets = [*worked_sets(), figures("Dunmore", {"M2": WORKED["Ashmere"]}, end=dt.date(2025, 3, 31))]
    result = benchmark(sets, SC, published_only=())
    assert result.common_period is None
    (note,) = result.notes
    assert "3 of 4 are for 1 April 2025 to 31 March 2026" in note
    assert "Dunmore: 1 April 2024 to 31 March 2025" in note
    assert benchmark(worked_sets(), SC, published_only=()).notes == []


# ---------------------------------------------------------------------------------------
# Anonymising


def _label(i: int) -> str:
    letters = string.ascii_uppercase
    return "Organisation " + (letters[i] if i < 26 else letters[i // 26 - 1] + letters[i % 26])


def test_anonymise_labels_every_name_once_beyond_z():
    key = anonymise(ORGANISATIONS)
    assert set(key) == set(ORGANISATIONS)
    assert sorted(key.values()) == sorted(_label(i) for i in range(30))
    assert "Organisation AD" in key.values() and "Organisation AE" not in key.values()


def test_anonymise_order_is_random_not_alphabetical():
    alphabetical = {name: _label(i) for i, name in enumerate(sorted(ORGANISATIONS))}
    runs = [anonymise(ORGANISATIONS) for _ in range(60)]
    # One chance in 30! of the alphabetical key by accident; first name's label should vary widely.
    assert all(run != alphabetical for run in runs)
    first_labels = {run[sorted(ORGANISATIONS)[0]] for run in runs}
    assert len(first_labels) >= 15
    # Over many runs the alphabetical rank and the label rank are uncorrelated, on average.
    rank = {name: i for i, name in enumerate(sorted(ORGANISATIONS))}
    matches = sum(run[name] == _label(rank[name]) for run in runs for name in ORGANISATIONS)
    assert matches < 60 * 30 * 0.2  # about 1 in 30 expected by chance


def test_anonymise_with_a_seeded_generator_is_repeatable():
    assert anonymise(ORGANISATIONS, random.Random(7)) == anonymise(ORGANISATIONS, random.Random(7))


@pytest.mark.parametrize(("size", "shown"), [(1234, 1230), (1235, 1240), (4, 10), (0, 0), (5105.5, 5110),
                                             (None, None)])
def test_sizes_round_to_the_nearest_ten(size, shown):
    assert rounded_size(size) == shown


def test_anonymised_benchmark_hides_names_counts_and_exact_sizes():
    odd = figures("Dunmore", {"M2": {"bme": (9, 31), "white": (40, 212)}, "M3": {"bme": (3, 31), "white": (9, 212)}})
    result = benchmark([*worked_sets(), odd], SC, published_only=())
    key = {"Ashmere": "Organisation C", "Brackenholt": "Organisation A", "Carrowdale": "Organisation D",
           "Dunmore": "Organisation B"}
    shared = anonymise_benchmark(result, key)
    assert shared.anonymised and shared.organisations == tuple(f"Organisation {c}" for c in "ABCD")
    m2 = shared.comparison("M2")
    assert [row.organisation for row in m2.organisations] == list(shared.organisations)
    rows = rows_by_name(m2)
    assert rows["Organisation B"].size == 240  # 31 + 212 = 243
    # Its 9 appointed: the ratio and interval would give the counts back, so they are not shared.
    assert rows["Organisation B"].value is None and rows["Organisation B"].ci is None
    assert not rows["Organisation B"].placed and "count under 10" in rows["Organisation B"].reason
    assert all(row.groups == {} for row in m2.organisations)
    # Ashmere's 3 appointed: withheld too. Carrowdale is placed at its rounded size, where it was before.
    assert rows["Organisation C"].value is None and not rows["Organisation C"].placed
    before = rows_by_name(result.comparison("M2"))["Carrowdale"]
    assert rows["Organisation D"].placed and rows["Organisation D"].value == before.value
    assert (rows["Organisation D"].position, rows["Organisation D"].side) == (before.position, before.side)
    assert m2.pooled == result.comparison("M2").pooled
    assert any("random order" in note and "nearest 10" in note for note in shared.notes)
    text = json.dumps(to_json_dict(shared))
    for name in ("Ashmere", "Brackenholt", "Carrowdale", "Dunmore", "243"):
        assert name not in text
    assert list(to_json_dict(shared)["periods"]) == list(shared.organisations)


def test_json_is_plain_and_names_metrics_from_the_registry():
    result = benchmark(worked_sets(), SC, metrics=["M2", "M4"], published_only=())
    data = json.loads(json.dumps(to_json_dict(result), allow_nan=False))
    m2, m4 = data["comparisons"]
    assert (m2["metric"], m2["title"], m2["adverse_if"]) == ("M2", METRICS["M2"].title, "lower")
    assert m2["pooled"]["value"] == 1 and m2["pooled"]["numerator"] == {
        "group": "bme", "events": 50, "base": 250, "rate": 0.2}
    ashmere = m2["organisations"][0]
    assert ashmere["organisation"] == "Ashmere" and ashmere["position"] == OUTSIDE_998
    assert [round(ashmere["limits"][k], 4) for k in ("lower_95", "upper_95", "lower_998", "upper_998")] == list(
        LIMITS_200)
    assert m4["funnel"] is False and all(row["status"] == "no data" for row in m4["organisations"])


# ---------------------------------------------------------------------------------------
# Files and the sample region


def test_records_file_is_refused_with_how_to_make_a_template():
    staff = ROOT / "sample_data" / "wexcombe" / "2026-03-31" / "staff.xlsx"
    with pytest.raises(InputError) as error:
        read_counts_templates([("staff.xlsx", staff.read_bytes())])
    assert "one counts template per organisation" in str(error.value)
    assert "python -m metrics template" in str(error.value)


def test_folders_expand_to_their_spreadsheets_sorted(tmp_path):
    for name in ("b.xlsx", "a.csv", "notes.txt", "~$b.xlsx", "c.ODS"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "inner").mkdir()
    assert [p.name for p in spreadsheet_paths([tmp_path])] == ["a.csv", "b.xlsx", "c.ODS"]
    with pytest.raises(InputError, match="does not exist"):
        spreadsheet_paths([tmp_path / "missing.xlsx"])
    with pytest.raises(InputError, match="no spreadsheets"):
        spreadsheet_paths([tmp_path / "inner"])


@pytest.fixture(scope="module")
def region():
    return benchmark(read_template_paths([REGION]), SC, published_only=())


def test_sample_region_has_thirty_templates_and_shows_what_a_funnel_is_for(region):
    assert len(region.organisations) == 30 == len(ORGANISATIONS)
    assert "Wexcombe" not in " ".join(region.organisations)
    assert region.common_period == Period.twelve_months_to(END)
    outside = {(c.key, row.organisation) for c in region.comparisons for row in c.placed
               if row.position == OUTSIDE_998}
    assert ("M3", "Kestermoor City Council") in outside and ("M2", "Pellbridge Borough Council") in outside
    insufficient = {row.organisation for c in region.comparisons for row in c.not_placed
                    if row.status == stats.INSUFFICIENT}
    assert {"Fernhithe Council", "Quillbury Council", "Underfell Council"} <= insufficient
    appointment = [row.value for row in region.comparison("M2").placed]
    assert sum(0.6 <= v <= 1.0 for v in appointment) > len(appointment) / 2
    disciplinary = [row.value for row in region.comparison("M3").placed]
    assert sum(1.0 <= v <= 2.5 for v in disciplinary) > len(disciplinary) / 2


def test_sample_region_files_are_what_the_generator_writes(tmp_path):
    written = write_region(tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in REGION.glob("*.xlsx"))
    for path in written:
        assert path.read_bytes() == (REGION / path.name).read_bytes(), path.name
        assert path.stat().st_size < 40_000


# ---------------------------------------------------------------------------------------
# Other organisations' figures, shown only as published


def test_published_only_is_required_and_must_name_organisations_compared():
    with pytest.raises(TypeError, match="published_only"):
        benchmark(worked_sets(), SC)
    with pytest.raises(ValueError, match="'Dunmore', which has no figures here"):
        benchmark(worked_sets(), SC, published_only={"Dunmore"})
    with pytest.raises(TypeError, match="not one name"):
        benchmark(worked_sets(), SC, published_only="Ashmere")


def test_one_published_organisation_withholds_the_pooled_figure_and_every_place():
    # Brackenholt looks at its own and Carrowdale's (whose figures it may read) beside Ashmere's, published only.
    # The pooled counts (50/250 and 150/750) less Brackenholt's and Carrowdale's are Ashmere's 3/50 and 30/150:
    # the pooled figure would give them back, so it is withheld, its interval and the limits with it.
    result = benchmark(worked_sets(), SC, published_only={"Ashmere"})
    m2 = result.comparison("M2")
    assert (m2.pooled.value, m2.pooled.ci, m2.pooled.numerator.events, m2.pooled.denominator.base) == (
        None, None, None, None)
    assert m2.pooled_reason == ("the pooled figure is withheld: with only one other organisation's figures it "
                                "would give theirs back (take away the figures you can see)")
    assert m2.funnel_reason == m2.pooled_reason and not m2.placed and funnel_curve(m2).empty
    rows = rows_by_name(m2)
    # Ashmere: size 50 + 150 = 200, no counts, and its ratio rests on its 3 appointed: withheld.
    assert (rows["Ashmere"].size, rows["Ashmere"].groups, rows["Ashmere"].value, rows["Ashmere"].ci) == (
        200, {}, None, None)
    assert rows["Ashmere"].status == stats.WITHHELD
    # The others keep their counts and ratios (0.9, 2.0), unplaced, saying why.
    assert rows["Carrowdale"].value == pytest.approx(2.0) and rows["Carrowdale"].groups["bme"].events == 20
    assert rows["Brackenholt"].reason == "not placed: the pooled figure is withheld"
    data = to_json_dict(result)
    json_m2 = data["comparisons"][0]
    assert json_m2["pooled"]["value"] is None and json_m2["pooled"]["numerator"]["events"] is None
    assert "groups" not in json_m2["organisations"][0] and data["published_only"] == ["Ashmere"]
    assert any("Ashmere's figures are shown as they would be published" in note for note in result.notes)


def test_two_published_organisations_with_publishable_sums_show_the_pooled_figure():
    # Ashmere and Carrowdale published only: their sums are BME 3 + 20 = 23 of 50 + 50 = 100, white 30 + 30 = 60
    # of 150 + 150 = 300, each 10 or more. The pooled figure is as in the worked example: 1.0 (0.7511 to 1.3315).
    result = benchmark(worked_sets(), SC, published_only={"Ashmere", "Carrowdale"})
    m2 = result.comparison("M2")
    assert m2.pooled_reason == "" and m2.pooled.value == pytest.approx(1.0)
    assert tuple(round(v, 4) for v in m2.pooled.ci) == (0.7511, 1.3315)
    rows = rows_by_name(m2)
    # Carrowdale: shown at its rounded size, 200, where its exact size put it: between the limits, above.
    assert (rows["Carrowdale"].size, rows["Carrowdale"].groups) == (200, {})
    assert rows["Carrowdale"].value == pytest.approx(2.0)
    assert (rows["Carrowdale"].position, rows["Carrowdale"].side) == (BETWEEN_95_998, "above")
    assert limits_tuple(rows["Carrowdale"].limits) == LIMITS_200
    assert rows["Ashmere"].value is None and not rows["Ashmere"].placed  # its 3 appointed
    assert rows["Brackenholt"].position == WITHIN_95 and rows["Brackenholt"].groups  # its own: in full


def test_two_published_organisations_whose_summed_events_are_small_withhold_the_pooled_figure():
    # Dunmore (BME 2 of 40) and Eskdale (BME 4 of 60) together had 6 BME appointed: pooled less Brackenholt's own
    # 27 would give back that 6, under 10. Their other sums (100 BME shortlisted, 45 and 300 white) would do.
    dunmore = figures("Dunmore", {"M2": {"bme": (2, 40), "white": (20, 160)}})
    eskdale = figures("Eskdale", {"M2": {"bme": (4, 60), "white": (25, 140)}})
    own = worked_sets()[1]
    result = benchmark([own, dunmore, eskdale], SC, published_only={"Dunmore", "Eskdale"})
    m2 = result.comparison("M2")
    assert m2.pooled.value is None and not m2.placed
    assert m2.pooled_reason == ("the pooled figure is withheld: the other organisations' figures in it add up to a "
                                "count under 10, which it would give back (take away the figures you can see)")
    # One more published organisation with nobody in it is not a second: Dunmore's alone would be given back.
    empty = figures("Fallow", {"M2": {"bme": (0, 0), "white": (0, 0)}})
    alone = benchmark([own, dunmore, empty], SC, published_only={"Dunmore", "Fallow"}).comparison("M2")
    assert "only one other organisation" in alone.pooled_reason
    # None published only: as before.
    assert benchmark([own, dunmore, eskdale], SC, published_only=()).comparison("M2").pooled.value is not None


def _with_bands(name: str, bme: float, white: float) -> FigureSet:
    fs = figures(name, {"M2": WORKED["Brackenholt"]})
    m1 = pd.DataFrame([{"metric": "M1", "item": "Band 1", "group": g, "events": n, "base": n}
                       for g, n in {"bme": bme, "white": white, "unknown": 5}.items()])
    return FigureSet(name, fs.period, validate_counts(pd.concat([fs.counts, m1])), available=fs.available | {"M1"})


def test_published_workforce_rows_keep_no_headcount_and_no_share_resting_on_a_small_count():
    # Own: 40 BME of 160. Gorsey: 31 BME of 31 + 63 = 94, shown as 90 at 31/94 = 32.98%. Hythe: 4 BME of 204:
    # 1.96% of about 200 gives the 4 back, so its share is withheld.
    sets = [_with_bands("Own", 40, 120), _with_bands("Gorsey", 31, 63), _with_bands("Hythe", 4, 200)]
    result = benchmark(sets, SC, published_only={"Gorsey", "Hythe"}, metrics=["M1"])
    rows = {row.organisation: row for row in result.workforce.organisations}
    assert (rows["Gorsey"].size, rows["Gorsey"].focus) == (90, None)
    assert rows["Gorsey"].focus_pct == pytest.approx(100 * 31 / 94)
    assert (rows["Hythe"].size, rows["Hythe"].focus, rows["Hythe"].focus_pct) == (200, None, None)
    assert rows["Hythe"].reason == "withheld: it rests on a count under 10"
    assert (rows["Own"].size, rows["Own"].focus) == (160, 40)
    # Two published, summing to 35 BME and 263 white: the pooled share (40 + 35) / (160 + 298) is shown.
    assert result.workforce.pooled_pct == pytest.approx(100 * 75 / 458)
    one = benchmark(sets[:2], SC, published_only={"Gorsey"}, metrics=["M1"]).workforce
    assert one.pooled_pct is None and "pooled share is withheld" in one.pooled_reason
    data = to_json_dict(benchmark(sets[:2], SC, published_only={"Gorsey"}, metrics=["M1"]))["workforce"]
    assert data["pooled_bme_pct"] is None and all("bme" not in row for row in data["organisations"])
    # Anonymising for sharing publishes every row the same way.
    shared = anonymise_benchmark(benchmark(sets, SC, published_only=(), metrics=["M1"]),
                                 {"Own": "Organisation A", "Gorsey": "Organisation B", "Hythe": "Organisation C"})
    assert [(r.size, r.focus, r.focus_pct is None) for r in shared.workforce.organisations] == [
        (160, None, False), (90, None, False), (200, None, True)]


def test_two_trusts_are_benchmarked_under_the_wdes_in_its_own_groups_and_words():
    """The WDES across organisations: the sample trust and a copy of it (one organisation counted twice: the pooled
    share is its own), by disability; the workforce's share, the JSON and the tables speak of disability."""
    from dataclasses import replace as with_

    from charts.funnel import funnel, workforce_shares
    from commands.metrics_cli import render_benchmark
    from metrics.benchmarking import to_json_dict
    from pipeline.api import analyse_paths, sample_trust_paths

    wdes = Settings(standard="wdes")
    trust = analyse_paths(sample_trust_paths(), settings=wdes).figures
    twin = with_(trust, organisation="Southfield NHS Trust")
    result = benchmark([trust, twin], wdes, published_only=())
    assert result.workforce is not None
    d1 = trust.for_metric("D1")
    disabled = d1[d1["group"] == "disabled"]["events"].sum()
    non_disabled = d1[d1["group"] == "non_disabled"]["events"].sum()
    assert result.workforce.pooled_pct == pytest.approx(100 * disabled / (disabled + non_disabled))
    assert {c.metric_id for c in result.comparisons} >= {"D2", "D3", "D4A", "D7", "D10"}
    out = to_json_dict(result)
    assert out["workforce"]["metric"] == "D1" and "pooled_disabled_pct" in out["workforce"]
    text = render_benchmark(result) + json.dumps(out)
    for chart in (workforce_shares(result.workforce, wdes), *(funnel(c, wdes) for c in result.comparisons)):
        text += chart.summary + json.dumps(chart.chart.to_dict()) + chart.table.to_csv()
    assert "disability status is declared" in text
    for word in ("BME", "bme", "ethnicity", "white", "White"):
        assert word not in text, word
