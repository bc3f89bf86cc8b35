"""One metric on screen: status, chart with its table, caption, warnings, panels and actions."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from data_loaders.comparison import ETHNICITY, Comparison
from metrics import stats
from metrics.formatting import figure_words, pct, with_interval
from metrics.narrative import relative_likelihood_reading
from metrics.registry import METRICS, STANDARDS
from metrics.results import MetricResult
from metrics.unknown_bounds import HEADING, verdict_lines
from pipeline.api import Analysis
from storage import load_actions, standard_scope, targets_metric
from ui import access, db, panels, per_run, sidebar, state
from ui.figures import table_html
from ui.navigation import METRIC_PAGES, pages_for
from ui.safe import md
from ui.status import badge

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator

    from charts.shared import ChartSpec, TopLevelChart

TABLE_BESIDE_MAX_COLUMNS = 4
# The chart's menu offers the picture to save, not its Vega source or an outside editor, which mean nothing to a
# board member and send the figures to vega.github.io.
CHART_MENU = {"embedOptions": {"actions": {"export": True, "source": False, "compiled": False, "editor": False}}}


def figures_table(spec: ChartSpec) -> None:
    """A chart's figures as a plain HTML table (ui.figures), named after the chart and to the places it gives:
    read by a screen reader as a table, each row headed by its first column, where st.dataframe's grid is drawn
    on a canvas. A chart with no figures to show has no table."""
    if len(spec.table.columns):
        st.html(table_html(spec.table, f"The figures in the chart: {spec.title}", spec.places))


def draw_chart(spec: ChartSpec) -> None:
    """The chart's title (a heading) and the subtitle that says how to read it, as text above the chart, and the
    chart without them: the text wraps on a narrow screen or at 400% zoom, where in the picture it was cut short.
    A chart kept between reruns (ui.state.chart) is sent as the specification Streamlit made of it the first time,
    the same as st.altair_chart would send again."""
    st.subheader(md(spec.title), anchor=False)
    if spec.subtitle:
        st.markdown(md(spec.subtitle))
    specification = state.specification(spec, lambda: vega_lite_specification(_on_page(spec)))
    if specification is None:
        st.altair_chart(_on_page(spec), width="stretch")
    else:
        st.vega_lite_chart(spec=specification, width="stretch")


def _on_page(spec: ChartSpec) -> TopLevelChart:
    return spec.untitled().properties(usermeta=CHART_MENU)


def vega_lite_specification(chart: TopLevelChart) -> dict | None:
    """The Vega-Lite specification st.altair_chart sends for `chart` (its data as Arrow datasets, named by their
    hash), made by Streamlit's own conversion: checking the chart against Vega-Lite's schema is most of its time,
    so a chart kept between reruns is converted once. Streamlit's conversion is not public; should a version move
    it, the chart is drawn by st.altair_chart instead (the same, converted on every rerun)."""
    try:
        from streamlit.dataframe_util import convert_anything_to_arrow_bytes
        from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec as convert
    except ImportError:
        return None
    specification = dict(convert(chart))
    # Data given inline (rows as a list, a message chart's text) Streamlit turns into Arrow on every draw: done here
    # once, as it would (it sends bytes as they are).
    datasets = specification.get("datasets")
    if isinstance(datasets, dict):
        specification["datasets"] = {name: convert_anything_to_arrow_bytes(rows) if isinstance(rows, list) else rows
                                     for name, rows in datasets.items()}
    return specification


def chart_and_figures(spec: ChartSpec, chart_caption: str) -> DeltaGenerator:
    """The chart with its caption, and its figures in a table beside it; a table too wide for the space beside it
    goes under the chart instead, whole, rather than scrolling sideways (out of a keyboard's reach, and hiding
    columns from everyone). Returns the column beside the chart, for notes on the figures."""
    beside = len(spec.table.columns) <= TABLE_BESIDE_MAX_COLUMNS
    left, right = st.columns([3, 2], gap="large")
    with left:
        draw_chart(spec)
        st.caption(chart_caption)
    with right if beside else st.container():
        figures_table(spec)
    return right


def sample_note(view: state.View) -> None:
    if view.is_sample:
        st.info(f"You are looking at sample data for {md(view.organisation)}, a fictional council. Upload your own "
                "exports on the Data page to see your organisation's figures.", icon=":material/science:")


def period_note(view: state.View) -> None:
    """What period end the files suggested, and why, until the person sets one: every figure depends on it."""
    if view.assumed_period is not None:
        st.info(f"{md(view.assumed_period.sentence())} Set your own with **Period end** in the sidebar.",
                icon=":material/event:")


# Where the app classifies an ethnicity label: the Data page lists every label and corrects one at a time (the
# Settings page's box holds the same corrections, written out, which is no place to start).
CLASSIFY_LABELS = "Say which group each belongs to on the Data page, under Ethnicity labels, one label at a time."
# A disability label (the WDES) is classified on the Settings page, under Disability classifications.
CLASSIFY_DISABILITY_LABELS = ("Say which group each belongs to on the Settings page, under Disability "
                              "classifications.")


def classify_labels_text(comparison: Comparison) -> str:
    """Where the app classifies the labels of the standard's groups."""
    return CLASSIFY_DISABILITY_LABELS if comparison.key == "disability" else CLASSIFY_LABELS


