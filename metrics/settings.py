"""The choices an organisation makes once and the engine applies everywhere."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from data_loaders.disability import resolve_disability_overrides
from data_loaders.ethnicity import (
    ETHNICITY_REFERENCES,
    WHITE_BRITISH_REFERENCE,
    WHITE_REFERENCE,
    classify_label,
    group_of,
    resolve_overrides,
)
from metrics.registry import COMPARISON, DEFAULT_STANDARD, GROUPS, KNOWN_GROUPS, STANDARDS

# Salary bands nested inside Skills for Care's published three (under £30k, £30k-£69k,
# £70k and over), so a council's figures can be set beside the national ones.
DEFAULT_PAY_BAND_BOUNDARIES: tuple[int, ...] = (25_000, 30_000, 40_000, 50_000, 70_000)

# The action plan's RAG ratings, as stored and as written for people.
RAG_WORDS: dict[str, str] = {"green": "Green", "amber": "Amber", "red": "Red"}
# What each rating means, in words any council can use: the key printed beside the plan unless the
# organisation sets its own (a council in a regional programme may use that programme's key).
DEFAULT_RAG_MEANINGS: dict[str, str] = {
    "green": "Well underway",
    "amber": "Some progress, not yet embedded",
    "red": "Not started",
}
# The pan-London programme's key (which says "Yellow" for amber), for councils in that programme to choose.
PAN_LONDON_RAG_MEANINGS: dict[str, str] = {
    "green": "Pan-London activity well underway",
    "amber": "Borough/some examples but not embedded/consistent across London",
    "red": "No activity initiated",
}
MAX_RAG_MEANING_CHARS = 200


def salary_band_labels(boundaries: tuple[int, ...]) -> list[str]:
    """Labels for bands cut at `boundaries`: 'Under £25,000', '£25,000 to £29,999', ..., '£70,000 and over'."""
    bounds = sorted(boundaries)
    if not bounds:
        return ["All salaries"]
    labels = [f"Under £{bounds[0]:,}"]
    labels += [f"£{low:,} to £{high - 1:,}" for low, high in zip(bounds, bounds[1:], strict=False)]
    labels.append(f"£{bounds[-1]:,} and over")
    return labels


@dataclass(frozen=True)
class Settings:
    standard: str = DEFAULT_STANDARD
    # The organisation's own words for the minority-ethnic group (the comparison's renamable group), used in every
    # sentence, table and chart.
    bme_label: str = COMPARISON.group(COMPARISON.renamable).label
    # A group's base under this makes a relative likelihood "insufficient data".
    min_group_size: int = 10
    # Published counts under this are hidden (and what would reveal them).
    suppression_threshold: int = 10
    adverse_range: tuple[float, float] = (0.80, 1.25)
    # Count White minorities (Irish, Gypsy or Irish Traveller, Roma, other White) as minority ethnic.
    white_minorities_as_bme: bool = False
    # The metrics by ethnic group (metrics.ethnic_groups): each minority ethnic group compared with White British
    # staff ("white_british"; White minorities then a group of their own) or with all White staff ("white").
    ethnic_group_reference: str = WHITE_BRITISH_REFERENCE
    # Raw label (as written in the data) -> "white", "bme", "unknown" or a Census 2021 category.
    ethnicity_overrides: dict[str, str] = field(default_factory=dict)
    # Raw disability label (as written in the data) -> "disabled", "non_disabled" or "not_declared": how a label
    # the standard list leaves unsettled ("None", "N/A", "Yes, not limited") is counted under a disability standard.
    disability_overrides: dict[str, str] = field(default_factory=dict)
    pay_band_boundaries: tuple[int, ...] = DEFAULT_PAY_BAND_BOUNDARIES
    # Bands whose staff count as senior managers when the data has no senior-manager flag.
    senior_bands: tuple[str, ...] = ("£70,000 and over",)
    # Order of pay bands on charts and tables, when the data's bands are not salary bands.
    band_order: tuple[str, ...] = ()
    # End of the 12-month reporting period; None means the latest date in the data.
    period_end: dt.date | None = None
    # The area the organisation serves, for setting senior management and the pay bands beside its residents:
    # residents by Census 2021 category summed over the areas chosen (so the White-minorities choice above
    # applies to them as to staff), or {"bme": %, "white": %} when a person typed the shares in.
    local_population: dict[str, float] = field(default_factory=dict)
    local_population_area: str = ""
    # The action plan's RAG key: rating ("green", "amber", "red") -> what it means.
    rag_meanings: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_RAG_MEANINGS))
    # Share our published figures (small counts withheld, sizes rounded) with the other organisations on this
    # dashboard, for benchmarking: their people then see them, never the counts (storage.benchmark_sources).
    share_for_benchmarking: bool = False
    # The standards this organisation publishes, in the registry's order: the sidebar offers these. Empty: every
    # standard the dashboard has (so an organisation that never chose sees them all).
    published_standards: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.standard not in STANDARDS:
            raise ValueError(
                f"unknown standard {self.standard!r}: use one of {', '.join(STANDARDS)}"
            )
        low, high = self.adverse_range
        if not 0 < low < 1 < high:
            raise ValueError("the adverse range must run from below 1 to above 1, e.g. 0.80 to 1.25")
        if self.ethnic_group_reference not in ETHNICITY_REFERENCES:
            raise ValueError(f"the reference for the metrics by ethnic group is {self.ethnic_group_reference!r}: use "
                             f"{WHITE_BRITISH_REFERENCE!r} (White British staff) or {WHITE_REFERENCE!r} (all White "
                             "staff)")
        if self.min_group_size < 1:
            raise ValueError("the minimum group size must be at least 1")
        if self.suppression_threshold < 0:
            raise ValueError("the suppression threshold cannot be negative")
        if not isinstance(self.ethnicity_overrides, dict):  # stored JSON edited by hand: a list is not labels
            raise ValueError("the ethnicity classifications must be labels, each with its group")
        resolve_overrides(self.ethnicity_overrides)  # raises ValueError naming a bad reclassification
        _check_disability_overrides(self.disability_overrides)
        _check_population(self.local_population)
        _check_rag_meanings(self.rag_meanings)
        if not isinstance(self.share_for_benchmarking, bool):  # stored JSON: "no" must not count as yes
            raise ValueError("whether to share the published figures for benchmarking must be true or false")
        if not isinstance(self.published_standards, tuple) or any(
                s not in STANDARDS for s in self.published_standards):
            raise ValueError(f"the standards published must be among {', '.join(STANDARDS)}")

    @property
    def offered_standards(self) -> tuple[str, ...]:
        """The standards to offer, in the registry's order: those published, or every one when none is chosen."""
        return tuple(s for s in STANDARDS if s in self.published_standards) or tuple(STANDARDS)

    def rag_key(self) -> list[tuple[str, str]]:
        """(rating as written, its meaning) for each rating, green first: the key shown beside the plan."""
        return [(RAG_WORDS[r], self.rag_meanings[r]) for r in RAG_WORDS]

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    @property
    def salary_bands(self) -> list[str]:
        return salary_band_labels(self.pay_band_boundaries)

    @property
    def local_population_bme_pct(self) -> float | None:
        """The minority-ethnic share of the area's residents with a stated group, %; None when not set."""
        totals = population_by_group(self.local_population, self.white_minorities_as_bme)
        if totals["unknown"] > 0:
            # Census residents all have a group; "unknown" here means the 6-category table's "White" under the
            # White-minorities choice, which cannot be split: no share is better than a wrong one.
            return None
        known = totals["bme"] + totals["white"]
        return 100.0 * totals["bme"] / known if known > 0 else None


