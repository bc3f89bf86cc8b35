"""How a status is shown: always in words and with an icon, never by colour alone (metrics.stats.LOOKS)."""

from __future__ import annotations

from metrics import stats


def _look(status: stats.Status) -> stats.StatusLook:
    return stats.LOOKS.get(status, stats.StatusLook(status, ":material/help:", "gray"))


def icon(status: stats.Status) -> str:
    return _look(status).icon


def words(status: stats.Status) -> str:
    return _look(status).words


def badge(status: stats.Status) -> str:
    """Markdown for a coloured badge that also carries an icon and the status in words."""
    look = _look(status)
    return f":{look.colour}-badge[{look.icon} {look.words}]"
