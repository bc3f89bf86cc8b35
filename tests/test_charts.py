"""The chart builders: valid Vega-Lite, the drawn figures equal the tabled ones, honest summaries."""

import json

import pytest

import charts
from charts import palette
from metrics import stats
from metrics.publish import publish
from metrics.registry import METRICS, STANDARDS
from metrics.results import GroupFigures, MetricResult, ratio_for
from metrics.settings import Settings
from pipeline.api import analyse_paths, sample_trust_paths

SETTINGS = Settings()
LABEL = "Black and minoritised"


@pytest.fixture(scope="module")
def results() -> dict[str, MetricResult]:
    """The sample council's metrics, and the sample trust's board membership (W9, NHS WRES indicator 9), which a
    council has no board list for."""
    from pipeline.api import sample_trust_paths

    trust = analyse_paths(sample_trust_paths(), settings=Settings(standard="nhs-wres")).results
    return {**analyse_paths().results, "W9": trust["W9"]}


@pytest.fixture(scope="module")
def nhs_results() -> dict[str, MetricResult]:
    return analyse_paths(settings=Settings(standard="nhs-wres")).results


NHS_SETTINGS = Settings(standard="nhs-wres")
# Each metric under the first standard that lists it: the sample council's (the SC-WRES's), then the other
# standards' own, from the sample trust.
FIRST_STANDARD: dict[str, str] = {}
for _standard in STANDARDS.values():
    for _metric_id in _standard.metrics:
        FIRST_STANDARD.setdefault(_metric_id, _standard.id)
SAMPLE_METRICS = list(FIRST_STANDARD)


@pytest.fixture(scope="module")
def trust_results() -> dict[str, MetricResult]:
    return analyse_paths(sample_trust_paths(), settings=NHS_SETTINGS).results


@pytest.fixture(scope="module")
def every_result(results) -> dict[str, tuple[MetricResult, Settings]]:
    """Each metric with the settings it is drawn under: the sample council's under the SC-WRES, each other
    standard's own metrics from the sample trust."""
    out: dict[str, tuple[MetricResult, Settings]] = {}
    for standard in STANDARDS:
        settings = Settings(standard=standard)
        mine = [m for m in SAMPLE_METRICS if FIRST_STANDARD[m] == standard]
        found = results if standard == "sc-wres" else analyse_paths(sample_trust_paths(), settings=settings).results
        out |= {m: (found[m], settings) for m in mine}
    return out


def rate_result(metric_id: str, counts: dict[str, tuple[float | None, float | None]],
                settings: Settings = SETTINGS) -> MetricResult:
    """A hand-made relative-likelihood result from (events, base) per group."""
    groups = {}
    for g, (events, base) in counts.items():
        rate = stats.rate(events, base) if events is not None and base is not None else None
        groups[g] = GroupFigures(events, base, rate)
    definition = METRICS[metric_id]
    ratio = ratio_for(definition, groups, settings)
    return MetricResult(definition, settings.standard, ratio.status, ratio.value, ratio.ci, groups, ratio)


def layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def mark_type(layer: dict) -> str:
    mark = layer["mark"]
    return mark if isinstance(mark, str) else mark["type"]


def rows(spec: dict, layer: dict) -> list[dict]:
    data = layer.get("data") or spec["data"]  # layers sharing one data set have it hoisted to the top
    return data["values"] if "values" in data else spec["datasets"][data["name"]]


def rows_of(spec: dict, mark: str) -> list[dict]:
    """The data rows of the first layer drawn with `mark`."""
    return rows(spec, next(layer for layer in layers(spec) if mark_type(layer) == mark))


def group_colour_scales(spec: dict) -> list[tuple[list, list]]:
    found = []
    for layer in layers(spec):
        colour = layer.get("encoding", {}).get("color", {})
        if colour.get("field") == "group":
            found.append((colour["scale"]["domain"], colour["scale"]["range"]))
    return found


# Every metric of the sample council ---------------------------------------------------------


def test_every_metric_is_drawn_here():
    assert sorted(SAMPLE_METRICS) == sorted(METRICS)


