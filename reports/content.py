"""What goes into every export, gathered once: Excel now, PowerPoint and PDF later read the same content."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

import charts
from access import Caller
from charts.shared import WITHHELD, ChartSpec
from metrics import formatting, stats
from metrics.breakdown import BY_CHANCE, METHOD_WORDS, NOT_RECORDED, Breakdown, Figure, Subgroup
from metrics.counts import Period
from metrics.formatting import POINTS_TABLE, figure_name, figure_text, figure_words, with_interval
from metrics.publish import PublishedTogether
from metrics.publish_breakdown import PublishedBreakdown, PublishedSubgroup
from metrics.registry import STANDARDS, MetricDefinition, Standard, metrics_of
from metrics.results import WITHHELD_REASON, MetricResult
from metrics.settings import Settings
from metrics.unknown_bounds import HEADING, verdict_lines
from pipeline.api import (
    Analysis,
    analyse,
    own_scope,
    published_together,
    published_with_breakdowns,
    services,
)
from reports.paygap_section import WHOLE_ORGANISATION, PayGapSection, pay_gap_section
from reports.withheld_text import WithheldFigure, withheld_in_text
from storage import PANEL_KINDS, Action, load_actions, load_panels, panel_scope, standard_scope, targets_metric
from storage.allowed import UNRESTRICTED
from storage.figure_sets import scope_of

INTERNAL_MARKING = "INTERNAL: NOT FOR PUBLICATION. Unsuppressed counts."
SCORECARD_COLUMNS: tuple[str, ...] = ("Metric", "Value", "95% interval", "Status")
NO_VALUE = "–"  # a metric with no single figure (M1, the pay bands: described by its chart)
NARRATIVE_VALUE = "narrative"  # a metric of words (WDES 9b): its panels are what it reports


@dataclass
class MetricContent:
    definition: MetricDefinition
    # Published (suppressed) unless the export is internal.
    result: MetricResult
    chart: ChartSpec
    # Counts by group behind a relative likelihood: "withheld" where suppressed; empty for M1.
    counts: pd.DataFrame
    # PANEL_KINDS key -> text; "know" is the result's sentence until someone saves their own.
    panels: dict[str, str]
    actions: list[Action]

    @property
    def description(self) -> str:
        return self.definition.description

    def headline(self) -> list[tuple[str, float | None, tuple[float, float] | None]]:
        """(label, value, 95% interval) for the metric, or for each survey question of M7."""
        several = len(self.result.questions) > 1
        results = list(self.result.questions.values()) if several else [self.result]
        return [(_headline_label(r, several), r.value, r.ci) for r in results]


@dataclass
class WhereItSits:
    """Where the disproportionality sits: each metric's figures by `column` (metrics.breakdown), as published
    (metrics.publish_breakdown, protected with the whole pack) in a published pack, in full internally."""

    column: str
    breakdowns: dict[str, Breakdown | PublishedBreakdown] = field(default_factory=dict)
    # Why there is none, when there is none ("" otherwise).
    missing: str = ""

    @property
    def words(self) -> str:
        return self.column.replace("_", " ")

    @property
    def title(self) -> str:
        return f"Where it sits: each metric by {self.words}"


@dataclass
class ReportContent:
    organisation: str
    period: Period
    standard: Standard
    settings: Settings
    published: bool
    threshold: int
    metrics: dict[str, MetricContent]
    actions: list[Action]
    # Explains the suppression rule, or INTERNAL_MARKING.
    note: str
    warnings: list[str] = field(default_factory=list)
    # Numbers in people's panels that could be figures this publication withholds (reports.withheld_text):
    # the editor changes them, or says they are not, before a publication-safe pack is made.
    withheld_in_text: list[WithheldFigure] = field(default_factory=list)
    # What the figures cover beyond the organisation (storage.figure_sets.scope_of: "service: Adults"); "" for the
    # whole organisation. Every page, slide and sheet names it, and the file name carries it.
    covers: str = ""
    # Saved panels written against other figures than these (metric id, panel label, then, now).
    stale_panels: list[tuple[str, str, str, str]] = field(default_factory=list)
    # The pay gaps by sex, ethnicity and disability (reports.paygap_section); None when left out of the pack.
    pay_gaps: PayGapSection | None = None
    # Each metric by a column of the records (a service...): published in a published pack; None when left out.
    where_it_sits: WhereItSits | None = None

    @property
    def scope_line(self) -> str:
        """"Covers the whole organisation." or "Covers service: Adults only.", as every page, slide and sheet says."""
        return f"Covers {self.covers} only." if self.covers else "Covers the whole organisation."

    @property
    def file_stem(self) -> str:
        """wres-2026-03-31-published, with the part covered when it is not the whole organisation
        (wres-2026-03-31-service-adults-published)."""
        part = re.sub(r"[^a-z0-9]+", "-", self.covers.lower()).strip("-")
        return "-".join(p for p in ("wres", self.period_key, part, "published" if self.published else "INTERNAL")
                        if p)

    @property
    def marking(self) -> str:
        """What every page, slide or sheet of an internal export carries; "" when published."""
        return "" if self.published else INTERNAL_MARKING

    @property
    def period_key(self) -> str:
        return self.period.end.isoformat()


# Figures in words, as every export writes them ----------------------------------------------------


def status_text(result: MetricResult) -> str:
    """The status in words (metrics.stats.LOOKS), the same on screen and in every export."""
    return stats.status_words(result.status)


def withheld(result: MetricResult, published: bool) -> bool:
    return published and (bool(result.hidden) or result.status == stats.WITHHELD
                          or (result.ratio is not None and result.ratio.reason == WITHHELD_REASON))


def value_text(result: MetricResult, published: bool) -> str:
    """The headline figure as every export writes it (metrics.formatting), or why there is none: "withheld" where
    the publication withholds it, "not available" otherwise; NO_VALUE for the pay bands, which have no figure."""
    if result.definition.figure == "shares":
        return NO_VALUE
    if result.definition.kind == "narrative":  # words, not a figure: the panels are its content
        return NARRATIVE_VALUE
    if result.value is None:
        return "withheld" if withheld(result, published) else "not available"
    return formatting.value_text(result)


def interval_text(result: MetricResult) -> str:
    """The 95% interval in the figure's unit: "0.57 to 1.08", or "-10.1 to +4.5 points" for M9; "" when none."""
    if result.ci is None or result.value is None:
        return ""
    return formatting.result_interval(result)


