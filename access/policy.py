"""The allow-list: which signed-in email addresses may read the dashboard, and which may edit it.

Configured in `.streamlit/secrets.toml` beside `[auth]`:

    [access]
    administrators = ["it.lead@region.gov.uk"]   # every organisation, the backup of them all, importing
    editors = ["@workforce.wexcombe.gov.uk"]     # editors of every organisation (a server for one council)
    viewers = []
    [access.organisations."Wexcombe Borough Council"]
    editors = ["sam.patel@wexcombe.gov.uk"]
    viewers = ["@wexcombe.gov.uk"]

The top-level editors and viewers are of every organisation, as before organisations were named; the
lists under [access.organisations."Name"] are of that organisation only. Someone on more than one list
has the best role each gives them. An entry is a whole address or "@domain" (that domain exactly:
"@wexcombe.gov.uk" does not admit "someone@evil-wexcombe.gov.uk" or "someone@wexcombe.gov.uk.example.com").
Editors can also read.
Matching ignores case and surrounding spaces. Anyone not listed is refused: the policy fails closed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from access.caller import EDITOR, VIEWER, Caller, Role

__all__ = ["EDITOR", "VIEWER", "AccessPolicy", "Caller", "OrganisationAccess", "PolicyError", "Role",
           "entries_admitting", "entry_of"]
MAX_ENTRIES = 10_000
MAX_ENTRY_CHARS = 200


class PolicyError(ValueError):
    """The [access] configuration cannot be used; the message says what to fix."""


def entry_of(item: Any) -> str:
    """An allow-list entry as stored and matched: a whole address or an @domain, lower case, no spaces around.
    ValueError naming the item and what to write instead."""
    if not isinstance(item, str):
        raise ValueError(f"{item!r}, which is not an address or @domain")
    entry = item.strip().lower()
    local, at, domain = entry.rpartition("@")
    if not at or not domain or "." not in domain or any(c.isspace() for c in entry) or entry.count("@") > 1 \
            or len(entry) > MAX_ENTRY_CHARS:
        raise ValueError(f"{item!r}: write a whole address (name@council.gov.uk) or a domain starting with @ "
                         "(@council.gov.uk)")
    return entry if local else f"@{domain}"


def _entries(value: Any, name: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise PolicyError(f"[access] {name} must be a list of addresses or @domains, e.g. "
                          f'{name} = ["sam.patel@wexcombe.gov.uk", "@wexcombe.gov.uk"]')
    found = set()
    for item in value:
        try:
            found.add(entry_of(item))
        except ValueError as error:
            raise PolicyError(f"[access] {name} holds {error}") from None
    if len(found) > MAX_ENTRIES:
        raise PolicyError(f"[access] {name} has more than {MAX_ENTRIES:,} entries")
    return frozenset(found)


LISTS = ("editors", "viewers")
MAX_ORGANISATIONS = 1_000
MAX_ORGANISATION_CHARS = 200


def entries_admitting(email: str | None) -> set[str]:
    """The entries that would admit `email`: itself and its @domain; none for something not an address."""
    if not email or not isinstance(email, str):
        return set()
    address = email.strip().lower()
    local, at, domain = address.rpartition("@")
    if not local or not at or not domain:
        return set()
    return {address, f"@{domain}"}


def _role(candidates: set[str], editors: frozenset[str], viewers: frozenset[str]) -> Role | None:
    if candidates & editors:
        return EDITOR
    if candidates & viewers:
        return VIEWER
    return None


@dataclass(frozen=True)
class OrganisationAccess:
    """Who may edit and who may read one named organisation."""

    name: str
    editors: frozenset[str] = frozenset()
    viewers: frozenset[str] = frozenset()


def _organisations(value: Any) -> tuple[OrganisationAccess, ...]:
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise PolicyError('[access] organisations must be sections named after each organisation, e.g. '
                          '[access.organisations."Wexcombe Borough Council"] with editors and viewers under it')
    if len(value) > MAX_ORGANISATIONS:
        raise PolicyError(f"[access] organisations has more than {MAX_ORGANISATIONS:,} organisations")
    found = []
    for name, lists in value.items():
        if not isinstance(name, str) or not name.strip() or name != name.strip():
            raise PolicyError(f"[access] organisations has a section named {name!r}: name each organisation as the "
                              "dashboard shows it, with no spaces before or after")
        if len(name) > MAX_ORGANISATION_CHARS:
            raise PolicyError(f"[access] organisations has a name longer than {MAX_ORGANISATION_CHARS} characters")
        where = f'organisations."{name}"'
        if not isinstance(lists, Mapping):
            raise PolicyError(f"[access] {where} must be a section with editors and viewers under it")
        unknown = set(lists) - set(LISTS)
        if unknown:
            raise PolicyError(f"[access] {where} has settings this app does not know: {', '.join(sorted(unknown))}; "
                              "use editors and viewers (administrators are of every organisation, so they go "
                              "under [access] itself)")
        found.append(OrganisationAccess(name, _entries(lists.get("editors"), f"{where}.editors"),
                                        _entries(lists.get("viewers"), f"{where}.viewers")))
    return tuple(found)


@dataclass(frozen=True)
class AccessPolicy:
    editors: frozenset[str] = frozenset()
    viewers: frozenset[str] = frozenset()
    administrators: frozenset[str] = frozenset()
    organisations: tuple[OrganisationAccess, ...] = ()

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any] | None) -> AccessPolicy:
        config = dict(config or {})
        unknown = set(config) - {"administrators", "editors", "viewers", "organisations"}
        if unknown:
            raise PolicyError(f"[access] has settings this app does not know: {', '.join(sorted(unknown))}; "
                              "use administrators, editors, viewers and organisations")
        return cls(_entries(config.get("editors"), "editors"), _entries(config.get("viewers"), "viewers"),
                   _entries(config.get("administrators"), "administrators"),
                   _organisations(config.get("organisations")))

    @property
    def empty(self) -> bool:
        return not (self.editors or self.viewers or self.administrators
                    or any(o.editors or o.viewers for o in self.organisations))

    def role_for(self, email: str | None) -> Role | None:
        """The role of a signed-in address in every organisation (administrators edit), else None."""
        candidates = entries_admitting(email)
        if candidates & self.administrators:
            return EDITOR
        return _role(candidates, self.editors, self.viewers)

    def caller_for(self, email: str | None) -> Caller | None:
        """Who a signed-in address acts as, or None when it is on no list at all (it is not let in)."""
        candidates = entries_admitting(email)
        if not candidates:
            return None
        administrator = bool(candidates & self.administrators)
        everywhere = _role(candidates, self.editors, self.viewers)
        roles = tuple((o.name, role) for o in self.organisations
                      if (role := _role(candidates, o.editors, o.viewers)) is not None)
        if not administrator and everywhere is None and not roles:
            return None
        return Caller(identity=email.strip().lower() if isinstance(email, str) else None,
                      administrator=administrator, everywhere=EDITOR if administrator else everywhere, roles=roles)
