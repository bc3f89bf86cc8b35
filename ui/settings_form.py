"""The organisation's settings form; saved for everyone who opens the organisation next."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.settings import salary_band_labels
from storage import StaleEdit, load_settings, save_settings, settings_from_values
from ui import access, db, sidebar, state
from ui.data_view import GROUP_LABELS
from ui.safe import md

_OUTCOME = "settings_outcome"


def _bands_in_data(view: state.View) -> list[str]:
    staff = state.parsed(view.sources).loaded.datasets.get("staff")
    found = sorted(staff["pay_band"].dropna().astype(str).unique()) if staff is not None and "pay_band" in staff else []
    return found


def _boundaries(text: str) -> tuple[int, ...]:
    numbers = [part.replace("£", "").replace(",", "").strip() for part in text.replace(";", "\n").splitlines()]
    try:
        return tuple(sorted({int(float(n)) for n in numbers if n}))
    except ValueError:
        raise ValueError("Pay band boundaries must be amounts in pounds, one per line, e.g. 25,000") from None


def render(view: state.View) -> None:
    values, version = load_settings(db.engine(), view.organisation)
    current = settings_from_values(values)
    with st.form("settings_form"):
        st.subheader("Words")
        bme_label = st.text_input("Your term for the minority-ethnic group", value=current.bme_label,
                                  help="Used in every title, sentence and export, e.g. 'Black, Asian and minority "
                                  "ethnic' or 'Global majority'.")
        st.subheader("Small numbers")
        left, right = st.columns(2)
        min_group = left.number_input("Minimum group size for a ratio", min_value=1, max_value=1000,
                                      value=current.min_group_size, step=1)
        threshold = right.number_input("Publication: hide counts under", min_value=0, max_value=100,
                                       value=current.suppression_threshold, step=1,
                                       help="In anything published, counts from 1 up to this number less one are "
                                       "withheld, and whatever would reveal them.")
        low = left.number_input("Adverse range: from", min_value=0.01, max_value=0.99,
                                value=float(current.adverse_range[0]), step=0.01, format="%.2f")
        high = right.number_input("to", min_value=1.01, max_value=10.0, value=float(current.adverse_range[1]),
                                  step=0.01, format="%.2f")
        st.subheader("Ethnicity")
        white_minorities = st.checkbox("Count White minorities (Irish, Gypsy or Irish Traveller, Roma, other White) "
                                       "as minority ethnic", value=current.white_minorities_as_bme)
        overrides = pd.DataFrame({"Label as written": list(current.ethnicity_overrides),
                                  "Group": [GROUP_LABELS.get(v, v) for v in current.ethnicity_overrides.values()]})
        edited_overrides = st.data_editor(
            overrides, num_rows="dynamic", hide_index=True, width="stretch", key="settings_overrides",
            column_config={"Group": st.column_config.SelectboxColumn(options=list(GROUP_LABELS.values()))},
        )
        st.subheader("Pay bands and senior managers")
        boundaries_text = st.text_area("Salary band boundaries (when the data has salaries but no bands), one per line",
                                       value="\n".join(f"{b:,}" for b in current.pay_band_boundaries))
        band_options = sorted(set(_bands_in_data(view)) | set(salary_band_labels(current.pay_band_boundaries))
                              | set(current.senior_bands))
        senior = st.multiselect("Senior bands (used when the data has no senior-manager column)", band_options,
                                default=[b for b in current.senior_bands if b in band_options])
        submitted = st.form_submit_button("Save the settings", icon=":material/save:", type="primary",
                                          disabled=not access.can_edit())
    if not access.can_edit():
        access.read_only_note("the settings")
    if submitted and access.can_edit():
        reverse = {v: k for k, v in GROUP_LABELS.items()}
        try:
            new_values = {
                "bme_label": bme_label.strip() or "BME",
                "min_group_size": int(min_group),
                "suppression_threshold": int(threshold),
                "adverse_range": [round(low, 2), round(high, 2)],
                "white_minorities_as_bme": bool(white_minorities),
                "ethnicity_overrides": {str(r["Label as written"]).strip(): reverse.get(r["Group"], r["Group"])
                                        for r in edited_overrides.to_dict("records")
                                        if str(r.get("Label as written") or "").strip() and r.get("Group")},
                "pay_band_boundaries": list(_boundaries(boundaries_text)),
                "senior_bands": senior,
            }
            settings_from_values(values | new_values)  # refuses anything the engine could not use
            save_settings(db.engine(), view.organisation, values | new_values, expected_version=version,
                          user=sidebar.user())
        except StaleEdit as stale:
            st.error("Not saved: someone else saved the settings while you were editing. The form now shows "
                     f"their settings (saved by {stale.current.updated_by or 'someone'}); make your change again.",
                     icon=":material/sync_problem:")
            return
        except ValueError as error:
            st.error(f"Not saved: {md(error)}", icon=":material/error:")
            return
        st.success("Saved. Every page now uses these settings.", icon=":material/check:")
        st.rerun()
