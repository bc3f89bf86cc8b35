"""The app in a real browser, served as `make run` serves it (`python -m ui.serve`, which runs
`streamlit run app.py`), driven by Playwright in headless Chromium (tests/browser/serving.py).
"""

from __future__ import annotations

import pytest

from tests.browser.serving import METRIC_PAGES, PAGES, require_chromium, settle, start, stop

require_chromium()

from playwright.sync_api import expect  # noqa: E402

# A shared 2-core machine can take a while to rerun the app: wait as a patient person would.
expect.set_options(timeout=30_000)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_loads_without_an_exception(server, page, path):
    page.goto(f"{server}/{path}")
    settle(page)
    expect(page.locator("h1").first).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    if path in METRIC_PAGES or path in ("trends", "pay_gaps"):
        charts = page.locator('[data-testid="stVegaLiteChart"]')
        expect(charts.first).to_be_visible()
        for index in range(charts.count()):
            # A drawn Vega-Lite chart has a canvas or an svg inside it.
            expect(charts.nth(index).locator("canvas, svg").first).to_be_attached()


@pytest.mark.parametrize(("path", "title"), [("data", "Data"), ("accessibility", "Accessibility statement")])
def test_a_fresh_server_opens_a_page_url_inside_the_app(page, tmp_path, path, title):
    # A bookmark to a page, on a server nobody has visited since it started.
    process, url = start(tmp_path / "wres.sqlite")
    try:
        page.goto(f"{url}/{path}")
        settle(page)
        expect(page.locator("h1").first).to_have_text(title)
        expect(page.get_by_text("Service").first).to_be_visible()  # the shared sidebar is there
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0  # not Streamlit's list of the files
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        stop(process)


