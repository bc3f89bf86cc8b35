"""Pay gaps by sex, ethnicity or disability: the six measures of the 2017 regulations, for every standard."""

from ui import paygap_view, sidebar

paygap_view.render(sidebar.current_view(__file__))
