"""Breakdowns as published: each metric by subgroup (metrics.breakdown), safe to publish beside the whole.

A subgroup is where small counts live, and the subgroups add up to the whole (the blanks are a subgroup of their
own, NOT_RECORDED), so a subgroup's withheld count could be worked out by subtracting the shown subgroups from the
whole. The whole and every subgroup are therefore protected as ONE publication, by metrics.publish.publish_together:
the subgroups are a division of the whole whose rest is known to be nobody, and the services, published with the
whole in every output, another (unless the subgroups are the services). Each subgroup's figure (value, 95% interval,
adjusted interval, status) is then rebuilt from its published counts, so it is withheld as soon as a count it rests
on is; its size is shown, rounded to the nearest 10 as every published size is (metrics.benchmarking.rounded_size),
only when every count it adds up is shown, so it says nothing the counts do not.

Pure: no Streamlit, no files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from metrics.benchmarking import rounded_size
from metrics.breakdown import METHOD, NOT_RECORDED, Breakdown, Figure, size_of
from metrics.narrative import listed
from metrics.publish import Division, PublishedTogether, publish_together
from metrics.results import MetricResult
from metrics.settings import Settings

__all__ = ["SERVICE", "PublishedBreakdown", "PublishedSubgroup", "PublishedWithBreakdown", "publish_breakdowns",
           "withheld_words"]

# The column whose subgroups are the services every output is published with: a breakdown by it is that division.
SERVICE = "service"


@dataclass(frozen=True)
class PublishedSubgroup:
    """A subgroup's figures as published: None where withheld, and `withheld` saying why ("" when nothing is)."""

    name: str
    # The subgroup's result as published (its counts withheld where the rule says).
    result: MetricResult
    figure: Figure
    # The people counted, rounded to the nearest 10; None when a count it adds up is withheld.
    size: float | None
    withheld: str
    under_minimum: bool
    questions: dict[str, Figure] = field(default_factory=dict)


@dataclass(frozen=True)
class PublishedBreakdown:
    metric: str
    column: str
    source: str
    # The whole's result as published with the subgroups.
    whole: MetricResult
    subgroups: tuple[PublishedSubgroup, ...]
    comparisons: int
    method: str = METHOD
    question_comparisons: dict[str, int] = field(default_factory=dict)
    # What the breakdown's rules did (metrics.breakdown.Breakdown.notes): none for a column's subgroups.
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PublishedWithBreakdown:
    """Everything published together: the whole (and each service) as metrics.publish.publish_together gives them,
    and each metric's breakdown."""

    together: PublishedTogether
    breakdowns: dict[str, PublishedBreakdown]

    @property
    def whole(self) -> dict[str, MetricResult]:
        return self.together.whole

    @property
    def services(self) -> dict[str, dict[str, MetricResult]]:
        """Each service's figures as published (the subgroups' own when the breakdown is by service; the blanks'
        subgroup is no service)."""
        return {name: results for name, results in self.together.parts.items() if name != NOT_RECORDED}


def withheld_words(result: MetricResult, threshold: int) -> str:
    """Why a published subgroup's figures are withheld, in words; "" when nothing is."""
    if result.overall is not None:  # the pay bands: a subgroup's staff in post by group, not its bands
        counts = [f"{g} staff" for g, n in result.overall.counts.items() if n is None]
    else:
        counts = sorted(result.hidden) + sorted(f"{key} {c}" for key, q in result.questions.items()
                                                if len(result.questions) > 1 for c in q.hidden)
    if not counts:
        return ""
    return (f"withheld: {listed([c.replace('.', ' ') for c in counts])}, each under {threshold} or one that would "
            "let such a count be worked out from the other subgroups and the whole; any figure made from them with it")


def _figure(published: MetricResult, full: Figure) -> Figure:
    """The subgroup's figure rebuilt from its published result: the adjusted interval goes with the plain one (both
    are made from the same counts, and k, which is public); a percentage's rounded to whole numbers as its plain
    interval is."""
    if published.value is None:
        return Figure(None, None, published.status, None)
    adjusted = full.ci_adjusted if published.ci is not None else None
    if adjusted is not None and published.definition.kind == "share" and published.ci != full.ci:
        adjusted = (float(round(adjusted[0])), float(round(adjusted[1])))
    return Figure(published.value, published.ci, published.status, adjusted)


def publish_breakdowns(whole: Mapping[str, MetricResult], breakdowns: Mapping[str, Breakdown], settings: Settings,
                       *, services: Mapping[str, Mapping[str, MetricResult]] | None = None) -> PublishedWithBreakdown:
    """The whole's results and each metric's Breakdown (all by one column), published under the settings'
    suppression threshold as one publication with the services (`services`, as pipeline.api.published_together
    makes them; ignored when the breakdown is by service, whose subgroups they are)."""
    columns = {found.column for found in breakdowns.values()}
    if len(columns) > 1:
        raise ValueError(f"the breakdowns are by several columns ({', '.join(sorted(columns))}): publish one at once")
    column = next(iter(columns), SERVICE)
    parts: dict[str, dict[str, MetricResult]] = {}
    for metric_id, found in breakdowns.items():
        for subgroup in found.subgroups:
            parts.setdefault(subgroup.name, {})[metric_id] = subgroup.result
    if column == SERVICE:
        together = publish_together(whole, {}, settings, divisions={column: Division(parts, exhaustive=True)})
        together = PublishedTogether(together.whole, together.divisions[column], together.divisions)
    else:
        together = publish_together(whole, services or {}, settings,
                                    divisions={column: Division(parts, exhaustive=True)})
    published_parts = together.divisions[column]
    threshold = settings.suppression_threshold
    out: dict[str, PublishedBreakdown] = {}
    for metric_id, found in breakdowns.items():
        subgroups = []
        for subgroup in found.subgroups:
            result = published_parts[subgroup.name][metric_id] if threshold > 1 else subgroup.result
            size = size_of(result) if threshold > 1 else subgroup.size
            subgroups.append(PublishedSubgroup(
                subgroup.name, result, _figure(result, subgroup.figure),
                rounded_size(size) if threshold > 1 else size,
                withheld_words(result, threshold) if threshold > 1 else "", subgroup.under_minimum,
                {key: _figure(result.questions[key], figure) for key, figure in subgroup.questions.items()
                 if key in result.questions}))
        out[metric_id] = PublishedBreakdown(metric_id, found.column, found.source, together.whole[metric_id],
                                            tuple(subgroups), found.comparisons, found.method,
                                            dict(found.question_comparisons), found.notes)
    return PublishedWithBreakdown(together, out)
