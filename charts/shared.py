"""What every chart is drawn in: the ChartSpec a builder returns, the title and type every chart has, the
message drawn where there is no chart, and the small pieces the builders share (charts.builders for a metric's
own chart, charts.funnel and charts.representation beside it, charts.trends over the years).

No Streamlit here, as in every chart module.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeAlias

import altair as alt
import pandas as pd

from charts import palette
from metrics import stats
from metrics.results import MetricResult
from metrics.settings import Settings

# What a table shows, and a chart says, where the publication rule withholds a figure.
WITHHELD = "withheld"
RATIO_PLACES = 2  # relative likelihoods and their limits, as the metric pages and the overview give them
RATIO_COLUMNS = ("Relative likelihood", "Lower 95% limit", "Upper 95% limit")

# Any chart that can be drawn on its own (Altair's own alias for these, ChartType, is not public).
TopLevelChart: TypeAlias = (alt.Chart | alt.LayerChart | alt.ConcatChart | alt.HConcatChart | alt.VConcatChart
                            | alt.FacetChart | alt.RepeatChart)


@dataclass(eq=False)
class ChartSpec:
    chart: TopLevelChart
    title: str
    # The headline finding in one sentence.
    summary: str
    # Exactly the figures drawn, "withheld" where publication suppression hid one.
    table: pd.DataFrame
    # Groups or bands under settings.min_group_size, for the page to warn about.
    small_groups: list[str] = field(default_factory=list)
    # Decimal places a column's figures are shown to, where the table's rounding alone would lose trailing zeros
    # (a ratio of 0.80 is held as 0.8): the same figure as on the chart and in the headline.
    places: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # What a screen reader announces for the chart: its headline finding (the figures are in the table beside
        # it; the marks themselves are hidden from the accessibility tree, see finish_chart).
        self.chart = self.chart.properties(description=self.summary)

    @property
    def subtitle(self) -> str:
        """The line under the title that says how to read the chart ("Point: relative likelihood; ..."), as one."""
        lines = getattr(self.chart.title, "subtitle", alt.Undefined)
        if lines is alt.Undefined:
            return ""
        return " ".join(lines) if isinstance(lines, list) else str(lines)

    def untitled(self) -> TopLevelChart:
        """The chart without its title and subtitle, for a page that shows them as text above it. Text there wraps
        at any width or zoom; in the picture Vega cuts a line wider than the chart short ("the ra...")."""
        chart = self.chart.copy(deep=False)
        chart.title = alt.Undefined
        return chart

    def presented(self) -> ChartSpec:
        """A copy for a meeting room's screen: axis, legend and mark text larger and black, and the chart as tall
        as the space the page gives it (Vega-Lite's "container" height) rather than a height set by its rows."""
        chart = self.chart.copy(deep=True)
        config = chart.config
        large = {"labelFontSize": palette.PRESENT_LABEL_SIZE, "titleFontSize": palette.PRESENT_LABEL_SIZE,
                 "labelColor": palette.BLACK, "titleColor": palette.BLACK}
        for part in (config.axis, config.legend):
            for name, value in large.items():
                part[name] = value
        config.text["fontSize"] = palette.PRESENT_LABEL_SIZE
        # Every category named (each pay band, each row), as on the page: Vega would drop every other one where the
        # larger labels come near each other on a short screen.
        config.axisBand = alt.AxisConfig(labelOverlap=False)
        for layer in _layers(chart):
            mark = layer.mark
            if isinstance(mark, alt.MarkDef) and mark.fontSize in (palette.LABEL_SIZE, palette.MESSAGE_SIZE):
                mark.fontSize = (palette.PRESENT_LABEL_SIZE if mark.fontSize == palette.LABEL_SIZE
                                 else palette.PRESENT_MESSAGE_SIZE)
        return replace(self, chart=chart.properties(height="container"))

    def with_width(self, width: int) -> ChartSpec:
        """A fixed-width copy, for exports rendered without a container to fill."""
        return replace(self, chart=self.chart.properties(width=width))


def _layers(chart: TopLevelChart) -> list[alt.Chart]:
    """The single-view charts a chart is drawn from (a layer's layers)."""
    if isinstance(chart, alt.LayerChart):
        return [view for layer in chart.layer for view in _layers(layer)]
    return [chart] if isinstance(chart, alt.Chart) else []


# An axis's values on a log scale (0.8, 1, 1.25 close together): on a narrow chart (a phone, 400% zoom) a value that
# would run into the one before it is left out (Vega's labelOverlap) rather than printed over it ("0.8 11.25").
SPACED_LABELS: dict[str, Any] = {"labelOverlap": "greedy", "labelSeparation": 6}


def shown_where_it_fits(share: str, label: str = "label", size: float = palette.LABEL_SIZE, *,
                        bold: bool = False) -> Any:
    """An opacity for a label drawn inside a bar's segment: shown only where the segment, as drawn at the chart's width
    now (Vega's `width` signal: a container's width changes with the window and the zoom), is wide enough for it. On a
    narrow screen (a phone, 400% zoom) a label wider than its segment would be cut short ("·.7%"); it is left out
    instead, and the table beside the chart has the figure. `share` is the datum's field of the segment's % of a
    0 to 100 scale, `label` its text's."""
    per_char = size * (0.66 if bold else 0.6)  # pixels a character, a little generous for digits and "%"
    return alt.condition(f"datum.{share} / 100 * width >= length(datum.{label}) * {per_char:g} + 4",
                         alt.value(1), alt.value(0))


def cap(text: str) -> str:
    """The text with its first letter a capital, the rest as written ("BME staff", "White staff")."""
    return text[:1].upper() + text[1:]


def count(value: float | None) -> float | str:
    """A count as a table shows it: WITHHELD where the publication rule withholds it."""
    return WITHHELD if value is None else value


def table(rows: list[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A chart's table: the rows, in exactly these columns, in this order."""
    return pd.DataFrame(rows, columns=list(columns))


def wrap(text: str, width: int = 90) -> list[str]:
    """The text in lines of at most `width` characters (at least one line), as a chart's title and labels take it."""
    return textwrap.wrap(text, width) or [""]


def clipped(value: float, domain: tuple[float, float]) -> tuple[float, str]:
    """The value drawn within the domain, and which edge it was clipped to ("left", "right" or "")."""
    if value < domain[0]:
        return domain[0], "left"
    if value > domain[1]:
        return domain[1], "right"
    return value, ""


def finish_chart(chart: TopLevelChart, title: str, subtitle: str = "") -> TopLevelChart:
    """The chart with its title and subtitle (wrapped), the palette's type and the container's width."""
    heading = alt.TitleParams(text=wrap(title, 50), subtitle=wrap(subtitle) if subtitle else alt.Undefined,
                              anchor="start", fontSize=palette.TITLE_SIZE, subtitleFontSize=palette.SUBTITLE_SIZE,
                              subtitleColor=palette.DARK_GREY, offset=24)
    return (
        chart.properties(title=heading, width="container")
        .configure(font=palette.FONT)
        .configure_axis(labelFontSize=palette.LABEL_SIZE, titleFontSize=palette.LABEL_SIZE, labelLimit=360,
                        titleFontWeight="normal")
        .configure_legend(labelFontSize=palette.LABEL_SIZE, titleFontSize=palette.LABEL_SIZE)
        .configure_text(fontSize=palette.LABEL_SIZE)
        .configure_view(stroke=None)
        # Marks are left out of the accessibility tree: one by one they say less than the table beside the chart,
        # and a layer with nothing to draw (no interval to show) would be announced as an unlabelled graphic.
        .configure_mark(aria=False)
    )


def _message_chart(title: str, message: str) -> TopLevelChart:
    text = "\n".join(wrap(message, 70))
    chart = (
        alt.Chart(alt.InlineData(values=[{"message": text}]))
        .mark_text(fontSize=palette.MESSAGE_SIZE, lineBreak="\n", color=palette.DARK_GREY)
        .encode(text="message:N")
        .properties(height=140)
    )
    return finish_chart(chart, title)


def message_spec(title: str, message: str, table: pd.DataFrame | None = None,
                  small: list[str] | None = None) -> ChartSpec:
    """A chart that says, in words, why there is nothing to draw; with the table of what figures there are."""
    return ChartSpec(_message_chart(title, message), title, message,
                     table if table is not None else pd.DataFrame(), small or [])


def why_not_drawn(result: MetricResult, settings: Settings) -> str:
    """Why `result` has no chart, in one sentence; "" when it can be drawn."""
    d = result.definition
    if result.status == stats.NO_DATA:
        needs = " and ".join(name.replace("_", " ") for name in d.datasets)
        return f"There is no data for {d.title.lower()} yet: it needs the {needs} data."
    if result.status == stats.INSUFFICIENT:
        reason = result.ratio.reason if result.ratio and result.ratio.reason else "too few people were counted"
        return f"There is not enough data to compare {d.subject}: {reason}."
    return ""


def status_colour(status: stats.Status) -> str:
    """A chart's colour for a status set against the range: adverse (beyond chance or not) stands out."""
    return palette.ADVERSE if stats.is_adverse(status) else palette.NEUTRAL


def rated_colour() -> alt.Color:
    """Colour by a rated status (the `status` field), adverse standing out; no legend (the words say it)."""
    return alt.Color("status:N", scale=alt.Scale(domain=list(stats.RATED),
                                                 range=[status_colour(s) for s in stats.RATED]), legend=None)


def rated_shape() -> alt.Shape:
    """Shape by a rated status: a diamond where adverse, a circle otherwise, so colour is not the only sign."""
    return alt.Shape("status:N", scale=alt.Scale(
        domain=list(stats.RATED), range=["diamond" if stats.is_adverse(s) else "circle" for s in stats.RATED]),
        legend=None)
