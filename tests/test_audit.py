from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

import storage.actions
import storage.figure_sets
import storage.organisation_settings
import storage.panels
from metrics.counts import DataQuality, FigureSet, Period
from metrics.settings import Settings
from storage import (
    Action,
    AuditEntry,
    StaleEdit,
    action_history,
    counting_choices,
    delete_figure_set,
    history,
    load_actions,
    load_panel,
    load_settings,
    panel_history,
    restore_action,
    restore_panel,
    restore_settings,
    save_actions,
    save_figure_set,
    save_panel,
    save_settings,
)
from storage.db import FIGURE_SET_STATE_FIELDS, audit_log

ORG = "Northbrook Council"
PERIOD = "2026-03-31"
POSTGRES_ENV = "WRES_TEST_POSTGRES_URL"


def _entries(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(audit_log)).scalar()


def _summary(entries: list[AuditEntry]) -> list[tuple[Any, ...]]:
    return [(e.change, e.before, e.after, e.version, e.changed_by) for e in entries]


# Panels


def test_each_panel_save_is_recorded_with_before_and_after(engine: Engine) -> None:
    first = save_panel(engine, ORG, PERIOD, "M2", "know", "First draft", expected_version=0, user="alex")
    second = save_panel(engine, ORG, PERIOD, "M2", "know", "Fewer — naïve\nlines", expected_version=1, user="beth")
    save_panel(engine, ORG, PERIOD, "M2", "know", "Fewer — naïve\nlines", expected_version=2, user="carol")  # same
    save_panel(engine, ORG, PERIOD, "M3", "know", "", expected_version=0, user="alex")  # an empty first save
    entries = panel_history(engine, ORG, PERIOD, "M2", "know")
    assert _summary(entries) == [
        ("updated", {"text": "First draft"}, {"text": "Fewer — naïve\nlines"}, 2, "beth"),
        ("created", None, {"text": "First draft"}, 1, "alex"),
    ]
    assert [e.changed_at for e in entries] == [second.updated_at, first.updated_at]
    assert entries[0].changed_at.utcoffset() == dt.timedelta(0)
    assert (entries[0].organisation, entries[0].entity, entries[0].entity_key) == (ORG, "panel", "2026-03-31/M2/know")
    assert entries[0].id > entries[1].id
    assert _entries(engine) == 2


def test_a_stale_panel_save_records_nothing(engine: Engine) -> None:
    save_panel(engine, ORG, PERIOD, "M3", "know", "Alex's", expected_version=0, user="alex")
    save_panel(engine, ORG, PERIOD, "M3", "know", "Beth's", expected_version=1, user="beth")
    with pytest.raises(StaleEdit):
        save_panel(engine, ORG, PERIOD, "M3", "know", "Alex again", expected_version=1, user="alex")
    with pytest.raises(StaleEdit):
        save_panel(engine, ORG, PERIOD, "M3", "know", "Carol first", expected_version=0, user="carol")
    assert [e.changed_by for e in history(engine, ORG)] == ["beth", "alex"]


def _failing_after_write(real: Any) -> Any:
    def write_then_fail(*args: Any, **kwargs: Any) -> None:
        real(*args, **kwargs)
        raise OSError("disk full")

    return write_then_fail


