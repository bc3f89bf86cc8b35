"""Benchmarking charts: a funnel plot per relative likelihood, and the workforce's share per organisation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from charts import palette
from charts.shared import RATIO_COLUMNS, RATIO_PLACES, ChartSpec, cap, finish_chart, message_spec
from metrics import stats
from metrics.benchmarking import (
    BETWEEN_95_998,
    OUTSIDE_998,
    Comparison,
    OrganisationRow,
    Workforce,
    funnel_curve,
    position_words,
)
from metrics.formatting import interval_text, ratio_text
from metrics.registry import STANDARDS
from metrics.settings import Settings

# How a place on the funnel is drawn: never by colour alone (shape and a label too).
_ADVERSE_OUT, _FAVOURABLE_OUT, _NEAR, _WITHIN = ("outside 99.8%, adverse", "outside 99.8%, favourable",
                                                 "between 95% and 99.8%", "within 95%")
_MARKS = {_ADVERSE_OUT: (palette.ADVERSE, "diamond"), _FAVOURABLE_OUT: (palette.DARK_BLUE, "square"),
          _NEAR: (palette.ORANGE, "triangle-up"), _WITHIN: (palette.NEUTRAL, "circle")}


@dataclass(frozen=True)
class FunnelWords:
    """What the funnel's points and centre are called: organisations around the region's pooled ratio (the
    benchmarking page), or one organisation's subgroups (its services, teams...) around its own ratio
    (charts.breakdown)."""

    one: str = "organisation"
    many: str = "organisations"
    # The centre line, in a sentence and in the chart's key.
    centre: str = "the pooled relative likelihood"
    centre_short: str = "the pooled ratio"
    title: str = "organisations compared"


ORGANISATIONS = FunnelWords()


def _focus(settings: Settings) -> str:
    """The standard's focus group mid-sentence: the organisation's own word for the minority-ethnic group, or
    "disabled"."""
    groups = STANDARDS[settings.standard].comparison
    return groups.noun(groups.focus.key, settings.bme_label)


def _known(settings: Settings) -> str:
    """"known ethnicity", "declared disability status": the people a share is of."""
    groups = STANDARDS[settings.standard].comparison
    return f"{groups.known_word} {groups.what}"

def _category(row: OrganisationRow) -> str:
    if row.position == OUTSIDE_998:
        return _ADVERSE_OUT if row.adverse else _FAVOURABLE_OUT
    return _NEAR if row.position == BETWEEN_95_998 else _WITHIN


def _title(comparison: Comparison) -> str:
    title = comparison.definition.title
    return f"{title} ({comparison.question_label})" if comparison.question_label else title


def comparison_table(comparison: Comparison, words: FunnelWords = ORGANISATIONS) -> pd.DataFrame:
    name = cap(words.one)
    rows = [{
        name: row.organisation,
        "Size": None if row.size is None else round(row.size),
        "Relative likelihood": None if row.value is None else round(row.value, 2),
        "Lower 95% limit": round(row.ci[0], 2) if row.ci else None,
        "Upper 95% limit": round(row.ci[1], 2) if row.ci else None,
        "Status": stats.status_words(row.status),
        "On the funnel": position_words(row),
    } for row in comparison.organisations]
    return pd.DataFrame(rows, columns=[name, "Size", "Relative likelihood", "Lower 95% limit",
                                       "Upper 95% limit", "Status", "On the funnel"])


def _summary(comparison: Comparison, settings: Settings, words: FunnelWords = ORGANISATIONS) -> str:
    pooled = comparison.pooled
    with_data = [r for r in comparison.organisations if r.has_data]
    text = f"Across {len(with_data)} {words.many} {words.centre} is "
    text += ratio_text(pooled.value) if pooled.value is not None else "not available"
    if pooled.ci is not None:
        text += f" (95% interval {interval_text(pooled.ci, 'ratio')})"
    text += "."
    adverse = [r.organisation for r in comparison.placed if r.position == OUTSIDE_998 and r.adverse]
    favourable = [r.organisation for r in comparison.placed if r.position == OUTSIDE_998 and not r.adverse]
    near = [r for r in comparison.placed if r.position == BETWEEN_95_998]
    if adverse:
        text += (f" {len(adverse)} {'is' if len(adverse) == 1 else 'are'} beyond the 99.8% limit on the side adverse "
                 f"to {_focus(settings)} staff: {', '.join(adverse)}.")
    if favourable:
        text += f" {len(favourable)} beyond it on the favourable side: {', '.join(favourable)}."
    if near:
        text += f" {len(near)} between the 95% and 99.8% limits."
    if not adverse and not favourable and not near and comparison.placed:
        text += (f" Every {words.one} placed is within the 95% limits: the differences could be down to "
                 "chance.")
    if comparison.not_placed:
        text += f" {len(comparison.not_placed)} could not be placed (too few people or no events)."
    return text


def funnel(comparison: Comparison, settings: Settings, *, highlight: str = "",
           words: FunnelWords = ORGANISATIONS) -> ChartSpec:
    """Each organisation's ratio against its size, inside 95% and 99.8% limits around the pooled ratio (or, with
    `words` saying so, each subgroup's around its organisation's own ratio, the comparison's pooled figure)."""
    title = f"{_title(comparison)}: {words.title}"
    table = comparison_table(comparison, words)
    if comparison.funnel_reason or not comparison.placed:
        reason = comparison.funnel_reason or f"no {words.one} has enough people to be placed"
        return message_spec(title, f"No funnel can be drawn: {reason}.", table)
    curve = funnel_curve(comparison)
    pooled = comparison.pooled.value
    assert pooled is not None  # no funnel_reason: the pooled ratio is above 0
    marks: list[dict[str, Any]] = []
    for row in comparison.placed:
        assert row.value is not None  # placed: it has a ratio above 0 to place
        category = _category(row)
        labelled = category in (_ADVERSE_OUT, _FAVOURABLE_OUT) or row.organisation == highlight
        marks.append({"organisation": row.organisation, "size": round(row.size or 0), "value": round(row.value, 2),
                      "category": category, "place": position_words(row),
                      "label": row.organisation if labelled else "",
                      "weight": "bold" if row.organisation == highlight else "normal"})
    values = [m["value"] for m in marks] + list(curve["lower_998"]) + list(curve["upper_998"])
    values += [pooled, *settings.adverse_range]
    positive = [v for v in values if v and v > 0]
    y_scale = alt.Scale(type="log", domain=[min(positive) / 1.1, max(positive) * 1.1], nice=False)
    x_scale = alt.Scale(type="log", domain=[float(curve["n"].min()), float(curve["n"].max())], nice=False)
    x = alt.X("size:Q", scale=x_scale,
              title=f"Size: {comparison.definition.subject} of {_known(settings)} (log scale)")
    y = alt.Y("value:Q", scale=y_scale, title="Relative likelihood (log scale)")
    lines = curve.melt(id_vars="n", var_name="limit", value_name="ratio").assign(
        level=lambda f: f["limit"].map(lambda name: "99.8% limits" if name.endswith("998") else "95% limits"))
    # Any: pandas-stubs types every field of a row as any scalar at all, not as its column's type.
    line_rows: Iterable[Any] = lines.itertuples()
    line_data = alt.InlineData(values=[{"n": round(r.n, 3), "ratio": round(r.ratio, 4), "limit": r.limit,
                                        "level": r.level} for r in line_rows])
    limit_lines = alt.Chart(line_data).mark_line(color=palette.DARK_GREY).encode(
        x=alt.X("n:Q", scale=x_scale), y=alt.Y("ratio:Q", scale=y_scale), detail="limit:N",
        strokeDash=alt.StrokeDash("level:N", scale=alt.Scale(domain=["95% limits", "99.8% limits"],
                                                             range=[[6, 4], [1, 0]]),
                                  legend=alt.Legend(title=None, orient="top")))
    centre = alt.Chart(alt.InlineData(values=[{"pooled": round(pooled, 4),
                                               "label": f"Pooled {ratio_text(pooled)}"}])).mark_rule(
        color=palette.BLACK, strokeWidth=2).encode(y=alt.Y("pooled:Q", scale=y_scale))
    data = alt.InlineData(values=marks)
    domain = [c for c in _MARKS if any(m["category"] == c for m in marks)]
    points = alt.Chart(data).mark_point(filled=True, size=140, opacity=1, stroke=palette.BLACK, strokeWidth=0.8).encode(
        x=x, y=y,
        color=alt.Color("category:N", scale=alt.Scale(domain=domain, range=[_MARKS[c][0] for c in domain]),
                        legend=alt.Legend(title="Place on the funnel", orient="top")),
        shape=alt.Shape("category:N", scale=alt.Scale(domain=domain, range=[_MARKS[c][1] for c in domain])),
        tooltip=[alt.Tooltip("organisation:N", title=cap(words.one)), alt.Tooltip("size:Q", title="Size"),
                 alt.Tooltip("value:Q", title="Relative likelihood"), alt.Tooltip("place:N", title="On the funnel")])
    labels = [alt.Chart(data).mark_text(align="left", dx=9, fontSize=palette.LABEL_SIZE - 1, color=palette.BLACK,
                                        fontWeight=weight).transform_filter(f"datum.weight == '{weight}'").encode(
        x=x, y=y, text="label:N") for weight in ("normal", "bold")]
    chart = alt.layer(limit_lines, centre, points, *labels).properties(height=420)
    d = comparison.definition
    numerator = d.numerator_group(settings.standard)
    groups = STANDARDS[settings.standard].comparison
    top, bottom = numerator, groups.other(numerator)
    over = f"{groups.noun(top, settings.bme_label)} over {groups.noun(bottom, settings.bme_label)}"
    subtitle = (f"{STANDARDS[settings.standard].name}, {over}. Solid line across: {words.centre_short}; "
                "dashed: 95% limits; "
                f"solid curves: 99.8% limits. Larger {words.many} have narrower limits.")
    return ChartSpec(finish_chart(chart, title, subtitle), title, _summary(comparison, settings, words), table,
                     places=dict.fromkeys(RATIO_COLUMNS, RATIO_PLACES))


