"""From a council's records (the loaders' canonical frames) to counts by group.

Every metric is counted here once, as a tidy table (see metrics.counts); the ratios,
intervals, statuses and sentences are made from that table alone, so records and the counts
template give the same figures by the same arithmetic.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_loaders.ethnicity import classify_groups
from metrics.counts import DataQuality, FigureSet, Period, empty_counts
from metrics.registry import COMPARISON, GROUPS, METRICS
from metrics.settings import Settings

# Job titles that mark a regulated professional (Social Work England, HCPC) when the staff
# data has no flag for it.
REGULATED_TITLE = re.compile(
    r"social worker|occupational therapist|\bot\b|\bamhp\b|approved mental health professional|"
    r"practice educator|\bswe\b|physiotherapist|\bnurse\b",
    re.IGNORECASE,
)
_EVENT_DATASETS = ("recruitment", "disciplinary", "fitness_to_practise", "cpd", "leavers")


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


# Each events dataset: the column that dates its rows, the rows in words, and the metric they count in.
_EVENTS: dict[str, tuple[str, str, str]] = {
    "recruitment": ("date", "applications in the recruitment data", "M2"),
    "disciplinary": ("date", "disciplinary cases", "M3"),
    "fitness_to_practise": ("date", "fitness to practise referrals", "M4"),
    "cpd": ("date", "courses in the professional development data", "M5"),
    "leavers": ("leave_date", "leavers in the leavers data", "M8"),
}

# Where a period's end can be read from: each kind of event's date, by dataset, and its name in words.
# A staff member's start date is not one of them (see assumed_period_end).
_EVENT_DATES: tuple[tuple[str, str, str], ...] = (
    ("recruitment", "date", "date in the recruitment data"),
    ("disciplinary", "date", "date in the disciplinary cases"),
    ("fitness_to_practise", "date", "date in the fitness to practise referrals"),
    ("cpd", "date", "date in the professional development data"),
    ("leavers", "leave_date", "leaving date in the leavers data"),
    ("staff", "leave_date", "leaving date in the staff list"),
)


def day_words(day: dt.date) -> str:
    """'31 March 2026': the day without a leading zero, on every platform."""
    return f"{day.day} {day:%B %Y}"


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


# The columns counting reads; anything else a dataset carries (sex, team, course title...) is
# dropped before counting unless a filter needs it, so large frames are not copied for nothing.
_COUNTED_COLUMNS = frozenset({
    "employee_id", "ethnicity", "pay_band", "salary", "service", "job_title", "start_date", "leave_date",
    "senior_manager", "regulated_professional", "shortlisted", "appointed", "date", "funded", "non_mandatory",
    *(q.column for m in METRICS.values() for q in m.questions),
})
_GROUP_DTYPE = pd.CategoricalDtype(list(GROUPS))
_UNKNOWN = GROUPS.index("unknown")

# Every frame counted carries 'group' (categorical, _GROUP_DTYPE) and 'recognised' (bool); counting
# works on the group codes and on row masks (numpy arrays), so a 1.6-million-row staff frame is
# never copied to count a subset of it.
_Rows = np.ndarray


def _with_groups(frame: pd.DataFrame, settings: Settings, keep: frozenset[str]) -> pd.DataFrame:
    if not set(frame.columns) <= keep:
        frame = frame.loc[:, [c for c in frame.columns if c in keep]]
    if "ethnicity" not in frame.columns:
        return frame.assign(group=_groups(np.full(len(frame), _UNKNOWN)), recognised=True)
    classified = classify_groups(
        frame["ethnicity"],
        white_minorities_as_bme=settings.white_minorities_as_bme,
        overrides=settings.ethnicity_overrides,
        groups=GROUPS,
    )
    return frame.assign(group=classified["group"], recognised=classified["recognised"])


def _group_codes(frame: pd.DataFrame) -> np.ndarray:
    return np.asarray(frame["group"].array.codes)


def _per_group(codes: np.ndarray, rows: _Rows | None = None) -> np.ndarray:
    """Rows of each group (in GROUPS order) among `rows` (all rows when None)."""
    # Three comparisons of small integers beat selecting the rows and counting them.
    return np.array([np.count_nonzero(codes == g if rows is None else (codes == g) & rows)
                     for g in range(len(GROUPS))])


def _flag(values: pd.Series) -> np.ndarray:
    """A yes/no column as a mask: blank is no."""
    return values.fillna(False).astype(bool).to_numpy()


def _distinct(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes (-1 for missing) into the distinct values: a categorical's own categories and codes."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return np.asarray(values.array.codes), values.array.categories
    return pd.factorize(values, use_na_sentinel=True)


def _text_matches(values: pd.Series, test: Callable[[pd.Series], pd.Series]) -> np.ndarray:
    """`test` on each distinct value written as text, once, spread to the rows; blank is no."""
    codes, distinct = _distinct(values)
    hits = test(pd.Series(distinct, dtype=object).astype("str")).fillna(False).astype(bool).to_numpy()
    return np.append(hits, False)[codes]


def _isin(values: pd.Series, wanted: pd.Series) -> np.ndarray:
    """Rows of `values` equal to one of `wanted` (never a blank)."""
    distinct = wanted.dropna().unique()
    if not len(distinct):
        return np.zeros(len(values), dtype=bool)
    if (isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"
            and isinstance(distinct.dtype, pd.StringDtype)):
        # pandas turns each wanted value into an Arrow scalar one by one; thousands of employee numbers
        # against 1.6 million cost more that way than the test itself.
        import pyarrow as pa
        import pyarrow.compute as pc

        column = pa.array(values.array)
        value_set = pa.array(distinct)
        if isinstance(value_set, pa.ChunkedArray):
            value_set = value_set.combine_chunks()
        value_set = value_set.cast(column.type)
        return np.asarray(pc.is_in(column, value_set=value_set), dtype=bool)
    return values.isin(distinct).fillna(False).to_numpy(dtype=bool)


def _staff_rows(ids: pd.Series, staff_ids: pd.Series) -> np.ndarray:
    """Each event's row in the staff data (the last, when an employee number repeats); -1 for none.

    Only the staff rows whose number some event carries are indexed, so a national staff file costs
    one membership test. A blank number matches no one.
    """
    candidates = np.flatnonzero(_isin(staff_ids, ids))
    if not len(candidates):
        return np.full(len(ids), -1, dtype=np.intp)
    numbers = staff_ids.iloc[candidates]
    last = ~numbers.duplicated(keep="last").to_numpy()
    positions = pd.Index(numbers.array[last]).get_indexer(ids)
    return np.where(positions >= 0, candidates[last][positions], -1)


def _pick(values: np.ndarray, rows: np.ndarray, missing: int) -> np.ndarray:
    """values at `rows`, `missing` where a row is -1."""
    if not len(values):
        return np.full(len(rows), missing, dtype=values.dtype)
    return np.where(rows >= 0, values[rows], missing).astype(values.dtype, copy=False)


def _groups(codes: np.ndarray) -> pd.Categorical:
    return pd.Categorical.from_codes(codes.astype(np.int8, copy=False), dtype=_GROUP_DTYPE)


def _take(values: pd.Series, rows: np.ndarray, index: pd.Index) -> pd.Series:
    """values at `rows`, missing where a row is -1."""
    return pd.Series(values.array.take(rows, allow_fill=True), index=index, name=values.name)


def _attach_staff(events: pd.DataFrame, staff: pd.DataFrame | None, columns: set[str]) -> pd.DataFrame:
    """Give event rows the person's ethnicity group, and the staff `columns` they lack (the
    service, and whatever a filter needs).

    An event's own ethnicity, when written, wins; otherwise the staff record's is used. 'unmatched'
    marks the events with an employee number that no staff record has.
    """
    if staff is None or "employee_id" not in events.columns or "employee_id" not in staff.columns:
        return events
    rows = _staff_rows(events["employee_id"], staff["employee_id"])
    # Kept from the join with the whole staff data, before any filter, so that a person outside a
    # filtered view is not mistaken for one the staff data does not know (see _matched_events).
    joined = events.assign(unmatched=(rows < 0) & events["employee_id"].notna().to_numpy(dtype=bool))
    for col in columns:
        if col in staff.columns and col not in events.columns:
            joined = joined.assign(**{col: _take(staff[col], rows, events.index)})
    if "ethnicity" not in events.columns or events["ethnicity"].isna().all():
        joined = joined.assign(
            # pandas-stubs' assign takes no NA scalar, though pandas spreads it down the column as any scalar.
            ethnicity=_take(staff["ethnicity"], rows, events.index) if "ethnicity" in staff else pd.NA,  # type: ignore[arg-type]
            group=_groups(_pick(_group_codes(staff), rows, _UNKNOWN)),
            recognised=_pick(staff["recognised"].to_numpy(dtype=bool), rows, True),
        )
    else:
        own = _group_codes(events)
        from_staff = _pick(_group_codes(staff), rows, -1)
        joined = joined.assign(
            group=_groups(np.where(events["ethnicity"].isna().to_numpy() & (from_staff >= 0), from_staff, own)),
        )
    return joined


def _instant(day: dt.date) -> np.datetime64:
    stamp = pd.Timestamp(day)
    # A whole day compares with dates of any resolution without converting them to a finer one.
    return np.datetime64(stamp.date(), "D") if stamp == stamp.normalize() else stamp.to_datetime64()


def _on_or_before(dates: pd.Series, day: dt.date) -> np.ndarray:
    """Dated on or before `day` (a blank is not)."""
    values = dates.to_numpy()
    if values.dtype.kind == "M":
        return values <= _instant(day)  # NaT compares False
    return (dates <= pd.Timestamp(day)).to_numpy(dtype=bool, na_value=False)


def _on_or_after(dates: pd.Series, day: dt.date) -> np.ndarray:
    values = dates.to_numpy()
    if values.dtype.kind == "M":
        return values >= _instant(day)
    return (dates >= pd.Timestamp(day)).to_numpy(dtype=bool, na_value=False)


def _blank(dates: pd.Series) -> np.ndarray:
    values = dates.to_numpy()
    return np.isnat(values) if values.dtype.kind == "M" else dates.isna().to_numpy()


def _in_post(staff: pd.DataFrame, day: dt.date) -> _Rows:
    mask = np.ones(len(staff), dtype=bool)
    if "start_date" in staff.columns:
        mask &= _blank(staff["start_date"]) | _on_or_before(staff["start_date"], day)
    if "leave_date" in staff.columns:
        mask &= _blank(staff["leave_date"]) | ~_on_or_before(staff["leave_date"], day)
    return mask


def in_post(staff: pd.DataFrame, on: dt.date) -> pd.Series:
    """Whether each person was in post on `on`: started on or before it (or no start date)
    and no leave date, or a leave date after it."""
    return pd.Series(_in_post(staff, on), index=staff.index)


def _in_period(frame: pd.DataFrame, period: Period, column: str = "date") -> _Rows:
    """Rows dated within the period (a blank date is not); every row when there is no such column."""
    if column not in frame.columns:
        return np.ones(len(frame), dtype=bool)
    dates = frame[column]
    return _on_or_after(dates, period.start) & _on_or_before(dates, period.end)


def in_period(frame: pd.DataFrame, period: Period, column: str = "date") -> pd.Series:
    """Rows dated within the period; with no date column, every row (the export is for the period)."""
    return pd.Series(_in_period(frame, period, column), index=frame.index)


def _events_in_period(name: str, events: pd.DataFrame, period: Period, notes: list[str]) -> _Rows:
    """The rows of an events dataset that count in the period, the one rule for every event metric.

    A file with no date column is an export for the year, so all its rows count, and a note says so
    (a reader should know nothing was checked). In a file that dates its rows, a blank date is a gap
    in the record, not a sign of the period: those rows are left out, and a note says how many, as a
    case counted in the wrong year would be as wrong as one missed.
    """
    column, words, metric = _EVENTS[name]
    number = METRICS[metric].number
    if column not in events.columns:
        if len(events):
            notes.append(f"The {words} have no date column, so the file is taken to be for the period "
                         f"({day_words(period.start)} to {day_words(period.end)}): all {len(events):,} "
                         f"are counted in metric {number}.")
        return np.ones(len(events), dtype=bool)
    undated = int(np.count_nonzero(_blank(events[column])))
    if undated:
        has, they = ("has", "it is") if undated == 1 else ("have", "they are")
        notes.append(f"{undated:,} of the {len(events):,} {words} {has} no date, so {they} left out of "
                     f"metric {number}: only dated rows can be placed in the period.")
    return _in_period(events, period, column)


def _natural_key(band: str) -> list[object]:
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", band)]


def _salary_band_positions(salary: np.ndarray, settings: Settings) -> np.ndarray:
    bounds = np.asarray(sorted(settings.pay_band_boundaries), dtype=float)
    return np.minimum(np.searchsorted(bounds, salary, side="right"), len(settings.salary_bands) - 1)


def salary_bands(salary: pd.Series, settings: Settings) -> pd.Series:
    positions = _salary_band_positions(salary.to_numpy(dtype=float, na_value=np.nan), settings)
    banded = pd.Series(np.asarray(settings.salary_bands, dtype=object)[positions], index=salary.index, dtype="str")
    return banded.where(salary.notna())


def band_order(bands: pd.Series, salary: pd.Series | None, settings: Settings) -> list[str]:
    """Bands lowest first: the settings' order, then salary bands' own order, then by median
    salary where the data has salaries, then naturally ('Grade 3' before 'Grade 12')."""
    if salary is None or not salary.notna().any():
        return _order_bands(list(pd.unique(bands.dropna())), settings, None)
    return _order_bands(list(pd.unique(bands.dropna())), settings, lambda: salary.groupby(bands).median())


def _order_bands(present: list[str], settings: Settings,
                 medians: Callable[[], Mapping[str, float] | pd.Series] | None) -> list[str]:
    """`present` in order of first appearance, so that bands that sort alike keep the data's order."""
    configured = [b for b in settings.band_order if b in present]
    rest = [b for b in present if b not in configured]
    salary_labels = settings.salary_bands
    if all(b in salary_labels for b in rest):
        return configured + sorted(rest, key=salary_labels.index)
    if medians is not None:
        median = medians()
        return configured + sorted(rest, key=lambda b: (np.nan_to_num(median.get(b, np.inf), nan=np.inf),
                                                        _natural_key(b)))
    return configured + sorted(rest, key=_natural_key)


