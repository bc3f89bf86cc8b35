"""Presentation mode, for the screen in a meeting room (no sidebar or sample-data banner: ui.present_view)."""

from ui import present_view, sidebar

view = sidebar.current_view(__file__)
present_view.render(view)
