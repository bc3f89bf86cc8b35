""""What we know from our data": one plain-English sentence (or three) per metric.

Honest about uncertainty: every ratio is given with its interval and whether that interval
includes parity, small numbers are called small, and the people whose group is not known (unknown ethnicity; under
the WDES, the declaration rate) are counted. Every group is named in its standard's words (data_loaders.comparison).
"""

from __future__ import annotations

from data_loaders.comparison import ETHNICITY, Comparison
from metrics import stats
from metrics.formatting import POINTS_SHORT, interval_text, mean_text, number, pct, ratio_text, score_text
from metrics.registry import STANDARDS, metrics_of
from metrics.results import WITHHELD_REASON, BandRow, GroupFigures, MetricResult, representation_range, workforce_share
from metrics.settings import Settings


def workforce_share_means(comparison: Comparison) -> str:
    """The one definition of the workforce's focus-group share (metrics.results.workforce_share), in the words every
    page, pack and the command line give it: the share of the staff whose group is known ("of staff whose ethnicity
    is known", "of staff whose disability status is declared"), as the relative likelihoods count them; the unknown
    group is given beside it as a data-quality figure (under the WDES, the declaration rate)."""
    return f"of staff {comparison.whose_known()}"


# The race standards' words for it.
WORKFORCE_SHARE_MEANS = workforce_share_means(ETHNICITY)


def listed(items: list[str]) -> str:
    """'a', 'a and b', 'a, b, and c' (the comma keeps 'colleagues and managers, and leaving' apart)."""
    if len(items) <= 2:
        return " and ".join(items)
    return f"{', '.join(items[:-1])}, and {items[-1]}"


def relative_likelihood_reading(settings: Settings) -> str:
    """How to read a relative likelihood, briefly (Markdown): shown once wherever ratios are, in these words."""
    low, high = settings.adverse_range
    adverse: dict[str, list[str]] = {"lower": [], "higher": []}
    for definition in metrics_of(settings.standard).values():
        direction = definition.adverse_if_ratio(settings.standard)
        if definition.kind in ("relative_likelihood", "survey") and direction is not None:
            adverse[direction].append(definition.title[:1].lower() + definition.title[1:])
    sides = [f"{word} is adverse for {listed(titles)}" for word, titles in (("low", adverse["lower"]),
                                                                          ("high", adverse["higher"])) if titles]
    return (
        "A relative likelihood compares two groups' rates. **1.00** means the same likelihood. Between "
        f"**{low:.2f} and {high:.2f}** is the usual non-adverse range. Whether high or low is adverse depends on the "
        f"metric ({STANDARDS[settings.standard].name}): {'; '.join(sides)}. When the 95% interval includes 1.00 "
        "the difference could be down to chance.\n\n"
        "Each status says both: **Adverse, beyond chance** is outside the range on the adverse side with an interval "
        "that excludes 1.00; **Adverse, could be chance** is outside it but the interval includes 1.00 (or there is "
        "none); **Favourable, beyond chance** and **Favourable, could be chance** likewise on the other side; "
        "**Within range**. **Too few to say**: a group is under the minimum size, or nobody had the event. "
        "**Withheld for publication**: the publication-safe figures withhold a count the ratio rests on. Senior "
        "management is read in percentage points: its range is a senior share from "
        f"{low:.2f} to {high:.2f} times the workforce share, and its interval is set against 0 points."
    )


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _label(group: str, settings: Settings) -> str:
    return STANDARDS[settings.standard].comparison.noun(group, settings.bme_label)


def focus_noun(settings: Settings) -> str:
    """The focus group in a sentence under the settings' standard: the organisation's own word for the
    minority-ethnic group ("BME"), or "disabled"."""
    comparison = STANDARDS[settings.standard].comparison
    return comparison.noun(comparison.focus.key, settings.bme_label)


def _share(figures: GroupFigures) -> str:
    if figures.events is None or figures.base is None:
        return pct(figures.rate)
    return f"{number(figures.events)} of {number(figures.base)}, {pct(figures.rate)}"


def _total(counts: list[float | None]) -> float | None:
    """The counts' sum, or None when one of them is withheld."""
    if any(c is None for c in counts):
        return None
    return sum(c for c in counts if c is not None)