def per_question(metric: MetricContent) -> list[tuple[str, MetricResult]]:
    """("", result) for most metrics; (question, result) for each survey question of M7."""
    questions = metric.result.questions
    if len(questions) > 1:
        return [(r.question_label[:1].upper() + r.question_label[1:], r) for r in questions.values()]
    return [("", metric.result)]


def combined_line(metric: MetricContent) -> str:
    """What the publication rule combined rather than withheld ("" when nothing), as every export says it."""
    if not metric.result.combined:
        return ""
    return ("Combined for publication, so that no small count is shown and none withheld: "
            + "; ".join(metric.result.combined) + ".")


def counted_line(metric: MetricContent, period: Period) -> str:
    """The metric's population rule (metrics.registry), as every export names it beside the figures."""
    return f"Who is counted: {metric.result.counted_text(period)}"


def _labelled(label: str, text: str) -> str:
    return f"{label}: {text}" if label else text


def scorecard_row(metric: MetricContent, published: bool) -> list[str]:
    """The scorecard's row for a metric (SCORECARD_COLUMNS); one line per survey question of M7."""
    parts = per_question(metric)
    d = metric.definition
    return [
        f"{d.id} {d.title}",
        "\n".join(_labelled(q, value_text(r, published)) for q, r in parts),
        "\n".join(_labelled(q, interval_text(r)) if interval_text(r) else "" for q, r in parts).strip("\n"),
        status_lines(metric),
    ]


def status_lines(metric: MetricContent) -> str:
    """The status in words, one line per survey question of M7 ("From managers: Adverse, beyond chance")."""
    return "\n".join(_labelled(q, status_text(r)) for q, r in per_question(metric))


def scorecard_rows(content: ReportContent) -> list[list[str]]:
    return [scorecard_row(metric, content.published) for metric in content.metrics.values()]


def headline_lines(metric: MetricContent, published: bool) -> list[str]:
    """The headline figures and status in words, one sentence each (per question for M7)."""
    if metric.definition.kind in ("distribution", "narrative"):
        return [f"{status_text(metric.result)}."]
    lines = []
    for (label, _, _), (_, result) in zip(metric.headline(), per_question(metric), strict=True):
        figure = with_interval(result) if result.value is not None else value_text(result, published)
        lines.append(f"{label}: {figure}. {status_text(result)}.")
    return lines


