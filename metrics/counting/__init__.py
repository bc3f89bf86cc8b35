"""Counting a council's records, metric by metric, by the counter each metric's definition names.

Each metric's definition says how it is counted (metrics.registry.Counting: a counter and its
options, as data); figures_from_records (metrics.records) prepares what every counter shares (the
period, the staff and other datasets with their groups, filtered, the staff in post, their pay
bands: common.Context) and `count` runs the counters the definitions name. A counter adds the
metric's counts by group to the context and says in notes what it left out and why. One module per
kind of count:

- snapshot: the staff in post at the period end, in each pay band, and as senior managers
- board: the board's voting and executive members against the workforce (staff in post at the period end)
- leaving: leavers over the average of the headcounts at the start and end of the year
- selection: of the applicants shortlisted, those appointed
- casework: people with events (cases, referrals, courses) over the headcount
- survey: of the respondents answering each question, those saying yes; and each group's mean score (scores)
- none: a narrative metric (WDES 9b), counted from nothing

A new kind of count is a module with its counter, an entry in COUNTERS (with the columns it reads)
and its place in ORDER.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from metrics.counting import board, casework, leaving, selection, snapshot, survey
from metrics.counting.common import COMMON_COLUMNS, Context
from metrics.registry import MetricDefinition

__all__ = ["COUNTERS", "ORDER", "Context", "Counter", "columns", "count"]


@dataclass(frozen=True)
class Counter:
    count: Callable[[Context, MetricDefinition], None]
    # The columns it reads beyond COMMON_COLUMNS (a survey's questions are its metrics' own): anything else a
    # dataset carries is dropped before counting unless a filter needs it.
    columns: frozenset[str] = frozenset()


COUNTERS: dict[str, Counter] = {
    "pay_bands": Counter(snapshot.count_pay_bands,
                         frozenset({"pay_band", "salary", "assignment_category", "staff_group"})),
    "senior_managers": Counter(snapshot.count_senior_managers, frozenset({"senior_manager", "pay_band", "salary"})),
    "board": Counter(board.count_board, frozenset({"assignment_category"})),
    "leaving": Counter(leaving.count_leaving),
    "selection": Counter(selection.count_selection, frozenset({"shortlisted", "appointed"})),
    "casework": Counter(casework.count_casework,
                        frozenset({"regulated_professional", "job_title", "funded", "non_mandatory", "reason"})),
    "survey": Counter(survey.count_survey),
    "scores": Counter(survey.count_scores),
    "none": Counter(lambda context, definition: None),
}

# The order the counters run in. It is the order of the notes they write and of the rows of counts (the pay
# bands' rows keep the order counted), which the published figures, the command line and the saved periods show,
# so it is fixed here rather than left to the registry's order of metrics: the staff snapshot first (the pay
# bands' note that no one is in post speaks for the senior managers and the board's workforce too, which then say
# nothing), then the board against that workforce, then leaving (also from the staff list), then the events
# datasets and the survey. Within a counter, metrics run in the registry's order (metrics 3, 4 and 5; 6 and 7).
ORDER: tuple[str, ...] = ("pay_bands", "senior_managers", "board", "leaving", "selection", "casework", "survey",
                          "scores", "none")
if set(ORDER) != set(COUNTERS):
    raise RuntimeError("every counter needs its place in metrics.counting.ORDER, and only counters have one")


def columns(definitions: Iterable[MetricDefinition]) -> frozenset[str]:
    """The columns counting `definitions` reads."""
    definitions = list(definitions)
    return COMMON_COLUMNS.union(*(_counter(d).columns for d in definitions),
                                (c for d in definitions for q in d.questions for c in q.columns))


def count(context: Context, definitions: Iterable[MetricDefinition]) -> None:
    """Count each of `definitions` into `context`, counter by counter in ORDER."""
    by_counter: dict[str, list[MetricDefinition]] = {}
    for definition in definitions:
        _counter(definition)
        by_counter.setdefault(definition.counting.counter, []).append(definition)
    for name in ORDER:
        for definition in by_counter.get(name, ()):
            COUNTERS[name].count(context, definition)


def _counter(definition: MetricDefinition) -> Counter:
    try:
        return COUNTERS[definition.counting.counter]
    except KeyError:
        raise KeyError(f"metric {definition.id} is counted by {definition.counting.counter!r}, which is not a "
                       f"counter; the counters are {', '.join(COUNTERS)}") from None
