"""Funded non-mandatory continuing professional development (metric 5)."""

from ui.metric_page import render_metric_page

render_metric_page("pages/cpd.py")
