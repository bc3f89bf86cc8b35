"""From counts by group to each metric's figures: rates, ratio, interval, status."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from data_loaders.comparison import Comparison
from metrics import stats
from metrics.counts import DataQuality, FigureSet, Period
from metrics.registry import STANDARDS, MetricDefinition, metrics_of
from metrics.settings import Settings


@dataclass(frozen=True)
class GroupFigures:
    events: float | None
    base: float | None
    rate: float | None


@dataclass(frozen=True)
class BandRow:
    band: str
    counts: dict[str, float | None]  # group -> staff in band
    pct: dict[str, float | None]  # group -> % of the band (the three sum to 100): the band's make-up, as drawn
    # Everyone in the band; None where the publication rule withholds it (or a count it is made of is unknown).
    total: float | None = None
    # The minority-ethnic share of the band's staff whose ethnicity is known (known_share): the share the words
    # give, comparable with the workforce's (workforce_share). None where a count it rests on is withheld.
    known_pct: float | None = None


# A Ratio's reason when the publication rule withholds a count it rests on.
WITHHELD_REASON = "withheld"


@dataclass(frozen=True)
class Ratio:
    """A relative likelihood with its interval and status, under one standard."""

    value: float | None
    ci: tuple[float, float] | None
    status: stats.Status
    # Why there is no value, in words ("withheld" when the publication rule withholds it), or "".
    reason: str = ""

    @property
    def includes_parity(self) -> bool | None:
        return stats.RelativeLikelihood(self.value, self.ci).includes_parity


@dataclass(frozen=True)
class MetricResult:
    definition: MetricDefinition
    standard: str
    status: stats.Status
    value: float | None = None
    ci: tuple[float, float] | None = None
    groups: dict[str, GroupFigures] = field(default_factory=dict)
    ratio: Ratio | None = None
    # M6 and M7: one result per survey question; W9: one per kind of board member (voting, executive); keyed by the
    # registry's question keys.
    questions: dict[str, MetricResult] = field(default_factory=dict)
    question_label: str = ""
    # M1: rows lowest band first, and the whole workforce.
    bands: tuple[BandRow, ...] = ()
    overall: BandRow | None = None
    # M9: shares of senior managers and of the workforce, %; W9: of the board's members (voting, executive) whose
    # group is known, and of the workforce.
    senior_pct: float | None = None
    workforce_pct: float | None = None
    # M9: the minority-ethnic share of the residents of the area served, % (when the settings give it).
    population_pct: float | None = None
    quality: DataQuality = field(default_factory=DataQuality)
    sentence: str = ""
    # Counts hidden by the publication rule (see metrics.publish), as "group.events" etc.
    hidden: frozenset[str] = frozenset()
    # M1 as published: the bands shown together instead of withheld, in words ("SM1, SM2 and SM3 are shown
    # together as SM1 to SM3"), for every output to say (metrics.publish.combine_bands).
    combined: tuple[str, ...] = ()
    # Whether it was counted under its standard's own population rule (FigureSet.own_rules).
    own_rule: bool = False
    # A score metric (WDES 9a): each group's standard deviation (groups hold each group's mean as `events` and
    # respondents as `base`), and the organisation's mean over every respondent with its respondents; None where
    # withheld.
    sds: dict[str, float | None] = field(default_factory=dict)
    overall_score: float | None = None
    overall_base: float | None = None

    @property
    def id(self) -> str:
        return self.definition.id

    def counted_text(self, period: Period | None = None) -> str:
        """Who is counted, in words: the standard's own rule where it was counted by it, else the metric's."""
        return self.definition.counted_text(period, self.standard if self.own_rule else None)

    @property
    def comparison(self) -> Comparison:
        """Whose groups its figures are: its standard's comparison."""
        return STANDARDS[self.standard].comparison


def known_share(bme: float | None, white: float | None) -> float | None:
    """The minority-ethnic share, %, of the people whose ethnicity is known: bme / (bme + white).

    The one definition of "the minority-ethnic share" wherever a share of staff is written (the workforce, a pay
    band, senior managers): the relative likelihoods compare the same two known groups, so a share and a ratio
    rest on the same people, and unknown ethnicity is given beside it as a data-quality figure, never folded into
    the denominator. None when either count is withheld, or nobody's ethnicity is known."""
    if bme is None or white is None or not bme + white:
        return None
    return 100.0 * bme / (bme + white)


