"""Every standard the organisation publishes, from the same files: how many of each one's metrics have figures and
what would give the rest (issue 20: one upload, every standard). On the Data page, where files are added."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from data_loaders.errors import InputError
from metrics import stats
from metrics.registry import STANDARDS
from ui import state
from ui.overview import without_figures
from ui.safe import md


def standing(view: state.View, standard: str) -> str:
    """One standard's line: its name, how many of its metrics have figures from these files, and what the rest
    need (the overview's words), or why the files give it nothing."""
    name = STANDARDS[standard].name
    try:
        analysis = state.count(replace(view, settings=replace(view.settings, standard=standard)))
    except InputError as error:
        return f"**{md(name)}**: these files cannot be used for it: {md(str(error))}"
    results = analysis.results
    counted = [r for r in results.values() if r.status != stats.NARRATIVE]
    written = len(results) - len(counted)
    with_figures = sum(r.status != stats.NO_DATA for r in counted)
    line = f"**{md(name)}**: {with_figures} of its {len(counted)} counted metrics have figures from these files"
    if written:
        line += f" ({written} more {'is' if written == 1 else 'are'} written, not counted)"
    rest = without_figures(results, analysis.inputs.loaded.datasets)
    return line + (f". {md(rest[0][:1].upper() + rest[0][1:])}" if rest else ".")


def every_standard_section(view: state.View) -> None:
    """Each standard offered (those the organisation publishes, Settings), one line each; the sidebar chooses
    which one the other pages show."""
    st.subheader("Every standard from these files", anchor=False)
    st.markdown("The same files give every standard your organisation publishes (chosen on the Settings page). "
                "The sidebar's standard is the one the other pages show.")
    st.markdown("\n".join(f"- {standing(view, s)}" for s in view.settings.offered_standards))
