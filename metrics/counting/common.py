"""What every counter shares: the context figures_from_records prepares, and the arithmetic on groups,
rows and dates that counting is made of.

Every frame counted carries 'group' (categorical, the comparison's groups in order: group_dtype) and
'recognised' (bool); counting works
on the group codes and on row masks (numpy arrays), so a 1.6-million-row staff frame is never copied to
count a subset of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data_loaders.comparison import ETHNICITY, Comparison
from metrics.counts import DataQuality, Period
from metrics.registry import COMPARISON, GROUPS, MetricDefinition
from metrics.settings import Settings

GROUP_DTYPE = pd.CategoricalDtype(list(GROUPS))
# A group's code is its place in its comparison's groups (focus, reference, unknown), whichever the comparison:
# the unknown group is always the last.
UNKNOWN = GROUPS.index(COMPARISON.unknown.key)


def group_dtype(comparison: Comparison) -> pd.CategoricalDtype:
    """The 'group' column's dtype under `comparison`: its groups in order."""
    return GROUP_DTYPE if comparison is ETHNICITY else pd.CategoricalDtype(list(comparison.keys))

# A row mask: True for the rows counted.
Rows = np.ndarray
# Who a metric's data quality is about: rows of frames (None for every row).
QualityRows = list[tuple[pd.DataFrame, Rows | None]]

@dataclass(frozen=True)
class Events:
    """An events dataset: the column that dates its rows, and its rows in words, many and one."""

    date: str
    many: str
    one: str


EVENTS: dict[str, Events] = {
    "recruitment": Events("date", "applications in the recruitment data", "application in the recruitment data"),
    "disciplinary": Events("date", "disciplinary cases", "disciplinary case"),
    "capability": Events("date", "capability cases", "capability case"),
    "fitness_to_practise": Events("date", "fitness to practise referrals", "fitness to practise referral"),
    "cpd": Events("date", "courses in the professional development data",
                  "course in the professional development data"),
    "leavers": Events("leave_date", "leavers in the leavers data", "leaver in the leavers data"),
}

# The columns every counter may read: who a row is, their group, their dates and service (which events take
# from the staff data). Each counter adds its own (metrics.counting.COUNTERS).
COMMON_COLUMNS = frozenset({"employee_id", "ethnicity", "service", "start_date", "leave_date",
                            *(events.date for events in EVENTS.values())})


def day_words(day: dt.date) -> str:
    """'31 March 2026': the day without a leading zero, on every platform."""
    return f"{day.day} {day:%B %Y}"


@dataclass
class Context:
    """What figures_from_records prepares once for every counter, and what the counters add to."""

    period: Period
    settings: Settings
    # Said about the figures, in the order said: counters append to it.
    notes: list[str]
    # The staff list with groups, filtered; None when there is none.
    staff: pd.DataFrame | None
    # Every other dataset by name, with groups (an event's from its person's staff record when it has none),
    # filtered; a dataset that cannot be filtered as asked is not here.
    frames: dict[str, pd.DataFrame]
    # The staff rows in post at the period end (None without staff).
    current: Rows | None
    # Each staff row's pay band (a position in the names, -1 for none or not in post) and the band names.
    bands: tuple[np.ndarray, list[str]] | None
    rows: list[dict] = field(default_factory=list)
    quality: dict[str, DataQuality] = field(default_factory=dict)
    available: set[str] = field(default_factory=set)
    # Whose groups people are counted in: the standard's (ETHNICITY for the race standards).
    comparison: Comparison = ETHNICITY
    # Metrics counted under their standard's own population rule (FigureSet.own_rules).
    own_rules: set[str] = field(default_factory=set)

    def add(self, metric: str, per_group: Mapping[str, tuple[float, float]], base_rows: QualityRows,
            item: str = "") -> None:
        """A metric's (events, base) by group, for one item (a pay band, a survey question) or the whole;
        its data quality is of the first rows added."""
        self.rows.extend(
            {"metric": metric, "item": item, "group": g, "events": per_group[g][0], "base": per_group[g][1]}
            for g in self.comparison.keys
        )
        self.available.add(metric)
        if metric not in self.quality:
            self.quality[metric] = quality(base_rows, self.comparison)


# --- Groups ---------------------------------------------------------------------------------------