@pytest.mark.parametrize("metric_id", SAMPLE_METRICS)
def test_every_sample_metric_gives_a_valid_chart_with_its_table(every_result, metric_id):
    spec = charts.chart_for(*every_result[metric_id])
    as_dict = spec.chart.to_dict()  # Altair validates against the Vega-Lite schema here
    assert as_dict["width"] == "container"
    assert as_dict["config"]["axis"]["labelFontSize"] == palette.LABEL_SIZE
    assert as_dict["title"]["fontSize"] == palette.TITLE_SIZE
    assert spec.title and spec.title[0].isupper()
    # A narrative (WDES 9b) has no figures to table: its chart only says what it is.
    assert spec.summary.endswith(".") and (len(spec.table) > 0) == (METRICS[metric_id].kind != "narrative")
    assert "a bar chart" not in spec.summary.lower()


def test_pay_bands_draw_each_bands_percentages_and_the_workforce_line(results):
    result = results["M1"]
    spec = charts.pay_bands(result, SETTINGS)
    as_dict = spec.chart.to_dict()
    drawn = {(r["band"], r["group"]): r["pct"] for r in rows_of(as_dict, "bar")}
    names = {"bme": "BME", "white": "White", "unknown": "Unknown"}
    expected = {(b.band, names[g]): round(b.pct[g], 1) for b in result.bands for g in names}
    assert drawn == expected
    assert drawn[("Grade 3", "BME")] == 46.7 and drawn[("SM3", "White")] == 100.0
    # Segments of a band lie end to end and fill it.
    grade4 = sorted((r for r in rows_of(as_dict, "bar") if r["band"] == "Grade 4"), key=lambda r: r["start"])
    assert grade4[0]["start"] == 0 and grade4[-1]["end"] == pytest.approx(100)
    assert [r["group"] for r in grade4] == ["BME", "White", "Unknown"]
    # The table holds the same figures, with the whole workforce as its last row.
    table = spec.table.set_index("Pay band")
    assert table.loc["Grade 3", "BME % of band"] == 46.7
    assert table.loc["Grade 3", "BME staff"] == 28 and table.loc["Grade 3", "Total staff"] == 60
    assert table.loc["All staff", "BME % of band"] == 26.1
    # Beside the band's make-up, the share the words give: of staff whose ethnicity is known (526 of 1,895).
    assert table.loc["All staff", "BME % of known ethnicity"] == 27.8
    assert table.loc["SM2", "BME % of band"] == 7.7 and table.loc["SM2", "BME % of known ethnicity"] == 9.1
    assert list(table.index) == [b.band for b in result.bands] + ["All staff"]
    # The dashed line is the workforce's share as every page writes it (metrics.results.workforce_share).
    (rule,) = rows_of(as_dict, "rule")
    assert rule == {"workforce_pct": 27.8, "label": "Workforce: 28%"}
    assert "Dashed line: BME share of the whole workforce, of staff whose ethnicity is known." in spec.subtitle
    # Highest band on top: the y order is the bands reversed.
    assert layers(as_dict)[0]["encoding"]["y"]["sort"] == [b.band for b in reversed(result.bands)]
    assert spec.small_groups == ["Grade 7", "SM3"]
    # SM3 (6 staff) is too few to read: SM2, the highest with 10 or more, is named instead.
    assert spec.summary == ("Of staff whose ethnicity is known, BME staff are 28% of the whole workforce, 47% of "
                            "Grade 3, the lowest band, and 9.1% of SM2, the highest with 10 or more staff.")


def test_recruitment_draws_shortlisted_and_appointed_with_the_rate(results):
    result = results["M2"]
    spec = charts.recruitment(result, SETTINGS)
    as_dict = spec.chart.to_dict()
    drawn = {(r["group"], r["stage"]): r["count"] for r in rows_of(as_dict, "bar")}
    assert drawn == {("BME", "Shortlisted"): 153, ("BME", "Appointed"): 39, ("White", "Shortlisted"): 252,
                     ("White", "Appointed"): 82, ("Unknown", "Shortlisted"): 29, ("Unknown", "Appointed"): 9}
    labels = {r["label"] for r in rows_of(as_dict, "text")}
    assert {"153 shortlisted", "39 appointed (25%)", "82 appointed (33%)"} <= labels
    assert spec.table.to_dict("records")[0] == {"Group": "BME", "Shortlisted": 153, "Appointed": 39,
                                                "Appointment rate (%)": 25.5}
    assert spec.table["Appointment rate (%)"].tolist() == [25.5, 32.5, 31.0]
    assert "39 of 153" in spec.summary and "82 of 252" in spec.summary
    assert "0.78 (SC-WRES, BME over white), 95% interval 0.57 to 1.08, adverse, could be chance" in spec.summary


