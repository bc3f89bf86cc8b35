"""Where the app's data comes from, and the only place it is cached.

Uploaded files live in the uploading person's session (`st.session_state`), never on disk.
Reading is kept per set of file bytes and column corrections (ui.reading), computing per set
of bytes, settings and filters (st.cache_resource), so a page switch or a filter change does
no work twice.

Where each is kept depends on whose files they are (`_Kept`). The sample council's files are the
same for everyone: read and counted once, in caches every session shares (bounded in entries and
an hour each). A person's own uploads are read and counted in caches of their session only
(st.cache_resource's scope="session"), which Streamlit empties when the session disconnects: their
records and figures leave the server's memory with them, and no other session can reach them.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import os
import weakref
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, NoReturn, ParamSpec, Protocol, TypedDict, TypeVar, cast

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from data_loaders import guard
from data_loaders.errors import InputError
from data_loaders.guard import report_progress, run_bounded
from data_loaders.source import Source
from metrics.counts import FigureSet
from metrics.records import AssumedPeriodEnd, assumed_period_end
from metrics.registry import DEFAULT_STANDARD
from metrics.settings import Settings
from pipeline.api import Analysis, Inputs, analyse, import_engine, read_sources, sample_paths, sample_snapshots
from ui import per_run
from ui.reading import Reading, Readings
from ui.safe import md

if TYPE_CHECKING:  # imported where used: only the Benchmarking and Settings pages need them
    from charts.shared import ChartSpec
    from data_loaders.population import PopulationTable
    from metrics.benchmarking import Benchmark
    from metrics.breakdown import Breakdown
    from metrics.paygap_publish import PublishedPayGaps
    from metrics.publish import PublishedTogether
    from metrics.results import MetricResult
    from pipeline.paygap import PayGapWorking

import_engine()  # before any reader is forked: a forked child must find the engine imported (see there)

UPLOADS = "data_uploads"  # list[Source] of the person's own files
MAPPINGS = "data_mappings"  # {dataset: {column: heading}} corrections made on the Data page
SURVEY_YEAR = "data_survey_year"  # the survey year chosen on the Data page for a survey's results by group
SNAPSHOT = "sidebar_snapshot"
SERVICE = "sidebar_service"
STANDARD = "sidebar_standard"
ORGANISATION = "sidebar_organisation"
PERIOD_END = "sidebar_period_end"
# The period end the person set: kept apart from the control's key, which Streamlit drops from the session in a
# run that does not draw the control (one showing the sample council), so the date comes back with their files.
PERIOD_CHOSEN = "period_end_chosen"
USER = "sidebar_user"
_KEPT = "kept_widget_values"  # {widget key: its last value}: see restore_widget


def restore_widget(key: str) -> None:
    """Give a widget that is not drawn on every run the value it had when last drawn.

    Streamlit forgets a widget's value in any run that does not draw it: the organisation box is not
    drawn while the sample council is shown, so after "Remove my files" and a new upload it came back
    empty and panels were saved under "My organisation". Call before drawing the widget, and
    remember_widget after.
    """
    kept = st.session_state.get(_KEPT, {})
    if key not in st.session_state and key in kept:
        st.session_state[key] = kept[key]


def remember_widget(key: str) -> None:
    st.session_state.setdefault(_KEPT, {})[key] = st.session_state.get(key)


@dataclass(frozen=True)
class View:
    """What the person is looking at: whose data, which period, which slice, which standard."""

    sources: tuple[Source, ...]
    is_sample: bool
    organisation: str
    settings: Settings
    filters: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())
    assumed_period: AssumedPeriodEnd | None = None  # the period end, when the files suggested it, not the person


def panel_scope_of(view: View) -> str:
    """What the view's panels are written for (storage.panel_scope): its standard and filters."""
    from storage import panel_scope

    return panel_scope(view.settings.standard, dict(view.filters))


class _Bounds(TypedDict):
    timeout: float
    memory_bytes: int


