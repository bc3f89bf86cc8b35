"""People's words in a pack to be published, checked for figures the pack withholds (reports.withheld_text):
worked on the sample council, whose fitness to practise counts (3 BME and 6 white referrals) are withheld."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.api import analyse_paths, published_results
from reports.withheld_text import withheld_in_text
from tests.reports_command import reports_in_process

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sample():
    analysis = analyse_paths()
    return analysis, published_results(analysis)


def found(sample, metric_id: str, text: str, kind: str = "know") -> list[tuple[str, str]]:
    analysis, published = sample
    return [(f.written, f.what) for f in withheld_in_text(analysis.results, published, {metric_id: {kind: text}},
                                                          analysis.settings)]


def test_the_engines_on_screen_sentence_saved_as_it_was_is_caught(sample):
    analysis, _ = sample
    caught = found(sample, "M4", analysis.results["M4"].sentence)
    assert ("3", "the BME group's referred") in caught and ("6", "the White group's referred") in caught
    assert ("9", "the referred of known ethnicity") in caught  # "With only 9 referred in all": 3 + 6 = 9
    assert ("1.77", "the metric's value") in caught and ("0.45", "an end of the 95% interval") in caught
    assert ("2.2", "the BME group's rate, %") in caught
    assert not [w for w, _ in caught if w in ("138", "489", "669", "42")]  # shown: the bases are published


def test_the_pay_band_sentence_as_counted_is_caught_for_a_withheld_senior_band(sample):
    analysis, published = sample
    # On screen, "in the highest with 10 or more staff (SM2), 9.1%": SM2's figures are withheld when published.
    caught = found(sample, "M1", analysis.results["M1"].sentence)
    assert ("9.1", "the BME share of SM2 staff whose ethnicity is known, %") in caught
    assert found(sample, "M1", published["M1"].sentence) == []


def test_a_number_that_could_be_the_withheld_one_is_listed_for_the_editor(sample):
    # The editor decides: "3 years" may be innocent, but it matches a withheld count.
    assert found(sample, "M4", "We have run reverse mentoring for 3 years.", "achieved") == [
        ("3", "the BME group's referred")]
    assert found(sample, "M4", "Referrals fell after the 2024 training.", "achieved") == []


def test_text_about_a_metric_with_nothing_withheld_is_not_checked(sample):
    assert found(sample, "M5", "127 of 526 BME staff accessed CPD (24.1%).") == []


def test_the_published_sentence_itself_passes(sample):
    _, published = sample
    assert found(sample, "M4", published["M4"].sentence) == []


def _database_with_panel(tmp_path: Path, text: str) -> str:
    from storage import create_schema, make_engine, save_panel

    url = f"sqlite:///{tmp_path / 'wres.sqlite'}"
    engine = make_engine(url)
    create_schema(engine)
    save_panel(engine, "Wexcombe Borough Council", "2026-03-31", "M4", "know", text, expected_version=0,
               user="Sam Patel")
    engine.dispose()
    return url


def test_the_command_line_makes_no_published_pack_that_quotes_a_withheld_figure(tmp_path, sample):
    analysis, _ = sample
    database = _database_with_panel(tmp_path, analysis.results["M4"].sentence)
    out = tmp_path / "pack.xlsx"
    refused = reports_in_process("--format", "xlsx", "--out", str(out), database=database)
    assert refused.returncode == 2 and not out.exists()
    assert "Metric 4, What we know from our data: \"3\" could be the BME group's referred" in refused.stderr
    assert "--text-checked" in refused.stderr
    made = reports_in_process("--format", "xlsx", "--out", str(out), "--text-checked", database=database)
    assert made.returncode == 0 and out.exists()
    internal = reports_in_process("--format", "xlsx", "--out", str(tmp_path / "i.xlsx"), "--internal",
                                  database=database)
    assert internal.returncode == 0  # the board's own pack withholds nothing, so quotes nothing withheld
