"""Benchmarking organisations: each one's relative likelihood set against the pooled figure, as a funnel plot.

A regional lead puts many organisations' counts side by side (one counts template each). For every
metric with a relative likelihood (kinds relative_likelihood and representation, and each survey
question of M6 and M7) a `Comparison` holds, per organisation, its known-ethnicity base n, its ratio,
interval and status exactly as `metrics.results.compute_results` gives them, and where it sits on the
funnel. M1 is a distribution, so it gets each organisation's minority-ethnic share of the workforce
beside the pooled share, and no funnel.

The pooled figure
    The numerator group's events and base summed over every organisation with data for the metric
    (including those too small to be placed), the same for the denominator group; the pooled ratio
    with its Katz 95% interval (metrics.stats.relative_likelihood). theta0 is its logarithm.

The control limits (the usual approximation: Spiegelhalter 2005, "Funnel plots for comparing
institutional performance", Statistics in Medicine 24:1185-1202)
    An organisation of size n that differed from the region only by chance would have n*s people in
    the numerator group with rate p1 and n*(1-s) in the denominator group with rate p2, where s is the
    pooled share of the numerator group in the base and p1, p2 the pooled rates. The standard error of
    its log ratio under that null hypothesis (delta method) is

        se(n) = sqrt((1 - p1) / (n * s * p1) + (1 - p2) / (n * (1 - s) * p2))

    and the limits are exp(theta0 - z * se(n)) and exp(theta0 + z * se(n)), with z = 1.959964 (95%)
    and z = 3.090232 (99.8%). Each organisation is classified against the limits at its own n, so the
    chart (limits drawn as curves over n) and the words agree. No allowance is made for
    overdispersion (Spiegelhalter's section 5): when organisations genuinely differ, more of them fall
    outside the limits than the nominal 5% and 0.2%.

    A ratio of 0 (no events in the numerator group) cannot sit on a log scale, and the normal
    approximation would put it outside every limit however small the organisation; it is listed with
    that reason rather than placed. Organisations whose ratio is "insufficient data" are listed with
    compute_results' reason and not placed.

Anonymising for sharing relabels organisations "Organisation A", "Organisation B"... in a random order
(so knowing the names does not reveal the key), lists them in label order, rounds sizes to the nearest
10 and leaves out the counts by group, since sizes and counts can identify an organisation. A ratio
with its 95% interval gives its four counts back (two equations, the rounded size and whole numbers
pin them), so a ratio resting on a count of 1 to threshold - 1 is withheld from what is shared.

Other organisations' published figures
    On a server for many organisations, someone may set beside their own the saved figures of an organisation
    they may not read, when it has chosen to share them (storage.benchmark_sources). `benchmark` is told which
    organisations those are (`published_only`, which it requires, so no caller can forget it) and shows them as
    they would be published, names kept: counts left out, sizes rounded to 10, a ratio resting on a count of 1
    to threshold - 1 withheld with its interval and place (`published_row`, as in anonymising); in M1, no
    minority-ethnic headcount, and no share resting on a small count (`published_workforce_row`).

    The pooled figure would give their counts back: the viewer knows their own counts (and those of any
    organisation they may read), and the pooled counts less those are the sum over the published-only
    organisations, the pooled ratio and its interval giving the four back as an organisation's do. So where
    published-only organisations contribute to a comparison, the pooled figure, its interval and the limits
    are shown only when at least 2 of them contribute (have anyone in either group) and each of their summed
    events and bases (both groups) could be published itself (metrics.disclosure.is_hidden); otherwise the
    comparison's pooled figure is withheld, with the reason in words, and no organisation is placed. M1's
    pooled share follows the same rule, on the summed minority-ethnic and white headcounts.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import pandas as pd

from data_loaders.cell_address import column_letters
from data_loaders.errors import InputError
from metrics import stats
from metrics.counts import FigureSet, Period
from metrics.disclosure import is_hidden
from metrics.registry import KNOWN_GROUPS, METRICS, STANDARDS, Direction, MetricDefinition, metric, metrics_of
from metrics.results import GroupFigures, MetricResult, compute_results, known_share
from metrics.settings import Settings

Position = Literal["within 95% limits", "between 95% and 99.8% limits", "outside 99.8% limits"]
WITHIN_95: Position = "within 95% limits"
BETWEEN_95_998: Position = "between 95% and 99.8% limits"
OUTSIDE_998: Position = "outside 99.8% limits"
POSITIONS: tuple[Position, ...] = (WITHIN_95, BETWEEN_95_998, OUTSIDE_998)
Side = Literal["above", "below"]

Z_95 = stats.z_value(0.95)
Z_998 = stats.z_value(0.998)
FUNNEL_KINDS: tuple[str, ...] = ("relative_likelihood", "representation", "survey")
ANONYMOUS_PREFIX = "Organisation "
SIZE_ROUNDING = 10
CURVE_COLUMNS: tuple[str, ...] = ("n", "lower_95", "upper_95", "lower_998", "upper_998")
# The curve runs a little beyond the smallest and largest organisation so neither sits on its edge.
CURVE_MARGIN = 1.25


@dataclass(frozen=True)
class Limits:
    """The funnel's control limits for an organisation of size n."""

    n: float
    lower_95: float
    upper_95: float
    lower_998: float
    upper_998: float


