"""Saved figure sets: the counts behind every metric for one organisation, period and scope.

"Save these figures as a period" keeps a `metrics.counts.FigureSet` (counts by metric, item and
group, with its data quality) so next year's figures can be shown beside this year's. Counts by
group only: no row here stands for a person. A saved period also records whose groups its counts are
(`FigureSet.comparison`, by its key: "ethnicity", "disability") and the metrics counted under their standard's
own population rule (`FigureSet.own_rules`), so it reads back as it was counted (schema version 6).

Benchmarking across organisations: `benchmark_sources` lists what someone may set beside their own figures, the
latest whole-organisation period of every organisation they may read and, when they have a role here, of every
other organisation that shares its published figures (Settings.share_for_benchmarking), marked published only.
`load_benchmark_figures` loads one with that mark, checking the sharing as it loads, so that withdrawing it takes
effect at once; `metrics.benchmarking.benchmark` requires the marked names and shows those only as published.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from access import Caller
from data_loaders.comparison import COMPARISONS, ETHNICITY, Comparison, comparison_named
from data_loaders.errors import InputError
from metrics.counts import DataQuality, FigureSet, Period, validate_counts
from metrics.registry import DEFAULT_STANDARD, METRICS, STANDARDS
from metrics.settings import Settings
from storage.allowed import UNRESTRICTED, check_edit, check_read, check_shared, readable
from storage.db import (
    MAX_NAME_CHARS,
    StaleEdit,
    as_utc,
    check_name,
    check_period,
    check_text,
    figure_counts,
    figure_set_key,
    figure_set_state,
    figure_sets,
    inserted_id,
    plain_json,
    read_connection,
    utc_now,
    write_audit,
    write_transaction,
)
from storage.organisation_settings import sharing_for_benchmarking

SOURCES: tuple[str, ...] = ("records", "counts template")
# The settings the counts themselves depend on (not labels, thresholds or chart order).
COUNTING_CHOICES: tuple[str, ...] = (
    "white_minorities_as_bme",
    "ethnicity_overrides",
    "pay_band_boundaries",
    "senior_bands",
)
# Unrecognised ethnicity labels kept per metric: enough to classify them next year, bounded
# however messy the export was.
MAX_UNRECOGNISED_LABELS = 50
MAX_LABEL_CHARS = 200
MAX_JSON_CHARS = 200_000


@dataclass(frozen=True)
class FigureSetSummary:
    id: int
    organisation: str
    period_start: dt.date
    period_end: dt.date
    scope: str
    source: str
    available: tuple[str, ...]
    version: int
    saved_by: str | None
    saved_at: dt.datetime | None
    # Whose groups the counts are: a data_loaders.comparison key ("ethnicity", "disability").
    comparison: str = ETHNICITY.key

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.period_end)

    @property
    def label(self) -> str:
        """'1 April 2025 to 31 March 2026', with the scope in brackets when there is one."""
        return f"{self.period} ({self.scope})" if self.scope else str(self.period)

    # StaleEdit names who saved and when through these.
    @property
    def updated_by(self) -> str | None:
        return self.saved_by

    @property
    def updated_at(self) -> dt.datetime | None:
        return self.saved_at

    def state(self) -> dict[str, Any]:
        """What the history records of a figure set: this summary, never the counts."""
        return figure_set_state({
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "scope": self.scope,
            "source": self.source,
            "available": json.dumps(list(self.available)),
            "comparison": self.comparison,
        })


def counting_choices(settings: Settings) -> dict[str, Any]:
    """The classification choices behind a figure set's counts, as plain JSON values for `made_with`."""
    choices: dict[str, Any] = {}
    for name in COUNTING_CHOICES:
        value = getattr(settings, name)
        choices[name] = list(value) if isinstance(value, tuple) else value
    return choices


def standard_scope(standard: str) -> str:
    """What a standard's saved figures, panels and plan are kept under, for the whole organisation: "" for the
    default standard (where everything saved before there were others is), otherwise its short name ("NHS WRES")."""
    if standard not in STANDARDS:
        raise ValueError(f"no standard {standard!r}; the standards are {', '.join(STANDARDS)}")
    return "" if standard == DEFAULT_STANDARD else STANDARDS[standard].name


