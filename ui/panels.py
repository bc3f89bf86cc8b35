"""The three panels under each metric, saved so the next person sees them.

Each panel remembers the version it was loaded at; a save that would overwrite someone
else's newer text is refused by storage, and their text is shown beside the person's own,
which stays in the box: nothing is lost silently.

Panels are kept per scope (storage.panel_scope: the standard and any filter, such as one service): the text
in view is the text written for the figures in view. A scope with nothing written offers the whole
organisation's text as a starting point, labelled as such. A saved panel keeps the metric's figures in words
(metrics.formatting.figure_words); when today's differ, the panel says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import streamlit as st

from storage import (
    PANEL_KINDS,
    AuditEntry,
    Panel,
    StaleEdit,
    load_panels,
    panel_history,
    restore_panel,
    save_panel,
    scope_words,
)
from ui import access, db, drafts, per_run, sidebar
from ui.safe import md


def save_label(label: str) -> str:
    """The Save button's words for the panel labelled `label`: its accessible name says which panel it saves, not
    only where it sits ("Save what we've achieved")."""
    return f"Save {label[:1].lower()}{label[1:]}"


# Each panel's Save button's words, by the panel's kind (storage.PANEL_KINDS).
SAVE_LABELS: dict[str, str] = {kind: save_label(label) for kind, label in PANEL_KINDS.items()}


# Said beside the version saved now in a history, which is never offered to be restored: it is already there.
CURRENT_VERSION = "current version"


# (organisation, period, metric, kind, scope): one panel, as storage keys it.
_Where = tuple[str, str, str, str, str]


def _text_key(where: _Where) -> str:
    """The panel's box's widget key: the only one of its keys in the session's top level."""
    organisation, period, metric, kind, scope = where
    return f"panel_{metric}_{kind}_{organisation}_{period}" + (f"_{scope}" if scope else "")


def history_key(text_key: str) -> str:
    """The key of the panel's History expander (its open state)."""
    return f"{text_key}_history"


# What the session remembers of each panel beside its box, by the box's key, under one key of the session state.
# Streamlit looks through the whole session state for every widget it draws, so a handful of keys per panel, for
# every panel under every service a person has opened, made every later rerun slower (issue 29).
_MEMOS = "panel_memos"


@dataclass
class Memo:
    version: int = 0  # the version the box was loaded at (a save expects it)
    figures: str | None = None  # the metric's figures in words as this person sees them, saved with the text
    prefill: str = ""  # the engine's sentence the box was filled with, if it was
    baseline: str = ""  # what the box holds with nothing typed: the saved text, or the engine's sentence
    outcome: tuple[str, Any] | None = None  # the last save's or restore's outcome, shown under the box
    history_open: bool = False  # whether the person has the panel's History open


def _memo(text_key: str) -> Memo:
    memos: dict[str, Memo] = st.session_state.setdefault(_MEMOS, {})
    if text_key not in memos:
        memos[text_key] = Memo()
    return memos[text_key]


def _keep_draft(where: _Where) -> None:
    # A callback, so it runs even when the person types and then goes straight to another page: Streamlit
    # forgets the box's value in a run that does not draw it, and the words would be lost without a trace.
    text_key = _text_key(where)
    memo = _memo(text_key)
    organisation, period, metric, kind, scope = where
    text = st.session_state.get(text_key, "")
    if text == memo.baseline:
        drafts.forget(text_key)
    else:
        drafts.put(text_key, drafts.Draft(organisation, period, metric, kind, text, memo.version, scope))


def _when(panel: Panel) -> str:
    if not panel.version or panel.updated_at is None:
        return "Not saved yet."
    moment = panel.updated_at
    return f"Last saved by {md(panel.updated_by or 'someone')} on {moment.day} {moment:%B %Y at %H:%M} (UTC)."


def _save(where: _Where) -> None:
    text_key = _text_key(where)
    memo = _memo(text_key)
    organisation, period, metric, kind, scope = where
    if not access.can_edit():  # the button is not offered; a forged click still changes nothing
        memo.outcome = ("invalid", "Not saved: saving needs the editor role.")
        return
    try:
        saved = save_panel(db.engine(), organisation, period, metric, kind, st.session_state[text_key],
                           expected_version=memo.version, user=sidebar.user(), scope=scope, figures=memo.figures,
                           caller=access.caller())
    except StaleEdit as stale:
        # They have now seen the newer text: a second save is a decision, not an accident.
        memo.version = stale.current.version
        memo.outcome = ("stale", stale.current)
        _keep_draft(where)
        return
    except ValueError as error:
        memo.outcome = ("invalid", str(error))
        return
    memo.version = saved.version
    memo.outcome = ("saved", saved)
    memo.baseline = saved.text
    drafts.forget(text_key)


