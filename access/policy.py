"""The allow-list: which signed-in email addresses may read the dashboard, and which may edit it.

Configured in `.streamlit/secrets.toml` beside `[auth]`:

    [access]
    editors = ["sam.patel@wexcombe.gov.uk", "@workforce.wexcombe.gov.uk"]
    viewers = ["@wexcombe.gov.uk"]

An entry is a whole address or "@domain" (that domain exactly: "@wexcombe.gov.uk" does not admit
"someone@evil-wexcombe.gov.uk" or "someone@wexcombe.gov.uk.example.com"). Editors can also read.
Matching ignores case and surrounding spaces. Anyone not listed is refused: the policy fails closed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Role = Literal["viewer", "editor"]
VIEWER: Role = "viewer"
EDITOR: Role = "editor"
MAX_ENTRIES = 10_000


class PolicyError(ValueError):
    """The [access] configuration cannot be used; the message says what to fix."""


def _entries(value: Any, name: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise PolicyError(f"[access] {name} must be a list of addresses or @domains, e.g. "
                          f'{name} = ["sam.patel@wexcombe.gov.uk", "@wexcombe.gov.uk"]')
    found = set()
    for item in value:
        if not isinstance(item, str):
            raise PolicyError(f"[access] {name} holds {item!r}, which is not an address or @domain")
        entry = item.strip().lower()
        local, at, domain = entry.rpartition("@")
        if not at or not domain or "." not in domain or " " in entry or entry.count("@") > 1:
            raise PolicyError(f"[access] {name} holds {item!r}: write a whole address (name@council.gov.uk) "
                              "or a domain starting with @ (@council.gov.uk)")
        found.add(entry if local else f"@{domain}")
    if len(found) > MAX_ENTRIES:
        raise PolicyError(f"[access] {name} has more than {MAX_ENTRIES:,} entries")
    return frozenset(found)


@dataclass(frozen=True)
class AccessPolicy:
    editors: frozenset[str] = frozenset()
    viewers: frozenset[str] = frozenset()

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any] | None) -> AccessPolicy:
        config = dict(config or {})
        unknown = set(config) - {"editors", "viewers"}
        if unknown:
            raise PolicyError(f"[access] has settings this app does not know: {', '.join(sorted(unknown))}; "
                              "use editors and viewers")
        return cls(_entries(config.get("editors"), "editors"), _entries(config.get("viewers"), "viewers"))

    @property
    def empty(self) -> bool:
        return not self.editors and not self.viewers

    def role_for(self, email: str | None) -> Role | None:
        """The role of a signed-in address, or None when it is not allowed in."""
        if not email or not isinstance(email, str):
            return None
        address = email.strip().lower()
        local, at, domain = address.rpartition("@")
        if not local or not at or not domain:
            return None
        candidates = {address, f"@{domain}"}
        if candidates & self.editors:
            return EDITOR
        if candidates & self.viewers:
            return VIEWER
        return None
