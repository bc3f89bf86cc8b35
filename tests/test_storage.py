from __future__ import annotations

import datetime as dt
import multiprocessing
import queue
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, inspect, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex, CreateTable

import storage.panels
from metrics.registry import METRICS
from metrics.settings import PAN_LONDON_RAG_MEANINGS, Settings
from storage import (
    PANEL_KINDS,
    PAY_GAP_PANELS,
    RAG_MEANINGS,
    SCHEMA_VERSION,
    Action,
    StaleEdit,
    actions_for_metric,
    create_schema,
    database_url,
    load_actions,
    load_panel,
    load_panels,
    load_settings,
    make_engine,
    panel_history,
    save_actions,
    save_panel,
    save_settings,
    settings_from_values,
    settings_to_values,
    stored_schema_version,
)
from storage.db import metadata, schema_version

ORG = "Northbrook Council"
PERIOD = "2026-03-31"
POSTGRES_ENV = "WRES_TEST_POSTGRES_URL"


# Schema and configuration


def test_schema_can_be_created_again_and_records_its_version_once(engine: Engine) -> None:
    save_panel(engine, ORG, PERIOD, "M1", "know", "kept", expected_version=0, user="alex")
    create_schema(engine)
    create_schema(engine)
    assert stored_schema_version(engine) == SCHEMA_VERSION == 7
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema_version)).scalar() == 1
    assert set(inspect(engine).get_table_names()) >= {"schema_version", "panels", "actions", "organisation_settings"}
    assert load_panel(engine, ORG, PERIOD, "M1", "know").text == "kept"


def test_tables_compile_for_postgresql() -> None:
    dialect = postgresql.dialect()
    ddl = "\n".join(
        [str(CreateTable(t).compile(dialect=dialect)) for t in metadata.sorted_tables]
        + [str(CreateIndex(i).compile(dialect=dialect)) for t in metadata.sorted_tables for i in t.indexes]
    )
    assert "TIMESTAMP WITH TIME ZONE" in ddl
    assert "id SERIAL NOT NULL" in ddl


def test_sqlite_uses_wal_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new' / 'folder' / 'wres.sqlite'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    assert (tmp_path / "new" / "folder" / "wres.sqlite").exists()
    engine.dispose()


