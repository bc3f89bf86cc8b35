"""Pay gaps in the shape the GOV.UK gender pay gap reporting service asks for, as rows for a CSV.

By sex, one row with the service's own column names (those of its published data): DiffMeanHourlyPercent,
DiffMedianHourlyPercent, DiffMeanBonusPercent, DiffMedianBonusPercent, MaleBonusPercent, FemaleBonusPercent,
MaleLowerQuartile, FemaleLowerQuartile, ... MaleTopQuartile, FemaleTopQuartile. Every percentage to one decimal
place, as the service takes them; a figure that cannot be formed is left blank.

By disability, the same row with the groups' names in place of Male and Female (NonDisabled, Disabled). By
ethnicity, one row per group compared with the reference (each Census 2021 category large enough, the smaller
ones combined, and the minority-ethnic group as a whole), its name and the reference's in the first two columns
and the columns named Reference... and Group... in place of Male... and Female...; each row's quarters are the two
groups ranked together, without the others, so that the pair makes 100% of each quarter as the service's do.

As published (`published_export_rows`): the figures metrics.paygap_publish.published lets out, a withheld cell left
blank and a last column, Withheld, naming each withheld figure of the row and why; shares of the quarters and of
those paid a bonus are whole numbers, as the publication model rounds them. By ethnicity, each category's row ranked
with the reference alone for its quarters is not in the publication model (only the minority-ethnic group's is), so
a category's quarter columns are left blank as published and the Withheld column says so; its gaps and bonus shares
are the model's.

No Streamlit here, and no file written: reports.safe.csv_bytes makes the CSV.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from data_loaders.disability import DISABLED, NON_DISABLED
from data_loaders.sex import MEN, WOMEN
from metrics.paygap import QUARTERS, Grouping, PayGapResult, Payroll, label, quarter_shares
from metrics.paygap_publish import (
    PublishedPayGaps,
    aggregate_quarter_key,
    bonus_key,
    gap_key,
    quarter_key,
    withheld_sentence,
)

DIFFS: dict[str, str] = {
    "DiffMeanHourlyPercent": "mean_pct",
    "DiffMedianHourlyPercent": "median_pct",
    "DiffMeanBonusPercent": "bonus_mean_pct",
    "DiffMedianBonusPercent": "bonus_median_pct",
}
# The service's words for the four quarters, lowest first.
QUARTER_NAMES: dict[str, str] = {"lower": "LowerQuartile", "lower_middle": "LowerMiddleQuartile",
                                 "upper_middle": "UpperMiddleQuartile", "upper": "TopQuartile"}
# The names a two-group comparison's columns carry, the reference first (Male in the service's order).
NAMES: dict[str, str] = {MEN: "Male", WOMEN: "Female", NON_DISABLED: "NonDisabled", DISABLED: "Disabled"}
REFERENCE, GROUP = "Reference", "Group"


def one_place(value: float | None) -> float | None:
    """A percentage to one decimal place, halves rounded away from zero (12.25 -> 12.3), as a number."""
    if value is None or not np.isfinite(value):
        return None
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def columns_for(reference: str, group: str) -> list[str]:
    """The measures' columns, the service's order: the four gaps, then each group's bonus share, then each group's
    share of each quarter (the reference's name first, as Male is)."""
    columns = list(DIFFS)
    columns += [f"{reference}BonusPercent", f"{group}BonusPercent"]
    for quarter in QUARTERS:
        columns += [f"{reference}{QUARTER_NAMES[quarter]}", f"{group}{QUARTER_NAMES[quarter]}"]
    return columns


def _measures(result: PayGapResult, group: str, quarters: dict[str, dict[str, float | None]],
              reference_name: str, group_name: str) -> dict[str, object]:
    gap = result.gaps[group]
    row: dict[str, object] = {column: one_place(getattr(gap, measure)) for column, measure in DIFFS.items()}
    row[f"{reference_name}BonusPercent"] = one_place(result.bonus_received_pct[result.reference])
    row[f"{group_name}BonusPercent"] = one_place(result.bonus_received_pct[group])
    for quarter in QUARTERS:
        row[f"{reference_name}{QUARTER_NAMES[quarter]}"] = one_place(quarters[quarter][result.reference])
        row[f"{group_name}{QUARTER_NAMES[quarter]}"] = one_place(quarters[quarter][group])
    return row


def pair_quarters(payroll: Payroll, grouping: Grouping, group: str) -> dict[str, dict[str, float | None]]:
    """The reference's and `group`'s percentage of each pay quarter, the two ranked together without the others."""
    keys = grouping.group.reindex(payroll.hourly.index)
    hourly = payroll.hourly.to_numpy(dtype=float)
    if group in grouping.aggregates:
        members = grouping.aggregates[group].reindex(payroll.hourly.index).fillna(False).to_numpy(dtype=bool)
    else:
        members = keys.eq(group).fillna(False).to_numpy(dtype=bool)
    reference = keys.eq(grouping.reference).fillna(False).to_numpy(dtype=bool)
    pair = (reference | members) & ~np.isnan(hourly)
    who = np.where(members[pair], group, grouping.reference)
    return quarter_shares(hourly[pair], who, (grouping.reference, group))[0]


def export_rows(result: PayGapResult, payroll: Payroll, grouping: Grouping
                ) -> tuple[list[dict[str, object]], dict[str, str]]:
    """The rows and the columns ({key: heading}, for reports.safe.csv_bytes) of the pay gaps in the GOV.UK shape:
    see the module's description."""
    if result.by in ("sex", "disability"):
        group = next(g for g in result.order if g != result.reference)
        reference_name, group_name = NAMES[result.reference], NAMES[group]
        row = _measures(result, group, result.quarters, reference_name, group_name)
        return [row], {c: c for c in columns_for(reference_name, group_name)}
    rows: list[dict[str, object]] = []
    for group in result.gaps:
        row = {"Group": label(group), "ReferenceGroup": label(result.reference)}
        row.update(_measures(result, group, pair_quarters(payroll, grouping, group), REFERENCE, GROUP))
        rows.append(row)
    return rows, {c: c for c in ["Group", "ReferenceGroup", *columns_for(REFERENCE, GROUP)]}


WITHHELD_COLUMN = "Withheld"
NOT_IN_MODEL = ("the group's quarters ranked with {reference} alone: not published (the publication model covers "
                "each group's share of the quarters with everyone ranked together, and the minority-ethnic group's "
                "ranked with the reference)")


def _published_measures(pub: PublishedPayGaps, group: str, quarters: dict[str, dict[str, float | None]] | None,
                        reference_name: str, group_name: str) -> dict[str, object]:
    gap = pub.gaps[group]
    row: dict[str, object] = {column: one_place(getattr(gap, measure)) for column, measure in DIFFS.items()}
    row[f"{reference_name}BonusPercent"] = pub.bonus_received_pct[pub.reference]
    row[f"{group_name}BonusPercent"] = pub.bonus_received_pct[group]
    for quarter in QUARTERS:
        shares = quarters[quarter] if quarters is not None else {}
        row[f"{reference_name}{QUARTER_NAMES[quarter]}"] = shares.get(pub.reference)
        row[f"{group_name}{QUARTER_NAMES[quarter]}"] = shares.get(group)
    return row


def _withheld_words(pub: PublishedPayGaps, keys: list[str]) -> str:
    return " ".join(withheld_sentence(pub, key) for key in keys if key in pub.withheld)


def published_export_rows(pub: PublishedPayGaps) -> tuple[list[dict[str, object]], dict[str, str]]:
    """The rows and columns of the published pay gaps in the GOV.UK shape: see the module's description."""
    if pub.by in ("sex", "disability"):
        group = next(g for g in pub.order if g != pub.reference)
        reference_name, group_name = NAMES[pub.reference], NAMES[group]
        row = _published_measures(pub, group, pub.quarters, reference_name, group_name)
        keys = [gap_key(group, m) for m in DIFFS.values()] + [bonus_key(g) for g in (pub.reference, group)]
        keys += [quarter_key(q, g) for q in QUARTERS for g in (pub.reference, group)]
        row[WITHHELD_COLUMN] = _withheld_words(pub, keys)
        return [row], {c: c for c in [*columns_for(reference_name, group_name), WITHHELD_COLUMN]}
    rows: list[dict[str, object]] = []
    for group in pub.gaps:
        row = {"Group": label(group), "ReferenceGroup": label(pub.reference)}
        quarters = pub.aggregate_quarters.get(group)
        row.update(_published_measures(pub, group, quarters, REFERENCE, GROUP))
        keys = [gap_key(group, m) for m in DIFFS.values()] + [bonus_key(g) for g in (pub.reference, group)]
        words = []
        if quarters is not None:
            keys += [aggregate_quarter_key(group, q, g) for q in QUARTERS for g in (pub.reference, group)]
        else:
            words.append(f"{label(group)}: " + NOT_IN_MODEL.format(reference=label(pub.reference)) + ".")
        row[WITHHELD_COLUMN] = " ".join([_withheld_words(pub, keys), *words]).strip()
        rows.append(row)
    return rows, {c: c for c in ["Group", "ReferenceGroup", *columns_for(REFERENCE, GROUP), WITHHELD_COLUMN]}


def published_note(pub: PublishedPayGaps) -> str:
    """The line that goes with the published download: the rule, and how many figures it withholds."""
    return (f"As published: a group with fewer than {pub.threshold} relevant employees is withheld, as is any figure "
            f"that would let a reader work out a count under {pub.threshold}; withheld cells are blank and the "
            f"Withheld column says which and why ({len(pub.withheld):,} figures withheld). Shares are whole "
            "percentages, gaps to one decimal place.")


def file_name(result: PayGapResult | PublishedPayGaps, organisation: str, *, as_published: bool = False) -> str:
    """'wexcombe-council-pay-gaps-by-sex-2026-03-31.csv' ('...-published.csv' as published)."""
    slug = "-".join("".join(ch if ch.isalnum() else " " for ch in organisation.lower()).split()) or "organisation"
    suffix = "-published" if as_published else ""
    return f"{slug}-pay-gaps-by-{result.by}-{result.snapshot.isoformat()}{suffix}.csv"