def _bounds() -> _Bounds:
    # Read at call time, so a deployment (or a test) can change them.
    return {"timeout": guard.PARSE_TIMEOUT_SECONDS, "memory_bytes": guard.PARSE_MEMORY_BYTES}


def uploads() -> list[Source]:
    return st.session_state.setdefault(UPLOADS, [])


def using_sample() -> bool:
    return not uploads()


@st.cache_resource(max_entries=4, ttl=3600, show_spinner=False)
def _sample_sources(snapshot: str) -> tuple[Source, ...]:
    return tuple(Source(Path(path).name, Path(path).read_bytes(), dataset) for path, dataset in sample_paths(snapshot))


def sample_snapshot_names() -> list[str]:
    return [folder.name for folder in sample_snapshots()]


def sample_sources(snapshot: str | None = None) -> tuple[Source, ...]:
    return _sample_sources(snapshot or sample_snapshot_names()[-1])


@functools.cache
def _sample_sets() -> frozenset[tuple[Source, ...]]:
    # The sample council's files of every year, as read when the server started (they are the repository's).
    return frozenset(sample_sources(name) for name in sample_snapshot_names())


def is_shared(sources: tuple[Source, ...]) -> bool:
    """Whether what `sources` give is kept for every session: the sample council's files (public, the same for
    all), or no files; or a call outside any session (the server making the first page ready), which has no
    session to keep it in. Anything else is a person's upload, kept in their session."""
    return not sources or sources in _sample_sets() or get_script_run_ctx(suppress_warning=True) is None


# A file in a cache's key by its fingerprint (Source.fingerprint), not its bytes hashed again on every lookup.
SOURCE_HASH: dict[str | type[Any], Callable[[Any], Any]] = {Source: Source.fingerprint}

P = ParamSpec("P")
R = TypeVar("R")


class _Kept(Generic[P, R]):
    """`fn` cached where its files belong: in a cache every session shares when `shared(args)` says so (the
    sample council's files), else in a cache of the calling session (scope="session"), which Streamlit empties
    when the session disconnects. The session's cache keeps its `own_entries` most recent values."""

    def __init__(self, fn: Callable[P, R], *, max_entries: int, spinner: bool | str, own_entries: int = 8,
                 shared: Callable[[tuple[Any, ...]], bool] | None = None) -> None:
        self.shared = st.cache_resource(max_entries=max_entries, ttl=3600, show_spinner=spinner,
                                        hash_funcs=SOURCE_HASH)(fn)
        self.own = st.cache_resource(max_entries=own_entries, scope="session", show_spinner=spinner,
                                     hash_funcs=SOURCE_HASH)(fn)
        self._is_shared = shared or (lambda args: is_shared(args[0]))

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        cached = self.shared if self._is_shared(args) else self.own
        return cached(*args, **kwargs)

    def clear(self) -> None:
        """Empty the shared cache, and the calling session's (if called in one)."""
        self.shared.clear()
        if get_script_run_ctx(suppress_warning=True) is not None:
            self.own.clear()


def kept(*, max_entries: int, spinner: bool | str, own_entries: int = 8,
         shared: Callable[[tuple[Any, ...]], bool] | None = None) -> Callable[[Callable[P, R]], _Kept[P, R]]:
    """Decorator: `_Kept` (the files are the first argument unless `shared` says otherwise)."""
    def decorate(fn: Callable[P, R]) -> _Kept[P, R]:
        return _Kept(fn, max_entries=max_entries, spinner=spinner, own_entries=own_entries, shared=shared)
    return decorate


# The survey year's place in a mapping key: never a dataset's name, so it cannot be taken for one.
_SURVEY_YEAR_KEY = "survey year"


def _mapping_key(mappings: dict[str, dict[str, str]], survey_year: int | None = None) -> str:
    """What a reading of files is read with besides their bytes: the column corrections, and the survey year when
    one is chosen (without one, the key is the corrections' alone, as it always was)."""
    return json.dumps(mappings if survey_year is None else {**mappings, _SURVEY_YEAR_KEY: survey_year}, sort_keys=True)


