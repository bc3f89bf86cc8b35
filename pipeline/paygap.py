"""The files behind the pay gaps: the staff workbook (with its payroll columns), or a payroll export joined to it by
employee number, read into one frame of relevant employees' rows for metrics.paygap.

`staff=FILE` (or a FILE with no dataset) is an HR export of staff; `payroll=FILE` is a payroll export, whose pay,
hours and bonus columns are taken for each of its rows, and whose people's sex, ethnicity, disability and dates
come from the staff rows with the same employee number where the payroll file has no column of its own for them.
Every row left out on the way is counted in a note.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from data_loaders.errors import InputError
from data_loaders.load import concat_records, load_sheets
from data_loaders.readers import local_limits, read_workbook
from metrics import paygap

STAFF, PAYROLL = "staff", "payroll"
KINDS = (STAFF, PAYROLL)
# The columns a payroll row brings; the rest of a person's row may come from the staff export.
PAY_COLUMNS = ("ordinary_pay", "weekly_hours", "pay_period_days", "bonus_pay", "full_pay_relevant", "reduced_pay")
# Read from any sheet: the pay gaps check the columns they need themselves, and say which is missing.
_NO_REQUIRED_COLUMNS: tuple[tuple[str, ...], ...] = ()


@dataclass
class PayrollInputs:
    frame: pd.DataFrame
    files: list[str] = field(default_factory=list)
    # canonical column -> the heading it was read from, over every sheet (for messages naming what was found)
    headings: dict[str, str] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def parse_payroll_argument(argument: str) -> tuple[str, str]:
    """'payroll=pay.csv' -> ('pay.csv', 'payroll'); 'staff.xlsx' -> ('staff.xlsx', 'staff')."""
    name, sep, path = argument.partition("=")
    kind = name.strip().lower()
    if sep and kind in KINDS:
        return path, kind
    if sep and not os.path.exists(argument):
        raise InputError(f"'{name}' is not a kind of file the pay gaps read",
                         advice="Write staff=FILE for the staff workbook or payroll=FILE for a payroll export.")
    return argument, STAFF


def _read(path: str, inputs: PayrollInputs) -> pd.DataFrame | None:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError("the file does not exist", file=path, advice="Check the path and try again.") from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", file=path, advice="Name the spreadsheet files inside it.") from None
    except OSError as error:
        raise InputError(f"the file cannot be read ({error.strerror})", file=path) from None
    name = Path(path).name
    inputs.files.append(name)
    loaded = load_sheets(read_workbook(name, data), dataset="staff", required=_NO_REQUIRED_COLUMNS)
    inputs.notes.extend(loaded.warnings)
    for report in loaded.sheets:
        inputs.headings.update({column: heading for column, heading in report.columns.items()
                                if column not in inputs.headings})
        inputs.unmapped.extend(h for h in report.unmapped_headings if h not in inputs.unmapped)
        for skipped in report.skipped:
            rows = "row" if skipped.count == 1 else "rows"
            inputs.notes.append(f"{report.label}: {skipped.count:,} {rows} skipped ({skipped.reason})")
        inputs.notes.extend(f"{report.label}: {note}" for note in report.notes)
    return loaded.datasets.get("staff")


def _join(payroll: pd.DataFrame, staff: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Each payroll row with the staff columns it lacks, from the staff row of the same employee number."""
    for frame, what in ((payroll, "payroll"), (staff, "staff")):
        if "employee_id" not in frame.columns:
            raise InputError(f"the {what} file has no employee number column, so the payroll cannot be joined to the "
                             "staff records",
                             advice="Give both files a column headed 'Employee Number' (or 'Employee ID').")
    extra = [c for c in staff.columns if c not in payroll.columns and c not in PAY_COLUMNS]
    people = staff.loc[staff["employee_id"].notna(), ["employee_id", *extra]]
    repeated = people["employee_id"].duplicated(keep="last")
    if repeated.any():
        notes.append(f"{int(repeated.sum()):,} staff rows repeat an employee number: the last row of each is used")
        people = people.loc[~repeated.to_numpy(dtype=bool)]
    joined = payroll.merge(people, on="employee_id", how="left", indicator=True)
    unmatched = int((joined["_merge"] == "left_only").sum())
    if unmatched:
        notes.append(f"{unmatched:,} payroll rows have no staff row with the same employee number: their "
                     f"{', '.join(c.replace('_', ' ') for c in extra) or 'details'} are not known")
    return joined.drop(columns="_merge")


