"""From a council's records (the loaders' canonical frames) to counts by group.

Every metric is counted here once, as a tidy table (see metrics.counts); the ratios,
intervals, statuses and sentences are made from that table alone, so records and the counts
template give the same figures by the same arithmetic.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from data_loaders.ethnicity import classify_series
from metrics.counts import DataQuality, FigureSet, Period, empty_counts
from metrics.registry import GROUPS, METRICS
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


def latest_date(datasets: Mapping[str, pd.DataFrame], today: dt.date | None = None) -> dt.date | None:
    """The latest event or leave date on or before today, at the end of its month.

    Future dates (a leave date in a notice period, a starter booked for next month) are not
    evidence of the period's end, so they are ignored.
    """
    today = today or dt.date.today()
    latest: pd.Timestamp | None = None
    columns = {name: ("date",) for name in _EVENT_DATASETS if name != "leavers"}
    columns["leavers"] = ("leave_date",)
    columns["staff"] = ("leave_date", "start_date")
    for name, cols in columns.items():
        frame = datasets.get(name)
        if frame is None:
            continue
        for col in cols:
            if col not in frame.columns:
                continue
            dates = frame[col]
            dates = dates[dates.notna() & (dates <= pd.Timestamp(today))]
            if len(dates):
                candidate = dates.max()
                latest = candidate if latest is None else max(latest, candidate)
    return _month_end(latest.date()) if latest is not None else None


# The columns counting reads; anything else a dataset carries (sex, team, course title...) is
# dropped before counting unless a filter needs it, so large frames are not copied for nothing.
_COUNTED_COLUMNS = frozenset({
    "employee_id", "ethnicity", "pay_band", "salary", "service", "job_title", "start_date", "leave_date",
    "senior_manager", "regulated_professional", "shortlisted", "appointed", "date", "funded", "non_mandatory",
    *(q.column for m in METRICS.values() for q in m.questions),
})
_GROUP_DTYPE = pd.CategoricalDtype(list(GROUPS))


def _with_groups(frame: pd.DataFrame, settings: Settings, keep: frozenset[str]) -> pd.DataFrame:
    frame = frame.loc[:, [c for c in frame.columns if c in keep]]
    if "ethnicity" not in frame.columns:
        return frame.assign(group=pd.Series("unknown", index=frame.index, dtype=_GROUP_DTYPE), recognised=True)
    classified = classify_series(
        frame["ethnicity"],
        white_minorities_as_bme=settings.white_minorities_as_bme,
        overrides=settings.ethnicity_overrides,
    )
    return frame.assign(group=classified["group"].astype(_GROUP_DTYPE), recognised=classified["recognised"])


def _attach_staff(events: pd.DataFrame, staff: pd.DataFrame | None, columns: set[str]) -> pd.DataFrame:
    """Give event rows the person's ethnicity group, and the staff `columns` they lack (the
    service, and whatever a filter needs).

    An event's own ethnicity, when written, wins; otherwise the staff record's is used.
    """
    if staff is None or "employee_id" not in events.columns or "employee_id" not in staff.columns:
        return events
    people = staff.drop_duplicates("employee_id", keep="last").set_index("employee_id")
    joined = events
    for col in columns:
        if col in people.columns and col not in events.columns:
            joined = joined.assign(**{col: events["employee_id"].map(people[col])})
    if "ethnicity" not in events.columns or events["ethnicity"].isna().all():
        joined = joined.assign(
            ethnicity=events["employee_id"].map(people["ethnicity"]) if "ethnicity" in people else pd.NA,
            group=events["employee_id"].map(people["group"]).fillna("unknown"),
            # When no event matches anyone, map() gives an all-null series of no particular type.
            recognised=events["employee_id"].map(people["recognised"]).astype("boolean").fillna(True).astype(bool),
        )
    else:
        own_blank = events["ethnicity"].isna()
        from_staff = events["employee_id"].map(people["group"])
        joined = joined.assign(
            group=events["group"].where(~own_blank | from_staff.isna(), from_staff),
        )
    return joined


def in_post(staff: pd.DataFrame, on: dt.date) -> pd.Series:
    """Whether each person was in post on `on`: started on or before it (or no start date)
    and no leave date, or a leave date after it."""
    day = pd.Timestamp(on)
    mask = pd.Series(True, index=staff.index)
    if "start_date" in staff.columns:
        mask &= staff["start_date"].isna() | (staff["start_date"] <= day)
    if "leave_date" in staff.columns:
        mask &= staff["leave_date"].isna() | (staff["leave_date"] > day)
    return mask.astype(bool)


def in_period(frame: pd.DataFrame, period: Period, column: str = "date") -> pd.Series:
    """Rows dated within the period; undated rows count as within it (the export is for the period)."""
    if column not in frame.columns:
        return pd.Series(True, index=frame.index)
    dates = frame[column]
    inside = (dates >= pd.Timestamp(period.start)) & (dates <= pd.Timestamp(period.end))
    return (inside | dates.isna()).astype(bool)


def _natural_key(band: str) -> list[object]:
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", band)]


def salary_bands(salary: pd.Series, settings: Settings) -> pd.Series:
    bounds = sorted(settings.pay_band_boundaries)
    labels = settings.salary_bands
    positions = np.searchsorted(np.asarray(bounds, dtype=float), salary.to_numpy(dtype=float, na_value=np.nan),
                                side="right")
    banded = pd.Series(np.asarray(labels, dtype=object)[np.minimum(positions, len(labels) - 1)],
                       index=salary.index, dtype="str")
    return banded.where(salary.notna())


def band_order(bands: pd.Series, salary: pd.Series | None, settings: Settings) -> list[str]:
    """Bands lowest first: the settings' order, then salary bands' own order, then by median
    salary where the data has salaries, then naturally ('Grade 3' before 'Grade 12')."""
    present = [b for b in pd.unique(bands.dropna())]
    configured = [b for b in settings.band_order if b in present]
    rest = [b for b in present if b not in configured]
    salary_labels = settings.salary_bands
    if all(b in salary_labels for b in rest):
        return configured + sorted(rest, key=salary_labels.index)
    if salary is not None and salary.notna().any():
        medians = salary.groupby(bands).median()
        return configured + sorted(rest, key=lambda b: (np.nan_to_num(medians.get(b, np.inf), nan=np.inf),
                                                        _natural_key(b)))
    return configured + sorted(rest, key=_natural_key)


def _group_counts(frame: pd.DataFrame, flag: pd.Series | None = None) -> dict[str, tuple[float, float]]:
    """(events, base) per group: base = rows of the frame, events = rows where flag is True."""
    base = frame.groupby("group").size()
    events = frame.loc[flag.fillna(False).astype(bool)].groupby("group").size() if flag is not None else base
    return {g: (float(events.get(g, 0)), float(base.get(g, 0))) for g in GROUPS}


def _rows(metric: str, per_group: Mapping[str, tuple[float, float]], item: str = "") -> list[dict]:
    return [
        {"metric": metric, "item": item, "group": g, "events": per_group[g][0], "base": per_group[g][1]}
        for g in GROUPS
    ]


def _quality(frame: pd.DataFrame) -> DataQuality:
    unrecognised = (
        frame.loc[~frame["recognised"].astype(bool), "ethnicity"].astype("str").str.strip().value_counts()
        if "ethnicity" in frame.columns
        else pd.Series(dtype="int64")
    )
    return DataQuality(
        total=len(frame),
        unknown=int((frame["group"] == "unknown").sum()),
        unrecognised={str(k): int(v) for k, v in unrecognised.items()},
    )


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
        wanted = {str(v) for v in values}
        frame = frame[frame[column].astype("str").isin(wanted).fillna(False).astype(bool)]
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
    end = settings.period_end or latest_date(datasets, today)
    if end is None:
        end = today or dt.date.today()
        notes.append("No dates were found in the data, so the period ends today; set the period end.")
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

    def add(metric: str, per_group: Mapping[str, tuple[float, float]], base_rows: pd.DataFrame,
            item: str = "") -> None:
        rows.extend(_rows(metric, per_group, item))
        available.add(metric)
        if metric not in quality:
            quality[metric] = _quality(base_rows)

    headcount_end = None
    if staff is not None:
        current = staff[in_post(staff, period.end)]
        headcount_end = current
        _count_pay_bands(current, settings, add, notes)
        _count_senior(current, settings, add, notes)
        _count_leavers(staff, frames.get("leavers"), period, add, notes)

    if "recruitment" in frames:
        applicants = frames["recruitment"]
        applicants = applicants[in_period(applicants, period)]
        if "shortlisted" in applicants.columns:
            shortlisted = applicants[applicants["shortlisted"].fillna(False).astype(bool)]
            appointed = shortlisted["appointed"] if "appointed" in shortlisted.columns else None
            add("M2", _group_counts(shortlisted, appointed), shortlisted)
            withdrawn = int(applicants["shortlisted"].isna().sum())
            if withdrawn:
                notes.append(f"{withdrawn} applicants have no shortlisting outcome (for example withdrawn "
                             "before shortlisting) and are left out of metric 2.")

    for metric, name in (("M3", "disciplinary"), ("M4", "fitness_to_practise"), ("M5", "cpd")):
        if name not in frames:
            continue
        if headcount_end is None:
            notes.append(f"Metric {METRICS[metric].number} needs the staff data for headcounts; "
                         f"the {name.replace('_', ' ')} data alone cannot give a rate.")
            continue
        events = frames[name]
        events = events[in_period(events, period)]
        base = headcount_end
        if metric == "M4":
            regulated = _regulated(headcount_end, notes)
            if regulated is None:
                continue
            base = headcount_end[regulated]
        if metric == "M5":
            events = _funded_non_mandatory(events, notes)
        add(metric, _people_with_events(events, base, notes, metric), base)

    if "survey" in frames:
        survey = frames["survey"]
        for metric in ("M6", "M7"):
            for question in METRICS[metric].questions:
                if question.column not in survey.columns:
                    continue
                answered = survey[survey[question.column].notna()]
                add(metric, _group_counts(answered, answered[question.column]), answered, item=question.key)

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


def _count_pay_bands(current: pd.DataFrame, settings: Settings, add, notes: list[str]) -> None:
    salary = current["salary"] if "salary" in current.columns else None
    bands = current["pay_band"] if "pay_band" in current.columns else pd.Series(pd.NA, index=current.index,
                                                                                 dtype="str")
    if salary is not None:
        bands = bands.fillna(salary_bands(salary, settings))
    if bands.notna().sum() == 0:
        notes.append("The staff data has no pay band or salary column, so metric 1 cannot be shown.")
        return
    unbanded = int(bands.isna().sum())
    if unbanded:
        notes.append(f"{unbanded} staff in post have neither a pay band nor a salary and are left out of metric 1.")
    banded = pd.DataFrame({"band": bands, "group": current["group"]})[bands.notna()]
    in_band = banded.groupby(["band", "group"], observed=True).size()
    group_totals = banded.groupby("group", observed=True).size()
    people = current[bands.notna()]
    for band in band_order(banded["band"], salary.loc[banded.index] if salary is not None else None, settings):
        add("M1", {g: (float(in_band.get((band, g), 0)), float(group_totals.get(g, 0))) for g in GROUPS}, people,
            item=str(band))


def _count_senior(current: pd.DataFrame, settings: Settings, add, notes: list[str]) -> None:
    if "senior_manager" in current.columns and current["senior_manager"].notna().any():
        senior = current["senior_manager"].fillna(False).astype(bool)
    elif "pay_band" in current.columns or "salary" in current.columns:
        bands = current["pay_band"] if "pay_band" in current.columns else pd.Series(pd.NA, index=current.index,
                                                                                     dtype="str")
        if "salary" in current.columns:
            bands = bands.fillna(salary_bands(current["salary"], settings))
        senior = bands.isin(list(settings.senior_bands)).fillna(False).astype(bool)
        if not senior.any():
            notes.append("No senior managers were found: the data has no senior-manager column and no staff "
                         f"in the senior bands ({', '.join(settings.senior_bands) or 'none set'}). "
                         "Set the senior bands in the settings (--senior-band on the command line).")
            return
        notes.append(f"Senior managers are the staff in the bands {', '.join(settings.senior_bands)}.")
    else:
        return
    add("M9", _group_counts(current, senior), current)


def _count_leavers(staff: pd.DataFrame, leavers: pd.DataFrame | None, period: Period, add,
                   notes: list[str]) -> None:
    start_in_post = in_post(staff, period.start)
    end_in_post = in_post(staff, period.end)
    if "leave_date" in staff.columns:
        left = (staff["leave_date"].notna() & in_period(staff, period, "leave_date")).astype(bool)
    else:
        left = pd.Series(False, index=staff.index)
    extra = None
    if leavers is not None and len(leavers):
        leavers = leavers[in_period(leavers, period, "leave_date")]
        if "employee_id" in leavers.columns and "employee_id" in staff.columns:
            known = leavers["employee_id"].isin(staff["employee_id"]).fillna(False).astype(bool)
            left = left | staff["employee_id"].isin(leavers["employee_id"]).fillna(False).astype(bool)
            extra = leavers[~known]
        else:
            extra = leavers
    elif "leave_date" not in staff.columns:
        return
    if extra is not None and len(extra):
        # Leavers not in the staff snapshot were in post at the start unless they started later.
        extra_start = (extra["start_date"].isna() | (extra["start_date"] <= pd.Timestamp(period.start))
                       if "start_date" in extra.columns else pd.Series(True, index=extra.index))
        extra_groups = extra["group"].value_counts()
        extra_start_groups = extra[extra_start.astype(bool)]["group"].value_counts()
    else:
        extra_groups = extra_start_groups = pd.Series(dtype="int64")
    start_counts = staff[start_in_post].groupby("group").size()
    end_counts = staff[end_in_post].groupby("group").size()
    left_counts = staff[left].groupby("group").size()
    per_group = {}
    for g in GROUPS:
        start = float(start_counts.get(g, 0) + extra_start_groups.get(g, 0))
        end = float(end_counts.get(g, 0))
        per_group[g] = (float(left_counts.get(g, 0) + extra_groups.get(g, 0)), (start + end) / 2)
    if sum(events for events, _ in per_group.values()) == 0 and leavers is None:
        notes.append("No leave dates fall in the period, so metric 8 shows no leavers; if leavers are kept in a "
                     "separate list, add it as the leavers dataset.")
    base_rows = pd.concat([staff[start_in_post | end_in_post | left], extra]) if extra is not None else \
        staff[start_in_post | end_in_post | left]
    add("M8", per_group, base_rows)


def _regulated(current: pd.DataFrame, notes: list[str]) -> pd.Series | None:
    if "regulated_professional" in current.columns and current["regulated_professional"].notna().any():
        return current["regulated_professional"].fillna(False).astype(bool)
    if "job_title" in current.columns:
        regulated = current["job_title"].astype("str").str.contains(REGULATED_TITLE).fillna(False).astype(bool)
        notes.append("The staff data has no regulated-professional column; regulated professionals were taken "
                     "from job titles (social workers, occupational therapists and similar).")
        return regulated
    notes.append("Metric 4 needs to know who is a regulated professional: add a 'Regulated professional' "
                 "column (Y/N) or job titles to the staff data.")
    return None


def _funded_non_mandatory(cpd: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    keep = pd.Series(True, index=cpd.index)
    if "funded" in cpd.columns:
        keep &= cpd["funded"].fillna(False).astype(bool)
    else:
        notes.append("The CPD data has no 'funded' column: every course is counted as funded.")
    if "non_mandatory" in cpd.columns:
        keep &= cpd["non_mandatory"].fillna(False).astype(bool)
    else:
        notes.append("The CPD data has no mandatory / non-mandatory column: every course is counted as "
                     "non-mandatory.")
    return cpd[keep]


def _people_with_events(events: pd.DataFrame, base: pd.DataFrame, notes: list[str],
                        metric: str) -> dict[str, tuple[float, float]]:
    """People (not cases or courses) with at least one event, by group, over the headcount.

    Events tied to an employee number count each person once, whether or not they are still
    in post at the period end (a dismissal must not hide the disciplinary case that led to
    it); events with only an ethnicity count one per row.
    """
    base_counts = base.groupby("group").size()
    if "employee_id" in events.columns:
        with_id = events["employee_id"].notna()
        people = events[with_id].drop_duplicates("employee_id")
        event_counts = people.groupby("group").size().add(events[~with_id].groupby("group").size(), fill_value=0)
    else:
        event_counts = events.groupby("group").size()
    counts = {}
    for g in GROUPS:
        n_events, n_base = float(event_counts.get(g, 0)), float(base_counts.get(g, 0))
        if n_events > n_base:
            notes.append(f"Metric {METRICS[metric].number}: more {g} people had an event ({n_events:,.0f}) than "
                         f"were in post at the period end ({n_base:,.0f}); the rate is capped at 100%.")
            n_events = n_base
        counts[g] = (n_events, n_base)
    return counts
