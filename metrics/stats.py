"""Rates, relative likelihoods and their uncertainty.

The Katz log interval is what `scipy.stats.contingency.relative_risk(...).confidence_interval()`
computes; it is written out here because M8's base is an average headcount (101.5 people),
which scipy's integer-only function refuses, and because importing scipy would double the
command line's start-up time. tests/test_stats.py checks every figure against scipy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from metrics.registry import Direction

# The one status vocabulary: every metric's status is one of these, decided here (status_for) from the figure, its
# 95% interval and the non-adverse range, or by metrics.results for a figure there is none of (too few people, or
# withheld from a publication). The values are what --json and the trends table carry; the words (StatusLook) are
# how a status is written for people, on screen, in present mode, the trends table, the command line's table and
# every export: never colour alone.
Status = Literal["adverse, beyond chance", "adverse, could be chance", "within range", "favourable, could be chance",
                 "favourable, beyond chance", "insufficient data", "withheld", "no data", "descriptive",
                 "one group", "narrative"]
# Outside the range on the adverse side, and the 95% interval excludes parity.
ADVERSE_BEYOND_CHANCE: Status = "adverse, beyond chance"
# Outside the range on the adverse side, but the interval includes parity (or there is no interval).
ADVERSE_COULD_BE_CHANCE: Status = "adverse, could be chance"
WITHIN_RANGE: Status = "within range"
FAVOURABLE_COULD_BE_CHANCE: Status = "favourable, could be chance"
FAVOURABLE_BEYOND_CHANCE: Status = "favourable, beyond chance"
# Too few to say: a group under the minimum size, or no events to compare (the value is kept stable for --json).
INSUFFICIENT: Status = "insufficient data"
# A published output where the figure is suppressed by the publication rule (metrics.publish).
WITHHELD: Status = "withheld"
NO_DATA: Status = "no data"
# M1 (the pay bands) has no ratio to rate: it is described by its chart, wherever its status is shown.
DESCRIPTIVE: Status = "descriptive"
# Most concerning first: a metric with several questions takes the first of its questions' statuses in this order.
# One group's percentage with no comparison group (WDES 8): a figure, not rated against a range.
ONE_GROUP: Status = "one group"
# A metric of words, not figures (WDES 9b): its panels are what it reports.
NARRATIVE: Status = "narrative"
STATUSES: tuple[Status, ...] = (ADVERSE_BEYOND_CHANCE, ADVERSE_COULD_BE_CHANCE, WITHIN_RANGE,
                                FAVOURABLE_COULD_BE_CHANCE, FAVOURABLE_BEYOND_CHANCE, WITHHELD, INSUFFICIENT,
                                NO_DATA, DESCRIPTIVE, ONE_GROUP, NARRATIVE)
ADVERSE: tuple[Status, ...] = (ADVERSE_BEYOND_CHANCE, ADVERSE_COULD_BE_CHANCE)
FAVOURABLE: tuple[Status, ...] = (FAVOURABLE_COULD_BE_CHANCE, FAVOURABLE_BEYOND_CHANCE)
# The statuses of a figure set against the non-adverse range.
RATED: tuple[Status, ...] = (*ADVERSE, WITHIN_RANGE, *FAVOURABLE)
BEYOND_CHANCE: tuple[Status, ...] = (ADVERSE_BEYOND_CHANCE, FAVOURABLE_BEYOND_CHANCE)


@dataclass(frozen=True)
class StatusLook:
    """How a status is shown: in words everywhere, with an icon (Material Symbols, as Streamlit names them) and a
    badge colour (Streamlit's names) on screen."""

    words: str
    icon: str
    colour: str


LOOKS: dict[Status, StatusLook] = {
    ADVERSE_BEYOND_CHANCE: StatusLook("Adverse, beyond chance", ":material/error:", "red"),
    ADVERSE_COULD_BE_CHANCE: StatusLook("Adverse, could be chance", ":material/warning:", "orange"),
    WITHIN_RANGE: StatusLook("Within range", ":material/check_circle:", "green"),
    FAVOURABLE_COULD_BE_CHANCE: StatusLook("Favourable, could be chance", ":material/help:", "blue"),
    FAVOURABLE_BEYOND_CHANCE: StatusLook("Favourable, beyond chance", ":material/info:", "blue"),
    INSUFFICIENT: StatusLook("Too few to say", ":material/remove:", "gray"),
    WITHHELD: StatusLook("Withheld for publication", ":material/visibility_off:", "gray"),
    NO_DATA: StatusLook("No data", ":material/remove_circle_outline:", "gray"),
    DESCRIPTIVE: StatusLook("Descriptive: see the pay band chart", ":material/bar_chart:", "violet"),
    ONE_GROUP: StatusLook("One group: no comparison to rate", ":material/person:", "violet"),
    NARRATIVE: StatusLook("Narrative: see the organisation's account", ":material/article:", "violet"),
}
# Keyed by any text: status_words reads back the trends table's column and saved figures, which are text.
STATUS_WORDS: dict[str, str] = {status: look.words for status, look in LOOKS.items()}


def status_words(status: str) -> str:
    """The status as written for people; an unknown value as it is, never a traceback."""
    return STATUS_WORDS.get(status, status)


def is_adverse(status: Status) -> bool:
    """Outside the range on the adverse side, whether or not it could be chance."""
    return status in ADVERSE


def is_favourable(status: Status) -> bool:
    return status in FAVOURABLE


def headline_status(statuses: list[Status]) -> Status:
    """The most concerning of several statuses (STATUSES' order): a metric's status from its questions'."""
    return next((s for s in STATUSES if s in statuses), NO_DATA)


def z_value(confidence: float = 0.95) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def rate(events: float, base: float) -> float | None:
    return events / base if base > 0 else None


@dataclass(frozen=True)
class RelativeLikelihood:
    value: float | None
    ci: tuple[float, float] | None

    @property
    def includes_parity(self) -> bool | None:
        """Whether the interval includes 1.00 (None when there is no interval)."""
        if self.ci is None:
            return None
        return self.ci[0] <= 1.0 <= self.ci[1]


def relative_likelihood(
    numerator_events: float,
    numerator_base: float,
    denominator_events: float,
    denominator_base: float,
    confidence: float = 0.95,
) -> RelativeLikelihood:
    """(a / n1) / (c / n2) with the Katz log interval.

    The value is None when a base is zero or the denominator group has no events (the ratio
    is infinite or undefined); the interval is None whenever either group has no events,
    since the log interval needs both counts above zero, and whenever a group's events exceed
    its base (a rate over 100%: leavers over an average headcount, or cases of people who left
    during the year over those in post at its end), since the interval treats each rate as a
    share of its base.
    """
    a, n1, c, n2 = numerator_events, numerator_base, denominator_events, denominator_base
    if min(a, n1, c, n2) < 0:
        raise ValueError(f"counts cannot be negative: {a}/{n1}, {c}/{n2}")
    if n1 == 0 or n2 == 0 or c == 0:
        return RelativeLikelihood(None, None)
    value = (a / n1) / (c / n2)
    if a == 0 or a > n1 or c > n2:
        return RelativeLikelihood(value, None)
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
    z = z_value(confidence)
    log_value = math.log(value)
    return RelativeLikelihood(value, (math.exp(log_value - z * se), math.exp(log_value + z * se)))


def wilson_interval(events: float, base: float, confidence: float = 0.95) -> tuple[float, float] | None:
    """Wilson score interval for a proportion (used for a share, e.g. BME % of senior managers)."""
    if base <= 0:
        return None
    z = z_value(confidence)
    p = events / base
    denominator = 1 + z * z / base
    centre = (p + z * z / (2 * base)) / denominator
    half = z * math.sqrt(p * (1 - p) / base + z * z / (4 * base * base)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def status_for(
    value: float | None,
    adverse_if: Direction,
    adverse_range: tuple[float, float] = (0.80, 1.25),
    ci: tuple[float, float] | None = None,
    parity: float = 1.0,
) -> Status:
    """The status of a figure whose lower (or higher, `adverse_if`) values harm the minority-ethnic group: outside
    `adverse_range` on that side is adverse, on the other favourable, and either is "beyond chance" only when the
    95% interval `ci` excludes `parity` (1.00 for a relative likelihood); with no interval it could be chance.
    The range's edges are inside it. No figure is too few to say."""
    if value is None:
        return INSUFFICIENT
    low, high = adverse_range
    if low <= value <= high:
        return WITHIN_RANGE
    below = value < low
    beyond = ci is not None and not ci[0] <= parity <= ci[1]
    if (below and adverse_if == "lower") or (not below and adverse_if == "higher"):
        return ADVERSE_BEYOND_CHANCE if beyond else ADVERSE_COULD_BE_CHANCE
    return FAVOURABLE_BEYOND_CHANCE if beyond else FAVOURABLE_COULD_BE_CHANCE


@dataclass(frozen=True)
class MeanDifference:
    """The difference of two groups' mean scores, with its Welch interval (None when either group has fewer than
    two people, or neither varies)."""

    value: float | None
    ci: tuple[float, float] | None


def t_quantile(probability: float, df: float) -> float:
    """Student's t quantile (scipy, imported here only: the command line's start-up does not pay for it)."""
    from scipy.stats import t

    return float(t.ppf(probability, df))


def welch_difference(mean_a: float, sd_a: float, n_a: float, mean_b: float, sd_b: float, n_b: float,
                     confidence: float = 0.95) -> MeanDifference:
    """mean_a - mean_b with the Welch 95% interval: standard error sqrt(sd_a^2/n_a + sd_b^2/n_b), degrees of freedom
    by Welch-Satterthwaite. No value when a group has nobody; no interval when a group has fewer than two, or the
    standard error is zero."""
    if min(sd_a, sd_b, n_a, n_b) < 0:
        raise ValueError("standard deviations and counts cannot be negative")
    if n_a <= 0 or n_b <= 0:
        return MeanDifference(None, None)
    value = mean_a - mean_b
    if n_a < 2 or n_b < 2:
        return MeanDifference(value, None)
    va, vb = sd_a * sd_a / n_a, sd_b * sd_b / n_b
    se = math.sqrt(va + vb)
    if se == 0:
        return MeanDifference(value, None)
    df = (va + vb) ** 2 / (va * va / (n_a - 1) + vb * vb / (n_b - 1))
    half = t_quantile(0.5 + confidence / 2, df) * se
    return MeanDifference(value, (value - half, value + half))
