import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.suppression import (
    SuppressedTable,
    is_hidden,
    suppress_bands,
    suppress_rates,
    suppress_table,
)


def table(rows: list[list[float]], columns: str = "abcd") -> pd.DataFrame:
    return pd.DataFrame(rows, index=[f"r{i}" for i in range(len(rows))], columns=list(columns[: len(rows[0])]))


def hidden_cells(result: SuppressedTable) -> set[tuple[str, str]]:
    """Hidden cells by label, margins labelled 'Total'."""
    mask = result.published().isna()
    return {(row, column) for row in mask.index for column in mask.columns if mask.at[row, column]}


def grid_with_margins(values: pd.DataFrame) -> np.ndarray:
    interior = values.to_numpy(dtype=float)
    with_row_totals = np.column_stack([interior, interior.sum(axis=1)])
    return np.vstack([with_row_totals, with_row_totals.sum(axis=0)])


def line_cells(n_rows: int, n_cols: int) -> list[tuple[list[tuple[int, int]], tuple[int, int]]]:
    """Each line of an n_rows x n_cols table (margins included): its interior cells and its total."""
    rows = [([(i, j) for j in range(n_cols)], (i, n_cols)) for i in range(n_rows + 1)]
    columns = [([(i, j) for i in range(n_rows)], (n_rows, j)) for j in range(n_cols + 1)]
    return rows + columns


def recoverable(values: pd.DataFrame, hidden: np.ndarray) -> list[tuple[int, int]]:
    """Hidden cells someone can solve for from the line equations (sum of a line = its total)."""
    unknowns = [(int(i), int(j)) for i, j in np.argwhere(hidden)]
    if not unknowns:
        return []
    position = {cell: k for k, cell in enumerate(unknowns)}
    equations = []
    for members, total in line_cells(*values.shape):
        equation = np.zeros(len(unknowns))
        for cell in members:
            if cell in position:
                equation[position[cell]] = 1.0
        if total in position:
            equation[position[total]] = -1.0
        equations.append(equation)
    matrix = np.array(equations)
    rank = np.linalg.matrix_rank(matrix)
    return [
        cell
        for cell, k in position.items()
        if np.linalg.matrix_rank(np.vstack([matrix, np.eye(len(unknowns))[k]])) == rank
    ]


# Worked examples, traced by hand.


def test_one_small_cell_hides_its_row_and_column_partners_and_the_corner():
    values = table([[3, 20], [15, 12], [30, 40]])
    result = suppress_table(values)
    # 3 is primary; its row partner is 20, its column partner 15; 15 is then alone in row r1
    # and 20 alone in column b, and 12 is the smallest partner of both.
    assert hidden_cells(result) == {("r0", "a"), ("r0", "b"), ("r1", "a"), ("r1", "b")}
    assert not result.row_totals.any()
    assert not result.column_totals.any()
    assert result.grand_total is False
    published = result.published()
    assert list(published.index) == ["r0", "r1", "r2", "Total"]
    assert list(published.columns) == ["a", "b", "Total"]
    assert (published.dtypes == "Int64").all()
    assert published.loc["Total"].tolist() == [48, 72, 120]
    assert published["Total"].tolist() == [23, 27, 70, 120]
    assert published.loc["r2"].tolist() == [30, 40, 70]
    assert published.loc["r0"].isna().tolist() == [True, True, False]


def test_no_small_cells_hides_nothing():
    result = suppress_table(table([[10, 25, 11], [40, 12, 33]]))
    assert not result.any_hidden
    assert result.published().notna().all().all()


def test_a_small_row_total_is_hidden_and_protected_in_the_totals_column():
    values = table([[4, 0], [12, 25], [18, 30]])
    result = suppress_table(values)
    # Row r0 totals 4: hidden with its cell 4. Column a pairs 4 with 12; the totals column
    # pairs r0's total with the smallest other row total, r1's 37.
    assert result.row_totals.tolist() == [True, True, False]
    assert hidden_cells(result) == {("r0", "a"), ("r0", "Total"), ("r1", "a"), ("r1", "Total")}
    assert result.published()["Total"].tolist()[2:] == [48, 89]


def test_zero_is_not_primary_and_a_non_zero_partner_is_preferred():
    assert not suppress_table(table([[0, 20], [15, 30]])).any_hidden
    result = suppress_table(table([[3, 0, 20], [12, 25, 30]]))
    # Row r0's partner for 3 is 20, not the smaller 0.
    assert hidden_cells(result) == {("r0", "a"), ("r0", "c"), ("r1", "a"), ("r1", "c")}


