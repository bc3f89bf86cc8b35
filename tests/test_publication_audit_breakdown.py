"""Published breakdowns proved by the auditor (tests/disclosure_reader.py plays the reader): the whole and every
subgroup read together, the subgroups adding up to the whole with nobody left over, each printed size bounding its
subgroup's counts; no withheld count narrower than the threshold.

Outputs: the command line's `--json --by service --suppress` for the sample council, the same with a complementary
subgroup cell shown again (the reverse test), and published breakdowns of generated small organisations
(property-based).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from commands.serialise import breakdown_to_dict, result_to_dict
from metrics import stats
from metrics.breakdown import NOT_RECORDED, Breakdown, Figure, Subgroup, adjusted_confidence, interval_at, size_of
from metrics.publish_breakdown import publish_breakdowns
from metrics.registry import metrics_of
from metrics.results import MetricResult, compute_results
from metrics.settings import Settings
from tests.disclosure_reader import reader_of_breakdown
from tests.test_publication_audit import small_counts_shown, small_organisations, whole_of

ROOT = Path(__file__).resolve().parent.parent
THRESHOLD = 10


def _json(*args: str) -> dict:
    result = subprocess.run([sys.executable, "-m", "metrics", "--json", "--by", "service", *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def published() -> dict:
    return _json("--suppress", str(THRESHOLD))


@pytest.fixture(scope="module")
def full() -> dict:
    return _json()


def _entries(payload: dict) -> list[tuple[str, dict]]:
    return [(m, e) for m, figures in payload["metrics"].items() for e in figures.get("breakdown", [])]


def _cells(entry: dict) -> list[tuple[dict, str, str]]:
    """Each printed count of a breakdown entry: (the dict holding it, the group, the part)."""
    tables = [entry["counts"], *[q["counts"] for q in (entry.get("questions") or {}).values()]]
    return [(table[g], g, part) for table in tables for g in table for part in table[g]]


def _true(entry: dict, full_entry: dict, table: dict) -> dict:
    """The full breakdown's counts of the group whose published counts are `table`."""
    for key, question in (entry.get("questions") or {}).items():
        for g, counts in question["counts"].items():
            if counts is table:
                return full_entry["questions"][key]["counts"][g]
    return full_entry["counts"][next(g for g, counts in entry["counts"].items() if counts is table)]


def test_the_sample_councils_breakdown_by_service_passes_the_auditor(published):
    reader = reader_of_breakdown(json.dumps(published))
    assert len(reader.withheld) > 20  # subgroups' counts are withheld, and the reader found them
    assert any(where.startswith("Not recorded: ") for where in reader.shown | reader.withheld)  # the blanks, read
    assert reader.narrow(THRESHOLD) == {}
    assert small_counts_shown(json.dumps({"metrics": {m: {k: v for k, v in f.items() if k != "breakdown"}
                                                      for m, f in published["metrics"].items()}}), THRESHOLD) == []
    printed = [v for _, e in _entries(published) for table, g, part in _cells(e) if (v := table[part]) is not None]
    assert printed and not [v for v in printed if 0 < v < THRESHOLD]
    for _, entry in _entries(published):
        assert entry["size"] is None or entry["size"] % 10 == 0  # rounded to 10, as published sizes are
        if entry["status"] == stats.WITHHELD:
            assert entry["value"] is None and entry["ci"] is None and entry["ci_adjusted"] is None
            assert entry["withheld"].startswith("withheld: ")


def test_the_auditor_catches_a_complementary_subgroup_cell_shown_again(published, full):
    """Reverse test: a subgroup's count withheld only to protect another (it is at least the threshold), shown again
    as an edit of the output would: the protected count can then be worked out, and the auditor must say which."""
    caught: list[str] = []
    tried = 0
    for (metric, entry), (_, true) in zip(_entries(published), _entries(full), strict=True):
        assert entry["subgroup"] == true["subgroup"]
        for table, g, part in _cells(entry):
            value = _true(entry, true, table)[part]
            if table[part] is not None or value < THRESHOLD:
                continue
            table[part], tried = value, tried + 1
            found = reader_of_breakdown(json.dumps(published)).narrow(THRESHOLD)
            table[part] = None
            if found:
                caught.append(f"{metric} {entry['subgroup']} {g} {part}: {sorted(found)[0]}")
            if len(caught) == 2:
                break
        if len(caught) == 2:
            break
    assert caught, f"the auditor missed every one of {tried} complementary cells shown again"


# --- generated small organisations, broken down by service ---------------------------------------------------


