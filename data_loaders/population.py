"""The local population by ethnic group, from the Census 2021 table ONS publishes as TS021.

Metric 9 (senior management) and the pay bands are set beside the minority-ethnic share of
the residents of the area an organisation serves. The table is read as the ONS custom dataset
tool downloads it: one row per area and category, with the columns

    Lower Tier Local Authorities Code, Lower Tier Local Authorities,
    Ethnic group (20 categories) Code, Ethnic group (20 categories), Observation

or the same for upper tier local authorities, or for the 6-category table. Categories are
classified exactly as staff's ethnicity is (data_loaders.ethnicity), so the White-minorities
setting moves the same people in both.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any

from data_loaders import values
from data_loaders.errors import InputError
from data_loaders.ethnicity import (
    AFRICAN,
    ANY_OTHER_ETHNIC_GROUP,
    ARAB,
    BANGLADESHI,
    CARIBBEAN,
    CHINESE,
    GYPSY_OR_IRISH_TRAVELLER,
    INDIAN,
    OTHER_ASIAN,
    OTHER_BLACK,
    OTHER_MIXED,
    OTHER_WHITE,
    PAKISTANI,
    ROMA,
    WHITE_AND_ASIAN,
    WHITE_AND_BLACK_AFRICAN,
    WHITE_AND_BLACK_CARIBBEAN,
    WHITE_BRITISH,
    WHITE_IRISH,
    Classification,
    classify_label,
    group_of,
)
from data_loaders.readers import read_workbook
from data_loaders.report import RawSheet
from data_loaders.schema import normalise_heading

SOURCE = "Census 2021 (ONS TS021), usual residents"
TYPED_SOURCE = "typed in"

LOWER_TIER = "Lower Tier Local Authorities"
UPPER_TIER = "Upper Tier Local Authorities"
TIERS: tuple[str, ...] = (LOWER_TIER, UPPER_TIER)
OBSERVATION = "Observation"
DOES_NOT_APPLY = "Does not apply"

# TS021 as ONS codes it: (category code, label), in the order of its rows.
TS021_CATEGORIES: tuple[tuple[int, str], ...] = (
    (-8, DOES_NOT_APPLY),
    (1, BANGLADESHI), (2, CHINESE), (3, INDIAN), (4, PAKISTANI), (5, OTHER_ASIAN),
    (6, AFRICAN), (7, CARIBBEAN), (8, OTHER_BLACK),
    (9, WHITE_AND_ASIAN), (10, WHITE_AND_BLACK_AFRICAN), (11, WHITE_AND_BLACK_CARIBBEAN), (12, OTHER_MIXED),
    (13, WHITE_BRITISH), (14, WHITE_IRISH), (15, GYPSY_OR_IRISH_TRAVELLER), (16, ROMA), (17, OTHER_WHITE),
    (18, ARAB), (19, ANY_OTHER_ETHNIC_GROUP),
)
TS021_HEADINGS: tuple[str, ...] = (
    f"{LOWER_TIER} Code", LOWER_TIER, "Ethnic group (20 categories) Code", "Ethnic group (20 categories)", OBSERVATION,
)

HEADER_SEARCH_ROWS = 30
_CATEGORY_HEADING = re.compile(r"ethnic group (\d+) categories")
_WHOLE_NUMBER = re.compile(r"\d+|\d{1,3}(?:,\d{3})+")
# Rows ONS does not write in TS021 but nomis and hand-made copies add: counting them would count everyone twice.
_TOTAL_LABEL = re.compile(r"total\b.*|all usual residents\b.*")

_DOWNLOAD = (
    "Download 'TS021 Ethnic group' from the ONS (the Census 2021 'Create a custom dataset' tool at "
    "www.ons.gov.uk/datasets/create, or the Census maps) or from nomis (www.nomisweb.co.uk), for "
    "lower tier (or upper tier) local authorities with 'Ethnic group (20 categories)', and upload the CSV "
    "as it is downloaded, headings unchanged."
)
_AS_DOWNLOADED = "Upload the table as ONS publishes it, without editing its rows."


@dataclass(frozen=True)
class Area:
    code: str
    name: str


@dataclass(frozen=True)
class AreaPopulation:
    """The residents of one area, or of several summed, with a stated ethnic group.

    A share a person typed in has no counts: residents, bme and white are None and
    `typed_bme_pct` holds what was typed.
    """

    codes: tuple[str, ...]
    name: str
    residents: int | None
    bme: int | None
    white: int | None
    source: str
    typed_bme_pct: float | None = None

    def __post_init__(self) -> None:
        counts = (self.residents, self.bme, self.white)
        if self.typed_bme_pct is None:
            if any(count is None or count < 0 for count in counts):
                raise ValueError("an area's residents, bme and white must be counts of 0 or more")
            if self.bme + self.white != self.residents:  # type: ignore[operator]
                raise ValueError(
                    f"{self.name}: bme ({self.bme}) and white ({self.white}) must add up to the residents "
                    f"({self.residents})"
                )
        elif any(count is not None for count in counts):
            raise ValueError("a typed-in share has no counts of residents")

    @property
    def bme_pct(self) -> float | None:
        """Minority-ethnic residents as a % of residents with a stated group; None when there are none."""
        if self.typed_bme_pct is not None:
            return self.typed_bme_pct
        if not self.residents:
            return None
        return 100.0 * self.bme / self.residents  # type: ignore[operator]


@dataclass(frozen=True)
class PopulationTable:
    """A TS021 table as read: usual residents by area and by category label (as ONS writes it)."""

    file: str
    tier: str  # LOWER_TIER or UPPER_TIER
    detail: str  # "20 categories" or "6 categories"
    names: dict[str, str]  # area code -> area name
    counts: dict[str, dict[str, int]]  # area code -> category label -> residents

    def areas(self) -> list[Area]:
        return sorted((Area(code, name) for code, name in self.names.items()), key=lambda a: (a.name, a.code))

    def category_counts(self, codes: Sequence[str]) -> dict[str, int]:
        """Residents by category with a stated group, summed over the areas: the shape
        Settings.local_population holds. "Does not apply" is left out."""
        summed: dict[str, int] = {}
        for code in self._chosen(codes):
            for label, residents in self.counts[code].items():
                classification = classify_label(label)
                if classification is not None and classification.stated:
                    summed[label] = summed.get(label, 0) + residents
        return summed

    def for_areas(self, codes: Sequence[str], *, white_minorities_as_bme: bool = False) -> AreaPopulation:
        chosen = self._chosen(codes)
        groups = {"bme": 0, "white": 0}
        for label, residents in self.category_counts(chosen).items():
            group = group_of(classify_label(label), white_minorities_as_bme)
            if group == "unknown":
                raise self._white_not_separable(label)
            groups[group] += residents
        ordered = sorted(chosen, key=lambda code: (self.names[code], code))
        return AreaPopulation(
            codes=tuple(ordered),
            name=", ".join(self.names[code] for code in ordered),
            residents=groups["bme"] + groups["white"],
            bme=groups["bme"],
            white=groups["white"],
            source=SOURCE,
        )

    def _chosen(self, codes: Sequence[str]) -> list[str]:
        if isinstance(codes, str):  # one code passed bare would be read letter by letter
            codes = [codes]
        chosen = list(dict.fromkeys(str(code).strip().upper() for code in codes))
        if not chosen:
            raise InputError("no area was chosen", file=self.file, advice="Choose at least one area from the table.")
        unknown = [code for code in chosen if code not in self.names]
        if unknown:
            raise InputError(
                f"the area code{'s' if len(unknown) > 1 else ''} {_quoted(unknown)} "
                f"{'are' if len(unknown) > 1 else 'is'} not in the table",
                file=self.file,
                advice="Choose from the areas the table lists, or download TS021 for the area you need.",
            )
        return chosen

    def _white_not_separable(self, label: str) -> InputError:
        return InputError(
            f"the table gives '{label}' as one figure (Ethnic group ({self.detail})), so White minorities "
            "(Irish, Gypsy or Irish Traveller, Roma, Other White) cannot be counted as minority ethnic "
            "as the setting asks",
            file=self.file,
            advice="Download TS021 with 'Ethnic group (20 categories)' instead, or turn the "
            "White-minorities setting off.",
        )


def typed_population(bme_pct: float, area: str, *, source: str = TYPED_SOURCE) -> AreaPopulation:
    """The minority-ethnic share of an area's residents as a person typed it, in %."""
    if isinstance(bme_pct, bool) or not isinstance(bme_pct, Real):
        raise ValueError(f"The local population's minority-ethnic share must be a number, not {bme_pct!r}.")
    share = float(bme_pct)
    if not math.isfinite(share) or not 0 <= share <= 100:
        raise ValueError(
            f"The local population's minority-ethnic share is a percentage from 0 to 100; {bme_pct!r} was given."
        )
    name = area.strip() if isinstance(area, str) else ""
    if not name:
        raise ValueError("Say which area the local population's minority-ethnic share is for.")
    return AreaPopulation(codes=(), name=name, residents=None, bme=None, white=None, source=source,
                          typed_bme_pct=share)


