"""Publication-safe results: small counts, and whatever would let a reader work them out, withheld.

On screen, people entitled to see the data get the real counts with a warning; anything made to be
published or shared goes through `publish`. It lays every count the results publish out as one
disclosure model (metrics.disclosure), in which the same people counted by two metrics are the same
numbers (the staff in post are the pay bands' total, the disciplinary base and the senior-management
base), then protects it: counts 1 to threshold - 1 are hidden, and then more, until no hidden count
can be narrowed to fewer than `threshold` possible values from everything published with it. Rates,
ratios, intervals, percentages and sentences are rebuilt from what is left, so each is withheld as
soon as a count it rests on is; published percentages are rounded to whole numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from metrics import stats
from metrics.counts import DataQuality
from metrics.disclosure import DisclosureModel, protect
from metrics.narrative import listed, sentence_for
from metrics.registry import split_cluster
from metrics.results import (
    WITHHELD_REASON,
    BandRow,
    GroupFigures,
    MetricResult,
    Ratio,
    known_share,
    ratio_for,
    representation_ratio,
    share_result,
)
from metrics.settings import Settings

TOTAL = "total"
# Between a service's name and a cell's key in the model: "Adults|M8.bme.events".
SCOPE_MARK = "|"


def _key(*parts: object) -> str:
    return ".".join(str(p) for p in parts if p is not None)


def _questions(result: MetricResult) -> list[tuple[str | None, MetricResult]]:
    if result.questions and len(result.questions) > 1:
        return [(key, question) for key, question in result.questions.items() if question.groups]
    return [(None, result)] if result.groups else []


class _Builder:
    """Lays the results' counts out as cells of one model, tying the same people together."""

    def __init__(self, results: Mapping[str, MetricResult], model: DisclosureModel | None = None,
                 scope: str | None = None, *, published: bool = True) -> None:
        self.model = model if model is not None else DisclosureModel()
        self.scope, self.published = scope, published
        # Each cell by its key without the scope: the same figure of the whole and of each service.
        self.by_key: dict[str, dict[int, float]] = {}
        # The staff in post, by group, as the sum of the pay band variables: the people every "staff" base counts.
        self.staff: dict[str, dict[int, float]] = {}
        for result in results.values():
            if result.status != stats.NO_DATA and result.definition.kind == "distribution":
                self._bands(result)
        for result in results.values():
            if result.status == stats.NO_DATA or result.definition.kind == "distribution":
                continue
            tables = []
            for question, figures in _questions(result):
                table = self._groups(result, question, figures)
                tables.append(table)
                self.quality(result, question, figures.quality, [table])
            if result.questions and len(result.questions) > 1:
                self.quality(result, None, result.quality, tables)

    def cell(self, key: str, terms: Mapping[int, float]) -> None:
        self.by_key[key] = dict(terms)
        # The whole organisation's figures are the headline: a service's count is hidden before one of them.
        self.model.cell(self.scoped(key), terms, published=self.published, importance=0 if self.scope else 1)

    def scoped(self, key: str) -> str:
        return f"{self.scope}{SCOPE_MARK}{key}" if self.scope else key

    def line(self, total: str, members: list[str]) -> None:
        self.model.line(self.scoped(total), [self.scoped(m) for m in members])

    def variable(self, name: tuple, value: float) -> int:
        return self.model.variable((self.scope, *name), value)

    def _bands(self, result: MetricResult) -> None:
        metric, comparison = result.id, result.comparison
        groups = comparison.keys
        columns: dict[str, dict[int, float]] = {g: {} for g in groups}
        for row in result.bands:
            row_terms: dict[int, float] = {}
            for g in groups:
                index = self.variable(("staff", row.band, g), row.counts[g] or 0.0)
                self.cell(_key(metric, row.band, g), {index: 1.0})
                row_terms[index] = 1.0
                columns[g][index] = 1.0
            self.cell(_key(metric, row.band, TOTAL), row_terms)
            self.line(_key(metric, row.band, TOTAL), [_key(metric, row.band, g) for g in groups])
        every: dict[int, float] = {}
        for g in groups:
            self.cell(_key(metric, "overall", g), columns[g])
            every |= columns[g]
            self.staff[g] = columns[g]
        self.cell(_key(metric, "overall", TOTAL), every)
        for g in groups:
            self.line(_key(metric, "overall", g), [_key(metric, row.band, g) for row in result.bands])
        self.line(_key(metric, "overall", TOTAL), [_key(metric, "overall", g) for g in groups])
        self.cell(_key(metric, "quality", TOTAL), every)
        # The data-quality line's unknown count (its key says "unknown" whatever the comparison calls the group).
        self.cell(_key(metric, "quality", "unknown"), columns[comparison.unknown.key])

    def _base_terms(self, result: MetricResult, group: str, base: float) -> dict[int, float]:
        model, population = self.model, result.definition.population
        staff = self.staff.get(group)
        if staff is not None:
            in_post = model.total(staff)
            if population == "staff" and abs(base - in_post) < 1e-9:
                return dict(staff)
            if population == "staff" and base > in_post:  # in post without a pay band: counted here, not in them
                return staff | {self.variable(("staff without a band", group, base), base - in_post): 1.0}
            if population == "average staff" and 2 * base - in_post >= 0:
                start = self.variable(("staff at the start", group, base), 2 * base - in_post)
                return {**{i: 0.5 * c for i, c in staff.items()}, start: 0.5}
        # Named by its value: the same population counted the same in two places is one number to a reader.
        return {self.variable((population, group, base), base): 1.0}

    def _groups(self, result: MetricResult, question: str | None,
                figures: MetricResult) -> tuple[dict[int, float], dict[int, float]]:
        """The cells of one group table; returns the sums of everyone's and the unknown group's bases."""
        model, metric = self.model, result.id
        bases: dict[str, dict[int, float]] = {}
        for g in result.comparison.keys:
            group = figures.groups[g]
            base = self._base_terms(result, g, group.base or 0.0)
            bases[g] = base
            if result.definition.within == "staff" and g in self.staff:
                model.at_most(base, self.staff[g])
            self.cell(_key(metric, question, g, "base"), base)
            if result.definition.kind == "score":
                # A mean score is not a count: its group's respondents are what the rule protects, and the mean
                # (and its deviation) is published only with them (_publish_groups).
                continue
            events = self.variable((metric, question, g, "events"), group.events or 0.0)
            self.cell(_key(metric, question, g, "events"), {events: 1.0})
            # Not where the events exceed the base (people who left during the year, over those in post at its
            # end): the published figures show it, so a reader knows no such bound, and a false one would let
            # the model "prove" cells safe or exposed that are not.
            if result.definition.events_among_base and (group.events or 0.0) <= model.total(base):
                model.at_most({events: 1.0}, base)
        if result.definition.events_population and result.definition.kind != "score":
            # Counts of a population of their own (the board), whose size a reader knows: a small count among them
            # could be narrowed by the others, so they are shown all together or not at all.
            model.all_or_none([self.scoped(_key(metric, question, g, "events")) for g in result.comparison.keys])
        everyone: dict[int, float] = {}
        for terms in bases.values():
            for index, c in terms.items():
                everyone[index] = everyone.get(index, 0.0) + c
        self.cell(_key(metric, question, "base", TOTAL), everyone)
        self.line(_key(metric, question, "base", TOTAL),
                  [_key(metric, question, g, "base") for g in result.comparison.keys])
        return everyone, bases[result.comparison.unknown.key]

    def quality(self, result: MetricResult, question: str | None, quality: DataQuality,
                tables: list[tuple[dict[int, float], dict[int, float]]]) -> None:
        """The data-quality line's counts: the same cells as a table's totals when they are the same numbers."""
        model, metric = self.model, result.id
        for part, value, index in ((TOTAL, quality.total, 0), ("unknown", quality.unknown, 1)):
            if not value:
                continue
            same = next((t[index] for t in tables if abs(model.total(t[index]) - value) < 1e-9), None)
            terms = same if same is not None else {
                self.variable((result.definition.population, part, value), value): 1.0}
            self.cell(_key(metric, question, "quality", part), terms)


