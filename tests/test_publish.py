"""Publication-safe results: no count under the threshold, nothing built on one."""

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commands.serialise import result_to_dict
from metrics.counts import DataQuality, FigureSet, Period
from metrics.publish import band_runs, combine_bands, publish
from metrics.results import compute_results
from metrics.settings import Settings

PERIOD = Period(dt.date(2025, 4, 1), dt.date(2026, 3, 31))


def figures(rows, quality=None):
    counts = pd.DataFrame(rows, columns=["metric", "item", "group", "events", "base"])
    return FigureSet("Test", PERIOD, counts, quality or {}, available=frozenset(counts["metric"]))


def test_small_group_events_withhold_the_ratio():
    # 4 BME staff entered disciplinary: hidden, and with it the ratio and its interval.
    rows = [("M3", "", "bme", 4, 400), ("M3", "", "white", 30, 1200), ("M3", "", "unknown", 0, 100)]
    quality = {"M3": DataQuality(total=1700, unknown=100, unrecognised={"Other (see notes)": 3})}
    settings = Settings()
    published = publish(compute_results(figures(rows, quality), settings), settings)["M3"]
    assert published.groups["bme"].events is None
    assert published.groups["bme"].rate is None
    # Secondary: the white events would give the BME events from the total, so one more goes.
    assert published.value is None and published.ci is None
    assert published.status == "withheld"  # "Withheld for publication", not too few to say
    assert "withheld" in published.sentence
    assert "4 of 400" not in published.sentence
    assert published.quality.unrecognised == {}
    out = result_to_dict(published)
    assert out["groups"]["bme"]["events"] is None
    assert "bme.events" in out["suppressed"]


def test_nothing_small_nothing_hidden():
    rows = [("M2", "", "bme", 30, 120), ("M2", "", "white", 70, 200), ("M2", "", "unknown", 10, 40)]
    settings = Settings()
    results = compute_results(figures(rows), settings)
    published = publish(results, settings)["M2"]
    assert published.value == results["M2"].value
    assert published.groups == results["M2"].groups
    assert published.hidden == frozenset()


def test_pay_bands_are_combined_rather_than_withheld_worked_by_hand():
    """SM1 has 2 BME staff: withheld, the board loses the senior finding. Combined with the band below it
    (Grade 8: 18, 180, 10), the run has 20 BME, 210 white and 10 unknown, all at least 10: published whole.

    Grade 8 to SM1: 20 / 240 = 8.3% BME, published as 8%; 210 / 240 = 87.5%, as 88%; 10 / 240 = 4.2%, as 4%.
    """
    rows = [
        ("M1", "Grade 3", "bme", 40, 60), ("M1", "Grade 3", "white", 80, 290), ("M1", "Grade 3", "unknown", 12, 22),
        ("M1", "Grade 8", "bme", 18, 60), ("M1", "Grade 8", "white", 180, 290), ("M1", "Grade 8", "unknown", 10, 22),
        ("M1", "SM1", "bme", 2, 60), ("M1", "SM1", "white", 30, 290), ("M1", "SM1", "unknown", 0, 22),
    ]
    settings = Settings()
    results = compute_results(figures(rows), settings)
    assert band_runs(results["M1"], 10) == [["Grade 3"], ["Grade 8", "SM1"]]
    published = publish(results, settings)["M1"]
    assert [b.band for b in published.bands] == ["Grade 3", "Grade 8 to SM1"]
    top = published.bands[-1]
    assert top.counts == {"bme": 20, "white": 210, "unknown": 10} and top.total == 240
    assert top.pct == {"bme": 8, "white": 88, "unknown": 4}
    assert published.combined == ("Grade 8 and SM1 are shown together as Grade 8 to SM1",)
    assert published.hidden == frozenset()
    assert "in the highest (Grade 8 to SM1)" in published.sentence
    # Nothing combined on screen: the unsuppressed figures keep every band.
    assert [b.band for b in results["M1"].bands] == ["Grade 3", "Grade 8", "SM1"]