def _rows(metric: str, per_group: Mapping[str, tuple[float, float]], item: str = "") -> list[dict]:
    return [
        {"metric": metric, "item": item, "group": g, "events": per_group[g][0], "base": per_group[g][1]}
        for g in GROUPS
    ]


def _counted(events: np.ndarray, base: np.ndarray) -> dict[str, tuple[float, float]]:
    return {g: (float(events[i]), float(base[i])) for i, g in enumerate(GROUPS)}


# Who a metric's data quality is about: rows of frames (None for every row).
_QualityRows = list[tuple[pd.DataFrame, _Rows | None]]


def _quality(parts: _QualityRows) -> DataQuality:
    total = unknown = 0
    unrecognised: dict[str, int] = {}
    for frame, rows in parts:
        unknown_rows = _group_codes(frame) == _UNKNOWN
        total += len(frame) if rows is None else int(np.count_nonzero(rows))
        unknown += int(np.count_nonzero(unknown_rows if rows is None else unknown_rows & rows))
        if "ethnicity" in frame.columns:
            _count_unrecognised(frame, rows, unrecognised)
    # Most frequent first; labels as often seen keep the order they first appear in.
    return DataQuality(total=total, unknown=unknown,
                       unrecognised=dict(sorted(unrecognised.items(), key=lambda item: -item[1])))


