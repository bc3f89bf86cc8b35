"""Disability labels as HR systems, ESR and staff surveys write them, read as the three WDES groups:
disabled, non_disabled, not_declared (`comparison.DISABILITY`, in that order).

A label is recognised when it says without doubt which group a person is in: "Yes", "N", "Not
disabled", "Prefer not to say", the Census's "Yes, limited a lot". Case, spaces and punctuation do
not matter ("YES - Disabled" is "Yes - disabled"). A blank cell is not declared. Anything else is
not declared too, but left unrecognised and reported with its count, never guessed: "None" may mean
no disability or no answer, and "Yes, not limited" is disabled to the staff survey (a long-term
condition) and not to the Census (not limited). The organisation settles such a label with an
override (label -> group), as it does for ethnicity.

The API mirrors data_loaders.ethnicity: `classify_disability` for one label, `classify_disability_groups`
for a column (one classification per distinct label), `unrecognised_disability_labels` for the report
and `resolve_disability_overrides` to check an organisation's overrides.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd

from data_loaders.comparison import DISABILITY
from data_loaders.ethnicity import index_spellings

DisabilityGroup = Literal["disabled", "non_disabled", "not_declared"]

# The three groups a label is classified into, in the order the engine keeps them (focus, reference, unknown).
GROUPS: tuple[str, ...] = DISABILITY.keys
DISABLED: DisabilityGroup = "disabled"
NON_DISABLED: DisabilityGroup = "non_disabled"
NOT_DECLARED: DisabilityGroup = "not_declared"

# --- Lookup table -------------------------------------------------------------------------------
# Spellings are written as people write them; they are compared after `_key` (case, accents, spaces and
# punctuation ignored), so "Yes - disabled", "yes, disabled" and "Yes (Disabled)" are one spelling.
# Only whole labels are listed: "Yes" followed by anything unlisted is not read as disabled.

NAMES: dict[DisabilityGroup, tuple[str, ...]] = {
    DISABLED: (
        # ESR, HR systems and the NHS Staff Survey's long-term condition question.
        "Yes", "Y", "Disabled", "Yes - disabled", "Disabled person", "Has a disability", "I have a disability",
        "Yes, I have a disability", "Yes, I consider myself to have a disability", "Yes, I consider myself disabled",
        # Census 2021: a condition that limits day-to-day activities a lot or a little is disabled (the
        # Equality Act's definition, as the Census derives it).
        "Yes, limited a lot", "Yes, limited a little", "Yes, a lot", "Yes, a little",
        "Limited a lot", "Limited a little",
        "Disabled under the Equality Act",
        "Disabled under the Equality Act: Day-to-day activities limited a lot",
        "Disabled under the Equality Act: Day-to-day activities limited a little",
    ),
    NON_DISABLED: (
        "No", "N", "Not disabled", "Non-disabled", "Nondisabled", "No - not disabled", "No disability",
        "Not a disabled person", "I do not have a disability", "No, I do not have a disability",
        "No, I do not consider myself to have a disability", "No, I do not consider myself disabled",
        "Not disabled under the Equality Act",
        "Not disabled under the Equality Act: Has long term physical or mental health condition but "
        "day-to-day activities are not limited",
        "Not disabled under the Equality Act: No long term physical or mental health conditions",
    ),
    NOT_DECLARED: (
        "Not declared", "Undeclared", "Not stated", "Unspecified", "Not specified", "Unknown", "Not known",
        "Not disclosed", "Undisclosed", "Not recorded", "Not provided", "Not given", "Not answered",
        "No response", "No answer", "Null", "NaN",
        "Prefer not to say", "I prefer not to say", "Prefer not to answer", "Prefer not to disclose",
        "Rather not say", "I do not wish to disclose", "I do not wish to disclose my disability",
        "I do not wish to disclose my disability status", "I do not wish to disclose this", "Do not wish to disclose",
        "Do not wish to say",
        "Information refused", "Refused", "Declined", "Declined to answer", "Withheld",
    ),
}


def _key(text: str) -> str:
    value = unicodedata.normalize("NFKD", text)
    value = "".join(ch for ch in value if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", value).split())


_INDEX = index_spellings(NAMES, _key)
# What an override may name a group by: its key ("non_disabled"), label ("Non-disabled") or choice.
_GROUP_NAMES: dict[str, DisabilityGroup] = {
    _key(name): group
    for group in (DISABLED, NON_DISABLED, NOT_DECLARED)
    for name in (group, DISABILITY.label(group), DISABILITY.choice(group))
}


def _as_text(label: object) -> str:
    if label is None or label is pd.NA or label is pd.NaT:
        return ""
    if isinstance(label, float | np.floating):
        if math.isnan(label):
            return ""
        if float(label).is_integer():
            return str(int(label))
    return str(label).strip()


@lru_cache(maxsize=4_096)
def _recognise_text(text: str) -> DisabilityGroup | None:
    key = _key(text)
    return NOT_DECLARED if not key else _INDEX.get(key)


def recognise_disability(label: object) -> DisabilityGroup | None:
    """The label's group, or None when it is not recognised. A blank label is recognised: not declared."""
    return _recognise_text(_as_text(label))


