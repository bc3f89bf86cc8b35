"""Disclosure control by audit: what a reader can work out from everything published together.

A publication is a set of cells, each a count shown or hidden. Every cell is a sum of underlying
counts (the model's variables: whole, never negative), so the totals a reader sees, and the
same count printed in two tables, are tied together as a reader would tie them. For a hidden
cell, the smallest and largest value consistent with every shown cell is a linear programme
(scipy's HiGHS), the audit tau-ARGUS and the ONS run on suppressed tables.

`protect` hides the small counts (primary suppression) and then, while any hidden cell can be
narrowed to fewer than `threshold` possible values, hides one more cell beside it (secondary
suppression, chosen greedily: an interior count before a total, a count big enough to cover
the gap before a smaller one). Hiding a cell only ever widens what the others can be, so a cell
once protected stays protected and the loop ends. Derived figures (percentages, rates, ratios,
intervals, sentences) are shown only when every count they are made from is shown (metrics.publish),
so they add nothing a reader could not work out from the counts.

Percentages of a shown total are rounded to whole numbers in what is published; the audit treats
their counts as shown either way, so the rounding is the house style, not the protection.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

# Float noise in a linear programme's optimum; counts are whole.
_TOLERANCE = 1e-6


def is_hidden(count: float | None, threshold: int) -> bool:
    """The primary rule for one figure: 0 < count < threshold.

    Zero is shown (nobody is identified by it); a missing figure has nothing to hide. A fraction is not
    rounded up past the threshold: an average headcount of 9.5 is the mean of 9 and 10 people, so it would
    reveal a count under 10."""
    if count is None or count != count:  # NaN
        return False
    # The tolerance keeps a sum of fractions (9.999999...) on the side it was meant to be.
    value = round(float(count), 9)
    return 0 < value < threshold


@dataclass
class Cell:
    """One published count: a sum of the model's variables (coefficients, for an average), its value."""

    key: str
    terms: dict[int, float]
    value: float
    hidden: bool = False
    primary: bool = False
    aliases: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Range:
    """What a reader can narrow a hidden cell to: whole numbers from `low` to `high` (None: no limit)."""

    low: int
    high: int | None

    @property
    def width(self) -> float:
        return math.inf if self.high is None else self.high - self.low


class DisclosureModel:
    """Cells over non-negative variables; `cell` ties a key to a sum of named variables."""

    def __init__(self) -> None:
        self._variables: dict[Hashable, int] = {}
        self._values: list[float] = []
        self.cells: dict[str, Cell] = {}
        self._by_terms: dict[tuple[tuple[int, float], ...], str] = {}
        # Known to a reader without being printed: "the events are among the base" (sum <= 0).
        self.inequalities: list[dict[int, float]] = []

    def variable(self, name: Hashable, value: float) -> int:
        """The variable called `name` (made on first use), whose true value is `value`."""
        if name not in self._variables:
            if value < -_TOLERANCE:
                raise ValueError(f"a count cannot be negative: {name} = {value}")
            self._variables[name] = len(self._values)
            self._values.append(float(value))
        return self._variables[name]

    def total(self, terms: Mapping[int, float]) -> float:
        """The true value of a sum of variables."""
        return sum(self._values[index] * c for index, c in terms.items())

    def cell(self, key: str, terms: Mapping[int, float]) -> Cell:
        """Publish the sum `terms` (variable index -> coefficient) as `key`. The same sum published under
        another key is the same cell (a reader sees the same number twice): the key becomes an alias."""
        if key in self.cells:
            return self.cells[key]
        signature = tuple(sorted((index, float(c)) for index, c in terms.items() if c))
        if signature in self._by_terms:
            existing = self.cells[self._by_terms[signature]]
            existing.aliases.append(key)
            self.cells[key] = existing
            return existing
        value = sum(self._values[index] * c for index, c in signature)
        made = Cell(key, dict(signature), value)
        self.cells[key] = made
        self._by_terms[signature] = key
        return made

    def at_most(self, smaller: Mapping[int, float], larger: Mapping[int, float]) -> None:
        """A reader knows `smaller` <= `larger` (the events of a group are among its base)."""
        difference = dict(smaller)
        for index, c in larger.items():
            difference[index] = difference.get(index, 0.0) - c
        self.inequalities.append(difference)

    def distinct(self) -> list[Cell]:
        seen: dict[int, Cell] = {}
        for cell in self.cells.values():
            seen.setdefault(id(cell), cell)
        return list(seen.values())

    def hidden(self, key: str) -> bool:
        return self.cells[key].hidden

    def hidden_cells(self) -> list[Cell]:
        return [cell for cell in self.distinct() if cell.hidden]

    def ranges(self, cells: Iterable[Cell] | None = None) -> dict[str, Range]:
        """For each hidden cell (or those given), the whole numbers a reader can narrow it to."""
        return _ranges(len(self._values), [c for c in self.distinct() if not c.hidden], self.inequalities,
                       list(self.hidden_cells() if cells is None else cells))