def test_bands_left_over_at_the_bottom_join_the_run_above_and_one_run_is_withheld_as_before():
    rows = [
        ("M1", "G1", "bme", 3, 0), ("M1", "G1", "white", 4, 0), ("M1", "G1", "unknown", 0, 0),
        ("M1", "G2", "bme", 30, 0), ("M1", "G2", "white", 40, 0), ("M1", "G2", "unknown", 0, 0),
    ]
    results = compute_results(figures(rows), Settings())
    # From the top: G2 is safe alone; G1 (3, 4) is not and has no band below, so it joins G2.
    assert band_runs(results["M1"], 10) == [["G1", "G2"]]
    small = [("M1", "G1", "bme", 3, 0), ("M1", "G1", "white", 4, 0), ("M1", "G1", "unknown", 1, 0)]
    settings = Settings()
    published = publish(compute_results(figures(small), settings), settings)["M1"]
    # A single band that cannot be made safe is withheld, as before.
    assert [b.band for b in published.bands] == ["G1"] and published.bands[0].counts["bme"] is None


def test_bands_shown_by_cluster_combine_only_within_their_cluster_worked_by_hand():
    """Under the NHS WRES metric 1's items are a cluster and a band. From the top of the clinical cluster: Band 8a
    (3, 8, 0) is not safe; with Band 7 (12, 40, 2) it is 15, 48, 2, still not (2 unknown); with Band 5 (30, 50, 8)
    it is 45, 98, 10, all at least 10: one run, Clinical: Band 5 to Band 8a. Non-clinical: Band 2 (20, 30, 0) is
    safe alone. Medical and dental: Consultant (4, 25, 0) has no other band in its cluster, so it stays alone and
    its 4 is withheld rather than joined to the clinical bands beside it.
    """
    rows = [
        ("M1", "Non-clinical: Band 2", "bme", 20, 0), ("M1", "Non-clinical: Band 2", "white", 30, 0),
        ("M1", "Non-clinical: Band 2", "unknown", 0, 0),
        ("M1", "Clinical: Band 5", "bme", 30, 0), ("M1", "Clinical: Band 5", "white", 50, 0),
        ("M1", "Clinical: Band 5", "unknown", 8, 0),
        ("M1", "Clinical: Band 7", "bme", 12, 0), ("M1", "Clinical: Band 7", "white", 40, 0),
        ("M1", "Clinical: Band 7", "unknown", 2, 0),
        ("M1", "Clinical: Band 8a", "bme", 3, 0), ("M1", "Clinical: Band 8a", "white", 8, 0),
        ("M1", "Clinical: Band 8a", "unknown", 0, 0),
        ("M1", "Medical and dental: Consultant", "bme", 4, 0), ("M1", "Medical and dental: Consultant", "white", 25, 0),
        ("M1", "Medical and dental: Consultant", "unknown", 0, 0),
    ]
    settings = Settings(standard="nhs-wres")
    results = compute_results(figures(rows), settings)
    assert band_runs(results["M1"], 10) == [
        ["Non-clinical: Band 2"],
        ["Clinical: Band 5", "Clinical: Band 7", "Clinical: Band 8a"],
        ["Medical and dental: Consultant"],
    ]
    published = publish(results, settings)["M1"]
    assert [b.band for b in published.bands] == [
        "Non-clinical: Band 2", "Clinical: Band 5 to Band 8a", "Medical and dental: Consultant"]
    clinical = published.bands[1]
    assert clinical.counts == {"bme": 45, "white": 98, "unknown": 10} and clinical.total == 153
    assert published.bands[2].counts["bme"] is None  # 4: withheld, not hidden in another cluster's run
    assert published.combined == (
        "Clinical: Band 5, Clinical: Band 7, and Clinical: Band 8a are shown together as Clinical: Band 5 to Band 8a",)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 60), st.integers(0, 12)), min_size=1, max_size=8),
       st.integers(2, 12))
