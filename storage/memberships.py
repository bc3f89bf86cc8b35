"""The organisations the service knows and who belongs to each: made and changed by administrators (issue 18).

An administrator (named in the [access] configuration, so the first one exists before the database does) makes
an organisation and gives people a role in it: an editor or a viewer, by whole address or by @domain, as the
configuration's lists do. The roles kept here join those the configuration gives (access.Caller.with_roles):
someone on both has the better. Nobody but an administrator may list, make or change them; `roles_of` is what the
sign-in gate reads to build a person's caller, so it takes no caller itself.

Every change is recorded in the organisation's history (entity "organisation" or "membership", keyed by the
member), with who made it and when, in the same transaction. A change to a membership is checked against the
version the administrator saw (StaleEdit when someone changed it since), as panels are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.engine import Connection

from access import EDITOR, VIEWER, Caller, Role
from access.policy import entries_admitting, entry_of
from storage.allowed import UNRESTRICTED, check_administrator
from storage.db import (
    StaleEdit,
    audit_log,
    audit_row,
    check_name,
    memberships,
    names_with_data,
    organisations,
    read_connection,
    utc_now,
    write_transaction,
)

ROLES: tuple[Role, ...] = (EDITOR, VIEWER)
MAX_MEMBERS = 10_000


@dataclass(frozen=True)
class Membership:
    organisation: str
    member: str  # a whole address or an @domain, lower case
    role: Role
    version: int
    updated_by: str | None
    updated_at: datetime


def _membership(row: Any) -> Membership:
    return Membership(row.organisation, row.member, row.role, row.version, row.updated_by, row.updated_at)


def _organisation_name(name: str) -> str:
    name = check_name(name, "the organisation's name")
    if name != name.strip():
        raise ValueError(f"the organisation's name {name!r} has spaces before or after it: write it without them; "
                         "nothing was changed")
    if any(ord(c) < 32 for c in name):
        raise ValueError("the organisation's name has a line break or control character in it: write it on one "
                         "line; nothing was changed")
    return name


def _role(role: str) -> Role:
    if role == EDITOR:
        return EDITOR
    if role == VIEWER:
        return VIEWER
    raise ValueError(f"the role must be {EDITOR!r} or {VIEWER!r}, not {role!r}; nothing was changed")


def known_names(conn: Connection) -> set[str]:
    """Every organisation the service knows: those made, and every name with data (saved before version 5, or
    under the free-text box of an app without sign-in)."""
    return set(conn.execute(select(organisations.c.organisation)).scalars()) | names_with_data(conn)


def known_organisations(engine: Engine, *, caller: Caller = UNRESTRICTED) -> list[str]:
    """The organisations the service knows that the caller may read, by name."""
    with read_connection(engine) as conn:
        found = known_names(conn)
    return sorted(name for name in found if caller.may_read(name))


def create_organisation(engine: Engine, name: str, *, user: str | None = None,
                        caller: Caller = UNRESTRICTED) -> str:
    """Make an organisation the service knows. ValueError, changing nothing, when the name is empty, too long, has
    spaces around it, or matches one already known (ignoring case and spaces between words: "Wexcombe BC" and
    "wexcombe  bc" are the same organisation written twice). NotAllowed unless the caller is an administrator."""
    check_administrator(caller, "make an organisation")
    name = _organisation_name(name)
    folded = " ".join(name.casefold().split())
    with write_transaction(engine) as conn:
        same = sorted(k for k in known_names(conn) if " ".join(k.casefold().split()) == folded)
        if same:
            raise ValueError(f"{same[0]!r} is already an organisation here; nothing was changed (choose it in the "
                             "sidebar, or rename it)")
        at = utc_now()
        conn.execute(insert(organisations).values(organisation=name, created_by=user, created_at=at))
        conn.execute(insert(audit_log).values(audit_row(organisation=name, entity="organisation", entity_key="",
                                                        change="created", before=None, after={"name": name},
                                                        version=1, user=user, at=at)))
    return name


def organisations_with_members(engine: Engine, *, caller: Caller = UNRESTRICTED) -> set[str]:
    """The organisations someone has a role in here (not counting the configuration's): one query, for a list."""
    check_administrator(caller, "list who belongs to an organisation")
    with read_connection(engine) as conn:
        return set(conn.execute(select(memberships.c.organisation).distinct()).scalars())


def members(engine: Engine, organisation: str, *, caller: Caller = UNRESTRICTED) -> list[Membership]:
    """The people (addresses and @domains) given a role in `organisation` here, editors first, then by address."""
    check_administrator(caller, "list who belongs to an organisation")
    organisation = check_name(organisation, "the organisation")
    query = select(memberships).where(memberships.c.organisation == organisation)
    with read_connection(engine) as conn:
        found = [_membership(row) for row in conn.execute(query)]
    return sorted(found, key=lambda m: (ROLES.index(m.role), m.member))


def roles_of(engine: Engine, email: str | None) -> tuple[tuple[str, Role], ...]:
    """The role in each organisation that memberships give a signed-in address (by itself or its @domain), the
    better where both are listed: what the sign-in gate adds to the configuration's roles. None for no address."""
    candidates = entries_admitting(email)
    if not candidates:
        return ()
    query = select(memberships.c.organisation, memberships.c.role).where(memberships.c.member.in_(sorted(candidates)))
    best: dict[str, Role] = {}
    with read_connection(engine) as conn:
        for organisation, role in conn.execute(query):
            if role in ROLES and (organisation not in best or role == EDITOR):
                best[organisation] = role
    return tuple(sorted(best.items()))


def set_member(engine: Engine, organisation: str, member: str, role: str, *, expected_version: int = 0,
               user: str | None = None, caller: Caller = UNRESTRICTED) -> Membership:
    """Give `member` (an address or @domain) `role` in `organisation`: a new membership when `expected_version` is
    0, else a change to the one at that version (StaleEdit, changing nothing, when it has moved on or gone).
    ValueError for an organisation the service does not know, an entry that is no address, or a role that is
    neither editor nor viewer. NotAllowed unless the caller is an administrator."""
    check_administrator(caller, "give someone a role in an organisation")
    organisation = check_name(organisation, "the organisation")
    try:
        entry = entry_of(member)
    except ValueError as error:
        raise ValueError(f"the person is {error}; nothing was changed") from None
    chosen = _role(role)
    with write_transaction(engine) as conn:
        if organisation not in known_names(conn):
            raise ValueError(f"{organisation!r} is not an organisation here: make it first; nothing was changed")
        where = (memberships.c.organisation == organisation, memberships.c.member == entry)
        row = conn.execute(select(memberships).where(*where)).first()
        at = utc_now()
        if expected_version == 0:
            if row is not None:
                raise StaleEdit(row)
            count = conn.execute(select(func.count()).select_from(memberships)
                                 .where(memberships.c.organisation == organisation)).scalar_one()
            if count >= MAX_MEMBERS:
                raise ValueError(f"{organisation!r} has {MAX_MEMBERS:,} people already: give a role by @domain "
                                 "instead; nothing was changed")
            conn.execute(insert(memberships).values(organisation=organisation, member=entry, role=chosen, version=1,
                                                    updated_by=user, updated_at=at))
            before, version, change = None, 1, "created"
        else:
            if row is None or row.version != expected_version:
                raise StaleEdit(row)
            version, change = row.version + 1, "updated"
            before = {"role": row.role}
            conn.execute(update(memberships).where(*where).values(role=chosen, version=version, updated_by=user,
                                                                  updated_at=at))
        conn.execute(insert(audit_log).values(audit_row(organisation=organisation, entity="membership",
                                                        entity_key=entry, change=change, before=before,
                                                        after={"role": chosen}, version=version, user=user, at=at)))
        saved = conn.execute(select(memberships).where(*where)).one()
    return _membership(saved)


def remove_member(engine: Engine, organisation: str, member: str, *, expected_version: int,
                  user: str | None = None, caller: Caller = UNRESTRICTED) -> None:
    """Take `member`'s role in `organisation` away, if still at `expected_version` (StaleEdit otherwise). Their
    role from the configuration, if any, stays: that is changed in .streamlit/secrets.toml."""
    check_administrator(caller, "take someone's role in an organisation away")
    organisation = check_name(organisation, "the organisation")
    entry = entry_of(member)
    with write_transaction(engine) as conn:
        where = (memberships.c.organisation == organisation, memberships.c.member == entry)
        row = conn.execute(select(memberships).where(*where)).first()
        if row is None or row.version != expected_version:
            raise StaleEdit(row)
        conn.execute(delete(memberships).where(*where))
        conn.execute(insert(audit_log).values(audit_row(organisation=organisation, entity="membership",
                                                        entity_key=entry, change="deleted",
                                                        before={"role": row.role}, after=None, version=None,
                                                        user=user, at=utc_now())))


def membership_collisions(conn: Connection, old: str, new: str) -> list[str]:
    """For a rename: the people with a role in both organisations, in words (the rename is refused); else empty."""
    mine = set(conn.execute(select(memberships.c.member).where(memberships.c.organisation == old)).scalars())
    theirs = set(conn.execute(select(memberships.c.member).where(memberships.c.organisation == new)).scalars())
    both = sorted(mine & theirs)
    if not both:
        return []
    return [f"{len(both)} person(s) with a role in both ({', '.join(both[:5])}{'; ...' if len(both) > 5 else ''})"]


def is_made(conn: Connection, name: str) -> bool:
    """Whether `name` is in the organisations table (made, or registered when the database was upgraded)."""
    query = select(organisations.c.organisation).where(organisations.c.organisation == name)
    return conn.execute(query).first() is not None


def move_memberships(conn: Connection, old: str, new: str, user: str | None) -> int:
    """Within a rename's transaction, after membership_collisions found none: `old`'s memberships become `new`'s,
    and `new` is in the organisations table in `old`'s place. The number of memberships moved."""
    moved = conn.execute(update(memberships).where(memberships.c.organisation == old).values(organisation=new))
    conn.execute(delete(organisations).where(organisations.c.organisation == old))
    if not is_made(conn, new):
        conn.execute(insert(organisations).values(organisation=new, created_by=user, created_at=utc_now()))
    return moved.rowcount or 0
