"""The browser tests' fixtures: one headless Chromium per module, a fresh tab per test, the app served on a
throwaway database per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.serving import CHROMIUM, LAUNCH_ARGS, new_tab, start, stop


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    process, url = start(tmp_path_factory.mktemp("db") / "wres.sqlite")
    yield url
    stop(process)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    with new_tab(browser) as opened:
        yield opened