def _restore(where: _Where, entry_id: int) -> None:
    text_key = _text_key(where)
    memo = _memo(text_key)
    if not access.can_edit():
        memo.outcome = ("invalid", "Not restored: restoring needs the editor role.")
        return
    try:
        restored = restore_panel(db.engine(), entry_id, user=sidebar.user(), expected_version=memo.version,
                                 caller=access.caller())
    except StaleEdit as stale:
        memo.version = stale.current.version
        memo.outcome = ("stale", stale.current)
        return
    except (LookupError, ValueError) as error:
        memo.outcome = ("invalid", f"Not restored: {error}")
        return
    st.session_state[text_key] = restored.text
    memo.version = restored.version
    memo.outcome = ("restored", restored)
    memo.baseline = restored.text
    drafts.forget(text_key)


# A panel's history, by the database, the panel and the version it has now (read from the database on every run,
# so a save in another process or session is seen): every change to a panel gives it a new version, so the history
# of one version never changes. Kept for the most recent panels in this process; three fewer queries a rerun.
_HISTORIES = per_run.ByIdentity(max_entries=512)


def versioned_history(where: _Where, current: int) -> list[AuditEntry]:
    """The panel's last 50 changes, newest first, as they stood at version `current`. Call only once the caller
    has read the organisation's panels (load_panels checks the same right to read)."""
    engine = db.engine()
    organisation, period, metric, kind, scope = where

    def read() -> list[AuditEntry]:
        return panel_history(engine, organisation, period, metric, kind, limit=50, scope=scope,
                             caller=access.caller())

    def as_the_version_said(entries: object) -> bool:  # not read mid-save elsewhere
        return not current or bool(entries) and cast("list[AuditEntry]", entries)[0].version == current

    return cast("list[AuditEntry]", _HISTORIES.get_or_make(
        (), (engine.url.render_as_string(hide_password=True), where, current), read, as_the_version_said))


def _history(where: _Where, editor: bool, current: int) -> None:
    """Every saved version, newest first; each but the `current` one (the version saved now) can be restored."""
    entries = versioned_history(where, current)
    if not entries:
        return
    # Drawn only while open (Streamlit's lazy expander: opening it reruns the page): a panel saved fifty times
    # would otherwise send a hundred and fifty elements on every rerun of its page, open or not (issue 29).
    # Kept open when a save or restore changes its label (Streamlit would take it for another expander, closed).
    memo = _memo(_text_key(where))
    with st.expander(f"History ({len(entries)})", key=history_key(_text_key(where)), on_change="rerun",
                     expanded=memo.history_open) as shown:
        memo.history_open = bool(shown.open)
        if not shown.open:
            return
        for entry in entries:
            text = (entry.recorded or {}).get("text", "")
            when = entry.changed_at
            is_current = bool(entry.version) and entry.version == current
            st.caption(f"{entry.change.capitalize()} by {md(entry.changed_by or 'someone')} on "
                       f"{when.day} {when:%B %Y at %H:%M} (UTC)"
                       + (f", version {entry.version}" if entry.version else "")
                       + (f": {CURRENT_VERSION}" if is_current else ""))
            st.text(text if len(text) <= 600 else text[:600] + " …")
            if editor and entry.version and not is_current:
                st.button("Restore this version", key=f"panel_restore_{entry.id}", on_click=_restore,
                          args=(where, entry.id), icon=":material/history:")


def _take_theirs(where: _Where, theirs: Panel) -> None:
    text_key = _text_key(where)
    memo = _memo(text_key)
    st.session_state[text_key] = theirs.text
    memo.version = theirs.version
    memo.outcome = None
    memo.baseline = theirs.text
    drafts.forget(text_key)


def _start_from(where: _Where, text: str) -> None:
    text_key = _text_key(where)
    st.session_state[text_key] = text
    _keep_draft(where)


def stale_note(panel: Panel, figures: str | None) -> str:
    """Words for a saved panel written against other figures than today's; "" when they agree or are not known."""
    if not panel.version or not panel.text.strip() or panel.figures is None or figures is None \
            or panel.figures == figures:
        return ""
    return (f"Written when the figures were {panel.figures}; now {figures}. Check the text still holds, change it "
            "if not, and press its Save button to record that it was checked against today's figures.")


