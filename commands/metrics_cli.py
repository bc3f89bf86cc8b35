"""python -m metrics [DATASET=]FILE ... [--standard ...] [--period-end ...] [--suppress N] [--by COLUMN] [--json]
python -m metrics [DATASET=]FILE ... --by ethnic-group[-detailed][,COLUMN] [--reference white-british|white]
python -m metrics template OUT.xlsx
python -m metrics benchmark FILE_OR_FOLDER... [--standard ...] [--anonymise] [--json] [--metric M2]
python -m metrics paygap [DATASET=]FILE... --by sex|ethnicity|disability [--snapshot YYYY-MM-DD] [--json]

Exit 0 on success; 2 on unusable input, with one line on stderr starting "error:".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import textwrap
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, NoReturn

from data_loaders.errors import InputError
from data_loaders.schema import DATASETS, SCHEMAS
from metrics.registry import STANDARDS

if TYPE_CHECKING:
    from data_loaders.comparison import Comparison as GroupComparison
    from metrics.benchmarking import Benchmark, Comparison, Workforce
    from metrics.breakdown import Breakdown
    from metrics.publish_breakdown import PublishedBreakdown
    from metrics.settings import Settings
    from pipeline.api import Analysis

EXIT_OK, EXIT_INPUT = 0, 2
WIDTH = 100


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, no usage dump, exit 2
        raise InputError(f"{message} (see python -m metrics --help)")


def date_argument(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date in the form YYYY-MM-DD") from None


def threshold_argument(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("the suppression threshold cannot be negative")
    return value


def survey_year_argument(text: str) -> int:
    from data_loaders.survey_codes import known_years, survey_year

    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a year") from None
    if survey_year(year) is None:
        raise argparse.ArgumentTypeError(
            f"the NHS Staff Survey's question codes for {year} are not known to the tool (it knows {known_years()}); "
            "map the survey's questions with --column \"survey.COLUMN=CODE\" instead")
    return year


def add_survey_year_argument(parser: argparse.ArgumentParser) -> None:
    """--survey-year, which the metrics and the reports' command lines share."""
    from data_loaders.survey_codes import DEFAULT_SURVEY_YEAR

    parser.add_argument("--survey-year", type=survey_year_argument, metavar="YEAR",
                        help="whose NHS Staff Survey question codes a survey's results by group are read with, "
                        f"where the file has no 'Survey year' cell or column (default {DEFAULT_SURVEY_YEAR})")


def filter_argument(text: str) -> tuple[str, str]:
    column, sep, value = text.partition("=")
    if not sep or not column.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"'{text}' is not in the form COLUMN=VALUE, e.g. service=Adults")
    return column.strip().lower().replace(" ", "_"), value.strip()


def _column_name(text: str) -> str:
    return text.strip().lower().replace(" ", "_").replace("-", "_")


# --by's ethnic-group choices (metrics.ethnic_groups.ETHNIC_GROUP and ETHNIC_GROUP_DETAILED), as a column's name is
# spelt once normalised, and as the choice is named.
_ETHNIC_CHOICES = {"ethnic_group": "ethnic-group", "ethnic_group_detailed": "ethnic-group-detailed"}


def by_argument(text: str) -> str:
    """--by COLUMN: a column's name as the datasets spell it ("Pay band" -> "pay_band"); or ethnic-group (or
    ethnic-group-detailed), alone or with a column after a comma ("ethnic-group,sex")."""
    first, comma, rest = text.partition(",")
    column = _column_name(first)
    if not column:
        raise argparse.ArgumentTypeError("--by needs a column, e.g. --by service")
    if column not in _ETHNIC_CHOICES:
        if comma:
            raise argparse.ArgumentTypeError(f"'{text}': only the ethnic groups can be crossed with a column, e.g. "
                                             "--by ethnic-group,sex")
        return column
    if not comma:
        return _ETHNIC_CHOICES[column]
    within = _column_name(rest)
    if not within or "," in within or within in _ETHNIC_CHOICES:
        raise argparse.ArgumentTypeError(f"'{text}': after ethnic-group give one column of the records, e.g. "
                                         "--by ethnic-group,sex")
    return f"{_ETHNIC_CHOICES[column]},{within}"


