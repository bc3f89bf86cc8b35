"""Each standard has its own list of metrics (metrics.registry, Standard.metrics), and every view lists the chosen
standard's and no others: counting, results, the command line, the board pack, the counts template, benchmarking.
A standard of three metrics, made up here and never offered to users, holds them to it."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import openpyxl
import pytest

from metrics.registry import METRICS, NINE_METRICS, STANDARDS, Standard, number_order
from metrics.settings import Settings
from pipeline.api import analyse_paths

SUBSET = ("M1", "M2", "M3")


def install_subset_standard(monkeypatch: pytest.MonkeyPatch) -> Standard:
    """A standard with the SC-WRES's groups and words and only metrics 1-3, in STANDARDS for this test only."""
    standard = replace(STANDARDS["sc-wres"], id="test-three", name="Test standard",
                       title="A standard of three metrics (tests only)", metrics=SUBSET, guidance=(), note="")
    monkeypatch.setitem(STANDARDS, standard.id, standard)
    return standard


@pytest.fixture
def subset_standard(monkeypatch):
    return install_subset_standard(monkeypatch)


def test_each_user_visible_standard_lists_its_own_metrics():
    assert list(STANDARDS) == ["sc-wres", "nhs-wres", "wdes"]
    assert STANDARDS["sc-wres"].metrics == NINE_METRICS
    # The NHS WRES's own indicators: no fitness to practise (M4), funded CPD (M5), SC-WRES harassment (M6, M7),
    # leaving (M8) or senior managers by pay band (M9); the board (W9) instead.
    assert STANDARDS["nhs-wres"].metrics == ("M1", "M2", "M3", "W4", "W5", "W6", "W7", "W8", "W9")


def test_a_metric_has_one_number_and_each_standard_numbers_its_metrics_in_order():
    """A metric's number is its number in every standard that lists it (MetricDefinition.number): a standard that
    numbers an indicator differently has a metric of its own for it (the NHS WRES's indicator 5 is W5, not M6)."""
    for standard in STANDARDS.values():
        numbers = [METRICS[m].number for m in standard.metrics]
        assert numbers == sorted(numbers, key=number_order) and len(set(numbers)) == len(numbers), standard.id
    for standard in ("sc-wres", "nhs-wres"):
        numbers = [METRICS[m].number for m in STANDARDS[standard].metrics]
        assert numbers == [str(n) for n in range(1, len(numbers) + 1)], standard


def test_metric_numbers_sort_as_written():
    assert sorted(["10", "4b", "2", "9a", "4a", "1", "9b"], key=number_order) == [
        "1", "2", "4a", "4b", "9a", "9b", "10"]


def test_only_the_standards_metrics_are_counted_and_given_results(subset_standard):
    analysis = analyse_paths(settings=Settings(standard=subset_standard.id))
    assert analysis.figures.available == frozenset(SUBSET)
    assert set(analysis.figures.counts["metric"]) == set(SUBSET)
    assert list(analysis.results) == list(SUBSET)
    # The same figures as the SC-WRES gives them: leaving the other metrics out changes none of these.
    full = analyse_paths(settings=Settings(standard="sc-wres"))
    for metric_id in SUBSET:
        assert analysis.results[metric_id].value == full.results[metric_id].value
        assert analysis.results[metric_id].status == full.results[metric_id].status


def test_the_command_lines_json_and_table_hold_only_the_standards_metrics(subset_standard, capsys):
    from commands.metrics_cli import main

    assert main(["--json", "--standard", subset_standard.id]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out["metrics"]) == list(SUBSET)
    assert main(["--standard", subset_standard.id]) == 0
    table = capsys.readouterr().out
    assert "M3 " in table and not any(f"M{n} " in table for n in range(4, 10))


def test_the_board_pack_holds_only_the_standards_metrics(subset_standard):
    from reports import build_content, write_excel

    analysis = analyse_paths(settings=Settings(standard=subset_standard.id))
    for publish_safe in (True, False):
        content = build_content(analysis, publish_safe=publish_safe)
        assert list(content.metrics) == list(SUBSET)
    buffer = io.BytesIO()
    write_excel(build_content(analysis), buffer)
    sheets = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).sheetnames
    assert [s.split()[0] for s in sheets if s[:1] == "M" and s[1:2].isdigit()] == list(SUBSET)


def test_the_counts_template_has_a_sheet_for_each_of_the_standards_metrics(subset_standard, tmp_path):
    from pipeline.template import write_template

    for standard, expected in ((subset_standard.id, SUBSET), ("sc-wres", NINE_METRICS)):
        target = tmp_path / f"{standard}.xlsx"
        write_template(target, standard=standard)
        sheets = openpyxl.load_workbook(target).sheetnames
        assert [s.split()[0] for s in sheets[1:]] == list(expected)


def test_benchmarking_compares_only_the_standards_metrics(subset_standard):
    from data_loaders.errors import InputError
    from metrics.benchmarking import benchmark
    from pipeline.template import read_template_paths

    figure_sets = read_template_paths(["sample_data/region"])
    settings = Settings(standard=subset_standard.id)
    result = benchmark(figure_sets, settings, published_only=())
    assert {c.definition.id for c in result.comparisons} == {"M2", "M3"}  # M1 is the workforce table
    assert result.workforce is not None
    with pytest.raises(InputError, match="has no metric M6"):
        benchmark(figure_sets, settings, published_only=(), metrics=["M6"])