def test_an_engine_made_elsewhere_gets_the_same_sqlite_settings(tmp_path: Path) -> None:
    # As st.connection("sql") makes it: plain create_engine, a connection already pooled.
    engine = create_engine(f"sqlite:///{tmp_path / 'wres.sqlite'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
    create_schema(engine)
    save_panel(engine, ORG, PERIOD, "M1", "know", "saved", expected_version=0, user="alex")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    assert load_panel(engine, ORG, PERIOD, "M1", "know").text == "saved"
    engine.dispose()


def test_database_url_honours_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WRES_DATABASE_URL", "postgresql+psycopg://wres:secret@db.example/wres")
    assert database_url() == "postgresql+psycopg://wres:secret@db.example/wres"
    monkeypatch.delenv("WRES_DATABASE_URL")
    repository_root = Path(__file__).resolve().parents[1]
    assert database_url() == f"sqlite:///{repository_root / 'var' / 'wres.sqlite'}"


# Panels


def test_panel_labels_are_the_published_ones() -> None:
    assert list(PANEL_KINDS.items()) == [
        ("know", "What we know from our data"),
        ("achieved", "What we've achieved"),
        ("working_towards", "What we're working towards"),
    ]


def test_never_saved_panel_is_empty_at_version_0(engine: Engine) -> None:
    panel = load_panel(engine, ORG, PERIOD, "M3", "achieved")
    assert (panel.text, panel.version, panel.updated_by, panel.updated_at) == ("", 0, None, None)


@pytest.mark.parametrize(
    "text",
    [
        "Staff from Black and minoritised communities — naïve café, 😀 Zoë.\nSecond line\r\nThird\n",
        '=HYPERLINK("http://example.com/steal","click me")',
        "<script>alert(1)</script>",
        "  leading and trailing spaces  ",
    ],
)
def test_panel_text_is_stored_verbatim(engine: Engine, text: str) -> None:
    saved = save_panel(engine, ORG, PERIOD, "M2", "know", text, expected_version=0, user="Alex Smith")
    loaded = load_panel(engine, ORG, PERIOD, "M2", "know")
    assert loaded.text == text
    assert loaded == saved
    assert loaded.updated_by == "Alex Smith"
    assert loaded.updated_at is not None and loaded.updated_at.utcoffset() == dt.timedelta(0)


def test_load_panels_keys_every_metric_and_kind(engine: Engine) -> None:
    save_panel(engine, ORG, PERIOD, "M9", "working_towards", "More senior roles", expected_version=0, user="a")
    save_panel(engine, "Other Council", PERIOD, "M9", "working_towards", "not ours", expected_version=0, user="b")
    save_panel(engine, ORG, "2025-03-31", "M9", "working_towards", "last year", expected_version=0, user="a")
    found = load_panels(engine, ORG, PERIOD)
    # three panels for each metric of every standard, and for each pay gap comparison
    assert len(found) == 3 * (len(METRICS) + len(PAY_GAP_PANELS))
    assert found["M9", "working_towards"].text == "More senior roles"
    assert found["M9", "working_towards"].version == 1
    assert sum(panel.version for panel in found.values()) == 1


def test_load_panels_of_some_subjects_gives_theirs_only_and_the_same_as_all(engine: Engine) -> None:
    save_panel(engine, ORG, PERIOD, "M9", "know", "Senior roles", expected_version=0, user="a")
    save_panel(engine, ORG, PERIOD, "M2", "know", "Shortlisting", expected_version=0, user="a")
    every = load_panels(engine, ORG, PERIOD)
    some = load_panels(engine, ORG, PERIOD, subjects=("M9",))
    assert set(some) == {("M9", kind) for kind in ("know", "achieved", "working_towards")}
    assert some == {key: every[key] for key in some}
    assert some["M9", "know"].text == "Senior roles"
    with pytest.raises(ValueError, match="no metric"):
        load_panels(engine, ORG, PERIOD, subjects=("M99",))


def test_versions_increment_with_each_save(engine: Engine) -> None:
    versions = []
    expected = 0
    for text in ("first", "second", "third"):
        expected = save_panel(engine, ORG, PERIOD, "M5", "know", text, expected_version=expected, user="a").version
        versions.append(expected)
    assert versions == [1, 2, 3]
    assert load_panel(engine, ORG, PERIOD, "M5", "know").version == 3


def test_stale_save_raises_with_the_other_persons_text_and_changes_nothing(engine: Engine) -> None:
    save_panel(engine, ORG, PERIOD, "M3", "know", "draft", expected_version=0, user="alex")
    # Both open version 1; Beth saves first.
    save_panel(engine, ORG, PERIOD, "M3", "know", "Beth's words", expected_version=1, user="beth")
    with pytest.raises(StaleEdit) as raised:
        save_panel(engine, ORG, PERIOD, "M3", "know", "Alex's words", expected_version=1, user="alex")
    assert raised.value.current.text == "Beth's words"
    assert raised.value.current.updated_by == "beth"
    assert raised.value.current.version == 2
    assert "beth saved a newer version" in str(raised.value)
    stored = load_panel(engine, ORG, PERIOD, "M3", "know")
    assert (stored.text, stored.version, stored.updated_by) == ("Beth's words", 2, "beth")


def test_saving_the_same_text_is_a_no_op(engine: Engine) -> None:
    first = save_panel(engine, ORG, PERIOD, "M4", "achieved", "same", expected_version=0, user="alex")
    again = save_panel(engine, ORG, PERIOD, "M4", "achieved", "same", expected_version=1, user="beth")
    assert again == first
    assert (again.version, again.updated_by) == (1, "alex")
    # An empty first save stores nothing.
    empty = save_panel(engine, ORG, PERIOD, "M4", "know", "", expected_version=0, user="alex")
    assert empty.version == 0
    assert load_panels(engine, ORG, PERIOD)["M4", "know"].version == 0


def test_second_of_two_first_saves_gets_stale_edit(engine: Engine) -> None:
    save_panel(engine, ORG, PERIOD, "M6", "know", "Alex was first", expected_version=0, user="alex")
    with pytest.raises(StaleEdit) as raised:
        save_panel(engine, ORG, PERIOD, "M6", "know", "Beth too", expected_version=0, user="beth")
    assert raised.value.current.text == "Alex was first"


def test_unique_key_violation_becomes_stale_edit(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    # PostgreSQL at READ COMMITTED: the other first save commits after this one looked, so
    # only the primary key catches it.
    save_panel(engine, ORG, PERIOD, "M7", "know", "Alex was first", expected_version=0, user="alex")
    real_read = storage.panels._read_panel
    calls = []

    def blind_first_read(*args: object) -> object:
        calls.append(args)
        return None if len(calls) == 1 else real_read(*args)

    monkeypatch.setattr(storage.panels, "_read_panel", blind_first_read)
    with pytest.raises(StaleEdit) as raised:
        save_panel(engine, ORG, PERIOD, "M7", "know", "Beth too", expected_version=0, user="beth")
    assert raised.value.current.text == "Alex was first"
    # Likewise an update whose version moved on after the look: the WHERE clause catches it.
    calls.clear()
    with pytest.raises(StaleEdit) as raised:
        save_panel(engine, ORG, PERIOD, "M7", "know", "Beth, stale", expected_version=5, user="beth")
    assert raised.value.current.version == 1
    monkeypatch.undo()
    assert load_panel(engine, ORG, PERIOD, "M7", "know").version == 1


def test_text_longer_than_the_limit_is_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="20,001 characters long; the limit is 20,000"):
        save_panel(engine, ORG, PERIOD, "M1", "know", "x" * 20_001, expected_version=0, user="alex")
    assert load_panel(engine, ORG, PERIOD, "M1", "know").version == 0
    assert save_panel(engine, ORG, PERIOD, "M1", "know", "x" * 20_000, expected_version=0, user="a").version == 1


def test_unknown_metric_or_panel_is_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="no metric 'M10'"):
        save_panel(engine, ORG, PERIOD, "M10", "know", "x", expected_version=0, user="a")
    with pytest.raises(ValueError, match="no panel 'notes'"):
        load_panel(engine, ORG, PERIOD, "M1", "notes")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        load_panels(engine, ORG, "March 2026")


