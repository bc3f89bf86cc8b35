"""Each metric is counted by the counter its definition names (metrics.counting), with the counter's
options as data: a new metric counted like an existing one is a registry entry."""

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest

from data_loaders.schema import DATASETS
from metrics import counting, registry
from metrics.counting import COUNTERS, ORDER
from metrics.counting.casework import AMONG, ONLY
from metrics.counting.common import EVENTS
from metrics.records import figures_from_records
from metrics.registry import METRICS, Counting, metrics_of
from metrics.settings import Settings

END = dt.date(2026, 3, 31)
WHITE, BME = "A White - British", "N Black or Black British - African"


def test_every_metric_names_a_counter_and_options_it_has():
    for definition in METRICS.values():
        how = definition.counting
        assert how.counter in COUNTERS, definition.id
        assert not how.among or how.among in AMONG, definition.id
        assert not how.only or how.only in ONLY, definition.id
        assert not how.events or how.events in DATASETS, definition.id
        if how.counter in ("selection", "casework", "leaving"):
            assert how.events in EVENTS, definition.id
    assert sorted(ORDER) == sorted(COUNTERS)


def test_the_counters_run_in_their_stated_order_not_the_registrys():
    # The notes and the rows of counts come out in this order (the staff snapshot first): see counting.ORDER.
    ran = [m.id for name in ORDER for m in metrics_of("nhs-wres").values() if m.counting.counter == name]
    assert ran == ["M1", "W9", "M2", "M3", "W4", "W5", "W6", "W7", "W8"]
    ran = [m.id for name in ORDER for m in metrics_of("sc-wres").values() if m.counting.counter == name]
    assert ran == ["M1", "M9", "M8", "M2", "M3", "M4", "M5", "M6", "M7"]


def test_a_counter_that_does_not_exist_is_named():
    tally = replace(METRICS["M3"], id="X1", counting=Counting("tally"))
    with pytest.raises(KeyError, match="'tally'"):
        counting.columns([tally])


def _staff_and_cases():
    staff = pd.DataFrame({
        "employee_id": ["1", "2", "3", "4"],
        "ethnicity": [WHITE, BME, WHITE, BME],
        "regulated_professional": pd.array([True, True, False, False], dtype="boolean"),
    })
    cases = pd.DataFrame({"employee_id": ["2", "4", "3"], "date": pd.to_datetime(["2025-08-01"] * 3)})
    return staff, cases


def test_a_new_metric_counted_like_another_is_only_a_registry_entry(monkeypatch):
    # Disciplinary cases over the regulated professionals only: the casework counter with M4's option.
    among = replace(METRICS["M3"], id="X3", number=10,
                    counting=Counting("casework", events="disciplinary", among="regulated professionals"))
    monkeypatch.setitem(registry.METRICS, "X3", among)
    # And a place in the standard's list of metrics (Standard.metrics), which is what counting goes through.
    sc_wres = registry.STANDARDS["sc-wres"]
    monkeypatch.setitem(registry.STANDARDS, "sc-wres", replace(sc_wres, metrics=(*sc_wres.metrics, "X3")))
    staff, cases = _staff_and_cases()
    figures = figures_from_records({"staff": staff, "disciplinary": cases}, Settings(period_end=END))

    def by_group(metric):
        rows = figures.for_metric(metric)
        return {g: (e, b) for g, e, b in zip(rows["group"], rows["events"], rows["base"], strict=True)}

    assert by_group("M3") == {"bme": (2.0, 2.0), "white": (1.0, 2.0), "unknown": (0.0, 0.0)}
    assert by_group("X3") == {"bme": (1.0, 1.0), "white": (0.0, 1.0), "unknown": (0.0, 0.0)}
    assert "X3" in figures.available
    # Its notes speak of its own events and its own number.
    assert ("2 of the 3 disciplinary cases are of staff who are not regulated professionals by the staff data's "
            "regulated-professional column, so they are left out of metric 10, whose headcount is regulated "
            "professionals only.") in figures.notes
