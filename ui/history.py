"""The periods the current view can be compared with.

Three sources, in order of precedence for a period they share:
1. the figures on screen (computed from the files now loaded);
2. the sample council's other yearly snapshots, computed from their records under today's settings;
3. figure sets saved earlier for this organisation and scope (counts by group, no person's row).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, cast

from metrics.counts import FigureSet
from metrics.registry import STANDARDS
from metrics.settings import Settings
from metrics.trends import Year, history, period_label
from pipeline.api import Analysis
from storage import FigureSetSummary, counting_choices, list_figure_sets, load_figure_set, made_with_of, panel_scope
from ui import access, db, per_run, state


@dataclass
class Periods:
    years: list[Year]
    notes: list[str] = field(default_factory=list)
    saved: list[FigureSetSummary] = field(default_factory=list)


def scope_of(view: state.View) -> str:
    """What the figures are for, in words, as the panels' scope is: the standard when it is not the default one,
    and what they are filtered to ("" for the whole organisation under the SC-WRES; "NHS WRES; service: Adults").
    Each standard's saved periods are its own: saving under one never replaces another's counts."""
    return panel_scope(view.settings.standard, dict(view.filters))


def made_with(settings: Settings) -> dict[str, Any]:
    return counting_choices(settings)


def saved_periods(view: state.View) -> list[FigureSetSummary]:
    """The view's organisation's saved periods for its scope, counted in the groups of its standard."""
    scope = scope_of(view)
    comparison = STANDARDS[view.settings.standard].comparison.key
    return [s for s in list_figure_sets(db.engine(), view.organisation, caller=access.caller())
            if s.scope == scope and s.comparison == comparison]


def _sample_ends(view: state.View) -> list[dt.date]:
    return [dt.date.fromisoformat(name) for name in state.sample_snapshot_names()] if view.is_sample else []


def _sample_figures(view: state.View, end: dt.date) -> FigureSet:
    other = replace(view, sources=state.sample_sources(end.isoformat()), settings=view.settings.with_(period_end=end))
    return state.analysis(other).figures


def periods(view: state.View, analysis: Analysis) -> Periods:
    """Every period for the view's organisation and scope, oldest first, the one on screen included."""
    current_end = analysis.period.end
    figure_sets: dict[dt.date, FigureSet] = {current_end: analysis.figures}
    for end in _sample_ends(view):
        if end != current_end:
            figure_sets[end] = _sample_figures(view, end)
    notes: list[str] = []
    saved = saved_periods(view)
    engine = db.engine()
    wanted = made_with(view.settings)
    for summary in saved:
        end = summary.period_end
        if end in figure_sets:
            continue
        figure_sets[end] = load_figure_set(engine, summary.id, caller=access.caller())
        if made_with_of(engine, summary.id, caller=access.caller()) != wanted:
            notes.append(f"The figures saved for {period_label(figure_sets[end].period)} were counted with different "
                         "ethnicity or pay band settings from today's, so the years may not compare like for like.")
    return Periods(history(list(figure_sets.values()), view.settings), notes, saved)


# The year before, worked out once per figures and settings rather than on every rerun of the overview: by the sample
# figures' object, or by a saved set's id and version (read afresh every run).
_PREVIOUS = per_run.ByIdentity(max_entries=64)


def previous(view: state.View, analysis: Analysis) -> Year | None:
    """The latest period before the one on screen, if there is one; only that one is read or computed."""
    current_end = analysis.period.end
    sample = [end for end in _sample_ends(view) if end < current_end]
    saved = {s.period_end: s for s in saved_periods(view) if s.period_end < current_end}
    latest = max([*sample, *saved], default=None)
    if latest is None:
        return None
    settings = state.settings_key(view.settings)
    if latest in sample:
        figures = _sample_figures(view, latest)
        return cast("Year", _PREVIOUS.get_or_make((figures,), ("sample", settings),
                                                  lambda: history([figures], view.settings)[0]))
    summary = saved[latest]
    return cast("Year", _PREVIOUS.get_or_make(
        (), ("saved", db.engine().url.render_as_string(hide_password=True), summary.id, summary.version, settings),
        lambda: history([load_figure_set(db.engine(), summary.id, caller=access.caller())], view.settings)[0]))
