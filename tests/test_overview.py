"""The overview's summary: it judges only the metrics with figures, and says which files would give the rest."""

import datetime as dt

import pandas as pd

from metrics.counts import FigureSet, Period
from metrics.registry import METRICS, missing_datasets
from metrics.results import compute_results
from metrics.settings import Settings
from ui.overview import headline
from ui.safe import plain

PERIOD = Period(dt.date(2025, 4, 1), dt.date(2026, 3, 31))


def results(rows):
    counts = pd.DataFrame(rows, columns=["metric", "item", "group", "events", "base"])
    return compute_results(FigureSet("Test council", PERIOD, counts, {}, available=frozenset(counts["metric"])),
                           Settings())


def rows(metric, bme, white, item=""):
    return [(metric, item, "bme", *bme), (metric, item, "white", *white), (metric, item, "unknown", 0, 0)]


PAY_BANDS = [("M1", "Grade 1", "bme", 30, 0), ("M1", "Grade 1", "white", 70, 0), ("M1", "Grade 1", "unknown", 0, 0)]
# Leaving: 10 of 100 BME and 30 of 300 white staff (1.00); senior management: 10 of 100 and 30 of 300 (1.00).
STAFF_ONLY = PAY_BANDS + rows("M8", (10, 100), (30, 300)) + rows("M9", (10, 100), (30, 300))


def test_with_only_staff_figures_the_summary_judges_those_and_names_the_files_for_the_rest():
    text = plain(headline(results(STAFF_ONLY), Settings(), {"staff"}))
    assert "No metric is outside" not in text
    assert text == (
        "Of the 2 metrics with figures to compare, none is outside the 0.80 to 1.25 range in a direction adverse "
        "to BME staff. 6 metrics have no figures yet: upload a recruitment file (metric 2), a formal disciplinary "
        "cases file (metric 3), a fitness to practise referrals file (metric 4), a continuing professional "
        "development file (metric 5), and a staff survey file (metrics 6 and 7).")


def test_adverse_metrics_are_counted_against_those_with_figures_not_all_nine():
    adverse = STAFF_ONLY[:-3] + rows("M9", (2, 100), (30, 300))  # senior: 2% against 10%
    text = plain(headline(results(adverse), Settings(bme_label="Global majority"), {"staff"}))
    assert text.startswith("**1 of the 2 metrics with figures to compare** is outside the 0.80 to 1.25 range in a "
                           "direction adverse to Global majority staff: senior management.")


def test_the_only_metric_with_figures_is_named_and_a_ratio_too_small_to_read_is_counted_apart():
    recruitment = rows("M2", (10, 100), (30, 100)) + rows("M3", (1, 5), (3, 300))
    text = plain(headline(results(recruitment), Settings(), {"recruitment", "disciplinary"}))
    assert text.startswith("The only metric with figures to compare, appointment from shortlisting, is **outside** "
                           "the 0.80 to 1.25 range in a direction adverse to BME staff. 1 metric has too few people "
                           "to say: disciplinary.")
    assert "upload a workforce snapshot file (metrics 1, 4, 5, 8, and 9)" in text  # disciplinary was given


def test_a_metric_whose_files_were_given_but_hold_nothing_for_it_points_to_the_notes():
    text = plain(headline(results(STAFF_ONLY[:-3]), Settings(), {"staff"}))  # no senior managers found
    assert text.startswith("The only metric with figures to compare, leaving the organisation, is not outside")
    assert text.endswith("a staff survey file (metrics 6 and 7); the files given hold nothing for metric 9 (see "
                         "the notes on the data).")


def test_with_no_figures_at_all_nothing_is_judged():
    text = plain(headline(results([]), Settings(), set()))
    assert text.startswith("No metric has figures to set against the 0.80 to 1.25 range yet. 9 metrics have no "
                           "figures yet: upload a workforce snapshot file (metrics 1, 3, 4, 5, 8, and 9), a "
                           "recruitment file (metric 2),")


def test_missing_datasets_come_from_the_registry_in_the_order_the_metrics_need_them():
    needed = missing_datasets(["M5", "M3", "M2"], {"staff"})
    assert list(needed) == ["recruitment", "disciplinary", "cpd"]
    assert needed["cpd"] == (METRICS["M5"],)
    assert missing_datasets(["M8"], {"staff"}) == {}