def _both(result: MetricResult) -> float | None:
    """The two compared groups' events together (minority-ethnic and white); None when a group is missing or a
    count withheld."""
    if not all(g in result.groups for g in result.comparison.known):
        return None
    return _total([result.groups[g].events for g in result.comparison.known])


def _ratio_value(result: MetricResult) -> float:
    """The relative likelihood of a result that has one (the headlines' `shown`)."""
    assert result.ratio is not None and result.ratio.value is not None
    return result.ratio.value


def _known_share(band: BandRow) -> float:
    """A readable band's minority-ethnic share of its staff of known ethnicity (readable_bands: never withheld)."""
    assert band.known_pct is not None
    return band.known_pct


def _likelihood(value: float) -> tuple[str, str]:
    """("more likely to", "than"), ("less likely to", "than") or ("about as likely to", "as") for a ratio."""
    if 0.95 <= value <= 1.05:
        return "about as likely to", "as"
    return ("more likely to", "than") if value > 1 else ("less likely to", "than")


def _comparison(result: MetricResult, settings: Settings) -> str:
    d = result.definition
    standard = settings.standard
    top, bottom = d.numerator_group(standard), d.denominator_group(standard)
    ratio = result.ratio
    assert ratio is not None and ratio.value is not None
    value = ratio.value
    how, than = _likelihood(value)
    outcome = d.outcome
    if result.question_label and len(d.questions) > 1:  # one question: the outcome says it already
        outcome = f"{outcome} {result.question_label}"
    subject = d.subject
    figures = f"{_share(result.groups[top])}, against {_share(result.groups[bottom])}"
    sentence = (
        f"{_cap(_label(top, settings))} {subject} were {how} {outcome} {than} "
        f"{_label(bottom, settings)} {subject} ({figures}): "
        f"a relative likelihood of {ratio_text(value)} ({STANDARDS[standard].name}, "
        f"{_label(top, settings)} over {_label(bottom, settings)})"
    )
    if ratio.ci is not None:
        sentence += f", 95% interval {interval_text(ratio.ci, 'ratio')}."
    elif any((g.events or 0) > (g.base or 0) for g in (result.groups[top], result.groups[bottom])):
        # The interval treats each rate as a share of its base (metrics.stats.relative_likelihood).
        sentence += "; no interval can be given because a rate is over 100%."
    else:
        sentence += "; no interval can be given because one group had none."
    low, high = settings.adverse_range
    sentence += " " + status_sentence(ratio.status, ratio.ci, f"the {low:.2f} to {high:.2f} range", settings)
    events = _total([result.groups[g].events for g in result.comparison.known])
    if events is not None and events < settings.min_group_size:
        sentence += (f" With only {number(events)} {d.events_label.lower()} in all, treat this as a "
                     "prompt to look closer, not a finding.")
    return sentence


def status_sentence(status: stats.Status, ci: tuple[float, float] | None, band: str, settings: Settings,
                    parity: float = 1.0, parity_words: str = "1.00", *, chance: bool = True) -> str:
    """Where a figure sits against `band` (the non-adverse range, in words) and whether its 95% interval includes
    `parity` (1.00, or 0 points for M9): the status (metrics.stats.status_for) in a sentence or two, the same for
    every metric; "" for a status not set against the range."""
    bme = focus_noun(settings)
    if status == stats.WITHIN_RANGE:
        where = f"This is within {band}."
    elif stats.is_adverse(status):
        where = f"This is outside {band}, adverse to {bme} staff."
    elif stats.is_favourable(status):
        where = f"This is outside {band}, in favour of {bme} staff."
    else:
        return ""
    if not chance:  # the interval is not given (withheld from publication): nothing said of chance
        return where
    if ci is None:
        return f"{where} With no interval, the difference could be down to chance."
    if ci[0] <= parity <= ci[1]:
        return f"{where} The interval includes {parity_words}, so the difference could be down to chance."
    return f"{where} The interval does not include {parity_words}: the difference is beyond chance."