def unknown_lines(metric: MetricContent, settings: Settings, published: bool) -> list[str]:
    """Whether each figure stands whatever the people whose group is not known are (metrics.unknown_bounds), one
    line each, headed as on screen: from the figures as the pack gives them, so a published pack has no bounds
    where the unknown group's counts are withheld, and leaves out the declaration rate a finding would need (a
    figure its audited workbook does not hold)."""
    return [f"{HEADING}: {line}" for line in verdict_lines(metric.result, settings, reach=not published)]


def rag_text(action: Action) -> str:
    """An objective's RAG rating as written in every export."""
    return (action.rag or "").title() or "Not rated"


def rag_key_text(settings: Settings) -> str:
    """The plan's RAG key in the organisation's words (Settings.rag_meanings), one line."""
    return "RAG status: " + "; ".join(f"{word}: {meaning}" for word, meaning in settings.rag_key()) + "."


def _headline_label(result: MetricResult, several: bool) -> str:
    what = figure_name(result.definition)
    if several and result.question_label:
        return f"{what}, {result.question_label}"
    return what


def suppression_note(threshold: int) -> str:
    if threshold <= 1:
        return "No suppression threshold is set: every count is shown as counted."
    return (f"Counts from 1 to {threshold - 1} are withheld, and so are other counts where needed so that no "
            f"withheld count can be narrowed, from everything published here, to fewer than {threshold} possible "
            "values; any percentage, rate, ratio or interval made from a withheld count is withheld too, and "
            "percentages are rounded to whole numbers. Withheld figures are marked \"withheld\".")


def pack_title(content: ReportContent) -> str:
    """The pack's title: the organisation, or "Workforce race equality" ("Workforce disability equality" for the
    WDES) when it has no name."""
    return content.organisation or f"Workforce {content.standard.comparison.equality or 'equality'} equality"


def compares_text(standard: Standard) -> str:
    """Whom the standard compares, for a pack's introduction."""
    comparison = standard.comparison
    if comparison.renamable:  # the race standards, in the words they have always had
        return ("compares the experience of staff from Black, Asian and minority-ethnic backgrounds with that of White "
                "staff across nine metrics")
    return (f"compares the experience of {comparison.focus.noun} staff with that of {comparison.reference.noun} "
            f"staff across its metrics, and reports the declaration rate: the share of staff whose "
            f"{comparison.what} is {comparison.known_word}")


def own_term_text(content: ReportContent) -> str:
    """"BME is this organisation's term for staff from minority-ethnic backgrounds", or "" for a standard whose
    groups are named in its own fixed words (the WDES)."""
    comparison = content.standard.comparison
    if not comparison.renamable:
        return ""
    return f"{content.settings.bme_label} is this organisation's term for staff from minority-ethnic backgrounds"


def quality_point(metric: MetricContent) -> str:
    """How many of the people counted have no recorded group, as a percentage (never a count): unknown ethnicity,
    or the WDES's declaration rate."""
    quality = metric.result.quality
    comparison = metric.result.comparison
    places = 1 if quality.pct_places is None else quality.pct_places
    if comparison.declaration_rate:
        declared = quality.declared_pct
        if declared is None:
            return ""
        return (f"The declaration rate is {declared:.{places}f}%: {comparison.what} is {comparison.known_word} for "
                f"{declared:.{places}f}% of those counted; the rest are left out of the comparison.")
    pct = quality.unknown_pct
    if pct is None:
        return ""
    if pct == 0:
        return f"{comparison.what.capitalize()} is recorded for everyone counted."
    return (f"{comparison.what.capitalize()} is not {comparison.known_word} for {pct:.{places}f}% of those counted; "
            "they are left out of the comparison.")


def _count(value: float | None) -> float | str:
    return WITHHELD if value is None else value


def _counts_table(result: MetricResult, settings: Settings) -> pd.DataFrame:
    """Events and base by group for one rate metric (per question for M6 and M7)."""
    d = result.definition
    if d.kind == "distribution":
        return pd.DataFrame()
    results = list(result.questions.values()) or [result]
    rows: list[dict[str, Any]] = []
    comparison = STANDARDS[settings.standard].comparison
    label = {g: comparison.label(g, settings.bme_label) for g in comparison.keys}
    for r in results:
        for g in comparison.keys:
            figures = r.groups.get(g)
            if figures is None:
                continue
            row: dict[str, Any] = {"Question": r.question_label} if result.questions else {}
            rate = figures.rate
            row |= {"Group": label[g], d.base_label: _count(figures.base), d.events_label: _count(figures.events),
                    "Rate (%)": WITHHELD if rate is None else round(100 * rate, 1)}
            rows.append(row)
    return pd.DataFrame(rows)


