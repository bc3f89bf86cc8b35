"""Ethnicity labels as HR, payroll, recruitment and survey exports write them, read as Census 2021
categories and as the three WRES groups: white, bme, unknown.

A label is recognised when it names a category (or only a high-level group, like "Asian")
without doubt. Anything else is left unrecognised and reported with its count, never guessed:
the organisation settles it with an override.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

import numpy as np
import pandas as pd

from data_loaders.comparison import ETHNICITY

V = TypeVar("V")

# --- Census 2021 (England and Wales) ------------------------------------------------------------

ASIAN = "Asian, Asian British or Asian Welsh"
BLACK = "Black, Black British, Black Welsh, Caribbean or African"
MIXED = "Mixed or Multiple ethnic groups"
WHITE = "White"
OTHER = "Other ethnic group"
HIGH_LEVEL_GROUPS: tuple[str, ...] = (ASIAN, BLACK, MIXED, WHITE, OTHER)

BANGLADESHI = f"{ASIAN}: Bangladeshi"
CHINESE = f"{ASIAN}: Chinese"
INDIAN = f"{ASIAN}: Indian"
PAKISTANI = f"{ASIAN}: Pakistani"
OTHER_ASIAN = f"{ASIAN}: Other Asian"
AFRICAN = f"{BLACK}: African"
CARIBBEAN = f"{BLACK}: Caribbean"
OTHER_BLACK = f"{BLACK}: Other Black"
WHITE_AND_ASIAN = f"{MIXED}: White and Asian"
WHITE_AND_BLACK_AFRICAN = f"{MIXED}: White and Black African"
WHITE_AND_BLACK_CARIBBEAN = f"{MIXED}: White and Black Caribbean"
OTHER_MIXED = f"{MIXED}: Other Mixed or Multiple ethnic groups"
WHITE_BRITISH = f"{WHITE}: English, Welsh, Scottish, Northern Irish or British"
WHITE_IRISH = f"{WHITE}: Irish"
GYPSY_OR_IRISH_TRAVELLER = f"{WHITE}: Gypsy or Irish Traveller"
ROMA = f"{WHITE}: Roma"
OTHER_WHITE = f"{WHITE}: Other White"
ARAB = f"{OTHER}: Arab"
ANY_OTHER_ETHNIC_GROUP = f"{OTHER}: Any other ethnic group"

CENSUS_2021_CATEGORIES: tuple[str, ...] = (
    BANGLADESHI, CHINESE, INDIAN, PAKISTANI, OTHER_ASIAN,
    AFRICAN, CARIBBEAN, OTHER_BLACK,
    WHITE_AND_ASIAN, WHITE_AND_BLACK_AFRICAN, WHITE_AND_BLACK_CARIBBEAN, OTHER_MIXED,
    WHITE_BRITISH, WHITE_IRISH, GYPSY_OR_IRISH_TRAVELLER, ROMA, OTHER_WHITE,
    ARAB, ANY_OTHER_ETHNIC_GROUP,
)
NOT_STATED = "Not stated"

# Whom each minority ethnic group is compared with, where groups are compared one by one (the pay gaps by ethnicity,
# the metrics by ethnic group): every White person (the White high-level group), or White British people alone.
WHITE_REFERENCE = "white"
WHITE_BRITISH_REFERENCE = "white_british"
ETHNICITY_REFERENCES: tuple[str, ...] = (WHITE_REFERENCE, WHITE_BRITISH_REFERENCE)

# The three groups a label is classified into, in the order the engine keeps them (focus, reference, unknown).
GROUPS: tuple[str, ...] = ETHNICITY.keys

# --- Lookup tables ------------------------------------------------------------------------------
# Spellings are written as people write them; they are compared after `_tokens` (case, spaces,
# "&" as "and", and ",", "/", "or" all read as one "or"; ":", "-", en dash and brackets all read
# as one separator), so "English/Welsh/Scottish/Northern Irish/British" (2011) and "English,
# Welsh, Scottish, Northern Irish or British" (2021) are the same key.

# Labels that name one category on their own ("Indian", "Other White", "Any other ethnic group").
CATEGORY_NAMES: dict[str, tuple[str, ...]] = {
    BANGLADESHI: ("Bangladeshi", "Bangladeshi or British Bangladeshi", "British Bangladeshi"),
    CHINESE: ("Chinese", "British Chinese"),
    INDIAN: ("Indian", "Indian or British Indian", "British Indian"),
    PAKISTANI: ("Pakistani", "Pakistani or British Pakistani", "British Pakistani"),
    OTHER_ASIAN: (
        "Other Asian", "Other Asian background", "Any other Asian background",
        "Any other Asian, Asian British or Asian Welsh background", "Sri Lankan", "Nepali", "Nepalese",
    ),
    # ONS codes Somali, Nigerian and Ghanaian write-ins as Black African.
    AFRICAN: ("African", "Somali", "Nigerian", "Ghanaian"),
    CARIBBEAN: ("Caribbean",),
    OTHER_BLACK: (
        "Other Black", "Other Black background", "Any other Black background",
        "Any other Black/African/Caribbean background",
        "Any other Black, Black British, Black Welsh, Caribbean or African background",
    ),
    WHITE_AND_ASIAN: ("White and Asian", "Asian and White"),
    WHITE_AND_BLACK_AFRICAN: ("White and Black African", "Black African and White"),
    WHITE_AND_BLACK_CARIBBEAN: ("White and Black Caribbean", "Black Caribbean and White"),
    OTHER_MIXED: (
        "Other Mixed", "Other Mixed background", "Other Mixed or Multiple ethnic groups",
        "Any other Mixed background", "Any other Mixed/multiple ethnic background",
        "Any other Mixed or Multiple ethnic groups background",
    ),
    WHITE_BRITISH: ("British, Mixed British",),  # the NHS Data Dictionary's wording of code A
    WHITE_IRISH: ("Irish",),
    GYPSY_OR_IRISH_TRAVELLER: (
        "Gypsy or Irish Traveller", "Gypsy", "Irish Traveller", "Traveller", "Gypsy Traveller",
    ),
    ROMA: ("Roma",),
    OTHER_WHITE: ("Other White", "Other White background", "Any other White background", "Polish"),
    ARAB: ("Arab",),
    ANY_OTHER_ETHNIC_GROUP: ("Any other ethnic group", "Any other ethnic background"),
}

# Words that name a high-level group: on their own they say no more than the group ("Asian"),
# and before a detail they introduce it ("Asian or Asian British - Indian", "Black African").
HIGH_LEVEL_NAMES: dict[str, tuple[str, ...]] = {
    ASIAN: (
        "Asian", "Asian British", "British Asian", "Asian Welsh", "Asian or Asian British",
        "Asian, Asian British or Asian Welsh", "Asian/Asian British",
    ),
    BLACK: (
        "Black", "Black British", "British Black", "Black Welsh", "Black or Black British",
        "Black, Black British, Black Welsh, Caribbean or African",
        "Black/African/Caribbean/Black British", "Black, African, Caribbean or Black British",
    ),
    MIXED: (
        "Mixed", "Mixed or Multiple ethnic groups", "Mixed or Multiple ethnic group",
        "Multiple ethnic groups", "Mixed ethnic group", "Mixed ethnic groups", "Mixed background",
        "Mixed race", "Mixed heritage", "Dual heritage",
        # Mixed, but the census category depends on which Black or Asian group: not said.
        "White and Black", "Black and White", "Black and Asian", "Asian and Black", "Black and Chinese",
        "Chinese and White", "White and Chinese", "Asian and Chinese",
    ),
    WHITE: ("White",),
    OTHER: ("Other ethnic group", "Other ethnic groups", "Other ethnic background"),
}

# Names that introduce a detail but say nothing on their own: "Other: Arab" is clear, "Other" is not.
PREFIX_ONLY_NAMES: dict[str, tuple[str, ...]] = {
    OTHER: ("Other", "Chinese or Other ethnic group", "Chinese or Other ethnic groups"),
}

# Details that mean a category only after the name of its high-level group ("White - British",
# "Asian: Other"). Every CATEGORY_NAMES spelling is also a detail of its own high-level group.
DETAILS: dict[str, dict[str, tuple[str, ...]]] = {
    ASIAN: {OTHER_ASIAN: ("Other", "Any other", "Any other background")},
    BLACK: {OTHER_BLACK: ("Other", "Any other", "Any other background")},
    MIXED: {OTHER_MIXED: ("Other", "Any other", "Any other background")},
    WHITE: {
        # National identities: White only when the label says White first ("White - Welsh"),
        # since Black Welsh, Asian British etc. exist.
        WHITE_BRITISH: (
            "British", "English", "Scottish", "Welsh", "Northern Irish",
            "English, Welsh, Scottish, Northern Irish or British",
        ),
        OTHER_WHITE: ("Other", "Any other", "Any other background"),
    },
    OTHER: {
        ANY_OTHER_ETHNIC_GROUP: ("Other", "Any other", "Any other background", "Other ethnic group"),
        # 2001 census and NHS code R put Chinese under Other; Census 2021 puts it under Asian.
        CHINESE: ("Chinese",),
    },
}

# Named as White but not White British, without saying which category.
WHITE_MINORITY_NAMES: tuple[str, ...] = (
    "Gypsy, Roma or Traveller", "Gypsy, Roma and Traveller", "GRT",
)

NOT_STATED_NAMES: tuple[str, ...] = (
    "Not stated", "Not known", "Unknown", "Not specified", "Unspecified", "Not given", "Not recorded",
    "Not provided", "Not disclosed", "Undisclosed", "Not declared", "Not answered", "Unanswered",
    "Not applicable", "N/A", "NA", "N/K", "NK", "None", "Null", "NaN", "No response", "No answer",
    "Prefer not to say", "I prefer not to say", "Prefer not to state", "Prefer not to answer",
    "Prefer not to disclose", "Rather not say", "Declined", "Declined to answer", "Declined to say",
    "Declined to disclose", "Refused", "Information refused", "Withheld",
    "Do not wish to disclose", "Do not wish to say", "I do not wish to disclose",
    "I do not wish to disclose my ethnic origin", "I do not wish to disclose my ethnicity",
    "Do not wish to disclose my ethnicity", "Do not wish to disclose my ethnic origin",
)

# NHS Data Dictionary ethnic category codes (2001 census categories): A-C White, D-S minority
# ethnic, Z not stated, 99 not known.
NHS_CODES: dict[str, str] = {
    "A": WHITE_BRITISH, "B": WHITE_IRISH, "C": OTHER_WHITE,
    "D": WHITE_AND_BLACK_CARIBBEAN, "E": WHITE_AND_BLACK_AFRICAN, "F": WHITE_AND_ASIAN, "G": OTHER_MIXED,
    "H": INDIAN, "J": PAKISTANI, "K": BANGLADESHI, "L": OTHER_ASIAN,
    "M": CARIBBEAN, "N": AFRICAN, "P": OTHER_BLACK,
    "R": CHINESE, "S": ANY_OTHER_ETHNIC_GROUP,
    "Z": NOT_STATED, "99": NOT_STATED,
}

# The NHS extended codes ("CP Polish"). Each takes its first letter's category, except where
# Census 2021 names the group in a category of its own: English, Scottish, Welsh and Northern
# Irish are White British, Travellers and Gypsies have their own category, Somali and Nigerian
# are African. A letter and a digit ("S1") is a local extension and takes its letter's category.
NHS_EXTENDED_CODES: tuple[str, ...] = (
    "C2", "C3", "CA", "CB", "CC", "CD", "CE", "CF", "CG", "CH", "CJ", "CK", "CL", "CM", "CN", "CP",
    "CQ", "CR", "CS", "CT", "CU", "CV", "CW", "CX", "CY",
    "GA", "GB", "GC", "GD", "GE", "GF",
    "LA", "LB", "LC", "LD", "LE", "LF", "LG", "LH", "LJ", "LK",
    "PA", "PB", "PC", "PD", "PE",
    "SA", "SB", "SC", "SD", "SE",
)
NHS_EXTENDED_CODE_CATEGORIES: dict[str, str] = {
    "C2": WHITE_BRITISH, "CA": WHITE_BRITISH, "CB": WHITE_BRITISH, "CC": WHITE_BRITISH,
    "CL": GYPSY_OR_IRISH_TRAVELLER, "CM": GYPSY_OR_IRISH_TRAVELLER, "CN": GYPSY_OR_IRISH_TRAVELLER,
    "PA": AFRICAN, "PC": AFRICAN,
}

# A detail after a group name is only left unlisted ("White - Turkish" is White) when it names
# no other group: "White - Black Caribbean" and "White and Black Somali" stay unrecognised.
ETHNIC_WORDS: frozenset[str] = frozenset({
    "white", "black", "asian", "mixed", "multiple", "african", "caribbean", "indian", "pakistani",
    "bangladeshi", "chinese", "arab", "irish", "gypsy", "traveller", "roma",
})


# --- Classification -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Classification:
    category: str | None  # a CENSUS_2021_CATEGORIES entry, NOT_STATED, or None for a group name only
    high_level: str | None  # a HIGH_LEVEL_GROUPS entry, or None when not stated
    white_minority: bool  # White but not White British
    stated: bool


def _of_category(category: str) -> Classification:
    if category == NOT_STATED:
        return Classification(NOT_STATED, None, False, False)
    high_level = category.split(": ", 1)[0]
    return Classification(category, high_level, high_level == WHITE and category != WHITE_BRITISH, True)


_NOT_STATED = _of_category(NOT_STATED)
_SEPARATOR, _ALTERNATIVE = ":", "|"
_SEPARATORS = (_SEPARATOR, _ALTERNATIVE)


def _tokens(text: str) -> tuple[str, ...]:
    value = unicodedata.normalize("NFKD", text)
    value = "".join(ch for ch in value if not unicodedata.combining(ch)).casefold()
    value = value.replace("&", " and ")
    value = re.sub(r"[:()\[\]\-\u2010-\u2015\u2212]", f" {_SEPARATOR} ", value)
    value = re.sub(r"[/,;]", f" {_ALTERNATIVE} ", value)
    value = re.sub(r"[^a-z0-9:| ]", " ", value)
    words = [_ALTERNATIVE if word == "or" else word for word in value.split()]
    # A run of separators reads as one, the stronger (":") winning: "Black, or African" has one "or".
    tokens: list[str] = []
    for word in words:
        if word in _SEPARATORS and tokens and tokens[-1] in _SEPARATORS:
            tokens[-1] = _SEPARATOR if _SEPARATOR in (word, tokens[-1]) else _ALTERNATIVE
        else:
            tokens.append(word)
    while tokens and tokens[0] in _SEPARATORS:
        tokens.pop(0)
    while tokens and tokens[-1] in _SEPARATORS:
        tokens.pop()
    return tuple(tokens)


def _key(text: str) -> str:
    return " ".join(_tokens(text))


def index_spellings(table: Mapping[V, Iterable[str]], key: Callable[[str], str]) -> dict[str, V]:
    """Each spelling's key (as `key` normalises it) -> what it is listed under; AssertionError for a spelling listed
    under two (a mistake in the tables, caught on import). Shared by the ethnicity and disability classifiers."""
    index: dict[str, V] = {}
    for value, spellings in table.items():
        for spelling in spellings:
            existing = index.setdefault(key(spelling), value)
            if existing != value:
                raise AssertionError(f"{spelling!r} is listed under both {existing!r} and {value!r}")
    return index


def _index(table: Mapping[str, Iterable[str]]) -> dict[str, str]:
    return index_spellings(table, _key)


_CATEGORY_INDEX = _index(CATEGORY_NAMES)
_HIGH_LEVEL_INDEX = _index(HIGH_LEVEL_NAMES)
_PREFIX_INDEX = _index({
    high_level: (*HIGH_LEVEL_NAMES.get(high_level, ()), *PREFIX_ONLY_NAMES.get(high_level, ()))
    for high_level in HIGH_LEVEL_GROUPS
})


def _detail_spellings(high_level: str) -> dict[str, list[str]]:
    """What may follow the name of a high-level group: its categories' own names and its DETAILS."""
    spellings = {
        category: list(names) for category, names in CATEGORY_NAMES.items()
        if _of_category(category).high_level == high_level
    }
    for category, names in DETAILS.get(high_level, {}).items():
        spellings.setdefault(category, []).extend(names)
    return spellings