def test_forest_draws_each_ratio_and_interval_with_its_status_in_words(results):
    spec = charts.forest(list(results.values()), SETTINGS)
    as_dict = spec.chart.to_dict()
    drawn = rows_of(as_dict, "point")
    # M1 has no relative likelihood, and M9 is in percentage points; M7 has a row per question.
    assert [r["metric"] for r in drawn] == ["M2", "M3", "M4", "M5", "M6", "M7", "M7", "M8"]
    for row in drawn:
        if row["metric"] == "M7":
            continue
        result = results[row["metric"]]
        assert (row["value"], row["ci_low"], row["ci_high"]) == (
            round(result.value, 2), round(result.ci[0], 2), round(result.ci[1], 2))
        assert row["label"] == f"{result.value:.2f}, {result.status}"
    managers = results["M7"].questions["managers"]
    assert drawn[6]["value"] == round(managers.value, 2) == 1.67 and drawn[6]["status"] == "adverse, beyond chance"
    table = spec.table
    assert table["Relative likelihood"].tolist() == [r["value"] for r in drawn]
    assert table["Status"].tolist() == [stats.status_words(r["status"]) for r in drawn]
    assert table.loc[0, "Lower 95% limit"] == 0.57 and table.loc[0, "Upper 95% limit"] == 1.08
    # Log scale, adverse range shaded, parity ruled.
    x = layers(as_dict)[3]["encoding"]["x"]
    assert x["scale"]["type"] == "log"
    assert x["title"] == ["Relative likelihood (log scale)", "SC-WRES: BME over white"]
    assert rows_of(as_dict, "rect") == [{"low": 0.8, "high": 1.25}]
    assert rows_of(as_dict, "rule")[0] == {"parity": 1.0}
    assert spec.summary.startswith("Of 8 comparisons (SC-WRES): 1 adverse, beyond chance (Harassment from colleagues "
                                   "and managers: from managers 1.67), 4 adverse, could be chance (Appointment from "
                                   "shortlisting 0.78, ")
    assert spec.summary.endswith("3 within range.")


def test_forest_of_one_metric_says_the_figures(results):
    spec = charts.forest([results["M3"]], SETTINGS)
    assert spec.title == "Disciplinary: relative likelihood"
    assert spec.summary == ("Disciplinary: a relative likelihood of 1.50 (SC-WRES, BME over white), 95% interval "
                            "0.80 to 2.81, adverse, could be chance; the interval includes 1.00.")
    senior = charts.chart_for(results["M9"], SETTINGS)
    assert senior.summary == ("BME staff are 8.9% of senior managers (95% interval 4% to 19%) against 28% of staff "
                              "whose ethnicity is known: -18.8 percentage points (95% interval -23.9 to -8.5), "
                              "adverse, beyond chance.")


def test_forest_labels_the_nhs_convention_row_by_row(nhs_results):
    spec = charts.forest(list(nhs_results.values()), SETTINGS.with_(standard="nhs-wres"))
    as_dict = spec.chart.to_dict()
    drawn = {r["metric"]: r for r in rows_of(as_dict, "point")}
    # NHS WRES puts white over BME for appointment and CPD: 1 / 0.78.
    assert drawn["M2"]["value"] == 1.28 and drawn["M2"]["row"].endswith("(white over BME)")
    assert drawn["M3"]["row"].endswith("(BME over white)")
    assert spec.table.set_index("Metric").loc["Non-mandatory training and CPD", "Ratio"] == "white over BME"
    assert layers(as_dict)[3]["encoding"]["x"]["title"][1].startswith("NHS WRES")


