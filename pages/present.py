"""Presentation mode, for the screen in a meeting room."""

from ui import present_view, sidebar
from ui.metric_page import sample_note

view = sidebar.current_view(__file__)
sample_note(view)
present_view.render(view)
