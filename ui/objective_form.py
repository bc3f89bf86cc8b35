"""The action plan one objective at a time: the plan as a plain table, and a form to add, change or remove
one objective. The editable grid is drawn on a canvas, which a screen reader cannot read and a keyboard can
reach only cell by cell; the form is made of ordinary labelled fields, in the order they are read.

A save here goes through the same `save_actions` as the grid, with the plan as it was loaded: only the one
objective is written, and if someone else changed it first the edit is kept in the form, not lost. The plan is the
standard's (its scope, storage.standard_scope): the metrics offered are that standard's, and any other an objective
already names, so nothing is lost by saving it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

import pandas as pd
import streamlit as st

from metrics.registry import DEFAULT_STANDARD, METRICS, STANDARDS, THEMES, metrics_of
from storage import Action, SaveResult, save_actions, standard_scope
from ui import access, db, sidebar
from ui.figures import table_html
from ui.safe import md

_CHOSEN = "objective_form_chosen"
_CHOOSE_NEXT = "objective_form_choose_next"  # set by a save, applied before the choice is drawn again
_DRAFT = "objective_form_draft"  # an edit someone else's change stopped, kept to be saved again
NEW = 0  # the choice that adds an objective (saved objectives have ids from 1)


def plan_table(stored: list[Action], columns: dict[str, str], rag_words: dict[str, str]) -> None:
    """The plan as an HTML table (ui.figures), one row per objective headed by its number."""
    if not stored:
        st.markdown("The plan has no objectives yet.")
        return
    rows = []
    for action in stored:
        values = action.to_row() | {"themes": ", ".join(action.themes), "metrics": ", ".join(action.metrics),
                                    "rag": rag_words.get(action.rag or "", "")}
        rows.append({label: values[name] for name, label in columns.items()})
    st.html(table_html(pd.DataFrame(rows), "The action plan"))


def _label(action: Action | None) -> str:
    if action is None:
        return "Add a new objective"
    text = action.objective if len(action.objective) <= 80 else action.objective[:79] + "…"
    return f"{action.number}. {text}"


def metric_choices(standard: str, named: Iterable[str] = ()) -> list[str]:
    """The metric ids a plan under `standard` offers: the standard's, in its order, then any other `named` already
    (an objective saved naming it keeps it), in the registry's order."""
    own = list(metrics_of(standard))
    others = set(named) - set(own)
    return own + [m for m in METRICS if m in others]


def metric_label(metric_id: str, standard: str = DEFAULT_STANDARD) -> str:
    """A metric as the plan's choices name it, by its number and title: "2. Appointment from shortlisting"; one that
    is not `standard`'s says whose it is, "5. Harassment from the public (NHS WRES)"."""
    if metric_id not in METRICS:
        return metric_id
    label = METRICS[metric_id].label
    if metric_id in STANDARDS[standard].metrics:
        return label
    whose = [s.name for s in STANDARDS.values() if metric_id in s.metrics]
    return f"{label} ({', '.join(whose)})" if whose else label