def breakdowns_of(whole: dict[str, MetricResult], parts: dict[str, dict[str, MetricResult]]) -> dict[str, Breakdown]:
    """Each metric's breakdown of `whole` into `parts` (metrics.breakdown's shape: each subgroup's figure with its
    interval adjusted by Bonferroni for the k subgroups with a value), from results counted part by part."""
    out: dict[str, Breakdown] = {}
    for metric_id, result in whole.items():
        if result.status == stats.NO_DATA:
            continue
        results = [parts[name][metric_id] for name in parts]
        k = sum(r.value is not None for r in results)
        level = adjusted_confidence(k)

        def figure(r: MetricResult, k: int = k, level: float = level) -> Figure:
            return Figure(r.value, r.ci, r.status, interval_at(r, level) if k > 1 else r.ci)

        subgroups = tuple(
            Subgroup(name, r, result_frame(), figure(r), size_of(r) or 0.0, False,
                     {key: figure(q) for key, q in r.questions.items()} if len(r.questions) > 1 else {})
            for name, r in zip(parts, results, strict=True))
        out[metric_id] = Breakdown(metric_id, "service", "generated", result, result_frame(), subgroups, k)
    return out


def result_frame():  # the counts frames are not published: empty
    import pandas as pd

    return pd.DataFrame()


def _adds_up(payload: dict) -> list[str]:
    """Where every subgroup's count of a group is shown and so is the whole's, they add up to it."""
    wrong = []
    for metric_id, figures in payload["metrics"].items():
        entries = figures.get("breakdown") or []
        if not entries:
            continue
        tables = [("", figures.get("groups") or {})] + [(k, q.get("groups") or {}) for k, q in
                                                        (figures.get("questions") or {}).items()]
        for key, table in tables:
            for g, counts in table.items():
                for part in ("events", "base"):
                    mine = [(e["questions"][key]["counts"] if key in (e.get("questions") or {}) else e["counts"]
                             ).get(g, {}).get(part) for e in entries]
                    if counts.get(part) is not None and None not in mine and abs(sum(mine) - counts[part]) > 1e-6:
                        wrong.append(f"{metric_id} {key} {g} {part}: {mine} vs {counts[part]}")
    return wrong


# The metrics a generated breakdown keeps: the pay bands and a staff rate (tied through the staff in post), a rate of
# its own population, the leavers (an average headcount) and a survey of two questions. Every metric costs the
# protection's linear programmes time, and these are every kind of tie the model makes.
KEPT = ("M1", "M3", "M2", "M8", "M7")
# Every metric of the standard, as the reader looks for them (those not kept print nothing).
ALL = tuple(metrics_of(Settings().standard))


@st.composite
def broken_down(draw: st.DrawFn) -> tuple[dict, dict]:
    """A small organisation of two or three services, one of them perhaps the blanks' subgroup (NOT_RECORDED)."""
    services = draw(st.lists(small_organisations(), min_size=2, max_size=3))
    names = [f"Service {n}" for n in range(len(services))]
    if draw(st.booleans()):
        names[-1] = NOT_RECORDED
    chosen = Settings(suppression_threshold=THRESHOLD)
    whole = {m: r for m, r in compute_results(whole_of(services), chosen).items() if m in KEPT}
    parts = {name: {m: r for m, r in compute_results(figures, chosen).items() if m in KEPT}
             for name, figures in zip(names, services, strict=True)}
    return whole, parts


# 5 on every test run (about 12 s here); WRES_AUDIT_EXAMPLES=200 for a deep run. Not shrunk: a failing example of
# several organisations takes minutes to shrink, and the auditor's report names the cells already.
@settings(max_examples=int(os.environ.get("WRES_AUDIT_EXAMPLES", "5")), deadline=None, derandomize=True,
          phases=(Phase.explicit, Phase.reuse, Phase.generate),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(broken_down())
def test_every_published_breakdown_of_a_generated_organisation_passes_the_auditor(organisation):
    whole, parts = organisation
    chosen = Settings(suppression_threshold=THRESHOLD)
    full = breakdowns_of(whole, parts)
    published = publish_breakdowns(whole, full, chosen)
    metrics = {m: {} for m in ALL} | {m: result_to_dict(r) for m, r in published.whole.items()}
    for metric_id, found in published.breakdowns.items():
        metrics[metric_id].update(breakdown_to_dict(found))
    payload = {"metrics": metrics}
    assert reader_of_breakdown(json.dumps(payload)).narrow(THRESHOLD) == {}
    assert _adds_up(payload) == []
    # Unpublished, the subgroups add up to the whole exactly (the blanks' subgroup included).
    assert _adds_up({"metrics": {m: result_to_dict(whole[m]) | breakdown_to_dict(b) for m, b in full.items()}}) == []
