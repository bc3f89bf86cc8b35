"""One server, many organisations (issue 18): the allow-list per organisation, and storage refusing whatever a
caller may not read or change, on every function that reads or writes an organisation's data."""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine

import storage
from access import EDITOR, VIEWER, AccessPolicy, Caller, PolicyError
from metrics.counts import DataQuality, FigureSet, Period
from storage import (
    Action,
    NotAllowed,
    action_history,
    actions_for_metric,
    backup_bytes,
    benchmark_sources,
    create_organisation,
    delete_figure_set,
    export_all,
    history,
    import_all,
    import_file,
    list_figure_sets,
    load_actions,
    load_benchmark_figures,
    load_figure_set,
    load_figure_sets,
    load_panel,
    load_panels,
    load_saved_settings,
    load_settings,
    made_with_of,
    organisations_with_figures,
    panel_history,
    read_backup,
    restore_action,
    restore_panel,
    restore_settings,
    save_actions,
    save_figure_set,
    save_panel,
    save_settings,
    set_member,
    write_backup,
)
from storage.audit import entry

ROOT = Path(__file__).resolve().parent.parent
WEXCOMBE = "Wexcombe Borough Council"
NORTHBY = "Northby Council"
PERIOD = "2026-03-31"
CONFIG: dict[str, Any] = {
    "administrators": ["it.lead@region.gov.uk"],
    "editors": [],
    "viewers": [],
    "organisations": {
        WEXCOMBE: {"editors": ["sam.patel@wexcombe.gov.uk"], "viewers": ["@wexcombe.gov.uk"]},
        NORTHBY: {"editors": ["@northby.gov.uk"]},
    },
}
POLICY = AccessPolicy.from_mapping(CONFIG)


def caller(email: str) -> Caller:
    found = POLICY.caller_for(email)
    assert found is not None
    return found


NORTHBY_EDITOR = caller("lee@northby.gov.uk")
WEXCOMBE_VIEWER = caller("jo@wexcombe.gov.uk")
WEXCOMBE_EDITOR = caller("sam.patel@wexcombe.gov.uk")
ADMINISTRATOR = caller("it.lead@region.gov.uk")


# --- the policy and the caller ----------------------------------------------------------------------


def test_roles_per_organisation() -> None:
    assert NORTHBY_EDITOR.organisations == (NORTHBY,) and NORTHBY_EDITOR.edited_organisations == (NORTHBY,)
    assert NORTHBY_EDITOR.may_edit(NORTHBY) and not NORTHBY_EDITOR.may_read(WEXCOMBE)
    assert WEXCOMBE_VIEWER.role_in(WEXCOMBE) == VIEWER and WEXCOMBE_VIEWER.edited_organisations == ()
    assert not WEXCOMBE_VIEWER.may_edit(WEXCOMBE) and not WEXCOMBE_VIEWER.may_read(NORTHBY)
    # On both Wexcombe lists (the address and its domain): the better role.
    assert WEXCOMBE_EDITOR.role_in(WEXCOMBE) == EDITOR and WEXCOMBE_EDITOR.organisations == (WEXCOMBE,)
    assert ADMINISTRATOR.administrator and ADMINISTRATOR.organisations is None
    assert ADMINISTRATOR.may_edit("Any Council Whatever") and ADMINISTRATOR.may_import
    assert not NORTHBY_EDITOR.may_import
    assert POLICY.caller_for("someone@elsewhere.gov.uk") is None  # on no list: not let in
    assert POLICY.caller_for("lee@sub.northby.gov.uk") is None  # the same domain rules as before
    assert POLICY.caller_for("  LEE@Northby.gov.uk ") == NORTHBY_EDITOR


def test_todays_top_level_lists_are_of_every_organisation() -> None:
    policy = AccessPolicy.from_mapping({"editors": ["@wexcombe.gov.uk"], "viewers": ["@region.gov.uk"]})
    editor, viewer = policy.caller_for("sam@wexcombe.gov.uk"), policy.caller_for("kim@region.gov.uk")
    assert editor is not None and viewer is not None
    assert editor.organisations is None and editor.may_edit(NORTHBY) and not editor.administrator
    assert viewer.organisations is None and viewer.may_read(NORTHBY) and not viewer.may_edit(NORTHBY)
    assert policy.role_for("sam@wexcombe.gov.uk") == EDITOR