def _leavers_by_service(analysis: Analysis, settings: Settings,
                        together: PublishedTogether | None) -> dict[str, MetricResult]:
    """M8 for everyone and each service, as the Leaving page draws it (records only, unfiltered); published
    with the rest of the pack when `together` is given, so no service's figure can be worked out from the
    others and the whole (the blanks' subgroup of a breakdown by service is no service)."""
    if together is not None:
        return {"All services": together.whole["M8"]} | {s: r["M8"] for s, r in together.parts.items()
                                                          if s != NOT_RECORDED}
    out = {"All services": analysis.results["M8"]}
    for service in services(analysis.inputs):
        filtered = analyse(analysis.inputs, settings, organisation=analysis.organisation,
                           filters={"service": [service]})
        out[service] = filtered.results["M8"]
    return out


def build_content(analysis: Analysis, *, publish_safe: bool = True, threshold: int | None = None,
                  engine: Any = None, together: PublishedTogether | None = None,
                  caller: Caller = UNRESTRICTED, pay_gaps: bool = True, by: str | None = "service") -> ReportContent:
    """Everything an export shows; publication-safe unless `publish_safe=False` (the internal export). `together`
    is the analysis's figures as already published (pipeline.api.published_together), to save working them out
    again; it must have been made at the same threshold. The panels and plan are read from `engine` as `caller`
    (storage refuses an organisation the caller may not read; the app passes the signed-in person's). The Pay gaps
    section is there unless `pay_gaps=False`: published at the pack's threshold, or the full figures internally.
    The "Where it sits" section breaks each metric down by the column `by` (None leaves it out): published, it is
    one publication with the rest of the pack, so a given `together` is worked out again with it."""
    settings = analysis.settings
    if threshold is not None:
        settings = settings.with_(suppression_threshold=threshold)
    where, full = _where_it_sits(analysis, by, settings)
    if publish_safe and full:
        published = published_with_breakdowns(analysis, full, settings)
        together = published.together
        assert where is not None
        where.breakdowns = dict(published.breakdowns)
    elif publish_safe and together is None:
        together = published_together(analysis, settings)
    elif not publish_safe:
        together = None
    results = own_scope(together, analysis, settings) if together is not None else dict(analysis.results)
    period_key = analysis.period.end.isoformat()
    stored_panels: dict[tuple[str, str], Any] = {}
    plan: list[Action] = []
    scope = panel_scope(settings.standard, analysis.figures.filters)
    if engine is not None and analysis.organisation.strip():
        # The text written for these figures: this standard, this service (storage.panel_scope).
        stored_panels = load_panels(engine, analysis.organisation, period_key, scope, caller=caller)
        # The plan of this standard, the whole organisation's (storage.standard_scope): never another standard's.
        plan = load_actions(engine, analysis.organisation, period_key, scope=standard_scope(settings.standard),
                            caller=caller)
    leaving = analysis.results.get("M8")  # absent under a standard without it
    by_service = not analysis.figures.filters and leaving is not None and leaving.status != stats.NO_DATA \
        and bool(analysis.inputs.loaded.datasets)
    metrics: dict[str, MetricContent] = {}
    stale: list[tuple[str, str, str, str]] = []
    for metric_id, definition in metrics_of(settings.standard).items():  # the standard's, in its order
        result = results[metric_id]
        now = figure_words(analysis.results[metric_id])  # as the panels' editors saw them: the full figures
        for kind, label in PANEL_KINDS.items():
            saved = stored_panels.get((metric_id, kind))
            if saved is not None and saved.version and saved.text.strip() and saved.figures not in (None, now):
                stale.append((metric_id, label, saved.figures, now))
        if definition.chart == "leaver_rates" and by_service:
            spec = charts.leavers(_leavers_by_service(analysis, settings, together), settings)
        else:
            spec = charts.chart_for(result, settings)
        panels = {}
        for kind in PANEL_KINDS:
            saved = stored_panels.get((metric_id, kind))
            if saved is not None and saved.version:
                panels[kind] = saved.text
            else:
                # The shown result's sentence, so a published export never quotes a withheld count.
                panels[kind] = result.sentence if kind == "know" else ""
        # One group's percentage, mean scores and a narrative: the chart's own table (respondents, means and
        # deviations; none for a narrative) is the figures behind them.
        counts = spec.table if definition.kind in ("share", "score", "narrative") else _counts_table(result, settings)
        metrics[metric_id] = MetricContent(definition, result, spec, counts, panels,
                                           [a for a in plan if targets_metric(a, definition.id)])
    section = None
    if pay_gaps:
        section = _pay_gaps(analysis, settings, publish_safe, engine, caller)
    found = withheld_in_text(analysis.results, results, {m: c.panels for m, c in metrics.items()}, settings) \
        if publish_safe else []
    if section is not None:  # the pay gap panels, against what the published pay gaps withhold
        found += [figure for block in section.blocks for figure in block.withheld_in_text]
    return ReportContent(
        organisation=analysis.organisation,
        period=analysis.period,
        standard=STANDARDS[settings.standard],
        settings=settings,
        published=publish_safe,
        threshold=settings.suppression_threshold,
        metrics=metrics,
        actions=plan,
        note=suppression_note(settings.suppression_threshold) if publish_safe else INTERNAL_MARKING,
        warnings=list(analysis.warnings),
        withheld_in_text=found,
        covers=scope_of(analysis.figures.filters),
        stale_panels=stale,
        pay_gaps=section,
        where_it_sits=where,
    )