def test_upload_a_file(server, page, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Employee No", "Ethnic Origin", "Grade"])
    for n in range(24):
        workbook.active.append([n, "A White - British" if n % 2 else "H Asian or Asian British - Indian", "Grade 1"])
    path = tmp_path / "staff.xlsx"
    workbook.save(path)
    page.goto(f"{server}/data")
    settle(page)
    page.locator('input[type="file"]').set_input_files(str(path))
    # The file goes to the server first; the uploader lists it once it has arrived.
    expect(page.locator('[data-testid="stFileChipName"]').first).to_have_text("staff.xlsx")
    page.get_by_role("button", name="Add the files").click()
    expect(page.get_by_text("Added staff.xlsx")).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0


def test_edit_a_panel_reload_and_see_it(server, page):
    page.goto(f"{server}/recruitment")
    settle(page)
    box = page.get_by_label("What we've achieved").first
    box.fill("Anonymised shortlisting for every social care post.")
    box.press("Control+Enter")
    settle(page)
    page.get_by_role("button", name="Save what we've achieved").first.click()
    expect(page.get_by_text("Saved.").first).to_be_visible()
    page.reload()
    settle(page)
    expect(page.get_by_label("What we've achieved").first).to_have_value(
        "Anonymised shortlisting for every social care post.")


def test_trends_chart_and_change_in_words(server, page):
    page.goto(f"{server}/trends")
    settle(page)
    expect(page.get_by_text("Change from 2024/25 to 2025/26")).to_be_visible()
    expect(page.get_by_text("rose from 0.71 to 0.78", exact=False).first).to_be_visible()
    expect(page.locator('[data-testid="stVegaLiteChart"]').first.locator("canvas, svg").first).to_be_attached()


def test_benchmark_the_sample_region_in_the_browser(server, page):
    page.goto(f"{server}/benchmarking")
    settle(page)
    page.get_by_role("button", name="Use the sample region (30 fictional organisations)").click()
    settle(page)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    expect(chart.locator("canvas, svg").first).to_be_attached()
    expect(page.get_by_text("Across 31 organisations", exact=False).first).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0


def test_hostile_text_is_shown_as_text(page, tmp_path):
    """A term for the minority-ethnic group typed as Markdown, HTML and a script appears as typed, and does
    nothing: no link, no image, no script, no coloured text."""
    from storage import create_schema, make_engine, save_settings

    hostile = "<img src=x onerror=alert(1)> [click](https://evil.example) ![t](https://evil.example/t.png) :red[x]"
    database = tmp_path / "wres.sqlite"
    engine = make_engine(f"sqlite:///{database}")
    create_schema(engine)
    save_settings(engine, "Wexcombe Borough Council", {"bme_label": hostile}, expected_version=0, user="test")
    engine.dispose()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    process, url = start(database)
    try:
        page.goto(url)
        settle(page)
        main = page.locator('[data-testid="stMain"]')
        expect(main.get_by_text("[click](https", exact=False).first).to_be_visible()
        shown = main.inner_text().replace("\u2060", "")  # the word joiners that stop bare URLs being linked
        assert hostile in shown
        links = main.locator('a[href*="evil.example"]')
        assert links.count() == 0, [links.nth(n).evaluate("e => e.parentElement.innerHTML")
                                    for n in range(links.count())]
        assert main.locator('img[src*="evil.example"], img[src="x"]').count() == 0
        assert dialogs == []
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        stop(process)


def test_hostile_panels_objectives_and_figures_are_text_on_every_page_that_shows_them(page, tmp_path):
    """Panel text, the figures a panel was written against, and an objective's words, typed as HTML, Markdown and a
    javascript: link, show as typed wherever they appear (the metric page with its stale-figures note, the action
    plan's table, the board pack's list of panels to check, present mode) and do nothing."""
    from storage import Action, create_schema, make_engine, save_actions, save_panel

    hostile = ("<img src=x onerror=alert(1)> [click](javascript:alert(2)) [site](https://evil.example) "
               "![t](https://evil.example/t.png) :red[x] <script>alert(3)</script>")
    database = tmp_path / "wres.sqlite"
    engine = make_engine(f"sqlite:///{database}")
    create_schema(engine)
    organisation, period = "Wexcombe Borough Council", "2026-03-31"
    save_panel(engine, organisation, period, "M2", "achieved", hostile, expected_version=0, user="test",
               figures=hostile)
    save_actions(engine, organisation, period, [Action(number=1, objective=hostile, lead=hostile, metrics=["M2"])],
                 user="test")
    engine.dispose()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    process, url = start(database)
    try:
        # Each page, and words it shows once it has drawn what this test is about.
        for path, marker in (("recruitment", "Written when the figures were"), ("action_plan", "Save this objective"),
                             ("report", "Written against"), ("present", "Pay bands")):
            page.goto(f"{url}/{path}")
            settle(page)
            main = page.locator('[data-testid="stMain"]')
            if path == "report":
                expect(page.get_by_role("button", name="Prepare the Excel workbook")).to_be_visible()
                page.get_by_role("button", name="Prepare the Excel workbook").click()
            if path == "action_plan":
                expect(page.get_by_text("Table and form, one objective at a time")).to_be_visible()
                page.get_by_text("Table and form, one objective at a time").click()
            # The board pack protects the whole publication before it lists the panels to check: with the other tests
            # running on the other core that took longer than the usual 30 seconds once.
            expect(main.get_by_text(marker, exact=False).first).to_be_visible(
                timeout=90_000 if path == "report" else None)
            settle(page)
            if path != "present":  # the stale-figures note, the plan's table, the list of panels to check
                shown = main.inner_text().replace("\u2060", "")
                assert "[click](javascript:alert(2))" in shown and "<img src=x onerror=alert(1)>" in shown, path
            assert main.locator('a[href^="javascript:"], a[href*="evil.example"]').count() == 0, path
            assert main.locator('img[src="x"], img[src*="evil.example"], script:text("alert(3)")').count() == 0, path
            assert page.locator('[data-testid="stException"]').count() == 0, path
        assert dialogs == []
    finally:
        stop(process)


def test_with_sign_in_configured_a_page_url_shows_only_the_sign_in_page(page, tmp_path):
    """A fresh server with [auth]: a bookmark to a metric page shows the sign-in page and no figure."""
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        '[auth]\nredirect_uri = "http://127.0.0.1/oauth2callback"\ncookie_secret = "a-long-random-test-secret"\n'
        'client_id = "wres"\nclient_secret = "not-a-secret"\n'
        'server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"\n'
        '[access]\neditors = ["sam.patel@wexcombe.gov.uk"]\n'
    )
    process, url = start(tmp_path / "wres.sqlite", secrets)
    try:
        for path in ("recruitment", ""):
            page.goto(f"{url}/{path}")
            settle(page)
            expect(page.get_by_role("button", name="Sign in")).to_be_visible()
            main = page.locator('[data-testid="stMain"]').inner_text()
            for leak in ("Wexcombe", "relative likelihood", "Adverse", "0.78"):
                assert leak not in main
            assert page.locator('[data-testid="stVegaLiteChart"], [data-testid="stDataFrame"], textarea').count() == 0
            assert page.locator('[data-testid="stSidebarNav"]').count() == 0  # no page list to try
        # The accessibility statement holds no data, and everyone may read it, signed in or not.
        page.get_by_role("link", name="Accessibility statement").click()
        expect(page.locator("h1").first).to_have_text("Accessibility statement")
        assert "Wexcombe" not in page.locator('[data-testid="stMain"]').inner_text()
    finally:
        stop(process)


