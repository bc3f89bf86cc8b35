"""python -m reports --format pptx|pdf|xlsx|html --out FILE [--suppress N] [--internal] [DATASET=]FILE ...

For the plan (the PDF, or the same plan as one HTML page), --signed-off-by NAME --role ROLE --sign-off-date DATE
fill the sign-off block (blank lines to sign by hand otherwise).

Exit 0 on success, printing "Wrote FILE"; 2 on unusable input or an unwritable --out, with one line
on stderr starting "error:". With no FILE, the sample council.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from commands.metrics_cli import (
    add_survey_year_argument,
    analysis_from_arguments,
    column_argument,
    date_argument,
    disability_argument,
    filter_argument,
    guarded,
    reclassification_argument,
    threshold_argument,
)
from data_loaders.errors import InputError
from data_loaders.schema import DATASETS
from metrics.registry import STANDARDS

EXIT_OK, EXIT_INPUT = 0, 2
FORMATS: tuple[str, ...] = ("pptx", "pdf", "xlsx", "html")
# The formats that are the plan, with its sign-off block.
SIGNED_FORMATS: tuple[str, ...] = ("pdf", "html")
SIGN_OFF_OPTIONS: tuple[str, ...] = ("signed_off_by", "role", "sign_off_date")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, no usage dump, exit 2
        raise InputError(f"{message} (see python -m reports --help)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m reports",
        description="Export the board pack (the metrics, their panels and the action plan). Publication-safe "
        "unless --internal. With no FILE, the built-in sample council.",
        epilog=f"DATASET is one of: {', '.join(DATASETS)}.",
    )
    parser.add_argument("files", nargs="*", metavar="[DATASET=]FILE",
                        help="a workbook (xlsx, xls, ods) or CSV, as for python -m metrics")
    parser.add_argument("--format", choices=FORMATS, required=True,
                        help="the kind of file to write: slides, the PDF plan, the workbook, or the plan as one "
                        "web page (html)")
    parser.add_argument("--out", required=True, metavar="FILE", help="where to write it")
    parser.add_argument("--suppress", type=threshold_argument, metavar="N",
                        help="withhold counts under N, and what would reveal them (default: the settings' 10)")
    parser.add_argument("--internal", action="store_true",
                        help="the board's own unsuppressed export, marked INTERNAL on every sheet, slide or page")
    parser.add_argument("--standard", choices=list(STANDARDS), default="sc-wres",
                        help="which convention the ratios follow (default sc-wres)")
    parser.add_argument("--period-end", type=date_argument, metavar="YYYY-MM-DD",
                        help="end of the 12-month period (default: the latest date in the data)")
    parser.add_argument("--filter", action="append", default=[], metavar="COLUMN=VALUE", type=filter_argument,
                        help="keep only rows with this value, e.g. service=Adults (repeat for more)")
    parser.add_argument("--ethnicity", action="append", default=[], metavar="LABEL=GROUP",
                        type=reclassification_argument,
                        help="classify a label the tool does not recognise, e.g. \"Other - European=white\"")
    parser.add_argument("--column", action="append", default=[], metavar="DATASET.COLUMN=HEADING",
                        type=column_argument, help="read a column from a heading the tool does not know, e.g. "
                        "\"survey.equal_opportunities=Q21 Fair promotion\" (repeat for more)")
    parser.add_argument("--disability", action="append", default=[], metavar="LABEL=GROUP",
                        type=disability_argument,
                        help="under the WDES, classify a disability label the tool does not recognise, e.g. "
                        "\"None=not_declared\" (GROUP is disabled, non_disabled or not_declared)")
    add_survey_year_argument(parser)
    parser.add_argument("--senior-band", action="append", default=[], metavar="BAND",
                        help="a pay band whose staff are senior managers (repeat for more)")
    parser.add_argument("--organisation", default="", help="the organisation's name")
    parser.add_argument("--bme-label", default="BME",
                        help="the organisation's term for the minority-ethnic group (default BME)")
    parser.add_argument("--white-minorities-as-bme", action="store_true",
                        help="count White minorities as minority ethnic")
    parser.add_argument("--text-checked", action="store_true",
                        help="make a publication-safe pack although the panels hold numbers that could be figures "
                        "it withholds, having checked that none of them is")
    parser.add_argument("--signed-off-by", metavar="NAME", help="PDF or HTML plan only: who signed the plan off")
    parser.add_argument("--role", metavar="ROLE", help="PDF or HTML plan only: their role")
    parser.add_argument("--sign-off-date", metavar="DATE",
                        help="PDF or HTML plan only: the date it was signed off, as written")
    return parser


def _engine() -> Any:
    """The dashboard's database when there is one; None when the SQLite file was never made."""
    from sqlalchemy.engine import make_url

    from storage import database_url, open_database, sqlite_file

    url = database_url()
    path = sqlite_file(url)
    if make_url(url).get_backend_name() == "sqlite" and (path is None or not path.exists()):
        return None
    return open_database(url)


def _check_out(out: str) -> Path:
    path = Path(out)
    if path.is_dir():
        raise InputError("--out is a folder; give a file name", file=out)
    if not path.parent.is_dir():
        raise InputError("--out is in a folder that does not exist", file=out,
                         advice="Create the folder or choose another place.")
    return path


def run(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    given = [name for name in SIGN_OFF_OPTIONS if getattr(args, name) is not None]
    if given and args.format not in SIGNED_FORMATS:
        option = "--" + given[0].replace("_", "-")
        raise InputError(f"{option} fills the plan's sign-off block; use it with --format pdf or --format html")
    from reports.pdf import sign_off_problems

    # The same checks as the Board pack page's fields (the block's rows have a fixed height); the date is written as
    # given here, so it is held to the same length as a name.
    problems = sign_off_problems(args.signed_off_by or "", args.role or "")
    problems += [p.replace("The name", "The date", 1) for p in sign_off_problems(args.sign_off_date or "", "")]
    if problems:
        raise InputError(" ".join(problems).rstrip("."), advice="Shorten it, or leave it out to sign by hand")
    if args.internal and args.suppress is not None:
        raise InputError("--internal exports every count unsuppressed; leave out --suppress")
    out = _check_out(args.out)

    from reports.content import build_content
    from reports.excel import write_excel
    from reports.html import write_html
    from reports.pdf import write_pdf
    from reports.pptx import write_pptx

    analysis = analysis_from_arguments(args)
    content = build_content(analysis, publish_safe=not args.internal, threshold=args.suppress, engine=_engine())
    if content.withheld_in_text and not args.text_checked:
        listed = " ".join(f.sentence() for f in content.withheld_in_text)
        raise InputError(f"the panels quote figures this publication withholds, so the pack was not made: {listed}",
                         advice="Change those panels in the dashboard and make the pack again; or, if none of "
                         "those numbers is the withheld figure, give --text-checked.")
    try:
        if args.format in SIGNED_FORMATS:
            (write_pdf if args.format == "pdf" else write_html)(
                content, out, signed_off_by=args.signed_off_by or "", role=args.role or "",
                date=args.sign_off_date or "")
        else:
            (write_pptx if args.format == "pptx" else write_excel)(content, out)
    except OSError as error:
        raise InputError(f"cannot write the export ({error.strerror or error})", file=str(out)) from None
    print(f"Wrote {out}")
    for metric_id, panel, then, now in content.stale_panels:
        # Said, not refused: the text is the editors' to check, and the pack is theirs to hold back.
        print(f"warning: metric {metric_id[1:]}'s '{panel}' was written when the figures were {then}; now {now}. "
              "Check it still holds.", file=sys.stderr)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    return guarded(run, argv, "the export could not be made")
