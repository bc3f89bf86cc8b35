"""The three panels a council writes beside each metric (Wandsworth's layout)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, and_, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from metrics.registry import METRICS
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
    utc_now,
    write_audit,
    write_transaction,
)

PANEL_KINDS: dict[str, str] = {
    "know": "What we know from our data",
    "achieved": "What we've achieved",
    "working_towards": "What we're working towards",
}


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

    @property
    def label(self) -> str:
        return PANEL_KINDS[self.kind]


def _key(organisation: str, period: str | dt.date, metric: str, kind: str) -> tuple[str, str, str, str]:
    if metric not in METRICS:
        raise ValueError(f"no metric {metric!r}; the metrics are {', '.join(METRICS)}")
    if kind not in PANEL_KINDS:
        raise ValueError(f"no panel {kind!r}; the panels are {', '.join(PANEL_KINDS)}")
    return check_name(organisation, "the organisation"), check_period(period), metric, kind


def _where(organisation: str, period: str, metric: str, kind: str) -> Any:
    return and_(
        panels.c.organisation == organisation,
        panels.c.period == period,
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
    )


def _read_panel(conn: Connection, organisation: str, period: str, metric: str, kind: str) -> Panel | None:
    row = conn.execute(select(panels).where(_where(organisation, period, metric, kind))).first()
    return None if row is None else _from_row(row)


def load_panel(engine: Engine, organisation: str, period: str, metric: str, kind: str) -> Panel:
    key = _key(organisation, period, metric, kind)
    with read_connection(engine) as conn:
        return _read_panel(conn, *key) or Panel(*key)


def load_panels(engine: Engine, organisation: str, period: str) -> dict[tuple[str, str], Panel]:
    """Every panel of the period, saved or not, keyed by (metric, kind)."""
    organisation = check_name(organisation, "the organisation")
    period = check_period(period)
    found = {(m, k): Panel(organisation, period, m, k) for m in METRICS for k in PANEL_KINDS}
    with read_connection(engine) as conn:
        rows = conn.execute(
            select(panels).where(panels.c.organisation == organisation, panels.c.period == period)
        )
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
) -> Panel:
    """Save `text` if the panel is still at `expected_version`; otherwise raise StaleEdit, changing nothing."""
    return save_panel_as(engine, (organisation, period, metric, kind), text, expected_version=expected_version,
                         user=user)


def save_panel_as(
    engine: Engine,
    key: tuple[str, str, str, str],
    text: str,
    *,
    expected_version: int,
    user: str,
    change: str | None = None,
    note: dict[str, Any] | None = None,
) -> Panel:
    """save_panel, recorded in the history as `change` ("created" or "updated" when None), `note` beside the text."""
    key = _key(*key)
    check_text(text, f"The panel {PANEL_KINDS[key[3]]!r}")
    check_name(user, "the name of the person saving")
    now = utc_now()
    try:
        with write_transaction(engine) as conn:
            current = _read_panel(conn, *key)
            if current is None and text == "":
                return Panel(*key)
            if current is not None and current.text == text:
                return current
            if current is not None and current.version != expected_version:
                raise StaleEdit(current)
            if expected_version == 0:
                # A first save racing another first save fails here on the primary key.
                conn.execute(
                    insert(panels).values(
                        organisation=key[0], period=key[1], metric=key[2], kind=key[3],
                        text=text, version=1, updated_by=user, updated_at=now,
                    )
                )
            else:
                result = conn.execute(
                    update(panels)
                    .where(_where(*key), panels.c.version == expected_version)
                    .values(text=text, version=panels.c.version + 1, updated_by=user, updated_at=now)
                )
                if result.rowcount != 1:
                    raise _Lost
            write_audit(
                conn, organisation=key[0], entity="panel", entity_key=panel_key(*key[1:]),
                change=change or ("created" if current is None else "updated"),
                before=None if current is None else panel_state(current.text),
                after={**panel_state(text), **(note or {})},
                version=expected_version + 1, user=user, at=now,
            )
    except (_Lost, IntegrityError):
        raise StaleEdit(load_panel(engine, *key)) from None
    return Panel(*key, text=text, version=expected_version + 1, updated_by=user, updated_at=now)
