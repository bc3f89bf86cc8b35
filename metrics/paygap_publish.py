"""Pay gaps as published: small groups, and whatever would let a reader work a small count out, withheld.

The figures the regulations publish are percentages, but a percentage of a known whole is a count: a pay quarter
holds a quarter of the employees (the employees and so the quarters' sizes are public), so a group's share of a
quarter x the quarter's size is how many of the group are in it; a group's proportion paid a bonus x the group's
size is how many were paid one. The rule is the product's (metrics.publish, metrics.disclosure;
shared/docs/standards-and-pay-gaps.md, "Disclosure control"; the government's response CP 1542, 2026: "groups under
10 combined or withheld"):

- a group (or the reference) with fewer than the threshold of relevant employees (10 by default, the product's
  publication threshold) has its size, its gaps, its bonus proportion and its shares of the quarters withheld.
  Small ethnic groups are combined before this (metrics.paygap.ethnicity_grouping); a combined group still small
  is withheld;
- every count a published figure gives away (a group in a quarter, a group's bonus receivers, a group's size) is a
  cell of one disclosure model, the quarters' sizes and the employees in all as public facts; counts of 1 to
  threshold - 1 are withheld, then more (complementary suppression: metrics.disclosure.protect), until no withheld
  count can be narrowed to fewer than `threshold` values from what is published beside the public facts (or to
  fewer than the public facts alone allow, where a quarter itself holds fewer than `threshold` people);
- the hourly gaps are withheld where either group has fewer than the threshold with an hourly rate; the bonus gaps
  where either has fewer than the threshold paid a bonus (an average of a few people's pay is theirs);
- group sizes are rounded to the nearest 10 as the product's shared sizes are (metrics.benchmarking.rounded_size),
  percentages to whole numbers; the model takes every shown figure as exact, so the rounding is house style, not
  the protection. `audit` reads the published figures as a reader would (a rounded percentage or size gives a
  count two bounds) and proves the result.

Nothing here reads a file or writes output.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from metrics.benchmarking import rounded_size
from metrics.disclosure import DisclosureModel, Range, is_hidden, protect, ranges_from
from metrics.paygap import MEASURES, QUARTER_WORDS, QUARTERS, GroupGap, PayGapResult, label, short_label
from metrics.settings import Settings

DEFAULT_THRESHOLD: int = Settings().suppression_threshold
HOURLY_MEASURES: tuple[str, ...] = MEASURES[:2]
BONUS_MEASURES: tuple[str, ...] = MEASURES[2:]
# Counts left out by a rule ("3 rows of people who started after ...") and a combined group's size are counts of
# people the published figures do not show: the notes that give them are for internal use.
_COUNTED_NOTE = re.compile(r"(?<![\w.,])(?<!than )\d[\d,]* (?:[\w-]+ ){0,3}(?:rows?|employees?)\b"
                           r"|too few people with an hourly rate|the combined group has fewer than")
_COUNT_IN_BRACKETS = re.compile(r" \(\d[\d,]* employees?\)")


def whole(value: float | None) -> float | None:
    """A published percentage: the nearest whole number, halves up."""
    return None if value is None else float(math.floor(value + 0.5))


def size_key(group: str) -> str:
    return f"size.{group}"


def bonus_key(group: str) -> str:
    return f"bonus_received_pct.{group}"


def quarter_key(quarter: str, group: str) -> str:
    return f"quarters.{quarter}.{group}"


def aggregate_quarter_key(aggregate: str, quarter: str, group: str) -> str:
    return f"aggregate_quarters.{aggregate}.{quarter}.{group}"


def aggregate_size_key(aggregate: str, quarter: str) -> str:
    return f"aggregate_quarter_sizes.{aggregate}.{quarter}"


def pair_is_everyone(order: tuple[str, ...] | list[str], reference: str,
                     members: tuple[tuple[str, ...], tuple[str, ...]] | tuple[list[str], list[str]] | None) -> bool:
    """Whether the aggregate and the reference, ranked together, are everyone compared: then the sizes of their
    quarters follow from the public employees; otherwise (White minorities in neither, with White British as the
    reference) those sizes would give away how many are in neither."""
    if members is None:
        return False
    full, part = members
    return not part and set(full) | {reference} == set(order)


def gap_key(group: str, measure: str) -> str:
    return f"gaps.{group}.{measure}"


@dataclass(frozen=True)
class PublishedPayGaps:
    """A pay gap result as it may be published: None wherever a figure is withheld, and `withheld` saying why, in
    words, by the figure's key ('quarters.upper.Asian, Asian British or Asian Welsh: Indian', 'size.women')."""

    by: str
    snapshot: dt.date
    reference: str
    order: tuple[str, ...]
    threshold: int
    employees: int  # public: the organisation publishes its headcount
    hourly_employees: int
    quarter_sizes: dict[str, int]  # public: a quarter of the employees with an hourly rate
    sizes: dict[str, float | None]  # relevant employees by group, rounded to 10
    gaps: dict[str, GroupGap]
    bonus_received_pct: dict[str, float | None]
    quarters: dict[str, dict[str, float | None]]
    aggregate_quarters: dict[str, dict[str, dict[str, float | None]]]
    # Public when the aggregate and the reference are everyone compared (the quarters' sizes then follow from the
    # employees); else a count like any other (it gives away the people in neither), None where withheld.
    aggregate_quarter_sizes: dict[str, dict[str, int | None]]
    aggregate_members: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
    withheld: dict[str, str]
    notes: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)