# --- reading --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Header:
    sheet: RawSheet
    index: int  # into sheet.rows
    found: dict[str, int]  # role -> cell position
    headings: dict[str, str]  # role -> heading as written
    tier: str | None
    detail: str | None
    written: list[str]  # every heading of the row, as written

    @property
    def row(self) -> int:
        return self.sheet.first_row + self.index


_ROLES = ("code", "name", "category", "observation")


def read_ts021(name: str, data: bytes) -> PopulationTable:
    """A TS021 table from a CSV or workbook's bytes; InputError for anything that cannot be used."""
    sheets = read_workbook(name, data)
    header = _best_header(sheets)
    missing = [role for role in _ROLES if role not in header.found] if header else list(_ROLES)
    if header is None or missing:
        raise _not_ts021(name, header, missing)
    return _read_rows(name, header)


def is_ts021(sheets: list[RawSheet]) -> bool:
    """Whether the sheets hold a TS021-shaped table (its category and Observation headings), so a
    loader of HR exports can send it to read_ts021 rather than call it unrecognisable."""
    header = _best_header(sheets)
    return header is not None and {"category", "observation"} <= header.found.keys()


def _best_header(sheets: list[RawSheet]) -> _Header | None:
    best: _Header | None = None
    for sheet in sheets:
        looked_at = 0
        for index, row in enumerate(sheet.rows):
            if all(values.is_blank(cell) for cell in row):
                continue
            header = _header(sheet, index, row)
            if header.found and (best is None or len(header.found) > len(best.found)):
                best = header
            looked_at += 1
            if looked_at >= HEADER_SEARCH_ROWS or len(header.found) == len(_ROLES):
                break
        if best is not None and len(best.found) == len(_ROLES):
            return best
    return best


