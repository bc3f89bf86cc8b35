"""Chart builders: a metric's result in, an Altair chart with its title, summary and table out.

Pages draw `ChartSpec.chart` and show `ChartSpec.table` beside it; the board-pack exports
render the same charts with vl-convert, so nothing here knows about Streamlit. Every chart's
data is written inline from the same rounded figures as its table, so what is drawn is what
is tabled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from charts import palette, shared
from charts.representation import representation
from charts.shared import RATIO_COLUMNS, RATIO_PLACES, WITHHELD, ChartSpec, TopLevelChart, finish_chart, message_spec
from data_loaders.comparison import ETHNICITY, Comparison
from metrics import stats
from metrics.formatting import interval_text, mean_text, number, pct, ratio_text, score_text
from metrics.narrative import (
    end_words,
    listed,
    readable_bands,
    withheld_above,
    workforce_share_means,
    workforce_share_text,
)
from metrics.registry import STANDARDS, MetricDefinition
from metrics.results import BandRow, GroupFigures, MetricResult, workforce_share
from metrics.settings import Settings

# Segments narrower than this (% of the band) are left unlabelled: the text would not fit.
MIN_LABELLED_SEGMENT = 5.0
SHORTLISTED, APPOINTED = "Shortlisted", "Appointed"


# Shared pieces ------------------------------------------------------------------------------


def _label(group: str, settings: Settings) -> str:
    return palette.group_label(group, settings)


def _lower_label(group: str, settings: Settings) -> str:
    # Mid-sentence: "white staff", but the organisation's label exactly as it writes it.
    return STANDARDS[settings.standard].comparison.noun(group, settings.bme_label)


def _groups_compared(settings: Settings) -> Comparison:
    """Whose groups the settings' standard compares (ethnicity, disability)."""
    return STANDARDS[settings.standard].comparison


def _what(settings: Settings) -> str:
    """What the groups are of, as a legend's or tooltip's title: "Ethnicity", "Disability status"."""
    return shared.cap(_groups_compared(settings).what)


def _focus(settings: Settings) -> str:
    """The focus group mid-sentence: the organisation's own word for the minority-ethnic group, or "disabled"."""
    return _lower_label(_groups_compared(settings).focus.key, settings)


def _reference(settings: Settings) -> str:
    return _lower_label(_groups_compared(settings).reference.key, settings)


def _rounded(value: float | None, digits: int) -> float | str:
    return WITHHELD if value is None else round(value, digits)


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(100 * rate, 1)


def _colour_scale(settings: Settings) -> alt.Scale:
    return alt.Scale(domain=palette.group_domain(settings), range=palette.group_range())


def _colour(settings: Settings, *, legend: bool = True) -> alt.Color:
    return alt.Color("group:N", scale=_colour_scale(settings),
                     legend=alt.Legend(title=_what(settings), orient="top") if legend else None)


def _withheld(result: MetricResult) -> bool:
    return result.ratio is not None and result.ratio.reason == WITHHELD


def _convention(definition: MetricDefinition, settings: Settings) -> str:
    top = definition.numerator_group(settings.standard)
    bottom = definition.denominator_group(settings.standard)
    return f"{_lower_label(top, settings)} over {_lower_label(bottom, settings)}"


def _ratio_clause(result: MetricResult, settings: Settings) -> str:
    ratio = result.ratio
    if ratio is None:
        return ""
    if ratio.value is None:
        if ratio.reason == WITHHELD:
            return "; the relative likelihood is withheld"
        return f"; no relative likelihood can be given ({ratio.reason})" if ratio.reason else ""
    standard = STANDARDS[settings.standard].name
    interval = f", 95% interval {interval_text(ratio.ci, 'ratio')}" if ratio.ci else ""
    return (f": a relative likelihood of {ratio_text(ratio.value)} ({standard}, "
            f"{_convention(result.definition, settings)}){interval}, {stats.status_words(ratio.status).lower()}")


def _share_of(figures: GroupFigures | None, group: str, noun: str, settings: Settings) -> str | None:
    """'25% of BME shortlisted applicants (39 of 153)', or None when the figure is withheld."""
    if figures is None or figures.rate is None:
        return None
    who = f"{_lower_label(group, settings)} {noun}"
    if figures.events is None or figures.base is None:
        return f"{pct(figures.rate)} of {who}"
    return f"{pct(figures.rate)} of {who} ({number(figures.events)} of {number(figures.base)})"


def _comparison(result: MetricResult, settings: Settings, noun: str, verb: str) -> str:
    """'25% of BME shortlisted applicants (39 of 153) were appointed, against 33% of white ...'."""
    focus, reference = _groups_compared(settings).known
    bme = _share_of(result.groups.get(focus), focus, noun, settings)
    white = _share_of(result.groups.get(reference), reference, noun, settings)
    clause = _ratio_clause(result, settings)
    if bme and white:
        return f"{shared.cap(bme)} {verb}, against {white}{clause}"
    if shown := bme or white:
        hidden = _reference(settings) if bme else _focus(settings)
        return f"{shared.cap(shown)} {verb}; the figure for {hidden} {noun} is withheld{clause}"
    return f"The figures for {_focus(settings)} and {_reference(settings)} {noun} are withheld{clause}"


