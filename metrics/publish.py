"""Publication-safe results: small counts, and every figure built on them, withheld.

On screen, people entitled to see the data get the real counts with a warning; anything made
to be published or shared goes through `publish`, which applies metrics.suppression to each
metric's table (with its totals) and rebuilds rates, ratios, intervals and sentences from
what is left.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from metrics import stats
from metrics.counts import DataQuality
from metrics.narrative import sentence_for
from metrics.registry import GROUPS
from metrics.results import BandRow, GroupFigures, MetricResult, ratio_for
from metrics.settings import Settings
from metrics.suppression import is_hidden, suppress_bands, suppress_groups


def _hide(value: float | None, hidden: bool) -> float | None:
    return None if hidden else value


def _quality(quality: DataQuality, total_hidden: bool, unknown_hidden: bool, threshold: int) -> DataQuality:
    # Labels and their counts identify people in small teams; the Data page shows them in-house.
    return DataQuality(
        total=None if total_hidden or is_hidden(quality.total, threshold) else quality.total,
        unknown=None if unknown_hidden or is_hidden(quality.unknown, threshold) else quality.unknown,
        unrecognised={},
    )


def _publish_rates(result: MetricResult, settings: Settings) -> MetricResult:
    threshold = settings.suppression_threshold
    masks = suppress_groups({g: result.groups[g].events for g in GROUPS},  # type: ignore[misc]
                            {g: result.groups[g].base for g in GROUPS}, threshold)  # type: ignore[misc]
    groups: dict[str, GroupFigures] = {}
    hidden: set[str] = set()
    for g in GROUPS:
        figures = result.groups[g]
        events_hidden, base_hidden = masks.events[g], masks.base[g]
        hidden |= {f"{g}.events"} if events_hidden else set()
        hidden |= {f"{g}.base"} if base_hidden else set()
        groups[g] = GroupFigures(_hide(figures.events, events_hidden), _hide(figures.base, base_hidden),
                                 _hide(figures.rate, events_hidden or base_hidden))
    # Rebuilt from the published counts: withheld as soon as one it rests on is hidden.
    ratio = ratio_for(result.definition, groups, settings) if result.ratio is not None else None
    quality = _quality(result.quality, masks.total, masks.base["unknown"], threshold)
    published = replace(result, groups=groups, ratio=ratio, hidden=frozenset(hidden), quality=quality,
                        value=ratio.value if ratio else None, ci=ratio.ci if ratio else None,
                        status=ratio.status if ratio else result.status)
    if result.definition.kind == "representation":
        published = _representation(published, result, groups)
    return published


def _representation(published: MetricResult, result: MetricResult, groups: dict[str, GroupFigures]) -> MetricResult:
    senior_hidden = groups["bme"].events is None or groups["white"].events is None
    workforce_hidden = groups["bme"].base is None or groups["white"].base is None
    hide_value = senior_hidden or workforce_hidden
    return replace(
        published,
        senior_pct=_hide(result.senior_pct, senior_hidden),
        workforce_pct=_hide(result.workforce_pct, workforce_hidden),
        value=_hide(result.value, hide_value),
        ci=None if hide_value else result.ci,
    )


def _publish_bands(result: MetricResult, settings: Settings) -> MetricResult:
    threshold = settings.suppression_threshold
    counts = pd.DataFrame([b.counts for b in result.bands], index=[b.band for b in result.bands], dtype=float)
    table = suppress_bands(counts, threshold)
    bands = []
    hidden: set[str] = set()
    for band in result.bands:
        row_hidden = bool(table.row_totals[band.band])
        cells = {g: _hide(band.counts[g], bool(table.interior.at[band.band, g])) for g in GROUPS}
        pct = {g: None if cells[g] is None or row_hidden else band.pct[g] for g in GROUPS}
        hidden |= {f"{band.band}.{g}" for g in GROUPS if cells[g] is None}
        bands.append(BandRow(band.band, cells, pct))
    overall = result.overall
    if overall is not None:
        cells = {g: _hide(overall.counts[g], bool(table.column_totals[g])) for g in GROUPS}
        pct = {g: None if cells[g] is None or table.grand_total else overall.pct[g] for g in GROUPS}
        overall = BandRow(overall.band, cells, pct)
    quality = _quality(result.quality, table.grand_total, bool(table.column_totals["unknown"]), threshold)
    return replace(result, bands=tuple(bands), overall=overall, hidden=frozenset(hidden), quality=quality)


def publish_result(result: MetricResult, settings: Settings) -> MetricResult:
    if settings.suppression_threshold <= 1 or result.status == stats.NO_DATA:
        return result
    if result.definition.kind == "distribution":
        published = _publish_bands(result, settings)
    elif result.questions and len(result.questions) > 1:
        questions = {k: publish_result(q, settings) for k, q in result.questions.items()}
        published = replace(result, questions=questions,
                            quality=_quality(result.quality, False, False, settings.suppression_threshold))
    elif result.groups:
        published = _publish_rates(result, settings)
        if result.questions:
            published = replace(published, questions={k: published for k in result.questions})
    else:
        published = result
    return replace(published, sentence=sentence_for(published, settings))


def publish(results: dict[str, MetricResult], settings: Settings) -> dict[str, MetricResult]:
    """Every metric with the suppression rule of `settings.suppression_threshold` applied."""
    return {metric_id: publish_result(result, settings) for metric_id, result in results.items()}