def render(organisation: str, period: str, metric: str, engine_sentence: str | Callable[[], str], *,
           scope: str = "", figures: str | None = None) -> None:
    """The three panels of `metric` for `scope`; "What we know from our data" starts as the engine's sentence.

    `engine_sentence` may be a function, called only when the box needs it (the panel never saved): working out
    the published figures it is written from takes seconds, and a saved panel never shows it.
    `figures`: the metric's figures in view, in words (metrics.formatting.figure_words), saved with the text."""
    engine = db.engine()
    stored = load_panels(engine, organisation, period, scope, caller=access.caller(), subjects=(metric,))
    whole = load_panels(engine, organisation, period, caller=access.caller(), subjects=(metric,)) if scope else {}
    editor = access.can_edit()
    if not editor:
        access.read_only_note("these panels")
    if scope:
        written_here = any(p.version for (m, _), p in stored.items() if m == metric)
        st.caption(md(f"The text below is written for {scope_words(scope)}, not the whole organisation."
                      if written_here else
                      f"Nothing has been written for {scope_words(scope)} yet. The whole organisation's text, where "
                      "there is some, is offered under each box as a starting point."))
    columns = st.columns(len(PANEL_KINDS))
    for (kind, label), column in zip(PANEL_KINDS.items(), columns, strict=True):
        where: _Where = (organisation, period, metric, kind, scope)
        panel = stored.get((metric, kind)) or Panel(organisation, period, metric, kind, scope=scope)
        text_key = _text_key(where)
        memo = _memo(text_key)
        memo.figures = figures
        prefill = ""
        if kind == "know" and not panel.version:
            prefill = engine_sentence() if callable(engine_sentence) else engine_sentence
        draft = drafts.get(text_key)
        if text_key not in st.session_state:
            # First drawn in this session, or drawn again after another page: what was typed comes back.
            st.session_state[text_key] = draft.text if draft else panel.text or prefill
            memo.version = draft.version if draft else panel.version
            memo.prefill = prefill
        elif (not panel.version and st.session_state[text_key] == memo.prefill
              and prefill != st.session_state[text_key]):
            # Never saved and not touched: the engine's sentence follows the data (a new upload,
            # another service); once someone writes or saves, their words stay.
            st.session_state[text_key] = prefill
            memo.prefill = prefill
        memo.baseline = panel.text if panel.version else prefill
        with column.container(border=True):
            st.text_area(label, key=text_key, height=200, max_chars=20_000, disabled=not editor,
                         on_change=_keep_draft, args=(where,))
            stale = stale_note(panel, figures)
            if stale:
                st.warning(md(stale), icon=":material/update:")
            if editor:
                st.button(SAVE_LABELS[kind], key=f"{text_key}_save", on_click=_save, args=(where,),
                          icon=":material/save:")
            if st.session_state[text_key] != memo.baseline and editor:
                st.markdown(":orange-badge[:material/edit_note: Unsaved changes] Kept while this browser tab is "
                            "open; press its Save button to keep them for everyone.")
            st.caption(_when(panel))
            theirs = whole.get((metric, kind))
            if scope and not panel.version and theirs is not None and theirs.text.strip():
                with st.expander("The whole organisation's text (a starting point)"):
                    st.caption("Written for the whole organisation, not for "
                               f"{md(scope_words(scope))}: its figures may differ.")
                    st.text(theirs.text)
                    if editor:
                        st.button("Start from this text", key=f"{text_key}_from_whole", on_click=_start_from,
                                  args=(where, theirs.text), icon=":material/content_copy:")
            _history(where, editor, panel.version)
            outcome = memo.outcome
            if outcome is None:
                continue
            kind_of_outcome, detail = outcome
            if kind_of_outcome == "saved":
                st.success("Saved.", icon=":material/check:")
            elif kind_of_outcome == "restored":
                st.success(f"Restored as version {detail.version}.", icon=":material/history:")
            elif kind_of_outcome == "invalid":
                st.error(md(detail))
            else:
                st.error(f"Not saved: {md(detail.updated_by or 'someone')} saved a newer version while you were "
                         "editing. Your text is still in the box; theirs is below. Merge what you need, then "
                         "save again to replace theirs.", icon=":material/sync_problem:")
                st.text(detail.text)
                st.button("Replace mine with theirs", key=f"{text_key}_theirs", on_click=_take_theirs,
                          args=(where, detail))
