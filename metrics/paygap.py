"""Pay gaps by sex, ethnicity and disability: the six measures of the gender pay gap regulations, for any two
groups, with bootstrap intervals for the gaps.

The rules are those of the Equality Act 2010 (Specified Public Authorities) Regulations 2017 (SI 2017/353,
Schedule 2; the private sector's Gender Pay Gap Information Regulations 2017, SI 2017/172, are alike), as the
project's notes set them out (shared/docs/standards-and-pay-gaps.md, "Pay gaps"):

- relevant employees: those employed on the snapshot date (31 March for public authorities);
- full-pay relevant employees: relevant employees not on reduced or nil pay for leave in the pay period that
  holds the snapshot. Only they are in the hourly pay figures (the mean and median gap and the pay quarters);
  everyone relevant is in the bonus figures;
- hourly rate of pay = ordinary pay in the pay period x (7 / days in the pay period) / weekly working hours;
- bonus pay: what was paid in the 12 months ending on the snapshot date;
- the six measures: the mean and the median hourly pay gap; the mean and the median bonus gap (among those who
  were paid a bonus); the proportion of each group paid a bonus; the proportion of each group in each of four
  equal pay quarters, ranked by hourly pay;
- gap = (reference's figure - group's figure) / reference's figure x 100: positive when the group is paid less.
  The reference is men for gender; White, or White British (a setting), for ethnicity (the voluntary ethnicity
  pay gap guidance, 2023); non-disabled people for disability (the government's response CP 1542, 2026);
- quarters: the employees ranked by hourly pay and divided "so far as possible" into four equal parts; where
  people with the same hourly rate fall in more than one quarter, the groups are shared between those quarters
  in the same proportion "so far as possible" (SI 2017/172 reg. 13(2); the GOV.UK guidance says the same).
- ethnicity: by the minority-ethnic / white split and by the Census 2021 categories where a group has at least
  the threshold of people (10 by default, as CP 1542 says); smaller groups are combined, and a note says which.

Every rule that leaves rows out says how many in a note. Nothing here reads a file or writes output.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data_loaders.disability import DISABLED, NON_DISABLED, classify_disability_groups
from data_loaders.ethnicity import (
    CENSUS_2021_CATEGORIES,
    ETHNICITY_REFERENCES,
    NOT_STATED,
    WHITE,
    WHITE_BRITISH,
    WHITE_BRITISH_REFERENCE,
    WHITE_REFERENCE,
    classify_label,
    classify_series,
)
from data_loaders.sex import MEN, WOMEN, classify_sex
from metrics.formatting import gap_interval_text, gap_text
from metrics.unknown_bounds import HEADING, pay_gap_bounds

QUARTERS: tuple[str, ...] = ("lower", "lower_middle", "upper_middle", "upper")
QUARTER_WORDS: dict[str, str] = {"lower": "lower", "lower_middle": "lower middle", "upper_middle": "upper middle",
                                 "upper": "upper"}
BY: tuple[str, ...] = ("sex", "ethnicity", "disability")
DEFAULT_GROUP_THRESHOLD = 10
DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 20260331
# The full-time week that turns a whole-time equivalent (ESR's "Contracted WTE") into weekly hours: the Agenda for
# Change week of 37.5 hours; a setting, as other staff (medical staff, a council's 37 hours) may work another.
DEFAULT_FULL_TIME_HOURS = 37.5
CONFIDENCE = 0.95
BOOTSTRAP_METHOD = ("percentile bootstrap: the group's employees and the reference's each resampled with "
                    "replacement, separately (keeping both groups' sizes), and the gap worked out again each time")

# The ethnicity references (WHITE_REFERENCE, WHITE_BRITISH_REFERENCE) are data_loaders.ethnicity's: the White
# high-level group, or White British alone.
MINORITY_ETHNIC = "minority_ethnic"
OTHER_COMBINED = "other_groups_combined"

LABELS: dict[str, str] = {
    MEN: "Men", WOMEN: "Women", DISABLED: "Disabled", NON_DISABLED: "Non-disabled",
    WHITE_REFERENCE: "White", WHITE_BRITISH_REFERENCE: "White British", MINORITY_ETHNIC: "Minority ethnic",
    OTHER_COMBINED: "Other ethnic groups (combined)",
}
MEASURES: tuple[str, ...] = ("mean_pct", "median_pct", "bonus_mean_pct", "bonus_median_pct")


_PEOPLE: dict[str, str] = {
    MEN: "men", WOMEN: "women", DISABLED: "disabled people", NON_DISABLED: "non-disabled people",
    WHITE_REFERENCE: "White people", WHITE_BRITISH_REFERENCE: "White British people",
    MINORITY_ETHNIC: "minority-ethnic people", OTHER_COMBINED: "people of the other ethnic groups combined",
}


def label(key: str) -> str:
    """A group's key in words: 'Women', 'Minority ethnic', or the Census 2021 category as named."""
    return LABELS.get(key, key)


def short_label(key: str) -> str:
    """A group's key in few words, for a table's row or a sentence: a Census 2021 category without its high-level
    group ('Indian', 'Other Black', 'White and Asian'); other groups as `label` gives them."""
    return key.split(": ", 1)[1] if key not in LABELS and ": " in key else label(key)


