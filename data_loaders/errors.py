"""The one error a loader raises for input a person can fix."""

from __future__ import annotations


class InputError(Exception):
    """Input that cannot be used, with where it is and what to do about it.

    `str(error)` is a complete sentence for a person: it names the file (and the sheet,
    row or column when known) and says what to do. Nothing else about the input is lost
    by raising it: callers keep what was already loaded.
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        advice: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        self.advice = advice
        super().__init__(self.message)

    @property
    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(f"'{self.file}'")
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)

    @property
    def message(self) -> str:
        text = f"{self.where}: {self.problem}" if self.where else self.problem
        if self.advice:
            text = f"{text.rstrip('.')}. {self.advice}"
        return text
