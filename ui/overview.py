"""The overview's words: the headline, each metric's value and its change since last year."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from charts.overview import left_out
from data_loaders.schema import SCHEMAS
from metrics import formatting, stats
from metrics.formatting import POINTS
from metrics.narrative import focus_noun, listed
from metrics.registry import MetricDefinition, missing_datasets
from metrics.results import MetricResult
from metrics.settings import Settings
from metrics.trends import headline_value
from ui.safe import md


def value_text(result: MetricResult) -> tuple[str, str]:
    """The headline figure and its 95% interval, "–" where there is none; per survey question for M7."""
    if len(result.questions) > 1:
        parts = [(q.question_label.removeprefix("from "), *value_text(q)) for q in result.questions.values()]
        return "; ".join(f"{who} {v}" for who, v, _ in parts), "; ".join(f"{who} {i}" for who, _, i in parts)
    if result.value is None:
        return "–", "–"
    # The overview has always written a difference that rounds to nothing with its sign, and its unit in full
    # after the interval too.
    value = formatting.value_text(result, unit=POINTS, sign_zero=True)
    interval = formatting.result_interval(result, unit=POINTS, sign_zero=True) if result.ci else "–"
    return value, interval


def forest_caption(results: Iterable[MetricResult], settings: Settings) -> str:
    """How to read the overview's forest, in a line, and which metrics it leaves out and why."""
    results = list(results)
    low, high = settings.adverse_range
    text = (f"How to read it: a point outside the grey {low:.2f} to {high:.2f} range, on its row's tinted side, is "
            f"adverse to {focus_noun(settings)} staff; where its line crosses 1.00 the difference could be chance.")
    return " ".join(t for t in (text, left_out(results)) if t)


def change_text(result: MetricResult, before: MetricResult | None) -> str:
    if before is not None and len(result.questions) > 1:
        return "; ".join(f"{key} {change_text(q, before.questions.get(key))}" for key, q in result.questions.items())
    old, new = headline_value(before)[0] if before else None, headline_value(result)[0]
    if old is None or new is None:
        return "–"
    return formatting.change_text(old, new, result.definition.figure)


def headline(results: dict[str, MetricResult], settings: Settings, datasets: Collection[str]) -> str:
    """What the metrics say, in a few sentences: only the metrics with figures are judged against the range, and
    those without are counted, with the files (of those not in `datasets`) that would give them figures."""
    low, high = settings.adverse_range
    span = f"{low:.2f} to {high:.2f} range"
    # Pay bands are a distribution, never set against the range; a metric with too little data has no ratio.
    rated = [r for r in results.values() if r.status in stats.RATED]
    # Adverse whether beyond chance or not; those that could be chance are named as such below.
    adverse = [r for r in rated if stats.is_adverse(r.status)]
    bme = md(focus_noun(settings))
    if not rated:
        text = f"No metric has figures to set against the {span} yet."
    elif len(rated) == 1:
        (only,) = rated
        text = (f"The only metric with figures to compare, {_titles(rated)}, is "
                f"{'**outside**' if adverse else 'not outside'} the {span} in a direction adverse to {bme} staff.")
        if adverse and _could_be_chance(only):
            text += _UNCERTAIN_ONE
    elif not adverse:
        text = (f"Of the {len(rated)} metrics with figures to compare, none is outside the {span} in a direction "
                f"adverse to {bme} staff.")
    else:
        text = (f"**{len(adverse)} of the {len(rated)} metrics with figures to compare** "
                f"{'is' if len(adverse) == 1 else 'are'} outside the {span} in a direction adverse to {bme} staff: "
                f"{_titles(adverse)}.")
        uncertain = [r for r in adverse if _could_be_chance(r)]
        if len(uncertain) == 1 == len(adverse):
            text += _UNCERTAIN_ONE
        elif uncertain:
            text += (f" For {len(uncertain)} of them ({_titles(uncertain)}) the 95% interval includes no difference "
                     "(1.00, or 0 points for senior management), so the difference could be down to chance: read "
                     "them with care.")
    # A figure read in its own unit against a range of its own (WDES 9a, a difference of mean scores), not the
    # ratios' range: said, so the range above is not taken to be its.
    for own in rated:
        if own.definition.non_adverse is None:
            continue
        low_own, high_own = own.definition.non_adverse
        text += (f" {own.definition.title} is read against a range of its own, "
                 f"{formatting.score_text(low_own)} to {formatting.score_text(high_own)} points, not the ratios'.")
    if insufficient := [r for r in results.values() if r.status == stats.INSUFFICIENT]:
        text += (f" {_metrics(len(insufficient))} {'has' if len(insufficient) == 1 else 'have'} too few people "
                 f"to say: {_titles(insufficient)}.")
    if withheld := [r for r in results.values() if r.status == stats.WITHHELD]:
        text += (f" {_metrics(len(withheld))} {'is' if len(withheld) == 1 else 'are'} withheld for publication: "
                 f"{_titles(withheld)}.")
    return " ".join([text, *without_figures(results, datasets)])


# Adverse, could be chance (metrics.stats): said the same way for every metric.
_UNCERTAIN_ONE = (" Its 95% interval includes no difference (1.00, or 0 points for senior management), so the "
                  "difference could be down to chance: read it with care.")


def _metrics(count: int) -> str:
    return f"{count} metric" if count == 1 else f"{count} metrics"


def _titles(results: list[MetricResult]) -> str:
    return listed([r.definition.title.lower() for r in results])


def _numbers(definitions: Iterable[MetricDefinition]) -> str:
    numbers = [str(d.number) for d in definitions]
    return f"metric{'' if len(numbers) == 1 else 's'} {listed(numbers)}"


def without_figures(results: dict[str, MetricResult], datasets: Collection[str]) -> list[str]:
    """How many metrics have no figures and which files would give them (named as the Data page names them), as
    the sentence's list of one, or none."""
    empty = [metric_id for metric_id, r in results.items() if r.status == stats.NO_DATA]
    if not empty:
        return []
    needed = missing_datasets(empty, datasets)
    files = [f"a {SCHEMAS[dataset].short_title.lower()} file ({_numbers(definitions)})"
             for dataset, definitions in needed.items()]
    # A metric whose files were all given but hold nothing for it: its reason is in the notes on the data.
    given = [results[m].definition for m in empty if not missing_datasets([m], datasets)]
    parts = [f"upload {listed(files)}"] if files else []
    if given:
        parts.append(f"the files given hold nothing for {_numbers(given)} (see the notes on the data)")
    verb = "has" if len(empty) == 1 else "have"
    return [f"{_metrics(len(empty))} {verb} no figures yet: {'; '.join(parts)}."]


def _could_be_chance(result: MetricResult) -> bool:
    """Adverse, but could be chance (metrics.stats): for a metric with questions, every adverse question."""
    rated = [q for q in result.questions.values() if stats.is_adverse(q.status)] or [result]
    return all(r.status == stats.ADVERSE_COULD_BE_CHANCE for r in rated)
