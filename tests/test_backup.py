from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from sqlalchemy import Engine

import storage.backup
from data_loaders.comparison import DISABILITY, ETHNICITY
from metrics.counts import DataQuality, FigureSet, Period, validate_counts
from metrics.settings import Settings
from storage import (
    SCHEMA_VERSION,
    Action,
    counting_choices,
    create_organisation,
    create_schema,
    export_all,
    history,
    import_all,
    known_organisations,
    list_figure_sets,
    load_actions,
    load_figure_set,
    load_panel,
    load_settings,
    make_engine,
    members,
    panel_history,
    read_backup,
    remove_member,
    restore_panel,
    roles_of,
    save_actions,
    save_figure_set,
    save_panel,
    save_settings,
    set_member,
    write_backup,
)
from storage.__main__ import main
from storage.backup import ImportReport
from storage.db import as_utc

ORG = "Northbrook Council"
WEXCOMBE = "Wexcombe Borough Council"
PERIOD = "2026-03-31"
POSTGRES_ENV = "WRES_TEST_POSTGRES_URL"
FIXTURES = Path(__file__).parent / "fixtures"


def _sqlite(tmp_path: Path, name: str) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / name}")
    create_schema(engine)
    return engine


def _figures(organisation: str = ORG, bme_entering: float = 12.5) -> FigureSet:
    counts = pd.DataFrame({
        "metric": ["M3", "M3", "M3", "M1", "M1", "M1"],
        "item": ["", "", "", "Band 9 — senior", "Band 9 — senior", "Band 9 — senior"],
        "group": ["bme", "white", "unknown"] * 2,
        "events": [bme_entering, 20.0, 1.0, 300.0, 900.0, 60.0],
        "base": [400.0, 1200.0, 100.0, 400.0, 1200.0, 100.0],
    })
    return FigureSet(organisation, Period.twelve_months_to(dt.date(2026, 3, 31)), counts,
                     {"M3": DataQuality(1700, 100, {"Not known ": 3}), "M1": DataQuality(1700, None)},
                     ["Made by hand"], frozenset({"M1", "M3"}))


def _fill(engine: Engine) -> None:
    """A little of everything, with history: two organisations, edits, a deletion, a restore; and a third
    organisation an administrator made, with people given roles, one changed and one taken away."""
    save_panel(engine, ORG, PERIOD, "M2", "know", "First draft", expected_version=0, user="alex")
    save_panel(engine, ORG, PERIOD, "M2", "know", "Naïve café — Zoë\r\nline two", expected_version=1, user="beth")
    save_panel(engine, "Other Council", PERIOD, "M9", "working_towards", "Theirs", expected_version=0, user="zed")
    opened = save_actions(engine, ORG, PERIOD, [
        Action(number=1, objective="Understand staff experience", themes=["Employee voice"], metrics=["M6", "M7"],
               lead="Principal social workers", rag="amber"),
        Action(number=2, objective="Anti-racist recruitment", themes=["Recruitment and retention"]),
        Action(number=3, objective="Deleted later", themes=["Leadership"]),
    ], user="alex").saved
    save_actions(engine, ORG, PERIOD, [replace(opened[0], progress="Survey sent"), opened[1]], user="beth",
                 original=opened)
    save_settings(engine, ORG, {"bme_label": "Global majority", "adverse_range": [0.8, 1.25]},
                  expected_version=0, user="alex")
    summary = save_figure_set(engine, _figures(), saved_by="alex", made_with={"white_minorities_as_bme": True})
    save_figure_set(engine, _figures(bme_entering=14.0), saved_by="beth", made_with={}, expected_version=1,
                    scope="service: Adults")
    assert summary.version == 1
    oldest = panel_history(engine, ORG, PERIOD, "M2", "know")[-1]
    restore_panel(engine, oldest.id, user="carol", expected_version=2)
    create_organisation(engine, WEXCOMBE, user="kim")
    set_member(engine, WEXCOMBE, "Sam@Wexcombe.gov.uk", "viewer", user="kim")
    set_member(engine, WEXCOMBE, "sam@wexcombe.gov.uk", "editor", expected_version=1, user="kim")
    set_member(engine, WEXCOMBE, "@wexcombe.gov.uk", "viewer", user="kim")
    set_member(engine, ORG, "lee@northbrook.gov.uk", "editor", user="kim")  # an organisation known by its data
    set_member(engine, ORG, "gone@northbrook.gov.uk", "viewer", user="kim")
    remove_member(engine, ORG, "gone@northbrook.gov.uk", expected_version=1, user="kim")


def _without_time(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "exported_at"}


# Export


