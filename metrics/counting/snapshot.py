"""Counted from the staff in post at the period end (the snapshot): who is in each pay band, and who
is a senior manager."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import partial

import numpy as np
import pandas as pd

from metrics.counting.common import (
    Context,
    counted,
    day_words,
    distinct_values,
    flag,
    group_codes,
    per_group,
    text_matches,
)
from metrics.registry import (
    CLUSTER_ORDER,
    GROUPS,
    NO_CLUSTER,
    STANDARDS,
    MetricDefinition,
    cluster_item,
    cluster_of_staff_group,
    is_bank,
    split_cluster,
)
from metrics.settings import Settings

# The start of the note that senior management could not be counted; each front end adds where to set the bands.
NO_SENIOR_MANAGERS = "No senior managers were found"


def natural_key(band: str) -> list[object]:
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", band)]


def salary_band_positions(salary: np.ndarray, settings: Settings) -> np.ndarray:
    """Each salary's position in the settings' salary bands."""
    bounds = np.asarray(sorted(settings.pay_band_boundaries), dtype=float)
    return np.minimum(np.searchsorted(bounds, salary, side="right"), len(settings.salary_bands) - 1)


def order_bands(present: list[str], settings: Settings,
                medians: Callable[[], Mapping[str, float] | pd.Series] | None) -> list[str]:
    """Bands lowest first: the settings' order, then salary bands' own order, then by median salary where
    `medians` gives them, then naturally ('Grade 3' before 'Grade 12'). `present` is in order of first
    appearance, so that bands that sort alike keep the data's order."""
    configured = [b for b in settings.band_order if b in present]
    rest = [b for b in present if b not in configured]
    salary_labels = settings.salary_bands
    if all(b in salary_labels for b in rest):
        return configured + sorted(rest, key=salary_labels.index)
    if medians is not None:
        median = medians()
        return configured + sorted(rest, key=lambda b: (np.nan_to_num(median.get(b, np.inf), nan=np.inf),
                                                        natural_key(b)))
    return configured + sorted(rest, key=natural_key)


def pay_bands(staff: pd.DataFrame, current: np.ndarray, settings: Settings) -> tuple[np.ndarray, list[str]]:
    """Each person in post's band as a position in the band names, -1 for none (and for everyone not
    in post): the pay band as written, else the salary's band. Worked on the distinct bands, not on
    each row's text."""
    names: dict[str, int] = {}
    written: np.ndarray | None
    distinct: pd.Index | list[str]
    written, distinct = distinct_values(staff["pay_band"]) if "pay_band" in staff.columns else (None, [])
    # Small integers where they fit: the sort and the counts below run over every row.
    most = (len(distinct) + len(settings.salary_bands) + 1) * len(GROUPS)
    dtype: type[np.signedinteger] = np.int16 if most < np.iinfo(np.int16).max else np.intp
    codes = np.full(len(staff), -1, dtype=dtype)
    if written is not None:
        to_name = np.array([names.setdefault(str(band), len(names)) for band in distinct] + [-1], dtype=dtype)
        codes = np.where(current, to_name[written], -1).astype(dtype, copy=False)
    if "salary" in staff.columns:
        salary = staff["salary"].to_numpy(dtype=float, na_value=np.nan)
        unbanded = np.flatnonzero((codes < 0) & current & ~np.isnan(salary))
        if len(unbanded):
            to_name = np.array([names.setdefault(label, len(names)) for label in settings.salary_bands],
                               dtype=dtype)
            codes[unbanded] = to_name[salary_band_positions(salary[unbanded], settings)]
    return codes, list(names)


def _median(values: np.ndarray) -> float | None:
    """As pandas' median: NaN ignored, the mean of the middle two of an even count."""
    values = values[~np.isnan(values)]
    if not len(values):
        return None
    half = len(values) // 2
    if len(values) % 2:
        return float(np.partition(values, half)[half])
    low, high = np.partition(values, [half - 1, half])[half - 1:half + 1]
    return float((high + low) / 2)


