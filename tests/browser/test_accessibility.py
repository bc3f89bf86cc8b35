"""WCAG 2.2 AA in a real browser: axe-core's A and AA rules on every page, in headless Chromium.

axe-core comes from the npm registry (package.json; `.ci/run` runs `npm ci`) and is injected into
each page by Playwright once Streamlit has finished drawing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.test_browser import PAGES, _settle, browser, page, server  # noqa: F401 - the fixtures

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_A_AND_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

if not AXE.exists():
    if os.environ.get("CI"):
        pytest.fail(f"axe-core is missing at {AXE}: .ci/run must run `npm ci`", pytrace=False)
    pytest.skip("no axe-core (run `npm ci`); accessibility checks skipped", allow_module_level=True)


# Resolves once nothing on the page has changed for half a second (or after ten): Streamlit goes on drawing for
# a moment after its running indicator has gone, and axe must see the page a person sees.
_QUIET = """() => new Promise(resolve => {
  let timer;
  const done = () => { observer.disconnect(); resolve(true); };
  const observer = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(done, 500); });
  observer.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
  timer = setTimeout(done, 500);
  setTimeout(done, 10000);
})"""


def drawn(tab) -> None:  # noqa: ANN001 - a Playwright Page
    _settle(tab)
    tab.locator('[data-testid="stSidebarContent"] a[href]').first.wait_for()  # the page list, drawn by the app
    tab.evaluate(_QUIET)


def violations(tab) -> list[dict]:  # noqa: ANN001 - a Playwright Page
    """axe-core's serious and critical violations of the WCAG A and AA rules on the page as drawn."""
    tab.add_script_tag(path=str(AXE))
    result = tab.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_A_AND_AA)
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def described(found: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']}; e.g. "
                     + " | ".join(" ".join(node["target"]) for node in v["nodes"][:3]) for v in found)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_no_serious_accessibility_violation(server, page, path):  # noqa: F811 - fixtures
    page.goto(f"{server}/{path}")
    drawn(page)
    found = violations(page)
    assert not found, described(found)