def test_unsaved_panel_text_survives_a_page_switch_and_the_browser_asks_before_it_is_lost(server, page):
    page.goto(f"{server}/cpd")
    settle(page)
    box = page.get_by_label("What we're working towards").first
    box.fill("Funded places on the leadership programme, offered first to those not yet asked.")
    box.press("Tab")  # leaving the box sends its text (Streamlit's own rule); not pressing Save
    settle(page)
    page.locator('[data-testid="stSidebarContent"]').get_by_role("link", name="Overview").click()
    settle(page)
    expect(page.locator("h1").first).to_have_text("Overview")
    sidebar = page.locator('[data-testid="stSidebarContent"]')
    expect(sidebar.get_by_text("text you have not saved", exact=False)).to_be_visible()
    sidebar.get_by_role("link", name="Professional development and progression: What we're working towards").click()
    settle(page)
    expect(page.get_by_label("What we're working towards").first).to_have_value(
        "Funded places on the leadership programme, offered first to those not yet asked.")
    expect(page.get_by_text("Unsaved changes").first).to_be_visible()
    # Closing or reloading the tab would start a new session without the draft: the browser asks first.
    with page.expect_event("dialog", timeout=10_000) as asked:
        page.close(run_before_unload=True)
    assert asked.value.type == "beforeunload"
    asked.value.dismiss()  # stay: the draft is still there to be saved
    expect(page.get_by_label("What we're working towards").first).to_have_value(
        "Funded places on the leadership programme, offered first to those not yet asked.")
    # Then leave, answering the browser's question, so no page is left holding a dialog when the tab's context
    # is closed (Chromium has crashed on that).
    page.once("dialog", lambda dialog: dialog.accept())
    page.close(run_before_unload=True)
    if not page.is_closed():
        page.wait_for_event("close", timeout=10_000)


def _staff_with_start_dates(path) -> None:  # noqa: ANN001 - a Path
    import datetime as dt

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Staff list"])  # a title row, as exports have
    sheet.append([])
    sheet.append(["Employee No", "Ethnic Origin", "Grade", "Start Date"])
    for n in range(40):
        sheet.append([n, "A White - British" if n % 2 else "N Black or Black British - African", f"Grade {n % 4}",
                      dt.datetime(2012 + n % 12, 9, 1)])
    workbook.save(path)


def test_a_first_upload_of_a_staff_list_does_not_mislead(server, page, tmp_path):
    path = tmp_path / "staff.xlsx"
    _staff_with_start_dates(path)

    def add_the_file() -> None:
        page.locator('input[type="file"]').set_input_files(str(path))
        expect(page.locator('[data-testid="stFileChipName"]').first).to_have_text("staff.xlsx")
        page.get_by_role("button", name="Add the files").click()
        expect(page.get_by_text("Added staff.xlsx")).to_be_visible()
        settle(page)

    page.goto(f"{server}/data")
    settle(page)
    add_the_file()
    sidebar = page.locator('[data-testid="stSidebarContent"]')
    sidebar.get_by_label("Organisation").fill("Exeter City Council")
    sidebar.get_by_label("Organisation").press("Enter")
    settle(page)
    sidebar.get_by_role("link", name="Overview").click()
    settle(page)
    expect(page.locator("h1").first).to_have_text("Overview")
    main = page.locator('[data-testid="stMain"]')
    # Only staff: no claim about the metrics that have no figures, and which files would give them.
    expect(main.get_by_text("No metric has figures to set against the 0.80 to 1.25 range yet", exact=False)) \
        .to_be_visible()
    expect(main.get_by_text("8 metrics have no figures yet: upload a recruitment file (metric 2)", exact=False)) \
        .to_be_visible()
    assert "No metric is outside the range" not in main.inner_text()
    # The period: assumed, why, and where to set it; not the latest start date.
    expect(main.get_by_text("The period is assumed to end on", exact=False)).to_be_visible()
    expect(main.get_by_text("staff start dates are not used", exact=False)).to_be_visible()
    # Back to the sample and a new upload: the organisation typed is still the one chosen.
    sidebar.get_by_role("link", name="Data").click()
    settle(page)
    page.get_by_role("button", name="Remove my files and go back to the sample council").click()
    expect(sidebar.get_by_text("Sample data")).to_be_visible()  # the sample council is back
    expect(page.get_by_role("button", name="Remove my files and go back to the sample council")).to_have_count(0)
    settle(page)
    add_the_file()
    expect(sidebar.get_by_label("Organisation")).to_have_value("Exeter City Council")
    assert page.locator('[data-testid="stException"]').count() == 0