def test_the_server_operator_is_unrestricted() -> None:
    operator = Caller.unrestricted()
    assert operator.may_edit(NORTHBY) and operator.may_import and operator.organisations is None
    assert not Caller().may_read(NORTHBY)  # a caller with no role anywhere may do nothing


@pytest.mark.parametrize(("config", "words"), [
    ({"organisations": ["Northby Council"]}, "sections named after each organisation"),
    ({"organisations": {NORTHBY: ["@northby.gov.uk"]}}, "must be a section with editors and viewers"),
    ({"organisations": {NORTHBY: {"administrators": ["a@northby.gov.uk"]}}}, "administrators are of every"),
    ({"organisations": {NORTHBY: {"editors": ["northby"]}}}, 'organisations."Northby Council".editors holds'),
    ({"organisations": {" Northby Council": {"editors": []}}}, "no spaces before or after"),
    ({"administrators": "it.lead@region.gov.uk"}, "administrators must be a list"),
    ({"admins": []}, "does not know: admins"),
])
def test_a_bad_organisations_section_says_what_to_fix(config: dict[str, Any], words: str) -> None:
    with pytest.raises(PolicyError, match=re.escape(words)):
        AccessPolicy.from_mapping(config)


# --- storage refuses --------------------------------------------------------------------------------


def _figures(organisation: str) -> FigureSet:
    counts = pd.DataFrame({"metric": ["M3"] * 3, "item": [""] * 3, "group": ["bme", "white", "unknown"],
                           "events": [12.0, 20.0, 1.0], "base": [400.0, 1200.0, 100.0]})
    return FigureSet(organisation, Period.twelve_months_to(dt.date(2026, 3, 31)), counts,
                     {"M3": DataQuality(1700, 100)}, [], frozenset({"M3"}))


def _fill(engine: Engine) -> dict[str, Any]:
    """Both organisations' panels, plan, settings and figures, with history; the ids of Wexcombe's entries."""
    for organisation in (WEXCOMBE, NORTHBY):
        save_panel(engine, organisation, PERIOD, "M2", "know", f"{organisation}'s first", expected_version=0,
                   user="alex")
        save_panel(engine, organisation, PERIOD, "M2", "know", f"{organisation}'s second", expected_version=1,
                   user="alex")
        save_actions(engine, organisation, PERIOD, [Action(number=1, objective="Fair shortlisting",
                                                           themes=["Recruitment and retention"], metrics=["M2"])],
                     user="alex")
        save_settings(engine, organisation, {"bme_label": "Global majority"}, expected_version=0, user="alex")
        save_settings(engine, organisation, {"bme_label": "Ethnic minority"}, expected_version=1, user="alex")
        save_figure_set(engine, _figures(organisation), saved_by="alex", made_with={})
    [wexcombe_set] = list_figure_sets(engine, WEXCOMBE)
    entries = history(engine, WEXCOMBE)
    return {
        "panel": next(e.id for e in entries if e.entity == "panel" and e.change == "created"),
        "action": next(e.id for e in entries if e.entity == "action"),
        "settings": next(e.id for e in entries if e.entity == "settings" and e.change == "created"),
        "figure_set": wexcombe_set.id,
        "figure_set_version": wexcombe_set.version,
    }


def _everything(engine: Engine) -> dict[str, Any]:
    return {k: v for k, v in export_all(engine).items() if k != "exported_at"}


