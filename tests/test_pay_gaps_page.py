"""The Pay gaps page, headless (AppTest), on the built-in sample council as a first run sees it: no database URL
and no secrets, so the app makes its default SQLite file (moved under tmp_path here, not the clone's var/)."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import storage.db
from data_loaders.source import Source
from ui import state
from ui.apptest import html_tables, offered_files, served_navigation
from ui.safe import plain

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGE = "pages/pay_gaps.py"


@pytest.fixture(autouse=True)
def first_run(tmp_path, monkeypatch):
    monkeypatch.delenv("WRES_DATABASE_URL", raising=False)
    assert not (ROOT / ".streamlit" / "secrets.toml").exists()
    default = tmp_path / "var" / "wres.sqlite"
    monkeypatch.setattr(storage.db, "DEFAULT_SQLITE_PATH", default)
    with served_navigation():
        yield default


def open_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception, at.exception
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def text_of(at: AppTest) -> str:
    return "\n".join(plain(m.value) for m in at.markdown).replace("**", "")


def test_the_page_is_in_the_menu_for_every_standard():
    at = AppTest.from_file(APP, default_timeout=180).run()
    standards = at.radio(key=state.STANDARD).options
    for standard in standards:
        at.radio(key=state.STANDARD).set_value(at.radio(key=state.STANDARD).options[
            standards.index(standard)]).run()
        assert not at.exception, at.exception
        links = [link.proto.page for link in at.get("page_link")]
        assert "pay_gaps" in links, (standard, links)


def test_the_sample_council_shows_the_six_figures_by_sex(first_run):
    at = open_page()
    assert at.title[0].value == "Pay gaps"
    assert any("Nothing is withheld on this page" in plain(w.value) for w in at.warning)
    # The sample council's 300-odd women and men: publishing by sex withholds nothing.
    assert any(e.label.startswith("What publication withholds (0 figures, threshold 10)") for e in at.expander)
    labels = [m.label for m in at.metric]
    assert labels == ["Mean hourly pay gap", "Median hourly pay gap", "Mean bonus pay gap", "Median bonus pay gap"]
    assert all(m.value.endswith("%") for m in at.metric)
    text = text_of(at)
    for words in ("Women's mean hourly pay is", "Women's median hourly pay is", "Women's mean bonus pay is",
                  "Women's median bonus pay is", "of women (", "were paid a bonus", "The upper quarter (",
                  "95% interval", "percentile bootstrap", "Who is counted" if False else "relevant employees on",
                  "on reduced or nil pay for leave"):
        assert words in text, words
    assert any(s.value == "Who is counted" for s in at.subheader)
    assert first_run.is_file()  # the default database, made on the first run


def test_switching_to_ethnicity_names_the_reference_and_shows_each_group(first_run):
    at = open_page()
    at.radio(key="paygap_by").set_value("ethnicity").run()
    assert not at.exception, at.exception
    text = text_of(at)
    assert "Each ethnic group is compared with White people" in text
    assert "Minority ethnic compared with White" in text
    assert "Asian, Asian British or Asian Welsh: Indian compared with White" in text  # each category, folded away
    assert any(e.label.startswith("Each ethnic group compared with White (") for e in at.expander)
    tables = html_tables(at)
    chart_table = next(t for t in tables if "Minority ethnic %" in t.columns)
    assert list(chart_table.columns) == ["White %", "Minority ethnic %"]  # the chart: the two groups, 100% a bar
    assert (chart_table.sum(axis=1).round(1) == 100.0).all()
    # Its small ethnic groups are withheld when published, each figure with its reason (metrics.paygap_publish).
    withholds = next(e for e in at.expander if e.label.startswith("What publication withholds ("))
    assert not withholds.label.startswith("What publication withholds (0 ")
    assert "fewer than 10 relevant employees" in text_of(at)
    assert any("Indian %" in t.columns and "People in the quarter" in t.columns for t in tables)  # every group
    at.radio(key="paygap_reference").set_value("white_british").run()
    assert not at.exception, at.exception
    assert "Each ethnic group is compared with White British people" in text_of(at)
    assert at.number_input(key="paygap_threshold").value == 10


def test_a_saved_panel_reloads_for_the_next_person(first_run):
    at = open_page()
    box = at.text_area(key=[k for k in (t.key for t in at.text_area) if "panel_PGS_achieved" in k][0])
    box.input("We published our first ethnicity pay gap.").run()
    save = [b for b in at.button if b.key == f"{box.key}_save"][0]
    save.click().run()
    assert not at.exception, at.exception
    assert any("Saved." in plain(s.value) for s in at.success)
    again = open_page()  # another session: what was saved is what they see
    assert again.text_area(key=box.key).value == "We published our first ethnicity pay gap."


def test_the_download_is_in_the_gov_uk_shape(first_run):
    with offered_files() as read:
        at = open_page()
        button = [b for b in at.get("download_button") if "GOV.UK" in b.proto.label][0]
        data = read(button)
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(frame.columns)[:2] == ["DiffMeanHourlyPercent", "DiffMedianHourlyPercent"]
    assert list(frame.columns)[-2:] == ["MaleTopQuartile", "FemaleTopQuartile"]
    assert len(frame) == 1


def test_files_without_payroll_columns_give_a_clear_message_not_a_traceback(first_run, monkeypatch):
    staff = pd.DataFrame({"Employee ID": ["E1", "E2", "E3"], "Ethnicity": ["White British", "Indian", "African"],
                          "Sex": ["Female", "Male", "Female"], "Pay Band": ["Band 3", "Band 5", "Band 6"],
                          "Date Started": ["01/04/2020"] * 3})
    buffer = io.BytesIO()
    staff.to_excel(buffer, index=False, sheet_name="Staff")
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state[state.UPLOADS] = [Source("staff.xlsx", buffer.getvalue(), "staff")]
    at.run()
    assert not at.exception, at.exception
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    errors = [plain(e.value) for e in at.error]
    assert any("No pay gaps from these files" in e and "no ordinary pay column was found" in e
               and "upload it again on the Data page" in e for e in errors), errors
    assert not any("payroll=FILE" in e for e in errors)  # the command line's words are not the app's
    assert not at.metric


def test_the_quarters_chart_splits_each_quarter_between_the_groups_as_gov_uk_draws_it():
    from charts.paygap import quarters_chart
    from metrics import paygap as pg
    from tests.test_paygap_export import BY_SEX, payroll, worked

    spec = quarters_chart(worked(payroll("sex", BY_SEX), "sex")[0])
    assert spec.table["Quarter"].tolist() == ["Upper quarter", "Upper middle quarter", "Lower middle quarter",
                                              "Lower quarter"]
    assert spec.table["Men %"].tolist() == [100.0, 0.0, 50.0, 50.0]
    assert spec.table["Women %"].tolist() == [0.0, 100.0, 50.0, 50.0]
    assert spec.summary.startswith("Men are 100.0% of the upper quarter and 50.0% of the lower")
    assert pg.QUARTERS[-1] == "upper"


def test_the_sample_trust_has_no_ordinary_pay_so_the_page_says_so():
    # ESR's staff in post: an annual salary and a Contracted WTE, but no pay for the pay period. The WTE alone would
    # give the hours; the pay is not made up from the salary.
    from pipeline.api import sample_trust_paths

    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state[state.UPLOADS] = [Source(Path(path).name, Path(path).read_bytes(), dataset)
                                       for path, dataset in sample_trust_paths()]
    at.run()
    assert not at.exception, at.exception
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    errors = [plain(e.value) for e in at.error]
    assert any("no ordinary pay column was found" in e for e in errors), errors
    assert any("An annual salary is not the pay for the pay period" in plain(c.value) for c in at.caption)


def test_the_download_as_published_leaves_withheld_cells_blank_and_says_why(first_run):
    with offered_files() as read:
        at = open_page()
        button = [b for b in at.get("download_button") if "as published" in b.proto.label][0]
        data = read(button)
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)
    assert list(frame.columns)[-1] == "Withheld" and len(frame) == 1
    assert any("As published:" in c.value for c in at.caption)
