"""The overview's forest: every relative likelihood of the standard on one log scale, with its 95% interval, the
non-adverse range shaded, a line at parity and each metric's adverse side marked (from the registry's direction
under the standard).

Only metrics whose figure is a ratio (the registry's `figure`) are drawn: shares, differences in points, mean
scores and narratives are on no ratio axis, and `left_out` says which were left out and why. A metric without a
figure keeps its row, in words ("no figure", "withheld"), rather than being dropped.

No Streamlit here, as in every chart module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from charts import palette, shared
from charts.shared import RATIO_COLUMNS, RATIO_PLACES, WITHHELD, ChartSpec, finish_chart, message_spec
from metrics import stats
from metrics.formatting import FIGURE_NAMES, interval_text, ratio_text
from metrics.narrative import listed
from metrics.registry import STANDARDS, Direction, MetricDefinition
from metrics.results import WITHHELD_REASON, MetricResult
from metrics.settings import Settings

TITLE = "Relative likelihoods of every metric"
# The widest the axis goes, either side of parity: a point or limit beyond is drawn at the edge with an arrow, and
# said in the table, so one extreme interval does not squeeze every other row against 1.00.
AXIS_LIMITS = (0.1, 10.0)
NO_FIGURE = "no figure"
COLUMNS = ("Metric", "Ratio", *RATIO_COLUMNS, "Status", "Adverse side", "On the chart")
# The drawn marks: an arrow for a point or limit beyond the axis, at the edge it points past.
_LEFT_ARROW, _RIGHT_ARROW = "triangle-left", "triangle-right"
_TINT_OPACITY = 0.12


@dataclass(frozen=True)
class Row:
    """One drawn row: a metric, or one of its questions (a metric with several gives each its own row)."""

    label: str
    result: MetricResult

    @property
    def definition(self) -> MetricDefinition:
        return self.result.definition

    @property
    def value(self) -> float | None:
        return self.result.ratio.value if self.result.ratio is not None else self.result.value

    @property
    def ci(self) -> tuple[float, float] | None:
        return self.result.ratio.ci if self.result.ratio is not None else self.result.ci

    @property
    def withheld(self) -> bool:
        ratio = self.result.ratio
        return self.result.status == stats.WITHHELD or (ratio is not None and ratio.reason == WITHHELD_REASON)

    @property
    def status(self) -> stats.Status:
        if self.withheld:
            return stats.WITHHELD
        return self.result.ratio.status if self.result.ratio is not None else self.result.status

    @property
    def missing(self) -> str:
        """What the chart says in place of a point: "withheld", "no figure (too few to say)"; "" when it has one."""
        if self.withheld:
            return WITHHELD
        if self.value is None:
            return f"{NO_FIGURE} ({stats.status_words(self.status).lower()})"
        return ""


def is_ratio(definition: MetricDefinition) -> bool:
    """Whether the registry writes the metric's figure as a relative likelihood: only those go on a ratio axis."""
    return definition.figure == "ratio"


def forest_rows(results: Iterable[MetricResult]) -> list[Row]:
    """The rows of the chart, in the standard's order: each metric whose figure is a ratio, a metric with several
    questions once per question."""
    rows: list[Row] = []
    for result in results:
        d = result.definition
        if not is_ratio(d):
            continue
        if len(result.questions) > 1:
            rows += [Row(f"{d.label}: {q.question_label}", q) for q in result.questions.values()]
        else:
            rows.append(Row(d.label, result))
    return rows


def left_out(results: Iterable[MetricResult]) -> str:
    """Which metrics are not on the chart and why, in one sentence; "" when every metric is."""
    out = [r.definition for r in results if not is_ratio(r.definition)]
    if not out:
        return ""
    named = listed([f"{d.label} ({_kind_words(d)})" for d in out])
    verb = "is" if len(out) == 1 else "are"
    return f"Not on this chart, because {'its figure is' if len(out) == 1 else 'their figures are'} not a relative " \
           f"likelihood: {named} {verb} on {'its' if len(out) == 1 else 'their'} own page{'s' * (len(out) > 1)}."


