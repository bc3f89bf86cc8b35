"""The dashboard's frame. For now one page: the sample council's nine metrics.

Run with `make run`. The multipage dashboard (charts, panels, action plan) builds on this.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.api import analyse_paths
from metrics.registry import STANDARDS
from metrics.settings import Settings
from metrics.table import scorecard_rows


@st.cache_data(ttl=3600, max_entries=4)
def sample_scorecard(standard: str) -> tuple[str, str, list[dict[str, str]], list[str]]:
    analysis = analyse_paths(settings=Settings(standard=standard))
    return analysis.organisation, str(analysis.period), scorecard_rows(analysis.results), analysis.warnings


st.set_page_config(page_title="Workforce Race Equality Standard", layout="wide")
st.title("Workforce Race Equality Standard")
standard = st.sidebar.radio("Standard", list(STANDARDS), format_func=lambda s: STANDARDS[s].name)
organisation, period, rows, warnings = sample_scorecard(standard)
st.info(f"This is sample data for {organisation}, a fictional council, until you upload your own.")
st.caption(f"{STANDARDS[standard].title}, {period}")
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
with st.expander("Notes on the data"):
    for warning in warnings:
        st.markdown(f"- {warning}")
