"""One sheet of cells -> one canonical dataset frame, and a report of everything done to it.

Council exports have title rows above the headings, blank spacer columns, totals rows,
footnotes and headings repeated on every printed page. None of that is edited away by a
person: it is recognised here, skipped, and reported with the spreadsheet row numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from data_loaders import values
from data_loaders.cell_address import column_letters
from data_loaders.errors import InputError
from data_loaders.report import RawSheet, SheetReport, SkippedRows
from data_loaders.schema import SCHEMAS, DatasetSchema, normalise_heading

HEADER_SEARCH_ROWS = 30
MIN_HEADER_MATCHES = 2
# Known headings shorter than this only match a heading exactly: "date" must not claim
# "Date of birth", nor "pay" claim "Pay band".
_MIN_PARTIAL_LENGTH = 5
# ...except at the end of a heading, where "date" is what the heading is: "Case date".
_SHORT_SUFFIXES = frozenset({"date"})
# A heading that starts or ends with a known one is about something else when the rest
# says so: "Employee name" is not an employee ID, "Manager ethnicity" not the person's.
_NOT_THE_SAME_THING = frozenset({
    "name", "names", "surname", "forename", "forenames", "birth", "dob", "email", "address",
    "postcode", "phone", "telephone", "mobile", "age", "non", "not", "no",
})
_SOMEONE_ELSE = frozenset({
    "manager", "managers", "officer", "investigator", "investigating", "chair", "panel", "line",
    "recruiting", "interviewer", "hiring", "referrer",
})
_NOTES_SHEET = re.compile(
    r"(?<![a-z0-9])(?:notes?|read ?me|guidance|instructions?|look ?ups?|contents|cover|glossary|"
    r"definitions|drop ?downs|lists|validation|help|about|summary|charts?|dashboard|pivot)(?![a-z0-9])"
)
_CSV_SUFFIXES = (".csv", ".tsv", ".txt")
# Headings of a table of counts by ethnic group rather than one row per person.
_GROUP_HEADINGS = frozenset({
    "white", "bme", "bame", "black", "asian", "mixed", "minority ethnic", "global majority",
    "not known", "unknown", "not stated", "other", "% bme", "bme %", "% white", "white %",
})
_TOTALS = re.compile(r"(?:grand |overall |sub ?)?totals?(?: .*)?|count(?: of .*)?|sum(?: of .*)?")
_MAY_BE_TOTAL = re.compile(r"tot|count|sum")  # a cheap test before _TOTALS on a casefolded key
_NOTES_TEXT = re.compile(
    r"\s*(?:\*|†|‡|\[\d+\]|\(\d+\)|"
    r"(?:source|sources|data source|notes?|n\.?b\.?|footnotes?|caveats?|prepared by|produced by)\b)",
    re.IGNORECASE,
)
_PAGE = re.compile(r"\s*page \d+(?: of \d+)?\s*", re.IGNORECASE)
_NUMBER_TEXT = re.compile(r"[£$€]?\s*[-+]?[\d,]*\.?\d+\s*%?")
# How SheetReport.ignored starts when the headings fit several datasets equally.
AMBIGUOUS = "could not tell which data it holds"


class SheetTable(NamedTuple):
    dataset: str | None
    frame: pd.DataFrame | None
    report: SheetReport


class SheetError(InputError):
    """An InputError about one sheet, knowing which dataset the sheet was taken for."""

    def __init__(
        self,
        problem: str,
        *,
        file: str,
        sheet: str,
        dataset: str | None,
        advice: str | None = None,
        no_rows: bool = False,
        missing: tuple[str, ...] = (),
        headings: tuple[str, ...] = (),
    ) -> None:
        super().__init__(problem, file=file, sheet=sheet or None, advice=advice)
        self.dataset = dataset
        self.no_rows = no_rows
        # A required column not found: any one of `missing` would do, and `headings` are the sheet's, so that a
        # front end can offer to choose which heading holds it.
        self.missing = missing
        self.headings = headings


# --- headings ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Heading:
    position: int
    # As written, stripped; a heading written again further along is told apart by its column, 'Ethnicity
    # (column D)', so that a person can choose either in a list of headings and a mapping can name either.
    text: str
    key: str  # normalise_heading(written)
    written: str  # as written, stripped: what a heading repeated inside the data looks like


@dataclass(frozen=True)
class _Match:
    column: str
    heading: _Heading
    known: str  # the known heading it matched
    exact: bool
    coverage: float  # share of the heading's words the known heading accounts for

    def rank(self, known_index: int) -> tuple[float, int, int, int]:
        return (-self.coverage, 0 if self.exact else 1, known_index, self.heading.position)


_KNOWN: dict[str, dict[str, tuple[str, ...]]] = {
    name: {column.name: tuple(normalise_heading(h) for h in column.headings) for column in schema.columns}
    for name, schema in SCHEMAS.items()
}
# How many datasets use a known heading: "ethnicity" says little about which dataset a
# sheet is, "shortlisted" says it all.
_SPREAD: dict[str, int] = {}
for _columns in _KNOWN.values():
    for _known in {k for headings in _columns.values() for k in headings}:
        _SPREAD[_known] = _SPREAD.get(_known, 0) + 1


# A sheet's note on rows with no ethnicity (see pipeline.api.analyse: a standard that does not group people by
# ethnicity, the WDES, leaves it out).
NO_ETHNICITY_RECORDED = "had no ethnicity recorded"

def _match_heading(key: str, known: str) -> tuple[bool, float] | None:
    if key == known:
        return True, 1.0
    if len(known) < _MIN_PARTIAL_LENGTH and known not in _SHORT_SUFFIXES:
        return None
    if key.startswith(known + " ") and known not in _SHORT_SUFFIXES:
        rest = set(key[len(known) + 1:].split())
        if rest & _NOT_THE_SAME_THING:
            return None
    elif key.endswith(" " + known):
        rest = set(key[: -len(known) - 1].split())
        if rest & (_NOT_THE_SAME_THING | _SOMEONE_ELSE):
            return None
    else:
        return None
    return False, len(known.split()) / len(key.split())


def _known_headings(datasets: list[str], mappings: Mapping[str, Mapping[str, str]]) -> set[str]:
    known = {k for d in datasets for headings in _KNOWN[d].values() for k in headings}
    known |= {normalise_heading(h) for d in datasets for h in mappings.get(d, {}).values()}
    return known


def _row_score(row: list[Any], known: set[str]) -> tuple[int, int]:
    matches = exact = 0
    for cell in row:
        if values.is_blank(cell):
            continue
        key = normalise_heading(_cell_text(cell))
        if key in known:
            matches, exact = matches + 1, exact + 1
        elif any(_match_heading(key, k) for k in known):
            matches += 1
    return matches, exact


def _cell_text(cell: Any) -> str:
    if values.is_blank(cell):
        return ""
    text = values.text_value(cell)
    return "" if text is values.BLANK else str(text)


def _find_header(rows: list[list[Any]], known: set[str]) -> int | None:
    best: tuple[int, int] = (0, 0)
    header = None
    looked_at = 0
    for index, row in enumerate(rows):
        if all(values.is_blank(cell) for cell in row):
            continue
        score = _row_score(row, known)
        if score[0] >= MIN_HEADER_MATCHES and score > best:
            best, header = score, index
        looked_at += 1
        if looked_at >= HEADER_SEARCH_ROWS:
            break
    return header


def _headings(row: list[Any]) -> list[_Heading]:
    headings: list[_Heading] = []
    seen: set[str] = set()
    for position, cell in enumerate(row):
        if not (written := _cell_text(cell)):
            continue
        key = normalise_heading(written)
        text = f"{written} (column {column_letters(position + 1)})" if key in seen else written
        seen.add(key)
        headings.append(_Heading(position, text, key, written))
    return headings


def _forced_matches(
    schema: DatasetSchema, headings: list[_Heading], mapping: Mapping[str, str], sheet: RawSheet, strict: bool
) -> dict[str, _Match]:
    forced: dict[str, _Match] = {}
    for column, written in mapping.items():
        if column not in schema.column_names:
            raise ValueError(f"'{column}' is not a column of {schema.name}; its columns are {schema.column_names}")
        wanted = normalise_heading(written)
        found = [h for h in headings if h.text == str(written).strip()] or [h for h in headings if h.key == wanted]
        if found:
            forced[column] = _Match(column, found[0], wanted, True, 1.0)
        elif strict:
            raise SheetError(
                f"the heading '{written}' chosen for {column_label(column)} is not on this sheet "
                f"(headings found: {_quoted(h.text for h in headings)})",
                file=sheet.file,
                sheet=sheet.name,
                dataset=schema.name,
                advice="Choose one of the headings found, or check that the right sheet was chosen.",
            )
    return forced


def _assign(
    schema: DatasetSchema,
    headings: list[_Heading],
    mapping: Mapping[str, str],
    sheet: RawSheet,
    strict: bool = False,
) -> dict[str, _Match]:
    """Each canonical column gets its best heading, each heading is used once; a mapping wins."""
    assignment = _forced_matches(schema, headings, mapping, sheet, strict)
    taken = {m.heading.position for m in assignment.values()}
    candidates: list[tuple[tuple[float, int, int, int], _Match]] = []
    for column, known_headings in _KNOWN[schema.name].items():
        if column in assignment:
            continue
        for heading in headings:
            if heading.position in taken:
                continue
            matches = [
                (match.rank(index), match)
                for index, known in enumerate(known_headings)
                if (found := _match_heading(heading.key, known))
                for match in [_Match(column, heading, known, *found)]
            ]
            if matches:
                candidates.append(min(matches, key=lambda item: item[0]))
    for _, match in sorted(candidates, key=lambda item: item[0]):
        if match.column not in assignment and match.heading.position not in taken:
            assignment[match.column] = match
            taken.add(match.heading.position)
    return assignment


# --- which dataset -----------------------------------------------------------------------


def _datasets_named(sheet: RawSheet) -> list[str]:
    """Datasets the sheet's name (or a CSV's file name) names, most specific name first."""
    names = [sheet.name]
    if not sheet.name.strip() or sheet.file.lower().endswith(_CSV_SUFFIXES):
        names.append(PurePath(sheet.file).stem)
    found: dict[str, int] = {}
    for name in names:
        key = normalise_heading(name)
        for dataset, schema in SCHEMAS.items():
            for sheet_name in schema.sheet_names:
                known = normalise_heading(sheet_name)
                if re.search(rf"(?<![a-z0-9]){re.escape(known)}(?![a-z0-9])", key):
                    found[dataset] = max(found.get(dataset, 0), len(known))
    return sorted(found, key=lambda dataset: -found[dataset])


def _is_notes_sheet(sheet: RawSheet) -> bool:
    return bool(_NOTES_SHEET.search(normalise_heading(sheet.name))) and not _datasets_named(sheet)


def _score(schema: DatasetSchema, assignment: dict[str, _Match]) -> float:
    required = {column for group in schema.required for column in group}
    return sum(
        match.coverage / _SPREAD.get(match.known, 1) * (2 if match.column in required else 1)
        for match in assignment.values()
    )


def _tie_break(tied: list[str], assignments: dict[str, dict[str, _Match]]) -> str | None:
    def has(dataset: str, *columns: str) -> bool:
        return dataset in tied and any(c in assignments[dataset] for c in columns)

    if has("recruitment", "shortlisted", "appointed", "outcome"):
        return "recruitment"
    if has("survey", "harassment_public", "harassment_colleagues", "harassment_managers"):
        return "survey"
    if has("staff", "pay_band", "salary", "job_title"):
        return "staff"
    if has("leavers", "leave_date") and not any(c in assignments.get("staff", {}) for c in ("pay_band", "salary")):
        return "leavers"
    return None


def _choose_dataset(
    candidates: list[str], headings: list[_Heading], mappings: Mapping[str, Mapping[str, str]], sheet: RawSheet
) -> tuple[str | None, str | None]:
    """(dataset, None) or (None, why no dataset could be chosen)."""
    assignments = {d: _assign(SCHEMAS[d], headings, mappings.get(d, {}), sheet) for d in candidates}
    scores = {d: round(_score(SCHEMAS[d], assignments[d]), 9) for d in candidates}
    best = max(scores.values())
    if best <= 0:
        return None, "no recognisable headings"
    tied = [d for d in candidates if scores[d] == best]
    # A case log's columns are the disciplinary and capability lists' alike (data_loaders.schema): a sheet named by
    # neither is taken for disciplinary cases, as before there were capability cases (and split by its case type,
    # when it has one: data_loaders.load).
    if "disciplinary" in tied and "capability" in tied:
        tied.remove("capability")
    if len(tied) == 1:
        return tied[0], None
    chosen = _tie_break(tied, assignments)
    if chosen:
        return chosen, None
    names = " and ".join(SCHEMAS[d].title.lower() for d in tied)
    return None, (
        f"{AMBIGUOUS}: its headings fit {names} equally. Name the sheet "
        f"after its data (e.g. '{SCHEMAS[tied[0]].title}') or choose the dataset"
    )


# --- rows --------------------------------------------------------------------------------


def _grid(rows: list[list[Any]], width: int) -> np.ndarray:
    widths = {len(row) for row in rows}
    if widths == {width} and width:
        grid = np.empty((len(rows), width), dtype=object)
        grid[:] = rows
        return grid
    grid = np.empty((len(rows), width), dtype=object)
    for index, row in enumerate(rows):
        grid[index, : len(row)] = row
    return grid


# Text tests on a cell's key (its text casefolded, spaces collapsed), each with a pattern that every
# plain-ASCII value passing the test matches (case-insensitively): a column of a million distinct values
# (a large CSV's IDs) is narrowed to its candidates in C before a key is made in Python. Values with any
# other character (where casefolding can change length or spaces differ) are always candidates.
@dataclass(frozen=True)
class _Test:
    passes: Callable[[str], bool]
    may_pass: str  # RE2 syntax
    numbers_may_pass: bool = False  # whether a key of only digits, spaces and .,+- can pass


_SPACE = r"[\s\x0b\x1c-\x1f]"
_NOT_ASCII = r"[^\x00-\x7f]"


def _equals_key(keys: set[str]) -> _Test:
    words = ("|".join(f"{_SPACE}*" + f"{_SPACE}+".join(re.escape(w) for w in key.split()) + f"{_SPACE}*"
                      for key in sorted(keys)))
    numbers = any(re.fullmatch(r"[0-9 .,+-]*", key) for key in keys)
    return _Test(keys.__contains__, f"^(?:{words})$", numbers)


class _Cells:
    """One column of the rows below the header."""

    blank: np.ndarray  # per row

    def where(self, test: _Test) -> np.ndarray:
        raise NotImplementedError

    def cell(self, row: int) -> Any:
        raise NotImplementedError

    def series(self, kept: np.ndarray, index: pd.Index, coded: bool) -> pd.Series:
        """The kept cells for a parser: categorical over their distinct values (`coded`), or as they come."""
        raise NotImplementedError


_BULK_ABOVE = 1000  # distinct values, beyond which pyarrow tests them


class _DistinctCells(_Cells):
    """Codes into the column's distinct values (-1: None or NaN): one test per distinct value."""

    def __init__(self, codes: np.ndarray, uniques: np.ndarray, text: Any = None) -> None:
        """`text`: the distinct values as a pyarrow string array, when they are all text (a large CSV's),
        so that tens of thousands of them (salaries) are tested in bulk too."""
        self.codes, self.uniques = codes, uniques
        self._text = _TextCells(text) if text is not None and len(text) > _BULK_ABOVE else None
        blank = self._text.blank if self._text is not None else [*map(values.is_blank, uniques)]
        self.blank = np.append(np.asarray(blank, dtype=bool), True)[codes]
        self._keys: list[str | None] | None = None

    @classmethod
    def of(cls, cells: np.ndarray) -> _DistinctCells:
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
        return cls(codes, np.asarray(uniques, dtype=object))

    def where(self, test: _Test) -> np.ndarray:
        if self._text is not None:
            return np.append(self._text.where(test), False)[self.codes]
        if self._keys is None:
            self._keys = [_casefold(value) for value in self.uniques]
        return _lookup(self.codes, [bool(key and test.passes(key)) for key in self._keys])

    def cell(self, row: int) -> Any:
        code = self.codes[row]
        return None if code < 0 else self.uniques[code]

    def series(self, kept: np.ndarray, index: pd.Index, coded: bool) -> pd.Series:
        # A categorical over the distinct values already found, so the parsers need not hash every cell again.
        categories = pd.Index(self.uniques, dtype=object)
        return pd.Series(pd.Categorical.from_codes(self.codes[kept], dtype=pd.CategoricalDtype(categories)),
                         index=index)