def test_worked_example_in_the_forest():
    # 12 of 120 BME staff against 20 of 400 white: 0.10 / 0.05 = 2.00; Katz se = sqrt(1/12 - 1/120 + 1/20
    # - 1/400) = 0.35, so the interval is 2 * exp(-/+ 1.96 * 0.35) = 1.01 to 3.97.
    result = rate_result("M3", {"bme": (12, 120), "white": (20, 400), "unknown": (0, 0)})
    spec = charts.forest([result], SETTINGS)
    (row,) = rows_of(spec.chart.to_dict(), "point")
    assert (row["value"], row["ci_low"], row["ci_high"]) == (2.0, 1.01, 3.97)
    assert row["status"] == "adverse, beyond chance"
    assert "2.00" in spec.summary and "1.01 to 3.97" in spec.summary and "excludes 1.00" in spec.summary


def test_forest_lists_rows_without_a_ratio_in_words(results):
    too_few = rate_result("M4", {"bme": (1, 6), "white": (3, 40), "unknown": (0, 0)})
    no_data = MetricResult(METRICS["M5"], "sc-wres", stats.NO_DATA)
    spec = charts.forest([results["M3"], too_few, no_data], SETTINGS)
    as_dict = spec.chart.to_dict()
    labels = [r["label"] for r in rows_of(as_dict, "point")]
    assert labels == ["1.50, adverse, could be chance", "Too few to say", "No data"]
    assert spec.table["Relative likelihood"].tolist() == [1.5, "Too few to say", "No data"]
    assert "only 6 BME" in spec.table.loc[1, "Note"]
    assert spec.small_groups == ["Fitness to practise: BME"]
    assert spec.summary == ("Of 3 comparisons (SC-WRES): 1 adverse, could be chance (Disciplinary 1.50), "
                            "1 too few to say, 1 no data.")


def test_a_ratio_of_zero_is_listed_not_drawn_on_the_log_scale():
    result = rate_result("M3", {"bme": (0, 200), "white": (20, 400), "unknown": (0, 0)})
    assert result.value == 0.0 and result.ci is None
    spec = charts.forest([result], SETTINGS)
    (row,) = rows_of(spec.chart.to_dict(), "point")
    assert row["label"] == "0.00, favourable, could be chance" and row["ci_low"] is None
    assert spec.table.loc[0, "Lower 95% limit"] == ""


def test_survey_draws_each_questions_percentages(results):
    result = results["M7"]
    spec = charts.survey(result, SETTINGS)
    drawn = {(r["category"], r["group"]): r["rate"] for r in rows_of(spec.chart.to_dict(), "bar")}
    assert drawn[("From colleagues", "BME")] == 16.3 and drawn[("From managers", "White")] == 7.6
    assert len(drawn) == 6
    table = {(r["Question"], r["Group"]): r["% saying yes"] for r in spec.table.to_dict("records")}
    assert table == drawn
    labels = {r["label"] for r in rows_of(spec.chart.to_dict(), "text")}
    assert {"BME: 16%", "White: 7.6%"} <= labels
    assert "42 of 257" in spec.summary and "from managers" in spec.summary and "1.67" in spec.summary
    public = charts.chart_for(results["M6"], SETTINGS)
    assert public.table["Question"].iloc[0] == "From people who use services, their relatives or the public"
    assert "77 of 258" in public.summary


def test_leavers_by_service():
    by_service = {
        "All": rate_result("M8", {"bme": (10, 100), "white": (20, 400), "unknown": (1, 8)}),
        "Children's": rate_result("M8", {"bme": (3, 50), "white": (6, 100), "unknown": (0, 0)}),
    }
    spec = charts.leavers(by_service, SETTINGS)
    as_dict = spec.chart.to_dict()
    drawn = {(r["category"], r["group"]): r["rate"] for r in rows_of(as_dict, "bar")}
    assert drawn == {("All", "BME"): 10.0, ("All", "White"): 5.0, ("All", "Unknown"): 12.5,
                     ("Children's", "BME"): 6.0, ("Children's", "White"): 6.0}
    assert spec.table.to_dict("records")[0] == {
        "Service": "All", "Group": "BME", "Leavers": 10, "Average headcount": 100, "Leaving rate (%)": 10.0,
        "Relative likelihood (BME over white)": 2.0}
    assert spec.table["Relative likelihood (BME over white)"].tolist() == [2.0, 2.0, 2.0, 1.0, 1.0]
    assert spec.title == "Leaving rate by ethnicity and service"
    assert spec.summary == ("Leaving rates of BME staff against white staff: All 10% against 5.0% (2.00, adverse, "
                            "could be chance); Children's 6.0% against 6.0% (1.00, within range).")
    assert spec.small_groups == ["All: Unknown"]


