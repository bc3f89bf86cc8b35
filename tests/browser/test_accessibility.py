"""WCAG 2.2 AA in a real browser: axe-core's A and AA rules on every page, in headless Chromium.

axe-core comes from the npm registry (package.json; `.ci/run` runs `npm ci`) and is injected into
each page by Playwright once Streamlit has finished drawing it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.serving import PAGES, new_tab, require_chromium, settle

require_chromium()

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
    settle(tab)
    # The page list, drawn by the app (in the DOM, if folded away, on a narrow screen).
    tab.locator('[data-testid="stSidebarContent"] a[href]').first.wait_for(state="attached")
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
def test_every_page_has_no_serious_accessibility_violation(server, page, path):
    page.goto(f"{server}/{path}")
    drawn(page)
    found = violations(page)
    assert not found, described(found)


def test_where_it_sits_opened_has_no_serious_accessibility_violation(server, page):
    """A metric's Where it sits section, opened, as the forest and as the funnel: its chooser, chart and table
    pass axe's checks (the pages' own check sees the section folded)."""
    page.goto(f"{server}/leavers")
    drawn(page)
    page.get_by_text("Where it sits: metric 8", exact=False).first.click()
    expect(page.get_by_role("table", name=re.compile("Leaving the organisation by service"))).to_be_visible()
    drawn(page)
    found = violations(page)
    assert not found, described(found)
    page.get_by_text("Funnel: which is unusual beyond chance").first.click()
    expect(page.get_by_role("heading", name=re.compile("services compared"))).to_be_visible()
    drawn(page)
    found = violations(page)
    assert not found, described(found)


# WCAG 1.4.10 Reflow: at 320 CSS pixels wide (a 1280-pixel screen at 400% zoom) a page scrolls one way only.
# What scrolls sideways within the page (a wide table of figures) must be reachable by keyboard, which axe's
# scrollable-region-focusable rule checks; and no text may be cut short (Streamlit ends a long page link or
# badge with an ellipsis).
_REFLOW = """() => {
  const d = document.documentElement;
  // What is on screen: a narrow window folds the sidebar away, off its left edge (and may still be folding it).
  const shown = e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > 0 && r.left < d.clientWidth;
  };
  const cut = [...document.querySelectorAll('[data-testid="stMain"] *, [data-testid="stSidebarContent"] *')]
    .filter(e => (e.textContent || '').trim() && shown(e) && getComputedStyle(e).textOverflow === 'ellipsis'
                 && e.scrollWidth > e.clientWidth + 1)
    .map(e => e.textContent.trim().slice(0, 60));
  // Text running past the window's edge, out of sight (what scrolls within its own region aside, and the charts,
  // whose labels are a known limitation at this width).
  const beyond = [...document.querySelectorAll('[data-testid="stMain"] :is(p, span, label, li, h1, h2, h3, a)')]
    .filter(e => !e.closest('.wres-figures, [data-testid="stDataFrame"], [data-testid="stVegaLiteChart"]')
                 && e.textContent.trim() && e.getBoundingClientRect().right > d.clientWidth + 1)
    .map(e => e.textContent.trim().slice(0, 60));
  return {sideways: d.scrollWidth - d.clientWidth, cut, beyond: [...new Set(beyond)]};
}"""


def reflow_of(tab, clean: dict, tries: int = 10) -> dict:  # noqa: ANN001 - a Playwright Page
    """_REFLOW's answer once it is `clean`, or its last answer after `tries` half-second waits: a rerun or the
    sidebar folding away can leave the page for a moment as nobody sees it for long."""
    for _ in range(tries):
        found = tab.evaluate(_REFLOW)
        if found == clean:
            break
        tab.wait_for_timeout(500)
    return found


@pytest.fixture
def narrow(browser):
    with new_tab(browser, 320, 800) as opened:
        yield opened


@pytest.mark.parametrize("path", PAGES)
def test_every_page_reflows_at_400_percent_zoom(server, narrow, path):
    narrow.goto(f"{server}/{path}")
    drawn(narrow)
    clean = {"sideways": 0, "cut": [], "beyond": []}
    assert reflow_of(narrow, clean) == clean
    found = violations(narrow)
    assert not found, described(found)


def test_no_page_title_or_status_is_cut_short(server, page):
    page.goto(server)  # the overview: every page's link in the sidebar, every metric's status badge
    drawn(page)
    assert reflow_of(page, {"sideways": 0, "cut": [], "beyond": []})["cut"] == []


# Where the keyboard's focus is, and whether a focus ring is drawn for it (ui.style): on the element, on the
# wrapper of a text box or drop-down (the input's parent), or on a radio button's label.
_FOCUSED = """() => {
  const e = document.activeElement;
  const ringed = [e, e.parentElement, e.closest('label')].filter(Boolean).some(x => {
    const s = getComputedStyle(x);
    return s.outlineStyle === 'solid' && parseFloat(s.outlineWidth) >= 2;
  });
  const choice = e.closest('label');
  return {tag: e.tagName, text: (e.innerText || '').trim().slice(0, 80), label: e.getAttribute('aria-label') || '',
          choice: choice ? choice.innerText.trim() : '',
          sidebar: !!e.closest('[data-testid="stSidebar"]'), main: !!e.closest('[data-testid="stMain"]'), ringed};
}"""


def tab_to(tab, wanted, most: int = 120) -> list[dict]:  # noqa: ANN001 - a Playwright Page
    """Press Tab until the focused element is `wanted` (a test on _FOCUSED's answer); every stop on the way."""
    stops = []
    for _ in range(most):
        tab.keyboard.press("Tab")
        stops.append(tab.evaluate(_FOCUSED))
        if wanted(stops[-1]):
            return stops
    raise AssertionError(f"not reached in {most} presses of Tab; the last stops: {stops[-8:]}")


def test_keyboard_alone_from_the_overview_to_a_saved_panel(server, page):
    """The main task without a mouse: the overview, a metric opened from it, a panel written and saved."""
    text = "Keyboard only: shortlisting panels now include a member of the staff race equality network."
    page.goto(server)
    drawn(page)
    stops = tab_to(page, lambda f: f["main"] and f["tag"] == "A" and "Appointment from shortlisting" in f["text"])
    assert stops[0]["text"] == "Skip to main content"
    # The page list, then the sidebar's choices, then the page: the order a person reads them in.
    places = [("sidebar" if f["sidebar"] else "main" if f["main"] else "frame") for f in stops[1:]]
    assert places[0] == "sidebar" and places[-1] == "main"
    assert places.index("main") > max(i for i, p in enumerate(places) if p == "sidebar")
    assert [f for f in stops if not f["ringed"]] == []  # the focus can be seen at every stop
    page.keyboard.press("Enter")
    expect(page.locator("h1").first).to_have_text("Recruitment")
    drawn(page)
    stops = tab_to(page, lambda f: f["tag"] == "TEXTAREA" and f["label"] == "What we've achieved")
    assert [f for f in stops if not f["ringed"]] == []
    page.keyboard.type(text)
    page.keyboard.press("Tab")  # leaving the box hands its text to the app; the panel's Save button is next
    saved = page.evaluate(_FOCUSED)
    assert saved["tag"] == "BUTTON" and saved["text"].endswith("Save what we've achieved") and saved["ringed"], saved
    page.keyboard.press("Enter")
    expect(page.get_by_text("Saved.").first).to_be_visible()
    page.reload()
    drawn(page)
    expect(page.get_by_label("What we've achieved").first).to_have_value(text)


def test_keyboard_alone_adds_an_objective_in_the_action_plans_form(server, page):
    """The action plan without the canvas grid: the table and form chosen, an objective written and saved, with
    the keyboard alone; the page in that mode passes axe's checks too."""
    objective = "Keyboard only: reverse mentoring for every senior manager."
    page.goto(f"{server}/action_plan")
    drawn(page)
    tab_to(page, lambda f: f["tag"] == "INPUT" and f["choice"] == "Editable grid", most=80)
    page.keyboard.press("ArrowRight")  # a radio group moves its choice with the arrow keys
    expect(page.get_by_label("Objective", exact=True)).to_be_visible()
    drawn(page)
    found = violations(page)
    assert not found, described(found)
    stops = tab_to(page, lambda f: f["tag"] == "TEXTAREA" and f["label"] == "Objective")
    assert [f for f in stops if not f["ringed"]] == []
    page.keyboard.type(objective)
    stops = tab_to(page, lambda f: f["tag"] == "BUTTON" and "Save this objective" in f["text"], most=40)
    assert [f for f in stops if not f["ringed"]] == []
    page.keyboard.press("Enter")
    expect(page.get_by_text("Saved.").first).to_be_visible()
    expect(page.get_by_role("region", name="The action plan")).to_contain_text(objective)


def test_the_overview_says_what_each_figure_is_when_its_columns_stack(server, page, narrow):
    """The overview's columns stack at 400% zoom: each figure then carries its heading, which a screen reader
    hears at any width, while the heading row (for the eye) goes."""
    for tab in (page, narrow):
        tab.goto(server)
        drawn(tab)
    label = narrow.locator(".wres-cell-label", has_text="95% interval").first
    expect(label).to_be_visible()
    assert "95% interval: 0.57 to 1.08" in narrow.locator('[data-testid="stMain"]').inner_text()
    expect(narrow.locator(".wres-column-heading").first).to_be_hidden()
    wide_label = page.locator(".wres-cell-label", has_text="95% interval").first
    assert wide_label.bounding_box()["width"] <= 1  # kept for screen readers, out of sight
    heading = page.locator(".wres-column-heading", has_text="95% interval")
    expect(heading).to_be_visible()
    expect(heading).to_have_attribute("aria-hidden", "true")  # a screen reader hears the cell's own heading


def test_in_high_contrast_mode_the_findings_and_the_focus_can_still_be_seen(server, browser):
    """Windows' high-contrast themes (forced colours) drop backgrounds and shadows: each status must still be in
    words, each chart still described, and the focus ring (an outline, not only a shadow) still drawn."""
    with new_tab(browser, forced_colors="active") as contrast:
        contrast.goto(server)
        drawn(contrast)
        assert contrast.evaluate("() => matchMedia('(forced-colors: active)').matches")
        main = contrast.locator('[data-testid="stMain"]')
        for words in ("Adverse", "Within range", "Descriptive: see the pay band chart"):
            # Among what is shown: the forest's figures, folded away under the chart, say the statuses too.
            expect(main.get_by_text(words).filter(visible=True).first).to_be_visible()
        stops = tab_to(contrast, lambda f: f["main"] and f["tag"] == "A"
                       and "Appointment from shortlisting" in f["text"])
        assert [f for f in stops if not f["ringed"]] == []
        found = violations(contrast)
        assert not found, described(found)
        contrast.keyboard.press("Enter")
        expect(contrast.locator("h1").first).to_have_text("Recruitment")
        drawn(contrast)
        chart = contrast.locator('[data-testid="stVegaLiteChart"]').first  # described by its finding, as ever
        expect(chart).to_have_attribute("aria-label", re.compile(r"^25% of BME shortlisted applicants \(39 of 153\)"))
        expect(contrast.get_by_role("region", name=re.compile("^The figures in the chart")).first).to_be_visible()



# The plan as one HTML page (reports.html), as a council publishes it: no app, no server, the file opened as it is.
# What a board member might paste into the plan: it must show as typed, not as markup.
_HOSTILE = "<script>document.title='run'</script></table></main><img src=x onerror=alert(1)> &amp; =SUM(A1) *b*"


@pytest.fixture(scope="module")
def html_plans(tmp_path_factory) -> dict[str, Path]:  # noqa: ANN001 - pytest's factory
    """The sample council's plan, published and internal, as HTML files, with hostile text in its name, a panel and
    its objectives."""
    from dataclasses import replace

    from pipeline.api import analyse_paths
    from reports.content import build_content
    from reports.html import write_html
    from storage import Action

    analysis = analyse_paths()
    folder = tmp_path_factory.mktemp("plan")
    plans = {}
    for version, safe in (("published", True), ("internal", False)):
        actions = [Action(number=n, objective=_HOSTILE, themes=["Recruitment and retention"], metrics=["M2"],
                          lead="Lead", specific_actions=_HOSTILE, indicators="Fewer adverse ratios",
                          timeframe="2026", progress="Started", rag=rag)
                   for n, rag in enumerate(("green", "amber", "red", None), start=1)]
        content = build_content(analysis, publish_safe=safe)
        metrics = {key: replace(m, panels={**m.panels, "achieved": _HOSTILE}) if key == "M2" else m
                   for key, m in content.metrics.items()}
        content = replace(content, actions=actions, metrics=metrics, organisation=f"Wexcombe {_HOSTILE}")
        plans[version] = folder / f"{version}.html"
        write_html(content, plans[version], signed_off_by="" if safe else "Sam Patel", role="" if safe else "Director")
    return plans


@pytest.mark.parametrize("width", [1400, 320])
@pytest.mark.parametrize("version", ["published", "internal"])
def test_the_html_plan_has_no_serious_accessibility_violation(html_plans, browser, version, width):
    """axe-core's WCAG A and AA rules on the HTML plan, at full width and at 320 pixels (400% zoom), where it
    reflows without scrolling sideways (a wide table scrolls in its own focusable region); what people typed shows
    as typed and runs nothing."""
    with new_tab(browser, width, 900) as tab:
        tab.goto(html_plans[version].as_uri())
        assert tab.evaluate("() => document.scripts.length") == 0  # nothing typed became a script
        assert tab.title().startswith(f"Workforce Race Equality Standard action plan: Wexcombe {_HOSTILE}, ")
        # The plan's title (its h1), the panel, and each objective twice (its objective and its actions).
        assert tab.locator("main").inner_text().count(_HOSTILE) == 2 + 2 * 4
        assert tab.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0
        expect(tab.locator("header")).to_contain_text("INTERNAL" if version == "internal" else "Covers the whole")
        found = violations(tab)
        assert not found, described(found)
        # The keyboard's first stop is the skip link, shown on GOV.UK's yellow; a table region's focus is drawn too.
        tab.keyboard.press("Tab")
        assert tab.evaluate("() => [document.activeElement.textContent, getComputedStyle(document.activeElement)"
                            ".backgroundColor]") == ["Skip to the plan", "rgb(255, 221, 0)"]
        tab.locator(".wres-figures").first.focus()
        assert tab.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") == "solid"
        # Printed: no contents list or skip link, and the page breaks where the PDF's do.
        tab.emulate_media(media="print")
        expect(tab.locator("nav")).to_be_hidden()
        assert tab.evaluate("() => getComputedStyle(document.querySelector('.page-break')).breakBefore") == "page"


@pytest.mark.parametrize("version", ["published", "internal"])
def test_the_html_plan_prints_on_a4_saying_on_every_page_what_it_covers_and_if_internal(html_plans, browser,
                                                                                        version):
    """Printed from the browser at the size its stylesheet asks for: A4, with what it covers, the page number and
    (internal) the INTERNAL marking on every page, as the PDF plan has them."""
    from io import BytesIO

    from pypdf import PdfReader

    from reports.content import INTERNAL_MARKING

    with new_tab(browser) as tab:
        tab.goto(html_plans[version].as_uri())
        printed = PdfReader(BytesIO(tab.pdf(prefer_css_page_size=True)))
    assert len(printed.pages) > 10
    for number, sheet in enumerate(printed.pages, start=1):
        assert (round(float(sheet.mediabox.width)), round(float(sheet.mediabox.height))) == (595, 842)  # A4
        text = " ".join(sheet.extract_text().split())
        assert "Covers the whole organisation." in text and f"Page {number}" in text, text[:200]
        assert (INTERNAL_MARKING in text) == (version == "internal"), text[:200]