def _reads(engine: Engine, ids: dict[str, Any], as_: Caller) -> list[Any]:
    org = WEXCOMBE
    return [
        lambda: load_panel(engine, org, PERIOD, "M2", "know", caller=as_),
        lambda: load_panels(engine, org, PERIOD, caller=as_),
        lambda: load_actions(engine, org, PERIOD, caller=as_),
        lambda: actions_for_metric(engine, org, PERIOD, "M2", caller=as_),
        lambda: load_settings(engine, org, caller=as_),
        lambda: load_saved_settings(engine, org, caller=as_),
        lambda: list_figure_sets(engine, org, caller=as_),
        lambda: load_figure_sets(engine, org, caller=as_),
        lambda: load_figure_set(engine, ids["figure_set"], caller=as_),
        lambda: made_with_of(engine, ids["figure_set"], caller=as_),
        lambda: history(engine, org, caller=as_),
        lambda: panel_history(engine, org, PERIOD, "M2", "know", caller=as_),
        lambda: action_history(engine, org, PERIOD, caller=as_),
        lambda: entry(engine, ids["panel"], caller=as_),
        lambda: load_benchmark_figures(engine, ids["figure_set"], caller=as_),  # Wexcombe does not share
        lambda: export_all(engine, organisations=[org], caller=as_),
    ]


def _writes(engine: Engine, ids: dict[str, Any], as_: Caller, tmp_path: Path) -> list[Any]:
    org = WEXCOMBE
    backup = tmp_path / "backup.json"
    write_backup(engine, backup)
    return [
        lambda: save_panel(engine, org, PERIOD, "M2", "know", "Overwritten", expected_version=2, user="x", caller=as_),
        lambda: save_panel(engine, org, PERIOD, "M3", "know", "New", expected_version=0, user="x", caller=as_),
        lambda: save_actions(engine, org, PERIOD, [], user="x", caller=as_),  # would delete the plan
        lambda: save_settings(engine, org, {}, expected_version=2, user="x", caller=as_),
        lambda: save_figure_set(engine, _figures(org), saved_by="x", made_with={}, expected_version=1, caller=as_),
        lambda: delete_figure_set(engine, ids["figure_set"], ids["figure_set_version"], user="x", caller=as_),
        lambda: restore_panel(engine, ids["panel"], user="x", expected_version=2, caller=as_),
        lambda: restore_action(engine, ids["action"], user="x", caller=as_),
        lambda: restore_settings(engine, ids["settings"], user="x", expected_version=2, caller=as_),
        lambda: import_all(engine, read_backup(backup.read_bytes()), user="x", caller=as_),
        lambda: import_file(engine, backup, user="x", caller=as_),
    ]


def test_an_editor_of_one_organisation_can_neither_read_nor_change_another(engine: Engine, tmp_path: Path) -> None:
    ids = _fill(engine)
    before = _everything(engine)
    for call in [*_reads(engine, ids, NORTHBY_EDITOR), *_writes(engine, ids, NORTHBY_EDITOR, tmp_path)]:
        with pytest.raises(NotAllowed) as refused:
            call()
        assert WEXCOMBE in str(refused.value) or "administrator" in str(refused.value)
    assert _everything(engine) == before


def test_a_viewer_reads_their_organisation_and_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    ids = _fill(engine)
    before = _everything(engine)
    reads = _reads(engine, ids, WEXCOMBE_VIEWER)
    for call in reads[:-1]:  # every read but the backup, which needs an editor
        call()
    assert load_panel(engine, WEXCOMBE, PERIOD, "M2", "know", caller=WEXCOMBE_VIEWER).text.endswith("second")
    with pytest.raises(NotAllowed, match="needs the editor role"):
        reads[-1]()
    for call in _writes(engine, ids, WEXCOMBE_VIEWER, tmp_path):
        with pytest.raises(NotAllowed, match="editor role|administrator role"):
            call()
    with pytest.raises(NotAllowed, match="may not read 'Northby Council'"):
        load_panels(engine, NORTHBY, PERIOD, caller=WEXCOMBE_VIEWER)
    assert _everything(engine) == before


def test_the_refusal_says_which_organisation_and_what_role(engine: Engine) -> None:
    with pytest.raises(NotAllowed) as refused:
        save_panel(engine, WEXCOMBE, PERIOD, "M2", "know", "x", expected_version=0, user="Jo",
                   caller=WEXCOMBE_VIEWER)
    assert str(refused.value) == ("jo@wexcombe.gov.uk may not change 'Wexcombe Borough Council': that needs the "
                                  "editor role in it (you are a viewer there); nothing was changed. Ask the "
                                  "dashboard's administrator to make you an editor of that organisation")
    assert isinstance(refused.value, storage.NotAllowed)