_DETAIL_INDEX = {high_level: _index(_detail_spellings(high_level)) for high_level in HIGH_LEVEL_GROUPS}
_WHITE_MINORITY_KEYS = frozenset(_key(name) for name in WHITE_MINORITY_NAMES)
_NOT_STATED_KEYS = frozenset(_key(name) for name in NOT_STATED_NAMES)
_CODE_KEYS = {code.casefold(): category for code, category in NHS_CODES.items()}
_EXTENDED_CODE_KEYS = frozenset(code.casefold() for code in NHS_EXTENDED_CODES)
_LOCAL_EXTENDED_CODE = re.compile(r"[a-hj-nprs][0-9]")


def _splits(tokens: tuple[str, ...]) -> Iterable[tuple[str, tuple[str, ...]]]:
    """(prefix key, detail tokens) for each way of cutting the label in two at a word or separator."""
    for cut in range(1, len(tokens)):
        prefix, detail = tokens[:cut], tokens[cut:]
        if prefix[-1] in _SEPARATORS:
            continue
        if detail[0] == _SEPARATOR:
            detail = detail[1:]
        if detail and detail[0] not in _SEPARATORS:
            yield " ".join(prefix), detail


def _only(results: set[Classification]) -> Classification | None:
    # Two readings that disagree make the label ambiguous.
    return next(iter(results)) if len(results) == 1 else None


