"""Publication suppression: hide small counts, and whatever would let someone work them out.

A table is published with its margins (row totals, column totals, grand total). Counts from
1 to threshold - 1 are hidden (primary suppression). Then more cells are hidden until no
hidden cell can be worked out exactly from the visible ones by adding and subtracting along
rows and columns (secondary suppression, as the ONS does).

Why the second step is enough: give the table with margins signs so that every row and
every column sums to zero, and the hidden cells become the edges of a bipartite graph
between its lines (rows, totals row, columns, totals column). The line equations are that
graph's incidence matrix, whose null space is the graph's cycle space, so a hidden cell
can be solved for exactly when it lies on no cycle of hidden cells (a bridge). We first
pair every hidden cell that is alone in a line (the usual rule), then close any bridge
that remains with one more hidden cell.

The guarantee is against exact recovery. Someone who also uses that counts are never
negative can still narrow a hidden cell to a range; preferring non-zero partners keeps
that range wide.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.registry import GROUPS

DEFAULT_THRESHOLD = 10
TOTAL = "Total"

Cell = tuple[int, int]
# A line of the table with margins: ("row", i) or ("column", j); the last of each is the margin.
Line = tuple[str, int]


@dataclass(frozen=True, eq=False)
class SuppressedTable:
    values: pd.DataFrame
    interior: pd.DataFrame
    row_totals: pd.Series
    column_totals: pd.Series
    grand_total: bool

    @property
    def any_hidden(self) -> bool:
        return bool(
            self.interior.to_numpy().any() or self.row_totals.any() or self.column_totals.any() or self.grand_total
        )

    def hidden_with_margins(self) -> np.ndarray:
        """The mask laid out like `published()`: margins as the last row and column."""
        rows = np.column_stack([self.interior.to_numpy(dtype=bool), self.row_totals.to_numpy(dtype=bool)])
        totals = np.append(self.column_totals.to_numpy(dtype=bool), self.grand_total)
        return np.vstack([rows, totals])

    def published(self) -> pd.DataFrame:
        """The table with margins ('Total' row and column appended), hidden cells as pd.NA.

        Int64 for counts; Float64 when a figure is not whole (an average headcount)."""
        grid = _with_margins(self.values.to_numpy(dtype=float))
        dtype = "Int64" if np.array_equal(grid, np.round(grid)) else "Float64"
        table = pd.DataFrame(
            grid,
            index=pd.Index([*self.values.index, TOTAL]),
            columns=pd.Index([*self.values.columns, TOTAL]),
        ).astype(dtype)
        return table.mask(self.hidden_with_margins())


def is_hidden(count: float | None, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """The primary rule for one figure: 0 < count < threshold.

    Zero is shown (nobody is identified by it); a missing figure has nothing to hide. A
    fraction is not rounded up past the threshold: an average headcount of 9.5 is the mean of
    9 and 10 people, so it would reveal a count under 10."""
    if count is None or pd.isna(count):
        return False
    # The tolerance keeps a margin summed from fractions (9.999999...) on the side it was meant to be.
    value = round(float(count), 9)
    return 0 < value < threshold


def suppress_table(values: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD) -> SuppressedTable:
    """Hide small counts of a two-way table and its margins, and whatever would reveal them.

    Primary: every cell (interior and margins) with 0 < count < threshold. Secondary, until
    stable: a line (row with its total, column with its total, totals row or totals column
    with the grand total) with exactly one hidden cell gets one more, its smallest open
    member (non-zero first) or else its total; then any hidden cell still recoverable from
    the line equations gets a partner that puts it on a cycle of hidden cells. Ties go to
    the earlier position. threshold <= 1 hides nothing."""
    interior = values.to_numpy(dtype=float)
    if np.isnan(interior).any():
        raise ValueError("a table to suppress cannot have missing counts")
    hidden = _suppress_grid(_with_margins(interior), threshold)
    n_rows, n_cols = interior.shape
    return SuppressedTable(
        values=values,
        interior=pd.DataFrame(hidden[:n_rows, :n_cols], index=values.index, columns=values.columns),
        row_totals=pd.Series(hidden[:n_rows, n_cols], index=values.index, dtype=bool),
        column_totals=pd.Series(hidden[n_rows, :n_cols], index=values.columns, dtype=bool),
        grand_total=bool(hidden[n_rows, n_cols]),
    )


def suppress_rates(
    events: dict[str, float], base: dict[str, float], threshold: int = DEFAULT_THRESHOLD
) -> dict[str, dict[str, bool]]:
    """For a relative likelihood: per group, whether its events, base and rate are hidden.

    The table is groups x (events, non-events) with the bases as row totals. A group
    missing from `events` has none. Events may exceed the base (leavers over an average
    headcount in a small team), so non-events are not checked for sign."""
    groups = list(dict.fromkeys([*base, *events]))
    table = pd.DataFrame(
        {
            "events": [events.get(group, 0.0) for group in groups],
            "non_events": [base.get(group, 0.0) - events.get(group, 0.0) for group in groups],
        },
        index=pd.Index(groups, dtype=object),
        dtype=float,
    )
    suppressed = suppress_table(table, threshold)
    masks: dict[str, dict[str, bool]] = {}
    for group in groups:
        events_hidden = bool(suppressed.interior.at[group, "events"])
        base_hidden = bool(suppressed.row_totals[group])
        masks[group] = {"events": events_hidden, "base": base_hidden, "rate": events_hidden or base_hidden}
    return masks


def suppress_bands(counts: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD) -> SuppressedTable:
    """Pay bands (rows) x groups (columns 'bme', 'white', 'unknown'; a missing one counts zero)."""
    unexpected = [column for column in counts.columns if column not in GROUPS]
    if unexpected:
        raise ValueError(f"pay band counts have columns that are not groups: {unexpected}")
    return suppress_table(counts.reindex(columns=list(GROUPS), fill_value=0), threshold)


def _with_margins(interior: np.ndarray) -> np.ndarray:
    rows = np.column_stack([interior, interior.sum(axis=1)])
    return np.vstack([rows, rows.sum(axis=0)])


def _suppress_grid(grid: np.ndarray, threshold: int) -> np.ndarray:
    hidden = np.array([[is_hidden(value, threshold) for value in row] for row in grid], dtype=bool)
    while True:
        if _pair_lone_cells(grid, hidden):
            continue
        bridge = _find_bridge(hidden)
        if bridge is None:
            return hidden
        _close_cycle(grid, hidden, bridge)


def _lines(shape: tuple[int, int]) -> Iterator[tuple[list[Cell], Cell]]:
    """Each line of the grid with margins: its member cells, then its total."""
    n_rows, n_cols = shape
    for i in range(n_rows):
        yield [(i, j) for j in range(n_cols - 1)], (i, n_cols - 1)
    for j in range(n_cols):
        yield [(i, j) for i in range(n_rows - 1)], (n_rows - 1, j)


def _pair_lone_cells(grid: np.ndarray, hidden: np.ndarray) -> bool:
    """One sweep of the lines; a line with exactly one hidden cell gets a second. True if any did."""
    changed = False
    for members, total in _lines(grid.shape):
        if sum(bool(hidden[cell]) for cell in (*members, total)) != 1:
            continue
        open_members = sorted((cell for cell in members if not hidden[cell]), key=lambda c: _cost(grid, c))
        candidates = open_members + ([total] if not hidden[total] else [])
        if candidates:
            hidden[candidates[0]] = True
            changed = True
    return changed


def _cost(grid: np.ndarray, cell: Cell) -> tuple[bool, bool, float, Cell]:
    # Hide interior cells before margins, a non-zero before a zero (a hidden zero partner
    # lets non-negativity pin the other cell), then the smallest.
    n_rows, n_cols = grid.shape
    is_margin = cell[0] == n_rows - 1 or cell[1] == n_cols - 1
    value = float(grid[cell])
    return is_margin, value == 0, abs(value), cell


def _line_nodes(cell: Cell) -> tuple[Line, Line]:
    return ("row", cell[0]), ("column", cell[1])


def _reachable(start: Line, edges: list[Cell]) -> set[Line]:
    adjacent: dict[Line, list[Line]] = {}
    for cell in edges:
        row, column = _line_nodes(cell)
        adjacent.setdefault(row, []).append(column)
        adjacent.setdefault(column, []).append(row)
    seen = {start}
    frontier = [start]
    while frontier:
        for neighbour in adjacent.get(frontier.pop(), []):
            if neighbour not in seen:
                seen.add(neighbour)
                frontier.append(neighbour)
    return seen


def _find_bridge(hidden: np.ndarray) -> tuple[Cell, set[Line], set[Line]] | None:
    """The first hidden cell on no cycle of hidden cells, with the two sides it joins."""
    edges = _cells(hidden)
    for cell in edges:
        others = [edge for edge in edges if edge != cell]
        row, column = _line_nodes(cell)
        row_side = _reachable(row, others)
        if column not in row_side:
            return cell, row_side, _reachable(column, others)
    return None


def _close_cycle(grid: np.ndarray, hidden: np.ndarray, bridge: tuple[Cell, set[Line], set[Line]]) -> None:
    """Hide the cheapest open cell joining the bridge's two sides, which puts the bridge on a cycle."""
    _, row_side, column_side = bridge
    open_cells = _cells(~hidden)
    candidates = [cell for cell in open_cells if _joins(cell, row_side, column_side)]
    if not candidates:
        # Cannot happen once no line has a lone hidden cell: each side then holds a row and a column.
        raise RuntimeError("no cell can protect a hidden cell; the table is too small to suppress")
    hidden[min(candidates, key=lambda c: _cost(grid, c))] = True