@dataclass(frozen=True)
class Pooled:
    """The region's figure: both groups' events and bases summed over the organisations."""

    numerator_group: str
    numerator: GroupFigures
    denominator: GroupFigures
    value: float | None
    ci: tuple[float, float] | None

    @property
    def share(self) -> float | None:
        """s: the numerator group's share of the known-ethnicity base."""
        total = (self.numerator.base or 0.0) + (self.denominator.base or 0.0)
        return (self.numerator.base or 0.0) / total if total else None

    @property
    def has_funnel(self) -> bool:
        # A pooled ratio of 0 or none has no log, so there is no centre to draw limits around.
        return self.value is not None and self.value > 0


@dataclass(frozen=True)
class OrganisationRow:
    organisation: str
    period: Period
    # The known-ethnicity base (numerator group's plus denominator group's); None without data.
    size: float | None
    value: float | None
    ci: tuple[float, float] | None
    status: stats.Status
    # Why the organisation is not placed on the funnel, in words, or "".
    reason: str = ""
    # Counts by group as compute_results gives them; empty when anonymised.
    groups: dict[str, GroupFigures] = field(default_factory=dict)
    limits: Limits | None = None
    position: Position | None = None
    # Which limit it is beyond (None within the 95% limits), and whether that side harms the
    # minority-ethnic group under the standard.
    side: Side | None = None
    adverse: bool | None = None

    @property
    def placed(self) -> bool:
        return self.position is not None

    @property
    def has_data(self) -> bool:
        return self.status != stats.NO_DATA


@dataclass(frozen=True)
class Comparison:
    """One metric (or one survey question) across the organisations."""

    metric_id: str
    standard: str
    adverse_if: Direction
    pooled: Pooled
    organisations: tuple[OrganisationRow, ...]
    # The survey question's key and words ("" for a metric with no questions).
    question: str = ""
    question_label: str = ""
    anonymised: bool = False
    # Why the pooled figure, its interval and the limits are withheld, in words, or "" (see the module's notes).
    pooled_reason: str = ""

    @property
    def definition(self) -> MetricDefinition:
        return METRICS[self.metric_id]

    @property
    def key(self) -> str:
        """'M2', or 'M7 colleagues' for a survey question."""
        return f"{self.metric_id} {self.question}" if self.question else self.metric_id

    @property
    def placed(self) -> tuple[OrganisationRow, ...]:
        return tuple(row for row in self.organisations if row.placed)

    @property
    def not_placed(self) -> tuple[OrganisationRow, ...]:
        """Organisations with data but no place on the funnel (insufficient data, a ratio of 0)."""
        return tuple(row for row in self.organisations if row.has_data and not row.placed)

    @property
    def no_data(self) -> tuple[OrganisationRow, ...]:
        return tuple(row for row in self.organisations if not row.has_data)

    @property
    def funnel_reason(self) -> str:
        """Why no funnel can be drawn, or ""."""
        if self.pooled_reason:
            return self.pooled_reason
        if self.pooled.has_funnel:
            return ""
        if not any(row.has_data for row in self.organisations):
            return "no organisation has data for it"
        return "the pooled ratio is 0 or cannot be formed, so there is no centre for the limits"


@dataclass(frozen=True)
class WorkforceRow:
    organisation: str
    period: Period
    # Staff in the two groups compared (M1's minority-ethnic plus white headcount; D1's disabled plus non-disabled);
    # None without data.
    size: float | None
    # The focus group's share of them (minority-ethnic, disabled), %.
    focus_pct: float | None
    # The focus group's headcount; None when anonymised, published only or without data.
    focus: float | None = None
    # Why focus_pct is not given when there are figures, in words, or "".
    reason: str = ""


