"""The app opens on the sample council and shows its scorecard."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_app_opens_on_the_sample_council():
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "sample data" in at.info[0].value and "Wexcombe Borough Council" in at.info[0].value
    table = at.dataframe[0].value
    assert list(table["Metric"])[:2] == ["M1 Pay bands", "M2 Appointment from shortlisting"]
    assert at.caption[0].value == (
        "Social Care Workforce Race Equality Standard, 1 April 2025 to 31 March 2026"
    )


def test_switching_standard_changes_the_appointment_ratio():
    at = AppTest.from_file(APP, default_timeout=60).run()
    sc_value = float(at.dataframe[0].value.set_index("Metric").loc["M2 Appointment from shortlisting", "Value"])
    at.sidebar.radio[0].set_value("nhs-wres").run()
    assert not at.exception
    nhs_value = float(at.dataframe[0].value.set_index("Metric").loc["M2 Appointment from shortlisting", "Value"])
    assert sc_value < 1 < nhs_value
    assert abs(sc_value * nhs_value - 1) < 0.02  # 2 d.p. each
    assert "NHS Workforce Race Equality Standard" in at.caption[0].value