def _groups_of(settings: Settings) -> tuple[str, ...]:
    """The settings' standard's groups, in order (focus, reference, unknown)."""
    return STANDARDS[settings.standard].comparison.keys


def _small(groups: dict[str, GroupFigures], settings: Settings, prefix: str = "") -> list[str]:
    unknown = _groups_of(settings)[-1]
    return [f"{prefix}{_label(g, settings)}" for g in _groups_of(settings)
            if g in groups and (base := groups[g].base) is not None and base < settings.min_group_size
            and not (g == unknown and base == 0)]


def _shown_groups(groups: dict[str, GroupFigures], settings: Settings) -> list[str]:
    # No unknowns at all is the data-quality ideal, not a bar of zero height worth drawing.
    unknown = _groups_of(settings)[-1]
    return [g for g in _groups_of(settings) if g in groups and not (g == unknown and groups[g].base == 0)]


# 1. Pay bands -------------------------------------------------------------------------------


def _band_total(band: BandRow) -> float | None:
    """As published: a band's total may be shown while some of its counts are withheld."""
    return band.total


def _band_table_row(band: BandRow, settings: Settings) -> dict[str, Any]:
    row: dict[str, Any] = {"Pay band": band.band}
    row |= {f"{_label(g, settings)} staff": shared.count(band.counts.get(g)) for g in _groups_of(settings)}
    total = _band_total(band)
    row["Total staff"] = shared.count(total)
    for g in _groups_of(settings):
        share = band.pct.get(g)
        row[f"{_label(g, settings)} % of band"] = ("no staff" if share is None and total == 0
                                                   else _rounded(share, 1))
    # The share the words give (metrics.results.known_share), beside the band's make-up drawn in the bar.
    row[_known_column(settings)] = ("no staff" if band.known_pct is None and total == 0
                                    else _rounded(band.known_pct, 1))
    return row


def _known_column(settings: Settings) -> str:
    """The table's column of the focus group's share of the band's staff whose group is known: "BME % of known
    ethnicity", "Disabled % of declared disability status"."""
    comparison = _groups_compared(settings)
    return f"{_label(comparison.focus.key, settings)} % of {comparison.known_word} {comparison.what}"


def _band_segments(band: BandRow, settings: Settings) -> tuple[list[dict[str, Any]], str]:
    """The band's segments left to right, and a note when part of it cannot be drawn."""
    segments: list[dict[str, Any]] = []
    start = 0.0
    for g in _groups_of(settings):
        share = band.pct.get(g)
        if share is None:
            note = "no staff" if _band_total(band) == 0 else (WITHHELD if start == 0 else f"rest {WITHHELD}")
            return segments, note
        segments.append({
            "band": band.band, "group": _label(g, settings), "staff": band.counts[g], "pct": round(share, 1),
            "start": start, "end": start + share, "middle": start + share / 2,
            "label": pct(share, fraction=False) if share >= MIN_LABELLED_SEGMENT else "",
            "text_colour": palette.group_text_colour(g, settings),
        })
        start += share
    return segments, ""


def _pay_bands_summary(result: MetricResult, settings: Settings) -> str:
    """In the words of the narrative (metrics.narrative): shares of staff whose ethnicity is known, the bands too
    small to read never named as the lowest or highest, and withheld senior bands said to be withheld."""
    bme = _focus(settings)
    shown = readable_bands(result, settings)
    overall = workforce_share_text(result)
    if not shown:
        why = ("withheld from publication" if any(b.known_pct is None and b.total != 0 for b in result.bands)
               else f"not given: no band has {settings.min_group_size} or more staff")
        return f"The share of {bme} staff in each pay band is {why}" + (
            f"; {bme} staff are {overall}." if overall is not None else ".")
    lowest, highest = shown[0], shown[-1]
    share = workforce_share(result)
    whole = f"{pct(share, fraction=False)} of the whole workforce, " if share is not None else ""
    sentence = (f"Of staff {_groups_compared(settings).whose_known()}, {bme} staff are {whole}"
                f"{pct(lowest.known_pct, fraction=False)} "
                f"of {lowest.band}, {end_words(result, lowest, 'lowest band', settings)}")
    if withheld_above(result, highest):
        return sentence + "; the senior bands' figures are withheld from publication."
    if lowest is highest:
        return sentence + "."
    return (f"{sentence}, and {pct(highest.known_pct, fraction=False)} of {highest.band}, "
            f"{end_words(result, highest, 'highest', settings)}.")


