"""A metric across periods: each year's figure with its 95% interval, oldest on the left."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from charts import palette
from charts.shared import ChartSpec, TopLevelChart, finish_chart, message_spec
from data_loaders.comparison import Comparison
from metrics import stats
from metrics.formatting import SCORE_POINTS
from metrics.narrative import workforce_share_means
from metrics.registry import METRICS, STANDARDS
from metrics.settings import Settings
from metrics.trends import Year, change_sentence, period_label, trend_table
from metrics.unknown_bounds import HEADING

# The shapes that tell two survey questions apart without colour.
_QUESTION_SHAPES = ("circle", "square", "triangle-up", "diamond")


def _value_column(measure: str) -> str:
    return {"relative likelihood": "Relative likelihood", "percentage points": "Gap (percentage points)",
            "% of the workforce": "% of the workforce", "% of the group": "% of the group",
            SCORE_POINTS: f"Difference ({SCORE_POINTS})"}.get(measure, measure.capitalize())


def unknown_column(comparison: Comparison) -> str:
    """The table's column of the unknown group's share: "Ethnicity unknown %", "Disability status not declared %"."""
    return f"{comparison.what.capitalize()} {comparison.unknown.noun} %"


def trend(years: Sequence[Year], metric_id: str, settings: Settings) -> ChartSpec:
    """One metric over the periods given; the summary is the change since the period before the latest."""
    comparison = STANDARDS[settings.standard].comparison
    focus = comparison.noun(comparison.focus.key, settings.bme_label)
    definition = METRICS[metric_id]
    title = f"{definition.title} over time"
    if definition.kind == "narrative":
        return message_spec(title, f"{definition.title}: a narrative, written in its panels for each period, with no "
                                   "figure to follow over time.")
    rows = trend_table(years, settings)
    rows = rows[rows["metric"] == metric_id]
    if rows.empty:
        return message_spec(title, "There are no figures for this metric in any period yet.")
    measure = str(rows["measure"].iloc[0])
    has_questions = bool((rows["question"] != "").any())
    table = pd.DataFrame({
        "Period": rows["period"],
        **({"Question": rows["question_label"]} if has_questions else {}),
        _value_column(measure): rows["value"].round(_places(measure)),
        "Lower 95% limit": rows["ci_low"].round(_places(measure)),
        "Upper 95% limit": rows["ci_high"].round(_places(measure)),
        "Status": [stats.status_words(s) for s in rows["status"]],
        unknown_column(comparison): rows["unknown_pct"].round(1),
        HEADING: rows["unknown_verdict"],
    }).reset_index(drop=True)
    if len(years) >= 2:
        summary = change_sentence(years[-2], years[-1], metric_id, settings)
    else:
        summary = f"Only {years[0].period.end:%d %B %Y} so far: save each year's figures to see the change."
    drawable = rows[rows["value"].notna()]
    if drawable.empty:
        return message_spec(title, "No period has a figure to draw for this metric: the groups were too small.",
                             table)
    marks = _marks(drawable)
    order = list(dict.fromkeys(rows.sort_values("period_end")["period"]))
    chart = _chart(marks, order, measure, settings, has_questions)
    subtitle = {
        "relative likelihood": ("Point: relative likelihood; line: 95% interval; shaded: "
                                f"{settings.adverse_range[0]:.2f} to {settings.adverse_range[1]:.2f}, "
                                "the range not counted as adverse."),
        "percentage points": (f"{focus} share of senior managers minus their share of the workforce; "
                              "line: 95% interval; 0 is no gap."),
        "% of the workforce": (f"{focus} staff as a % of the whole workforce, "
                               f"{workforce_share_means(comparison)}."),
        "% of the group": f"Point: % of {focus} respondents; line: 95% interval. There is no comparison group.",
        SCORE_POINTS: (f"{focus.capitalize()} staff's mean score less the others'; line: 95% interval; 0 is no "
                       "difference."),
    }.get(measure, "")
    places = _places(measure)
    return ChartSpec(finish_chart(chart, title, subtitle), title, summary, table,
                     places={_value_column(measure): places, "Lower 95% limit": places, "Upper 95% limit": places,
                             unknown_column(comparison): 1})


def _places(measure: str) -> int:
    """Decimal places a trend's figures are given to: a ratio's and a difference of mean scores' two, else one."""
    return 2 if measure in ("relative likelihood", SCORE_POINTS) else 1


def _unit(measure: str) -> str:
    """What follows a trend point's figure: nothing after a ratio, "%" after a share, points otherwise."""
    if measure == "relative likelihood":
        return ""
    if measure == SCORE_POINTS:
        return " pts"
    return "%" if measure.startswith("%") else " pp"