def _header(sheet: RawSheet, index: int, row: list[Any]) -> _Header:
    written = {position: _text(cell) for position, cell in enumerate(row) if not values.is_blank(cell)}
    keys = {position: normalise_heading(text) for position, text in written.items()}
    found: dict[str, int] = {}
    tier = detail = None
    for candidate in TIERS:
        tier_key = normalise_heading(candidate)
        code = _position(keys, f"{tier_key} code")
        if code is not None:
            tier, found["code"] = candidate, code
            name = _position(keys, tier_key)
            if name is not None:
                found["name"] = name
            break
    for position, key in keys.items():
        match = _CATEGORY_HEADING.fullmatch(key)
        if match and "category" not in found:
            detail, found["category"] = f"{match.group(1)} categories", position
    observation = _position(keys, normalise_heading(OBSERVATION))
    if observation is not None:
        found["observation"] = observation
    return _Header(sheet, index, found, {role: written[p] for role, p in found.items()}, tier, detail,
                   list(written.values()))


def _position(keys: dict[int, str], wanted: str) -> int | None:
    return next((position for position, key in keys.items() if key == wanted), None)


def _text(cell: Any) -> str:
    text = values.text_value(cell)
    return "" if text is values.BLANK else str(text).strip()


def _quoted(texts: Sequence[str]) -> str:
    quoted = [f"'{text}'" for text in texts]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


