"""Appointment from shortlisting (metric 2)."""

from ui.metric_page import render_metric_page

render_metric_page("pages/recruitment.py")