def test_an_editor_and_an_administrator_work_as_before(engine: Engine, tmp_path: Path) -> None:
    ids = _fill(engine)
    saved = save_panel(engine, WEXCOMBE, PERIOD, "M2", "know", "Sam's", expected_version=2, user="Sam",
                       caller=WEXCOMBE_EDITOR)
    assert saved.version == 3
    restore_panel(engine, ids["panel"], user="Sam", expected_version=3, caller=WEXCOMBE_EDITOR)
    assert load_panel(engine, WEXCOMBE, PERIOD, "M2", "know", caller=ADMINISTRATOR).text.endswith("first")
    save_settings(engine, NORTHBY, {}, expected_version=2, user="Lee", caller=NORTHBY_EDITOR)
    delete_figure_set(engine, ids["figure_set"], ids["figure_set_version"], user="Kim", caller=ADMINISTRATOR)
    assert list_figure_sets(engine, caller=ADMINISTRATOR)[0].organisation == NORTHBY
    report = import_all(engine, export_all(engine), user="Kim", caller=ADMINISTRATOR)
    assert not report.changed


def test_listing_figures_shows_only_the_organisations_the_caller_reads(engine: Engine) -> None:
    _fill(engine)
    assert {s.organisation for s in list_figure_sets(engine, caller=NORTHBY_EDITOR)} == {NORTHBY}
    assert organisations_with_figures(engine, caller=WEXCOMBE_VIEWER) == [WEXCOMBE]
    assert organisations_with_figures(engine, caller=ADMINISTRATOR) == [NORTHBY, WEXCOMBE]
    assert organisations_with_figures(engine) == [NORTHBY, WEXCOMBE]  # the command line: unrestricted


# --- benchmarking: another organisation's figures only as published, only if it shares them ----------------

# Northby's saved figures, as a viewer of Wexcombe may see them once Northby shares them:
#   M2 (appointed of shortlisted): BME 3 of 47, white 31 of 154; size 47 + 154 = 201, shown as 200; the ratio
#      rests on a count of 3, so it is withheld with its interval.
#   M3 (entering disciplinary):    BME 12 of 403, white 20 of 1196; size 1599, shown as 1600; every count is 10 or
#      more, so the ratio is shown: (12 / 403) / (20 / 1196) = 0.0297767 / 0.0167224 = 1.78065.
NORTHBY_COUNTS = {"M2": {"bme": (3.0, 47.0), "white": (31.0, 154.0)},
                  "M3": {"bme": (12.0, 403.0), "white": (20.0, 1196.0), "unknown": (1.0, 100.0)}}


def _northby(end: dt.date = dt.date(2026, 3, 31)) -> FigureSet:
    counts = pd.DataFrame([{"metric": m, "item": "", "group": g, "events": e, "base": b}
                           for m, groups in NORTHBY_COUNTS.items() for g, (e, b) in groups.items()])
    return FigureSet(NORTHBY, Period.twelve_months_to(end), counts, {}, [], frozenset(NORTHBY_COUNTS))


def _share(engine: Engine, shares: bool, version: int) -> None:
    save_settings(engine, NORTHBY, {"share_for_benchmarking": shares}, expected_version=version, user="Lee",
                  caller=NORTHBY_EDITOR)


def _sources(engine: Engine, as_: Caller) -> list[tuple[str, bool]]:
    return [(s.organisation, s.published_only) for s in benchmark_sources(engine, caller=as_)]


