"""From a council's records (the loaders' canonical frames) to counts by group.

Every metric is counted once, as a tidy table (see metrics.counts); the ratios, intervals,
statuses and sentences are made from that table alone, so records and the counts template give
the same figures by the same arithmetic. Here the records are prepared for counting (the period,
each person's group, the filters, events joined to the staff data, the staff in post and their pay
bands); metrics.counting counts each metric by the counter its definition names.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_loaders.comparison import DISABILITY, ETHNICITY, Comparison
from data_loaders.disability import classify_disability_groups
from data_loaders.ethnicity import classify_groups
from metrics import counting
from metrics.counting.casework import REGULATED_TITLE
from metrics.counting.common import (
    UNKNOWN,
    Context,
    blank,
    day_words,
    group_codes,
    groups,
    in_period_rows,
    in_post_rows,
    on_or_before,
    pick,
    staff_rows,
    text_matches,
)
from metrics.counting.snapshot import NO_SENIOR_MANAGERS, order_bands, pay_bands, salary_band_positions
from metrics.counts import FigureSet, Period, empty_counts
from metrics.registry import GROUPS, METRICS, STANDARDS, metrics_of
from metrics.settings import Settings

# What the pages, the command line and the benchmarks import from here (some of it defined in metrics.counting).
__all__ = ["NO_SENIOR_MANAGERS", "REGULATED_TITLE", "AssumedPeriodEnd", "assumed_period_end", "band_order",
           "day_words", "figures_from_records", "in_period", "in_post", "salary_bands"]


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


# Where a period's end can be read from: each kind of event's date, by dataset, and its name in words.
# A staff member's start date is not one of them (see assumed_period_end).
_EVENT_DATES: tuple[tuple[str, str, str], ...] = (
    ("recruitment", "date", "date in the recruitment data"),
    ("disciplinary", "date", "date in the disciplinary cases"),
    ("capability", "date", "date in the capability cases"),
    ("fitness_to_practise", "date", "date in the fitness to practise referrals"),
    ("cpd", "date", "date in the professional development data"),
    ("leavers", "leave_date", "leaving date in the leavers data"),
    ("staff", "leave_date", "leaving date in the staff list"),
)


@dataclass(frozen=True)
class AssumedPeriodEnd:
    """A period end chosen because none was given, and why that date, in words."""

    end: dt.date
    reason: str

    def sentence(self) -> str:
        return f"The period is assumed to end on {day_words(self.end)}: {self.reason}."


def assumed_period_end(datasets: Mapping[str, pd.DataFrame], templates: Sequence[FigureSet] = (), *,
                       today: dt.date | None = None) -> AssumedPeriodEnd:
    """The period end to use when no one has given one, and the reason for it in words.

    The Workforce Race Equality Standard counts the staff in post on a snapshot date, usually
    31 March, and the events of the 12 months to it. So, in this order:

    1. The latest date of an event on or before today (an application, a disciplinary case, a
       fitness to practise referral, a course, a leaving date in the leavers data or the staff
       list), taken to the end of its month: the files run to then. A date after today (a leave
       date in a notice period, a typing error) is no evidence of the period's end.
    2. Failing that, the end of the period a counts template gives.
    3. Failing that, the 31 March just gone (today, on 31 March). Staff start dates alone never
       set it: they say when people joined, not when the list was taken, which may be years
       after the latest start (or before it, for a starter booked ahead).
    """
    today = today or dt.date.today()
    latest: tuple[pd.Timestamp, str] | None = None
    dated_after_today = False
    for name, column, words in _EVENT_DATES:
        frame = datasets.get(name)
        if frame is None or column not in frame.columns:
            continue
        candidate = _latest_on_or_before(frame[column], today)
        if candidate is None:
            dated_after_today = dated_after_today or bool(frame[column].notna().any())
        elif latest is None or candidate > latest[0]:
            latest = (candidate, words)
    if latest is not None:
        day, words = latest[0].date(), latest[1]
        return AssumedPeriodEnd(_month_end(day), f"the end of the month of the latest {words} ({day_words(day)})")
    if templates:
        return AssumedPeriodEnd(templates[0].period.end, "the end of the period the counts template gives")
    march = dt.date(today.year, 3, 31)
    end = march if march <= today else dt.date(today.year - 1, 3, 31)
    why = ("the 31 March just gone, the usual WRES snapshot date, as "
           + ("every date of an event in the files is after today" if dated_after_today else
              "no file has dates of events (applications, cases, referrals, courses or leaving)"))
    staff = datasets.get("staff")
    if staff is not None and "start_date" in staff.columns and staff["start_date"].notna().any():
        why += ("; staff start dates are not used, as they say when people joined, not when the list "
                "was taken")
    return AssumedPeriodEnd(end, why)


def _latest_on_or_before(dates: pd.Series, today: dt.date) -> pd.Timestamp | None:
    values = dates.to_numpy()
    if values.dtype.kind == "M":
        # NaT compares False, so blanks drop out with the future dates; the maximum is taken over the
        # dates as integers, in place, rather than over a copy of the dates that qualify.
        on_or_before = values <= np.datetime64(today)
        if not on_or_before.any():
            return None
        latest = np.max(values.view(np.int64), where=on_or_before, initial=np.iinfo(np.int64).min)
        unit = np.datetime_data(values.dtype)[0]
        # numpy's stubs take the unit only as a literal ("ns", "us"...); the column's own unit is a str.
        return pd.Timestamp(np.datetime64(int(latest), unit))  # type: ignore[call-overload]
    dates = dates[dates.notna() & (dates <= pd.Timestamp(today))]
    return dates.max() if len(dates) else None



# The columns counting reads (each counter's, metrics.counting.COUNTERS); anything else a dataset carries
# (sex, team, course title...) is dropped before counting unless a filter needs it, so large frames are not
# copied for nothing.
_COUNTED_COLUMNS = counting.columns(METRICS.values())


def _with_groups(frame: pd.DataFrame, settings: Settings, keep: frozenset[str],
                 comparison: Comparison = ETHNICITY) -> pd.DataFrame:
    """The frame with each person's group under `comparison`, from the column it is named by ("ethnicity",
    "disability"): a person without one is in its unknown group."""
    if not set(frame.columns) <= keep:
        frame = frame.loc[:, [c for c in frame.columns if c in keep]]
    if comparison.key not in frame.columns:
        return frame.assign(group=groups(np.full(len(frame), UNKNOWN), comparison), recognised=True)
    if comparison is DISABILITY:
        classified = classify_disability_groups(frame["disability"], overrides=settings.disability_overrides,
                                                groups=comparison.keys)
    elif comparison is ETHNICITY:
        classified = classify_groups(
            frame["ethnicity"],
            white_minorities_as_bme=settings.white_minorities_as_bme,
            overrides=settings.ethnicity_overrides,
            groups=GROUPS,
        )
    else:
        raise ValueError(f"people cannot yet be put in groups by {comparison.key}: only by ethnicity or disability")
    return frame.assign(group=classified["group"], recognised=classified["recognised"])


def _take(values: pd.Series, rows: np.ndarray, index: pd.Index) -> pd.Series:
    """values at `rows`, missing where a row is -1."""
    return pd.Series(values.array.take(rows, allow_fill=True), index=index, name=values.name)


def _attach_staff(events: pd.DataFrame, staff: pd.DataFrame | None, columns: set[str],
                  comparison: Comparison = ETHNICITY) -> pd.DataFrame:
    """Give event rows the person's group (under `comparison`: by ethnicity or disability), and the staff
    `columns` they lack (the service, and whatever a filter needs).

    An event's own ethnicity (disability), when written, wins; otherwise the staff record's is used.
    'unmatched' marks the events with an employee number that no staff record has.
    """
    own = comparison.key
    if staff is None or "employee_id" not in events.columns or "employee_id" not in staff.columns:
        return events
    rows = staff_rows(events["employee_id"], staff["employee_id"])
    # Kept from the join with the whole staff data, before any filter, so that a person outside a
    # filtered view is not mistaken for one the staff data does not know (metrics.counting.casework).
    joined = events.assign(unmatched=(rows < 0) & events["employee_id"].notna().to_numpy(dtype=bool))
    for col in columns:
        if col in staff.columns and col not in events.columns:
            joined = joined.assign(**{col: _take(staff[col], rows, events.index)})
    if own not in events.columns or events[own].isna().all():
        joined = joined.assign(**{  # type: ignore[arg-type]
            # pandas-stubs' assign takes no NA scalar, though pandas spreads it down the column as any scalar.
            own: _take(staff[own], rows, events.index) if own in staff else pd.NA,
            "group": groups(pick(group_codes(staff), rows, UNKNOWN), comparison),
            "recognised": pick(staff["recognised"].to_numpy(dtype=bool), rows, True),
        })
    else:
        codes = group_codes(events)
        from_staff = pick(group_codes(staff), rows, -1)
        joined = joined.assign(
            group=groups(np.where(events[own].isna().to_numpy() & (from_staff >= 0), from_staff, codes), comparison),
        )
    return joined


def in_post(staff: pd.DataFrame, on: dt.date) -> pd.Series:
    """Whether each person was in post on `on`: started on or before it (or no start date)
    and no leave date, or a leave date after it."""
    return pd.Series(in_post_rows(staff, on), index=staff.index)


def in_period(frame: pd.DataFrame, period: Period, column: str = "date") -> pd.Series:
    """Rows dated within the period; with no date column, every row (the export is for the period)."""
    return pd.Series(in_period_rows(frame, period, column), index=frame.index)


def salary_bands(salary: pd.Series, settings: Settings) -> pd.Series:
    positions = salary_band_positions(salary.to_numpy(dtype=float, na_value=np.nan), settings)
    banded = pd.Series(np.asarray(settings.salary_bands, dtype=object)[positions], index=salary.index, dtype="str")
    return banded.where(salary.notna())


def band_order(bands: pd.Series, salary: pd.Series | None, settings: Settings) -> list[str]:
    """Bands lowest first: the settings' order, then salary bands' own order, then by median
    salary where the data has salaries, then naturally ('Grade 3' before 'Grade 12')."""
    if salary is None or not salary.notna().any():
        return order_bands(list(pd.unique(bands.dropna())), settings, None)
    return order_bands(list(pd.unique(bands.dropna())), settings, lambda: salary.groupby(bands).median())


def _matches(values: pd.Series, wanted: set[str]) -> np.ndarray:
    if isinstance(values.dtype, pd.CategoricalDtype):
        return text_matches(values, lambda text: text.isin(wanted))
    return values.astype("str").isin(wanted).fillna(False).astype(bool).to_numpy()


def _apply_filters(
    name: str, frame: pd.DataFrame, filters: Mapping[str, list[str]], notes: list[str]
) -> pd.DataFrame | None:
    for column, values in filters.items():
        if not values:
            continue
        if column not in frame.columns:
            notes.append(f"The {name.replace('_', ' ')} data has no '{column}' column, so it cannot be "
                         f"filtered by {column}; its metrics are left out of this view.")
            return None
        frame = frame[_matches(frame[column], {str(v) for v in values})]
    return frame


def figures_from_records(
    datasets: Mapping[str, pd.DataFrame],
    settings: Settings = Settings(),
    *,
    organisation: str = "",
    filters: Mapping[str, list[str]] | None = None,
    today: dt.date | None = None,
) -> FigureSet:
    """Count every metric of the settings' standard that the records allow, for the 12 months to the period end."""
    filters = {k: list(v) for k, v in (filters or {}).items() if v}
    notes: list[str] = []
    end = settings.period_end
    if end is None:
        assumed = assumed_period_end(datasets, today=today)
        end = assumed.end
        notes.append(f"{assumed.sentence()} Set the period end to change it.")
    period = Period.twelve_months_to(end)

    # People are put in the groups of the standard's comparison, from the column it is named by.
    comparison = STANDARDS[settings.standard].comparison
    keep = _COUNTED_COLUMNS | {comparison.key} | set(filters)
    staff = datasets.get("staff")
    if staff is not None:
        staff = _with_groups(staff, settings, keep, comparison)
    frames: dict[str, pd.DataFrame] = {}
    for name, frame in datasets.items():
        if name == "staff":
            continue
        frames[name] = _attach_staff(_with_groups(frame, settings, keep, comparison), staff, {"service", *filters},
                                     comparison)
    if staff is not None:
        staff = _apply_filters("staff", staff, filters, notes)
    frames = {name: f for name, f in ((n, _apply_filters(n, f, filters, notes)) for n, f in frames.items())
              if f is not None}

    current: np.ndarray | None = None
    bands: tuple[np.ndarray, list[str]] | None = None
    if staff is not None:
        current = in_post_rows(staff, period.end)
        if "start_date" in staff.columns:
            _note_later_starters(staff, period.end, notes)
        bands = pay_bands(staff, current, settings)

    context = Context(period=period, settings=settings, notes=notes, staff=staff, frames=frames, current=current,
                      bands=bands, comparison=comparison)
    # Only the chosen standard's metrics are counted: a metric it does not have has no figures, not hidden ones.
    counting.count(context, metrics_of(settings.standard).values())

    counts = pd.DataFrame(context.rows) if context.rows else empty_counts()
    return FigureSet(
        organisation=organisation,
        period=period,
        counts=counts,
        quality=context.quality,
        notes=notes,
        available=frozenset(context.available),
        filters=filters,
        comparison=comparison,
        own_rules=frozenset(context.own_rules),
    )


