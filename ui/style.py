"""What the app adds to Streamlit's own styles: a focus indicator that anyone can see (WCAG 2.4.7), and
tables whose text wraps within the column they are given, so none scrolls sideways out of a keyboard's reach.

Streamlit marks a focused link only by a faint grey background, and some of its controls by nothing a
person can make out. GOV.UK's focus style instead: a yellow ring inside a near-black one, which
stands out on white, on the sidebar's grey and on the palette's colours alike.
"""

from __future__ import annotations

import streamlit as st

FOCUS_YELLOW = "#ffdd00"
FOCUS_BLACK = "#0b0c0c"

_RING = f"outline: 3px solid {FOCUS_BLACK} !important; outline-offset: 0 !important; " \
        f"box-shadow: 0 0 0 6px {FOCUS_YELLOW} !important;"
# A one-line text box or a drop-down is drawn by a wrapper that clips anything drawn outside its input: the
# ring goes on the wrapper (the input's parent) while the input has focus, and on a radio button's or a
# tick box's label, whose input is hidden.
_CHOICE = 'input:is([type="radio"], [type="checkbox"])'
CSS = f"""<style>
:focus-visible:not(input) {{ {_RING} }}
:has(> input:not([type="radio"]):not([type="checkbox"]):focus-visible) {{ {_RING} }}
label:has({_CHOICE}:focus-visible) {{ {_RING} }}
[data-testid="stTable"] :is(th, td) {{ white-space: normal; overflow-wrap: break-word; }}
</style>"""


def apply() -> None:
    st.html(CSS)
