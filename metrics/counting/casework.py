"""Casework and other events over the headcount: the people with at least one event in the year
(disciplinary cases, fitness to practise referrals, courses), each once, over the staff in post at
the period end.

A metric's counting may narrow both sides by its options (metrics.registry.Counting): `among` names
whom the headcount counts (and then only their events count, by the same rule), `only` which events
count. The words of each option are keys of AMONG and ONLY below.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.counting.common import (
    EVENTS,
    Context,
    Rows,
    counted,
    day_words,
    events_in_period,
    flag,
    group_codes,
    isin,
    per_group,
    pick,
    say_over_100,
    staff_rows,
    text_matches,
)
from metrics.counts import Period
from metrics.registry import MetricDefinition

# Job titles that mark a regulated professional (Social Work England, HCPC) when the staff
# data has no flag for it.
REGULATED_TITLE = re.compile(
    r"social worker|occupational therapist|\bot\b|\bamhp\b|approved mental health professional|"
    r"practice educator|\bswe\b|physiotherapist|\bnurse\b",
    re.IGNORECASE,
)

# How many unmatched employee numbers a note shows: enough to find the pattern (a prefix, leading zeros),
# few enough that a note is not a list of people.
_SHOWN_NUMBERS = 5


def count_casework(context: Context, definition: MetricDefinition) -> None:
    name, notes, staff, current = definition.counting.events, context.notes, context.staff, context.current
    if name not in context.frames:
        return
    if staff is None or current is None:
        notes.append(f"Metric {definition.number} needs the staff data for headcounts; "
                     f"the {name.replace('_', ' ')} data alone cannot give a rate.")
        return
    events = context.frames[name]
    events = _matched_events(name, definition, events[events_in_period(name, definition, events, context.period,
                                                                       notes)], notes)
    base = current
    if definition.counting.among:
        found = AMONG[definition.counting.among].rule(staff, current, notes, definition)
        if found is None:
            return
        among, how = found
        base = current & among
        # The same rule picks the events as the headcount, or the rate is of two populations.
        events = _events_among(name, events, staff, among, how, notes, definition)
    if definition.counting.only:
        events = ONLY[definition.counting.only](events, notes)
    _note_not_in_post(definition, events, staff, base, context.period, notes)
    context.add(definition.id, _people_with_events(events, per_group(group_codes(staff), base), notes, definition,
                                                    context),
                [(staff, base)])


# --- Among the staff in post ----------------------------------------------------------------------


@dataclass(frozen=True)
class Among:
    """Whom a headcount counts among the staff in post (the option's words are "regulated professionals":
    the people, many), and the rule that picks them."""

    # One of them, in words: "a regulated professional".
    one: str
    # The staff rows they are and by what, in words; None (with a note) when the data cannot say.
    rule: Callable[[pd.DataFrame, Rows, list[str], MetricDefinition], tuple[Rows, str] | None]


def _regulated(staff: pd.DataFrame, current: Rows, notes: list[str],
               definition: MetricDefinition) -> tuple[Rows, str] | None:
    """Which staff rows are regulated professionals, and by what, in words."""
    if "regulated_professional" in staff.columns and \
            staff["regulated_professional"].notna().to_numpy()[current].any():
        return flag(staff["regulated_professional"]), "the staff data's regulated-professional column"
    if "job_title" in staff.columns:
        regulated = text_matches(staff["job_title"], lambda titles: titles.str.contains(REGULATED_TITLE))
        notes.append("The staff data has no regulated-professional column; regulated professionals were taken "
                     "from job titles (social workers, occupational therapists and similar).")
        return regulated, "their job title in the staff data"
    notes.append(f"Metric {definition.number} needs to know who is a regulated professional: add a 'Regulated "
                 "professional' column (Y/N) or job titles to the staff data.")
    return None


AMONG: dict[str, Among] = {
    "regulated professionals": Among("a regulated professional", _regulated),
}


def _events_among(name: str, events: pd.DataFrame, staff: pd.DataFrame, among: Rows, how: str,
                  notes: list[str], definition: MetricDefinition) -> pd.DataFrame:
    """The events of the people the headcount counts (`among`, picked by `how`).

    An event is looked up as the headcount counts its person (the last staff record of the number,
    as the events were joined to the staff). One with no employee number cannot be looked up: it is
    counted, as the data gives no reason not to, and a note says so.
    """
    people, one = definition.counting.among, AMONG[definition.counting.among].one
    words, metric = EVENTS[name], f"metric {definition.number}"
    if "employee_id" not in events.columns or "employee_id" not in staff.columns:
        if len(events):
            notes.append(f"The {words.many} cannot be matched to the staff data by employee number, so whether "
                         f"each is of {one} cannot be checked: all {len(events):,} are counted in {metric}.")
        return events
    ids = events["employee_id"]
    rows = staff_rows(ids, staff["employee_id"])
    numbered = ids.notna().to_numpy(dtype=bool)
    is_among = pick(among, rows, 0).astype(bool)
    # A number outside this view's staff (a filter's) is outside the view, not outside `among`: dropped unsaid,
    # as every event outside a filter is. Numbers no staff record holds were left out before, with a note.
    left_out = int(np.count_nonzero(numbered & (rows >= 0) & ~is_among))
    keep = ~numbered | is_among
    if left_out:
        are, they = ("is", "it is") if left_out == 1 else ("are", "they are")
        notes.append(f"{left_out:,} of the {len(events):,} {words.many} {are} of staff who are not {people} by "
                     f"{how}, so {they} left out of {metric}, whose headcount is {people} only.")
    unnumbered = int(np.count_nonzero(~numbered))
    if unnumbered:
        them, it = (f"{words.one} has", "it is") if unnumbered == 1 else (f"{words.many} have", "each is")
        notes.append(f"{unnumbered:,} {them} no employee number, so whether {it} of {one} cannot be checked; "
                     f"counted in {metric}.")
    return events[keep]


# --- Which events count ---------------------------------------------------------------------------


def _funded_non_mandatory(cpd: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    keep = np.ones(len(cpd), dtype=bool)
    if "funded" in cpd.columns:
        keep &= flag(cpd["funded"])
    else:
        notes.append("The CPD data has no 'funded' column: every course is counted as funded.")
    if "non_mandatory" in cpd.columns:
        keep &= flag(cpd["non_mandatory"])
    else:
        notes.append("The CPD data has no mandatory / non-mandatory column: every course is counted as "
                     "non-mandatory.")
    return cpd[keep]


def _non_mandatory(cpd: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Non-mandatory training and CPD, funded or not (the NHS WRES's indicator 4 says nothing of funding)."""
    if "non_mandatory" not in cpd.columns:
        notes.append("The training data has no mandatory / non-mandatory column: every course is counted as "
                     "non-mandatory.")
        return cpd
    blank = int(cpd["non_mandatory"].isna().sum())
    if blank:
        notes.append(f"{blank:,} of the {len(cpd):,} courses do not say whether they were mandatory, so they are "
                     "not counted as non-mandatory.")
    return cpd[flag(cpd["non_mandatory"])]