def test_export_holds_everything_as_plain_json(engine: Engine) -> None:
    _fill(engine)
    document = export_all(engine)
    assert list(document) == ["format", "format_version", "schema_version", "exported_at", "panels", "actions",
                              "settings", "figure_sets", "organisations", "memberships", "audit"]
    assert (document["format"], document["format_version"], document["schema_version"]) == (
        "wres-backup", 2, SCHEMA_VERSION)
    assert dt.datetime.fromisoformat(document["exported_at"]).utcoffset() == dt.timedelta(0)
    assert json.loads(json.dumps(document, allow_nan=False)) == document
    assert [(p["organisation"], p["metric"], p["text"], p["version"], p["updated_by"]) for p in document["panels"]] == [
        (ORG, "M2", "First draft", 3, "carol"), ("Other Council", "M9", "Theirs", 1, "zed"),
    ]
    assert [(a["number"], a["progress"], a["version"]) for a in document["actions"]] == [
        (1, "Survey sent", 2), (2, "", 1)
    ]
    assert document["actions"][0]["metrics"] == ["M6", "M7"]
    assert document["settings"] == [{
        "organisation": ORG, "values": {"adverse_range": [0.8, 1.25], "bme_label": "Global majority"},
        "version": 1, "updated_by": "alex", "updated_at": document["settings"][0]["updated_at"],
    }]
    whole, adults = document["figure_sets"]
    assert (whole["scope"], adults["scope"], adults["version"], adults["saved_by"]) == ("", "service: Adults", 1,
                                                                                         "beth")
    assert whole["counts"][0] == {"metric": "M3", "item": "", "group": "bme", "events": 12.5, "base": 400.0}
    assert [c["item"] for c in whole["counts"]][3:] == ["Band 9 — senior"] * 3
    assert whole["quality"]["M3"] == {"total": 1700, "unknown": 100, "unrecognised": {"Not known ": 3}}
    assert (whole["made_with"], whole["notes"], whole["available"]) == (
        {"white_minorities_as_bme": True}, ["Made by hand"], ["M1", "M3"]
    )
    assert [(e["entity"], e["change"]) for e in document["audit"]] == [
        ("panel", "created"), ("panel", "updated"), ("panel", "created"),
        ("action", "created"), ("action", "created"), ("action", "created"),
        ("action", "updated"), ("action", "deleted"),
        ("settings", "created"), ("figure_set", "created"), ("figure_set", "created"), ("panel", "restored"),
        ("organisation", "created"), ("membership", "created"), ("membership", "updated"),
        ("membership", "created"), ("membership", "created"), ("membership", "created"), ("membership", "deleted"),
    ]
    assert document["organisations"] == [
        {"organisation": WEXCOMBE, "created_by": "kim", "created_at": document["organisations"][0]["created_at"]},
    ]
    assert dt.datetime.fromisoformat(document["organisations"][0]["created_at"]).utcoffset() == dt.timedelta(0)
    assert [(m["organisation"], m["member"], m["role"], m["version"], m["updated_by"])
            for m in document["memberships"]] == [
        (ORG, "lee@northbrook.gov.uk", "editor", 1, "kim"),
        (WEXCOMBE, "@wexcombe.gov.uk", "viewer", 1, "kim"),
        (WEXCOMBE, "sam@wexcombe.gov.uk", "editor", 2, "kim"),
    ]
    assert set(document["memberships"][0]) == {"organisation", "member", "role", "version", "updated_by",
                                               "updated_at"}
    assert [(e["entity_key"], e["before"], e["after"]) for e in document["audit"][12:15]] == [
        ("", None, {"name": WEXCOMBE}),
        ("sam@wexcombe.gov.uk", None, {"role": "viewer"}),
        ("sam@wexcombe.gov.uk", {"role": "viewer"}, {"role": "editor"}),
    ]
    assert set(document["audit"][0]) == {"organisation", "entity", "entity_key", "change", "before", "after",
                                         "version", "changed_by", "changed_at"}


def test_write_backup_to_a_path_or_a_file(engine: Engine, tmp_path: Path) -> None:
    _fill(engine)
    target = tmp_path / "backup.json"
    written = write_backup(engine, target)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith((".backup", "backup"))) == ["backup.json"]
    assert read_backup(target.read_bytes()) == written
    buffer = io.BytesIO()
    write_backup(engine, buffer)
    assert _without_time(json.loads(buffer.getvalue().decode("utf-8"))) == _without_time(written)
    assert "Naïve café — Zoë" in target.read_text(encoding="utf-8")  # UTF-8, not \\u escapes


# Round trips


def _round_trip(source: Engine, target: Engine) -> None:
    exported = export_all(source)
    report = import_all(target, copy.deepcopy(exported), user="importer")
    assert report.created == {"panels": 2, "actions": 2, "settings": 1, "figure_sets": 2, "organisations": 1,
                              "memberships": 3, "audit": 19}
    assert not any(report.replaced.values()) and not any(report.unchanged.values())
    again = export_all(target)
    assert _without_time(again) == _without_time(exported)
    # The items read back through the public API the same.
    assert load_actions(target, ORG, PERIOD) == load_actions(source, ORG, PERIOD)
    assert load_panel(target, ORG, PERIOD, "M2", "know") == load_panel(source, ORG, PERIOD, "M2", "know")
    assert load_settings(target, ORG) == load_settings(source, ORG)
    assert known_organisations(target) == [ORG, "Other Council", WEXCOMBE]
    assert roles_of(target, "sam@wexcombe.gov.uk") == ((WEXCOMBE, "editor"),)
    assert roles_of(target, "jo@wexcombe.gov.uk") == ((WEXCOMBE, "viewer"),)
    assert roles_of(target, "gone@northbrook.gov.uk") == ()
    for organisation in (ORG, WEXCOMBE):
        assert [(m.member, m.role, m.version, m.updated_by, as_utc(m.updated_at)) for m in members(target, organisation)
                ] == [(m.member, m.role, m.version, m.updated_by, as_utc(m.updated_at))
                      for m in members(source, organisation)]
    for there, here in zip(list_figure_sets(source), list_figure_sets(target), strict=True):
        assert_frame_equal(load_figure_set(target, here.id).counts, load_figure_set(source, there.id).counts)
        assert (here.version, here.saved_by, here.saved_at) == (there.version, there.saved_by, there.saved_at)
    # Importing the same file again changes nothing.
    second = import_all(target, copy.deepcopy(exported), user="importer")
    assert not second.changed
    assert second.unchanged == {"panels": 2, "actions": 2, "settings": 1, "figure_sets": 2, "organisations": 1,
                                "memberships": 3, "audit": 19}
    assert _without_time(export_all(target)) == _without_time(exported)
    # Saving still works after the import, new ids following the imported ones.
    saved = save_actions(target, ORG, PERIOD, [*load_actions(target, ORG, PERIOD), Action(objective="New")],
                         user="dan").saved
    assert saved[-1].id > max(a["id"] for a in exported["actions"])


def test_export_then_import_into_an_empty_database_gives_the_same_export(engine: Engine, tmp_path: Path) -> None:
    _fill(engine)
    _round_trip(engine, _sqlite(tmp_path, "target.sqlite"))


def test_import_into_this_database_kind_from_sqlite(engine: Engine, tmp_path: Path) -> None:
    source = _sqlite(tmp_path, "source.sqlite")
    _fill(source)
    _round_trip(source, engine)


