"""Accessibility statement: how accessible the service is, what is known not to be, how to report a problem."""

from ui import accessibility_statement, sidebar

sidebar.in_frame(__file__)
accessibility_statement.render()