@dataclass(frozen=True)
class Workforce:
    """The pay bands' workforce across the organisations: the focus group's % of the staff in the two groups compared
    (the minority-ethnic % of staff of known ethnicity; the disabled % of staff whose disability status is declared)."""

    organisations: tuple[WorkforceRow, ...]
    # None when withheld (pooled_reason says why).
    pooled_focus: float | None
    pooled_size: float | None
    pooled_reason: str = ""

    @property
    def pooled_pct(self) -> float | None:
        if self.pooled_focus is None or not self.pooled_size:
            return None
        return 100.0 * self.pooled_focus / self.pooled_size


@dataclass(frozen=True)
class Benchmark:
    settings: Settings
    organisations: tuple[str, ...]
    periods: dict[str, Period]
    comparisons: tuple[Comparison, ...]
    # None when M1 was not asked for.
    workforce: Workforce | None
    anonymised: bool = False
    # The organisations shown as they would be published (other organisations' shared figures).
    published_only: frozenset[str] = frozenset()

    @property
    def standard(self) -> str:
        return self.settings.standard

    def comparison(self, metric_id: str, question: str = "") -> Comparison:
        for comparison in self.comparisons:
            if comparison.metric_id == metric_id.upper() and comparison.question == question:
                return comparison
        raise KeyError(f"no comparison for {metric_id} {question}".strip())

    @property
    def common_period(self) -> Period | None:
        """The period every organisation's figures cover, or None when they differ."""
        distinct = set(self.periods.values())
        return next(iter(distinct)) if len(distinct) == 1 else None

    @property
    def notes(self) -> list[str]:
        notes = []
        if self.common_period is None:
            by_period: dict[Period, list[str]] = {}
            for name in self.organisations:
                by_period.setdefault(self.periods[name], []).append(name)
            # Name the exceptions, not the thirty organisations that agree.
            usual = max(by_period, key=lambda period: (len(by_period[period]), period.end))
            others = "; ".join(f"{', '.join(names)}: {period}"
                               for period, names in sorted(by_period.items(), key=lambda kv: kv[0].end)
                               if period != usual)
            notes.append(f"The organisations' figures are not all for the same period: {len(by_period[usual])} of "
                         f"{len(self.organisations)} are for {usual}; {others}. Compare them with that in mind.")
        if self.published_only:
            notes.append(published_note(sorted(self.published_only), self.settings.suppression_threshold))
        if self.anonymised:
            notes.append(anonymised_note())
        return notes


def position_words(row: OrganisationRow) -> str:
    """Where an organisation sits, in words: 'above the 99.8% limit, adverse', or why it is not placed."""
    if row.position is None:
        return row.reason or stats.status_words(row.status)
    if row.position == WITHIN_95:
        return "within the 95% limits"
    limit = "99.8%" if row.position == OUTSIDE_998 else "95%"
    return f"{row.side} the {limit} limit, {'adverse' if row.adverse else 'favourable'}"


def published_note(names: Sequence[str], threshold: int) -> str:
    return (f"{_listed(names)}'s figures are shown as they would be published, because only their own people "
            f"may see their counts: sizes rounded to the nearest {SIZE_ROUNDING}, counts by group left out, and any "
            f"ratio or share resting on a count under {threshold} withheld. A pooled figure that would give their "
            "counts back (taking away the figures you can see) is withheld too.")