def _insufficient(result: MetricResult, settings: Settings) -> str:
    reason = result.ratio.reason if result.ratio else ""
    d = result.definition
    item = d.kind == "representation" and result.question_label
    several = result.question_label and len(d.questions) > 1
    if reason == WITHHELD_REASON:
        # "harassment, bullying or abuse from colleagues": the outcome without its verb, and the question; a board's
        # item by its own words.
        what = (result.question_label if item else
                f"{d.outcome.split(' ', 1)[-1]} {result.question_label}" if several else "this metric")
        return (f"The figures for {what} are withheld from publication because some counts are "
                f"under {settings.suppression_threshold}.")
    if item:
        return f"There is not enough data to compare {result.question_label} with the workforce: {reason}."
    if d.kind == "share":
        return f"There is not enough data to say what share of {d.subject} {d.outcome}: {reason}."
    if d.kind == "score":
        return f"There is not enough data to compare the groups' mean scores: {reason}."
    outcome = f"{d.outcome} {result.question_label}" if several else d.outcome
    return f"There is not enough data to compare how likely {d.subject} are to {outcome}: {reason}."


def declaration_text(result: MetricResult) -> str:
    """The declaration rate in a sentence, for a standard that reports it (the WDES): "The declaration rate is 79%:
    disability status is declared for 1,824 of the 2,301 staff counted; the 477 not declared are left out of the
    comparison." "" when nobody is counted, or the counts are withheld."""
    q, comparison = result.quality, result.comparison
    if not q.total or q.known is None or q.unknown is None:
        return ""
    subject, what = result.definition.subject, comparison.what
    text = (f"The declaration rate is {pct(q.declared_pct, fraction=False)}: {what} is {comparison.known_word} for "
            f"{number(q.known)} of the {number(q.total)} {subject} counted")
    if q.unknown:
        return text + (f"; the {number(q.unknown)} not {comparison.known_word} are left out of the comparison.")
    return text + "."


def _quality(result: MetricResult) -> str:
    q, comparison = result.quality, result.comparison
    parts = []
    if comparison.declaration_rate:
        parts.append(declaration_text(result))
    elif q.total and q.unknown:
        parts.append(f"{_cap(comparison.what)} is not {comparison.known_word} for {pct(q.unknown_pct, fraction=False)} "
                     f"of the {result.definition.subject} counted ({number(q.unknown)} of {number(q.total)}); "
                     "they are left out of the comparison.")
    if q.unrecognised:
        labels = sum(q.unrecognised.values())
        parts.append(f"{number(labels)} of them had {comparison.labels_word} that was not recognised "
                     f"({len(q.unrecognised)} distinct), counted as {comparison.unknown.noun} until it is classified.")
    return " ".join(p for p in parts if p)


def workforce_share_text(result: MetricResult) -> str | None:
    """'28% of staff whose ethnicity is known' (workforce_share, workforce_share_means), or None when withheld."""
    share = workforce_share(result)
    return None if share is None else f"{pct(share, fraction=False)} {workforce_share_means(result.comparison)}"


def _staffed(band: BandRow) -> bool:
    """A band with people in it (as published, a withheld total counts as people)."""
    return band.total is None or band.total > 0


def readable_bands(result: MetricResult, settings: Settings) -> list[BandRow]:
    """The pay bands whose minority-ethnic share can be given and read, lowest first: shown (not withheld) and with
    at least settings.min_group_size staff. Smaller bands are flagged too few to read, and never lead a sentence."""
    return [b for b in result.bands if b.known_pct is not None and b.total is not None
            and b.total >= settings.min_group_size]


def small_bands(result: MetricResult, settings: Settings) -> list[BandRow]:
    """Bands with some staff, but fewer than settings.min_group_size (as published: withheld totals are not)."""
    return [b for b in result.bands if b.total is not None and 0 < b.total < settings.min_group_size]


def _above(result: MetricResult, band: BandRow) -> list[BandRow]:
    """The bands above `band` that have staff."""
    return [b for b in result.bands[result.bands.index(band) + 1:] if _staffed(b)]


def _below(result: MetricResult, band: BandRow) -> list[BandRow]:
    return [b for b in result.bands[:result.bands.index(band)] if _staffed(b)]


