"""The engine's front door: files in, every metric out.

    from pipeline.api import analyse_paths
    analysis = analyse_paths(["staff.xlsx", "recruitment=applicants.csv"])
    analysis.results["M2"].value
"""

from __future__ import annotations

import contextvars
import datetime as dt
import importlib
import os
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

# Only what reading a file needs is imported with this module (numpy and calamine, no pandas): the
# engine's other stages are imported where they are first used, so that read_paths can read the first
# file while they import. The app has imported them long before it calls anything here.
from data_loaders.comparison import Comparison
from data_loaders.errors import InputError
from data_loaders.guard import report_progress
from data_loaders.readers import checked_read, local_limits, read_workbook
from data_loaders.report import LoadedData, RawSheet
from data_loaders.schema import DATASETS
from data_loaders.source import Source

if TYPE_CHECKING:
    from metrics.breakdown import Breakdown
    from metrics.counts import FigureSet
    from metrics.publish import PublishedTogether
    from metrics.publish_breakdown import PublishedWithBreakdown
    from metrics.records import AssumedPeriodEnd
    from metrics.results import MetricResult
    from metrics.settings import Settings
    from pipeline.survey_counts import SurveyCounts

# What reading and analysing import on first use (below), for import_engine.
ENGINE_MODULES = ("data_loaders.load", "data_loaders.population", "pipeline.template", "pipeline.survey_counts",
                  "metrics.records",
                  "metrics.results", "metrics.narrative", "metrics.settings", "metrics.counts")


def import_engine() -> None:
    """Import now what read_sources and analyse would import on first use. The app calls this as it
    starts: it reads files in forked children (data_loaders.guard), and a child that imports a module
    which another of the parent's threads was importing at the moment of the fork waits for ever on
    that import's lock (the child has no such thread to release it)."""
    for name in ENGINE_MODULES:
        importlib.import_module(name)


SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data" / "wexcombe"
SAMPLE_ORGANISATION = "Wexcombe Borough Council"
# The sample trust: one year's exports from ESR, the applicant tracking system, the employee relations log,
# ESR's learning records and the NHS Staff Survey, named as they come (their headings say which data each holds).
SAMPLE_TRUST_DIR = SAMPLE_DIR.parent / "trust"
SAMPLE_TRUST = "Northfield NHS Foundation Trust"

@dataclass
class Inputs:
    """What was read: records by dataset, any counts templates, and any survey results given as counts by group."""

    loaded: LoadedData = field(default_factory=LoadedData)
    templates: list[FigureSet] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    survey_counts: list[SurveyCounts] = field(default_factory=list)


@dataclass
class Analysis:
    """Every metric for some files. `assumed_period` says what period end was assumed, and why, when the
    settings gave none (None when they did, or a counts template alone gave the period)."""

    organisation: str
    settings: Settings
    figures: FigureSet
    results: dict[str, MetricResult]
    inputs: Inputs
    warnings: list[str]
    assumed_period: AssumedPeriodEnd | None = None
    # Labels not recognised (ethnicity, or disability under the WDES), most rows first: not among the warnings,
    # because where to classify them is each front end's to say (the app's Data or Settings page, the command
    # line's --ethnicity or --disability); see unrecognised_note.
    unrecognised: dict[str, int] = field(default_factory=dict)

    @property
    def period(self):  # noqa: ANN201 - a metrics.counts.Period
        return self.figures.period


def parse_source_argument(argument: str) -> tuple[str, str | None]:
    """'recruitment=applicants.xlsx' -> ('applicants.xlsx', 'recruitment'); 'staff.xlsx' -> (.., None)."""
    name, sep, path = argument.partition("=")
    if sep and name.strip().lower().replace("-", "_") in DATASETS:
        return path, name.strip().lower().replace("-", "_")
    if sep and not os.path.exists(argument):
        raise InputError(f"'{name}' is not a dataset", advice=f"Use one of: {', '.join(DATASETS)}.")
    return argument, None


def read_sources(sources: Iterable[Source], *, mapping: Mapping[str, dict[str, str]] | None = None,
                 survey_year: int | None = None) -> Inputs:
    """Each source read and loaded in turn, on this thread alone (the app calls this in a child process
    whose memory bound assumes one thread; see data_loaders.guard). `survey_year` as read_paths."""
    return _load_read(((source.name, read_workbook(source.name, source.data, columnar=True), source.dataset)
                       for source in sources), mapping, survey_year)


