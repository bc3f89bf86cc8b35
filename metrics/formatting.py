"""Figures in words: counts, percentages, a metric's headline value and its 95% interval, a change between years.

The one place that writes a figure for people: the metric pages, the overview, the command line's table, the
chart summaries, the sentences (metrics.narrative), every export (reports.content) and the figures a saved panel
keeps all call these. How a metric's headline figure is written is the registry's (MetricDefinition.figure): a
relative likelihood as a ratio ("0.78"), senior management (M9) as a difference in percentage points ("+4.5"),
the pay bands (M1) as shares ("24.0%"), having no single figure. Where the outputs legitimately differ, the
difference is a parameter here, never a copy:

- `unit`: the words after a difference in points: "percentage points" in prose (POINTS), "points" after an
  interval whose value has already said "percentage points" (POINTS_SHORT), "pp" in the command line's narrow
  table (POINTS_TABLE), none where a chart's sentence leaves it out. A ratio has no unit.
- `sign_zero`: a difference that rounds to nothing is "0.0" in sentences and tables, and keeps its sign ("+0.0",
  "-0.0") where the overview, the trends' sentences and the saved panels' figures have always written it so (a
  saved panel's figures are compared as text with today's, so they must not change).
- A figure that is withheld or missing is said by each caller in its own words ("withheld", "not available",
  "-", "–", "no figure"): those words are the caller's, next to where it decides.

No Streamlit, no pandas: the command line imports this on every run.
"""

from __future__ import annotations

from numbers import Real
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from metrics.registry import FigureFormat, MetricDefinition
    from metrics.results import MetricResult

# Written out, not "pp": plain English for a board (GOV.UK's style writes "percentage points" in full).
POINTS = "percentage points"
# After an interval, once its value has said "percentage points": "(95% interval -1.0 to +9.0 points)".
POINTS_SHORT = "points"
# The command line's table, where columns are narrow.
POINTS_TABLE = "pp"
# What a saved panel records when its metric has no figure (figure_words).
NO_FIGURE = "no figure"
# What a metric's headline figure is measured in, by its format: the trends table's "measure" column.
# A difference of mean scores is in points on the score's own scale (0 to 10), not percentage points.
SCORE_POINTS = "points on a 0-10 scale"
# The percentage-point units a caller asks for, as a difference of scores writes them.
SCORE_UNITS = {POINTS: SCORE_POINTS, POINTS_TABLE: "pts"}
MEASURES: dict[FigureFormat, str] = {"ratio": "relative likelihood", "points": POINTS, "shares": "% of the workforce",
                                     "percent": "% of the group", "score": SCORE_POINTS, "none": ""}
# The decimal places each format's figure is written to (figure_text), for a table that holds the figure as a
# number rather than as text.
FIGURE_PLACES: dict[FigureFormat, int] = {"ratio": 2, "points": 1, "shares": 1, "percent": 1, "score": 2, "none": 0}
# What each format's headline figure is called, where an export labels it.
FIGURE_NAMES: dict[FigureFormat, str] = {"ratio": "Relative likelihood", "points": "Percentage point difference",
                                         "shares": "Share", "percent": "Percentage", "score": "Difference of means",
                                         "none": "Narrative"}


# Plain numbers ------------------------------------------------------------------------------------


def pct(share: float | None, *, fraction: bool = True) -> str:
    """24% or 3.2% (one decimal under 10%, so small rates are not rounded to nothing); "withheld" for None.
    `share` is a fraction (0.24) unless fraction=False (24.0)."""
    if share is None:
        return "withheld"
    value = share * 100 if fraction else share
    return f"{value:.1f}%" if abs(value) < 10 and value != 0 else f"{value:.0f}%"


def gap_text(value: float | None, missing: str = "-") -> str:
    """A pay gap figure, already a percentage, to one decimal as pay gap reports write them: 18.4%, -25.0%, 0.0%;
    `missing` where none can be formed (metrics.paygap)."""
    return missing if value is None else f"{value:.1f}%"


def gap_interval_text(ci: tuple[float, float] | None, missing: str = "-") -> str:
    """A pay gap's interval: "-9.5% to 43.6%"; `missing` where there is none."""
    return missing if ci is None else f"{gap_text(ci[0])} to {gap_text(ci[1])}"


def number(count: float | None) -> str:
    """A count with thousands separators, one decimal when it has a fraction (an average headcount of 101.5);
    "withheld" for None."""
    if count is None:
        return "withheld"
    return f"{count:,.1f}" if count != int(count) else f"{int(count):,}"


def ratio_text(value: float) -> str:
    """A relative likelihood, or one of its limits: 0.78."""
    return f"{value:.2f}"


def points(value: float, *, sign_zero: bool = False) -> str:
    """A difference in percentage points with its sign: +4.5, -10.1, and 0.0 for one that rounds to nothing
    (+0.0 or -0.0 with sign_zero: see the module's notes)."""
    if sign_zero or round(value, 1) != 0:
        return f"{value:+.1f}"
    return "0.0"


def share_text(value: float) -> str:
    """A share in percent to one decimal, as a change between years gives it: 24.0%."""
    return f"{value:.1f}%"


# A metric's figures, in its registry format ---------------------------------------------------------