def workforce_shares(workforce: Workforce, settings: Settings, *, highlight: str = "") -> ChartSpec:
    """M1 across organisations: each one's minority-ethnic share of staff of known ethnicity, and the pooled share."""
    groups = STANDARDS[settings.standard].comparison
    bme = groups.label(groups.focus.key, settings.bme_label)
    known = _known(settings)
    title = f"{cap(bme)} share of each organisation's workforce"
    rows = [r for r in workforce.organisations if r.focus_pct is not None]
    table = pd.DataFrame([{"Organisation": r.organisation, f"Staff of {known}": None if r.size is None
                           else round(r.size), f"{bme} %": None if r.focus_pct is None else round(r.focus_pct, 1)}
                          for r in workforce.organisations],
                         columns=["Organisation", f"Staff of {known}", f"{bme} %"])
    pooled = workforce.pooled_pct
    if not rows or (pooled is None and not workforce.pooled_reason):
        return message_spec(title, "No organisation has pay band figures to compare.", table)
    ordered = sorted(rows, key=lambda r: -(r.focus_pct or 0.0))  # every row has a share (see rows)
    marks: list[dict[str, Any]] = [
        {"organisation": r.organisation, "pct": round(r.focus_pct, 1), "label": f"{r.focus_pct:.1f}%",
         "weight": "bold" if r.organisation == highlight else "normal"}
        for r in ordered if r.focus_pct is not None]  # every one of them (see rows): the check is for the type checker
    y = alt.Y("organisation:N", sort=[m["organisation"] for m in marks], title=None)
    x = alt.X("pct:Q", title=f"{bme} % of staff of {known}")
    data = alt.InlineData(values=marks)
    bars = alt.Chart(data).mark_bar(color=palette.DARK_BLUE).encode(y=y, x=x)
    words = [alt.Chart(data).mark_text(align="left", dx=4, fontSize=palette.LABEL_SIZE - 1, color=palette.BLACK,
                                       fontWeight=weight).transform_filter(f"datum.weight == '{weight}'").encode(
        y=y, x=x, text="label:N") for weight in ("normal", "bold")]
    spread = (f"the share runs from {ordered[-1].focus_pct:.1f}% ({ordered[-1].organisation}) to "
              f"{ordered[0].focus_pct:.1f}% ({ordered[0].organisation}).")
    if pooled is None:  # withheld: it would give another organisation's published-only counts back
        chart = alt.layer(bars, *words).properties(height=alt.Step(22))
        summary = f"Across {len(rows)} organisations {spread} No pooled share is shown: {workforce.pooled_reason}."
        return ChartSpec(finish_chart(chart, title, f"No pooled share: {workforce.pooled_reason}."), title, summary,
                         table)
    rule = alt.Chart(alt.InlineData(values=[{"pooled": round(pooled, 1)}])).mark_rule(
        color=palette.WORKFORCE_RULE, strokeWidth=3, strokeDash=[6, 4]).encode(x="pooled:Q")
    chart = alt.layer(bars, *words, rule).properties(height=alt.Step(22))
    noun = groups.noun(groups.focus.key, settings.bme_label)
    summary = f"Across {len(rows)} organisations, {pooled:.1f}% of staff of {known} are {noun}; {spread}"
    return ChartSpec(finish_chart(chart, title, f"Dashed line: the pooled share, {pooled:.1f}%."), title, summary,
                     table)
