"""A file in a cache's key by its fingerprint (data_loaders.Source.fingerprint; ui.state's caches): cheap to ask
again, and two files that differ only in their bytes are never taken for one another."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from data_loaders.source import Source
from ui.state import kept


def test_the_same_file_has_the_same_fingerprint_and_another_file_another():
    a = Source("staff.csv", b"Employee No,Ethnicity\n1,White British\n", None)
    assert a.fingerprint() == Source("staff.csv", bytes(bytearray(a.data)), None).fingerprint()  # equal bytes
    assert a.fingerprint() != Source("staff.csv", b"Employee No,Ethnicity\n1,Black African\n", None).fingerprint()
    assert a.fingerprint() != a._replace(name="staff2.csv").fingerprint()
    assert a.fingerprint() != a._replace(dataset="staff").fingerprint()


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=64), st.binary(min_size=1, max_size=64))
def test_files_of_the_same_name_and_size_differing_in_their_bytes_differ(one: bytes, other: bytes):
    if len(one) != len(other) or one == other:
        other = bytes(b ^ 1 for b in one)  # the same size, other bytes
    assert Source("f.xlsx", one, None).fingerprint() != Source("f.xlsx", other, None).fingerprint()


def test_a_kept_cache_tells_two_files_of_the_same_name_and_size_apart():
    calls: list[bytes] = []

    @kept(max_entries=4, spinner=False, shared=lambda args: True)
    def first_bytes(sources: tuple[Source, ...]) -> bytes:
        calls.append(sources[0].data)
        return sources[0].data

    one = (Source("staff.xlsx", b"AAAA", None),)
    two = (Source("staff.xlsx", b"AAAB", None),)
    assert first_bytes(one) == b"AAAA"
    assert first_bytes(two) == b"AAAB"
    assert first_bytes((Source("staff.xlsx", b"AAAA", None),)) == b"AAAA"  # equal bytes, another object: a hit
    assert calls == [b"AAAA", b"AAAB"]
    first_bytes.clear()
