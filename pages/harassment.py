"""Harassment, bullying and abuse (metrics 6 and 7)."""

from ui.metric_page import render_metric_page

render_metric_page("pages/harassment.py")