def read_payroll_paths(arguments: Iterable[str]) -> PayrollInputs:
    """The files read and put together, as the pay gaps need them (see the module's docstring)."""
    parts: dict[str, list[pd.DataFrame]] = {STAFF: [], PAYROLL: []}
    inputs = PayrollInputs(pd.DataFrame())
    with local_limits():  # the user's own files, on their own machine
        for argument in arguments:
            path, kind = parse_payroll_argument(argument)
            frame = _read(path, inputs)
            if frame is not None:
                parts[kind].append(frame)
    staff = concat_records(parts[STAFF]) if parts[STAFF] else None
    payroll = concat_records(parts[PAYROLL]) if parts[PAYROLL] else None
    if payroll is not None and staff is not None:
        inputs.frame = _join(payroll, staff, inputs.notes)
    elif payroll is not None:
        inputs.frame = payroll
    elif staff is not None:
        inputs.frame = staff
    else:
        raise InputError("no rows of staff or payroll data were found in the files",
                         advice="Give the staff workbook, or a payroll export, with a row of headings above "
                         "one row per person.")
    return inputs


_NEEDED = {
    "ordinary_pay": ("ordinary pay", "'Ordinary Pay' (the pay for the pay period that holds the snapshot, before "
                     "tax)"),
    "weekly_hours": ("weekly hours", "'Weekly Contracted Hours' (or a whole-time equivalent, 'Contracted WTE' or "
                     "'FTE', with {full_time})"),
}
# Where a column may stand in for a needed one: the whole-time equivalent for the weekly hours.
_OR = {"weekly_hours": "wte"}
_BY_COLUMN = {"sex": ("sex", "'Sex' (or 'Gender')"), "ethnicity": ("ethnicity", "'Ethnicity'"),
              "disability": ("disability", "'Disability'")}
# What to do, said where the person is: at the command line, or in the app.
COMMAND_LINE = ("add it to the export, or give the payroll file as payroll=FILE beside the staff workbook.",
                "--full-time-hours")
APP = ("add it to the staff workbook and upload it again on the Data page.", "the full-time week set on this page")


def check_columns(columns: Sequence[str], by: str, headings: Sequence[str],
                  where: tuple[str, str] = COMMAND_LINE) -> None:
    """InputError naming the first column the pay gaps need by `by` that is missing, with what to add (`where`:
    COMMAND_LINE's words or APP's)."""
    found = ", ".join(f"'{h}'" for h in headings) or "none"
    what_to_do, full_time = where
    for column, (words, heading) in [*_NEEDED.items(), (_BY_COLUMN[by][0], _BY_COLUMN[by])]:
        if column not in columns and _OR.get(column) not in columns:
            raise InputError(
                f"no {words} column was found in the files (headings not used: {found})",
                advice=f"The pay gaps need a column headed {heading.format(full_time=full_time)}; {what_to_do}",
            )


@dataclass(frozen=True)
class PayGapWorking:
    """One comparison's pay gaps with what they were worked out from: who is counted, and how they are grouped."""

    result: paygap.PayGapResult
    payroll: paygap.Payroll
    grouping: paygap.Grouping


def pay_gaps_of(frame: pd.DataFrame, *, by: str, snapshot: dt.date, headings: Sequence[str] = (),
                reference: str = paygap.WHITE_REFERENCE, threshold: int = paygap.DEFAULT_GROUP_THRESHOLD,
                white_minorities_as_bme: bool = False, full_time_hours: float = paygap.DEFAULT_FULL_TIME_HOURS,
                period_days: int | None = None, ethnicity_overrides: Mapping[str, str] | None = None,
                disability_overrides: Mapping[str, str] | None = None,
                bootstrap: paygap.Bootstrap | None = None, where: tuple[str, str] = COMMAND_LINE) -> PayGapWorking:
    """The pay gaps by `by` from staff (or payroll) rows already read; InputError, saying what to add, when a
    column they need is missing (`headings`: the headings not used, named in the message) or no one is in a
    group compared (`where`: whose words say what to do, COMMAND_LINE's or APP's)."""
    check_columns(list(frame.columns), by, headings, where)
    payroll = paygap.relevant_employees(frame, snapshot, period_days=period_days, full_time_hours=full_time_hours)
    try:
        grouping = paygap.grouping_for(payroll.frame, by, reference=reference, threshold=threshold,
                                       white_minorities_as_bme=white_minorities_as_bme,
                                       ethnicity_overrides=ethnicity_overrides,
                                       disability_overrides=disability_overrides)
    except ValueError as error:
        raise InputError(str(error)) from None
    if grouping.group.notna().sum() == 0:
        raise InputError(f"no relevant employee at {snapshot:%d %B %Y} is in a group compared by {by}",
                         advice=f"Check the snapshot date and the column of {by}.")
    return PayGapWorking(paygap.pay_gaps(payroll, grouping, bootstrap), payroll, grouping)
