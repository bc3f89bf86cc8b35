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

import streamlit as st

from storage import (
    PANEL_KINDS,
    Panel,
    StaleEdit,
    load_panels,
    panel_history,
    restore_panel,
    save_panel,
    scope_words,
)
from ui import access, db, drafts, sidebar
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


def _keys(where: _Where) -> tuple[str, str, str]:
    organisation, period, metric, kind, scope = where
    base = f"panel_{metric}_{kind}_{organisation}_{period}" + (f"_{scope}" if scope else "")
    return base, f"{base}_version", f"{base}_outcome"


def _figures_key(text_key: str) -> str:
    return f"{text_key}_figures"  # the metric's figures in words as this person sees them, saved with the text


def _prefill_key(text_key: str) -> str:
    return f"{text_key}_prefill"


def _baseline_key(text_key: str) -> str:
    return f"{text_key}_baseline"  # what the box holds with nothing typed: the saved text, or the engine's sentence


def _keep_draft(where: _Where) -> None:
    # A callback, so it runs even when the person types and then goes straight to another page: Streamlit
    # forgets the box's value in a run that does not draw it, and the words would be lost without a trace.
    text_key, version_key, _ = _keys(where)
    organisation, period, metric, kind, scope = where
    text = st.session_state.get(text_key, "")
    if text == st.session_state.get(_baseline_key(text_key), ""):
        drafts.forget(text_key)
    else:
        drafts.put(text_key, drafts.Draft(organisation, period, metric, kind, text,
                                          st.session_state.get(version_key, 0), scope))


def _when(panel: Panel) -> str:
    if not panel.version or panel.updated_at is None:
        return "Not saved yet."
    moment = panel.updated_at
    return f"Last saved by {md(panel.updated_by or 'someone')} on {moment.day} {moment:%B %Y at %H:%M} (UTC)."


def _save(where: _Where) -> None:
    text_key, version_key, outcome_key = _keys(where)
    organisation, period, metric, kind, scope = where
    if not access.can_edit():  # the button is not offered; a forged click still changes nothing
        st.session_state[outcome_key] = ("invalid", "Not saved: saving needs the editor role.")
        return
    try:
        saved = save_panel(db.engine(), organisation, period, metric, kind, st.session_state[text_key],
                           expected_version=st.session_state[version_key], user=sidebar.user(), scope=scope,
                           figures=st.session_state.get(_figures_key(text_key)), caller=access.caller())
    except StaleEdit as stale:
        # They have now seen the newer text: a second save is a decision, not an accident.
        st.session_state[version_key] = stale.current.version
        st.session_state[outcome_key] = ("stale", stale.current)
        _keep_draft(where)
        return
    except ValueError as error:
        st.session_state[outcome_key] = ("invalid", str(error))
        return
    st.session_state[version_key] = saved.version
    st.session_state[outcome_key] = ("saved", saved)
    st.session_state[_baseline_key(text_key)] = saved.text
    drafts.forget(text_key)


def _restore(where: _Where, entry_id: int) -> None:
    text_key, version_key, outcome_key = _keys(where)
    if not access.can_edit():
        st.session_state[outcome_key] = ("invalid", "Not restored: restoring needs the editor role.")
        return
    try:
        restored = restore_panel(db.engine(), entry_id, user=sidebar.user(),
                                 expected_version=st.session_state[version_key], caller=access.caller())
    except StaleEdit as stale:
        st.session_state[version_key] = stale.current.version
        st.session_state[outcome_key] = ("stale", stale.current)
        return
    except (LookupError, ValueError) as error:
        st.session_state[outcome_key] = ("invalid", f"Not restored: {error}")
        return
    st.session_state[text_key] = restored.text
    st.session_state[version_key] = restored.version
    st.session_state[outcome_key] = ("restored", restored)
    st.session_state[_baseline_key(text_key)] = restored.text
    drafts.forget(text_key)


def _history(where: _Where, editor: bool, current: int) -> None:
    """Every saved version, newest first; each but the `current` one (the version saved now) can be restored."""
    organisation, period, metric, kind, scope = where
    entries = panel_history(db.engine(), organisation, period, metric, kind, limit=50, scope=scope,
                            caller=access.caller())
    if not entries:
        return
    with st.expander(f"History ({len(entries)})"):
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
    text_key, version_key, outcome_key = _keys(where)
    st.session_state[text_key] = theirs.text
    st.session_state[version_key] = theirs.version
    st.session_state.pop(outcome_key, None)
    st.session_state[_baseline_key(text_key)] = theirs.text
    drafts.forget(text_key)


def _start_from(where: _Where, text: str) -> None:
    text_key = _keys(where)[0]
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
    stored = load_panels(engine, organisation, period, scope, caller=access.caller())
    whole = load_panels(engine, organisation, period, caller=access.caller()) if scope else {}
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
        text_key, version_key, outcome_key = _keys(where)
        st.session_state[_figures_key(text_key)] = figures
        prefill = ""
        if kind == "know" and not panel.version:
            prefill = engine_sentence() if callable(engine_sentence) else engine_sentence
        draft = drafts.get(text_key)
        if text_key not in st.session_state:
            # First drawn in this session, or drawn again after another page: what was typed comes back.
            st.session_state[text_key] = draft.text if draft else panel.text or prefill
            st.session_state[version_key] = draft.version if draft else panel.version
            st.session_state[_prefill_key(text_key)] = prefill
        elif (not panel.version and st.session_state[text_key] == st.session_state.get(_prefill_key(text_key))
              and prefill != st.session_state[text_key]):
            # Never saved and not touched: the engine's sentence follows the data (a new upload,
            # another service); once someone writes or saves, their words stay.
            st.session_state[text_key] = prefill
            st.session_state[_prefill_key(text_key)] = prefill
        st.session_state[_baseline_key(text_key)] = panel.text if panel.version else prefill
        with column.container(border=True):
            st.text_area(label, key=text_key, height=200, max_chars=20_000, disabled=not editor,
                         on_change=_keep_draft, args=(where,))
            stale = stale_note(panel, figures)
            if stale:
                st.warning(md(stale), icon=":material/update:")
            if editor:
                st.button(SAVE_LABELS[kind], key=f"{text_key}_save", on_click=_save, args=(where,),
                          icon=":material/save:")
            if st.session_state[text_key] != st.session_state[_baseline_key(text_key)] and editor:
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
            outcome = st.session_state.get(outcome_key)
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
