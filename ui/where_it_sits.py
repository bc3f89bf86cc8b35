"""Where it sits: under each metric of a metric page, the metric broken down by a column of the records (a service,
a team, a pay band...), as a forest or a funnel with its table (charts.breakdown), counted once per files,
settings, filters and column (ui.state.breakdown)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from charts.breakdown import (
    adverse_sentence,
    can_draw,
    column_words,
    counts_sentence,
    forest,
    funnel_view,
    has_funnel,
    questions,
)
from charts.shared import cap
from data_loaders.comparison import ETHNICITY
from metrics.breakdown import BY_CHANCE, METHOD_WORDS, Breakdown, breakdown_columns
from metrics.ethnic_groups import ETHNIC_GROUP, ETHNIC_GROUP_DETAILED, REFERENCE_PEOPLE, ethnicity_sources
from metrics.registry import STANDARDS, MetricDefinition
from metrics.results import MetricResult
from metrics.settings import Settings
from pipeline.api import Analysis
from ui import state
from ui.metric_page import draw_chart, figures_table
from ui.safe import md

TITLE = "Where it sits"
FOREST = "Forest: each subgroup with its intervals"
FUNNEL = "Funnel: which is unusual beyond chance"
# Offered first, when the records have it: the sidebar's filter is by service, the first place people look.
_FIRST = ("service",)


@dataclass(frozen=True)
class Option:
    """One choice of what to break a metric down by: its key (a column of the records, or an ethnic group choice as
    the command line's --by spells it: 'ethnic-group', 'ethnic-group,sex'), its name in the chooser, where its
    value comes from, in words (metrics.breakdown.breakdown_columns, metrics.ethnic_groups.ethnicity_sources), and
    what one value of it is called in a sentence ('service', 'ethnic group')."""

    key: str
    label: str
    source: str
    noun: str = ""

    @property
    def words(self) -> str:
        return self.noun or column_words(self.key)[0]


@dataclass(frozen=True)
class Options:
    offered: tuple[Option, ...]
    # Columns the figures are filtered by (the sidebar's service): a filtered column cannot also be broken down.
    filtered: tuple[Option, ...]
    # Every choice, filtered or not, in the chooser's order: what the section's label names.
    every: tuple[Option, ...] = ()


# Crossed with the ethnic groups when the records have them ("Black women against White British women").
_CROSSED = ("sex", "disability")


def ethnic_options(datasets: Mapping[str, pd.DataFrame], definition: MetricDefinition, settings: Settings,
                   columns: Mapping[str, str]) -> list[Option]:
    """The ethnic group choices for a metric of a race equality standard whose records say everyone's ethnicity:
    the high-level groups, the detailed categories, and each crossed with sex or disability where the metric can be
    broken down by it. Each against the reference the settings name."""
    if STANDARDS[settings.standard].comparison is not ETHNICITY:
        return []
    source = ethnicity_sources(datasets, definition)
    if source is None:
        return []
    against = REFERENCE_PEOPLE[settings.ethnic_group_reference]
    options = [Option(ETHNIC_GROUP, f"Ethnic group (against {against})", source, "ethnic group"),
               Option(ETHNIC_GROUP_DETAILED, f"Ethnic group, detailed categories (against {against})", source,
                      "ethnic group")]
    for column in _CROSSED:
        if column in columns:
            options.append(Option(f"{ETHNIC_GROUP},{column}", f"Ethnic group and {column_words(column)[0]} "
                                  f"(against {against} of the same {column_words(column)[0]})",
                                  f"{source}; {columns[column]}", f"ethnic group and {column_words(column)[0]}"))
    return options


def breakdown_options(datasets: Mapping[str, pd.DataFrame], definition: MetricDefinition,
                      filters: Mapping[str, Sequence[str]], settings: Settings | None = None) -> Options:
    """What the chooser offers for a metric: every column of the records the metric can be broken down by, service
    first, then the ethnic groups (with `settings`, under a race equality standard), less any column the figures
    are filtered by. The one place the list is made."""
    columns = breakdown_columns(datasets, definition)
    ordered = [c for c in _FIRST if c in columns] + [c for c in columns if c not in _FIRST]
    every = [Option(c, cap(column_words(c)[0]), columns[c]) for c in ordered]
    if settings is not None:
        every[1:1] = ethnic_options(datasets, definition, settings, columns)
    filtered = {c for c, values in filters.items() if values}
    offered = [o for o in every if o.key not in filtered and o.key.partition(",")[2] not in filtered]
    return Options(tuple(offered), tuple(o for o in every if o.key in filtered), tuple(every))


def broken_down(view: state.View, option: Option) -> dict[str, Breakdown]:
    """Every metric broken down as `option` asks, by a column of the records or by ethnic group, once per files,
    settings, filters and option (ui.state.breakdown). Raises ValueError for a column the view is filtered by."""
    return state.breakdown(view, option.key)


def filtered_caption(options: Options) -> str:
    """Why a column the figures are filtered by is not offered, and how to have it back."""
    names = " or ".join(o.words for o in options.filtered)
    return (f"Not offered: {names}. The figures are filtered to one {names} in the sidebar, and figures filtered "
            f"by a column cannot also be broken down by it. Set the sidebar's filter back to all to compare every "
            f"{names} here.")


def expander_label(definition: MetricDefinition, options: Options) -> str:
    """"Where it sits: metric 8 by service, pay band or team": what the section can break the metric down by, the
    sidebar's filter or not (the label names the section, whose open state it keeps: a label that changed with the
    filter would fold the section)."""
    names = list(dict.fromkeys(o.words for o in options.every))
    if not names:
        return f"{TITLE}: metric {definition.number}"
    by = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return f"{TITLE}: metric {definition.number} by {by}"


def open_key(metric_id: str) -> str:
    """The session state key of whether a metric's Where it sits section is open."""
    return f"where_open_{metric_id}"


