"""Where the disproportionality sits (metrics.breakdown, `python -m metrics --by`): worked by hand, then properties
over generated records (subgroups add up to the whole; each adjusted interval contains the plain one)."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commands.metrics_cli import main
from metrics.breakdown import (
    METHOD,
    NOT_RECORDED,
    adjusted_confidence,
    breakdown,
    breakdown_columns,
    interval_at,
)
from metrics.records import figures_from_records
from metrics.registry import metric
from metrics.results import GroupFigures, compute_results
from metrics.settings import Settings

WHITE, BME, UNKNOWN = "A White - British", "N Black or Black British - African", "Z Not Stated"
END = dt.date(2026, 3, 31)
SETTINGS = Settings(period_end=END)
# Bonferroni for k = 3 at 95%: each interval at 1 - 0.05/3, z = the normal quantile at 1 - 0.05/6, 2.39398 to
# five decimals (tables: 2.3940).
Z_3 = 2.393980


def people(start: int, n: int, ethnicity: str, service: str | None) -> list[dict]:
    return [{"employee_id": str(start + i), "ethnicity": ethnicity, "service": service, "pay_band": "Grade 3",
             "start_date": pd.Timestamp("2020-01-01"), "leave_date": pd.NaT} for i in range(n)]


def worked() -> dict[str, pd.DataFrame]:
    """Adults: 20 white staff, 2 with a case; 10 BME, 3 with one. Children's: 20 white, 1; 10 BME, 1. No service
    recorded: 10 white, 1; 10 BME, 2."""
    staff = pd.DataFrame(people(100, 20, WHITE, "Adults") + people(200, 10, BME, "Adults")
                         + people(300, 20, WHITE, "Children's") + people(400, 10, BME, "Children's")
                         + people(500, 10, WHITE, None) + people(600, 10, BME, None))
    cases = ["100", "101", "200", "201", "202", "300", "400", "500", "600", "601"]
    disciplinary = pd.DataFrame({"employee_id": cases, "date": pd.Timestamp("2025-09-01")})
    return {"staff": staff, "disciplinary": disciplinary}


def katz(a: float, n1: float, c: float, n2: float, z: float) -> tuple[float, float]:
    value = (a / n1) / (c / n2)
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
    return value * math.exp(-z * se), value * math.exp(z * se)


def test_a_subgroup_is_the_figure_with_the_filter_on_it():
    datasets = worked()
    m3 = breakdown(datasets, "service", SETTINGS)["M3"]
    adults = {s.name: s for s in m3.subgroups}["Adults"]
    # By hand: (3 / 10) / (2 / 20) = 3.0.
    assert adults.figure.value == pytest.approx(3.0)
    assert adults.figure.ci == pytest.approx(katz(3, 10, 2, 20, 1.959964))
    filtered = compute_results(figures_from_records(datasets, SETTINGS, filters={"service": ["Adults"]}),
                               SETTINGS)["M3"]
    assert adults.result.value == filtered.value and adults.result.ci == filtered.ci
    assert adults.result.status == filtered.status and adults.result.groups == filtered.groups
    assert adults.size == 30 and not adults.under_minimum
    # The whole: (6 / 30) / (4 / 50) = 2.5, from every subgroup's counts, Not recorded included.
    assert m3.whole.value == pytest.approx(2.5)
    assert [s.name for s in m3.subgroups] == ["Adults", "Children's", NOT_RECORDED]
    assert {s.name: s.figure.value for s in m3.subgroups} == pytest.approx(
        {"Adults": 3.0, "Children's": 2.0, NOT_RECORDED: 2.0})


def test_bonferroni_for_three_subgroups_by_hand():
    m3 = breakdown(worked(), "service", SETTINGS)["M3"]
    assert m3.method == METHOD == "bonferroni" and m3.comparisons == 3
    assert adjusted_confidence(3) == pytest.approx(1 - 0.05 / 3)
    by_name = {s.name: s for s in m3.subgroups}
    assert by_name["Adults"].figure.ci_adjusted == pytest.approx(katz(3, 10, 2, 20, Z_3), rel=1e-6)
    assert by_name["Children's"].figure.ci_adjusted == pytest.approx(katz(1, 10, 1, 20, Z_3), rel=1e-6)
    assert by_name[NOT_RECORDED].figure.ci_adjusted == pytest.approx(katz(2, 10, 1, 10, Z_3), rel=1e-6)


def test_one_subgroup_with_a_value_is_not_adjusted():
    datasets = worked()
    datasets["staff"] = datasets["staff"].assign(service="Adults")
    (only,) = breakdown(datasets, "service", SETTINGS)["M3"].subgroups
    assert only.figure.ci_adjusted == only.figure.ci


def test_small_subgroups_are_flagged_not_dropped():
    m3 = breakdown(worked(), "service", SETTINGS.with_(min_group_size=15))["M3"]
    flags = {s.name: s.under_minimum for s in m3.subgroups}
    assert flags == {"Adults": True, "Children's": True, NOT_RECORDED: True}  # 10 BME staff in each
    assert all(s.figure.value is None for s in m3.subgroups)


def test_which_columns_apply_to_which_metric():
    datasets = worked()
    datasets["recruitment"] = pd.DataFrame({"ethnicity": [WHITE, BME], "shortlisted": [True, True],
                                            "appointed": [True, False], "date": pd.Timestamp("2025-09-01")})
    # The recruitment data has no service of its own (applicants are not staff): not broken down by service.
    assert "service" not in breakdown_columns(datasets, metric("M2"))
    assert "service" in breakdown_columns(datasets, metric("M3"))
    assert "by employee number" in breakdown_columns(datasets, metric("M3"))["service"]
    datasets["recruitment"]["service"] = ["Adults", "Adults"]
    assert "recruitment data's own 'service'" in breakdown_columns(datasets, metric("M2"))["service"]
    assert "team" not in breakdown_columns(datasets, metric("M3"))  # no such column


# Generated records: staff in services (some blank), cases joined by employee number (some to no one), applicants
# with the vacancy's service (some blank).
services = st.sampled_from(["Adults", "Children's", "Business Support", None])
ethnicities = st.sampled_from([WHITE, BME, UNKNOWN])
staff_rows = st.lists(st.tuples(ethnicities, services, st.sampled_from(["Grade 3", "Grade 8", "SM1"]),
                                st.sampled_from([None, "2025-10-01", "2024-06-01"])), min_size=1, max_size=40)


@st.composite
def records(draw: st.DrawFn) -> dict[str, pd.DataFrame]:
    rows = draw(staff_rows)
    staff = pd.DataFrame([{"employee_id": str(i), "ethnicity": e, "service": s, "pay_band": b,
                           "start_date": pd.Timestamp("2020-01-01"),
                           "leave_date": pd.Timestamp(leave) if leave else pd.NaT}
                          for i, (e, s, b, leave) in enumerate(rows)])
    ids = draw(st.lists(st.integers(0, len(rows) + 2), max_size=15))  # a number past the staff matches no one
    disciplinary = pd.DataFrame({"employee_id": [str(i) for i in ids], "date": pd.Timestamp("2025-09-01")})
    applicants = draw(st.lists(st.tuples(ethnicities, services, st.booleans(), st.booleans()), max_size=30))
    recruitment = pd.DataFrame({"ethnicity": [a[0] for a in applicants], "service": [a[1] for a in applicants],
                                "shortlisted": [True] * len(applicants), "appointed": [a[2] for a in applicants],
                                "date": pd.Timestamp("2025-09-01")})
    return {"staff": staff, "disciplinary": disciplinary, "recruitment": recruitment}


FEW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _totals(counts: pd.DataFrame, distribution: bool) -> pd.DataFrame:
    """Events and base by (item, group). The pay bands' (M1's) base in each band's row is the group's whole
    headcount, so for them: events by (band, group), and the headcount once per group, as the item "headcount"."""
    if not distribution:
        return counts.groupby(["item", "group"])[["events", "base"]].sum()
    bands = counts.groupby(["item", "group"])[["events"]].sum().assign(base=0.0)
    heads = counts.groupby("group")["base"].max()
    headcount = pd.DataFrame({"events": 0.0, "base": heads.to_numpy(dtype=float)},
                             index=pd.MultiIndex.from_product([["headcount"], heads.index], names=["item", "group"]))
    return pd.concat([bands, headcount])


@FEW
@given(records())
def test_subgroups_add_up_to_the_whole(datasets):
    for metric_id, found in breakdown(datasets, "service", SETTINGS).items():
        distribution = found.whole.definition.kind == "distribution"
        whole = _totals(found.whole_counts, distribution)
        parts = [_totals(s.counts, distribution) for s in found.subgroups if len(s.counts)]
        # No subgroup counts anyone (a dataset with no rows): then neither does the whole.
        summed = pd.concat(parts).groupby(level=["item", "group"]).sum() if parts else whole * 0
        # Every (item, group) the whole counts, with the same events and base; nothing counted only in a subgroup.
        pd.testing.assert_frame_equal(summed.reindex(whole.index, fill_value=0.0), whole, obj=metric_id,
                                      check_index_type=False)
        assert (summed.drop(whole.index, errors="ignore") == 0).all().all(), metric_id


@FEW
@given(records())
def test_each_adjusted_interval_contains_the_plain_one(datasets):
    for found in breakdown(datasets, "service", SETTINGS.with_(min_group_size=1)).values():
        figures = [s.figure for s in found.subgroups] + [f for s in found.subgroups for f in s.questions.values()]
        for figure in figures:
            if figure.ci is None:
                continue
            assert figure.ci_adjusted is not None
            assert figure.ci_adjusted[0] <= figure.ci[0] + 1e-12 and figure.ci[1] <= figure.ci_adjusted[1] + 1e-12


M3_WHOLE = compute_results(figures_from_records(worked(), SETTINGS), SETTINGS)["M3"]


@FEW
@given(st.integers(1, 40), st.integers(0, 40), st.integers(1, 40), st.integers(0, 40), st.integers(2, 30))
def test_the_adjusted_level_widens_a_ratio_interval(a, more_1, c, more_2, k):
    n1, n2 = a + more_1, c + more_2
    groups = M3_WHOLE.groups | {"bme": GroupFigures(a, n1, a / n1), "white": GroupFigures(c, n2, c / n2)}
    result = replace(M3_WHOLE, groups=groups)
    plain, adjusted = interval_at(result, 0.95), interval_at(result, adjusted_confidence(k))
    assert plain is not None and adjusted is not None
    assert adjusted[0] <= plain[0] and plain[1] <= adjusted[1]


# The command line.

def test_cli_json_has_a_breakdown_per_metric(capsys):
    assert main(["--by", "service", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    m2 = payload["metrics"]["M2"]
    assert m2["breakdown_method"] == "bonferroni" and m2["breakdown_by"] == "service"
    assert "recruitment data's own 'service'" in m2["breakdown_source"]
    entry = m2["breakdown"][0]
    assert set(entry) >= {"subgroup", "counts", "value", "ci", "ci_adjusted", "status", "size"}
    assert set(entry["counts"]["bme"]) == {"events", "base"}
    # Each service's figure is the figure with the filter on that service.
    assert main(["--filter", f"service={entry['subgroup']}", "--json"]) == 0
    filtered = json.loads(capsys.readouterr().out)["metrics"]["M2"]
    assert entry["value"] == filtered["value"] and entry["ci"] == filtered["ci"]


def test_cli_text_says_subgroups_look_adverse_by_chance(capsys):
    assert main(["--by", "Service"]) == 0
    out = capsys.readouterr().out
    assert "Where it sits: each metric by service" in out
    assert "some will look adverse by chance" in out and "Bonferroni" in out and "Adjusted interval" in out


def test_cli_unknown_column_lists_the_columns(capsys):
    assert main(["--by", "shoe_size"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "'shoe_size'" in err and "service" in err and "team" in err
    assert "Traceback" not in err


def test_cli_prints_the_published_breakdown_with_suppress(capsys):
    """Once refused; now the breakdown as published (metrics.publish_breakdown): withheld figures null with why,
    sizes rounded to 10, in the JSON and the text alike (the auditor proves it: tests/test_publication_audit.py)."""
    assert main(["--by", "service", "--suppress", "10", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    entries = [e for m in payload["metrics"].values() for e in m.get("breakdown", [])]
    assert entries and all({"withheld", "size", "ci_adjusted"} <= set(e) for e in entries)
    withheld = [e for e in entries if e["status"] == "withheld"]
    assert withheld and all(e["value"] is None and e["ci_adjusted"] is None and e["withheld"] for e in withheld)
    assert all(e["size"] is None or e["size"] % 10 == 0 for e in entries)
    assert main(["--by", "service", "--suppress", "10"]) == 0
    out = capsys.readouterr().out
    assert "Where it sits: each metric by service" in out and "withheld" in out and "Bonferroni" in out


def test_cli_refuses_a_breakdown_by_the_column_filtered(capsys):
    assert main(["--by", "service", "--filter", "service=Adults"]) == 2
    assert "filtered by service" in capsys.readouterr().err