def test_a_viewer_sees_another_organisations_figures_only_when_it_shares_them_and_only_as_published(
        engine: Engine) -> None:
    from metrics.benchmarking import benchmark, to_json_dict

    save_figure_set(engine, _figures(WEXCOMBE), saved_by="alex", made_with={})
    save_figure_set(engine, _northby(dt.date(2025, 3, 31)), saved_by="lee", made_with={})  # last year's
    northby = save_figure_set(engine, _northby(), saved_by="lee", made_with={})
    last_year = next(s for s in list_figure_sets(engine, NORTHBY) if s.id != northby.id)

    # Not shared (the default): Wexcombe's viewer is offered only Wexcombe, and cannot load Northby's.
    assert _sources(engine, WEXCOMBE_VIEWER) == [(WEXCOMBE, False)]
    with pytest.raises(NotAllowed, match="does not share its published figures"):
        load_benchmark_figures(engine, northby.id, caller=WEXCOMBE_VIEWER)

    _share(engine, True, 0)
    assert _sources(engine, WEXCOMBE_VIEWER) == [(NORTHBY, True), (WEXCOMBE, False)]
    [offered] = [s for s in benchmark_sources(engine, caller=WEXCOMBE_VIEWER) if s.organisation == NORTHBY]
    assert offered.summary.id == northby.id  # its latest whole-organisation period
    # Sharing is not reading: every read of Northby's own is refused as before, this set and last year's.
    with pytest.raises(NotAllowed, match="may not read 'Northby Council'"):
        load_figure_set(engine, northby.id, caller=WEXCOMBE_VIEWER)
    with pytest.raises(NotAllowed):
        load_figure_sets(engine, NORTHBY, caller=WEXCOMBE_VIEWER)
    with pytest.raises(NotAllowed, match="shares only its latest whole-organisation figures"):
        load_benchmark_figures(engine, last_year.id, caller=WEXCOMBE_VIEWER)

    loaded = load_benchmark_figures(engine, northby.id, caller=WEXCOMBE_VIEWER)
    own = load_benchmark_figures(engine, list_figure_sets(engine, WEXCOMBE)[0].id, caller=WEXCOMBE_VIEWER)
    assert loaded.published_only and not own.published_only
    result = benchmark([own.figures, loaded.figures], published_only={loaded.figures.organisation})
    m2 = {row.organisation: row for row in result.comparison("M2").organisations}[NORTHBY]
    assert (m2.size, m2.value, m2.ci, m2.status, m2.groups) == (200, None, None, "withheld", {})
    assert "count under 10" in m2.reason
    m3 = {row.organisation: row for row in result.comparison("M3").organisations}[NORTHBY]
    assert (m3.size, m3.groups) == (1600, {}) and m3.value == pytest.approx(1.78065, abs=1e-5)
    # With one other organisation in it, the pooled figure is Wexcombe's plus Northby's: withheld.
    assert result.comparison("M3").pooled.value is None and not result.comparison("M3").placed
    northby_rows = [row for c in to_json_dict(result)["comparisons"] for row in c["organisations"]
                    if row["organisation"] == NORTHBY]
    assert northby_rows and all("groups" not in row for row in northby_rows)
    assert {row["size"] for row in northby_rows if row["size"] is not None} == {200, 1600}

    # Northby's editors withdraw it: gone at once, from the list and from loading.
    _share(engine, False, 1)
    assert _sources(engine, WEXCOMBE_VIEWER) == [(WEXCOMBE, False)]
    with pytest.raises(NotAllowed, match="does not share its published figures"):
        load_benchmark_figures(engine, northby.id, caller=WEXCOMBE_VIEWER)


def test_who_is_offered_shared_figures(engine: Engine) -> None:
    save_figure_set(engine, _figures(WEXCOMBE), saved_by="alex", made_with={})
    northby = save_figure_set(engine, _northby(), saved_by="lee", made_with={})
    _share(engine, True, 0)
    # Nobody with a role here sees nothing shared; nor does someone let in only to read the built-in sample.
    for nobody in (Caller(), Caller().also_reading(WEXCOMBE)):
        assert [s for s in _sources(engine, nobody) if s[0] == NORTHBY] == []
        with pytest.raises(NotAllowed, match="may not read 'Northby Council'"):
            load_benchmark_figures(engine, northby.id, caller=nobody)
    # Northby's own editor reads its figures in full; Wexcombe does not share, so they are not offered theirs.
    assert _sources(engine, NORTHBY_EDITOR) == [(NORTHBY, False)]
    assert not load_benchmark_figures(engine, northby.id, caller=NORTHBY_EDITOR).published_only
    # An administrator reads every organisation: nothing is published only for them.
    assert _sources(engine, ADMINISTRATOR) == [(NORTHBY, False), (WEXCOMBE, False)]
    # A set for one service is not what is shared.
    scoped = save_figure_set(engine, _northby(), saved_by="lee", made_with={}, scope="service: Adults")
    with pytest.raises(NotAllowed, match="latest whole-organisation"):
        load_benchmark_figures(engine, scoped.id, caller=WEXCOMBE_VIEWER)


