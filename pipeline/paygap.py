"""The files behind the pay gaps: the staff workbook (with its payroll columns), or a payroll export joined to it by
employee number, read into one frame of relevant employees' rows for metrics.paygap.

`staff=FILE` (or a FILE with no dataset) is an HR export of staff; `payroll=FILE` is a payroll export, whose pay,
hours and bonus columns are taken for each of its rows, and whose people's sex, ethnicity, disability and dates
come from the staff rows with the same employee number where the payroll file has no column of its own for them.
Every row left out on the way is counted in a note.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from data_loaders.errors import InputError
from data_loaders.load import concat_records, load_sheets
from data_loaders.readers import local_limits, read_workbook

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
