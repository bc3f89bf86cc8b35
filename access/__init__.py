"""Who may see and who may edit: the allow-list policy and the caller it makes, with no Streamlit in it."""

from access.caller import Caller
from access.policy import EDITOR, VIEWER, AccessPolicy, PolicyError, Role

__all__ = ["EDITOR", "VIEWER", "AccessPolicy", "Caller", "PolicyError", "Role"]