# Pay bands shown together for publication ---------------------------------------------------------


def band_runs(result: MetricResult, threshold: int) -> list[list[str]]:
    """The pay bands (lowest first) as runs of adjacent bands to publish together, so that the publication rule
    combines rather than withholds where it can: from the highest band down, each run is the fewest bands whose
    counts by group are each 0 or at least `threshold`; bands left over at the bottom join the runs above them
    until safe (or all are one run). The statistical disclosure guidance prefers this (recoding) to suppressing
    cells, and it keeps the finding a board exists to see (how many senior staff are minority-ethnic) where
    withholding would hide it. Bands shown by cluster ("Clinical: Band 5") combine only within their cluster: each
    cluster's bands are runs of their own."""
    clusters: dict[str, list[str]] = {}
    for row in result.bands:
        clusters.setdefault(split_cluster(row.band)[0], []).append(row.band)
    return [run for bands in clusters.values() for run in _runs(result, bands, threshold)]


def _runs(result: MetricResult, bands: list[str], threshold: int) -> list[list[str]]:
    """band_runs over `bands` (lowest first) alone."""
    counts = {row.band: row.counts for row in result.bands}
    groups = result.comparison.keys

    def safe(run: list[str]) -> bool:
        return all(v == 0 or v >= threshold for v in (sum(counts[b][g] or 0.0 for b in run) for g in groups))

    runs: list[list[str]] = []
    current: list[str] = []
    for band in reversed(bands):
        current.append(band)
        if safe(current):
            runs.append(current)
            current = []
    # Bands left over at the bottom join the runs above them, as many as it takes to be safe (a run of empty bands
    # above a small one is no cover), or all of them.
    while current and runs:
        current = runs.pop() + current
        if safe(current):
            break
    if current:
        runs.append(current)
    return [list(reversed(run)) for run in reversed(runs)]


