"""Where the app's data comes from, and the only place it is cached.

Uploaded files live in the uploading person's session (`st.session_state`), never on disk.
Parsing is cached per set of file bytes, computing per set of bytes, settings and filters,
so a page switch or a filter change does no work twice.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NoReturn

import streamlit as st

from data_loaders import guard
from data_loaders.errors import InputError
from data_loaders.guard import run_bounded
from data_loaders.population import PopulationTable, read_ts021
from metrics.api import Analysis, Inputs, analyse, read_sources, sample_paths, sample_snapshots
from metrics.benchmarking import Benchmark, benchmark, read_counts_templates
from metrics.counts import FigureSet
from metrics.records import latest_date
from metrics.settings import Settings
from ui.safe import md

Source = tuple[str, bytes, str | None]

UPLOADS = "data_uploads"  # list[Source] of the person's own files
MAPPINGS = "data_mappings"  # {dataset: {column: heading}} corrections made on the Data page
SNAPSHOT = "sidebar_snapshot"
SERVICE = "sidebar_service"
STANDARD = "sidebar_standard"
ORGANISATION = "sidebar_organisation"
PERIOD_END = "sidebar_period_end"
USER = "sidebar_user"


@dataclass(frozen=True)
class View:
    """What the person is looking at: whose data, which period, which slice, which standard."""

    sources: tuple[Source, ...]
    is_sample: bool
    organisation: str
    settings: Settings
    filters: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())


def _bounds() -> dict[str, float]:
    # Read at call time, so a deployment (or a test) can change them.
    return {"timeout": guard.PARSE_TIMEOUT_SECONDS, "memory_bytes": guard.PARSE_MEMORY_BYTES}


def uploads() -> list[Source]:
    return st.session_state.setdefault(UPLOADS, [])


def using_sample() -> bool:
    return not uploads()


@st.cache_resource(max_entries=4, ttl=3600, show_spinner=False)
def _sample_sources(snapshot: str) -> tuple[Source, ...]:
    return tuple((Path(path).name, Path(path).read_bytes(), dataset) for path, dataset in sample_paths(snapshot))


def sample_snapshot_names() -> list[str]:
    return [folder.name for folder in sample_snapshots()]


def sample_sources(snapshot: str | None = None) -> tuple[Source, ...]:
    return _sample_sources(snapshot or sample_snapshot_names()[-1])


def _mapping_key(mappings: dict[str, dict[str, str]]) -> str:
    return json.dumps(mappings, sort_keys=True)


@st.cache_resource(max_entries=8, ttl=3600, show_spinner="Reading the files...")
def _parsed(sources: tuple[Source, ...], mapping_key: str) -> Inputs:
    # Uploads are untrusted: read in a child process bounded in time and memory (data_loaders.guard).
    return run_bounded(read_sources, sources, mapping=json.loads(mapping_key), **_bounds())


def readable(source: Source) -> None:
    """Read one file as it is, raising InputError if it cannot be used."""
    _parsed((source,), "{}")


def _undo_corrections() -> None:
    st.session_state.pop(MAPPINGS, None)


def _stop_with(error: InputError) -> NoReturn:
    """A clear message instead of a page: what is wrong and what to do; nothing saved is touched."""
    st.error(md(error), icon=":material/error:")
    if st.session_state.get(MAPPINGS):
        st.button("Undo my column corrections", on_click=_undo_corrections, icon=":material/undo:")
    st.caption("Your saved panels, action plan and settings are unaffected. Fix or remove the file on the Data "
               "page.")
    st.stop()


def parsed(sources: tuple[Source, ...]) -> Inputs:
    """The files read once per set of bytes and column corrections made on the Data page.
    Shared between reruns and sessions with the same bytes: treat as read-only."""
    try:
        return _parsed(sources, _mapping_key(st.session_state.get(MAPPINGS, {})))
    except InputError as error:
        _stop_with(error)


def _settings_key(settings: Settings) -> str:
    return json.dumps(asdict(settings), sort_keys=True, default=str)


@st.cache_resource(max_entries=32, ttl=3600, show_spinner="Working out the metrics...")
def _analysed(sources: tuple[Source, ...], mapping_key: str, settings_key: str, filters_key: str,
              organisation: str, _settings: Settings) -> Analysis:
    filters = {column: list(values) for column, values in json.loads(filters_key)}
    return analyse(_parsed(sources, mapping_key), _settings, organisation=organisation, filters=filters)


def analysis(view: View) -> Analysis:
    """Every metric for the view; the same object for the same view until the cache turns over."""
    mappings = st.session_state.get(MAPPINGS, {})
    try:
        return _analysed(view.sources, _mapping_key(mappings), _settings_key(view.settings),
                         json.dumps(view.filters), view.organisation, view.settings)
    except InputError as error:
        _stop_with(error)


@st.cache_resource(max_entries=4, ttl=3600, show_spinner="Reading the counts templates...")
def counts_templates(files: tuple[tuple[str, bytes], ...]) -> list[FigureSet]:
    """Organisations' counts templates read once per set of files; raises InputError for one that is not."""
    return run_bounded(read_counts_templates, files, **_bounds())


@st.cache_resource(max_entries=4, ttl=3600, show_spinner="Comparing the organisations...")
def _benchmarked(files: tuple[tuple[str, bytes], ...], saved: tuple[tuple[int, int], ...],
                 own: tuple[Source, ...], own_key: str, settings_key: str, _figure_sets: tuple[FigureSet, ...],
                 _settings: Settings) -> Benchmark:
    return benchmark(list(_figure_sets), _settings)


def benchmark_of(figure_sets: list[FigureSet], *, files: tuple[tuple[str, bytes], ...],
                 saved: tuple[tuple[int, int], ...], own: View | None, settings: Settings) -> Benchmark:
    """The comparison of `figure_sets`, computed once for the same files, saved sets (id, version), own view and
    settings, so changing the metric shown does no work twice."""
    own_key = json.dumps([own.organisation, own.filters, _mapping_key(st.session_state.get(MAPPINGS, {}))]
                         if own else None, default=str)
    return _benchmarked(files, saved, own.sources if own else (), own_key, _settings_key(settings),
                        tuple(figure_sets), settings)


@st.cache_resource(max_entries=4, ttl=3600, show_spinner="Reading the Census table...")
def population_table(name: str, data: bytes) -> PopulationTable:
    """The Census ethnic group table read once per file; raises InputError when it cannot be used."""
    return run_bounded(read_ts021, name, data, **_bounds())


@st.cache_data(max_entries=1, show_spinner=False)
def blank_template() -> bytes:
    """The blank counts workbook, made once rather than on every rerun of the Data page."""
    from metrics.template import write_template

    buffer = io.BytesIO()
    write_template(buffer)
    return buffer.getvalue()


def default_period_end(view_sources: tuple[Source, ...]) -> dt.date | None:
    inputs = parsed(view_sources)
    if not inputs.loaded.datasets and inputs.templates:
        return inputs.templates[0].period.end  # a counts template says its own period
    return latest_date(inputs.loaded.datasets)
