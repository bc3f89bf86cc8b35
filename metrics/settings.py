"""The choices an organisation makes once and the engine applies everywhere."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from data_loaders.ethnicity import resolve_overrides
from metrics.registry import DEFAULT_STANDARD, STANDARDS

# Salary bands nested inside Skills for Care's published three (under £30k, £30k-£69k,
# £70k and over), so a council's figures can be set beside the national ones.
DEFAULT_PAY_BAND_BOUNDARIES: tuple[int, ...] = (25_000, 30_000, 40_000, 50_000, 70_000)


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
    # The organisation's own words for the minority-ethnic group, used in every sentence.
    bme_label: str = "BME"
    # A group's base under this makes a relative likelihood "insufficient data".
    min_group_size: int = 10
    # Published counts under this are hidden (and what would reveal them).
    suppression_threshold: int = 10
    adverse_range: tuple[float, float] = (0.80, 1.25)
    # Count White minorities (Irish, Gypsy or Irish Traveller, Roma, other White) as minority ethnic.
    white_minorities_as_bme: bool = False
    # Raw label (as written in the data) -> "white", "bme", "unknown" or a Census 2021 category.
    ethnicity_overrides: dict[str, str] = field(default_factory=dict)
    pay_band_boundaries: tuple[int, ...] = DEFAULT_PAY_BAND_BOUNDARIES
    # Bands whose staff count as senior managers when the data has no senior-manager flag.
    senior_bands: tuple[str, ...] = ("£70,000 and over",)
    # Order of pay bands on charts and tables, when the data's bands are not salary bands.
    band_order: tuple[str, ...] = ()
    # End of the 12-month reporting period; None means the latest date in the data.
    period_end: dt.date | None = None

    def __post_init__(self) -> None:
        if self.standard not in STANDARDS:
            raise ValueError(
                f"unknown standard {self.standard!r}: use one of {', '.join(STANDARDS)}"
            )
        low, high = self.adverse_range
        if not 0 < low < 1 < high:
            raise ValueError("the adverse range must run from below 1 to above 1, e.g. 0.80 to 1.25")
        if self.min_group_size < 1:
            raise ValueError("the minimum group size must be at least 1")
        if self.suppression_threshold < 0:
            raise ValueError("the suppression threshold cannot be negative")
        resolve_overrides(self.ethnicity_overrides)  # raises ValueError naming a bad reclassification

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    @property
    def salary_bands(self) -> list[str]:
        return salary_band_labels(self.pay_band_boundaries)
