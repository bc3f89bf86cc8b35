"""Counts by group: the one shape every metric is computed from.

Records (a council's HR exports) and aggregate input (the counts template) both become a
`FigureSet`: an organisation, a period and a tidy table of counts, one row per metric,
item and group. Nothing person-level is in it, so figure sets can be stored, compared
across years and set side by side across organisations.

The table's columns:
- metric: "M1".."M9", "W9" (the registry's ids)
- item: what the row breaks down: the pay band for M1, the survey question for M6 and M7, the kind
  of board member for W9 ("voting", "executive") (the registry's question keys), "" otherwise
- group: one of the groups of the figure set's comparison (`FigureSet.comparison`): "bme", "white" or
  "unknown" for the race standards (ETHNICITY), "disabled", "non_disabled" or "not_declared" for disability
- events: the people or events counted (appointed, entering disciplinary, leavers, staff
  in the band, senior managers, board members, respondents answering yes)
- base: who they are counted out of (shortlisted, headcount, average headcount,
  respondents); for M1 the group's whole headcount; for W9 the group's workforce, which the
  board members (many not staff) are not among
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from data_loaders.comparison import ETHNICITY, Comparison
from metrics.registry import METRICS

COUNT_COLUMNS: tuple[str, ...] = ("metric", "item", "group", "events", "base")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @classmethod
    def twelve_months_to(cls, end: dt.date) -> Period:
        """The 12 months ending on `end`: to 31 March 2026 is 1 April 2025 to 31 March 2026."""
        try:
            year_before = end.replace(year=end.year - 1)
        except ValueError:  # 29 February
            year_before = end.replace(year=end.year - 1, day=28)
        return cls(year_before + dt.timedelta(days=1), end)

    def __str__(self) -> str:
        return f"{self.start.day} {self.start:%B %Y} to {self.end.day} {self.end:%B %Y}"


def empty_counts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "metric": pd.Series(dtype="str"),
            "item": pd.Series(dtype="str"),
            "group": pd.Series(dtype="str"),
            "events": pd.Series(dtype="float64"),
            "base": pd.Series(dtype="float64"),
        }
    )


def validate_counts(counts: pd.DataFrame, comparison: Comparison = ETHNICITY) -> pd.DataFrame:
    """Check a counts table has the agreed shape, its groups `comparison`'s; return it with the agreed dtypes."""
    missing = [c for c in COUNT_COLUMNS if c not in counts.columns]
    if missing:
        raise ValueError(f"counts table lacks columns {missing}")
    unknown_metrics = set(counts["metric"]) - set(METRICS)
    if unknown_metrics:
        raise ValueError(f"counts for unknown metrics {sorted(unknown_metrics)}")
    unknown_groups = set(counts["group"]) - set(comparison.keys)
    if unknown_groups:
        raise ValueError(f"counts for unknown groups {sorted(unknown_groups)}"
                         + ("" if comparison is ETHNICITY else f" of the {comparison.key} comparison"))
    out = counts.loc[:, list(COUNT_COLUMNS)].astype(
        {"metric": "str", "item": "str", "group": "str", "events": "float64", "base": "float64"}
    )
    if (out["events"] < 0).any() or (out["base"] < 0).any():
        raise ValueError("counts cannot be negative")
    return out.reset_index(drop=True)


@dataclass
class DataQuality:
    """How well the standard's groups (ethnicity, disability) are recorded for one metric's people."""

    # None where the publication rule withholds the count.
    total: int | None = 0
    unknown: int | None = 0
    # Labels that matched no known spelling, with how many rows carried each.
    unrecognised: dict[str, int] = field(default_factory=dict)
    # Published figures round their percentages (to whole numbers); None: full precision, on screen.
    pct_places: int | None = None

    @property
    def unknown_pct(self) -> float | None:
        if self.total is None or self.unknown is None or self.total == 0:
            return None
        pct = 100.0 * self.unknown / self.total
        return pct if self.pct_places is None else round(pct, self.pct_places)

    @property
    def known(self) -> int | None:
        """The people whose group is known (declared): total less unknown; None where either is withheld."""
        if self.total is None or self.unknown is None:
            return None
        return self.total - self.unknown

    @property
    def declared_pct(self) -> float | None:
        """The declaration rate: the share, %, of the people counted whose group is known (the WDES's figure)."""
        if self.known is None or not self.total:
            return None
        pct = 100.0 * self.known / self.total
        return pct if self.pct_places is None else round(pct, self.pct_places)


@dataclass
class FigureSet:
    organisation: str
    period: Period
    counts: pd.DataFrame
    quality: dict[str, DataQuality] = field(default_factory=dict)
    # Things a person should know about how the counts were made.
    notes: list[str] = field(default_factory=list)
    # Metric ids the input had data for; the others are "no data".
    available: frozenset[str] = frozenset()
    # What the figures were filtered to ({"service": ["Adults"]}), for captions.
    filters: dict[str, list[str]] = field(default_factory=dict)
    # Whose groups the counts are: the comparison of the standard they were counted for. The race standards'
    # (ETHNICITY) unless said, so a counts template, a saved period and another organisation's figures read as
    # they always have.
    comparison: Comparison = ETHNICITY
    # Metric ids counted under their standard's own population rule (MetricDefinition.counted_under), because the
    # data had what the rule needs (the NHS WRES's pay bands: an assignment category or a staff group).
    own_rules: frozenset[str] = frozenset()

    def for_metric(self, metric_id: str) -> pd.DataFrame:
        return self.counts[self.counts["metric"] == metric_id]


def stack(figure_sets: list[FigureSet]) -> pd.DataFrame:
    """Several organisations' or periods' counts in one tidy table, each row labelled with its
    organisation and period: the shape trends and benchmarking compare."""
    frames = [
        fs.counts.assign(organisation=fs.organisation, period_start=fs.period.start, period_end=fs.period.end)
        for fs in figure_sets
    ]
    columns = ["organisation", "period_start", "period_end", *COUNT_COLUMNS]
    if not frames:
        return empty_counts().assign(organisation="", period_start=None, period_end=None)[columns]
    return pd.concat(frames, ignore_index=True)[columns]