def _joins(cell: Cell, side: set[Line], other_side: set[Line]) -> bool:
    row, column = _line_nodes(cell)
    return (row in side and column in other_side) or (row in other_side and column in side)


def _cells(mask: np.ndarray) -> list[Cell]:
    return [(int(i), int(j)) for i, j in np.argwhere(mask)]


@dataclass(frozen=True)
class GroupSuppression:
    """What a relative likelihood's published figures hide: per group its events and base, and
    the total base (the count of everyone the metric covers)."""

    events: dict[str, bool]
    base: dict[str, bool]
    total: bool


def suppress_groups(
    events: dict[str, float], base: dict[str, float], threshold: int = DEFAULT_THRESHOLD
) -> GroupSuppression:
    """Suppression for the shape a relative likelihood is published in.

    What is published per group is its events and its base (and the rate between them); the
    non-events are never shown but follow as base - events; across groups only the total base
    is shown (the events and non-events are never totalled). So: a group's events are hidden
    when they or its non-events are small (4 of 12 appointed says 8 were not), its base when
    it is small; and when exactly one base is hidden, the total goes too, since it would give
    that base back. A two-way table with every margin shown (suppress_table) would have to hide
    far more, such as the minority-ethnic group's events because the unknown group's are small.
    """
    groups = list(dict.fromkeys([*base, *events]))
    events_hidden: dict[str, bool] = {}
    base_hidden: dict[str, bool] = {}
    for group in groups:
        group_events, group_base = events.get(group, 0.0), base.get(group, 0.0)
        base_hidden[group] = is_hidden(group_base, threshold)
        events_hidden[group] = is_hidden(group_events, threshold) or is_hidden(group_base - group_events, threshold)
    total = sum(base.get(group, 0.0) for group in groups)
    total_hidden = sum(base_hidden.values()) == 1 or is_hidden(total, threshold)
    return GroupSuppression(events_hidden, base_hidden, total_hidden)
