"""The three panels a council writes beside each metric (Wandsworth's layout).

Each is kept per organisation, period and scope: what the figures beside it cover (the standard, and any filter
such as one service), so the text written for the whole council never sits beside one service's figures, or
beside the other standard's. A panel keeps the metric's figures, in words, as they were when it was saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, and_, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from access import Caller
from metrics.registry import DEFAULT_STANDARD, METRICS
from storage.allowed import UNRESTRICTED, check_edit, check_read
from storage.db import (
    StaleEdit,
    as_utc,
    check_name,
    check_period,
    check_text,
    panel_key,
    panel_state,
    panels,
    read_connection,
    split_panel_key,
    utc_now,
    write_audit,
    write_transaction,
)
from storage.figure_sets import scope_of, standard_scope

PANEL_KINDS: dict[str, str] = {
    "know": "What we know from our data",
    "achieved": "What we've achieved",
    "working_towards": "What we're working towards",
}


# Panels written beside figures that are not one of a standard's metrics: the pay gaps, one set per comparison.
# Kept under the metric column as a metric's are, whose keys are three characters at most (String(3), as the
# registry's ids, "M1" to "D4B"): "PGS" for the pay gaps by sex, "PGE" by ethnicity, "PGD" by disability. No
# metric's id begins with P, so none can be taken for another.
PAY_GAP_PANEL_KEYS: dict[str, str] = {"sex": "PGS", "ethnicity": "PGE", "disability": "PGD"}
PAY_GAP_PANELS: tuple[str, ...] = tuple(PAY_GAP_PANEL_KEYS.values())
# Everything a panel may be written beside: each metric, then each pay gap comparison.
PANEL_SUBJECTS: tuple[str, ...] = (*METRICS, *PAY_GAP_PANELS)


def pay_gap_panel(by: str) -> str:
    """The panels' key for the pay gaps by `by` ('sex', 'ethnicity' or 'disability'): 'PGS', 'PGE', 'PGD'."""
    if by not in PAY_GAP_PANEL_KEYS:
        raise ValueError(f"no pay gap comparison {by!r}; they are {', '.join(PAY_GAP_PANEL_KEYS)}")
    return PAY_GAP_PANEL_KEYS[by]


@dataclass(frozen=True)
class Panel:
    organisation: str
    period: str
    metric: str
    kind: str
    text: str = ""
    version: int = 0  # 0: never saved
    updated_by: str | None = None
    updated_at: dt.datetime | None = None
    # What the text was written for (panel_scope); "" the whole organisation under the default standard.
    scope: str = ""
    # The metric's figures in words when the text was saved; None when not known.
    figures: str | None = None

    @property
    def label(self) -> str:
        return PANEL_KINDS[self.kind]

    @property
    def key(self) -> PanelKey:
        return (self.organisation, self.period, self.metric, self.kind, self.scope)


# (organisation, period, metric, kind, scope)
PanelKey = tuple[str, str, str, str, str]


def panel_scope(standard: str = DEFAULT_STANDARD, filters: Mapping[str, Sequence[str]] | None = None) -> str:
    """What a panel is written for, in words: "" for the whole organisation under the default standard;
    the standard's short name when it is another; the filters as the figure sets word them ("service: Adults")."""
    parts = [standard_scope(standard)] if standard_scope(standard) else []
    if filters and any(filters.values()):
        parts.append(scope_of(filters))
    return "; ".join(parts)


def scope_words(scope: str) -> str:
    """A scope as a page or a pack names it: "the whole organisation", or "service: Adults"."""
    return scope or "the whole organisation"


def _key(organisation: str, period: str | dt.date, metric: str, kind: str, scope: str = "") -> PanelKey:
    if metric not in PANEL_SUBJECTS:
        raise ValueError(f"no metric {metric!r}; the metrics are {', '.join(METRICS)} (and the pay gaps', "
                         f"{', '.join(PAY_GAP_PANELS)})")
    if kind not in PANEL_KINDS:
        raise ValueError(f"no panel {kind!r}; the panels are {', '.join(PANEL_KINDS)}")
    if not isinstance(scope, str):
        raise ValueError("the scope must be text")
    if scope:
        scope = check_name(scope, "the scope")
    return check_name(organisation, "the organisation"), check_period(period), metric, kind, scope


def key_of_entry(organisation: str, entity_key: str) -> PanelKey:
    """The panel a history entry's key names."""
    period, metric, kind, scope = split_panel_key(entity_key)
    return _key(organisation, period, metric, kind, scope)


def _where(organisation: str, period: str, metric: str, kind: str, scope: str) -> Any:
    return and_(
        panels.c.organisation == organisation,
        panels.c.period == period,
        panels.c.scope == scope,
        panels.c.metric == metric,
        panels.c.kind == kind,
    )


def _from_row(row: Any) -> Panel:
    return Panel(
        organisation=row.organisation,
        period=row.period,
        metric=row.metric,
        kind=row.kind,
        text=row.text,
        version=row.version,
        updated_by=row.updated_by,
        updated_at=as_utc(row.updated_at),
        scope=row.scope,
        figures=row.figures,
    )