def test_leavers_by_service_lead_with_the_services_that_can_be_read():
    from dataclasses import replace

    from metrics.results import Ratio

    withheld = replace(rate_result("M8", {"bme": (3, 50), "white": (6, 100), "unknown": (0, 0)}),
                       groups={g: GroupFigures(None, None, None) for g in ("bme", "white", "unknown")},
                       ratio=Ratio(None, None, stats.INSUFFICIENT, "withheld"), status=stats.INSUFFICIENT)
    by_service = {"All": rate_result("M8", {"bme": (10, 100), "white": (20, 400), "unknown": (1, 8)}),
                  "Children's": withheld,
                  "Adults": rate_result("M8", {"bme": (5, 50), "white": (10, 100), "unknown": (0, 0)})}
    # Not "Children's withheld against withheld" in the middle of the list: the withheld service is said after.
    assert charts.leavers(by_service, SETTINGS).summary == (
        "Leaving rates of BME staff against white staff: All 10% against 5.0% (2.00, adverse, could be chance); "
        "Adults 10% against 10% (1.00, within range). The figures for Children's are withheld from publication because "
        "some counts are under 10.")


# One mapping of group to colour, the organisation's label everywhere --------------------------


def test_every_chart_uses_the_same_colour_for_each_group(results):
    settings = SETTINGS.with_(bme_label=LABEL)
    specs = [charts.chart_for(results[m], settings) for m in ("M1", "M2", "M6", "M7", "M8")]
    expected = ([LABEL, "White", "Unknown"], ["#12436D", "#28A197", "#3D3D3D"])
    for spec in specs:
        scales = group_colour_scales(spec.chart.to_dict())
        assert scales and all(scale == expected for scale in scales)


def test_the_organisations_label_is_in_chart_table_and_summary(results):
    settings = SETTINGS.with_(bme_label=LABEL)
    for metric_id in results:
        spec = charts.chart_for(results[metric_id], settings)
        text = json.dumps(spec.chart.to_dict())
        assert LABEL in text, metric_id
        assert "BME" not in text.replace("BME over white", ""), metric_id
        table = " ".join(map(str, [*spec.table.columns, *spec.table.to_numpy().ravel()]))
        assert LABEL in table or LABEL in spec.summary, metric_id
    assert "Black and minoritised % of band" in charts.pay_bands(results["M1"], settings).table.columns
    assert charts.recruitment(results["M2"], settings).table["Group"].iloc[0] == LABEL


# Withheld, missing, too few ------------------------------------------------------------------


def test_published_results_with_withheld_counts_still_chart(results):
    published = publish(results, SETTINGS, combine=False)  # bands withheld, not combined: the cells this draws
    for metric_id in results:
        charts.chart_for(published[metric_id], SETTINGS).chart.to_dict()
        charts.chart_for(publish(results, SETTINGS)[metric_id], SETTINGS).chart.to_dict()
    bands = charts.pay_bands(published["M1"], SETTINGS)
    table = bands.table.set_index("Pay band")
    assert table.loc["Grade 7", "BME staff"] == "withheld" and table.loc["Grade 7", "BME % of band"] == "withheld"
    as_dict = bands.chart.to_dict()
    assert {r["band"] for r in rows_of(as_dict, "bar")}.isdisjoint({"Grade 7", "SM3"})
    notes = {r["band"]: r["note"] for r in rows(as_dict, layers(as_dict)[2])}
    assert notes["Grade 7"] == "withheld"
    # No lower band is passed off as the highest: the senior bands are said to be withheld.
    assert bands.summary == ("Of staff whose ethnicity is known, BME staff are 28% of the whole workforce, 47% of "
                             "Grade 3, the lowest band; the senior bands' figures are withheld from publication.")
    forest = charts.forest(list(published.values()), SETTINGS)
    assert "Withheld for publication" in forest.table["Status"].tolist()


