"""A standard comparing disabled with non-disabled staff, counted, computed, published and serialised over its own
groups (issue 20, step 3: the comparison travels with the counts). The standard is a test's own, registered only
while the test runs: the user-visible WDES is another step's."""

import dataclasses
import datetime as dt
import math

import pandas as pd
import pytest

from commands.serialise import result_to_dict
from data_loaders.comparison import DISABILITY, ETHNICITY
from metrics import registry
from metrics.counts import validate_counts
from metrics.publish import publish
from metrics.records import figures_from_records
from metrics.registry import Standard
from metrics.results import compute_results
from metrics.settings import Settings
from metrics.stats import WITHHELD
from storage.figure_sets import checked_counts

STANDARD = "test-wdes"


@pytest.fixture
def settings(monkeypatch):
    monkeypatch.setitem(registry.STANDARDS, STANDARD,
                        Standard(STANDARD, "Test WDES", "A disability standard for tests", DISABILITY))
    return Settings(standard=STANDARD, period_end=dt.date(2026, 3, 31))


def _records():
    """40 disabled, 160 non-disabled and 20 not declared staff in post (10 blank, 10 "Prefer not to say"), every one
    of them given an ethnicity too (which this standard must ignore); disciplinary cases for 4 disabled and 8
    non-disabled people in the year, one of them with two cases."""
    labels = ["Yes"] * 40 + ["No"] * 160 + [None] * 10 + ["Prefer not to say"] * 10
    staff = pd.DataFrame({
        "employee_id": [f"E{i:03d}" for i in range(len(labels))],
        "disability": pd.array(labels, dtype="str"),
        "ethnicity": ["Indian"] * 100 + ["White British"] * 120,
        "start_date": pd.to_datetime(["2020-01-01"] * len(labels)),
    })
    disabled, non_disabled = [f"E{i:03d}" for i in range(4)], [f"E{i:03d}" for i in range(40, 48)]
    cases = disabled + non_disabled + [disabled[0]]
    disciplinary = pd.DataFrame({"employee_id": cases, "date": pd.to_datetime(["2025-09-01"] * len(cases))})
    return {"staff": staff, "disciplinary": disciplinary}


def test_counted_in_the_disability_groups(settings):
    figures = figures_from_records(_records(), settings)
    assert figures.comparison is DISABILITY
    m3 = figures.for_metric("M3")
    assert list(m3["group"]) == ["disabled", "non_disabled", "not_declared"]
    assert list(m3["events"]) == [4.0, 8.0, 0.0]
    assert list(m3["base"]) == [40.0, 160.0, 20.0]
    # The not-declared are the data-quality line's unknown: 20 of the 220 in post.
    assert (figures.quality["M3"].total, figures.quality["M3"].unknown) == (220, 20)
    # "Prefer not to say" is recognised as not declared, so no label is reported as unrecognised.
    assert figures.quality["M3"].unrecognised == {}
    assert validate_counts(figures.counts, DISABILITY).equals(figures.counts)
    with pytest.raises(ValueError, match="unknown groups"):
        validate_counts(figures.counts)


def _with_none(records):
    """The records with 30 more staff in post whose disability is written "None" (no disability, or no answer?), 3 of
    them with a disciplinary case."""
    extra = pd.DataFrame({
        "employee_id": [f"N{i:03d}" for i in range(30)],
        "disability": pd.array(["None"] * 30, dtype="str"),
        "ethnicity": ["Indian"] * 30,
        "start_date": pd.to_datetime(["2020-01-01"] * 30),
    })
    cases = pd.DataFrame({"employee_id": ["N000", "N001", "N002"], "date": pd.to_datetime(["2025-10-01"] * 3)})
    return {"staff": pd.concat([records["staff"], extra], ignore_index=True),
            "disciplinary": pd.concat([records["disciplinary"], cases], ignore_index=True)}


def test_an_unsettled_label_is_not_declared_until_the_organisation_settles_it(settings):
    records = _with_none(_records())
    # Unsettled: "None" is not declared (30 more of them, 3 with a case) and reported as unrecognised.
    m3 = figures_from_records(records, settings).for_metric("M3")
    assert list(m3["events"]) == [4.0, 8.0, 3.0]
    assert list(m3["base"]) == [40.0, 160.0, 50.0]
    quality = figures_from_records(records, settings).quality["M3"]
    assert (quality.total, quality.unknown, quality.unrecognised) == (250, 50, {"None": 30})
    # Settled as non-disabled: by hand, 8 + 3 = 11 cases among 160 + 30 = 190 non-disabled staff; the not declared
    # are the 20 of before, and no label is unrecognised.
    settled = settings.with_(disability_overrides={"None": "non_disabled"})
    figures = figures_from_records(records, settled)
    m3 = figures.for_metric("M3")
    assert list(m3["events"]) == [4.0, 11.0, 0.0]
    assert list(m3["base"]) == [40.0, 190.0, 20.0]
    assert (figures.quality["M3"].unknown, figures.quality["M3"].unrecognised) == (20, {})
    # (4 / 40) / (11 / 190) = 0.1 / 0.0578947 = 1.727...
    assert compute_results(figures, settled)["M3"].value == pytest.approx(0.1 / (11 / 190))
    # A race standard's counts take no notice of disability classifications.
    race = Settings(period_end=dt.date(2026, 3, 31))
    assert figures_from_records(records, race.with_(disability_overrides={"None": "disabled"})).counts.equals(
        figures_from_records(records, race).counts)


