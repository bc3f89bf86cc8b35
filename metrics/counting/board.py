"""Counted from the board list and the staff in post: the board's members by group, against the workforce.

The counts of a board metric (W9, NHS WRES indicator 9) are laid out as every "representation" metric's are (M9's
senior managers): one row per item and group, `events` the board's members of the group with that role, `base` the
group's workforce. The items are the metric's questions (the registry's: "voting", then "executive"), each counted
from the board column of the same name; an item whose column the board list lacks, or leaves blank for everyone, is
not counted, and a note says so. So each item's representation is computed as M9's is (metrics.results): the
group's share of the item's board members whose group is known, less its share of the workforce whose group is
known. The groups are the context's comparison's, so a disability standard counts disabled and non-disabled
members with the same counter.

Board members are not joined to the staff list (non-executive directors are not staff): the board list's own
ethnicity (disability) column says each member's group, and a member without one is counted in the unknown group,
as a note says.
"""

from __future__ import annotations

import numpy as np

from metrics.counting.common import Context, counted, flag, group_codes, per_group, text_matches
from metrics.registry import METRICS, STANDARDS, MetricDefinition, is_bank

# The dataset a board metric's events come from.
BOARD = "board"


def workforce_rows(context: Context, definition: MetricDefinition) -> np.ndarray | None:
    """The staff in post at the period end, without bank workers when the standard leaves them out of the pay
    bands and the staff data says who they are (the people metric 1 counts, banded or not); a note says how many
    were left out. None without staff."""
    staff, current = context.staff, context.current
    if staff is None or current is None:
        return None
    standard = STANDARDS[context.settings.standard]
    if not (standard.pay_bands_leave_out_bank and "assignment_category" in staff.columns):
        return current
    bank = text_matches(staff["assignment_category"], lambda values: values.map(is_bank)) & current
    left_out = int(np.count_nonzero(bank))
    if left_out:
        workers = "bank worker" if left_out == 1 else "bank workers"
        context.notes.append(f"{left_out:,} {workers} in post (an assignment category of bank) left out of the "
                             f"workforce of metric {definition.number}, as the {standard.name} leaves them out of "
                             "the pay bands.")
    return current & ~bank


def count_board(context: Context, definition: MetricDefinition) -> None:
    """Each item's board members (the rows flagged yes in its column) by group, over each group's workforce."""
    board = context.frames.get(definition.counting.events or BOARD)
    staff = context.staff
    if board is None or staff is None:
        return  # the metric needs both, and says so as any metric without its data does
    notes, number = context.notes, definition.number
    workforce = workforce_rows(context, definition)
    assert workforce is not None and context.current is not None  # staff is here
    if not workforce.any():
        # With no one in post at all, the pay bands' note says so for every metric counted from the snapshot.
        said = not context.current.any() and any(
            METRICS[m].counting.counter == "pay_bands" for m in STANDARDS[context.settings.standard].metrics)
        if not said:
            notes.append(f"No one in the staff list is in the workforce at the period end, so metric {number} "
                         "(the board against the workforce) cannot be shown.")
        return
    if not len(board):
        notes.append(f"The board list has no members, so metric {number} cannot be shown.")
        return
    codes = group_codes(board)
    comparison = context.comparison
    unknown = int(np.count_nonzero(codes == comparison.keys.index(comparison.unknown.key)))
    if unknown:
        has, it = ("has", "it is") if unknown == 1 else ("have", "they are")
        notes.append(f"{unknown} of the {len(board)} board members {has} no {comparison.key} recorded, or one that "
                     f"says none, so {it} counted as {comparison.label(comparison.unknown.key).lower()} in metric "
                     f"{number}: the shares compare the members whose {comparison.key} is known.")
    staff_groups = per_group(group_codes(staff), workforce)
    for question in definition.questions:
        if question.column not in board.columns or not board[question.column].notna().any():
            notes.append(f"The board list does not say who are {question.label}, so metric "
                         f"{number} has no figure for them.")
            continue
        values = board[question.column]
        blank = int(values.isna().sum())
        if blank:
            has, it = ("has", "it is") if blank == 1 else ("have", "they are")
            notes.append(f"{blank} of the {len(board)} board members {has} a blank in the board list's "
                         f"'{question.column}' column, so {it} not counted among {question.label} in metric "
                         f"{number}.")
        members = flag(values)
        # The data-quality line is the workforce's, as every metric's is of its base (and a counts template's).
        context.add(definition.id, counted(per_group(codes, members), staff_groups, comparison),
                    [(staff, workforce)], item=question.key)
