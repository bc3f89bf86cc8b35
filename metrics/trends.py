"""Each metric across periods: the figures year by year and the change since the year before, in words.

A trend is computed from figure sets (counts by group), the same way for every period, so a year
whose records are long gone (only its stored counts remain) reads exactly as it did when it was
computed from the records.

Whether a change is more than chance: two relative likelihoods are compared on the log scale,
z = (ln r2 - ln r1) / sqrt(se1^2 + se2^2), each se recovered from its own 95% Katz interval
(se = (ln upper - ln lower) / (2 x 1.96)). With |z| under 1.96 the sentence says the change could be
down to chance; a council with a few dozen events a year sees that often, and should.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from metrics import stats
from metrics.counts import FigureSet, Period
from metrics.formatting import MEASURES, POINTS, change_text, points, ratio_text, share_text
from metrics.narrative import focus_noun, workforce_share_means
from metrics.registry import METRICS, MetricDefinition, metrics_of
from metrics.results import MetricResult, compute_results, workforce_share
from metrics.settings import Settings
from metrics.unknown_bounds import verdict, verdict_short

# unknown_low and unknown_high: the figure's sharp bounds over the people whose group is not known
# (metrics.unknown_bounds; NaN for an end with no limit or where there are none); unknown_verdict: the verdict in a
# few words ("holds whatever the 29 unknown are"), "" where the figure has none.
TREND_COLUMNS = ("period_end", "period", "metric", "question", "question_label", "measure", "value", "ci_low",
                 "ci_high", "status", "unknown_pct", "unknown_low", "unknown_high", "unknown_verdict")


@dataclass(frozen=True)
class Year:
    """One period's figures and the results computed from them."""

    figures: FigureSet
    results: dict[str, MetricResult]

    @property
    def period(self) -> Period:
        return self.figures.period


def period_label(period: Period) -> str:
    """'2025/26' for a council's financial year (1 April to 31 March); otherwise 'year to 30 Sep 2026'."""
    if (period.start.month, period.start.day, period.end.month, period.end.day) == (4, 1, 3, 31) \
            and period.end.year == period.start.year + 1:
        return f"{period.start.year}/{period.end.year % 100:02d}"
    return f"year to {period.end.day} {period.end:%b %Y}"


def history(figure_sets: Sequence[FigureSet], settings: Settings = Settings()) -> list[Year]:
    """The periods oldest first, each with every metric's results under `settings`.

    Two figure sets for the same period end are a mistake upstream (the caller decides which one
    stands), so they are refused rather than silently averaged or dropped; so are years counted in different
    groups (FigureSet.comparison: ethnic groups, disability), which no trend sets side by side.
    """
    comparisons = sorted({fs.comparison.key for fs in figure_sets})
    if len(comparisons) > 1:
        raise ValueError(f"the periods are counted in different groups (by {' and by '.join(comparisons)}): a trend "
                         "sets one comparison's years side by side")
    ends = [fs.period.end for fs in figure_sets]
    repeated = sorted({end for end in ends if ends.count(end) > 1})
    if repeated:
        raise ValueError(f"two sets of figures for the period ending {repeated[0]:%d %B %Y}: keep one")
    ordered = sorted(figure_sets, key=lambda fs: fs.period.end)
    return [Year(fs, compute_results(fs, settings)) for fs in ordered]


def headline_value(result: MetricResult) -> tuple[float | None, tuple[float, float] | None]:
    if result.definition.kind == "distribution":
        return workforce_share(result), None
    return result.value, result.ci


def _parts(result: MetricResult) -> list[tuple[str, str, MetricResult]]:
    """(question key, question label, result) for each figure a metric shows; one row without questions."""
    if result.questions:
        return [(key, q.question_label or "", q) for key, q in result.questions.items()]
    return [("", "", result)]


def trend_table(years: Sequence[Year], settings: Settings | None = None) -> pd.DataFrame:
    """One row per period, metric and survey question: the headline figure, its interval and status,
    how much ethnicity (the standard's groups) was unknown, and whether the figure stands whatever those people are
    (read against the settings' range). Metrics without data in a period have no row for it."""
    rows = []
    for year in years:
        for metric_id, result in year.results.items():
            if result.status in (stats.NO_DATA, stats.NARRATIVE):  # a narrative has no figure to follow
                continue
            for key, label, part in _parts(result):
                value, ci = headline_value(part)
                found = verdict(part, settings)
                bounds = found.bounds if found is not None else None
                rows.append({
                    "period_end": year.period.end,
                    "period": period_label(year.period),
                    "metric": metric_id,
                    "question": key,
                    "question_label": label,
                    "measure": MEASURES[result.definition.figure],
                    "value": value,
                    "ci_low": ci[0] if ci else None,
                    "ci_high": ci[1] if ci else None,
                    "status": part.status,
                    "unknown_pct": result.quality.unknown_pct,
                    "unknown_low": bounds.low if bounds is not None else None,
                    "unknown_high": bounds.high if bounds is not None else None,
                    "unknown_verdict": verdict_short(found) if found is not None else "",
                })
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in TREND_COLUMNS})
    return pd.DataFrame(rows, columns=list(TREND_COLUMNS)).astype(
        {"value": "float64", "ci_low": "float64", "ci_high": "float64", "unknown_pct": "float64",
         "unknown_low": "float64", "unknown_high": "float64"})