def test_imported_history_is_marked_and_can_be_restored(engine: Engine, tmp_path: Path) -> None:
    source = _sqlite(tmp_path, "source.sqlite")
    _fill(source)
    import_all(engine, export_all(source), user="importer")
    entries = panel_history(engine, ORG, PERIOD, "M2", "know")
    assert [e.change for e in entries] == ["imported"] * 3
    assert {e.changed_by for e in entries} == {"importer"}
    original = panel_history(source, ORG, PERIOD, "M2", "know")
    assert [e.imported_from for e in entries] == [
        {"change": e.change, "changed_by": e.changed_by, "changed_at": e.changed_at.isoformat()} for e in original
    ]
    assert [e.recorded for e in entries] == [e.recorded for e in original]
    restored = restore_panel(engine, entries[1].id, user="erin", expected_version=3)
    assert (restored.text, restored.version) == ("Naïve café — Zoë\r\nline two", 4)


def test_import_replaces_what_differs_and_leaves_the_rest(engine: Engine, tmp_path: Path) -> None:
    source = _sqlite(tmp_path, "source.sqlite")
    _fill(source)
    import_all(engine, export_all(source), user="importer")
    # Both move on: the source edits one panel, the target another and adds its own.
    save_panel(source, ORG, PERIOD, "M2", "know", "Source's newer words", expected_version=3, user="alex")
    save_panel(engine, "Other Council", PERIOD, "M9", "working_towards", "Target's", expected_version=1, user="zoe")
    save_panel(engine, ORG, PERIOD, "M4", "know", "Only here", expected_version=0, user="zoe")
    report = import_all(engine, export_all(source), user="importer")
    assert (report.created["panels"], report.replaced["panels"], report.unchanged["panels"]) == (0, 2, 0)
    assert (report.created["audit"], report.unchanged["audit"]) == (1, 19)
    assert report.unchanged["actions"] == 2
    panel = load_panel(engine, ORG, PERIOD, "M2", "know")
    assert (panel.text, panel.version, panel.updated_by) == ("Source's newer words", 4, "importer")
    theirs = load_panel(engine, "Other Council", PERIOD, "M9", "working_towards")
    assert (theirs.text, theirs.version) == ("Theirs", 3)
    assert load_panel(engine, ORG, PERIOD, "M4", "know").text == "Only here"
    latest = history(engine, "Other Council", "panel")[0]
    assert (latest.change, latest.before, latest.after, latest.version, latest.changed_by) == (
        "imported", {"text": "Target's"}, {"text": "Theirs"}, 3, "importer"
    )
    # The copied source entry comes before the import's own replacement.
    ours = panel_history(engine, ORG, PERIOD, "M2", "know")[:2]
    assert [(e.change, e.imported_from is None, e.before) for e in ours] == [
        ("imported", True, {"text": "First draft"}), ("imported", False, {"text": "First draft"}),
    ]
    assert ours[1].imported_from["changed_by"] == "alex"


def test_an_action_whose_id_is_taken_here_gets_a_new_one_and_its_history_follows(tmp_path: Path) -> None:
    source = _sqlite(tmp_path, "source.sqlite")
    save_actions(source, ORG, PERIOD, [Action(objective="Ours", themes=["Leadership"])], user="alex")
    target = _sqlite(tmp_path, "target.sqlite")
    (theirs,) = save_actions(target, "Other Council", PERIOD, [Action(objective="Theirs")], user="zed").saved
    report = import_all(target, export_all(source), user="importer")
    assert report.created["actions"] == 1
    (ours,) = load_actions(target, ORG, PERIOD)
    assert ours.objective == "Ours" and ours.id != theirs.id
    assert load_actions(target, "Other Council", PERIOD) == [theirs]
    assert [e.after["objective"] for e in history(target, ORG, "action", str(ours.id))] == ["Ours"]
    assert history(target, ORG, "action", str(theirs.id)) == []
    again = import_all(target, export_all(source), user="importer")
    assert not again.changed and again.unchanged["actions"] == 1 and again.unchanged["audit"] == 1
    # An edit in the source replaces the one brought in before, rather than adding another.
    (source_action,) = load_actions(source, ORG, PERIOD)
    save_actions(source, ORG, PERIOD, [replace(source_action, progress="Moved on")], user="alex")
    report = import_all(target, export_all(source), user="importer")
    assert (report.created["actions"], report.replaced["actions"]) == (0, 1)
    assert [(a.id, a.progress, a.version) for a in load_actions(target, ORG, PERIOD)] == [(ours.id, "Moved on", 2)]
    assert [e.version for e in history(target, ORG, "action", str(ours.id))] == [2, 2, 1]
    # Without the history in the file, the same content is recognised all the same.
    bare = export_all(source) | {"audit": []}
    assert not import_all(target, bare, user="importer").changed


def test_an_item_without_history_in_the_file_is_recorded_as_imported(tmp_path: Path) -> None:
    source = _sqlite(tmp_path, "source.sqlite")
    save_panel(source, ORG, PERIOD, "M1", "know", "Words", expected_version=0, user="alex")
    document = export_all(source)
    document["audit"] = []
    target = _sqlite(tmp_path, "target.sqlite")
    import_all(target, document, user="importer")
    (entry,) = history(target, ORG)
    assert (entry.change, entry.before, entry.after, entry.version, entry.changed_by) == (
        "imported", None, {"text": "Words"}, 1, "importer"
    )
    assert not import_all(target, document, user="importer").changed


# Organisations and who belongs to each