def _load_read(read: Iterable[tuple[str, list[RawSheet], str | None]],
               mapping: Mapping[str, dict[str, str]] | None, survey_year: int | None = None) -> Inputs:
    from data_loaders.load import load_sheets
    from data_loaders.population import is_ts021
    from pipeline.survey_counts import is_survey_counts, read_survey_counts
    from pipeline.template import is_counts_template, read_template

    inputs = Inputs()
    for name, sheets, dataset in read:
        report_progress(f"Finding the headings and reading the values of {name}")  # shown by the app, if asked
        inputs.files.append(name)
        if dataset is None and is_counts_template(sheets):  # the first records say
            inputs.templates.append(read_template([sheet.complete() for sheet in sheets], file=name))
            continue
        if dataset is None and is_ts021(sheets):
            raise InputError("this is the Census 2021 ethnic group table (TS021), not an HR export", file=name,
                             advice="It sets the local population, on the dashboard's Settings page under 'Local "
                             "population'; leave it out of the HR files.")
        # A staff survey's results as counts by group (a question column, groups, respondents), not a row per
        # respondent: read into counts, as a counts template is, and said which shape was read.
        if dataset in (None, "survey") and is_survey_counts(sheets):
            survey = read_survey_counts([sheet.complete() for sheet in sheets], file=name,
                                        survey_year_setting=survey_year, mapping=(mapping or {}).get("survey"))
            inputs.survey_counts.append(survey)
            inputs.loaded.warnings.extend(survey.notes)
            continue
        loaded = load_sheets(sheets, dataset=dataset, mappings=mapping)
        _merge(inputs.loaded, loaded)
        if "survey" in loaded.datasets:
            inputs.loaded.warnings.append(f"{name}: the staff survey was read with a row per respondent.")
    return inputs


def services(inputs: Inputs) -> list[str]:
    """The services found in the records, Adults and Children's first, for filters and charts."""
    found: set[str] = set()
    for frame in inputs.loaded.datasets.values():
        if "service" in frame.columns:
            found |= {str(s) for s in frame["service"].dropna().unique()}
    preferred = [s for s in ("Adults", "Children's") if s in found]
    return preferred + sorted(found - set(preferred))


def _merge(into: LoadedData, new: LoadedData) -> None:
    from data_loaders.load import concat_records

    for name, frame in new.datasets.items():
        into.datasets[name] = concat_records([into.datasets[name], frame]) if name in into.datasets else frame
    into.sheets.extend(new.sheets)
    into.warnings.extend(new.warnings)


def read_paths(paths: Iterable[str | tuple[str, str | None]], *,
               mapping: Mapping[str, dict[str, str]] | None = None, survey_year: int | None = None) -> Inputs:
    """The files read and loaded; `mapping` names, per dataset, the heading to read a column from ({"survey":
    {"equal_opportunities": "Q21 Fair promotion"}}), for headings the tool does not know (a survey's results by
    group: the question written so); `survey_year` whose NHS Staff Survey question codes a survey's results by
    group are read with, where the file does not say (data_loaders.survey_codes)."""
    sources: list[Source] = []
    for item in paths:
        path, dataset = parse_source_argument(item) if isinstance(item, str) else item
        try:
            data = Path(path).read_bytes()
        except FileNotFoundError:
            raise InputError("the file does not exist", file=str(path),
                             advice="Check the path and try again.") from None
        except IsADirectoryError:
            raise InputError("is a folder, not a file", file=str(path),
                             advice="Name the spreadsheet files inside it.") from None
        except OSError as error:
            raise InputError(f"the file cannot be read ({error.strerror})", file=str(path)) from None
        sources.append(Source(Path(path).name, data, dataset))
    # Files named on the command line are the user's own, on their own machine: the upload limits
    # (sized for a web server shared by many) would refuse the national file.
    with local_limits():
        return _load_read(_ReadAhead(sources), mapping, survey_year)