def reclassification_argument(text: str) -> tuple[str, str]:
    label, sep, group = text.rpartition("=")
    if not sep or not label.strip() or not group.strip():
        raise argparse.ArgumentTypeError(f"'{text}' is not in the form LABEL=GROUP, e.g. \"Other - European=white\"")
    return label.strip(), group.strip()


def column_argument(text: str) -> tuple[str, str, str]:
    """DATASET.COLUMN=HEADING: read a dataset's column from a heading the tool does not know."""
    target, sep, heading = text.partition("=")
    dataset, dot, column = target.strip().partition(".")
    if not sep or not dot or not heading.strip():
        raise argparse.ArgumentTypeError(f"'{text}' is not in the form DATASET.COLUMN=HEADING, e.g. "
                                         "\"survey.equal_opportunities=Q21 Fair promotion\"")
    if dataset not in SCHEMAS:
        raise argparse.ArgumentTypeError(f"'{dataset}' is not a dataset; the datasets are {', '.join(SCHEMAS)}")
    columns = SCHEMAS[dataset].column_names
    if column not in columns:
        raise argparse.ArgumentTypeError(f"'{column}' is not a column of {dataset}; its columns are "
                                         f"{', '.join(columns)}")
    return dataset, column, heading.strip()
# The groups a disability label may be classified into, in the words of --disability's help and hint.
DISABILITY_GROUPS_WORDS = "GROUP is disabled, non_disabled or not_declared"


def disability_argument(text: str) -> tuple[str, str]:
    """--disability LABEL=GROUP: a disability label and the group it is counted in."""
    label, sep, group = text.rpartition("=")
    if not sep or not label.strip() or not group.strip():
        raise argparse.ArgumentTypeError(f"'{text}' is not in the form LABEL=GROUP, e.g. \"None=not_declared\"")
    return label.strip(), group.strip()