def _count(share: float | None, size: int) -> int:
    return 0 if share is None else int(round(share * size / 100.0))


class _Layout:
    """The result's counts as one disclosure model's cells (keys as the published figures'), each group's size the
    sum of its quarters' counts and those not in the hourly figures, so a reader's sums are the model's."""

    def __init__(self, result: PayGapResult) -> None:
        self.model = model = DisclosureModel()
        self.result = result
        self.sizes: dict[str, dict[int, float]] = {}
        self.hourly: dict[str, dict[int, float]] = {}
        self.bonus: dict[str, dict[int, float]] = {}
        in_quarter: dict[str, dict[int, float]] = {q: {} for q in QUARTERS}
        for g in result.order:
            importance = 1 if g == result.reference else 0
            hourly: dict[int, float] = {}
            for q in QUARTERS:
                index = model.variable(("quarter", q, g), _count(result.quarters[q][g], result.quarter_sizes[q]))
                model.cell(quarter_key(q, g), {index: 1.0}, importance=importance)
                hourly[index] = 1.0
                in_quarter[q][index] = 1.0
            self._group(g, hourly, importance)
        for q in QUARTERS:
            model.known(in_quarter[q], result.quarter_sizes[q])
        everyone = {i: 1.0 for terms in (self.sizes[g] for g in result.order) for i in terms}
        model.known(everyone, result.employees)
        for name, table in result.aggregate_quarters.items():
            sizes = result.aggregate_quarter_sizes[name]
            hourly, reference = {}, {}
            for q in QUARTERS:
                mine = model.variable(("aggregate quarter", name, q, name), _count(table[q][name], sizes[q]))
                theirs = model.variable(("aggregate quarter", name, q, result.reference),
                                        _count(table[q][result.reference], sizes[q]))
                model.cell(aggregate_quarter_key(name, q, name), {mine: 1.0}, importance=1)
                model.cell(aggregate_quarter_key(name, q, result.reference), {theirs: 1.0}, importance=1)
                if pair_is_everyone(result.order, result.reference, result.aggregate_members.get(name)):
                    model.known({mine: 1.0, theirs: 1.0}, sizes[q])
                else:
                    model.cell(aggregate_size_key(name, q), {mine: 1.0, theirs: 1.0}, importance=1)
                    # With the quarter's size not public, a share is a proportion, not a count, and the two shares
                    # add up to 100: one shown gives the other (the model, taking shown shares as counts, would
                    # not see that), so they are shown together or withheld together.
                    model.all_or_none([aggregate_quarter_key(name, q, name),
                                       aggregate_quarter_key(name, q, result.reference)])
                hourly[mine] = 1.0
                reference[theirs] = 1.0
            # The reference ranked with the aggregate alone is the same people as in the full ranking.
            model.same(reference, self.hourly[result.reference])
            self._group(name, hourly, 1)
            full, part = result.aggregate_members.get(name, ((), ()))
            for own in (self.sizes, self.hourly, self.bonus):
                at_least = {i: 1.0 for g in full for i in own[g]}
                at_most = {i: 1.0 for g in (*full, *part) for i in own[g]}
                model.at_most(at_least, own[name])
                model.at_most(own[name], at_most)

    def _group(self, g: str, hourly: dict[int, float], importance: int) -> None:
        model, counts = self.model, self.result.counts[g]
        rest = model.variable(("not in the hourly figures", g), counts.relevant - counts.hourly)
        size = {**hourly, rest: 1.0}
        bonus = {model.variable(("paid a bonus", g), counts.bonus): 1.0}
        model.cell(size_key(g), size, importance=importance)
        model.cell(bonus_key(g), bonus, importance=importance)
        model.at_most(bonus, size)
        self.sizes[g], self.hourly[g], self.bonus[g] = size, hourly, bonus

    def group_cells(self, g: str) -> list[str]:
        if g in self.result.order:
            quarters = [quarter_key(q, g) for q in QUARTERS]
        else:
            quarters = [aggregate_quarter_key(g, q, w) for q in QUARTERS for w in (g, self.result.reference)]
        return [size_key(g), bonus_key(g), *quarters]


