"""Where the disproportionality sits: one metric's breakdown (metrics.breakdown) by a column of the records, drawn.

The forest gives each subgroup's figure with its 95% interval and, just under it, thinner and paler, the interval
adjusted for the number of subgroups compared (Bonferroni: metrics.breakdown.METHOD_WORDS), sorted by value, with
the organisation's own figure as a dashed vertical line. The scale is the registry's figure format's, as on the
overview and the metric's own chart: a relative likelihood on a log scale with the settings' non-adverse range
shaded and parity at 1.00; a difference in percentage points (senior management) or of mean scores on a linear
one with parity at 0; one group's percentage (WDES 8) on 0 to 100, with nothing to compare it with. A subgroup
with a compared group under the minimum size is greyed and said so, in its label and in the table.

The funnel answers which subgroup is unusual beyond chance: each subgroup's relative likelihood against its size
(the people of the two compared groups), inside 95% and 99.8% control limits around the organisation's own ratio,
which is the subgroups' pooled figure (they add up to the whole). It is the benchmarking page's funnel
(charts.funnel, metrics.benchmarking's limits), with a subgroup where an organisation was.

Pure functions: no Streamlit here, as in every chart module.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from charts import palette, shared
from charts.funnel import FunnelWords, comparison_table, funnel
from charts.overview import AXIS_LIMITS, convention
from charts.shared import ChartSpec, finish_chart, message_spec
from metrics import stats
from metrics.benchmarking import Comparison, Pooled, organisation_row
from metrics.breakdown import Breakdown, Figure
from metrics.counts import Period
from metrics.formatting import FIGURE_NAMES, FIGURE_PLACES, figure_text, interval_text, number
from metrics.narrative import listed
from metrics.registry import METRICS, STANDARDS, MetricDefinition
from metrics.results import GroupFigures, MetricResult
from metrics.settings import Settings

# How a mark is shaded besides its status: greyed (a compared group under the minimum size), or a figure not set
# against a range (one group's percentage).
UNDER_MINIMUM = "under the minimum size"
NOT_RATED = "not rated"
GREYED = "#767676"  # 4.5:1 on white: faded beside the statuses' colours, still seen
ROW_STEP = 60  # pixels per row
# The adjusted interval's place in its row, in pixels from the row's top: 9 under the 95% interval, at the middle.
_ADJUSTED_OFFSET = ROW_STEP // 2 + 9


def column_words(column: str) -> tuple[str, str]:
    """A column as a sentence names one value and several: ("pay band", "pay bands"), ("sex", "sexes")."""
    one = column.replace("_", " ")
    if one.endswith(("s", "x", "sh", "ch")):
        return one, one + "es"
    if one.endswith("y") and not one.endswith(("ay", "ey", "oy", "uy")):
        return one, one[:-1] + "ies"
    return one, one + "s"


def can_draw(definition: MetricDefinition) -> bool:
    """Whether a breakdown of the metric has a figure per subgroup to draw: not the pay bands' shares (a
    distribution, described by its own chart) nor a narrative."""
    return definition.figure not in ("shares", "none")


def has_funnel(definition: MetricDefinition) -> bool:
    """Whether the funnel applies: a relative likelihood (the registry's figure), with an adverse direction."""
    return definition.figure == "ratio" and definition.adverse_if_bme_rate is not None


def questions(found: Breakdown) -> dict[str, str]:
    """A metric with several questions or items: each one's key and words; empty for a metric with one figure."""
    whole = found.whole
    return {key: q.question_label or key for key, q in whole.questions.items()} if len(whole.questions) > 1 else {}


@dataclass(frozen=True)
class Row:
    """One subgroup as drawn: its figure (the metric's, or one question's), size and whether it is greyed."""

    name: str
    size: float
    under_minimum: bool
    figure: Figure
    # The subgroup's result for the metric or question (None: a question no one in it was asked).
    result: MetricResult | None


def _of(result: MetricResult, question: str) -> MetricResult | None:
    return result.questions.get(question) if question else result


def rows(found: Breakdown, question: str = "") -> list[Row]:
    """The subgroups, sorted by value, lowest first (the forest draws them top to bottom); those with no figure
    after, in the breakdown's order."""
    out = []
    for s in found.subgroups:
        figure = s.questions.get(question, Figure(None, None, stats.NO_DATA)) if question else s.figure
        out.append(Row(s.name, s.size, s.under_minimum, figure, _of(s.result, question)))
    with_value = sorted((r for r in out if r.figure.value is not None), key=lambda r: r.figure.value or 0.0)
    return with_value + [r for r in out if r.figure.value is None]


def _whole(found: Breakdown, question: str) -> MetricResult | None:
    return _of(found.whole, question)


def _parity(definition: MetricDefinition) -> float | None:
    """Where no difference between the groups sits on the figure's scale; None for one group's percentage."""
    if definition.figure == "ratio":
        return 1.0
    return 0.0 if definition.figure in ("points", "score") else None


def _shaded(definition: MetricDefinition, settings: Settings) -> tuple[float, float] | None:
    """The non-adverse range drawn on every row: the settings' for a ratio, the registry's for a score; none for
    senior management, whose range is in points of each subgroup's own workforce share (its status says it)."""
    if definition.figure == "ratio":
        return settings.adverse_range
    return definition.non_adverse if definition.figure == "score" else None


def wholly_adverse(row: Row, definition: MetricDefinition, settings: Settings) -> bool:
    """Whether the subgroup's adjusted interval lies wholly on the side of parity adverse to the focus group (so
    the difference is beyond chance even allowing for the number of subgroups compared), for a subgroup at or over
    the minimum size."""
    direction = definition.adverse_if_ratio(settings.standard)
    parity = _parity(definition)
    ci = row.figure.ci_adjusted
    if row.under_minimum or direction is None or parity is None or ci is None or row.figure.value is None:
        return False
    return ci[0] > parity if direction == "higher" else ci[1] < parity


def _rounded(value: float | None, places: int) -> float | str:
    if value is None:
        return ""
    return round(value, places) if math.isfinite(value) else "no upper limit"


def value_heading(definition: MetricDefinition) -> str:
    """The table's heading for the figure: "Relative likelihood", "Percentage point difference"."""
    return FIGURE_NAMES[definition.figure]


def table_columns(found: Breakdown) -> list[str]:
    definition = METRICS[found.metric]
    return [shared.cap(column_words(found.column)[0]), "People counted", value_heading(definition),
            "Lower 95% limit", "Upper 95% limit", "Lower adjusted limit", "Upper adjusted limit", "Status", "Note"]


def all_together(found: Breakdown) -> str:
    """The table's row for the organisation's own figure (the chart's vertical line): "All services together"."""
    return f"All {column_words(found.column)[1]} together"


def breakdown_table(found: Breakdown, settings: Settings, question: str = "") -> pd.DataFrame:
    """The forest's figures as a table, in its order: each subgroup's size, figure, 95% and adjusted limits,
    status and a note (greyed, wholly adverse after adjustment), then the organisation's own figure."""
    definition = METRICS[found.metric]
    places = FIGURE_PLACES[definition.figure]
    columns = table_columns(found)
    domain = _domain(_values(found, question), definition, settings)
    out: list[dict[str, Any]] = []
    for row in rows(found, question):
        f = row.figure
        notes = []
        if row.under_minimum:
            notes.append(f"greyed: a group is under the minimum size of {settings.min_group_size}")
        if wholly_adverse(row, definition, settings):
            notes.append("adjusted interval wholly on the adverse side")
        notes += _beyond_axis(row, domain, definition)
        out.append(dict(zip(columns, [
            row.name, _size(row.size), _rounded(f.value, places) if f.value is not None else stats.status_words(
                f.status), _rounded(f.ci[0], places) if f.ci else "", _rounded(f.ci[1], places) if f.ci else "",
            _rounded(f.ci_adjusted[0], places) if f.ci_adjusted else "",
            _rounded(f.ci_adjusted[1], places) if f.ci_adjusted else "", stats.status_words(f.status),
            "; ".join(notes)], strict=True)))
    whole = _whole(found, question)
    if whole is not None:
        size = sum(r.size for r in rows(found, question))
        out.append(dict(zip(columns, [
            all_together(found), _size(size), _rounded(whole.value, places) if whole.value is not None
            else stats.status_words(whole.status), _rounded(whole.ci[0], places) if whole.ci else "",
            _rounded(whole.ci[1], places) if whole.ci else "", "", "", stats.status_words(whole.status),
            "the organisation's own figure: the dashed line"], strict=True)))
    return shared.table(out, columns)


def _values(found: Breakdown, question: str) -> list[float]:
    """Every figure and limit the forest draws, the organisation's own too: what its axis must hold."""
    values = [v for r in rows(found, question)
              for v in (r.figure.value, *(r.figure.ci or ()), *(r.figure.ci_adjusted or ())) if v is not None]
    whole = _whole(found, question)
    if whole is not None and whole.value is not None:
        values.append(whole.value)
    return values


def _beyond_axis(row: Row, domain: tuple[float, float], definition: MetricDefinition) -> list[str]:
    """What of the row is drawn at the axis's edge rather than where it is, in words for the table."""
    f = row.figure
    if f.value is None:
        return []
    if definition.figure == "ratio" and f.value <= 0:
        return ["a ratio of 0 has no place on a log scale: drawn at the left edge"]
    limits = [v for v in (*(f.ci or ()), *(f.ci_adjusted or ())) if v is not None]
    if any(v < domain[0] or v > domain[1] for v in [f.value, *limits]):
        edge = f"{figure_text(domain[0], definition.figure)} to {figure_text(domain[1], definition.figure)}"
        return [f"beyond the axis ({edge}): drawn to its edge"]
    return []


def _size(size: float) -> float | int:
    return int(size) if float(size).is_integer() else round(size, 1)


def _label(row: Row, settings: Settings) -> str:
    text = f"{row.name} (n = {number(row.size)})"
    if row.under_minimum:
        text += f": under {settings.min_group_size}, greyed"
    return text


def _figure_words(value: float, definition: MetricDefinition) -> str:
    return figure_text(value, definition.figure)


def adverse_sentence(found: Breakdown, settings: Settings, question: str = "") -> str:
    """The subgroups whose adjusted interval lies wholly on the adverse side, named in one sentence; or that
    none does (or that the figure has no adverse side)."""
    definition = METRICS[found.metric]
    many = column_words(found.column)[1]
    if definition.adverse_if_ratio(settings.standard) is None or _parity(definition) is None:
        return f"This figure is not set against another group's, so no {column_words(found.column)[0]} is adverse."
    named = [r for r in rows(found, question) if wholly_adverse(r, definition, settings)]
    if not named:
        return (f"No {column_words(found.column)[0]}'s adjusted interval lies wholly on the adverse side: none of "
                f"the {many} differs beyond chance once the {found_k(found, question)} compared are allowed for.")
    described = [f"{r.name} ({_figure_words(r.figure.value or 0.0, definition)}, adjusted interval "
                 f"{interval_text(r.figure.ci_adjusted, definition.figure)})" for r in named
                 if r.figure.ci_adjusted is not None]
    verb = "lies" if len(named) == 1 else "lie"
    return (f"Adjusted for the {found_k(found, question)} {many} compared, the interval of {listed(described)} "
            f"{verb} wholly on the adverse side: beyond chance.")


def found_k(found: Breakdown, question: str = "") -> int:
    """The k of the adjustment: the subgroups with a value (for the question, when one is chosen)."""
    return found.question_comparisons.get(question, 0) if question else found.comparisons


def counts_sentence(found: Breakdown, settings: Settings, question: str = "") -> str:
    """How many subgroups there are, how many have a figure (the k of the adjustment), how many are greyed."""
    one, many = column_words(found.column)
    drawn = rows(found, question)
    k = found_k(found, question)
    under = sum(1 for r in drawn if r.under_minimum)
    text = f"{len(drawn)} {one if len(drawn) == 1 else many}: {k} with a figure, compared (k = {k})"
    if under:
        text += f"; {under} with a group under the minimum size of {settings.min_group_size}, greyed"
    return text + "."


def _title(found: Breakdown, question: str) -> str:
    definition = METRICS[found.metric]
    label = questions(found).get(question, "")
    what = f"{definition.title} ({label})" if label else definition.title
    return f"{what} by {column_words(found.column)[0]}"


def _domain(values: Sequence[float], definition: MetricDefinition, settings: Settings) -> tuple[float, float]:
    shaded = _shaded(definition, settings)
    parity = _parity(definition)
    if definition.figure == "ratio":
        positive = [v for v in values if v > 0 and math.isfinite(v)]
        low, high = shaded or (1.0, 1.0)
        return max(min([low, *positive]) / 1.25, AXIS_LIMITS[0]), min(max([high, *positive]) * 1.25, AXIS_LIMITS[1])
    if definition.figure == "percent":
        return 0.0, 100.0
    every = [*values, *(shaded or ()), *([parity] if parity is not None else [])] or [0.0]
    low, high = min(every), max(every)
    margin = (high - low) * 0.08 or 1.0
    return low - margin, high + margin


def _x(value: float, domain: tuple[float, float]) -> float:
    """A value drawn within the axis (a ratio of 0 or an open limit at the edge)."""
    return shared.clipped(value, domain)[0]


def _shade(row: Row) -> str:
    if row.under_minimum:
        return UNDER_MINIMUM
    return row.figure.status if row.figure.status in stats.RATED else NOT_RATED


def marks(found: Breakdown, settings: Settings, question: str = "") -> list[dict[str, Any]]:
    """The forest's rows as the chart draws them, in its order: the figure and both intervals (each within the
    axis), the shade and whether the row is greyed."""
    definition = METRICS[found.metric]
    drawn = rows(found, question)
    domain = _domain(_values(found, question), definition, settings)
    out: list[dict[str, Any]] = []
    for row in drawn:
        f = row.figure
        mark: dict[str, Any] = {"row": "\n".join(shared.wrap(_label(row, settings), 34)), "name": row.name,
                                "size": row.size, "greyed": row.under_minimum, "shade": _shade(row),
                                "words": stats.status_words(f.status), "edge": domain[0]}
        if f.value is None:
            mark["missing"] = f"no figure ({stats.status_words(f.status).lower()})"
        else:
            mark |= {"value": f.value, "x": _x(f.value, domain), "label": _figure_words(f.value, definition),
                     "missing": ""}
            if f.ci is not None:
                mark |= {"ci_low": f.ci[0], "ci_high": f.ci[1], "ci_x": _x(f.ci[0], domain),
                         "ci_x2": _x(f.ci[1], domain)}
            if f.ci_adjusted is not None:
                mark |= {"adj_low": f.ci_adjusted[0], "adj_high": f.ci_adjusted[1],
                         "adj_x": _x(f.ci_adjusted[0], domain), "adj_x2": _x(f.ci_adjusted[1], domain)}
        out.append(mark)
    return out


def _colour() -> alt.Color:
    domain = [*stats.RATED, NOT_RATED, UNDER_MINIMUM]
    colours = [shared.status_colour(s) for s in stats.RATED] + [palette.NEUTRAL, GREYED]
    return alt.Color("shade:N", scale=alt.Scale(domain=domain, range=colours), legend=None)


def _shape() -> alt.Shape:
    domain = [*stats.RATED, NOT_RATED, UNDER_MINIMUM]
    shapes = ["diamond" if stats.is_adverse(s) else "circle" for s in stats.RATED] + ["circle", "square"]
    return alt.Shape("shade:N", scale=alt.Scale(domain=domain, range=shapes), legend=None)


def _summary(found: Breakdown, settings: Settings, question: str) -> str:
    definition = METRICS[found.metric]
    whole = _whole(found, question)
    own = ""
    if whole is not None and whole.value is not None:
        own = f" The organisation's own figure is {_figure_words(whole.value, definition)}."
    return (f"{_title(found, question)}: {counts_sentence(found, settings, question)}{own} "
            f"{adverse_sentence(found, settings, question)}")


def _what_is_compared(definition: MetricDefinition, settings: Settings) -> str:
    """Which group's figure is set against which, in the figure's own terms: "BME over white" (a ratio), "BME share
    of senior managers less BME share of the workforce" (points), "disabled less non-disabled" (a
    difference of means), "% of disabled staff" (one group)."""
    comparison = STANDARDS[settings.standard].comparison
    top = comparison.noun(definition.numerator_group(settings.standard), settings.bme_label)
    bottom = comparison.noun(definition.denominator_group(settings.standard), settings.bme_label)
    if definition.figure == "ratio":
        return convention(definition, settings)
    if definition.figure == "score":
        return f"{top} less {bottom}"
    if definition.figure == "points":
        return f"{top} share of {definition.events_label.lower()} less {top} share of the workforce"
    return f"% of {top} {definition.subject}"


def forest(found: Breakdown, settings: Settings, question: str = "") -> ChartSpec:
    """Each subgroup's figure with its 95% interval and the adjusted one beside it, sorted by value, on the
    figure's scale, the organisation's own figure a dashed line; the table (breakdown_table) is its text."""
    definition = METRICS[found.metric]
    title = _title(found, question)
    table = breakdown_table(found, settings, question)
    places = dict.fromkeys(["Lower 95% limit", "Upper 95% limit", "Lower adjusted limit", "Upper adjusted limit",
                            value_heading(definition)], FIGURE_PLACES[definition.figure])
    small = [r.name for r in rows(found, question) if r.under_minimum]
    data_marks = marks(found, settings, question)
    if not can_draw(definition) or not any("x" in m for m in data_marks):
        why = (f"{definition.title} has no single figure per {column_words(found.column)[0]} to draw"
               if not can_draw(definition) else f"No {column_words(found.column)[0]} has a figure to draw.")
        return message_spec(title, why, table, small)
    whole = _whole(found, question)
    domain = _domain(_values(found, question), definition, settings)
    is_ratio = definition.figure == "ratio"
    scale = alt.Scale(type="log" if is_ratio else "linear", domain=list(domain), nice=False)
    name = value_heading(definition)
    axis = alt.Axis(format=".2~f") if is_ratio else alt.Axis()
    if is_ratio:
        low, high = settings.adverse_range
        axis = alt.Axis(values=[t for t in (0.1, 0.25, 0.5, low, 1.0, high, 2.0, 4.0, 10.0)
                                if domain[0] <= t <= domain[1]], format=".2~f", **shared.SPACED_LABELS)
    x_title = [f"{name}{' (log scale)' if is_ratio else ''}",
               f"{STANDARDS[settings.standard].name}: {_what_is_compared(definition, settings)}"]
    x = alt.X("x:Q", scale=scale, title=x_title, axis=axis)
    y = alt.Y("row:N", sort=[m["row"] for m in data_marks], title=None,
              axis=alt.Axis(labelExpr="split(datum.label, '\\n')"))
    data = alt.InlineData(values=data_marks)
    layers: list[Any] = []
    shaded = _shaded(definition, settings)
    if shaded is not None:
        layers.append(alt.Chart(alt.InlineData(values=[{"low": shaded[0], "high": shaded[1]}])).mark_rect(
            color=palette.RANGE_SHADING, opacity=0.6).encode(x=alt.X("low:Q", scale=scale), x2="high:Q"))
    parity = _parity(definition)
    if parity is not None:
        layers.append(alt.Chart(alt.InlineData(values=[{"parity": parity}])).mark_rule(
            color=palette.BLACK, strokeWidth=1.5).encode(x=alt.X("parity:Q", scale=scale)))
    if whole is not None and whole.value is not None:
        layers.append(alt.Chart(alt.InlineData(values=[{"own": _x(whole.value, domain)}])).mark_rule(
            color=palette.WORKFORCE_RULE, strokeWidth=2, strokeDash=[6, 4]).encode(x=alt.X("own:Q", scale=scale)))
    colour, shape = _colour(), _shape()
    layers += [
        alt.Chart(data).mark_rule(strokeWidth=3).transform_filter("isValid(datum.ci_x)").encode(
            y=y, x=alt.X("ci_x:Q", scale=scale), x2="ci_x2:Q", color=colour),
        alt.Chart(data).mark_rule(strokeWidth=1.5, opacity=0.55).transform_filter("isValid(datum.adj_x)").encode(
            y=y, yOffset=alt.value(_ADJUSTED_OFFSET), x=alt.X("adj_x:Q", scale=scale), x2="adj_x2:Q",
            color=colour),
        alt.Chart(data).mark_point(filled=True, size=150, opacity=1).transform_filter("isValid(datum.x)").encode(
            y=y, x=x, color=colour, shape=shape,
            tooltip=[alt.Tooltip("name:N", title=shared.cap(column_words(found.column)[0])),
                     alt.Tooltip("label:N", title=name), alt.Tooltip("words:N", title="Status")]),
        alt.Chart(data).mark_text(baseline="bottom", dy=-10, fontSize=palette.LABEL_SIZE,
                                  color=palette.BLACK).transform_filter("isValid(datum.x)").encode(
            y=y, x=x, text="label:N"),
        alt.Chart(data).mark_text(align="left", dx=6, fontSize=palette.LABEL_SIZE, fontStyle="italic",
                                  color=palette.DARK_GREY).transform_filter("datum.missing != ''").encode(
            y=y, x=alt.X("edge:Q", scale=scale), text="missing:N"),
    ]
    parts = [f"Point: each {column_words(found.column)[0]}'s {name.lower()}; thick line: its 95% interval; thin "
             f"pale line under it: the interval adjusted for the {found_k(found, question)} compared"]
    if shaded is not None:
        parts.append(f"shaded: {figure_text(shaded[0], definition.figure)} to "
                     f"{figure_text(shaded[1], definition.figure)}, the range not counted as adverse")
    if parity is not None:
        parts.append(f"line at {figure_text(parity, definition.figure)}: parity")
    parts.append("dashed line: the organisation's own figure; greyed: a group under the minimum size; n: the "
                 "people counted")
    chart = alt.layer(*layers).properties(height=alt.Step(ROW_STEP))
    return ChartSpec(finish_chart(chart, title, "; ".join(parts) + "."), title, _summary(found, settings, question),
                     table, small, places)


def funnel_comparison(found: Breakdown, settings: Settings, period: Period, question: str = "") -> Comparison:
    """The subgroups as the benchmarking funnel's rows: each placed against 95% and 99.8% limits around the
    organisation's own relative likelihood, at its size (the two compared groups' people), by
    metrics.benchmarking's arithmetic (limits_at, Spiegelhalter's approximation)."""
    definition = METRICS[found.metric]
    direction = definition.adverse_if_ratio(settings.standard)
    if direction is None:
        raise ValueError(f"{definition.title} has no adverse direction, so no funnel")
    top, bottom = definition.numerator_group(settings.standard), definition.denominator_group(settings.standard)
    whole = _whole(found, question)
    ratio = whole.ratio if whole is not None else None
    if whole is None or ratio is None or top not in whole.groups or bottom not in whole.groups:
        nothing = GroupFigures(0.0, 0.0, None)
        pooled = Pooled(top, nothing, nothing, None, None)  # no centre: funnel_view says so
    else:
        pooled = Pooled(top, whole.groups[top], whole.groups[bottom], ratio.value, ratio.ci)
    placed = tuple(organisation_row(r.name, period, r.result, pooled, direction, settings, definition, question)
                   for r in rows(found, question))
    return Comparison(definition.id, settings.standard, direction, pooled, placed, question,
                      questions(found).get(question, ""))


def funnel_words(found: Breakdown) -> FunnelWords:
    one, many = column_words(found.column)
    return FunnelWords(one=one, many=many, centre="the organisation's own relative likelihood",
                       centre_short="the organisation's own ratio", title=f"{many} compared")


def funnel_view(found: Breakdown, settings: Settings, period: Period, question: str = "") -> ChartSpec:
    """The funnel: which subgroup is unusual beyond chance, set against its size (charts.funnel's drawing)."""
    definition = METRICS[found.metric]
    if not has_funnel(definition):
        title = f"{_title(found, question)}: funnel"
        return message_spec(title, f"No funnel: {definition.title}'s figure is not a relative likelihood. The "
                            "forest shows each subgroup's figure with its intervals.")
    comparison = funnel_comparison(found, settings, period, question)
    words = funnel_words(found)
    if not comparison.pooled.has_funnel:
        title = f"{_title(found, question)}: {words.title}"
        return message_spec(title, "No funnel can be drawn: the organisation's own relative likelihood is 0 or "
                            "cannot be formed, so there is no centre for the limits.",
                            comparison_table(comparison, words))
    return funnel(comparison, settings, words=words)
