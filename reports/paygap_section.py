"""The board pack's Pay gaps section: the pay gaps by sex, ethnicity and disability from the staff records'
payroll columns, gathered once for the workbook, the slides and the PDF (reports.content).

A published pack carries only what metrics.paygap_publish.published lets out: withheld figures say "withheld"
with the reason, group sizes are rounded to 10, shares of the quarters and of those paid a bonus are whole
percentages, and the figures as published are also written as a table of keys and values (`figure_rows`) that
the publication audit reads back (tests/test_publication_audit.py) and proves with metrics.paygap_publish.audit.
The internal pack carries the full figures. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from charts.paygap import quarter_name, quarters_chart
from charts.shared import WITHHELD, ChartSpec
from data_loaders.errors import InputError
from metrics import paygap
from metrics.formatting import gap_interval_text, gap_text
from metrics.paygap_publish import PublishedPayGaps, published, published_notes, to_dict, withheld_sentence
from metrics.settings import Settings
from pipeline.paygap import COMMAND_LINE, PayGapWorking, pay_gaps_of
from reports.withheld_text import WithheldFigure, numbers_in_text, pay_gap_withheld_values
from storage import PANEL_KINDS, pay_gap_panel

SECTION_TITLE = "Pay gaps"
BY_TITLES = {"sex": "Pay gaps by sex", "ethnicity": "Pay gaps by ethnicity", "disability": "Pay gaps by disability"}
WHOLE_ORGANISATION = ("Pay gaps: not in this pack. They are for the whole organisation, so they are in its pack, not "
                      "a service's.")
NO_PAYROLL = ("Pay gaps: not in this pack. They need the staff records' payroll columns (Ordinary Pay, Weekly "
              "Contracted Hours or Contracted WTE, Bonus Pay, Full Pay Relevant), which these files do not have.")
MEASURE_WORDS = {"mean_pct": "Mean hourly pay gap", "median_pct": "Median hourly pay gap",
                 "bonus_mean_pct": "Mean bonus gap", "bonus_median_pct": "Median bonus gap"}
FIGURE_COLUMNS: tuple[str, ...] = ("Group", "Figure", "Value", "95% interval")
# The heading over the published figures' key-value table in the workbook: what the audit reads back.
FIGURES_TABLE = "The figures as published, by key (for checking)"
KEY_COLUMNS: tuple[str, ...] = ("Key", "Value")


@dataclass
class PayGapBlock:
    """One comparison (by sex, ethnicity or disability) as the pack shows it."""

    by: str
    title: str
    lines: list[str]  # the six figures in sentences, one per figure
    figures: pd.DataFrame  # FIGURE_COLUMNS: each gap with its interval, each share paid a bonus, each size
    chart: ChartSpec  # the quarters, with its table
    counted: list[str]  # who is counted, and the notes
    withheld: list[str]  # each withheld figure and why ("" internal)
    panels: dict[str, str]  # PANEL_KINDS key -> the saved text ("" when none)
    # The published figures as metrics.paygap_publish.to_dict gives them (None internal): written to the workbook
    # as `figure_rows` so the audit can read them back.
    payload: dict[str, Any] | None = None
    # Numbers in the panels that could be figures the publication withholds (reports.withheld_text), published only.
    withheld_in_text: list[WithheldFigure] = field(default_factory=list)


@dataclass
class PayGapSection:
    blocks: list[PayGapBlock] = field(default_factory=list)
    # One line when there are no pay gaps to show (no payroll columns), else "".
    missing: str = ""
    notes: list[str] = field(default_factory=list)  # a comparison left out, and why


def _share(value: float | None, published_: bool) -> str:
    if value is None:
        return WITHHELD if published_ else "-"
    return f"{value:.0f}%" if published_ else f"{value:.1f}%"


def _size(value: float | None, published_: bool) -> str:
    if value is None:
        return WITHHELD
    return f"about {value:,.0f}" if published_ else f"{value:,.0f}"


def _shown(result: paygap.PayGapResult, pub: PublishedPayGaps | None) -> Any:
    """What the block's figures are read from: the published figures, or the full result."""
    return pub if pub is not None else result