def _where_it_sits(analysis: Analysis, by: str | None, settings: Settings
                   ) -> tuple[WhereItSits | None, dict[str, Breakdown]]:
    """The section (its breakdowns in full, to be published by the caller in a published pack) and the full
    breakdowns; None when `by` is None."""
    if by is None:
        return None, {}
    where = WhereItSits(by)
    datasets = analysis.inputs.loaded.datasets
    if analysis.figures.filters:
        where.missing = (f"The figures by {where.words} are given for the whole organisation's pack only: this one "
                         f"covers {scope_of(analysis.figures.filters)}.")
        return where, {}
    if not datasets:
        where.missing = f"The figures by {where.words} need records: a counts template has no rows to break down."
        return where, {}
    from metrics.breakdown import breakdown

    full = breakdown(datasets, by, settings.with_(period_end=analysis.period.end), organisation=analysis.organisation)
    if not full:
        where.missing = f"No metric can be broken down by {where.words} from these records."
    where.breakdowns = dict(full)
    return where, full


# The "Where it sits" tables, as every export writes them -----------------------------------------------------

WITHHELD_WORD = "withheld"


def _figure_cells(figure: Figure, result: MetricResult) -> list[str]:
    """Value, 95% interval and adjusted interval in the metric's own format (metrics.formatting)."""
    fmt = result.definition.figure
    if figure.value is None:
        return [WITHHELD_WORD if figure.status == stats.WITHHELD else NO_VALUE, "", ""]
    return [figure_text(figure.value, fmt, unit=POINTS_TABLE),
            formatting.interval_text(figure.ci, fmt) if figure.ci else "",
            formatting.interval_text(figure.ci_adjusted, fmt) if figure.ci_adjusted else ""]


def _status(figure: Figure, under_minimum: bool) -> str:
    return stats.status_words(figure.status) + (" (under the minimum size)" if under_minimum else "")


def where_figure_rows(found: Breakdown | PublishedBreakdown, column_title: str, bme_label: str = "BME"
                      ) -> list[list[Any]]:
    """The figures table of one metric's breakdown, header first: each subgroup's size (a number; "withheld"),
    value, 95% and adjusted intervals and status; a row per question for a survey of several; the pay bands' the
    focus group's share of those whose group is known."""
    definition = found.whole.definition
    subgroups: list[Subgroup | PublishedSubgroup] = list(found.subgroups)
    size = [s.size if s.size is not None else WITHHELD_WORD for s in subgroups]
    if definition.kind == "distribution":
        comparison = found.whole.comparison
        heading = f"{comparison.label(comparison.focus.key, bme_label)} % of known"
        rows: list[list[Any]] = [[column_title, "Size", heading]]
        for s, n in zip(subgroups, size, strict=True):
            overall = s.result.overall
            share = overall.known_pct if overall is not None else None
            rows.append([s.name, n, formatting.pct(share, fraction=False) if share is not None
                         else (WITHHELD_WORD if overall is not None and None in overall.counts.values() else NO_VALUE)])
        return rows
    several = bool(found.question_comparisons)
    rows = [[column_title, *(["Question"] if several else []), "Size", "Value", "95% interval", "Adjusted interval",
             "Status"]]
    for s, n in zip(subgroups, size, strict=True):
        if not several:
            rows.append([s.name, n, *_figure_cells(s.figure, s.result), _status(s.figure, s.under_minimum)])
            continue
        for i, (key, figure) in enumerate(s.questions.items()):
            question = s.result.questions[key]
            rows.append([s.name if i == 0 else "", question.question_label, n if i == 0 else "",
                         *_figure_cells(figure, question), _status(figure, s.under_minimum and i == 0)])
    return rows


