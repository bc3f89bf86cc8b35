"""Moving data saved under a typed organisation name into a configured one (issue 18): storage, command line, app."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from access import EDITOR, Caller
from metrics.counts import DataQuality, FigureSet, Period
from storage import (
    Action,
    NotAllowed,
    StoredOrganisation,
    history,
    list_figure_sets,
    load_actions,
    load_panel,
    load_settings,
    make_engine,
    panel_history,
    rename_organisation,
    restore_panel,
    save_actions,
    save_figure_set,
    save_panel,
    save_settings,
    stored_organisations,
)
from storage.__main__ import main
from storage.db import actions, audit_log, figure_counts, figure_sets, organisation_settings, panels, read_connection

OLD = "Wexcombe BC"
NEW = "Wexcombe Borough Council"
PERIOD = "2026-03-31"
ADMIN = Caller(identity="it.lead@region.gov.uk", administrator=True, everywhere=EDITOR)
EDITOR_OF_BOTH = Caller(identity="sam@wexcombe.gov.uk", roles=((OLD, EDITOR), (NEW, EDITOR)))
TABLES = (panels, actions, organisation_settings, figure_sets, audit_log)


def _figures(organisation: str, end: dt.date = dt.date(2026, 3, 31)) -> FigureSet:
    counts = pd.DataFrame({"metric": ["M3"] * 3, "item": [""] * 3, "group": ["bme", "white", "unknown"],
                           "events": [12.0, 20.0, 1.0], "base": [400.0, 1200.0, 100.0]})
    return FigureSet(organisation, Period.twelve_months_to(end), counts, {"M3": DataQuality(1700, 100)}, [],
                     frozenset({"M3"}))


def _fill(engine: Engine, organisation: str = OLD) -> None:
    """Panels in two scopes (one edited twice), objectives, settings, a figure set and their history."""
    save_panel(engine, organisation, PERIOD, "M2", "know", "First draft", expected_version=0, user="alex")
    save_panel(engine, organisation, PERIOD, "M2", "know", "Second draft", expected_version=1, user="beth")
    save_panel(engine, organisation, PERIOD, "M2", "know", "Adults' words", expected_version=0, user="alex",
               scope="service: Adults")
    opened = save_actions(engine, organisation, PERIOD, [
        Action(number=1, objective="Understand staff experience", themes=["Employee voice"], rag="amber"),
        Action(number=2, objective="Anti-racist recruitment", themes=["Recruitment and retention"]),
    ], user="alex").saved
    save_actions(engine, organisation, PERIOD, [replace(opened[0], progress="Survey sent"), opened[1]], user="beth",
                 original=opened)
    save_settings(engine, organisation, {"bme_label": "Global majority"}, expected_version=0, user="alex")
    save_figure_set(engine, _figures(organisation), saved_by="alex", made_with={})


def _rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, the organisation column left out, in a fixed order."""
    found = {}
    with read_connection(engine) as conn:
        for table in (*TABLES, figure_counts):
            columns = [c for c in table.c if c.name != "organisation"]
            found[table.name] = sorted(tuple(row) for row in conn.execute(select(*columns)))
    return found


def _organisations(engine: Engine) -> set[str]:
    with read_connection(engine) as conn:
        return {name for table in TABLES for name in conn.execute(select(table.c.organisation)).scalars()}


