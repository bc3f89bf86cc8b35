"""Disclosure control by audit: what a reader can work out from everything published together.

A publication is a set of cells, each a count shown or hidden. Every cell is a sum of underlying
counts (the model's variables: whole, never negative), so the totals a reader sees, and the
same count printed in two tables, are tied together as a reader would tie them. For a hidden
cell, the smallest and largest value consistent with every shown cell is a linear programme
(scipy's HiGHS), the audit tau-ARGUS and the ONS run on suppressed tables.

`protect` hides the small counts (primary suppression); gives every shown total's hidden counts
at least `threshold` between them (a cheap first pass, the usual pairing generalised); then, while
any hidden cell can be narrowed to fewer than `threshold` possible values, hides one more shown cell:
one of those the linear programme's duals say bind it, the cheapest that widens it enough (a non-zero
count, a service's before the whole organisation's, an interior count before a total, the smallest).
This is the audit-and-repair of Statistics Norway's GaussSuppression (ComputeIntervals,
FixRiskyIntervals). Hiding a cell only ever widens what the others can be, so a cell once protected
stays protected and the loop ends. Derived figures (percentages, rates, ratios,
intervals, sentences) are shown only when every count they are made from is shown (metrics.publish),
so they add nothing a reader could not work out from the counts.

Percentages of a shown total are rounded to whole numbers in what is published; the audit treats
their counts as shown either way, so the rounding is the house style, not the protection.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

# Float noise in a linear programme's optimum; counts are whole.
_TOLERANCE = 1e-6
# How many cells beside an exposed one are tried (cheapest first) before settling for the best of them.
_CANDIDATES = 8


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
    # False for a count that is never printed but ties printed ones together (the staff with no service).
    published: bool = True
    # Higher for a figure readers look to first (the whole organisation's): hidden only when nothing else will do.
    importance: int = 0


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
        # Known to a reader without being printed: "the events are among the base" (sum <= 0), and "the
        # services add up to the whole" (sum = 0).
        self.inequalities: list[dict[int, float]] = []
        self.equalities: list[dict[int, float]] = []
        # Totals and the cells they add up: where a second hidden count is looked for first (protect).
        self.lines: list[tuple[str, list[str]]] = []
        # Cells a reader can bound by a total known outside the publication (a board's members by group: the board's
        # size is public, named on the organisation's website): shown all together or not at all (protect).
        self.together: list[list[str]] = []
        # Known to a reader before anything is published (a pay quarter's size: a quarter of the employees): never
        # hidden, and a hidden cell they alone pin narrower than the threshold need only be as wide as they allow.
        self.public: list[tuple[dict[int, float], float]] = []

    def variable(self, name: Hashable, value: float) -> int:
        """The variable called `name` (made on first use), whose true value is `value`."""
        if name not in self._variables:
            if value < -_TOLERANCE:
                raise ValueError(f"a count cannot be negative: {name} = {value}")
            self._variables[name] = len(self._values)
            self._values.append(float(value))
        return self._variables[name]

    @property
    def size(self) -> int:
        """How many variables the model has."""
        return len(self._values)

    def total(self, terms: Mapping[int, float]) -> float:
        """The true value of a sum of variables."""
        return sum(self._values[index] * c for index, c in terms.items())

    def cell(self, key: str, terms: Mapping[int, float], *, published: bool = True, importance: int = 0) -> Cell:
        """Publish the sum `terms` (variable index -> coefficient) as `key`. The same sum published under
        another key is the same cell (a reader sees the same number twice): the key becomes an alias."""
        if key in self.cells:
            return self.cells[key]
        signature = tuple(sorted((index, float(c)) for index, c in terms.items() if c))
        if signature in self._by_terms:
            existing = self.cells[self._by_terms[signature]]
            existing.published = existing.published or published
            existing.importance = max(existing.importance, importance)
            self.cells[key] = existing
            return existing
        value = sum(self._values[index] * c for index, c in signature)
        made = Cell(key, dict(signature), value, published=published, importance=importance)
        self.cells[key] = made
        self._by_terms[signature] = key
        return made

    def at_most(self, smaller: Mapping[int, float], larger: Mapping[int, float]) -> None:
        """A reader knows `smaller` <= `larger` (the events of a group are among its base)."""
        difference = dict(smaller)
        for index, c in larger.items():
            difference[index] = difference.get(index, 0.0) - c
        self.inequalities.append(difference)

    def line(self, total: str, members: Iterable[str]) -> None:
        """`total` is the sum of `members` (cells already made): a row, a column, a whole and its services."""
        self.lines.append((total, list(members)))

    def all_or_none(self, keys: Iterable[str]) -> None:
        """`keys` (cells already made) are shown all together or not at all: a reader knows their sum from outside
        the publication, and it is too small to cover a hidden one by the linear programme's rule."""
        self.together.append(list(keys))

    def known(self, terms: Mapping[int, float], value: float) -> None:
        """A reader knows the sum `terms` is `value` from outside the publication (it cannot be withheld)."""
        self.public.append((dict(terms), float(value)))

    def same(self, one: Mapping[int, float], other: Mapping[int, float]) -> None:
        """A reader knows `one` = `other` (a whole is the sum of its services and the rest)."""
        difference = dict(one)
        for index, c in other.items():
            difference[index] = difference.get(index, 0.0) - c
        self.equalities.append(difference)

    def distinct(self) -> list[Cell]:
        seen: dict[int, Cell] = {}
        for cell in self.cells.values():
            seen.setdefault(id(cell), cell)
        return list(seen.values())

    def hidden(self, key: str) -> bool:
        return self.cells[key].hidden

    def hidden_cells(self) -> list[Cell]:
        return [cell for cell in self.distinct() if cell.hidden and cell.published]

    def shown_cells(self) -> list[Cell]:
        return [cell for cell in self.distinct() if not cell.hidden and cell.published]

    def ranges(self, cells: Iterable[Cell] | None = None) -> dict[str, Range]:
        """For each hidden cell (or those given), the whole numbers a reader can narrow it to."""
        known = self.shown_facts(self.shown_cells())
        return _ranges(self.size, known, self.inequalities,
                       list(self.hidden_cells() if cells is None else cells))

    def shown_facts(self, shown: list[Cell]) -> list[tuple[dict[int, float], float]]:
        """What a reader knows as equations: the shown cells (first, in order), the relations, the public facts."""
        return ([(c.terms, c.value) for c in shown] + [(terms, 0.0) for terms in self.equalities]
                + [(dict(terms), value) for terms, value in self.public])

    def needed_width(self, threshold: int) -> dict[str, float]:
        """How wide each cell's range must be: the threshold, or less where the public facts alone (everything
        else withheld) already pin it narrower, since withholding cannot make it wider than they allow."""
        if not self.public:
            return {}
        problem = _Problem(self.size, [(dict(t), v) for t, v in self.public]
                           + [(terms, 0.0) for terms in self.equalities], self.inequalities)
        return {c.key: min(float(threshold), problem.bounds(c)[0].width) for c in self.distinct() if c.published}