def test_a_save_that_fails_keeps_neither_the_change_nor_its_entry(engine: Engine,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    save_panel(engine, ORG, PERIOD, "M1", "know", "kept", expected_version=0, user="alex")
    save_settings(engine, ORG, {"bme_label": "BAME"}, expected_version=0, user="alex")
    saved = save_actions(engine, ORG, PERIOD, [Action(objective="Mentoring", themes=["Leadership"])],
                         user="alex").saved
    for module in (storage.panels, storage.organisation_settings, storage.actions):
        monkeypatch.setattr(module, "write_audit", _failing_after_write(module.write_audit))
    with pytest.raises(OSError, match="disk full"):
        save_panel(engine, ORG, PERIOD, "M1", "know", "lost", expected_version=1, user="beth")
    with pytest.raises(OSError, match="disk full"):
        save_settings(engine, ORG, {"bme_label": "Global majority"}, expected_version=1, user="beth")
    with pytest.raises(OSError, match="disk full"):
        save_actions(engine, ORG, PERIOD, [replace(saved[0], lead="Beth"), Action(objective="New")], user="beth")
    monkeypatch.undo()
    assert (load_panel(engine, ORG, PERIOD, "M1", "know").text, load_settings(engine, ORG)) == (
        "kept", ({"bme_label": "BAME"}, 1)
    )
    assert load_actions(engine, ORG, PERIOD) == saved
    assert _entries(engine) == 3
    assert {e.changed_by for e in history(engine, ORG)} == {"alex"}


def test_text_at_the_limit_is_recorded_whole(engine: Engine) -> None:
    text = "é\n" * 10_000
    save_panel(engine, ORG, PERIOD, "M1", "know", text, expected_version=0, user="alex")
    (entry,) = history(engine, ORG)
    assert entry.after == {"text": text}


def test_history_filters_and_limits(engine: Engine) -> None:
    expected = 0
    for n in range(5):
        expected = save_panel(engine, ORG, PERIOD, "M1", "know", f"v{n}", expected_version=expected,
                              user="alex").version
    save_panel(engine, ORG, PERIOD, "M1", "achieved", "other panel", expected_version=0, user="alex")
    save_panel(engine, "Other Council", PERIOD, "M1", "know", "not ours", expected_version=0, user="zed")
    save_settings(engine, ORG, {"bme_label": "BAME"}, expected_version=0, user="alex")
    assert [e.entity for e in history(engine, ORG)] == ["settings", "panel", *["panel"] * 5]
    assert [e.after for e in history(engine, ORG, "panel", "2026-03-31/M1/know", limit=2)] == [
        {"text": "v4"}, {"text": "v3"}
    ]
    assert [e.entity_key for e in history(engine, ORG, "settings")] == [""]
    assert history(engine, "Nobody Council") == []
    with pytest.raises(ValueError, match="no entity 'panels'"):
        history(engine, ORG, "panels")
    with pytest.raises(ValueError, match="the limit must be a whole number"):
        history(engine, ORG, limit=0)


# Actions


def _plan() -> list[Action]:
    return [
        Action(number=1, objective="Understand staff experience", themes=["Employee voice"], metrics=["M6"],
               lead="Principal social workers", rag="amber"),
        Action(number=2, objective="Anti-racist recruitment", themes=["Recruitment and retention"], metrics=["M2"]),
        Action(number=3, objective="A diverse leadership team", themes=["Leadership"]),
    ]


def _state(action: Action, period: str = PERIOD) -> dict[str, Any]:
    return {"period": period, "number": action.number, "objective": action.objective, "themes": action.themes,
            "metrics": action.metrics, "lead": action.lead, "data_from_metrics": action.data_from_metrics,
            "specific_actions": action.specific_actions, "indicators": action.indicators,
            "timeframe": action.timeframe, "progress": action.progress, "rag": action.rag}


def test_one_entry_per_action_created_updated_or_deleted(engine: Engine) -> None:
    opened = save_actions(engine, ORG, PERIOD, _plan(), user="alex").saved
    assert [(e.change, e.entity_key, e.version) for e in action_history(engine, ORG, PERIOD)] == [
        ("created", str(opened[2].id), 1), ("created", str(opened[1].id), 1), ("created", str(opened[0].id), 1),
    ]
    # Objective 1 changed, 2 untouched, 3 deleted, 4 added.
    edited = [replace(opened[0], progress="Survey sent", rag="green"), opened[1], Action(objective="Mentoring")]
    result = save_actions(engine, ORG, PERIOD, edited, user="beth", original=opened)
    new = result.saved[-1]
    entries = history(engine, ORG, "action", limit=3)
    assert [(e.change, e.entity_key, e.version, e.changed_by) for e in entries] == [
        ("deleted", str(opened[2].id), None, "beth"),
        ("created", str(new.id), 1, "beth"),
        ("updated", str(opened[0].id), 2, "beth"),
    ]
    assert entries[0].before == _state(opened[2]) and entries[0].after is None
    assert entries[1].before is None and entries[1].after == _state(replace(new, number=3))
    assert entries[2].before == _state(opened[0])
    assert entries[2].after == _state(replace(opened[0], progress="Survey sent", rag="green"))
    assert len(history(engine, ORG, "action", str(opened[1].id))) == 1  # untouched: nothing more
    # An unchanged table and a conflicting row record nothing.
    save_actions(engine, ORG, PERIOD, result.saved, user="carol", original=result.saved)
    conflicted = save_actions(engine, ORG, PERIOD, [replace(result.saved[0], version=1, lead="stale")], user="dan",
                              original=[replace(result.saved[0], version=1)])
    assert len(conflicted.conflicts) == 1
    assert _entries(engine) == 6


def test_action_history_is_the_periods(engine: Engine) -> None:
    save_actions(engine, ORG, PERIOD, _plan()[:1], user="alex")
    save_actions(engine, ORG, "2025-03-31", _plan()[1:], user="alex")
    save_actions(engine, "Other Council", PERIOD, _plan()[2:], user="zed")
    assert [e.after["objective"] for e in action_history(engine, ORG, PERIOD)] == ["Understand staff experience"]
    assert [e.after["number"] for e in action_history(engine, ORG, "2025-03-31")] == [3, 2]
    assert len(action_history(engine, ORG, "2025-03-31", limit=1)) == 1


# Settings and figure sets


def test_settings_saves_are_recorded(engine: Engine) -> None:
    save_settings(engine, ORG, {"bme_label": "BAME"}, expected_version=0, user="alex")
    save_settings(engine, ORG, {"bme_label": "BAME"}, expected_version=1, user="beth")  # unchanged
    save_settings(engine, ORG, {"bme_label": "Global majority", "min_group_size": 5}, expected_version=1, user="beth")
    with pytest.raises(StaleEdit):
        save_settings(engine, ORG, {"bme_label": "x"}, expected_version=1, user="carol")
    assert _summary(history(engine, ORG, "settings")) == [
        ("updated", {"values": {"bme_label": "BAME"}},
         {"values": {"bme_label": "Global majority", "min_group_size": 5}}, 2, "beth"),
        ("created", None, {"values": {"bme_label": "BAME"}}, 1, "alex"),
    ]


def _figures(bme_entering: float = 12) -> FigureSet:
    counts = pd.DataFrame({
        "metric": ["M3", "M3", "M3"], "item": ["", "", ""], "group": ["bme", "white", "unknown"],
        "events": [bme_entering, 20.0, 1.0], "base": [400.0, 1200.0, 100.0],
    })
    return FigureSet(ORG, Period.twelve_months_to(dt.date(2026, 3, 31)), counts,
                     {"M3": DataQuality(1700, 100)}, [], frozenset({"M3"}))


def test_figure_sets_are_recorded_by_their_summary_never_their_counts(engine: Engine,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    made_with = counting_choices(Settings())
    first = save_figure_set(engine, _figures(), saved_by="alex", made_with=made_with, scope="service: Adults")
    save_figure_set(engine, _figures(97), saved_by="beth", made_with=made_with, scope="service: Adults",
                    source="counts template", expected_version=1)
    with pytest.raises(StaleEdit):
        delete_figure_set(engine, first.id, expected_version=1, user="carol")
    # A replace that fails part-way records nothing.
    real_rows = storage.figure_sets.count_rows
    monkeypatch.setattr(storage.figure_sets, "count_rows", lambda i, c: [*real_rows(i, c), real_rows(i, c)[0]])
    with pytest.raises(Exception, match="(?i)unique|duplicate"):
        save_figure_set(engine, _figures(55), saved_by="dan", made_with=made_with, scope="service: Adults",
                        expected_version=2)
    monkeypatch.undo()
    delete_figure_set(engine, first.id, expected_version=2, user="carol")
    summary = {"period_start": "2025-04-01", "period_end": "2026-03-31", "scope": "service: Adults",
               "source": "records", "available": ["M3"], "comparison": "ethnicity"}
    entries = history(engine, ORG, "figure_set")
    assert _summary(entries) == [
        ("deleted", {**summary, "source": "counts template"}, None, None, "carol"),
        ("updated", summary, {**summary, "source": "counts template"}, 2, "beth"),
        ("created", None, summary, 1, "alex"),
    ]
    assert {e.entity_key for e in entries} == {"2026-03-31/service: Adults"}
    assert set(entries[1].after) == {*FIGURE_SET_STATE_FIELDS, "comparison"}
    with engine.connect() as conn:
        stored = " ".join(f"{row.before} {row.after}" for row in conn.execute(select(audit_log)))
    assert "97" not in stored and "1200" not in stored and "400" not in stored


# Restoring


def test_restore_a_panel_saves_the_old_text_as_a_new_version(engine: Engine) -> None:
    for version, text in enumerate(["first", "second", "third"]):
        save_panel(engine, ORG, PERIOD, "M5", "achieved", text, expected_version=version, user="alex")
    oldest = panel_history(engine, ORG, PERIOD, "M5", "achieved")[-1]
    restored = restore_panel(engine, oldest.id, user="beth", expected_version=3)
    assert (restored.text, restored.version, restored.updated_by) == ("first", 4, "beth")
    assert load_panel(engine, ORG, PERIOD, "M5", "achieved") == restored
    latest = panel_history(engine, ORG, PERIOD, "M5", "achieved")[0]
    assert (latest.change, latest.before, latest.version, latest.changed_by) == (
        "restored", {"text": "third"}, 4, "beth"
    )
    assert latest.after == {"text": "first", "restored_from": {
        "entry": oldest.id, "change": "created", "version": 1, "changed_by": "alex",
        "changed_at": oldest.changed_at.isoformat()}}
    assert latest.recorded == {"text": "first"}
    assert latest.restored_from is not None and latest.restored_from["entry"] == oldest.id
    # The restore itself can be undone by restoring the entry before it.
    assert restore_panel(engine, latest.id - 1, user="alex", expected_version=4).text == "third"


def test_restore_with_a_stale_version_is_refused_and_changes_nothing(engine: Engine) -> None:
    save_panel(engine, ORG, PERIOD, "M5", "know", "first", expected_version=0, user="alex")
    save_panel(engine, ORG, PERIOD, "M5", "know", "second", expected_version=1, user="alex")
    oldest = panel_history(engine, ORG, PERIOD, "M5", "know")[-1]
    # Beth saves while Carol is looking at version 2's history.
    save_panel(engine, ORG, PERIOD, "M5", "know", "Beth's", expected_version=2, user="beth")
    with pytest.raises(StaleEdit) as raised:
        restore_panel(engine, oldest.id, user="carol", expected_version=2)
    assert (raised.value.current.text, raised.value.current.version) == ("Beth's", 3)
    assert load_panel(engine, ORG, PERIOD, "M5", "know").text == "Beth's"
    assert _entries(engine) == 3


def test_restore_refuses_the_wrong_kind_of_entry(engine: Engine) -> None:
    save_settings(engine, ORG, {"bme_label": "BAME"}, expected_version=0, user="alex")
    (entry,) = history(engine, ORG)
    with pytest.raises(ValueError, match=f"history entry {entry.id} is of a settings, not a panel"):
        restore_panel(engine, entry.id, user="beth", expected_version=1)
    with pytest.raises(LookupError, match="there is no history entry 999"):
        restore_action(engine, 999, user="beth")


def test_restore_settings(engine: Engine) -> None:
    save_settings(engine, ORG, {"bme_label": "BAME"}, expected_version=0, user="alex")
    save_settings(engine, ORG, {"bme_label": "Global majority"}, expected_version=1, user="beth")
    first = history(engine, ORG, "settings")[-1]
    with pytest.raises(StaleEdit):
        restore_settings(engine, first.id, user="carol", expected_version=1)
    assert restore_settings(engine, first.id, user="carol", expected_version=2) == ({"bme_label": "BAME"}, 3)
    assert history(engine, ORG, "settings")[0].change == "restored"


def test_each_standards_plan_has_its_own_history(engine: Engine) -> None:
    """An NHS WRES objective's entries record its plan, and each plan's history holds only its own; a restore puts an
    objective back in the plan it came from, never in another."""
    sc_wres = save_actions(engine, ORG, PERIOD, _plan()[:1], user="alex").saved
    nhs = save_actions(engine, ORG, PERIOD, [Action(number=1, objective="Shortlisting", metrics=["M2"])],
                       user="beth", scope="NHS WRES").saved
    assert [e.after["objective"] for e in action_history(engine, ORG, PERIOD)] == ["Understand staff experience"]
    assert [e.after["objective"] for e in action_history(engine, ORG, PERIOD, scope="NHS WRES")] == ["Shortlisting"]
    assert action_history(engine, ORG, PERIOD, scope="WDES") == []
    # The SC-WRES plan's entries record no scope, as before plans were kept per standard; the others record theirs.
    (sc_entry,) = action_history(engine, ORG, PERIOD)
    assert sc_entry.after == _state(sc_wres[0])
    (nhs_entry,) = action_history(engine, ORG, PERIOD, scope="NHS WRES")
    assert nhs_entry.after == {**_state(nhs[0]), "scope": "NHS WRES"}
    # Deleted, then restored: back in the NHS WRES plan, under its number, with the SC-WRES plan untouched.
    save_actions(engine, ORG, PERIOD, [], user="beth", original=nhs, scope="NHS WRES")
    deletion = action_history(engine, ORG, PERIOD, scope="NHS WRES")[0]
    assert (deletion.change, deletion.before["scope"]) == ("deleted", "NHS WRES")
    back = restore_action(engine, deletion.id, user="carol", expected_version=0)
    assert [(a.id, a.number, a.objective) for a in load_actions(engine, ORG, PERIOD, scope="NHS WRES")] == [
        (back.id, 1, "Shortlisting")]
    assert load_actions(engine, ORG, PERIOD) == sc_wres
    assert action_history(engine, ORG, PERIOD, scope="NHS WRES")[0].after["scope"] == "NHS WRES"
    assert [e.change for e in action_history(engine, ORG, PERIOD)] == ["created"]
    with pytest.raises(ValueError, match="is not a standard's plan"):
        action_history(engine, ORG, PERIOD, scope="Nope")


def test_restore_an_actions_fields(engine: Engine) -> None:
    opened = save_actions(engine, ORG, PERIOD, _plan(), user="alex").saved
    changed = save_actions(engine, ORG, PERIOD, [replace(opened[0], lead="Beth", rag="red"), *opened[1:]],
                           user="beth", original=opened).saved
    (created, _updated) = reversed(history(engine, ORG, "action", str(opened[0].id)))
    # Carol looked at version 2; Dan changes it again before she restores.
    save_actions(engine, ORG, PERIOD, [replace(changed[0], progress="Dan's"), *changed[1:]], user="dan",
                 original=changed)
    with pytest.raises(StaleEdit) as raised:
        restore_action(engine, created.id, user="carol", expected_version=2)
    assert raised.value.current.progress == "Dan's"
    restored = restore_action(engine, created.id, user="carol", expected_version=3)
    assert (restored.id, restored.lead, restored.rag, restored.progress, restored.version, restored.updated_by) == (
        opened[0].id, "Principal social workers", "amber", "", 4, "carol"
    )
    latest = history(engine, ORG, "action", str(opened[0].id))[0]
    assert (latest.change, latest.before["progress"], latest.recorded, latest.version) == (
        "restored", "Dan's", _state(opened[0]), 4
    )
    # Without an expected version the restore goes ahead over whatever is there.
    assert restore_action(engine, _updated.id, user="erin").lead == "Beth"
    assert [a.number for a in load_actions(engine, ORG, PERIOD)] == [1, 2, 3]


def test_restore_brings_back_a_deleted_action_once(engine: Engine) -> None:
    opened = save_actions(engine, ORG, PERIOD, _plan(), user="alex").saved
    save_actions(engine, ORG, PERIOD, opened[:2], user="beth", original=opened)
    deletion = history(engine, ORG, "action", str(opened[2].id))[0]
    assert deletion.change == "deleted" and deletion.recorded == _state(opened[2])
    back = restore_action(engine, deletion.id, user="carol", expected_version=0)
    assert back.id != opened[2].id  # a new id: a page holding the old one cannot reach it
    assert (back.number, back.objective, back.themes, back.version, back.updated_by) == (
        3, "A diverse leadership team", ["Leadership"], 1, "carol"
    )
    entry = history(engine, ORG, "action", str(back.id))[0]
    assert (entry.change, entry.before, entry.recorded) == ("restored", None, _state(opened[2]))
    assert entry.restored_from is not None and entry.restored_from["entry"] == deletion.id
    # Restoring the same deletion again returns the one already back.
    assert restore_action(engine, deletion.id, user="carol", expected_version=0) == back
    assert len(load_actions(engine, ORG, PERIOD)) == 3


def test_a_restored_action_whose_number_was_taken_gets_the_next(engine: Engine) -> None:
    opened = save_actions(engine, ORG, PERIOD, _plan()[:2], user="alex").saved
    save_actions(engine, ORG, PERIOD, [opened[0]], user="alex", original=opened)  # delete objective 2
    save_actions(engine, ORG, PERIOD, [opened[0], Action(number=2, objective="Reverse mentoring")], user="alex")
    deletion = next(e for e in history(engine, ORG, "action") if e.change == "deleted")
    back = restore_action(engine, deletion.id, user="beth")
    assert (back.number, back.objective) == (3, "Anti-racist recruitment")
    assert [a.number for a in load_actions(engine, ORG, PERIOD)] == [1, 2, 3]


def test_restoring_an_action_someone_deleted_since_is_stale(engine: Engine) -> None:
    opened = save_actions(engine, ORG, PERIOD, _plan(), user="alex").saved
    save_actions(engine, ORG, PERIOD, [replace(opened[0], lead="Beth"), *opened[1:]], user="beth", original=opened)
    first = history(engine, ORG, "action", str(opened[0].id))[-1]
    save_actions(engine, ORG, PERIOD, opened[1:], user="dan")  # objective 1 deleted at version 2
    with pytest.raises(StaleEdit, match="Someone else deleted it") as raised:
        restore_action(engine, first.id, user="carol", expected_version=2)
    assert raised.value.current is None
    assert [a.number for a in load_actions(engine, ORG, PERIOD)] == [2, 3]


def test_entries_are_plain_json_in_the_table(engine: Engine) -> None:
    save_panel(engine, ORG, PERIOD, "M1", "know", 'Quote " and \\ backslash', expected_version=0, user="alex")
    with engine.connect() as conn:
        row = conn.execute(select(audit_log)).one()
    assert json.loads(row.after) == {"text": 'Quote " and \\ backslash'}
    assert row.before is None and row.changed_by == "alex"