def end_words(result: MetricResult, band: BandRow, end: str, settings: Settings) -> str:
    """'the highest', 'the highest with 10 or more staff' or 'the highest shown' for the highest readable band (end
    "highest"), or the same for the lowest (end "lowest band"), by what lies beyond it."""
    beyond = _above(result, band) if end == "highest" else _below(result, band)
    return _end_words(end, beyond, settings)


def withheld_above(result: MetricResult, band: BandRow) -> list[BandRow]:
    """The bands above `band` whose figures the publication rule withholds."""
    return [b for b in _above(result, band) if b.known_pct is None]


def _end_words(end: str, others: list[BandRow], settings: Settings) -> str:
    """'the highest', 'the highest with 10 or more staff' or 'the highest shown', by what lies beyond the band."""
    if not others:
        return f"the {end}"
    if any(b.known_pct is None for b in others):
        return f"the {end} shown"
    return f"the {end} with {settings.min_group_size} or more staff"


def _pay_bands(result: MetricResult, settings: Settings) -> str:
    bme = focus_noun(settings)
    overall = result.overall
    share = workforce_share_text(result)
    if overall is None or share is None:
        return "The pay band figures are withheld from publication because some counts are too small."
    sentence = f"{_cap(bme)} staff are {share}"
    focus, reference = result.comparison.known
    bme_count, white_count = overall.counts[focus], overall.counts[reference]
    if bme_count is not None and white_count is not None:
        # The two published counts it is made of (a sum of them would be a figure the pack does not show).
        sentence += f" ({number(bme_count)} {bme} and {number(white_count)} {_label(reference, settings)})"
    sentence += "."
    readable = readable_bands(result, settings)
    small = small_bands(result, settings)
    if len(readable) >= 2:
        among = " ".join(w for w in ("shown" if any(b.known_pct is None for b in result.bands if _staffed(b))
                                     else "",
                                     f"with {settings.min_group_size} or more staff" if small else "") if w)
        lead = f"Among the bands {among}, their" if among else "Their"
        highest = max(readable, key=_known_share)
        lowest = min(readable, key=_known_share)
        sentence += (f" {lead} share is highest in {highest.band} ({pct(highest.known_pct, fraction=False)}) "
                     f"and lowest in {lowest.band} ({pct(lowest.known_pct, fraction=False)}).")
        top_band, bottom_band = readable[-1], readable[0]
        sentence += (f" In {_end_words('lowest band', _below(result, bottom_band), settings)} "
                     f"({bottom_band.band}) they are {pct(bottom_band.known_pct, fraction=False)}")
        withheld = [b.band for b in withheld_above(result, top_band)]
        if withheld:
            # Not "the highest" when the senior bands are withheld: say they are.
            sentence += (f". The senior bands' figures ({', '.join(withheld)}) are withheld from publication "
                         f"because some counts are under {settings.suppression_threshold}.")
        else:
            sentence += (f"; in {_end_words('highest', _above(result, top_band), settings)} ({top_band.band}), "
                         f"{pct(top_band.known_pct, fraction=False)}.")
    if small:
        sentence += (f" Bands with fewer than {settings.min_group_size} staff ({', '.join(b.band for b in small)}) "
                     "are too small to read, so they are left out of these comparisons.")
    return sentence


def _representation(result: MetricResult, settings: Settings) -> str:
    """M9 in its one unit, percentage points: the difference, its interval, the range (representation_range) and
    whether the interval includes 0 points. A metric with items (W9) says each item's."""
    if result.questions:
        return " ".join(_representation_item(q, settings) for q in result.questions.values())
    if result.question_label:
        return _representation_item(result, settings)
    bme = focus_noun(settings)
    if result.senior_pct is None or result.workforce_pct is None or result.value is None:
        return _insufficient(result, settings)
    direction = "higher" if result.value > 0 else "lower"
    sentence = (f"{_cap(bme)} staff are {pct(result.senior_pct, fraction=False)} of senior managers "
                f"{result.comparison.whose_known()} and {workforce_share_text(result)}: "
                f"{abs(result.value):.1f} percentage points {direction}")
    sentence += _points_verdict(result, settings, "a senior share", "the workforce share")
    if result.status not in (stats.INSUFFICIENT, stats.WITHHELD):
        senior = _both(result)
        if senior is not None and senior < settings.min_group_size:
            sentence += (f" With only {number(senior)} senior managers in all, treat this as a "
                         "prompt to look closer, not a finding.")
    population = population_sentence(result, settings)
    return f"{sentence} {population}" if population else sentence