def test_an_administrators_backup_brings_back_the_organisations_and_who_belongs(engine: Engine,
                                                                                tmp_path: Path) -> None:
    source = _sqlite(tmp_path, "source.sqlite")
    create_organisation(source, WEXCOMBE, user="kim")
    set_member(source, WEXCOMBE, "Sam@Wexcombe.gov.uk", "editor", user="kim")
    set_member(source, WEXCOMBE, "@wexcombe.gov.uk", "viewer", user="kim")
    document = export_all(source)  # the command line's caller: an administrator
    assert [(o["organisation"], o["created_by"]) for o in document["organisations"]] == [(WEXCOMBE, "kim")]
    assert [(m["member"], m["role"], m["version"], m["updated_by"]) for m in document["memberships"]] == [
        ("@wexcombe.gov.uk", "viewer", 1, "kim"), ("sam@wexcombe.gov.uk", "editor", 1, "kim"),
    ]
    assert roles_of(engine, "sam@wexcombe.gov.uk") == ()
    report = import_all(engine, read_backup(json.dumps(document).encode()), user="importer")
    assert (report.created["organisations"], report.created["memberships"], report.created["audit"]) == (1, 2, 3)
    assert roles_of(engine, "sam@wexcombe.gov.uk") == ((WEXCOMBE, "editor"),)
    assert roles_of(engine, "jo@wexcombe.gov.uk") == ((WEXCOMBE, "viewer"),)
    assert known_organisations(engine) == [WEXCOMBE]
    sam = members(engine, WEXCOMBE)[0]
    assert (sam.member, sam.version, sam.updated_by, as_utc(sam.updated_at).isoformat()) == (
        "sam@wexcombe.gov.uk", 1, "kim", document["memberships"][1]["updated_at"])
    assert [(e.entity, e.entity_key, e.change, e.recorded, e.imported_from["change"], e.imported_from["changed_by"])
            for e in reversed(history(engine, WEXCOMBE))] == [
        ("organisation", "", "imported", {"name": WEXCOMBE}, "created", "kim"),
        ("membership", "sam@wexcombe.gov.uk", "imported", {"role": "editor"}, "created", "kim"),
        ("membership", "@wexcombe.gov.uk", "imported", {"role": "viewer"}, "created", "kim"),
    ]
    assert _without_time(export_all(engine)) == _without_time(document)
    again = import_all(engine, document, user="importer")
    assert not again.changed
    assert (again.unchanged["organisations"], again.unchanged["memberships"], again.unchanged["audit"]) == (1, 2, 3)


def test_a_role_that_differs_here_is_replaced_and_the_history_says_so(tmp_path: Path) -> None:
    source = _sqlite(tmp_path, "source.sqlite")
    create_organisation(source, WEXCOMBE, user="kim")
    set_member(source, WEXCOMBE, "sam@wexcombe.gov.uk", "editor", user="kim")
    target = _sqlite(tmp_path, "target.sqlite")
    import_all(target, export_all(source), user="importer")
    set_member(target, WEXCOMBE, "sam@wexcombe.gov.uk", "viewer", expected_version=1, user="lee")
    set_member(target, WEXCOMBE, "jo@wexcombe.gov.uk", "viewer", user="lee")  # only here: left alone
    report = import_all(target, export_all(source), user="importer")
    assert (report.created["memberships"], report.replaced["memberships"], report.unchanged["memberships"]) == (
        0, 1, 0)
    assert (report.created["organisations"], report.unchanged["organisations"]) == (0, 1)
    assert (report.created["audit"], report.unchanged["audit"]) == (0, 2)
    assert [(m.member, m.role, m.version, m.updated_by) for m in members(target, WEXCOMBE)] == [
        ("sam@wexcombe.gov.uk", "editor", 3, "importer"), ("jo@wexcombe.gov.uk", "viewer", 1, "lee"),
    ]
    latest = history(target, WEXCOMBE, "membership", "sam@wexcombe.gov.uk")[0]
    assert (latest.change, latest.before, latest.after, latest.version, latest.changed_by, latest.imported_from) == (
        "imported", {"role": "viewer"}, {"role": "editor"}, 3, "importer", None)
    assert roles_of(target, "sam@wexcombe.gov.uk") == ((WEXCOMBE, "editor"),)
    assert not import_all(target, export_all(source), user="importer").changed


def test_a_membership_of_an_organisation_neither_in_the_file_nor_here_is_refused(tmp_path: Path) -> None:
    document = _document(tmp_path)
    document["memberships"].append({
        "organisation": "Nowhere Council", "member": "pat@nowhere.gov.uk", "role": "viewer", "version": 1,
        "updated_by": "kim", "updated_at": "2026-04-01T09:30:00+00:00",
    })
    target = _sqlite(tmp_path, "target.sqlite")
    save_panel(target, ORG, PERIOD, "M2", "know", "Target's own", expected_version=0, user="zoe")
    before = export_all(target)
    with pytest.raises(ValueError, match=r"^memberships\[3\] is of 'Nowhere Council', which is neither among the "
                                         r"backup's organisations nor an organisation here"):
        import_all(target, document, user="importer")
    assert _without_time(export_all(target)) == _without_time(before)
    assert roles_of(target, "pat@nowhere.gov.uk") == ()
    # Named among the file's organisations, it is made with its people.
    named = copy.deepcopy(document)
    named["organisations"].append({"organisation": "Nowhere Council", "created_by": "kim",
                                   "created_at": "2026-04-01T09:00:00+00:00"})
    report = import_all(target, named, user="importer")
    assert (report.created["organisations"], report.created["memberships"]) == (2, 4)
    assert roles_of(target, "pat@nowhere.gov.uk") == (("Nowhere Council", "viewer"),)


def test_an_organisation_made_here_takes_its_people_from_a_file_that_does_not_name_it(tmp_path: Path) -> None:
    document = _document(tmp_path)
    document["organisations"] = []
    target = _sqlite(tmp_path, "target.sqlite")
    create_organisation(target, WEXCOMBE, user="it.lead")
    report = import_all(target, document, user="importer")
    assert report.created["memberships"] == 3
    assert known_organisations(target) == [ORG, "Other Council", WEXCOMBE]
    assert [(m.member, m.role) for m in members(target, WEXCOMBE)] == [("sam@wexcombe.gov.uk", "editor"),
                                                                        ("@wexcombe.gov.uk", "viewer")]


# A backup written before organisations were kept (schema version 4): no organisations or memberships sections.
OLD_BACKUP: dict[str, Any] = {
    "format": "wres-backup",
    "format_version": 1,
    "schema_version": 4,
    "exported_at": "2026-04-01T09:30:00+00:00",
    "panels": [{
        "organisation": ORG, "period": PERIOD, "scope": "", "metric": "M2", "kind": "know",
        "text": "Written before organisations were kept", "figures": None, "version": 1, "updated_by": "alex",
        "updated_at": "2026-03-31T10:00:00+00:00",
    }],
    "actions": [],
    "settings": [{
        "organisation": ORG, "values": {"bme_label": "Global majority"}, "version": 1, "updated_by": "alex",
        "updated_at": "2026-03-31T10:05:00+00:00",
    }],
    "figure_sets": [],
    "audit": [
        {"organisation": ORG, "entity": "panel", "entity_key": f"{PERIOD}/M2/know", "change": "created",
         "before": None, "after": {"text": "Written before organisations were kept"}, "version": 1,
         "changed_by": "alex", "changed_at": "2026-03-31T10:00:00+00:00"},
        {"organisation": ORG, "entity": "settings", "entity_key": "", "change": "created", "before": None,
         "after": {"values": {"bme_label": "Global majority"}}, "version": 1, "changed_by": "alex",
         "changed_at": "2026-03-31T10:05:00+00:00"},
    ],
}