def _match_listed(tokens: tuple[str, ...]) -> Classification | None:
    """A label made only of listed names: a category, a group, a group and a detail, not stated."""
    key = " ".join(tokens)
    first_clause = " ".join(tokens[: tokens.index(_SEPARATOR)]) if _SEPARATOR in tokens else key
    if not key or key in _NOT_STATED_KEYS or first_clause in _NOT_STATED_KEYS:
        return _NOT_STATED
    if key in _CATEGORY_INDEX:
        return _of_category(_CATEGORY_INDEX[key])
    if key in _WHITE_MINORITY_KEYS:
        return Classification(None, WHITE, True, True)
    if key in _HIGH_LEVEL_INDEX:
        return Classification(None, _HIGH_LEVEL_INDEX[key], False, True)
    return _only({
        _of_category(_DETAIL_INDEX[_PREFIX_INDEX[prefix]][" ".join(detail)])
        for prefix, detail in _splits(tokens)
        if prefix in _PREFIX_INDEX and " ".join(detail) in _DETAIL_INDEX[_PREFIX_INDEX[prefix]]
    })


def _match_group_with_unlisted_detail(tokens: tuple[str, ...]) -> Classification | None:
    """'White - Turkish', 'Other ethnic group: Kurdish': the group is certain, the category is not."""
    results = set()
    mixture_or_alternative = {"and", *_SEPARATORS}
    for prefix, detail in _splits(tokens):
        high_level = _HIGH_LEVEL_INDEX.get(prefix)
        if high_level is None:
            continue
        detail_match = _match_listed(detail)
        if detail_match is not None and detail_match.stated and detail_match.high_level == high_level:
            results.add(detail_match)
        elif detail_match is None and not (ETHNIC_WORDS | mixture_or_alternative).intersection(detail):
            results.add(Classification(None, high_level, False, True))
    return _only(results)