def scope_of(filters: Mapping[str, Sequence[str]]) -> str:
    """Filters in words for the scope: {"service": ["Adults"]} -> "service: Adults"; none -> ""."""
    return "; ".join(f"{column}: {', '.join(map(str, values))}" for column, values in sorted(filters.items())
                     if values)


def _json(value: Any, what: str) -> str:
    return plain_json(value, what, MAX_JSON_CHARS)


def _whole(value: Any) -> int | None:
    return None if value is None else int(value)


def _capped_labels(unrecognised: Mapping[str, int]) -> dict[str, int]:
    # Labels are category words, not people, but an export can hold thousands of stray ones.
    kept: dict[str, int] = {}
    for label, count in Counter({str(k): int(v) for k, v in unrecognised.items()}).most_common():
        short = label[:MAX_LABEL_CHARS]
        if short not in kept and len(kept) == MAX_UNRECOGNISED_LABELS:
            continue
        kept[short] = kept.get(short, 0) + count
    return kept


def _quality_values(quality: Mapping[str, DataQuality]) -> dict[str, dict[str, Any]]:
    return {
        str(metric): {
            "total": _whole(q.total),
            "unknown": _whole(q.unknown),
            "unrecognised": _capped_labels(q.unrecognised),
        }
        for metric, q in quality.items()
    }


def _quality_from(values: Mapping[str, Any]) -> dict[str, DataQuality]:
    return {
        metric: DataQuality(q["total"], q["unknown"], dict(q.get("unrecognised", {})))
        for metric, q in values.items()
    }


def comparison_of(key: str, what: str = "these figures") -> Comparison:
    """The comparison a saved period's key names; InputError, in words, for one this code does not know (saved by a
    newer version, or edited by hand), so the period is not read as someone else's groups."""
    try:
        return comparison_named(key)
    except KeyError as error:
        raise InputError(f"{what} are counted by {key!r}, which this version of the dashboard does not know "
                         f"({error.args[0]})", advice="Update the application to read them; nothing was changed.") \
            from None


def own_rules_text(own_rules: Collection[str]) -> str:
    """FigureSet.own_rules as stored: the metric ids comma-separated in the registry's order ("" for none);
    ValueError for an id that is no metric."""
    unknown = sorted(set(own_rules) - set(METRICS))
    if unknown:
        raise ValueError(f"no metric {unknown[0]!r} to have been counted under its own rule; the metrics are "
                         f"{', '.join(METRICS)}")
    return ",".join(m for m in METRICS if m in own_rules)


def own_rules_from(stored: str) -> frozenset[str]:
    """FigureSet.own_rules from its stored text (own_rules_text)."""
    return frozenset(m for m in (part.strip() for part in stored.split(",")) if m)


def checked_counts(figures: FigureSet) -> pd.DataFrame:
    """The figures' counts as they may be stored (saved here, or imported from a backup); ValueError, in words,
    when they cannot be: not counts, blank or not a number, a row without its metric, item or group, a row given
    twice, an item name too long, or a group that is not one of the figures' comparison's (FigureSet.comparison)."""
    if COMPARISONS.get(getattr(figures.comparison, "key", "")) != figures.comparison:
        raise ValueError("these figures cannot be saved: their comparison is not one of "
                         "data_loaders.comparison.COMPARISONS, so a saved period could not say whose groups they are")
    try:
        counts = validate_counts(figures.counts, figures.comparison)
    except ValueError as error:
        raise ValueError(f"these figures cannot be saved: {error}") from None
    if not np.isfinite(counts[["events", "base"]].to_numpy()).all():
        raise ValueError("these figures cannot be saved: some events or bases are blank or not a number")
    if counts[["metric", "item", "group"]].isna().any().any():
        raise ValueError("these figures cannot be saved: some rows have no metric, item or group")
    repeated = counts[counts.duplicated(["metric", "item", "group"], keep=False)]
    if not repeated.empty:
        first = repeated.iloc[0]
        raise ValueError(
            f"the counts list {first['metric']} {first['item'] or '(all)'} {first['group']} more than once; "
            "each metric, item and group must have one row"
        )
    too_long = counts[counts["item"].str.len() > MAX_NAME_CHARS]
    if not too_long.empty:
        raise ValueError(f"the item {too_long['item'].iloc[0][:40]!r}... is longer than {MAX_NAME_CHARS} characters")
    return counts


