"""The app in a real browser, served as `make run` serves it (`python -m ui.serve`, which runs
`streamlit run app.py`), driven by Playwright in headless Chromium.

Debian's Chromium at /usr/bin/chromium (installed by .ci/run); Playwright cannot download its
own browsers here. Without Chromium the tests skip with a clear message, except in CI, where
they must run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
PAGES = ["", "pay_and_senior", "recruitment", "conduct", "cpd", "harassment", "leavers", "trends", "benchmarking",
         "action_plan", "report", "present", "data", "settings", "accessibility"]
METRIC_PAGES = ["pay_and_senior", "recruitment", "conduct", "cpd", "harassment", "leavers"]

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail("Chromium is missing at /usr/bin/chromium: .ci/run must install Debian's chromium package",
                    pytrace=False)
    pytest.skip("no Chromium at /usr/bin/chromium (apt-get install chromium); browser tests skipped",
                allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

# A shared 2-core machine can take a while to rerun the app: wait as a patient person would.
expect.set_options(timeout=30_000)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(database: Path, secrets: Path | None = None) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = os.environ | {"WRES_DATABASE_URL": f"sqlite:///{database}"}
    extra = ["--secrets.files", str(secrets)] if secrets else []
    process = subprocess.Popen(
        [sys.executable, "-m", "ui.serve", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", *extra],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail(f"streamlit did not start: {process.stdout.read().decode(errors='replace')[-2000:]}")
    return process, url


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    process, url = _start(tmp_path_factory.mktemp("db") / "wres.sqlite")
    yield url
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    opened.set_default_timeout(60_000)
    yield opened
    context.close()


def _settle(page: Page) -> None:
    page.wait_for_selector('[data-testid="stAppViewContainer"]')
    # Streamlit shows a running indicator while the script runs; wait until it is gone.
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_loads_without_an_exception(server, page, path):
    page.goto(f"{server}/{path}")
    _settle(page)
    expect(page.locator("h1").first).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    if path in METRIC_PAGES or path == "trends":
        charts = page.locator('[data-testid="stVegaLiteChart"]')
        expect(charts.first).to_be_visible()
        for index in range(charts.count()):
            # A drawn Vega-Lite chart has a canvas or an svg inside it.
            expect(charts.nth(index).locator("canvas, svg").first).to_be_attached()


@pytest.mark.parametrize(("path", "title"), [("data", "Data"), ("accessibility", "Accessibility statement")])
def test_a_fresh_server_opens_a_page_url_inside_the_app(page, tmp_path, path, title):
    # A bookmark to a page, on a server nobody has visited since it started.
    process, url = _start(tmp_path / "wres.sqlite")
    try:
        page.goto(f"{url}/{path}")
        _settle(page)
        expect(page.locator("h1").first).to_have_text(title)
        expect(page.get_by_text("Service").first).to_be_visible()  # the shared sidebar is there
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0  # not Streamlit's list of the files
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_upload_a_file(server, page, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Employee No", "Ethnic Origin", "Grade"])
    for n in range(24):
        workbook.active.append([n, "A White - British" if n % 2 else "H Asian or Asian British - Indian", "Grade 1"])
    path = tmp_path / "staff.xlsx"
    workbook.save(path)
    page.goto(f"{server}/data")
    _settle(page)
    page.locator('input[type="file"]').set_input_files(str(path))
    # The file goes to the server first; the uploader lists it once it has arrived.
    expect(page.locator('[data-testid="stFileChipName"]').first).to_have_text("staff.xlsx")
    page.get_by_role("button", name="Add the files").click()
    expect(page.get_by_text("Added staff.xlsx")).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0


def test_edit_a_panel_reload_and_see_it(server, page):
    page.goto(f"{server}/recruitment")
    _settle(page)
    box = page.get_by_label("What we've achieved").first
    box.fill("Anonymised shortlisting for every social care post.")
    box.press("Control+Enter")
    _settle(page)
    page.get_by_role("button", name="Save").nth(1).click()
    expect(page.get_by_text("Saved.").first).to_be_visible()
    page.reload()
    _settle(page)
    expect(page.get_by_label("What we've achieved").first).to_have_value(
        "Anonymised shortlisting for every social care post.")


def test_trends_chart_and_change_in_words(server, page):
    page.goto(f"{server}/trends")
    _settle(page)
    expect(page.get_by_text("Change from 2024/25 to 2025/26")).to_be_visible()
    expect(page.get_by_text("rose from 0.71 to 0.78", exact=False).first).to_be_visible()
    expect(page.locator('[data-testid="stVegaLiteChart"]').first.locator("canvas, svg").first).to_be_attached()


def test_benchmark_the_sample_region_in_the_browser(server, page):
    page.goto(f"{server}/benchmarking")
    _settle(page)
    page.get_by_role("button", name="Use the sample region (30 fictional organisations)").click()
    _settle(page)
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
    process, url = _start(database)
    try:
        page.goto(url)
        _settle(page)
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
        process.terminate()
        process.wait(timeout=20)


def test_with_sign_in_configured_a_page_url_shows_only_the_sign_in_page(page, tmp_path):
    """A fresh server with [auth]: a bookmark to a metric page shows the sign-in page and no figure."""
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        '[auth]\nredirect_uri = "http://127.0.0.1/oauth2callback"\ncookie_secret = "a-long-random-test-secret"\n'
        'client_id = "wres"\nclient_secret = "not-a-secret"\n'
        'server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"\n'
        '[access]\neditors = ["sam.patel@wexcombe.gov.uk"]\n'
    )
    process, url = _start(tmp_path / "wres.sqlite", secrets)
    try:
        for path in ("recruitment", ""):
            page.goto(f"{url}/{path}")
            _settle(page)
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
        process.terminate()
        process.wait(timeout=20)