def workforce_share(result: MetricResult) -> float | None:
    """The workforce's minority-ethnic share, % of staff whose ethnicity is known (known_share): M1's all staff
    or M9's workforce, as published when the result is. None when withheld or there is no such figure."""
    if result.definition.kind == "distribution":
        return result.overall.known_pct if result.overall is not None else None
    if result.definition.kind == "representation":
        return result.workforce_pct
    return None


def _sums(keys: Any, numbers: Any) -> dict[Any, float]:
    """Sum of the numbers per key, missing (NaN) numbers skipped as pandas' sum skips them. In Python:
    a counts table has tens of rows, and a pandas filter per group and band cost a tenth of a second per
    filter change in the app."""
    out: dict[Any, float] = {}
    for key, number in zip(keys, numbers, strict=True):
        out[key] = out.get(key, 0.0) + (float(number) if number == number else 0.0)
    return out


def _group_figures(frame: pd.DataFrame, comparison: Comparison) -> dict[str, GroupFigures]:
    events, base = _sums(frame["group"], frame["events"]), _sums(frame["group"], frame["base"])
    return {g: GroupFigures(events.get(g, 0.0), base.get(g, 0.0), stats.rate(events.get(g, 0.0), base.get(g, 0.0)))
            for g in comparison.keys}


def ratio_for(definition: MetricDefinition, groups: dict[str, GroupFigures], settings: Settings) -> Ratio:
    """The relative likelihood under the settings' standard, or why there is none."""
    standard = settings.standard
    comparison = STANDARDS[standard].comparison
    label = {g: comparison.noun(g, settings.bme_label) for g in comparison.known}
    # (events, base) of each group; a count withheld by the publication rule (None) leaves no ratio.
    known: dict[str, tuple[float, float]] = {}
    for g in comparison.known:
        events, base = groups[g].events, groups[g].base
        if base is None or events is None:
            return Ratio(None, None, stats.WITHHELD, WITHHELD_REASON)
        known[g] = (events, base)
    small = [g for g in comparison.known if known[g][1] < settings.min_group_size]
    if small:
        names = " and ".join(f"{known[g][1]:,.0f} {label[g]}" for g in small)
        return Ratio(None, None, stats.INSUFFICIENT,
                     f"there are only {names} {definition.subject} (the minimum to compare is "
                     f"{settings.min_group_size})")
    top_events, top_base = known[definition.numerator_group(standard)]
    bottom_events, bottom_base = known[definition.denominator_group(standard)]
    if top_events == 0 and bottom_events == 0:
        return Ratio(None, None, stats.INSUFFICIENT, "no events in either group")
    likelihood = stats.relative_likelihood(top_events, top_base, bottom_events, bottom_base)
    if likelihood.value is None:
        # The denominator group has people (the size check above) but none had the event.
        return Ratio(None, None, stats.INSUFFICIENT,
                     f"none of the {bottom_base:,.0f} {label[definition.denominator_group(standard)]} "
                     f"{definition.subject} counted as '{definition.events_label.lower()}', so no ratio can be formed")
    adverse_if = definition.adverse_if_ratio(standard)
    assert adverse_if is not None
    status = stats.status_for(likelihood.value, adverse_if, settings.adverse_range, likelihood.ci)
    return Ratio(likelihood.value, likelihood.ci, status)


def _no_data(definition: MetricDefinition, settings: Settings) -> MetricResult:
    return MetricResult(definition, settings.standard, stats.NO_DATA)


def _comparison(settings: Settings) -> Comparison:
    return STANDARDS[settings.standard].comparison


def _relative_likelihood(definition: MetricDefinition, counts: pd.DataFrame, settings: Settings,
                         quality: DataQuality) -> MetricResult:
    groups = _group_figures(counts, _comparison(settings))
    ratio = ratio_for(definition, groups, settings)
    return MetricResult(definition, settings.standard, ratio.status, ratio.value, ratio.ci, groups, ratio,
                        quality=quality)


def _survey(definition: MetricDefinition, counts: pd.DataFrame, settings: Settings,
            quality: DataQuality) -> MetricResult:
    questions = {}
    for question in definition.questions:
        rows = counts[counts["item"] == question.key]
        if rows.empty:
            continue
        result = _relative_likelihood(definition, rows, settings, quality)
        questions[question.key] = replace(result, question_label=question.label)
    if not questions:
        return _no_data(definition, settings)
    # The headline status is the most concerning question's (metrics.stats.STATUSES' order).
    headline = stats.headline_status([q.status for q in questions.values()])
    if len(questions) == 1:
        (only,) = questions.values()
        return replace(only, questions=questions, question_label="")
    return MetricResult(definition, settings.standard, headline, questions=questions, quality=quality)


