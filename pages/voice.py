"""Adjustments, engagement and the voices of disabled staff (WDES metrics 8, 9a and 9b)."""

from ui.metric_page import render_metric_page

render_metric_page("pages/voice.py")