def classify_hint(comparison: GroupComparison) -> str:
    """Where the command line classifies the labels it did not recognise, for the standard's comparison."""
    if comparison.key == "disability":
        return f"Say which group each belongs to with --disability \"LABEL=GROUP\" ({DISABILITY_GROUPS_WORDS})."
    return ("Say which group each belongs to with --ethnicity \"LABEL=GROUP\" (GROUP is white, bme, unknown or a "
            "Census 2021 category).")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m metrics",
        description="Compute the nine Workforce Race Equality Standard metrics from HR exports. "
        "With no FILE, the built-in sample council.",
        epilog=f"DATASET is one of: {', '.join(DATASETS)}. "
        "`python -m metrics template OUT.xlsx` writes a blank counts template; "
        "`python -m metrics benchmark FOLDER` compares organisations' counts templates; "
        "`python -m metrics paygap FILE --by sex` gives the pay gaps from a payroll export.",
    )
    parser.add_argument("files", nargs="*", metavar="[DATASET=]FILE",
                        help="a workbook (xlsx, xls, ods) or CSV; without DATASET= it is recognised "
                        "by its sheet names and headings")
    parser.add_argument("--standard", choices=list(STANDARDS), default="sc-wres",
                        help="which convention the ratios follow (default sc-wres)")
    parser.add_argument("--period-end", type=date_argument, metavar="YYYY-MM-DD",
                        help="end of the 12-month period (default: the month end of the latest event date in "
                        "the data, else the 31 March just gone; the output says which, and why)")
    parser.add_argument("--suppress", type=threshold_argument, metavar="N",
                        help="hide counts under N, and what would reveal them, for publication")
    parser.add_argument("--filter", action="append", default=[], metavar="COLUMN=VALUE", type=filter_argument,
                        help="keep only rows with this value, e.g. service=Adults or \"service=Children's\" "
                        "(repeat for more values or columns)")
    parser.add_argument("--ethnicity", action="append", default=[], metavar="LABEL=GROUP",
                        type=reclassification_argument,
                        help="classify a label the tool does not recognise, e.g. \"Other - European=white\" "
                        "(GROUP is white, bme, unknown or a Census 2021 category; repeat for more)")
    parser.add_argument("--column", action="append", default=[], metavar="DATASET.COLUMN=HEADING",
                        type=column_argument,
                        help="read a column from a heading the tool does not know, e.g. a council's own survey "
                        "question: \"survey.equal_opportunities=Q21 Fair promotion\" (repeat for more)")
    parser.add_argument("--disability", action="append", default=[], metavar="LABEL=GROUP",
                        type=disability_argument,
                        help="under the WDES, classify a disability label the tool does not recognise, e.g. "
                        f"\"None=not_declared\" ({DISABILITY_GROUPS_WORDS}; repeat for more)")
    add_survey_year_argument(parser)
    parser.add_argument("--senior-band", action="append", default=[], metavar="BAND",
                        help="a pay band whose staff are senior managers, when the data has no senior-manager "
                        "column (repeat for more; default: £70,000 and over)")
    parser.add_argument("--by", type=by_argument, metavar="COLUMN",
                        help="break each metric down by a column of the records, e.g. service, team or pay_band: "
                        "each value's figure with its 95%% interval and one adjusted for the number of subgroups "
                        "(Bonferroni); blanks are the subgroup 'Not recorded'. --by ethnic-group: each Census 2021 "
                        "high-level group (Asian, Black, Mixed, Other ethnic group, White minorities) against the "
                        "reference (--reference); --by ethnic-group-detailed: each Census category (Indian, "
                        "African...), those with fewer people than the minimum group size combined within their "
                        "group; --by ethnic-group,sex (or any column): each group with each value against the "
                        "reference with the same value. With --suppress (a column, not the ethnic groups, yet), as "
                        "published: the whole and every subgroup protected together, withheld figures null and said "
                        "why, sizes to the nearest 10")
    parser.add_argument("--reference", choices=("white-british", "white"),
                        help="with --by ethnic-group: compare each group with White British staff (the default; "
                        "White minorities are then a group of their own) or with all White staff")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--organisation", default="", help="the organisation's name, for the heading")
    parser.add_argument("--bme-label", default="BME",
                        help="the organisation's term for the minority-ethnic group (default BME)")
    parser.add_argument("--white-minorities-as-bme", action="store_true",
                        help="count White minorities (Irish, Gypsy or Irish Traveller, Roma, other White) "
                        "as minority ethnic")
    return parser


def _template(argv: Sequence[str]) -> int:
    from pipeline.template import write_template

    parser = _Parser(prog="python -m metrics template",
                     description="Write the counts template: blank, or filled with the counts from HR files (the "
                     "same files and options as `python -m metrics`) to send to a regional benchmarking lead.")
    parser.add_argument("out", metavar="OUT.xlsx")
    parser.add_argument("--organisation", default="")
    parser.add_argument("--standard", choices=list(STANDARDS), default="sc-wres",
                        help="whose metrics the template has a sheet for (default: sc-wres)")
    args, rest = parser.parse_known_args(argv)
    figures = None
    notes: list[str] = []
    if rest:
        analysis = analysis_from_arguments(build_parser().parse_args(
            [*rest, "--standard", args.standard, *(["--organisation", args.organisation] if args.organisation
                                                  else [])]))
        figures = analysis.figures
        notes = period_notes(analysis)
    try:
        write_template(args.out, organisation=args.organisation, figures=figures, standard=args.standard)
    except OSError as error:
        raise InputError(f"cannot write the template ({error.strerror})", file=args.out) from None
    if figures is None:
        print(f"Wrote a blank counts template to {args.out}")
    else:
        print(f"Wrote {figures.organisation or 'the'} counts for {figures.period} to {args.out}")
        for note in notes:
            print(textwrap.fill(note, WIDTH))
    return EXIT_OK


