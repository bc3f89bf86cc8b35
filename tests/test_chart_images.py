"""Chart images for the exports are drawn with their words: a font the renderer lacks must fall back."""

import io

from PIL import Image

import charts
from metrics.counts import FigureSet, Period
from metrics.results import compute_results
from metrics.settings import Settings
from reports.images import chart_png


def dark_pixels(png: bytes) -> int:
    histogram = Image.open(io.BytesIO(png)).convert("L").histogram()
    return sum(histogram[:100])


def test_a_chart_that_is_only_words_is_not_blank():
    import datetime as dt

    import pandas as pd

    empty = FigureSet("Test", Period.twelve_months_to(dt.date(2026, 3, 31)),
                      pd.DataFrame(columns=["metric", "item", "group", "events", "base"]))
    result = compute_results(empty, Settings())["M3"]  # no data: the chart is a sentence saying so
    png = chart_png(charts.chart_for(result, Settings()), width=600, scale=1)
    assert png.startswith(b"\x89PNG")
    # Without a usable font vl-convert draws nothing; with one, the sentence makes dark pixels.
    assert dark_pixels(png) > 200