def _append_lines(url: str, worker: int, saves: int, barrier: object, results: object) -> None:
    try:
        engine = make_engine(url)
        barrier.wait()  # type: ignore[attr-defined]
        stale = 0
        for i in range(saves):
            while True:
                panel = load_panel(engine, ORG, PERIOD, "M8", "know")
                try:
                    save_panel(
                        engine, ORG, PERIOD, "M8", "know", panel.text + f"worker {worker} save {i}\n",
                        expected_version=panel.version, user=f"worker {worker}",
                    )
                    break
                except StaleEdit:
                    stale += 1
        engine.dispose()
        results.put(("ok", worker, stale))  # type: ignore[attr-defined]
    except BaseException as error:  # reported to the parent, which fails the test
        results.put(("error", worker, repr(error)))  # type: ignore[attr-defined]


def test_concurrent_saves_from_several_processes_lose_nothing(engine: Engine, db_url: str) -> None:
    workers, saves = 4, 25
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(workers)
    results = context.Queue()
    processes = [
        context.Process(target=_append_lines, args=(db_url, worker, saves, barrier, results))
        for worker in range(workers)
    ]
    for process in processes:
        process.start()
    outcomes = []
    try:
        for _ in processes:
            outcomes.append(results.get(timeout=120))
    except queue.Empty:
        pytest.fail(f"a worker did not finish; finished: {outcomes}")
    finally:
        for process in processes:
            process.join(timeout=30)
    assert [o for o in outcomes if o[0] == "error"] == []
    panel = load_panel(engine, ORG, PERIOD, "M8", "know")
    assert panel.version == workers * saves
    lines = panel.text.splitlines()
    assert sorted(lines) == sorted(f"worker {w} save {i}" for w in range(workers) for i in range(saves))
    # Each worker's saves land in its own order.
    for w in range(workers):
        assert [line for line in lines if line.startswith(f"worker {w} ")] == [
            f"worker {w} save {i}" for i in range(saves)
        ]