class _TextCells(_Cells):
    """A large CSV's column of mostly distinct text (identifiers), tested in bulk with pyarrow."""

    def __init__(self, array: Any) -> None:
        import pyarrow.compute as pc

        self.array = array.fill_null("") if array.null_count else array  # null: a column this row lacks
        self.blank = np.zeros(len(self.array), dtype=bool)
        # Cells of digits alone (most IDs) are not blank, and no text test can pass them: only the others are
        # looked at, with regular expressions, and any beyond ASCII in Python, exactly.
        digits = pc.fill_null(pc.ascii_is_decimal(self.array), False).to_numpy(zero_copy_only=False)
        self._others = np.flatnonzero(~digits)
        others = self.array.take(self._others)
        self._not_ascii = self._others[~pc.string_is_ascii(others).to_numpy(zero_copy_only=False)]
        self.blank[self._others] = _rows_matching(others, f"^{_SPACE}*$")
        for row, value in zip(self._not_ascii, self.array.take(self._not_ascii).to_pylist(), strict=True):
            self.blank[row] = not value.strip()
        # Rows holding anything but digits, spaces and number punctuation: the only rows a text test can
        # pass unless its words are themselves numbers.
        self._wordy = self._others[~_rows_matching(others, f"^(?:{_SPACE}|[0-9.,+-])*$")]

    def where(self, test: _Test) -> np.ndarray:
        rows = np.arange(len(self.blank)) if test.numbers_may_pass else self._wordy
        rows = np.union1d(rows[_rows_matching(self.array.take(rows), f"(?i){test.may_pass}")], self._not_ascii)
        passed = np.zeros(len(self.blank), dtype=bool)
        for row, value in zip(rows, self.array.take(rows).to_pylist(), strict=True):
            passed[row] = bool((key := _casefold(value)) and test.passes(key))
        return passed

    def cell(self, row: int) -> Any:
        value = self.array[int(row)].as_py()
        return None if value == "" else value

    def series(self, kept: np.ndarray, index: pd.Index, coded: bool) -> pd.Series:
        cells = self.array if len(kept) == len(self.array) else self.array.take(kept)  # kept: sorted, distinct
        if not coded:  # identifiers, nearly all distinct: parsed in bulk as text
            return pd.Series(pd.array(cells, dtype=values.STRING), index=index)
        encoded = cells.dictionary_encode()  # in C++: far quicker than hashing Python strings
        categories = pd.Index(encoded.dictionary.to_numpy(zero_copy_only=False).astype(object), dtype=object)
        codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        return pd.Series(pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories)), index=index)