def previous_year(years: Sequence[Year], period_end) -> Year | None:  # noqa: ANN001 - a date
    """The latest period that ended before `period_end`."""
    earlier = [y for y in years if y.period.end < period_end]
    return earlier[-1] if earlier else None


def change_z(before: MetricResult, after: MetricResult) -> float | None:
    """How many standard errors apart two relative likelihoods are on the log scale (None without intervals)."""
    if before.ci is None or after.ci is None or not before.value or not after.value:
        return None
    z = stats.z_value(0.95)
    se_before = (math.log(before.ci[1]) - math.log(before.ci[0])) / (2 * z)
    se_after = (math.log(after.ci[1]) - math.log(after.ci[0])) / (2 * z)
    spread = math.hypot(se_before, se_after)
    if spread == 0:
        return None
    return (math.log(after.value) - math.log(before.value)) / spread


def change_sentence(before: Year, after: Year, metric_id: str, settings: Settings) -> str:
    """The change in one metric between two periods, in words, with what the intervals allow one to say."""
    definition = METRICS[metric_id]
    old, new = before.results[metric_id], after.results[metric_id]
    when = f"{period_label(before.period)} to {period_label(after.period)}"
    if definition.kind == "narrative":
        return f"{definition.title}: a narrative, with no figure to compare from year to year."
    if stats.NO_DATA in (old.status, new.status):
        missing = period_label(before.period if old.status == stats.NO_DATA else after.period)
        return f"{definition.title}: no change can be given, as there is no data for {missing}."
    if definition.kind == "distribution":
        return _share_change(old, new, when, settings)
    if definition.kind == "representation":
        return _gap_change(definition, old, new, when, settings)
    if definition.kind in ("share", "score"):
        return _figure_change(definition, old, new, when)
    sentences = []
    for (key, label, part) in _parts(new):
        earlier = old.questions.get(key) if key else old
        if earlier is None:
            sentences.append(f"{definition.title} {label}: no figure for {period_label(before.period)}.")
            continue
        sentences.append(_ratio_change(definition, label, earlier, part, when, settings))
    return " ".join(sentences)


def _ratio_subject(definition: MetricDefinition, label: str) -> str:
    return f"The relative likelihood to {definition.outcome}{' ' + label if label else ''}"


def _ratio_change(definition: MetricDefinition, label: str, old: MetricResult, new: MetricResult, when: str,
                  settings: Settings) -> str:
    subject = _ratio_subject(definition, label)
    if old.value is None or new.value is None:
        year = "the earlier year" if old.value is None else "the later year"
        return f"{subject}: no change can be given ({when}), as there was not enough data in {year}."
    a, b = round(old.value, 2), round(new.value, 2)
    if a == b:
        sentence = f"{subject} was unchanged at {ratio_text(new.value)} ({when})"
    else:
        verb = "rose" if b > a else "fell"
        nearer = abs(math.log(new.value)) < abs(math.log(old.value))
        sentence = (f"{subject} {verb} from {ratio_text(old.value)} to {ratio_text(new.value)} ({when}), "
                    f"{'closer to' if nearer else 'further from'} 1.00")
    sentence += "; " + _interval_words(old, new) + "."
    if old.status != new.status:
        sentence += f" It was {stats.status_words(old.status).lower()}; it is now {_status(new, settings)}."
    z = change_z(old, new)
    if a != b and z is not None:
        if abs(z) < stats.z_value(0.95):
            sentence += " A change this size could be down to chance."
        else:
            sentence += " The change is larger than chance alone would usually give."
    return sentence


def _status(result: MetricResult, settings: Settings) -> str:
    """The status in words (metrics.stats.LOOKS), with where it sits against the range."""
    low, high = settings.adverse_range
    words = stats.status_words(result.status).lower()
    if result.status == stats.WITHIN_RANGE:
        return f"within the {low:.2f} to {high:.2f} range"
    if stats.is_adverse(result.status):
        return f"{words} (outside the {low:.2f} to {high:.2f} range, adverse to {focus_noun(settings)} staff)"
    if stats.is_favourable(result.status):
        return f"{words} (outside the {low:.2f} to {high:.2f} range, in favour of {focus_noun(settings)} staff)"
    return words


