"""The accessibility statement, in the form GOV.UK recommends for public sector websites.

The Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 ask
each body to publish one. Each council or trust runs its own copy of this service, so who to contact
comes from its deployment: `[accessibility] contact = "..."` in `.streamlit/secrets.toml`.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ui.access import secrets_section
from ui.safe import md

# When the checks below were last run in full and this statement reviewed. Change it when they are run again.
TESTED_ON = dt.date(2026, 12, 1)
STANDARD = "Web Content Accessibility Guidelines (WCAG) version 2.2, level AA"

_NO_CONTACT = ("the team that runs this service in your organisation (whoever gave you its address). The "
               "organisation has not yet added its contact details here")


def contact() -> str:
    """Who to tell about a problem, as the deployment gives it."""
    section = secrets_section("accessibility")
    given = str(section.get("contact", "")).strip() if hasattr(section, "get") else ""
    return given or _NO_CONTACT


def render() -> None:
    tested = f"{TESTED_ON.day} {TESTED_ON:%B %Y}"
    st.title("Accessibility statement")
    st.markdown(
        "This statement applies to this Workforce Race Equality Standard dashboard: the overview, the metric "
        "pages, the action plan, the board pack and every other page listed in the menu.\n\n"
        "We want as many people as possible to be able to use it. For example, you should be able to:\n\n"
        "- change colours, contrast levels and fonts using your browser or device settings\n"
        "- reach and use every link, button and box with a keyboard alone, and always see where you are\n"
        "- hear every finding read out by a screen reader: each chart has a sentence saying what it shows, "
        "and the same figures in a table beside it\n"
        "- tell the status of every metric (adverse or favourable, beyond chance or could be chance; within range; "
        "too few to say; withheld for publication) from its words, not only its colour or icon\n"
        "- tell the three panels' Save buttons on a metric's page apart by what they say (\"Save what we've "
        "achieved\"), not only by where they are\n"
        "- read the board pack's PowerPoint slides and Excel workbook with a screen reader: every slide has a title "
        "and each chart on it its one-sentence summary as alternative text, and the figures are real tables with "
        "header rows (in the workbook, defined Excel tables, with a Contents sheet first saying what each sheet "
        "holds)\n\n"
        "[AbilityNet](https://mcmw.abilitynet.org.uk/) has advice on making your device easier to use if you "
        "have a disability."
    )

    st.header("How accessible this service is", anchor=False)
    st.markdown(
        "We know some parts are not fully accessible:\n\n"
        "- the charts are pictures: a screen reader announces each chart's headline finding, not its bars and "
        "points one by one, so use the table beside it for the figures\n"
        "- the action plan's editable grid is Streamlit's data grid, drawn on a canvas with an accessible grid "
        "behind it: some screen readers read it less smoothly than a plain table. The action plan can instead be "
        "shown as a plain table with a form that adds or changes one objective at a time (choose \"Table and "
        "form\" above it); every other table in the service is a plain table\n"
        "- in the PDF plan (a tagged PDF, PDF/UA-1) a table's first column is not marked as the row's header, so "
        "a screen reader announces each cell with its column's heading but not its row's: the HTML plan marks "
        "both\n"
        "- the service is built with Streamlit, an open-source framework: how its controls are made is largely "
        "its own, and a change to it can change how they behave with assistive technology\n"
        "- zoomed in to 400% (or on a screen 320 pixels wide) every page fits the width and scrolls only "
        "downwards, and a wide table scrolls sideways within itself; but the charts shrink to fit, and some of "
        "their labels are then left out rather than cut short or printed over each other: a percentage inside a "
        "bar too narrow for it (the pay bands, the pay quarters), and an axis value too close to the next (\"1\" "
        "between 0.8 and 1.25 on the relative likelihood charts). The table beside each chart has every figure\n"
        "- it has not yet been tested by people who use screen readers, screen magnifiers or speech "
        "recognition"
    )

    st.header("Feedback and contact information", anchor=False)
    st.markdown(
        f"If you find a problem not listed here, or need what a page shows in another format (a plain table, "
        f"large print, an accessible PDF), contact {md(contact())}. Say which page and what you were trying "
        "to do."
    )

    st.header("Enforcement procedure", anchor=False)
    st.markdown(
        "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies "
        "(Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the 'accessibility "
        "regulations'). If you're not happy with how we respond to your complaint, contact the "
        "[Equality Advisory and Support Service (EASS)](https://www.equalityadvisoryservice.com/)."
    )

    st.header("Technical information about this service's accessibility", anchor=False)
    st.markdown(
        "Councils and NHS bodies that run this service are committed to making it accessible, in accordance "
        "with the accessibility regulations.\n\n"
        f"**Compliance status.** This service is partially compliant with the {STANDARD}, due to the "
        "non-compliances and exemptions listed above: the charts and the action plan's grid."
    )

    st.header("What we're doing to improve accessibility", anchor=False)
    st.markdown(
        "Every change to the service is checked before it is released: axe-core's WCAG 2.0, 2.1 and 2.2 A "
        "and AA rules on every page, in a real browser, on a wide screen and at 400% zoom, must find no serious "
        "or critical problem, and tests walk through the main task (the overview, a metric, writing and saving a "
        "panel) and adding an objective to the action plan with the keyboard alone. Tests read the board pack's "
        "slides and workbook back on every change: every slide has a title and every picture its description, "
        "every table of figures is a table with a header row, and the workbook has no merged cell. The plan a "
        "council publishes is made in two forms everyone can read: an HTML page (checked by axe-core like the "
        "pages, wide and at 320 pixels) and a tagged PDF conforming to PDF/UA-1 (checked with the pdfua checker, "
        "which must find nothing, and by a walk of its structure: headings in order, tables with header cells, "
        "every chart with its finding as alternative text, the language en-GB). We plan to test with "
        "screen-reader users."
    )

    st.header("Preparation of this accessibility statement", anchor=False)
    st.markdown(
        f"This statement was prepared on {tested}. It was last reviewed on {tested}.\n\n"
        f"This service was last tested on {tested}, by its developers: automated checks with axe-core in "
        "headless Chromium on every page with the built-in sample council, on a wide screen and at 320 pixels "
        "wide, and keyboard-only walks through the main task and through adding an objective to the action plan."
    )