def _figures(result: paygap.PayGapResult, pub: PublishedPayGaps | None) -> tuple[pd.DataFrame, list[str]]:
    shown = _shown(result, pub)
    rows: list[list[str]] = []
    lines: list[str] = []
    reference = paygap.short_label(result.reference)
    for g, gap in shown.gaps.items():
        name = paygap.short_label(g)
        for m, words in MEASURE_WORDS.items():
            value = getattr(gap, m)
            key = f"gaps.{g}.{m}"
            if pub is not None and key in pub.withheld:
                rows.append([name, words, WITHHELD, ""])
                lines.append(withheld_sentence(pub, key))
                continue
            ci = gap.intervals.get(m)
            rows.append([name, words, gap_text(value), gap_interval_text(ci, "")])
            if pub is None:
                lines.append(paygap.gap_sentence(result, g, m))
            elif value is None:
                lines.append(f"{name}: the {words.lower()} against {reference}: none can be formed.")
            else:
                interval = f" (95% interval {gap_interval_text(ci)})" if ci else ""
                lines.append(f"{name}: the {words.lower()} against {reference} is {gap_text(value)}{interval}; "
                             "positive when the group is paid less.")
    groups = [*shown.order, *(g for g in shown.gaps if g not in shown.order)]
    for g in groups:
        name = paygap.short_label(g)
        bonus = shown.bonus_received_pct.get(g)
        size = shown.sizes.get(g) if pub is not None else result.counts[g].relevant
        rows.append([name, "Paid a bonus", _share(bonus, pub is not None), ""])
        rows.append([name, "Relevant employees", _size(size, pub is not None), ""])
        if pub is None:
            lines.append(paygap.bonus_sentence(result, g))
        elif bonus is None:
            lines.append(withheld_sentence(pub, f"bonus_received_pct.{g}") if f"bonus_received_pct.{g}"
                         in pub.withheld else f"{name}: the proportion paid a bonus: none can be formed.")
        else:
            lines.append(f"{name}: {bonus:.0f}% were paid a bonus in the 12 months.")
    return pd.DataFrame(rows, columns=list(FIGURE_COLUMNS)), lines


def _chart(result: paygap.PayGapResult, pub: PublishedPayGaps | None) -> ChartSpec:
    spec = quarters_chart(_shown(result, pub))
    if pub is None:
        return spec
    # Whole percentages, and "withheld" where the publication withholds the share.
    table = spec.table.copy()
    for column in table.columns[1:]:
        table[column] = [WITHHELD if v == "" or v is None else f"{float(v):.0f}" for v in table[column]]
    return ChartSpec(spec.chart, spec.title, spec.summary, table, places={})


def _quarter_lines(result: paygap.PayGapResult, pub: PublishedPayGaps | None) -> list[str]:
    if pub is None:
        return [paygap.quarter_sentence(result, q) for q in paygap.QUARTERS]
    out = []
    for q in paygap.QUARTERS:
        parts = [f"{paygap.short_label(g)} {_share(pub.quarters[q][g], True)}" for g in pub.order]
        out.append(f"{quarter_name(q)} ({pub.quarter_sizes[q]:,} people): " + ", ".join(parts) + ".")
    return out


def _counted(result: paygap.PayGapResult, pub: PublishedPayGaps | None) -> list[str]:
    lines = [f"Each group is compared with {paygap.people(result.reference)}.",
             f"Who is counted: {result.employees:,} relevant employees on {result.snapshot:%d %B %Y}; "
             f"{result.hourly_employees:,} of them full-pay relevant with an hourly rate (in the hourly figures and "
             "the quarters). Gap = (reference's figure - group's figure) / reference's figure x 100: positive when "
             "the group is paid less."]
    notes = published_notes(result.notes) if pub is not None else result.notes
    lines += [note[:1].upper() + note[1:] + ("" if note.endswith(".") else ".") for note in notes]
    if pub is not None:
        lines.append(f"Published figures: a group with fewer than {pub.threshold} relevant employees is withheld, as "
                     f"is any figure that would let a reader work out a count under {pub.threshold}; sizes are "
                     "rounded to the nearest 10 and shares to whole percentages.")
    return lines


def size_lines(block: PayGapBlock) -> list[str]:
    """The groups' sizes from the block's table, one line each, as the slides say them."""
    rows = block.figures[block.figures["Figure"] == "Relevant employees"]
    out = []
    for group, value in zip(rows["Group"].astype(str), rows["Value"].astype(str), strict=True):
        out.append(f"{group}: relevant employees {value}." if value == WITHHELD
                   else f"{group}: {value} relevant employees.")
    return out


