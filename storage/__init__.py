"""What people write in the dashboard (panels, the action plan), each organisation's settings and
saved figure sets (counts by group for a period, for trends); the history of every change, with
restore; and a backup of all of it that can be imported into another database.

Every function that reads or writes an organisation's data takes `caller` (access.Caller) and raises
NotAllowed when the caller may not (storage.allowed); the default is the server's operator, unrestricted.

No Streamlit here: the app passes in a SQLAlchemy Engine (from `st.connection("sql").engine` or
`make_engine()`), then calls `create_schema(engine)` once at start.
"""

from storage.actions import (
    RAG_MEANINGS,
    Action,
    ActionConflict,
    SaveResult,
    action_from_state,
    actions_for_metric,
    load_actions,
    save_actions,
)
from storage.allowed import NotAllowed
from storage.audit import (
    AuditEntry,
    action_history,
    history,
    panel_history,
    restore_action,
    restore_panel,
    restore_settings,
)
from storage.backup import (
    ImportReport,
    backup_bytes,
    export_all,
    exported_organisations,
    import_all,
    import_file,
    read_backup,
    write_backup,
)
from storage.db import (
    MAX_TEXT_CHARS,
    SCHEMA_VERSION,
    DatabaseUnavailable,
    StaleEdit,
    configure_engine,
    create_schema,
    database_url,
    make_engine,
    open_database,
    prepare_location,
    sqlite_file,
    stored_schema_version,
)
from storage.figure_sets import (
    FigureSetSummary,
    counting_choices,
    delete_figure_set,
    list_figure_sets,
    load_figure_set,
    load_figure_sets,
    made_with_of,
    organisations_with_figures,
    save_figure_set,
    scope_of,
)
from storage.memberships import (
    Membership,
    create_organisation,
    known_organisations,
    members,
    remove_member,
    roles_of,
    set_member,
)
from storage.organisation_settings import (
    SavedSettings,
    load_saved_settings,
    load_settings,
    save_settings,
    settings_from_values,
    settings_to_values,
)
from storage.organisations import RenameReport, StoredOrganisation, rename_organisation, stored_organisations
from storage.panels import PANEL_KINDS, Panel, load_panel, load_panels, panel_scope, save_panel, scope_words

__all__ = [
    "MAX_TEXT_CHARS",
    "PANEL_KINDS",
    "RAG_MEANINGS",
    "SCHEMA_VERSION",
    "Action",
    "ActionConflict",
    "AuditEntry",
    "FigureSetSummary",
    "ImportReport",
    "Membership",
    "NotAllowed",
    "Panel",
    "RenameReport",
    "SaveResult",
    "SavedSettings",
    "StaleEdit",
    "StoredOrganisation",
    "action_from_state",
    "action_history",
    "actions_for_metric",
    "backup_bytes",
    "configure_engine",
    "counting_choices",
    "create_organisation",
    "create_schema",
    "database_url",
    "delete_figure_set",
    "export_all",
    "exported_organisations",
    "history",
    "import_all",
    "import_file",
    "known_organisations",
    "list_figure_sets",
    "load_actions",
    "load_figure_set",
    "load_figure_sets",
    "load_panel",
    "load_panels",
    "load_saved_settings",
    "load_settings",
    "made_with_of",
    "make_engine",
    "members",
    "open_database",
    "prepare_location",
    "sqlite_file",
    "DatabaseUnavailable",
    "organisations_with_figures",
    "panel_history",
    "panel_scope",
    "read_backup",
    "remove_member",
    "rename_organisation",
    "restore_action",
    "restore_panel",
    "restore_settings",
    "roles_of",
    "save_actions",
    "save_figure_set",
    "save_panel",
    "scope_words",
    "save_settings",
    "scope_of",
    "set_member",
    "settings_from_values",
    "settings_to_values",
    "stored_organisations",
    "stored_schema_version",
    "write_backup",
]