def render(view: state.View, analysis: Analysis, result: MetricResult) -> None:
    """The metric's Where it sits section: a chooser of the column, the forest or the funnel, the table, and how
    to read them."""
    definition = result.definition
    if not can_draw(definition):  # the pay bands' shares, a narrative: no single figure per subgroup
        return
    metric_id = result.id
    options = breakdown_options(analysis.inputs.loaded.datasets, definition, dict(view.filters), view.settings)
    # Lazy: the section's key tracks whether it is open, so a page whose sections stay folded counts no breakdown
    # (Streamlit otherwise runs a folded expander's content on every rerun).
    with st.expander(expander_label(definition, options), key=open_key(metric_id), on_change="rerun") as section:
        if not section.open:
            return
        if options.filtered:
            st.caption(md(filtered_caption(options)))
        if not options.offered:
            st.caption("There is no column of the records to break this metric down by: it needs records with a "
                       "service, team, pay band or job title (a counts template gives totals only).")
            return
        by_key = {o.key: o for o in options.offered}
        chosen = by_key[st.selectbox("Break it down by", list(by_key), format_func=lambda k: by_key[k].label,
                                     key=f"where_by_{metric_id}")]
        st.caption(md(f"Where each {chosen.words} comes from: {chosen.source}."))
        try:
            found = broken_down(view, chosen).get(metric_id)
        except ValueError as error:  # a filtered column: left out above, so only if the filters changed between
            st.warning(md(f"Cannot break the figures down: {error}."), icon=":material/warning:")
            return
        if found is None:
            st.info(md(f"{definition.title} has no figures to break down by {chosen.words}."),
                    icon=":material/info:")
            return
        asked = questions(found)
        question = ""
        if asked:
            question = st.selectbox("Question", list(asked), format_func=lambda k: asked[k],
                                    key=f"where_question_{metric_id}")
        shown = FOREST
        if has_funnel(definition):
            shown = st.radio("Show", [FOREST, FUNNEL], horizontal=True, key=f"where_view_{metric_id}")
        spec = forest(found, view.settings, question) if shown == FOREST else funnel_view(
            found, view.settings, analysis.period, question)
        draw_chart(spec)
        st.caption(md(spec.summary))  # the forest's says how many subgroups and which are adverse; the funnel's not
        if shown == FUNNEL:
            st.markdown(md(adverse_sentence(found, view.settings, question)))
            st.caption(md(counts_sentence(found, view.settings, question)))
        figures_table(spec)
        st.caption(md(f"**By chance.** {BY_CHANCE}"))
        st.caption(md(f"**Adjusted intervals.** {METHOD_WORDS}."))
