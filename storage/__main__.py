"""python -m storage export FILE | import FILE [--user NAME] | upgrade | version
                  | organisations [--configured NAME ...] | rename-organisation OLD NEW [--user NAME]

Back up the dashboard's database to a JSON file, import such a file (into the same database or
another), bring the database's tables up to this code's schema, or say which version each is at;
list the organisation names data is stored under (and whether [access] configures each), and move
one name's data to another (storage.organisations).
The database is WRES_DATABASE_URL, else the default SQLite file (var/wres.sqlite).

Exit 0 on success; 2 on unusable input, with one line on stderr starting "error:".
"""

from __future__ import annotations

import argparse
import getpass
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from access import AccessPolicy, PolicyError
from commands.metrics_cli import guarded
from data_loaders.errors import InputError
from storage.backup import MAX_BACKUP_BYTES, import_all, read_backup, write_backup
from storage.db import (
    SCHEMA_VERSION,
    database_url,
    make_engine,
    open_database,
    sqlite_file,
    stored_schema_version,
    unavailable,
    where,
)
from storage.organisations import KINDS, rename_organisation, stored_organisations

EXIT_OK = 0
# Where `streamlit run` finds the [access] configuration, from the folder it is started in.
SECRETS_FILE = Path(".streamlit") / "secrets.toml"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, no usage dump, exit 2
        raise InputError(f"{message} (see python -m storage --help)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m storage",
                     description="Back up, import and upgrade the dashboard's database (WRES_DATABASE_URL, else "
                     "the SQLite file under var/).")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    export = commands.add_parser("export", help="write everything stored, with its history, to a JSON file")
    export.add_argument("file", metavar="FILE")
    imported = commands.add_parser("import", help="import a backup file: new items are added, changed ones replaced "
                                   "(and audited), identical ones left alone")
    imported.add_argument("file", metavar="FILE")
    imported.add_argument("--user", metavar="NAME", help="who is importing, for the history (default: your login)")
    commands.add_parser("upgrade", help="bring the database's tables up to this code's schema version")
    commands.add_parser("version", help="the schema version of this code and of the database")
    listed = commands.add_parser("organisations", help="the organisation names data is stored under, how much of "
                                 "each kind, and whether the [access] configuration names each")
    listed.add_argument("--configured", metavar="NAME", nargs="+",
                        help=f"the configured organisation names (default: those in {SECRETS_FILE}, read from the "
                        "folder this is run in)")
    renamed = commands.add_parser("rename-organisation", help="move everything stored under OLD (exactly as listed) "
                                  "to NEW, with a history entry for each item; refused if they would collide")
    renamed.add_argument("old", metavar="OLD")
    renamed.add_argument("new", metavar="NEW")
    renamed.add_argument("--user", metavar="NAME", help="who is renaming, for the history (default: your login)")
    return parser


def _sqlite_file_missing(url: str) -> bool:
    path = sqlite_file(url)
    return make_url(url).get_backend_name() == "sqlite" and (path is None or not path.exists())


def _database_version(engine: Engine) -> int:
    return stored_schema_version(engine) if inspect(engine).has_table("schema_version") else 0


def _export(url: str, file: str) -> int:
    path = Path(file)
    if path.is_dir():
        raise InputError("is a folder; give a file name", file=file)
    if not path.parent.is_dir():
        raise InputError("is in a folder that does not exist", file=file)
    if _sqlite_file_missing(url):
        raise InputError(f"there is no database at {where(url)}: nothing to export")
    engine = open_database(url)
    try:
        document = write_backup(engine, path)
    except OSError as error:
        raise InputError(f"cannot write the backup ({error.strerror or error})", file=file) from None
    finally:
        engine.dispose()
    counts = ", ".join(f"{len(document[kind])} {label}" for kind, label in (
        ("panels", "panels"), ("actions", "objectives"), ("settings", "settings"),
        ("figure_sets", "figure sets"), ("organisations", "organisations"), ("memberships", "people's roles"),
        ("audit", "history entries")))
    print(f"Wrote {file}: {counts}")
    return EXIT_OK


def _login() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in this environment (some containers)
        return "python -m storage"


def _import(url: str, file: str, user: str | None) -> int:
    path = Path(file)
    if not path.is_file():
        raise InputError("there is no such file", file=file)
    if path.stat().st_size > MAX_BACKUP_BYTES:
        raise InputError(f"is larger than a backup can be ({MAX_BACKUP_BYTES // 1024 // 1024} MB)", file=file)
    try:
        document = read_backup(path.read_bytes())
    except (ValueError, OSError) as error:
        raise InputError(str(error), file=file) from None
    engine = open_database(url)
    try:
        report = import_all(engine, document, user=user or _login())
    except ValueError as error:
        raise InputError(f"{error}; nothing was imported", file=file) from None
    finally:
        engine.dispose()
    print(f"Imported {file} into {where(url)}" + ("" if report.changed else ": nothing changed"))
    for line in report.lines():
        print(f"  {line}")
    return EXIT_OK