def _blank(key: PanelKey) -> Panel:
    organisation, period, metric, kind, scope = key
    return Panel(organisation, period, metric, kind, scope=scope)


def _read_panel(conn: Connection, key: PanelKey) -> Panel | None:
    row = conn.execute(select(panels).where(_where(*key))).first()
    return None if row is None else _from_row(row)


def load_panel(
    engine: Engine,
    organisation: str,
    period: str,
    metric: str,
    kind: str,
    scope: str = "",
    *,
    caller: Caller = UNRESTRICTED,
) -> Panel:
    key = _key(organisation, period, metric, kind, scope)
    check_read(caller, key[0])
    with read_connection(engine) as conn:
        return _read_panel(conn, key) or _blank(key)


def load_panels(
    engine: Engine, organisation: str, period: str, scope: str = "", *, caller: Caller = UNRESTRICTED,
    subjects: Collection[str] | None = None,
) -> dict[tuple[str, str], Panel]:
    """Every panel of the period and scope, saved or not, keyed by (metric, kind): each metric's, and the pay
    gaps' (PAY_GAP_PANELS); given `subjects`, those metrics' (or pay gaps') only, which a page showing one metric
    reads on every rerun."""
    organisation = check_name(organisation, "the organisation")
    check_read(caller, organisation)
    period = check_period(period)
    scope = _key(organisation, period, "M1", "know", scope)[4]
    wanted = PANEL_SUBJECTS if subjects is None else [_key(organisation, period, m, "know")[2] for m in subjects]
    found = {(m, k): _blank((organisation, period, m, k, scope)) for m in wanted for k in PANEL_KINDS}
    query = select(panels).where(panels.c.organisation == organisation, panels.c.period == period,
                                 panels.c.scope == scope)
    if subjects is not None:
        query = query.where(panels.c.metric.in_(wanted))
    with read_connection(engine) as conn:
        rows = conn.execute(query)
        for row in rows:
            if (row.metric, row.kind) in found:
                found[row.metric, row.kind] = _from_row(row)
    return found


class _Lost(Exception):
    """The conditional write matched nothing: another save got there first."""


def save_panel(
    engine: Engine,
    organisation: str,
    period: str,
    metric: str,
    kind: str,
    text: str,
    *,
    expected_version: int,
    user: str,
    scope: str = "",
    figures: str | None = None,
    caller: Caller = UNRESTRICTED,
) -> Panel:
    """Save `text` if the panel is still at `expected_version`; otherwise raise StaleEdit, changing nothing.

    `figures`: the metric's figures in words as the person saw them (metrics.formatting.figure_words), kept with
    the text so a page can say when they have changed since."""
    return save_panel_as(engine, (organisation, period, metric, kind, scope), text,
                         expected_version=expected_version, user=user, figures=figures, caller=caller)


def save_panel_as(
    engine: Engine,
    key: PanelKey,
    text: str,
    *,
    expected_version: int,
    user: str,
    change: str | None = None,
    note: dict[str, Any] | None = None,
    figures: str | None = None,
    caller: Caller = UNRESTRICTED,
) -> Panel:
    """save_panel, recorded in the history as `change` ("created" or "updated" when None), `note` beside the text."""
    key = _key(*key)
    organisation, period, metric, kind, scope = key
    check_edit(caller, organisation)
    check_text(text, f"The panel {PANEL_KINDS[kind]!r}")
    if figures is not None:
        figures = check_text(figures, "The figures the panel was written against")
    check_name(user, "the name of the person saving")
    now = utc_now()
    try:
        with write_transaction(engine) as conn:
            current = _read_panel(conn, key)
            if current is None and text == "":
                return _blank(key)
            if current is not None and current.text == text and figures in (None, current.figures):
                return current  # the same text, and no newer figures to record it was checked against
            if current is not None and current.version != expected_version:
                raise StaleEdit(current)
            if expected_version == 0:
                # A first save racing another first save fails here on the primary key.
                conn.execute(
                    insert(panels).values(
                        organisation=organisation, period=period, scope=scope, metric=metric, kind=kind,
                        text=text, version=1, updated_by=user, updated_at=now, figures=figures,
                    )
                )
            else:
                result = conn.execute(
                    update(panels)
                    .where(_where(*key), panels.c.version == expected_version)
                    .values(text=text, version=panels.c.version + 1, updated_by=user, updated_at=now,
                            figures=figures)
                )
                if result.rowcount != 1:
                    raise _Lost
            write_audit(
                conn, organisation=organisation, entity="panel", entity_key=panel_key(period, metric, kind, scope),
                change=change or ("created" if current is None else "updated"),
                before=None if current is None else panel_state(current.text, current.figures),
                after={**panel_state(text, figures), **(note or {})},
                version=expected_version + 1, user=user, at=now,
            )
    except (_Lost, IntegrityError):
        raise StaleEdit(load_panel(engine, *key, caller=caller)) from None
    return Panel(organisation, period, metric, kind, text=text, version=expected_version + 1, updated_by=user,
                 updated_at=now, scope=scope, figures=figures)