def _count_unrecognised(frame: pd.DataFrame, rows: _Rows | None, into: dict[str, int]) -> None:
    """Add the rows' unrecognised labels (stripped) to `into`, in order of first appearance, counting
    per distinct label rather than per row."""
    mask = ~frame["recognised"].to_numpy(dtype=bool)
    if rows is not None:
        mask &= rows
    if not mask.any():
        return
    codes, distinct = _distinct(frame["ethnicity"][mask])
    codes = codes[codes >= 0]
    rows_per_label = np.bincount(codes, minlength=len(distinct))
    for code in pd.unique(codes):
        label = str(distinct[code]).strip()
        into[label] = into.get(label, 0) + int(rows_per_label[code])


def _matches(values: pd.Series, wanted: set[str]) -> np.ndarray:
    if isinstance(values.dtype, pd.CategoricalDtype):
        return _text_matches(values, lambda text: text.isin(wanted))
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
    """Count every metric the records allow, for the 12 months to the period end."""
    filters = {k: list(v) for k, v in (filters or {}).items() if v}
    notes: list[str] = []
    end = settings.period_end
    if end is None:
        assumed = assumed_period_end(datasets, today=today)
        end = assumed.end
        notes.append(f"{assumed.sentence()} Set the period end to change it.")
    period = Period.twelve_months_to(end)

    keep = _COUNTED_COLUMNS | set(filters)
    staff = datasets.get("staff")
    if staff is not None:
        staff = _with_groups(staff, settings, keep)
    frames: dict[str, pd.DataFrame] = {}
    for name, frame in datasets.items():
        if name == "staff":
            continue
        frames[name] = _attach_staff(_with_groups(frame, settings, keep), staff, {"service", *filters})
    if staff is not None:
        staff = _apply_filters("staff", staff, filters, notes)
    frames = {name: f for name, f in ((n, _apply_filters(n, f, filters, notes)) for n, f in frames.items())
              if f is not None}

    rows: list[dict] = []
    quality: dict[str, DataQuality] = {}
    available: set[str] = set()

    def add(metric: str, per_group: Mapping[str, tuple[float, float]], base_rows: _QualityRows,
            item: str = "") -> None:
        rows.extend(_rows(metric, per_group, item))
        available.add(metric)
        if metric not in quality:
            quality[metric] = _quality(base_rows)

    current: _Rows | None = None
    if staff is not None:
        current = _in_post(staff, period.end)
        if "start_date" in staff.columns:
            _note_later_starters(staff, period.end, notes)
        bands = _pay_bands(staff, current, settings)
        _count_pay_bands(staff, bands, settings, add, notes, current, period.end)
        _count_senior(staff, bands, settings, add, notes, current)
        _count_leavers(staff, frames.get("leavers"), period, add, notes, current)

    if "recruitment" in frames:
        applicants = frames["recruitment"]
        within = _events_in_period("recruitment", applicants, period, notes)
        if "shortlisted" in applicants.columns:
            codes = _group_codes(applicants)
            shortlisted = within & _flag(applicants["shortlisted"])
            appointed = shortlisted & _flag(applicants["appointed"]) if "appointed" in applicants.columns \
                else shortlisted
            add("M2", _counted(_per_group(codes, appointed), _per_group(codes, shortlisted)),
                [(applicants, shortlisted)])
            withdrawn = int((within & applicants["shortlisted"].isna().to_numpy()).sum())
            if withdrawn:
                notes.append(f"{withdrawn} applicants have no shortlisting outcome (for example withdrawn "
                             "before shortlisting) and are left out of metric 2.")

    for metric, name in (("M3", "disciplinary"), ("M4", "fitness_to_practise"), ("M5", "cpd")):
        if name not in frames:
            continue
        if staff is None or current is None:
            notes.append(f"Metric {METRICS[metric].number} needs the staff data for headcounts; "
                         f"the {name.replace('_', ' ')} data alone cannot give a rate.")
            continue
        events = frames[name]
        events = _matched_events(name, events[_events_in_period(name, events, period, notes)], notes)
        base = current
        if metric == "M4":
            found = _regulated(staff, current, notes)
            if found is None:
                continue
            regulated, how = found
            base = current & regulated
            # The same rule picks the referrals as the headcount, or the rate is of two populations.
            events = _referrals_of_regulated(events, staff, regulated, how, notes)
        if metric == "M5":
            events = _funded_non_mandatory(events, notes)
        _note_not_in_post(metric, events, staff, base, period, notes)
        add(metric, _people_with_events(events, _per_group(_group_codes(staff), base), notes, metric),
            [(staff, base)])

    if "survey" in frames:
        survey = frames["survey"]
        codes = _group_codes(survey)
        for metric in ("M6", "M7"):
            for question in METRICS[metric].questions:
                if question.column not in survey.columns:
                    continue
                answered = survey[question.column].notna().to_numpy()
                yes = answered & _flag(survey[question.column])
                add(metric, _counted(_per_group(codes, yes), _per_group(codes, answered)), [(survey, answered)],
                    item=question.key)

    counts = pd.DataFrame(rows) if rows else empty_counts()
    return FigureSet(
        organisation=organisation,
        period=period,
        counts=counts,
        quality=quality,
        notes=notes,
        available=frozenset(available),
        filters=filters,
    )


