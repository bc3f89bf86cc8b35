"""Whether a finding survives the people whose group is not known: the sharp bounds of a metric's figure over
every way the unknown group's people could fall between the two groups compared, and a verdict in words.

Every metric leaves out the people whose ethnicity (or disability status) is not known. Each of them is, in fact,
in one group or the other; the bounds here are the smallest and the largest value the figure could take under any
assignment of them, exactly, from the counts (no simulation).

Relative likelihoods and survey questions (the rate of group A over the rate of group B, as the registry orders
them). Of the unknown group's `U_e` people with the event and `U_n = U_b - U_e` without it, any `x` of the first
and `y` of the second may be in A, the rest in B, independently (the unknown appointed and the unknown not
appointed may fall in different groups). A's rate, `(a_e + x) / (a_b + x + y)`, rises with x and falls with y;
B's, `(b_e + U_e - x) / (b_b + U_b - x - y)`, falls with x and rises with y (each group's events being among its
base). So the ratio rises with x and falls with y everywhere, and its smallest value is at x = 0, y = U_n (every
unknown event in B, every unknown non-event in A), its largest at x = U_e, y = 0. Where the events are not among
the base (leavers over an average headcount) the unknown events and the unknown base are split independently, `x`
of the events and `z` of the base to A, with the same monotonicity. The corners are all evaluated, and the brute
force over every assignment in tests/test_unknown_bounds.py finds the same extremes. A bottom rate that could be 0
makes the ratio unbounded above: that end is None ("no upper limit").

Differences in percentage points (senior managers, the board, against the workforce): each share is of everyone
counted once the unknown are placed, so the difference is linear in x and y (or x and z) and its extremes are at
the corners too. Unlike a ratio, the difference with the unknown left out need not lie between them: when many
of the unknown are senior, every assignment moves both shares together (tests give a worked example).

One group's percentage (WDES 8): the unknown with and without the outcome each joined to the group or not.

A pay gap (the mean or median hourly pay gap, `100 (1 - s(group) / s(reference))`) between two groups that
between them hold everyone whose group is known: with k of the unknown people in the group, the lowest-paid k in
it and the rest in the reference give each group the elementwise lowest (and the reference the highest) rates any
k could, and a mean or a median never falls when a rate rises, so that split gives the widest gap for k; the
highest-paid k in the group the narrowest. The bounds are the extremes over k = 0 to all of them (pay_gap_bounds).

A difference of mean scores (WDES 9a) has no bounds: the unknown group's mean does not say how its respondents'
scores would divide, and without each person's score no sharp rule bounds it. The pay bands (metric 1) have no
single figure to bound.

The declaration rate needed for a finding to stand is defined plainly: the known counts as they are, and only k of
the unknown people left unknown (their events and non-events in today's proportion), the largest k for which the
bounds lie wholly on the finding's side of parity; the rate is then the share of everyone counted whose group is
known with the rest declared. It is 100% when even one unknown person could turn it.

Pure: no Streamlit, no pandas.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from metrics.formatting import POINTS_SHORT, figure_text, number

if TYPE_CHECKING:
    from metrics.results import MetricResult
    from metrics.settings import Settings

# What the verdict is headed with wherever it is shown: the metric pages, the overview's column, the board pack.
HEADING = "If the unknown were known"
# (events, base) of one group.
Counts = tuple[float, float]
# Where the bounds lie against the metric's non-adverse range: wholly in the adverse part, wholly within the range,
# wholly in the favourable part, or across them (None).
Side = Literal["adverse", "within", "favourable"]


def _rate(events: float, base: float) -> float | None:
    return events / base if base > 0 else None


def _ratio_at(top: Counts, bottom: Counts) -> float | None:
    """One assignment's ratio; math.inf where the bottom rate is 0 and the top's is not, None where neither is
    defined (0 over 0, or a group with nobody)."""
    a, b = _rate(*top), _rate(*bottom)
    if a is None or b is None:
        return None
    if b == 0:
        return math.inf if a > 0 else None
    return a / b


def ratio_bounds(top: Counts, bottom: Counts, unknown: Counts, *, events_among_base: bool = True,
                 ) -> tuple[float, float | None] | None:
    """The sharp bounds of (top rate) / (bottom rate) over every split of the unknown group between the two groups
    (see the module's notes): (low, high), high None where it is unbounded (the bottom rate could be 0). None when
    some split leaves the ratio undefined (a group with nobody, or no events anywhere it could be)."""
    (a_e, a_b), (b_e, b_b), (u_e, u_b) = top, bottom, unknown
    values = []
    for x in (0.0, u_e):
        # The unknown base beyond the events (non-events, or the whole base when the events are not among it).
        rest = max(u_b - u_e, 0.0) if events_among_base else u_b
        for y in (0.0, rest):
            to_top = x + y if events_among_base else y
            to_bottom = (u_e - x) + (rest - y) if events_among_base else rest - y
            value = _ratio_at((a_e + x, a_b + to_top), (b_e + u_e - x, b_b + to_bottom))
            if value is None:
                return None
            values.append(value)
    low, high = min(values), max(values)
    return (low, None if math.isinf(high) else high)


def difference_bounds(focus: Counts, reference: Counts, unknown: Counts, *, events_among_base: bool = True,
                      ) -> tuple[float, float] | None:
    """The sharp bounds, in percentage points, of the focus group's share of the events less its share of the base
    (M9: of senior managers less of the workforce) over every split of the unknown group; None where nobody has
    the event or nobody is counted."""
    (a_e, a_b), (b_e, b_b), (u_e, u_b) = focus, reference, unknown
    events, base = a_e + b_e + u_e, a_b + b_b + u_b
    if events <= 0 or base <= 0:
        return None
    rest = max(u_b - u_e, 0.0) if events_among_base else u_b
    values = [100.0 * (a_e + x) / events - 100.0 * (a_b + (x + y if events_among_base else y)) / base
              for x in (0.0, u_e) for y in (0.0, rest)]
    return (min(values), max(values))


def share_bounds(group: Counts, unknown: Counts) -> tuple[float, float] | None:
    """The sharp bounds, in percent, of one group's share with the outcome (WDES 8) when any of the unknown, with
    or without it, may belong to the group; None where nobody could be counted."""
    (a_e, a_b), (u_e, u_b) = group, unknown
    u_n = max(u_b - u_e, 0.0)
    values = [100.0 * (a_e + x) / (a_b + x + y) for x in (0.0, u_e) for y in (0.0, u_n) if a_b + x + y > 0]
    if len(values) < 4:
        return None
    return (min(values), max(values))


def pay_gap_bounds(group: Sequence[float], reference: Sequence[float], unknown: Sequence[float],
                   statistic: Literal["mean", "median"]) -> tuple[float, float] | None:
    """The sharp bounds, in percent, of the pay gap `100 (1 - s(group) / s(reference))` (s the mean or the median
    hourly rate) over every split of the unknown people's rates between the two groups (the module's notes); None
    where no split leaves both groups someone, with a reference above 0."""
    import numpy as np

    ranked = np.sort(np.asarray(unknown, dtype=float))
    own, other = np.asarray(group, dtype=float), np.asarray(reference, dtype=float)
    measure = np.mean if statistic == "mean" else np.median

    def gap(to_group: Any, to_reference: Any) -> float | None:
        g, r = np.concatenate([own, to_group]), np.concatenate([other, to_reference])
        if not len(g) or not len(r):
            return None
        top = float(measure(r))
        return None if top == 0 else 100.0 * (1.0 - float(measure(g)) / top)

    n = len(ranked)
    found = [v for k in range(n + 1)
             for v in (gap(ranked[:k], ranked[k:]), gap(ranked[n - k:], ranked[:n - k])) if v is not None]
    return (min(found), max(found)) if found else None


@dataclass(frozen=True)
class Bounds:
    """A figure's sharp bounds over the unknown group, in the figure's own unit; `high` None: no upper limit."""

    low: float
    high: float | None
    # The people whose group is not known: the unknown group's base, and its events too where they are not among
    # the base (the board against the workforce).
    unknown: float
    # Those whose group is known, counted alike.
    known: float
    # Where the events are not among the base (leavers over an average headcount, the board against the
    # workforce): the unknown group's events and base, which the words give apart rather than add up.
    apart: Counts | None = None


def _counts(result: MetricResult, group: str) -> Counts | None:
    figures = result.groups.get(group)
    if figures is None or figures.events is None or figures.base is None:
        return None
    return (float(figures.events), float(figures.base))


def _people(counts: Counts, events_among_base: bool) -> float:
    return counts[1] if events_among_base else counts[0] + counts[1]


def _scaled(counts: Counts, share: float) -> Counts:
    return (counts[0] * share, counts[1] * share)


def _bounds_of(result: MetricResult, unknown: Counts) -> tuple[float, float | None] | None:
    d = result.definition
    comparison = result.comparison
    among = d.events_among_base
    if d.kind in ("relative_likelihood", "survey"):
        top, bottom = _counts(result, d.numerator_group(result.standard)), _counts(result, d.denominator_group(
            result.standard))
        if top is None or bottom is None:
            return None
        return ratio_bounds(top, bottom, unknown, events_among_base=among)
    if d.kind == "representation":
        focus, reference = _counts(result, comparison.focus.key), _counts(result, comparison.reference.key)
        if focus is None or reference is None:
            return None
        return difference_bounds(focus, reference, unknown, events_among_base=among)
    if d.kind == "share":
        group = _counts(result, d.numerator_group(result.standard))
        return None if group is None else share_bounds(group, unknown)
    return None


def unknown_bounds(result: MetricResult) -> Bounds | None:
    """The sharp bounds of the result's figure over every assignment of the people whose group is not known; None
    where it has no figure, its kind has none (a score, the pay bands), or a count they rest on is withheld (a
    published result: the bounds would reveal it)."""
    if result.value is None or result.definition.kind not in ("relative_likelihood", "survey", "representation",
                                                               "share"):
        return None
    comparison, among = result.comparison, result.definition.events_among_base
    unknown = _counts(result, comparison.unknown.key)
    known = [_counts(result, g) for g in comparison.known]
    # A published result withholds the unknown count itself (its data quality) or a count of a group: the bounds,
    # and the verdict's number of people, would give it away.
    if unknown is None or any(k is None for k in known) or result.quality.unknown is None:
        return None
    found = _bounds_of(result, unknown)
    if found is None:
        return None
    return Bounds(found[0], found[1], _people(unknown, among),
                  sum(_people(k, among) for k in known if k is not None), None if among else unknown)


@dataclass(frozen=True)
class Verdict:
    """Whether the result's finding stands whatever the unknown people are, and what it would take."""

    bounds: Bounds | None
    # Whether the bounds lie wholly on the finding's side of parity (1.00 for a ratio, 0 for a difference); None
    # where there is no parity to hold to (one group's percentage) or no bounds.
    holds: bool | None
    # Where the bounds lie against the non-adverse range, when wholly in one part of it.
    side: Side | None
    # The declaration rate now and the one needed for the finding to stand (%), as the module's notes define it;
    # None where there is no finding to stand.
    declaration_now: float | None
    declaration_needed: float | None
    words: str
    # Whether the bounds lie wholly on the other side of parity from the figure with the unknown left out (it can,
    # for a difference: see the module's notes): the finding turns the other way whatever they are.
    turns: bool = False