def pay_bands(result: MetricResult, settings: Settings) -> ChartSpec:
    """Each band as a 100% bar of BME, white and unknown staff (disabled, non-disabled and not declared under the
    WDES), lowest band at the bottom."""
    comparison = _groups_compared(settings)
    title = f"{_what(settings)} of staff in each pay band"
    if result.status == stats.NO_DATA or not result.bands:
        return message_spec(title, shared.why_not_drawn(result, settings) or "There are no pay bands to show.")
    segments: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    for band in result.bands:
        drawn, note = _band_segments(band, settings)
        segments += drawn
        if note:
            notes.append({"band": band.band, "x": drawn[-1]["end"] if drawn else 0.0, "note": note})
    rows = [_band_table_row(b, settings) for b in result.bands]
    overall = workforce_share(result)
    if result.overall is not None:
        rows.append(_band_table_row(result.overall, settings))
    columns = ["Pay band", *[f"{_label(g, settings)} staff" for g in _groups_of(settings)], "Total staff",
               *[f"{_label(g, settings)} % of band" for g in _groups_of(settings)],
               _known_column(settings)]
    table = shared.table(rows, columns)
    small = [b.band for b in result.bands
             if (total := _band_total(b)) is not None and 0 < total < settings.min_group_size]

    # Highest band on top, so seniority reads upwards.
    order = [b.band for b in reversed(result.bands)]
    y = alt.Y("band:N", sort=order, title="Pay band")
    x_axis = alt.X("start:Q", scale=alt.Scale(domain=[0, 100], nice=False), title="% of band",
                   axis=alt.Axis(values=[0, 20, 40, 60, 80, 100]))
    bars = alt.Chart(alt.InlineData(values=segments)).mark_bar(stroke=palette.WHITE, strokeWidth=1).encode(
        y=y, x=x_axis, x2="end:Q", color=_colour(settings),
        tooltip=[alt.Tooltip("band:N", title="Pay band"), alt.Tooltip("group:N", title=_what(settings)),
                 alt.Tooltip("staff:Q", title="Staff"), alt.Tooltip("pct:Q", title="% of band")],
    )
    labels = alt.Chart(alt.InlineData(values=segments)).mark_text(fontSize=palette.LABEL_SIZE).encode(
        y=y, x=alt.X("middle:Q"), text="label:N", color=alt.Color("text_colour:N", scale=None),
        opacity=shared.shown_where_it_fits("pct"),
    )
    layers: list[alt.Chart] = [bars, labels]
    if notes:
        layers.append(alt.Chart(alt.InlineData(values=notes)).mark_text(
            align="left", dx=6, fontSize=palette.LABEL_SIZE, fontStyle="italic", color=palette.DARK_GREY,
        ).encode(y=y, x="x:Q", text="note:N"))
    # The order is the same in every bar, and said: a segment's group is told by its place as well as its colour.
    subtitle = (f"Left to right in each bar: {_focus(settings)}, {_reference(settings)} and "
                f"{comparison.unknown_column.lower()}, as a % of its staff.")
    if overall is not None:
        rule = [{"workforce_pct": round(overall, 1), "label": f"Workforce: {pct(overall, fraction=False)}"}]
        layers.append(alt.Chart(alt.InlineData(values=rule)).mark_rule(
            color=palette.WORKFORCE_RULE, strokeWidth=3, strokeDash=[6, 4]).encode(x="workforce_pct:Q"))
        layers.append(alt.Chart(alt.InlineData(values=rule)).mark_text(
            align="left", baseline="bottom", dx=4, fontSize=palette.LABEL_SIZE, fontWeight="bold",
            color=palette.BLACK).encode(x="workforce_pct:Q", y=alt.value(-4), text="label:N"))
        subtitle += (f" Dashed line: {_focus(settings)} share of the whole workforce, "
                     f"{workforce_share_means(comparison)}.")
    # The residents' share is of ethnic groups (Census 2021): drawn only beside them.
    population = settings.local_population_bme_pct if comparison is ETHNICITY else None
    if population is not None:
        area = settings.local_population_area or "the area served"
        rule = [{"population_pct": round(population, 1),
                 "label": f"Residents of {area}: {pct(population, fraction=False)}"}]
        layers.append(alt.Chart(alt.InlineData(values=rule)).mark_rule(
            color=palette.BLACK, strokeWidth=2, strokeDash=[2, 3]).encode(x="population_pct:Q"))
        layers.append(alt.Chart(alt.InlineData(values=rule)).mark_text(
            align="left", baseline="bottom", dx=4, fontSize=palette.LABEL_SIZE, color=palette.BLACK).encode(
            x="population_pct:Q", y=alt.value(-22), text="label:N"))
        subtitle += f" Dotted line: {settings.bme_label} share of the residents of {area} (Census 2021)."
    chart = alt.layer(*layers).properties(height=alt.Step(32))
    return ChartSpec(finish_chart(chart, title, subtitle), title, _pay_bands_summary(result, settings), table, small)


# 2. Recruitment -----------------------------------------------------------------------------


def _recruitment_table(result: MetricResult, settings: Settings) -> pd.DataFrame:
    rows = [{"Group": _label(g, settings), "Shortlisted": shared.count(f.base), "Appointed": shared.count(f.events),
             "Appointment rate (%)": _rounded(_percent(f.rate), 1)}
            for g in _shown_groups(result.groups, settings) for f in [result.groups[g]]]
    return shared.table(rows, ["Group", "Shortlisted", "Appointed", "Appointment rate (%)"])