def test_a_withheld_group_is_left_out_of_the_drawing_and_said_in_the_table():
    result = rate_result("M2", {"bme": (None, 40), "white": (30, 100), "unknown": (None, None)})
    assert result.status == stats.WITHHELD and result.ratio.reason == "withheld"
    spec = charts.recruitment(result, SETTINGS)
    as_dict = spec.chart.to_dict()
    assert {(r["group"], r["stage"]) for r in rows_of(as_dict, "bar")} == {
        ("BME", "Shortlisted"), ("White", "Shortlisted"), ("White", "Appointed")}
    assert "appointed withheld" in {r["label"] for r in rows_of(as_dict, "text")}
    assert spec.table.to_dict("records")[0] == {"Group": "BME", "Shortlisted": 40, "Appointed": "withheld",
                                                "Appointment rate (%)": "withheld"}
    assert spec.summary == ("30% of white shortlisted applicants (30 of 100) were appointed; the figure for BME "
                            "shortlisted applicants is withheld; the relative likelihood is withheld.")


# A narrative (WDES 9b) is never "no data": it has no data to have.
@pytest.mark.parametrize("metric_id", [m for m, d in METRICS.items() if d.kind != "narrative"])
def test_no_data_gives_a_text_chart_saying_so(metric_id):
    result = MetricResult(METRICS[metric_id], "sc-wres", stats.NO_DATA)
    spec = charts.chart_for(result, SETTINGS)
    as_dict = spec.chart.to_dict()
    assert mark_type(as_dict) == "text"
    needs = " and ".join(d.replace("_", " ") for d in METRICS[metric_id].datasets)
    assert spec.summary.startswith("There is no data for") and f"needs the {needs} data" in spec.summary
    assert rows(as_dict, as_dict)[0]["message"].replace("\n", " ") == spec.summary


def test_too_few_to_compare_gives_a_text_chart_with_the_reason_and_the_counts():
    result = rate_result("M2", {"bme": (2, 6), "white": (30, 100), "unknown": (0, 0)})
    spec = charts.chart_for(result, SETTINGS)
    assert mark_type(spec.chart.to_dict()) == "text"
    assert spec.summary == ("There is not enough data to compare shortlisted applicants: there are only 6 BME "
                            "shortlisted applicants (the minimum to compare is 10).")
    assert spec.table["Shortlisted"].tolist() == [6, 100]
    assert spec.small_groups == ["BME"]


def test_a_fixed_width_copy_for_exports(results):
    spec = charts.chart_for(results["M1"], SETTINGS)
    assert spec.with_width(900).chart.to_dict()["width"] == 900
    assert spec.chart.to_dict()["width"] == "container"


def senior_result(settings: Settings) -> MetricResult:
    """M9 from counts: 4 of 20 senior managers are BME; 100 of 400 staff are."""
    import datetime as dt

    import pandas as pd

    from metrics.counts import FigureSet, Period
    from metrics.results import compute_results

    counts = pd.DataFrame([("M9", "", "bme", 4, 100), ("M9", "", "white", 16, 300), ("M9", "", "unknown", 0, 0)],
                          columns=["metric", "item", "group", "events", "base"])
    figures = FigureSet("Test", Period.twelve_months_to(dt.date(2026, 3, 31)), counts, available=frozenset({"M9"}))
    return compute_results(figures, settings)["M9"]


def test_senior_management_beside_the_workforce_and_the_local_population():
    # Senior share 4/20 = 20.0%, Wilson 95% 8.07% to 41.60%; workforce 100/400 = 25.0%; residents 30 of 100.
    settings = SETTINGS.with_(local_population={"bme": 30.0, "white": 70.0}, local_population_area="Northby")
    spec = charts.chart_for(senior_result(settings), settings)
    assert spec.title == "BME share of senior managers and of the workforce"
    assert spec.summary == ("BME staff are 20% of senior managers (95% interval 8% to 42%) against 25% of staff "
                            "whose ethnicity is known and 30% of the residents of Northby: -5.0 percentage points "
                            "(95% interval -16.9 to +16.6), within range.")
    # 20% is exactly 0.80 times 25%: on the edge of the range, so within it, as a ratio of 0.80 is.
    assert senior_result(settings).status == stats.WITHIN_RANGE
    drawn = rows_of(spec.chart.to_dict(), "bar")
    assert [(r["who"], r["share"], r["low"], r["high"]) for r in drawn] == [
        ("Senior managers", 20.0, 8.1, 41.6), ("Whole workforce", 25.0, None, None),
        ("Residents of Northby", 30.0, None, None)]
    assert spec.table["BME people"].tolist() == [4, 100, ""]
    assert spec.table["Ethnicity known"].tolist() == [20, 400, ""]


