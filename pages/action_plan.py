"""Action plan: the objectives table in the shape councils publish, edited in place and saved."""

import streamlit as st

from ui import action_plan, sidebar, state
from ui.metric_page import period_note, sample_note

view = sidebar.current_view(__file__)
st.title("Action plan")
sample_note(view)
period_note(view)  # the plan is kept by period
st.markdown("One row per objective: which WRES theme and metrics it answers, who leads it, the specific actions, "
            "what good looks like, when, progress so far and a RAG status. Add rows at the bottom of the grid, or "
            "work on one objective at a time in the table and form.")
action_plan.render(view.organisation, state.analysis(view).period.end.isoformat(), view.settings)