def recruitment(result: MetricResult, settings: Settings) -> ChartSpec:
    """Shortlisted and appointed side by side for each group, the appointment rate on the bar."""
    title = f"Shortlisted and appointed applicants by {_groups_compared(settings).what}"
    table = _recruitment_table(result, settings)
    small = _small(result.groups, settings)
    if why := shared.why_not_drawn(result, settings):
        return message_spec(title, why, table, small)
    marks: list[dict[str, Any]] = []
    for g in _shown_groups(result.groups, settings):
        figures = result.groups[g]
        group = _label(g, settings)
        marks.append({"group": group, "stage": SHORTLISTED, "count": figures.base,
                      "label": f"{number(figures.base)} shortlisted" if figures.base is not None
                      else f"shortlisted {WITHHELD}"})
        appointed = (f"{number(figures.events)} appointed ({pct(figures.rate)})" if figures.events is not None
                     else f"appointed {WITHHELD}")
        marks.append({"group": group, "stage": APPOINTED, "count": figures.events,
                      "rate": _percent(figures.rate), "label": appointed})
    bars_data = [m for m in marks if m["count"] is not None]
    text_data = [m | {"x": m["count"] or 0} for m in marks]
    longest = max((m["count"] for m in bars_data), default=1) or 1
    y = alt.Y("group:N", sort=palette.group_domain(settings), title=None)
    offset = alt.YOffset("stage:N", sort=[SHORTLISTED, APPOINTED])
    x = alt.X("count:Q", title="Applicants (number)", scale=alt.Scale(domain=[0, longest * 1.6], nice=False),
              axis=alt.Axis(tickCount=6))
    # The paler bar is outlined in the group's full colour: its edge keeps the 3:1 that the colour has against the
    # background (WCAG 1.4.11), which the pale fill alone does not.
    bars = alt.Chart(alt.InlineData(values=bars_data)).mark_bar(strokeWidth=2).encode(
        y=y, yOffset=offset, x=x, color=_colour(settings),
        stroke=alt.Stroke("group:N", scale=_colour_scale(settings), legend=None),
        opacity=alt.Opacity("stage:N", scale=alt.Scale(domain=[SHORTLISTED, APPOINTED], range=[0.45, 1.0]),
                            legend=None),
        tooltip=[alt.Tooltip("group:N", title=_what(settings)), alt.Tooltip("stage:N", title="Stage"),
                 alt.Tooltip("count:Q", title="Applicants")],
    )
    labels = alt.Chart(alt.InlineData(values=text_data)).mark_text(
        align="left", dx=5, fontSize=palette.LABEL_SIZE, color=palette.BLACK,
    ).encode(y=y, yOffset=offset, x=alt.X("x:Q", scale=alt.Scale(domain=[0, longest * 1.6], nice=False)),
             text="label:N")
    subtitle = "Paler bar: shortlisted; darker bar: appointed from the shortlist, with the appointment rate."
    chart = alt.layer(bars, labels).properties(height=alt.Step(30))
    summary = _comparison(result, settings, "shortlisted applicants", "were appointed") + "."
    return ChartSpec(finish_chart(chart, title, subtitle), title, summary, table, small)


# 3. Forest ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    label: str
    result: MetricResult

    @property
    def value(self) -> float | None:
        return self.result.ratio.value if self.result.ratio is not None else self.result.value

    @property
    def ci(self) -> tuple[float, float] | None:
        return self.result.ratio.ci if self.result.ratio is not None else self.result.ci

    @property
    def status(self) -> stats.Status:
        return self.result.ratio.status if self.result.ratio is not None else self.result.status

    @property
    def reason(self) -> str:
        return self.result.ratio.reason if self.result.ratio is not None else ""

    @property
    def shown_status(self) -> stats.Status:
        return stats.WITHHELD if self.reason == WITHHELD else self.status

    @property
    def words(self) -> str:
        """The status as written everywhere (metrics.stats.LOOKS)."""
        return stats.status_words(self.shown_status)


def _forest_rows(results: Sequence[MetricResult]) -> list[_Row]:
    rows = []
    for result in results:
        d = result.definition
        if d.kind in ("distribution", "representation"):
            # Pay bands have no relative likelihood; senior management's figure and status are in percentage
            # points (charts.representation draws them).
            continue
        if len(result.questions) > 1:
            rows += [_Row(f"{d.title}: {q.question_label}", q) for q in result.questions.values()]
        else:
            rows.append(_Row(d.title, result))
    return rows


def _log_domain(rows: list[_Row], settings: Settings) -> tuple[float, float]:
    low, high = settings.adverse_range
    values = [v for r in rows for v in ((r.value,) + (r.ci or ())) if v is not None and v > 0]
    return min([low, *values]) / 1.25, max([high, *values]) * 1.25


def _forest_summary(rows: list[_Row], settings: Settings) -> str:
    standard = STANDARDS[settings.standard].name
    if len(rows) == 1:
        row = rows[0]
        if row.value is None:
            return f"{row.label}: no relative likelihood can be shown ({row.words.lower()})."
        text = (f"{row.label}: a relative likelihood of {ratio_text(row.value)} ({standard}, "
                f"{_convention(row.result.definition, settings)})")
        if row.ci is not None:
            text += f", 95% interval {interval_text(row.ci, 'ratio')}"
        text += f", {row.words.lower()}"
        if row.ci is not None:
            text += "; the interval includes 1.00" if row.ci[0] <= 1 <= row.ci[1] else "; the interval excludes 1.00"
        else:
            text += "; there is no interval"
        r = row.result
        if r.definition.kind == "representation" and r.senior_pct is not None and r.workforce_pct is not None:
            text = (f"{shared.cap(_focus(settings))} staff are {pct(r.senior_pct, fraction=False)} of senior "
                    f"managers against {pct(r.workforce_pct, fraction=False)} "
                    f"{workforce_share_means(_groups_compared(settings))}; "
                    f"{text[:1].lower()}{text[1:]}")
        return text + "."
    counts: dict[str, list[_Row]] = {}
    for row in rows:
        counts.setdefault(row.shown_status, []).append(row)
    parts = []
    for status in stats.STATUSES:
        found = counts.get(status, [])
        if not found:
            continue
        words = stats.status_words(status).lower()
        if stats.is_adverse(status):
            named = ", ".join(f"{r.label} {ratio_text(r.value)}" for r in found if r.value is not None)
            parts.append(f"{len(found)} {words} ({named})")
        else:
            parts.append(f"{len(found)} {words}")
    return f"Of {len(rows)} comparisons ({standard}): " + ", ".join(parts) + "."