def test_relative_likelihood_and_its_interval(settings):
    result = compute_results(figures_from_records(_records(), settings), settings)["M3"]
    assert list(result.groups) == ["disabled", "non_disabled", "not_declared"]
    assert (result.groups["not_declared"].events, result.groups["not_declared"].base) == (0.0, 20.0)
    # (4 / 40) / (8 / 160) = 0.1 / 0.05 = 2.00, disabled over non-disabled (the focus group on top).
    assert result.value == pytest.approx(2.0)
    # Katz: se of the log ratio = sqrt(1/4 - 1/40 + 1/8 - 1/160) = sqrt(0.34375); 1.959964 for 95%.
    se = math.sqrt(0.25 - 0.025 + 0.125 - 0.00625)
    assert se == pytest.approx(0.586302, abs=1e-6)
    low, high = 2.0 * math.exp(-1.959964 * se), 2.0 * math.exp(1.959964 * se)
    assert (round(low, 3), round(high, 3)) == (0.634, 6.311)
    assert result.ci == pytest.approx((low, high), abs=1e-5)
    assert "Disabled staff were more likely to enter the formal disciplinary process than non-disabled staff" \
        in result.sentence

    out = result_to_dict(result)
    assert out["groups"] == {"disabled": {"events": 4, "base": 40, "rate": 0.1},
                             "non_disabled": {"events": 8, "base": 160, "rate": 0.05},
                             "not_declared": {"events": 0, "base": 20, "rate": 0.0}}
    assert out["data_quality"]["unknown"] == 20


def test_publication_withholds_counts_under_ten_over_the_three_groups(settings):
    results = compute_results(figures_from_records(_records(), settings), settings)
    published = publish(results, settings)["M3"]
    # 4 and 8 are under 10: withheld, and the ratio with them. The bases (40, 160, 20) and the not-declared's 0
    # events are safe.
    assert published.hidden == frozenset({"disabled.events", "non_disabled.events"})
    assert published.groups["disabled"].events is None and published.groups["non_disabled"].events is None
    assert (published.groups["disabled"].base, published.groups["non_disabled"].base) == (40.0, 160.0)
    assert (published.groups["not_declared"].events, published.groups["not_declared"].base) == (0.0, 20.0)
    assert published.value is None and published.status == WITHHELD
    assert result_to_dict(published)["suppressed"] == ["disabled.events", "non_disabled.events"]


def test_figures_of_another_comparison_are_refused(settings):
    figures = figures_from_records(_records(), settings)
    # Computed under a race standard, the disability counts would be read as ethnic groups.
    with pytest.raises(ValueError, match="counted by disability"):
        compute_results(figures, Settings(period_end=dt.date(2026, 3, 31)))
    # A saved period says whose groups it holds (schema version 6): the disability groups can be saved, and are
    # checked as the disability comparison's, so they cannot be saved as another comparison's.
    assert checked_counts(figures).equals(figures.counts)
    with pytest.raises(ValueError, match="unknown groups"):
        checked_counts(dataclasses.replace(figures, comparison=ETHNICITY))


def test_race_standards_still_count_ethnicity(settings):
    figures = figures_from_records(_records(), Settings(period_end=dt.date(2026, 3, 31)))
    assert figures.comparison is ETHNICITY
    m3 = figures.for_metric("M3")
    assert list(m3["group"]) == ["bme", "white", "unknown"]
    assert list(m3["base"]) == [100.0, 120.0, 0.0]


def test_charted_over_the_disability_groups(settings):
    from charts.builders import chart_for

    spec = chart_for(compute_results(figures_from_records(_records(), settings), settings)["M3"], settings)
    assert list(spec.table["Ratio"]) == ["disabled over non-disabled"]
    assert "a relative likelihood of 2.00" in spec.summary and "95% interval 0.63 to 6.31" in spec.summary
    assert spec.small_groups == []
