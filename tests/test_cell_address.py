"""data_loaders.cell_address: the column part of a cell address, as Excel writes it."""

import pytest

from data_loaders.cell_address import column_letters


@pytest.mark.parametrize(
    ("number", "letters"),
    [(1, "A"), (2, "B"), (26, "Z"), (27, "AA"), (52, "AZ"), (53, "BA"), (702, "ZZ"), (703, "AAA"), (16384, "XFD")],
)
def test_column_letters(number, letters):
    assert column_letters(number) == letters


def test_there_is_no_column_zero():
    with pytest.raises(ValueError):
        column_letters(0)
