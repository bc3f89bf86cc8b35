"""Disciplinary and fitness to practise (metrics 3 and 4)."""

from ui.metric_page import render_metric_page

render_metric_page("pages/conduct.py")