def score_text(value: float, *, sign_zero: bool = False) -> str:
    """A difference of mean scores with its sign, to two places: -0.40, and 0.00 for one that rounds to nothing."""
    if sign_zero or round(value, 2) != 0:
        return f"{value:+.2f}"
    return "0.00"


def mean_text(value: float | None) -> str:
    """A mean score on its scale, to two places: 6.62; "withheld" for None."""
    return "withheld" if value is None else f"{value:.2f}"


def figure_text(value: float, format: FigureFormat, *, unit: str = "", sign_zero: bool = False) -> str:
    """One figure in a metric's format: "0.78"; "+4.5", or "+4.5 percentage points" with `unit`; "24.0%" (a share
    or one group's percentage); "-0.40", or "-0.40 points on a 0-10 scale" with `unit`."""
    if format == "score":
        text = score_text(value, sign_zero=sign_zero)
        return f"{text} {SCORE_UNITS.get(unit, unit)}" if unit else text
    if format == "percent":
        return share_text(value)
    if format == "points":
        text = points(value, sign_zero=sign_zero)
        return f"{text} {unit}" if unit else text
    if format == "shares":
        return share_text(value)
    return ratio_text(value)


def interval_text(ci: tuple[float, float], format: FigureFormat, *, unit: str = "", sign_zero: bool = False) -> str:
    """A 95% interval in a metric's format: "0.57 to 1.08"; "-10.1 to +4.5", or "-10.1 to +4.5 points" with
    `unit`."""
    low, high = (figure_text(limit, format, sign_zero=sign_zero) for limit in ci)
    text = f"{low} to {high}"
    return f"{text} {unit}" if unit and format in ("points", "score") else text


def value_text(result: MetricResult, *, unit: str = POINTS, sign_zero: bool = False) -> str:
    """The result's headline figure in its metric's format ("0.78", "+4.5 percentage points"); it must have one."""
    assert result.value is not None
    return figure_text(result.value, result.definition.figure, unit=unit, sign_zero=sign_zero)


def result_interval(result: MetricResult, *, unit: str = POINTS_SHORT, sign_zero: bool = False) -> str:
    """The result's 95% interval in its metric's format ("0.57 to 1.08", "-1.0 to +9.0 points"); it must have one."""
    assert result.ci is not None
    return interval_text(result.ci, result.definition.figure, unit=unit, sign_zero=sign_zero)


def with_interval(result: MetricResult) -> str:
    """The headline figure and, when there is one, its interval, as the metric pages and the exports' headlines
    write them: "0.78 (95% interval 0.57 to 1.08)", "+4.5 percentage points (95% interval -1.0 to +9.0 points)".
    The result must have a figure."""
    text = value_text(result)
    if result.ci is not None:
        text += f" (95% interval {result_interval(result)})"
    return text


def change_text(old: float, new: float, format: FigureFormat) -> str:
    """A headline figure from one year to the next: "0.82 → 0.78", "+1.0 → -2.0 percentage points", "24.0% →
    26.5%"."""
    text = f"{figure_text(old, format, sign_zero=True)} → {figure_text(new, format, sign_zero=True)}"
    if format == "score":
        return f"{text} {SCORE_POINTS}"
    return f"{text} {POINTS}" if format == "points" else text


def figure_name(definition: MetricDefinition) -> str:
    """What the metric's headline figure is called: "Relative likelihood", "Percentage point difference"."""
    return FIGURE_NAMES[definition.figure]


def _value_and_interval(value: float | None, ci: tuple[float, float] | None, format: FigureFormat) -> str:
    if value is None:
        return NO_FIGURE
    unit = POINTS_SHORT if format in ("points", "score") else ""
    text = figure_text(value, format, unit=unit, sign_zero=True)
    return text + (f" ({interval_text(ci, format, sign_zero=True)})" if ci is not None else "")


def figure_words(result: MetricResult) -> str:
    """The metric's figures in a few words ("0.78 (0.57 to 1.08)"), as a saved panel keeps them: the page
    compares them with today's to say when the text was written against other figures."""
    d = result.definition
    if d.figure == "none":
        return NO_FIGURE
    if d.figure == "shares":
        overall = result.overall
        if overall is None:
            return NO_FIGURE
        comparison = result.comparison
        focus, reference = (overall.counts[g] for g in comparison.known)
        if focus is None or reference is None:  # withheld for publication
            return NO_FIGURE
        known = focus + reference
        share = 100 * focus / known if known else None
        return NO_FIGURE if share is None else (f"{share:.0f}% {comparison.focus.adjective} of {number(known)} "
                                                f"staff {comparison.whose_known()}")
    if len(result.questions) > 1:
        return "; ".join(f"{q.question_label} {_value_and_interval(q.value, q.ci, d.figure)}"
                         for q in result.questions.values())
    return _value_and_interval(result.value, result.ci, d.figure)


def cell_text(value: object, places: int | None = None) -> str:
    """A cell of a table of figures as every table says it (the pages' HTML tables, the PDF and HTML plans): 153,
    25.5, "withheld", blank for nothing (not 153.0000 or nan); to `places` decimal places when given (0.80, not
    0.8)."""
    if value is None or type(value).__name__ == "NAType" or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return str(value)
    if places is not None and isinstance(value, Real):
        return f"{value:,.{places}f}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.10g}"
    if isinstance(value, Real):
        return f"{value:,}"
    return str(value)