def _rows_matching(array: Any, pattern: str) -> np.ndarray:
    """Whether each cell's text matches the RE2 pattern; a null matches nothing."""
    import pyarrow.compute as pc

    if not len(array):
        return np.zeros(0, dtype=bool)
    return pc.fill_null(pc.match_substring_regex(array, pattern), False).to_numpy(zero_copy_only=False)


def _columns_of_grid(rows: list[list[Any]], width: int) -> list[_Cells]:
    grid = _grid(rows, width)
    return [_DistinctCells.of(grid[:, position]) for position in range(width)]


def _columns_of_table(head: list[list[Any]], body: Any, width: int) -> list[_Cells]:
    """The rows below the header of a large CSV: the few still in `head`, then the body read by pyarrow
    (a text column for identifiers, codes into distinct values for the rest)."""
    import pyarrow as pa

    columns: list[_Cells] = []
    rows = body.num_rows
    for position in range(width):
        first = pa.array([("" if position >= len(row) or row[position] is None else str(row[position]))
                          for row in head], pa.string())
        if position >= body.num_columns:
            rest = [pa.nulls(rows, pa.string())]
        else:
            rest = body.column(position).chunks
        if rest and pa.types.is_dictionary(rest[0].type):
            columns.append(_coded_column(first, rest))
        else:
            columns.append(_TextCells(pa.chunked_array([first, *rest], pa.string()).combine_chunks()))
    return columns


