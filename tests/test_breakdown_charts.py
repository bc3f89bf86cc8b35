"""Where it sits, drawn (charts.breakdown): the forest's rows are the breakdown's figures, sorted, the small ones
greyed; the funnel's limits by hand; the chooser's options (ui.where_it_sits)."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import pytest

from charts.breakdown import (
    UNDER_MINIMUM,
    adverse_sentence,
    all_together,
    breakdown_table,
    column_words,
    forest,
    funnel_comparison,
    funnel_view,
    marks,
    rows,
)
from metrics.benchmarking import WITHIN_95
from metrics.breakdown import NOT_RECORDED, Breakdown, Figure, breakdown
from metrics.counts import Period
from metrics.formatting import FIGURE_PLACES, figure_text
from metrics.registry import METRICS
from tests.test_breakdown import BME, END, SETTINGS, WHITE, people, worked
from tests.test_overview_forest import layers, mark_type, values
from ui.where_it_sits import breakdown_options, expander_label, filtered_caption

PERIOD = Period.twelve_months_to(END)


def with_tiny() -> dict[str, pd.DataFrame]:
    """The worked records of tests.test_breakdown (Adults 3.0, Children's 2.0, Not recorded 2.0; the whole 2.5)
    and a service of 3 white and 2 BME staff with no case: under the minimum size of 10. The whole is then 6 cases
    among 32 BME staff against 4 among 53 white: (6 / 32) / (4 / 53) = 2.484375."""
    datasets = worked()
    tiny = pd.DataFrame(people(700, 3, WHITE, "Tiny") + people(800, 2, BME, "Tiny"))
    return datasets | {"staff": pd.concat([datasets["staff"], tiny], ignore_index=True)}


@pytest.fixture(scope="module")
def m3() -> Breakdown:
    return breakdown(with_tiny(), "service", SETTINGS)["M3"]


def test_the_forest_rows_are_the_breakdowns_figures_sorted_by_value(m3):
    drawn = rows(m3)
    by_name = {s.name: s for s in m3.subgroups}
    assert sorted(r.name for r in drawn) == sorted(by_name)
    for row in drawn:
        assert row.figure == by_name[row.name].figure and row.size == by_name[row.name].size
    # Lowest first; the one with no figure last. Children's and Not recorded tie at 2.0, in the breakdown's order.
    assert [r.name for r in drawn] == ["Children's", NOT_RECORDED, "Adults", "Tiny"]
    chart_marks = marks(m3, SETTINGS)
    assert [m["name"] for m in chart_marks] == [r.name for r in drawn]
    for mark, row in zip(chart_marks, drawn, strict=True):
        if row.figure.value is None:
            assert "value" not in mark and mark["missing"] == "no figure (too few to say)"
            continue
        assert mark["value"] == row.figure.value
        assert (mark["ci_low"], mark["ci_high"]) == row.figure.ci
        assert (mark["adj_low"], mark["adj_high"]) == row.figure.ci_adjusted
    # The table: the same figures, rounded as the page gives a ratio, then the organisation's own.
    table = breakdown_table(m3, SETTINGS)
    assert table["Service"].tolist() == ["Children's", NOT_RECORDED, "Adults", "Tiny", "All services together"]
    adults = table.set_index("Service").loc["Adults"]
    figure = by_name["Adults"].figure
    assert adults["Relative likelihood"] == pytest.approx(3.0)
    assert adults["People counted"] == 30
    assert [adults["Lower 95% limit"], adults["Upper 95% limit"]] == [round(v, 2) for v in figure.ci]
    assert [adults["Lower adjusted limit"], adults["Upper adjusted limit"]] == [
        round(v, 2) for v in figure.ci_adjusted]
    whole = table.set_index("Service").loc[all_together(m3)]
    assert whole["Relative likelihood"] == pytest.approx(round(6 / 32 / (4 / 53), 2))


def test_exactly_the_subgroups_under_the_minimum_are_greyed_and_said(m3):
    under = {s.name for s in m3.subgroups if s.under_minimum}
    assert under == {"Tiny"}
    chart_marks = marks(m3, SETTINGS)
    assert {m["name"] for m in chart_marks if m["greyed"]} == under
    assert {m["name"] for m in chart_marks if m["shade"] == UNDER_MINIMUM} == under
    assert [m["row"] for m in chart_marks if m["greyed"]] == ["Tiny (n = 5): under 10, greyed"]
    notes = breakdown_table(m3, SETTINGS).set_index("Service")["Note"]
    assert {name for name, note in notes.items() if note.startswith("greyed")} == under
    spec = forest(m3, SETTINGS)
    assert spec.small_groups == ["Tiny"]
    assert "1 with a group under the minimum size of 10, greyed" in spec.summary


def test_ratios_on_a_log_scale_with_the_range_shaded_and_the_organisations_own_line(m3):
    spec = forest(m3, SETTINGS)
    as_dict = spec.chart.to_dict()
    scales = [layer["encoding"]["x"].get("scale", {}) for layer in layers(as_dict) if "x" in layer["encoding"]]
    assert scales and all(s.get("type") == "log" for s in scales)
    shaded = [values(as_dict, layer) for layer in layers(as_dict) if mark_type(layer) == "rect"]
    assert shaded == [[{"low": 0.8, "high": 1.25}]]
    rules = {layer["encoding"]["x"]["field"]: values(as_dict, layer) for layer in layers(as_dict)
             if mark_type(layer) == "rule" and "y" not in layer["encoding"]}
    assert rules["parity"] == [{"parity": 1.0}]
    assert rules["own"] == [{"own": pytest.approx(6 / 32 / (4 / 53))}]
    # The adjusted interval: thinner and paler than the 95% one, in the same rows.
    widths = {layer["encoding"]["x"]["field"]: (layer["mark"]["strokeWidth"], layer["mark"].get("opacity", 1))
              for layer in layers(as_dict) if mark_type(layer) == "rule" and "y" in layer["encoding"]}
    assert widths["adj_x"][0] < widths["ci_x"][0] and widths["adj_x"][1] < widths["ci_x"][1]
    assert spec.chart.to_dict()["description"] == spec.summary
    assert "The organisation's own figure is 2.48." in spec.summary


def test_the_sentence_names_the_subgroups_whose_adjusted_interval_is_wholly_adverse(m3):
    # Disciplinary: a higher BME rate is adverse. None of the worked intervals excludes parity once adjusted.
    assert adverse_sentence(m3, SETTINGS).startswith("No service's adjusted interval lies wholly on the adverse side")
    adults = next(s for s in m3.subgroups if s.name == "Adults")
    moved = replace(adults, figure=replace(adults.figure, ci_adjusted=(1.10, 8.00)))
    # Wholly on the favourable side is not adverse.
    below = next(s for s in m3.subgroups if s.name == "Children's")
    below = replace(below, figure=replace(below.figure, ci_adjusted=(0.2, 0.9)))
    changed = replace(m3, subgroups=tuple(moved if s.name == "Adults" else below if s.name == "Children's" else s
                                          for s in m3.subgroups))
    sentence = adverse_sentence(changed, SETTINGS)
    assert sentence == ("Adjusted for the 3 services compared, the interval of Adults (3.00, adjusted interval 1.10 "
                        "to 8.00) lies wholly on the adverse side: beyond chance.")
    notes = breakdown_table(changed, SETTINGS).set_index("Service")["Note"]
    assert notes["Adults"].startswith("adjusted interval wholly on the adverse side")
    assert "adverse" not in notes["Children's"]


def test_the_funnels_limits_by_hand(m3):
    comparison = funnel_comparison(m3, SETTINGS, PERIOD)
    # The centre: the organisation's own ratio, 2.484375; its groups' rates p1 = 6/32 and p2 = 4/53, and the BME
    # share of the two groups' staff s = 32/85. Adults has n = 10 + 20 = 30 of them.
    assert comparison.pooled.value == pytest.approx(6 / 32 / (4 / 53))
    adults = next(r for r in comparison.organisations if r.organisation == "Adults")
    assert adults.size == 30
    p1, p2, s, n = 6 / 32, 4 / 53, 32 / 85, 30
    se = math.sqrt((1 - p1) / (n * s * p1) + (1 - p2) / (n * (1 - s) * p2))
    assert se == pytest.approx(1.019095, abs=1e-6)
    centre = math.log(2.484375)
    assert adults.limits is not None
    assert (adults.limits.lower_95, adults.limits.upper_95) == pytest.approx(
        (math.exp(centre - 1.959964 * se), math.exp(centre + 1.959964 * se)), rel=1e-6)
    assert (adults.limits.lower_95, adults.limits.upper_95) == pytest.approx((0.3371, 18.31), abs=1e-3)
    assert (adults.limits.lower_998, adults.limits.upper_998) == pytest.approx(
        (math.exp(centre - 3.090232 * se), math.exp(centre + 3.090232 * se)), rel=1e-6)
    assert adults.position == WITHIN_95  # 3.0 is well inside
    tiny = next(r for r in comparison.organisations if r.organisation == "Tiny")
    assert not tiny.placed and tiny.reason  # too few to say: listed with compute_results' reason, not placed
    spec = funnel_view(m3, SETTINGS, PERIOD)
    assert spec.summary.startswith("Across 4 services the organisation's own relative likelihood is 2.48")
    assert spec.table["Service"].tolist() == [r.name for r in rows(m3)]


def test_a_difference_in_points_is_on_a_linear_scale_with_no_funnel():
    datasets = worked()
    staff = datasets["staff"]
    # Senior managers: every fourth person.
    datasets["staff"] = staff.assign(senior_manager=[i % 4 == 0 for i in range(len(staff))])
    m9 = breakdown(datasets, "service", SETTINGS)["M9"]
    spec = forest(m9, SETTINGS)
    as_dict = spec.chart.to_dict()
    scales = [layer["encoding"]["x"].get("scale", {}) for layer in layers(as_dict) if "x" in layer["encoding"]]
    assert all(s.get("type") == "linear" for s in scales)
    assert "Percentage point difference" in spec.table.columns
    assert funnel_view(m9, SETTINGS, PERIOD).summary.startswith("No funnel: Senior management's figure is not")


def test_the_table_rounds_each_format_as_its_figure_is_written():
    for format, places in FIGURE_PLACES.items():
        if format != "none":
            written = figure_text(1.23456, format).rstrip("%")
            assert len(written.split(".")[1]) == places, (format, written)


def test_column_words():
    assert column_words("pay_band") == ("pay band", "pay bands")
    assert column_words("sex") == ("sex", "sexes")
    assert column_words("assignment_category") == ("assignment category", "assignment categories")


def test_the_chooser_offers_service_first_and_leaves_out_the_filtered_column_saying_why():
    datasets = worked()
    datasets["staff"] = datasets["staff"].assign(team="Team A")
    options = breakdown_options(datasets, METRICS["M3"], {})
    assert [o.key for o in options.offered] == ["service", "pay_band", "team"]
    assert options.offered[0].label == "Service" and "by employee number" in options.offered[0].source
    assert expander_label(METRICS["M3"], options) == "Where it sits: metric 3 by service, pay band or team"
    filtered = breakdown_options(datasets, METRICS["M3"], {"service": ["Adults"]})
    assert [o.key for o in filtered.offered] == ["pay_band", "team"]
    assert [o.key for o in filtered.filtered] == ["service"]
    assert expander_label(METRICS["M3"], filtered) == "Where it sits: metric 3 by service, pay band or team"
    assert filtered_caption(filtered).startswith("Not offered: service. The figures are filtered to one service")
    # breakdown itself refuses the filtered column: the chooser never offers it.
    with pytest.raises(ValueError, match="filtered by 'service'"):
        breakdown(datasets, "service", SETTINGS, filters={"service": ["Adults"]})


def test_a_subgroup_with_no_figure_only_is_said_in_words():
    datasets = worked()
    m3 = breakdown(datasets, "service", SETTINGS.with_(min_group_size=15))["M3"]
    spec = forest(m3, SETTINGS.with_(min_group_size=15))
    assert spec.summary == "No service has a figure to draw."
    assert [Figure(None, None, s.figure.status) == s.figure for s in m3.subgroups] == [True] * 3


def test_the_chooser_offers_the_ethnic_groups_against_the_settings_reference_under_a_race_standard():
    datasets = worked()
    datasets["staff"] = datasets["staff"].assign(sex="Female")
    keys = [o.key for o in breakdown_options(datasets, METRICS["M3"], {}, SETTINGS).offered]
    assert keys == ["service", "ethnic-group", "ethnic-group-detailed", "ethnic-group,sex", "pay_band", "sex"]
    ethnic = breakdown_options(datasets, METRICS["M3"], {}, SETTINGS).offered[1]
    assert ethnic.label == "Ethnic group (against White British staff)" and ethnic.words == "ethnic group"
    white = breakdown_options(datasets, METRICS["M3"], {}, SETTINGS.with_(ethnic_group_reference="white"))
    assert white.offered[1].label == "Ethnic group (against all White staff, White minorities included)"
    # Filtered by sex: neither sex nor the ethnic groups crossed with it.
    assert "ethnic-group,sex" not in [o.key for o in breakdown_options(datasets, METRICS["M3"], {"sex": ["Female"]},
                                                                        SETTINGS).offered]
    # A disability standard compares people by disability: no ethnic groups to offer.
    wdes = SETTINGS.with_(standard="wdes")
    assert not [o for o in breakdown_options(datasets, METRICS["M3"], {}, wdes).offered if "ethnic" in o.key]