def _pay_bands(definition: MetricDefinition, counts: pd.DataFrame, settings: Settings,
               quality: DataQuality) -> MetricResult:
    comparison = _comparison(settings)
    per_band = _sums(zip(counts["item"], counts["group"], strict=True), counts["events"])
    bands = [_band_row(str(band), {g: per_band.get((band, g), 0.0) for g in comparison.keys}, comparison)
             for band in dict.fromkeys(counts["item"])]  # in the order the bands come
    per_group = _sums(counts["group"], counts["events"])
    totals: dict[str, float | None] = {g: per_group.get(g, 0.0) for g in comparison.keys}
    return MetricResult(definition, settings.standard, stats.DESCRIPTIVE, bands=tuple(bands),
                        overall=_band_row("All staff", totals, comparison), quality=quality)


def _band_row(band: str, by_group: dict[str, float | None], comparison: Comparison) -> BandRow:
    if any(v is None for v in by_group.values()):
        return BandRow(band, by_group, {g: None for g in comparison.keys})
    total = sum(by_group.values())  # type: ignore[arg-type]
    pct = {g: (100.0 * by_group[g] / total if total else None) for g in comparison.keys}  # type: ignore[operator]
    return BandRow(band, by_group, pct, total,
                   known_share(by_group[comparison.focus.key], by_group[comparison.reference.key]))


def _representation(definition: MetricDefinition, counts: pd.DataFrame, settings: Settings,
                    quality: DataQuality) -> MetricResult:
    """M9's one difference in points; a metric with items (W9: the board's voting members, its executive members)
    has one per item counted, in `questions`, and the first of them (voting membership, the indicator's headline)
    is the result's own figure, status and all, so that every view of a single figure shows it."""
    if not definition.questions:
        return _representation_of(definition, counts, settings, quality)
    items = {}
    for question in definition.questions:
        rows = counts[counts["item"] == question.key]
        if not rows.empty:
            items[question.key] = replace(_representation_of(definition, rows, settings, quality),
                                          question_label=question.label)
    if not items:
        return _no_data(definition, settings)
    return replace(next(iter(items.values())), questions=items, question_label="")


def _representation_of(definition: MetricDefinition, counts: pd.DataFrame, settings: Settings,
                       quality: DataQuality) -> MetricResult:
    comparison = _comparison(settings)
    groups = _group_figures(counts, comparison)
    # The focus and reference groups: minority-ethnic and white staff under the race standards.
    bme, white = groups[comparison.focus.key], groups[comparison.reference.key]
    # Straight from the counts, every figure is a number (0.0 for a group with no rows): only the
    # publication rule (metrics.publish) withholds one, later.
    assert bme.events is not None and bme.base is not None and white.events is not None and white.base is not None
    senior_known = bme.events + white.events
    senior_pct = known_share(bme.events, white.events)
    workforce_pct = known_share(bme.base, white.base)
    value = ci = None
    if senior_pct is not None and workforce_pct is not None:
        value = senior_pct - workforce_pct
        # The workforce share is a count of everyone, not a sample; the uncertainty is in how
        # few senior managers there are, so the interval is the senior share's (Wilson).
        share = stats.wilson_interval(bme.events, senior_known)
        ci = (100.0 * share[0] - workforce_pct, 100.0 * share[1] - workforce_pct) if share else None
    ratio = representation_ratio(definition, groups, value, ci, workforce_pct, settings)
    return MetricResult(definition, settings.standard, ratio.status, value, ci, groups, ratio,
                        senior_pct=senior_pct, workforce_pct=workforce_pct,
                        population_pct=settings.local_population_bme_pct, quality=quality)


def representation_range(workforce_pct: float, settings: Settings) -> tuple[float, float]:
    """M9's non-adverse range in percentage points: a minority-ethnic share of senior managers from
    settings.adverse_range[0] to [1] times their share of the workforce (0.80 to 1.25 by default, the range every
    relative likelihood is read against), less that share. For a workforce 20% minority-ethnic: -4.0 to +5.0."""
    low, high = settings.adverse_range
    return ((low - 1) * workforce_pct, (high - 1) * workforce_pct)