# Action plan


def _plan() -> list[Action]:
    return [
        Action(
            number=1,
            objective="Understand the experience of staff who experience racism",
            themes=["Employee voice", "Culture and staff experience"],
            metrics=["M6", "M3"],
            lead="Principal social workers",
            specific_actions="Staff survey in June",
            indicators="Metrics 6 and 7 reported",
            timeframe="June 2026",
            progress="Survey drafted",
            rag="amber",
        ),
        Action(
            number=2,
            objective="An anti-racist approach to recruitment",
            themes=["Recruitment and retention"],
            metrics=["M2", "M8"],
            lead="HR business partners",
            rag="red",
        ),
        Action(number=3, objective="A diverse leadership team", themes=["Leadership"], rag=None),
    ]


def test_the_rag_key_is_neutral_unless_the_organisation_sets_its_own(engine: Engine) -> None:
    # The pan-London programme's words are not every council's: they are a choice, saved with the settings.
    neutral = {"green": "Well underway", "amber": "Some progress, not yet embedded", "red": "Not started"}
    assert RAG_MEANINGS == neutral
    assert Settings().rag_meanings == neutral
    assert not any("london" in meaning.lower() for meaning in Settings().rag_meanings.values())
    assert Settings().rag_key() == [("Green", "Well underway"), ("Amber", "Some progress, not yet embedded"),
                                    ("Red", "Not started")]
    london = Settings(rag_meanings=dict(PAN_LONDON_RAG_MEANINGS))
    _, version = save_settings(engine, ORG, settings_to_values(london), expected_version=0, user="alex")
    values, _ = load_settings(engine, ORG)
    assert settings_from_values(values).rag_meanings["green"] == "Pan-London activity well underway"
    assert settings_from_values({}).rag_meanings == neutral  # settings saved before the key was a setting
    for bad in ({"green": "Going well"}, {"green": "x", "amber": "y", "red": " "},
                {"green": "x", "amber": "y", "red": "z", "blue": "w"}):
        with pytest.raises(ValueError, match="RAG key"):
            Settings(rag_meanings=bad)


def test_action_plan_round_trip(engine: Engine) -> None:
    # Entered out of order and with loose spelling: stored in order, canonical.
    rows = [_plan()[2], replace(_plan()[0], metrics=["m6", "M3"], rag="Amber"), _plan()[1]]
    result = save_actions(engine, ORG, PERIOD, rows, user="alex")
    assert result.conflicts == []
    assert result.changed == 3
    loaded = load_actions(engine, ORG, PERIOD)
    assert loaded == result.saved
    assert [a.number for a in loaded] == [1, 2, 3]
    assert loaded[0].metrics == ["M3", "M6"]
    assert loaded[0].themes == ["Employee voice", "Culture and staff experience"]
    assert loaded[0].rag == "amber"
    assert loaded[0].progress == "Survey drafted"
    assert all(a.version == 1 and a.updated_by == "alex" and a.id is not None for a in loaded)
    assert load_actions(engine, "Other Council", PERIOD) == []


def test_saving_an_unchanged_table_changes_nothing(engine: Engine) -> None:
    saved = save_actions(engine, ORG, PERIOD, _plan(), user="alex").saved
    again = save_actions(engine, ORG, PERIOD, saved, user="beth", original=saved)
    assert again.changed == 0
    assert again.saved == saved


