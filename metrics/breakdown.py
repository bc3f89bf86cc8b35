"""Where the disproportionality sits: each metric for every value of a column of the records (a service, a team, a
pay band, a job title, a contract type...), with its 95% interval and an interval adjusted for the number of
subgroups compared.

A subgroup's figure is, by construction, the figure the same records give with the filter set to that subgroup
(the sidebar's service filter, the command line's --filter): each subgroup is counted by figures_from_records with
one filter more, and its results made by compute_results, so the breakdown repeats no counting or arithmetic. Rows
whose value is blank (or whose staff record is not found, for a dataset joined to the staff list) are one subgroup
more, NOT_RECORDED, so that the subgroups add up to the whole; a value written "Not recorded" joins them.

Which dataset's column applies follows the filter's rule (metrics.records): a dataset's own column where it has
one (the recruitment data's service is the vacancy's; a survey's service is the respondent's answer), else the
staff list's, joined by employee number (a disciplinary case's service is the person's). A metric is broken down by
a column only when every dataset it reads that was loaded has the column, one way or the other.

Many subgroups make some look adverse by chance alone. Beside each plain 95% interval is one adjusted for the
number k of subgroups with a value, by Bonferroni's method (METHOD): each at the level 1 - 0.05 / k, so that all k
intervals hold together with at least 95% confidence. It is conservative (wider than it need be when the subgroups'
figures are related), and it needs nothing but k, so any reader can check it. Holm's method adjusts tests, not
intervals, so it would give no interval to set beside the plain one.

Pure: no Streamlit, no files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data_loaders.schema import SCHEMAS
from metrics import stats
from metrics.counting.common import staff_rows
from metrics.counts import FigureSet
from metrics.records import assumed_period_end, figures_from_records
from metrics.registry import STANDARDS, MetricDefinition, metrics_of
from metrics.results import MetricResult, compute_results
from metrics.settings import Settings

__all__ = ["BY_CHANCE", "CONFIDENCE", "METHOD", "METHOD_WORDS", "NOT_RECORDED", "Breakdown", "Figure", "Subgroup",
           "adjusted_confidence", "assemble", "breakdown", "breakdown_columns", "candidate_columns", "counts_anyone",
           "datasets_read", "interval_at", "label_rows", "size_of", "values_found"]

# The subgroup of the rows whose value is blank.
NOT_RECORDED = "Not recorded"
CONFIDENCE = 0.95
METHOD = "bonferroni"
METHOD_WORDS = ("Bonferroni: each adjusted interval is at the level 1 - 0.05/k, for the k subgroups with a value, so "
                "that all k hold together with at least 95% confidence")
BY_CHANCE = ("With many subgroups, some will look adverse by chance alone: read a subgroup as different only where "
             "its adjusted interval excludes parity, and a small subgroup not at all.")

# The column a breakdown filters on: each row's value of the column broken down, blanks as NOT_RECORDED. Not a
# column of any dataset, so it cannot clash with one.
_BY = "__breakdown__"

# The columns of a dataset that describe the event rather than where or who (a case's type, a course's title, the
# vacancy, a leaving reason), and the columns people are compared by: not offered for a breakdown.
_NOT_SUBGROUPS = frozenset({"case_type", "reason", "course", "vacancy", "ethnicity", "disability"})


def candidate_columns() -> tuple[str, ...]:
    """Every column of the schemas a breakdown may use: the words and services describing a person or a post."""
    found: dict[str, None] = {}
    for schema in SCHEMAS.values():
        for column in schema.columns:
            if column.kind in ("service", "text") and column.name not in _NOT_SUBGROUPS:
                found[column.name] = None
    return tuple(found)


def datasets_read(definition: MetricDefinition) -> tuple[str, ...]:
    """The datasets a metric's counting reads."""
    names = dict.fromkeys(definition.datasets)
    if definition.counting.events:
        names[definition.counting.events] = None
    return tuple(names)


def _source(name: str, frame: pd.DataFrame, staff: pd.DataFrame | None, column: str) -> str | None:
    """Where the dataset `name`'s rows take `column` from, in words; None when they cannot (the filter's rule)."""
    words = name.replace("_", " ")
    if column in frame.columns:
        return f"the {words} data's own '{column}' column" if name != "staff" else f"the staff list's '{column}'"
    if name != "staff" and staff is not None and "employee_id" in frame.columns and "employee_id" in staff.columns \
            and column in staff.columns:
        return f"the staff list's '{column}', by employee number"
    return None