# --- the backup ---------------------------------------------------------------------------------------


def test_an_editors_backup_holds_only_the_organisations_they_edit(engine: Engine) -> None:
    _fill(engine)
    document = export_all(engine, caller=NORTHBY_EDITOR)
    for kind in ("panels", "actions", "settings", "figure_sets", "audit"):
        assert document[kind] and {item["organisation"] for item in document[kind]} == {NORTHBY}, kind
    chosen = export_all(engine, organisations=[NORTHBY], caller=NORTHBY_EDITOR)
    assert {**chosen, "exported_at": None} == {**document, "exported_at": None}
    assert WEXCOMBE not in backup_bytes(engine, caller=NORTHBY_EDITOR).decode("utf-8")
    everything = export_all(engine, caller=ADMINISTRATOR)
    assert {p["organisation"] for p in everything["panels"]} == {NORTHBY, WEXCOMBE}
    assert len(everything["audit"]) == len(export_all(engine)["audit"])
    with pytest.raises(NotAllowed, match="Wexcombe Borough Council"):
        export_all(engine, organisations=[NORTHBY, WEXCOMBE], caller=NORTHBY_EDITOR)
    with pytest.raises(NotAllowed, match="may not download a backup"):
        backup_bytes(engine, caller=WEXCOMBE_VIEWER)


def test_an_editors_backup_imports_into_an_empty_database(engine: Engine, tmp_path: Path) -> None:
    _fill(engine)
    document = json.loads(backup_bytes(engine, caller=NORTHBY_EDITOR))
    other = storage.make_engine(f"sqlite:///{tmp_path / 'other.sqlite'}")
    storage.create_schema(other)
    import_all(other, read_backup(json.dumps(document).encode()), user="Kim", caller=ADMINISTRATOR)
    assert organisations_with_figures(other) == [NORTHBY]
    assert load_panel(other, NORTHBY, PERIOD, "M2", "know").text == "Northby Council's second"
    other.dispose()


