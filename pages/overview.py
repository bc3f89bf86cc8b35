"""Overview: the nine metrics at a glance, each linked to its page."""

import streamlit as st

from charts.overview import overview_forest
from metrics import stats
from metrics.narrative import population_sentence, relative_likelihood_reading
from metrics.records import NO_SENIOR_MANAGERS
from metrics.registry import STANDARDS
from metrics.unknown_bounds import HEADING, verdict_cell
from pipeline.api import unrecognised_note
from ui import history, sidebar, state
from ui.figures import column_heading, labelled_cell
from ui.metric_page import (
    caption,
    classify_labels_link,
    classify_labels_text,
    draw_chart,
    figures_table,
    period_note,
    sample_note,
)
from ui.navigation import page_for
from ui.overview import change_text, forest_caption, headline, value_text
from ui.safe import md
from ui.status import badge

view = sidebar.current_view(__file__)
analysis = state.analysis(view)
previous = history.previous(view, analysis)

st.title("Overview")
sample_note(view)
period_note(view)
st.caption(caption(view, analysis))
st.markdown(headline(analysis.results, view.settings, analysis.inputs.loaded.datasets))
if any(r.status == stats.NO_DATA for r in analysis.results.values()):
    st.page_link("pages/data.py", label="Upload files on the Data page", icon=":material/upload:")
# Senior management against the area served, when the standard has that metric (M9) and a local population is set.
if "M9" in analysis.results and (population := population_sentence(analysis.results["M9"], view.settings)):
    st.markdown(md(population))

# Every relative likelihood on one scale, above the table: where the disproportionality sits, at a glance.
forest = state.chart(tuple(analysis.results.values()), view.settings, "overview forest",
                     lambda: overview_forest(analysis.results.values(), view.settings))
draw_chart(forest)
st.caption(md(forest_caption(analysis.results.values(), view.settings)))
with st.expander("The chart's figures as a table"):
    figures_table(forest)

headings = ("Metric", "Value", "95% interval", "Status",
            f"Change from {previous.period.end:%B %Y}" if previous else "Change from last year",
            HEADING)
widths = [4, 2, 3, 2, 3, 3]
for column, text in zip(st.columns(widths), headings, strict=True):
    column.markdown(column_heading(text), unsafe_allow_html=True)
for metric_id, result in analysis.results.items():
    row = st.columns(widths, vertical_alignment="center")
    page = page_for(metric_id)
    row[0].page_link(page.path, label=f"{result.definition.number}. {result.definition.title}", icon=page.icon)
    value, interval = value_text(result)
    change = change_text(result, previous.results[metric_id] if previous else None)
    unknown = verdict_cell(result, view.settings)
    for column, heading, text in zip(row[1:], headings[1:],
                                     (value, interval, badge(result.status), change, unknown), strict=True):
        column.markdown(labelled_cell(heading, text), unsafe_allow_html=True)

if previous is None:
    st.caption("No earlier period to compare with yet. Save these figures as a period on the Trends page each year, "
               "and next year's overview shows the change.")
else:
    st.page_link("pages/trends.py", label="See every metric over time, with the change in words",
                 icon=":material/trending_up:")
if any(r.status == stats.INSUFFICIENT for r in analysis.results.values()):
    st.caption(f"{stats.status_words(stats.INSUFFICIENT)}: a group has fewer people than the minimum (set on the "
               "Settings page) or nobody had the event, so no ratio is shown.")
with st.expander("How to read a relative likelihood"):
    st.markdown(relative_likelihood_reading(view.settings))
if analysis.warnings or analysis.unrecognised:
    with st.expander(f"Notes on the data ({len(analysis.warnings) + bool(analysis.unrecognised)})"):
        for warning in analysis.warnings:
            st.text(f"- {warning}")
            if warning.startswith(NO_SENIOR_MANAGERS):
                st.page_link("pages/settings.py", label="Choose the senior bands on the Settings page",
                             icon=":material/settings:")
        if analysis.unrecognised:
            comparison = STANDARDS[view.settings.standard].comparison
            st.text(f"- {unrecognised_note(analysis.unrecognised, comparison)} {classify_labels_text(comparison)}")
            classify_labels_link(comparison)