def test_a_rename_moves_every_row_and_loses_none(engine: Engine) -> None:
    _fill(engine)
    save_panel(engine, "Other Council", PERIOD, "M9", "know", "Theirs", expected_version=0, user="zed")
    [other, listed] = stored_organisations(engine, caller=ADMIN)
    assert listed == StoredOrganisation(OLD, panels=2, objectives=2, settings=1, figure_sets=1, history=8)
    assert other.name == "Other Council" and other.panels == 1
    before = _rows(engine)
    report = rename_organisation(engine, OLD, NEW, caller=ADMIN, user="Region IT")
    assert report.moved == listed and report.entries_added == 6
    assert report.lines()[0] == (f"Moved 2 panels, 2 objectives, 1 settings, 1 saved periods, 8 history entries "
                                 f"from {OLD!r} to {NEW!r}.")
    after = _rows(engine)
    assert _organisations(engine) == {NEW, "Other Council"}
    for name in ("panels", "actions", "organisation_settings", "figure_sets", "figure_counts"):
        assert after[name] == before[name], name  # every row, unchanged but for its organisation
    assert set(before["audit_log"]) <= set(after["audit_log"])  # the old history is all there, now the new name's
    assert len(after["audit_log"]) == len(before["audit_log"]) + 6
    [moved] = [o for o in stored_organisations(engine, caller=ADMIN) if o.name == NEW]
    assert moved == replace(listed, name=NEW, history=14)
    # What is read under the new name is what was saved under the old.
    assert load_panel(engine, NEW, PERIOD, "M2", "know").text == "Second draft"
    assert load_panel(engine, NEW, PERIOD, "M2", "know", scope="service: Adults").text == "Adults' words"
    assert [a.progress for a in load_actions(engine, NEW, PERIOD)] == ["Survey sent", ""]
    assert load_settings(engine, NEW)[0]["bme_label"] == "Global majority"
    assert [s.scope for s in list_figure_sets(engine, NEW)] == [""]
    assert load_panel(engine, OLD, PERIOD, "M2", "know").version == 0  # nothing left under the old name
    # The history says who moved each item, when and from where; and still restores under the new name.
    entries = panel_history(engine, NEW, PERIOD, "M2", "know")
    assert [(e.change, e.changed_by, e.version) for e in entries] == [
        ("renamed", "Region IT", 2), ("updated", "beth", 2), ("created", "alex", 1)]
    assert entries[0].after == {"text": "Second draft", "renamed_from": OLD}
    assert entries[0].recorded == {"text": "Second draft"}
    assert {e.entity for e in history(engine, NEW) if e.change == "renamed"} == {
        "panel", "action", "settings", "figure_set"}
    restored = restore_panel(engine, entries[-1].id, user="carol", expected_version=2, caller=ADMIN)
    assert (restored.organisation, restored.text, restored.version) == (NEW, "First draft", 3)


def test_a_rename_into_a_name_with_other_data_merges_them(engine: Engine) -> None:
    _fill(engine)
    save_panel(engine, NEW, PERIOD, "M3", "know", "Already here", expected_version=0, user="sam")
    save_actions(engine, NEW, "2025-03-31", [Action(number=1, objective="Last year's")], user="sam")
    rename_organisation(engine, OLD, NEW, user="Region IT")
    [moved] = stored_organisations(engine)
    assert (moved.name, moved.panels, moved.objectives) == (NEW, 3, 3)


def test_renamed_entries_go_through_a_backup(engine: Engine, tmp_path: Path) -> None:
    from storage import create_schema, export_all, import_all

    _fill(engine)
    rename_organisation(engine, OLD, NEW, user="Region IT")
    other = make_engine(f"sqlite:///{tmp_path / 'other.sqlite'}")
    create_schema(other)
    import_all(other, export_all(engine), user="importer")
    renamed = [e for e in history(other, NEW) if e.imported_from and e.imported_from["change"] == "renamed"]
    assert len(renamed) == 6 and all(e.after and e.after["renamed_from"] == OLD for e in renamed)
    assert load_panel(other, NEW, PERIOD, "M2", "know").text == "Second draft"
    other.dispose()


@pytest.mark.parametrize(("clash", "words"), [
    (lambda e: save_panel(e, NEW, PERIOD, "M2", "know", "Clash", expected_version=0, user="sam",
                          scope="service: Adults"), r"1 panel\(s\) saved under both names \(2026-03-31 M2 know "
                                                    r"\(service: Adults\)\)"),
    (lambda e: save_settings(e, NEW, {}, expected_version=0, user="sam"), "settings saved under both names"),
    (lambda e: save_figure_set(e, _figures(NEW), saved_by="sam", made_with={}),
     r"1 saved period\(s\) under both names \(2026-03-31\)"),
    (lambda e: save_actions(e, NEW, PERIOD, [Action(number=2, objective="Clash")], user="sam"),
     r"objective number\(s\) used under both names in the same period \(2026-03-31 objective 2\)"),
])
def test_a_collision_is_refused_and_nothing_changes(engine: Engine, clash: Any, words: str) -> None:
    _fill(engine)
    clash(engine)
    before, names = _rows(engine), _organisations(engine)
    with pytest.raises(ValueError, match=words) as raised:
        rename_organisation(engine, OLD, NEW, caller=ADMIN, user="Region IT")
    assert str(raised.value).endswith("nothing was changed")
    assert (_rows(engine), _organisations(engine)) == (before, names)