def test_a_backup_from_before_organisations_were_kept_imports_as_before(engine: Engine) -> None:
    report = import_all(engine, read_backup(json.dumps(OLD_BACKUP).encode()), user="importer")
    assert report.lines() == [
        "panels: 1 created, 0 replaced, 0 unchanged",
        "actions: 0 created, 0 replaced, 0 unchanged",
        "settings: 1 created, 0 replaced, 0 unchanged",
        "figure sets: 0 created, 0 replaced, 0 unchanged",
        "organisations: 0 created, 0 replaced, 0 unchanged",
        "memberships: 0 created, 0 replaced, 0 unchanged",
        "audit: 2 created, 0 replaced, 0 unchanged",
    ]
    panel = load_panel(engine, ORG, PERIOD, "M2", "know")
    assert (panel.text, panel.version, panel.updated_by) == ("Written before organisations were kept", 1, "alex")
    assert load_settings(engine, ORG) == ({"bme_label": "Global majority"}, 1)
    assert [(e.entity, e.change, e.imported_from["changed_by"]) for e in history(engine, ORG)] == [
        ("settings", "imported", "alex"), ("panel", "imported", "alex"),
    ]
    exported = export_all(engine)
    assert (exported["organisations"], exported["memberships"]) == ([], [])
    assert exported["format_version"] == 2  # written as this code writes it (objectives say whose plan they are in)
    assert {k: v for k, v in exported.items() if k not in ("organisations", "memberships", "schema_version",
                                                           "exported_at", "format_version")} == {
        k: v for k, v in OLD_BACKUP.items() if k not in ("schema_version", "exported_at", "format_version")}
    assert not import_all(engine, OLD_BACKUP, user="importer").changed


# Refusals


def _document(tmp_path: Path) -> dict[str, Any]:
    source = _sqlite(tmp_path, "source.sqlite")
    _fill(source)
    return export_all(source)


def _broken(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    broken = copy.deepcopy(document)
    holder = broken
    for step in path[:-1]:
        holder = holder[step]
    if value is KeyError:
        del holder[path[-1]]
    else:
        holder[path[-1]] = value
    return broken


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("panels", 1, "text"), 5, r"^panels\[1\]\.text is not text$"),
        (("panels", 0, "text"), "x" * 20_001, r"^panels\[0\]\.text is 20,001 characters long"),
        (("panels", 0, "metric"), "M10", r"^panels\[0\]\.metric is 'M10', not one of M1"),
        (("panels", 1, "version"), 0, r"^panels\[1\]\.version is not a whole number of 1 or more$"),
        (("panels", 0, "updated_at"), "yesterday", r"^panels\[0\]\.updated_at is not a date and time"),
        (("panels", 0, "period"), "March 2026", r"^panels\[0\]\.period: the period must be a date"),
        (("panels", 1, "organisation"), " ", r"^panels\[1\]\.organisation is required$"),
        (("actions", 1, "rag"), "purple", r"^actions\[1\]\.rag is 'purple', not one of green"),
        (("actions", 0, "themes"), ["Pay"], r"^actions\[0\]\.themes holds 'Pay'"),
        (("actions", 0, "objective"), "  ", r"^actions\[0\]: Row 1, objective: an objective is required$"),
        (("actions", 1, "lead"), "a\x00b", r"^actions\[1\]\.lead contains a NUL character"),
        (("actions", 0, "id"), KeyError, r"^actions\[0\] has no 'id'$"),
        (("actions", 0, "scope"), "NHS WRES; service: Adults",
         r"^actions\[0\]\.scope 'NHS WRES; service: Adults' is not a standard's plan; the plans are '' \(SC-WRES\)"),
        (("actions", 1, "scope"), 7, r"^actions\[1\]\.scope 7 is not a standard's plan"),
        (("settings", 0, "values"), {"min_group_size": 0}, r"^settings\[0\]\.values: .*minimum group size"),
        (("settings", 0, "values"), [], r"^settings\[0\]\.values is not a JSON object$"),
        (("figure_sets", 0, "counts", 2, "events"), "many", r"^figure_sets\[0\]\.counts\[2\]\.events is not a number"),
        (("figure_sets", 1, "counts", 0, "base"), -1, r"^figure_sets\[1\]\.counts: .*counts cannot be negative"),
        (("figure_sets", 0, "source"), "survey", r"^figure_sets\[0\]\.source is 'survey'"),
        (("figure_sets", 0, "available"), [], r"^figure_sets\[0\]\.available is not a list of metric ids"),
        (("figure_sets", 0, "quality", "M3", "total"), -5, r"^figure_sets\[0\]\.quality\.M3\.total is not a whole"),
        (("figure_sets", 0, "comparison"), "gender",
         r"^figure_sets\[0\]\.comparison is 'gender', not one of ethnicity, disability$"),
        (("figure_sets", 0, "own_rules"), ["M10"], r"^figure_sets\[0\]\.own_rules is not a list of metric ids"),
        (("figure_sets", 0, "own_rules"), "M1", r"^figure_sets\[0\]\.own_rules is not a list$"),
        (("figure_sets", 0, "comparison"), "disability",
         r"^figure_sets\[0\]\.counts: .*unknown groups .* of the disability comparison"),
        (("audit", 11, "changed_at"), None, r"^audit\[11\]\.changed_at is not a date and time"),
        (("audit", 3, "entity"), "people", r"^audit\[3\]\.entity is 'people', not one of panel"),
        (("audit", 0, "entity_key"), "M2/know", r"^audit\[0\]\.entity_key 'M2/know' is not a panel's key$"),
        (("audit", 0, "after"), {"words": "x"}, r"^audit\[0\] does not record a panel's state \(text\)$"),
        (("audit", 1, "after", "text"), ["x"], r"^audit\[1\]\.after\.text is not text$"),
        (("audit", 2, "after", "imported"), {}, r"^audit\[2\]\.after has an 'imported' note"),
        (("audit",), {}, r"^the backup's audit is not a list$"),
        (("organisations", 0, "organisation"), " ", r"^organisations\[0\]\.organisation is required$"),
        (("organisations", 0, "created_at"), None, r"^organisations\[0\]\.created_at is not a date and time"),
        (("organisations",), "Wexcombe", r"^the backup's organisations is not a list$"),
        (("memberships", 0, "member"), "Lee@Northbrook.gov.uk",
         r"^memberships\[0\]\.member is 'Lee@Northbrook\.gov\.uk', not an address or @domain as stored "
         r"\('lee@northbrook\.gov\.uk'\)$"),
        (("memberships", 1, "member"), "wexcombe.gov.uk", r"^memberships\[1\]\.member is 'wexcombe\.gov\.uk': write a"),
        (("memberships", 1, "member"), 7, r"^memberships\[1\]\.member is 7, which is not an address or @domain$"),
        (("memberships", 2, "role"), "administrator",
         r"^memberships\[2\]\.role is 'administrator', not one of editor, viewer$"),
        (("memberships", 2, "version"), 0, r"^memberships\[2\]\.version is not a whole number of 1 or more$"),
        (("memberships", 0, "updated_at"), "today", r"^memberships\[0\]\.updated_at is not a date and time"),
        (("memberships", 0, "organisation"), None, r"^memberships\[0\]\.organisation is not text$"),
        (("memberships",), {}, r"^the backup's memberships is not a list$"),
        (("audit", 12, "entity_key"), WEXCOMBE,
         r"^audit\[12\]\.entity_key 'Wexcombe Borough Council' is not an organisation's key$"),
        (("audit", 12, "after"), {"title": WEXCOMBE},
         r"^audit\[12\] does not record an organisation's state \(name\)$"),
        (("audit", 12, "after", "name"), ["x"], r"^audit\[12\]\.after\.name is not text$"),
        (("audit", 13, "entity_key"), "Sam@Wexcombe.gov.uk",
         r"^audit\[13\]\.entity_key 'Sam@Wexcombe\.gov\.uk' is not a membership's key$"),
        (("audit", 13, "entity_key"), "", r"^audit\[13\]\.entity_key '' is not a membership's key$"),
        (("audit", 13, "after"), {"rank": "editor"}, r"^audit\[13\] does not record a membership's state \(role\)$"),
        (("audit", 14, "before", "role"), "owner", r"^audit\[14\]\.before\.role is 'owner', not one of editor"),
        (("audit", 18, "entity"), "member", r"^audit\[18\]\.entity is 'member', not one of panel"),
        (("panels", 1), ["not", "an", "object"], r"^panels\[1\] is not a JSON object$"),
        (("format_version",), 3, r"format version 3, newer than this application reads \(2\): update the app"),
        (("format_version",), "1", r"format_version is not a whole number"),
        (("format",), "something else", r'^the file is not a WRES backup: it has no "format": "wres-backup"$'),
        (("exported_at",), KeyError, r"^the backup has no 'exported_at'$"),
    ],
)
def test_a_bad_item_is_named_and_nothing_is_written(tmp_path: Path, path: tuple[Any, ...], value: Any,
                                                    message: str) -> None:
    document = _document(tmp_path)
    target = _sqlite(tmp_path, "target.sqlite")
    save_panel(target, ORG, PERIOD, "M2", "know", "Target's own", expected_version=0, user="zoe")
    before = export_all(target)
    with pytest.raises(ValueError, match=message):
        import_all(target, _broken(document, path, value), user="importer")
    assert _without_time(export_all(target)) == _without_time(before)


