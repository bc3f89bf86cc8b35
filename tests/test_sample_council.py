"""The sample council end to end through the engine: every metric, every year."""

import pandas as pd
import pytest

from metrics.counts import stack
from metrics.registry import metrics_of
from pipeline.api import analyse_paths, sample_paths, sample_snapshots


@pytest.fixture(scope="module")
def years():
    return {folder.name: analyse_paths(sample_paths(folder.name)) for folder in sample_snapshots()}


def test_three_snapshots_every_metric_computed(years):
    assert list(years) == ["2024-03-31", "2025-03-31", "2026-03-31"]
    for snapshot, analysis in years.items():
        assert str(analysis.period.end) == snapshot
        assert all(result.status != "no data" for result in analysis.results.values()), snapshot
        # Sample data has no input problems beyond the ones built in on purpose.
        assert not [w for w in analysis.warnings if "could not be read" in w]


def test_patterns_the_seeds_describe(years):
    latest = years["2026-03-31"].results
    assert latest["M2"].value < 1  # white shortlisted applicants appointed more often
    assert latest["M3"].value > 1  # BME staff more likely to enter disciplinary
    assert latest["M8"].value > 1  # and to leave
    assert latest["M9"].value < 0  # under-represented in senior management
    bands = latest["M1"].bands
    assert bands[0].pct["bme"] > latest["M1"].overall.pct["bme"] > bands[-1].pct["bme"]


def test_appointment_ratio_improves_year_on_year(years):
    ratios = [years[s].results["M2"].value for s in years]
    assert ratios == sorted(ratios)


def test_figure_sets_stack_across_years_without_people(years):
    table = stack([analysis.figures for analysis in years.values()])
    assert set(table["period_end"].astype(str)) == set(years)
    assert set(table["metric"]) == set(metrics_of("sc-wres"))
    assert list(table.columns) == ["organisation", "period_start", "period_end", "metric", "item", "group",
                                   "events", "base"]
    # Counts by group only: no identifier, no ethnicity label, no date of birth.
    m2_2024 = table[(table["metric"] == "M2") & (table["period_end"].astype(str) == "2024-03-31")]
    assert m2_2024.set_index("group")["events"].to_dict() == {
        g: years["2024-03-31"].results["M2"].groups[g].events for g in ("bme", "white", "unknown")
    }


def test_service_filter_splits_the_workforce(years):
    adults = analyse_paths(sample_paths("2026-03-31"), filters={"service": ["Adults"]})
    childrens = analyse_paths(sample_paths("2026-03-31"), filters={"service": ["Children's"]})
    everyone = years["2026-03-31"].results["M1"].overall.counts
    split = [a.results["M1"].overall.counts for a in (adults, childrens)]
    for group in ("bme", "white", "unknown"):
        assert split[0][group] + split[1][group] < everyone[group]  # business support is neither
    # The sample council's leaving gap is wider in children's services than in adults'.
    assert childrens.results["M8"].value > adults.results["M8"].value
    assert adults.figures.filters == {"service": ["Adults"]}
    assert isinstance(stack([adults.figures]), pd.DataFrame)


def test_one_workbook_with_every_dataset_gives_the_same_figures(years, tmp_path):
    """The sample's six files as sheets of one workbook, named as HR teams name them: each
    sheet is recognised by its name or headings and every figure is unchanged."""
    import csv
    import io

    from openpyxl import Workbook, load_workbook

    folder = sample_snapshots()[-1]
    combined = Workbook()
    combined.remove(combined.active)
    for name in ("staff", "recruitment", "disciplinary", "fitness_to_practise", "cpd"):
        for sheet in load_workbook(folder / f"{name}.xlsx").worksheets:
            copy = combined.create_sheet(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                copy.append(row)
    survey = combined.create_sheet("Staff survey 2025")
    for row in csv.reader(io.StringIO((folder / "survey.csv").read_bytes().decode("cp1252"))):
        survey.append(row)
    path = tmp_path / "everything.xlsx"
    combined.save(path)

    together = analyse_paths([str(path)]).results
    apart = years[folder.name].results
    for metric_id, result in apart.items():
        assert together[metric_id].status == result.status
        assert together[metric_id].value == result.value
        assert together[metric_id].groups == result.groups
