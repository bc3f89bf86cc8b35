"""The disclosure model (metrics.disclosure): ranges worked by hand, and protection that holds.

The auditor in tests/disclosure_reader.py checks published outputs independently; these tests check the
engine's own arithmetic on tables small enough to work out on paper.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics import disclosure
from metrics.disclosure import DisclosureModel, Range, is_hidden, protect


def table(rows: dict[str, dict[str, int]]) -> DisclosureModel:
    """A two-way table published with its row totals, column totals and grand total."""
    model = DisclosureModel()
    columns: dict[str, dict[int, float]] = {}
    every: dict[int, float] = {}
    for row, cells in rows.items():
        row_terms: dict[int, float] = {}
        for column, value in cells.items():
            index = model.variable((row, column), value)
            model.cell(f"{row}.{column}", {index: 1.0})
            row_terms[index] = 1.0
            columns.setdefault(column, {})[index] = 1.0
        model.cell(f"{row}.total", row_terms)
        every |= row_terms
    for column, terms in columns.items():
        model.cell(f"total.{column}", terms)
    model.cell("total.total", every)
    return model


def hide(model: DisclosureModel, *keys: str) -> None:
    for key in keys:
        model.cells[key].hidden = True


def test_a_hidden_rectangle_can_be_anything_its_rows_and_columns_allow():
    # a=3 b=12 | 15; c=15 d=20 | 35; columns 18 and 32. With the four hidden a reader has a + b = 15,
    # a + c = 18 and b + d = 32, so b = 15 - a, c = 18 - a, d = 17 + a, all >= 0: a is 0 to 15, b 0 to 15,
    # c 3 to 18, d 17 to 32.
    model = table({"A": {"x": 3, "y": 12}, "B": {"x": 15, "y": 20}})
    hide(model, "A.x", "A.y", "B.x", "B.y")
    assert model.ranges() == {"A.x": Range(0, 15), "A.y": Range(0, 15), "B.x": Range(3, 18), "B.y": Range(17, 32)}


def test_a_lone_hidden_cell_is_given_back_by_its_total():
    model = table({"A": {"x": 3, "y": 12}, "B": {"x": 15, "y": 20}})
    hide(model, "A.x")
    assert model.ranges() == {"A.x": Range(3, 3)}


def test_two_small_cells_in_a_row_are_pinned_by_the_rest_of_it():
    # The published case: a band of 13 with 10 white shown leaves 3 for the other two: 0 to 3 each.
    model = table({"SM2": {"bme": 2, "white": 10, "unknown": 1}, "Grade 4": {"bme": 181, "white": 311, "unknown": 35}})
    hide(model, "SM2.bme", "SM2.unknown", "Grade 4.bme", "Grade 4.unknown")
    assert model.ranges()["SM2.bme"] == Range(0, 3)


def test_protection_leaves_no_hidden_count_narrower_than_the_threshold():
    model = table({"SM2": {"bme": 2, "white": 10, "unknown": 1}, "Grade 4": {"bme": 181, "white": 311, "unknown": 35},
                   "Grade 5": {"bme": 99, "white": 228, "unknown": 21}})
    secondary = protect(model, 10)
    found = model.ranges()
    assert {"SM2.bme", "SM2.unknown"} <= set(found)  # the two small counts
    assert secondary >= 1
    assert all(r.width >= 10 for r in found.values()), found
    assert not model.cells["Grade 4.white"].hidden or not model.cells["Grade 5.white"].hidden  # not everything


def test_zero_is_shown_and_no_count_is_hidden_when_none_is_small():
    model = table({"A": {"x": 0, "y": 12}, "B": {"x": 15, "y": 20}})
    assert protect(model, 10) == 0
    assert not model.hidden_cells()


def test_the_same_sum_published_twice_is_one_cell():
    model = DisclosureModel()
    bme, white = model.variable("bme", 4), model.variable("white", 30)
    model.cell("M1.overall.bme", {bme: 1.0})
    model.cell("M3.bme.base", {bme: 1.0})
    model.cell("M1.overall.white", {white: 1.0})
    model.cell("M1.overall.total", {bme: 1.0, white: 1.0})
    protect(model, 10)
    assert model.hidden("M1.overall.bme") and model.hidden("M3.bme.base")  # hidden in one place, hidden in both


def test_a_planted_leak_is_found():
    model = table({"SM2": {"bme": 2, "white": 10, "unknown": 1}, "Grade 4": {"bme": 181, "white": 311, "unknown": 35},
                   "Grade 5": {"bme": 99, "white": 228, "unknown": 21}})
    protect(model, 10)
    secondary = [c for c in model.hidden_cells() if not c.primary]
    secondary[0].hidden = False  # show one count the second step hid
    assert any(r.width < 10 for r in model.ranges().values())


counts = st.integers(min_value=0, max_value=40)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(counts, counts, counts), min_size=1, max_size=5), st.sampled_from([5, 10]))
def test_any_small_table_is_protected(rows, threshold):
    model = table({f"band {n}": dict(zip(("bme", "white", "unknown"), row, strict=True)) for n, row in enumerate(rows)})
    protect(model, threshold)
    for key, found in model.ranges().items():
        assert found.width >= threshold, (key, found)
    for cell in model.distinct():  # every small count is among the hidden
        if 0 < cell.value < threshold:
            assert cell.hidden, cell.key


def test_threshold_one_hides_nothing():
    model = table({"A": {"x": 1, "y": 2}})
    assert protect(model, 1) == 0 and not model.hidden_cells()


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        DisclosureModel().variable("x", -1)


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


def test_a_model_protected_before_takes_the_decision_made_then(monkeypatch: pytest.MonkeyPatch):
    rows = {"SM2": {"bme": 2, "white": 10, "unknown": 1}, "Grade 4": {"bme": 181, "white": 311, "unknown": 35},
            "Grade 5": {"bme": 99, "white": 228, "unknown": 21}}
    first = table(rows)
    secondary = protect(first, 10)
    decided = {k: (c.hidden, c.primary) for k, c in first.cells.items()}

    def no_linear_programmes(*_: object) -> int:
        raise AssertionError("the same model was protected again")

    monkeypatch.setattr(disclosure, "_protect", no_linear_programmes)
    again = table(rows)
    assert protect(again, 10) == secondary
    assert {k: (c.hidden, c.primary) for k, c in again.cells.items()} == decided
    assert all(r.width >= 10 for r in again.ranges().values())
    # Anything protect reads makes another model: another count, another threshold, a cell hidden beforehand.
    changed = table({**rows, "SM2": {"bme": 3, "white": 10, "unknown": 1}})
    with pytest.raises(AssertionError, match="protected again"):
        protect(changed, 10)
    with pytest.raises(AssertionError, match="protected again"):
        protect(table(rows), 5)
    hidden_first = table(rows)
    hidden_first.cells["Grade 4.white"].hidden = True
    with pytest.raises(AssertionError, match="protected again"):
        protect(hidden_first, 10)
