"""Representation against the workforce: the minority-ethnic share of senior managers (M9), or of the board's
voting and executive members (W9, one bar for each), beside the workforce's and, when the settings give one, the
local population's."""

from __future__ import annotations

from typing import Any

import altair as alt

from charts import palette, shared
from charts.shared import ChartSpec, finish_chart, message_spec
from metrics import stats
from metrics.formatting import pct, result_interval, value_text
from metrics.narrative import senior_share_interval, workforce_share_text
from metrics.results import MetricResult
from metrics.settings import Settings


def _whole(value: float | None) -> int | float | str:
    count = shared.count(value)
    return int(count) if isinstance(count, float) and count.is_integer() else count


def _share_words(item: MetricResult, who: str, bme: str) -> str:
    """"BME staff are 14% of senior managers (95% interval 6% to 29%)"; an item says its own words ("of the board's
    voting members") and "people", as board members are not all staff."""
    interval = senior_share_interval(item)
    subject = "people" if item.question_label else "staff"
    text = (f"{shared.cap(bme)} {subject} are {pct(item.senior_pct, fraction=False)} of "
            f"{item.question_label or who}")
    return text + (f" (95% interval {interval[0]:.0f}% to {interval[1]:.0f}%)" if interval else "")


def _figure_words(result: MetricResult) -> str:
    """"-4.5 percentage points (95% interval -9.0 to +1.0), adverse, could be chance"."""
    text = value_text(result)
    if result.ci is not None:
        text += f" (95% interval {result_interval(result, unit='')})"  # the value has said the unit
    return text + f", {stats.status_words(result.status).lower()}"


def representation(result: MetricResult, settings: Settings) -> ChartSpec:
    comparison = result.comparison
    # The focus group's label in a table or title ("BME", the organisation's own; "Disabled"), and its name mid-
    # sentence ("BME", "disabled").
    bme = comparison.label(comparison.focus.key, settings.bme_label)
    noun = comparison.noun(comparison.focus.key, settings.bme_label)
    known_heading = f"{shared.cap(comparison.what)} {comparison.known_word}"
    d = result.definition
    who = d.events_label.lower()
    title = f"{shared.cap(bme)} share of {who} and of the workforce"
    # One bar per item counted (the board's voting members, its executive members), or the metric's own.
    items = [q for q in result.questions.values()] if result.questions else [result]
    drawn = [q for q in items if q.senior_pct is not None]
    if not drawn or result.workforce_pct is None:
        return message_spec(title, shared.why_not_drawn(result, settings)
                            or "The shares are withheld from publication because some counts are too small.")
    focus, reference = result.comparison.known
    groups = result.groups
    workforce_known = (groups[focus].base or 0) + (groups[reference].base or 0)
    rows: list[dict[str, Any]] = []
    for item in drawn:
        assert item.senior_pct is not None
        interval = senior_share_interval(item)
        known = (item.groups[focus].events or 0) + (item.groups[reference].events or 0)
        rows.append({"who": shared.cap(item.question_label) if item.question_label else d.events_label,
                     "share": round(item.senior_pct, 1), "count": _whole(item.groups[focus].events),
                     "known": _whole(known), "low": round(interval[0], 1) if interval else None,
                     "high": round(interval[1], 1) if interval else None})
    rows.append({"who": "Whole workforce", "share": round(result.workforce_pct, 1), "count": _whole(groups[focus].base),
                 "known": _whole(workforce_known), "low": None, "high": None})
    area = settings.local_population_area or "the area served"
    if result.population_pct is not None:
        rows.append({"who": f"Residents of {area}", "share": round(result.population_pct, 1), "count": "",
                     "known": "", "low": None, "high": None})
    for row in rows:
        row["label"] = pct(row["share"], fraction=False)
        row["text_x"] = max(row["share"], row["high"] or 0)
    table = shared.table([{"Who": r["who"], f"{bme} people": r["count"], known_heading: r["known"],
                           f"{bme} %": r["share"], "Lower 95% limit": r["low"] if r["low"] is not None else "",
                           "Upper 95% limit": r["high"] if r["high"] is not None else ""} for r in rows],
                         ["Who", f"{bme} people", known_heading, f"{bme} %", "Lower 95% limit", "Upper 95% limit"])
    top = max([r["high"] or r["share"] for r in rows] + [10.0])
    x = alt.X("share:Q", title=f"{bme} % (where {comparison.what} is {comparison.known_word})",
              scale=alt.Scale(domain=[0, min(100.0, top * 1.2)], nice=False))
    y = alt.Y("who:N", sort=[r["who"] for r in rows], title=None)
    data = alt.InlineData(values=rows)
    bars = alt.Chart(data).mark_bar(color=palette.DARK_BLUE, height=28).encode(
        y=y, x=x, tooltip=[alt.Tooltip("who:N", title="Who"), alt.Tooltip("share:Q", title=f"{bme} %"),
                           alt.Tooltip("low:Q", title="Lower 95% limit"),
                           alt.Tooltip("high:Q", title="Upper 95% limit")])
    whiskers = alt.Chart(data).mark_rule(color=palette.BLACK, strokeWidth=3).transform_filter(
        "isValid(datum.low)").encode(y=y, x=alt.X("low:Q"), x2="high:Q")
    words = alt.Chart(data).mark_text(align="left", dx=8, fontSize=palette.LABEL_SIZE, color=palette.BLACK,
                                      fontWeight="bold").encode(
        y=y, x=alt.X("text_x:Q"), text="label:N")
    subtitle = f"Bars: the share; black line: 95% interval of the {who}' share (there are few of them)."
    if result.population_pct is not None:
        subtitle += " Residents: Census 2021, everyone with a stated ethnic group."
    chart = alt.layer(bars, whiskers, words).properties(height=alt.Step(56))
    summary = "; ".join(_share_words(item, who, noun) for item in drawn) + f" against {workforce_share_text(result)}"
    if result.population_pct is not None:
        summary += f" and {pct(result.population_pct, fraction=False)} of the residents of {area}"
    figures = [(item.question_label, _figure_words(item)) for item in drawn if item.value is not None]
    if result.questions and figures:
        summary += ": " + "; ".join(f"{label}, {words}" for label, words in figures)
    elif figures:
        summary += f": {figures[0][1]}"
    return ChartSpec(finish_chart(chart, title, subtitle), title, summary + ".", table)
