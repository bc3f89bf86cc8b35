"""Professional development and career progression (SC-WRES metric 5; NHS WRES indicators 4 and 7)."""

from ui.metric_page import render_metric_page

render_metric_page("pages/cpd.py")