def _upgrade(url: str) -> int:
    engine = make_engine(url)
    try:
        before = _database_version(engine)
    finally:
        engine.dispose()
    engine = open_database(url)
    try:
        after = stored_schema_version(engine)
    finally:
        engine.dispose()
    shown = where(url)
    if before == after:
        print(f"The database ({shown}) is at schema version {after}: nothing to do.")
    elif before == 0:
        print(f"Made the tables in {shown}, at schema version {after}.")
    else:
        print(f"Upgraded {shown} from schema version {before} to {after}.")
    return EXIT_OK


def run(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    url = database_url()
    try:
        if args.command == "export":
            return _export(url, args.file)
        if args.command == "import":
            return _import(url, args.file, args.user)
        if args.command == "upgrade":
            return _upgrade(url)
        if args.command == "organisations":
            return _organisations(url, args.configured)
        if args.command == "rename-organisation":
            return _rename(url, args.old, args.new, args.user)
        return _version(url)
    except SQLAlchemyError as error:  # a server that is down, a file that cannot be read: named, with what to do
        raise unavailable(url, error) from None


def _version(url: str) -> int:
    if _sqlite_file_missing(url):
        print(f"This code: schema version {SCHEMA_VERSION}. No database yet at {where(url)}.")
        return EXIT_OK
    engine = make_engine(url)
    try:
        stored = _database_version(engine)
    finally:
        engine.dispose()
    state = ("up to date" if stored == SCHEMA_VERSION else "newer than this code: update the application"
             if stored > SCHEMA_VERSION else "python -m storage upgrade brings it up to date")
    print(f"This code: schema version {SCHEMA_VERSION}. The database ({where(url)}): schema version {stored}, "
          f"{state}.")
    return EXIT_OK


def configured_organisations(file: Path = SECRETS_FILE) -> list[str] | None:
    """The organisations the [access] configuration in `file` names; None when there is no such file."""
    if not file.is_file():
        return None
    try:
        with file.open("rb") as opened:
            config = tomllib.load(opened)
        policy = AccessPolicy.from_mapping(config.get("access"))
    except (OSError, tomllib.TOMLDecodeError, PolicyError) as error:
        raise InputError(f"cannot read the [access] configuration ({error}); correct it, or name the configured "
                         "organisations with --configured NAME ...", file=str(file)) from None
    return [o.name for o in policy.organisations]


def _shown(name: str) -> str:
    # Spaces before or after a stored name are why it matches nothing: show them.
    return repr(name) if name != name.strip() or not name.isprintable() else name


def _organisations(url: str, named: list[str] | None) -> int:
    configured = named if named is not None else configured_organisations()
    if _sqlite_file_missing(url):
        print(f"There is no database at {where(url)}: no organisations are stored.")
        return EXIT_OK
    engine = open_database(url)
    try:
        stored = stored_organisations(engine)
    finally:
        engine.dispose()
    header = ["Organisation", *(label.capitalize() for _attribute, label, _table in KINDS), "Configured"]
    rows = [[_shown(o.name), *(str(count) for count in o.counts().values()),
             "?" if configured is None else "yes" if o.name in configured else "no"] for o in stored]
    names = {o.name for o in stored}
    rows += [[_shown(name), *("0" for _kind in KINDS), "yes"] for name in configured or () if name not in names]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        print("  ".join(cell.ljust(width) if i == 0 else cell.rjust(width)
                        for i, (cell, width) in enumerate(zip(row, widths, strict=True))).rstrip())
    if configured is None:
        print(f"No {SECRETS_FILE} here: give the configured organisations with --configured NAME ...")
    if any(row[-1] == "no" for row in rows):
        print("Names not configured are reached by administrators only: python -m storage rename-organisation "
              "OLD NEW moves one's data to a configured name.")
    return EXIT_OK


def _rename(url: str, old: str, new: str, user: str | None) -> int:
    if _sqlite_file_missing(url):
        raise InputError(f"there is no database at {where(url)}: nothing to rename")
    engine = open_database(url)
    try:
        report = rename_organisation(engine, old, new, user=user or _login())
    except ValueError as error:
        raise InputError(str(error)) from None
    finally:
        engine.dispose()
    for line in report.lines():
        print(line)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    return guarded(run, argv, "the storage command failed")


if __name__ == "__main__":
    sys.exit(main())