def test_repeated_items_are_refused(tmp_path: Path) -> None:
    original = _document(tmp_path)
    document = copy.deepcopy(original)
    document["panels"].append(dict(document["panels"][0], text="another"))
    target = _sqlite(tmp_path, "target.sqlite")
    with pytest.raises(ValueError, match=r"^panels\[2\] repeats panels\[0\] \(the same organisation, period"):
        import_all(target, document, user="importer")
    assert export_all(target)["panels"] == []
    document = copy.deepcopy(original)
    document["memberships"].append(dict(document["memberships"][2], role="viewer"))
    with pytest.raises(ValueError, match=r"^memberships\[3\] repeats memberships\[2\] \(the same organisation and "
                                         r"member\)$"):
        import_all(target, document, user="importer")
    document = copy.deepcopy(original)
    document["organisations"].append(dict(document["organisations"][0]))
    with pytest.raises(ValueError, match=r"^organisations\[1\] repeats organisations\[0\]"):
        import_all(target, document, user="importer")
    assert (export_all(target)["organisations"], export_all(target)["memberships"]) == ([], [])


def test_a_failure_part_way_through_the_import_writes_nothing(engine: Engine, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    document = _document(tmp_path)
    save_panel(engine, ORG, PERIOD, "M2", "know", "Target's own", expected_version=0, user="zoe")
    before = export_all(engine)

    def fail(*_args: Any) -> None:
        raise OSError("connection lost")

    monkeypatch.setattr(storage.backup._Import, "created_without_history", fail)  # after every item is written
    with pytest.raises(OSError, match="connection lost"):
        import_all(engine, document, user="importer")
    monkeypatch.undo()
    assert _without_time(export_all(engine)) == _without_time(before)
    assert import_all(engine, document, user="importer").created["figure_sets"] == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"format": "wres-backup", "format_version": 1, "panels": [', r"not JSON \(Expecting value at line 1"),
        (b"\xff\xfe\x00not utf-8", "it is not UTF-8 text"),
        (b"PK\x03\x04 a zip file", r"not JSON"),
        (b'[1, 2, 3]', 'it has no "format": "wres-backup"'),
        (b'{"format": "wres-backup", "format_version": 1, "x": NaN}', "NaN, which is not a JSON number"),
        (b'{"format": "wres-backup", "format_version": 9}', "format version 9, newer than this application"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_read_backup_says_what_is_wrong(data: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read_backup(data)


def test_read_backup_refuses_a_file_over_the_limit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert storage.backup.MAX_BACKUP_BYTES == 200 * 1024 * 1024
    data = json.dumps(_document(tmp_path)).encode()
    monkeypatch.setattr(storage.backup, "MAX_BACKUP_BYTES", len(data) - 1)
    with pytest.raises(ValueError, match=r"a backup is at most 0 MB"):
        read_backup(data)
    monkeypatch.setattr(storage.backup, "MAX_BACKUP_BYTES", len(data))
    assert read_backup(data)["format"] == "wres-backup"


def test_a_cut_short_file_is_refused_with_nothing_written(engine: Engine, tmp_path: Path) -> None:
    document = _document(tmp_path)
    encoded = json.dumps(document).encode()
    with pytest.raises(ValueError, match="it may be cut short or damaged"):
        import_all(engine, read_backup(encoded[: len(encoded) // 2]), user="importer")
    assert _without_time(export_all(engine))["panels"] == []
    assert import_all(engine, read_backup(b"\xef\xbb\xbf" + encoded), user="importer").created["panels"] == 2


def test_the_import_report_in_words() -> None:
    report = ImportReport()
    report.created["panels"] += 2
    report.unchanged["audit"] += 5
    assert report.changed
    assert report.lines() == [
        "panels: 2 created, 0 replaced, 0 unchanged",
        "actions: 0 created, 0 replaced, 0 unchanged",
        "settings: 0 created, 0 replaced, 0 unchanged",
        "figure sets: 0 created, 0 replaced, 0 unchanged",
        "organisations: 0 created, 0 replaced, 0 unchanged",
        "memberships: 0 created, 0 replaced, 0 unchanged",
        "audit: 0 created, 0 replaced, 5 unchanged",
    ]
    assert not ImportReport().changed


def test_the_figures_come_back_exactly(tmp_path: Path) -> None:
    source = _sqlite(tmp_path, "source.sqlite")
    figures = _figures()
    summary = save_figure_set(source, figures, saved_by="alex", made_with=counting_choices(Settings()))
    target = _sqlite(tmp_path, "target.sqlite")
    import_all(target, export_all(source), user="importer")
    (copied,) = list_figure_sets(target)
    loaded = load_figure_set(target, copied.id)
    assert_frame_equal(loaded.counts, validate_counts(figures.counts))
    assert (loaded.quality, loaded.notes, loaded.available) == (figures.quality, figures.notes, figures.available)
    assert (copied.version, copied.saved_at) == (summary.version, summary.saved_at)


def test_disability_figures_and_own_rules_come_back_exactly(engine: Engine, tmp_path: Path) -> None:
    """Schema version 6: a backup carries whose groups each saved period holds and its metrics counted under their
    own rule, and an import puts them back, from either kind of database."""
    disability = FigureSet(ORG, Period.twelve_months_to(dt.date(2026, 3, 31)), pd.DataFrame({
        "metric": ["M3"] * 3, "item": [""] * 3, "group": list(DISABILITY.keys),
        "events": [4.0, 8.0, 0.0], "base": [40.0, 160.0, 20.0]}),
        {"M3": DataQuality(220, 20)}, ["By disability"], frozenset({"M3"}), comparison=DISABILITY)
    nhs = replace(_figures(WEXCOMBE), own_rules=frozenset({"M1"}))
    save_figure_set(engine, disability, saved_by="alex", made_with={}, scope="Test WDES")
    save_figure_set(engine, nhs, saved_by="alex", made_with={})
    exported = export_all(engine)
    assert [(f["organisation"], f["comparison"], f["own_rules"]) for f in exported["figure_sets"]] == [
        (ORG, "disability", []), (WEXCOMBE, "ethnicity", ["M1"])]
    target = _sqlite(tmp_path, "target.sqlite")
    assert import_all(target, copy.deepcopy(exported), user="importer").created["figure_sets"] == 2
    for there, figures in zip(list_figure_sets(target), (disability, nhs), strict=True):
        loaded = load_figure_set(target, there.id)
        assert_frame_equal(loaded.counts, validate_counts(figures.counts, figures.comparison))
        assert (loaded.comparison, loaded.own_rules) == (figures.comparison, figures.own_rules)
    assert _without_time(export_all(target)) == _without_time(exported)
    assert not import_all(target, copy.deepcopy(exported), user="importer").changed
    # Another comparison or own rule in the file is other content: the period is replaced, and the history says so.
    changed = copy.deepcopy(exported)
    changed["figure_sets"][1]["own_rules"] = []
    assert import_all(target, changed, user="importer").replaced["figure_sets"] == 1
    assert load_figure_set(target, list_figure_sets(target)[1].id).own_rules == frozenset()


def test_each_standards_plan_comes_back_in_its_own_plan(engine: Engine, tmp_path: Path) -> None:
    """Schema version 7: each objective carries its plan ("scope"); the same numbers in two plans import apart, and
    an objective whose id is taken here by another plan's objective gets a new one, in its own plan."""
    source = _sqlite(tmp_path, "source.sqlite")
    sc_wres = save_actions(source, ORG, PERIOD, [Action(objective="Ours", themes=["Leadership"])], user="alex").saved
    nhs = save_actions(source, ORG, PERIOD, [Action(objective="Shortlisting", metrics=["M2", "W9"])], user="beth",
                       scope="NHS WRES").saved
    document = export_all(source)
    assert [(a["number"], a["scope"]) for a in document["actions"]] == [(1, ""), (1, "NHS WRES")]
    report = import_all(engine, copy.deepcopy(document), user="importer")
    assert report.created["actions"] == 2
    assert [a.content() for a in load_actions(engine, ORG, PERIOD)] == [a.content() for a in sc_wres]
    assert [a.content() for a in load_actions(engine, ORG, PERIOD, scope="NHS WRES")] == [a.content() for a in nhs]
    assert [e.after["objective"] for e in storage.action_history(engine, ORG, PERIOD, scope="NHS WRES")] == [
        "Shortlisting"]
    assert _without_time(export_all(engine)) == _without_time(document)
    assert not import_all(engine, copy.deepcopy(document), user="importer").changed
    # The same id here in another plan: a new id for the file's, kept in its plan; the other plan untouched.
    target = _sqlite(tmp_path, "target.sqlite")
    (wdes,) = save_actions(target, ORG, PERIOD, [Action(objective="Adjustments")], user="zed", scope="WDES").saved
    assert wdes.id == sc_wres[0].id
    import_all(target, copy.deepcopy(document), user="importer")
    assert [a.objective for a in load_actions(target, ORG, PERIOD, scope="WDES")] == ["Adjustments"]
    assert [a.objective for a in load_actions(target, ORG, PERIOD)] == ["Ours"]
    assert not import_all(target, copy.deepcopy(document), user="importer").changed
    # A file whose objective is in another plan than the one with its id here is another objective, as one of
    # another period is: it is added to its own plan and the one here is left as it is.
    moved = copy.deepcopy(document)
    moved["actions"][1]["scope"] = "WDES"
    report = import_all(engine, moved, user="importer")
    assert (report.created["actions"], report.replaced["actions"]) == (1, 0)
    assert [a.objective for a in load_actions(engine, ORG, PERIOD, scope="WDES")] == ["Shortlisting"]
    assert [a.content() for a in load_actions(engine, ORG, PERIOD, scope="NHS WRES")] == [a.content() for a in nhs]


def test_a_backup_written_by_schema_version_5_imports_as_the_race_standards_figures(engine: Engine) -> None:
    """tests/fixtures/backup_v5.json was written by the version 5 code: its saved period says neither whose groups
    it holds nor any own rule, and it was counted as the race standards' under the plain rules."""
    document = read_backup((FIXTURES / "backup_v5.json").read_bytes())
    assert (document["schema_version"], document["format_version"]) == (5, 1)
    assert not {"comparison", "own_rules"} & set(document["figure_sets"][0])
    assert all("scope" not in action for action in document["actions"])
    report = import_all(engine, document, user="importer")
    assert report.created["figure_sets"] == 1
    # Its objectives were written before plans were kept per standard: the SC-WRES plan's.
    assert [(a.number, a.objective) for a in load_actions(engine, ORG, PERIOD)] == [
        (1, "Understand the experience of staff who experience racism"), (2, "An anti-racist approach to recruitment")]
    assert load_actions(engine, ORG, PERIOD, scope="NHS WRES") == []
    (summary,) = list_figure_sets(engine)
    loaded = load_figure_set(engine, summary.id)
    assert (summary.comparison, loaded.comparison, loaded.own_rules) == ("ethnicity", ETHNICITY, frozenset())
    assert loaded.counts["events"].tolist() == [12.0, 20.0, 1.0]
    assert not import_all(engine, read_backup((FIXTURES / "backup_v5.json").read_bytes()), user="importer").changed


# The command line


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli" / "wres.sqlite"
    monkeypatch.setenv("WRES_DATABASE_URL", f"sqlite:///{path}")
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_export_import_upgrade_and_version(cli_database: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = _run(capsys, "version")
    assert (code, err) == (0, "")
    assert out == f"This code: schema version {SCHEMA_VERSION}. No database yet at sqlite:///{cli_database}.\n"
    assert not cli_database.exists()
    code, out, err = _run(capsys, "export", str(tmp_path / "backup.json"))
    assert (code, out) == (2, "")
    assert err == f"error: there is no database at sqlite:///{cli_database}: nothing to export\n"
    assert _run(capsys, "upgrade")[1] == (
        f"Made the tables in sqlite:///{cli_database}, at schema version {SCHEMA_VERSION}.\n")
    assert _run(capsys, "upgrade")[1] == (
        f"The database (sqlite:///{cli_database}) is at schema version {SCHEMA_VERSION}: nothing to do.\n"
    )
    engine = make_engine()
    _fill(engine)
    engine.dispose()
    code, out, _err = _run(capsys, "export", str(tmp_path / "backup.json"))
    assert (code, out) == (0, f"Wrote {tmp_path / 'backup.json'}: 2 panels, 2 objectives, 1 settings, "
                              "2 figure sets, 1 organisations, 3 people's roles, 19 history entries\n")
    monkeypatch.setenv("WRES_DATABASE_URL", f"sqlite:///{tmp_path / 'other.sqlite'}")
    code, out, _err = _run(capsys, "import", str(tmp_path / "backup.json"), "--user", "Importer Name")
    assert code == 0
    assert out.splitlines()[1:] == [
        "  panels: 2 created, 0 replaced, 0 unchanged",
        "  actions: 2 created, 0 replaced, 0 unchanged",
        "  settings: 1 created, 0 replaced, 0 unchanged",
        "  figure sets: 2 created, 0 replaced, 0 unchanged",
        "  organisations: 1 created, 0 replaced, 0 unchanged",
        "  memberships: 3 created, 0 replaced, 0 unchanged",
        "  audit: 19 created, 0 replaced, 0 unchanged",
    ]
    code, out, _err = _run(capsys, "import", str(tmp_path / "backup.json"))
    assert out.splitlines()[0].endswith(": nothing changed")
    engine = make_engine()
    assert {e.changed_by for e in history(engine, ORG)} == {"Importer Name"}
    engine.dispose()
    assert _run(capsys, "version")[1].endswith(f"schema version {SCHEMA_VERSION}, up to date.\n")


@pytest.mark.parametrize(
    ("argv", "content", "message"),
    [
        (("import", "{file}"), b"not json", r"^error: '.*bad\.json': the file is not a WRES backup: it is not JSON"),
        (("import", "{file}"), b'{"format": "wres-backup", "format_version": 1}',
         r"^error: '.*bad\.json': the backup has no 'schema_version'; nothing was imported$"),
        (("import", "{missing}"), None, r"^error: '.*missing\.json': there is no such file$"),
        (("export", "{folder}"), None, r"^error: '.*': is a folder; give a file name$"),
        (("bogus",), None, r"^error: argument COMMAND: invalid choice: 'bogus'"),
        (("import",), None, r"^error: the following arguments are required: FILE"),
    ],
)
def test_cli_bad_input_is_one_error_line_and_exit_2(cli_database: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...],
                                                    content: bytes | None, message: str) -> None:
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_bytes(content)
    names = {"file": str(bad), "missing": str(tmp_path / "missing.json"), "folder": str(tmp_path)}
    code, out, err = _run(capsys, *(part.format(**names) for part in argv))
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert re.match(message, err.rstrip("\n")), err
