"""The overview's forest (charts.overview): every relative likelihood on one log scale, from hand-made results."""

import pytest

from charts.overview import AXIS_LIMITS, NO_FIGURE, left_out, overview_forest
from metrics import stats
from metrics.publish import publish
from metrics.registry import METRICS, STANDARDS
from metrics.results import GroupFigures, MetricResult, ratio_for
from metrics.settings import Settings
from pipeline.api import analyse_paths, sample_trust_paths

SETTINGS = Settings()


def rate_result(metric_id: str, counts: dict[str, tuple[float, float]], settings: Settings = SETTINGS) -> MetricResult:
    """A hand-made relative-likelihood result from (events, base) per group."""
    groups = {g: GroupFigures(e, b, stats.rate(e, b)) for g, (e, b) in counts.items()}
    definition = METRICS[metric_id]
    ratio = ratio_for(definition, groups, settings)
    return MetricResult(definition, settings.standard, ratio.status, ratio.value, ratio.ci, groups, ratio)


def layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def mark_type(layer: dict) -> str:
    mark = layer["mark"]
    return mark if isinstance(mark, str) else mark["type"]


def values(spec: dict, layer: dict) -> list[dict]:
    data = layer.get("data") or spec["data"]
    return data["values"] if "values" in data else spec["datasets"][data["name"]]


def points(spec: dict) -> list[dict]:
    """The rows the point layer draws (its filter: a figure within the axis)."""
    layer = next(layer for layer in layers(spec) if mark_type(layer) == "point" and "tooltip" in layer["encoding"])
    return [r for r in values(spec, layer) if r.get("x") is not None and r["arrow"] == ""]


def rect_layers(spec: dict) -> list[dict]:
    return [layer for layer in layers(spec) if mark_type(layer) == "rect"]


@pytest.fixture(scope="module")
def hand_made() -> list[MetricResult]:
    # M2, appointment (adverse if the BME rate is lower): 30 of 200 BME appointed against 60 of 300 white:
    # 0.15 / 0.20 = 0.75. M3, disciplinary (adverse if higher): 12 of 120 against 20 of 400: 0.10 / 0.05 = 2.00, Katz
    # interval 1.01 to 3.97. M4: 1 of 6 BME staff, under the minimum size, so no figure. M9: a difference in points.
    return [
        rate_result("M2", {"bme": (30, 200), "white": (60, 300), "unknown": (0, 0)}),
        rate_result("M3", {"bme": (12, 120), "white": (20, 400), "unknown": (0, 0)}),
        rate_result("M4", {"bme": (1, 6), "white": (3, 40), "unknown": (0, 0)}),
        MetricResult(METRICS["M9"], "sc-wres", stats.WITHIN_RANGE, value=-2.0, ci=(-6.0, 3.0)),
    ]


def test_one_row_per_ratio_metric_labelled_by_the_registry_with_no_figure_kept(hand_made):
    spec = overview_forest(hand_made, SETTINGS)
    table = spec.table
    assert table["Metric"].tolist() == [METRICS[m].label for m in ("M2", "M3", "M4")]
    assert table["Relative likelihood"].tolist() == [0.75, 2.0, f"{NO_FIGURE} (too few to say)"]
    assert table.loc[1, ["Lower 95% limit", "Upper 95% limit"]].tolist() == [1.01, 3.97]
    assert table["Status"].tolist() == ["Adverse, could be chance", "Adverse, beyond chance", "Too few to say"]
    drawn = points(spec.chart.to_dict())
    assert [(r["metric"], r["value"], r.get("ci_low"), r.get("ci_high")) for r in drawn][1] == \
        (METRICS["M3"].label, 2.0, 1.01, 3.97)
    assert [r["metric"] for r in drawn] == [METRICS["M2"].label, METRICS["M3"].label]
    # The row without a figure is written on the chart, not dropped.
    words = [layer for layer in layers(spec.chart.to_dict()) if mark_type(layer) == "text"
             and layer["encoding"]["text"]["field"] == "missing"]
    assert words and "too few to say" in " ".join(r["missing"] for r in values(spec.chart.to_dict(), words[0]))


def test_the_points_metric_is_left_out_and_said(hand_made):
    spec = overview_forest(hand_made, SETTINGS)
    assert METRICS["M9"].label not in spec.table["Metric"].tolist()
    sentence = left_out(hand_made)
    assert sentence == ("Not on this chart, because its figure is not a relative likelihood: 9. Senior management "
                        "(a percentage point difference) is on its own page.")
    assert sentence in spec.summary


def test_log_axis_shaded_range_and_parity_line(hand_made):
    spec = overview_forest(hand_made, SETTINGS)
    as_dict = spec.chart.to_dict()
    scales = [layer["encoding"]["x"].get("scale", {}) for layer in layers(as_dict) if "x" in layer["encoding"]]
    assert scales and all(s.get("type") == "log" for s in scales)
    shaded = [values(as_dict, layer) for layer in rect_layers(as_dict) if "y" not in layer["encoding"]]
    assert shaded == [[{"low": 0.8, "high": 1.25}]]
    rules = [values(as_dict, layer) for layer in layers(as_dict) if mark_type(layer) == "rule"
             and layer["encoding"]["x"]["field"] == "parity"]
    assert rules == [[{"parity": 1.0}]]
    assert "0.80 to 1.25" in spec.subtitle and "1.00" in spec.subtitle


