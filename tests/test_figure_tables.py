"""The app's tables of figures (ui.figures): headers a screen reader announces, a region a keyboard can scroll,
and every cell shown as the text it is."""

from io import StringIO

import pandas as pd
from lxml import html as lxml_html

import charts
from metrics.settings import Settings
from pipeline.api import analyse_paths
from ui.figures import cell_text, table_html


def parsed(frame: pd.DataFrame, caption: str = "Appointment from shortlisting"):
    return lxml_html.fromstring(table_html(frame, caption))


def test_the_table_is_a_named_focusable_region_with_a_caption_and_headers():
    frame = pd.DataFrame({"Group": ["BME", "White"], "Shortlisted": [153, 1200], "Appointment rate (%)": [25.5, 32.5]})
    region = parsed(frame)
    assert (region.get("role"), region.get("tabindex"), region.get("aria-label")) == (
        "region", "0", "Appointment from shortlisting")
    assert region.xpath("string(.//caption)") == "Appointment from shortlisting"
    assert [(th.text, th.get("scope")) for th in region.xpath(".//thead/tr/th")] == [
        ("Group", "col"), ("Shortlisted", "col"), ("Appointment rate (%)", "col")]
    # Each row is headed by its first cell, so a screen reader says "White, Shortlisted, 1,200".
    rows = region.xpath(".//tbody/tr")
    assert [(r[0].tag, r[0].get("scope"), r[0].text) for r in rows] == [("th", "row", "BME"), ("th", "row", "White")]
    assert [td.text for td in rows[1].xpath("td")] == ["1,200", "32.5"]
    assert all(td.get("class") == "number" for td in rows[1].xpath("td"))
    read_back = pd.read_html(StringIO(table_html(frame, "x")), index_col=0, thousands=",")[0]
    assert read_back.loc["White", "Shortlisted"] == 1200


def test_cells_are_text_never_markup():
    frame = pd.DataFrame({"Group": ["<img src=x onerror=alert(1)>", "Mixed & other"],
                          "Note": ['" onmouseover="x', "line one\nline two"]})
    text = table_html(frame, 'A caption with "quotes" & <b>tags</b>')
    assert "<img" not in text and "<b>" not in text and 'onmouseover="x' not in text
    region = lxml_html.fromstring(text)
    assert region.get("aria-label") == 'A caption with "quotes" & <b>tags</b>'
    assert region.xpath("string(.//tbody/tr[1]/th)") == "<img src=x onerror=alert(1)>"
    assert region.xpath("string(.//tbody/tr[2]/th)") == "Mixed & other"
    assert len(region.xpath(".//tbody/tr[2]/td/br")) == 1  # a line break in a cell stays a line break


def test_cell_text_says_figures_as_the_chart_does():
    assert [cell_text(v) for v in (153, 153.0, 25.5, 0.8, 2.8125, 12345.5, None, float("nan"), pd.NA, "withheld")] == [
        "153", "153", "25.5", "0.8", "2.8125", "12,345.5", "", "", "", "withheld"]
    assert cell_text(True) == "True"


def test_a_chart_on_screen_carries_its_title_and_subtitle_as_text_not_in_the_picture():
    results = analyse_paths(settings=Settings()).results
    spec = charts.chart_for(results["M3"], Settings())
    assert spec.subtitle.startswith("Point: relative likelihood; line: 95% interval")
    assert spec.subtitle.endswith("1.00 is parity.")  # whole, where the picture cut it short
    untitled = spec.untitled().to_dict()
    assert "title" not in untitled
    assert spec.chart.to_dict()["title"]["text"]  # the exports keep theirs
    assert untitled["description"] == spec.summary  # still described to a screen reader


def test_a_columns_decimal_places_keep_the_zeros_the_chart_shows():
    frame = pd.DataFrame({"Metric": ["Disciplinary"], "Relative likelihood": [1.5], "Lower 95% limit": [0.8],
                          "Note": ["insufficient data"], "Staff": [1200]})
    region = lxml_html.fromstring(table_html(frame, "x", {"Relative likelihood": 2, "Lower 95% limit": 2, "Note": 2}))
    assert [td.text for td in region.xpath(".//tbody/tr/td")] == ["1.50", "0.80", "insufficient data", "1,200"]


def test_the_ratio_tables_give_two_places_as_the_headline_does():
    results = analyse_paths(settings=Settings()).results
    spec = charts.chart_for(results["M3"], Settings())
    cells = lxml_html.fromstring(table_html(spec.table, "x", spec.places)).xpath(".//tbody/tr/td")
    # Disciplinary in the sample council: 1.50 (0.80 to 2.81), as its headline and the overview give it.
    assert [td.text for td in cells[1:4]] == ["1.50", "0.80", "2.81"]
