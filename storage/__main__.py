"""python -m storage export FILE | import FILE [--user NAME] | upgrade | version

Back up the dashboard's database to a JSON file, import such a file (into the same database or
another), bring the database's tables up to this code's schema, or say which version each is at.
The database is WRES_DATABASE_URL, else the default SQLite file (var/wres.sqlite).

Exit 0 on success; 2 on unusable input, with one line on stderr starting "error:".
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from data_loaders.errors import InputError
from metrics.cli import guarded
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

EXIT_OK = 0


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
        ("figure_sets", "figure sets"), ("audit", "history entries")))
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


def main(argv: Sequence[str] | None = None) -> int:
    return guarded(run, argv, "the storage command failed")


if __name__ == "__main__":
    sys.exit(main())