def _run_name(run: list[str]) -> str:
    """"Band 2 to Band 4"; within a cluster, the cluster once: "Clinical: Band 2 to Band 4"."""
    return run[0] if len(run) == 1 else f"{run[0]} to {split_cluster(run[-1])[1]}"


def combine_bands(result: MetricResult, runs: list[list[str]]) -> MetricResult:
    """M1 with each run of bands as one row (counts summed, percentages of the row), and `combined` saying which.
    Bands a result lacks (a service with nobody in them) are simply not in its sums."""
    if result.definition.kind != "distribution" or all(len(run) == 1 for run in runs):
        return result
    by_band = {row.band: row for row in result.bands}
    comparison = result.comparison
    rows: list[BandRow] = []
    said: list[str] = []
    for run in runs:
        present = [by_band[b] for b in run if b in by_band]
        if not present:
            continue
        if len(run) == 1:
            rows.append(present[0])
            continue
        counts = {g: sum(row.counts[g] or 0.0 for row in present) for g in comparison.keys}
        total = sum(counts.values())
        pct: dict[str, float | None] = {g: 100 * counts[g] / total if total else None for g in comparison.keys}
        rows.append(BandRow(_run_name(run), dict(counts), pct, total,
                            known_share(counts[comparison.focus.key], counts[comparison.reference.key])))
        said.append(f"{listed(run)} are shown together as {_run_name(run)}")
    return replace(result, bands=tuple(rows), combined=tuple(said))


def _runs_of(results: Mapping[str, MetricResult], threshold: int) -> dict[str, list[list[str]]]:
    """Each distribution metric's runs of bands to publish together (band_runs)."""
    return {m: band_runs(r, threshold) for m, r in results.items()
            if r.definition.kind == "distribution" and r.status != stats.NO_DATA and r.bands}


def _combined(results: Mapping[str, MetricResult], runs: Mapping[str, list[list[str]]]) -> dict[str, MetricResult]:
    """The results with each distribution metric's bands combined by `runs` (its own, or the whole organisation's,
    so that each service's rows are the whole's rows and add up to them)."""
    return {m: combine_bands(r, runs[m]) if m in runs and r.bands else r for m, r in results.items()}


def _hidden_keys(model: DisclosureModel, threshold: int) -> frozenset[str]:
    protect(model, threshold)
    return frozenset(k for k, cell in model.cells.items() if cell.hidden and cell.published)