_Add = Callable[..., None]


def _note_later_starters(staff: pd.DataFrame, end: dt.date, notes: list[str]) -> None:
    """Say who in the staff list is not in post because they start after the period end: they are in the
    list, so a reader expects them counted. When that is everyone, say what it empties and what to check,
    or every later note (no pay bands, no senior managers) reads as a fault of the columns."""
    later = ~_blank(staff["start_date"]) & ~_on_or_before(staff["start_date"], end)
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


def _pay_bands(staff: pd.DataFrame, current: _Rows, settings: Settings) -> tuple[np.ndarray, list[str]]:
    """Each person in post's band as a position in the band names, -1 for none (and for everyone not
    in post): the pay band as written, else the salary's band. Worked on the distinct bands, not on
    each row's text."""
    names: dict[str, int] = {}
    written: np.ndarray | None
    distinct: pd.Index | list[str]
    written, distinct = _distinct(staff["pay_band"]) if "pay_band" in staff.columns else (None, [])
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
            codes[unbanded] = to_name[_salary_band_positions(salary[unbanded], settings)]
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


def _count_pay_bands(staff: pd.DataFrame, bands: tuple[np.ndarray, list[str]], settings: Settings, add: _Add,
                     notes: list[str], current: _Rows, end: dt.date) -> None:
    band_codes, names = bands
    people = band_codes >= 0
    if not people.any():
        # Each reason in its own words: a file with a Grade column must not be told it has none.
        if "pay_band" not in staff.columns and "salary" not in staff.columns:
            notes.append("The staff data has no pay band or salary column, so metric 1 cannot be shown.")
        elif not current.any():
            notes.append(f"No one in the staff list is in post at the period end ({day_words(end)}), so the pay "
                         "bands (metric 1) and senior managers (metric 9) have no one to count.")
        else:
            in_post = int(np.count_nonzero(current))
            notes.append(f"None of the {in_post:,} staff in post at the period end has a pay band or a salary "
                         "(those cells are blank or could not be read), so metric 1 cannot be shown.")
        return
    unbanded = int(np.count_nonzero(current) - np.count_nonzero(people))
    if unbanded:
        notes.append(f"{unbanded} staff in post have neither a pay band nor a salary and are left out of metric 1.")
    groups = _group_codes(staff)
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
    for band in _order_bands([names[code] for code in present], settings, medians if has_salary else None):
        add("M1", _counted(in_band[position[band]], group_totals), [(staff, people)], item=str(band))