def _not_ts021(name: str, header: _Header | None, missing: list[str]) -> InputError:
    expected = {
        "code": f"'{LOWER_TIER} Code' (or '{UPPER_TIER} Code')",
        "name": f"'{header.tier if header and header.tier else LOWER_TIER}'",
        "category": "'Ethnic group (20 categories)' (or '(6 categories)')",
        "observation": f"'{OBSERVATION}'",
    }
    wanted = [expected[role] for role in missing]
    columns = wanted[0] if len(wanted) == 1 else f"{', '.join(wanted[:-1])} and {wanted[-1]}"
    problem = (
        f"this is not the Census 2021 ethnic group table (ONS TS021): "
        f"the column{'s' if len(wanted) > 1 else ''} {columns} {'were' if len(wanted) > 1 else 'was'} not found"
    )
    if header is not None:
        problem += f" (headings found in row {header.row}: {_quoted(header.written)})"
    return InputError(problem, file=name, sheet=(header.sheet.name or None) if header else None, advice=_DOWNLOAD)


def _read_rows(name: str, header: _Header) -> PopulationTable:
    sheet = header.sheet
    where: dict[str, Any] = {"file": name, "sheet": sheet.name or None}
    names: dict[str, str] = {}
    named_at: dict[str, int] = {}
    counts: dict[str, dict[str, int]] = {}
    counted_at: dict[tuple[str, str], int] = {}
    for index in range(header.index + 1, len(sheet.rows)):
        row_number = sheet.first_row + index
        cells = {role: _cell(sheet.rows[index], position) for role, position in header.found.items()}
        label, observation = cells["category"], cells["observation"]
        if values.is_blank(label) and values.is_blank(observation):
            continue  # blank rows and the notes under a table
        for role in _ROLES:
            if values.is_blank(cells[role]):
                raise InputError(f"the {header.headings[role]} cell is blank", row=row_number,
                                 column=header.headings[role], advice=_AS_DOWNLOADED, **where)
        label_text = _text(label)
        if _TOTAL_LABEL.fullmatch(normalise_heading(label_text)):
            continue
        _check_label(label_text, header, row_number, where)
        residents = _whole_number(observation)
        if residents is None:
            raise InputError(
                f"the Observation '{_text(observation)}' is not a whole number of residents",
                row=row_number, column=header.headings["observation"], advice=_AS_DOWNLOADED, **where,
            )
        code, area = _text(cells["code"]).upper(), " ".join(_text(cells["name"]).split())
        if names.setdefault(code, area).casefold() != area.casefold():
            raise InputError(
                f"the area code {code} is listed twice with different names: '{names[code]}' "
                f"(row {named_at[code]}) and '{area}'",
                row=row_number, column=header.headings["name"],
                advice="Check that the rows were not edited or pasted from two tables; download the table again.",
                **where,
            )
        named_at.setdefault(code, row_number)
        if (code, label_text) in counted_at:
            raise InputError(
                f"'{label_text}' is listed twice for {area} ({code}), in rows {counted_at[code, label_text]} "
                f"and {row_number}",
                row=row_number, advice="Remove the repeated row, or download the table again.", **where,
            )
        counted_at[code, label_text] = row_number
        counts.setdefault(code, {})[label_text] = residents
    if not counts:
        raise InputError(
            f"the table has headings (row {header.row}) but no rows of figures under them",
            advice=_DOWNLOAD, **where,
        )
    return PopulationTable(file=name, tier=header.tier or LOWER_TIER, detail=header.detail or "", names=names,
                           counts=counts)


def _cell(row: list[Any], position: int) -> Any:
    return row[position] if position < len(row) else None


def _check_label(label: str, header: _Header, row_number: int, where: dict[str, Any]) -> None:
    classification = classify_label(label)
    if normalise_heading(label) == normalise_heading(DOES_NOT_APPLY) or _is_census_group(classification):
        return
    raise InputError(
        f"the ethnic group '{label}' is not one of the Census 2021 categories",
        row=row_number, column=header.headings["category"], advice=_AS_DOWNLOADED, **where,
    )


def _is_census_group(classification: Classification | None) -> bool:
    # A category or a high-level group: what TS021's 20 and 6 categories are. Anything looser
    # (a label recognised only as "not stated") is not a row of this table.
    return classification is not None and classification.stated and classification.high_level is not None


def _whole_number(cell: Any) -> int | None:
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int):
        return cell if cell >= 0 else None
    if isinstance(cell, float):
        return int(cell) if cell.is_integer() and cell >= 0 else None
    text = _text(cell)
    return int(text.replace(",", "")) if _WHOLE_NUMBER.fullmatch(text) else None

