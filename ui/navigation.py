"""Which page shows which metrics; the titles of the metrics themselves come from the registry."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MetricPage:
    path: str
    title: str
    icon: str
    metrics: tuple[str, ...]


METRIC_PAGES: tuple[MetricPage, ...] = (
    MetricPage("pages/pay_and_senior.py", "Pay bands and senior management", ":material/stacked_bar_chart:",
               ("M1", "M9", "W9")),
    MetricPage("pages/recruitment.py", "Recruitment", ":material/person_search:", ("M2",)),
    MetricPage("pages/conduct.py", "Disciplinary and fitness to practise", ":material/gavel:", ("M3", "M4")),
    MetricPage("pages/cpd.py", "Professional development", ":material/school:", ("M5",)),
    MetricPage("pages/harassment.py", "Harassment, bullying and abuse", ":material/report:", ("M6", "M7")),
    MetricPage("pages/leavers.py", "Leaving the organisation", ":material/logout:", ("M8",)),
)


def page_for(metric_id: str) -> MetricPage:
    return next(page for page in METRIC_PAGES if metric_id in page.metrics)