def protect_results(results: Mapping[str, MetricResult], threshold: int) -> frozenset[str]:
    """The keys of the results' published counts that must be hidden, together, under the rule of `threshold`."""
    return _hidden_keys(_Builder(results).model, threshold)


def _whole(value: float | None) -> float | None:
    return None if value is None else float(round(value))


def _quality(quality: DataQuality, hidden: frozenset[str], metric: str, question: str | None = None) -> DataQuality:
    # Labels and their counts identify people in small teams; the Data page shows them in-house.
    total_hidden = _key(metric, question, "quality", TOTAL) in hidden
    unknown_hidden = _key(metric, question, "quality", "unknown") in hidden
    return DataQuality(total=None if total_hidden else quality.total,
                       unknown=None if unknown_hidden else quality.unknown, unrecognised={}, pct_places=0)


def _publish_groups(result: MetricResult, settings: Settings, hidden: frozenset[str],
                    question: str | None) -> MetricResult:
    metric = result.id
    groups: dict[str, GroupFigures] = {}
    withheld: set[str] = set()
    for g in result.comparison.keys:
        figures = result.groups[g]
        base_hidden = _key(metric, question, g, "base") in hidden
        events_hidden = _key(metric, question, g, "events") in hidden
        withheld |= {f"{g}.events"} if events_hidden else set()
        withheld |= {f"{g}.base"} if base_hidden else set()
        groups[g] = GroupFigures(None if events_hidden else figures.events, None if base_hidden else figures.base,
                                 None if events_hidden or base_hidden else figures.rate)
    quality = _quality(result.quality, hidden, metric, question)
    if result.definition.kind == "share":
        # One group's percentage, rounded to a whole number as every published percentage is, with its interval.
        share = share_result(result.definition, groups, settings, quality)
        ci = None if share.ci is None else (float(round(share.ci[0])), float(round(share.ci[1])))
        return replace(share, value=_whole(share.value), ci=ci, hidden=frozenset(withheld),
                       question_label=result.question_label, questions=result.questions)
    if result.definition.kind == "score":
        return _publish_scores(result, groups, frozenset(withheld), quality, settings)
    # Rebuilt from the published counts: withheld as soon as one it rests on is hidden.
    ratio = ratio_for(result.definition, groups, settings) if result.ratio is not None else None
    published = replace(result, groups=groups, ratio=ratio, hidden=frozenset(withheld),
                        quality=_quality(result.quality, hidden, metric, question),
                        value=ratio.value if ratio else None, ci=ratio.ci if ratio else None,
                        status=ratio.status if ratio else result.status)
    if result.definition.kind == "representation":
        published = _representation(published, result, groups, settings)
    return published


def _publish_scores(result: MetricResult, groups: dict[str, GroupFigures], withheld: frozenset[str],
                    quality: DataQuality, settings: Settings) -> MetricResult:
    """A difference of mean scores as published. A group's respondents are counts, withheld as the rule says
    (`groups`' bases). Its mean is withheld when its respondents are fewer than the threshold (a mean of a few people
    is near enough their own scores), not merely because the count is withheld to protect another: a mean does not
    give its count away. Its standard deviation goes with its count (with the mean and the interval, they would give
    the count back), as does the interval, and the organisation's mean, which with the groups' would give a
    withheld group's away."""
    threshold = settings.suppression_threshold
    full = result.groups
    published: dict[str, GroupFigures] = {}
    said = set(withheld)
    for g, figures in groups.items():
        small = 0 < (full[g].base or 0.0) < threshold
        published[g] = GroupFigures(None if small else full[g].events, figures.base, None)
        if small:
            said.add(f"{g}.events")
    sds = {g: None if groups[g].base is None else result.sds.get(g) for g in groups}
    every = all(f.base is not None for f in groups.values())
    top = result.definition.numerator_group(settings.standard)
    bottom = result.definition.denominator_group(settings.standard)
    compared = (top, bottom)
    value_shown = result.value is not None and all(published[g].events is not None for g in compared)
    ci_shown = value_shown and all(groups[g].base is not None for g in compared)
    ratio = result.ratio
    if result.value is not None and not value_shown:
        ratio = Ratio(None, None, stats.WITHHELD, WITHHELD_REASON)
    elif ratio is not None and not ci_shown:
        ratio = replace(ratio, ci=None)
    return replace(result, groups=published, sds=sds, hidden=frozenset(said), quality=quality,
                   overall_score=result.overall_score if every else None,
                   overall_base=result.overall_base if every else None,
                   value=result.value if value_shown else None, ci=result.ci if ci_shown else None,
                   ratio=ratio, status=result.status if value_shown or result.value is None else stats.WITHHELD)