def count_pay_bands(context: Context, definition: MetricDefinition) -> None:
    """The staff in post in each band, by group, out of each group's staff in post with a band."""
    staff, current, bands, notes = context.staff, context.current, context.bands, context.notes
    if staff is None or current is None or bands is None:
        return
    band_codes, names = bands
    people = band_codes >= 0
    standard = STANDARDS[context.settings.standard]
    bank = None
    if standard.pay_bands_leave_out_bank and "assignment_category" in staff.columns:
        bank = text_matches(staff["assignment_category"], lambda values: values.map(is_bank)) & current
        people &= ~bank
        band_codes = np.where(bank, -1, band_codes).astype(band_codes.dtype, copy=False)
    if not people.any():
        # Each reason in its own words: a file with a Grade column must not be told it has none.
        if "pay_band" not in staff.columns and "salary" not in staff.columns:
            notes.append(f"The staff data has no pay band or salary column, so metric {definition.number} cannot "
                         "be shown.")
        elif not current.any():
            notes.append(f"No one in the staff list is in post at the period end ({day_words(context.period.end)}), "
                         "so the pay bands (metric 1) and senior managers (metric 9) have no one to count.")
        else:
            in_post = int(np.count_nonzero(current))
            notes.append(f"None of the {in_post:,} staff in post at the period end has a pay band or a salary "
                         f"(those cells are blank or could not be read), so metric {definition.number} cannot be "
                         "shown.")
        return
    left_out = 0 if bank is None else int(np.count_nonzero(bank))
    if left_out:
        workers = "bank worker" if left_out == 1 else "bank workers"
        notes.append(f"{left_out:,} {workers} in post (an assignment category of bank) left out of metric "
                     f"{definition.number}: the {standard.name} counts the pay bands of staff in post without bank "
                     "workers.")
    unbanded = int(np.count_nonzero(current) - left_out - np.count_nonzero(people))
    if unbanded:
        notes.append(f"{unbanded} staff in post have neither a pay band nor a salary and are left out of metric "
                     f"{definition.number}.")
    settings = context.settings
    clustered = False
    if standard.pay_bands_by_cluster and "staff_group" in staff.columns:
        band_codes, names = _by_cluster(staff, band_codes, names, people, notes, definition)
        clustered = True
    if bank is not None or clustered:
        context.own_rules.add(definition.id)
    groups = group_codes(staff)
    # (band + 1, group) as one small number: the first row of counts is everyone without a band.
    in_band = np.bincount((band_codes + 1) * len(GROUPS) + groups, minlength=(len(names) + 1) * len(GROUPS))
    in_band = in_band.reshape(len(names) + 1, len(GROUPS))
    sizes = in_band.sum(axis=1)
    in_band = in_band[1:]
    group_totals = in_band.sum(axis=0)
    # One stable sort of the rows by band serves twice: each band's first row (bands are listed in the
    # order the data first shows them) and each band's salaries side by side, for their medians.
    order = np.argsort(band_codes, kind="stable")
    starts = np.cumsum(sizes) - sizes
    present = sorted((code for code in range(len(names)) if sizes[code + 1]), key=lambda code: order[starts[code + 1]])
    salary = staff["salary"].to_numpy(dtype=float, na_value=np.nan) if "salary" in staff.columns else None
    has_salary = salary is not None and bool(np.any(~np.isnan(salary) & people))

    def medians() -> dict[str, float]:
        assert salary is not None  # asked for only when has_salary
        by_band = salary[order]
        found = {names[code]: _median(by_band[starts[code + 1]:starts[code + 1] + sizes[code + 1]])
                 for code in present}
        return {band: median for band, median in found.items() if median is not None}

    position = {name: code for code, name in enumerate(names)}
    order_items = _cluster_order if clustered else order_bands
    items = order_items([names[code] for code in present], settings, medians if has_salary else None)
    for band in items:
        context.add(definition.id, counted(in_band[position[band]], group_totals, context.comparison),
                    [(staff, people)], item=str(band))