def _kind_words(definition: MetricDefinition) -> str:
    if definition.figure == "none":
        return "a narrative"
    return f"a {FIGURE_NAMES[definition.figure].lower()}"


def _noun(group: str, settings: Settings) -> str:
    return STANDARDS[settings.standard].comparison.noun(group, settings.bme_label)


def convention(definition: MetricDefinition, settings: Settings) -> str:
    """Which group's rate is over which, under the settings' standard: "BME over white", "disabled over
    non-disabled"."""
    top, bottom = definition.numerator_group(settings.standard), definition.denominator_group(settings.standard)
    return f"{_noun(top, settings)} over {_noun(bottom, settings)}"


def adverse_direction(definition: MetricDefinition, settings: Settings) -> Direction | None:
    """Which side of the range is adverse to the focus group under the settings' standard (the registry's)."""
    return definition.adverse_if_ratio(settings.standard)


def adverse_side_words(definition: MetricDefinition, settings: Settings) -> str:
    """"below 0.80", "above 1.25": the adverse side in words, for the table."""
    low, high = settings.adverse_range
    direction = adverse_direction(definition, settings)
    if direction is None:
        return ""
    return f"below {ratio_text(low)}" if direction == "lower" else f"above {ratio_text(high)}"


def _domain(rows: list[Row], settings: Settings) -> tuple[float, float]:
    """The axis: the range and every figure with room either side, never past AXIS_LIMITS."""
    low, high = settings.adverse_range
    figures = [v for r in rows if not r.withheld for v in (r.value, *(r.ci or ())) if v is not None and v > 0]
    smallest, largest = min([low, *figures]) / 1.25, max([high, *figures]) * 1.25
    return max(smallest, AXIS_LIMITS[0]), min(largest, AXIS_LIMITS[1])


def _on_chart(row: Row, domain: tuple[float, float]) -> str:
    """How the row is drawn, where that is not simply a point and its interval."""
    if row.missing:
        return f"not drawn: {row.missing}"
    assert row.value is not None
    notes = []
    if row.value <= 0:
        notes.append("a ratio of 0 has no place on a log scale: drawn at the left edge with an arrow")
    elif shared.clipped(row.value, domain)[1]:
        notes.append(f"beyond the axis ({ratio_text(domain[0])} to {ratio_text(domain[1])}): drawn at the edge "
                     "with an arrow")
    if row.ci is None:
        notes.append("no 95% interval can be given")
    else:
        lower, upper = row.ci
        if lower <= 0 or lower < domain[0]:
            notes.append(f"lower limit beyond the axis: the line runs to {ratio_text(domain[0])} with an arrow")
        if upper > domain[1]:
            notes.append(f"upper limit beyond the axis (open-ended): the line runs to {ratio_text(domain[1])} "
                         "with an arrow")
    return "; ".join(notes)


def _limit(value: float | None) -> float | str:
    if value is None:
        return ""
    return round(value, RATIO_PLACES) if value != float("inf") else "no upper limit"


def _table(rows: list[Row], settings: Settings, domain: tuple[float, float]) -> pd.DataFrame:
    table_rows: list[dict[str, Any]] = []
    for row in rows:
        table_rows.append({
            "Metric": row.label,
            "Ratio": convention(row.definition, settings),
            "Relative likelihood": row.missing or round(row.value or 0.0, RATIO_PLACES),
            "Lower 95% limit": "" if row.missing else _limit(row.ci[0] if row.ci else None),
            "Upper 95% limit": "" if row.missing else _limit(row.ci[1] if row.ci else None),
            "Status": stats.status_words(row.status),
            "Adverse side": adverse_side_words(row.definition, settings),
            "On the chart": _on_chart(row, domain),
        })
    return shared.table(table_rows, COLUMNS)