# The start of the note that senior management could not be counted; each front end adds where to set the bands.
NO_SENIOR_MANAGERS = "No senior managers were found"


def _count_senior(staff: pd.DataFrame, bands: tuple[np.ndarray, list[str]], settings: Settings, add: _Add,
                  notes: list[str], current: _Rows) -> None:
    if not current.any():
        return  # no one in post: _count_pay_bands has said so, for metric 9 too, with no advice about bands to mislead
    if "senior_manager" in staff.columns and np.any(staff["senior_manager"].notna().to_numpy() & current):
        senior = _flag(staff["senior_manager"]) & current
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
    groups = _group_codes(staff)
    add("M9", _counted(_per_group(groups, senior), _per_group(groups, current)), [(staff, current)])


def _count_leavers(staff: pd.DataFrame, leavers: pd.DataFrame | None, period: Period, add: _Add,
                   notes: list[str], end_in_post: _Rows) -> None:
    # The starting headcount is the snapshot on the day before the year starts (31 March for an April to
    # March year), as published: someone who left on its first day was in post at the start.
    before = period.start - dt.timedelta(days=1)
    start_in_post = _in_post(staff, before)
    if "leave_date" in staff.columns:
        left = _in_period(staff, period, "leave_date")
    else:
        left = np.zeros(len(staff), dtype=bool)
    extra = None
    if leavers is not None and len(leavers):
        leavers = leavers[_events_in_period("leavers", leavers, period, notes)]
        if "employee_id" in leavers.columns and "employee_id" in staff.columns:
            listed = _isin(staff["employee_id"], leavers["employee_id"])
            known = _isin(leavers["employee_id"], staff["employee_id"][listed])
            left = left | listed
            extra = leavers[~known]
        else:
            extra = leavers
    elif "leave_date" not in staff.columns:
        # Said, because the overview sends whoever sees metric 8 without figures to these notes.
        notes.append(f"Metric {METRICS['M8'].number} has no figures: the staff data has no leaving date column "
                     "and no leavers list was given. Add a leaving date column to the staff data, or a leavers file.")
        return
    extra_groups = extra_start_groups = np.zeros(len(GROUPS), dtype=np.intp)
    if extra is not None and len(extra):
        # Leavers not in the staff snapshot were in post at the start unless they started later.
        extra_start = (_blank(extra["start_date"]) | _on_or_before(extra["start_date"], before)
                       if "start_date" in extra.columns else np.ones(len(extra), dtype=bool))
        extra_groups = _per_group(_group_codes(extra))
        extra_start_groups = _per_group(_group_codes(extra), extra_start)
    codes = _group_codes(staff)
    starting = _per_group(codes, start_in_post) + extra_start_groups
    ending = _per_group(codes, end_in_post)
    leaving = _per_group(codes, left) + extra_groups
    per_group = {g: (float(leaving[i]), (float(starting[i]) + float(ending[i])) / 2) for i, g in enumerate(GROUPS)}
    _say_over_100("M8", per_group, "of the average headcount (leavers are counted over the average of the "
                  "headcounts at the start and end of the year, not out of it)", notes)
    if sum(events for events, _ in per_group.values()) == 0 and leavers is None:
        notes.append("No leave dates fall in the period, so metric 8 shows no leavers; if leavers are kept in a "
                     "separate list, add it as the leavers dataset.")
    counted = start_in_post | end_in_post | left
    add("M8", per_group, [(staff, counted), (extra, None)] if extra is not None else [(staff, counted)])


