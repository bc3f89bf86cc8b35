"""python -m metrics paygap [DATASET=]FILE... --by sex|ethnicity|disability [--snapshot YYYY-MM-DD]
[--full-time-hours HOURS] [--suppress N] [--json]

The six pay gap measures (metrics.paygap) from the staff workbook or a payroll export joined to it; with
--suppress N (the metrics command's flag for publication-safe output), the figures as they may be published
(metrics.paygap_publish): withheld ones null in JSON, with a `withheld` map of reasons, and in words in the text.
Exit 0 on success; 2 on unusable input, with one line on stderr starting "error:" that says what is wrong and what
to do.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from data_loaders.errors import InputError

if TYPE_CHECKING:
    from metrics.paygap import PayGapResult
    from metrics.paygap_publish import PublishedPayGaps

WIDTH = 100
PROG = "python -m metrics paygap"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, no usage dump, exit 2
        raise InputError(f"{message} (see {PROG} --help)")


def snapshot_argument(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date in the form YYYY-MM-DD, e.g. 2026-03-31") from None


def whole_number(least: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"'{text}' is less than {least}")
        return value
    return parse


def positive_hours(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of hours") from None
    if not 0 < value <= 168:
        raise argparse.ArgumentTypeError(f"'{text}' is not a week's hours (more than 0, at most 168)")
    return value


def label_group(text: str) -> tuple[str, str]:
    label, sep, group = text.rpartition("=")
    if not sep or not label.strip() or not group.strip():
        raise argparse.ArgumentTypeError(f"'{text}' is not in the form LABEL=GROUP")
    return label.strip(), group.strip()


def last_31_march(today: dt.date) -> dt.date:
    """The public sector's snapshot date: the latest 31 March on or before `today`."""
    this_year = dt.date(today.year, 3, 31)
    return this_year if today >= this_year else dt.date(today.year - 1, 3, 31)


def build_parser() -> argparse.ArgumentParser:
    from metrics import paygap

    parser = _Parser(
        prog=PROG,
        description="Pay gaps from a payroll export: the mean and median hourly pay gap, the mean and median bonus "
        "gap, the share of each group paid a bonus and each group's share of the four pay quarters, with bootstrap "
        "intervals for the gaps (the Equality Act 2010 (Specified Public Authorities) Regulations 2017).",
        epilog="FILE is the staff workbook with its payroll columns (ordinary pay for the pay period, weekly "
        "contracted hours, bonus pay in the 12 months, full pay or reduced pay), or payroll=FILE with staff=FILE: "
        "the payroll rows joined to the staff rows by employee number.",
    )
    parser.add_argument("files", nargs="+", metavar="[DATASET=]FILE",
                        help="a workbook (xlsx, xls, ods) or CSV; DATASET is staff (the default) or payroll")
    parser.add_argument("--by", required=True, choices=paygap.BY, help="whose pay is compared")
    parser.add_argument("--snapshot", type=snapshot_argument, metavar="YYYY-MM-DD",
                        help="the snapshot date (default: the latest 31 March, the public sector's date)")
    parser.add_argument("--reference", choices=("white", "white-british"), default="white",
                        help="for --by ethnicity, whom each group is compared with (default white)")
    parser.add_argument("--threshold", type=whole_number(1), default=paygap.DEFAULT_GROUP_THRESHOLD, metavar="N",
                        help="for --by ethnicity, a Census 2021 group with fewer relevant employees than N is "
                        "combined with the other small groups (default %(default)s)")
    parser.add_argument("--white-minorities-as-minority", action="store_true",
                        help="count White minorities (Irish, Gypsy or Irish Traveller, Roma, other White) in the "
                        "minority-ethnic group")
    parser.add_argument("--ethnicity", action="append", default=[], type=label_group, metavar="LABEL=GROUP",
                        help="classify an ethnicity label the tool does not recognise (GROUP is white, bme, "
                        "unknown or a Census 2021 category)")
    parser.add_argument("--disability", action="append", default=[], type=label_group, metavar="LABEL=GROUP",
                        help="classify a disability label (GROUP is disabled, non_disabled or not_declared)")
    parser.add_argument("--pay-period-days", type=whole_number(1), metavar="N",
                        help="the days in the pay period of the ordinary pay, where the data has no column for it "
                        "(default: the days of the snapshot's month, for monthly pay)")
    parser.add_argument("--full-time-hours", type=positive_hours, default=paygap.DEFAULT_FULL_TIME_HOURS,
                        metavar="HOURS",
                        help="the full-time week that turns a whole-time equivalent column (ESR's 'Contracted WTE' "
                        "or 'FTE') into weekly hours, for rows with no weekly hours (default %(default)s, the Agenda "
                        "for Change week)")
    parser.add_argument("--resamples", type=whole_number(0), default=paygap.DEFAULT_RESAMPLES, metavar="N",
                        help="bootstrap resamples for the intervals (default %(default)s; 0 for none)")
    parser.add_argument("--seed", type=whole_number(0), default=paygap.DEFAULT_SEED, metavar="N",
                        help="the bootstrap's seed (default %(default)s): the same seed gives the same intervals")
    parser.add_argument("--suppress", type=whole_number(0), metavar="N",
                        help="the figures as they may be published: a group with fewer than N relevant employees "
                        "withheld, and any share of a pay quarter, bonus proportion or size that would let a reader "
                        "work out a count under N (the quarters' sizes are public); sizes rounded to 10, "
                        "percentages to whole numbers. The product's publication threshold is 10")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    return parser