def representation_ratio(definition: MetricDefinition, groups: dict[str, GroupFigures], value: float | None,
                         ci: tuple[float, float] | None, workforce_pct: float | None, settings: Settings) -> Ratio:
    """M9's status, in the unit of its figure, percentage points: adverse (or favourable) when the difference is
    below (above) representation_range, beyond chance when its 95% interval excludes 0 points. Too few to say, or
    withheld, as the relative likelihood of being a senior manager is (ratio_for: a group under the minimum size,
    no senior managers, a withheld count). The Ratio keeps that relative likelihood and its interval, which the
    benchmarking funnel places organisations by, with this status, so a result has one status."""
    likelihood = ratio_for(definition, groups, settings)
    if likelihood.status in (stats.INSUFFICIENT, stats.WITHHELD):
        return likelihood
    if value is None or workforce_pct is None:
        return replace(likelihood, status=stats.INSUFFICIENT)
    adverse_if = definition.adverse_if_bme_rate
    assert adverse_if is not None
    # Rounded so that a senior share of exactly 0.80 times the workforce's is on the range's edge, as a ratio of
    # exactly 0.80 is, not a float's width outside it.
    low, high = representation_range(workforce_pct, settings)
    status = stats.status_for(round(value, 9), adverse_if, (round(low, 9), round(high, 9)), ci, parity=0.0)
    return replace(likelihood, status=status)


def share_result(definition: MetricDefinition, groups: dict[str, GroupFigures], settings: Settings,
                 quality: DataQuality) -> MetricResult:
    """One group's percentage (WDES 8: disabled staff saying their employer made adequate adjustments) with its
    Wilson 95% interval, in percent: there is no comparison group, so the figure is not rated (stats.ONE_GROUP).
    Too few to say under the minimum group size; withheld when the publication rule withholds a count it rests
    on."""
    group = definition.numerator_group(settings.standard)
    figures = groups[group]
    label = _comparison(settings).noun(group, settings.bme_label)
    if figures.events is None or figures.base is None:
        ratio = Ratio(None, None, stats.WITHHELD, WITHHELD_REASON)
        return MetricResult(definition, settings.standard, ratio.status, groups=groups, ratio=ratio, quality=quality)
    if figures.base < settings.min_group_size:
        ratio = Ratio(None, None, stats.INSUFFICIENT,
                      f"there are only {figures.base:,.0f} {label} {definition.subject} who answered (the minimum "
                      f"to read is {settings.min_group_size})")
        return MetricResult(definition, settings.standard, ratio.status, groups=groups, ratio=ratio, quality=quality)
    interval = stats.wilson_interval(figures.events, figures.base)
    value = 100.0 * figures.events / figures.base
    ci = (100.0 * interval[0], 100.0 * interval[1]) if interval is not None else None
    return MetricResult(definition, settings.standard, stats.ONE_GROUP, value, ci, groups, quality=quality)


def _share(definition: MetricDefinition, counts: pd.DataFrame, settings: Settings,
           quality: DataQuality) -> MetricResult:
    key = definition.questions[0].key if definition.questions else ""
    rows = counts[counts["item"] == key] if key else counts
    if rows.empty:
        return _no_data(definition, settings)
    return share_result(definition, _group_figures(rows, _comparison(settings)), settings, quality)


# The items of a score metric's counts (metrics.counting.survey writes them; a counts template gives them as a trust's
# published summary does): each group's mean ("events") and its standard
# deviation, each over the group's respondents with a score.
MEAN_ITEM, SD_ITEM = "mean", "sd"


