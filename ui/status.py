"""How a status is shown: always in words and with an icon, never by colour alone."""

from __future__ import annotations

from metrics import stats

# status -> (icon, Streamlit colour name for badges); the words are metrics.stats.STATUS_WORDS
_SHOWN: dict[str, tuple[str, str]] = {
    stats.ADVERSE: (":material/error:", "red"),
    stats.WITHIN_RANGE: (":material/check_circle:", "green"),
    stats.FAVOURABLE: (":material/info:", "blue"),
    stats.INSUFFICIENT: (":material/help:", "gray"),
    stats.NO_DATA: (":material/remove_circle_outline:", "gray"),
    stats.DESCRIPTIVE: (":material/bar_chart:", "violet"),
}


def icon(status: str) -> str:
    return _SHOWN[status][0]


def words(status: str) -> str:
    return stats.STATUS_WORDS[status]


def badge(status: str) -> str:
    """Markdown for a coloured badge that also carries an icon and the status in words."""
    shown_icon, colour = _SHOWN[status]
    return f":{colour}-badge[{shown_icon} {stats.STATUS_WORDS[status]}]"