def _points_verdict(result: MetricResult, settings: Settings, share: str, workforce: str) -> str:
    """After a difference in points: its interval, then why there is no verdict, or the verdict against the range of
    `share` 0.80 to 1.25 times `workforce` (a representation metric, M9 or an item of W9)."""
    assert result.workforce_pct is not None
    if result.ci is not None:
        said = f", 95% interval {interval_text(result.ci, 'points', unit=POINTS_SHORT)}."
    else:
        said = "; no interval can be given."
    if result.status in (stats.INSUFFICIENT, stats.WITHHELD):
        return f"{said} {_insufficient(result, settings)}"
    low, high = representation_range(result.workforce_pct, settings)
    range_low, range_high = settings.adverse_range
    band = (f"the range of {interval_text((low, high), 'points', unit=POINTS_SHORT)} ({share} "
            f"{range_low:.2f} to {range_high:.2f} times {workforce})")
    return f"{said} {status_sentence(result.status, result.ci, band, settings, 0.0, '0 points')}"


def _representation_item(result: MetricResult, settings: Settings) -> str:
    """One item of a representation metric with items (W9: the board's voting members, its executive members): its
    share of the focus group against the workforce's, the difference in points with its interval, and the status."""
    comparison = result.comparison
    focus, unknown = comparison.focus.key, comparison.unknown.key
    label = result.question_label
    if result.senior_pct is None or result.workforce_pct is None or result.value is None:
        return _insufficient(result, settings)
    members = _both(result)
    share, noun = pct(result.senior_pct, fraction=False), _label(focus, settings)
    counted = result.groups[focus].events
    who = (f"{number(counted)} of {number(members)} {noun} ({share})" if members is not None and counted is not None
           else f"{share} {noun}")
    not_known = result.groups[unknown].events
    if not_known:
        whose = "member's" if not_known == 1 else "members'"
        who += f", and {number(not_known)} more {whose} {comparison.what} is not {comparison.known_word}"
    direction = "higher" if result.value > 0 else "lower"
    sentence = (f"{_cap(label)} are {who}, against {pct(result.workforce_pct, fraction=False)} of the workforce "
                f"{comparison.whose_known()}: {abs(result.value):.1f} percentage points {direction}")
    sentence += _points_verdict(result, settings, "a share", "the workforce's")
    if result.status in (stats.INSUFFICIENT, stats.WITHHELD):
        return sentence
    if members is not None and members < settings.min_group_size:
        sentence += (f" With only {number(members)} of {label} {comparison.whose_known()}, treat this as a "
                     "prompt to look closer, not a finding.")
    return sentence


def senior_share_interval(result: MetricResult) -> tuple[float, float] | None:
    """The 95% interval of the minority-ethnic share of senior managers, % (M9)."""
    if result.ci is None or result.workforce_pct is None:
        return None
    return (result.ci[0] + result.workforce_pct, result.ci[1] + result.workforce_pct)


def population_sentence(result: MetricResult, settings: Settings) -> str:
    """Whether senior management reflects the area served (M9), or "" when no local population is set."""
    if result.population_pct is None or result.senior_pct is None:
        return ""
    bme = focus_noun(settings)
    area = settings.local_population_area or "the area served"
    text = (f"{_cap(bme)} people are {pct(result.population_pct, fraction=False)} of the residents of {area} "
            f"with a stated ethnic group, against {pct(result.senior_pct, fraction=False)} of senior managers")
    interval = senior_share_interval(result)
    if interval is None:
        return text + "."
    low, high = interval
    if result.population_pct > high:
        return text + (": senior management does not reflect the area it serves "
                       f"(95% interval {low:.0f}% to {high:.0f}%).")
    if result.population_pct < low:
        return text + (f": {bme} people are a larger share of senior management than of the area "
                       f"(95% interval {low:.0f}% to {high:.0f}%).")
    return text + (f": within the uncertainty of the numbers (95% interval {low:.0f}% to {high:.0f}%), senior "
                   "management reflects the area it serves.")


