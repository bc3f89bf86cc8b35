"""python -m metrics [DATASET=]FILE ... [--standard ...] [--period-end ...] [--suppress N] [--json]
python -m metrics template OUT.xlsx

Exit 0 on success; 2 on unusable input, with one line on stderr starting "error:".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from data_loaders.errors import InputError
from data_loaders.schema import DATASETS
from metrics.registry import STANDARDS

if TYPE_CHECKING:
    from metrics.api import Analysis
    from metrics.settings import Settings

EXIT_OK, EXIT_INPUT = 0, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage dump, exit 2
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


def filter_argument(text: str) -> tuple[str, str]:
    column, sep, value = text.partition("=")
    if not sep or not column.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"'{text}' is not in the form COLUMN=VALUE, e.g. service=Adults")
    return column.strip().lower().replace(" ", "_"), value.strip()


def reclassification_argument(text: str) -> tuple[str, str]:
    label, sep, group = text.rpartition("=")
    if not sep or not label.strip() or not group.strip():
        raise argparse.ArgumentTypeError(f"'{text}' is not in the form LABEL=GROUP, e.g. \"Other - European=white\"")
    return label.strip(), group.strip()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m metrics",
        description="Compute the nine Workforce Race Equality Standard metrics from HR exports. "
        "With no FILE, the built-in sample council.",
        epilog=f"DATASET is one of: {', '.join(DATASETS)}. "
        "`python -m metrics template OUT.xlsx` writes a blank counts template.",
    )
    parser.add_argument("files", nargs="*", metavar="[DATASET=]FILE",
                        help="a workbook (xlsx, xls, ods) or CSV; without DATASET= it is recognised "
                        "by its sheet names and headings")
    parser.add_argument("--standard", choices=list(STANDARDS), default="sc-wres",
                        help="which convention the ratios follow (default sc-wres)")
    parser.add_argument("--period-end", type=date_argument, metavar="YYYY-MM-DD",
                        help="end of the 12-month period (default: the latest date in the data)")
    parser.add_argument("--suppress", type=threshold_argument, metavar="N",
                        help="hide counts under N, and what would reveal them, for publication")
    parser.add_argument("--filter", action="append", default=[], metavar="COLUMN=VALUE", type=filter_argument,
                        help="keep only rows with this value, e.g. service=Adults or \"service=Children's\" "
                        "(repeat for more values or columns)")
    parser.add_argument("--ethnicity", action="append", default=[], metavar="LABEL=GROUP",
                        type=reclassification_argument,
                        help="classify a label the tool does not recognise, e.g. \"Other - European=white\" "
                        "(GROUP is white, bme, unknown or a Census 2021 category; repeat for more)")
    parser.add_argument("--senior-band", action="append", default=[], metavar="BAND",
                        help="a pay band whose staff are senior managers, when the data has no senior-manager "
                        "column (repeat for more; default: £70,000 and over)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--organisation", default="", help="the organisation's name, for the heading")
    parser.add_argument("--bme-label", default="BME",
                        help="the organisation's term for the minority-ethnic group (default BME)")
    parser.add_argument("--white-minorities-as-bme", action="store_true",
                        help="count White minorities (Irish, Gypsy or Irish Traveller, Roma, other White) "
                        "as minority ethnic")
    return parser


def _template(argv: Sequence[str]) -> int:
    from metrics.template import write_template

    parser = _Parser(prog="python -m metrics template", description="Write a blank counts template.")
    parser.add_argument("out", metavar="OUT.xlsx")
    parser.add_argument("--organisation", default="")
    args = parser.parse_args(argv)
    try:
        write_template(args.out, organisation=args.organisation)
    except OSError as error:
        raise InputError(f"cannot write the template ({error.strerror})", file=args.out) from None
    print(f"Wrote a blank counts template to {args.out}")
    return EXIT_OK


def settings_from_arguments(args: argparse.Namespace) -> Settings:
    from metrics.settings import Settings

    return Settings(
        standard=args.standard,
        period_end=args.period_end,
        bme_label=args.bme_label,
        white_minorities_as_bme=args.white_minorities_as_bme,
        ethnicity_overrides=dict(args.ethnicity),
        senior_bands=tuple(args.senior_band) or Settings().senior_bands,
        suppression_threshold=args.suppress if args.suppress is not None else Settings().suppression_threshold,
    )


def analysis_from_arguments(args: argparse.Namespace) -> Analysis:
    """The files, settings and filters of a command line, analysed (both CLIs share this)."""
    from metrics.api import analyse_paths

    try:
        settings = settings_from_arguments(args)
    except ValueError as error:
        raise InputError(str(error)) from None
    filters: dict[str, list[str]] = {}
    for column, value in args.filter:
        filters.setdefault(column, []).append(value)
    return analyse_paths(args.files, settings, organisation=args.organisation, filters=filters)


def run(argv: Sequence[str]) -> int:
    if argv and argv[0] == "template":
        return _template(argv[1:])
    args = build_parser().parse_args(argv)

    from metrics.publish import publish

    analysis = analysis_from_arguments(args)
    settings, filters = analysis.settings, analysis.figures.filters
    results = analysis.results
    warnings = list(analysis.warnings)
    if args.suppress is not None:
        results = publish(results, settings)
        warnings.append(f"Published figures: counts under {args.suppress}, and any count or figure that would "
                        "reveal them, are withheld (null).")
    if args.json:
        from metrics.serialise import result_to_dict

        payload = {
            "organisation": analysis.organisation,
            "standard": args.standard,
            "period": {"start": analysis.period.start.isoformat(), "end": analysis.period.end.isoformat()},
            "filters": filters,
            "metrics": {metric_id: result_to_dict(result) for metric_id, result in results.items()},
            "warnings": warnings,
        }
        json.dump(payload, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        from metrics.table import render

        sys.stdout.write(render(analysis, results, warnings))
    return EXIT_OK


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