def group_codes(frame: pd.DataFrame) -> np.ndarray:
    return np.asarray(frame["group"].array.codes)


def per_group(codes: np.ndarray, rows: Rows | None = None) -> np.ndarray:
    """Rows of each group (in the order of the comparison's groups) among `rows` (all rows when None)."""
    # Three comparisons of small integers beat selecting the rows and counting them.
    return np.array([np.count_nonzero(codes == g if rows is None else (codes == g) & rows)
                     for g in range(len(GROUPS))])


def counted(events: np.ndarray, base: np.ndarray, comparison: Comparison = ETHNICITY) -> dict[str, tuple[float, float]]:
    return {g: (float(events[i]), float(base[i])) for i, g in enumerate(comparison.keys)}


def groups(codes: np.ndarray, comparison: Comparison = ETHNICITY) -> pd.Categorical:
    return pd.Categorical.from_codes(codes.astype(np.int8, copy=False), dtype=group_dtype(comparison))


def say_over_100(definition: MetricDefinition, counts: Mapping[str, tuple[float, float]], why: str,
                 notes: list[str], comparison: Comparison = ETHNICITY) -> None:
    """Say in words where a group's rate is over 100%, rather than cap it: a capped rate is a figure
    the data does not give, and the reader would not know."""
    for g in comparison.keys:
        n_events, n_base = counts[g]
        if n_events > n_base:
            notes.append(f"Metric {definition.number}: {n_events:,.0f} {comparison.adjective(g)} people are counted "
                         f"under '{definition.events_label}', more than the {n_base:,.0f} {why}, so their "
                         "rate is over 100%; it is shown as it is, not capped.")


# --- Data quality ---------------------------------------------------------------------------------


def quality(parts: QualityRows, comparison: Comparison = ETHNICITY) -> DataQuality:
    """How many of the rows are in the unknown group, and the labels (of the column people are grouped by:
    ethnicity, disability) that matched no known spelling."""
    total = unknown = 0
    unrecognised: dict[str, int] = {}
    for frame, rows in parts:
        unknown_rows = group_codes(frame) == UNKNOWN
        total += len(frame) if rows is None else int(np.count_nonzero(rows))
        unknown += int(np.count_nonzero(unknown_rows if rows is None else unknown_rows & rows))
        if comparison.key in frame.columns:
            _count_unrecognised(frame, rows, unrecognised, comparison.key)
    # Most frequent first; labels as often seen keep the order they first appear in.
    return DataQuality(total=total, unknown=unknown,
                       unrecognised=dict(sorted(unrecognised.items(), key=lambda item: -item[1])))


def _count_unrecognised(frame: pd.DataFrame, rows: Rows | None, into: dict[str, int],
                        column: str = "ethnicity") -> None:
    """Add the rows' unrecognised labels (stripped) to `into`, in order of first appearance, counting
    per distinct label rather than per row."""
    mask = ~frame["recognised"].to_numpy(dtype=bool)
    if rows is not None:
        mask &= rows
    if not mask.any():
        return
    codes, distinct = distinct_values(frame[column][mask])
    codes = codes[codes >= 0]
    rows_per_label = np.bincount(codes, minlength=len(distinct))
    for code in pd.unique(codes):
        label = str(distinct[code]).strip()
        into[label] = into.get(label, 0) + int(rows_per_label[code])


# --- Values ---------------------------------------------------------------------------------------


def flag(values: pd.Series) -> np.ndarray:
    """A yes/no column as a mask: blank is no."""
    return values.fillna(False).astype(bool).to_numpy()