def _regulated(staff: pd.DataFrame, current: _Rows, notes: list[str]) -> tuple[_Rows, str] | None:
    """Which staff rows are regulated professionals, and by what, in words: metric 4's one rule, for
    its headcount and its referrals alike."""
    if "regulated_professional" in staff.columns and \
            staff["regulated_professional"].notna().to_numpy()[current].any():
        return _flag(staff["regulated_professional"]), "the staff data's regulated-professional column"
    if "job_title" in staff.columns:
        regulated = _text_matches(staff["job_title"], lambda titles: titles.str.contains(REGULATED_TITLE))
        notes.append("The staff data has no regulated-professional column; regulated professionals were taken "
                     "from job titles (social workers, occupational therapists and similar).")
        return regulated, "their job title in the staff data"
    notes.append("Metric 4 needs to know who is a regulated professional: add a 'Regulated professional' "
                 "column (Y/N) or job titles to the staff data.")
    return None


def _referrals_of_regulated(referrals: pd.DataFrame, staff: pd.DataFrame, regulated: _Rows, how: str,
                            notes: list[str]) -> pd.DataFrame:
    """The referrals of people the staff data counts as regulated professionals.

    A referral is looked up as the headcount counts its person (the last staff record of the number,
    as _attach_staff joins it). One with no employee number cannot be looked up: it is counted, as
    the data gives no reason not to, and a note says so.
    """
    if "employee_id" not in referrals.columns or "employee_id" not in staff.columns:
        if len(referrals):
            notes.append(f"The fitness to practise referrals cannot be matched to the staff data by employee "
                         f"number, so whether each is of a regulated professional cannot be checked: all "
                         f"{len(referrals):,} are counted in metric 4.")
        return referrals
    ids = referrals["employee_id"]
    rows = _staff_rows(ids, staff["employee_id"])
    numbered = ids.notna().to_numpy(dtype=bool)
    is_regulated = _pick(regulated, rows, 0).astype(bool)
    # A number outside this view's staff (a filter's) is outside the view, not unregulated: dropped unsaid,
    # as every event outside a filter is. Numbers no staff record holds were left out before, with a note.
    left_out = int(np.count_nonzero(numbered & (rows >= 0) & ~is_regulated))
    keep = ~numbered | is_regulated
    if left_out:
        are, they = ("is", "it is") if left_out == 1 else ("are", "they are")
        notes.append(f"{left_out:,} of the {len(referrals):,} fitness to practise referrals {are} of staff who "
                     f"are not regulated professionals by {how}, so {they} left out of metric 4, whose "
                     "headcount is regulated professionals only.")
    unnumbered = int(np.count_nonzero(~numbered))
    if unnumbered:
        them, it = ("referral has", "it is") if unnumbered == 1 else ("referrals have", "each is")
        notes.append(f"{unnumbered:,} fitness to practise {them} no employee number, so whether {it} of a "
                     "regulated professional cannot be checked; counted in metric 4.")
    return referrals[keep]