def test_senior_management_without_a_local_population_has_two_bars():
    spec = charts.chart_for(senior_result(SETTINGS), SETTINGS)
    assert [r["who"] for r in rows_of(spec.chart.to_dict(), "bar")] == ["Senior managers", "Whole workforce"]


def test_a_label_inside_a_bar_is_left_out_where_the_bar_is_too_narrow_for_it_not_cut_short(results):
    """At 400% zoom (320 CSS pixels) the chart is a few hundred pixels wide: a segment's label that will not fit in
    its segment is hidden (the table beside the chart has the figure) rather than cut to "·.7%". Drawn by Vega (as
    the exports draw it) at 260 pixels and at 1,100."""
    import re

    import vl_convert

    spec = charts.pay_bands(results["M1"], SETTINGS)

    def hidden(width: int) -> list[str]:
        svg = vl_convert.vegalite_to_svg(spec.with_width(width).chart.to_dict())
        return re.findall(r'<text[^>]*opacity="0"[^>]*>([^<]*)</text>', svg)

    # SM2's 7.7% BME segment is about 20 pixels wide in a 260-pixel chart: too narrow for "7.7%" (about 34).
    assert "7.7%" in hidden(260) and "47%" not in hidden(260)
    assert hidden(1100) == []  # wide, every label fits its segment
    # The relative likelihoods' log axis: 0.8, 1 and 1.25 sit close; narrow, "1" is left out rather than printed into
    # its neighbours ("0.8 11.25"); wide, every value is written.
    from charts.overview import overview_forest

    forest = overview_forest(results.values(), SETTINGS)

    def hidden_ticks(width: int) -> list[str]:
        svg = vl_convert.vegalite_to_svg(forest.with_width(width).chart.to_dict())
        return re.findall(r'<text[^>]*opacity="0"[^>]*>(0\.5|0\.8|1|1\.25|2|4)</text>', svg)

    assert hidden_ticks(260) == ["1"] and hidden_ticks(1100) == []


def test_pay_bands_show_the_local_population_line(results):
    settings = SETTINGS.with_(local_population={"bme": 34.0, "white": 66.0}, local_population_area="Wexcombe")
    spec = charts.chart_for(results["M1"], settings)
    def rule_rows(chart: dict) -> list[dict]:
        return [r for layer in layers(chart) if mark_type(layer) == "rule" for r in rows(chart, layer)]

    drawn = spec.chart.to_dict()
    assert {"population_pct": 34.0, "label": "Residents of Wexcombe: 34%"} in rule_rows(drawn)
    assert spec.subtitle.endswith("Dotted line: BME share of the residents of Wexcombe (Census 2021).")
    without = charts.chart_for(results["M1"], SETTINGS).chart.to_dict()
    assert [r for r in rule_rows(without) if "population_pct" in r] == []
    assert any("workforce_pct" in r for r in rule_rows(without))


# Accessible colour and text ----------------------------------------------------------------------------------