# Each set of the sample council's files read, shared by every session: as many entries, and as long, as
# st.cache_resource kept. A person's own files are read into their session's readings (_own_readings).
_READINGS = Readings(max_entries=8, ttl_seconds=3600)


@st.cache_resource(scope="session", show_spinner=False)
def _own_readings() -> Readings:
    """The calling session's readings of its own files: gone when the session disconnects. Four: the files held
    and, while files are being added, the new set and each new file alone."""
    return Readings(max_entries=4, ttl_seconds=3600)


def forget_own_files() -> None:
    """Drop what this session's own files gave (read records, metrics): "Remove my files" means it."""
    _own_readings.clear()
    for cached in (_analysed, _together, _broken_down, _pay_gaps, _pay_gaps_published, _benchmarked, _assumed):
        cached.own.clear()


def read_files(sources: tuple[Source, ...], *, mapping: dict[str, dict[str, str]],
               survey_year: int | None = None) -> Inputs:
    """read_sources, reporting each file as it reaches it; runs in the bounded child."""
    inputs = read_sources(_announced(sources), mapping=mapping, survey_year=survey_year)
    report_progress("Handing the records to the app")
    return inputs


def _announced(sources: tuple[Source, ...]) -> Iterator[Source]:
    # read_sources takes the next file when it has finished the last, so this says where it has got to.
    for number, source in enumerate(sources, start=1):
        report_progress(f"Reading {source.name} (file {number} of {len(sources)})")
        yield source


def _reading(sources: tuple[Source, ...], mapping_key: str, after: Reading[Inputs] | None = None) -> Reading[Inputs]:
    # Uploads are untrusted: read in a child process bounded in time and memory (data_loaders.guard).
    bounds = _bounds()  # read now, in the caller's thread: a test (or a deployment) may have changed them
    mapping = json.loads(mapping_key)
    survey_year = mapping.pop(_SURVEY_YEAR_KEY, None)
    readings = _READINGS if is_shared(sources) else _own_readings()
    return readings.get((sources, mapping_key), lambda: Reading(
        read_files, (sources,), {"mapping": mapping, "survey_year": survey_year, **bounds}, after=after))


def _session_mapping_key() -> str:
    return _mapping_key(st.session_state.get(MAPPINGS, {}), st.session_state.get(SURVEY_YEAR))


def read_ahead(sources: tuple[Source, ...], *, after: tuple[Source, ...] | None = None,
               mapping_key: str | None = None) -> None:
    """Start reading `sources` in the background (if no one has), so that a later parsed(sources) finds them
    read, or part-read, while this run does other work; with `after`, once those files have been read. With
    the session's column corrections, or those `mapping_key` names (outside a session)."""
    key = _session_mapping_key() if mapping_key is None else mapping_key
    _reading(sources, key, after=_reading(after, key) if after is not None else None)


def read_sample_ahead(snapshot: str | None = None, *, mapping_key: str | None = None) -> tuple[Source, ...]:
    """The sample council's files for `snapshot` (default: the latest), read in the background if no one has,
    then the year before, which the overview compares with (one after the other: a child process per core)."""
    snapshots = sample_snapshot_names()
    snapshot = snapshot or snapshots[-1]
    sources = sample_sources(snapshot)
    read_ahead(sources, mapping_key=mapping_key)
    earlier = [s for s in snapshots if s < snapshot]
    if earlier:
        read_ahead(sample_sources(earlier[-1]), after=sources, mapping_key=mapping_key)
    return sources


def prepare_first_visit() -> None:
    """What the first page of a new session needs read: the latest sample year, then the one before, with no
    column corrections (ui.serve calls this as the server starts, before anyone has connected)."""
    read_sample_ahead(mapping_key=_mapping_key({}))


class _Status(Protocol):
    def update(self, *, label: str) -> None: ...