def _marks(rows: list[Row], settings: Settings, domain: tuple[float, float]) -> list[dict[str, Any]]:
    marks: list[dict[str, Any]] = []
    for row in rows:
        mark: dict[str, Any] = {"row": "\n".join(shared.wrap(row.label, 34)), "metric": row.label,
                                "status": row.status, "words": stats.status_words(row.status),
                                "adverse": adverse_direction(row.definition, settings) or "",
                                "missing": row.missing, "edge": domain[0]}
        if not row.missing and row.value is not None:
            point, edge = shared.clipped(row.value, domain) if row.value > 0 else (domain[0], "left")
            mark |= {"value": round(row.value, RATIO_PLACES), "x": point,
                     "arrow": edge, "label": ratio_text(row.value)}
            if row.ci is not None:
                lower = shared.clipped(row.ci[0], domain) if row.ci[0] > 0 else (domain[0], "left")
                upper = shared.clipped(row.ci[1], domain)
                mark |= {"ci_low": _limit(row.ci[0]), "ci_high": _limit(row.ci[1]),
                         "ci_x": lower[0], "ci_x2": upper[0], "low_arrow": lower[1], "high_arrow": upper[1]}
        marks.append(mark)
    return marks


def _summary(rows: list[Row], settings: Settings, left: str) -> str:
    standard = STANDARDS[settings.standard].name
    drawn = [r for r in rows if not r.missing]
    parts = [f"{len(drawn)} of {len(rows)} relative likelihoods ({standard}) are drawn"]
    adverse = [r for r in drawn if stats.is_adverse(r.status)]
    if adverse:
        parts.append("outside the range on the adverse side: " + listed([
            f"{r.label} {ratio_text(r.value or 0.0)}" + (f" (95% interval {interval_text(r.ci, 'ratio')})"
                                                         if r.ci else "") for r in adverse]))
    elif drawn:
        parts.append("none is outside the range on the adverse side")
    text = "; ".join(parts) + "."
    if missing := [r for r in rows if r.missing]:
        text += " Not drawn: " + listed([f"{r.label} ({r.missing})" for r in missing]) + "."
    return " ".join(t for t in (text, left) if t)