def _parity(result: MetricResult) -> float | None:
    return {"ratio": 1.0, "points": 0.0}.get(result.definition.figure)


def _adverse_range(result: MetricResult, settings: Settings) -> tuple[float, float] | None:
    from metrics.results import representation_range

    if result.definition.figure == "ratio":
        return settings.adverse_range
    if result.definition.figure == "points" and result.workforce_pct is not None:
        return representation_range(result.workforce_pct, settings)
    return None


def _side(result: MetricResult, low: float, high: float | None, settings: Settings) -> Side | None:
    """Where [low, high] lies against the non-adverse range (its edges inside it), when wholly in one part."""
    edges = _adverse_range(result, settings)
    adverse_if = result.definition.adverse_if_ratio(result.standard)
    if edges is None or adverse_if is None:
        return None
    top = math.inf if high is None else high
    if edges[0] <= low and top <= edges[1]:
        return "within"
    below, above = top < edges[0], low > edges[1]
    if not (below or above):
        return None
    return "adverse" if (below and adverse_if == "lower") or (above and adverse_if == "higher") else "favourable"


def _on_side(low: float, high: float | None, parity: float, value: float) -> bool:
    top = math.inf if high is None else high
    return low > parity if value > parity else top < parity if value < parity else False


def _needed(result: MetricResult, bounds: Bounds, parity: float) -> float | None:
    """The declaration rate (%) at which the finding would stand (the module's notes); None at parity."""
    assert result.value is not None
    unknown = _counts(result, result.comparison.unknown.key)
    assert unknown is not None
    everyone = bounds.known + bounds.unknown
    if result.value == parity or not everyone:
        return None
    people = bounds.unknown
    # The largest whole number of people left unknown for which the bounds lie on the finding's side.
    for left in range(math.floor(people), -1, -1):
        found = _bounds_of(result, _scaled(unknown, left / people)) if people else (result.value, result.value)
        if found is not None and _on_side(found[0], found[1], parity, result.value):
            return 100.0 * (everyone - left) / everyone
    return 100.0


