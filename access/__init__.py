"""Who may see and who may edit: the allow-list policy, with no Streamlit in it."""

from access.policy import EDITOR, VIEWER, AccessPolicy, PolicyError, Role

__all__ = ["EDITOR", "VIEWER", "AccessPolicy", "PolicyError", "Role"]
