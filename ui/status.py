"""How a status is shown: always in words and with an icon, never by colour alone."""

from __future__ import annotations

from metrics import stats

# status -> (icon, words, Streamlit colour name for badges)
_SHOWN = {
    stats.ADVERSE: (":material/error:", "Adverse", "red"),
    stats.WITHIN_RANGE: (":material/check_circle:", "Within range", "green"),
    stats.FAVOURABLE: (":material/info:", "Favourable", "blue"),
    stats.INSUFFICIENT: (":material/help:", "Insufficient data", "gray"),
    stats.NO_DATA: (":material/remove_circle_outline:", "No data", "gray"),
    stats.DESCRIPTIVE: (":material/bar_chart:", "See the pay bands", "violet"),
}


def icon(status: str) -> str:
    return _SHOWN[status][0]


def words(status: str) -> str:
    return _SHOWN[status][1]


def badge(status: str) -> str:
    """Markdown for a coloured badge that also carries an icon and the status in words."""
    shown_icon, shown_words, colour = _SHOWN[status]
    return f":{colour}-badge[{shown_icon} {shown_words}]"