def _matrix(rows: list[dict[int, float]], width: int) -> np.ndarray:
    out = np.zeros((len(rows), width))
    for i, terms in enumerate(rows):
        for index, c in terms.items():
            out[i, index] = c
    return out


def _ranges(width: int, known: list[tuple[dict[int, float], float]], inequalities: list[dict[int, float]],
            targets: list[Cell]) -> dict[str, Range]:
    problem = _Problem(width, known, inequalities)
    return {cell.key: problem.bounds(cell)[0] for cell in targets}


def ranges_from(width: int, known: list[tuple[dict[int, float], float]],
                at_most: list[tuple[dict[int, float], float]], targets: Mapping[str, Mapping[int, float]]
                ) -> dict[str, Range]:
    """What a reader can narrow each target (a sum of `width` non-negative variables) to, knowing the equations
    `known` (terms = value) and the inequalities `at_most` (terms <= value): the same linear programmes as the
    model's audit, for an auditor that reads published figures (rounded percentages give a count two bounds)."""
    problem = _Problem(width, known, [terms for terms, _ in at_most], [value for _, value in at_most])
    return {key: problem.bounds(Cell(key, dict(terms), 0.0))[0] for key, terms in targets.items()}


class _Problem:
    """The linear programme of what a reader knows, set up once for several cells' bounds."""

    def __init__(self, width: int, known: list[tuple[dict[int, float], float]],
                 inequalities: list[dict[int, float]], limits: list[float] | None = None) -> None:
        from scipy.sparse import csr_array

        self.width = width
        self.a_eq = csr_array(_matrix([terms for terms, _ in known], width)) if known else None
        self.b_eq = np.array([value for _, value in known]) if known else None
        self.a_ub = csr_array(_matrix(inequalities, width)) if inequalities else None
        self.b_ub = (np.array(limits, dtype=float) if limits is not None else np.zeros(len(inequalities))
                     ) if inequalities else None

    def bounds(self, cell: Cell) -> tuple[Range, set[int]]:
        """The cell's range, and which of the known equalities bind it (their rows): hiding one of those is what
        can widen it."""
        from scipy.optimize import linprog

        objective = _matrix([cell.terms], self.width)[0]
        binding: set[int] = set()
        ends = []
        for sign in (1.0, -1.0):
            solved = linprog(sign * objective, A_ub=self.a_ub, b_ub=self.b_ub, A_eq=self.a_eq, b_eq=self.b_eq,
                             bounds=(0, None), method="highs")
            if sign > 0 and solved.status != 0:
                raise RuntimeError(f"the published figures are inconsistent around {cell.key}: {solved.message}")
            ends.append(solved)
            if solved.status == 0 and self.a_eq is not None:
                binding |= {int(i) for i in np.flatnonzero(np.abs(solved.eqlin.marginals) > 1e-9)}
        low, high = ends
        top = None if high.status == 3 else math.floor(-high.fun + _TOLERANCE)  # 3: unbounded
        return Range(math.ceil(low.fun - _TOLERANCE), top), binding


