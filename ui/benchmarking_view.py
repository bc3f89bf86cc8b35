"""The Benchmarking page: several organisations' figures side by side, with a funnel plot per ratio."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import streamlit as st

from charts.funnel import funnel, workforce_shares
from data_loaders.errors import InputError
from metrics.benchmarking import Benchmark, anonymise, anonymise_benchmark, anonymised_note, to_json_dict
from metrics.counts import FigureSet
from metrics.registry import METRICS, STANDARDS
from metrics.trends import period_label
from storage import BenchmarkSource, NotAllowed, benchmark_sources, load_benchmark_figures, panel_scope
from ui import access, db, history, state
from ui.metric_page import draw_chart, figures_table, sample_note
from ui.safe import md

SAMPLE_REGION = Path(__file__).resolve().parents[1] / "sample_data" / "region"
_FILES = "benchmark_files"  # [(name, bytes)] of counts templates, in the person's session only
_KEY = "benchmark_anonymise_key"
_SAVED = "benchmark_saved"
_SHARED = "benchmark_shared"


def _use_sample_region() -> None:
    st.session_state[_FILES] = [(p.name, p.read_bytes()) for p in sorted(SAMPLE_REGION.glob("*.xlsx"))]


def _clear_files() -> None:
    st.session_state.pop(_FILES, None)
    st.session_state.pop(_KEY, None)


def slug(name: str) -> str:
    """A name as a file name's part: letters and digits, runs of anything else a hyphen ("organisation" if none)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "organisation"


def _sources_section() -> list[tuple[str, bytes]]:
    uploads = st.file_uploader("Counts templates, one per organisation", type=["xlsx", "xls", "ods", "csv"],
                               accept_multiple_files=True, key="benchmark_upload",
                               help="Each organisation fills in the counts template (Data page, or "
                               "`python -m metrics template`) and sends it to you.")
    files = list(st.session_state.get(_FILES, []))
    names = {name for name, _ in files}
    files += [(u.name, u.getvalue()) for u in uploads or [] if u.name not in names]
    left, right = st.columns(2)
    if SAMPLE_REGION.exists():
        left.button("Use the sample region (30 fictional organisations)", on_click=_use_sample_region,
                    icon=":material/science:")
    if st.session_state.get(_FILES):
        right.button("Clear the files", on_click=_clear_files, icon=":material/close:")
    return files


def _offered(source: BenchmarkSource) -> str:
    return f"{source.organisation} ({period_label(source.summary.period)})"


def _saved_section(view: state.View) -> tuple[list[FigureSet], tuple[tuple[int, int], ...], frozenset[str]]:
    """The saved figures chosen, their (id, version), and the organisations among them shown only as published.

    Organisations the person may read are chosen one by one. Those that only share their published figures come
    all together or not at all: were they chosen one by one, the pooled figures of two choices (B and C; B, C and D)
    would differ by exactly one organisation's counts, which its own row withholds."""
    # Only figures counted in the groups of the view's standard: another comparison's are never pooled with them.
    comparison = STANDARDS[view.settings.standard].comparison
    # And saved under the view's standard (its scope): each standard's saved periods are its own.
    scope = panel_scope(view.settings.standard)
    latest = {s.organisation: s for s in benchmark_sources(db.engine(), caller=access.caller(), comparison=comparison,
                                                           scope=scope)
              if s.organisation != view.organisation}
    readable = {name: source for name, source in latest.items() if not source.published_only}
    shared = {name: source for name, source in latest.items() if source.published_only}
    # One that has gone since it was chosen is dropped from the choice, not kept by the widget.
    st.session_state[_SAVED] = [name for name in st.session_state.get(_SAVED, []) if name in readable]
    chosen: list[str] = []
    if readable:
        chosen += st.multiselect("Saved figures of other organisations (their latest period)", list(readable),
                                 key=_SAVED, format_func=lambda n: _offered(readable[n]))
    if shared:
        names = ", ".join(_offered(source) for source in shared.values())
        many = len(shared) != 1
        if st.checkbox(f"Include the {len(shared)} organisation{'s' if many else ''} that "
                       f"{'share' if many else 'shares'} {'their' if many else 'its'} published figures: {names}",
                       key=_SHARED):
            chosen += list(shared)
        st.caption("Organisations that share their published figures are not yours to read: they chose to share "
                   "them with the other organisations here, and they are shown as they would be published (small "
                   "counts withheld, with what rests on them, and sizes rounded to 10). They come all together, and "
                   "a pooled figure that would give their counts back is withheld.")
    loaded = [load_benchmark_figures(db.engine(), latest[name].summary.id, caller=access.caller()) for name in chosen]
    return ([found.figures for found in loaded],
            tuple((latest[name].summary.id, latest[name].summary.version) for name in chosen),
            frozenset(found.figures.organisation for found in loaded if found.published_only))


