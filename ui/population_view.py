"""The local population: the Census 2021 ethnic group table (ONS TS021) or shares typed in, saved with the
organisation's settings so senior management and the pay bands can be set beside the area served."""

from __future__ import annotations

from typing import Any

import streamlit as st

from data_loaders.errors import InputError
from data_loaders.population import PopulationTable, typed_population
from pipeline.api import SAMPLE_DIR
from storage import StaleEdit, load_settings, save_settings, settings_from_values
from ui import access, db, sidebar, state
from ui.safe import md

_FILE = "population_file"  # (name, bytes) of the Census table the person gave, in their session only
_OUTCOME = "population_outcome"
SAMPLE_CENSUS = SAMPLE_DIR / "census_ts021.csv"


def _save(view: state.View, changes: dict[str, Any], done: str) -> None:
    if not access.can_edit():
        st.session_state[_OUTCOME] = ("error", "Not saved: changing the settings needs the editor role.")
        return
    engine = db.engine()
    values, version = load_settings(engine, view.organisation, caller=access.caller())
    try:
        settings_from_values(values | changes)
        save_settings(engine, view.organisation, values | changes, expected_version=version, user=sidebar.user(),
                      caller=access.caller())
    except (StaleEdit, ValueError) as error:
        st.session_state[_OUTCOME] = ("error", f"Not saved: {error}")
        return
    st.session_state[_OUTCOME] = ("success", done)


def _use_sample() -> None:
    st.session_state[_FILE] = (SAMPLE_CENSUS.name, SAMPLE_CENSUS.read_bytes())


def _table() -> PopulationTable | None:
    upload = st.file_uploader("Census 2021 ethnic group table (ONS TS021, CSV or Excel)", type=["csv", "xlsx"],
                              key="population_upload",
                              help="Download 'TS021 Ethnic group' for local authorities from ONS or Nomis, as it "
                              "comes: one row per area and ethnic group.")
    if upload is not None:
        st.session_state[_FILE] = (upload.name, upload.getvalue())
    if _FILE not in st.session_state and SAMPLE_CENSUS.exists():
        st.button("Use the sample council's Census table", on_click=_use_sample, icon=":material/science:")
    given = st.session_state.get(_FILE)
    if given is None:
        return None
    try:
        return state.population_table(*given)
    except InputError as error:
        st.error(md(error), icon=":material/error:")
        return None


def _census_section(view: state.View) -> None:
    table = _table()
    if table is None:
        return
    areas = {a.code: a.name for a in table.areas()}
    chosen = st.multiselect("The area your organisation serves (a county council: choose its districts)",
                            list(areas), format_func=lambda code: f"{areas[code]} ({code})",
                            key="population_areas")
    if not chosen:
        st.caption(f"{len(areas)} areas in {md(table.file)} ({table.tier}, {table.detail}).")
        return
    try:
        area = table.for_areas(chosen, white_minorities_as_bme=view.settings.white_minorities_as_bme)
    except InputError as error:
        st.error(md(error), icon=":material/error:")
        return
    st.markdown(f"{md(view.settings.bme_label)} residents: **{area.bme_pct:.1f}%** of {area.residents:,} with a "
                f"stated ethnic group in {md(area.name)}.")
    st.button("Use this area", type="primary", icon=":material/save:", on_click=_save,
              args=(view, {"local_population": table.category_counts(chosen), "local_population_area": area.name},
                    f"Saved: {area.name}. Senior management and the pay bands are now set beside its residents."))


def _typed_section(view: state.View) -> None:
    with st.form("population_typed"):
        name = st.text_input("Area", placeholder="e.g. Wexcombe")
        share = st.number_input(f"{view.settings.bme_label} % of residents", min_value=0.0, max_value=100.0,
                                value=0.0, step=0.1, format="%.1f")
        submitted = st.form_submit_button("Use these figures", icon=":material/save:")
    if submitted:
        try:
            area = typed_population(float(share), name)
        except ValueError as error:
            st.error(f"Not saved: {md(error)}", icon=":material/error:")
            return
        bme_pct = area.bme_pct
        assert bme_pct is not None  # typed: the share is what was typed
        _save(view, {"local_population": {"bme": bme_pct, "white": 100.0 - bme_pct},
                     "local_population_area": area.name}, f"Saved: {area.name}, {bme_pct:.1f}%.")
        st.rerun()


def render(view: state.View) -> None:
    st.subheader("Local population")
    settings = view.settings
    share = settings.local_population_bme_pct
    if share is not None:
        st.markdown(f"Senior management and the pay bands are set beside **{md(settings.local_population_area)}**: "
                    f"{md(settings.bme_label)} residents are **{share:.1f}%**.")
        if access.can_edit():
            st.button("Stop comparing with a local population", icon=":material/close:", on_click=_save,
                      args=(view, {"local_population": {}, "local_population_area": ""},
                            "The local population is removed."))
    elif settings.local_population:
        st.warning("The saved local population comes from the Census table with 6 categories, which cannot separate "
                   "White minorities: with White minorities counted as minority ethnic, no share can be given. "
                   "Choose the area again from the 20-category table.", icon=":material/warning:")
    else:
        st.markdown("Set the area your organisation serves beside its workforce: senior management (metric 9) and "
                    "the pay band chart then show the residents' share, and the overview says whether senior "
                    "management reflects the area.")
    st.caption("Census 2021 counts every usual resident, of every age; the working-age population's share is often "
               "different. Read the comparison as a guide.")
    found = st.session_state.pop(_OUTCOME, None)
    if found:
        getattr(st, found[0])(md(found[1]))
    if not access.can_edit():
        access.read_only_note("the local population")
        return
    census, typed = st.tabs(["From the Census table", "Type the share in"])
    with census:
        _census_section(view)
    with typed:
        _typed_section(view)

