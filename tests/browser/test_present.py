"""Present mode in a real browser: every slide fits a meeting room's screen without scrolling, with no sidebar, and
the arrow keys go from slide to slide."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from metrics.registry import metrics_of
from tests.browser.serving import new_tab, require_chromium, settle

require_chromium()

from playwright.sync_api import expect  # noqa: E402

expect.set_options(timeout=30_000)

# Whether anything on the page can be scrolled up or down: the document, or Streamlit's main pane (which scrolls
# on every other page while the document stays put).
_SCROLLS = """() => [document.scrollingElement, document.querySelector('[data-testid="stMain"]'),
                     document.querySelector('[data-testid="stAppViewContainer"]')]
    .filter(Boolean).map(e => e.scrollHeight - e.clientHeight).filter(extra => extra > 1)"""


@contextmanager
def _slides(browser, server, width, height):  # noqa: ANN001, ANN202
    with new_tab(browser, width, height) as page:
        yield _first_slide(page, server)


def _first_slide(page, server):  # noqa: ANN001, ANN202
    page.goto(f"{server}/present")
    settle(page)
    expect(page.locator("h1").first).to_have_text("1. Pay bands")
    page.wait_for_function("() => Boolean(window.wresPresentKeys)")  # the keys' listener is on the document
    return page


def _drawn(page) -> None:  # noqa: ANN001
    expect(page.locator('[data-testid="stVegaLiteChart"] svg, [data-testid="stVegaLiteChart"] canvas')
           .first).to_be_visible()


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1366, 768)])
def test_every_slide_fits_the_screen_without_the_sidebar(browser, server, width, height):
    with _slides(browser, server, width, height) as page:
        for number, definition in enumerate(metrics_of("sc-wres").values(), start=1):  # the sample council's
            expect(page.locator("h1").first).to_have_text(f"{number}. {definition.title}")
            _drawn(page)
            page.wait_for_timeout(300)  # the chart sizes itself to its box after it is drawn
            assert page.evaluate(_SCROLLS) == [], f"slide {number} scrolls at {width} x {height}"
            expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
            expect(page.get_by_role("link", name="Leave presentation")).to_be_visible()
            page.keyboard.press("ArrowRight")
            settle(page)
        expect(page.locator("h1").first).to_have_text("1. Pay bands")  # round again after the ninth


def test_the_arrow_and_page_keys_go_back_and_on_but_not_while_typing(browser, server):
    with _slides(browser, server, 1366, 768) as page:
        page.keyboard.press("PageDown")
        expect(page.locator("h1").first).to_have_text("2. Appointment from shortlisting")
        page.keyboard.press("ArrowRight")
        expect(page.locator("h1").first).to_have_text("3. Disciplinary")
        page.keyboard.press("ArrowLeft")
        expect(page.locator("h1").first).to_have_text("2. Appointment from shortlisting")
        page.keyboard.press("PageUp")
        expect(page.locator("h1").first).to_have_text("1. Pay bands")
        page.keyboard.press("ArrowLeft")
        expect(page.locator("h1").first).to_have_text("9. Senior management")  # wraps round
        # An arrow key in a text box moves its cursor, not the slide (the page has none of its own: one is added).
        page.evaluate("() => document.body.appendChild(Object.assign(document.createElement('input'), {id: 'typed'}))")
        page.locator("#typed").press("ArrowLeft")
        page.wait_for_timeout(1500)
        settle(page)
        expect(page.locator("h1").first).to_have_text("9. Senior management")


def test_leave_presentation_goes_back_to_the_overview_with_its_sidebar(browser, server):
    with _slides(browser, server, 1366, 768) as page:
        page.get_by_role("link", name="Leave presentation").focus()
        page.keyboard.press("Enter")
        settle(page)
        expect(page.locator("h1").first).to_have_text("Overview")
        expect(page.locator('[data-testid="stSidebar"]')).to_be_visible()