def test_table_save_with_a_conflict_in_the_middle(engine: Engine) -> None:
    opened = save_actions(engine, ORG, PERIOD, _plan(), user="alex").saved
    # Beth changes objective 2 while Alex has the table open.
    beths = replace(opened[1], progress="Panel training booked", rag="amber")
    assert save_actions(engine, ORG, PERIOD, [opened[0], beths, opened[2]], user="beth").changed == 1
    # Alex edits 1 and 2, deletes 3 and adds 4.
    alexs = [
        replace(opened[0], progress="Survey sent to all staff", rag="green"),
        replace(opened[1], progress="Alex's progress", rag="green"),
        Action(objective="Reverse mentoring for senior leaders", themes=["leadership"], metrics=["M9"]),
    ]
    result = save_actions(engine, ORG, PERIOD, alexs, user="alex", original=opened)
    assert result.changed == 3
    assert len(result.conflicts) == 1
    conflict = result.conflicts[0]
    assert conflict.submitted.progress == "Alex's progress"
    assert conflict.stored is not None and conflict.stored.progress == "Panel training booked"
    assert conflict.message.startswith("beth changed objective 2 at ")
    stored = load_actions(engine, ORG, PERIOD)
    assert stored == result.saved
    assert [(a.number, a.progress, a.rag, a.version, a.updated_by) for a in stored] == [
        (1, "Survey sent to all staff", "green", 2, "alex"),
        (2, "Panel training booked", "amber", 2, "beth"),
        (3, "", None, 1, "alex"),
    ]
    assert stored[2].objective == "Reverse mentoring for senior leaders"
    assert stored[2].themes == ["Leadership"]


def test_rows_changed_elsewhere_and_untouched_here_are_left_alone(engine: Engine) -> None:
    opened = save_actions(engine, ORG, PERIOD, _plan(), user="alex").saved
    # Beth changes objective 3 and adds objective 4 while Alex edits objective 1.
    beths = [opened[0], opened[1], replace(opened[2], progress="Beth's"), Action(number=4, objective="Beth's new")]
    save_actions(engine, ORG, PERIOD, beths, user="beth", original=opened)
    alexs = [replace(opened[0], lead="Alex"), opened[1], opened[2]]
    result = save_actions(engine, ORG, PERIOD, alexs, user="alex", original=opened)
    assert (result.changed, result.conflicts) == (1, [])
    assert [(a.number, a.lead if a.number == 1 else a.progress) for a in result.saved] == [
        (1, "Alex"), (2, ""), (3, "Beth's"), (4, ""),
    ]
    # Without the table as loaded, the stale untouched row comes back as a conflict instead.
    result = save_actions(engine, ORG, PERIOD, alexs, user="alex")
    assert [c.stored.progress for c in result.conflicts if c.stored] == ["Beth's"]


def test_deleting_a_row_someone_else_changed_keeps_it(engine: Engine) -> None:
    opened = save_actions(engine, ORG, PERIOD, _plan(), user="alex").saved
    save_actions(engine, ORG, PERIOD, [opened[0], opened[1], replace(opened[2], rag="green")], user="beth")
    result = save_actions(engine, ORG, PERIOD, opened[:2], user="alex", original=opened)
    assert result.changed == 0
    assert [(c.deleted, c.stored.rag if c.stored else None) for c in result.conflicts] == [(True, "green")]
    assert "it was not deleted" in result.conflicts[0].message
    assert [a.number for a in load_actions(engine, ORG, PERIOD)] == [1, 2, 3]