def _match_label(tokens: tuple[str, ...]) -> Classification | None:
    return _match_listed(tokens) or _match_group_with_unlisted_detail(tokens)


def _match_code(tokens: tuple[str, ...]) -> Classification | None:
    """'A White - British', 'A - White - British', 'N', '99 Not known', 'CP Polish'."""
    if not tokens:
        return None
    code, label = tokens[0], tokens[1:]
    if label and label[0] == _SEPARATOR:
        label = label[1:]
    extended = code in _EXTENDED_CODE_KEYS or bool(_LOCAL_EXTENDED_CODE.fullmatch(code))
    if code in _CODE_KEYS:
        coded = _of_category(_CODE_KEYS[code])
    elif extended:
        coded = _of_category(NHS_EXTENDED_CODE_CATEGORIES.get(code.upper(), _CODE_KEYS[code[0]]))
    else:
        return None
    if not label:
        return coded
    labelled = _match_label(label)
    if labelled is None:
        # Extended codes carry many labels of their own ("CK Italian"); a single letter with an
        # unreadable label may be no code at all ("A mixture of ...").
        return coded if extended else None
    if labelled.stated != coded.stated or labelled.high_level != coded.high_level:
        return None
    if not extended and labelled.category not in (None, coded.category):
        return None
    return coded


