"""Organisations an administrator makes and the people given a role in each (issue 18): storage on SQLite and
PostgreSQL, then the app, signing in as someone the configuration does not name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from access import EDITOR, VIEWER, Caller
from storage import (
    NotAllowed,
    StaleEdit,
    create_organisation,
    history,
    known_organisations,
    load_panel,
    make_engine,
    members,
    remove_member,
    rename_organisation,
    roles_of,
    save_panel,
    set_member,
)
from storage.db import audit_log, memberships, organisations, read_connection
from ui.panels import SAVE_LABELS

ADMIN = Caller(identity="it.lead@region.gov.uk", administrator=True, everywhere=EDITOR)
NORTHBY = "Northby Council"
EASTWICK = "Eastwick Council"
PERIOD = "2026-03-31"


def _count(engine: Engine) -> tuple[int, int, int]:
    with read_connection(engine) as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()  # type: ignore[return-value]
                     for t in (organisations, memberships, audit_log))


# --- storage ------------------------------------------------------------------------------------


def test_an_administrator_makes_an_organisation_and_the_history_says_who(engine: Engine) -> None:
    assert create_organisation(engine, NORTHBY, user="Region IT", caller=ADMIN) == NORTHBY
    assert known_organisations(engine) == [NORTHBY]
    (entry,) = history(engine, NORTHBY)
    assert (entry.entity, entry.change, entry.after, entry.changed_by) == ("organisation", "created",
                                                                         {"name": NORTHBY}, "Region IT")


@pytest.mark.parametrize(("name", "words"), [
    ("northby  council", "is already an organisation here"),  # the same name, other case and spacing
    (" Eastwick", "spaces before or after"),
    ("Eastwick\nCouncil", "line break"),
    ("", "is required"),
    ("x" * 201, "longer than 200"),
])
def test_a_second_or_bad_name_is_refused_and_nothing_changes(engine: Engine, name: str, words: str) -> None:
    create_organisation(engine, NORTHBY, caller=ADMIN)
    before = _count(engine)
    with pytest.raises(ValueError, match=words):
        create_organisation(engine, name, caller=ADMIN)
    assert _count(engine) == before


def test_a_name_with_data_is_already_known(engine: Engine) -> None:
    save_panel(engine, "Wexcombe BC", PERIOD, "M2", "know", "Typed before names were kept", expected_version=0,
               user="alex")
    assert known_organisations(engine) == ["Wexcombe BC"]
    with pytest.raises(ValueError, match="'Wexcombe BC' is already an organisation here"):
        create_organisation(engine, "wexcombe bc", caller=ADMIN)


def test_roles_given_by_address_and_by_domain_and_the_better_one_counts(engine: Engine) -> None:
    create_organisation(engine, NORTHBY, caller=ADMIN)
    create_organisation(engine, EASTWICK, caller=ADMIN)
    set_member(engine, NORTHBY, "@Northby.gov.uk ", VIEWER, user="Region IT", caller=ADMIN)
    set_member(engine, NORTHBY, "Sam@northby.gov.uk", EDITOR, user="Region IT", caller=ADMIN)
    set_member(engine, EASTWICK, "sam@northby.gov.uk", VIEWER, user="Region IT", caller=ADMIN)
    assert roles_of(engine, " SAM@northby.gov.uk") == ((EASTWICK, VIEWER), (NORTHBY, EDITOR))
    assert roles_of(engine, "kim@northby.gov.uk") == ((NORTHBY, VIEWER),)
    assert roles_of(engine, "kim@evil-northby.gov.uk") == ()
    assert roles_of(engine, "kim@sub.northby.gov.uk") == ()
    assert roles_of(engine, None) == () and roles_of(engine, "not an address") == ()
    listed = members(engine, NORTHBY, caller=ADMIN)
    assert [(m.member, m.role, m.version, m.updated_by) for m in listed] == [
        ("sam@northby.gov.uk", EDITOR, 1, "Region IT"), ("@northby.gov.uk", VIEWER, 1, "Region IT")]


def test_a_role_is_changed_at_the_version_seen_and_taken_away(engine: Engine) -> None:
    create_organisation(engine, NORTHBY, caller=ADMIN)
    first = set_member(engine, NORTHBY, "kim@northby.gov.uk", VIEWER, user="Ann", caller=ADMIN)
    changed = set_member(engine, NORTHBY, "kim@northby.gov.uk", EDITOR, expected_version=first.version, user="Bo",
                         caller=ADMIN)
    assert (changed.role, changed.version, changed.updated_by) == (EDITOR, 2, "Bo")
    before = _count(engine)
    with pytest.raises(StaleEdit):  # another administrator's page, opened before the change
        set_member(engine, NORTHBY, "kim@northby.gov.uk", VIEWER, expected_version=1, caller=ADMIN)
    with pytest.raises(StaleEdit):  # given twice as new
        set_member(engine, NORTHBY, "kim@northby.gov.uk", VIEWER, caller=ADMIN)
    with pytest.raises(StaleEdit):
        remove_member(engine, NORTHBY, "kim@northby.gov.uk", expected_version=1, caller=ADMIN)
    assert _count(engine) == before
    remove_member(engine, NORTHBY, "kim@northby.gov.uk", expected_version=2, user="Cy", caller=ADMIN)
    assert members(engine, NORTHBY, caller=ADMIN) == [] and roles_of(engine, "kim@northby.gov.uk") == ()
    trail = [(e.change, e.before, e.after, e.changed_by) for e in history(engine, NORTHBY, "membership")]
    assert trail == [("deleted", {"role": EDITOR}, None, "Cy"), ("updated", {"role": VIEWER}, {"role": EDITOR}, "Bo"),
                     ("created", None, {"role": VIEWER}, "Ann")]


@pytest.mark.parametrize(("organisation", "member", "role", "words"), [
    ("Nowhere Council", "kim@northby.gov.uk", VIEWER, "not an organisation here"),
    (NORTHBY, "kim", VIEWER, "write a whole address"),
    (NORTHBY, "kim@localhost", VIEWER, "write a whole address"),
    (NORTHBY, "kim@northby.gov.uk", "administrator", "the role must be"),
])
def test_a_bad_membership_is_refused_and_nothing_changes(engine: Engine, organisation: str, member: str, role: str,
                                                         words: str) -> None:
    create_organisation(engine, NORTHBY, caller=ADMIN)
    before = _count(engine)
    with pytest.raises(ValueError, match=words):
        set_member(engine, organisation, member, role, caller=ADMIN)
    assert _count(engine) == before


@pytest.mark.parametrize("who", [
    Caller(identity="lee@northby.gov.uk", roles=((NORTHBY, EDITOR),)),  # an editor of that very organisation
    Caller(identity="jo@wexcombe.gov.uk", everywhere=EDITOR),  # an editor of every organisation
    Caller(),
])
def test_nobody_but_an_administrator_makes_organisations_or_gives_roles(engine: Engine, who: Caller) -> None:
    create_organisation(engine, NORTHBY, caller=ADMIN)
    set_member(engine, NORTHBY, "lee@northby.gov.uk", EDITOR, caller=ADMIN)
    before = _count(engine)
    with pytest.raises(NotAllowed, match="administrator"):
        create_organisation(engine, EASTWICK, caller=who)
    with pytest.raises(NotAllowed, match="administrator"):
        set_member(engine, NORTHBY, "kim@northby.gov.uk", EDITOR, caller=who)
    with pytest.raises(NotAllowed, match="administrator"):
        remove_member(engine, NORTHBY, "lee@northby.gov.uk", expected_version=1, caller=who)
    with pytest.raises(NotAllowed, match="administrator"):
        members(engine, NORTHBY, caller=who)
    assert _count(engine) == before


def test_known_organisations_are_those_the_caller_may_read(engine: Engine) -> None:
    create_organisation(engine, NORTHBY, caller=ADMIN)
    create_organisation(engine, EASTWICK, caller=ADMIN)
    assert known_organisations(engine, caller=Caller(identity="kim@northby.gov.uk", roles=((NORTHBY, VIEWER),))) \
        == [NORTHBY]
    assert known_organisations(engine, caller=Caller()) == []
    assert known_organisations(engine, caller=ADMIN) == [EASTWICK, NORTHBY]


def test_a_rename_takes_the_people_along_and_refuses_one_in_both(engine: Engine) -> None:
    create_organisation(engine, "Northby BC", caller=ADMIN)
    set_member(engine, "Northby BC", "kim@northby.gov.uk", EDITOR, caller=ADMIN)
    save_panel(engine, "Northby BC", PERIOD, "M2", "know", "Ours", expected_version=0, user="kim")
    report = rename_organisation(engine, "Northby BC", NORTHBY, caller=ADMIN, user="Region IT")
    assert report.people == 1 and "and 1 people's roles" in report.lines()[0]
    assert roles_of(engine, "kim@northby.gov.uk") == ((NORTHBY, EDITOR),)
    assert known_organisations(engine) == [NORTHBY]
    assert load_panel(engine, NORTHBY, PERIOD, "M2", "know").text == "Ours"
    # A made organisation with no data yet can be renamed too.
    create_organisation(engine, "Eastwik Council", caller=ADMIN)
    rename_organisation(engine, "Eastwik Council", EASTWICK, caller=ADMIN)
    assert known_organisations(engine) == [EASTWICK, NORTHBY]
    # Someone with a role in both: refused, nothing moved.
    set_member(engine, EASTWICK, "kim@northby.gov.uk", VIEWER, caller=ADMIN)
    before = _count(engine)
    with pytest.raises(ValueError, match=r"1 person\(s\) with a role in both \(kim@northby.gov.uk\)"):
        rename_organisation(engine, EASTWICK, NORTHBY, caller=ADMIN)
    assert _count(engine) == before


def test_roles_kept_here_join_the_configured_ones() -> None:
    configured = Caller(identity="lee@northby.gov.uk", roles=((NORTHBY, VIEWER),))
    joined = configured.with_roles(((NORTHBY, EDITOR), (EASTWICK, VIEWER)))
    assert joined.may_edit(NORTHBY) and joined.role_in(EASTWICK) == VIEWER and not joined.may_read("Elsewhere")
    assert joined.organisations == (EASTWICK, NORTHBY)


# --- the app ------------------------------------------------------------------------------------


SIGNED_IN_ADMIN = {"is_logged_in": True, "email": "it.lead@region.gov.uk", "name": "Region IT"}
SAM = {"is_logged_in": True, "email": "sam@northby.gov.uk", "name": "Sam Okafor"}
KIM = {"is_logged_in": True, "email": "kim@northby.gov.uk", "name": "Kim Ode"}
ONLY_ADMINISTRATORS = {"administrators": ["it.lead@region.gov.uk"]}


@pytest.fixture
def app_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from ui.apptest import served_navigation

    url = f"sqlite:///{tmp_path / 'wres.sqlite'}"
    monkeypatch.setenv("WRES_DATABASE_URL", url)
    with served_navigation():
        yield url


def _as(user: dict[str, Any], page: str | None = None) -> Any:
    from tests.test_access import app_as, with_own_files

    at = with_own_files(app_as(user, access=ONLY_ADMINISTRATORS))
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _click(at: Any, label: str) -> Any:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def test_an_administrator_makes_an_organisation_and_gives_people_roles_on_the_settings_page(
        app_database: str) -> None:
    from ui.apptest import html_tables
    from ui.safe import plain

    at = _as(SIGNED_IN_ADMIN, "pages/settings.py")
    at.text_input(key="organisations_new_name").input(NORTHBY)
    _click(at, "Make the organisation")
    assert any(f"Made {NORTHBY!r}" in plain(s.value) for s in at.success)
    assert at.selectbox(key="organisations_people_of").value == NORTHBY
    at.text_input(key="organisations_member").input("Sam@Northby.gov.uk")
    at.radio(key="organisations_member_role").set_value(EDITOR)
    _click(at, "Give this role")
    at.text_input(key="organisations_member").input("@northby.gov.uk")
    _click(at, "Give this role")  # a viewer: the role goes back to the lesser one after each
    [people] = [t for t in html_tables(at) if "Kept in" in t.columns]
    assert people["Role"].to_dict() == {"sam@northby.gov.uk": "Editor", "@northby.gov.uk": "Viewer"}
    assert set(people["Given by"]) == {"Region IT"}
    # A bad address says what to write, and nothing is added.
    at.text_input(key="organisations_member").input("kim")
    _click(at, "Give this role")
    assert any("write a whole address" in plain(e.value) for e in at.error)
    [people] = [t for t in html_tables(at) if "Kept in" in t.columns]
    assert len(people) == 2

    # Sam, in no configuration, signs in: Northby only, and may save there.
    sam = _as(SAM)
    assert any(m.value == f"Organisation: **{NORTHBY}**" for m in sam.sidebar.markdown)
    assert any(f"(editor of {NORTHBY})" in plain(c.value) for c in sam.sidebar.caption)
    sam.switch_page("pages/pay_and_senior.py").run()
    sam.text_area[1].input("Reverse mentoring.")
    [b for b in sam.button if b.label == SAVE_LABELS["achieved"]][0].click().run()
    assert not sam.exception and any(s.value == "Saved." for s in sam.success)
    engine = make_engine(app_database)
    assert load_panel(engine, NORTHBY, PERIOD, "M1", "achieved").text == "Reverse mentoring."
    # Kim, by the domain, reads and cannot save.
    kim = _as(KIM, "pages/pay_and_senior.py")
    assert any(f"(viewer of {NORTHBY})" in plain(c.value) for c in kim.sidebar.caption)
    assert not [b for b in kim.button if b.label in SAVE_LABELS.values()]
    assert not [h for h in _as(SAM, "pages/settings.py").subheader if h.value == "Organisations and people"]

    # The administrator takes the domain's role away: Kim is refused at the door; Sam is not.
    at = _as(SIGNED_IN_ADMIN, "pages/settings.py")
    at.selectbox(key="organisations_people_of").set_value(NORTHBY).run()
    at.selectbox(key="organisations_member_remove").set_value("@northby.gov.uk")
    _click(at, "Take their role away")
    assert any("Took @northby.gov.uk's role" in plain(s.value) for s in at.success)
    from tests.test_access import app_as

    refused = app_as(KIM, access=ONLY_ADMINISTRATORS)
    assert any("not on this dashboard's access list" in plain(e.value) for e in refused.error)
    assert [e.changed_by for e in history(engine, NORTHBY, "membership")] == ["Region IT"] * 3
    engine.dispose()
