"""Benchmarking: organisations' figures side by side, with funnel plots."""

from ui import benchmarking_view, sidebar

benchmarking_view.render(sidebar.current_view(__file__))