def _listed(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def anonymised_note() -> str:
    return (f"Organisations are labelled in a random order, not by name or size. Sizes are rounded to the "
            f"nearest {SIZE_ROUNDING} and each organisation is placed against the limits at its rounded size; "
            "counts by group are left out, since they could identify an organisation, and so is any ratio "
            "resting on a count under the publication threshold, since a ratio and its interval give the "
            "counts back.")


# ---------------------------------------------------------------------------------------
# The funnel


def limits_at(pooled: Pooled, n: float) -> Limits | None:
    """The 95% and 99.8% limits for an organisation of size n (None when there is no funnel)."""
    share = pooled.share
    if not pooled.has_funnel or share is None or not 0 < share < 1 or n <= 0:
        return None
    p1 = pooled.numerator.rate or 0.0
    p2 = pooled.denominator.rate or 0.0
    # M8's base is an average headcount, so a rate can pass 1; the variance term is then 0, not negative.
    variance = max(0.0, 1 - p1) / (n * share * p1) + max(0.0, 1 - p2) / (n * (1 - share) * p2)
    se = math.sqrt(variance)
    theta0 = math.log(pooled.value)  # type: ignore[arg-type]  # has_funnel: value > 0
    return Limits(
        n=n,
        lower_95=math.exp(theta0 - Z_95 * se),
        upper_95=math.exp(theta0 + Z_95 * se),
        lower_998=math.exp(theta0 - Z_998 * se),
        upper_998=math.exp(theta0 + Z_998 * se),
    )


def classify(value: float, limits: Limits) -> tuple[Position, Side | None]:
    """Where a ratio sits against the limits, and beyond which side (None within the 95% limits)."""
    if limits.lower_95 <= value <= limits.upper_95:
        return WITHIN_95, None
    side: Side = "above" if value > limits.upper_95 else "below"
    if limits.lower_998 <= value <= limits.upper_998:
        return BETWEEN_95_998, side
    return OUTSIDE_998, side


def funnel_curve(comparison: Comparison, points: int = 100) -> pd.DataFrame:
    """The limits over a geometric range of n covering the placed organisations, for drawing."""
    sizes = [row.size for row in comparison.placed if row.size]
    if not sizes or not comparison.pooled.has_funnel or points < 2:
        return pd.DataFrame({column: pd.Series(dtype="float64") for column in CURVE_COLUMNS})
    low, high = min(sizes) / CURVE_MARGIN, max(sizes) * CURVE_MARGIN
    ns = [low * (high / low) ** (i / (points - 1)) for i in range(points)]
    rows = [limits_at(comparison.pooled, n) for n in ns]
    return pd.DataFrame(
        [(r.n, r.lower_95, r.upper_95, r.lower_998, r.upper_998) for r in rows if r is not None],
        columns=list(CURVE_COLUMNS),
    ).astype("float64")


# ---------------------------------------------------------------------------------------
# Building the comparisons


def benchmark(figure_sets: Sequence[FigureSet], settings: Settings = Settings(), *,
              published_only: Collection[str], metrics: Collection[str] | None = None) -> Benchmark:
    """Every organisation's figures side by side: M1's shares and a comparison per ratio.

    `published_only` names the organisations whose figures the person may see only as published (another
    organisation's shared figures; none for a regional lead's own templates): they are shown so, and a pooled
    figure that would give their counts back is withheld (see the module's notes). It has no default, so that
    no caller can leave it out. `metrics` limits it to some metric ids (default: all)."""
    check_organisations(figure_sets)
    check_comparisons(figure_sets, settings)
    if isinstance(published_only, str):
        raise TypeError("published_only is a collection of organisation names, not one name")
    published = frozenset(published_only)
    missing = sorted(published - {fs.organisation for fs in figure_sets})
    if missing:
        raise ValueError(f"published_only names {missing[0]!r}, which has no figures here")
    wanted = _wanted_metrics(metrics, settings.standard)
    results = [(fs, compute_results(fs, settings)) for fs in figure_sets]
    comparisons = []
    for definition in metrics_of(settings.standard).values():
        if definition.id not in wanted or definition.kind not in FUNNEL_KINDS:
            continue
        if definition.questions:
            # Each survey question, and each kind of board member (W9), on a funnel of its own.
            comparisons += [_compare(definition, question.key, question.label, results, settings, published)
                            for question in definition.questions]
        else:
            comparisons.append(_compare(definition, "", "", results, settings, published))
    distribution = [m for m in wanted if METRICS[m].kind == "distribution"]
    workforce = (_workforce(distribution[0], results, published, settings.suppression_threshold)
                 if distribution else None)
    return Benchmark(
        settings=settings,
        organisations=tuple(fs.organisation for fs in figure_sets),
        periods={fs.organisation: fs.period for fs in figure_sets},
        comparisons=tuple(comparisons),
        workforce=workforce,
        published_only=published,
    )


def check_organisations(figure_sets: Sequence[FigureSet]) -> None:
    """InputError unless there are at least two organisations, each named once."""
    if len(figure_sets) < 2:
        raise InputError(f"benchmarking needs at least 2 organisations' counts; {len(figure_sets)} given",
                         advice="Give one counts template per organisation.")
    repeated = [name for name, count in Counter(fs.organisation for fs in figure_sets).items() if count > 1]
    if repeated:
        named = ", ".join(f"'{name}'" for name in repeated)
        raise InputError(
            f"more than one file is for {named}",
            advice="Give each file its organisation's name: the counts template's About sheet has it, "
                   "beside 'Organisation'.",
        )


def check_comparisons(figure_sets: Sequence[FigureSet], settings: Settings) -> None:
    """InputError unless every organisation's figures are counted in the groups of the settings' standard
    (FigureSet.comparison): figures of different comparisons (ethnic groups, disability) are never pooled or set
    side by side."""
    expected = STANDARDS[settings.standard].comparison
    other = [fs for fs in figure_sets if fs.comparison != expected]
    if other:
        named = ", ".join(f"'{fs.organisation}' (by {fs.comparison.key})" for fs in other)
        raise InputError(
            f"the {STANDARDS[settings.standard].name} compares groups by {expected.key}, but the figures of {named} "
            "are counted in other groups: figures of different comparisons cannot be pooled or set side by side",
            advice=f"Leave them out, or choose figures counted by {expected.key} for each organisation.",
        )


def _wanted_metrics(metrics: Collection[str] | None, standard: str) -> list[str]:
    """The metrics asked for, or all of the standard's; InputError for one the standard does not have."""
    has = metrics_of(standard)
    if metrics is None:
        return list(has)
    try:
        wanted = [metric(m).id for m in metrics]
    except KeyError as error:
        raise InputError(str(error.args[0])) from None
    for metric_id in wanted:
        if metric_id not in has:
            raise InputError(f"the {STANDARDS[standard].name} has no metric {metric_id}; its metrics are "
                             f"{', '.join(has)}")
    return wanted


def _result_for(results: dict[str, MetricResult], metric_id: str, question: str) -> MetricResult | None:
    result = results[metric_id]
    if result.status == stats.NO_DATA:
        return None
    if question:
        return result.questions.get(question)
    return result


def _compare(definition: MetricDefinition, question: str, question_label: str,
             results: list[tuple[FigureSet, dict[str, MetricResult]]], settings: Settings,
             published: frozenset[str]) -> Comparison:
    standard = settings.standard
    adverse_if = definition.adverse_if_ratio(standard)
    assert adverse_if is not None, f"{definition.id} has a ratio, so the registry gives its adverse direction"
    found = [(fs, _result_for(by_metric, definition.id, question)) for fs, by_metric in results]
    pooled = _pooled(definition, [r for _, r in found if r is not None], standard)
    rows = tuple(organisation_row(fs.organisation, fs.period, result, pooled, adverse_if, settings, definition,
                                  question)
                 for fs, result in found)
    comparison = Comparison(definition.id, standard, adverse_if, pooled, rows, question, question_label)
    if not published:
        return comparison
    threshold = settings.suppression_threshold
    groups = (definition.numerator_group(standard), definition.denominator_group(standard))
    # What each published-only organisation adds to the pool: its two groups' events and bases (as _pooled sums).
    theirs = [[getattr(_summed([r], g), part) for g in groups for part in ("events", "base")]
              for fs, r in found if r is not None and fs.organisation in published]
    reason = pooled_withheld_reason(theirs, threshold)
    if reason:
        comparison = withhold_pooled(comparison, reason)
    return replace(comparison, organisations=tuple(
        published_row(row, comparison, threshold) if row.organisation in published else row
        for row in comparison.organisations))


def pooled_withheld_reason(published: Sequence[Sequence[float | None]], threshold: int,
                           what: str = "pooled figure") -> str:
    """Why a pooled figure must be withheld, or "": `published` holds, for each published-only organisation in
    it, the counts it adds to the pool, in the same order for each (the two groups' events and bases; M1's two
    headcounts). The pooled counts less the viewer's own are theirs summed, so it is shown only when at least 2
    of them have anyone in it and each sum could be published itself. None of them in it: nothing to give back."""
    if not published:
        return ""
    contributing = [counts for counts in published if any((c or 0.0) > 0 for c in counts)]
    if len(contributing) < 2:
        return (f"the {what} is withheld: with only one other organisation's figures it would give theirs back "
                "(take away the figures you can see)")
    sums = [sum(counts[i] or 0.0 for counts in contributing) for i in range(len(contributing[0]))]
    if any(is_hidden(total, threshold) for total in sums):
        return (f"the {what} is withheld: the other organisations' figures in it add up to a count under "
                f"{threshold}, which it would give back (take away the figures you can see)")
    return ""


def withhold_pooled(comparison: Comparison, reason: str) -> Comparison:
    """The comparison with its pooled figure, interval and limits withheld, and so no organisation placed."""
    empty = GroupFigures(None, None, None)
    pooled = Pooled(comparison.pooled.numerator_group, empty, empty, None, None)
    rows = tuple(replace(row, limits=None, position=None, side=None, adverse=None,
                         reason=row.reason or "not placed: the pooled figure is withheld") if row.placed else row
                 for row in comparison.organisations)
    return replace(comparison, pooled=pooled, organisations=rows, pooled_reason=reason)


def _summed(results: Sequence[MetricResult], group: str) -> GroupFigures:
    events = sum(r.groups[group].events or 0.0 for r in results if group in r.groups)
    base = sum(r.groups[group].base or 0.0 for r in results if group in r.groups)
    return GroupFigures(events, base, stats.rate(events, base))


def _pooled(definition: MetricDefinition, results: list[MetricResult], standard: str) -> Pooled:
    top_group, bottom_group = definition.numerator_group(standard), definition.denominator_group(standard)
    top, bottom = _summed(results, top_group), _summed(results, bottom_group)
    likelihood = stats.relative_likelihood(top.events or 0.0, top.base or 0.0, bottom.events or 0.0,
                                           bottom.base or 0.0)
    return Pooled(top_group, top, bottom, likelihood.value, likelihood.ci)


def known_base(groups: Mapping[str, GroupFigures], known: Sequence[str]) -> float | None:
    """The funnel's size n: the compared groups' bases summed (None without both)."""
    bases = [groups[g].base for g in known if g in groups]
    if len(bases) < 2 or any(b is None for b in bases):
        return None
    return float(sum(bases))  # type: ignore[arg-type]


def organisation_row(name: str, period: Period, result: MetricResult | None, pooled: Pooled, adverse_if: Direction,
                     settings: Settings, definition: MetricDefinition, question: str) -> OrganisationRow:
    """One point of a funnel, placed: an organisation (its figure set's name and period) around the pooled figure,
    or one subgroup of an organisation around the organisation's own (charts.breakdown)."""
    if result is None or result.ratio is None:
        what = "this question" if question else "this metric"
        return OrganisationRow(name, period, None, None, None, stats.NO_DATA, reason=f"no counts for {what}")
    ratio = result.ratio
    row = OrganisationRow(name, period, known_base(result.groups, result.comparison.known), ratio.value,
                          ratio.ci,
                          ratio.status, reason=ratio.reason, groups=dict(result.groups))
    if ratio.value is not None and ratio.value == 0:
        group = definition.numerator_group(settings.standard)
        label = result.comparison.noun(group, settings.bme_label)
        return replace(row, reason=f"the ratio is 0 (no events among {label} {definition.subject}), and a ratio "
                                   "of 0 cannot be placed on the funnel's log scale")
    return placed_row(row, pooled, adverse_if)


def placed_row(row: OrganisationRow, pooled: Pooled, adverse_if: Direction) -> OrganisationRow:
    """The row with its limits and position at its size (unchanged when it cannot be placed): an organisation
    against the region's pooled figure, or a subgroup against its organisation's own (charts.breakdown)."""
    if row.value is None or row.value <= 0 or row.size is None:
        return replace(row, limits=None, position=None, side=None, adverse=None)
    limits = limits_at(pooled, row.size)
    if limits is None:
        return replace(row, limits=None, position=None, side=None, adverse=None,
                       reason=row.reason or "there is no funnel to place it on")
    position, side = classify(row.value, limits)
    adverse = None if side is None else (side == "above") == (adverse_if == "higher")
    return replace(row, limits=limits, position=position, side=side, adverse=adverse)


def _workforce(metric_id: str, results: list[tuple[FigureSet, dict[str, MetricResult]]], published: frozenset[str],
               threshold: int) -> Workforce:
    rows = []
    for fs, by_metric in results:
        overall = by_metric[metric_id].overall
        if by_metric[metric_id].status == stats.NO_DATA or overall is None:
            rows.append(WorkforceRow(fs.organisation, fs.period, None, None))
            continue
        focus_key, reference_key = by_metric[metric_id].comparison.known
        focus, reference = overall.counts.get(focus_key), overall.counts.get(reference_key)
        if focus is None or reference is None:  # withheld by the publication rule
            rows.append(WorkforceRow(fs.organisation, fs.period, None, None))
            continue
        known = focus + reference
        rows.append(WorkforceRow(fs.organisation, fs.period, known, known_share(focus, reference), focus))
    pooled_focus = sum(r.focus for r in rows if r.focus is not None)
    pooled_size = sum(r.size for r in rows if r.size is not None)
    if not published:
        return Workforce(tuple(rows), pooled_focus, pooled_size)
    # What each published-only organisation adds to the pooled share: its headcounts of the two groups compared.
    theirs = [[r.focus, r.size - r.focus] for r in rows
              if r.organisation in published and r.focus is not None and r.size is not None]
    reason = pooled_withheld_reason(theirs, threshold, what="pooled share")
    shown = tuple(published_workforce_row(r, threshold) if r.organisation in published else r for r in rows)
    if reason:
        return Workforce(shown, None, None, reason)
    return Workforce(shown, pooled_focus, pooled_size)


# ---------------------------------------------------------------------------------------
# Anonymising


def anonymise(names: Iterable[str], rng: random.Random | None = None) -> dict[str, str]:
    """Each name -> "Organisation A", "Organisation B"... ("AA", "AB" beyond 26) in a random order.

    The order comes from the operating system's randomness (random.SystemRandom) unless `rng` is
    given, so it is neither alphabetical nor by size and cannot be rebuilt from the names."""
    order = list(dict.fromkeys(names))
    (rng or random.SystemRandom()).shuffle(order)
    return {name: f"{ANONYMOUS_PREFIX}{column_letters(i)}" for i, name in enumerate(order, start=1)}


def label_order(label: str) -> tuple[int, str]:
    """Sort key putting "Organisation Z" before "Organisation AA"."""
    suffix = label.removeprefix(ANONYMOUS_PREFIX)
    return len(suffix), suffix


def rounded_size(size: float | None) -> float | None:
    """The nearest 10 (halves up), and never 0 for an organisation that has people."""
    if size is None:
        return None
    rounded = SIZE_ROUNDING * math.floor(size / SIZE_ROUNDING + 0.5)
    return float(max(rounded, SIZE_ROUNDING) if size > 0 else 0)


def _relabel(name: str, key: Mapping[str, str]) -> str:
    try:
        return key[name]
    except KeyError:
        raise ValueError(f"the anonymising key has no label for '{name}'") from None


def withheld_for_sharing(row: OrganisationRow, threshold: int, known: Sequence[str] = KNOWN_GROUPS) -> bool:
    """Whether an organisation's ratio must be left out of what is shared: a ratio with its interval gives its
    four counts back (two equations, the rounded size and whole numbers pin them), so it is shared only when
    each of them could be published itself (metrics.disclosure.is_hidden)."""
    return any(is_hidden(getattr(row.groups[g], part), threshold)
               for g in known if g in row.groups for part in ("events", "base"))


def published_row(row: OrganisationRow, comparison: Comparison, threshold: int) -> OrganisationRow:
    """One organisation's row as it may be shared, under its own name: size rounded, counts left out, and a
    ratio resting on a count of 1 to threshold - 1 withheld with its interval and place.

    Rounded sizes are what is shown, so the organisation is placed against the limits at its rounded size:
    the shared chart and its words agree. A row already in this form comes back unchanged."""
    hidden = replace(row, size=rounded_size(row.size), groups={})
    if row.value is not None and withheld_for_sharing(row, threshold, STANDARDS[comparison.standard].comparison.known):
        return replace(hidden, value=None, ci=None, status=stats.WITHHELD, limits=None, position=None, side=None,
                       adverse=None, reason=f"withheld: it rests on a count under {threshold}")
    return placed_row(hidden, comparison.pooled, comparison.adverse_if) if row.placed else hidden


def published_workforce_row(row: WorkforceRow, threshold: int) -> WorkforceRow:
    """An organisation's pay-band workforce row as it may be shared: size rounded, no focus-group headcount, and no
    share when either group's headcount is 1 to threshold - 1 (the share and the size would give it back)."""
    shown = replace(row, size=rounded_size(row.size), focus=None)
    if row.focus is None or row.size is None:
        return shown
    if is_hidden(row.focus, threshold) or is_hidden(row.size - row.focus, threshold):
        return replace(shown, focus_pct=None, reason=f"withheld: it rests on a count under {threshold}")
    return shown


def anonymise_comparison(comparison: Comparison, key: Mapping[str, str],
                         threshold: int = Settings().suppression_threshold) -> Comparison:
    """The comparison with labels for names, in label order, each row as published (`published_row`)."""
    rows = [replace(published_row(row, comparison, threshold), organisation=_relabel(row.organisation, key))
            for row in comparison.organisations]
    rows.sort(key=lambda r: label_order(r.organisation))
    return replace(comparison, organisations=tuple(rows), anonymised=True)


def anonymise_benchmark(result: Benchmark, key: Mapping[str, str] | None = None) -> Benchmark:
    """The benchmark relabelled (a fresh random key unless one is given) for sharing."""
    key = anonymise(result.organisations) if key is None else key
    workforce = None
    if result.workforce is not None:
        threshold = result.settings.suppression_threshold
        rows = [replace(published_workforce_row(row, threshold), organisation=_relabel(row.organisation, key))
                for row in result.workforce.organisations]
        rows.sort(key=lambda r: label_order(r.organisation))
        workforce = replace(result.workforce, organisations=tuple(rows))
    labels = sorted((_relabel(name, key) for name in result.organisations), key=label_order)
    return replace(
        result,
        organisations=tuple(labels),
        # In label order: the input's order (often alphabetical by name) would give the key away.
        periods={label: period for label, period in sorted(((_relabel(name, key), period)
                                                            for name, period in result.periods.items()),
                                                           key=lambda kv: label_order(kv[0]))},
        comparisons=tuple(anonymise_comparison(c, key, result.settings.suppression_threshold)
                          for c in result.comparisons),
        workforce=workforce,
        anonymised=True,
        published_only=frozenset(_relabel(name, key) for name in result.published_only),
    )


# ---------------------------------------------------------------------------------------
# JSON


def _number(value: float | None, places: int = 12) -> float | int | None:
    if value is None or not math.isfinite(value):
        return None
    if float(value).is_integer():
        return int(value)
    return round(value, places)


def _interval(ci: tuple[float, float] | None) -> list[float | int | None] | None:
    return None if ci is None else [_number(ci[0]), _number(ci[1])]


def _period(period: Period) -> dict[str, str]:
    return {"start": period.start.isoformat(), "end": period.end.isoformat()}


def _group(group: str, figures: GroupFigures) -> dict[str, Any]:
    return {"group": group, "events": _number(figures.events), "base": _number(figures.base),
            "rate": _number(figures.rate)}


def _limits(limits: Limits | None) -> dict[str, Any] | None:
    if limits is None:
        return None
    return {"n": _number(limits.n), "lower_95": _number(limits.lower_95), "upper_95": _number(limits.upper_95),
            "lower_998": _number(limits.lower_998), "upper_998": _number(limits.upper_998)}


def _row_dict(row: OrganisationRow) -> dict[str, Any]:
    out: dict[str, Any] = {
        "organisation": row.organisation,
        "size": _number(row.size),
        "value": _number(row.value),
        "ci": _interval(row.ci),
        "status": row.status,
        "reason": row.reason,
        "position": row.position,
        "side": row.side,
        "adverse": row.adverse,
        "limits": _limits(row.limits),
    }
    if row.groups:
        out["groups"] = {g: _group(g, f) for g, f in row.groups.items()}
    return out


def comparison_to_dict(comparison: Comparison) -> dict[str, Any]:
    pooled = comparison.pooled
    denominator_group = comparison.definition.denominator_group(comparison.standard)
    return {
        "metric": comparison.metric_id,
        "title": comparison.definition.title,
        "question": comparison.question,
        "question_label": comparison.question_label,
        "adverse_if": comparison.adverse_if,
        "pooled": {
            "value": _number(pooled.value),
            "ci": _interval(pooled.ci),
            "numerator": _group(pooled.numerator_group, pooled.numerator),
            "denominator": _group(denominator_group, pooled.denominator),
            "numerator_share": _number(pooled.share),
        },
        "funnel": comparison.pooled.has_funnel,
        "funnel_reason": comparison.funnel_reason,
        "pooled_reason": comparison.pooled_reason,
        "organisations": [_row_dict(row) for row in comparison.organisations],
    }


def to_json_dict(result: Benchmark) -> dict[str, Any]:
    """Plain JSON values (no NaN or infinity): the command line's --json shape."""
    workforce = None
    if result.workforce is not None:
        definition = next(m for m in metrics_of(result.standard).values() if m.kind == "distribution")
        # Named by the focus group's key: "bme_pct" under the race standards, "disabled_pct" under the WDES.
        focus = STANDARDS[result.standard].comparison.focus.key
        workforce = {
            "metric": definition.id,
            "title": definition.title,
            f"pooled_{focus}_pct": _number(result.workforce.pooled_pct),
            "pooled_reason": result.workforce.pooled_reason,
            "organisations": [{"organisation": r.organisation, "size": _number(r.size),
                               f"{focus}_pct": _number(r.focus_pct), "reason": r.reason}
                              for r in result.workforce.organisations],
        }
    return {
        "standard": result.standard,
        "standard_name": STANDARDS[result.standard].name,
        # The organisation's own word for the focus group, where its standard lets it have one (the race standards).
        **({"bme_label": result.settings.bme_label} if STANDARDS[result.standard].comparison.renamable else {}),
        "anonymised": result.anonymised,
        "organisations": list(result.organisations),
        "published_only": [name for name in result.organisations if name in result.published_only],
        "periods": {name: _period(result.periods[name]) for name in result.organisations},
        "notes": result.notes,
        "workforce": workforce,
        "comparisons": [comparison_to_dict(c) for c in result.comparisons],
    }