def test_objective_numbers_clash_only_within_the_same_standards_plan(engine: Engine) -> None:
    _fill(engine)
    # The new name's NHS WRES plan has an objective 2 too: another plan, so no clash; the rename goes ahead.
    save_actions(engine, NEW, PERIOD, [Action(number=1, objective="Theirs"), Action(number=2, objective="Also")],
                 user="sam", scope="NHS WRES")
    save_actions(engine, OLD, PERIOD, [Action(number=3, objective="Ours", metrics=["W5"])], user="sam",
                 scope="WDES")
    rename_organisation(engine, OLD, NEW, caller=ADMIN, user="Region IT")
    assert [a.objective for a in load_actions(engine, NEW, PERIOD, scope="NHS WRES")] == ["Theirs", "Also"]
    assert [a.objective for a in load_actions(engine, NEW, PERIOD, scope="WDES")] == ["Ours"]
    assert len(load_actions(engine, NEW, PERIOD)) == 2  # the SC-WRES plan moved whole
    # The same number in the same plan does clash, and the plan is named.
    save_actions(engine, OLD, PERIOD, [Action(number=1, objective="Clash")], user="sam", scope="NHS WRES")
    with pytest.raises(ValueError, match=r"\(2026-03-31 objective 1 \(NHS WRES plan\)\)"):
        rename_organisation(engine, OLD, NEW, caller=ADMIN, user="Region IT")


@pytest.mark.parametrize(("old", "new", "words"), [
    (OLD, OLD, "is already called that"),
    ("Nobody Council", NEW, "nothing is stored under 'Nobody Council'"),
    ("wexcombe bc", NEW, "nothing is stored under"),  # names match exactly
    (OLD, " ", "the new organisation name is required"),
    (OLD, NEW + " ", "has spaces before or after it"),
    (OLD, "x" * 201, "longer than 200 characters"),
])
def test_bad_names_are_refused_and_nothing_changes(engine: Engine, old: str, new: str, words: str) -> None:
    _fill(engine)
    before = _rows(engine)
    with pytest.raises(ValueError, match=words):
        rename_organisation(engine, old, new, caller=ADMIN)
    assert _rows(engine) == before and _organisations(engine) == {OLD}


def test_only_an_administrator_may_list_or_rename(engine: Engine) -> None:
    _fill(engine)
    before = _rows(engine)
    with pytest.raises(NotAllowed, match="needs the administrator role"):
        rename_organisation(engine, OLD, NEW, caller=EDITOR_OF_BOTH, user="sam")
    with pytest.raises(NotAllowed):
        stored_organisations(engine, caller=EDITOR_OF_BOTH)
    with pytest.raises(NotAllowed):
        rename_organisation(engine, OLD, NEW, caller=Caller(), user="nobody")
    assert _rows(engine) == before and _organisations(engine) == {OLD}


# The command line


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli" / "wres.sqlite"
    monkeypatch.setenv("WRES_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml here unless a test writes one
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_lists_the_stored_names_and_renames_one(cli_database: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "organisations")
    assert (code, err) == (0, "")
    assert out == f"There is no database at sqlite:///{cli_database}: no organisations are stored.\n"
    engine = make_engine()
    from storage import create_schema

    create_schema(engine)
    _fill(engine)
    save_panel(engine, NEW, PERIOD, "M3", "know", "Already here", expected_version=0, user="sam")
    engine.dispose()
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        f'[access]\nadministrators = ["it@region.gov.uk"]\n[access.organisations."{NEW}"]\n'
        'editors = ["@wexcombe.gov.uk"]\n[access.organisations."Northby Council"]\neditors = ["@northby.gov.uk"]\n')
    code, out, err = _run(capsys, "organisations")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert re.split(r"\s{2,}", lines[0]) == ["Organisation", "Panels", "Objectives", "Settings", "Saved periods",
                                            "History entries", "Configured"]
    assert re.split(r"\s{2,}", lines[1]) == [OLD, "2", "2", "1", "1", "8", "no"]
    assert re.split(r"\s{2,}", lines[2]) == [NEW, "1", "0", "0", "0", "1", "yes"]
    assert re.split(r"\s{2,}", lines[3]) == ["Northby Council", "0", "0", "0", "0", "0", "yes"]
    assert "python -m storage rename-organisation" in lines[-1]
    code, out, _err = _run(capsys, "organisations", "--configured", OLD)
    assert [re.split(r"\s{2,}", line)[-1] for line in out.splitlines()[1:3]] == ["yes", "no"]
    code, out, err = _run(capsys, "rename-organisation", OLD, NEW, "--user", "Region IT")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"Moved 2 panels, 2 objectives, 1 settings, 1 saved periods, 8 history entries from {OLD!r} to {NEW!r}.",
        "Recorded 6 'renamed' history entries, one per item moved."]
    code, out, _err = _run(capsys, "organisations")
    assert [re.split(r"\s{2,}", line)[:2] for line in out.splitlines()[1:3]] == [[NEW, "3"],
                                                                               ["Northby Council", "0"]]