def forest(results: list[MetricResult], settings: Settings) -> ChartSpec:
    """Each relative likelihood with its 95% interval on a log scale, against the adverse range."""
    rows = _forest_rows(results)
    if len(results) == 1:
        title = f"{results[0].definition.title}: relative likelihood"
    else:
        title = "Relative likelihood by metric"
    standard = STANDARDS[settings.standard].name
    conventions = {_convention(r.result.definition, settings) for r in rows}
    mixed = len(conventions) > 1
    low, high = settings.adverse_range

    table_rows: list[dict[str, Any]] = []
    marks: list[dict[str, Any]] = []
    for row in rows:
        convention = _convention(row.result.definition, settings)
        label = f"{row.label} ({convention})" if mixed else row.label
        table_rows.append({
            "Metric": row.label, "Ratio": convention,
            "Relative likelihood": round(row.value, 2) if row.value is not None else row.words,
            "Lower 95% limit": round(row.ci[0], 2) if row.ci else "",
            "Upper 95% limit": round(row.ci[1], 2) if row.ci else "",
            "Status": row.words,
            "Note": row.reason if row.reason != WITHHELD else "",
        })
        marks.append({
            "metric": row.result.id, "row": "\n".join(shared.wrap(label, 34)), "status": row.shown_status,
            "words": row.words,
            "value": round(row.value, 2) if row.value is not None else None,
            "ci_low": round(row.ci[0], 2) if row.ci else None,
            "ci_high": round(row.ci[1], 2) if row.ci else None,
            "label": (f"{ratio_text(row.value)}, {row.words.lower()}" if row.value is not None else row.words),
        })
    table = shared.table(table_rows, ["Metric", "Ratio", "Relative likelihood", "Lower 95% limit", "Upper 95% limit",
                                "Status", "Note"])
    small = [f"{row.label}: {name}" for row in rows for name in _small(row.result.groups, settings)]
    drawable = [r for r in rows if r.value is not None]
    if not drawable:
        if len(rows) == 1:
            message = shared.why_not_drawn(rows[0].result, settings) or _forest_summary(rows, settings)
        else:
            message = "None of these metrics has a relative likelihood to show."
        return message_spec(title, message, table, small)

    domain_low, domain_high = _log_domain(rows, settings)
    for mark in marks:
        # A ratio of 0 has no place on a log scale: its words sit at the left edge instead.
        mark["text_x"] = mark["value"] if mark["value"] else domain_low
    ticks = [t for t in (0.1, 0.25, 0.5, low, 1.0, high, 2.0, 4.0, 10.0) if domain_low <= t <= domain_high]
    if mixed:
        x_title = ["Relative likelihood (log scale)", f"{standard}: which group is over which is on each row"]
    else:
        x_title = ["Relative likelihood (log scale)", f"{standard}: {next(iter(conventions))}"]
    scale = alt.Scale(type="log", domain=[domain_low, domain_high], nice=False)
    x = alt.X("value:Q", scale=scale, title=x_title, axis=alt.Axis(values=ticks, format=".2~f", **shared.SPACED_LABELS))
    y = alt.Y("row:N", sort=[m["row"] for m in marks], title=None,
              axis=alt.Axis(labelExpr="split(datum.label, '\\n')"))
    data = alt.InlineData(values=marks)
    status_colour = shared.rated_colour()
    shading = alt.Chart(alt.InlineData(values=[{"low": low, "high": high}])).mark_rect(
        color=palette.RANGE_SHADING, opacity=0.6).encode(x=alt.X("low:Q", scale=scale), x2="high:Q")
    parity = alt.Chart(alt.InlineData(values=[{"parity": 1.0}])).mark_rule(
        color=palette.BLACK, strokeWidth=1.5).encode(x=alt.X("parity:Q", scale=scale))
    intervals = alt.Chart(data).mark_rule(strokeWidth=3).transform_filter("isValid(datum.ci_low)").encode(
        y=y, x=alt.X("ci_low:Q", scale=scale), x2="ci_high:Q", color=status_colour)
    points = alt.Chart(data).mark_point(filled=True, size=160, opacity=1).transform_filter(
        "isValid(datum.value) && datum.value > 0").encode(
        y=y, x=x, color=status_colour, shape=shared.rated_shape(),
        tooltip=[alt.Tooltip("row:N", title="Metric"), alt.Tooltip("value:Q", title="Relative likelihood"),
                 alt.Tooltip("ci_low:Q", title="Lower 95% limit"), alt.Tooltip("ci_high:Q", title="Upper 95% limit"),
                 alt.Tooltip("words:N", title="Status")])
    words = alt.Chart(data).mark_text(baseline="bottom", dy=-10, fontSize=palette.LABEL_SIZE,
                                      color=palette.BLACK).transform_filter("datum.value > 0").encode(
        y=y, x=alt.X("text_x:Q", scale=scale), text="label:N")
    # Rows without a ratio say why at the left edge, clear of the parity line.
    missing = alt.Chart(data).mark_text(align="left", dx=6, fontSize=palette.LABEL_SIZE, fontStyle="italic",
                                        color=palette.DARK_GREY).transform_filter("!(datum.value > 0)").encode(
        y=y, x=alt.X("text_x:Q", scale=scale), text="label:N")
    subtitle = (f"Point: relative likelihood; line: 95% interval; shaded: {low:.2f} to {high:.2f}, "
                "the range not counted as adverse; 1.00 is parity.")
    chart = alt.layer(shading, parity, intervals, points, words, missing).properties(
        height=alt.Step(56 if len(rows) > 1 else 90))
    return ChartSpec(finish_chart(chart, title, subtitle), title, _forest_summary(rows, settings), table, small,
                     dict.fromkeys(RATIO_COLUMNS, RATIO_PLACES))