def _representation(published: MetricResult, result: MetricResult, groups: dict[str, GroupFigures],
                    settings: Settings) -> MetricResult:
    focus, reference = (groups[g] for g in result.comparison.known)
    senior_hidden = focus.events is None or reference.events is None
    workforce_hidden = focus.base is None or reference.base is None
    hide_value = senior_hidden or workforce_hidden
    value = None if hide_value else result.value
    ci = None if hide_value else result.ci
    # The status in points, as computed (metrics.results.representation_ratio), withheld with the figure.
    ratio = representation_ratio(result.definition, groups, value, ci, result.workforce_pct, settings)
    return replace(
        published,
        senior_pct=None if senior_hidden else _whole(result.senior_pct),
        workforce_pct=None if workforce_hidden else _whole(result.workforce_pct),
        value=value,
        ci=ci,
        ratio=ratio,
        status=ratio.status,
    )


def _publish_bands(result: MetricResult, hidden: frozenset[str]) -> MetricResult:
    metric, comparison = result.id, result.comparison
    groups = comparison.keys

    def row(band: BandRow, name: str) -> tuple[BandRow, set[str]]:
        cells = {g: None if _key(metric, name, g) in hidden else band.counts[g] for g in groups}
        total_hidden = _key(metric, name, TOTAL) in hidden
        pct = {g: None if cells[g] is None or total_hidden else _whole(band.pct[g]) for g in groups}
        # Withheld whenever the band's minority-ethnic (focus group's) percentage or a count it rests on is: nothing
        # new is shown.
        known = (None if pct[comparison.focus.key] is None or cells[comparison.reference.key] is None
                 else _whole(band.known_pct))
        return (BandRow(band.band, cells, pct, None if total_hidden else band.total, known),
                {f"{band.band}.{g}" for g in groups if cells[g] is None})

    bands, withheld = [], set()
    for band in result.bands:
        published, gone = row(band, band.band)
        bands.append(published)
        withheld |= gone
    overall = row(result.overall, "overall")[0] if result.overall is not None else None
    return replace(result, bands=tuple(bands), overall=overall, hidden=frozenset(withheld),
                   quality=_quality(result.quality, hidden, metric))


def _less(whole: float | None, parts: list[float | None]) -> float:
    return (whole or 0.0) - sum(p or 0.0 for p in parts)


def _rest_groups(whole: MetricResult, parts: list[MetricResult]) -> dict[str, GroupFigures]:
    return {g: GroupFigures(_less(whole.groups[g].events, [p.groups[g].events for p in parts]),
                            _less(whole.groups[g].base, [p.groups[g].base for p in parts]), None)
            for g in whole.comparison.keys}


def _rest_quality(whole: DataQuality, parts: list[DataQuality]) -> DataQuality:
    return DataQuality(total=int(_less(whole.total, [p.total for p in parts])),
                       unknown=int(_less(whole.unknown, [p.unknown for p in parts])))


