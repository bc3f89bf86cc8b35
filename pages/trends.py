"""Trends: each metric across periods and the change since last year."""

from ui import sidebar, trends_view

trends_view.render(sidebar.current_view(__file__))
