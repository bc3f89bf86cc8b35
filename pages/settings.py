"""Settings: the organisation's words, small-number rules, ethnicity and disability classifications and bands."""

import streamlit as st

from ui import backup_view, organisations_view, population_view, settings_form, sidebar
from ui.metric_page import sample_note
from ui.safe import md

view = sidebar.current_view(__file__)
st.title("Settings")
sample_note(view)
st.markdown(f"Settings for **{md(view.organisation)}**, saved for everyone who opens it.")
settings_form.render(view)
st.divider()
population_view.render(view)
st.divider()
backup_view.render()
organisations_view.render()
