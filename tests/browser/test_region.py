"""A region's boards on one server: two app processes behind HAProxy (`python -m ui.region --processes 2`, what
`make region` runs) over the shared PostgreSQL database, used by real browsers through the one address.

Each browser is pinned to a process by HAProxy's SERVERID cookie, and each process is asked (its
/_stcore/metrics) how many sessions it holds, so "the other process" is checked, not assumed. Needs HAProxy and
PostgreSQL (WRES_TEST_POSTGRES_URL): skipped without them here, failed without them in CI.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.serving import ROOT, free_port, new_tab, require_chromium, settle, stop
from ui.region import answers

require_chromium()

from playwright.sync_api import expect  # noqa: E402

expect.set_options(timeout=30_000)

# The tests use the throwaway PostgreSQL database's default schema: under pytest-xdist the storage tests each keep to
# their worker's own schema (tests/conftest.py), so only this module starts from no tables there.

ORGANISATION, PERIOD, METRIC = "Wexcombe Borough Council", "2026-03-31", "M2"  # the sample; M2 is recruitment
HEALTH = "/_stcore/health"


def _require_haproxy_and_postgres() -> str:
    url = os.environ.get("WRES_TEST_POSTGRES_URL")
    missing = [what for what, there in (("haproxy (apt-get install haproxy)", shutil.which("haproxy")),
                                        ("WRES_TEST_POSTGRES_URL", url)) if not there]
    if missing:
        message = f"the region test needs {' and '.join(missing)}"
        if os.environ.get("CI"):
            pytest.fail(f"{message}: .ci/run installs HAProxy and starts PostgreSQL", pytrace=False)
        pytest.skip(f"{message}; skipped", allow_module_level=True)
    assert url is not None
    return url


DATABASE = _require_haproxy_and_postgres()


@dataclass(frozen=True)
class Region:
    url: str  # the one address, HAProxy's
    backends: dict[str, int]  # each app process's name (its SERVERID) and port on 127.0.0.1


def _two_free_ports() -> int:
    """A port whose next is free too, for the two app processes."""
    import socket

    for _ in range(50):
        first = free_port()
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", first + 1))
            except OSError:
                continue
        return first
    pytest.fail("no two free ports in a row on 127.0.0.1")


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> Iterator[Region]:
    from storage import make_engine
    from storage.db import metadata

    engine = make_engine(DATABASE)
    metadata.drop_all(engine)  # a throwaway database: start from no tables, as the storage tests do
    engine.dispose()
    port, first = free_port(), _two_free_ports()
    log = tmp_path_factory.mktemp("region") / "region.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "ui.region", "--processes", "2", "--port", str(port), "--address", "127.0.0.1",
             "--first-backend-port", str(first)],
            cwd=ROOT, env=os.environ | {"WRES_DATABASE_URL": DATABASE}, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True)
    front = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    # HAProxy is started once both app processes answer, so its answer means all three are up.
    while not answers(front + HEALTH):
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            pytest.fail(f"the region did not start: {log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.5)
    yield Region(front, {"app1": first, "app2": first + 1})
    stop(process)


def sessions(region: Region) -> dict[str, int]:
    """How many browser sessions each app process holds now, as it says itself."""
    counts = {}
    for name, port in region.backends.items():
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/metrics?families=active_sessions",
                                    timeout=10) as response:
            text = response.read().decode()
        found = re.search(r"^active_sessions(?:\{[^}]*\})? (\d+)", text, re.M)
        assert found, text
        counts[name] = int(found.group(1))
    return counts


def wait_for_sessions(region: Region, expected: dict[str, int]) -> None:
    deadline = time.monotonic() + 30
    while (now := sessions(region)) != expected:
        assert time.monotonic() < deadline, (now, expected)
        time.sleep(0.25)


def served_by(page) -> str:  # noqa: ANN001 - a Playwright Page
    """The app process HAProxy keeps this browser on: its SERVERID cookie."""
    values = [cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "SERVERID"]
    assert len(values) == 1, page.context.cookies()
    return values[0]


@contextmanager
def tab_on(browser, region: Region, process: str | None = None) -> Iterator:  # noqa: ANN001 - a Playwright Browser
    """A fresh browser (its own cookies) on the region; on `process` when given, as if HAProxy had put it there."""
    with new_tab(browser) as opened:
        if process is not None:
            opened.context.add_cookies([{"name": "SERVERID", "value": process, "url": region.url}])
        yield opened


def stored(kind: str) -> str:
    from storage import load_panels, make_engine

    engine = make_engine(DATABASE)
    try:
        return load_panels(engine, ORGANISATION, PERIOD)[(METRIC, kind)].text
    finally:
        engine.dispose()


def open_recruitment(page, region: Region) -> None:  # noqa: ANN001 - a Playwright Page
    page.goto(f"{region.url}/recruitment")
    settle(page)
    expect(page.locator("h1").first).to_be_visible()
    try:
        expect(page.get_by_label("What we've achieved").first).to_be_editable()
    except AssertionError as error:
        shown = page.locator('[data-testid="stMain"]').inner_text()
        raise AssertionError(f"{error}\nThe page shows: {shown}") from None


def write(page, label: str, text: str) -> None:  # noqa: ANN001 - a Playwright Page
    box = page.get_by_label(label).first
    expect(box).to_be_editable()
    box.fill(text)
    box.press("Control+Enter")
    settle(page)


def test_a_save_in_one_process_is_seen_in_the_other_and_saves_at_once_both_land(region, browser):
    before = sessions(region)
    with tab_on(browser, region, "app1") as first, tab_on(browser, region, "app2") as second:
        open_recruitment(first, region)
        open_recruitment(second, region)
        # Two sessions, one in each process: what the second sees can only have come through the database.
        wait_for_sessions(region, {"app1": before["app1"] + 1, "app2": before["app2"] + 1})
        assert (served_by(first), served_by(second)) == ("app1", "app2")

        write(first, "What we've achieved", "Saved in process one: anonymised shortlisting.")
        first.get_by_role("button", name="Save what we've achieved").first.click()
        expect(first.get_by_text("Saved.").first).to_be_visible()
        second.reload()
        settle(second)
        assert served_by(second) == "app2"
        expect(second.get_by_label("What we've achieved").first).to_have_value(
            "Saved in process one: anonymised shortlisting.")

        # Two people saving different panels at the same moment, in different processes: both saves land.
        write(first, "What we've achieved", "Process one, at the same time.")
        write(second, "What we're working towards", "Process two, at the same time.")
        first.get_by_role("button", name="Save what we've achieved").first.click()
        second.get_by_role("button", name="Save what we're working towards").first.click()
        expect(first.get_by_text("Saved.").first).to_be_visible()
        expect(second.get_by_text("Saved.").first).to_be_visible()
        assert stored("achieved") == "Process one, at the same time."
        assert stored("working_towards") == "Process two, at the same time."
        for page, label, text in ((first, "What we're working towards", "Process two, at the same time."),
                                  (second, "What we've achieved", "Process one, at the same time.")):
            page.reload()
            settle(page)
            expect(page.get_by_label(label).first).to_have_value(text)
        assert (served_by(first), served_by(second)) == ("app1", "app2")


def test_the_same_panel_saved_in_both_processes_at_once_keeps_both_texts(region, browser):
    with tab_on(browser, region, "app1") as first, tab_on(browser, region, "app2") as second:
        open_recruitment(first, region)
        open_recruitment(second, region)
        pages = [first, second]
        texts = ["Process one's words for the same panel.", "Process two's words for the same panel."]
        for page, text in zip(pages, texts, strict=True):
            write(page, "What we know from our data", text)
        for page in pages:
            page.get_by_role("button", name="Save what we know from our data").first.click()
        outcome = []
        for page in pages:
            main = page.locator('[data-testid="stMain"]')
            saved, refused = main.get_by_text("Saved.", exact=True), main.get_by_text(re.compile(r"^Not saved: "))
            expect(saved.or_(refused).first).to_be_visible()
            outcome.append("saved" if saved.is_visible() else "refused")
        # Whichever reached the database first is saved; the other is refused, not written over it.
        assert sorted(outcome) == ["refused", "saved"], outcome
        winner, loser = (0, 1) if outcome[0] == "saved" else (1, 0)
        assert stored("know") == texts[winner]
        # The refused person keeps their words in the box and is shown the other's.
        expect(pages[loser].get_by_label("What we know from our data").first).to_have_value(texts[loser])
        expect(pages[loser].get_by_text(texts[winner]).filter(visible=True).first).to_be_visible()


def _staff_csv(path: Path, offset: int) -> None:
    rows = ["Employee No,Ethnic Origin,Grade"]
    rows += [f"{offset + n},{'A White - British' if n % 2 else 'H Asian or Asian British - Indian'},Grade {n % 3}"
             for n in range(24)]
    path.write_text("\n".join(rows) + "\n")


def test_an_upload_reaches_the_process_that_holds_the_session(region, browser, tmp_path):
    # Not pinned: HAProxy chooses the process, and its cookie must then carry the uploads (each file is its own
    # request to /_stcore/upload_file/<session>/...) to that process, which alone knows the session.
    files = [tmp_path / "staff_one.csv", tmp_path / "staff_two.csv"]
    for n, path in enumerate(files):
        _staff_csv(path, 1000 * n)
    with tab_on(browser, region) as page:
        uploads: list[int] = []  # the status of each file's upload request
        page.on("response", lambda response: uploads.append(response.status)
                if "/_stcore/upload_file/" in response.url and response.request.method in ("PUT", "POST") else None)
        page.goto(f"{region.url}/data")
        settle(page)
        page.locator('input[type="file"]').set_input_files([str(path) for path in files])
        expect(page.locator('[data-testid="stFileChipName"]')).to_have_count(2)
        deadline = time.monotonic() + 30
        while len(uploads) < 2 and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        # A request that reached the other process is refused there ("Invalid session_id ... sticky sessions").
        assert len(uploads) == 2 and all(200 <= status < 300 for status in uploads), uploads
        page.get_by_role("button", name="Add the files").click()
        expect(page.get_by_text("Added staff_one.csv, staff_two.csv", exact=False)).to_be_visible()
        assert page.locator('[data-testid="stException"]').count() == 0
        assert served_by(page) in region.backends  # HAProxy put the browser on a process and said which