def result_to_dict(result: PayGapResult, payroll_days: int, files: Sequence[str]) -> dict[str, Any]:

    def interval(ci: tuple[float, float] | None) -> list[float] | None:
        return None if ci is None else [ci[0], ci[1]]

    return {
        "snapshot": result.snapshot.isoformat(),
        "by": result.by,
        "reference": result.reference,
        "labels": result.labels(),
        "employees": result.employees,
        "hourly_employees": result.hourly_employees,
        "gaps": {
            group: {
                "mean_pct": gap.mean_pct, "median_pct": gap.median_pct,
                "bonus_mean_pct": gap.bonus_mean_pct, "bonus_median_pct": gap.bonus_median_pct,
                "intervals": {measure: interval(ci) for measure, ci in gap.intervals.items()},
                # The hourly gaps' bounds over the people whose group is not known (metrics.unknown_bounds):
                # [low, high] by measure; empty where the unknown could be in a third group.
                "unknown_bounds": {measure: interval(b) for measure, b in gap.unknown_bounds.items()},
            }
            for group, gap in result.gaps.items()
        },
        "bonus_received_pct": dict(result.bonus_received_pct),
        "quarters": {quarter: dict(shares) for quarter, shares in result.quarters.items()},
        "quarter_sizes": dict(result.quarter_sizes),
        "aggregate_quarters": {name: {quarter: dict(shares) for quarter, shares in table.items()}
                               for name, table in result.aggregate_quarters.items()},
        "counts": {group: {"relevant": c.relevant, "hourly": c.hourly, "bonus": c.bonus,
                           "mean_hourly": c.mean_hourly, "median_hourly": c.median_hourly,
                           "mean_bonus": c.mean_bonus, "median_bonus": c.median_bonus}
                   for group, c in result.counts.items()},
        "intervals": {"method": result.bootstrap.method, "resamples": result.bootstrap.resamples,
                      "seed": result.bootstrap.seed, "confidence": result.bootstrap.confidence},
        "pay_period_days": payroll_days,
        "files": list(files),
        "notes": list(result.notes),
    }