def test_editing_a_row_someone_else_deleted_is_a_conflict(engine: Engine) -> None:
    opened = save_actions(engine, ORG, PERIOD, _plan(), user="alex").saved
    save_actions(engine, ORG, PERIOD, opened[:2], user="beth", original=opened)
    result = save_actions(engine, ORG, PERIOD, [*opened[:2], replace(opened[2], lead="Alex")], user="alex")
    assert [(c.submitted.number, c.stored) for c in result.conflicts] == [(3, None)]
    assert [a.number for a in load_actions(engine, ORG, PERIOD)] == [1, 2]


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (Action(number=2, objective="   "), r"Row 2, objective: an objective is required"),
        (Action(number=2, objective="x", rag="purple"), r"Row 2, RAG rating: 'purple' is not one of green"),
        (Action(number=2, objective="x", metrics=["M10"]), r"Row 2, metrics: 'M10' is not a metric"),
        (Action(number=2, objective="x", themes=["Pay"]), r"Row 2, themes: 'Pay' is not a WRES theme"),
        (Action(number=1, objective="x"), r"Row 1, number: 1 is used by more than one objective"),
        (Action(number=0, objective="x"), r"Row 2 of the table, number: 0 is not a whole number"),
        (Action(number=2, objective="x", lead="y" * 20_001), r"Row 2, lead, is 20,001 characters long"),
    ],
)
def test_validation_names_the_row_and_field(engine: Engine, broken: Action, message: str) -> None:
    saved = save_actions(engine, ORG, PERIOD, [_plan()[0]], user="alex").saved
    with pytest.raises(ValueError, match=message):
        save_actions(engine, ORG, PERIOD, [*saved, broken], user="alex")
    assert load_actions(engine, ORG, PERIOD) == saved


def test_actions_for_metric(engine: Engine) -> None:
    save_actions(engine, ORG, PERIOD, _plan(), user="alex")
    assert [a.number for a in actions_for_metric(engine, ORG, PERIOD, "M3")] == [1]
    assert [a.number for a in actions_for_metric(engine, ORG, PERIOD, "M8")] == [2]
    # Objective 3 names the Leadership theme and no metric: it belongs to M1 and M9.
    assert [a.number for a in actions_for_metric(engine, ORG, PERIOD, "M9")] == [3]
    assert [a.number for a in actions_for_metric(engine, ORG, PERIOD, "M5")] == []


def test_each_standard_has_its_own_plan(engine: Engine) -> None:
    """A trust's NHS WRES plan and a council's SC-WRES plan for the same organisation and period are kept apart:
    numbers repeat across plans, not within one; saving one plan never touches another."""
    from storage import check_plan_scope, plan_scopes, standard_of_plan, standard_scope

    assert (standard_scope("sc-wres"), standard_scope("nhs-wres"), standard_scope("wdes")) == ("", "NHS WRES", "WDES")
    assert plan_scopes() == {"": "sc-wres", "NHS WRES": "nhs-wres", "WDES": "wdes"}
    assert standard_of_plan("WDES") == "wdes"
    sc_wres = save_actions(engine, ORG, PERIOD, _plan()[:2], user="alex").saved
    nhs = save_actions(engine, ORG, PERIOD, [Action(number=1, objective="Shortlisting", metrics=["M2", "W9"]),
                                             Action(objective="Harassment from the public", metrics=["W5"])],
                       user="beth", scope="NHS WRES").saved
    assert [(a.number, a.objective) for a in nhs] == [(1, "Shortlisting"), (2, "Harassment from the public")]
    assert load_actions(engine, ORG, PERIOD) == sc_wres
    assert load_actions(engine, ORG, PERIOD, scope="NHS WRES") == nhs
    assert load_actions(engine, ORG, PERIOD, scope="WDES") == []
    # Deleting the NHS WRES plan's objectives leaves the SC-WRES plan's alone, and the other way about.
    save_actions(engine, ORG, PERIOD, [], user="beth", original=nhs, scope="NHS WRES")
    assert load_actions(engine, ORG, PERIOD, scope="NHS WRES") == []
    assert load_actions(engine, ORG, PERIOD) == sc_wres
    nhs = save_actions(engine, ORG, PERIOD, [Action(objective="Shortlisting", metrics=["M2"])], user="beth",
                       scope="NHS WRES").saved
    save_actions(engine, ORG, PERIOD, [sc_wres[0]], user="alex", original=sc_wres)
    assert load_actions(engine, ORG, PERIOD, scope="NHS WRES") == nhs
    # Within one plan a number is used once.
    with pytest.raises(ValueError, match="Row 1, number: 1 is used by more than one objective"):
        save_actions(engine, ORG, PERIOD, [*nhs, Action(number=1, objective="Again")], user="beth", scope="NHS WRES")
    # An objective of one plan cannot be edited through another: it is not in that plan.
    result = save_actions(engine, ORG, PERIOD, [replace(nhs[0], lead="Wrong plan")], user="beth", scope="WDES")
    assert [c.stored for c in result.conflicts] == [None] and result.changed == 0
    assert load_actions(engine, ORG, PERIOD, scope="NHS WRES") == nhs
    # A metric page's list is its plan's.
    assert [a.objective for a in actions_for_metric(engine, ORG, PERIOD, "M2", scope="NHS WRES")] == ["Shortlisting"]
    assert actions_for_metric(engine, ORG, PERIOD, "M2") == []
    # A scope that is no standard's plan is refused in words, never stored.
    for bad in ("NHS WRES; service: Adults", "nhs wres", None):
        with pytest.raises(ValueError, match="is not a standard's plan; the plans are '' \\(SC-WRES\\), "
                                             "'NHS WRES' \\(NHS WRES\\), 'WDES' \\(WDES\\)"):
            save_actions(engine, ORG, PERIOD, [Action(objective="x")], user="a", scope=bad)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="is not a standard's plan"):
            load_actions(engine, ORG, PERIOD, scope=bad)  # type: ignore[arg-type]
    assert check_plan_scope("WDES") == "WDES"