def _one_group(result: MetricResult, settings: Settings) -> str:
    """One group's percentage (WDES 8), with its interval; no comparison group, so no range."""
    d = result.definition
    group = d.numerator_group(settings.standard)
    figures = result.groups[group]
    assert result.value is not None
    sentence = (f"{pct(result.value, fraction=False)} of {_label(group, settings)} {d.subject} who answered "
                f"{d.outcome} ({_share(figures)})")
    if result.ci is not None:
        low, high = result.ci
        sentence += f", 95% interval {low:.0f}% to {high:.0f}%."
    else:
        sentence += "."
    sentence += (" The metric asks about this group alone, so there is no comparison group and no range to rate "
                 "it against; a low percentage is adverse.")
    return sentence


def _scores(result: MetricResult, settings: Settings) -> str:
    """A difference of mean scores (WDES 9a), with both groups' means, the organisation's and the interval."""
    d = result.definition
    top, bottom = d.numerator_group(settings.standard), d.denominator_group(settings.standard)
    a, b = result.groups[top], result.groups[bottom]
    assert result.value is not None
    lead = f"{_cap(_label(top, settings))} {d.subject}' mean {d.questions[0].label if d.questions else 'score'}"
    sentence = (f"{lead} was {mean_text(a.events)} out of 10 ({_respondents(a.base)}), against "
                f"{mean_text(b.events)} for {_label(bottom, settings)} {d.subject} ({_respondents(b.base)})")
    if result.overall_score is not None:
        sentence += (f" and {mean_text(result.overall_score)} for the organisation "
                     f"({_respondents(result.overall_base)})")
    sentence += f": a difference of {score_text(result.value)} points"
    withheld = result.ci is None and any(f.base is None for f in (a, b))
    if result.ci is not None:
        sentence += f", 95% interval {interval_text(result.ci, 'score')} (Welch)."
    elif withheld:
        sentence += "; its interval is withheld from publication, as it would give a withheld count away."
    else:
        sentence += "; no interval can be given because neither group's scores vary."
    if d.non_adverse is not None:
        low, high = d.non_adverse
        band = f"the {score_text(low)} to {score_text(high)} points range"
        sentence += " " + status_sentence(result.status, result.ci, band, settings, parity=0.0,
                                          parity_words="0 points", chance=not withheld)
    return sentence


def _respondents(count: float | None) -> str:
    return "respondents withheld" if count is None else f"{number(count)} respondents"


def sentence_for(result: MetricResult, settings: Settings, *, with_quality: bool = True) -> str:
    d = result.definition
    if d.kind == "narrative":
        return ("This metric is the organisation's own account, in words, of how it hears the voices of "
                f"{focus_noun(settings)} staff: what it knows, what it is doing and what it will do.")
    if result.status == stats.NO_DATA:
        needs = " and ".join(name.replace("_", " ") for name in d.datasets)
        return f"There is no data for this metric yet: it needs the {needs} data."
    if d.kind == "distribution":
        text = _pay_bands(result, settings)
    elif d.kind == "representation":
        text = _representation(result, settings)
    elif result.questions and len(result.questions) > 1:
        # One sentence per question, and the data-quality sentence once, not per question.
        text = " ".join(sentence_for(q, settings, with_quality=False) for q in result.questions.values())
    elif result.status in (stats.INSUFFICIENT, stats.WITHHELD):
        text = _insufficient(result, settings)
    elif d.kind == "share":
        text = _one_group(result, settings)
    elif d.kind == "score":
        text = _scores(result, settings)
    else:
        text = _comparison(result, settings)
    quality = _quality(result) if with_quality else ""
    return f"{text} {quality}".strip()


# Headlines: the finding in about twenty plain words, for a slide read across a meeting room -----------------


