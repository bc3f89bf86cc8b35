"""What people write in the dashboard (panels, the action plan) and each organisation's settings.

No Streamlit here: the app passes in a SQLAlchemy Engine (from `st.connection("sql").engine` or
`make_engine()`), then calls `create_schema(engine)` once at start.
"""

from storage.actions import (
    RAG_MEANINGS,
    Action,
    ActionConflict,
    SaveResult,
    actions_for_metric,
    load_actions,
    save_actions,
)
from storage.db import (
    MAX_TEXT_CHARS,
    SCHEMA_VERSION,
    StaleEdit,
    configure_engine,
    create_schema,
    database_url,
    make_engine,
    stored_schema_version,
)
from storage.organisation_settings import (
    SavedSettings,
    load_saved_settings,
    load_settings,
    save_settings,
    settings_from_values,
    settings_to_values,
)
from storage.panels import PANEL_KINDS, Panel, load_panel, load_panels, save_panel

__all__ = [
    "MAX_TEXT_CHARS",
    "PANEL_KINDS",
    "RAG_MEANINGS",
    "SCHEMA_VERSION",
    "Action",
    "ActionConflict",
    "Panel",
    "SaveResult",
    "SavedSettings",
    "StaleEdit",
    "actions_for_metric",
    "configure_engine",
    "create_schema",
    "database_url",
    "load_actions",
    "load_panel",
    "load_panels",
    "load_saved_settings",
    "load_settings",
    "make_engine",
    "save_actions",
    "save_panel",
    "save_settings",
    "settings_from_values",
    "settings_to_values",
    "stored_schema_version",
]