def _by_cluster(staff: pd.DataFrame, band_codes: np.ndarray, names: list[str], people: np.ndarray, notes: list[str],
                definition: MetricDefinition) -> tuple[np.ndarray, list[str]]:
    """Each counted person's item as a (cluster, band) pair, by their staff group: the codes (-1 for none), the
    items' names ("Clinical: Band 5") and each item's band. Staff groups in no cluster are said in a note."""
    codes, distinct = distinct_values(staff["staff_group"])
    of_group = np.array([CLUSTER_ORDER.index(cluster_of_staff_group(str(g))) for g in distinct]
                        + [CLUSTER_ORDER.index(NO_CLUSTER)], dtype=np.intp)
    cluster = of_group[codes]
    unknown = people & (cluster == CLUSTER_ORDER.index(NO_CLUSTER))
    if unknown.any():
        labels = pd.unique(pd.Series(np.append(np.asarray(distinct, dtype=object), "(blank)")[codes][unknown]))
        shown = ", ".join(f"'{str(label).strip()}'" for label in labels[:5]) + (", ..." if len(labels) > 5 else "")
        count = int(np.count_nonzero(unknown))
        notes.append(f"{count:,} staff counted in metric {definition.number} have a staff group that is in none of "
                     f"the clusters ({shown}), so they are shown under '{NO_CLUSTER}'.")
    combined = np.where(people, cluster * len(names) + band_codes, -1)
    used = np.unique(combined[combined >= 0])
    to_item = np.full(len(CLUSTER_ORDER) * len(names) + 1, -1, dtype=np.intp)
    to_item[used] = np.arange(len(used))
    item_codes = to_item[combined].astype(band_codes.dtype, copy=False)
    items = [cluster_item(CLUSTER_ORDER[code // len(names)], names[code % len(names)]) for code in used]
    return item_codes, items


def _cluster_order(present: list[str], settings: Settings,
                   medians: Callable[[], Mapping[str, float]] | None) -> list[str]:
    """Items in cluster order, then each cluster's bands lowest first (order_bands over that cluster's bands, with
    their medians within the cluster)."""
    ordered: list[str] = []
    for cluster in CLUSTER_ORDER:
        mine = {split_cluster(item)[1]: item for item in present if split_cluster(item)[0] == cluster}
        if not mine:
            continue
        by_band = None if medians is None else partial(_cluster_medians, medians, mine)
        ordered += [mine[band] for band in order_bands(list(mine), settings, by_band)]
    return ordered


def _cluster_medians(medians: Callable[[], Mapping[str, float]], items: Mapping[str, str]) -> dict[str, float]:
    """One cluster's median salaries by band, from the medians by item."""
    by_item = medians()
    return {band: by_item[item] for band, item in items.items() if item in by_item}


def count_senior_managers(context: Context, definition: MetricDefinition) -> None:
    """The staff in post who are senior managers (by the data's flag, or else by the settings' senior
    bands), by group, out of the staff in post."""
    staff, current, bands, notes, settings = (context.staff, context.current, context.bands, context.notes,
                                              context.settings)
    if staff is None or current is None or bands is None:
        return
    if not current.any():
        return  # no one in post: the pay bands have said so, for this metric too, with no advice about bands to mislead
    if "senior_manager" in staff.columns and np.any(staff["senior_manager"].notna().to_numpy() & current):
        senior = flag(staff["senior_manager"]) & current
    elif "pay_band" in staff.columns or "salary" in staff.columns:
        band_codes, names = bands
        senior = np.array([name in settings.senior_bands for name in names] + [False], dtype=bool)[band_codes]
        if not senior.any():
            notes.append(f"{NO_SENIOR_MANAGERS}: the data has no senior-manager column and no staff "
                         f"in the senior bands ({', '.join(settings.senior_bands) or 'none set'}). "
                         "Say which pay bands are senior management.")
            return
        notes.append(f"Senior managers are the staff in the bands {', '.join(settings.senior_bands)}.")
    else:
        return
    groups = group_codes(staff)
    context.add(definition.id, counted(per_group(groups, senior), per_group(groups, current), context.comparison),
                [(staff, current)])
