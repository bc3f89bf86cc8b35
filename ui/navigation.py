"""Which page shows which metrics; the titles of the metrics themselves come from the registry."""

from __future__ import annotations

from dataclasses import dataclass

from metrics.registry import STANDARDS


@dataclass(frozen=True)
class MetricPage:
    path: str
    title: str
    icon: str
    metrics: tuple[str, ...]


METRIC_PAGES: tuple[MetricPage, ...] = (
    MetricPage("pages/pay_and_senior.py", "Pay bands and senior management", ":material/stacked_bar_chart:",
               ("M1", "M9", "W9", "D1", "D10")),
    MetricPage("pages/recruitment.py", "Recruitment", ":material/person_search:", ("M2", "D2")),
    MetricPage("pages/conduct.py", "Disciplinary and fitness to practise", ":material/gavel:", ("M3", "M4", "D3")),
    MetricPage("pages/cpd.py", "Professional development and progression", ":material/school:",
               ("M5", "W4", "W7", "D5", "D7")),
    MetricPage("pages/harassment.py", "Harassment, bullying and discrimination", ":material/report:",
               ("M6", "M7", "W5", "W6", "W8", "D4A", "D4B", "D6")),
    MetricPage("pages/leavers.py", "Leaving the organisation", ":material/logout:", ("M8",)),
    MetricPage("pages/voice.py", "Adjustments, engagement and voice", ":material/record_voice_over:",
               ("D8", "D9A", "D9B")),
)


# The pay gaps' page: not a standard's metric, so in the menu whichever standard is chosen. Its "metrics" are the
# keys its panels are saved under (storage.PAY_GAP_PANELS), so an unsaved panel's link finds its page.
PAY_GAPS_PAGE = MetricPage("pages/pay_gaps.py", "Pay gaps", ":material/payments:",
                           ("PGS", "PGE", "PGD"))


def page_for(metric_id: str) -> MetricPage:
    """The page a metric, or a panel's key, is shown on."""
    return next(page for page in (*METRIC_PAGES, PAY_GAPS_PAGE) if metric_id in page.metrics)


def pages_for(standard: str) -> tuple[MetricPage, ...]:
    """The metric pages that show at least one of `standard`'s metrics, in the menu's order."""
    listed = STANDARDS[standard].metrics
    return tuple(page for page in METRIC_PAGES if any(m in listed for m in page.metrics))
