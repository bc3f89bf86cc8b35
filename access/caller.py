"""Who is acting, and on which organisations they may read or edit: built from the allow-list for a
signed-in person (access.policy), or unrestricted for the server's operator and for an app without sign-in.

Storage takes a Caller on every read and write of an organisation's data, and refuses what it may not do.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Role = Literal["viewer", "editor"]
VIEWER: Role = "viewer"
EDITOR: Role = "editor"

_RANK: dict[Role | None, int] = {None: 0, VIEWER: 1, EDITOR: 2}


@dataclass(frozen=True)
class Caller:
    """`identity`: the signed-in address (None when nobody signed in). `administrator`: every organisation,
    the backup of them all and importing. `everywhere`: the role in every organisation (today's top-level
    editors and viewers lists). `roles`: the role in each named organisation."""

    identity: str | None = None
    administrator: bool = False
    everywhere: Role | None = None
    roles: tuple[tuple[str, Role], ...] = ()
    unrestricted_access: bool = False
    # Organisations the caller may read without belonging to them (the built-in sample): not in `organisations`.
    reading_too: tuple[str, ...] = ()

    @classmethod
    def unrestricted(cls) -> Caller:
        """The server's operator (the command line) and the app without sign-in configured: everything."""
        return cls(identity=None, administrator=True, everywhere=EDITOR, unrestricted_access=True)

    def with_roles(self, roles: tuple[tuple[str, Role], ...]) -> Caller:
        """This caller with `roles` in named organisations besides its own (the memberships an administrator kept in
        the database, beside those in the configuration); the best role in each counts."""
        return replace(self, roles=tuple(dict.fromkeys((*self.roles, *roles))))

    def also_reading(self, *organisations: str) -> Caller:
        """This caller, able to read `organisations` too (as a viewer, unless they already have a better role)."""
        return replace(self, reading_too=tuple(dict.fromkeys((*self.reading_too, *organisations))))

    def role_in(self, organisation: str) -> Role | None:
        """The caller's role in `organisation` (the best of every-organisation, named and read-too), None for none."""
        if self.administrator:
            return EDITOR
        best = self.everywhere
        if best is None and organisation in self.reading_too:
            best = VIEWER
        for name, role in self.roles:
            if name == organisation and _RANK[role] > _RANK[best]:
                best = role
        return best

    def may_read(self, organisation: str) -> bool:
        return self.role_in(organisation) is not None

    def may_edit(self, organisation: str) -> bool:
        return self.role_in(organisation) == EDITOR

    @property
    def organisations(self) -> tuple[str, ...] | None:
        """The named organisations the caller belongs to, in name order; None when it is every organisation."""
        if self.administrator or self.everywhere is not None:
            return None
        return tuple(sorted({name for name, _role in self.roles}))

    @property
    def edited_organisations(self) -> tuple[str, ...] | None:
        """The named organisations the caller may edit; None when it is every organisation."""
        if self.administrator or self.everywhere == EDITOR:
            return None
        return tuple(sorted({name for name, role in self.roles if role == EDITOR}))

    @property
    def has_a_role(self) -> bool:
        """Whether the caller is a viewer, editor or administrator of any organisation here (reading the built-in
        sample does not count): who may see the figures other organisations share for benchmarking."""
        return self.administrator or self.everywhere is not None or bool(self.roles)

    @property
    def may_edit_somewhere(self) -> bool:
        return self.edited_organisations is None or bool(self.edited_organisations)

    @property
    def may_import(self) -> bool:
        return self.administrator

    def describe(self) -> str:
        """Who the caller is, for messages: the address, or what runs unrestricted."""
        if self.unrestricted_access:
            return "the server (no sign-in)"
        return self.identity or "this account"