def _marks(rows: pd.DataFrame) -> list[dict[str, Any]]:
    measure = str(rows["measure"].iloc[0])
    places = _places(measure)
    marks = []
    # A trend_table row; pandas-stubs types every field as any scalar at all, not as its column's type.
    row: Any
    for row in rows.itertuples():
        value = round(float(row.value), places)
        marks.append({
            "period": row.period,
            "question": row.question_label or "",
            "value": value,
            "ci_low": None if pd.isna(row.ci_low) else round(float(row.ci_low), places),
            "ci_high": None if pd.isna(row.ci_high) else round(float(row.ci_high), places),
            "status": row.status,
            "label": f"{value:.{places}f}" + _unit(measure),
        })
    return marks


def _chart(marks: list[dict[str, Any]], order: list[str], measure: str, settings: Settings,
           has_questions: bool) -> TopLevelChart:
    values = [v for m in marks for v in (m["value"], m["ci_low"], m["ci_high"]) if v is not None]
    x = alt.X("period:O", sort=order, title="Period", axis=alt.Axis(labelAngle=0))
    offset = alt.XOffset("question:N") if has_questions else alt.Undefined
    layers: list[alt.Chart] = []
    if measure == "relative likelihood":
        low, high = settings.adverse_range
        positive = [v for v in values if v > 0]
        domain = [min([low, *positive]) / 1.25, max([high, *positive]) * 1.25]
        scale = alt.Scale(type="log", domain=domain, nice=False)
        y_title = "Relative likelihood (log scale)"
        layers.append(alt.Chart(alt.InlineData(values=[{"low": low, "high": high}])).mark_rect(
            color=palette.RANGE_SHADING, opacity=0.6).encode(y=alt.Y("low:Q", scale=scale), y2="high:Q"))
        reference: float | None = 1.0
    else:
        span = [min([0.0, *values]), max([0.0, *values])]
        pad = max(2.0, (span[1] - span[0]) * 0.15)
        scale = alt.Scale(domain=[span[0] - pad, span[1] + pad], nice=False)
        y_title = _value_column(measure)
        reference = 0.0 if measure in ("percentage points", SCORE_POINTS) else None
    y = alt.Y("value:Q", scale=scale, title=y_title)
    if reference is not None:
        layers.append(alt.Chart(alt.InlineData(values=[{"reference": reference}])).mark_rule(
            color=palette.BLACK, strokeWidth=1.5).encode(y=alt.Y("reference:Q", scale=scale)))
    data = alt.InlineData(values=marks)
    status_colour = alt.Color("status:N", scale=alt.Scale(
        domain=[*stats.RATED, stats.DESCRIPTIVE, stats.ONE_GROUP],
        range=[*(palette.ADVERSE if stats.is_adverse(s) else palette.NEUTRAL for s in stats.RATED), palette.DARK_BLUE,
               palette.DARK_BLUE]),
        legend=None)
    shape = (alt.Shape("question:N", scale=alt.Scale(range=list(_QUESTION_SHAPES)),
                       legend=alt.Legend(title="Question", orient="top", labelLimit=400))
             if has_questions else alt.Undefined)
    layers.append(alt.Chart(data).mark_rule(strokeWidth=3).transform_filter("isValid(datum.ci_low)").encode(
        x=x, xOffset=offset, y=alt.Y("ci_low:Q", scale=scale), y2="ci_high:Q", color=status_colour))
    if not has_questions:
        layers.append(alt.Chart(data).mark_line(color=palette.DARK_GREY, strokeDash=[4, 4]).encode(x=x, y=y))
    layers.append(alt.Chart(data).mark_point(filled=True, size=160, opacity=1).encode(
        x=x, xOffset=offset, y=y, color=status_colour, shape=shape,
        tooltip=[alt.Tooltip("period:N", title="Period"), alt.Tooltip("question:N", title="Question"),
                 alt.Tooltip("value:Q", title=y_title), alt.Tooltip("ci_low:Q", title="Lower 95% limit"),
                 alt.Tooltip("ci_high:Q", title="Upper 95% limit"), alt.Tooltip("status:N", title="Status")]))
    layers.append(alt.Chart(data).mark_text(align="left", dx=10, fontSize=palette.LABEL_SIZE,
                                            color=palette.BLACK).encode(x=x, xOffset=offset, y=y, text="label:N"))
    return alt.layer(*layers).properties(height=320)


def unknown_text(years: Sequence[Year], metric_id: str) -> str:
    """How the share of people with unknown ethnicity (under the WDES, not declared) moved, for the metric's
    people."""
    shares = [(y.period, y.figures.quality[metric_id].unknown_pct) for y in years
              if metric_id in y.figures.quality and metric_id in y.figures.available]
    shares = [(p, s) for p, s in shares if s is not None]
    if not shares:
        return ""
    listed = ", ".join(f"{s:.1f}% in {period_label(p)}" for p, s in shares)
    comparison = years[-1].figures.comparison
    return f"{comparison.what.capitalize()} not {comparison.known_word}: {listed}."