def _matrix(rows: list[dict[int, float]], width: int) -> np.ndarray:
    out = np.zeros((len(rows), width))
    for i, terms in enumerate(rows):
        for index, c in terms.items():
            out[i, index] = c
    return out


def _ranges(width: int, shown: list[Cell], inequalities: list[dict[int, float]],
            targets: list[Cell]) -> dict[str, Range]:
    from scipy.optimize import linprog

    a_eq = _matrix([c.terms for c in shown], width) if shown else None
    b_eq = np.array([c.value for c in shown]) if shown else None
    a_ub = _matrix(inequalities, width) if inequalities else None
    b_ub = np.zeros(len(inequalities)) if inequalities else None
    out: dict[str, Range] = {}
    for cell in targets:
        objective = _matrix([cell.terms], width)[0]
        low = linprog(objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        if low.status != 0:
            raise RuntimeError(f"the published figures are inconsistent around {cell.key}: {low.message}")
        top = None if high.status == 3 else math.floor(-high.fun + _TOLERANCE)  # 3: unbounded
        out[cell.key] = Range(math.ceil(low.fun - _TOLERANCE), top)
    return out


def protect(model: DisclosureModel, threshold: int) -> int:
    """Hide counts 1 to threshold - 1, then more, until no hidden cell can be narrowed to a range of fewer
    than `threshold` (high - low >= threshold). Returns how many cells the second step hid."""
    if threshold <= 1:
        return 0
    for cell in model.distinct():
        if is_hidden(cell.value, threshold):
            cell.hidden = cell.primary = True
    secondary = 0
    waiting = model.hidden_cells()
    while waiting:
        found = model.ranges(waiting)
        exposed = sorted((c for c in waiting if found[c.key].width < threshold), key=lambda c: found[c.key].width)
        if not exposed:
            return secondary
        target = exposed[0]
        partner = _partner(model, target, threshold)
        if partner is None:
            raise RuntimeError(f"{target.key} cannot be protected: every count near it is already hidden")
        partner.hidden = True
        secondary += 1
        # Hiding a cell only widens the others' ranges: only the exposed and the new one need looking at again.
        waiting = [*exposed, partner]
    return secondary


def _partner(model: DisclosureModel, target: Cell, threshold: int) -> Cell | None:
    """The shown cell to hide beside `target`: the cheapest that widens it to `threshold`, else the one that
    widens it most. Only cells in a sum with it can (its row or column, their totals)."""
    variables = set(target.terms)
    shown = [c for c in model.distinct() if not c.hidden]
    near = [c for c in shown if variables & set(c.terms)]  # totals containing it, or parts of it
    reach = variables.union(*(set(c.terms) for c in near)) if near else variables
    candidates = sorted((c for c in shown if reach & set(c.terms)), key=_cost)
    best: tuple[float, Cell] | None = None
    for candidate in candidates:
        candidate.hidden = True
        width = model.ranges([target])[target.key].width
        candidate.hidden = False
        if width >= threshold:
            return candidate
        if best is None or width > best[0]:
            best = (width, candidate)
    return None if best is None else best[1]


def _cost(cell: Cell) -> tuple[bool, bool, float, str]:
    # A non-zero count (a hidden zero beside a small count lets non-negativity pin it), an interior count
    # before a total, the smallest first: the least information withheld.
    return cell.value == 0, len(cell.terms) > 1, cell.value, cell.key