@pytest.mark.parametrize("threshold", [0, 1])
def test_threshold_zero_or_one_hides_nothing(threshold: int):
    result = suppress_table(table([[3, 1], [2, 40]]), threshold=threshold)
    assert not result.any_hidden


def test_secondary_suppression_cascades():
    values = table([[3, 11, 50], [40, 12, 13], [14, 60, 70]])
    result = suppress_table(values)
    # Sweep 1: r0 pairs 3 with 11; column a pairs 3 with 14; column b pairs 11 with 12.
    # Sweep 2: r1 pairs 12 with 13; r2 pairs 14 with 60; column c pairs 13 with 50.
    assert hidden_cells(result) == {
        ("r0", "a"), ("r0", "b"), ("r0", "c"),
        ("r1", "b"), ("r1", "c"),
        ("r2", "a"), ("r2", "b"),
    }  # fmt: skip
    assert not result.row_totals.any() and not result.column_totals.any()


def test_a_cell_left_recoverable_by_two_per_line_gets_one_more_partner():
    values = table([[3, 24, 29], [35, 17, 27], [33, 13, 21], [1, 1, 0]])
    # Threshold 3: the two 1s and r3's total 2 are primary. Pairing alone hides
    # (0,0) (0,Total) (1,1) (1,2) (2,1) (2,2) (3,0) (3,1) (3,Total): every line has two,
    # yet (3,1) is recoverable: rows r1 and r2 give 17+27+13+21 = 78, column c gives
    # 27+21 = 48, so 17+13 = 30 and column b gives 55-24-30 = 1.
    paired_only = np.zeros((5, 4), dtype=bool)
    for cell in [(0, 0), (0, 3), (1, 1), (1, 2), (2, 1), (2, 2), (3, 0), (3, 1), (3, 3)]:
        paired_only[cell] = True
    assert recoverable(values, paired_only) == [(3, 1)]

    result = suppress_table(values, threshold=3)
    # The cheapest cell joining {r0, r3, a, Total} to {r1, r2, b, c} is (r0, b) = 24.
    assert np.array_equal(result.hidden_with_margins(), paired_only | (np.arange(20).reshape(5, 4) == 1))
    assert recoverable(values, result.hidden_with_margins()) == []


def test_bands_are_put_in_group_order_with_missing_groups_as_zero():
    counts = pd.DataFrame(
        {"white": [40, 55, 14], "bme": [12, 15, 3]},
        index=["Under £25,000", "£25,000 to £29,999", "£70,000 and over"],
    )
    result = suppress_bands(counts)
    assert list(result.values.columns) == ["bme", "white", "unknown"]
    assert result.values["unknown"].tolist() == [0, 0, 0]
    # 3 BME staff in the top band: partnered by its 14 white staff and the 12 BME under £25,000,
    # and 40 closes the rectangle.
    assert hidden_cells(result) == {
        ("£70,000 and over", "bme"), ("£70,000 and over", "white"),
        ("Under £25,000", "bme"), ("Under £25,000", "white"),
    }  # fmt: skip
    assert not result.row_totals.any() and not result.column_totals.any()


def test_bands_with_a_column_that_is_not_a_group_are_refused():
    with pytest.raises(ValueError, match="not groups"):
        suppress_bands(pd.DataFrame({"bme": [12], "asian": [3]}))


def test_rates_hide_the_rate_of_a_group_whose_events_are_hidden():
    masks = suppress_rates(events={"bme": 3, "white": 40, "unknown": 12}, base={"bme": 50, "white": 400, "unknown": 30})
    # Interior: bme (3, 47), white (40, 360), unknown (12, 18). 3 pairs with 47 in its row and
    # 12 in the events column; 47 pairs with 18; the bases and totals stay visible.
    assert masks == {
        "bme": {"events": True, "base": False, "rate": True},
        "white": {"events": False, "base": False, "rate": False},
        "unknown": {"events": True, "base": False, "rate": True},
    }


def test_rates_with_average_headcounts_hide_both_groups_when_one_is_small():
    masks = suppress_rates(events={"bme": 2, "white": 15}, base={"bme": 101.5, "white": 250.5})
    # 2 leavers hidden; with total leavers 17 published, white's 15 must go too.
    assert masks == {
        "bme": {"events": True, "base": False, "rate": True},
        "white": {"events": True, "base": False, "rate": True},
    }