def resolve_disability_overrides(overrides: Mapping[str, str] | None) -> dict[str, DisabilityGroup]:
    """Override keys as compared (normalised label) -> group. A group is named by its key ('non_disabled'),
    its label ('Non-disabled') or its choice on the data page, in any case."""
    resolved: dict[str, DisabilityGroup] = {}
    for raw, target in (overrides or {}).items():
        group = _GROUP_NAMES.get(_key(target)) if isinstance(target, str) else None
        if group is None:
            raise ValueError(
                f"The disability override for {raw!r} is {target!r}, which is not a group "
                f"({', '.join(repr(g) for g in GROUPS)})."
            )
        key = _key(_as_text(raw))
        if resolved.setdefault(key, group) != group:
            raise ValueError(
                f"Two disability overrides for the same label {raw!r} disagree: {resolved[key]!r} and {group!r}."
            )
    return resolved


def _outcome(text: str, overrides: Mapping[str, DisabilityGroup]) -> tuple[DisabilityGroup, bool]:
    """(group, recognised): an override wins; an unrecognised label is not declared."""
    target = overrides.get(_key(text)) if overrides else None
    if target is not None:
        return target, True
    group = _recognise_text(text)
    return (NOT_DECLARED, False) if group is None else (group, True)


def classify_disability(label: object, overrides: Mapping[str, str] | None = None) -> DisabilityGroup:
    """'disabled' | 'non_disabled' | 'not_declared'; an unrecognised label is 'not_declared'."""
    return _outcome(_as_text(label), resolve_disability_overrides(overrides))[0]


# --- Series -------------------------------------------------------------------------------------


def _distinct_outcomes(
    labels: pd.Series, overrides: Mapping[str, str] | None
) -> tuple[np.ndarray, list[str], list[tuple[DisabilityGroup, bool]]]:
    """Codes into the distinct labels (-1 for missing), the distinct labels as text, and their outcomes
    with the missing one last, so `outcomes[code]` serves every row."""
    resolved = resolve_disability_overrides(overrides)
    # A categorical column already is its distinct labels (some perhaps unused) and codes.
    if isinstance(labels.dtype, pd.CategoricalDtype):
        codes, distinct = np.asarray(labels.array.codes), labels.array.categories
    else:
        codes, distinct = pd.factorize(labels, use_na_sentinel=True)
    texts = [_as_text(label) for label in distinct]
    outcomes = [_outcome(text, resolved) for text in texts]
    outcomes.append((NOT_DECLARED, True))
    return codes, texts, outcomes


def classify_disability_groups(
    labels: pd.Series,
    *,
    overrides: Mapping[str, str] | None = None,
    groups: Sequence[str] = GROUPS,
) -> pd.DataFrame:
    """Columns 'group' (categorical, its categories `groups` in that order: by default DISABILITY's, disabled,
    non_disabled, not_declared) and 'recognised' (False only for unrecognised, non-blank labels), on the index
    of `labels`: one classification per distinct label and no text written out per row."""
    if sorted(groups) != sorted(GROUPS):
        raise ValueError(f"the groups must be {', '.join(GROUPS)} in some order, not {list(groups)}")
    codes, _, outcomes = _distinct_outcomes(labels, overrides)
    order = list(groups)
    # Taking from the distinct outcomes is one array operation per column, whatever the number of rows; a code
    # of -1 (missing) takes the last outcome, the missing one.
    group_codes = np.array([order.index(group) for group, _ in outcomes], dtype=np.int8)[codes]
    return pd.DataFrame(
        {
            "group": pd.Categorical.from_codes(group_codes, dtype=pd.CategoricalDtype(order)),
            "recognised": np.array([recognised for _, recognised in outcomes], dtype=bool)[codes],
        },
        index=labels.index,
    )


def unrecognised_disability_labels(labels: pd.Series, overrides: Mapping[str, str] | None = None) -> dict[str, int]:
    """Distinct unrecognised labels (as written, stripped) -> row count, most frequent first."""
    codes, texts, outcomes = _distinct_outcomes(labels, overrides)
    rows_per_label = np.bincount(codes[codes >= 0], minlength=len(texts))
    counts: dict[str, int] = {}
    for text, (_, recognised), rows in zip(texts, outcomes[: len(texts)], rows_per_label, strict=True):
        if not recognised and rows:  # a categorical's unused categories label no row
            counts[text] = counts.get(text, 0) + int(rows)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def disability_label_table(labels: pd.Series, overrides: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Every distinct label as written (stripped), how many rows carry it and how it is classified: columns 'label',
    'rows', 'group', 'recognised'; most frequent first. Blank cells are one row labelled "(blank)", as in
    data_loaders.ethnicity.label_table."""
    codes, texts, outcomes = _distinct_outcomes(labels, overrides)
    rows_per_label = np.bincount(codes[codes >= 0], minlength=len(texts))
    table = pd.DataFrame({
        "label": list(texts),
        "rows": rows_per_label.astype(int),
        "group": [group for group, _ in outcomes[: len(texts)]],
        "recognised": [recognised for _, recognised in outcomes[: len(texts)]],
    })
    table = table[table["rows"] > 0]  # a categorical's unused categories label no row
    blank = int((codes < 0).sum())
    if blank:
        table = pd.concat([table, pd.DataFrame([{"label": "(blank)", "rows": blank, "group": NOT_DECLARED,
                                                 "recognised": True}])], ignore_index=True)
    # Labels that differ only in spaces around them are one label, as written without them. With as_index=False
    # this is a DataFrame (the keys and the sum); pandas-stubs types any column's sum as a Series.
    table = table.groupby(["label", "group", "recognised"],  # type: ignore[assignment]
                          as_index=False)["rows"].sum()
    return table.sort_values(["rows", "label"], ascending=[False, True], ignore_index=True)[
        ["label", "rows", "group", "recognised"]]