def test_each_rows_adverse_side_comes_from_the_registry(hand_made):
    spec = overview_forest(hand_made, SETTINGS)
    as_dict = spec.chart.to_dict()
    (tint,) = [values(as_dict, layer) for layer in rect_layers(as_dict) if "y" in layer["encoding"]]
    sides = {r["row"]: (r["text"], r["from"]) for r in tint}
    low, high = SETTINGS.adverse_range
    expected = {"M2": ("← adverse", low), "M3": ("adverse →", high), "M4": ("adverse →", high)}
    for metric_id, side in expected.items():
        assert METRICS[metric_id].adverse_if_ratio("sc-wres") == ("lower" if side[0].startswith("←") else "higher")
        assert sides[METRICS[metric_id].label] == side
    assert spec.table["Adverse side"].tolist() == ["below 0.80", "above 1.25", "above 1.25"]


def test_the_text_alternative_says_what_is_drawn(hand_made):
    spec = overview_forest(hand_made, SETTINGS)
    assert spec.summary.startswith("2 of 3 relative likelihoods (SC-WRES) are drawn; outside the range on the "
                                   "adverse side: 2. Appointment from shortlisting 0.75")
    assert "3. Disciplinary 2.00 (95% interval 1.01 to 3.97)" in spec.summary
    assert f"Not drawn: 4. Fitness to practise ({NO_FIGURE} (too few to say))" in spec.summary
    assert spec.chart.to_dict()["description"] == spec.summary
    assert spec.places == {"Relative likelihood": 2, "Lower 95% limit": 2, "Upper 95% limit": 2}


def test_an_interval_beyond_the_axis_is_clipped_with_an_arrow_and_said():
    # 3 of 10 BME against 1 of 400 white: 0.30 / 0.0025 = 120, far past the axis, its interval too.
    wide = rate_result("M3", {"bme": (3, 10), "white": (1, 400), "unknown": (0, 0)}, SETTINGS.with_(min_group_size=1))
    zero = rate_result("M2", {"bme": (0, 200), "white": (60, 300), "unknown": (0, 0)})
    spec = overview_forest([wide, zero], SETTINGS.with_(min_group_size=1))
    as_dict = spec.chart.to_dict()
    assert as_dict["layer"][0]["encoding"]["x"]["scale"]["domain"][1] == AXIS_LIMITS[1]
    arrow_layers = [layer for layer in layers(as_dict) if mark_type(layer) == "point" and "shape" in layer["mark"]]
    assert {layer["mark"]["shape"] for layer in arrow_layers} == {"triangle-left", "triangle-right"}
    marks = {r["metric"]: r for r in values(as_dict, arrow_layers[0])}
    far, nothing = marks[METRICS["M3"].label], marks[METRICS["M2"].label]
    assert (far["arrow"], far["x"], far["high_arrow"]) == ("right", AXIS_LIMITS[1], "right")
    assert far["value"] == 120.0 and far["label"] == "120.00"
    assert (nothing["arrow"], nothing["value"]) == ("left", 0.0) and "ci_x" not in nothing
    assert not points(as_dict)  # neither is drawn as an ordinary point
    notes = spec.table.set_index("Metric")["On the chart"]
    assert "beyond the axis" in notes[METRICS["M3"].label] and "with an arrow" in notes[METRICS["M3"].label]
    assert "upper limit beyond the axis" in notes[METRICS["M3"].label]
    assert "a ratio of 0 has no place on a log scale" in notes[METRICS["M2"].label]
    assert "no 95% interval" in notes[METRICS["M2"].label]


def test_withheld_figures_are_not_plotted_and_say_withheld():
    """As published (a screen shown in public, an export), a withheld ratio has its row, in words, and no point."""
    results = analyse_paths().results
    published = publish(results, SETTINGS)
    withheld = [m for m, r in published.items()
                if r.ratio is not None and r.ratio.reason == "withheld" and METRICS[m].figure == "ratio"]
    assert withheld == ["M4"]  # the sample council's fitness to practise cases are few
    spec = overview_forest(published.values(), SETTINGS)
    labels = {METRICS[m].label for m in withheld}
    drawn = {r["metric"] for r in points(spec.chart.to_dict())}
    assert drawn.isdisjoint(labels)
    table = spec.table.set_index("Metric")
    for label in labels:
        assert table.loc[label, "Relative likelihood"] == "withheld"
        assert table.loc[label, "Status"] == "Withheld for publication"
    assert "(withheld)" in spec.summary


def test_under_the_wdes_the_groups_are_disabled_and_non_disabled():
    settings = Settings(standard="wdes")
    results = analyse_paths(sample_trust_paths(), settings=settings).results
    spec = overview_forest(results.values(), settings)
    text = " ".join([spec.summary, spec.subtitle, *spec.table["Ratio"], *spec.table["Metric"]]).lower()
    assert "disabled staff" in spec.subtitle
    assert set(spec.table["Ratio"]) <= {"disabled over non-disabled", "non-disabled over disabled"}
    for word in ("bme", "white", "ethnic"):
        assert word not in text
    not_ratio = [m for m in STANDARDS["wdes"].metrics if METRICS[m].figure != "ratio"]
    for metric_id in not_ratio:
        assert METRICS[metric_id].label in spec.summary
