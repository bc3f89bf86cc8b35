"""The command line's readable output: a scorecard, the pay bands, the sentences, the warnings."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import TYPE_CHECKING

from metrics.formatting import (
    POINTS_TABLE,
    figure_text,
    interval_text,
    mean_text,
    number,
    pct,
    result_interval,
    value_text,
)
from metrics.registry import STANDARDS
from metrics.results import MetricResult
from metrics.stats import WITHHELD, status_words

if TYPE_CHECKING:
    from data_loaders.comparison import Comparison
    from metrics.breakdown import Breakdown, Figure
    from metrics.publish_breakdown import PublishedBreakdown
    from pipeline.api import Analysis

WIDTH = 100


def _value(result: MetricResult) -> str:
    return "-" if result.value is None else value_text(result, unit=POINTS_TABLE)


def _interval(result: MetricResult) -> str:
    return "-" if result.ci is None else result_interval(result, unit=POINTS_TABLE)


def _rate(result: MetricResult, group: str) -> str:
    figures = result.groups.get(group)
    if result.definition.kind == "score":  # a mean score, not a rate
        return mean_text(figures.events) if figures and figures.base else "-"
    if result.definition.kind == "share" and group != result.definition.numerator_group(result.standard):
        return "-"  # one group's figure: the other is not compared
    return pct(figures.rate) if figures and figures.rate is not None else "-"


def _unknown(result: MetricResult) -> str:
    """The unknown group's share; under a standard that reports the declaration rate (the WDES), that rate."""
    quality = result.quality
    share = quality.declared_pct if result.comparison.declaration_rate else quality.unknown_pct
    return "-" if share is None else pct(share, fraction=False)


def unknown_heading(comparison: Comparison) -> str:
    """The data-quality column's heading: "Unknown ethnicity"; "Declaration rate" where the standard reports it."""
    return "Declaration rate" if comparison.declaration_rate else comparison.unknown_column


def scorecard_rows(results: dict[str, MetricResult], bme_label: str = "BME") -> list[dict[str, str]]:
    """One row per metric (and per survey question where a metric has several), as text."""
    rows = []
    for result in results.values():
        title = f"{result.id} {result.definition.title}"
        if result.questions and len(result.questions) > 1:
            rows.append(_row(title, result, bme_label, figures=False))
            rows += [_row(f"   {q.question_label}", q, bme_label) for q in result.questions.values()]
        else:
            rows.append(_row(title, result, bme_label))
    return rows


def _row(title: str, result: MetricResult, bme_label: str, figures: bool = True) -> dict[str, str]:
    comparison = result.comparison
    return {
        "Metric": title,
        "Value": _value(result) if figures else "",
        "95% interval": _interval(result) if figures else "",
        "Status": status_words(result.status),
        # The two groups compared, in the words of the result's standard's comparison.
        **{f"{comparison.label(g, bme_label)} rate": _rate(result, g) if figures else "" for g in comparison.known},
        unknown_heading(comparison): _unknown(result),
    }