def render(result: PayGapResult, notes_before: Sequence[str]) -> str:
    from commands.table import format_table
    from metrics.formatting import gap_interval_text as ci
    from metrics.formatting import gap_text as pct
    from metrics.paygap import (
        MEASURES,
        QUARTER_WORDS,
        QUARTERS,
        aggregate_quarter_sentence,
        bonus_sentence,
        gap_sentence,
        label,
        quarter_sentence,
        short_label,
    )

    heading = (f"Pay gaps by {result.by} at {result.snapshot:%d %B %Y}: each group against "
               f"{label(result.reference)}")
    lines = [heading, "=" * min(len(heading), WIDTH),
             f"{result.employees:,} relevant employees; {result.hourly_employees:,} of them full-pay relevant with "
             "an hourly rate (the hourly figures and the quarters).", ""]
    groups = [*result.order, *(g for g in result.gaps if g not in result.order)]

    def gap_cells(group: str, measures: Sequence[str]) -> list[str]:
        """Each measure's gap and interval; blank for the reference, which is not compared with itself."""
        gap = result.gaps.get(group)
        if gap is None:
            return ["", ""] * len(measures)
        return [cell for m in measures for cell in (pct(getattr(gap, m)), ci(gap.intervals.get(m)))]

    def name(group: str) -> str:
        return short_label(group) + (" (reference)" if group == result.reference else "")

    table = [["Hourly pay", "People", "Mean gap", "95% interval", "Median gap", "95% interval"]]
    table += [[name(g), f"{result.counts[g].hourly:,}", *gap_cells(g, MEASURES[:2])] for g in groups]
    lines += [format_table(table), ""]
    table = [["Bonus pay", "People", "Paid a bonus", "% paid", "Mean gap", "95% interval", "Median gap",
              "95% interval"]]
    table += [[name(g), f"{result.counts[g].relevant:,}", f"{result.counts[g].bonus:,}",
               pct(result.bonus_received_pct[g]), *gap_cells(g, MEASURES[2:])] for g in groups]
    lines += [format_table(table), ""]
    table = [["Share of each pay quarter", *(QUARTER_WORDS[q].capitalize() for q in QUARTERS)]]
    table += [[short_label(g), *(pct(result.quarters[q][g]) for q in QUARTERS)] for g in result.order]
    table.append(["People in the quarter", *(f"{result.quarter_sizes[q]:,}" for q in QUARTERS)])
    for aggregate, shares in result.aggregate_quarters.items():
        lines += [format_table(table), ""]
        table = [[f"{short_label(aggregate)} and {short_label(result.reference)} only",
                  *(QUARTER_WORDS[q].capitalize() for q in QUARTERS)]]
        table += [[short_label(g), *(pct(shares[q][g]) for q in QUARTERS)] for g in (result.reference, aggregate)]
    lines += [format_table(table), "", "In words", "--------"]
    sentences = [gap_sentence(result, g, m) for g in result.gaps for m in MEASURES]
    sentences += [bonus_sentence(result, g) for g in groups]
    sentences += [quarter_sentence(result, q) for q in QUARTERS]
    sentences += [aggregate_quarter_sentence(result, a) for a in result.aggregate_quarters]
    lines += [textwrap.fill(f"- {s}", WIDTH, subsequent_indent="  ") for s in sentences]
    b = result.bootstrap
    lines += ["", textwrap.fill(f"Intervals: {b.confidence:.0%}, by {b.method}; {b.resamples:,} resamples, seed "
                                f"{b.seed}. Gap = (reference - group) / reference x 100: positive when the group is "
                                "paid less.", WIDTH)]
    notes = [*notes_before, *result.notes]
    if notes:
        lines += ["", "Notes", "-----"]
        lines += [textwrap.fill(f"- {note}", WIDTH, subsequent_indent="  ") for note in notes]
    return "\n".join(lines) + "\n"


def render_published(pub: PublishedPayGaps, result: PayGapResult, notes: Sequence[str]) -> str:
    """The published figures as tables, "withheld" where a figure is, a list of what is withheld and why, and
    `notes` (the publishable ones: metrics.paygap_publish.published_notes)."""
    from commands.table import format_table
    from metrics.formatting import gap_interval_text as ci
    from metrics.formatting import gap_text as pct
    from metrics.paygap import MEASURES, QUARTER_WORDS, QUARTERS, label, short_label
    from metrics.paygap_publish import withheld_sentence

    withheld = "withheld"

    def figure(value: float | None, text: str) -> str:
        return withheld if value is None else text

    def share(value: float | None) -> str:
        return figure(value, f"{value:.0f}%" if value is not None else "")

    def size(value: float | None) -> str:
        return figure(value, f"about {value:,.0f}" if value is not None else "")

    heading = (f"Pay gaps by {pub.by} at {pub.snapshot:%d %B %Y}, as published: each group against "
               f"{label(pub.reference)}")
    lines = [heading, "=" * min(len(heading), WIDTH),
             f"{pub.employees:,} relevant employees; {pub.hourly_employees:,} of them full-pay relevant with an "
             "hourly rate (the hourly figures and the quarters).", ""]
    groups = [*pub.order, *(g for g in pub.gaps if g not in pub.order)]

    def gap_cells(group: str, measures: Sequence[str]) -> list[str]:
        gap = pub.gaps.get(group)
        if gap is None:
            return ["", ""] * len(measures)
        cells = []
        for m in measures:
            value = getattr(gap, m)
            held = f"gaps.{group}.{m}" in pub.withheld
            cells += [withheld if held else pct(value), "" if held else ci(gap.intervals.get(m))]
        return cells

    def name(group: str) -> str:
        return short_label(group) + (" (reference)" if group == pub.reference else "")

    table = [["Hourly pay", "People", "Mean gap", "95% interval", "Median gap", "95% interval"]]
    table += [[name(g), size(pub.sizes[g]), *gap_cells(g, MEASURES[:2])] for g in groups]
    lines += [format_table(table), ""]
    table = [["Bonus pay", "% paid a bonus", "Mean gap", "95% interval", "Median gap", "95% interval"]]
    table += [[name(g), share(pub.bonus_received_pct[g]), *gap_cells(g, MEASURES[2:])] for g in groups]
    lines += [format_table(table), ""]
    table = [["Share of each pay quarter", *(QUARTER_WORDS[q].capitalize() for q in QUARTERS)]]
    table += [[short_label(g), *(share(pub.quarters[q][g]) for q in QUARTERS)] for g in pub.order]
    table.append(["People in the quarter", *(f"{pub.quarter_sizes[q]:,}" for q in QUARTERS)])
    for aggregate, shares in pub.aggregate_quarters.items():
        lines += [format_table(table), ""]
        table = [[f"{short_label(aggregate)} and {short_label(pub.reference)} only",
                  *(QUARTER_WORDS[q].capitalize() for q in QUARTERS)]]
        table += [[short_label(g), *(share(shares[q][g]) for q in QUARTERS)] for g in (pub.reference, aggregate)]
    lines += [format_table(table), ""]
    lines += [textwrap.fill(f"Published figures: a group with fewer than {pub.threshold} relevant employees is "
                            "withheld, as is any figure that would let a reader work out a count under "
                            f"{pub.threshold} (a share of a quarter of known size, a proportion of a group); sizes "
                            "are rounded to the nearest 10 and percentages to whole numbers.", WIDTH)]
    if pub.withheld:
        lines += ["", "Withheld", "--------"]
        lines += [textwrap.fill(f"- {withheld_sentence(pub, key)}", WIDTH, subsequent_indent="  ")
                  for key in pub.withheld]
    b = result.bootstrap
    lines += ["", textwrap.fill(f"Intervals: {b.confidence:.0%}, by {b.method}; {b.resamples:,} resamples, seed "
                                f"{b.seed}. Gap = (reference - group) / reference x 100: positive when the group is "
                                "paid less.", WIDTH)]
    if notes:
        lines += ["", "Notes", "-----"]
        lines += [textwrap.fill(f"- {note}", WIDTH, subsequent_indent="  ") for note in notes]
    return "\n".join(lines) + "\n"