def breakdown_columns(datasets: Mapping[str, pd.DataFrame], definition: MetricDefinition) -> dict[str, str]:
    """The columns present that `definition` can be broken down by, each with the datasets' columns that apply, in
    words ("recruitment: the recruitment data's own 'service' column"). A column applies when every dataset the
    metric reads that was loaded has it, itself or through the staff list; none when the metric reads no loaded
    dataset (a metric from a counts template, or a narrative)."""
    staff = datasets.get("staff")
    read = [name for name in datasets_read(definition) if name in datasets]
    if not read:
        return {}
    out: dict[str, str] = {}
    for column in candidate_columns():
        sources = {name: _source(name, datasets[name], staff, column) for name in read}
        if all(sources.values()):
            out[column] = "; ".join(f"{name.replace('_', ' ')}: {words}" for name, words in sources.items())
    return out


@dataclass(frozen=True)
class Figure:
    """One figure of a subgroup: its value, 95% interval, status, and the interval adjusted for the comparisons."""

    value: float | None
    ci: tuple[float, float] | None
    status: stats.Status
    ci_adjusted: tuple[float, float] | None = None


@dataclass(frozen=True)
class Subgroup:
    """A metric for the rows with one value of the column (or NOT_RECORDED)."""

    name: str
    result: MetricResult
    # The metric's counts for the subgroup (metric, item, group, events, base), as counted with the filter on it.
    counts: pd.DataFrame
    figure: Figure
    # The people counted: the sum of every group's base (for a metric with several items, the largest item's).
    size: float
    # Whether a compared group is under the minimum group size (Settings.min_group_size): flagged, not dropped.
    under_minimum: bool
    # A metric with several questions or items: each one's figure, adjusted over the subgroups with that one's value.
    questions: dict[str, Figure] = field(default_factory=dict)


@dataclass(frozen=True)
class Breakdown:
    metric: str
    column: str
    # Where each dataset's value of the column comes from, in words (breakdown_columns).
    source: str
    whole: MetricResult
    whole_counts: pd.DataFrame
    subgroups: tuple[Subgroup, ...]
    # The number of subgroups with a value: the k of the adjustment.
    comparisons: int
    method: str = METHOD
    # A metric with several questions or items: each one's k, the subgroups with a value for it.
    question_comparisons: dict[str, int] = field(default_factory=dict)
    # What a reader needs besides (which groups were combined, which rows are in no subgroup), in sentences.
    notes: tuple[str, ...] = ()


def adjusted_confidence(k: int, confidence: float = CONFIDENCE) -> float:
    """Bonferroni's level for each of k intervals to hold together at `confidence`: 1 - (1 - confidence)/k."""
    return confidence if k <= 1 else 1 - (1 - confidence) / k


def interval_at(result: MetricResult, confidence: float) -> tuple[float, float] | None:
    """The result's interval recomputed, by the arithmetic that made its 95% one, at another level; None where it has
    no interval."""
    if result.ci is None or result.value is None:
        return None
    definition, standard = result.definition, result.standard
    comparison = STANDARDS[standard].comparison
    kind = definition.kind
    if kind in ("relative_likelihood", "survey"):
        top = result.groups[definition.numerator_group(standard)]
        bottom = result.groups[definition.denominator_group(standard)]
        assert None not in (top.events, top.base, bottom.events, bottom.base)
        return stats.relative_likelihood(top.events, top.base, bottom.events, bottom.base,  # type: ignore[arg-type]
                                         confidence).ci
    if kind == "representation":
        focus, reference = result.groups[comparison.focus.key], result.groups[comparison.reference.key]
        assert focus.events is not None and reference.events is not None and result.workforce_pct is not None
        share = stats.wilson_interval(focus.events, focus.events + reference.events, confidence)
        workforce = result.workforce_pct
        return None if share is None else (100.0 * share[0] - workforce, 100.0 * share[1] - workforce)
    if kind == "share":
        figures = result.groups[definition.numerator_group(standard)]
        assert figures.events is not None and figures.base is not None
        share = stats.wilson_interval(figures.events, figures.base, confidence)
        return None if share is None else (100.0 * share[0], 100.0 * share[1])
    if kind == "score":
        first, second = definition.numerator_group(standard), definition.denominator_group(standard)
        a, b = result.groups[first], result.groups[second]
        sd_a, sd_b = result.sds.get(first), result.sds.get(second)
        assert None not in (a.events, a.base, b.events, b.base, sd_a, sd_b)
        return stats.welch_difference(a.events, sd_a, a.base, b.events, sd_b, b.base,  # type: ignore[arg-type]
                                      confidence).ci
    return None


