"""Who may see and edit: the allow-list policy, and the app signed out, refused, viewing and editing."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from access import EDITOR, VIEWER, AccessPolicy, PolicyError
from ui.apptest import html_tables, offered_files, served_navigation
from ui.panels import SAVE_LABELS
from ui.safe import plain

APP = str(Path(__file__).resolve().parent.parent / "app.py")
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "a-long-random-secret",
        "client_id": "wres-dashboard", "client_secret": "not-a-real-secret",
        "server_metadata_url": "https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration"}
ACCESS = {"editors": ["sam.patel@wexcombe.gov.uk", "@workforce.wexcombe.gov.uk"], "viewers": ["@wexcombe.gov.uk"]}


# --- the policy -------------------------------------------------------------------------------


@pytest.mark.parametrize(("email", "role"), [
    ("sam.patel@wexcombe.gov.uk", EDITOR),
    ("  Sam.Patel@WEXCOMBE.gov.uk ", EDITOR),  # case and spaces do not matter
    ("lee@workforce.wexcombe.gov.uk", EDITOR),
    ("jo@wexcombe.gov.uk", VIEWER),
    ("jo@evil-wexcombe.gov.uk", None),  # a domain is matched exactly
    ("jo@wexcombe.gov.uk.example.com", None),
    ("jo@sub.wexcombe.gov.uk", None),  # subdomains are not the domain
    ("wexcombe.gov.uk", None),
    ("@wexcombe.gov.uk", None),  # a bare domain is not an address
    ("", None),
    (None, None),
])
def test_roles_from_the_allow_list(email, role):
    assert AccessPolicy.from_mapping(ACCESS).role_for(email) == role


def test_an_empty_policy_lets_nobody_in():
    policy = AccessPolicy.from_mapping(None)
    assert policy.empty and policy.role_for("sam.patel@wexcombe.gov.uk") is None


@pytest.mark.parametrize(("config", "words"), [
    ({"editors": "sam@wexcombe.gov.uk"}, "must be a list"),
    ({"editors": ["sam"]}, "write a whole address"),
    ({"viewers": ["@localhost"]}, "write a whole address"),
    ({"viewers": [42]}, "not an address"),
    ({"admins": ["sam@wexcombe.gov.uk"]}, "does not know: admins"),
])
def test_a_bad_policy_says_what_to_fix(config, words):
    with pytest.raises(PolicyError, match=words):
        AccessPolicy.from_mapping(config)


# --- the app ----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def app_setup(tmp_path, monkeypatch):
    monkeypatch.setenv("WRES_DATABASE_URL", f"sqlite:///{tmp_path / 'wres.sqlite'}")
    with served_navigation():
        yield


def app_as(user: dict | None, access: dict | None = ACCESS) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["auth"] = AUTH
    if access is not None:
        at.secrets["access"] = access
    if user is not None:
        at.user = user
    return at.run()


def shown_text(at: AppTest) -> str:
    parts = [plain(m.value) for m in at.markdown] + [plain(c.value) for c in at.caption] + [t.value for t in at.title]
    parts += [plain(e.value) for e in at.error] + [plain(i.value) for i in at.info]
    return "\n".join(parts)


def test_signed_out_sees_only_the_sign_in_page():
    at = app_as({"is_logged_in": False})
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    text = shown_text(at)
    assert "Sign in with your organisation's account" in text
    for leak in ("Wexcombe", "Adverse", "0.78", "relative likelihood"):
        assert leak not in text
    assert not at.dataframe and not html_tables(at) and not at.get("vega_lite_chart") and not at.text_area
    # No other page is even registered, but for the accessibility statement, which shows no data.
    with pytest.raises(ValueError, match=r"Known pages: \['Sign in', '[^']*pages/accessibility.py'\]"):
        at.switch_page("pages/recruitment.py")
    at.switch_page("pages/accessibility.py").run()
    assert not at.exception and at.title[0].value == "Accessibility statement"
    assert "Wexcombe" not in shown_text(at)


def test_an_account_not_on_the_list_is_refused():
    at = app_as({"is_logged_in": True, "email": "someone@elsewhere.gov.uk", "name": "Someone"})
    assert any("someone@elsewhere.gov.uk is not on this dashboard's access list" in plain(e.value) for e in at.error)
    assert [b.label for b in at.button] == ["Sign out"]
    assert "Wexcombe" not in shown_text(at) and not at.dataframe and not html_tables(at)


def test_a_broken_access_list_refuses_everyone_with_the_reason():
    at = app_as({"is_logged_in": True, "email": "sam.patel@wexcombe.gov.uk"}, access={"editors": "sam"})
    assert any("access list cannot be used" in e.value and "must be a list" in plain(e.value) for e in at.error)
    assert not at.dataframe and not html_tables(at)


def test_auth_without_an_access_list_lets_nobody_in():
    at = app_as({"is_logged_in": True, "email": "sam.patel@wexcombe.gov.uk"}, access=None)
    assert any("not on this dashboard's access list" in plain(e.value) for e in at.error)


def test_a_viewer_reads_but_cannot_save():
    at = app_as({"is_logged_in": True, "email": "jo@wexcombe.gov.uk", "name": "Jo Reader"})
    assert not at.exception
    assert any("Signed in as Jo Reader (viewer)." in plain(c.value) for c in at.sidebar.caption)
    at.switch_page("pages/recruitment.py").run()
    assert at.text_area and all(t.disabled for t in at.text_area)
    assert not [b for b in at.button if b.label in SAVE_LABELS.values()]
    assert any("saving changes needs the editor role" in plain(c.value) for c in at.caption)
    at.switch_page("pages/settings.py").run()
    assert next(b for b in at.button if b.label == "Save the settings").disabled
    at.switch_page("pages/data.py").run()
    assert any("Census 2021 category" in t.columns for t in html_tables(at))  # the labels, to read
    assert not [b for b in at.button if b.label == "Save this correction"]
    at.switch_page("pages/trends.py").run()
    assert not [b for b in at.button if b.label.startswith("Save these figures")]
    at.switch_page("pages/action_plan.py").run()
    assert not [b for b in at.button if b.label == "Save the action plan"]
    at.radio(key="action_plan_mode").set_value("one at a time").run()
    assert not at.exception
    assert "The plan has no objectives yet." in shown_text(at)  # the plain table, and no form to change it
    assert not [b for b in at.button if b.label == "Save this objective"] and not at.text_area


def test_an_editor_saves_under_their_signed_in_name(tmp_path):
    from storage import load_panel, make_engine

    at = app_as({"is_logged_in": True, "email": "sam.patel@wexcombe.gov.uk", "name": "Sam Patel"})
    assert not [t for t in at.sidebar.text_input if t.label.startswith("Your name")]  # the name comes from sign-in
    at.switch_page("pages/recruitment.py").run()
    at.text_area[1].input("Anonymised shortlisting in every team.")
    [b for b in at.button if b.label == SAVE_LABELS["achieved"]][0].click().run()  # the second panel's
    assert not at.exception
    assert any(s.value == "Saved." for s in at.success)
    import os

    panel = load_panel(make_engine(os.environ["WRES_DATABASE_URL"]), "Wexcombe Borough Council", "2026-03-31",
                       "M2", "achieved")
    assert (panel.text, panel.updated_by) == ("Anonymised shortlisting in every team.", "Sam Patel")


def test_without_auth_the_sidebar_says_access_is_open():
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert any("Open access" in plain(c.value) for c in at.sidebar.caption)
    assert any(t.label.startswith("Your name") for t in at.sidebar.text_input)


# --- one server, many organisations (issue 18) --------------------------------------------------


REGION = {
    "administrators": ["it.lead@region.gov.uk"],
    "organisations": {
        "Wexcombe Borough Council": {"editors": ["sam.patel@wexcombe.gov.uk"], "viewers": ["@wexcombe.gov.uk"]},
        "Northby Council": {"editors": ["@northby.gov.uk"]},
        "Eastwick Council": {"editors": ["lee@northby.gov.uk"]},
    },
}
LEE = {"is_logged_in": True, "email": "lee@northby.gov.uk", "name": "Lee Chan"}
KIM = {"is_logged_in": True, "email": "kim@northby.gov.uk", "name": "Kim Ode"}
ADMIN = {"is_logged_in": True, "email": "it.lead@region.gov.uk", "name": "Region IT"}


def with_own_files(at: AppTest) -> AppTest:
    from tests.test_app import staff_workbook

    at.switch_page("pages/data.py").run()
    at.file_uploader[0].set_value([("staff.xlsx", staff_workbook(), "application/octet-stream")]).run()
    next(b for b in at.button if b.label == "Add the files").click().run()
    assert not at.exception, at.exception
    return at


def test_an_editor_of_one_organisation_sees_only_it_and_cannot_type_another():
    import os

    from storage import load_panels, make_engine

    at = with_own_files(app_as(KIM, access=REGION))
    assert not [t for t in at.sidebar.text_input if t.key == "sidebar_organisation"]  # no box to type a name in
    assert not [s for s in at.sidebar.selectbox if s.label == "Organisation"]  # one organisation: no choice
    assert any(m.value == "Organisation: **Northby Council**" for m in at.sidebar.markdown)
    assert any("Signed in as Kim Ode (editor of Northby Council)." in plain(c.value) for c in at.sidebar.caption)
    at.switch_page("pages/pay_and_senior.py").run()
    at.text_area[1].input("Reverse mentoring.")
    [b for b in at.button if b.label == SAVE_LABELS["achieved"]][0].click().run()
    assert not at.exception and any(s.value == "Saved." for s in at.success)
    engine = make_engine(os.environ["WRES_DATABASE_URL"])
    saved = {org: [p.text for p in load_panels(engine, org, "2026-03-31").values() if p.text]
             for org in ("Northby Council", "Eastwick Council", "Wexcombe Borough Council", "My organisation")}
    engine.dispose()
    assert saved == {"Northby Council": ["Reverse mentoring."], "Eastwick Council": [],
                     "Wexcombe Borough Council": [], "My organisation": []}


def test_an_editor_of_two_organisations_chooses_between_them_only():
    at = with_own_files(app_as(LEE, access=REGION))
    [choice] = [s for s in at.sidebar.selectbox if s.label == "Organisation"]
    assert choice.options == ["Eastwick Council", "Northby Council"]
    assert not [t for t in at.sidebar.text_input if t.key == "sidebar_organisation"]
    choice.set_value("Northby Council").run()
    assert not at.exception
    assert any("(editor of Northby Council)" in plain(c.value) for c in at.sidebar.caption)


def test_an_administrator_chooses_among_every_organisation_the_service_knows():
    at = with_own_files(app_as(ADMIN, access=REGION))
    assert not [t for t in at.sidebar.text_input if t.key == "sidebar_organisation"]  # no name typed by mistake
    [choice] = [s for s in at.sidebar.selectbox if s.label == "Organisation"]
    assert choice.options == ["Eastwick Council", "Northby Council", "Wexcombe Borough Council"]
    assert any("Signed in as Region IT (administrator)." in plain(c.value) for c in at.sidebar.caption)


def test_an_administrator_of_an_empty_dashboard_types_the_first_name_and_is_told_where_to_make_it():
    at = with_own_files(app_as(ADMIN, access={"administrators": ["it.lead@region.gov.uk"]}))
    assert at.text_input(key="sidebar_organisation")
    assert any("make the first on Settings" in plain(c.value) for c in at.sidebar.caption)


def test_someone_elses_sample_council_is_read_only():
    at = app_as(KIM, access=REGION)  # the sample council, Wexcombe, is not Kim's: they read it, and save nothing
    assert not at.exception
    at.switch_page("pages/recruitment.py").run()
    assert not at.exception
    assert at.text_area and all(t.disabled for t in at.text_area)
    assert not [b for b in at.button if b.label in SAVE_LABELS.values()]


def backup_page(user: dict) -> AppTest:
    at = with_own_files(app_as(user, access=REGION))
    at.switch_page("pages/settings.py").run()
    assert not at.exception, at.exception
    return at


def test_an_editors_backup_holds_only_their_organisation():
    import json
    import os

    from storage import create_schema, make_engine, save_panel

    engine = make_engine(os.environ["WRES_DATABASE_URL"])
    create_schema(engine)
    save_panel(engine, "Northby Council", "2026-03-31", "M2", "know", "Northby's", expected_version=0, user="a")
    save_panel(engine, "Wexcombe Borough Council", "2026-03-31", "M2", "know", "Secret", expected_version=0, user="b")
    engine.dispose()
    with offered_files() as read:
        at = backup_page(KIM)
        [download] = [b for b in at.get("download_button") if b.proto.label == "Download a backup"]
        document = json.loads(read(download))
    assert [p["organisation"] for p in document["panels"]] == ["Northby Council"]
    assert "Secret" not in json.dumps(document) and "Wexcombe" not in json.dumps(document)
    assert not [u for u in at.file_uploader if u.label == "Import a backup"]  # importing is for administrators
    assert any("needs the administrator role" in plain(c.value) for c in at.caption)


def test_only_an_administrator_may_import_and_a_viewer_may_not_download():
    at = backup_page(ADMIN)
    assert [b for b in at.get("download_button") if b.proto.label == "Download a backup"]
    assert [u for u in at.file_uploader if u.label == "Import a backup"]
    viewer = app_as({"is_logged_in": True, "email": "jo@wexcombe.gov.uk", "name": "Jo Reader"}, access=REGION)
    viewer.switch_page("pages/settings.py").run()
    assert not viewer.exception
    assert not viewer.get("download_button") and not [u for u in viewer.file_uploader
                                                       if u.label == "Import a backup"]


def _every_word(at: AppTest) -> str:
    """Every element's content on the page as drawn, whatever its kind (text, tables, widgets' values, HTML)."""
    found: list[str] = []

    def walk(node) -> None:  # noqa: ANN001 - an element tree node
        proto = getattr(node, "proto", None)
        if proto is not None:
            found.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(found)


def test_an_editor_of_one_organisation_sees_nothing_of_another_on_any_page(tmp_path):
    """Wexcombe's saved words, objective, settings and saved period are on the server; Kim, an editor of Northby
    only, opens every page with their own files and meets none of it."""
    import os

    from storage import Action, make_engine, save_actions, save_panel, save_settings
    from tests.test_app import ALL_PAGES

    engine = make_engine(os.environ["WRES_DATABASE_URL"])
    from storage import create_schema

    create_schema(engine)
    secret = "Wexcombe-only words 7f3a"
    for metric in ("M1", "M2", "M3"):
        save_panel(engine, "Wexcombe Borough Council", "2026-03-31", metric, "know", secret, expected_version=0,
                   user="sam")
    save_actions(engine, "Wexcombe Borough Council", "2026-03-31", [Action(number=1, objective=secret)], user="sam")
    save_settings(engine, "Wexcombe Borough Council", {"bme_label": secret}, expected_version=0, user="sam")
    engine.dispose()
    at = with_own_files(app_as(KIM, access=REGION))
    for page in [*ALL_PAGES, "pages/accessibility.py"]:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert secret not in _every_word(at), page
        assert "Wexcombe Borough Council" not in [s.value for s in at.sidebar.selectbox], page
