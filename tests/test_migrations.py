"""Databases written by earlier versions of the code open, upgrade and keep every word.

tests/fixtures/schema_v1.sqlite to schema_v6.sqlite were written by the storage code at
schema versions 1 to 6 (tests/fixtures/make_fixtures.py says how); each test works on a copy.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, inspect, select

from storage import (
    SCHEMA_VERSION,
    Action,
    action_history,
    create_schema,
    history,
    known_organisations,
    list_figure_sets,
    load_actions,
    load_figure_set,
    load_panel,
    load_settings,
    make_engine,
    panel_history,
    restore_panel,
    save_actions,
    save_figure_set,
    save_panel,
    save_settings,
    stored_schema_version,
)
from storage.__main__ import main
from storage.db import (
    actions,
    audit_log,
    figure_counts,
    figure_sets,
    memberships,
    metadata,
    organisation_settings,
    organisations,
    panels,
    schema_version,
)

FIXTURES = Path(__file__).parent / "fixtures"
ORG = "Northbrook Council"
PERIOD = "2026-03-31"
KNOW = "Staff from Black and minoritised communities — naïve café, Zoë.\nSecond line\r\nThird\n"
KNOW_FIRST = "Draft: fewer Black staff are shortlisted."
ACHIEVED = '=HYPERLINK("http://example.com","click") and <script>alert(1)</script>'
SETTINGS = {"bme_label": "Black and minoritised", "min_group_size": 5}
POSTGRES_ENV = "WRES_TEST_POSTGRES_URL"


@pytest.fixture(params=[1, 2])
def old(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[int, Engine]]:
    path = tmp_path / f"schema_v{request.param}.sqlite"
    shutil.copyfile(FIXTURES / path.name, path)
    # Made by the old code: its version and no history table (read without this code touching it).
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone() == (request.param,)
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "audit_log" not in tables
    assert ("figure_sets" in tables) == (request.param == 2)
    engine = make_engine(f"sqlite:///{path}")
    yield request.param, engine
    engine.dispose()


def test_an_old_database_is_upgraded_and_every_word_kept(old: tuple[int, Engine]) -> None:
    version, engine = old
    create_schema(engine)
    assert stored_schema_version(engine) == SCHEMA_VERSION == 7
    with engine.connect() as conn:
        versions = list(conn.execute(select(schema_version.c.version).order_by(schema_version.c.version)).scalars())
    assert versions == list(range(version, 8))
    assert {"audit_log", "figure_sets", "figure_counts"} <= set(inspect(engine).get_table_names())

    know = load_panel(engine, ORG, PERIOD, "M2", "know")
    assert (know.text, know.version, know.updated_by) == (KNOW, 2, "beth")
    achieved = load_panel(engine, ORG, PERIOD, "M3", "achieved")
    assert (achieved.text, achieved.version, achieved.updated_by) == (ACHIEVED, 1, "alex")
    plan = load_actions(engine, ORG, PERIOD)
    assert [(a.number, a.objective, a.themes, a.metrics, a.lead, a.progress, a.rag, a.version) for a in plan] == [
        (1, "Understand the experience of staff who experience racism", ["Employee voice"], ["M6", "M7"],
         "Principal social workers", "Survey drafted", "amber", 1),
        (2, "An anti-racist approach to recruitment", ["Recruitment and retention"], ["M2"], "", "", "red", 1),
    ]
    assert load_settings(engine, ORG) == (SETTINGS, 1)
    saved_sets = list_figure_sets(engine)
    if version == 2:
        (summary,) = saved_sets
        assert (summary.period_end, summary.scope, summary.available, summary.saved_by) == (
            dt.date(2026, 3, 31), "", ("M3",), "alex"
        )
        figures = load_figure_set(engine, summary.id)
        assert figures.counts["events"].tolist() == [12.0, 20.0, 1.0]
        assert figures.counts["base"].tolist() == [400.0, 1200.0, 100.0]
        assert figures.quality["M3"].unrecognised == {"Not known ": 3}
        assert figures.notes == ["Made by hand"]
    else:
        assert saved_sets == []


def test_the_upgrade_records_what_was_there_so_it_can_be_restored(old: tuple[int, Engine]) -> None:
    version, engine = old
    create_schema(engine)
    know = load_panel(engine, ORG, PERIOD, "M2", "know")
    # One entry per item, saying what the row says: "updated" (before unknown) past version 1.
    (baseline,) = panel_history(engine, ORG, PERIOD, "M2", "know")
    assert (baseline.change, baseline.before, baseline.after, baseline.version, baseline.changed_by) == (
        "updated", None, {"text": KNOW}, 2, "beth"
    )
    assert baseline.changed_at == know.updated_at
    (first,) = panel_history(engine, ORG, PERIOD, "M3", "achieved")
    assert (first.change, first.after, first.version) == ("created", {"text": ACHIEVED}, 1)
    assert [(e.change, e.after["objective"], e.after["period"]) for e in history(engine, ORG, "action")] == [
        ("created", "An anti-racist approach to recruitment", PERIOD),
        ("created", "Understand the experience of staff who experience racism", PERIOD),
    ]
    (settings_entry,) = history(engine, ORG, "settings")
    assert settings_entry.after == {"values": SETTINGS}
    figure_entries = history(engine, ORG, "figure_set")
    assert [(e.entity_key, e.after) for e in figure_entries] == ([] if version == 1 else [(
        "2026-03-31/", {"period_start": "2025-04-01", "period_end": "2026-03-31", "scope": "", "source": "records",
                        "available": ["M3"], "comparison": "ethnicity"})])
    create_schema(engine)  # and again: nothing more recorded
    assert len(history(engine, ORG)) == (5 if version == 1 else 6)  # 2 panels, 2 actions, settings, figures

    # Saving works, and the history records it.
    saved = save_panel(engine, ORG, PERIOD, "M2", "know", "Rewritten after the upgrade", expected_version=2,
                       user="carol")
    assert saved.version == 3
    latest = panel_history(engine, ORG, PERIOD, "M2", "know")[0]
    assert (latest.change, latest.before, latest.after, latest.version, latest.changed_by) == (
        "updated", {"text": KNOW}, {"text": "Rewritten after the upgrade"}, 3, "carol"
    )
    # The words from before the upgrade come back from its entry.
    assert restore_panel(engine, baseline.id, user="dan", expected_version=3).text == KNOW
    plan = load_actions(engine, ORG, PERIOD)
    result = save_actions(engine, ORG, PERIOD, [replace(plan[0], progress="Survey sent"), plan[1]], user="carol",
                          original=plan)
    assert result.changed == 1
    assert history(engine, ORG, "action", str(plan[0].id))[0].after["progress"] == "Survey sent"
    assert save_settings(engine, ORG, {**SETTINGS, "min_group_size": 8}, expected_version=1, user="carol")[1] == 2
    assert history(engine, ORG, "settings")[0].before == {"values": SETTINGS}


def test_a_figure_set_saved_before_the_upgrade_can_be_replaced(tmp_path: Path) -> None:
    path = tmp_path / "schema_v2.sqlite"
    shutil.copyfile(FIXTURES / path.name, path)
    engine = make_engine(f"sqlite:///{path}")
    create_schema(engine)
    (summary,) = list_figure_sets(engine)
    figures = load_figure_set(engine, summary.id)
    counts = figures.counts.assign(events=[13.0, 20.0, 1.0])
    replaced = save_figure_set(engine, replace(figures, counts=counts), saved_by="carol", made_with={},
                               expected_version=1)
    assert replaced.version == 2
    entry = history(engine, ORG, "figure_set")[0]
    assert (entry.change, entry.version, entry.changed_by) == ("updated", 2, "carol")
    engine.dispose()


def test_a_database_newer_than_the_code_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "schema_v2.sqlite"
    shutil.copyfile(FIXTURES / path.name, path)
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO schema_version (version, applied_at) VALUES (8, '2027-01-01 00:00:00')")
    conn.close()
    engine = make_engine(f"sqlite:///{path}")
    message = "the database is at schema version 8, newer than this code (7): update the application"
    with pytest.raises(RuntimeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        create_schema(engine)
    assert "audit_log" not in inspect(engine).get_table_names()  # the refused upgrade left nothing behind
    assert stored_schema_version(engine) == 8
    engine.dispose()
    monkeypatch.setenv("WRES_DATABASE_URL", f"sqlite:///{path}")
    assert main(["upgrade"]) == 2
    assert capsys.readouterr().err == (f"error: the database at sqlite:///{path} is at schema version 8, newer than "
                                       "this code (7): update the application; nothing in it was changed\n")
    assert main(["version"]) == 0
    assert capsys.readouterr().out.endswith("schema version 8, newer than this code: update the application.\n")


# The same upgrade step on either kind of database


def test_a_version_2_database_gets_its_history_started(db_url: str) -> None:
    engine = make_engine(db_url)
    saved_at = dt.datetime(2025, 6, 1, 9, 30, tzinfo=dt.UTC)
    version_2 = [t for t in metadata.sorted_tables if t is not audit_log]
    with engine.begin() as conn:
        metadata.create_all(conn, tables=version_2)
        conn.execute(insert(schema_version).values(version=2, applied_at=saved_at))
        conn.execute(insert(panels).values(organisation=ORG, period=PERIOD, metric="M1", kind="know", text=KNOW,
                                           version=4, updated_by="alex", updated_at=saved_at))
        conn.execute(insert(actions).values(
            organisation=ORG, period=PERIOD, number=1, objective="Mentoring", themes='["Leadership"]',
            metrics='["M9"]', lead="", data_from_metrics="", specific_actions="", indicators="", timeframe="",
            progress="", rag=None, version=1, updated_by="alex", updated_at=saved_at))
        conn.execute(insert(organisation_settings).values(organisation=ORG, values_json='{"bme_label": "BAME"}',
                                                          version=1, updated_by="alex", updated_at=saved_at))
        conn.execute(insert(figure_sets).values(
            organisation=ORG, period_start="2025-04-01", period_end=PERIOD, scope="service: Adults",
            source="records", made_with="{}", quality="{}", notes="[]", available='["M3"]', version=2,
            saved_by="beth", saved_at=saved_at))
        conn.execute(insert(figure_counts).values(figure_set_id=1, metric="M3", item="", group_name="bme",
                                                  position=0, events=3.0, base=40.0))
    create_schema(engine)
    create_schema(engine)
    assert stored_schema_version(engine) == SCHEMA_VERSION
    entries = sorted(history(engine, ORG), key=lambda e: e.entity)
    assert [(e.entity, e.entity_key, e.change, e.version, e.changed_by, e.changed_at) for e in entries] == [
        ("action", "1", "created", 1, "alex", saved_at),
        ("figure_set", "2026-03-31/service: Adults", "updated", 2, "beth", saved_at),
        ("panel", "2026-03-31/M1/know", "updated", 4, "alex", saved_at),
        ("settings", "", "created", 1, "alex", saved_at),
    ]
    assert entries[2].after == {"text": KNOW}
    assert entries[1].after["available"] == ["M3"] and "counts" not in entries[1].after
    assert save_panel(engine, ORG, PERIOD, "M1", "know", "New", expected_version=4, user="carol").version == 5
    assert panel_history(engine, ORG, PERIOD, "M1", "know")[0].before == {"text": KNOW}
    engine.dispose()


# Version 4: panels kept per scope, with the figures they were written against


def test_a_version_3_database_keeps_every_panel_as_the_whole_organisations(tmp_path: Path) -> None:
    path = tmp_path / "schema_v3.sqlite"
    shutil.copyfile(FIXTURES / path.name, path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone() == (3,)
        columns = [row[1] for row in conn.execute("PRAGMA table_info(panels)")]
    conn.close()
    assert "scope" not in columns
    engine = make_engine(f"sqlite:///{path}")
    create_schema(engine)
    assert stored_schema_version(engine) == SCHEMA_VERSION
    know = load_panel(engine, ORG, PERIOD, "M2", "know")
    assert (know.text, know.version, know.updated_by, know.scope, know.figures) == (KNOW, 2, "beth", "", None)
    # The history made at version 3 still names the panel, and restores it.
    first = panel_history(engine, ORG, PERIOD, "M2", "know")[-1]
    assert first.after == {"text": KNOW_FIRST}
    assert restore_panel(engine, first.id, user="dan", expected_version=2).version == 3
    # A service's panel is its own, beside the whole organisation's.
    adults = save_panel(engine, ORG, PERIOD, "M2", "know", "Adults only", expected_version=0, user="dan",
                        scope="service: Adults", figures="0.91 (0.60 to 1.38)")
    assert (adults.version, load_panel(engine, ORG, PERIOD, "M2", "know").text) == (1, KNOW_FIRST)
    assert load_panel(engine, ORG, PERIOD, "M2", "know", "service: Adults").figures == "0.91 (0.60 to 1.38)"
    engine.dispose()


def test_the_version_4_step_on_either_kind_of_database(db_url: str) -> None:
    """The scope joins the primary key: the old table is renamed, a new one made and every row copied."""
    from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text

    engine = make_engine(db_url)
    saved_at = dt.datetime(2025, 6, 1, 9, 30, tzinfo=dt.UTC)
    old = MetaData()
    old_panels = Table("panels", old,
                       Column("organisation", String(200), primary_key=True),
                       Column("period", String(10), primary_key=True),
                       Column("metric", String(3), primary_key=True),
                       Column("kind", String(20), primary_key=True),
                       Column("text", Text, nullable=False),
                       Column("version", Integer, nullable=False),
                       Column("updated_by", String(200)),
                       Column("updated_at", DateTime(timezone=True)))
    with engine.begin() as conn:
        metadata.create_all(conn, tables=[t for t in metadata.sorted_tables if t is not panels])
        old.create_all(conn)
        conn.execute(insert(schema_version).values(version=3, applied_at=saved_at))
        conn.execute(insert(old_panels).values(organisation=ORG, period=PERIOD, metric="M3", kind="know", text=KNOW,
                                               version=2, updated_by="alex", updated_at=saved_at))
    create_schema(engine)
    create_schema(engine)
    assert stored_schema_version(engine) == SCHEMA_VERSION
    assert {c["name"] for c in inspect(engine).get_columns("panels")} >= {"scope", "figures"}
    assert "panels_v3" not in inspect(engine).get_table_names()
    kept = load_panel(engine, ORG, PERIOD, "M3", "know")
    assert (kept.text, kept.version, kept.updated_by, kept.scope) == (KNOW, 2, "alex", "")
    # The same metric, period and kind for another scope is a row of its own (the new primary key).
    save_panel(engine, ORG, PERIOD, "M3", "know", "NHS", expected_version=0, user="carol", scope="NHS WRES")
    assert load_panel(engine, ORG, PERIOD, "M3", "know").text == KNOW
    engine.dispose()


# Version 5: the organisations the service knows, and who belongs to each


DATA_TABLES = ("panels", "actions", "organisation_settings", "figure_sets", "figure_counts", "audit_log")


def _rows(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as conn:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        found = {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in DATA_TABLES if t in tables}
    conn.close()
    return found


@pytest.mark.parametrize("version", [1, 2, 3, 4])
def test_every_stored_name_becomes_a_known_organisation_and_no_row_is_lost(version: int, tmp_path: Path) -> None:
    path = tmp_path / f"schema_v{version}.sqlite"
    shutil.copyfile(FIXTURES / path.name, path)
    # A name typed in the old free-text box, with a space after it and odd case: kept exactly as stored.
    typed = "wexcombe BC "
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO organisation_settings (organisation, values_json, version, updated_by, updated_at) "
                     "VALUES (?, '{}', 1, 'alex', '2025-06-01 09:30:00')", (typed,))
    conn.close()
    engine = make_engine(f"sqlite:///{path}")
    create_schema(engine)
    create_schema(engine)  # and again: nothing more to do
    with engine.connect() as conn:
        made = conn.execute(select(organisations.c.organisation, organisations.c.created_by)
                            .order_by(organisations.c.organisation)).all()
        assert conn.execute(select(memberships)).all() == []
    assert made == [(ORG, "the upgrade to schema version 5"), (typed, "the upgrade to schema version 5")]
    assert known_organisations(engine) == sorted([ORG, typed])
    engine.dispose()
    upgraded = _rows(path)
    # What the earlier steps add (a history at version 3, a panel's scope at 4) is theirs; every row is still there.
    assert len(upgraded["panels"]) == 2 and len(upgraded["actions"]) == 2
    assert len(upgraded["organisation_settings"]) == 2
    assert len(upgraded["figure_sets"]) == (0 if version == 1 else 1)


def test_the_version_5_step_keeps_every_row_of_a_version_4_database(tmp_path: Path) -> None:
    path = tmp_path / "schema_v4.sqlite"
    shutil.copyfile(FIXTURES / path.name, path)
    before = _rows(path)
    engine = make_engine(f"sqlite:///{path}")
    create_schema(engine)
    engine.dispose()
    after = _rows(path)
    # Row for row: version 5 only adds its tables and their rows (version 6 adds two columns to figure_sets' rows,
    # version 7 one to the objectives': whose plan, the SC-WRES's "").
    assert [row[:-2] for row in after.pop("figure_sets")] == before.pop("figure_sets")
    assert [row[:-1] for row in after.pop("actions")] == before.pop("actions")
    assert after == before


def test_the_version_5_step_on_either_kind_of_database(db_url: str) -> None:
    engine = make_engine(db_url)
    saved_at = dt.datetime(2025, 6, 1, 9, 30, tzinfo=dt.UTC)
    with engine.begin() as conn:
        metadata.create_all(conn, tables=[t for t in metadata.sorted_tables
                                          if t.name not in ("organisations", "memberships")])
        conn.execute(insert(schema_version).values(version=4, applied_at=saved_at))
        conn.execute(insert(panels).values(organisation=ORG, period=PERIOD, scope="", metric="M1", kind="know",
                                           text=KNOW, version=1, updated_by="alex", updated_at=saved_at))
        conn.execute(insert(audit_log).values(organisation="Only in the history", entity="panel", entity_key="x",
                                              change="deleted", version=None, changed_at=saved_at))
    create_schema(engine)
    create_schema(engine)
    assert stored_schema_version(engine) == SCHEMA_VERSION
    with engine.connect() as conn:
        assert sorted(conn.execute(select(organisations.c.organisation)).scalars()) == [ORG, "Only in the history"]
    assert load_panel(engine, ORG, PERIOD, "M1", "know").text == KNOW
    engine.dispose()


# Version 6: a saved period says whose groups it holds and which metrics were counted under their own rule


def test_the_version_6_step_keeps_every_row_of_a_version_5_database(tmp_path: Path) -> None:
    path = tmp_path / "schema_v5.sqlite"
    shutil.copyfile(FIXTURES / path.name, path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone() == (5,)
        columns = [row[1] for row in conn.execute("PRAGMA table_info(figure_sets)")]
    conn.close()
    assert "comparison" not in columns and "own_rules" not in columns
    before = _rows(path)
    engine = make_engine(f"sqlite:///{path}")
    create_schema(engine)
    create_schema(engine)  # and again: nothing more to do
    assert stored_schema_version(engine) == SCHEMA_VERSION == 7
    engine.dispose()
    after = _rows(path)
    # Row for row, each saved period with the two new columns: the race standards' groups, no own rule (and each
    # objective with version 7's: the SC-WRES plan's).
    assert [row[:-2] for row in after["figure_sets"]] == before["figure_sets"]
    assert [row[-2:] for row in after["figure_sets"]] == [("ethnicity", "")]
    assert [row[:-1] for row in after["actions"]] == before["actions"]
    assert {name: rows for name, rows in after.items() if name not in ("figure_sets", "actions")} == \
        {name: rows for name, rows in before.items() if name not in ("figure_sets", "actions")}
    engine = make_engine(f"sqlite:///{path}")
    (summary,) = list_figure_sets(engine)
    assert summary.comparison == "ethnicity"
    figures = load_figure_set(engine, summary.id)
    assert (figures.comparison.key, figures.own_rules) == ("ethnicity", frozenset())
    assert figures.counts["group"].tolist() == ["bme", "white", "unknown"]
    assert figures.counts["events"].tolist() == [12.0, 20.0, 1.0]
    # The history says what it said; an upgraded period is replaced as before.
    assert [e.change for e in history(engine, ORG, "figure_set")] == ["created"]
    replaced = save_figure_set(engine, replace(figures, own_rules=frozenset({"M3"})), saved_by="dan",
                               made_with={}, expected_version=1)
    assert load_figure_set(engine, replaced.id).own_rules == frozenset({"M3"})
    engine.dispose()


def test_the_version_6_step_on_either_kind_of_database(db_url: str) -> None:
    """figure_sets gains its two columns, with every row kept; PostgreSQL widens figure_counts.group_name from the
    10 characters of version 5, so the disability groups ("non_disabled", "not_declared") fit."""
    import pandas as pd
    from sqlalchemy import Column, DateTime, Float, ForeignKey, Integer, MetaData, String, Table, Text, UniqueConstraint

    from data_loaders.comparison import DISABILITY
    from metrics.counts import FigureSet, Period

    engine = make_engine(db_url)
    saved_at = dt.datetime(2025, 6, 1, 9, 30, tzinfo=dt.UTC)
    old = MetaData()
    old_sets = Table("figure_sets", old,
                     Column("id", Integer, primary_key=True, autoincrement=True),
                     *(Column(name, String(200), nullable=False) for name in ("organisation", "period_start",
                                                                              "period_end", "scope", "source")),
                     *(Column(name, Text, nullable=False) for name in ("made_with", "quality", "notes", "available")),
                     Column("version", Integer, nullable=False),
                     Column("saved_by", String(200)),
                     Column("saved_at", DateTime(timezone=True)),
                     UniqueConstraint("organisation", "period_end", "scope",
                                      name="uq_figure_sets_organisation_period_scope"))
    old_counts = Table("figure_counts", old,
                       Column("figure_set_id", Integer, ForeignKey("figure_sets.id", ondelete="CASCADE"),
                              primary_key=True, autoincrement=False),
                       Column("metric", String(3), primary_key=True),
                       Column("item", String(200), primary_key=True),
                       Column("group_name", String(10), primary_key=True),
                       Column("position", Integer, nullable=False),
                       Column("events", Float, nullable=False),
                       Column("base", Float, nullable=False))
    with engine.begin() as conn:
        metadata.create_all(conn, tables=[t for t in metadata.sorted_tables
                                          if t.name not in ("figure_sets", "figure_counts")])
        old.create_all(conn)
        conn.execute(insert(schema_version).values(version=5, applied_at=saved_at))
        conn.execute(insert(old_sets).values(
            organisation=ORG, period_start="2025-04-01", period_end=PERIOD, scope="", source="records",
            made_with="{}", quality="{}", notes="[]", available='["M3"]', version=1, saved_by="alex",
            saved_at=saved_at))
        conn.execute(insert(old_counts), [
            {"figure_set_id": 1, "metric": "M3", "item": "", "group_name": group, "position": position,
             "events": events, "base": 100.0}
            for position, (group, events) in enumerate((("bme", 3.0), ("white", 5.0), ("unknown", 1.0)))])
    create_schema(engine)
    create_schema(engine)
    assert stored_schema_version(engine) == SCHEMA_VERSION
    (summary,) = list_figure_sets(engine)
    kept = load_figure_set(engine, summary.id)
    assert (summary.comparison, kept.comparison.key, kept.own_rules) == ("ethnicity", "ethnicity", frozenset())
    assert kept.counts["events"].tolist() == [3.0, 5.0, 1.0]
    widths = {c["name"]: getattr(c["type"], "length", None) for c in inspect(engine).get_columns("figure_counts")}
    if engine.dialect.name == "postgresql":
        assert widths["group_name"] == 20
    counts = pd.DataFrame({"metric": ["M3"] * 3, "item": [""] * 3, "group": list(DISABILITY.keys),
                           "events": [1.0, 2.0, 0.0], "base": [10.0, 50.0, 5.0]})
    disability = FigureSet(ORG, Period.twelve_months_to(dt.date(2027, 3, 31)), counts, available=frozenset({"M3"}),
                           comparison=DISABILITY)
    saved = save_figure_set(engine, disability, saved_by="carol", made_with={}, scope="Test WDES")
    assert load_figure_set(engine, saved.id).counts["group"].tolist() == ["disabled", "non_disabled", "not_declared"]
    engine.dispose()


# Version 7: the action plan is kept per standard (SC-WRES "", "NHS WRES", "WDES")


def test_the_version_7_step_keeps_every_objective_in_the_sc_wres_plan(tmp_path: Path) -> None:
    path = tmp_path / "schema_v6.sqlite"
    shutil.copyfile(FIXTURES / path.name, path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone() == (6,)
        columns = [row[1] for row in conn.execute("PRAGMA table_info(actions)")]
    conn.close()
    assert "scope" not in columns
    before = _rows(path)
    engine = make_engine(f"sqlite:///{path}")
    create_schema(engine)
    create_schema(engine)  # and again: nothing more to do
    assert stored_schema_version(engine) == SCHEMA_VERSION == 7
    indexes = {index["name"]: index["column_names"] for index in inspect(engine).get_indexes("actions")}
    assert indexes == {"ix_actions_organisation_period_scope": ["organisation", "period", "scope"]}
    engine.dispose()
    after = _rows(path)
    # Row for row, each objective with the new column: the SC-WRES plan's, where every plan was written.
    assert [row[:-1] for row in after["actions"]] == before["actions"]
    assert [row[-1] for row in after["actions"]] == ["", ""]
    assert {name: rows for name, rows in after.items() if name != "actions"} == \
        {name: rows for name, rows in before.items() if name != "actions"}
    engine = make_engine(f"sqlite:///{path}")
    plan = load_actions(engine, ORG, PERIOD)
    assert [(a.number, a.objective, a.version) for a in plan] == [
        (1, "Understand the experience of staff who experience racism", 1),
        (2, "An anti-racist approach to recruitment", 1),
    ]
    assert load_actions(engine, ORG, PERIOD, scope="NHS WRES") == []
    assert [e.after["objective"] for e in action_history(engine, ORG, PERIOD)] == [
        "An anti-racist approach to recruitment", "Understand the experience of staff who experience racism"]
    assert action_history(engine, ORG, PERIOD, scope="NHS WRES") == []
    # The NHS WRES plan starts with its own objective 1 beside the SC-WRES plan's.
    nhs = save_actions(engine, ORG, PERIOD, [Action(objective="Shortlisting", metrics=["M2"])], user="dan",
                       scope="NHS WRES").saved
    assert [(a.number, a.objective) for a in nhs] == [(1, "Shortlisting")]
    assert [a.id for a in load_actions(engine, ORG, PERIOD)] == [a.id for a in plan]
    engine.dispose()


def test_the_version_7_step_on_either_kind_of_database(db_url: str) -> None:
    """actions gains its scope column, with every row kept, and its index is on the plan a page reads."""
    from sqlalchemy import Column, DateTime, Index, Integer, MetaData, String, Table, Text

    engine = make_engine(db_url)
    saved_at = dt.datetime(2025, 6, 1, 9, 30, tzinfo=dt.UTC)
    old = MetaData()
    old_actions = Table(
        "actions", old,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("organisation", String(200), nullable=False),
        Column("period", String(10), nullable=False),
        Column("number", Integer, nullable=False),
        *(Column(name, Text, nullable=False) for name in ("objective", "themes", "metrics", "lead",
                                                          "data_from_metrics", "specific_actions", "indicators",
                                                          "timeframe", "progress")),
        Column("rag", String(5)),
        Column("version", Integer, nullable=False),
        Column("updated_by", String(200)),
        Column("updated_at", DateTime(timezone=True)),
        Index("ix_actions_organisation_period", "organisation", "period"),
        sqlite_autoincrement=True,
    )
    with engine.begin() as conn:
        metadata.create_all(conn, tables=[t for t in metadata.sorted_tables if t.name != "actions"])
        old.create_all(conn)
        conn.execute(insert(schema_version).values(version=6, applied_at=saved_at))
        conn.execute(insert(old_actions), [
            {"organisation": ORG, "period": PERIOD, "number": number, "objective": objective,
             "themes": '["Leadership"]', "metrics": '["M9"]', "lead": "", "data_from_metrics": "",
             "specific_actions": "", "indicators": "", "timeframe": "", "progress": "", "rag": None, "version": 2,
             "updated_by": "alex", "updated_at": saved_at}
            for number, objective in ((1, "Mentoring"), (2, "Reverse mentoring"))])
    create_schema(engine)
    create_schema(engine)
    assert stored_schema_version(engine) == SCHEMA_VERSION
    assert {index["name"] for index in inspect(engine).get_indexes("actions")} == {
        "ix_actions_organisation_period_scope"}
    kept = load_actions(engine, ORG, PERIOD)
    assert [(a.number, a.objective, a.version, a.updated_by) for a in kept] == [
        (1, "Mentoring", 2, "alex"), (2, "Reverse mentoring", 2, "alex")]
    # Numbers repeat across plans, and the SC-WRES plan is untouched by a save of the WDES plan.
    saved = save_actions(engine, ORG, PERIOD, [Action(number=1, objective="Reasonable adjustments")], user="beth",
                         scope="WDES").saved
    assert [(a.number, a.objective) for a in saved] == [(1, "Reasonable adjustments")]
    assert load_actions(engine, ORG, PERIOD) == kept
    # The id sequence carries on past the kept rows (PostgreSQL's serial, SQLite's AUTOINCREMENT).
    assert saved[0].id is not None and saved[0].id > max(a.id or 0 for a in kept)
    engine.dispose()