def size_of(result: MetricResult) -> float | None:
    """The people a subgroup's figure counts: the sum of every group's base (for the pay bands, everyone in post;
    for a metric with several items, the largest item's), as Subgroup.size; None when a count it sums is withheld
    (a published result), so that no size is shown that the counts shown do not give."""
    counts: list[float | None]
    if result.overall is not None:  # pay bands: everyone in post
        counts = list(result.overall.counts.values())
    elif result.questions and len(result.questions) > 1:
        sizes = [size_of(q) for q in result.questions.values()]
        return None if None in sizes else max((s for s in sizes if s is not None), default=0.0)
    else:
        counts = [f.base for f in result.groups.values()]
    return None if None in counts else float(sum(v for v in counts if v is not None))


def _size(result: MetricResult) -> float:
    if result.overall is not None:  # pay bands: everyone in post
        return float(sum(v for v in result.overall.counts.values() if v is not None))
    if result.questions and len(result.questions) > 1:
        return max((_size(q) for q in result.questions.values()), default=0.0)
    return float(sum(f.base for f in result.groups.values() if f.base is not None))


def _under_minimum(result: MetricResult, settings: Settings) -> bool:
    """The product's small-number rule (metrics.results.ratio_for): a compared group under the minimum size."""
    comparison = STANDARDS[settings.standard].comparison
    if result.overall is not None:
        return any((result.overall.counts.get(g) or 0) < settings.min_group_size for g in comparison.known)
    if result.questions and len(result.questions) > 1:
        return any(_under_minimum(q, settings) for q in result.questions.values())
    if not result.groups:
        return False
    if result.definition.kind == "share":
        compared = [result.definition.numerator_group(settings.standard)]
    else:
        compared = list(comparison.known)
    return any((result.groups[g].base or 0) < settings.min_group_size for g in compared)


def label_rows(datasets: Mapping[str, pd.DataFrame], column: str, into: str = _BY) -> dict[str, pd.DataFrame]:
    """The datasets with `into` (a column no dataset has): each row's value of `column`, its own or its staff
    record's (the filter's rule), as text, and NOT_RECORDED where blank or where no staff record matches. A dataset
    that can take no value of the column is left without `into`, so a filter on it leaves its metrics out, as
    filtering by the column would."""
    staff = datasets.get("staff")
    out: dict[str, pd.DataFrame] = {}
    for name, frame in datasets.items():
        values: np.ndarray
        if column in frame.columns:
            values = frame[column].astype(object).to_numpy()
        elif _source(name, frame, staff, column) is not None:
            assert staff is not None
            rows = staff_rows(frame["employee_id"], staff["employee_id"])
            own = staff[column].astype(object).to_numpy()
            values = np.full(len(frame), None, dtype=object)
            matched = rows >= 0
            values[matched] = own[rows[matched]]
        else:
            out[name] = frame
            continue
        labels = [NOT_RECORDED if v is None or pd.isna(v) or (isinstance(v, str) and not v.strip()) else str(v)
                  for v in values]
        out[name] = frame.assign(**{into: pd.Series(labels, index=frame.index, dtype=object)})
    return out


def values_found(labelled: Mapping[str, pd.DataFrame], into: str = _BY) -> list[str]:
    """Every value of `into` (label_rows) in any dataset, in order, NOT_RECORDED last."""
    found: set[str] = set()
    for frame in labelled.values():
        if into in frame.columns:
            found |= set(frame[into])
    return sorted(found - {NOT_RECORDED}) + ([NOT_RECORDED] if NOT_RECORDED in found else [])


def counts_anyone(counts: pd.DataFrame) -> bool:
    """Whether a metric's counts (FigureSet.for_metric) count anyone: an event or a base that is not 0."""
    return bool(len(counts)) and bool((counts["events"].fillna(0) != 0).any() or (counts["base"].fillna(0) != 0).any())


def _figure(result: MetricResult) -> Figure:
    return Figure(result.value, result.ci, result.status)


