"""Pay bands and senior management (metrics 1 and 9)."""

from ui.metric_page import render_metric_page

render_metric_page("pages/pay_and_senior.py")