# The groups whose shares a person may type in instead of choosing Census areas.
TYPED_GROUPS = KNOWN_GROUPS


def population_by_group(population: dict[str, float], white_minorities_as_bme: bool = False) -> dict[str, float]:
    """Residents by group from Census categories (or typed-in group shares)."""
    totals = dict.fromkeys(GROUPS, 0.0)
    for label, count in population.items():
        group = label if label in TYPED_GROUPS else group_of(classify_label(label), white_minorities_as_bme)
        totals[group] += float(count)
    return totals


def _check_population(population: dict[str, float]) -> None:
    if not isinstance(population, dict):
        raise ValueError("the local population must be residents by ethnic group")
    for label, count in population.items():
        if isinstance(count, bool) or not isinstance(count, int | float) or not count >= 0:
            raise ValueError(f"the local population's figure for {label!r} must be a number of 0 or more")
        if label not in TYPED_GROUPS and classify_label(label) is None:
            raise ValueError(f"the local population has residents under {label!r}, which is not a Census 2021 "
                             "ethnic group: choose the area again from the Census table")
    typed = [label for label in population if label in TYPED_GROUPS]
    if typed and len(typed) != len(population):
        raise ValueError("the local population mixes typed-in shares with Census counts: use one or the other")


def _check_disability_overrides(overrides: dict[str, str]) -> None:
    if not isinstance(overrides, dict):
        raise ValueError("the disability classifications must be labels, each with its group")
    resolve_disability_overrides(overrides)  # raises ValueError naming a bad classification


def _check_rag_meanings(meanings: dict[str, str]) -> None:
    if not isinstance(meanings, dict) or set(meanings) != set(RAG_WORDS):
        raise ValueError("the RAG key must say what each of green, amber and red means")
    for rating, meaning in meanings.items():
        if not isinstance(meaning, str) or not meaning.strip():
            raise ValueError(f"the RAG key must say what {RAG_WORDS[rating].lower()} means")
        if len(meaning) > MAX_RAG_MEANING_CHARS:
            raise ValueError(f"the RAG key's meaning of {RAG_WORDS[rating].lower()} is longer than "
                             f"{MAX_RAG_MEANING_CHARS} characters")