def render(organisation: str, period: str, stored: list[Action], columns: dict[str, str],
           rag_words: dict[str, str], on_saved: Callable[[SaveResult], None],
           standard: str = DEFAULT_STANDARD) -> None:
    """The form for one objective of `standard`'s plan, its fields labelled as the plan's `columns` are. `on_saved`
    gets the result of a save (the caller reloads and reports it)."""
    by_id = {a.id: a for a in stored if a.id is not None}
    if _CHOOSE_NEXT in st.session_state:
        st.session_state[_CHOSEN] = st.session_state.pop(_CHOOSE_NEXT)
    if st.session_state.get(_CHOSEN) not in (NEW, *by_id):
        st.session_state[_CHOSEN] = NEW  # the objective chosen was removed meanwhile
    chosen = st.selectbox("Objective to add or change", [NEW, *by_id], key=_CHOSEN,
                          format_func=lambda i: _label(by_id.get(i)))
    saved = by_id.get(chosen)
    draft = st.session_state.get(_DRAFT)
    if draft is not None and draft.id != (saved.id if saved else None):
        del st.session_state[_DRAFT]  # another objective chosen: the stopped edit is let go
        draft = None
    shown = draft or saved or Action()
    # Keyed by the objective and its version: another objective, or a newer version of this one, starts a fresh
    # form; a refused save keeps what was typed.
    key = f"objective_form_{chosen}_{shown.version}_{'draft' if draft else 'saved'}"
    with st.form(key, enter_to_submit=False):
        st.subheader("New objective" if saved is None else f"Objective {saved.number}")
        number = st.number_input(f"{columns['number']} (blank: the next number)", min_value=1, step=1,
                                 value=shown.number, key=f"{key}_number")
        objective = st.text_area(columns["objective"], value=shown.objective, key=f"{key}_objective")
        themes = st.multiselect(columns["themes"], THEMES, default=[t for t in shown.themes if t in THEMES],
                                key=f"{key}_themes")
        choices = metric_choices(standard, [m for m in shown.metrics if m in METRICS])
        metrics = st.multiselect(columns["metrics"], choices, default=[m for m in shown.metrics if m in METRICS],
                                 format_func=lambda m: metric_label(m, standard), key=f"{key}_metrics")
        lead = st.text_input(columns["lead"], value=shown.lead, key=f"{key}_lead")
        data = st.text_area(columns["data_from_metrics"], value=shown.data_from_metrics, key=f"{key}_data")
        specific = st.text_area(columns["specific_actions"], value=shown.specific_actions, key=f"{key}_specific")
        indicators = st.text_area(columns["indicators"], value=shown.indicators,
                                  key=f"{key}_indicators")
        timeframe = st.text_input(columns["timeframe"], value=shown.timeframe, key=f"{key}_timeframe")
        progress = st.text_area(columns["progress"], value=shown.progress, key=f"{key}_progress")
        rag = st.selectbox(columns["rag"], [None, *rag_words], index=[None, *rag_words].index(shown.rag),
                           format_func=lambda r: "Not rated" if r is None else rag_words[r], key=f"{key}_rag")
        remove = saved is not None and st.checkbox("Remove this objective from the plan", key=f"{key}_remove")
        submitted = st.form_submit_button("Save this objective", icon=":material/save:", type="primary")
    if not submitted:
        return
    edited = replace(shown, number=None if number is None else int(number), objective=objective, themes=themes,
                     metrics=metrics, lead=lead, data_from_metrics=data, specific_actions=specific,
                     indicators=indicators, timeframe=timeframe, progress=progress, rag=rag)
    others = [a for a in stored if a.id is None or a.id != edited.id]
    rows = others if remove else [*others, edited] if saved is None else \
        [edited if a.id == edited.id else a for a in stored]
    try:
        result = save_actions(db.engine(), organisation, period, rows, user=sidebar.user(), original=stored,
                              scope=standard_scope(standard), caller=access.caller())
    except ValueError as error:
        # The form keeps what was typed (same key); the row name the check gives is the table's, so say which.
        st.error(f"Not saved: {md(error)}. Nothing in the plan was changed.", icon=":material/error:")
        return
    conflict = next((c for c in result.conflicts if c.submitted.id == edited.id), None)
    if conflict is not None and conflict.stored is not None and not remove:
        # Kept in the form at the latest version: saving it again replaces the other person's change, knowingly.
        st.session_state[_DRAFT] = replace(edited, version=conflict.stored.version)
    else:
        st.session_state.pop(_DRAFT, None)
    if remove:
        st.session_state[_CHOOSE_NEXT] = NEW
    elif saved is None:
        added = [a for a in result.saved if a.id not in by_id]
        st.session_state[_CHOOSE_NEXT] = added[0].id if len(added) == 1 else NEW
    on_saved(result)


def draft_note() -> None:
    """Said above the form when it holds an edit that someone else's change stopped."""
    if st.session_state.get(_DRAFT) is not None:
        st.info("The form below still holds your edit, which was not saved; the table shows the plan as it is now. "
                "Save it again to replace the other change, or choose another objective to let it go.",
                icon=":material/edit_note:")