def _show_while_reading(reading: Reading[Inputs], status: _Status) -> None:
    """Wait for `reading`, the label of `status` (an st.status) saying the stage it has reached."""
    shown = None
    while not reading.wait(0.2):
        if reading.stage != shown:
            shown = reading.stage
            status.update(label=f"{md(shown)}...")


def read_with_progress(sources: tuple[Source, ...], status: _Status) -> Reading[Inputs]:
    """Read `sources` with the session's column corrections, the stage reached shown as the label of `status`
    (an st.status); raises InputError if they cannot be used."""
    reading = _reading(sources, _session_mapping_key())
    _show_while_reading(reading, status)
    reading.result()
    return reading


def _undo_corrections() -> None:
    st.session_state.pop(MAPPINGS, None)
    st.session_state.pop(SURVEY_YEAR, None)


def _stop_with(error: InputError) -> NoReturn:
    """A clear message instead of a page: what is wrong and what to do; nothing saved is touched."""
    st.error(md(error), icon=":material/error:")
    if st.session_state.get(MAPPINGS) or st.session_state.get(SURVEY_YEAR) is not None:
        st.button("Undo my column corrections", on_click=_undo_corrections, icon=":material/undo:")
    st.caption("Your saved panels, action plan and settings are unaffected. Fix or remove the file on the Data "
               "page.")
    st.stop()


def parsed(sources: tuple[Source, ...]) -> Inputs:
    """The files read once per set of bytes and column corrections made on the Data page.
    Shared between reruns and sessions with the same bytes: treat as read-only."""
    reading = _reading(sources, _session_mapping_key())
    if not reading.done:
        slot = st.empty()  # a status while the files are read, gone once they are
        _show_while_reading(reading, slot.status("Reading the files..."))
        slot.empty()
    try:
        return reading.result()
    except InputError as error:
        _stop_with(error)


# Each settings object's key, once: every cached lookup of a rerun asks for it (the same object, from the sidebar).
_SETTINGS_KEYS = per_run.ByIdentity(max_entries=64)


def settings_key(settings: Settings) -> str:
    """The settings as text, for a cache's key (every field, sorted)."""
    return cast("str", _SETTINGS_KEYS.get_or_make(
        (settings,), "settings", lambda: json.dumps(asdict(settings), sort_keys=True, default=str)))


@kept(max_entries=32, own_entries=16, spinner=False)
def _services(sources: tuple[Source, ...], mapping_key: str) -> tuple[str, ...]:
    from pipeline.api import services as services_in

    return tuple(services_in(_reading(sources, mapping_key).result()))


def services(sources: tuple[Source, ...]) -> list[str]:
    """The services in the files (pipeline.api.services), once per set of files and column corrections rather
    than on every rerun: the sidebar's filter asks on every page."""
    parsed(sources)  # read first, with its status, and stopped with the message if the files cannot be used
    return list(_services(sources, _session_mapping_key()))


@kept(max_entries=32, own_entries=16, spinner="Working out the metrics...")
def _analysed(sources: tuple[Source, ...], mapping_key: str, settings_key: str, filters_key: str,
              organisation: str, _settings: Settings) -> Analysis:
    filters = {column: list(values) for column, values in json.loads(filters_key)}
    # Drawing nothing here: whatever a cached function draws comes back on every later hit.
    inputs = _reading(sources, mapping_key).result()
    return analyse(inputs, _settings, organisation=organisation, filters=filters)


def count(view: View) -> Analysis:
    """Every metric for the view, raising InputError if the files cannot be used; looked up once a run."""
    return per_run.remembered("count", (view,), lambda: _analysed(
        view.sources, _session_mapping_key(), settings_key(view.settings), json.dumps(view.filters),
        view.organisation, view.settings))


def analysis(view: View) -> Analysis:
    """Every metric for the view; the same object for the same view until the cache turns over."""
    try:
        return count(view)
    except InputError as error:
        _stop_with(error)