def _rest(whole: MetricResult, parts: list[MetricResult]) -> MetricResult | None:
    """The whole less its services: the people in no service (or one not published), whom nobody sees
    counted but who tie the services to the whole. None when the services do not add up to it (a dataset
    without a service column), so no such tie is claimed."""
    # A narrative has no counts. (Not "no groups": a survey metric of several questions keeps its counts in its
    # questions, and its services must still tie to the whole.)
    if whole.status == stats.NO_DATA or any(p.status == stats.NO_DATA for p in parts) or (
            whole.definition.kind == "narrative"):
        return None
    quality = _rest_quality(whole.quality, [p.quality for p in parts])
    if whole.definition.kind == "distribution":
        by_band = [{row.band: row for row in p.bands} for p in parts]
        keys = whole.comparison.keys
        bands = tuple(BandRow(row.band, {g: _less(row.counts[g], [b[row.band].counts[g] for b in by_band
                                                                  if row.band in b]) for g in keys},
                              dict.fromkeys(keys)) for row in whole.bands)
        if any(set(b) - {row.band for row in whole.bands} for b in by_band):
            return None
        rest = replace(whole, bands=bands, quality=quality)
        counts = [v for row in bands for v in row.counts.values()]
    elif whole.questions and len(whole.questions) > 1:
        questions = {k: replace(q, groups=_rest_groups(q, [p.questions[k] for p in parts]),
                                quality=_rest_quality(q.quality, [p.questions[k].quality for p in parts]))
                     for k, q in whole.questions.items() if q.groups and all(k in p.questions for p in parts)}
        rest = replace(whole, questions=questions, quality=quality)
        counts = [v for q in questions.values() for f in q.groups.values() for v in (f.events, f.base)]
    else:
        groups = _rest_groups(whole, parts)
        if whole.definition.kind == "score":  # means do not subtract: only the respondents tie together
            groups = {g: replace(f, events=0.0) for g, f in groups.items()}
        rest = replace(whole, groups=groups, quality=quality)
        counts = [v for f in groups.values() for v in (f.events, f.base)]
    counts += [quality.total, quality.unknown]
    return rest if all(v is not None and v >= -1e-9 for v in counts) else None


@dataclass(frozen=True)
class PublishedTogether:
    """The whole and each service, protected as one publication: no withheld count of any of them can be
    narrowed from all of them together (a service's count by subtracting the others from the whole).
    `divisions` are further ways of dividing the same whole published with it (a breakdown's subgroups by a
    column: metrics.publish_breakdown), each by its name, then each part's figures."""

    whole: dict[str, MetricResult]
    parts: dict[str, dict[str, MetricResult]]
    divisions: dict[str, dict[str, dict[str, MetricResult]]] = field(default_factory=dict)


# Between a division's name and a part's, in the scope of the part's cells ("team>Adults|M2.bme.events"), so
# that a team called as a service is not taken for it.
DIVISION_MARK = ">"


@dataclass(frozen=True)
class Division:
    """A way of dividing the whole into parts that add up to it, with what is left (the rest) unpublished;
    `exhaustive` when the rest is known to be nobody (a breakdown, whose blanks are a subgroup of their own), which
    a reader knows too."""

    parts: Mapping[str, Mapping[str, MetricResult]]
    exhaustive: bool = False


def publish_together(whole: Mapping[str, MetricResult], parts: Mapping[str, Mapping[str, MetricResult]],
                     settings: Settings, *, divisions: Mapping[str, Division] | None = None) -> PublishedTogether:
    """Publish the whole and its parts (each service) so that they are safe side by side; with `divisions`, each
    division's parts too, all in one model (a count of any can be narrowed by none of the others)."""
    threshold = settings.suppression_threshold
    divisions = dict(divisions or {})
    if threshold <= 1:
        return PublishedTogether(dict(whole), {k: dict(v) for k, v in parts.items()},
                                 {d: {k: dict(v) for k, v in division.parts.items()}
                                  for d, division in divisions.items()})
    runs = _runs_of(whole, threshold)
    whole = _combined(whole, runs)
    every = {"": Division(parts)} | divisions
    combined = {d: {name: _combined(results, runs) for name, results in division.parts.items()}
                for d, division in every.items()}
    model = DisclosureModel()
    main = _Builder(whole, model)
    for d, division in every.items():
        _tie(model, main, whole, combined[d], d, exhaustive=division.exhaustive)
    hidden = _hidden_keys(model, threshold)
    published_whole = {m: publish_result(r, settings, hidden) for m, r in whole.items()}
    published: dict[str, dict[str, dict[str, MetricResult]]] = {}
    for d, division_parts in combined.items():
        published[d] = {}
        for name, results in division_parts.items():
            mark = f"{_scope(d, name)}{SCOPE_MARK}"
            own = frozenset(k.removeprefix(mark) for k in hidden if k.startswith(mark))
            published[d][name] = {m: publish_result(r, settings, own) for m, r in results.items()}
    services = published.pop("")
    return PublishedTogether(published_whole, services, published)