def _adjust(figures: list[Figure], results: list[MetricResult]) -> tuple[list[Figure], int]:
    k = sum(1 for f in figures if f.value is not None)
    level = adjusted_confidence(k)
    return [Figure(f.value, f.ci, f.status, interval_at(r, level) if k > 1 else f.ci)
            for f, r in zip(figures, results, strict=True)], k


def breakdown(datasets: Mapping[str, pd.DataFrame], column: str, settings: Settings = Settings(), *,
              filters: Mapping[str, list[str]] | None = None, organisation: str = "",
              today: dt.date | None = None) -> dict[str, Breakdown]:
    """Each metric of the settings' standard that can be broken down by `column` (breakdown_columns), by subgroup.
    `filters` as figures_from_records (a column filtered cannot also be broken down). With no period end in the
    settings, the one figures_from_records would assume, for every subgroup alike."""
    filters = {k: list(v) for k, v in (filters or {}).items() if v}
    if column in filters:
        raise ValueError(f"the figures are filtered by '{column}', so they cannot be broken down by it")
    if settings.period_end is None:
        settings = settings.with_(period_end=assumed_period_end(datasets, today=today).end)
    definitions = {m: d for m, d in metrics_of(settings.standard).items() if breakdown_columns(datasets, d).get(column)}
    if not definitions:
        return {}
    whole_figures = figures_from_records(datasets, settings, organisation=organisation, filters=filters, today=today)
    whole = compute_results(whole_figures, settings)
    labelled = label_rows(datasets, column)
    parts: dict[str, tuple[FigureSet, dict[str, MetricResult]]] = {}
    for name in values_found(labelled):
        figures = figures_from_records(labelled, settings, organisation=organisation,
                                       filters=filters | {_BY: [name]}, today=today)
        parts[name] = (figures, compute_results(figures, settings))
    out: dict[str, Breakdown] = {}
    for metric_id, definition in definitions.items():
        if metric_id not in whole_figures.available:
            continue
        # Every value found is a subgroup of every metric, even one with no one counted; the rows with no value are
        # one only for a metric that counts some of them (another dataset's blanks are not this metric's).
        names = [n for n in parts if n != NOT_RECORDED or counts_anyone(parts[n][0].for_metric(metric_id))]
        out[metric_id] = assemble(metric_id, column, breakdown_columns(datasets, definition)[column], whole_figures,
                                  whole, [(n, *parts[n]) for n in names], settings)
    return out


def assemble(metric_id: str, column: str, source: str, whole_figures: FigureSet, whole: Mapping[str, MetricResult],
             parts: Sequence[tuple[str, FigureSet, Mapping[str, MetricResult]]], settings: Settings,
             notes: Sequence[str] = ()) -> Breakdown:
    """A metric's Breakdown from its subgroups, each (name, its figures, its results) as counted with its filters:
    the figures adjusted over the subgroups with a value (and, for a metric with several questions, over those with
    a value for each question). `whole_figures` and `whole` are the figures and results without the subgroups'
    filters; `source` says where the column is read from, `notes` what a reader needs besides."""
    results = [found[metric_id] for _, _, found in parts]
    adjusted, k = _adjust([_figure(r) for r in results], results)
    question_keys = list(whole[metric_id].questions) if len(whole[metric_id].questions) > 1 else []
    per_question: dict[str, list[Figure]] = {}
    question_k: dict[str, int] = {}
    for key in question_keys:
        answered = [r.questions.get(key) for r in results]
        present = [(i, q) for i, q in enumerate(answered) if q is not None]
        by_question, question_k[key] = _adjust([_figure(q) for _, q in present], [q for _, q in present])
        column_figures: list[Figure] = [Figure(None, None, stats.NO_DATA)] * len(parts)
        for (i, _), figure in zip(present, by_question, strict=True):
            column_figures[i] = figure
        per_question[key] = column_figures
    subgroups = tuple(
        Subgroup(name, result, figures.for_metric(metric_id).reset_index(drop=True), figure,
                 _size(result), _under_minimum(result, settings),
                 {key: per_question[key][i] for key in question_keys if key in result.questions})
        for i, ((name, figures, _), result, figure) in enumerate(zip(parts, results, adjusted, strict=True)))
    return Breakdown(metric_id, column, source, whole[metric_id],
                     whole_figures.for_metric(metric_id).reset_index(drop=True), subgroups, k,
                     question_comparisons=question_k, notes=tuple(notes))
