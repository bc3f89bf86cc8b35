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
from typing import Literal

Status = Literal["adverse", "within range", "favourable", "insufficient data", "no data", "descriptive"]
ADVERSE: Status = "adverse"
WITHIN_RANGE: Status = "within range"
FAVOURABLE: Status = "favourable"
INSUFFICIENT: Status = "insufficient data"
NO_DATA: Status = "no data"
DESCRIPTIVE: Status = "descriptive"
STATUSES: tuple[Status, ...] = (ADVERSE, WITHIN_RANGE, FAVOURABLE, INSUFFICIENT, NO_DATA, DESCRIPTIVE)
# How a status is written for people, on screen, in the trends table and in every export: never colour alone.
# M1 (the pay bands) has no ratio to rate: it is described by its chart, wherever its status is shown.
STATUS_WORDS: dict[str, str] = {
    ADVERSE: "Adverse",
    WITHIN_RANGE: "Within range",
    FAVOURABLE: "Favourable",
    INSUFFICIENT: "Insufficient data",
    NO_DATA: "No data",
    DESCRIPTIVE: "Descriptive: see the pay band chart",
}


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
    adverse_if: Literal["lower", "higher"],
    adverse_range: tuple[float, float] = (0.80, 1.25),
) -> Status:
    """Where a relative likelihood sits against the non-adverse range, for a metric whose
    ratio harms the minority-ethnic group when it is `adverse_if` ("lower" or "higher")."""
    if value is None:
        return INSUFFICIENT
    low, high = adverse_range
    if low <= value <= high:
        return WITHIN_RANGE
    below = value < low
    if (below and adverse_if == "lower") or (not below and adverse_if == "higher"):
        return ADVERSE
    return FAVOURABLE