def _coded_column(head: Any, body: list[Any]) -> _DistinctCells:
    """The head's cells and the body's dictionary chunks (one dictionary: the reader unified them) as codes
    into one set of distinct values; the head's values not in the body's dictionary are added to it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    dictionary = body[0].dictionary
    head_codes = pc.index_in(head, value_set=dictionary).to_numpy(zero_copy_only=False)
    missing = np.isnan(head_codes) if head_codes.dtype.kind == "f" else np.zeros(len(head_codes), dtype=bool)
    if missing.any():
        new = pa.array(pd.unique(np.asarray(head.filter(pa.array(missing)).to_pylist(), dtype=object)), pa.string())
        dictionary = pa.concat_arrays([dictionary, new])
        head_codes = pc.index_in(head, value_set=dictionary).to_numpy(zero_copy_only=False)
    codes = np.concatenate([head_codes.astype(np.int32), *(chunk.indices.to_numpy(zero_copy_only=False)
                                                           for chunk in body)])
    return _DistinctCells(codes, dictionary.to_numpy(zero_copy_only=False).astype(object), text=dictionary)


def _looks_like_number(cell: Any) -> bool:
    if isinstance(cell, str):
        return bool(_NUMBER_TEXT.fullmatch(cell.strip()))
    return values.is_number(cell)


def _totals_rest_is_numbers(columns: list[_Cells], row: int, first: int) -> bool:
    rest = [cell for column in columns[first + 1:] if not column.blank[row] and (cell := column.cell(row)) is not None]
    numbers = sum(_looks_like_number(cell) for cell in rest)
    text = sum(isinstance(cell, str) and not _looks_like_number(cell) for cell in rest)
    return text <= 1 or text < numbers


def _casefold(cell: Any) -> str | None:
    return " ".join(cell.split()).casefold() if type(cell) is str else None


def _lookup(codes: np.ndarray, answers: list[bool]) -> np.ndarray:
    return np.array([*answers, False], dtype=bool)[codes]


_PAGE_ROW = _Test(lambda key: bool(_PAGE.fullmatch(key)), "page")
# The first column is often an ID, a million distinct values: the words are tested only where they could be.
_TOTALS_WORD = _Test(lambda key: bool(_MAY_BE_TOTAL.search(key) and _TOTALS.fullmatch(normalise_heading(key))),
                     "tot|count|sum")
_NOTES_LIKE = _Test(lambda key: bool(_NOTES_TEXT.match(key)), r"[*\[(]|source|note|n\.?b|caveat|prepared|produced")


def _in_first_cells(columns: list[_Cells], first: np.ndarray, test: _Test) -> np.ndarray:
    """Whether each row's first filled cell passes the test."""
    positions = np.flatnonzero(np.bincount(first))
    if len(positions) == 1:  # the usual table: every row's first cell in the same column
        return columns[positions[0]].where(test)
    found = np.zeros(len(first), dtype=bool)
    for position in positions:
        rows = first == position
        found[rows] = columns[position].where(test)[rows]
    return found


