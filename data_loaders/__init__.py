"""Bytes in, canonical frames out: spreadsheets as HR systems export them, read without editing."""

from data_loaders.errors import InputError
from data_loaders.load import load_files, load_paths, load_sheets
from data_loaders.report import LoadedData
from data_loaders.schema import DATASETS, SCHEMAS

__all__ = ["DATASETS", "SCHEMAS", "InputError", "LoadedData", "load_files", "load_paths", "load_sheets"]
