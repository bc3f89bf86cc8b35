"""Starting the app as a person does and reading it in Debian's Chromium: shared by the browser tests.

Debian's Chromium at /usr/bin/chromium (installed by .ci/run); Playwright cannot download its own
browsers here. Without Chromium the browser tests skip with a clear message, except in CI, where they
must run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
PAGES = ["", "pay_and_senior", "recruitment", "conduct", "cpd", "harassment", "leavers", "pay_gaps", "trends",
         "benchmarking", "action_plan", "report", "present", "data", "settings", "accessibility"]
METRIC_PAGES = ["pay_and_senior", "recruitment", "conduct", "cpd", "harassment", "leavers"]
# Without the background-networking flags Chromium keeps trying this machine's closed network.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def require_chromium() -> None:
    """Call at the top of a browser test module: skip it without Chromium, except in CI."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail("Chromium is missing at /usr/bin/chromium: .ci/run must install Debian's chromium package",
                    pytrace=False)
    pytest.skip("no Chromium at /usr/bin/chromium (apt-get install chromium); browser tests skipped",
                allow_module_level=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(database: Path | None, secrets: Path | None = None, *, cwd: Path = ROOT,
          command: Sequence[str] | None = None, env: Mapping[str, str] | None = None,
          patience: float = 60) -> tuple[subprocess.Popen, str]:
    """Start the app headless on a free port and wait until it answers; return the process and its address.

    By default `python -m ui.serve` (what `make run` runs) on `database`. With `command` (e.g. `make run`),
    the port and address are given through Streamlit's environment variables, as a person cannot pass
    options through make.
    """
    port = free_port()
    environment = dict(os.environ if env is None else env)
    if database is not None:
        environment["WRES_DATABASE_URL"] = f"sqlite:///{database}"
    if command is None:
        extra = ["--secrets.files", str(secrets)] if secrets else []
        command = [sys.executable, "-m", "ui.serve", "--server.headless", "true", "--server.port", str(port),
                   "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", *extra]
    else:
        environment |= {"STREAMLIT_SERVER_HEADLESS": "true", "STREAMLIT_SERVER_PORT": str(port),
                        "STREAMLIT_SERVER_ADDRESS": "127.0.0.1", "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    process = subprocess.Popen(command, cwd=cwd, env=environment, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.5)
    stop(process)
    output = process.stdout.read().decode(errors="replace") if process.stdout else ""
    pytest.fail(f"the app did not start ({' '.join(command)}): {output[-2000:]}")


def stop(process: subprocess.Popen) -> None:
    """Stop the app and whatever it started (make's child), as Ctrl+C in its terminal would."""
    import signal

    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)


def settle(page) -> None:  # noqa: ANN001 - a Playwright Page
    """Wait until Streamlit has finished running the page's script."""
    page.wait_for_selector('[data-testid="stAppViewContainer"]')
    # Streamlit shows a running indicator while the script runs; wait until it is gone.
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)


@contextmanager
def new_tab(browser, width: int = 1400, height: int = 1000, **options: object) -> Iterator:  # noqa: ANN001
    """A fresh browser context and page at the given window size (and options, e.g. forced_colors), patient as a
    person on a shared machine; closed afterwards."""
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    opened = context.new_page()
    opened.set_default_timeout(60_000)
    try:
        yield opened
    finally:
        context.close()