def contrast(first: str, second: str) -> float:
    """WCAG's contrast ratio of two #RRGGBB colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_worked_examples():
    assert contrast("#FFFFFF", "#000000") == pytest.approx(21.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)  # the classic just-too-faint grey


def test_group_colours_stand_apart_from_their_neighbours_and_the_background():
    # Groups are drawn side by side (stacked pay bands, bars in GROUPS order) on white: 3:1 each way (WCAG 1.4.11).
    colours = palette.group_range()
    for neighbour, other in zip(colours, colours[1:], strict=False):
        assert contrast(neighbour, other) >= 3, (neighbour, other)
    for colour in colours:
        assert contrast(colour, palette.WHITE) >= 3, colour
    for group, text in palette.GROUP_TEXT_COLOURS.items():  # labels printed on a group's bar
        assert contrast(palette.GROUP_COLOURS[group], text) >= 4.5, group


def test_the_paler_recruitment_bars_are_outlined_in_their_groups_colour(results):
    bars = next(layer for layer in layers(charts.recruitment(results["M2"], SETTINGS).chart.to_dict())
                if mark_type(layer) == "bar")
    stroke = bars["encoding"]["stroke"]
    assert stroke["field"] == "group" and stroke["scale"]["range"] == palette.group_range()
    assert bars["mark"]["strokeWidth"] >= 2


def test_a_chart_is_described_by_its_headline_finding_and_its_marks_are_left_to_the_table(results):
    spec = charts.recruitment(results["M2"], SETTINGS)
    as_dict = spec.chart.to_dict()
    assert as_dict["description"] == spec.summary
    assert as_dict["config"]["mark"]["aria"] is False


def drawn_text(spec: charts.ChartSpec) -> tuple[list[str], str]:
    """The words in a chart as drawn (vl-convert's SVG): the legend's entries, and every other word on it."""
    import xml.etree.ElementTree as ET

    import vl_convert

    root = ET.fromstring(vl_convert.vegalite_to_svg(spec.with_width(700).chart.to_dict()))
    parents = {child: parent for parent in root.iter() for child in parent}
    legend, other = [], []
    for node in root.iter("{http://www.w3.org/2000/svg}text"):
        ancestor, in_legend, is_title = parents.get(node), False, False
        while ancestor is not None:
            role = ancestor.get("class") or ""
            in_legend = in_legend or "role-legend" in role
            is_title = is_title or "role-legend-title" in role
            ancestor = parents.get(ancestor)
        text = "".join(node.itertext())
        if in_legend and not is_title:
            legend.append(text)
        elif not in_legend:
            other.append(text)
    return legend, " ".join(other).lower()


@pytest.mark.parametrize("metric_id", SAMPLE_METRICS)
def test_each_group_a_colour_stands_for_is_named_on_the_chart_too(every_result, metric_id):
    """WCAG 1.4.1: colour is not the only way to tell the groups apart. What the legend names by colour is also
    written on the chart itself, beside the bars (the bar's label or axis) or in the line saying how to read it."""
    spec = charts.chart_for(*every_result[metric_id])
    legend, words = drawn_text(spec)
    assert [name for name in legend if name.lower() not in words] == []


def test_pay_bands_say_the_order_of_the_groups_in_each_bar(results):
    legend, words = drawn_text(charts.pay_bands(results["M1"], SETTINGS))
    assert legend == ["BME", "White", "Unknown"]
    assert "left to right in each bar: bme, white and unknown ethnicity" in words


def test_a_presented_chart_has_large_dark_text_and_fills_the_height_it_is_given(results):
    for result in results.values():
        spec = charts.chart_for(result, SETTINGS)
        shown = spec.presented().chart.to_dict()
        axis = shown["config"]["axis"]
        assert axis["labelFontSize"] == axis["titleFontSize"] == palette.PRESENT_LABEL_SIZE, result.id
        assert axis["labelColor"] == axis["titleColor"] == palette.BLACK, result.id
        assert shown["height"] == "container"
        text_sizes = {layer["mark"].get("fontSize") for layer in layers(shown) if mark_type(layer) == "text"}
        assert palette.LABEL_SIZE not in text_sizes, result.id
        assert spec.chart.to_dict()["config"]["axis"]["labelFontSize"] == palette.LABEL_SIZE  # the original as it was


def test_the_pay_bands_status_is_the_same_words_in_the_trends_table_as_everywhere():
    """M1 has no ratio to rate: its status says it is described by its chart, not an overview link's label."""
    from charts.trends import trend
    from metrics.trends import history

    analysis = analyse_paths()
    table = trend(history([analysis.figures], SETTINGS), "M1", SETTINGS).table
    assert list(table["Status"]) == ["Descriptive: see the pay band chart"]
    assert stats.STATUS_WORDS[stats.DESCRIPTIVE] == "Descriptive: see the pay band chart"
