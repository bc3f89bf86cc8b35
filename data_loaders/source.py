"""A file as it was given to be read."""

from __future__ import annotations

from typing import NamedTuple


class Source(NamedTuple):
    """A file's name (without its folder), its bytes, and the dataset it was said to hold (None: its sheets'
    names and headings say). A tuple, so a tuple of sources can be a cache key: it hashes and compares by its
    contents, as the plain (name, data, dataset) tuples it replaced did."""

    name: str
    data: bytes
    dataset: str | None
