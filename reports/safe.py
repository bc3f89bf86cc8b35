"""Text from users and spreadsheets goes into xlsx and csv as text, never as a formula.

OWASP's CSV-injection advice: a cell beginning with = + - @ tab or carriage return can be run
as a formula by a spreadsheet, so it is prefixed with a single quote. Only strings are touched:
the number -5 stays a number, while the text "-5" (which can only have come from a person or a
file, since the engine writes numbers as numbers) becomes "'-5".
"""

from __future__ import annotations

from typing import TypeVar

FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

T = TypeVar("T")


def safe_cell(value: T) -> T | str:
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
