"""The pay quarters as the GOV.UK gender pay gap service draws them: four quarters, each a bar of 100% split
between the groups, with a table of the same figures beside it (no Streamlit here, as in every chart module)."""

from __future__ import annotations

from typing import Any

import altair as alt

from charts import palette, shared
from charts.shared import ChartSpec, finish_chart
from metrics.formatting import gap_text
from metrics.paygap import QUARTER_WORDS, QUARTERS, PayGapResult, short_label
from metrics.paygap_publish import PublishedPayGaps

# The reference turquoise and the first group compared dark blue, as on every chart; further groups (ethnicity's
# categories) take the palette's next colours in its order.
_COLOURS = (palette.TURQUOISE, palette.DARK_BLUE, palette.DARK_PINK, palette.ORANGE, palette.DARK_GREY,
            palette.LIGHT_PURPLE)
_TEXT = {palette.TURQUOISE: palette.BLACK, palette.ORANGE: palette.BLACK, palette.LIGHT_PURPLE: palette.BLACK}
# Top to bottom as the service lists them: the upper quarter first.
ROWS = tuple(reversed(QUARTERS))


def quarter_name(quarter: str) -> str:
    """'Upper middle quarter'."""
    return f"{QUARTER_WORDS[quarter].capitalize()} quarter"


def drawn_quarters(result: PayGapResult | PublishedPayGaps
                   ) -> tuple[tuple[str, ...], dict[str, dict[str, float | None]]]:
    """The groups the chart splits each quarter between, the reference first, and their shares: by sex or
    disability the two groups; by ethnicity the minority-ethnic group and the reference, ranked together without the
    others (a dozen categories in one bar would repeat the palette's colours: the page tables them instead)."""
    if result.aggregate_quarters:
        aggregate, shares = next(iter(result.aggregate_quarters.items()))
        return (result.reference, aggregate), shares
    return result.order, result.quarters


def quarters_chart(result: PayGapResult | PublishedPayGaps) -> ChartSpec:
    """Each group's share of each pay quarter (ranked by hourly pay), each quarter a bar of 100%: the full
    figures, or the published ones (a withheld share drawn as none and named "withheld" in the summary)."""
    order, quarters = drawn_quarters(result)
    names = [short_label(g) for g in order]
    title = f"Who is in each pay quarter, by {result.by}"
    table = shared.table(
        [{"Quarter": quarter_name(q),
          **{f"{name} %": round(share, 1) if (share := quarters[q][g]) is not None else ""
             for g, name in zip(order, names, strict=True)}} for q in ROWS],
        ["Quarter", *(f"{name} %" for name in names)])
    if not any(result.quarter_sizes.values()):
        return shared.message_spec(title, "No one has an hourly rate: there are no quarters to draw.", table)
    colours = [_COLOURS[i % len(_COLOURS)] for i in range(len(names))]
    rows: list[dict[str, Any]] = []
    for q in ROWS:
        start = 0.0
        for position, (g, name) in enumerate(zip(order, names, strict=True)):
            share = quarters[q][g] or 0.0
            rows.append({"quarter": quarter_name(q), "group": name, "share": share, "start": start,
                         "end": start + share, "middle": start + share / 2, "order": position,
                         "label": gap_text(share) if share >= 8 else "",
                         "text_colour": _TEXT.get(colours[position], palette.WHITE)})
            start += share
    data = alt.InlineData(values=rows)
    y = alt.Y("quarter:N", sort=[quarter_name(q) for q in ROWS], title=None)
    bars = alt.Chart(data).mark_bar(height=40).encode(
        y=y,
        x=alt.X("start:Q", title="Share of the quarter (%)", scale=alt.Scale(domain=[0, 100], nice=False)),
        x2="end:Q",
        color=alt.Color("group:N", scale=alt.Scale(domain=names, range=colours),
                        legend=alt.Legend(title=None, orient="top")),
        tooltip=[alt.Tooltip("quarter:N", title="Quarter"), alt.Tooltip("group:N", title="Group"),
                 alt.Tooltip("share:Q", title="%", format=".1f")])
    words = alt.Chart(data).mark_text(fontWeight="bold").encode(
        y=y, x="middle:Q", text="label:N", color=alt.Color("text_colour:N", scale=None),
        opacity=shared.shown_where_it_fits("share", bold=True))
    chart = alt.layer(bars, words).properties(height=alt.Step(64))
    subtitle = (f"Everyone with an hourly rate ranked by it and split into four equal quarters; each bar is a "
                f"quarter, split by {result.by}.")
    if result.aggregate_quarters:
        subtitle = (f"{names[1]} and {names[0]} people with an hourly rate ranked by it (without those of neither "
                    "group) and split into four equal quarters; each bar is a quarter.")
    upper, lower = quarters["upper"], quarters["lower"]
    missing = "withheld" if isinstance(result, PublishedPayGaps) else "-"
    summary = (f"{names[0]} are {gap_text(upper[order[0]], missing)} of the upper quarter and "
               f"{gap_text(lower[order[0]], missing)} of the lower; "
               + "; ".join(f"{name} {gap_text(upper[g], missing)} of the upper and {gap_text(lower[g], missing)} of "
                           "the lower" for g, name in zip(order[1:], names[1:], strict=True)) + ".")
    return ChartSpec(finish_chart(chart, title, subtitle), title, summary, table,
                     places={f"{name} %": 1 for name in names})