def classify_labels_link(comparison: Comparison = ETHNICITY) -> None:
    if comparison.key == "disability":
        st.page_link("pages/settings.py", label="Classify the labels on the Settings page", icon=":material/label:")
    else:
        st.page_link("pages/data.py", label="Classify the labels on the Data page", icon=":material/label:")


def caption(view: state.View, analysis: Analysis) -> str:
    standard = STANDARDS[view.settings.standard]
    scope = ", ".join(values[0] for _, values in view.filters) if view.filters else "all services"
    return md(f"{standard.title} ({standard.name}). {analysis.period}. {view.organisation}, {scope}.")


def _by_service(view: state.View) -> dict[str, MetricResult]:
    """M8 for everyone and for each service, for the leaving chart."""
    found = state.services(view.sources)
    out = {"All services": state.analysis(replace(view, filters=())).results["M8"]}
    for service in found:
        out[service] = state.analysis(replace(view, filters=(("service", (service,)),))).results["M8"]
    return out


def _headline(result: MetricResult) -> str:
    value = f" {with_interval(result)}" if result.value is not None else ""
    return f"{badge(result.status)}{value}"


def render_metric(view: state.View, analysis: Analysis, metric_id: str) -> None:
    import charts  # altair takes a quarter of a second to import: only the pages that draw a chart pay it

    result = analysis.results[metric_id]
    definition = result.definition
    settings = view.settings
    st.header(f"Metric {definition.number}: {definition.title}", anchor=metric_id.lower())
    st.markdown(md(definition.description.format(bme=settings.bme_label)))
    st.markdown(_headline(result))
    # Beside the interval: whether the finding stands whatever the people whose group is not known are. Notes
    # under one another are one element, paragraph by paragraph: each element is work on every rerun (issue 29).
    verdicts = [f"**{HEADING}.** {md(line)}" for line in verdict_lines(result, settings)]
    if verdicts:
        st.caption("\n\n".join(verdicts))
    if definition.kind == "narrative":
        # Words, not figures: no chart and no counts, only who writes what, and the panels below.
        st.caption(f"**What it asks for.** {md(result.counted_text(analysis.period))}")
        _panels_and_actions(view, analysis, result)
        return
    if definition.chart == "leaver_rates" and not view.filters:
        by_service = _by_service(view)
        spec = state.chart(tuple(by_service.values()), settings, f"leavers by service {list(by_service)}",
                           lambda: charts.leavers(by_service, settings))
    else:
        spec = state.chart((result,), settings, "chart_for", lambda: charts.chart_for(result, settings))
    with chart_and_figures(spec, f"{md(spec.summary)} {caption(view, analysis)}"):
        quality, comparison = result.quality, result.comparison
        notes: list[str] = []
        if comparison.declaration_rate and quality.declared_pct is not None:
            notes.append(f"Declaration rate: {pct(quality.declared_pct, fraction=False)} ({quality.known:,} of "
                         f"{quality.total:,} declared); the {quality.unknown:,} not declared are left out of the "
                         "comparison.")
        elif quality.unknown_pct is not None:
            notes.append(f"{comparison.what.capitalize()} not {comparison.known_word}: "
                         f"{pct(quality.unknown_pct, fraction=False)} "
                         f"({quality.unknown:,} of {quality.total:,}); left out of the comparison.")
        if quality.unrecognised:
            notes.append(f"Labels not recognised, counted as {comparison.unknown.noun}: "
                         + ", ".join(f"'{md(k)}' ({v:,})" for k, v in quality.unrecognised.items())
                         + f". {classify_labels_text(comparison)}")
            st.caption("\n\n".join(notes))
            classify_labels_link(comparison)  # under the note it belongs to
            notes = []
        notes.append(f"**Who is counted.** {md(result.counted_text(analysis.period))}")
        st.caption("\n\n".join(notes))
    if spec.small_groups:
        st.warning(f"Too few people to read reliably (under {settings.min_group_size}): "
                   f"{md(', '.join(spec.small_groups))}. Treat these figures as a prompt to look closer, "
                   "not a finding.",
                   icon=":material/warning:")
    if result.status in (stats.INSUFFICIENT, stats.WITHHELD):
        st.warning(md(result.sentence), icon=":material/warning:")
    # Imported here: ui.where_it_sits draws its charts with this module's draw_chart and figures_table.
    from ui import where_it_sits

    where_it_sits.render(view, analysis, result)
    _panels_and_actions(view, analysis, result)