def withheld_summary(block: PayGapBlock) -> list[str]:
    """What is withheld, one line per reason ("Withheld, fewer than 10 ...: Indian: share of the upper pay quarter;
    ..."), for the slides, where a line per figure would run to many."""
    by_reason: dict[str, list[str]] = {}
    for sentence in block.withheld:
        what, _, why = sentence.partition(": withheld, ")
        by_reason.setdefault(why.rstrip("."), []).append(what)
    return [f"Withheld, {why}: {'; '.join(whats)}." for why, whats in by_reason.items()]


def figure_rows(payload: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The published figures the audit reads (metrics.paygap_publish.audit), as (key, value) rows: each key a JSON
    list of the path into `to_dict`'s payload, each value a number, a word, or "withheld" for None."""
    rows: list[tuple[str, Any]] = []

    def walk(path: list[str], value: Any) -> None:
        if isinstance(value, Mapping):
            for k, v in value.items():
                walk([*path, str(k)], v)
        elif isinstance(value, list):
            rows.append((json.dumps(path, ensure_ascii=False), json.dumps(value, ensure_ascii=False)))
        else:
            rows.append((json.dumps(path, ensure_ascii=False), WITHHELD if value is None else value))

    for name in ("by", "reference", "order", "threshold", "employees", "hourly_employees", "quarter_sizes", "sizes",
                 "bonus_received_pct", "quarters", "aggregate_quarters", "aggregate_quarter_sizes",
                 "aggregate_members"):
        walk([name], payload[name])
    return rows


def payload_of_rows(rows: list[tuple[str, Any]]) -> dict[str, Any]:
    """`figure_rows` read back: the payload metrics.paygap_publish.audit takes."""
    out: dict[str, Any] = {"aggregate_quarters": {}, "aggregate_quarter_sizes": {}, "aggregate_members": {}}
    for key, value in rows:
        path = json.loads(key)
        if value == WITHHELD:
            value = None
        elif isinstance(value, str) and value.startswith("["):
            value = json.loads(value)
        here = out
        for part in path[:-1]:
            here = here.setdefault(part, {})
        here[path[-1]] = value
    return out


def _block(working: PayGapWorking, threshold: int | None, panels: Mapping[tuple[str, str], Any]) -> PayGapBlock:
    result = working.result
    pub = published(result, threshold) if threshold is not None else None
    table, lines = _figures(result, pub)
    lines += _quarter_lines(result, pub)
    key = pay_gap_panel(result.by)
    texts = {}
    for kind in PANEL_KINDS:
        saved = panels.get((key, kind))
        texts[kind] = saved.text if saved is not None and saved.version else ""
    return PayGapBlock(
        by=result.by, title=BY_TITLES[result.by],
        lines=lines, figures=table, chart=_chart(result, pub), counted=_counted(result, pub),
        withheld=[withheld_sentence(pub, k) for k in pub.withheld] if pub is not None else [],
        panels=texts, payload=to_dict(pub) if pub is not None else None,
        withheld_in_text=numbers_in_text(key, texts, pay_gap_withheld_values(result, pub)) if pub is not None else [])


def pay_gap_section(staff: pd.DataFrame | None, snapshot: dt.date, settings: Settings, *,
                    threshold: int | None, panels: Mapping[tuple[str, str], Any] | None = None,
                    headings: list[str] | None = None) -> PayGapSection:
    """The section for `staff` (the staff records, or None) at `snapshot`: published at `threshold`, or the full
    figures when it is None. `panels` as storage.load_panels gives them (the pay gaps' under PGS, PGE, PGD)."""
    if staff is None or "ordinary_pay" not in staff.columns:
        return PayGapSection(missing=NO_PAYROLL)
    section = PayGapSection()
    reference = paygap.WHITE_REFERENCE
    for by in paygap.BY:
        if by != "sex" and by not in staff.columns:
            continue  # the data allow no such comparison: said nowhere, as the Pay gaps page says it
        try:
            working = pay_gaps_of(staff, by=by, snapshot=snapshot, headings=headings or [], reference=reference,
                                  white_minorities_as_bme=False, ethnicity_overrides=settings.ethnicity_overrides,
                                  disability_overrides=settings.disability_overrides, where=COMMAND_LINE)
        except InputError as error:
            if by == "sex" and ("ordinary pay" in str(error) or "weekly hours" in str(error)):
                return PayGapSection(missing=NO_PAYROLL)
            section.notes.append(f"{BY_TITLES[by]}: not in this pack: {error}")
            continue
        section.blocks.append(_block(working, threshold, panels or {}))
    return section
