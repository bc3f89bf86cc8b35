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

    def fingerprint(self) -> tuple[str, str | None, int, int]:
        """What tells this file from another within one process, in constant time once taken: its name, dataset,
        size and Python's hash of its bytes (a 64-bit keyed hash, computed once and then kept by the bytes object,
        so the same file asked again costs nothing). A cache keyed on it does not read the file's bytes on every
        lookup, as hashing the bytes themselves did (issue 29). Not for keeping across processes: the hash's key
        changes with every process."""
        return self.name, self.dataset, len(self.data), hash(self.data)