# 4 and 5. Rates by group: survey questions, services ----------------------------------------


def _rate_marks(category: str, result: MetricResult, settings: Settings) -> list[dict[str, Any]]:
    marks = []
    for g in _shown_groups(result.groups, settings):
        figures = result.groups[g]
        group = _label(g, settings)
        rate = _percent(figures.rate)
        marks.append({"category": category, "axis": "\n".join(shared.wrap(category, 28)), "group": group,
                      "events": figures.events, "base": figures.base, "rate": rate,
                      "label": f"{group}: {pct(figures.rate)}"})
    return marks


def _rates_chart(marks: list[dict[str, Any]], settings: Settings, category_title: str | None,
                 x_title: str) -> TopLevelChart:
    drawn = [m for m in marks if m["rate"] is not None]
    highest = max((m["rate"] for m in drawn), default=10.0) or 10.0
    scale = alt.Scale(domain=[0, highest * 1.45], nice=False)
    order = list(dict.fromkeys(m["axis"] for m in marks))
    y = alt.Y("axis:N", sort=order, title=category_title,
              axis=alt.Axis(labelExpr="split(datum.label, '\\n')", labelLimit=360))
    offset = alt.YOffset("group:N", sort=palette.group_domain(settings))
    text_data = [m | {"x": m["rate"] or 0} for m in marks]
    bars = alt.Chart(alt.InlineData(values=drawn)).mark_bar().encode(
        y=y, yOffset=offset, x=alt.X("rate:Q", scale=scale, title=x_title, axis=alt.Axis(tickCount=6)),
        color=_colour(settings),
        tooltip=[alt.Tooltip("category:N", title=category_title or ""),
                 alt.Tooltip("group:N", title=_what(settings)),
                 alt.Tooltip("events:Q", title="Count"), alt.Tooltip("base:Q", title="Out of"),
                 alt.Tooltip("rate:Q", title="%")],
    )
    labels = alt.Chart(alt.InlineData(values=text_data)).mark_text(
        align="left", dx=5, fontSize=palette.LABEL_SIZE, color=palette.BLACK,
    ).encode(y=y, yOffset=offset, x=alt.X("x:Q", scale=scale), text="label:N")
    return alt.layer(bars, labels).properties(height=alt.Step(26))


def survey(result: MetricResult, settings: Settings) -> ChartSpec:
    """% answering yes by group, for each of the metric's survey questions."""
    d = result.definition
    title = f"{d.title}: % saying yes"
    questions = list(result.questions.values()) or [result]
    table_rows, marks, small, sentences, not_drawn = [], [], [], [], []
    several = len(questions) > 1
    for q in questions:
        question = shared.cap(q.question_label) or d.title
        for g in _shown_groups(q.groups, settings):
            f = q.groups[g]
            table_rows.append({"Question": question, "Group": _label(g, settings), "Respondents": shared.count(f.base),
                               "Said yes": shared.count(f.events), "% saying yes": _rounded(_percent(f.rate), 1)})
        small += _small(q.groups, settings, f"{question}: " if several else "")
        if why := shared.why_not_drawn(q, settings):
            not_drawn.append(f"{q.question_label or d.title}: {why[:1].lower()}{why[1:]}" if several else why)
            continue
        marks += _rate_marks(question, q, settings)
        sentences.append(_comparison(q, settings, "respondents",
                                     f"reported harassment, bullying or abuse {q.question_label}".rstrip()))
    table = shared.table(table_rows, ["Question", "Group", "Respondents", "Said yes", "% saying yes"])
    if not marks:
        return message_spec(title, " ".join(not_drawn) or shared.why_not_drawn(result, settings), table, small)
    summary = ". ".join(sentences) + "."
    if not_drawn:
        summary += " " + " ".join(not_drawn)
    chart = _rates_chart(marks, settings, None, "% of respondents saying yes")
    subtitle = f"Respondents to the staff survey who said yes, by {_groups_compared(settings).what}."
    return ChartSpec(finish_chart(chart, title, subtitle), title, summary, table, small)