def _small_group(g: str, threshold: int) -> str:
    return f"fewer than {threshold} relevant employees in the group ({label(g)})"


def _reasons(threshold: int) -> dict[str, str]:
    return {
        "count": f"a count under {threshold}, or one that would let a reader work out a count under "
                 f"{threshold} from the figures published beside it",
        "hourly": f"fewer than {threshold} people with an hourly rate in the group or the reference",
        "bonus": f"fewer than {threshold} people paid a bonus in the group or the reference",
    }


def published(result: PayGapResult, threshold: int = DEFAULT_THRESHOLD) -> PublishedPayGaps:
    """The result as it may be published under the rule of `threshold` (see the module's words)."""
    layout = _Layout(result)
    model = layout.model
    why = _reasons(threshold)
    withheld: dict[str, str] = {}
    groups = [*result.order, *result.aggregate_quarters]
    small = {g for g in groups if is_hidden(result.counts[g].relevant, threshold)} if threshold > 1 else set()
    for g in small:
        for key in layout.group_cells(g):
            model.cells[key].hidden = True
            withheld[key] = _small_group(g, threshold)
    if threshold > 1:
        protect(model, threshold)
    hidden = {key for key, cell in model.cells.items() if cell.hidden}
    for key in sorted(hidden):
        withheld.setdefault(key, why["count"])

    def share(key: str, value: float | None) -> float | None:
        return None if key in hidden else whole(value)

    sizes = {g: None if size_key(g) in hidden else rounded_size(result.counts[g].relevant) for g in groups}
    bonus = {g: None if bonus_key(g) in hidden or size_key(g) in hidden else whole(result.bonus_received_pct[g])
             for g in groups}
    for g in groups:
        if bonus[g] is None and bonus_key(g) not in withheld:
            withheld[bonus_key(g)] = withheld.get(size_key(g), why["count"])
    quarters = {q: {g: share(quarter_key(q, g), v) for g, v in row.items()} for q, row in result.quarters.items()}
    aggregate = {name: {q: {g: share(aggregate_quarter_key(name, q, g), v) for g, v in row.items()}
                        for q, row in table.items()} for name, table in result.aggregate_quarters.items()}
    reference = result.counts[result.reference]
    gaps: dict[str, GroupGap] = {}
    for g, gap in result.gaps.items():
        counts = result.counts[g]
        few_hourly = threshold > 1 and min(counts.hourly, reference.hourly) < threshold
        few_bonus = threshold > 1 and min(counts.bonus, reference.bonus) < threshold
        shown: dict[str, float | None] = {}
        intervals: dict[str, tuple[float, float] | None] = {}
        for m in MEASURES:
            reason = None
            if g in small or result.reference in small:
                reason = _small_group(g if g in small else result.reference, threshold)
            elif (few_hourly and m in HOURLY_MEASURES) or (few_bonus and m in BONUS_MEASURES):
                reason = why["hourly" if m in HOURLY_MEASURES else "bonus"]
            value = getattr(gap, m)
            if reason is not None and value is not None:
                withheld[gap_key(g, m)] = reason
            shown[m] = None if reason else value
            intervals[m] = None if reason else gap.intervals.get(m)
        gaps[g] = GroupGap(shown["mean_pct"], shown["median_pct"], shown["bonus_mean_pct"],
                           shown["bonus_median_pct"], intervals)
    return PublishedPayGaps(
        by=result.by, snapshot=result.snapshot, reference=result.reference, order=result.order, threshold=threshold,
        employees=result.employees, hourly_employees=result.hourly_employees, quarter_sizes=dict(result.quarter_sizes),
        sizes=sizes, gaps=gaps, bonus_received_pct=bonus, quarters=quarters, aggregate_quarters=aggregate,
        aggregate_quarter_sizes={k: {q: None if aggregate_size_key(k, q) in hidden else n for q, n in v.items()}
                                 for k, v in result.aggregate_quarter_sizes.items()},
        aggregate_members=dict(result.aggregate_members), withheld=dict(sorted(withheld.items())),
        notes=published_notes(result.notes), labels=result.labels(),
    )


