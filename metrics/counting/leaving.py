"""Leaving: the staff who left in the year, from the staff list's leaving dates and a leavers list, over
the average of the headcounts at the start and the end of the year."""

from __future__ import annotations

import datetime as dt

import numpy as np

from metrics.counting.common import (
    Context,
    blank,
    events_in_period,
    group_codes,
    in_period_rows,
    in_post_rows,
    isin,
    on_or_before,
    per_group,
    say_over_100,
)
from metrics.registry import GROUPS, MetricDefinition


def count_leaving(context: Context, definition: MetricDefinition) -> None:
    staff, end_in_post, period, notes = context.staff, context.current, context.period, context.notes
    if staff is None or end_in_post is None:
        return
    # The starting headcount is the snapshot on the day before the year starts (31 March for an April to
    # March year), as published: someone who left on its first day was in post at the start.
    before = period.start - dt.timedelta(days=1)
    start_in_post = in_post_rows(staff, before)
    if "leave_date" in staff.columns:
        left = in_period_rows(staff, period, "leave_date")
    else:
        left = np.zeros(len(staff), dtype=bool)
    extra = None
    # The leavers list, when given (the counting's events dataset).
    leavers = context.frames.get(definition.counting.events)
    if leavers is not None and len(leavers):
        leavers = leavers[events_in_period(definition.counting.events, definition, leavers, period, notes)]
        if "employee_id" in leavers.columns and "employee_id" in staff.columns:
            listed = isin(staff["employee_id"], leavers["employee_id"])
            known = isin(leavers["employee_id"], staff["employee_id"][listed])
            left = left | listed
            extra = leavers[~known]
        else:
            extra = leavers
    elif "leave_date" not in staff.columns:
        # Said, because the overview sends whoever sees this metric without figures to these notes.
        notes.append(f"Metric {definition.number} has no figures: the staff data has no leaving date column "
                     "and no leavers list was given. Add a leaving date column to the staff data, or a leavers file.")
        return
    extra_groups = extra_start_groups = np.zeros(len(GROUPS), dtype=np.intp)
    if extra is not None and len(extra):
        # Leavers not in the staff snapshot were in post at the start unless they started later.
        extra_start = (blank(extra["start_date"]) | on_or_before(extra["start_date"], before)
                       if "start_date" in extra.columns else np.ones(len(extra), dtype=bool))
        extra_groups = per_group(group_codes(extra))
        extra_start_groups = per_group(group_codes(extra), extra_start)
    codes = group_codes(staff)
    starting = per_group(codes, start_in_post) + extra_start_groups
    ending = per_group(codes, end_in_post)
    leaving = per_group(codes, left) + extra_groups
    counts = {g: (float(leaving[i]), (float(starting[i]) + float(ending[i])) / 2)
              for i, g in enumerate(context.comparison.keys)}
    say_over_100(definition, counts, "of the average headcount (leavers are counted over the average of the "
                 "headcounts at the start and end of the year, not out of it)", notes, context.comparison)
    if sum(events for events, _ in counts.values()) == 0 and leavers is None:
        notes.append(f"No leave dates fall in the period, so metric {definition.number} shows no leavers; if leavers "
                     "are kept in a separate list, add it as the leavers dataset.")
    in_year = start_in_post | end_in_post | left
    context.add(definition.id, counts, [(staff, in_year), (extra, None)] if extra is not None else [(staff, in_year)])