@kept(max_entries=8, spinner="Working out what can be published...")
def _together(sources: tuple[Source, ...], mapping_key: str, settings_key: str, filters_key: str,
              organisation: str, _settings: Settings) -> PublishedTogether:
    from pipeline.api import published_together

    return published_together(_analysed(sources, mapping_key, settings_key, filters_key, organisation, _settings))


def published_together(view: View) -> PublishedTogether:
    """The whole organisation and every service as published, protected together (pipeline.api), once per view:
    Present mode's publication-safe figures and the board pack both draw on it."""
    analysis(view)  # a file that cannot be used stops here, with its message
    return per_run.remembered("published_together", (view,), lambda: _together(
        view.sources, _session_mapping_key(), settings_key(view.settings), json.dumps(view.filters),
        view.organisation, view.settings))


def published(view: View) -> dict[str, MetricResult]:
    """The view's own figures as they may be published, so a screen shown in public gives away no more than the
    board pack."""
    from pipeline.api import own_scope

    return per_run.remembered("published", (view,), lambda: own_scope(published_together(view), analysis(view)))


@kept(max_entries=16, spinner="Working out where it sits...")
def _broken_down(sources: tuple[Source, ...], mapping_key: str, settings_key: str, filters_key: str,
                 organisation: str, choice: str, _settings: Settings) -> dict[str, Breakdown]:
    from metrics.breakdown import breakdown as broken_down
    from metrics.ethnic_groups import ethnic_choice, ethnic_group_breakdown

    analysed = _analysed(sources, mapping_key, settings_key, filters_key, organisation, _settings)
    filters = {c: list(values) for c, values in json.loads(filters_key)}
    # The period the view's figures are for, whatever set it, so each subgroup is counted over the same dates.
    datasets, settings = analysed.inputs.loaded.datasets, _settings.with_(period_end=analysed.period.end)
    ethnic = ethnic_choice(choice)
    if ethnic is not None:
        detailed, within = ethnic
        return ethnic_group_breakdown(datasets, settings, detailed=detailed, within=within, filters=filters,
                                      organisation=organisation)
    return broken_down(datasets, choice, settings, filters=filters, organisation=organisation)


def breakdown(view: View, choice: str) -> dict[str, Breakdown]:
    """Every metric of the view broken down as `choice` says (metrics.breakdown): by a column of the records, or by
    ethnic group ('ethnic-group', 'ethnic-group-detailed,sex': metrics.ethnic_groups.ethnic_choice), once per
    files, settings, filters and choice: each metric's section of a page, and every rerun, takes the same. Raises
    ValueError for a column the view is filtered by."""
    analysis(view)  # a file that cannot be used stops here, with its message
    return _broken_down(view.sources, _session_mapping_key(), settings_key(view.settings), json.dumps(view.filters),
                        view.organisation, choice, view.settings)


@kept(max_entries=16, spinner="Working out the pay gaps...")
def _pay_gaps(sources: tuple[Source, ...], mapping_key: str, settings_key: str, snapshot: dt.date, by: str,
              reference: str, threshold: int, full_time_hours: float, _settings: Settings) -> PayGapWorking:
    from pipeline.paygap import APP, pay_gaps_of

    loaded = _reading(sources, mapping_key).result().loaded
    staff = loaded.datasets.get("staff")
    if staff is None:
        raise InputError("no staff records were found in the files, so there is no payroll to work the pay gaps "
                         "out from",
                         advice="Upload the staff workbook with its payroll columns (Ordinary Pay, Weekly Contracted "
                         "Hours or Contracted WTE, Bonus Pay) on the Data page.")
    headings = [h for report in loaded.sheets for h in report.unmapped_headings]
    return pay_gaps_of(staff, by=by, snapshot=snapshot, headings=headings, reference=reference, threshold=threshold,
                       white_minorities_as_bme=_settings.white_minorities_as_bme and reference == "white_british",
                       full_time_hours=full_time_hours, ethnicity_overrides=_settings.ethnicity_overrides,
                       disability_overrides=_settings.disability_overrides, where=APP)


