"""Data: upload your own exports, see what was recognised, correct it, check its quality."""

import streamlit as st

from ui import data_view, sidebar, standards_view
from ui.metric_page import sample_note

view = sidebar.current_view(__file__)
st.title("Data")
sample_note(view)
data_view.upload_section(view)
data_view.recognised_section(view)
standards_view.every_standard_section(view)
data_view.labels_section(view)
data_view.template_section(view.settings.standard)