# What protect decided for the models it was given lately, by the model's signature: the same publication (the same
# counts, cells, relations and threshold) is protected once per process, however often a page or a pack asks.
_PROTECTED: dict[str, tuple[int, tuple[tuple[str, bool, bool], ...]]] = {}
_PROTECTED_KEPT = 64


def signature(model: DisclosureModel, threshold: int) -> str:
    """A digest of everything protect reads: the variables' values, every cell (its terms, whether it is printed,
    its importance, whether it is hidden already), every relation and public fact, and the threshold. Two models
    with the same signature are protected alike."""
    import hashlib

    digest = hashlib.sha256()
    digest.update(repr((threshold, _CANDIDATES, model._values)).encode())
    for key, cell in model.cells.items():
        digest.update(repr((key, cell.key, sorted(cell.terms.items()), cell.value, cell.hidden, cell.primary,
                            cell.published, cell.importance)).encode())
    for relations in (model.inequalities, model.equalities):
        digest.update(repr([sorted(terms.items()) for terms in relations]).encode())
    digest.update(repr((model.lines, model.together,
                        [(sorted(terms.items()), value) for terms, value in model.public])).encode())
    return digest.hexdigest()


def protect(model: DisclosureModel, threshold: int) -> int:
    """Hide counts 1 to threshold - 1, then more, until no hidden cell can be narrowed to a range of fewer
    than `threshold` (high - low >= threshold). Returns how many cells the second step hid.

    The linear programmes are the cost (seconds for a board pack's services): a model protected before in this
    process (the same signature) takes the decision made then."""
    if threshold <= 1:
        return 0
    key = signature(model, threshold)
    if key in _PROTECTED:
        secondary, flags = _PROTECTED[key]
        for name, hidden, primary in flags:
            model.cells[name].hidden, model.cells[name].primary = hidden, primary
        return secondary
    secondary = _protect(model, threshold)
    if len(_PROTECTED) >= _PROTECTED_KEPT:
        del _PROTECTED[next(iter(_PROTECTED))]
    _PROTECTED[key] = (secondary, tuple((name, c.hidden, c.primary) for name, c in model.cells.items()))
    return secondary