@pytest.mark.parametrize(("argv", "message"), [
    (("rename-organisation", OLD, OLD), r"^error: 'Wexcombe BC' is already called that; nothing was changed$"),
    (("rename-organisation", "Nobody", NEW), r"^error: nothing is stored under 'Nobody'"),
    (("rename-organisation", OLD), r"^error: the following arguments are required: NEW"),
    (("rename-organisation", OLD, "Other Council"),
     r"^error: 'Other Council' already has data that 'Wexcombe BC' would collide with: settings saved under both"),
])
def test_cli_rename_errors_are_one_line_and_exit_2(cli_database: Path, capsys: pytest.CaptureFixture[str],
                                                   argv: tuple[str, ...], message: str) -> None:
    from storage import create_schema

    engine = make_engine()
    create_schema(engine)
    _fill(engine)
    save_settings(engine, "Other Council", {}, expected_version=0, user="zed")
    engine.dispose()
    code, out, err = _run(capsys, *argv)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert re.match(message, err.rstrip("\n")), err


def test_cli_a_broken_access_configuration_is_one_error_line(cli_database: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text("[access]\nadmins = [\n")
    code, out, err = _run(capsys, "organisations")
    assert (code, out) == (2, "")
    assert err.startswith("error: ") and ".streamlit/secrets.toml" in err and len(err.splitlines()) == 1


# The app: the Settings page's list and rename form, for administrators only


@pytest.fixture
def app_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from ui.apptest import served_navigation

    url = f"sqlite:///{tmp_path / 'wres.sqlite'}"
    monkeypatch.setenv("WRES_DATABASE_URL", url)
    engine = make_engine(url)
    from storage import create_schema

    create_schema(engine)
    _fill(engine)
    engine.dispose()
    with served_navigation():
        yield url


def _settings_page(user: dict[str, Any]) -> Any:
    from tests.test_access import REGION, app_as

    at = app_as(user, access=REGION)
    at.switch_page("pages/settings.py").run()
    assert not at.exception, at.exception
    return at


def test_an_administrator_renames_a_stored_name_on_the_settings_page(app_database: str) -> None:
    from tests.test_access import ADMIN as SIGNED_IN_ADMIN
    from ui.apptest import html_tables
    from ui.safe import plain

    at = _settings_page(SIGNED_IN_ADMIN)
    [table] = [t for t in html_tables(at) if "Anyone has a role" in t.columns]
    assert table.loc[OLD].tolist() == [2, 2, 1, 1, 8, "no"]
    assert any(OLD in plain(w.value) for w in at.warning)
    old = at.selectbox(key="organisations_old")
    new = at.selectbox(key="organisations_new")
    # Every organisation the service knows (configured, made, or with data), then a typed name.
    assert old.options == [repr(OLD)]
    assert new.options == ["Eastwick Council", "Northby Council", OLD, NEW, "Another name (type it below)"]
    old.set_value(OLD)
    new.set_value(NEW)
    next(b for b in at.button if b.label == "Rename").click().run()
    assert not at.exception, at.exception
    assert any(f"Renamed {OLD!r} to {NEW!r}" in plain(s.value) for s in at.success)
    [table] = [t for t in html_tables(at) if "Anyone has a role" in t.columns]
    assert table.index.tolist() == [NEW] and table.loc[NEW].tolist() == [2, 2, 1, 1, 14, "yes"]
    engine = make_engine(app_database)
    assert {e.changed_by for e in history(engine, NEW) if e.change == "renamed"} == {"Region IT"}
    engine.dispose()


def test_a_collision_on_the_settings_page_says_so_and_changes_nothing(app_database: str) -> None:
    from tests.test_access import ADMIN as SIGNED_IN_ADMIN
    from ui.safe import plain

    engine = make_engine(app_database)
    save_settings(engine, NEW, {}, expected_version=0, user="sam")
    before = _rows(engine)
    at = _settings_page(SIGNED_IN_ADMIN)
    at.selectbox(key="organisations_old").set_value(OLD)
    at.selectbox(key="organisations_new").set_value("Another name (type it below)")
    at.text_input(key="organisations_new_typed").input(f" {NEW} ")
    next(b for b in at.button if b.label == "Rename").click().run()
    assert not at.exception, at.exception
    assert any("Not renamed" in plain(e.value) and "settings saved under both names" in plain(e.value)
               for e in at.error)
    assert _rows(engine) == before
    engine.dispose()


def test_an_editor_sees_no_stored_names_nor_the_rename_form(app_database: str) -> None:
    from tests.test_access import KIM

    at = _settings_page({**KIM, "email": "sam.patel@wexcombe.gov.uk", "name": "Sam Patel"})
    assert not [h for h in at.subheader if h.value == "Stored organisation names"]
    assert not [b for b in at.button if b.label == "Rename"]
    assert not [s for s in at.selectbox if s.key == "organisations_old"]
    assert OLD not in str(at.get("html"))
