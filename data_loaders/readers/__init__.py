"""Bytes of an uploaded file in, the cells of each sheet out, safely.

The format is decided from the bytes, never the file name: zip -> xlsx/xlsm or ods, OLE2 -> xls,
anything else is read as CSV text. Workbooks are read with python-calamine, but only after the
checks below, because calamine trusts its input: a few kilobytes naming a cell at XFD1048576
(xlsx), a repeated value cell (ods) or a column past 255 (xls) make it allocate hundreds of
gigabytes, and a failed allocation in Rust aborts the whole process rather than raising.

- zip (zip_checks): the central directory is checked first (members, declared sizes, compression
  ratio); then every member is inflated once, streamed and bounded, to check that it is no larger
  than declared, that no XML part has a DOCTYPE, how far the cells of each sheet reach
  (cell_extent; ods for OpenDocument), and that the shared strings declare no more entries than
  they hold.
- xls (xls): the BIFF records of the Workbook stream are walked to find how far each sheet reaches.
- all formats: rows and cells are counted before calamine (calamine) or the CSV reader (csv_text)
  hands them to Python, against the limits (limits); what a person is told is in messages.

This module is the front: read_workbook, read_path, checked_read and local_limits. Nothing is
written to disk.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from data_loaders.errors import InputError
from data_loaders.readers.calamine import read_with_calamine
from data_loaders.readers.csv_text import read_csv
from data_loaders.readers.limits import limit, local_limits, too_big
from data_loaders.readers.messages import empty_file
from data_loaders.readers.xls import OLE2_MAGIC, check_ole2
from data_loaders.readers.zip_checks import EMPTY_ZIP_MAGIC, ZIP_MAGIC, check_zip
from data_loaders.report import RawSheet

__all__ = ["checked_read", "local_limits", "read_path", "read_workbook"]


def read_path(path: str | os.PathLike[str], *, columnar: bool = False) -> list[RawSheet]:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > limit('MAX_FILE_BYTES'):
            raise too_big(path.name, size)
        data = path.read_bytes()
    except OSError as error:
        raise InputError(
            f"the file could not be opened ({error.strerror or error})",
            file=path.name,
            advice="Check the file name, close it in any other program and try again.",
        ) from error
    return read_workbook(path.name, data, columnar=columnar)



def read_workbook(name: str, data: bytes, *, columnar: bool = False) -> list[RawSheet]:
    """Every sheet of an xlsx/xlsm/xls/ods workbook or a CSV, as RawSheets (a CSV gives one
    RawSheet whose name is ""). Raises InputError for anything unusable. Writes nothing to disk.

    `columnar`: a large CSV may come back as its first records in `rows` and the rest in `body`
    (for data_loaders.tables, which reads both); otherwise every record is in `rows`."""
    return checked_read(name, data, columnar=columnar)()


def checked_read(name: str, data: bytes, *, columnar: bool = False) -> Callable[[], list[RawSheet]]:
    """read_workbook in two steps: the checks on the bytes now (raising InputError for anything they
    refuse), then the returned call to read the cells. The checks hold the GIL; most of the read
    (calamine's parse of a sheet, pyarrow's of a CSV) does not, so a caller may run the read on another
    thread while this one does other work (pipeline.api.read_paths)."""
    if len(data) > limit('MAX_FILE_BYTES'):
        raise too_big(name, len(data))
    if not data or data.isspace():  # isspace does not copy a 100 MB file as strip would
        raise empty_file(name)
    if data.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
        check_zip(name, data)
        return lambda: read_with_calamine(name, data)
    if data.startswith(OLE2_MAGIC):
        check_ole2(name, data)
        return lambda: read_with_calamine(name, data)
    return lambda: read_csv(name, data, columnar)