def people(key: str) -> str:
    """A group as people in a sentence: 'women', 'disabled people', 'the Indian group'."""
    return _PEOPLE.get(key, f"the {short_label(key)} group")


def possessive(key: str) -> str:
    """'women's', 'disabled people's', "the combined other ethnic groups'", "the group ...'s"."""
    if key == OTHER_COMBINED:
        return "the combined other ethnic groups'"
    return people(key) + "'s"


# --- the hourly rate --------------------------------------------------------------------------------------------


def days_in_pay_period(snapshot: dt.date) -> int:
    """The days of a monthly pay period that holds the snapshot: its calendar month's (31 for March)."""
    return calendar.monthrange(snapshot.year, snapshot.month)[1]


def hourly_rate(ordinary_pay: object, weekly_hours: object, period_days: object) -> object:
    """Ordinary pay in the pay period x (7 / days in the period) / weekly working hours (SI 2017/353, Schedule 2;
    shared/docs/standards-and-pay-gaps.md). Works on numbers and on arrays or Series alike; hours of 0 or less,
    or a period of 0 days or less, give NaN (no rate can be formed)."""
    pay = np.asarray(ordinary_pay, dtype=float)
    hours = np.asarray(weekly_hours, dtype=float)
    days = np.asarray(period_days, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where((hours > 0) & (days > 0), pay * (7.0 / days) / hours, np.nan)
    if isinstance(ordinary_pay, pd.Series):
        return pd.Series(rate, index=ordinary_pay.index)
    return float(rate) if rate.ndim == 0 else rate


# --- who is counted ---------------------------------------------------------------------------------------------


@dataclass
class Payroll:
    """Relevant employees at the snapshot: their hourly rate (NaN for those not in the hourly figures) and bonus
    pay in the 12 months, on the frame's index, with notes saying how many rows each rule left out."""

    frame: pd.DataFrame  # the relevant employees' rows, as loaded
    hourly: pd.Series  # float; NaN: not full-pay relevant, or no rate could be formed
    bonus: pd.Series  # float, 0 when none was paid
    snapshot: dt.date
    period_days_default: int
    notes: list[str] = field(default_factory=list)


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def weekly_hours_from(frame: pd.DataFrame, full_time_hours: float = DEFAULT_FULL_TIME_HOURS
                      ) -> tuple[pd.Series, int]:
    """Each row's weekly working hours: its weekly hours where given, else its whole-time equivalent (column 'wte')
    x `full_time_hours`; and how many rows were worked out from the whole-time equivalent."""
    if full_time_hours <= 0:
        raise ValueError("the full-time week must be more than 0 hours")
    hours = (frame["weekly_hours"].astype(float) if "weekly_hours" in frame.columns
             else pd.Series(np.nan, index=frame.index))
    if "wte" not in frame.columns:
        return hours, 0
    wte = frame["wte"].astype(float)
    from_wte = hours.isna() & wte.notna()
    return hours.where(~from_wte, wte * full_time_hours), int(from_wte.sum())


def full_time_words(full_time_hours: float) -> str:
    """'37.5 hours (the Agenda for Change week)', or '37 hours'."""
    agenda = " (the Agenda for Change week)" if full_time_hours == DEFAULT_FULL_TIME_HOURS else ""
    return f"{full_time_hours:g} hours{agenda}"


def relevant_employees(frame: pd.DataFrame, snapshot: dt.date, *, period_days: int | None = None,
                       full_time_hours: float = DEFAULT_FULL_TIME_HOURS) -> Payroll:
    """The relevant employees at `snapshot` (employed on that date: started on or before it, not left by it) with
    their hourly rate and bonus pay. The hourly rate is formed only for full-pay relevant employees: a row whose
    full-pay-relevant flag says no, or whose reduced-pay flag says yes, is left out of the hourly figures and kept
    in the bonus figures, as the regulations say. `period_days` is the pay period's length where the data has no
    column for it (default: the snapshot's calendar month, a monthly payroll's period). A row with no weekly hours
    but a whole-time equivalent (ESR's 'Contracted WTE') has its weekly hours worked out as WTE x `full_time_hours`,
    and a note says for how many rows."""
    notes: list[str] = []
    stamp = pd.Timestamp(snapshot)
    keep = pd.Series(True, index=frame.index)
    if "start_date" in frame.columns:
        later = frame["start_date"].notna() & (frame["start_date"] > stamp)
        if later.any():
            notes.append(f"{_plural(int(later.sum()), 'row')} of people who started after the snapshot "
                         f"({snapshot:%d %B %Y}) left out: not yet employed on it")
        keep &= ~later
    if "leave_date" in frame.columns:
        left = frame["leave_date"].notna() & (frame["leave_date"] <= stamp)
        if left.any():
            notes.append(f"{_plural(int(left.sum()), 'row')} of people who had left by the snapshot "
                         f"({snapshot:%d %B %Y}) left out: not relevant employees")
        keep &= ~left
    rows = frame.loc[keep.to_numpy(dtype=bool)]
    days_default = period_days if period_days is not None else days_in_pay_period(snapshot)

    full_pay = pd.Series(True, index=rows.index)
    flagged = False
    if "full_pay_relevant" in rows.columns:
        flagged = True
        full_pay &= ~rows["full_pay_relevant"].eq(False).fillna(False).astype(bool)
    if "reduced_pay" in rows.columns:
        flagged = True
        full_pay &= ~rows["reduced_pay"].eq(True).fillna(False).astype(bool)
    reduced = int((~full_pay).sum())
    if reduced:
        notes.append(f"{_plural(reduced, 'relevant employee')} on reduced or nil pay for leave (not full-pay "
                     "relevant): left out of the hourly pay figures and the pay quarters, counted in the bonus "
                     "figures, as the regulations say")
    elif not flagged:
        notes.append("no column says who was on reduced pay for leave: every relevant employee is taken as "
                     "full-pay relevant")

    pay = rows["ordinary_pay"] if "ordinary_pay" in rows.columns else pd.Series(np.nan, index=rows.index)
    hours, from_wte = weekly_hours_from(rows, full_time_hours)
    if from_wte:
        notes.append(f"weekly hours worked out from WTE × {full_time_hours:g} for {_plural(from_wte, 'row')}: the "
                     f"whole-time equivalent times a full-time week of {full_time_words(full_time_hours)}")
    if "pay_period_days" in rows.columns:
        days = rows["pay_period_days"].astype(float).fillna(float(days_default))
        notes.append("the pay period's days are taken from the data's column, and where it is blank as "
                     f"{days_default} days")
    else:
        days = pd.Series(float(days_default), index=rows.index)
        notes.append(f"ordinary pay is taken as pay for a pay period of {days_default} days (the snapshot's "
                     "calendar month, a monthly payroll's period)")
    rate = hourly_rate(pay.astype(float), hours.astype(float), days)
    assert isinstance(rate, pd.Series)
    no_rate = full_pay & rate.isna()
    if no_rate.any():
        notes.append(f"{_plural(int(no_rate.sum()), 'full-pay relevant employee')} with no ordinary pay or no "
                     "weekly hours above 0: left out of the hourly pay figures, counted in the bonus figures")
    hourly = rate.where(full_pay)

    if "bonus_pay" in rows.columns:
        raw_bonus = rows["bonus_pay"].astype(float)
        blank = int(raw_bonus.isna().sum())
        if blank:
            notes.append(f"{_plural(blank, 'relevant employee')} with a blank bonus: taken as paid no bonus")
        bonus = raw_bonus.fillna(0.0).clip(lower=0.0)
    else:
        notes.append("no bonus pay column: no one is taken as paid a bonus, so the bonus gaps cannot be formed")
        bonus = pd.Series(0.0, index=rows.index)
    return Payroll(rows, hourly.astype(float), bonus.astype(float), snapshot, days_default, notes)


# --- groups -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grouping:
    """Who is compared with whom: each relevant employee's group key (NA when left out), the reference's key, the
    groups in order (the reference first; they share out every quarter), any further group compared with the
    reference that is a union of the others' rows (the minority-ethnic group beside its categories), and notes."""

    by: str
    group: pd.Series  # str keys or NA
    reference: str
    order: tuple[str, ...]
    aggregates: dict[str, pd.Series] = field(default_factory=dict)  # key -> boolean mask of the rows in it
    notes: tuple[str, ...] = ()


def _left_out_note(count: int, why: str) -> list[str]:
    return [f"{_plural(count, 'relevant employee')} {why}: left out of these figures"] if count else []


def sex_grouping(frame: pd.DataFrame) -> Grouping:
    """Women compared with men (the gender pay gap regulations); anyone else, or not recorded, left out."""
    groups = frame["sex"].map(classify_sex) if "sex" in frame.columns else pd.Series(None, index=frame.index)
    groups = groups.astype("str")
    left = int(groups.isna().sum())
    notes = _left_out_note(left, "recorded neither as a man nor as a woman (or not recorded)")
    return Grouping("sex", groups, MEN, (MEN, WOMEN), notes=tuple(notes))


def disability_grouping(frame: pd.DataFrame, overrides: Mapping[str, str] | None = None) -> Grouping:
    """Disabled people compared with non-disabled people; those who have not declared left out."""
    classified = classify_disability_groups(frame["disability"], overrides=overrides)["group"].astype("str")
    groups = classified.where(classified.isin([DISABLED, NON_DISABLED]))
    notes = _left_out_note(int(groups.isna().sum()), "with no disability status declared")
    return Grouping("disability", groups, NON_DISABLED, (NON_DISABLED, DISABLED), notes=tuple(notes))


def _not_said_which(high_level: str) -> str:
    return f"{high_level} (not said which)"


def ethnicity_grouping(
    frame: pd.DataFrame,
    *,
    reference: str = WHITE_REFERENCE,
    threshold: int = DEFAULT_GROUP_THRESHOLD,
    white_minorities_as_bme: bool = False,
    overrides: Mapping[str, str] | None = None,
) -> Grouping:
    """Each Census 2021 category with at least `threshold` relevant employees compared with the reference (White,
    or White British), smaller categories combined into one group (a note names them); and the minority-ethnic
    group as a whole (everyone but White people; with `white_minorities_as_bme`, everyone but White British people)
    compared with the reference. Not stated or unrecognised labels are left out, and a note says how many."""
    if reference not in ETHNICITY_REFERENCES:
        raise ValueError(f"the ethnicity reference must be one of {', '.join(ETHNICITY_REFERENCES)}")
    if white_minorities_as_bme and reference == WHITE_REFERENCE:
        # White minorities cannot be both in the reference and in the minority-ethnic group compared with it.
        raise ValueError("counting White minorities as minority ethnic needs White British as the reference "
                         "(--reference white-british)")
    classified = classify_series(frame["ethnicity"], white_minorities_as_bme=white_minorities_as_bme,
                                 overrides=overrides)
    category = classified["category"]
    split = classified["group"]
    # A label naming only a high-level group ("Asian") has no category: it is its own group, "Asian (not said
    # which)". The high-level group is the category's first part.
    high_level = category.str.split(": ", n=1).str[0]
    known = split.ne("unknown") & category.ne(NOT_STATED)
    keys = category.astype("object").where(category.notna() & category.ne(NOT_STATED))
    no_category = known & category.isna()
    if no_category.any():
        # Only the high-level group is known ("Asian"), or only the side of the split (a label the organisation
        # classified as "bme" or "white" itself): the group is that, "not said which".
        def high(text: object) -> str | None:
            found = classify_label(text)
            return found.high_level if found is not None else None

        sides = {"white": WHITE, "bme": label(MINORITY_ETHNIC)}
        named = frame["ethnicity"].map(high)
        named = named.where(named.notna(), split.map(sides))
        keys = keys.mask(no_category, named.map(lambda h: _not_said_which(h) if isinstance(h, str) else None))
    if reference == WHITE_REFERENCE:
        is_reference = high_level.eq(WHITE).fillna(False) | keys.eq(_not_said_which(WHITE)).fillna(False)
    else:
        is_reference = category.eq(WHITE_BRITISH).fillna(False)
    is_reference = is_reference.astype(bool) & known.astype(bool)
    keys = keys.mask(is_reference, reference)
    unknown = keys.isna()
    notes = _left_out_note(int(unknown.sum()), "whose ethnicity is not stated or not recognised")

    counts = keys[~is_reference & ~unknown].value_counts()
    small = sorted(str(k) for k, n in counts.items() if n < threshold)
    large = [str(k) for k in counts.index if counts[k] >= threshold]
    if small:
        keys = keys.mask(keys.isin(small), OTHER_COMBINED)
        combined = int(counts[small].sum())
        notes.append(f"ethnic groups with fewer than {threshold} relevant employees are combined as "
                     f"'{label(OTHER_COMBINED)}' ({_plural(combined, 'employee')}): {'; '.join(small)}")
        if combined < threshold:
            notes.append(f"the combined group has fewer than {threshold} relevant employees: read its figures "
                         "with care")
    census_order = {name: i for i, name in enumerate(CENSUS_2021_CATEGORIES)}
    order = (reference, *sorted(large, key=lambda k: (census_order.get(k, len(census_order)), k)),
             *((OTHER_COMBINED,) if small else ()))

    # The split: minority ethnic against the reference. With White British as the reference, White minorities are
    # on neither side unless they are counted as minority ethnic.
    minority = split.eq("bme").fillna(False).astype(bool) & ~is_reference
    white_not_reference = (~is_reference & ~minority & ~unknown).astype(bool)
    if white_not_reference.any() and reference == WHITE_BRITISH_REFERENCE:
        notes.append(f"{_plural(int(white_not_reference.sum()), 'White employee')} not White British are compared "
                     "by their category but are in neither side of the minority-ethnic / White British split")
    grouping = Grouping("ethnicity", keys.astype("str"), reference, tuple(order),
                        aggregates={MINORITY_ETHNIC: minority}, notes=tuple(notes))
    return grouping


# --- the measures -----------------------------------------------------------------------------------------------


def gap_pct(reference: float | None, group: float | None) -> float | None:
    """(reference - group) / reference x 100; None when either is missing or the reference is 0."""
    if reference is None or group is None or reference == 0 or math.isnan(reference) or math.isnan(group):
        return None
    return (reference - group) / reference * 100.0


def _mean(values: np.ndarray) -> float | None:
    return float(values.mean()) if len(values) else None


def _median(values: np.ndarray) -> float | None:
    return float(np.median(values)) if len(values) else None


def quarter_bounds(count: int) -> tuple[int, int, int]:
    """Where the upper three quarters start, in ranked positions: four parts as equal as possible, "so far as
    possible" as the regulations say (they differ by one at most; a spare place goes to the upper quarter, then the
    lower middle, then the upper middle: 5 people are 1, 1, 1, 2; 6 are 1, 2, 1, 2; 7 are 1, 2, 2, 2)."""
    return count // 4, count // 2, 3 * count // 4


def share_out(sizes: Sequence[int], totals: Mapping[str, int], order: Sequence[str]) -> list[dict[str, int]]:
    """How many of each group go in each part of a run of equal rates that quarter boundaries cut into parts of
    `sizes`, so that each part holds the groups in the run's proportion so far as possible: each part's count of a
    group is its share (the part's size x the group's people in the run / the run's people) rounded down or up,
    the parts still add up to their sizes and every person is placed once. Such a rounding always exists (a table
    whose rows and columns add up to whole numbers can be rounded cell by cell keeping them); it is found as a flow:
    every part takes its shares rounded down, then the people left over go one to a cell with a remainder, the group
    furthest behind its share of the run so far tried first."""
    groups = list(order)
    run = sum(sizes)
    if run == 0:
        return [{g: 0 for g in groups} for _ in sizes]
    base = [{g: size * int(totals.get(g, 0)) // run for g in groups} for size in sizes]
    remainder = [{g: size * int(totals.get(g, 0)) % run for g in groups} for size in sizes]
    row_need = [size - sum(part.values()) for size, part in zip(sizes, base, strict=True)]
    column_need = {g: int(totals.get(g, 0)) - sum(part[g] for part in base) for g in groups}
    chosen: dict[tuple[int, str], bool] = {}
    through = list(itertools.accumulate(sizes))

    def behind(row: int, g: str) -> float:
        """How far group g falls short of its share of the run up to the end of part `row`: the group furthest
        behind is offered the spare place first, so that equal remainders alternate (men, women, men, women)
        rather than bunch at one end of the run."""
        placed = sum(base[r][g] + int(bool(chosen.get((r, g)))) for r in range(row + 1))
        return through[row] * int(totals.get(g, 0)) / run - placed

    def augment(row: int, seen: set[str], freed: str | None = None) -> bool:
        """Give part `row` one more person from a group with room, first giving up its extra person of `freed` if
        it is named; another part may swap its extra person to make room (a path in the flow's residual graph)."""
        for g in sorted(groups, key=lambda g: -behind(row, g)):
            if g == freed or remainder[row][g] == 0 or chosen.get((row, g)) or g in seen:
                continue
            seen.add(g)
            if column_need[g] > 0:
                column_need[g] -= 1
                chosen[(row, g)] = True
                return True
            for other in range(len(sizes)):
                if other != row and chosen.get((other, g)) and augment(other, seen, g):
                    chosen[(other, g)] = False
                    chosen[(row, g)] = True
                    return True
        return False

    for row, need in enumerate(row_need):
        for _ in range(need):
            if not augment(row, set()):
                raise AssertionError("a run of equal rates could not be shared out")  # the theorem says it can
    return [{g: base[row][g] + int(bool(chosen.get((row, g)))) for g in groups} for row in range(len(sizes))]


def rank_for_quarters(hourly: np.ndarray, groups: np.ndarray, order: Sequence[str]) -> np.ndarray:
    """The employees' positions ranked by hourly pay, lowest first, with each run of equal rates that crosses a
    quarter's boundary ordered so that its groups fall in each quarter in the same proportion, so far as possible
    (SI 2017/172 reg. 13(2); the public authorities' regulations say the same): the run's parts either side of each
    boundary take their people by `share_out`, each group's members in their ranked order."""
    ranked = np.argsort(hourly, kind="stable")
    count = len(ranked)
    bounds = sorted(set(quarter_bounds(count)))
    values = hourly[ranked]
    known = list(order) + sorted({str(g) for g in groups.tolist()} - set(order))
    start = 0
    while start < count:
        end = start + 1
        while end < count and values[end] == values[start]:
            end += 1
        inner = [b for b in bounds if start < b < end]
        if inner:
            members = ranked[start:end]
            member_groups = [str(g) for g in groups[members].tolist()]
            queues = {g: [m for m, mg in zip(members.tolist(), member_groups, strict=True) if mg == g] for g in known}
            cuts = [start, *inner, end]
            sizes = [b - a for a, b in itertools.pairwise(cuts)]
            placed: list[int] = []
            for part in share_out(sizes, {g: len(queues[g]) for g in known}, known):
                for g in known:
                    placed += queues[g][:part[g]]
                    queues[g] = queues[g][part[g]:]
            ranked[start:end] = placed
        start = end
    return ranked


def quarter_counts(hourly: np.ndarray, groups: np.ndarray, order: Sequence[str]) -> dict[str, dict[str, int]]:
    """How many of each group are in each pay quarter."""
    ranked = rank_for_quarters(hourly, groups, order)
    lower, middle, upper = quarter_bounds(len(ranked))
    parts = (ranked[:lower], ranked[lower:middle], ranked[middle:upper], ranked[upper:])
    return {quarter: {g: int((groups[part] == g).sum()) for g in order} for quarter, part in zip(QUARTERS, parts,
                                                                                                  strict=True)}


@dataclass(frozen=True)
class Bootstrap:
    method: str = BOOTSTRAP_METHOD
    resamples: int = DEFAULT_RESAMPLES
    seed: int = DEFAULT_SEED
    confidence: float = CONFIDENCE


def _stream(seed: int, *parts: str) -> np.random.Generator:
    """A generator of its own for each comparison and measure, so a figure's interval does not change when
    another group is added (str hashes change per process; crc32 does not)."""
    return np.random.default_rng([seed, *(zlib.crc32(part.encode("utf-8")) for part in parts)])


def _resampled(values: np.ndarray, statistic: str, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """The statistic of `resamples` resamples of `values`, in chunks that keep memory to a few million numbers."""
    out = np.empty(resamples)
    size = len(values)
    chunk = max(1, 2_000_000 // max(size, 1))
    for first in range(0, resamples, chunk):
        last = min(resamples, first + chunk)
        drawn = values[rng.integers(0, size, size=(last - first, size))]
        out[first:last] = drawn.mean(axis=1) if statistic == "mean" else np.median(drawn, axis=1)
    return out


def bootstrap_statistics(values: np.ndarray, statistic: str, bootstrap: Bootstrap, *stream: str) -> np.ndarray | None:
    """The statistic ('mean' or 'median') of each of the bootstrap's resamples of one group's values, from that
    group's own seeded stream; None when the group has fewer than 2 people or there are no resamples."""
    if len(values) < 2 or bootstrap.resamples < 1:
        return None
    return _resampled(values, statistic, bootstrap.resamples, _stream(bootstrap.seed, *stream))


def percentile_interval(reference: np.ndarray | None, group: np.ndarray | None,
                        confidence: float = CONFIDENCE) -> tuple[float, float] | None:
    """The percentile interval of the gap (reference - group) / reference x 100 over paired resamples of the two
    groups' statistics (each group resampled on its own, its size kept); None without both."""
    if reference is None or group is None:
        return None
    usable = reference != 0
    if not usable.any():
        return None
    gaps = (reference[usable] - group[usable]) / reference[usable] * 100.0
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(gaps, [tail, 100 - tail])
    return float(low), float(high)


@dataclass(frozen=True)
class GroupGap:
    mean_pct: float | None
    median_pct: float | None
    bonus_mean_pct: float | None
    bonus_median_pct: float | None
    intervals: dict[str, tuple[float, float] | None]
    # The mean and median hourly gaps' sharp bounds over every split of the people whose group is not known
    # between this group and the reference (metrics.unknown_bounds.pay_gap_bounds), by measure ("mean_pct",
    # "median_pct"); empty where the two groups do not between them hold everyone whose group is known (an ethnic
    # group beside others), since the unknown could then be in a third, and by sex (see pay_gaps).
    unknown_bounds: dict[str, tuple[float, float] | None] = field(default_factory=dict)


@dataclass(frozen=True)
class GroupCounts:
    relevant: int  # relevant employees (in the bonus figures)
    hourly: int  # full-pay relevant employees with an hourly rate (in the hourly figures and the quarters)
    bonus: int  # paid a bonus in the 12 months
    mean_hourly: float | None
    median_hourly: float | None
    mean_bonus: float | None
    median_bonus: float | None


@dataclass(frozen=True)
class PayGapResult:
    by: str
    snapshot: dt.date
    reference: str
    order: tuple[str, ...]  # the groups that share out the quarters, the reference first
    employees: int  # relevant employees counted (in some group of the comparison)
    hourly_employees: int  # of them, in the hourly figures
    gaps: dict[str, GroupGap]
    bonus_received_pct: dict[str, float | None]
    quarters: dict[str, dict[str, float | None]]
    quarter_sizes: dict[str, int]
    counts: dict[str, GroupCounts]
    bootstrap: Bootstrap
    notes: tuple[str, ...]
    # For an aggregate group (the minority-ethnic group beside its categories): its and the reference's percentage
    # of each quarter, the two ranked on their own.
    aggregate_quarters: dict[str, dict[str, dict[str, float | None]]] = field(default_factory=dict)
    # The sizes of those quarters (the aggregate and the reference ranked together), and which of the groups in
    # `order` the aggregate holds all of and which only some of (the combined small groups may mix White minorities
    # with minority-ethnic groups): what a reader knows ties the aggregate's counts to the groups' (publication).
    aggregate_quarter_sizes: dict[str, dict[str, int]] = field(default_factory=dict)
    aggregate_members: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)

    def labels(self) -> dict[str, str]:
        """Every group's key in words, the reference first."""
        return {key: label(key) for key in (*self.order, *self.gaps)}


def _counts(hourly: np.ndarray, bonus: np.ndarray) -> GroupCounts:
    rates = hourly[~np.isnan(hourly)]
    paid = bonus[bonus > 0]
    return GroupCounts(len(hourly), len(rates), len(paid), _mean(rates), _median(rates), _mean(paid), _median(paid))


def pay_gaps(payroll: Payroll, grouping: Grouping, bootstrap: Bootstrap | None = None) -> PayGapResult:
    """The six measures for each group against the reference, and bootstrap intervals for the four gaps."""
    bootstrap = bootstrap or Bootstrap()
    group = grouping.group.reindex(payroll.hourly.index)
    hourly = payroll.hourly.to_numpy(dtype=float)
    bonus = payroll.bonus.to_numpy(dtype=float)
    in_comparison = group.notna().to_numpy(dtype=bool)
    keys = group.to_numpy(dtype=object)

    members: dict[str, np.ndarray] = {g: in_comparison & (keys == g) for g in grouping.order}
    for name, rows in grouping.aggregates.items():
        members[name] = rows.reindex(payroll.hourly.index).fillna(False).to_numpy(dtype=bool)
    counts = {g: _counts(hourly[mask], bonus[mask]) for g, mask in members.items()}
    ref_mask = members[grouping.reference]
    ref_rates = hourly[ref_mask & ~np.isnan(hourly)]
    ref_bonus = bonus[ref_mask & (bonus > 0)]
    ref = counts[grouping.reference]
    # The people whose group is not known, with an hourly rate: left out of every gap, bounded beside it.
    unknown_rates = hourly[~in_comparison & ~np.isnan(hourly)]

    gaps: dict[str, GroupGap] = {}
    compared = [g for g in grouping.order if g != grouping.reference] + list(grouping.aggregates)
    # What each interval resamples: hourly rates for the hourly gaps, bonuses paid for the bonus gaps. The
    # reference's resamples are drawn once, from its own stream, and set against each group's in turn.
    measured = {"mean_pct": ("mean", False), "median_pct": ("median", False), "bonus_mean_pct": ("mean", True),
                "bonus_median_pct": ("median", True)}
    reference_draws = {m: bootstrap_statistics(ref_bonus if on_bonus else ref_rates, statistic, bootstrap,
                                               grouping.by, grouping.reference, m)
                       for m, (statistic, on_bonus) in measured.items()}
    for g in compared:
        c = counts[g]
        rates = hourly[members[g] & ~np.isnan(hourly)]
        paid = bonus[members[g] & (bonus > 0)]
        intervals = {
            m: percentile_interval(reference_draws[m],
                                   bootstrap_statistics(paid if on_bonus else rates, statistic, bootstrap,
                                                        grouping.by, g, m),
                                   bootstrap.confidence)
            for m, (statistic, on_bonus) in measured.items()
        }
        # Whether the group and the reference hold everyone with an hourly rate whose group is known: then each of
        # the unknown is in one or the other. Not by sex: those left out there include people recorded as neither
        # a man nor a woman, whose sex is known.
        two_way = grouping.by != "sex" and not (in_comparison & ~np.isnan(hourly) & ~members[g] & ~ref_mask).any()
        bounds = {"mean_pct": pay_gap_bounds(rates, ref_rates, unknown_rates, "mean"),
                  "median_pct": pay_gap_bounds(rates, ref_rates, unknown_rates, "median")} if two_way else {}
        gaps[g] = GroupGap(gap_pct(ref.mean_hourly, c.mean_hourly), gap_pct(ref.median_hourly, c.median_hourly),
                           gap_pct(ref.mean_bonus, c.mean_bonus), gap_pct(ref.median_bonus, c.median_bonus),
                           intervals, bounds)

    bonus_received = {g: (c.bonus / c.relevant * 100.0 if c.relevant else None) for g, c in counts.items()}
    ranked = in_comparison & ~np.isnan(hourly)
    quarters, sizes = quarter_shares(hourly[ranked], keys[ranked].astype(str), grouping.order)
    # An aggregate (the minority-ethnic group) against the reference: its own ranking of just those two groups.
    aggregate_quarters: dict[str, dict[str, dict[str, float | None]]] = {}
    aggregate_sizes: dict[str, dict[str, int]] = {}
    aggregate_members: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for name in grouping.aggregates:
        pair = (members[grouping.reference] | members[name]) & ~np.isnan(hourly)
        who = np.where(members[name][pair], name, grouping.reference)
        aggregate_quarters[name], aggregate_sizes[name] = quarter_shares(hourly[pair], who,
                                                                         (grouping.reference, name))
        overlap = {g: int((members[g] & members[name]).sum()) for g in grouping.order}
        aggregate_members[name] = (tuple(g for g, n in overlap.items() if n and n == counts[g].relevant),
                                   tuple(g for g, n in overlap.items() if 0 < n < counts[g].relevant))
    notes = [*payroll.notes, *grouping.notes]
    for g in compared:
        c = counts[g]
        if c.hourly < 2 or ref.hourly < 2:
            notes.append(f"{label(g)}: too few people with an hourly rate for an interval on the hourly gaps")
    return PayGapResult(
        by=grouping.by, snapshot=payroll.snapshot, reference=grouping.reference, order=grouping.order,
        employees=int(in_comparison.sum()), hourly_employees=int(ranked.sum()), gaps=gaps,
        bonus_received_pct=bonus_received, quarters=quarters, quarter_sizes=sizes, counts=counts,
        bootstrap=bootstrap, notes=tuple(notes), aggregate_quarters=aggregate_quarters,
        aggregate_quarter_sizes=aggregate_sizes, aggregate_members=aggregate_members,
    )


def quarter_shares(hourly: np.ndarray, groups: np.ndarray, order: Sequence[str]
                   ) -> tuple[dict[str, dict[str, float | None]], dict[str, int]]:
    """Each group's percentage of each pay quarter (None for an empty quarter), and the quarters' sizes."""
    table = quarter_counts(hourly, groups, order)
    sizes = {q: sum(row.values()) for q, row in table.items()}
    return {q: {g: (n / sizes[q] * 100.0 if sizes[q] else None) for g, n in row.items()}
            for q, row in table.items()}, sizes


def grouping_for(frame: pd.DataFrame, by: str, *, reference: str = WHITE_REFERENCE,
                 threshold: int = DEFAULT_GROUP_THRESHOLD, white_minorities_as_bme: bool = False,
                 ethnicity_overrides: Mapping[str, str] | None = None,
                 disability_overrides: Mapping[str, str] | None = None) -> Grouping:
    """The comparison named by `by` ('sex', 'ethnicity' or 'disability') for these rows."""
    if by == "sex":
        return sex_grouping(frame)
    if by == "disability":
        return disability_grouping(frame, disability_overrides)
    if by == "ethnicity":
        return ethnicity_grouping(frame, reference=reference, threshold=threshold,
                                  white_minorities_as_bme=white_minorities_as_bme, overrides=ethnicity_overrides)
    raise ValueError(f"pay gaps are by one of {', '.join(BY)}, not {by!r}")


# --- in words ---------------------------------------------------------------------------------------------------


def _interval(ci: tuple[float, float] | None) -> str:
    return "" if ci is None else f" (95% interval {gap_interval_text(ci)})"


def gap_sentence(result: PayGapResult, group: str, measure: str) -> str:
    """One gap in a sentence: "Women's median hourly pay is 12.3% lower than men's (95% interval 8.0% to 16.1%)."."""
    gap = result.gaps[group]
    value: float | None = getattr(gap, measure)
    what = {"mean_pct": "mean hourly pay", "median_pct": "median hourly pay", "bonus_mean_pct": "mean bonus pay",
            "bonus_median_pct": "median bonus pay"}[measure]
    who, against = possessive(group), possessive(result.reference)
    if value is None:
        return f"{_capital(who)} {what} cannot be compared with {against}: a group has no one to compare."
    ci = gap.intervals.get(measure)
    if abs(value) < 0.05:
        direction = "the same as"
    else:
        direction = f"{abs(value):.1f}% {'lower' if value > 0 else 'higher'} than"
    chance = ""
    if ci is not None:
        chance = (" The interval includes 0: a gap this size could be down to chance."
                  if ci[0] <= 0 <= ci[1] else " The interval does not include 0: a gap unlikely to be chance alone.")
    return f"{_capital(who)} {what} is {direction} {against}{_interval(ci)}.{chance}"


# Who the bounds of a gap are over, by the comparison (metrics.unknown_bounds.pay_gap_bounds).
_NOT_KNOWN = {"ethnicity": "whose ethnicity is not known", "disability": "whose disability status is not declared"}


def unknown_sentence(result: PayGapResult, group: str, measure: str) -> str | None:
    """Whether an hourly gap stands whatever the people whose group is not known are (GroupGap.unknown_bounds), as
    the metrics' verdicts say it: "If the unknown were known: with the people whose disability status is not
    declared in either group, the mean hourly pay gap would lie between -6.7% and 38.3%: it depends on them."; None
    where the gap has no bounds (by sex, a bonus gap, or a group beside others)."""
    bounds = result.gaps[group].unknown_bounds.get(measure)
    if bounds is None:
        return None
    low, high = bounds
    what = {"mean_pct": "mean", "median_pct": "median"}[measure]
    holds = low > 0 or high < 0
    return (f"{HEADING}: with the people {_NOT_KNOWN.get(result.by, 'whose group is not known')} in either group, "
            f"the {what} hourly pay gap would lie between {gap_text(low)} and {gap_text(high)}: "
            f"{'a gap the same way whatever they are' if holds else 'it depends on them'}.")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def bonus_sentence(result: PayGapResult, group: str) -> str:
    c = result.counts[group]
    share = result.bonus_received_pct[group]
    return (f"{gap_text(share)} of {people(group)} ({c.bonus:,} of {c.relevant:,}) were paid a bonus in the 12 "
            f"months to {result.snapshot:%d %B %Y}.")


def aggregate_quarter_sentence(result: PayGapResult, aggregate: str) -> str:
    """'Minority-ethnic people are 36.0% of the lower quarter, ... and 18.3% of the upper (ranked with White people
    only).'"""
    shares = result.aggregate_quarters[aggregate]
    parts = [f"{gap_text(shares[q][aggregate])} of the {QUARTER_WORDS[q]}" for q in QUARTERS]
    return (f"{_capital(people(aggregate))} are {', '.join(parts[:-1])} and {parts[-1]} pay quarter (ranked with "
            f"{people(result.reference)} only).")


def quarter_sentence(result: PayGapResult, quarter: str) -> str:
    shares = ", ".join(f"{short_label(g)} {gap_text(result.quarters[quarter][g])}" for g in result.order)
    return f"The {QUARTER_WORDS[quarter]} quarter ({result.quarter_sizes[quarter]:,} people): {shares}."