def _note_later_starters(staff: pd.DataFrame, end: dt.date, notes: list[str]) -> None:
    """Say who in the staff list is not in post because they start after the period end: they are in the
    list, so a reader expects them counted. When that is everyone, say what it empties and what to check,
    or every later note (no pay bands, no senior managers) reads as a fault of the columns."""
    later = ~blank(staff["start_date"]) & ~on_or_before(staff["start_date"], end)
    count = int(np.count_nonzero(later))
    if not count:
        return
    dates = staff["start_date"].to_numpy()[later]
    first = int(np.argmin(dates))
    who = f"employee {staff['employee_id'].array[later][first]}, " if "employee_id" in staff.columns else ""
    example = f"{who}starting {day_words(pd.Timestamp(dates[first]).date())}"
    if count < len(staff):
        notes.append(f"{count:,} staff in the staff list started after the period end ({day_words(end)}), so are "
                     f"not counted as in post (the earliest: {example}).")
        return
    notes.append(f"Every one of the {count:,} staff in the staff list started after the period end "
                 f"({day_words(end)}; the earliest: {example}), so no one is in post at it and the metrics counted "
                 "from staff in post (pay bands, senior managers, and the rates of metrics 3, 4, 5 and 8) have no "
                 "one to count. Check the start dates in the file (a year typed wrongly, or the date of a "
                 "contract change rather than of joining), or set the period end if the list is for a later date.")