def _chance(interval: tuple[float, float] | None, parity: float) -> str:
    """Whether the difference could be down to chance, going by whether the 95% interval includes parity."""
    if interval is None:
        return ""
    return "could be chance" if interval[0] <= parity <= interval[1] else "beyond chance"


def _few(result: MetricResult, settings: Settings) -> bool:
    events = _both(result)
    return events is not None and events < settings.min_group_size


def _not_shown(result: MetricResult, settings: Settings) -> str:
    """Why a result has no figure to give, in a few words; "" when it has one."""
    d = result.definition
    if result.status == stats.NO_DATA:
        return f"No data yet: this needs the {' and '.join(n.replace('_', ' ') for n in d.datasets)} data."
    reason = result.ratio.reason if result.ratio else ""
    if reason == WITHHELD_REASON or (d.kind == "distribution" and workforce_share(result) is None):
        return f"Withheld from publication: some counts are under {settings.suppression_threshold}."
    if result.status in (stats.INSUFFICIENT, stats.WITHHELD) or (d.kind != "distribution" and result.ratio is None):
        return f"Not enough data to compare {d.subject}."
    return ""


# A headline is read across a meeting room: about twenty words, never more than this many.
HEADLINE_WORDS = 22


def _fitted(*wordings: str) -> str:
    """The first wording within HEADLINE_WORDS words (fullest first), else the last, the shortest."""
    return next((w for w in wordings if len(w.split()) <= HEADLINE_WORDS), wordings[-1])


def _ratio_words(result: MetricResult, settings: Settings) -> str:
    """'0.78, could be chance' (and 'very few cases' when the events are fewer than the minimum group size)."""
    ratio = result.ratio
    assert ratio is not None and ratio.value is not None
    words = [ratio_text(ratio.value), _chance(ratio.ci, 1.0)]
    if _few(result, settings):
        words.append("very few cases")
    return ", ".join(w for w in words if w)


def _likely_headline(result: MetricResult, settings: Settings) -> str:
    d = result.definition
    questions = [q for q in result.questions.values()] if len(result.questions) > 1 else [result]
    shown = [q for q in questions if q.ratio is not None and q.ratio.value is not None]
    if not shown:
        return _not_shown(questions[0], settings) or f"Not enough data to compare {d.subject}."
    # The fullest wording that fits; then who is counted by its last word ("professionals" for "regulated
    # professionals"); then the outcome to its first comma ("report harassment" for "report harassment, bullying or
    # abuse"). The full sentence (sentence_for) always has the full words.
    noun, brief = d.subject.split()[-1], d.outcome.split(",")[0]
    return _fitted(_likely_words(result, questions, shown, settings, d.subject, d.outcome),
                   _likely_words(result, questions, shown, settings, noun, d.outcome),
                   _likely_words(result, questions, shown, settings, noun, brief))


def _likely_words(result: MetricResult, questions: list[MetricResult], shown: list[MetricResult],
                  settings: Settings, subject: str, outcome: str) -> str:
    d = result.definition
    top, bottom = d.numerator_group(settings.standard), d.denominator_group(settings.standard)
    # "than white applicants": the comparison group named by the last word of who is counted.
    other = f"{_label(bottom, settings)} {d.subject.split()[-1]}"
    if len(questions) == 1:
        how, than = _likelihood(_ratio_value(shown[0]))
        return (f"{_cap(_label(top, settings))} {subject} were {how} {outcome} {than} {other}: "
                f"{_ratio_words(shown[0], settings)}.")
    # Several questions (harassment from colleagues, from managers): one clause each, after the shared words when
    # every question goes the same way.
    hows = {_likelihood(_ratio_value(q))[0] for q in shown}
    shared = hows.pop() if len(hows) == 1 else ""
    # The questions that can be read lead; those that cannot (too few people, or withheld) follow, said plainly.
    parts = []
    for q in shown:
        how = "" if shared else f"{_likelihood(_ratio_value(q))[0]} {outcome} "
        parts.append(f"{how}{q.question_label}: {_ratio_words(q, settings)}")
    for q in questions:
        if q not in shown:
            parts.append(f"{q.question_label}: {_not_shown(q, settings).rstrip('.').lower() or 'not shown'}")
    lead = f"were {shared} {outcome}" if shared else "were"
    return f"{_cap(_label(top, settings))} {subject} {lead} {'; '.join(parts)}."


