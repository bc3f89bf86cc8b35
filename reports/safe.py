"""Text from users and spreadsheets goes into xlsx and csv as text, never as a formula.

OWASP's CSV-injection advice: a cell beginning with = + - @ tab or carriage return can be run
as a formula by a spreadsheet, so it is prefixed with a single quote. Spreadsheet programs also
read a formula after leading spaces, tabs or line breaks (" =1+1", "\\n=1+1"), and some read the
full-width signs (＝ ＋ － ＠, as an East Asian keyboard types them) as the ASCII ones, so those
are neutralised too. Only strings are touched: the number -5 stays a number, while the text "-5"
(which can only have come from a person or a file, since the engine writes numbers as numbers)
becomes "'-5".
"""

from __future__ import annotations

import re
from typing import TypeVar

FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
# The signs a spreadsheet may read as the start of a formula: ASCII and full-width (U+FF1D, U+FF0B, U+FF0D, U+FF20).
_SIGNS = "=+\\-@\uff1d\uff0b\uff0d\uff20"
# A sign after any leading white space (including the ideographic space), or a tab, carriage return or line feed
# at the very start.
_RISKY = re.compile(rf"^(?:[\s\u3000]*[{_SIGNS}]|[\t\r\n])")

T = TypeVar("T")


def is_risky(value: str) -> bool:
    """Whether a spreadsheet could read `value` as a formula."""
    return _RISKY.match(value) is not None


def safe_cell(value: T) -> T | str:
    if isinstance(value, str) and is_risky(value):
        return "'" + value
    return value


def csv_bytes(rows: list[dict[str, object]], columns: dict[str, str]) -> bytes:
    """Rows as a CSV a spreadsheet opens safely: `columns` maps each key to its heading; every text cell through
    safe_cell; lists joined with "; "; UTF-8 with a byte-order mark, so Excel reads accents and the £ sign."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(heading) for heading in columns.values()])
    for row in rows:
        cells = []
        for key in columns:
            value = row.get(key)
            if isinstance(value, (list, tuple)):
                value = "; ".join(str(v) for v in value)
            cells.append("" if value is None else safe_cell(value))
        writer.writerow(cells)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
