"""The overview's words: the headline, each metric's value and its change since last year."""

from __future__ import annotations

from metrics import stats
from metrics.results import MetricResult
from metrics.settings import Settings
from metrics.trends import headline_value
from ui.safe import md

# Written out, not "pp": plain English for a board (GOV.UK's style writes "percentage points" in full).
POINTS = "percentage points"


def value_text(result: MetricResult) -> tuple[str, str]:
    if len(result.questions) > 1:
        parts = [(q.question_label.removeprefix("from "), *value_text(q)) for q in result.questions.values()]
        return "; ".join(f"{who} {v}" for who, v, _ in parts), "; ".join(f"{who} {i}" for who, _, i in parts)
    if result.value is None:
        return "–", "–"
    if result.definition.kind == "representation":
        value = f"{result.value:+.1f} {POINTS}"
        interval = f"{result.ci[0]:+.1f} to {result.ci[1]:+.1f}" if result.ci else "–"
    else:
        value = f"{result.value:.2f}"
        interval = f"{result.ci[0]:.2f} to {result.ci[1]:.2f}" if result.ci else "–"
    return value, interval


def change_text(result: MetricResult, before: MetricResult | None) -> str:
    if before is not None and len(result.questions) > 1:
        return "; ".join(f"{key} {change_text(q, before.questions.get(key))}" for key, q in result.questions.items())
    old, new = headline_value(before)[0] if before else None, headline_value(result)[0]
    if old is None or new is None:
        return "–"
    if result.definition.kind == "representation":
        return f"{old:+.1f} → {new:+.1f} {POINTS}"
    if result.definition.kind == "distribution":
        return f"{old:.1f}% → {new:.1f}%"
    return f"{old:.2f} → {new:.2f}"


def headline(results: dict[str, MetricResult], settings: Settings) -> str:
    adverse = [r for r in results.values() if r.status == stats.ADVERSE]
    if not adverse:
        return f"No metric is outside the range in a direction adverse to {md(settings.bme_label)} staff."
    names = ", ".join(r.definition.title.lower() for r in adverse)
    text = (f"**{len(adverse)} of {len(results)} metrics** are outside the "
            f"{settings.adverse_range[0]:.2f} to {settings.adverse_range[1]:.2f} range in a direction adverse to "
            f"{md(settings.bme_label)} staff: {names}.")
    uncertain = [r for r in adverse if _could_be_chance(r)]
    if uncertain:
        text += (f" For {len(uncertain)} of them ({', '.join(r.definition.title.lower() for r in uncertain)}) the "
                 "95% interval includes 1.00, so the difference could be down to chance: read them with care.")
    return text


def _could_be_chance(result: MetricResult) -> bool:
    rated = [q for q in result.questions.values() if q.status == stats.ADVERSE] or [result]
    return all(r.ratio is not None and r.ratio.includes_parity for r in rated)