_TRAILING_NOTE = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")


@lru_cache(maxsize=16_384)
def _classify_text(text: str) -> Classification | None:
    readings = [_tokens(text)]
    without_note = _TRAILING_NOTE.sub("", text)
    if without_note != text and without_note.strip():
        readings.append(_tokens(without_note))
    # Exact names first, in either reading, so a note in brackets never outweighs a listed name.
    for match in (_match_listed, _match_code, _match_group_with_unlisted_detail):
        for tokens in readings:
            result = match(tokens)
            if result is not None:
                return result
    return None


def _as_text(label: object) -> str:
    if label is None or label is pd.NA or label is pd.NaT:
        return ""
    if isinstance(label, float | np.floating):
        if math.isnan(label):
            return ""
        # A code column read from Excel turns 99 into 99.0.
        if float(label).is_integer():
            return str(int(label))
    return str(label).strip()


def classify_label(label: object) -> Classification | None:
    """None when the label is not recognised."""
    return _classify_text(_as_text(label))


def group_of(c: Classification | None, white_minorities_as_bme: bool = False) -> str:
    """'white' | 'bme' | 'unknown'; None (unrecognised) -> 'unknown'."""
    if c is None or not c.stated:
        return "unknown"
    if c.high_level != WHITE:
        return "bme"
    if not white_minorities_as_bme:
        return "white"
    if c.white_minority:
        return "bme"
    # A bare "White" may be a White minority, which this setting counts as BME: not knowable.
    return "white" if c.category == WHITE_BRITISH else "unknown"