def _protect(model: DisclosureModel, threshold: int) -> int:
    for cell in model.distinct():
        if cell.published and is_hidden(cell.value, threshold):
            cell.hidden = cell.primary = True
    secondary = len(_hide_together(model))
    secondary += _cover_lines(model, threshold)
    secondary += len(_hide_together(model))
    need = model.needed_width(threshold)
    waiting = model.hidden_cells()
    while waiting:
        found = model.ranges(waiting)
        exposed = sorted((c for c in waiting if found[c.key].width < need.get(c.key, threshold)),
                         key=lambda c: found[c.key].width)
        if not exposed:
            return secondary
        target = exposed[0]
        partner = _partner(model, target, int(need.get(target.key, threshold)))
        if partner is None:
            raise RuntimeError(f"{target.key} cannot be protected: every count near it is already hidden")
        partner.hidden = True
        secondary += 1
        together = _hide_together(model, partner)
        secondary += len(together)
        # Hiding a cell only widens the others' ranges: only the exposed and the new ones need looking at again.
        waiting = [*exposed, partner, *together]
    return secondary


def _partner(model: DisclosureModel, target: Cell, threshold: int) -> Cell | None:
    """The shown cell to hide beside `target`: the cheapest of those that bind its range (the linear
    programme's duals say which) that widens it to `threshold`, else the one that widens it most."""
    shown = model.shown_cells()
    known = model.shown_facts(shown)
    _, binding = _Problem(model.size, known, model.inequalities).bounds(target)
    candidates = sorted({id(shown[i]): shown[i] for i in binding if i < len(shown)}.values(), key=_cost)
    if not candidates:  # bound through a known relation alone: the cheapest shown cells near it
        variables = _tied(model, set(target.terms))
        candidates = sorted((c for c in shown if variables & set(c.terms)), key=_cost) or sorted(shown, key=_cost)
    best: tuple[float, Cell] | None = None
    for candidate in candidates[:_CANDIDATES]:
        candidate.hidden = True
        width = model.ranges([target])[target.key].width
        candidate.hidden = False
        if width >= threshold:
            return candidate
        if best is None or width > best[0]:
            best = (width, candidate)
    return None if best is None else best[1]


def _hide_together(model: DisclosureModel, beside: Cell | None = None) -> list[Cell]:
    """Hide every cell of a set shown all together or not at all (DisclosureModel.all_or_none) one of whose cells
    is hidden (of the sets `beside` is in, when given). Returns the cells it hid."""
    hid: list[Cell] = []
    for keys in model.together:
        cells = [model.cells[k] for k in keys]
        if (beside is None or any(c is beside for c in cells)) and any(c.hidden for c in cells):
            for cell in cells:
                if not cell.hidden:
                    cell.hidden = True
                    hid.append(cell)
    return hid


def _cover_lines(model: DisclosureModel, threshold: int) -> int:
    """The cheap first pass: in every shown total with a hidden count, the hidden counts hold at least the
    threshold between them (the usual pairing of a lone hidden cell, generalised), so that the linear
    programmes that follow have little left to repair. Returns how many cells it hid."""
    hid = 0
    changed = True
    while changed:
        changed = False
        for total_key, member_keys in model.lines:
            total = model.cells[total_key]
            if total.hidden or not total.published:
                continue
            members = list({id(c): c for c in (model.cells[k] for k in member_keys)}.values())
            covered = [c for c in members if c.hidden or not c.published]
            # With the total shown, a hidden member can move by as much as the hidden members hold between them
            # (the others giving it theirs, or taking its own): that much must reach the threshold.
            if not any(c.published for c in covered) or sum(c.value for c in covered) >= threshold:
                continue
            shown = sorted((c for c in members if c.published and not c.hidden), key=_cost)
            pick = next((c for c in shown if c.value > 0), None) or total
            pick.hidden = True
            hid += 1
            changed = True
    return hid


def _tied(model: DisclosureModel, variables: set[int]) -> set[int]:
    """`variables` and those a known relation ties them to (a service's count and the whole's, events and
    their base)."""
    out = set(variables)
    for terms in [*model.equalities, *model.inequalities]:
        if out & set(terms):
            out |= set(terms)
    return out


def _cost(cell: Cell) -> tuple[bool, int, bool, float, str]:
    # A non-zero count (a hidden zero beside a small count lets non-negativity pin it), a service's before the
    # whole organisation's, an interior count before a total, the smallest first: the least withheld.
    return cell.value == 0, cell.importance, len(cell.terms) > 1, cell.value, cell.key