def overview_forest(results: Iterable[MetricResult], settings: Settings) -> ChartSpec:
    """Every relative likelihood of the settings' standard with its 95% interval, on one log scale."""
    results = list(results)
    rows = forest_rows(results)
    left = left_out(results)
    low, high = settings.adverse_range
    domain = _domain(rows, settings)
    table = _table(rows, settings, domain)
    if not any(not r.missing for r in rows):
        message = "No metric has a relative likelihood to draw yet."
        return message_spec(TITLE, " ".join(t for t in (message, left) if t), table)
    marks = _marks(rows, settings, domain)
    order = [m["row"] for m in marks]
    scale = alt.Scale(type="log", domain=list(domain), nice=False)
    ticks = [t for t in (0.1, 0.25, 0.5, low, 1.0, high, 2.0, 4.0, 10.0) if domain[0] <= t <= domain[1]]
    comparison = STANDARDS[settings.standard].comparison
    x_title = ["Relative likelihood (log scale)",
               f"{STANDARDS[settings.standard].name}: which group is over which is in the table's Ratio column"]
    x = alt.X("x:Q", scale=scale, title=x_title, axis=alt.Axis(values=ticks, format=".2~f", **shared.SPACED_LABELS))
    y = alt.Y("row:N", sort=order, title=None, axis=alt.Axis(labelExpr="split(datum.label, '\\n')"))
    data = alt.InlineData(values=marks)

    # Each row's adverse side, tinted from the range's edge to the axis's, and said in words at that edge.
    sides = [{"row": m["row"], "from": low if m["adverse"] == "lower" else high,
              "to": domain[0] if m["adverse"] == "lower" else domain[1],
              "text": "← adverse" if m["adverse"] == "lower" else "adverse →",
              "align": "left" if m["adverse"] == "lower" else "right"} for m in marks if m["adverse"]]
    side_data = alt.InlineData(values=sides)
    tint = alt.Chart(side_data).mark_rect(color=palette.ADVERSE, opacity=_TINT_OPACITY).encode(
        y=y, x=alt.X("from:Q", scale=scale), x2="to:Q")
    side_words = [alt.Chart(side_data).mark_text(
        align=align, baseline="bottom", dx=4 if align == "left" else -4, dy=24, fontSize=palette.LABEL_SIZE - 2,
        color=palette.ADVERSE).transform_filter(f"datum.align == '{align}'").encode(
        y=y, x=alt.X("to:Q", scale=scale), text="text:N") for align in ("left", "right")]
    shading = alt.Chart(alt.InlineData(values=[{"low": low, "high": high}])).mark_rect(
        color=palette.RANGE_SHADING, opacity=0.6).encode(x=alt.X("low:Q", scale=scale), x2="high:Q")
    parity = alt.Chart(alt.InlineData(values=[{"parity": 1.0}])).mark_rule(
        color=palette.BLACK, strokeWidth=1.5).encode(x=alt.X("parity:Q", scale=scale))
    status_colour = shared.rated_colour()
    intervals = alt.Chart(data).mark_rule(strokeWidth=3).transform_filter("isValid(datum.ci_x)").encode(
        y=y, x=alt.X("ci_x:Q", scale=scale), x2="ci_x2:Q", color=status_colour)
    points = alt.Chart(data).mark_point(filled=True, size=160, opacity=1).transform_filter(
        "isValid(datum.x) && datum.arrow == ''").encode(
        y=y, x=x, color=status_colour, shape=shared.rated_shape(),
        tooltip=[alt.Tooltip("metric:N", title="Metric"), alt.Tooltip("value:Q", title="Relative likelihood"),
                 alt.Tooltip("ci_low:N", title="Lower 95% limit"), alt.Tooltip("ci_high:N", title="Upper 95% limit"),
                 alt.Tooltip("words:N", title="Status")])
    # A point or limit beyond the axis: an arrow at the edge, pointing past it.
    arrows = [_arrows(data, y, scale, field, edge, position)
              for field, position in (("arrow", "x"), ("low_arrow", "ci_x"), ("high_arrow", "ci_x2"))
              for edge in ("left", "right")]
    labels = alt.Chart(data).mark_text(baseline="bottom", dy=-10, fontSize=palette.LABEL_SIZE,
                                       color=palette.BLACK).transform_filter("isValid(datum.x)").encode(
        y=y, x=x, text="label:N")
    missing = alt.Chart(data).mark_text(align="left", dx=6, fontSize=palette.LABEL_SIZE, fontStyle="italic",
                                        color=palette.DARK_GREY).transform_filter("datum.missing != ''").encode(
        y=y, x=alt.X("edge:Q", scale=scale), text="missing:N")
    subtitle = (f"Point: relative likelihood; line: its 95% interval; shaded grey: {low:.2f} to {high:.2f}, the "
                "range not counted as adverse; line at 1.00: parity; tinted and labelled on each row: the side "
                "adverse to " + _noun(comparison.focus.key, settings) + " staff. An arrow: beyond the axis.")
    chart = alt.layer(shading, tint, parity, intervals, points, *arrows, labels, *side_words, missing).properties(
        height=alt.Step(60))
    return ChartSpec(finish_chart(chart, TITLE, subtitle), TITLE, _summary(rows, settings, left), table,
                     places=dict.fromkeys(RATIO_COLUMNS, RATIO_PLACES))


def _arrows(data: alt.InlineData, y: alt.Y, scale: alt.Scale, field: str, edge: str, position: str) -> alt.Chart:
    return alt.Chart(data).mark_point(filled=True, size=140, opacity=1, color=palette.BLACK,
                                      shape=_LEFT_ARROW if edge == "left" else _RIGHT_ARROW).transform_filter(
        f"datum.{field} == '{edge}'").encode(y=y, x=alt.X(f"{position}:Q", scale=scale))
