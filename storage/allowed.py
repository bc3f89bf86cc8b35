"""Storage's own check of who may read and who may change an organisation's data, so no page can forget it.

Every public function that reads or writes an organisation's panels, action plan, settings, figure sets,
history or backup takes `caller` (access.Caller) and raises NotAllowed, changing nothing, when the caller
may not. The default, Caller.unrestricted(), is the server's operator: the command line. The app always
passes the signed-in person's caller (tests/test_organisation_access.py checks every call it makes does).
"""

from __future__ import annotations

from collections.abc import Iterable

from access import Caller
from data_loaders.errors import InputError

UNRESTRICTED = Caller.unrestricted()


class NotAllowed(InputError):
    """The caller may not read, or may not change, this organisation's data (or the backup); nothing was changed."""


def _who(caller: Caller) -> str:
    return caller.identity or "This account"


def check_read(caller: Caller, organisation: str) -> None:
    if not isinstance(caller, Caller):
        raise TypeError("caller must be an access.Caller")
    if not caller.may_read(organisation):
        raise NotAllowed(f"{_who(caller)} may not read {organisation!r}: that needs the viewer or editor role in "
                         "it; nothing was read",
                         advice="Ask the dashboard's administrator to add you to that organisation")


def check_edit(caller: Caller, organisation: str) -> None:
    if not isinstance(caller, Caller):
        raise TypeError("caller must be an access.Caller")
    if not caller.may_edit(organisation):
        has = caller.role_in(organisation)
        now = f" (you are a {has} there)" if has else ""
        raise NotAllowed(f"{_who(caller)} may not change {organisation!r}: that needs the editor role in it{now}; "
                         "nothing was changed",
                         advice="Ask the dashboard's administrator to make you an editor of that organisation")


def check_shared(caller: Caller, organisation: str, *, shares: bool, latest: bool) -> None:
    """For figures of an organisation the caller may not read, shown to them only as published: refuse unless the
    caller has a role here, the organisation shares its published figures for benchmarking, and these are its
    latest whole-organisation figures (what it shares)."""
    if not isinstance(caller, Caller):
        raise TypeError("caller must be an access.Caller")
    if not caller.has_a_role:
        check_read(caller, organisation)
    if caller.may_read(organisation):
        return
    if not shares:
        raise NotAllowed(f"{_who(caller)} may not see {organisation!r}'s figures: it does not share its published "
                         "figures for benchmarking (or no longer does); nothing was read",
                         advice="Its editors can choose to share them, on its Settings page")
    if not latest:
        raise NotAllowed(f"{_who(caller)} may not see these figures of {organisation!r}: it shares only its latest "
                         "whole-organisation figures; nothing was read")


def check_edit_all(caller: Caller, organisations: Iterable[str]) -> None:
    for organisation in sorted(set(organisations)):
        check_edit(caller, organisation)


def check_administrator(caller: Caller, what: str) -> None:
    if not isinstance(caller, Caller):
        raise TypeError("caller must be an access.Caller")
    if not caller.administrator:
        raise NotAllowed(f"{_who(caller)} may not {what}: that needs the administrator role; nothing was changed",
                         advice="Ask the dashboard's administrator")


def readable(caller: Caller, organisations: Iterable[str]) -> list[str]:
    """The organisations of `organisations` the caller may read, in the order given."""
    return [o for o in organisations if caller.may_read(o)]