def distinct_values(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes (-1 for missing) into the distinct values: a categorical's own categories and codes."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return np.asarray(values.array.codes), values.array.categories
    return pd.factorize(values, use_na_sentinel=True)


def text_matches(values: pd.Series, test: Callable[[pd.Series], pd.Series]) -> np.ndarray:
    """`test` on each distinct value written as text, once, spread to the rows; blank is no."""
    codes, distinct = distinct_values(values)
    hits = test(pd.Series(distinct, dtype=object).astype("str")).fillna(False).astype(bool).to_numpy()
    return np.append(hits, False)[codes]


def isin(values: pd.Series, wanted: pd.Series) -> np.ndarray:
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


def staff_rows(ids: pd.Series, staff_ids: pd.Series) -> np.ndarray:
    """Each event's row in the staff data (the last, when an employee number repeats); -1 for none.

    Only the staff rows whose number some event carries are indexed, so a national staff file costs
    one membership test. A blank number matches no one.
    """
    candidates = np.flatnonzero(isin(staff_ids, ids))
    if not len(candidates):
        return np.full(len(ids), -1, dtype=np.intp)
    numbers = staff_ids.iloc[candidates]
    last = ~numbers.duplicated(keep="last").to_numpy()
    positions = pd.Index(numbers.array[last]).get_indexer(ids)
    return np.where(positions >= 0, candidates[last][positions], -1)


def pick(values: np.ndarray, rows: np.ndarray, missing: int) -> np.ndarray:
    """values at `rows`, `missing` where a row is -1."""
    if not len(values):
        return np.full(len(rows), missing, dtype=values.dtype)
    return np.where(rows >= 0, values[rows], missing).astype(values.dtype, copy=False)


# --- Dates ----------------------------------------------------------------------------------------


def _instant(day: dt.date) -> np.datetime64:
    stamp = pd.Timestamp(day)
    # A whole day compares with dates of any resolution without converting them to a finer one.
    return np.datetime64(stamp.date(), "D") if stamp == stamp.normalize() else stamp.to_datetime64()


def on_or_before(dates: pd.Series, day: dt.date) -> np.ndarray:
    """Dated on or before `day` (a blank is not)."""
    values = dates.to_numpy()
    if values.dtype.kind == "M":
        return values <= _instant(day)  # NaT compares False
    return (dates <= pd.Timestamp(day)).to_numpy(dtype=bool, na_value=False)


def on_or_after(dates: pd.Series, day: dt.date) -> np.ndarray:
    values = dates.to_numpy()
    if values.dtype.kind == "M":
        return values >= _instant(day)
    return (dates >= pd.Timestamp(day)).to_numpy(dtype=bool, na_value=False)


def blank(dates: pd.Series) -> np.ndarray:
    values = dates.to_numpy()
    return np.isnat(values) if values.dtype.kind == "M" else dates.isna().to_numpy()


def in_post_rows(staff: pd.DataFrame, day: dt.date) -> Rows:
    """The staff rows in post on `day`: started on or before it (or no start date), not left on or before it."""
    mask = np.ones(len(staff), dtype=bool)
    if "start_date" in staff.columns:
        mask &= blank(staff["start_date"]) | on_or_before(staff["start_date"], day)
    if "leave_date" in staff.columns:
        mask &= blank(staff["leave_date"]) | ~on_or_before(staff["leave_date"], day)
    return mask


def in_period_rows(frame: pd.DataFrame, period: Period, column: str = "date") -> Rows:
    """Rows dated within the period (a blank date is not); every row when there is no such column."""
    if column not in frame.columns:
        return np.ones(len(frame), dtype=bool)
    dates = frame[column]
    return on_or_after(dates, period.start) & on_or_before(dates, period.end)


def events_in_period(name: str, definition: MetricDefinition, events: pd.DataFrame, period: Period,
                     notes: list[str]) -> Rows:
    """The rows of an events dataset that count in the period, the one rule for every event metric.

    A file with no date column is an export for the year, so all its rows count, and a note says so
    (a reader should know nothing was checked). In a file that dates its rows, a blank date is a gap
    in the record, not a sign of the period: those rows are left out, and a note says how many, as a
    case counted in the wrong year would be as wrong as one missed.
    """
    column, words = EVENTS[name].date, EVENTS[name].many
    number = definition.number
    if column not in events.columns:
        if len(events):
            notes.append(f"The {words} have no date column, so the file is taken to be for the period "
                         f"({day_words(period.start)} to {day_words(period.end)}): all {len(events):,} "
                         f"are counted in metric {number}.")
        return np.ones(len(events), dtype=bool)
    undated = int(np.count_nonzero(blank(events[column])))
    if undated:
        has, they = ("has", "it is") if undated == 1 else ("have", "they are")
        notes.append(f"{undated:,} of the {len(events):,} {words} {has} no date, so {they} left out of "
                     f"metric {number}: only dated rows can be placed in the period.")
    return in_period_rows(events, period, column)
