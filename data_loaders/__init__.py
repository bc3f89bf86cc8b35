"""Bytes in, canonical frames out: spreadsheets as HR systems export them, read without editing.

The names below are looked up on first use, not imported with the package: `data_loaders.readers`
(numpy and calamine) can then start reading a file while pandas, which only the later stages
need, is still importing (see pipeline.api.read_paths).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "DATASETS": "data_loaders.schema",
    "SCHEMAS": "data_loaders.schema",
    "InputError": "data_loaders.errors",
    "LoadedData": "data_loaders.report",
    "Source": "data_loaders.source",
    "load_sheets": "data_loaders.load",
}

__all__ = ["DATASETS", "SCHEMAS", "InputError", "LoadedData", "Source", "load_sheets"]

if TYPE_CHECKING:
    from data_loaders.errors import InputError
    from data_loaders.load import load_sheets
    from data_loaders.report import LoadedData
    from data_loaders.schema import DATASETS, SCHEMAS
    from data_loaders.source import Source


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        # Submodules (`from data_loaders import values`) are found by the import system itself.
        raise AttributeError(f"module 'data_loaders' has no attribute '{name}'")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value