def leavers(results_by_service: dict[str, MetricResult], settings: Settings) -> ChartSpec:
    """Leaving rate by group for each service (the dict's keys, in order)."""
    title = (f"Leaving rate by {_groups_compared(settings).what}"
             + (" and service" if len(results_by_service) > 1 else ""))
    table_rows, marks, small, parts, not_drawn = [], [], [], [], []
    for service, result in results_by_service.items():
        convention = _convention(result.definition, settings)
        ratio = result.ratio
        if ratio is not None and ratio.value is not None:
            ratio_cell: float | str = round(ratio.value, 2)
        else:
            ratio_cell = WITHHELD if _withheld(result) else stats.status_words(result.status)
        for g in _shown_groups(result.groups, settings):
            f = result.groups[g]
            table_rows.append({"Service": service, "Group": _label(g, settings), "Leavers": shared.count(f.events),
                               "Average headcount": _rounded(f.base, 1) if f.base is not None else WITHHELD,
                               "Leaving rate (%)": _rounded(_percent(f.rate), 1),
                               f"Relative likelihood ({convention})": ratio_cell})
        small += _small(result.groups, settings, f"{service}: ")
        if _withheld(result):  # said after the services that can be read, as withheld, not as "too few"
            parts.append((service, result))
            continue
        if why := shared.why_not_drawn(result, settings):
            not_drawn.append(f"{service}: {why[:1].lower()}{why[1:]}" if len(results_by_service) > 1 else why)
            continue
        marks += _rate_marks(service, result, settings)
        parts.append((service, result))
    convention = _convention(next(iter(results_by_service.values())).definition, settings) \
        if results_by_service else f"{_focus(settings)} over {_reference(settings)}"
    table = shared.table(table_rows, ["Service", "Group", "Leavers", "Average headcount", "Leaving rate (%)",
                                f"Relative likelihood ({convention})"])
    if not marks:
        message = " ".join(not_drawn) if not_drawn else "There are no leaving figures to show."
        return message_spec(title, message, table, small)
    if len(parts) == 1:
        service, result = parts[0]
        summary = _comparison(result, settings, "staff", "left in the year")
        summary += f" ({service})." if len(results_by_service) > 1 else "."
    else:
        bme, (focus, reference) = _focus(settings), _groups_compared(settings).known
        # The services whose rates can be read lead; those the publication rule withholds are said after, plainly,
        # not written as "withheld against withheld".
        readable = [(s, r) for s, r in parts
                    if r.groups[focus].rate is not None and r.groups[reference].rate is not None]
        hidden = [s for s, r in parts if (s, r) not in readable]
        rates = "; ".join(f"{service} {pct(r.groups[focus].rate)} against {pct(r.groups[reference].rate)}"
                           + (f" ({ratio_text(r.ratio.value)}, {stats.status_words(r.ratio.status).lower()})"
                              if r.ratio is not None and r.ratio.value is not None else "")
                           for service, r in readable)
        summary = f"Leaving rates of {bme} staff against {_reference(settings)} staff: {rates}." if readable else ""
        if hidden:
            summary += (f" The figures for {listed(hidden)} are withheld from publication because some counts "
                        f"are under {settings.suppression_threshold}.")
        summary = summary.strip()
    if not_drawn:
        summary += " " + " ".join(not_drawn)
    chart = _rates_chart(marks, settings, "Service" if len(results_by_service) > 1 else None,
                         "Leaving rate (% of average headcount)")
    subtitle = "Leavers in the year as a % of the group's average headcount."
    return ChartSpec(finish_chart(chart, title, subtitle), title, summary, table, small,
                     {f"Relative likelihood ({convention})": RATIO_PLACES})


# 7. One group's percentage (WDES 8) and mean scores by group (WDES 9a) ------------------------------


def share(result: MetricResult, settings: Settings) -> ChartSpec:
    """One group's percentage with its 95% interval: a single bar on a 0-100% scale, nothing to compare it with."""
    d = result.definition
    group = d.numerator_group(settings.standard)
    figures = result.groups.get(group)
    label = _label(group, settings)
    title = f"{d.title}: % of {_lower_label(group, settings)} {d.subject}"
    table = shared.table(
        [{"Group": label, d.base_label: shared.count(figures.base), d.events_label: shared.count(figures.events),
          "%": _rounded(result.value, 1), "95% interval": WITHHELD if result.ci is None else
          f"{result.ci[0]:.0f}% to {result.ci[1]:.0f}%"}] if figures is not None else [],
        ["Group", d.base_label, d.events_label, "%", "95% interval"])
    small = [label] if figures is not None and figures.base is not None and 0 < figures.base < \
        settings.min_group_size else []
    if result.value is None:
        why = shared.why_not_drawn(result, settings) or "The figure is withheld from publication."
        return message_spec(title, why, table, small)
    low, high = result.ci if result.ci is not None else (result.value, result.value)
    mark = {"group": label, "value": round(result.value, 1), "low": round(low, 1), "high": round(high, 1),
            "label": f"{result.value:.0f}%"}
    scale = alt.Scale(domain=[0, 100], nice=False)
    y = alt.Y("group:N", title=None, sort=[label])
    bar = alt.Chart(alt.InlineData(values=[mark])).mark_bar(color=palette.DARK_BLUE).encode(
        y=y, x=alt.X("value:Q", scale=scale, title=f"% of {d.subject} who answered"),
        tooltip=[alt.Tooltip("group:N", title=_what(settings)), alt.Tooltip("value:Q", title="%"),
                 alt.Tooltip("low:Q", title="95% interval from"), alt.Tooltip("high:Q", title="to")])
    interval = alt.Chart(alt.InlineData(values=[mark])).mark_rule(color=palette.BLACK, strokeWidth=2).encode(
        y=y, x=alt.X("low:Q", scale=scale), x2="high:Q")
    text = alt.Chart(alt.InlineData(values=[mark])).mark_text(
        align="left", dx=5, dy=-12, fontSize=palette.LABEL_SIZE, color=palette.BLACK).encode(
        y=y, x=alt.X("high:Q", scale=scale), text="label:N")
    chart = alt.layer(bar, interval, text).properties(height=alt.Step(60))
    summary = (f"{result.value:.0f}% of {_lower_label(group, settings)} {d.subject} who answered {d.outcome}"
               + (f" (95% interval {low:.0f}% to {high:.0f}%)." if result.ci is not None else ".")
               + " There is no comparison group.")
    subtitle = "The bar is the percentage; the line across it its 95% interval."
    return ChartSpec(finish_chart(chart, title, subtitle), title, summary, table, small, {"%": 1})