def where_count_rows(found: Breakdown | PublishedBreakdown, column_title: str, settings: Settings) -> list[list[Any]]:
    """The counts each subgroup's figures rest on, header first: by group, each question's for a survey ("withheld"
    where the publication withholds one); the pay bands' staff in post by group."""
    definition = found.whole.definition
    comparison = STANDARDS[settings.standard].comparison
    label = {g: comparison.label(g, settings.bme_label) for g in comparison.keys}
    if definition.kind == "distribution":
        rows: list[list[Any]] = [[column_title, "Group", "Staff in post"]]
        for s in found.subgroups:
            counts = s.result.overall.counts if s.result.overall is not None else {}
            rows += [[s.name, label[g], _count(counts.get(g))] for g in comparison.keys]
        return rows
    asked = bool(found.whole.questions)
    rows = [[column_title, *(["Question"] if asked else []), "Group", definition.base_label, definition.events_label]]
    for s in found.subgroups:
        for result in (list(s.result.questions.values()) if asked else [s.result]):
            for g in comparison.keys:
                figures = result.groups.get(g)
                if figures is None:
                    continue
                rows.append([s.name, *([result.question_label] if asked else []), label[g], _count(figures.base),
                             _count(figures.events)])
    return rows


def where_lines(found: Breakdown | PublishedBreakdown) -> list[str]:
    """What the column is read from, what is withheld and why (published), and how many were compared."""
    lines = [f"Read from {found.source}."]
    lines += [f"{s.name}: {s.withheld}." for s in found.subgroups if isinstance(s, PublishedSubgroup) and s.withheld]
    if found.whole.definition.kind != "distribution":
        k = (", ".join(f"{found.whole.questions[key].question_label} {n}" for key, n in
                       found.question_comparisons.items()) if found.question_comparisons else str(found.comparisons))
        lines.append(f"Adjusted intervals here: k = {k}.")
    return lines


def where_intro(where: WhereItSits, content: ReportContent) -> list[str]:
    """The section's opening words: what it is, the many-comparisons warning and the method, what is withheld."""
    lines = [f"Each metric for every {where.words}, with its 95% interval and one adjusted for the number of "
             f"{where.words} values compared. The subgroup '{NOT_RECORDED}' is the rows with no {where.words}.",
             BY_CHANCE, f"Adjusted intervals: {METHOD_WORDS}."]
    if content.published and content.threshold > 1:
        lines.append("As published: the whole organisation and every subgroup are protected together, so that no "
                     "withheld count can be worked out by subtracting the others from the whole; a subgroup's size is "
                     "rounded to the nearest 10, and withheld where a count it adds up is.")
    if where.missing:
        lines.append(where.missing)
    return lines


def _pay_gaps(analysis: Analysis, settings: Settings, publish_safe: bool, engine: Any,
              caller: Caller) -> PayGapSection:
    """The pay gaps for the whole organisation at the period's end, with the panels saved on the Pay gaps page
    (written for the whole organisation, whichever standard: scope "")."""
    if analysis.figures.filters:
        return PayGapSection(missing=WHOLE_ORGANISATION)
    stored: dict[tuple[str, str], Any] = {}
    if engine is not None and analysis.organisation.strip():
        stored = load_panels(engine, analysis.organisation, analysis.period.end.isoformat(), "", caller=caller)
    headings = [h for report in analysis.inputs.loaded.sheets for h in report.unmapped_headings]
    return pay_gap_section(analysis.inputs.loaded.datasets.get("staff"), analysis.period.end, settings,
                           threshold=settings.suppression_threshold if publish_safe else None, panels=stored,
                           headings=headings)