def test_who_belongs_to_an_organisation_is_in_an_administrators_backup_only(engine: Engine, tmp_path: Path) -> None:
    create_organisation(engine, NORTHBY, user="it.lead@region.gov.uk")
    _fill(engine)
    set_member(engine, NORTHBY, "lee@northby.gov.uk", "editor", user="it.lead@region.gov.uk")
    set_member(engine, NORTHBY, "pat@northby.gov.uk", "viewer", user="it.lead@region.gov.uk")
    set_member(engine, NORTHBY, "pat@northby.gov.uk", "editor", expected_version=1, user="it.lead@region.gov.uk")
    set_member(engine, WEXCOMBE, "jo@wexcombe.gov.uk", "viewer", user="it.lead@region.gov.uk")
    everywhere_editor = Caller(identity="ops@region.gov.uk", everywhere=EDITOR)  # not an administrator
    for as_ in (NORTHBY_EDITOR, everywhere_editor):
        document = export_all(engine, caller=as_)
        assert document["memberships"] == []
        assert [e["entity"] for e in document["audit"] if e["entity"] in ("organisation", "membership")] == [
            "organisation"]
        assert [(o["organisation"], o["created_by"]) for o in document["organisations"]] == [
            (NORTHBY, "it.lead@region.gov.uk")]
        written = backup_bytes(engine, caller=as_).decode("utf-8")
        assert "lee@northby.gov.uk" not in written and "pat@northby.gov.uk" not in written
    assert export_all(engine, organisations=[NORTHBY], caller=NORTHBY_EDITOR)["memberships"] == []
    everything = export_all(engine, caller=ADMINISTRATOR)
    assert [(m["organisation"], m["member"], m["role"], m["version"]) for m in everything["memberships"]] == [
        (NORTHBY, "lee@northby.gov.uk", "editor", 1), (NORTHBY, "pat@northby.gov.uk", "editor", 2),
        (WEXCOMBE, "jo@wexcombe.gov.uk", "viewer", 1),
    ]
    assert [(e["organisation"], e["entity_key"], e["change"]) for e in everything["audit"]
            if e["entity"] == "membership"] == [
        (NORTHBY, "lee@northby.gov.uk", "created"), (NORTHBY, "pat@northby.gov.uk", "created"),
        (NORTHBY, "pat@northby.gov.uk", "updated"), (WEXCOMBE, "jo@wexcombe.gov.uk", "created"),
    ]
    chosen = export_all(engine, organisations=[NORTHBY], caller=ADMINISTRATOR)
    assert [m["member"] for m in chosen["memberships"]] == ["lee@northby.gov.uk", "pat@northby.gov.uk"]
    # The editor's backup restores the organisation's name and data, and nobody's role.
    other = storage.make_engine(f"sqlite:///{tmp_path / 'other.sqlite'}")
    storage.create_schema(other)
    report = import_all(other, export_all(engine, caller=NORTHBY_EDITOR), user="Kim", caller=ADMINISTRATOR)
    assert (report.created["organisations"], report.created["memberships"]) == (1, 0)
    assert storage.known_organisations(other) == [NORTHBY]
    assert storage.roles_of(other, "lee@northby.gov.uk") == ()
    other.dispose()


# --- the app passes a caller on every call ------------------------------------------------------------


def _guarded() -> set[str]:
    """storage's public functions that take a caller: those the app must never call without one."""
    return {name for name in storage.__all__
            if inspect.isfunction(getattr(storage, name))
            and "caller" in inspect.signature(getattr(storage, name)).parameters}


def test_storage_checks_every_function_that_reads_or_writes_an_organisations_data() -> None:
    assert _guarded() >= {
        "load_panel", "load_panels", "save_panel", "load_actions", "actions_for_metric", "save_actions",
        "load_settings", "load_saved_settings", "save_settings", "list_figure_sets", "load_figure_set",
        "load_figure_sets", "made_with_of", "save_figure_set", "delete_figure_set", "organisations_with_figures",
        "history", "panel_history", "action_history", "restore_panel", "restore_action", "restore_settings",
        "export_all", "backup_bytes", "write_backup", "import_all", "import_file", "benchmark_sources",
        "load_benchmark_figures",
    }


def _calls_without_caller(path: Path, guarded: set[str]) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported: dict[str, str] = {}  # local name -> storage's name, for names imported from storage
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "storage":
            imported |= {alias.asname or alias.name: alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module == "reports.content":
            imported |= {alias.asname or alias.name: alias.name for alias in node.names}
    wanted = {local for local, name in imported.items() if name in guarded | {"build_content"}}
    missing = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in wanted:
            if not any(k.arg == "caller" for k in node.keywords):
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.func.id}")
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "storage":
            missing.append(f"{path.relative_to(ROOT)}:{node.lineno} storage.{node.attr}: import it by name")
    return missing


def test_every_storage_call_the_app_makes_passes_the_signed_in_caller() -> None:
    guarded = _guarded()
    files = [ROOT / "app.py", *(ROOT / "ui").glob("*.py"), *(ROOT / "pages").glob("*.py"),
             *(p for p in (ROOT / "reports").glob("*.py") if p.name not in {"cli.py", "__main__.py"})]
    missing = [found for path in sorted(files) for found in _calls_without_caller(path, guarded)]
    assert missing == []
    # The check finds what it is looking for: these call storage.
    assert _calls_without_caller(ROOT / "storage" / "__main__.py", guarded)