def count_rows(figure_set_id: int, counts: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of the counts table for a figure set's checked counts (checked_counts), in their order."""
    return [
        {
            "figure_set_id": figure_set_id,
            "metric": metric,
            "item": item,
            "group_name": group,
            "position": position,
            "events": float(events),
            "base": float(base),
        }
        for position, (metric, item, group, events, base) in enumerate(
            counts[["metric", "item", "group", "events", "base"]].itertuples(index=False, name=None)
        )
    ]


_SUMMARY_COLUMNS = (
    figure_sets.c.id,
    figure_sets.c.organisation,
    figure_sets.c.period_start,
    figure_sets.c.period_end,
    figure_sets.c.scope,
    figure_sets.c.source,
    figure_sets.c.available,
    figure_sets.c.version,
    figure_sets.c.saved_by,
    figure_sets.c.saved_at,
    figure_sets.c.comparison,
)


def _summary(row: Any) -> FigureSetSummary:
    return FigureSetSummary(
        id=row.id,
        organisation=row.organisation,
        period_start=dt.date.fromisoformat(row.period_start),
        period_end=dt.date.fromisoformat(row.period_end),
        scope=row.scope,
        source=row.source,
        available=tuple(json.loads(row.available)),
        version=row.version,
        saved_by=row.saved_by,
        saved_at=as_utc(row.saved_at),
        comparison=row.comparison,
    )


def _read_summary(conn: Connection, organisation: str, period_end: str, scope: str) -> FigureSetSummary | None:
    row = conn.execute(
        select(*_SUMMARY_COLUMNS).where(
            figure_sets.c.organisation == organisation,
            figure_sets.c.period_end == period_end,
            figure_sets.c.scope == scope,
        )
    ).first()
    return None if row is None else _summary(row)


def _summary_by_id(conn: Connection, figure_set_id: int) -> FigureSetSummary | None:
    row = conn.execute(select(*_SUMMARY_COLUMNS).where(figure_sets.c.id == figure_set_id)).first()
    return None if row is None else _summary(row)


class _Lost(Exception):
    """The conditional write matched nothing: another save got there first."""


def save_figure_set(
    engine: Engine,
    figures: FigureSet,
    *,
    saved_by: str,
    made_with: Mapping[str, Any],
    scope: str = "",
    source: str = "records",
    expected_version: int = 0,
    caller: Caller = UNRESTRICTED,
) -> FigureSetSummary:
    """Save the figures for their organisation, period end and scope, in one transaction.

    expected_version 0 saves a new set; to replace a saved one give its version. When one is saved
    at another version (someone saved in between), raise StaleEdit(current), changing nothing.
    Replacing a set someone has since deleted saves the figures as a new set: nothing is overwritten.
    """
    organisation = check_name(figures.organisation, "the organisation")
    check_edit(caller, organisation)
    check_name(saved_by, "the name of the person saving")
    if not isinstance(scope, str) or len(scope) > MAX_NAME_CHARS:
        raise ValueError(f"the scope must be text of at most {MAX_NAME_CHARS} characters")
    scope = check_text(scope, "the scope").strip()
    if figures.filters and any(figures.filters.values()) and not scope:
        raise ValueError(
            f"these figures are filtered to {scope_of(figures.filters)}: give that as the scope, so they are "
            "not taken for the whole organisation's"
        )
    if source not in SOURCES:
        raise ValueError(f"the source must be one of {', '.join(repr(s) for s in SOURCES)}, not {source!r}")
    unknown = sorted(set(figures.available) - set(METRICS))
    if unknown:
        raise ValueError(f"no metric {unknown[0]!r}; the metrics are {', '.join(METRICS)}")
    if not figures.available:
        raise ValueError("these figures hold no metric's data: there is nothing to save")
    period_start = check_period(figures.period.start)
    period_end = check_period(figures.period.end)
    if figures.period.start > figures.period.end:
        raise ValueError(f"the period starts ({period_start}) after it ends ({period_end})")
    counts = checked_counts(figures)
    comparison = figures.comparison.key
    values = {
        "organisation": organisation,
        "period_start": period_start,
        "period_end": period_end,
        "scope": scope,
        "source": source,
        "made_with": _json(dict(made_with), "the choices the figures were made with"),
        "quality": _json(_quality_values(figures.quality), "the data quality"),
        "notes": _json([check_text(str(note), "a note") for note in figures.notes], "the notes"),
        "available": json.dumps([m for m in METRICS if m in figures.available]),
        "comparison": comparison,
        "own_rules": own_rules_text(figures.own_rules),
        "saved_by": saved_by,
        "saved_at": utc_now(),
    }
    try:
        with write_transaction(engine) as conn:
            current = _read_summary(conn, organisation, period_end, scope)
            if current is not None and current.version != expected_version:
                raise StaleEdit(current)
            if current is not None and current.comparison != comparison:
                # Replacing would lose one standard's figures for another's: they need a scope of their own.
                raise ValueError(
                    f"the figures saved for {current.label} are counted by {current.comparison}, and these by "
                    f"{comparison}: one period and scope holds one comparison's figures, so they were not replaced; "
                    "remove the saved ones first if these are to stand instead")
            if current is None:
                try:
                    # A first save racing another first save fails here on the unique key.
                    inserted = conn.execute(insert(figure_sets).values(**values, version=1))
                    figure_set_id = inserted_id(inserted)
                except IntegrityError:
                    raise _Lost from None
            else:
                figure_set_id = current.id
                result = conn.execute(
                    update(figure_sets)
                    .where(figure_sets.c.id == figure_set_id, figure_sets.c.version == expected_version)
                    .values(**values, version=figure_sets.c.version + 1)
                )
                if result.rowcount != 1:
                    raise _Lost
                conn.execute(delete(figure_counts).where(figure_counts.c.figure_set_id == figure_set_id))
            rows = count_rows(figure_set_id, counts)
            if rows:
                conn.execute(insert(figure_counts), rows)
            saved = _summary_by_id(conn, figure_set_id)
            assert saved is not None
            write_audit(
                conn, organisation=organisation, entity="figure_set", entity_key=figure_set_key(period_end, scope),
                change="created" if current is None else "updated",
                before=None if current is None else current.state(), after=saved.state(),
                version=saved.version, user=saved_by, at=values["saved_at"],
            )
    except _Lost:
        with read_connection(engine) as conn:
            raise StaleEdit(_read_summary(conn, organisation, period_end, scope)) from None
    return saved


def list_figure_sets(
    engine: Engine, organisation: str | None = None, *, caller: Caller = UNRESTRICTED
) -> list[FigureSetSummary]:
    """Saved figure sets by organisation, then period end, then scope: of `organisation`, which the caller must
    be able to read, or (None) of every organisation the caller may read."""
    query = select(*_SUMMARY_COLUMNS).order_by(
        figure_sets.c.organisation, figure_sets.c.period_end, figure_sets.c.scope, figure_sets.c.id
    )
    if organisation is not None:
        query = query.where(figure_sets.c.organisation == check_name(organisation, "the organisation"))
        check_read(caller, organisation)
    with read_connection(engine) as conn:
        return [s for s in (_summary(row) for row in conn.execute(query)) if caller.may_read(s.organisation)]


def organisations_with_figures(engine: Engine, *, caller: Caller = UNRESTRICTED) -> list[str]:
    """The organisations with saved figures that the caller may read."""
    query = select(figure_sets.c.organisation).distinct().order_by(figure_sets.c.organisation)
    with read_connection(engine) as conn:
        return readable(caller, conn.execute(query).scalars())


def _figure_sets_from(conn: Connection, ids: list[int]) -> dict[int, FigureSet]:
    heads = conn.execute(select(figure_sets).where(figure_sets.c.id.in_(ids))).all()
    count_rows = conn.execute(
        select(figure_counts)
        .where(figure_counts.c.figure_set_id.in_(ids))
        .order_by(figure_counts.c.figure_set_id, figure_counts.c.position)
    ).all()
    by_set: dict[int, list[Any]] = {}
    for row in count_rows:
        by_set.setdefault(row.figure_set_id, []).append(row)
    found = {}
    for head in heads:
        comparison = comparison_of(head.comparison, f"the figures saved for the period ending {head.period_end}"
                                   + (f" ({head.scope})" if head.scope else ""))
        rows = by_set.get(head.id, [])
        counts = pd.DataFrame(
            {
                "metric": [r.metric for r in rows],
                "item": [r.item for r in rows],
                "group": [r.group_name for r in rows],
                "events": [r.events for r in rows],
                "base": [r.base for r in rows],
            }
        )
        found[head.id] = FigureSet(
            organisation=head.organisation,
            period=Period(dt.date.fromisoformat(head.period_start), dt.date.fromisoformat(head.period_end)),
            counts=validate_counts(counts, comparison),
            quality=_quality_from(json.loads(head.quality)),
            notes=list(json.loads(head.notes)),
            available=frozenset(json.loads(head.available)),
            comparison=comparison,
            own_rules=own_rules_from(head.own_rules),
        )
    return found


def load_figure_set(engine: Engine, figure_set_id: int, *, caller: Caller = UNRESTRICTED) -> FigureSet:
    with read_connection(engine) as conn:
        found = _figure_sets_from(conn, [figure_set_id])
    if figure_set_id not in found:
        raise LookupError(f"there is no saved figure set {figure_set_id}; it may have been deleted")
    check_read(caller, found[figure_set_id].organisation)
    return found[figure_set_id]


def load_figure_sets(
    engine: Engine, organisation: str, scope: str = "", *, caller: Caller = UNRESTRICTED,
    comparison: Comparison = ETHNICITY,
) -> list[FigureSet]:
    """Every saved period of one organisation and scope counted by `comparison` (the race standards' unless said),
    oldest first: the input to trends, which sets one comparison's years side by side."""
    organisation = check_name(organisation, "the organisation")
    check_read(caller, organisation)
    with read_connection(engine) as conn:
        ids = list(
            conn.execute(
                select(figure_sets.c.id)
                .where(figure_sets.c.organisation == organisation, figure_sets.c.scope == scope,
                       figure_sets.c.comparison == comparison.key)
                .order_by(figure_sets.c.period_end)
            ).scalars()
        )
        found = _figure_sets_from(conn, ids) if ids else {}
    return [found[i] for i in ids]


# ---------------------------------------------------------------------------------------
# Sharing for benchmarking


@dataclass(frozen=True)
class BenchmarkSource:
    """A saved figure set someone may set beside their own: `published_only` when it is another organisation's,
    shared with them to see only as published."""

    summary: FigureSetSummary
    published_only: bool

    @property
    def organisation(self) -> str:
        return self.summary.organisation


@dataclass(frozen=True)
class BenchmarkFigures:
    """A loaded benchmark source: give `metrics.benchmarking.benchmark` the names of those `published_only`."""

    figures: FigureSet
    published_only: bool


def _latest_whole(conn: Connection, comparison: str, organisation: str | None = None,
                  scope: str = "") -> dict[str, FigureSetSummary]:
    """Each organisation's latest whole-organisation figure set of `scope` (a standard's: "" for the SC-WRES,
    "NHS WRES"; never one filtered to a service) counted by `comparison` (its key); of `organisation` only, when
    given."""
    latest: dict[str, FigureSetSummary] = {}
    query = select(*_SUMMARY_COLUMNS).where(figure_sets.c.scope == scope, figure_sets.c.comparison == comparison)
    if organisation is not None:
        query = query.where(figure_sets.c.organisation == organisation)
    rows = conn.execute(query.order_by(figure_sets.c.organisation, figure_sets.c.period_end))
    for row in rows:  # oldest first within each organisation: the last one wins
        latest[row.organisation] = _summary(row)
    return latest


def benchmark_sources(
    engine: Engine, *, caller: Caller = UNRESTRICTED, comparison: Comparison = ETHNICITY, scope: str = ""
) -> list[BenchmarkSource]:
    """By organisation: the latest whole-organisation figure set of every organisation the caller may read, and,
    for a caller with a role here, of every other organisation that shares its published figures for
    benchmarking, marked published_only. A caller with no role anywhere gets only what they may read.

    Only sets counted by `comparison` (the standard's groups: the race standards' unless said): figures of
    different comparisons are never set side by side or pooled. Only sets of `scope`, the standard's own
    (panel_scope: "" for the SC-WRES, "NHS WRES"), whole-organisation: each standard's saved periods are its own."""
    if not isinstance(caller, Caller):
        raise TypeError("caller must be an access.Caller")
    with read_connection(engine) as conn:
        latest = _latest_whole(conn, comparison.key, scope=scope)
        others = [name for name in latest if not caller.may_read(name)]
        sharing = sharing_for_benchmarking(conn, others) if caller.has_a_role else set()
    return [BenchmarkSource(summary, published_only=name in sharing) for name, summary in sorted(latest.items())
            if caller.may_read(name) or name in sharing]


def load_benchmark_figures(engine: Engine, figure_set_id: int, *, caller: Caller = UNRESTRICTED) -> BenchmarkFigures:
    """A figure set from benchmark_sources: in full when the caller may read its organisation; otherwise marked
    published_only, and only while that organisation shares its published figures (checked now, in the same
    read as the figures), it is its latest whole-organisation set and the caller has a role here. NotAllowed
    otherwise, reading nothing."""
    if not isinstance(caller, Caller):
        raise TypeError("caller must be an access.Caller")
    with read_connection(engine) as conn:
        summary = _summary_by_id(conn, figure_set_id)
        if summary is None:
            raise LookupError(f"there is no saved figure set {figure_set_id}; it may have been deleted")
        organisation = summary.organisation
        published_only = not caller.may_read(organisation)
        if published_only:
            # Shared are only a standard's whole-organisation sets: never one filtered to a service.
            whole = summary.scope in {standard_scope(standard) for standard in STANDARDS}
            latest = _latest_whole(conn, summary.comparison, organisation, summary.scope).get(organisation) if whole \
                else None
            check_shared(caller, organisation, shares=bool(sharing_for_benchmarking(conn, [organisation])),
                         latest=latest is not None and latest.id == figure_set_id)
        figures = _figure_sets_from(conn, [figure_set_id])[figure_set_id]
    return BenchmarkFigures(figures, published_only)


def made_with_of(engine: Engine, figure_set_id: int, *, caller: Caller = UNRESTRICTED) -> dict[str, Any]:
    with read_connection(engine) as conn:
        row = conn.execute(
            select(figure_sets.c.organisation, figure_sets.c.made_with).where(figure_sets.c.id == figure_set_id)
        ).first()
    if row is None or row.made_with is None:
        raise LookupError(f"there is no saved figure set {figure_set_id}; it may have been deleted")
    check_read(caller, row.organisation)
    return json.loads(row.made_with)


def delete_figure_set(
    engine: Engine, figure_set_id: int, expected_version: int, *, user: str | None = None, caller: Caller = UNRESTRICTED
) -> None:
    """Delete the set if it is still at `expected_version`; StaleEdit if it changed. Already gone: nothing to do.

    `user` is who deleted it, for the history; pass it (None is recorded as nobody named).
    """
    if user is not None:
        check_name(user, "the name of the person deleting")
    try:
        with write_transaction(engine) as conn:
            current = _summary_by_id(conn, figure_set_id)
            if current is None:
                return
            check_edit(caller, current.organisation)
            if current.version != expected_version:
                raise StaleEdit(current)
            # SQLite leaves foreign keys (and so ON DELETE CASCADE) off unless asked.
            conn.execute(delete(figure_counts).where(figure_counts.c.figure_set_id == figure_set_id))
            result = conn.execute(
                delete(figure_sets).where(figure_sets.c.id == figure_set_id, figure_sets.c.version == expected_version)
            )
            if result.rowcount != 1:
                raise _Lost
            write_audit(
                conn, organisation=current.organisation, entity="figure_set",
                entity_key=figure_set_key(current.period_end.isoformat(), current.scope), change="deleted",
                before=current.state(), after=None, version=None, user=user, at=utc_now(),
            )
    except _Lost:
        with read_connection(engine) as conn:
            current = _summary_by_id(conn, figure_set_id)
        if current is not None:
            raise StaleEdit(current) from None