def _comparisons(result: Benchmark) -> dict[str, str]:
    options = {}
    if result.workforce is not None:
        options["M1"] = METRICS["M1"].label
    for comparison in result.comparisons:
        d = comparison.definition
        label = d.label
        options[comparison.key] = f"{label}: {comparison.question_label}" if comparison.question_label else label
    return options


def _share_section(view: state.View) -> None:
    analysis = state.analysis(view)
    with st.expander(f"Send {md(view.organisation)}'s figures to a regional lead"):
        st.markdown(f"Download the figures on screen ({analysis.period}) as a counts template: counts by group, "
                    "band and survey question, no person's record. A regional lead loads one from each organisation "
                    "here or with `python -m metrics benchmark FOLDER`.")
        st.caption("Small counts are not withheld in it, so that the figures can be pooled: share it under your data "
                   "sharing agreement, not in public.")

        def workbook() -> bytes:
            from pipeline.template import write_template

            buffer = io.BytesIO()
            write_template(buffer, organisation=view.organisation, figures=analysis.figures)
            return buffer.getvalue()

        st.download_button("Download as a counts template", workbook, icon=":material/download:", on_click="ignore",
                           file_name=f"{slug(view.organisation)}-counts-{analysis.period.end:%Y-%m-%d}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def render(view: state.View) -> None:
    st.title("Benchmarking")
    sample_note(view)
    st.markdown("Set organisations' figures side by side: each one's relative likelihood against its size, inside "
                "the limits that chance alone would give around the pooled figure (a funnel plot).")
    _share_section(view)
    files = _sources_section()
    figure_sets: list[FigureSet] = []
    if files:
        try:
            figure_sets += state.counts_templates(tuple(files))
        except InputError as error:
            st.error(md(error), icon=":material/error:")
            return
    try:
        saved_sets, saved_key, published_only = _saved_section(view)
    except (NotAllowed, LookupError) as error:  # stopped sharing, or deleted, since the list was read
        st.error(md(error), icon=":material/error:")
        return
    figure_sets += saved_sets
    analysis = state.analysis(view)
    include_own = st.checkbox(f"Include {md(view.organisation)}'s figures on screen ({analysis.period})", value=True,
                              key="benchmark_include_own")
    own = include_own and all(fs.organisation != view.organisation for fs in figure_sets)
    if own:
        figure_sets.append(analysis.figures)
        if view.filters:
            st.caption(f"{md(view.organisation)}'s figures are for {md(history.scope_of(view))} only (the sidebar's "
                       "service), while the others are whole organisations.")
    if len(figure_sets) < 2:
        st.info("Add at least one other organisation's counts template (or use the sample region) to compare.",
                icon=":material/info:")
        return
    try:
        result = state.benchmark_of(figure_sets, files=tuple(files), saved=saved_key, own=view if own else None,
                                    settings=view.settings, published_only=published_only)
    except InputError as error:
        st.error(md(error), icon=":material/error:")
        return
    anonymised = st.toggle("Show organisations anonymised (A, B, C...) for sharing", key="benchmark_anonymised")
    highlight = view.organisation if include_own else ""
    if anonymised:
        key = st.session_state.get(_KEY)
        if key is None or set(key) != set(result.organisations):
            key = st.session_state[_KEY] = anonymise(result.organisations)
        highlight = key.get(highlight, "")
        result = anonymise_benchmark(result, key)
    for note in result.notes:
        st.caption(md(note))
    st.caption(f"{len(result.organisations)} organisations. "
               + (f"{result.common_period}." if result.common_period else ""))
    options = _comparisons(result)
    chosen = st.selectbox("Metric", list(options), format_func=options.__getitem__, key="benchmark_metric")
    # None only for no options: a benchmark of every metric has M1 and a comparison for each ratio metric.
    assert chosen is not None
    if chosen == "M1":
        assert result.workforce is not None  # offered only when there is one (_comparisons)
        spec = workforce_shares(result.workforce, view.settings, highlight=highlight)
    else:
        metric_id, _, question = chosen.partition(" ")
        spec = funnel(result.comparison(metric_id, question), view.settings, highlight=highlight)
    draw_chart(spec)
    st.caption(md(spec.summary))
    figures_table(spec)
    with st.expander("How to read a funnel plot"):
        st.markdown(
            "Each point is an organisation: across, how many people its ratio is based on; up, its relative "
            "likelihood. The line across is the pooled figure for all the organisations together. The curves are "
            "the limits within which 95% (dashed) and 99.8% (solid) of organisations would fall if each differed "
            "from the pooled figure by chance alone; they narrow as organisations grow, because larger numbers vary "
            "less. A point beyond the 99.8% limit is unlikely to be chance: look there first. Organisations whose "
            "groups are too small are listed in the table but not placed.")
    st.download_button("Download the comparison (JSON)", lambda: json.dumps(to_json_dict(result), indent=2),
                       file_name="benchmark.json", mime="application/json", icon=":material/download:",
                       on_click="ignore")
    if anonymised:
        st.caption(anonymised_note())