def score_result(definition: MetricDefinition, groups: dict[str, GroupFigures], sds: dict[str, float | None],
                 settings: Settings, quality: DataQuality) -> MetricResult:
    """A difference of mean scores (WDES 9a: disabled less non-disabled, on the 0-10 scale) with its Welch 95%
    interval, rated against the registry's non-adverse range in points; the organisation's mean over every
    respondent (the unknown group included). `groups` hold each group's mean as events and respondents as base."""
    comparison = _comparison(settings)
    overall_base: float | None = None
    overall: float | None = None
    known = [(f.events, f.base) for f in groups.values() if f.events is not None and f.base is not None]
    if len(known) == len(groups):
        overall_base = sum(n for _, n in known)
        overall = sum(m * n for m, n in known) / overall_base if overall_base else None
    top, bottom = definition.numerator_group(settings.standard), definition.denominator_group(settings.standard)
    a, b = groups[top], groups[bottom]
    sd_a, sd_b = sds.get(top), sds.get(bottom)
    common = {"groups": groups, "sds": sds, "overall_score": overall, "overall_base": overall_base,
              "quality": quality}
    if a.events is None or a.base is None or b.events is None or b.base is None or sd_a is None or sd_b is None:
        ratio = Ratio(None, None, stats.WITHHELD, WITHHELD_REASON)
        return MetricResult(definition, settings.standard, ratio.status, ratio=ratio, **common)  # type: ignore[arg-type]
    small = [g for g, f in ((top, a), (bottom, b)) if (f.base or 0) < settings.min_group_size]
    if small:
        names = " and ".join(f"{groups[g].base:,.0f} {comparison.noun(g, settings.bme_label)}" for g in small)
        ratio = Ratio(None, None, stats.INSUFFICIENT,
                      f"there are only {names} {definition.subject} with a score (the minimum to compare is "
                      f"{settings.min_group_size})")
        return MetricResult(definition, settings.standard, ratio.status, ratio=ratio, **common)  # type: ignore[arg-type]
    difference = stats.welch_difference(a.events, sd_a, a.base, b.events, sd_b, b.base)
    assert difference.value is not None  # both groups have people (the size check above)
    adverse_if = definition.adverse_if_ratio(settings.standard)
    assert adverse_if is not None and definition.non_adverse is not None
    low, high = definition.non_adverse
    status = stats.status_for(round(difference.value, 9), adverse_if, (low, high), difference.ci, parity=0.0)
    ratio = Ratio(difference.value, difference.ci, status)
    return MetricResult(definition, settings.standard, status, difference.value, difference.ci, ratio=ratio,
                        **common)  # type: ignore[arg-type]


def _score(definition: MetricDefinition, counts: pd.DataFrame, settings: Settings,
           quality: DataQuality) -> MetricResult:
    comparison = _comparison(settings)
    means, spreads = counts[counts["item"] == MEAN_ITEM], counts[counts["item"] == SD_ITEM]
    if means.empty:
        return _no_data(definition, settings)
    mean = dict(zip(means["group"], means["events"], strict=True))
    base = dict(zip(means["group"], means["base"], strict=True))
    sd = dict(zip(spreads["group"], spreads["events"], strict=True))
    # A mean is not a rate: `rate` is None, so nothing reads a score as a share of people.
    groups = {g: GroupFigures(float(mean.get(g, 0.0)), float(base.get(g, 0.0)), None) for g in comparison.keys}
    sds: dict[str, float | None] = {g: float(sd.get(g, 0.0)) for g in comparison.keys}
    return score_result(definition, groups, sds, settings, quality)


def _narrative(definition: MetricDefinition, counts: pd.DataFrame, settings: Settings,
               quality: DataQuality) -> MetricResult:
    return MetricResult(definition, settings.standard, stats.NARRATIVE)


_BY_KIND = {
    "share": _share,
    "score": _score,
    "narrative": _narrative,
    "relative_likelihood": _relative_likelihood,
    "survey": _survey,
    "distribution": _pay_bands,
    "representation": _representation,
}


def compute_results(figures: FigureSet, settings: Settings = Settings()) -> dict[str, MetricResult]:
    """Every metric of the settings' standard, in its order; those without data have status "no data". The
    figures must be counted in the groups of the settings' standard (FigureSet.comparison); figures for a metric
    the standard does not have (a counts template filled in for another) are left out."""
    from metrics.narrative import sentence_for

    expected = _comparison(settings)
    if figures.comparison != expected:
        raise ValueError(f"these figures are counted by {figures.comparison.key}, but the "
                         f"{STANDARDS[settings.standard].name} compares groups by {expected.key}")

    results: dict[str, MetricResult] = {}
    for metric_id, definition in metrics_of(settings.standard).items():
        if definition.kind == "narrative":  # words, not figures: never "no data"
            result = _narrative(definition, figures.counts, settings, DataQuality())
        elif metric_id not in figures.available:
            result = _no_data(definition, settings)
        else:
            counts = figures.for_metric(metric_id)
            quality = figures.quality.get(metric_id, DataQuality())
            result = _BY_KIND[definition.kind](definition, counts, settings, quality)
            if metric_id in figures.own_rules:
                result = replace(result, own_rule=True)
        results[metric_id] = _with_sentences(result, settings, sentence_for)
    return results


def _with_sentences(result: MetricResult, settings: Settings, sentence_for: Any) -> MetricResult:
    questions = {k: replace(q, sentence=sentence_for(q, settings)) for k, q in result.questions.items()}
    result = replace(result, questions=questions)
    return replace(result, sentence=sentence_for(result, settings))