# How many unmatched employee numbers a note shows: enough to find the pattern (a prefix, leading zeros),
# few enough that a note is not a list of people.
_SHOWN_NUMBERS = 5


def _matched_events(name: str, events: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """The events whose employee number is in the staff data, or which have none.

    A number the staff data does not hold belongs to no one in the headcount: counting its case as
    'unknown ethnicity' would put a person on top of a rate who is not underneath it. So it is left
    out, and a note says how many and shows a few of the numbers, to check against the staff list.
    """
    if "unmatched" not in events.columns:
        return events
    unmatched = events["unmatched"].to_numpy(dtype=bool)
    if not unmatched.any():
        return events
    _, words, metric = _EVENTS[name]
    # Distinct numbers in the order they come; only the few shown are written out as text.
    numbers = events["employee_id"][unmatched].drop_duplicates()
    shown = ", ".join(str(n) for n in numbers.iloc[:_SHOWN_NUMBERS])
    if len(numbers) > _SHOWN_NUMBERS:
        shown += f" and {len(numbers) - _SHOWN_NUMBERS:,} more"
    count = int(unmatched.sum())
    they = "it is" if count == 1 else "they are"
    notes.append(f"{count:,} of the {len(events):,} {words} could not be matched to anyone "
                 f"in the staff data by employee number ({shown}), so {they} left out of metric "
                 f"{METRICS[metric].number}. Check these numbers against the staff list.")
    return events[~unmatched]


def _funded_non_mandatory(cpd: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    keep = np.ones(len(cpd), dtype=bool)
    if "funded" in cpd.columns:
        keep &= _flag(cpd["funded"])
    else:
        notes.append("The CPD data has no 'funded' column: every course is counted as funded.")
    if "non_mandatory" in cpd.columns:
        keep &= _flag(cpd["non_mandatory"])
    else:
        notes.append("The CPD data has no mandatory / non-mandatory column: every course is counted as "
                     "non-mandatory.")
    return cpd[keep]


def _people_with_events(events: pd.DataFrame, base_counts: np.ndarray, notes: list[str],
                        metric: str) -> dict[str, tuple[float, float]]:
    """People (not cases or courses) with at least one event, by group, over the headcount.

    Events tied to an employee number count each person once, whether or not they are still
    in post at the period end (a dismissal must not hide the disciplinary case that led to
    it); events with only an ethnicity count one per row.
    """
    if "employee_id" in events.columns:
        ids = events["employee_id"]
        # A person's first event decides their group, as their first row would.
        counted = ids.isna().to_numpy() | ~ids.duplicated(keep="first").to_numpy()
    else:
        counted = None
    event_counts = _per_group(_group_codes(events), counted)
    counts = _counted(event_counts, base_counts)
    _say_over_100(metric, counts, "in post at the period end (people who left during the year, and cases "
                  "with no employee number, still count)", notes)
    return counts


def _note_not_in_post(metric: str, events: pd.DataFrame, staff: pd.DataFrame, base: _Rows, period: Period,
                      notes: list[str]) -> None:
    """Say how many of the people counted above the line are not below it: they left (or stopped being in
    the base) before the snapshot. The standards count them (the year's cases over the snapshot's
    headcount, METRICS[metric].counted); the note keeps that from being silent."""
    if "employee_id" not in events.columns or "employee_id" not in staff.columns or not len(events):
        return
    people = events["employee_id"].dropna().drop_duplicates()
    if not len(people):
        return
    outside = int(np.count_nonzero(~_isin(people, staff["employee_id"][base])))
    if outside:
        definition = METRICS[metric]
        were = "was" if outside == 1 else "were"
        notes.append(f"Metric {definition.number}: {outside:,} of the {len(people):,} counted under "
                     f"'{definition.events_label}' {were} not in post on {day_words(period.end)} (they left during "
                     "the year). They are counted, by the metric's rule: see 'Who is counted'.")


_GROUP_WORDS = {g: COMPARISON.adjective(g) for g in GROUPS}


def _say_over_100(metric: str, counts: Mapping[str, tuple[float, float]], why: str, notes: list[str]) -> None:
    """Say in words where a group's rate is over 100%, rather than cap it: a capped rate is a figure
    the data does not give, and the reader would not know."""
    definition = METRICS[metric]
    for g in GROUPS:
        n_events, n_base = counts[g]
        if n_events > n_base:
            notes.append(f"Metric {definition.number}: {n_events:,.0f} {_GROUP_WORDS[g]} people are counted "
                         f"under '{definition.events_label}', more than the {n_base:,.0f} {why}, so their "
                         "rate is over 100%; it is shown as it is, not capped.")