def format_table(rows: list[list[str]]) -> str:
    """Columns padded to their widest cell, a rule under the heading row."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _bands(result: MetricResult, comparison: Comparison, bme_label: str) -> str:
    # The % columns are each band's make-up (they sum to 100, unknown included); the last is the share the
    # sentences give, of staff whose group is known (metrics.results.known_share).
    labels = [comparison.label(g, bme_label) for g in comparison.keys]
    rows = [["Pay band", *labels, *(f"{label} %" for label in labels),
             f"{comparison.label(comparison.focus.key, bme_label)} % of known"]]
    for band in (*result.bands, *([result.overall] if result.overall else [])):
        rows.append([band.band, *(number(band.counts[g]) for g in comparison.keys),
                     *(pct(band.pct[g], fraction=False) if band.pct[g] is not None else "withheld"
                       for g in comparison.keys),
                     pct(band.known_pct, fraction=False) if band.known_pct is not None else "withheld"])
    return format_table(rows)


def render(analysis: Analysis, results: dict[str, MetricResult], warnings: list[str]) -> str:
    settings = analysis.settings
    standard = STANDARDS[settings.standard]
    heading = f"{analysis.organisation or 'Organisation'}: {standard.name}, {analysis.period}"
    if analysis.figures.filters:
        heading += " (" + "; ".join(f"{column.replace('_', ' ')}: {', '.join(values)}"
                                    for column, values in analysis.figures.filters.items()) + ")"
    scorecard = scorecard_rows(results, settings.bme_label)
    table = [list(scorecard[0])] + [list(row.values()) for row in scorecard]
    parts = [heading, "=" * min(len(heading), WIDTH), "", format_table(table)]
    pay = results.get("M1")
    if pay is not None and pay.bands:
        parts += ["", "M1 Pay bands", _bands(pay, standard.comparison, settings.bme_label)]
    parts += ["", "What we know from our data", "--------------------------"]
    for result in results.values():
        parts.append(textwrap.fill(f"{result.id}: {result.sentence}", WIDTH, subsequent_indent="    "))
    parts += ["", "Who is counted", "--------------"]
    for result in results.values():
        rule = result.counted_text(analysis.period)
        parts.append(textwrap.fill(f"{result.id}: {rule}", WIDTH, subsequent_indent="    "))
    if warnings:
        parts += ["", "Warnings", "--------"]
        parts += [textwrap.fill(f"- {w}", WIDTH, subsequent_indent="  ") for w in warnings]
    return "\n".join(parts) + "\n"


def _figure_cells(figure: Figure, result: MetricResult) -> list[str]:
    fmt = result.definition.figure
    if figure.value is None:
        return ["withheld" if figure.status == WITHHELD else "-", "-", "-"]
    return [figure_text(figure.value, fmt, unit=POINTS_TABLE),
            interval_text(figure.ci, fmt) if figure.ci else "-",
            interval_text(figure.ci_adjusted, fmt) if figure.ci_adjusted else "-"]


def render_breakdowns(breakdowns: Mapping[str, Breakdown | PublishedBreakdown], column: str,
                      bme_label: str = "BME") -> str:
    """Each metric by subgroup of `column`: a compact table (size, value, 95% and adjusted intervals, status), what
    the column is read from, and that many subgroups make some look adverse by chance. The pay bands, which have no
    figure to compare, give each subgroup's size and the focus group's share of those whose group is known."""
    from metrics.breakdown import BY_CHANCE, METHOD_WORDS

    words = column.replace("_", " ").replace("-", " ").replace(",", " and ")
    title = f"Where it sits: each metric by {words}"
    parts = ["", title, "=" * len(title)]
    if not breakdowns:
        parts.append(f"No metric can be broken down by {words} from these records.")
    for metric_id, found in breakdowns.items():
        heading = f"{metric_id} {found.whole.definition.title} by {words}"
        parts += ["", heading, "-" * len(heading), textwrap.fill(f"Read from {found.source}.", WIDTH)]
        if found.whole.definition.kind == "distribution":
            comparison = found.whole.comparison
            share = f"{comparison.label(comparison.focus.key, bme_label)} % of known"
            rows = [["Subgroup", "Size", share]]
            rows += [[s.name, _size(s.size), pct(s.result.overall.known_pct, fraction=False)
                      if s.result.overall is not None and s.result.overall.known_pct is not None
                      else ("withheld" if s.result.hidden else "-")]
                     for s in found.subgroups]
            parts.append(format_table(rows))
            parts += [textwrap.fill(f"- {note}", WIDTH, subsequent_indent="  ") for note in found.notes]
            parts += _withheld_lines(found)
            continue
        with_questions = bool(found.question_comparisons)
        rows = [["Subgroup", *(["Question"] if with_questions else []), "Size", "Value", "95% interval",
                 "Adjusted interval", "Status"]]
        for subgroup in found.subgroups:
            small = " (under the minimum size)" if subgroup.under_minimum else ""
            if not with_questions:
                rows.append([subgroup.name, _size(subgroup.size),
                             *_figure_cells(subgroup.figure, subgroup.result),
                             status_words(subgroup.figure.status) + small])
                continue
            for n, (key, figure) in enumerate(subgroup.questions.items()):
                question = subgroup.result.questions[key]
                rows.append([subgroup.name if n == 0 else "", question.question_label,
                             _size(subgroup.size) if n == 0 else "", *_figure_cells(figure, question),
                             status_words(figure.status) + (small if n == 0 else "")])
        parts.append(format_table(rows))
        parts += _withheld_lines(found)
        k = (", ".join(f"{found.whole.questions[key].question_label} {n}" for key, n in
                       found.question_comparisons.items()) if with_questions else str(found.comparisons))
        parts.append(textwrap.fill(f"{BY_CHANCE} Adjusted intervals: {METHOD_WORDS} (here k = {k}).", WIDTH))
        parts += [textwrap.fill(f"- {note}", WIDTH, subsequent_indent="  ") for note in found.notes]
    return "\n".join(parts) + "\n"


def _size(size: float | None) -> str:
    return "withheld" if size is None else number(size)


def _withheld_lines(found: Breakdown | PublishedBreakdown) -> list[str]:
    """What a published breakdown withholds, subgroup by subgroup, and why; none for the full breakdown."""
    from metrics.publish_breakdown import PublishedSubgroup

    return [textwrap.fill(f"{s.name}: {s.withheld}.", WIDTH, subsequent_indent="  ")
            for s in found.subgroups if isinstance(s, PublishedSubgroup) and s.withheld]
