"""Colours and type for every chart: the UK Government Analysis Function categorical palette.

Each group keeps its colour on every chart, so a board member who has learnt that dark blue is
the minority-ethnic group reads every page the same way. Colours go by a group's place in its standard's
comparison (focus, reference, unknown), so under the WDES dark blue is the disabled group.
"""

from __future__ import annotations

from metrics.registry import STANDARDS
from metrics.settings import Settings

DARK_BLUE = "#12436D"
TURQUOISE = "#28A197"
DARK_PINK = "#801650"
ORANGE = "#F46A25"
DARK_GREY = "#3D3D3D"
LIGHT_PURPLE = "#A285D1"
# The Analysis Function palette in its prescribed order.
CATEGORICAL: tuple[str, ...] = (DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY, LIGHT_PURPLE)

# Text colours that pass contrast on the palette.
BLACK = "#0B0C0C"
WHITE = "#FFFFFF"
LIGHT_GREY = "#D9D9D9"

# A group's place in its comparison (data_loaders.comparison.Comparison.groups), in order.
POSITIONS: tuple[str, str, str] = ("focus", "reference", "unknown")
# By place: the focus group (minority-ethnic, disabled) dark blue, the reference group (white, non-disabled)
# turquoise. The unknown group (unknown ethnicity, not declared) is a data-quality figure, not a group compared:
# grey lets it recede.
GROUP_COLOURS: dict[str, str] = {"focus": DARK_BLUE, "reference": TURQUOISE, "unknown": DARK_GREY}
# White text on turquoise is 3.2:1, too faint for 14px labels; near-black is 6.2:1.
GROUP_TEXT_COLOURS: dict[str, str] = {"focus": WHITE, "reference": BLACK, "unknown": WHITE}

# Marks that need to stand apart from the group colours.
WORKFORCE_RULE = ORANGE
ADVERSE = DARK_PINK
NEUTRAL = DARK_GREY
RANGE_SHADING = LIGHT_GREY

FONT = "Arial, Helvetica, sans-serif"  # a family the renderer lacks must fall back, or exports draw no text
TITLE_SIZE = 20
SUBTITLE_SIZE = 15
LABEL_SIZE = 14
MESSAGE_SIZE = 16
# On a meeting room's screen, read from across the room: larger, and black rather than grey.
PRESENT_LABEL_SIZE = 22
PRESENT_MESSAGE_SIZE = 26


def group_label(group: str, settings: Settings) -> str:
    """The name a chart shows for a group: the organisation's own for the minority-ethnic group."""
    return STANDARDS[settings.standard].comparison.label(group, settings.bme_label)


def group_domain(settings: Settings) -> list[str]:
    """The groups of the settings' standard as charts name them, in order (focus, reference, unknown)."""
    return [group_label(g, settings) for g in STANDARDS[settings.standard].comparison.keys]


def position(group: str, settings: Settings) -> str:
    """The group's place in the settings' standard's comparison: "focus", "reference" or "unknown"."""
    comparison = STANDARDS[settings.standard].comparison
    if group not in comparison.keys:
        raise KeyError(f"the {comparison.key} comparison has no group {group!r}; its groups are "
                       f"{', '.join(comparison.keys)}")
    return POSITIONS[comparison.keys.index(group)]


def group_colour(group: str, settings: Settings) -> str:
    return GROUP_COLOURS[position(group, settings)]


def group_text_colour(group: str, settings: Settings) -> str:
    """The colour of a label printed on the group's bar."""
    return GROUP_TEXT_COLOURS[position(group, settings)]


# Colours go by a group's place in its comparison, not its name: the range in the order of group_domain.
def group_range() -> list[str]:
    return [GROUP_COLOURS[p] for p in POSITIONS]


def group_text_range() -> list[str]:
    return [GROUP_TEXT_COLOURS[p] for p in POSITIONS]