def test_action_from_a_data_editor_row() -> None:
    nan = float("nan")
    row = {"number": 4.0, "objective": "Mentoring", "themes": "Leadership, Employee voice", "metrics": None,
           "lead": None, "rag": nan, "id": nan, "version": nan, "progress": nan}
    action = Action.from_row(row)
    assert action == Action(number=4, objective="Mentoring", themes=["Leadership", "Employee voice"])
    assert Action.from_row(action.to_row()) == action


# Settings


def test_settings_round_trip_into_a_settings_object(engine: Engine) -> None:
    assert load_settings(engine, ORG) == ({}, 0)
    chosen = Settings(
        bme_label="Black, Asian and minority ethnic",
        min_group_size=5,
        suppression_threshold=8,
        adverse_range=(0.75, 1.3),
        ethnicity_overrides={"Other White": "bme"},
        disability_overrides={"None": "non_disabled", "Yes, not limited": "disabled"},
        pay_band_boundaries=(20_000, 35_000),
        senior_bands=("£35,000 and over",),
        period_end=dt.date(2026, 3, 31),
        share_for_benchmarking=True,
    )
    values = {**settings_to_values(chosen), "chart_colours": ["#123456"]}
    saved_values, version = save_settings(engine, ORG, values, expected_version=0, user="alex")
    assert version == 1
    loaded_values, loaded_version = load_settings(engine, ORG)
    assert (loaded_values, loaded_version) == (saved_values, 1)
    assert loaded_values["adverse_range"] == [0.75, 1.3]
    assert loaded_values["share_for_benchmarking"] is True
    assert loaded_values["disability_overrides"] == {"None": "non_disabled", "Yes, not limited": "disabled"}
    assert settings_from_values(loaded_values) == chosen
    # Settings saved before sharing was a choice: not shared.
    assert settings_from_values({"bme_label": "BAME"}).share_for_benchmarking is False
    # Settings saved before disability labels could be settled: none settled.
    assert settings_from_values({"bme_label": "BAME"}).disability_overrides == {}


def test_settings_from_values_ignores_unknown_keys_and_makes_tuples() -> None:
    settings = settings_from_values({"senior_bands": ["Band 8a", "Band 9"], "theme": "dark", "min_group_size": 3})
    assert settings == Settings(senior_bands=("Band 8a", "Band 9"), min_group_size=3)