@dataclass
class _Rows:
    kept: np.ndarray  # indices into the rows below the header
    skipped: list[SkippedRows]


def _sort_rows(
    columns: list[_Cells], titles: set[str], header: int, headings: list[_Heading], first_row: int
) -> _Rows:
    """Decide, row by row below the header, which rows are data and why the others are not."""
    wanted = {h.position: _casefold(h.written) for h in headings}
    count = len(columns[0].blank)
    # Column by column, not over a (rows x columns) matrix: a million rows, a handful of columns.
    filled_count = np.zeros(count, dtype=np.int32)
    first = np.zeros(count, dtype=np.intp)
    for position in range(len(columns) - 1, -1, -1):
        filled = ~columns[position].blank
        filled_count += filled
        first[filled] = position

    header_hits = np.zeros(count, dtype=np.int16)
    for position, key in wanted.items():
        if key and position < len(columns):
            header_hits += columns[position].where(_equals_key({key}))
    repeated_header = header_hits >= max(MIN_HEADER_MATCHES, (len(headings) + 1) // 2)
    if titles:
        in_titles = _equals_key(titles)
        # A blank row is only blank, not a title repeated.
        repeated_title = np.logical_and.reduce([column.where(in_titles) | column.blank for column in columns])
        repeated_title &= filled_count > 0
    else:
        repeated_title = np.zeros(count, dtype=bool)

    page_row = (filled_count == 1) & _in_first_cells(columns, first, _PAGE_ROW)
    totals_word = _in_first_cells(columns, first, _TOTALS_WORD)
    notes_like = _in_first_cells(columns, first, _NOTES_LIKE)

    blank_row = filled_count == 0
    # Notes start at a notes-like row after two blank rows or standing alone in its row. Only the few
    # notes-like rows are looked at: a million-row column of positions would cost more than the test.
    candidates = np.flatnonzero(notes_like & ~blank_row)
    in_notes = np.zeros(count, dtype=bool)
    if len(candidates):
        filled_rows = np.flatnonzero(~blank_row)
        before = np.searchsorted(filled_rows, candidates)
        previous = np.where(before > 0, filled_rows[np.maximum(before - 1, 0)], -1)
        blank_run = candidates - 1 - previous
        notes_start = candidates[(blank_run >= MIN_HEADER_MATCHES) | (filled_count[candidates] == 1)]
        if len(notes_start):
            in_notes[notes_start[0]:] = True
    totals = totals_word & ~repeated_header & ~repeated_title & ~page_row
    totals[totals] = [_totals_rest_is_numbers(columns, int(i), first[i]) for i in np.flatnonzero(totals)]
    reasons = {
        "notes below the table": ~blank_row & in_notes,
        "headings repeated inside the data": ~in_notes & repeated_header,
        "page title repeated inside the data": ~in_notes & ~repeated_header & (repeated_title | page_row),
        "totals row": ~in_notes & totals,
    }
    first_data_row = first_row + header + 1
    skipped = [SkippedRows(reason, (first_data_row + np.flatnonzero(rows)).tolist())
               for reason, rows in reasons.items() if rows.any()]
    dropped = np.logical_or.reduce([blank_row, *reasons.values()])
    return _Rows(np.flatnonzero(~dropped), skipped)


# --- parsing -----------------------------------------------------------------------------

_LABELS = {
    "employee_id": ("employee ID", "Employee ID"),
    "applicant_id": ("applicant ID", "Applicant ID"),
    "respondent_id": ("respondent ID", "Respondent ID"),
    "case_id": ("case ID", "Case ID"),
    "ethnicity": ("ethnicity", "Ethnicity"),
    "shortlisted": ("shortlisted", "Shortlisted"),
    "outcome": ("outcome", "Outcome"),
    "leave_date": ("leaving date", "Leaving Date"),
    "harassment_public": ("harassment from the public", "Harassment from public"),
    "harassment_colleagues": ("harassment from colleagues", "Harassment from colleagues"),
    "harassment_managers": ("harassment from managers", "Harassment from managers"),
    "harassment_staff": ("harassment from staff", "Harassment from staff"),
    "harassment_reported": ("harassment reported", "Harassment reported"),
    "pressure_to_work": ("pressure from a manager to come to work unwell", "Pressure to come to work"),
    "valued_work": ("satisfaction with how far the organisation values one's work", "Organisation values my work"),
    "adjustments": ("adequate adjustments", "Adequate adjustments"),
    "engagement_score": ("engagement score", "Engagement score"),
    "case_type": ("case type", "Case Type"),
    "equal_opportunities": ("equal opportunities for career progression", "Equal opportunities"),
    "discrimination_staff": ("discrimination from staff", "Discrimination from staff"),
}
_WHAT = {
    "money": "an amount",
    "date": "a date",
    "flag": "a yes/no answer",
    "opinion": "a yes/no/don't know answer",
    "satisfaction": "a satisfied/dissatisfied answer",
    "adjustments": "a yes/no/not needed answer",
    "score": "a score from 0 to 10",
    "executive": "a yes/no answer or 'Executive' / 'Non-executive'",
    "voting": "a yes/no answer or 'Voting' / 'Non-voting'",
    "outcome": "an outcome",
    "id": "an identifier",
}


def column_label(column: str) -> str:
    """A canonical column in words, for a sentence: 'employee ID', 'ethnicity', 'pay band'."""
    return _LABELS.get(column, (column.replace("_", " "), ""))[0]


def _suggested_heading(column: str) -> str:
    return _LABELS.get(column, ("", column.replace("_", " ").capitalize()))[1]


def _quoted(texts: Any) -> str:
    return ", ".join(f"'{text}'" for text in texts) or "none"


def _row_list(rows: list[int], limit: int = 10) -> str:
    shown = ", ".join(str(row) for row in rows[:limit])
    return f"{shown}, ..." if len(rows) > limit else shown


def _unreadable_note(kind: str, column: str, heading: str, raw: pd.Series, rows: np.ndarray) -> str:
    count = len(rows)
    examples = _quoted(pd.unique(raw.map(lambda cell: str(cell).strip()))[:3])
    if kind == "outcome":
        consequence = "as not known for shortlisted and appointed"
    elif kind in ("flag", "opinion", "satisfaction", "adjustments", "executive", "voting"):
        consequence = f"as not known for {column_label(column)}"
    elif kind == "id":
        consequence = "without an identifier"
    elif kind == "score":
        consequence = f"as not known for {column_label(column)}, and not counted"
    else:
        consequence = f"without a {column_label(column)}"
    return (
        f"{count} row{'s' if count != 1 else ''} had {_WHAT[kind]} that could not be read in column "
        f"'{heading}' (row{'s' if count != 1 else ''} {_row_list([int(r) for r in rows])}; e.g. {examples}): "
        f"{'they are' if count != 1 else 'it is'} counted {consequence}"
    )


def _without_negative_amounts(amounts: pd.Series, column: str, heading: str, raw: pd.Series, row_numbers: np.ndarray,
                              notes: list[str]) -> pd.Series:
    """The amounts with any below zero made blank, and said so with their rows (a salary, or a pay gap's ordinary
    pay, weekly hours or bonus).

    A salary below zero is no salary (a correction or a deduction typed into the wrong column): banded
    by amount it would land in the lowest pay band and pull its share and median down. Blank, the row
    is counted as a row without a salary, which the pay bands already report."""
    negative = (amounts < 0).to_numpy()
    if not negative.any():
        return amounts
    count = int(negative.sum())
    rows = [int(r) for r in row_numbers[negative]]
    examples = _quoted(pd.unique(raw[negative].map(values.text_value))[:3])
    label = column_label(column)
    s, they = ("s", "they are") if count != 1 else ("", "it is")
    # A salary places a person in a pay band; the pay gaps' amounts (ordinary pay, hours, bonus) do not.
    consequence = ("left out of the pay bands unless the row gives a pay band" if column == "salary"
                   else "left out of the figures that need it")
    notes.append(
        f"{count} row{s} had an amount below zero in column '{heading}' (row{s} {_row_list(rows)}; e.g. {examples}): "
        f"a {label} cannot be negative, so {they} counted without a {label} and {consequence}; the rest of each "
        f"row still counts for the other metrics. Correct the amount{s} in the file and load it again"
    )
    return amounts.mask(negative)


def _twin_note(column: str, read: _Heading, twin: _Heading, series: pd.Series, twin_series: pd.Series,
               raw: pd.Series, twin_raw: pd.Series, row_numbers: np.ndarray) -> str:
    """What was done about a heading written twice: one column is read (the first, unless a person chose
    the other), and whether the other would have said anything different, row by row, as read."""
    left, right = np.array(series.to_numpy(dtype=object)), np.array(twin_series.to_numpy(dtype=object))
    # Blanks as None, which equals itself: NaN, NaT and NA do not.
    left[pd.isna(left)], right[pd.isna(right)] = None, None
    differs = ~np.asarray(left == right, dtype=bool)
    read_at, twin_at = f"column {column_letters(read.position + 1)}", f"column {column_letters(twin.position + 1)}"
    first, second = (column_letters(p + 1) for p in sorted([read.position, twin.position]))
    said = f"the heading '{read.written}' is written twice, in columns {first} and {second}"
    if not differs.any():
        return f"{said}; they hold the same {column_label(column)} in every row, so {read_at} was read"
    count = int(differs.sum())
    rows = [int(r) for r in row_numbers[differs]]
    at = int(np.flatnonzero(differs)[0])

    def cell(cells: pd.Series) -> str:
        value = cells.iloc[at]
        return "blank" if values.is_blank(value) else f"'{values.text_value(value)}'"

    why = "the first" if read.position < twin.position else "as chosen"
    return (
        f"{said}, and they differ in {count} row{'s' if count != 1 else ''} (row{'s' if count != 1 else ''} "
        f"{_row_list(rows)}; e.g. row {rows[0]}: {cell(raw)} in {read_at}, {cell(twin_raw)} in {twin_at}): "
        f"{read_at}, {why}, was read for {column_label(column)} and {twin_at} was not used. If {twin_at} is "
        f"the right one, choose '{twin.text}' for {column_label(column)} (on the Data page, under Correct the "
        f"columns), or delete or rename the wrong column in the file and load it again"
    )


# Columns whose blank cells mean "no" when the column only ever marks "yes" (a tick list).
# Survey answers are not among them: a blank there is a question not answered.
_TICK_LIST_COLUMNS = frozenset({
    "senior_manager", "regulated_professional", "funded", "non_mandatory", "mandatory",
    "shortlisted", "appointed",
})


def _fill_tick_list(column: str, heading: str, flags: pd.Series, notes: list[str]) -> pd.Series:
    if column not in _TICK_LIST_COLUMNS:
        return flags
    yes, no, blank = int(flags.eq(True).sum()), int(flags.eq(False).sum()), int(flags.isna().sum())
    if not (yes and blank and not no):
        return flags
    notes.append(f"column '{heading}' only marks yes: its {blank} blank cells were read as no")
    return flags.fillna(False)


def _recruitment_flags(
    parsed: dict[str, pd.Series], outcome: pd.DataFrame | None, index: pd.Index
) -> dict[str, pd.Series]:
    missing = pd.Series(pd.NA, index=index, dtype=values.BOOLEAN)
    shortlisted = parsed.get("shortlisted", missing)
    appointed = parsed.get("appointed", missing)
    if outcome is not None:
        # Explicit Shortlisted/Appointed cells win; the outcome fills their blanks.
        shortlisted = shortlisted.fillna(outcome["shortlisted"])
        appointed = appointed.fillna(outcome["appointed"])
    # Appointment is from shortlisting: an appointed applicant was shortlisted, and one not
    # shortlisted was not appointed.
    shortlisted = shortlisted.mask(shortlisted.isna() & appointed.eq(True).fillna(False), True)
    appointed = appointed.mask(appointed.isna() & shortlisted.eq(False).fillna(False), False)
    return {"shortlisted": shortlisted, "appointed": appointed}


def _build_frame(
    schema: DatasetSchema,
    assignment: dict[str, _Match],
    columns: list[_Cells],
    kept: np.ndarray,
    first_row: int,
    report: SheetReport,
    headings: list[_Heading],
) -> pd.DataFrame:
    index = pd.RangeIndex(len(kept))
    used = {m.heading.position for m in assignment.values()}
    row_numbers = first_row + kept
    parsed: dict[str, pd.Series] = {}
    outcome: pd.DataFrame | None = None
    for column in schema.columns:
        match = assignment.get(column.name)
        if match is None:
            continue
        raw = columns[match.heading.position].series(kept, index, coded=column.kind != "id")
        series, unreadable = values.PARSERS[column.kind](raw)
        if column.kind == "outcome":
            outcome, unreadable = values.parse_outcome(raw)
        if unreadable.any():
            report.notes.append(
                _unreadable_note(column.kind, column.name, match.heading.text, raw[unreadable], row_numbers[unreadable])
            )
        if column.kind == "money":
            series = _without_negative_amounts(series, column.name, match.heading.text, raw, row_numbers, report.notes)
        if column.kind == "flag" and not (column.name in ("shortlisted", "appointed") and "outcome" in assignment):
            series = _fill_tick_list(column.name, match.heading.text, series, report.notes)
        parsed[column.name] = series.astype(values.DTYPES[column.kind])
        for twin in headings:
            if twin.key == match.heading.key and twin.position not in used:
                twin_raw = columns[twin.position].series(kept, index, coded=column.kind != "id")
                twin_series = values.PARSERS[column.kind](twin_raw)[0].astype(values.DTYPES[column.kind])
                report.notes.append(_twin_note(column.name, match.heading, twin, parsed[column.name], twin_series,
                                               raw, twin_raw, row_numbers))

    if schema.name == "recruitment":
        parsed |= _recruitment_flags(parsed, outcome, index)
    if schema.name == "cpd" and "mandatory" in parsed and "non_mandatory" not in parsed:
        parsed["non_mandatory"] = ~parsed["mandatory"]
        report.notes.append(
            f"there is no non-mandatory column: training not marked mandatory in column "
            f"'{assignment['mandatory'].heading.text}' is counted as non-mandatory"
        )
    if "ethnicity" in parsed and (unknown := int(parsed["ethnicity"].isna().sum())):
        report.notes.append(
            f"{unknown} row{'s' if unknown != 1 else ''} {NO_ETHNICITY_RECORDED}: counted as unknown"
        )
    # copy=False: no stacking of same-typed columns into one block (0.2 s at 1.6 million rows); CoW keeps it safe.
    return pd.DataFrame({name: parsed[name] for name in schema.column_names if name in parsed}, index=index, copy=False)


def canonical_dtype(dataset: str, column: str) -> Any:
    return values.DTYPES[SCHEMAS[dataset].column(column).kind]


# --- the sheet ---------------------------------------------------------------------------


def _check_required(
    schema: DatasetSchema, assignment: dict[str, _Match], headings: list[_Heading], sheet: RawSheet,
    required: tuple[tuple[str, ...], ...] | None = None,
) -> None:
    for group in schema.required if required is None else required:
        if any(column in assignment for column in group):
            continue
        labels = " or ".join(column_label(column) for column in group)
        suggested = " or ".join(f"'{_suggested_heading(column)}'" for column in group)
        comma = "," if len(group) > 1 else ""
        # Worded for the command line, which has no choice of columns; the app offers the choice instead.
        raise SheetError(
            f"no {labels} column was found for the {schema.title.lower()} data "
            f"(headings found: {_quoted(h.text for h in headings)})",
            file=sheet.file,
            sheet=sheet.name,
            dataset=schema.name,
            advice=f"Give the column that holds {labels} the heading {suggested}{comma} or add such a column.",
            missing=group,
            headings=tuple(h.text for h in headings),
        )


def read_table(
    sheet: RawSheet,
    *,
    dataset: str | None = None,
    mappings: Mapping[str, Mapping[str, str]] | None = None,
    required: tuple[tuple[str, ...], ...] | None = None,
) -> SheetTable:
    """Recognise, clean and parse one sheet.

    `dataset` says what the sheet holds (otherwise its name, then its headings, decide);
    `mappings` gives, per dataset, {canonical column: heading as written} to override the
    headings recognised. `required`, with `dataset`, replaces the dataset's required columns
    (a payroll export read as staff for the pay gaps need not have an ethnicity column).
    A sheet that is not data (notes, read me, no headings) comes back
    with `report.ignored` set and no frame. Raises SheetError (an InputError) for a data
    sheet that cannot be used: a required column missing, a chosen heading not there,
    headings with no rows under them.
    """
    if dataset is not None and dataset not in SCHEMAS:
        raise ValueError(f"unknown dataset {dataset!r}; the datasets are {tuple(SCHEMAS)}")
    mappings = mappings or {}
    report = SheetReport(file=sheet.file, sheet=sheet.name)

    def ignored(reason: str) -> SheetTable:
        report.ignored = reason
        return SheetTable(None, None, report)

    if _is_notes_sheet(sheet):
        return ignored("a notes or reference sheet (by its name)")
    rows = sheet.rows
    if not any(not values.is_blank(cell) for row in rows for cell in row):
        return ignored("the sheet is empty")

    named = _datasets_named(sheet) if dataset is None else []
    candidates = [dataset] if dataset else named or list(SCHEMAS)
    header = _find_header(rows, _known_headings(candidates, mappings))
    if header is None:
        return ignored(f"no recognisable headings in the first {HEADER_SEARCH_ROWS} rows")
    headings = _headings(rows[header])
    report.header_row = sheet.first_row + header
    if sum(h.key in _GROUP_HEADINGS for h in headings) >= 2:
        return ignored("a summary table of counts by ethnic group, not one row per person")

    chosen = dataset or (named[0] if len(named) == 1 else None)
    if chosen is None:
        chosen, why_not = _choose_dataset(candidates, headings, mappings, sheet)
        # Several datasets named ("Staff survey" says staff and survey): the headings
        # decide, and failing them the most specific name.
        chosen = chosen or (named[0] if named else None)
        if chosen is None:
            return ignored(why_not or "no recognisable headings")
    schema = SCHEMAS[chosen]
    report.dataset = chosen
    assignment = _assign(schema, headings, mappings.get(chosen, {}), sheet, strict=True)
    _check_required(schema, assignment, headings, sheet, required if dataset else None)
    used = {m.heading.position for m in assignment.values()}
    report.columns = {c: assignment[c].heading.text for c in schema.column_names if c in assignment}
    report.unmapped_headings = [h.text for h in headings if h.position not in used]

    width = max(max((len(row) for row in rows), default=0), sheet.body.num_columns if sheet.body is not None else 0)
    below = rows[header + 1:]
    columns = (_columns_of_table(below, sheet.body, width) if sheet.body is not None
               else _columns_of_grid(below, width))
    titles = {key for row in rows[:header] for cell in row if (key := _casefold(cell))}
    sorted_rows = _sort_rows(columns, titles, header, headings, sheet.first_row)
    report.skipped.extend(sorted_rows.skipped)
    kept = sorted_rows.kept
    first_data_row = sheet.first_row + header + 1
    positions = sorted(used)
    if len(kept):
        empty = np.logical_and.reduce([columns[p].blank[kept] for p in positions])
        if empty.any():
            report.skipped.append(
                SkippedRows("nothing in the columns used", [int(r) for r in first_data_row + kept[empty]])
            )
            kept = kept[~empty]
    if not len(kept):
        raise SheetError(
            "the sheet has headings but no rows of data",
            file=sheet.file,
            sheet=sheet.name,
            dataset=chosen,
            advice=f"Check that the data is on this sheet, in the rows below the headings in row {report.header_row}.",
            no_rows=True,
        )
    heading_positions = {h.position for h in headings}
    for position in range(width):
        if position not in heading_positions and not columns[position].blank[kept].all():
            report.notes.append(
                f"column {column_letters(position + 1)} has values but no heading: it was not used"
            )
    frame = _build_frame(schema, assignment, columns, kept, first_data_row, report, headings)
    report.rows_read = len(frame)
    return SheetTable(chosen, frame, report)