def metric_argument(text: str) -> str:
    from metrics.registry import metric

    try:
        return metric(text.strip()).id
    except KeyError as error:
        raise argparse.ArgumentTypeError(str(error.args[0])) from None


def group_size_argument(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("the minimum group size must be at least 1")
    return value


def _benchmark(argv: Sequence[str]) -> int:
    from metrics.benchmarking import anonymise_benchmark, benchmark, to_json_dict
    from metrics.settings import Settings
    from pipeline.template import read_template_paths

    parser = _Parser(prog="python -m metrics benchmark",
                     description="Compare organisations: each one's ratios against the pooled figure and the funnel "
                     "plot's 95% and 99.8% limits.")
    parser.add_argument("files", nargs="+", metavar="FILE_OR_FOLDER",
                        help="one counts template per organisation, or folders of them (xlsx, xls, ods, csv)")
    parser.add_argument("--standard", choices=list(STANDARDS), default="sc-wres",
                        help="which convention the ratios follow (default sc-wres)")
    parser.add_argument("--metric", action="append", type=metric_argument, metavar="M2",
                        help="only this metric (repeat for more; default: all)")
    parser.add_argument("--anonymise", "--anonymize", action="store_true",
                        help="label organisations A, B, ... in a random order and round sizes, for sharing")
    parser.add_argument("--min-group-size", type=group_size_argument, metavar="N",
                        default=Settings().min_group_size,
                        help="a group smaller than N makes a ratio insufficient data (default %(default)s)")
    parser.add_argument("--bme-label", default="BME",
                        help="the term for the minority-ethnic group (default BME)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    args = parser.parse_args(argv)
    settings = Settings(standard=args.standard, bme_label=args.bme_label, min_group_size=args.min_group_size)
    # Templates the person running it was sent: theirs to read in full, none shown only as published.
    result = benchmark(read_template_paths(args.files), settings, published_only=(), metrics=args.metric)
    if args.anonymise:
        result = anonymise_benchmark(result)
    if args.json:
        json.dump(to_json_dict(result), sys.stdout, indent=2, ensure_ascii=False, allow_nan=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_benchmark(result))
    return EXIT_OK


def _comparison_text(comparison: Comparison, bme_label: str) -> list[str]:
    from commands.table import format_table
    from metrics.benchmarking import position_words
    from metrics.formatting import interval_text, number, ratio_text
    from metrics.stats import status_words

    definition = comparison.definition
    groups = STANDARDS[comparison.standard].comparison
    label = {g: groups.noun(g, bme_label) for g in groups.known}
    top = comparison.pooled.numerator_group
    bottom = definition.denominator_group(comparison.standard)
    heading = f"{definition.id} {definition.title}" + (f": {comparison.question_label}" if comparison.question else "")
    ratio = f"{label[top]} rate over {label[bottom]} rate"
    lines = [heading, "-" * len(heading), f"{ratio[:1].upper()}{ratio[1:]}; {comparison.adverse_if} is adverse."]
    pooled = comparison.pooled
    if pooled.value is None:
        lines.append("Pooled: no ratio can be formed.")
    else:
        interval = f" (95% interval {interval_text(pooled.ci, 'ratio')})" if pooled.ci else ""
        lines.append(f"Pooled: {ratio_text(pooled.value)}{interval}, from {number(pooled.numerator.events)} of "
                     f"{number(pooled.numerator.base)} {label[top]} and {number(pooled.denominator.events)} of "
                     f"{number(pooled.denominator.base)} {label[bottom]} {definition.subject}.")
    if comparison.funnel_reason:
        lines.append(f"No funnel: {comparison.funnel_reason}.")
    placed = comparison.placed
    if placed:
        table = [["Organisation", "Size", "Ratio", "95% interval", "Status", "Against the funnel"]]
        # A placed row has a ratio above 0 (charts.funnel places it by it).
        table += [[row.organisation, number(row.size), ratio_text(row.value) if row.value is not None else "-",
                   interval_text(row.ci, "ratio") if row.ci else "-",
                   status_words(row.status), position_words(row)] for row in placed]
        lines.append(format_table(table))
    for row in comparison.not_placed:
        lines.append(textwrap.fill(f"Not placed: {row.organisation}: {row.reason}.", WIDTH, subsequent_indent="  "))
    if comparison.no_data:
        lines.append(textwrap.fill("No data: " + ", ".join(row.organisation for row in comparison.no_data) + ".",
                                   WIDTH, subsequent_indent="  "))
    return lines


def _workforce_text(workforce: Workforce, standard: str, bme_label: str) -> list[str]:
    from commands.table import format_table
    from metrics.formatting import number, pct
    from metrics.registry import STANDARDS, metrics_of

    definition = next(m for m in metrics_of(standard).values() if m.kind == "distribution")
    comparison = STANDARDS[standard].comparison
    focus = comparison.label(comparison.focus.key, bme_label)
    heading = f"{definition.id} {definition.title}: {focus} % of staff {comparison.whose_known()}"
    table = [["Organisation", f"Staff {comparison.whose_known()}", f"{focus} %"]]
    table += [[row.organisation, number(row.size) if row.size is not None else "-",
               pct(row.focus_pct, fraction=False) if row.focus_pct is not None else ("withheld" if row.reason
                                                                                   else "no data")]
              for row in workforce.organisations]
    pooled = workforce.pooled_pct
    table.append(["All organisations", number(workforce.pooled_size),
                  pct(pooled, fraction=False) if pooled is not None else "-"])
    return [heading, "-" * len(heading), format_table(table)]


def render_benchmark(result: Benchmark) -> str:
    """The benchmark as readable tables: M1's shares, then one table per ratio, then the notes."""
    from metrics.registry import STANDARDS

    period = result.common_period
    heading = (f"Benchmarking {len(result.organisations)} organisations: {STANDARDS[result.standard].name}, "
               + (str(period) if period else "periods differ (see the notes)"))
    parts = [heading, "=" * min(len(heading), WIDTH)]
    bme_label = result.settings.bme_label
    if result.workforce is not None:
        parts += ["", *_workforce_text(result.workforce, result.standard, bme_label)]
    for comparison in result.comparisons:
        parts += ["", *_comparison_text(comparison, bme_label)]
    if result.notes:
        parts += ["", "Notes", "-----"]
        parts += [textwrap.fill(f"- {note}", WIDTH, subsequent_indent="  ") for note in result.notes]
    return "\n".join(parts) + "\n"


def settings_from_arguments(args: argparse.Namespace) -> Settings:
    from metrics.settings import Settings

    return Settings(
        standard=args.standard,
        period_end=args.period_end,
        bme_label=args.bme_label,
        white_minorities_as_bme=args.white_minorities_as_bme,
        ethnicity_overrides=dict(args.ethnicity),
        disability_overrides=dict(getattr(args, "disability", [])),
        senior_bands=tuple(args.senior_band) or Settings().senior_bands,
        ethnic_group_reference=(getattr(args, "reference", None) or "white-british").replace("-", "_"),
        suppression_threshold=args.suppress if args.suppress is not None else Settings().suppression_threshold,
    )


def period_notes(analysis: Analysis) -> list[str]:
    """What period end was assumed and why, and how to set it, when --period-end was not given."""
    assumed = analysis.assumed_period
    if assumed is None:
        return []
    return [f"{assumed.sentence()} Give --period-end YYYY-MM-DD to set it."]


def analysis_from_arguments(args: argparse.Namespace) -> Analysis:
    """The files, settings and filters of a command line, analysed (both CLIs share this)."""
    from pipeline.api import analyse_paths

    try:
        settings = settings_from_arguments(args)
    except ValueError as error:
        raise InputError(str(error)) from None
    filters: dict[str, list[str]] = {}
    for column, value in args.filter:
        filters.setdefault(column, []).append(value)
    mapping: dict[str, dict[str, str]] = {}
    for dataset, column, heading in args.column:
        mapping.setdefault(dataset, {})[column] = heading
    return analyse_paths(args.files, settings, organisation=args.organisation, filters=filters, mapping=mapping,
                         survey_year=args.survey_year)


def run(argv: Sequence[str]) -> int:
    if argv and argv[0] == "template":
        return _template(argv[1:])
    if argv and argv[0] == "benchmark":
        return _benchmark(argv[1:])
    if argv and argv[0] == "paygap":
        from commands.paygap_cli import run as paygap

        return paygap(argv[1:])
    args = build_parser().parse_args(argv)
    from metrics.ethnic_groups import ethnic_choice

    if args.by is not None and args.suppress is not None and ethnic_choice(args.by) is not None:
        # The ethnic groups share their reference group, so they are no division of the whole that the publication
        # model (metrics.publish_breakdown) protects: none is published unprotected.
        raise InputError("published figures by ethnic group are not yet available: --by ethnic-group cannot be "
                         "used with --suppress, because the publication model does not yet protect them",
                         advice="Leave out --suppress for the full (unpublished) figures by ethnic group, or use "
                         "--by with a column (--by service) for a published breakdown.")
    if args.reference is not None and (args.by is None or ethnic_choice(args.by) is None):
        raise InputError("--reference says whom the ethnic groups are compared with, so it needs --by ethnic-group",
                         advice="Add --by ethnic-group (or ethnic-group-detailed), or leave out --reference.")

    analysis = analysis_from_arguments(args)
    settings, filters = analysis.settings, analysis.figures.filters
    results = analysis.results
    from metrics.records import NO_SENIOR_MANAGERS

    warnings = [*period_notes(analysis), *(
        f"{w} Give them with --senior-band BAND (once for each band)." if w.startswith(NO_SENIOR_MANAGERS) else w
        for w in analysis.warnings)]  # the period first: every figure depends on it
    if analysis.unrecognised:
        from pipeline.api import unrecognised_note

        comparison = STANDARDS[settings.standard].comparison
        warnings.append(f"{unrecognised_note(analysis.unrecognised, comparison)} {classify_hint(comparison)}")
    full = None
    if args.by is not None:
        ethnic = ethnic_choice(args.by)
        full = (breakdowns_from_arguments(analysis, args.by) if ethnic is None
                else ethnic_breakdowns_from_arguments(analysis, *ethnic))
    breakdowns: Mapping[str, Breakdown | PublishedBreakdown] | None = full
    if args.suppress is not None:
        if full is not None:
            # The whole and every subgroup as one publication (metrics.publish_breakdown): no withheld subgroup count
            # can be worked out by subtracting the shown subgroups from the whole.
            from pipeline.api import published_with_breakdowns

            published = published_with_breakdowns(analysis, full, settings)
            results, breakdowns = published.whole, published.breakdowns
        else:
            from pipeline.api import published_results

            results = published_results(analysis, settings)
        warnings.append(f"Published figures: counts of 1 to {args.suppress - 1}, and counts that would let a reader "
                        f"narrow one to fewer than {args.suppress} values, are withheld (null), as is any figure "
                        "made from a withheld count; percentages are rounded to whole numbers"
                        + (f", and each {args.by.replace('_', ' ')}'s size to the nearest 10, shown only where the "
                           "counts it adds up are." if breakdowns is not None else "."))
    if args.json:
        from commands.serialise import breakdown_to_dict, result_to_dict

        metrics = {metric_id: result_to_dict(result, analysis.period, settings)
                   for metric_id, result in results.items()}
        if breakdowns is not None:
            for metric_id, found in breakdowns.items():
                metrics[metric_id].update(breakdown_to_dict(found))
        payload = {
            "organisation": analysis.organisation,
            "standard": args.standard,
            "period": {"start": analysis.period.start.isoformat(), "end": analysis.period.end.isoformat()},
            "filters": filters,
            **({"by": args.by} if args.by is not None else {}),
            **({"reference": settings.ethnic_group_reference} if args.by is not None and ethnic_choice(args.by)
               else {}),
            "metrics": metrics,
            "warnings": warnings,
        }
        json.dump(payload, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        from commands.table import render, render_breakdowns

        sys.stdout.write(render(analysis, results, warnings))
        if breakdowns is not None:
            sys.stdout.write(render_breakdowns(breakdowns, args.by, settings.bme_label))
    return EXIT_OK


def breakdowns_from_arguments(analysis: Analysis, column: str) -> dict[str, Breakdown]:
    """Each metric broken down by `column` (metrics.breakdown), from the analysis's records, filters and period; an
    InputError naming the columns there are when the records have no such column for any metric."""
    from metrics.breakdown import breakdown

    datasets = analysis.inputs.loaded.datasets
    if not datasets:
        raise InputError("--by needs records to break the metrics down: a counts template or survey results by "
                         "group have no rows to break down")
    settings = analysis.settings
    filters = {k: list(v) for k, v in analysis.figures.filters.items() if v}
    check_column(analysis, column, f"the metrics cannot be broken down by '{column}'", "break them down by")
    return breakdown(datasets, column, settings.with_(period_end=analysis.period.end), filters=filters,
                     organisation=analysis.organisation)


def check_column(analysis: Analysis, column: str, cannot: str, verb: str) -> None:
    """InputError unless the analysis's records can break some metric down by `column` and its figures are not
    filtered by it: `cannot` begins the message ("the metrics cannot be broken down by 'x'"), which then names the
    columns the records can `verb` ("break them down by")."""
    from metrics.breakdown import breakdown_columns
    from metrics.registry import metrics_of

    datasets = analysis.inputs.loaded.datasets
    available: dict[str, None] = {}
    for definition in metrics_of(analysis.settings.standard).values():
        available |= dict.fromkeys(breakdown_columns(datasets, definition))
    if column not in available:
        listed = ", ".join(sorted(available)) if available else "none"
        raise InputError(f"{cannot}: the columns these records can {verb} are {listed}")
    if column in {k for k, v in analysis.figures.filters.items() if v}:
        raise InputError(f"the figures are filtered by {column}, so they cannot also be broken down by it",
                         advice=f"Leave out --filter {column}=... to compare every {column.replace('_', ' ')}.")


def ethnic_breakdowns_from_arguments(analysis: Analysis, detailed: bool, within: str | None) -> dict[str, Breakdown]:
    """Each metric by ethnic group (metrics.ethnic_groups), crossed with `within` when given, from the analysis's
    records, filters and period; an InputError saying what to do when they cannot be."""
    from metrics.ethnic_groups import ethnic_group_breakdown

    datasets = analysis.inputs.loaded.datasets
    if not datasets:
        raise InputError("--by ethnic-group needs records to break the metrics down: a counts template or survey "
                         "results by group have no rows to break down")
    settings = analysis.settings
    filters = {k: list(v) for k, v in analysis.figures.filters.items() if v}
    if within is not None:
        check_column(analysis, within, f"the ethnic groups cannot be crossed with '{within}'", "cross them with")
    try:
        return ethnic_group_breakdown(datasets, settings.with_(period_end=analysis.period.end), detailed=detailed,
                                      within=within, filters=filters, organisation=analysis.organisation)
    except ValueError as error:
        raise InputError(str(error)) from None


def guarded(run: Callable[[Sequence[str]], int], argv: Sequence[str] | None, failure: str) -> int:
    """Run a command with the command-line contract: exit 2 with one "error:" line for unusable
    input, never a traceback. `failure` says what could not be done, for anything unforeseen."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return run(argv)
    except InputError as error:
        print("error: " + " ".join(str(error).split()), file=sys.stderr)
        return EXIT_INPUT
    except SystemExit as exit_:  # --help
        return int(exit_.code or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - the contract is one line, never a traceback
        detail = textwrap.shorten(f"{type(error).__name__}: {error}", 300)
        print(f"error: {failure} ({detail}).", file=sys.stderr)
        return EXIT_INPUT


def main(argv: Sequence[str] | None = None) -> int:
    return guarded(run, argv, "the input could not be processed; check the files are the HR exports described "
                              "in the README")