# --- Series -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Outcome:
    category: str | None
    group: str
    recognised: bool
    # The Census 2021 high-level group (None when not known: not stated, unrecognised, or a label the organisation
    # classified only as "bme"), and whether White but not White British.
    high_level: str | None = None
    white_minority: bool = False


_CATEGORY_KEYS = {_key(category): category for category in (*CENSUS_2021_CATEGORIES, NOT_STATED)}


def resolve_overrides(overrides: Mapping[str, str] | None) -> dict[str, str]:
    """Override keys as compared (normalised label) -> 'white', 'bme', 'unknown' or a category."""
    resolved: dict[str, str] = {}
    for raw, target in (overrides or {}).items():
        text = target.strip() if isinstance(target, str) else None
        if text is not None and text.casefold() in GROUPS:
            value = text.casefold()
        elif text is not None and _key(text) in _CATEGORY_KEYS:
            value = _CATEGORY_KEYS[_key(text)]
        else:
            raise ValueError(
                f"The ethnicity override for {raw!r} is {target!r}, which is neither a group "
                f"('white', 'bme', 'unknown') nor a Census 2021 category such as {OTHER_WHITE!r}."
            )
        key = _key(_as_text(raw))
        if resolved.setdefault(key, value) != value:
            raise ValueError(
                f"Two ethnicity overrides for the same label {raw!r} disagree: "
                f"{resolved[key]!r} and {value!r}."
            )
    return resolved


