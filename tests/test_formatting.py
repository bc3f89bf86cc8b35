"""Figures in words (metrics.formatting): one writer for every page, export and the command line."""

from dataclasses import replace

import pytest

from metrics import formatting
from metrics.registry import METRICS
from metrics.results import MetricResult
from metrics.stats import WITHIN_RANGE


def _result(metric_id: str, value: float | None, ci: tuple[float, float] | None) -> MetricResult:
    return MetricResult(METRICS[metric_id], "sc-wres", WITHIN_RANGE, value=value, ci=ci)


def test_each_metric_format_follows_its_kind():
    # The registry says how each metric's figure is written; a ratio unless it is a difference or a distribution.
    expected = {"distribution": "shares", "representation": "points", "relative_likelihood": "ratio",
                "survey": "ratio", "share": "percent", "score": "score", "narrative": "none"}
    assert {m.id: m.figure for m in METRICS.values()} == {m.id: expected[m.kind] for m in METRICS.values()}


@pytest.mark.parametrize(("value", "plain", "signed"), [
    (4.46, "+4.5", "+4.5"), (-10.1, "-10.1", "-10.1"), (0.0, "0.0", "+0.0"), (-0.04, "0.0", "-0.0"),
    (0.04, "0.0", "+0.0"),
])
def test_points_write_no_difference_plainly_unless_asked_for_the_sign(value, plain, signed):
    assert formatting.points(value) == plain
    assert formatting.points(value, sign_zero=True) == signed


def test_a_ratio_and_its_interval():
    result = _result("M2", 0.784, (0.571, 1.076))
    assert formatting.value_text(result) == "0.78"
    assert formatting.result_interval(result) == "0.57 to 1.08"
    assert formatting.with_interval(result) == "0.78 (95% interval 0.57 to 1.08)"
    assert formatting.with_interval(replace(result, ci=None)) == "0.78"
    assert formatting.figure_words(result) == "0.78 (0.57 to 1.08)"
    assert formatting.figure_name(result.definition) == "Relative likelihood"


def test_a_difference_in_points_and_its_interval_in_each_unit():
    result = _result("M9", 4.46, (-1.0, 9.04))
    assert formatting.with_interval(result) == "+4.5 percentage points (95% interval -1.0 to +9.0 points)"
    assert formatting.value_text(result, unit=formatting.POINTS_TABLE) == "+4.5 pp"
    assert formatting.result_interval(result, unit=formatting.POINTS_TABLE) == "-1.0 to +9.0 pp"
    assert formatting.result_interval(result, unit="") == "-1.0 to +9.0"
    assert formatting.figure_words(result) == "+4.5 points (-1.0 to +9.0)"
    assert formatting.figure_name(result.definition) == "Percentage point difference"
    # No difference: "0.0" in sentences and tables, signed where the saved panels have always kept it so.
    level = _result("M9", 0.01, (-0.02, 0.03))
    assert formatting.with_interval(level) == "0.0 percentage points (95% interval 0.0 to 0.0 points)"
    assert formatting.figure_words(level) == "+0.0 points (-0.0 to +0.0)"


def test_a_change_between_years_in_each_format():
    assert formatting.change_text(0.823, 0.781, "ratio") == "0.82 → 0.78"
    assert formatting.change_text(1.0, -2.04, "points") == "+1.0 → -2.0 percentage points"
    assert formatting.change_text(24.0, 26.46, "shares") == "24.0% → 26.5%"


def test_no_figure_in_a_saved_panels_words():
    assert formatting.figure_words(_result("M3", None, None)) == formatting.NO_FIGURE
    assert formatting.figure_words(_result("M1", None, None)) == formatting.NO_FIGURE


def test_counts_and_percentages():
    assert formatting.number(1234) == "1,234"
    assert formatting.number(101.5) == "101.5"
    assert formatting.number(None) == "withheld"
    assert formatting.pct(0.24) == "24%"
    assert formatting.pct(0.032) == "3.2%"
    assert formatting.pct(24.0, fraction=False) == "24%"
    assert formatting.pct(None) == "withheld"


def test_a_percentage_and_a_difference_of_scores_are_written_in_their_own_units():
    share = MetricResult(METRICS["D8"], "wdes", WITHIN_RANGE, value=64.88, ci=(57.4, 71.69))
    assert formatting.with_interval(share) == "64.9% (95% interval 57.4% to 71.7%)"
    score = MetricResult(METRICS["D9A"], "wdes", WITHIN_RANGE, value=-0.46, ci=(-0.69, -0.23))
    assert formatting.with_interval(score) == "-0.46 points on a 0-10 scale (95% interval -0.69 to -0.23 points)"
    assert formatting.value_text(score, unit=formatting.POINTS_TABLE) == "-0.46 pts"
    assert formatting.change_text(-0.5, -0.25, "score") == "-0.50 → -0.25 points on a 0-10 scale"
    assert formatting.figure_words(MetricResult(METRICS["D9B"], "wdes", WITHIN_RANGE)) == formatting.NO_FIGURE
