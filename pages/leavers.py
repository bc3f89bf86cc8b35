"""Leaving the organisation (metric 8)."""

from ui.metric_page import render_metric_page

render_metric_page("pages/leavers.py")