def _text(value: float | None, result: MetricResult) -> str:
    if value is None:
        return "no upper limit"
    return figure_text(value, result.definition.figure, sign_zero=False)


SIDE_WORDS: dict[Side, str] = {"adverse": "wholly in the adverse range", "within": "wholly within the non-adverse "
                               "range", "favourable": "wholly beyond the non-adverse range, on the favourable side"}


def _people_words(result: MetricResult, bounds: Bounds) -> tuple[str, str]:
    """"the 29 people whose ethnicity is not known", and nothing after; where the events are not among the base,
    "the people whose ethnicity is not known" and its two counts apart, " (leavers 19, average headcount 121.5)",
    for after the verb."""
    whose = result.comparison.whose_not_known()
    if bounds.apart is None:
        return f"the {number(bounds.unknown)} {'person' if bounds.unknown == 1 else 'people'} {whose}", ""
    d = result.definition
    return (f"the people {whose}", f" ({d.events_label.lower()} {number(bounds.apart[0])}, "
                                   f"{d.base_label.lower()} {number(bounds.apart[1])})")


def verdict(result: MetricResult, settings: Settings | None = None, *, reach: bool = True) -> Verdict | None:
    """The verdict on the result's figure against the people whose group is not known, in figures and words; None
    where the result has no figure. A figure with no bounds (a score) has a verdict saying why. Without `reach`,
    the words leave out the declaration rate needed (a published pack prints no figure its audited workbook does
    not hold); the Verdict still has it."""
    from metrics.settings import Settings

    settings = settings if settings is not None else Settings()
    if result.value is None:
        return None
    comparison = result.comparison
    whose = comparison.whose_not_known()
    if result.definition.kind == "score":
        return Verdict(None, None, None, None, None,
                       f"No bounds for the people {whose}: a difference of mean scores would need each person's "
                       "score, which the counts do not give.")
    bounds = unknown_bounds(result)
    if bounds is None:
        return Verdict(None, None, None, None, None,
                       f"No bounds for the people {whose}: the counts they rest on are withheld or missing.")
    people, apart = _people_words(result, bounds)
    interval = f"between {_text(bounds.low, result)} and {_text(bounds.high, result)}"
    if result.definition.figure == "points":
        interval += f" {POINTS_SHORT}"
    now = 100.0 * bounds.known / (bounds.known + bounds.unknown) if bounds.known + bounds.unknown else None
    parity = _parity(result)
    if not bounds.unknown:
        return Verdict(bounds, None if parity is None else result.value != parity, _side(result, bounds.low,
                       bounds.high, settings), now, now, f"Nobody {whose} is left out.")
    if parity is None:  # one group's percentage: nothing to hold to, only the range
        return Verdict(bounds, None, None, now, None, f"Depends on {people}{apart}: {interval}.")
    side = _side(result, bounds.low, bounds.high, settings)
    side_words = f", {SIDE_WORDS[side]}" if side is not None else ""
    if _on_side(bounds.low, bounds.high, parity, result.value):
        return Verdict(bounds, True, side, now, now, f"Holds whatever {people} are{apart}: {interval}{side_words}.")
    if _on_side(bounds.low, bounds.high, parity, 2 * parity - result.value):
        return Verdict(bounds, False, side, now, None,
                       f"Turns the other way whatever {people} are{apart}: {interval}{side_words}.", turns=True)
    needed = _needed(result, bounds, parity)
    parity_text = figure_text(parity, result.definition.figure)
    if needed is None:
        return Verdict(bounds, False, side, now, None,
                       f"Depends on {people}{apart}: {interval}; the figure is at parity ({parity_text}).")
    needs = (f"; it would stand with a declaration rate of {needed:.1f}% (now {now:.1f}%)" if needed < 100 and
             now is not None else f"; only knowing all of them would settle which side of {parity_text} it is")
    return Verdict(bounds, False, side, now, needed,
                   f"Depends on {people}{apart}: {interval}{side_words}{needs if reach else ''}.")


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def verdict_lines(result: MetricResult, settings: Settings | None = None, *, reach: bool = True) -> list[str]:
    """The verdict on each of the result's figures, as a metric page writes it beside the interval: one line for
    one figure; for a metric with several questions (or kinds of board member), a line for each, headed by its
    words ("From colleagues: depends on..."). None for a result with no figure."""
    if len(result.questions) > 1:
        lines = []
        for question in result.questions.values():
            found = verdict(question, settings, reach=reach)
            if found is not None:
                words = found.words[:1].lower() + found.words[1:]
                lines.append(f"{_sentence_case(question.question_label)}: {words}")
        return lines
    found = verdict(result, settings, reach=reach)
    return [] if found is None else [found.words]