class _ReadAhead:
    """The sources' sheets in order, their cells read on a worker thread while this one loads.

    Each file's bytes are checked here, on the caller's thread, when this is made (the checks hold the
    GIL), and its cells are then read on the worker, one file after another: calamine's parse of a sheet
    and pyarrow's of a CSV run without the GIL, so they overlap the import of pandas and the engine (which
    `_load_read` imports after this is made) and the loading of the files before. The bytes of every file
    are in memory already; their cells may be too, at most once each. Errors come in the files' order, as
    reading them one by one would give them. Only for the command line's own files: the app reads uploads
    on one thread, in a bounded child (read_sources)."""

    def __init__(self, sources: list[Source]) -> None:
        self._sources = list(sources)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-ahead")
        self._reads: list[Future[list[RawSheet]]] = []
        self._refused: InputError | None = None  # the first file the checks refused; none after it is read
        context = contextvars.copy_context()  # a worker thread does not inherit the local limits by itself
        for source in self._sources:
            try:
                read = checked_read(source.name, source.data, columnar=True)
            except InputError as error:
                self._refused = error
                break
            self._reads.append(self._pool.submit(context.copy().run, read))

    def __iter__(self) -> Iterator[tuple[str, list[RawSheet], str | None]]:
        try:
            for source, read in zip(self._sources, self._reads, strict=False):
                # a reader's InputError is raised here, on the caller's thread
                yield source.name, read.result(), source.dataset
            if self._refused is not None:
                raise self._refused
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._reads.clear()


def sample_snapshots() -> list[Path]:
    """The sample council's yearly snapshot folders, oldest first."""
    return sorted(p for p in SAMPLE_DIR.iterdir() if p.is_dir()) if SAMPLE_DIR.exists() else []


def sample_paths(snapshot: str | None = None) -> list[tuple[str, str | None]]:
    """The sample council's files for one snapshot (default: the latest), each with its dataset."""
    folders = sample_snapshots()
    if not folders:
        raise InputError("the sample council's files are missing", file=str(SAMPLE_DIR),
                         advice="Run `make sample` to make them again.")
    folder = next((f for f in folders if f.name == snapshot), None) if snapshot else folders[-1]
    if folder is None:
        raise InputError(f"there is no sample snapshot '{snapshot}'",
                         advice=f"Choose one of {', '.join(f.name for f in folders)}.")
    return [(str(p), p.stem if p.stem in DATASETS else None) for p in sorted(folder.iterdir()) if p.is_file()]


def sample_trust_paths() -> list[tuple[str, str | None]]:
    """The sample trust's files, each left for its sheet names and headings to say which data it holds."""
    files = sorted(p for p in SAMPLE_TRUST_DIR.iterdir() if p.is_file()) if SAMPLE_TRUST_DIR.exists() else []
    if not files:
        raise InputError("the sample trust's files are missing", file=str(SAMPLE_TRUST_DIR),
                         advice="Run `make sample` to make them again.")
    return [(str(p), None) for p in files]


def analyse(inputs: Inputs, settings: Settings | None = None, *, organisation: str = "",
            filters: Mapping[str, list[str]] | None = None, today: dt.date | None = None) -> Analysis:
    from data_loaders.tables import NO_ETHNICITY_RECORDED
    from metrics.records import assumed_period_end, figures_from_records
    from metrics.registry import STANDARDS
    from metrics.results import compute_results
    from metrics.settings import Settings

    settings = Settings() if settings is None else settings
    by_ethnicity = STANDARDS[settings.standard].comparison.key == "ethnicity"  # see the sheets' notes below
    warnings = list(inputs.loaded.warnings)
    if len(inputs.templates) > 1:
        raise InputError("more than one counts template was given",
                         advice="Give one organisation's counts at a time.")
    comparison = STANDARDS[settings.standard].comparison
    for template in inputs.templates:
        if template.comparison != comparison:
            standards = [s.name for s in STANDARDS.values() if s.comparison == template.comparison]
            raise InputError(
                f"the counts template holds counts by {template.comparison.heading.lower()}, but the "
                f"{STANDARDS[settings.standard].name} compares {comparison.heading.lower()}s"
                if comparison.heading.lower().endswith("group") else
                f"the counts template holds counts by {template.comparison.heading.lower()}, but the "
                f"{STANDARDS[settings.standard].name} compares {comparison.heading.lower()}",
                advice=f"Choose the standard the template was written for ({' or '.join(standards)}), or fill in "
                       "a counts template written for this standard.")
    assumed = None
    if inputs.loaded.datasets or not inputs.templates:
        counted = settings
        if settings.period_end is None:
            assumed = assumed_period_end(inputs.loaded.datasets, inputs.templates, today=today)
            counted = settings.with_(period_end=assumed.end)
        figures = figures_from_records(inputs.loaded.datasets, counted, organisation=organisation,
                                       filters=filters, today=today)
        if inputs.templates:
            figures = _fill_from_template(figures, inputs.templates[0], warnings)
        figures = _fill_from_survey_counts(figures, inputs.survey_counts, warnings, settings.standard, filters)
    else:
        figures = inputs.templates[0]
        if settings.period_end and settings.period_end != figures.period.end:
            warnings.append(f"The counts template is for the period ending {figures.period.end:%d %B %Y}; "
                            "the period end given was not applied to it.")
        if filters:
            warnings.append("A counts template has no records to filter: the filter was not applied.")
        if organisation:
            figures.organisation = organisation
        figures = _fill_from_survey_counts(figures, inputs.survey_counts, warnings, settings.standard, filters)
    warnings.extend(figures.notes)
    for sheet in inputs.loaded.sheets:
        for skipped in sheet.skipped:
            rows = "1 row" if skipped.count == 1 else f"{skipped.count:,} rows"
            warnings.append(f"{sheet.label}: {rows} skipped: {skipped.reason}.")
        # Rows with no ethnicity matter only to a standard that groups people by it (not the WDES).
        warnings.extend(f"{sheet.label}: {note}" for note in sheet.notes
                        if by_ethnicity or NO_ETHNICITY_RECORDED not in note)
    results = compute_results(figures, settings)
    return Analysis(organisation or figures.organisation, settings, figures, results, inputs, warnings,
                    assumed_period=assumed, unrecognised=_unrecognised(figures))


