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


class Chromium:
    """One headless Chromium for a module, launched again if it has gone (a crash of the browser, which
    happens now and then on a loaded machine, then fails one test rather than every test after it)."""

    def __init__(self, playwright) -> None:  # noqa: ANN001 - Playwright's handle
        self.playwright = playwright
        self.launched = None

    def live(self):  # noqa: ANN201 - a Playwright Browser
        if self.launched is None or not self.launched.is_connected():
            self.launched = self.playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                                            args=LAUNCH_ARGS)
        return self.launched

    def close(self) -> None:
        if self.launched is not None and self.launched.is_connected():
            self.launched.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Chromium]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        held = Chromium(playwright)
        yield held
        held.close()


@pytest.fixture
def browser(chromium: Chromium):  # noqa: ANN201 - a Playwright Browser
    return chromium.live()


@pytest.fixture
def page(browser):
    with new_tab(browser) as opened:
        yield opened
