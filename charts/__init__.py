"""The dashboard's charts, built once for the pages and the board-pack exports (no Streamlit here)."""

from charts.builders import chart_for, forest, leavers, pay_bands, recruitment, survey
from charts.shared import ChartSpec

__all__ = ["ChartSpec", "chart_for", "forest", "leavers", "pay_bands", "recruitment", "survey"]