# The verdict's icon (Material Symbols, as Streamlit names them, as metrics.stats.LOOKS gives a status's): always
# beside its words, never alone.
HOLDS_ICON, DEPENDS_ICON, TURNS_ICON, NO_BOUNDS_ICON = (":material/verified:", ":material/help:",
                                                         ":material/swap_vert:", ":material/remove:")


def verdict_icon(found: Verdict) -> str:
    if found.bounds is None:
        return NO_BOUNDS_ICON
    if found.holds:
        return HOLDS_ICON
    return TURNS_ICON if found.turns else DEPENDS_ICON


def verdict_short(found: Verdict) -> str:
    """The verdict in a few words, for a table's cell: "holds whatever the 29 unknown are", "depends on the 40
    unknown: 0.52 to 1.12", "no bounds"."""
    bounds = found.bounds
    if bounds is None:
        return "no bounds"
    if not bounds.unknown:
        return "nobody unknown"
    who = "the unknown" if bounds.apart is not None else f"the {number(bounds.unknown)} unknown"
    if found.holds:
        return f"holds whatever {who} are"
    if found.turns:
        return f"turns the other way whatever {who} are"
    return f"depends on {who}"


def verdict_cell(result: MetricResult, settings: Settings | None = None) -> str:
    """The overview's cell: each figure's verdict as its icon and its few words; per question where a metric has
    several ("colleagues :material/help: depends on the 140 unknown; ..."); "–" where there is no figure."""
    if len(result.questions) > 1:
        parts = [(q.question_label.removeprefix("from "), verdict(q, settings)) for q in result.questions.values()]
        shown = [f"{who} {verdict_icon(v)} {verdict_short(v)}" for who, v in parts if v is not None]
        return "; ".join(shown) or "–"
    found = verdict(result, settings)
    return "–" if found is None else f"{verdict_icon(found)} {_sentence_case(verdict_short(found))}"
