"""Cell addresses as spreadsheet programs write them."""

from __future__ import annotations


def column_letters(number: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA: the column part of a cell address, for a column numbered from 1."""
    if number < 1:
        raise ValueError(f"columns are numbered from 1, not {number}")
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
