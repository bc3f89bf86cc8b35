"""Senior management (M9): the minority-ethnic share of senior managers beside the workforce's and, when
the settings give one, the local population's."""

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


def representation(result: MetricResult, settings: Settings) -> ChartSpec:
    bme = settings.bme_label
    title = f"{shared.cap(bme)} share of senior managers and of the workforce"
    if result.senior_pct is None or result.workforce_pct is None:
        return message_spec(title, shared.why_not_drawn(result, settings)
                            or "The shares are withheld from publication because some counts are too small.")
    groups = result.groups
    interval = senior_share_interval(result)
    senior_known = (groups["bme"].events or 0) + (groups["white"].events or 0)
    workforce_known = (groups["bme"].base or 0) + (groups["white"].base or 0)
    rows: list[dict[str, Any]] = [
        {"who": "Senior managers", "share": round(result.senior_pct, 1), "count": _whole(groups["bme"].events),
         "known": _whole(senior_known), "low": round(interval[0], 1) if interval else None,
         "high": round(interval[1], 1) if interval else None},
        {"who": "Whole workforce", "share": round(result.workforce_pct, 1), "count": _whole(groups["bme"].base),
         "known": _whole(workforce_known), "low": None, "high": None},
    ]
    area = settings.local_population_area or "the area served"
    if result.population_pct is not None:
        rows.append({"who": f"Residents of {area}", "share": round(result.population_pct, 1), "count": "",
                     "known": "", "low": None, "high": None})
    for row in rows:
        row["label"] = pct(row["share"], fraction=False)
        row["text_x"] = max(row["share"], row["high"] or 0)
    table = shared.table([{"Who": r["who"], f"{bme} people": r["count"], "Ethnicity known": r["known"],
                           f"{bme} %": r["share"], "Lower 95% limit": r["low"] if r["low"] is not None else "",
                           "Upper 95% limit": r["high"] if r["high"] is not None else ""} for r in rows],
                         ["Who", f"{bme} people", "Ethnicity known", f"{bme} %", "Lower 95% limit", "Upper 95% limit"])
    top = max([r["high"] or r["share"] for r in rows] + [10.0])
    x = alt.X("share:Q", title=f"{bme} % (where ethnicity is known)",
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
    subtitle = "Bars: the share; black line: 95% interval of the senior managers' share (there are few of them)."
    if result.population_pct is not None:
        subtitle += " Residents: Census 2021, everyone with a stated ethnic group."
    chart = alt.layer(bars, whiskers, words).properties(height=alt.Step(56))
    summary = (f"{shared.cap(bme)} staff are {pct(result.senior_pct, fraction=False)} of senior managers"
               + (f" (95% interval {interval[0]:.0f}% to {interval[1]:.0f}%)" if interval else "")
               + f" against {workforce_share_text(result)}")
    if result.population_pct is not None:
        summary += f" and {pct(result.population_pct, fraction=False)} of the residents of {area}"
    if result.value is not None:
        summary += f": {value_text(result)}"
        if result.ci is not None:
            summary += f" (95% interval {result_interval(result, unit='')})"  # the value has said the unit
        summary += f", {stats.status_words(result.status).lower()}"
    return ChartSpec(finish_chart(chart, title, subtitle), title, summary + ".", table)
