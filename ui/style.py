"""What the app adds to Streamlit's own styles: a focus indicator that anyone can see (WCAG 2.4.7), titles and
badges that wrap rather than being cut short, and the look of the app's own tables of figures (ui.figures).

Streamlit marks a focused link only by a faint grey background, and some of its controls by nothing a
person can make out. GOV.UK's focus style instead: a yellow ring inside a near-black one, which
stands out on white, on the sidebar's grey and on the palette's colours alike.
"""

from __future__ import annotations

import streamlit as st

from ui import figures

FOCUS_YELLOW = "#ffdd00"
FOCUS_BLACK = "#0b0c0c"

_RING = f"outline: 3px solid {FOCUS_BLACK} !important; outline-offset: 0 !important; " \
        f"box-shadow: 0 0 0 6px {FOCUS_YELLOW} !important;"
# A one-line text box or a drop-down is drawn by a wrapper that clips anything drawn outside its input: the
# ring goes on the wrapper (the input's parent) while the input has focus, and on a radio button's or a
# tick box's label, whose input is hidden.
_CHOICE = 'input:is([type="radio"], [type="checkbox"])'
# Text Streamlit cuts short with an ellipsis at one line: a page link's title ("Pay bands and senior managemen"),
# a badge ("Descriptive: see th..."), a button's label and a file box's hint on a narrow screen. Wrapped instead: a
# title, status or instruction cut short is lost.
_WHOLE_WORDS = ('[data-testid="stPageLink-NavLink"] :is(span:has(> [data-testid="stMarkdownContainer"]), p), '
                '.stMarkdownBadge, .stMarkdownEllipsis, .stMarkdownEllipsis p, '
                '[data-testid="stFileUploaderDropzoneInstructions"] span')
CSS = f"""<style>
:focus-visible:not(input) {{ {_RING} }}
:has(> input:not([type="radio"]):not([type="checkbox"]):focus-visible) {{ {_RING} }}
label:has({_CHOICE}:focus-visible) {{ {_RING} }}
{_WHOLE_WORDS} {{ white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }}
{figures.CSS}
</style>"""


def apply() -> None:
    st.html(CSS)