def _outcome(text: str, overrides: Mapping[str, str], white_minorities_as_bme: bool) -> _Outcome:
    target = overrides.get(_key(text)) if overrides else None
    if target in GROUPS:
        # Classified as a side only: "white" says White (not which), "bme" says no high-level group.
        return _Outcome(None, target, True, WHITE if target == "white" else None)
    classification = _of_category(target) if target is not None else _classify_text(text)
    if classification is None:
        return _Outcome(None, "unknown", False)
    return _Outcome(classification.category, group_of(classification, white_minorities_as_bme), True,
                    classification.high_level, classification.white_minority)


def _distinct_labels(labels: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes into the distinct labels (-1 for missing) and those labels. A categorical column already
    is that: its categories (some perhaps unused) and codes, with no pass over the rows' text."""
    if isinstance(labels.dtype, pd.CategoricalDtype):
        return np.asarray(labels.array.codes), labels.array.categories
    return pd.factorize(labels, use_na_sentinel=True)


def _distinct_outcomes(
    labels: pd.Series, overrides: Mapping[str, str] | None, white_minorities_as_bme: bool
) -> tuple[np.ndarray, list[str], list[_Outcome]]:
    """Codes into the distinct labels (-1 for missing), the distinct labels as text, and their
    outcomes with the missing one last, so `outcomes[code]` serves every row."""
    resolved = resolve_overrides(overrides)
    codes, distinct = _distinct_labels(labels)
    texts = [_as_text(label) for label in distinct]
    outcomes = [_outcome(text, resolved, white_minorities_as_bme) for text in texts]
    outcomes.append(_Outcome(NOT_STATED, "unknown", True))
    return codes, texts, outcomes


def classify_series(
    labels: pd.Series,
    *,
    white_minorities_as_bme: bool = False,
    overrides: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Columns 'category' (str or NA), 'group' ('white'|'bme'|'unknown'), 'recognised' (False only
    for unrecognised, non-blank labels), on the index of `labels`."""
    codes, _, outcomes = _distinct_outcomes(labels, overrides, white_minorities_as_bme)
    # Taking from the distinct outcomes keeps this one array operation per column, whatever the
    # number of rows; a code of -1 (missing) takes the last outcome, the missing one.
    return pd.DataFrame(
        {
            "category": pd.array([outcome.category for outcome in outcomes], dtype="str").take(codes),
            "group": pd.array([outcome.group for outcome in outcomes], dtype="str").take(codes),
            "recognised": np.array([outcome.recognised for outcome in outcomes], dtype=bool)[codes],
        },
        index=labels.index,
    )


def classify_groups(
    labels: pd.Series,
    *,
    white_minorities_as_bme: bool = False,
    overrides: Mapping[str, str] | None = None,
    groups: Sequence[str] = GROUPS,
) -> pd.DataFrame:
    """Columns 'group' (categorical, its categories `groups` in that order: the three of GROUPS) and
    'recognised' (bool), on the index of `labels`: what counting needs, as classify_series gives it,
    from one classification per distinct label and no text written out per row."""
    if sorted(groups) != sorted(GROUPS):
        raise ValueError(f"the groups must be {', '.join(GROUPS)} in some order, not {list(groups)}")
    codes, _, outcomes = _distinct_outcomes(labels, overrides, white_minorities_as_bme)
    group_codes = np.array([list(groups).index(outcome.group) for outcome in outcomes], dtype=np.int8)[codes]
    return pd.DataFrame(
        {
            "group": pd.Categorical.from_codes(group_codes, dtype=pd.CategoricalDtype(list(groups))),
            "recognised": np.array([outcome.recognised for outcome in outcomes], dtype=bool)[codes],
        },
        index=labels.index,
    )


def classify_census(labels: pd.Series, *, overrides: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Columns 'category' (a Census 2021 category, NOT_STATED, or NA when the label names no category),
    'high_level' (a HIGH_LEVEL_GROUPS entry, or NA when not known: not stated, not recognised, or a label classified
    by an override only as "bme"), 'white_minority' (bool: White but not White British, a category or a name like
    "Gypsy, Roma or Traveller") and 'group' ('white' | 'bme' | 'unknown', White minorities counted as White), on the
    index of `labels`: one classification per distinct label, overrides applied as everywhere else."""
    codes, _, outcomes = _distinct_outcomes(labels, overrides, white_minorities_as_bme=False)
    return pd.DataFrame(
        {
            "category": pd.array([outcome.category for outcome in outcomes], dtype="str").take(codes),
            "high_level": pd.array([outcome.high_level for outcome in outcomes], dtype="str").take(codes),
            "white_minority": np.array([outcome.white_minority for outcome in outcomes], dtype=bool)[codes],
            "group": pd.array([outcome.group for outcome in outcomes], dtype="str").take(codes),
        },
        index=labels.index,
    )


def unrecognised_labels(labels: pd.Series, overrides: Mapping[str, str] | None = None) -> dict[str, int]:
    """Distinct unrecognised labels (as written, stripped) -> row count, most frequent first."""
    codes, texts, outcomes = _distinct_outcomes(labels, overrides, white_minorities_as_bme=False)
    rows_per_label = np.bincount(codes[codes >= 0], minlength=len(texts))
    counts: dict[str, int] = {}
    for text, outcome, rows in zip(texts, outcomes[: len(texts)], rows_per_label, strict=True):
        if not outcome.recognised and rows:  # a categorical's unused categories label no row
            counts[text] = counts.get(text, 0) + int(rows)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def label_table(
    labels: pd.Series,
    *,
    white_minorities_as_bme: bool = False,
    overrides: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Every distinct label as written, how many rows carry it, and how it is classified:
    columns 'label', 'rows', 'category', 'group', 'recognised'; most frequent first.
    Blank cells are one row labelled "(blank)"."""
    codes, texts, outcomes = _distinct_outcomes(labels, overrides, white_minorities_as_bme)
    rows_per_label = np.bincount(codes[codes >= 0], minlength=len(texts))
    table = pd.DataFrame(
        {
            "label": list(texts),
            "rows": rows_per_label.astype(int),
            "category": [outcome.category for outcome in outcomes[: len(texts)]],
            "group": [outcome.group for outcome in outcomes[: len(texts)]],
            "recognised": [outcome.recognised for outcome in outcomes[: len(texts)]],
        }
    )
    table = table[table["rows"] > 0]  # a categorical's unused categories label no row
    blank = int((codes < 0).sum())
    if blank:
        missing = outcomes[-1]
        table = pd.concat([table, pd.DataFrame([{"label": "(blank)", "rows": blank, "category": missing.category,
                                                 "group": missing.group, "recognised": True}])],
                          ignore_index=True)
    # With as_index=False this is a DataFrame (the keys and the sum); pandas-stubs types any column's sum as a Series.
    table = table.groupby(["label", "category", "group", "recognised"], dropna=False,  # type: ignore[assignment]
                          as_index=False)["rows"].sum()
    return table.sort_values(["rows", "label"], ascending=[False, True], ignore_index=True)[
        ["label", "rows", "category", "group", "recognised"]
    ]