def test_a_fractional_base_under_the_threshold_is_hidden():
    small = suppress_rates(events={"bme": 0, "white": 20}, base={"bme": 9.4, "white": 120})
    assert small == {
        "bme": {"events": False, "base": True, "rate": True},
        "white": {"events": False, "base": True, "rate": True},
    }
    # 9.5 is the mean of 9 and 10 people: it reveals a headcount under 10, so it is hidden too.
    half = suppress_rates(events={"bme": 0, "white": 20}, base={"bme": 9.5, "white": 120})
    assert half["bme"]["base"] is True and half["bme"]["rate"] is True
    ten = suppress_rates(events={"bme": 0, "white": 20}, base={"bme": 10, "white": 120})
    assert not any(hidden for group in ten.values() for hidden in group.values())


def test_rates_count_a_group_missing_from_events_as_none():
    masks = suppress_rates(events={"bme": 12, "white": 30}, base={"bme": 40, "white": 200, "unknown": 25})
    assert masks["unknown"] == {"events": False, "base": False, "rate": False}


def test_published_fractional_figures_are_float():
    result = suppress_table(pd.DataFrame({"events": [2.0, 15.0], "non_events": [99.5, 235.5]}))
    published = result.published()
    assert (published.dtypes == "Float64").all()
    assert published.at[1, "Total"] == 250.5
    assert published.iloc[:2, :2].isna().all().all()


def test_missing_counts_are_refused():
    with pytest.raises(ValueError, match="missing"):
        suppress_table(table([[3, math.nan], [12, 40]]))


@pytest.mark.parametrize(
    ("count", "threshold", "hidden"),
    [
        (0, 10, False),
        (1, 10, True),
        (9, 10, True),
        (10, 10, False),
        (9.4, 10, True),
        (9.5, 10, True),
        (0.4, 10, True),
        (None, 10, False),
        (math.nan, 10, False),
        (3, 0, False),
        (7, 8, True),
        (8, 8, False),
    ],
)
def test_is_hidden(count: float | None, threshold: int, hidden: bool):
    assert is_hidden(count, threshold) is hidden


# Properties over random small tables.

small_counts = st.integers(0, 40) | st.integers(0, 12)


@st.composite
def tables(draw: st.DrawFn, counts: st.SearchStrategy[int] = small_counts) -> pd.DataFrame:
    n_rows = draw(st.integers(2, 4))
    n_cols = draw(st.integers(2, 4))
    rows = draw(st.lists(st.lists(counts, min_size=n_cols, max_size=n_cols), min_size=n_rows, max_size=n_rows))
    return table(rows)


thresholds = st.integers(1, 12)
# No example database: tests write nothing into the repo.
PROPERTY_SETTINGS = settings(max_examples=400, deadline=None, database=None)


@PROPERTY_SETTINGS
@given(tables(), thresholds)
def test_every_primary_cell_is_hidden(values: pd.DataFrame, threshold: int):
    grid = grid_with_margins(values)
    primary = (grid > 0) & (grid < threshold)
    hidden = suppress_table(values, threshold).hidden_with_margins()
    assert not (primary & ~hidden).any()


@PROPERTY_SETTINGS
@given(tables(), thresholds)
def test_no_line_has_exactly_one_hidden_cell(values: pd.DataFrame, threshold: int):
    hidden = suppress_table(values, threshold).hidden_with_margins()
    for members, total in line_cells(*values.shape):
        assert sum(bool(hidden[cell]) for cell in (*members, total)) != 1


@PROPERTY_SETTINGS
@given(tables(), thresholds)
def test_no_hidden_cell_is_recoverable_by_linear_algebra(values: pd.DataFrame, threshold: int):
    hidden = suppress_table(values, threshold).hidden_with_margins()
    assert recoverable(values, hidden) == []


@PROPERTY_SETTINGS
@given(tables(), thresholds)
def test_suppression_is_deterministic(values: pd.DataFrame, threshold: int):
    first = suppress_table(values, threshold).hidden_with_margins()
    second = suppress_table(values.copy(), threshold).hidden_with_margins()
    assert np.array_equal(first, second)


@st.composite
def threshold_and_table_with_no_small_counts(draw: st.DrawFn) -> tuple[int, pd.DataFrame]:
    threshold = draw(thresholds)
    return threshold, draw(tables(st.just(0) | st.integers(threshold, 40)))


@PROPERTY_SETTINGS
@given(threshold_and_table_with_no_small_counts())
def test_nothing_is_hidden_when_nothing_is_below_the_threshold(case: tuple[int, pd.DataFrame]):
    threshold, values = case
    assert not suppress_table(values, threshold).any_hidden
