"""People's words in a pack to be published, checked for the figures the pack withholds.

A panel saved from the engine's on-screen sentence ("3 of 138 ... against 6 of 489"), or typed from the
dashboard's own screen, can quote a count the published figures withhold, or a rate, percentage or ratio
made from one. Before a publication-safe pack is made, every number in the panels is set against what
the published figures withhold for that metric (the internal value, at the precision written), and each
match is listed for the editor to change. A match is a number that could be the withheld figure, so "3
years" beside a withheld 3 is listed too: the editor decides.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from charts.palette import group_label
from metrics.registry import STANDARDS
from metrics.results import BandRow, MetricResult
from metrics.settings import Settings
from storage import PANEL_KINDS
from storage.panels import PAY_GAP_PANEL_KEYS

if TYPE_CHECKING:
    from metrics.paygap import PayGapResult
    from metrics.paygap_publish import PublishedPayGaps

# A number as people write it: 1,369 or 2.9 or 26% or 0.78.
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\w])")


@dataclass(frozen=True)
class WithheldFigure:
    """A number in a panel that could be a figure the published pack withholds."""

    metric_id: str
    panel: str  # the panel's heading, as PANEL_KINDS words it
    written: str  # the number as it is written in the text
    what: str  # which withheld figure it could be

    @property
    def subject(self) -> str:
        """"Metric 3", or "Pay gaps by sex" for a pay gap panel (storage.PAY_GAP_PANEL_KEYS)."""
        by = {key: by for by, key in PAY_GAP_PANEL_KEYS.items()}.get(self.metric_id)
        return f"Pay gaps by {by}" if by else f"Metric {self.metric_id[1:]}"

    def sentence(self) -> str:
        return f"{self.subject}, {self.panel}: \"{self.written}\" could be {self.what}, which is withheld."


@dataclass(frozen=True)
class _Withheld:
    value: float
    what: str
    whole: bool  # a count: only a whole number written matches it


def _results(result: MetricResult) -> list[tuple[str, MetricResult]]:
    if result.questions and len(result.questions) > 1:
        return [(q.question_label or key, q) for key, q in result.questions.items()]
    return [("", result)]


def withheld_values(internal: MetricResult, published: MetricResult, settings: Settings) -> list[_Withheld]:
    """What the published metric withholds that the internal one shows, each with what it is, in words."""
    out: list[_Withheld] = []
    comparison = STANDARDS[settings.standard].comparison
    groups, known_groups = comparison.keys, comparison.known
    pairs = zip(_results(internal), _results(published), strict=True)
    for (label, inside), (_, outside) in pairs:
        about = f" ({label})" if label else ""
        withheld_events = 0.0
        for g in groups:
            shown, true = outside.groups.get(g), inside.groups.get(g)
            if shown is None or true is None:
                continue
            name = group_label(g, settings)
            if shown.events is None and true.events is not None:
                out.append(_Withheld(true.events, f"the {name} group's {inside.definition.events_label.lower()}"
                                                  f"{about}", True))
                withheld_events += 1
            if shown.base is None and true.base is not None:
                out.append(_Withheld(true.base, f"the {name} group's {inside.definition.base_label.lower()}{about}",
                                     true.base == int(true.base)))
            if shown.rate is None and true.rate is not None:
                out.append(_Withheld(100 * true.rate, f"the {name} group's rate{about}, %", False))
        if withheld_events:  # the total of events gives a withheld one back
            total = sum(inside.groups[g].events or 0.0 for g in groups if g in inside.groups)
            known = sum(inside.groups[g].events or 0.0 for g in known_groups if g in inside.groups)
            out += [_Withheld(total, f"the total {inside.definition.events_label.lower()}{about}", True),
                    _Withheld(known, f"the {inside.definition.events_label.lower()} of {comparison.known_word} "
                                     f"{comparison.what}{about}", True)]
        if outside.value is None and inside.value is not None:
            out.append(_Withheld(inside.value, f"the metric's value{about}", False))
            if inside.ci is not None:
                out += [_Withheld(end, f"an end of the 95% interval{about}", False) for end in inside.ci]
    shown_bands = {band.band: band for band in published.bands}
    for inside_band in internal.bands:
        # A band the publication shows only combined with others (metrics.publish.combine_bands) shows none of
        # its own figures.
        outside_band = shown_bands.get(inside_band.band) or BandRow(inside_band.band, dict.fromkeys(groups),
                                                                    dict.fromkeys(groups))
        for g in groups:
            name = group_label(g, settings)
            count, shown_count = inside_band.counts.get(g), outside_band.counts.get(g)
            if shown_count is None and count is not None:
                out.append(_Withheld(count, f"the {name} staff in {inside_band.band}", True))
            pct, shown_pct = inside_band.pct.get(g), outside_band.pct.get(g)
            if shown_pct is None and pct is not None and shown_count is None:
                out.append(_Withheld(pct, f"the {name} share of {inside_band.band}, %", False))
        # The share the sentences give, of the band's staff whose group is known (metrics.results.known_share).
        if outside_band.known_pct is None and inside_band.known_pct is not None:
            out.append(_Withheld(inside_band.known_pct, f"the {group_label(comparison.focus.key, settings)} share of "
                                 f"{inside_band.band} staff {comparison.whose_known()}, %", False))
    return out


def _matches(number: str, decimals: str | None, withheld: _Withheld) -> bool:
    written = float(number.replace(",", "") + (f".{decimals}" if decimals else ""))
    if withheld.whole:
        return not decimals and written == withheld.value
    places = len(decimals) if decimals else 0
    return round(withheld.value, places) == written and (places > 0 or written != 0)


def withheld_in_text(internal: Mapping[str, MetricResult], published: Mapping[str, MetricResult],
                     panels: Mapping[str, Mapping[str, str]], settings: Settings) -> list[WithheldFigure]:
    """Every number in `panels` (metric id -> panel kind -> text) that could be a figure the published
    results withhold, in the order the pack prints them."""
    found: list[WithheldFigure] = []
    for metric_id, texts in panels.items():
        if metric_id not in internal or metric_id not in published:
            continue
        withheld = withheld_values(internal[metric_id], published[metric_id], settings)
        if not withheld:
            continue
        # The engine's own published sentence is written from the published figures ("under 10" is the rule,
        # not a count), so it is not checked.
        safe = {published[metric_id].sentence, *(q.sentence for q in published[metric_id].questions.values())}
        for kind, text in texts.items():
            if text in safe:
                continue
            for match in _NUMBER.finditer(text or ""):
                number, decimals = match.group(1), match.group(2)
                what = next((w.what for w in withheld if _matches(number, decimals, w)), None)
                if what is not None:
                    found.append(WithheldFigure(metric_id, PANEL_KINDS[kind], match.group(0), what))
    return found


def pay_gap_withheld_values(result: PayGapResult, pub: PublishedPayGaps) -> list[_Withheld]:
    """What the published pay gaps withhold (metrics.paygap_publish), each as the full figure and in words: a
    group's size and bonus receivers (counts), its shares (percentages, and the counts they give in a quarter of
    known size), the gaps and their intervals' ends."""
    from metrics.paygap_publish import withheld_sentence

    out: list[_Withheld] = []
    for key in pub.withheld:
        what = withheld_sentence(pub, key).split(": withheld, ", 1)[0]
        kind, rest = key.split(".", 1)
        if kind == "size":
            out.append(_Withheld(float(result.counts[rest].relevant), what, True))
        elif kind == "bonus_received_pct":
            counts = result.counts[rest]
            pct = result.bonus_received_pct[rest]
            out.append(_Withheld(float(counts.bonus), f"{what} (as people)", True))
            if pct is not None:
                out.append(_Withheld(pct, f"{what}, %", False))
        elif kind == "quarters":
            quarter, group = rest.split(".", 1)
            share = result.quarters[quarter][group]
            if share is not None:
                out.append(_Withheld(share, f"{what}, %", False))
                out.append(_Withheld(float(round(share * result.quarter_sizes[quarter] / 100)), f"{what} (as people)",
                                     True))
        elif kind == "aggregate_quarters":
            aggregate, quarter, group = rest.split(".", 2)
            share = result.aggregate_quarters[aggregate][quarter][group]
            if share is not None:
                out.append(_Withheld(share, f"{what}, %", False))
        elif kind == "aggregate_quarter_sizes":
            aggregate, quarter = rest.split(".", 1)
            out.append(_Withheld(float(result.aggregate_quarter_sizes[aggregate][quarter]), what, True))
        elif kind == "gaps":
            group, measure = rest.rsplit(".", 1)
            gap = result.gaps[group]
            value = getattr(gap, measure)
            if value is not None:
                out.append(_Withheld(value, f"{what}, %", False))
            ci = gap.intervals.get(measure)
            if ci is not None:
                out += [_Withheld(end, f"an end of the 95% interval of {what}", False) for end in ci]
    return out


def numbers_in_text(subject: str, texts: Mapping[str, str], withheld: list[_Withheld]) -> list[WithheldFigure]:
    """Every number in `texts` (panel kind -> text) that could be one of `withheld`, for the panels of `subject`
    (a metric's id, or a pay gap panel's key)."""
    found: list[WithheldFigure] = []
    if not withheld:
        return found
    for kind, text in texts.items():
        for match in _NUMBER.finditer(text or ""):
            number, decimals = match.group(1), match.group(2)
            what = next((w.what for w in withheld if _matches(number, decimals, w)), None)
            if what is not None:
                found.append(WithheldFigure(subject, PANEL_KINDS[kind], match.group(0), what))
    return found
