"""Harassment, bullying, abuse and discrimination (SC-WRES metrics 6 and 7; NHS WRES indicators 5, 6 and 8)."""

from ui.metric_page import render_metric_page

render_metric_page("pages/harassment.py")