def pay_gaps(view: View, snapshot: dt.date, *, by: str, reference: str, threshold: int,
             full_time_hours: float) -> PayGapWorking:
    """The pay gaps by `by` from the view's staff records at `snapshot`, once per set of files, settings and
    choices; raises InputError when the files cannot give them (no payroll columns, say), saying what to add."""
    parsed(view.sources)  # a file that cannot be read at all stops here, with its message
    return _pay_gaps(view.sources, _session_mapping_key(), settings_key(view.settings), snapshot, by, reference,
                     threshold, full_time_hours, view.settings)


@kept(max_entries=16, spinner="Working out what publication withholds...")
def _pay_gaps_published(sources: tuple[Source, ...], mapping_key: str, settings_key: str, snapshot: dt.date,
                        by: str, reference: str, threshold: int, full_time_hours: float,
                        _settings: Settings) -> PublishedPayGaps:
    from metrics.paygap_publish import published as published_pay_gaps

    working = _pay_gaps(sources, mapping_key, settings_key, snapshot, by, reference, threshold, full_time_hours,
                        _settings)
    return published_pay_gaps(working.result, _settings.suppression_threshold)


def pay_gaps_published(view: View, snapshot: dt.date, *, by: str, reference: str, threshold: int,
                       full_time_hours: float) -> PublishedPayGaps:
    """The pay gaps of `pay_gaps` as they may be published (metrics.paygap_publish, at the settings' threshold):
    once per set of files, settings and choices, not on every rerun of the page (the model is a linear
    programme)."""
    return _pay_gaps_published(view.sources, _session_mapping_key(), settings_key(view.settings), snapshot, by,
                               reference, threshold, full_time_hours, view.settings)


# Organisations' counts templates are uploads: kept in the session that uploaded them.
@st.cache_resource(max_entries=4, scope="session", show_spinner="Reading the counts templates...")
def counts_templates(files: tuple[tuple[str, bytes], ...]) -> list[FigureSet]:
    """Organisations' counts templates read once per set of files; raises InputError for one that is not."""
    from pipeline.template import read_counts_templates

    return run_bounded(read_counts_templates, files, **_bounds())


# Shared only when no uploaded template and no upload of the person's own is in it.
@kept(max_entries=4, own_entries=4, spinner="Comparing the organisations...",
      shared=lambda args: not args[0] and is_shared(args[2]))
def _benchmarked(files: tuple[tuple[str, bytes], ...], saved: tuple[tuple[int, int], ...],
                 own: tuple[Source, ...], own_key: str, settings_key: str, published_only: tuple[str, ...],
                 _figure_sets: tuple[FigureSet, ...], _settings: Settings) -> Benchmark:
    from metrics.benchmarking import benchmark

    return benchmark(list(_figure_sets), _settings, published_only=published_only)


def benchmark_of(figure_sets: list[FigureSet], *, files: tuple[tuple[str, bytes], ...],
                 saved: tuple[tuple[int, int], ...], own: View | None, settings: Settings,
                 published_only: frozenset[str]) -> Benchmark:
    """The comparison of `figure_sets`, computed once for the same files, saved sets (id, version), own view,
    settings and organisations shown only as published, so changing the metric shown does no work twice. The
    cache is shared between sessions: `published_only` is in its key, so one person's full figures are never
    another's published ones."""
    own_key = json.dumps([own.organisation, own.filters, _session_mapping_key()]
                         if own else None, default=str)
    return _benchmarked(files, saved, own.sources if own else (), own_key, settings_key(settings),
                        tuple(sorted(published_only)), tuple(figure_sets), settings)


@st.cache_resource(max_entries=4, ttl=3600, show_spinner="Reading the Census table...")
def population_table(name: str, data: bytes) -> PopulationTable:
    """The Census ethnic group table read once per file; raises InputError when it cannot be used."""
    from data_loaders.population import read_ts021

    return run_bounded(read_ts021, name, data, **_bounds())