def _scope(division: str, name: str) -> str:
    return f"{division}{DIVISION_MARK}{name}" if division else name


def _tie(model: DisclosureModel, main: _Builder, whole: Mapping[str, MetricResult],
         parts: Mapping[str, Mapping[str, MetricResult]], division: str, *, exhaustive: bool) -> None:
    """Lay out one division's parts in the model and tie them to the whole: each count of the whole is the sum of
    the parts' (those that count the metric: a part without it counts nobody for it) and the rest's, unpublished;
    the rest is nobody when the division is `exhaustive` and it is so."""
    builders = [_Builder(results, model, _scope(division, name)) for name, results in parts.items()]
    rests = {m: r for m, r in ((m, _rest(whole[m], [p[m] for p in parts.values() if m in p]))
                               for m in whole if any(m in p for p in parts.values())) if r is not None}
    rest = _Builder(rests, model, f"(the rest{f' of {division}' if division else ''})", published=False)
    for key, terms in main.by_key.items():
        if key.split(".", 1)[0] not in rests:
            continue
        summed: dict[int, float] = {}
        for builder in [*builders, rest]:
            for index, c in builder.by_key.get(key, {}).items():
                summed[index] = summed.get(index, 0.0) + c
        if abs(model.total(terms) - model.total(summed)) < 1e-6:  # only what is true is claimed
            model.same(terms, summed)
            model.line(key, [b.scoped(key) for b in [*builders, rest] if key in b.by_key])
    if exhaustive:
        for terms in rest.by_key.values():
            if abs(model.total(terms)) < 1e-9:  # nobody, as a reader is told: again only what is true
                model.same(terms, {})


def publish_result(result: MetricResult, settings: Settings, hidden: frozenset[str] | None = None) -> MetricResult:
    """One metric as published. `hidden` is what protect_results decided for everything published with it;
    without it the metric is protected on its own."""
    if settings.suppression_threshold <= 1 or result.status == stats.NO_DATA:
        return result
    if hidden is None:
        alone = {result.id: result}
        result = _combined(alone, _runs_of(alone, settings.suppression_threshold))[result.id]
        hidden = protect_results({result.id: result}, settings.suppression_threshold)
    if result.definition.kind == "distribution":
        published = _publish_bands(result, hidden)
    elif result.questions and len(result.questions) > 1:
        questions = {k: _publish_groups(q, settings, hidden, k) if q.groups else q
                     for k, q in result.questions.items()}
        questions = {k: replace(q, sentence=sentence_for(q, settings)) for k, q in questions.items()}
        if result.definition.kind == "representation":
            # The first item's figures are the result's own (metrics.results._representation), as published.
            published = replace(next(iter(questions.values())), questions=questions, question_label="",
                                quality=_quality(result.quality, hidden, result.id))
        else:
            # The headline status from the published questions': a withheld question no longer counts as adverse.
            published = replace(result, questions=questions, quality=_quality(result.quality, hidden, result.id),
                                status=stats.headline_status([q.status for q in questions.values()]))
    elif result.groups:
        published = _publish_groups(result, settings, hidden, None)
        if result.questions and result.definition.kind == "representation":
            # An item keeps its words (the board's voting members), which its sentence gives.
            label = next(iter(result.questions.values())).question_label
            item = replace(published, question_label=label, questions={})
            published = replace(published, questions={k: replace(item, sentence=sentence_for(item, settings))
                                                      for k in result.questions})
        elif result.questions:
            published = replace(published, questions={k: published for k in result.questions})
    else:
        published = result
    return replace(published, sentence=sentence_for(published, settings))


def publish(results: dict[str, MetricResult], settings: Settings, *, combine: bool = True) -> dict[str, MetricResult]:
    """Every metric with the suppression rule of `settings.suppression_threshold` applied, protected together;
    pay bands combined first unless `combine` is False (the audit's planted faults need cells to withhold)."""
    if settings.suppression_threshold <= 1:
        return dict(results)
    if combine:
        results = _combined(results, _runs_of(results, settings.suppression_threshold))
    hidden = protect_results(results, settings.suppression_threshold)
    return {metric_id: publish_result(result, settings, hidden) for metric_id, result in results.items()}
