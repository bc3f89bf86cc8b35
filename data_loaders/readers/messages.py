"""What the readers tell a person about a file they cannot read, and what to do about it."""

from __future__ import annotations

from data_loaders.errors import InputError

RESAVE_XLSX = "Open it in Excel, save it again as Excel Workbook (.xlsx) and upload the new copy."
SAVE_AS_SPREADSHEET = "Save it from Excel as .xlsx or .csv and upload again."
MAKE_SMALLER = (
    "Remove the rows, columns or sheets you don't need (including formatted cells far below "
    "or to the right of the table), or save the data as .csv, then upload again."
)


def empty_file(name: str) -> InputError:
    return InputError(
        "the file is empty",
        file=name,
        advice="Check that you chose the right file, save it again from Excel and upload it.",
    )


def password_protected(name: str) -> InputError:
    return InputError(
        "the workbook is password-protected",
        file=name,
        advice=(
            "Remove the password (File > Info > Protect Workbook in Excel, then clear the "
            "password) and upload it again."
        ),
    )


def damaged(name: str, detail: str = "") -> InputError:
    problem = "the workbook is damaged or incomplete, so it could not be read"
    if detail:
        problem = f"{problem} ({detail})"
    return InputError(problem, file=name, advice=RESAVE_XLSX)


def unusual(name: str, what: str) -> InputError:
    return InputError(
        f"the workbook {what}, which spreadsheet programs do not do; it may be damaged or "
        "built to attack the reader, so it was not opened",
        file=name,
        advice=RESAVE_XLSX,
    )
