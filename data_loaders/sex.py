"""A person's sex as payroll and HR exports write it, read as the two groups the gender pay gap compares.

The gender pay gap regulations (the Equality Act 2010 (Specified Public Authorities) Regulations 2017, and the
2017 Gender Pay Gap Information Regulations alike) compare men and women; anyone recorded otherwise, or not
recorded, is left out of those figures, and the pay gap engine says how many (metrics.paygap).
"""

from __future__ import annotations

import math
from typing import Literal

SexGroup = Literal["men", "women"]
MEN: SexGroup = "men"
WOMEN: SexGroup = "women"

_NAMES: dict[SexGroup, frozenset[str]] = {
    MEN: frozenset({"m", "male", "man", "men", "boy", "1"}),
    WOMEN: frozenset({"f", "female", "woman", "women", "girl", "2"}),
}


def classify_sex(label: object) -> SexGroup | None:
    """'men' or 'women'; None for anything else (blank, not stated, another gender identity)."""
    if label is None or (isinstance(label, float) and math.isnan(label)):
        return None
    if isinstance(label, float) and label.is_integer():
        label = int(label)
    try:
        text = " ".join(str(label).strip().lower().split())
    except TypeError:
        return None
    for group, names in _NAMES.items():
        if text in names:
            return group
    return None