def test_combined_bands_add_up_to_the_bands_they_replace(bands, threshold):
    rows = [("M1", f"G{i:02d}", g, n, 0) for i, band in enumerate(bands)
            for g, n in zip(("bme", "white", "unknown"), band, strict=True)]
    result = compute_results(figures(rows), Settings())["M1"]
    runs = band_runs(result, threshold)
    # Every band once, in order, in adjacent runs.
    assert [b for run in runs for b in run] == [row.band for row in result.bands]
    combined = combine_bands(result, runs)
    for g in ("bme", "white", "unknown"):
        assert sum(row.counts[g] for row in combined.bands) == sum(row.counts[g] for row in result.bands)
    # Each run but a lone one is safe from primary suppression.
    if len(runs) > 1:
        for row in combined.bands:
            assert all(v == 0 or v >= threshold for v in row.counts.values())


def _all_counts(out):
    """Every published count in a result's JSON, wherever it sits."""
    if isinstance(out, dict):
        for key, value in out.items():
            if key in ("events", "base", "bme", "white", "unknown", "total") and isinstance(value, (int, float)) \
                    and not isinstance(value, bool):
                yield value
            else:
                yield from _all_counts(value)
    elif isinstance(out, list):
        for item in out:
            yield from _all_counts(item)


group_counts = st.tuples(st.integers(0, 60), st.integers(0, 200))


@settings(max_examples=150, deadline=None)
@given(
    metric=st.sampled_from(["M2", "M3", "M5", "M8", "M9"]),
    bme=group_counts, white=group_counts, unknown=group_counts,
    threshold=st.integers(2, 12),
)
def test_no_published_count_under_the_threshold(metric, bme, white, unknown, threshold):
    rows = [(metric, "", g, min(e, b), b) for g, (e, b) in zip(("bme", "white", "unknown"), (bme, white, unknown),
                                                                 strict=True)]
    total = sum(b for _, b in (bme, white, unknown))
    quality = {metric: DataQuality(total=total, unknown=unknown[1])}
    configured = Settings(suppression_threshold=threshold, min_group_size=1)
    published = publish(compute_results(figures(rows, quality), configured), configured)[metric]
    out = result_to_dict(published)
    for value in _all_counts(out):
        assert value == 0 or value >= threshold
    # A ratio is only published when every count it is built from is.
    if published.value is not None and metric != "M9":
        for g in ("bme", "white"):
            assert published.groups[g].events is not None and published.groups[g].base is not None


def test_threshold_zero_publishes_everything():
    rows = [("M3", "", "bme", 4, 400), ("M3", "", "white", 30, 1200), ("M3", "", "unknown", 0, 100)]
    configured = Settings(suppression_threshold=0)
    results = compute_results(figures(rows), configured)
    assert publish(results, configured)["M3"].value == pytest.approx(results["M3"].value)


def test_a_small_unknown_group_does_not_withhold_the_ratio():
    # 9 applicants of unknown ethnicity appointed: hidden; the comparison of BME and white
    # applicants, which never totals events across groups, stays published.
    rows = [("M2", "", "bme", 39, 153), ("M2", "", "white", 82, 252), ("M2", "", "unknown", 9, 29)]
    settings = Settings()
    published = publish(compute_results(figures(rows), settings), settings)["M2"]
    assert published.groups["unknown"].events is None
    assert published.groups["bme"].events == 39 and published.groups["white"].events == 82
    assert published.value == pytest.approx((39 / 153) / (82 / 252))


def test_a_small_band_at_the_bottom_is_not_covered_by_empty_bands_above_it():
    """Found by the property test: G00 (0, 0, 1) under two empty bands. Joining only the empty band above it left a
    row of 1; it joins runs until the row is safe, here all of them (a single row, withheld as any small one)."""
    rows = [("M1", "G00", "unknown", 1, 0), ("M1", "G00", "bme", 0, 0), ("M1", "G00", "white", 0, 0)]
    rows += [("M1", band, g, 0, 0) for band in ("G01", "G02") for g in ("bme", "white", "unknown")]
    rows += [("M1", "G03", "bme", 12, 0), ("M1", "G03", "white", 20, 0), ("M1", "G03", "unknown", 0, 0)]
    result = compute_results(figures(rows), Settings())["M1"]
    assert band_runs(result, 2) == [["G00", "G01", "G02", "G03"]]
