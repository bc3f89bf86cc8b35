"""Results as plain JSON-ready dicts (the command line's --json shape)."""

from __future__ import annotations

from typing import Any

from data_loaders.comparison import Comparison
from metrics.breakdown import Breakdown, Figure, Subgroup
from metrics.counts import Period
from metrics.formatting import POINTS, SCORE_POINTS
from metrics.publish_breakdown import PublishedBreakdown, PublishedSubgroup
from metrics.results import BandRow, MetricResult
from metrics.settings import Settings
from metrics.stats import NO_DATA, status_words
from metrics.unknown_bounds import verdict


def _round(value: float | None, places: int = 12) -> float | None:
    # Full precision for machines; the readable table and the sentences do the rounding.
    return None if value is None else round(value, places)


def _count(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 2)


def _ci(ci: tuple[float, float] | None) -> list[float] | None:
    return None if ci is None else [round(ci[0], 12), round(ci[1], 12)]


def _groups(result: MetricResult) -> dict[str, dict[str, Any]]:
    return {
        g: {"events": _count(f.events), "base": _count(f.base), "rate": _round(f.rate)}
        for g, f in result.groups.items()
    }


def _band(row: BandRow, name: str | None, comparison: Comparison) -> dict[str, Any]:
    out: dict[str, Any] = {} if name is None else {"band": name}
    for g in comparison.keys:
        out[g] = _count(row.counts[g])
    for g in comparison.keys:
        out[f"{g}_pct"] = _round(row.pct[g])
    # The minority-ethnic (focus group's) share of those whose group is known (metrics.results.known_share): the
    # share the sentence gives; the three above are the band's make-up, unknown included. "bme_pct_of_known" for
    # the race standards, as always; "disabled_pct_of_known" for disability.
    out[f"{comparison.focus.key}_pct_of_known"] = _round(row.known_pct)
    return out


def _quality(result: MetricResult) -> dict[str, Any]:
    q = result.quality
    out: dict[str, Any] = {
        "total": q.total,
        "unknown": q.unknown,
        "unknown_pct": _round(q.unknown_pct),
        "unrecognised_labels": dict(q.unrecognised),
    }
    if result.comparison.declaration_rate:
        # The WDES's declaration rate: those whose group is declared, and their share of those counted.
        out["declared"] = q.known
        out["declaration_rate"] = _round(q.declared_pct)
    return out


def _unknown(result: MetricResult, settings: Settings | None) -> dict[str, Any]:
    """A figure's sharp bounds over the people whose group is not known (metrics.unknown_bounds), null for an end
    with no limit, or for the whole where there are none (a score) or the counts they rest on are withheld, and the
    verdict in words. Nothing for a result with no figure."""
    found = verdict(result, settings)
    if found is None:
        return {}
    bounds = found.bounds
    return {"unknown_bounds": None if bounds is None else [_round(bounds.low), _round(bounds.high)],
            "unknown_verdict": found.words}