def _interval_words(old: MetricResult, new: MetricResult) -> str:
    before = old.ratio.includes_parity if old.ratio else None
    after = new.ratio.includes_parity if new.ratio else None
    if after is None:
        return "there is no interval for the later year"
    if before is None:
        return "the interval includes 1.00" if after else "the interval does not include 1.00"
    if before and after:
        return "the interval still includes 1.00"
    if after:
        return "the interval now includes 1.00"
    if before:
        return "the interval no longer includes 1.00"
    return "the interval still does not include 1.00"


def _share_change(old: MetricResult, new: MetricResult, when: str, settings: Settings) -> str:
    a, b = headline_value(old)[0], headline_value(new)[0]
    who = focus_noun(settings)
    means = workforce_share_means(new.comparison)
    if a is None or b is None:
        return f"The {who} share of the workforce cannot be compared ({when}): a figure is withheld."
    if round(a, 1) == round(b, 1):
        return f"The {who} share of the workforce was unchanged at {share_text(b)} {means} ({when})."
    verb = "rose" if b > a else "fell"
    return (f"The {who} share of the workforce {verb} from {share_text(a)} to {share_text(b)} {means} "
            f"({when}).")


def _gap_change(definition: MetricDefinition, old: MetricResult, new: MetricResult, when: str,
                settings: Settings) -> str:
    subject = f"The gap between the {focus_noun(settings)} share of senior managers and of the workforce"
    if old.value is None or new.value is None:
        return f"{subject} cannot be compared ({when}): there was not enough data in one year."
    a, b = round(old.value, 1), round(new.value, 1)
    if a == b:
        text = f"{subject} was unchanged at {points(b, sign_zero=True)} {POINTS} ({when})."
    elif (a < 0 < b) or (b < 0 < a):
        text = f"{subject} changed from {points(a, sign_zero=True)} to {points(b, sign_zero=True)} {POINTS} ({when})."
    else:
        verb = "narrowed" if abs(b) < abs(a) else "widened"
        text = f"{subject} {verb} from {points(a, sign_zero=True)} to {points(b, sign_zero=True)} {POINTS} ({when})."
    if new.ci is not None:
        holds = new.ci[0] <= 0 <= new.ci[1]
        text += (" The latest year's interval includes 0 points, so the gap could be down to chance."
                 if holds else " The latest year's interval does not include 0 points: the gap is beyond chance.")
    if old.status != new.status:
        text += f" It was {stats.status_words(old.status).lower()}; it is now {stats.status_words(new.status).lower()}."
    return text


def _figure_change(definition: MetricDefinition, old: MetricResult, new: MetricResult, when: str) -> str:
    """One group's percentage (WDES 8) or a difference of mean scores (WDES 9a) from one year to the next, with
    whether the change could be chance: the difference of the two figures against the standard errors their 95%
    intervals give (each interval's half-width over z), on the figure's own scale."""
    if old.value is None or new.value is None:
        year = "the earlier year" if old.value is None else "the later year"
        return f"{definition.title}: no change can be given ({when}), as there is no figure for {year}."
    text = f"{definition.title}: {change_text(old.value, new.value, definition.figure)} ({when})."
    if old.ci is not None and new.ci is not None:
        z = stats.z_value(0.95)
        spread = math.hypot((old.ci[1] - old.ci[0]) / (2 * z), (new.ci[1] - new.ci[0]) / (2 * z))
        if spread > 0 and new.value != old.value:
            beyond = abs(new.value - old.value) / spread >= z
            text += (" The change is larger than chance alone would usually give." if beyond
                     else " A change this size could be down to chance.")
    if old.status != new.status:
        text += f" It was {stats.status_words(old.status).lower()}; it is now {stats.status_words(new.status).lower()}."
    return text


def changes(years: Sequence[Year], settings: Settings) -> dict[str, str]:
    """Each of the standard's metrics' change from the year before the latest to the latest; empty with fewer
    than two years."""
    if len(years) < 2:
        return {}
    before, after = years[-2], years[-1]
    return {metric_id: change_sentence(before, after, metric_id, settings)
            for metric_id in metrics_of(settings.standard)}


def unknown_table(years: Sequence[Year]) -> pd.DataFrame:
    """How much ethnicity was unknown, per metric and period (the people the comparison leaves out)."""
    rows = [
        {"period_end": y.period.end, "period": period_label(y.period), "metric": metric_id,
         "unknown": q.unknown, "total": q.total, "unknown_pct": q.unknown_pct}
        for y in years for metric_id, q in y.figures.quality.items()
        if metric_id in y.figures.available and q.total
    ]
    return pd.DataFrame(rows, columns=["period_end", "period", "metric", "unknown", "total", "unknown_pct"])