def run(argv: Sequence[str]) -> int:
    from metrics import paygap
    from pipeline.paygap import check_columns, read_payroll_paths

    args = build_parser().parse_args(argv)
    notes: list[str] = []
    snapshot = args.snapshot
    if snapshot is None:
        snapshot = last_31_march(dt.date.today())
        notes.append(f"The snapshot is taken as {snapshot:%d %B %Y}, the latest 31 March (the public sector's "
                     "date). Give --snapshot YYYY-MM-DD to set it.")
    inputs = read_payroll_paths(args.files)
    frame = inputs.frame
    check_columns(list(frame.columns), args.by, inputs.unmapped)
    payroll = paygap.relevant_employees(frame, snapshot, period_days=args.pay_period_days,
                                        full_time_hours=args.full_time_hours)
    try:
        grouping = paygap.grouping_for(
            payroll.frame, args.by, reference=args.reference.replace("-", "_"), threshold=args.threshold,
            white_minorities_as_bme=args.white_minorities_as_minority,
            ethnicity_overrides=dict(args.ethnicity), disability_overrides=dict(args.disability))
    except ValueError as error:
        raise InputError(str(error)) from None
    if grouping.group.notna().sum() == 0:
        raise InputError(f"no relevant employee at {snapshot:%d %B %Y} is in a group compared by {args.by}",
                         advice="Check the snapshot date (--snapshot) and the column of " + args.by + ".")
    result = paygap.pay_gaps(payroll, grouping,
                             paygap.Bootstrap(resamples=args.resamples, seed=args.seed))
    if args.suppress is not None:
        from metrics.paygap_publish import published, published_notes, to_dict

        pub = published(result, args.suppress)
        before = list(published_notes([*notes, *inputs.notes, *result.notes]))
        if args.json:
            payload = to_dict(pub)
            payload["intervals"] = {"method": result.bootstrap.method, "resamples": result.bootstrap.resamples,
                                    "seed": result.bootstrap.seed, "confidence": result.bootstrap.confidence}
            payload["pay_period_days"] = payroll.period_days_default
            payload["full_time_hours"] = args.full_time_hours
            payload["files"] = list(inputs.files)
            payload["notes"] = before
            json.dump(payload, sys.stdout, indent=2, ensure_ascii=False, allow_nan=False)
            sys.stdout.write("\n")
        else:
            sys.stdout.write(render_published(pub, result, before))
        return 0
    if args.json:
        payload = result_to_dict(result, payroll.period_days_default, inputs.files)
        payload["full_time_hours"] = args.full_time_hours
        payload["notes"] = [*notes, *inputs.notes, *payload["notes"]]
        json.dump(payload, sys.stdout, indent=2, ensure_ascii=False, allow_nan=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render(result, [*notes, *inputs.notes]))
    return 0