# A capability case's reason that says ill health (WDES metric 3 counts capability on grounds of performance only).
# "Health and safety" is not ill health (a breach of it is a conduct or performance matter).
ILL_HEALTH = re.compile(r"\b(?:ill|health(?!\s*(?:and|&)\s*safety)|sick\w*|attendance|absence|medical)\b",
                        re.IGNORECASE)


def _performance(cases: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Capability cases on grounds of performance: a reason that says ill health (ill health, sickness, attendance,
    absence, medical) is left out; a blank reason, or no reason column, is counted as performance (a formal
    capability case is a performance case unless recorded as ill health). Notes say how many of each."""
    if not len(cases):
        return cases
    if "reason" not in cases.columns:
        notes.append(f"The capability data has no reason column: all {len(cases):,} capability cases are counted as "
                     "performance cases; ill-health capability cannot be told apart and left out.")
        return cases
    reasons = cases["reason"].astype("str")
    ill = text_matches(cases["reason"], lambda texts: texts.str.contains(ILL_HEALTH))
    blank = reasons.isna().to_numpy(dtype=bool)
    if ill.any():
        they = "it is" if ill.sum() == 1 else "they are"
        notes.append(f"{int(ill.sum()):,} of the {len(cases):,} capability cases give ill health as the reason (ill "
                     f"health, sickness, attendance or absence), so {they} left out: the WDES counts capability on "
                     "grounds of performance only.")
    if blank.any():
        notes.append(f"{int(blank.sum()):,} of the {len(cases):,} capability cases give no reason; they are counted "
                     "as performance cases.")
    return cases[~ill]


ONLY: dict[str, Callable[[pd.DataFrame, list[str]], pd.DataFrame]] = {
    "funded non-mandatory": _funded_non_mandatory,
    "non-mandatory": _non_mandatory,
    "performance": _performance,
}


# --- People with events ---------------------------------------------------------------------------


def _matched_events(name: str, definition: MetricDefinition, events: pd.DataFrame,
                    notes: list[str]) -> pd.DataFrame:
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
    words = EVENTS[name].many
    # Distinct numbers in the order they come; only the few shown are written out as text.
    numbers = events["employee_id"][unmatched].drop_duplicates()
    shown = ", ".join(str(n) for n in numbers.iloc[:_SHOWN_NUMBERS])
    if len(numbers) > _SHOWN_NUMBERS:
        shown += f" and {len(numbers) - _SHOWN_NUMBERS:,} more"
    count = int(unmatched.sum())
    they = "it is" if count == 1 else "they are"
    notes.append(f"{count:,} of the {len(events):,} {words} could not be matched to anyone "
                 f"in the staff data by employee number ({shown}), so {they} left out of metric "
                 f"{definition.number}. Check these numbers against the staff list.")
    return events[~unmatched]


def _people_with_events(events: pd.DataFrame, base_counts: np.ndarray, notes: list[str],
                        definition: MetricDefinition, context: Context) -> dict[str, tuple[float, float]]:
    """People (not cases or courses) with at least one event, by group, over the headcount.

    Events tied to an employee number count each person once, whether or not they are still
    in post at the period end (a dismissal must not hide the disciplinary case that led to
    it); events with only an ethnicity count one per row.
    """
    if "employee_id" in events.columns:
        ids = events["employee_id"]
        # A person's first event decides their group, as their first row would.
        first = ids.isna().to_numpy() | ~ids.duplicated(keep="first").to_numpy()
    else:
        first = None
    counts = counted(per_group(group_codes(events), first), base_counts, context.comparison)
    say_over_100(definition, counts, "in post at the period end (people who left during the year, and cases "
                 "with no employee number, still count)", notes, context.comparison)
    return counts


def _note_not_in_post(definition: MetricDefinition, events: pd.DataFrame, staff: pd.DataFrame, base: Rows,
                      period: Period, notes: list[str]) -> None:
    """Say how many of the people counted above the line are not below it: they left (or stopped being in
    the base) before the snapshot. The standards count them (the year's cases over the snapshot's
    headcount, the definition's `counted`); the note keeps that from being silent."""
    if "employee_id" not in events.columns or "employee_id" not in staff.columns or not len(events):
        return
    people = events["employee_id"].dropna().drop_duplicates()
    if not len(people):
        return
    outside = int(np.count_nonzero(~isin(people, staff["employee_id"][base])))
    if outside:
        were = "was" if outside == 1 else "were"
        notes.append(f"Metric {definition.number}: {outside:,} of the {len(people):,} counted under "
                     f"'{definition.events_label}' {were} not in post on {day_words(period.end)} (they left during "
                     "the year). They are counted, by the metric's rule: see 'Who is counted'.")