def published_together(analysis: Analysis, settings: Settings | None = None) -> PublishedTogether:
    """The organisation as a whole and each of its services, published as one: a board pack's figures, the
    leaving chart by service, and every command-line run with or without a service filter are protected
    against each other, since a reader may hold them all (a service's count is the whole's less the others').
    `settings` may raise the threshold; other filters than the service stay as the analysis has them."""
    from metrics.publish import publish_together

    settings = (settings or analysis.settings).with_(period_end=analysis.period.end)
    filters = {k: list(v) for k, v in analysis.figures.filters.items() if v}
    others = {k: v for k, v in filters.items() if k != "service"}
    names = services(analysis.inputs) if analysis.inputs.loaded.datasets else []
    whole = analysis.results if "service" not in filters else analyse(
        analysis.inputs, settings, organisation=analysis.organisation, filters=others).results
    parts = {name: analyse(analysis.inputs, settings, organisation=analysis.organisation,
                           filters=others | {"service": [name]}).results for name in names}
    return publish_together(whole, parts, settings)


def published_with_breakdowns(analysis: Analysis, breakdowns: Mapping[str, Breakdown],
                               settings: Settings | None = None) -> PublishedWithBreakdown:
    """The analysis's figures and its breakdowns (metrics.breakdown, by one column, from the same records, filters
    and period) published as one (metrics.publish_breakdown): with every service too, as published_together
    publishes them, unless the breakdown is by service (its subgroups are the services) or the figures are filtered
    (then the filtered figures and their subgroups are protected on their own)."""
    from metrics.publish_breakdown import SERVICE, publish_breakdowns

    settings = (settings or analysis.settings).with_(period_end=analysis.period.end)
    filters = {k: list(v) for k, v in analysis.figures.filters.items() if v}
    by_service = any(found.column == SERVICE for found in breakdowns.values())
    names = services(analysis.inputs) if analysis.inputs.loaded.datasets and not filters and not by_service else []
    parts = {name: analyse(analysis.inputs, settings, organisation=analysis.organisation,
                           filters={"service": [name]}).results for name in names}
    return publish_breakdowns(analysis.results, breakdowns, settings, services=parts)


def own_scope(together: PublishedTogether, analysis: Analysis,
              settings: Settings | None = None) -> dict[str, MetricResult]:
    """The analysis's own figures out of what was published together: the whole, or its one service. Several
    services taken as one are no part of that family, and are protected on their own."""
    from metrics.publish import publish

    chosen = analysis.figures.filters.get("service") or []
    if len(chosen) > 1:
        return publish(analysis.results, settings or analysis.settings)
    return together.parts.get(chosen[0], together.whole) if chosen else together.whole


def published_results(analysis: Analysis, settings: Settings | None = None) -> dict[str, MetricResult]:
    """The analysis's own figures as published (see published_together)."""
    return own_scope(published_together(analysis, settings), analysis, settings)