def test_settings_use_optimistic_concurrency(engine: Engine) -> None:
    save_settings(engine, ORG, {"bme_label": "BAME"}, expected_version=0, user="alex")
    assert save_settings(engine, ORG, {"bme_label": "BAME"}, expected_version=1, user="beth")[1] == 1
    save_settings(engine, ORG, {"bme_label": "Black and minoritised"}, expected_version=1, user="beth")
    with pytest.raises(StaleEdit) as raised:
        save_settings(engine, ORG, {"bme_label": "Global majority"}, expected_version=1, user="alex")
    assert raised.value.current.values == {"bme_label": "Black and minoritised"}
    assert raised.value.current.updated_by == "beth"
    assert load_settings(engine, ORG) == ({"bme_label": "Black and minoritised"}, 2)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"min_group_size": 0}, "minimum group size"),
        ({"adverse_range": [1.2, 1.5]}, "adverse range"),
        ({"min_group_size": "ten"}, "do not fit"),
        ({"period_end": dt.date(2026, 3, 31)}, "plain JSON"),
        ({"adverse_range": [float("nan"), 1.25]}, "plain JSON"),
        ({"share_for_benchmarking": "no"}, "true or false"),  # text that says no is not a yes
        ({"share_for_benchmarking": 1}, "true or false"),
        ({"ethnicity_overrides": {"Other White": "purple"}}, "ethnicity override for 'Other White'"),
        ({"ethnicity_overrides": ["Other White"]}, "ethnicity classifications must be labels"),  # not a crash
        ({"disability_overrides": {"None": "maybe"}}, "override for 'None' is 'maybe', which is not a group"),
        ({"disability_overrides": {"None": "disabled", " none ": "not_declared"}}, "disagree"),
        ({"disability_overrides": ["None"]}, "disability classifications must be labels"),
    ],
)
def test_settings_the_engine_cannot_use_are_refused(engine: Engine, values: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        save_settings(engine, ORG, values, expected_version=0, user="alex")
    assert load_settings(engine, ORG) == ({}, 0)


def test_panels_are_kept_per_scope_and_keep_the_figures_they_were_written_against(tmp_path) -> None:
    from storage import load_panels, panel_scope

    assert panel_scope() == ""
    assert panel_scope("sc-wres", {"service": ["Adults"]}) == "service: Adults"
    assert panel_scope("nhs-wres", {"service": ["Adults"]}) == "NHS WRES; service: Adults"
    assert panel_scope("wdes") == "WDES"
    with pytest.raises(ValueError, match="no standard"):
        panel_scope("no-such-standard")
    engine = make_engine(f"sqlite:///{tmp_path / 'scope.sqlite'}")
    create_schema(engine)
    save_panel(engine, ORG, PERIOD, "M3", "know", "Whole", expected_version=0, user="a", figures="3.00 (1 to 9)")
    save_panel(engine, ORG, PERIOD, "M3", "know", "NHS", expected_version=0, user="a", scope="NHS WRES")
    assert load_panels(engine, ORG, PERIOD)[("M3", "know")].text == "Whole"
    assert load_panels(engine, ORG, PERIOD, "NHS WRES")[("M3", "know")].text == "NHS"
    assert load_panels(engine, ORG, PERIOD, "service: Adults")[("M3", "know")].version == 0
    # The same text saved against new figures records them (a new version); against the same, nothing changes.
    same = save_panel(engine, ORG, PERIOD, "M3", "know", "Whole", expected_version=1, user="b",
                      figures="3.00 (1 to 9)")
    assert same.version == 1
    checked = save_panel(engine, ORG, PERIOD, "M3", "know", "Whole", expected_version=1, user="b",
                         figures="24.00 (2.92 to 197.09)")
    assert (checked.version, load_panel(engine, ORG, PERIOD, "M3", "know").figures) == (2, "24.00 (2.92 to 197.09)")
    # Each scope's history is its own.
    assert [e.version for e in panel_history(engine, ORG, PERIOD, "M3", "know")] == [2, 1]
    assert [e.version for e in panel_history(engine, ORG, PERIOD, "M3", "know", scope="NHS WRES")] == [1]
    engine.dispose()