def result_to_dict(result: MetricResult, period: Period | None = None,
                   settings: Settings | None = None) -> dict[str, Any]:
    """The result as JSON-ready values; with the period, "counted" gives its population rule with the dates; with
    the settings, the verdict on the unknown reads the bounds against their non-adverse range (the default's
    otherwise)."""
    d = result.definition
    out: dict[str, Any] = {
        "title": d.title,
        "standard": result.standard,
        "status": result.status,
        "status_words": status_words(result.status),
        "value": _round(result.value),
        "ci": _ci(result.ci),
        **_unknown(result, settings),
    }
    if d.kind == "distribution":
        out["bands"] = [_band(b, b.band, result.comparison) for b in result.bands]
        out["overall"] = _band(result.overall, None, result.comparison) if result.overall else None
    elif result.groups:
        out["groups"] = _groups(result)
    if d.kind == "survey" and result.questions:
        out["questions"] = {key: result_to_dict(q, period, settings) | {"question": q.question_label}
                            for key, q in result.questions.items()}
    if d.kind == "representation" and result.questions:
        # W9: each kind of board member's figures (the first, voting membership, is also the result's own).
        out["items"] = {key: result_to_dict(q, period, settings) | {"item": q.question_label}
                        for key, q in result.questions.items()}
    if d.kind == "representation" and result.status != NO_DATA:
        # Value, interval and status are all in percentage points (metrics.results.representation_ratio);
        # the relative likelihood of being a senior manager is given for reference, without a status of its own.
        out["unit"] = POINTS
        # The focus group's shares: "senior_bme_pct" under the race standards, "senior_disabled_pct" for disability.
        focus = result.comparison.focus.key
        out[f"senior_{focus}_pct"] = _round(result.senior_pct)
        out[f"workforce_{focus}_pct"] = _round(result.workforce_pct)
        ratio = result.ratio
        out["relative_likelihood"] = None if ratio is None else {"value": _round(ratio.value), "ci": _ci(ratio.ci)}
    if d.kind == "share" and result.status != NO_DATA:
        # One group's percentage (WDES 8): the value and interval are in percent, of the group named.
        out["unit"] = "percent"
        out["group"] = d.numerator_group(result.standard)
    if d.kind == "score" and result.status != NO_DATA:
        # A difference of mean scores (WDES 9a): each group's mean, standard deviation and respondents, and the
        # organisation's mean over every respondent.
        out["unit"] = SCORE_POINTS
        out["groups"] = {g: {"mean": _round(f.events), "sd": _round(result.sds.get(g)), "respondents": _count(f.base)}
                         for g, f in result.groups.items()}
        out["overall"] = {"mean": _round(result.overall_score), "respondents": _count(result.overall_base)}
    if result.hidden:
        out["suppressed"] = sorted(result.hidden)
    out["data_quality"] = _quality(result)
    if result.comparison.declaration_rate:
        out["declaration_rate"] = out["data_quality"]["declaration_rate"]
    out["sentence"] = result.sentence
    out["counted"] = result.counted_text(period)
    return out


def _subgroup_counts(subgroup: Subgroup | PublishedSubgroup) -> dict[str, dict[str, Any]]:
    """The counts by group the subgroup's figure rests on: each group's events and base; for the pay bands, each
    group's staff in post."""
    result = subgroup.result
    if result.overall is not None:
        return {g: {"staff": _count(n)} for g, n in result.overall.counts.items()}
    return {g: {"events": _count(f.events), "base": _count(f.base)} for g, f in result.groups.items()}


def _figure(figure: Figure) -> dict[str, Any]:
    return {"value": _round(figure.value), "ci": _ci(figure.ci), "ci_adjusted": _ci(figure.ci_adjusted),
            "status": figure.status}


def breakdown_to_dict(found: Breakdown | PublishedBreakdown) -> dict[str, Any]:
    """A metric's breakdown as the --json keys added to its result: "breakdown", a list of subgroups, and how the
    adjusted intervals were made. As published (metrics.publish_breakdown): withheld counts and figures null, the
    size rounded to 10 (null where withheld), and "withheld" saying why (null where nothing is)."""
    entries = []
    for subgroup in found.subgroups:
        entry: dict[str, Any] = {"subgroup": subgroup.name, "counts": _subgroup_counts(subgroup),
                                 **_figure(subgroup.figure), "size": _count(subgroup.size),
                                 "under_minimum_size": subgroup.under_minimum}
        if isinstance(subgroup, PublishedSubgroup):
            entry["withheld"] = subgroup.withheld or None
        if subgroup.questions:
            entry["questions"] = {
                key: _figure(figure) | {"counts": {g: {"events": _count(f.events), "base": _count(f.base)}
                                                   for g, f in subgroup.result.questions[key].groups.items()}}
                for key, figure in subgroup.questions.items()}
        entries.append(entry)
    return {"breakdown_by": found.column, "breakdown_source": found.source, "breakdown_method": found.method,
            "breakdown_comparisons": found.comparisons, "breakdown_notes": list(found.notes), "breakdown": entries}
