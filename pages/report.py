"""Report: the board pack, publication-safe by default."""

import streamlit as st

from ui import report_view, sidebar
from ui.metric_page import period_note, sample_note

view = sidebar.current_view(__file__)
st.title("Board pack")
sample_note(view)
period_note(view)
report_view.render(view)