def _bands_headline(result: MetricResult, settings: Settings) -> str:
    """The workforce's share, then the highest band big enough to read: a band with fewer than the minimum group size
    is never the subject (the small bands above it are said to be too small), nor is a band below senior bands
    the publication rule withholds (they are said to be withheld)."""
    lead = f"{_cap(focus_noun(settings))} staff are {workforce_share_text(result)}"
    readable = readable_bands(result, settings)
    if not readable:
        if any(b.known_pct is None for b in result.bands if _staffed(b)):
            return f"{lead}; the pay bands' figures are withheld for publication."
        return f"{lead}; no pay band has {settings.min_group_size} or more staff to read on its own."
    top = readable[-1]
    above = _above(result, top)
    if withheld_above(result, top):
        return f"{lead}; the senior pay bands' figures are withheld for publication."
    figure = f"{pct(top.known_pct, fraction=False)} of {top.band}"
    if not above:
        return f"{lead}, {figure}, the highest pay band."
    them = "the band above is" if len(above) == 1 else "the bands above are"
    return f"{lead}, {figure}; {them} too small to read."


def _representation_headline(result: MetricResult, settings: Settings) -> str:
    if result.senior_pct is None or result.workforce_pct is None or result.value is None:
        return _not_shown(result, settings) or f"Not enough data to compare {result.definition.subject}."
    words = [f"{abs(result.value):.1f} percentage points {'higher' if result.value > 0 else 'lower'}",
             _chance(result.ci, 0.0)]
    if result.questions:
        # The first item's figure is the result's own (W9: the board's voting members).
        label = next(iter(result.questions.values())).question_label
        focus = _label(result.comparison.focus.key, settings)
        return (f"{_cap(label)} are {pct(result.senior_pct, fraction=False)} {focus}, the workforce "
                f"{pct(result.workforce_pct, fraction=False)}: {', '.join(w for w in words if w)}.")
    return (f"{_cap(focus_noun(settings))} staff are {pct(result.senior_pct, fraction=False)} of senior managers, "
            f"{workforce_share_text(result)}: {', '.join(w for w in words if w)}.")


def headline(result: MetricResult, settings: Settings) -> str:
    """The finding in about twenty plain words, for a slide: who was more or less likely to do what, the figure,
    and whether it could be chance. The full sentence (sentence_for) gives the counts, the interval and the range."""
    d = result.definition
    if d.kind == "narrative":
        return "The organisation's own account, in words."
    if result.status == stats.NO_DATA:
        return _not_shown(result, settings)
    if d.kind in ("share", "score"):
        return _figure_headline(result, settings)
    if d.kind == "distribution":
        return _not_shown(result, settings) or _bands_headline(result, settings)
    if d.kind == "representation":
        return _representation_headline(result, settings)
    return _likely_headline(result, settings)


def _figure_headline(result: MetricResult, settings: Settings) -> str:
    """One group's percentage (WDES 8) or a difference of mean scores (WDES 9a), in a few words."""
    d = result.definition
    if result.value is None:
        return _not_shown(result, settings) or f"Not enough data for {d.subject}."
    top = _label(d.numerator_group(settings.standard), settings)
    if d.kind == "share":
        return f"{pct(result.value, fraction=False)} of {top} {d.subject} who answered {d.outcome}."
    bottom = _label(d.denominator_group(settings.standard), settings)
    how = "lower" if result.value < 0 else "higher" if result.value > 0 else "the same"
    a, b = result.groups[d.numerator_group(settings.standard)], result.groups[d.denominator_group(settings.standard)]
    words = [f"{score_text(result.value)} points", _chance(result.ci, 0.0)]
    score = d.questions[0].label if d.questions else "score"
    return _fitted(f"{_cap(top)} staff's mean {score} is {how} than {bottom} staff's ({mean_text(a.events)} "
                   f"against {mean_text(b.events)}): {', '.join(w for w in words if w)}.",
                   f"{_cap(top)} staff's mean score is {how}: {', '.join(w for w in words if w)}.")