def _panels_and_actions(view: state.View, analysis: Analysis, result: MetricResult) -> None:
    """The metric's three panels and the plan's actions for it."""
    metric_id, definition = result.id, result.definition
    period = analysis.period.end.isoformat()  # what the figures are for, whatever set it
    # The starting sentence is written from the figures as they may be published: saved as it is, it never puts a
    # withheld count into a pack (the figures on screen above are the full ones).
    panels.render(view.organisation, period, metric_id, lambda: state.published(view)[metric_id].sentence,
                  scope=state.panel_scope_of(view), figures=figure_words(result))
    # The plan of the standard the page is read under: an NHS WRES objective is not listed on the SC-WRES's page.
    plan = STANDARDS[view.settings.standard].name
    scope, caller = standard_scope(view.settings.standard), access.caller()
    # The plan read once a run, however many metrics the page shows (issue 29).
    plan_actions = per_run.remembered(("plan", view.organisation, period, scope), (caller,), lambda: load_actions(
        db.engine(), view.organisation, period, scope=scope, caller=caller))
    actions = [action for action in plan_actions if targets_metric(action, metric_id)]
    with st.expander(f"Actions in the plan for metric {definition.number} ({len(actions)})",
                     expanded=bool(actions)):
        if actions:
            st.html(table_html(pd.DataFrame([{"No": a.number, "Objective": a.objective, "Lead": a.lead,
                                              "Timeframe": a.timeframe, "RAG": (a.rag or "").title()}
                                             for a in actions]),
                               f"Actions in the {plan} plan for metric {definition.number}"))
        else:
            st.caption(f"No action in the {plan} plan targets this metric yet. Add one on the Action plan page.")
        st.page_link("pages/action_plan.py", label=f"Open the {plan} action plan", icon=":material/checklist:")


def render_metric_page(path: str) -> None:
    page = next(p for p in METRIC_PAGES if p.path == path)
    view = sidebar.current_view(path)
    analysis = state.analysis(view)
    st.title(page.title)
    standard = STANDARDS[view.settings.standard]
    # The page's metrics that the chosen standard has; of the others it says so, rather than show figures the
    # standard does not ask for.
    metric_ids = [m for m in page.metrics if m in standard.metrics]
    sample_note(view)
    period_note(view)
    if not metric_ids:  # reached by its address: the menu lists only the standard's pages
        others = [p.title for p in pages_for(view.settings.standard)]
        st.info(md(f"The {standard.name} has none of the metrics on this page. Its metrics are on: "
                   f"{'; '.join(others)}. Choose another standard in the sidebar to see these."),
                icon=":material/info:")
    if any(METRICS[m].kind in ("relative_likelihood", "survey") for m in metric_ids):
        with st.expander("How to read a relative likelihood"):
            st.markdown(relative_likelihood_reading(view.settings))
    for metric_id in metric_ids:
        render_metric(view, analysis, metric_id)
        st.divider()