def published_notes(notes: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The notes that may be published: those counting people left out (or a combined group's size) are dropped,
    and one note says so."""
    stripped = [_COUNT_IN_BRACKETS.sub("", note) for note in notes]
    kept = [note for note in stripped if not _COUNTED_NOTE.search(note)]
    if len(kept) < len(notes):
        kept.append("Notes counting the people left out of these figures are in the internal figures only.")
    return tuple(kept)


def to_dict(pub: PublishedPayGaps) -> dict[str, Any]:
    """The published figures as JSON: withheld figures null, `withheld` saying why by the figure's key."""

    def interval(ci: tuple[float, float] | None) -> list[float] | None:
        return None if ci is None else [ci[0], ci[1]]

    return {
        "snapshot": pub.snapshot.isoformat(),
        "by": pub.by,
        "reference": pub.reference,
        "order": list(pub.order),
        "labels": dict(pub.labels),
        "published": True,
        "threshold": pub.threshold,
        "employees": pub.employees,
        "hourly_employees": pub.hourly_employees,
        "sizes": dict(pub.sizes),
        "gaps": {g: {**{m: getattr(gap, m) for m in MEASURES},
                     "intervals": {m: interval(ci) for m, ci in gap.intervals.items()}}
                 for g, gap in pub.gaps.items()},
        "bonus_received_pct": dict(pub.bonus_received_pct),
        "quarters": {q: dict(row) for q, row in pub.quarters.items()},
        "quarter_sizes": dict(pub.quarter_sizes),
        "aggregate_quarters": {n: {q: dict(row) for q, row in t.items()} for n, t in pub.aggregate_quarters.items()},
        "aggregate_quarter_sizes": {n: dict(s) for n, s in pub.aggregate_quarter_sizes.items()},
        "aggregate_members": {n: {"all_of": list(full), "some_of": list(part)}
                              for n, (full, part) in pub.aggregate_members.items()},
        "withheld": dict(pub.withheld),
        "notes": list(pub.notes),
    }


def withheld_sentence(pub: PublishedPayGaps, key: str) -> str:
    """A withheld figure and why, in words: 'Women: share of the upper pay quarter: withheld, a count under 10, ...'."""
    kind, rest = key.split(".", 1)
    if kind == "size":
        what = f"{short_label(rest)}: the number of relevant employees"
    elif kind == "bonus_received_pct":
        what = f"{short_label(rest)}: the proportion paid a bonus"
    elif kind == "quarters":
        quarter, group = rest.split(".", 1)
        what = f"{short_label(group)}: share of the {QUARTER_WORDS[quarter]} pay quarter"
    elif kind == "aggregate_quarter_sizes":
        aggregate, quarter = rest.split(".", 1)
        what = (f"The {QUARTER_WORDS[quarter]} pay quarter of {short_label(aggregate)} and "
                f"{short_label(pub.reference)} ranked together: the number of people")
    elif kind == "aggregate_quarters":
        aggregate, quarter, group = rest.split(".", 2)
        other = pub.reference if group != pub.reference else aggregate
        what = (f"{short_label(group)}: share of the {QUARTER_WORDS[quarter]} pay quarter, ranked with "
                f"{short_label(other)} only")
    else:
        group, measure = rest.rsplit(".", 1)
        words = {"mean_pct": "mean hourly pay gap", "median_pct": "median hourly pay gap",
                 "bonus_mean_pct": "mean bonus gap", "bonus_median_pct": "median bonus gap"}
        what = f"{short_label(group)}: the {words.get(measure, measure)}"
    return f"{what}: withheld, {pub.withheld[key]}."


# --- the audit: what a reader can work out from the published figures ------------------------------------------


@dataclass
class _Reader:
    """The counts a reader reasons about, as variables, and what the published figures tell them."""

    width: int = 0
    known: list[tuple[dict[int, float], float]] = field(default_factory=list)
    at_most: list[tuple[dict[int, float], float]] = field(default_factory=list)
    public: list[tuple[dict[int, float], float]] = field(default_factory=list)
    structure: list[tuple[dict[int, float], float]] = field(default_factory=list)

    def variable(self) -> dict[int, float]:
        self.width += 1
        return {self.width - 1: 1.0}

    def between(self, terms: Mapping[int, float], low: float, high: float) -> None:
        self.at_most.append((dict(terms), high))
        self.at_most.append(({i: -c for i, c in terms.items()}, -low))

    def no_more(self, smaller: Mapping[int, float], larger: Mapping[int, float]) -> None:
        difference = dict(smaller)
        for i, c in larger.items():
            difference[i] = difference.get(i, 0.0) - c
        self.structure.append((difference, 0.0))


def _sum(*terms: Mapping[int, float]) -> dict[int, float]:
    out: dict[int, float] = {}
    for t in terms:
        for i, c in t.items():
            out[i] = out.get(i, 0.0) + c
    return out


def _shown_share(reader: _Reader, count: Mapping[int, float], pct: float | None, whole_size: float) -> None:
    if pct is not None:
        reader.between(count, (pct - 0.5) * whole_size / 100.0, (pct + 0.5) * whole_size / 100.0)


def _shown_size(reader: _Reader, size: Mapping[int, float], rounded: float | None, step: int = 10) -> None:
    """A size rounded to the nearest `step` (halves up, never 0 for a group with people): its whole numbers."""
    if rounded is None:
        return
    if rounded <= 0:
        reader.between(size, 0, 0)
    elif rounded <= step:
        reader.between(size, 1, step + step // 2 - 1)
    else:
        reader.between(size, rounded - step // 2, rounded + step - step // 2 - 1)


def _shown_proportion(reader: _Reader, part: Mapping[int, float], whole_terms: Mapping[int, float],
                      pct: float | None) -> None:
    """part / whole x 100 rounds to `pct`: (pct - 0.5) x whole <= 100 part <= (pct + 0.5) x whole."""
    if pct is None:
        return
    reader.at_most.append((_sum({i: 100.0 * c for i, c in part.items()},
                                {i: -(pct + 0.5) * c for i, c in whole_terms.items()}), 0.0))
    reader.at_most.append((_sum({i: (pct - 0.5) * c for i, c in whole_terms.items()},
                                {i: -100.0 * c for i, c in part.items()}), 0.0))


def audit(payload: Mapping[str, Any], threshold: int = DEFAULT_THRESHOLD) -> dict[str, Range]:
    """Every withheld count of a published pay gap output (`to_dict`'s JSON, read as published) that a reader can
    narrow to fewer than `threshold` values (or to fewer than the public facts alone allow, where they pin it
    tighter), and every shown figure that gives away a count of 1 to threshold - 1 (its range lies there): empty
    when the publication is safe. What a reader knows: the employees in all and the quarters'
    sizes (public); each shown share of a quarter (a whole percentage: the count within half a percent of the
    quarter); each shown size (rounded to 10); each shown bonus proportion (of the group's size); that the groups
    share out every quarter and the employees, that a group's hourly people are among its relevant ones and its
    bonus receivers among them too, and how the aggregate (the minority-ethnic group) is made of the groups."""
    reader = _Reader()
    quarters, sizes_q = payload["quarters"], payload["quarter_sizes"]
    reference = payload["reference"]
    order: list[str] = list(payload["order"])
    targets: dict[str, dict[int, float]] = {}
    shown: dict[str, dict[int, float]] = {}
    size: dict[str, dict[int, float]] = {}
    hourly: dict[str, dict[int, float]] = {}
    bonus: dict[str, dict[int, float]] = {}

    def group(g: str, cells: dict[str, dict[int, float]]) -> None:
        hourly[g] = _sum(*cells.values())
        size[g] = _sum(hourly[g], reader.variable())
        bonus[g] = reader.variable()
        reader.no_more(bonus[g], size[g])
        _shown_size(reader, size[g], payload["sizes"].get(g))
        _shown_proportion(reader, bonus[g], size[g], payload["bonus_received_pct"].get(g))
        (targets if payload["sizes"].get(g) is None else shown)[size_key(g)] = size[g]
        (targets if payload["bonus_received_pct"].get(g) is None else shown)[bonus_key(g)] = bonus[g]

    columns: dict[str, list[dict[int, float]]] = {q: [] for q in QUARTERS}
    for g in order:
        cells = {}
        for q in QUARTERS:
            cells[q] = reader.variable()
            columns[q].append(cells[q])
            _shown_share(reader, cells[q], quarters[q][g], sizes_q[q])
            (targets if quarters[q][g] is None else shown)[quarter_key(q, g)] = cells[q]
        group(g, cells)
    for q in QUARTERS:
        reader.public.append((_sum(*columns[q]), float(sizes_q[q])))
    reader.public.append((_sum(*(size[g] for g in order)), float(payload["employees"])))
    for name, table in payload.get("aggregate_quarters", {}).items():
        pair_sizes = payload["aggregate_quarter_sizes"][name]
        members = payload.get("aggregate_members", {}).get(name, {"all_of": [], "some_of": []})
        everyone = pair_is_everyone(order, reference, (members["all_of"], members["some_of"]))
        mine, theirs = {}, {}
        for q in QUARTERS:
            mine[q], theirs[q] = reader.variable(), reader.variable()
            pair = _sum(mine[q], theirs[q])
            if everyone:
                reader.public.append((pair, float(pair_sizes[q])))
            elif pair_sizes[q] is not None:
                reader.known.append((pair, float(pair_sizes[q])))
                shown[aggregate_size_key(name, q)] = pair
            else:
                targets[aggregate_size_key(name, q)] = pair
            for who, cell in ((name, mine[q]), (reference, theirs[q])):
                if pair_sizes[q] is not None:
                    _shown_share(reader, cell, table[q][who], pair_sizes[q])
                else:
                    _shown_proportion(reader, cell, pair, table[q][who])
                (targets if table[q][who] is None else shown)[aggregate_quarter_key(name, q, who)] = cell
        reader.structure.append((_sum(*theirs.values(), {i: -c for i, c in hourly[reference].items()}), 0.0))
        reader.structure.append(({i: -c for i, c in _sum(*theirs.values(), {
            i: -c for i, c in hourly[reference].items()}).items()}, 0.0))
        group(name, mine)
        for own in (size, hourly, bonus):
            reader.no_more(_sum(*(own[g] for g in members["all_of"])), own[name])
            reader.no_more(own[name], _sum(*(own[g] for g in (*members["all_of"], *members["some_of"]))))
    facts = [*reader.public, *reader.known]
    bounds = [*reader.at_most, *reader.structure]
    found = ranges_from(reader.width, facts, bounds, {**targets, **shown})
    alone = ranges_from(reader.width, reader.public, reader.structure, targets)
    narrow = {key: found[key] for key in targets if found[key].width < min(float(threshold), alone[key].width)}
    small = {key: r for key, r in ((k, found[k]) for k in shown) if r.low >= 1 and r.high is not None
             and r.high < threshold}
    return {**narrow, **small}