@st.cache_data(max_entries=3, show_spinner=False)
def blank_template(standard: str = DEFAULT_STANDARD) -> bytes:
    """The standard's blank counts workbook (its groups' rows), made once rather than on every rerun of the Data
    page."""
    from pipeline.template import write_template

    buffer = io.BytesIO()
    write_template(buffer, standard=standard)
    return buffer.getvalue()


@kept(max_entries=8, own_entries=4, spinner=False, shared=lambda args: is_shared(args[1]))
def _assumed(_inputs: Inputs, sources: tuple[Source, ...], mapping_key: str, today: dt.date) -> AssumedPeriodEnd:
    # Every date column of every file looked at once per set of files (and day), not on every rerun of a page.
    return assumed_period_end(_inputs.loaded.datasets, _inputs.templates, today=today)


def assumed_period(view_sources: tuple[Source, ...]) -> AssumedPeriodEnd:
    """The period end the files suggest, and why (the rule is metrics.records.assumed_period_end's)."""
    return _assumed(parsed(view_sources), view_sources, _session_mapping_key(), dt.date.today())


def chosen_period_end() -> dt.date | None:
    """The period end the person set in the sidebar, if they have."""
    return st.session_state.get(PERIOD_CHOSEN)


def choose_period_end() -> None:
    """The sidebar's period control changed: keep the person's date (a cleared date goes back to the files')."""
    chosen = st.session_state.get(PERIOD_END)
    if chosen is None:
        st.session_state.pop(PERIOD_CHOSEN, None)
    else:
        st.session_state[PERIOD_CHOSEN] = chosen


def unchoose_period_end() -> None:
    """Back to the period end the files suggest."""
    st.session_state.pop(PERIOD_CHOSEN, None)


# -- A rerun that does little (issue 29) --------------------------------------------------------------------------

RERUN_TUNING = "WRES_RERUN_TUNING"  # "off": charts built and converted on every rerun, as before (benchmarks.load)


def rerun_tuning() -> bool:
    """Whether charts are kept between reruns (and the heap frozen after warm-up, ui.warm_up): on unless the
    environment says WRES_RERUN_TUNING=off, which the load test's untuned baseline sets."""
    return os.environ.get(RERUN_TUNING, "").strip().lower() not in ("off", "0", "false", "no")


# About 30 charts a council's pages draw per view (standard, filter): room for a few views, shared by every session.
_CHARTS = per_run.ByIdentity(max_entries=256)
# The Vega-Lite specification Streamlit sends for a kept chart, made once: for as long as the chart is kept.
_SPECIFICATIONS: weakref.WeakKeyDictionary[ChartSpec, dict | None] = weakref.WeakKeyDictionary()


def chart(owners: tuple[object, ...], settings: Settings, what: str, build: Callable[[], ChartSpec]) -> ChartSpec:
    """The chart `build` makes, built once for the same figures (`owners`: the results it is drawn from, as the
    analysis cache hands them to every rerun and session), settings and `what` (which chart of them), rather than
    on every rerun: building and checking a chart's specification was a quarter of a rerun's time. Treat as
    read-only."""
    if not rerun_tuning():
        return build()

    def made() -> ChartSpec:
        spec = build()
        _SPECIFICATIONS[spec] = None  # converted the first time it is drawn (ui.metric_page.draw_chart)
        return spec

    return cast("ChartSpec", _CHARTS.get_or_make(owners, (settings_key(settings), what), made))


def specification(spec: ChartSpec, convert: Callable[[], dict | None]) -> dict | None:
    """For a chart kept by `chart`: its Vega-Lite specification as Streamlit sends it, converted once (`convert`);
    None for any other chart, or one `convert` cannot convert (drawn as it is). Shared: treat as read-only."""
    if spec not in _SPECIFICATIONS:
        return None
    converted = _SPECIFICATIONS.get(spec)
    if converted is None:
        converted = convert()
        _SPECIFICATIONS[spec] = converted
    return converted
