"""The plan's outline (reports.document), which the PDF and the HTML page both write: its tables' cells are written
as the pages write them, and a table of figures with none in it is a line, not an empty table."""

import pandas as pd

from reports.document import Table, Text, figures_blocks, frame_table


def test_a_frame_of_figures_is_a_table_whose_cells_read_as_the_pages_do() -> None:
    frame = pd.DataFrame({"Group": ["BME", "White"], "Ratio": [0.8, 1.25], "Count": [1200.0, None]})
    table = frame_table(frame, "Figures: M2", {"Ratio": 2})
    assert table == Table("Figures: M2", ("Group", "Ratio", "Count"),
                          (("BME", "0.80", "1,200"), ("White", "1.25", "")))


def test_a_chart_with_every_figure_withheld_gives_a_line_not_an_empty_table() -> None:
    # The published M9 of the sample council: its chart draws nothing, and its table has no columns at all.
    assert figures_blocks(pd.DataFrame(), "Figures: Senior management") == [
        Text("Figures: Senior management: no figures to show.", "caption")]
    assert figures_blocks(pd.DataFrame({"Group": [], "Count": []}), "F") == [
        Text("F: no figures to show.", "caption")]
    assert isinstance(figures_blocks(pd.DataFrame({"Group": ["BME"]}), "F")[0], Table)