def scores(result: MetricResult, settings: Settings) -> ChartSpec:
    """Each group's mean score on its scale, and the organisation's, with the difference of the two compared."""
    d = result.definition
    comparison = _groups_compared(settings)
    low_end, high_end = d.scale or (0.0, 10.0)
    title = f"{d.title}: mean score by {comparison.what}"
    rows: list[dict[str, Any]] = []
    marks: list[dict[str, Any]] = []
    for g in comparison.keys:
        figures = result.groups.get(g)
        if figures is None or figures.base == 0:
            continue
        label = _label(g, settings)
        rows.append({"Group": label, d.base_label: shared.count(figures.base),
                     d.events_label: _rounded(figures.events, 2), "Standard deviation": _rounded(result.sds.get(g), 2)})
        if figures.events is not None:
            marks.append({"group": label, "mean": round(figures.events, 2), "label": mean_text(figures.events)})
    organisation = "The organisation"
    if result.overall_score is not None or result.overall_base is not None:
        rows.append({"Group": organisation, d.base_label: shared.count(result.overall_base),
                     d.events_label: _rounded(result.overall_score, 2), "Standard deviation": ""})
    table = shared.table(rows, ["Group", d.base_label, d.events_label, "Standard deviation"])
    small = _small(result.groups, settings)
    if result.value is None or not marks:
        why = shared.why_not_drawn(result, settings) or "The figures are withheld from publication."
        return message_spec(title, why, table, small)
    scale = alt.Scale(domain=[low_end, high_end], nice=False)
    y = alt.Y("group:N", title=None, sort=[str(m["group"]) for m in marks])
    bars = alt.Chart(alt.InlineData(values=marks)).mark_bar().encode(
        y=y, x=alt.X("mean:Q", scale=scale, title=f"Mean score ({low_end:g} to {high_end:g})"),
        color=_colour(settings, legend=False),
        tooltip=[alt.Tooltip("group:N", title=_what(settings)), alt.Tooltip("mean:Q", title="Mean score")])
    labels = alt.Chart(alt.InlineData(values=marks)).mark_text(
        align="left", dx=5, fontSize=palette.LABEL_SIZE, color=palette.BLACK).encode(
        y=y, x=alt.X("mean:Q", scale=scale), text="label:N")
    layers: list[Any] = [bars, labels]
    if result.overall_score is not None:
        rule = alt.Chart(alt.InlineData(values=[{"mean": round(result.overall_score, 2)}])).mark_rule(
            color=palette.WORKFORCE_RULE, strokeDash=[6, 4], strokeWidth=2).encode(x=alt.X("mean:Q", scale=scale))
        layers.append(rule)
    chart = alt.layer(*layers).properties(height=alt.Step(40))
    top, bottom = d.numerator_group(settings.standard), d.denominator_group(settings.standard)
    summary = (f"{shared.cap(_lower_label(top, settings))} staff's mean score less {_lower_label(bottom, settings)} "
               f"staff's: {score_text(result.value)} points"
               + (f" (95% interval {interval_text(result.ci, 'score')})." if result.ci is not None else "."))
    subtitle = ("Each group's mean score"
                + ("; the dashed line is the organisation's." if result.overall_score is not None else "."))
    return ChartSpec(finish_chart(chart, title, subtitle), title, summary, table, small,
                     {d.events_label: 2, "Standard deviation": 2})


# 6. Dispatch --------------------------------------------------------------------------------


def chart_for(result: MetricResult, settings: Settings) -> ChartSpec:
    """The chart the registry names for a single metric."""
    kind = result.definition.chart
    if kind == "stacked_bands":
        return pay_bands(result, settings)
    if kind == "recruitment_funnel":
        return recruitment(result, settings)
    if kind == "survey_bars":
        return survey(result, settings)
    if kind == "leaver_rates":
        return leavers({"All": result}, settings)
    if kind == "forest":
        return forest([result], settings)
    if kind == "representation":
        return representation(result, settings)
    if kind == "share":
        return share(result, settings)
    if kind == "scores":
        return scores(result, settings)
    if kind == "none":  # a narrative (WDES 9b): words, no figures to draw
        return message_spec(result.definition.title,
                            result.sentence or f"{result.definition.title}: a narrative, written in its panels.")
    raise ValueError(f"no chart builder for {kind!r} (metric {result.id})")