def _unrecognised(figures: FigureSet) -> dict[str, int]:
    # A label's rows, as the metric that counted most of them counted them: the metrics share records.
    labels: dict[str, int] = {}
    for quality in figures.quality.values():
        for label, count in quality.unrecognised.items():
            labels[label] = max(labels.get(label, 0), count)
    return dict(sorted(labels.items(), key=lambda kv: -kv[1]))


def unrecognised_note(labels: Mapping[str, int], comparison: Comparison | None = None) -> str:
    """The labels not recognised (ethnicity labels; disability labels under the WDES), as a note; the front end adds
    where to classify them."""
    from data_loaders.comparison import ETHNICITY

    comparison = comparison or ETHNICITY
    listed = ", ".join(f"'{label}' ({count:,})" for label, count in labels.items())
    return (f"{comparison.key.capitalize()} labels not recognised, counted as {comparison.unknown.noun} until they are "
            f"classified: {listed}.")


def _fill_from_survey_counts(figures: FigureSet, surveys: list[SurveyCounts], warnings: list[str],
                             standard: str, filters: Mapping[str, list[str]] | None) -> FigureSet:
    """The standard's survey metrics the records (or a counts template) did not give, from each survey results file
    by group, as a counts template fills them; a file without the standard's groups is said to give nothing. Not
    under a filter: the results are the whole organisation's, and a service's figures holding them would be the
    whole's (and its published figures would protect the wrong counts)."""
    from metrics.registry import STANDARDS

    comparison = STANDARDS[standard].comparison
    if surveys and any(filters.values() if filters else ()):
        warnings.extend(f"{survey.file}: the survey's results by group are the whole organisation's, so they are "
                        "not used when the figures are filtered." for survey in surveys)
        return figures
    for survey in surveys:
        counts = survey.figures.get(comparison.key)
        if not survey.figures:  # the file's notes say why
            continue
        if counts is None:
            held = " and ".join(_comparison_heading(key) for key in sorted(survey.figures))
            warnings.append(f"{survey.file}: the survey's results are by {held}, not by "
                            f"{comparison.heading.lower()}, so they give this standard's metrics nothing.")
            continue
        warnings.extend(counts.notes)
        if not counts.available & set(STANDARDS[standard].metrics):
            warnings.append(f"{survey.file}: the survey's results give the {STANDARDS[standard].name} no figures.")
            continue
        figures = _fill_from_template(figures, counts, warnings, source=f"the survey results file {survey.file}",
                                      only=frozenset(STANDARDS[standard].metrics))
    return figures


def _comparison_heading(key: str) -> str:
    from data_loaders.comparison import comparison_named

    return comparison_named(key).heading.lower()


def _fill_from_template(figures: FigureSet, template: FigureSet, warnings: list[str],
                        source: str = "the counts template", only: frozenset[str] | None = None) -> FigureSet:
    """The metrics `template` has and `figures` lacks (of those `only` names, when given) added to `figures`."""
    import pandas as pd

    from metrics.counts import FigureSet

    extra = template.available - figures.available
    if only is not None:
        extra &= only
    if not extra:
        warnings.append(f"{source[0].upper()}{source[1:]} adds nothing: every metric it holds came from the records.")
        return figures
    warnings.append(f"Metrics {', '.join(sorted(extra))} come from {source}.")
    counts = pd.concat([figures.counts, template.counts[template.counts["metric"].isin(extra)]],
                       ignore_index=True)
    quality = figures.quality | {m: q for m, q in template.quality.items() if m in extra}
    return FigureSet(figures.organisation, figures.period, counts, quality, figures.notes,
                     figures.available | extra, figures.filters, comparison=figures.comparison,
                     own_rules=figures.own_rules)


def analyse_paths(paths: Iterable[str | tuple[str, str | None]] = (), settings: Settings | None = None, *,
                  organisation: str = "", filters: Mapping[str, list[str]] | None = None,
                  today: dt.date | None = None, mapping: Mapping[str, dict[str, str]] | None = None,
                  survey_year: int | None = None) -> Analysis:
    """Analyse files (paths, optionally 'dataset=path'); with none, the sample council. `mapping` and
    `survey_year` as read_paths."""
    paths = list(paths)
    if not paths:
        paths = sample_paths()
        organisation = organisation or SAMPLE_ORGANISATION
    return analyse(read_paths(paths, mapping=mapping, survey_year=survey_year), settings, organisation=organisation,
                   filters=filters, today=today)
