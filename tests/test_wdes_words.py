"""Under the WDES every word, label, chart and export speaks of disability, not ethnicity, and the declaration rate
(the share of people whose disability status is declared) is given beside every metric.

The sentences are checked by hand on a small staff list; the command line's table and JSON, the charts and the
board pack for the sample trust are scanned for any word of the race standards."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from charts.builders import chart_for, forest
from commands.metrics_cli import main
from data_loaders.comparison import DISABILITY, ETHNICITY
from data_loaders.readers import read_workbook
from metrics.narrative import headline
from metrics.publish import publish
from metrics.records import figures_from_records
from metrics.registry import STANDARDS
from metrics.results import compute_results
from metrics.settings import Settings
from pipeline.api import analyse_paths, sample_trust_paths
from pipeline.template import read_template, write_template

WDES = Settings(standard="wdes", period_end=dt.date(2026, 3, 31))

# The race standards' words: none of them may be left in an output under the WDES. "White" alone, so that a word
# like "whitespace" would not count; "ethnic" catches ethnicity, ethnic group and minority-ethnic.
RACE_WORDS = re.compile(r"\bBME\b|\bBAME\b|ethnic|\bwhite\b", re.IGNORECASE)


def race_words(text: str) -> list[str]:
    """Each race word in the text, with a little of what is around it, to say where it is."""
    return [text[max(0, m.start() - 60):m.end() + 30] for m in RACE_WORDS.finditer(text)]


def _staff() -> pd.DataFrame:
    """40 staff in post: Band 2 holds 4 disabled, 16 non-disabled and 5 with a blank; Band 5 3 disabled and 7
    non-disabled; Band 8a 1 disabled and 4 non-disabled (5 staff: too few to read on its own)."""
    rows = ([("Band 2", "Yes")] * 4 + [("Band 2", "No")] * 16 + [("Band 2", None)] * 5
            + [("Band 5", "Yes")] * 3 + [("Band 5", "No")] * 7
            + [("Band 8a", "Yes")] * 1 + [("Band 8a", "No")] * 4)
    return pd.DataFrame({
        "employee_id": [f"E{i:03d}" for i in range(len(rows))],
        "pay_band": pd.array([band for band, _ in rows], dtype="str"),
        "disability": pd.array([label for _, label in rows], dtype="str"),
        # Everyone has an ethnicity too, which the WDES must not use nor speak of.
        "ethnicity": pd.array(["Indian"] * 20 + ["White British"] * 20, dtype="str"),
        "start_date": pd.to_datetime(["2020-01-01"] * len(rows)),
    })


def _applicants() -> pd.DataFrame:
    """Shortlisted: 20 disabled (5 appointed), 80 non-disabled (30 appointed) and 4 who did not say (1 appointed,
    as "Prefer not to say")."""
    labels = ["Yes"] * 20 + ["No"] * 80 + ["Prefer not to say"] * 4
    appointed = [True] * 5 + [False] * 15 + [True] * 30 + [False] * 50 + [True] + [False] * 3
    return pd.DataFrame({
        "disability": pd.array(labels, dtype="str"),
        "ethnicity": pd.array(["White British"] * len(labels), dtype="str"),
        "shortlisted": pd.array([True] * len(labels), dtype="boolean"),
        "appointed": pd.array(appointed, dtype="boolean"),
        "date": pd.to_datetime(["2025-10-01"] * len(labels)),
    })


def _board() -> pd.DataFrame:
    """Voting members: 1 disabled, 8 non-disabled and 1 not declared; of them, executives: 0 disabled, 4
    non-disabled."""
    members = ([("Yes", True, False)] + [("No", True, True)] * 4 + [("No", True, False)] * 4
               + [("Prefer not to say", True, False)])
    return pd.DataFrame({
        "disability": pd.array([m[0] for m in members], dtype="str"),
        "ethnicity": pd.array(["White British"] * len(members), dtype="str"),
        "voting": pd.array([m[1] for m in members], dtype="boolean"),
        "executive": pd.array([m[2] for m in members], dtype="boolean"),
    })


@pytest.fixture(scope="module")
def results():
    figures = figures_from_records({"staff": _staff(), "recruitment": _applicants(), "board": _board()}, WDES)
    assert figures.comparison is DISABILITY
    return compute_results(figures, WDES)


def test_d1_pay_bands_in_words(results):
    # 8 disabled and 27 non-disabled of the 35 whose status is declared: 22.9%; Band 2 4 of 20 (20%), Band 5 3 of
    # 10 (30%); Band 8a's 5 staff are too few. 35 of the 40 declared: 88%.
    assert results["D1"].sentence == (
        "Disabled staff are 23% of staff whose disability status is declared (8 disabled and 27 non-disabled). "
        "Among the bands with 10 or more staff, their share is highest in Band 5 (30%) and lowest in Band 2 (20%). "
        "In the lowest band (Band 2) they are 20%; in the highest with 10 or more staff (Band 5), 30%. "
        "Bands with fewer than 10 staff (Band 8a) are too small to read, so they are left out of these comparisons. "
        "The declaration rate is 88%: disability status is declared for 35 of the 40 staff counted; the 5 not "
        "declared are left out of the comparison.")
    assert headline(results["D1"], WDES) == (
        "Disabled staff are 23% of staff whose disability status is declared, 30% of Band 5; the band above is too "
        "small to read.")


def test_d2_appointment_in_words(results):
    # The WDES puts non-disabled over disabled: 30 of 80 (38%) against 5 of 20 (25%), 0.375 / 0.25 = 1.50.
    sentence = results["D2"].sentence
    assert sentence.startswith(
        "Non-disabled shortlisted applicants were more likely to be appointed than disabled shortlisted applicants "
        "(30 of 80, 38%, against 5 of 20, 25%): a relative likelihood of 1.50 (WDES, non-disabled over disabled), "
        "95% interval ")
    assert sentence.endswith(
        "The declaration rate is 96%: disability status is declared for 100 of the 104 shortlisted applicants "
        "counted; the 4 not declared are left out of the comparison.")
    assert "95% interval 0.67 to 3.37. This is outside the 0.80 to 1.25 range, adverse to disabled staff." in sentence


def test_d10_board_in_words(results):
    # Voting: 1 of 9 declared members disabled (11%), 1 more not declared; the workforce 8 of 35 (22.9%).
    sentence = results["D10"].sentence
    assert sentence.startswith(
        "The board's voting members are 1 of 9 disabled (11%), and 1 more member's disability status is not "
        "declared, against 23% of the workforce whose disability status is declared: 11.7 percentage points lower")
    assert "The board's executive members are 0 of 4 disabled (0%), against 23% of the workforce" in sentence
    # Only 8 disabled staff in the workforce: under the minimum group size of 10, so no status is given.
    assert ("There is not enough data to compare the board's voting members with the workforce: there are only 8 "
            "disabled staff (the minimum to compare is 10).") in sentence
    assert sentence.endswith(
        "The declaration rate is 88%: disability status is declared for 35 of the 40 staff counted; the 5 not "
        "declared are left out of the comparison.")


def test_no_sentence_or_headline_speaks_of_ethnicity(results):
    for result in results.values():
        assert not race_words(result.sentence), result.id
        assert not race_words(headline(result, WDES)), result.id


def test_the_organisations_own_bme_label_is_not_used_under_the_wdes(results):
    own = WDES.with_(bme_label="Global Majority")
    figures = figures_from_records({"staff": _staff(), "recruitment": _applicants(), "board": _board()}, own)
    for result in compute_results(figures, own).values():
        assert "Global Majority" not in result.sentence


def test_a_disability_label_not_recognised_is_reported_as_one():
    applicants = _applicants()
    applicants["disability"] = pd.array(["Yes"] * 20 + ["No"] * 80 + ["Rather not"] * 4, dtype="str")
    figures = figures_from_records({"recruitment": applicants}, WDES)
    d2 = compute_results(figures, WDES)["D2"]
    assert d2.sentence.endswith("4 of them had a disability label that was not recognised (1 distinct), counted as "
                                "not declared until it is classified.")


# The command line, on the sample trust --------------------------------------------------------------------------


def _run(capsys, *arguments: str) -> tuple[int, str, str]:
    code = main(["--standard", "wdes", *arguments, *(path for path, _ in sample_trust_paths())])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("arguments", [(), ("--json",), ("--suppress", "10"), ("--json", "--suppress", "10")])
def test_the_command_lines_output_for_the_sample_trust_has_no_race_word(capsys, arguments):
    code, out, err = _run(capsys, *arguments)
    assert code == 0, err
    assert not race_words(out + err)


def test_the_scan_finds_a_race_word_left_in(capsys):
    """The property check can fail: a leftover word planted in the output is found."""
    _, out, _ = _run(capsys)
    assert race_words(out.replace("Disabled rate", "BME rate", 1))
    assert race_words(out.replace("disability status is declared", "ethnicity is known", 1))


def test_the_table_gives_the_declaration_rate_beside_every_metric(capsys):
    _, out, _ = _run(capsys)
    heading = next(line for line in out.splitlines() if line.startswith("Metric "))
    assert heading.split()[-4:] == ["Non-disabled", "rate", "Declaration", "rate"]
    assert "Disabled rate" in heading
    rows = {line.split()[0]: line for line in out.splitlines() if re.match(r"D\d+ ", line)}
    assert rows["D1"].rstrip().endswith("79%") and rows["D2"].rstrip().endswith("96%")


def test_the_json_gives_the_declaration_rate(capsys):
    _, out, _ = _run(capsys, "--json")
    metrics = json.loads(out)["metrics"]
    d1 = metrics["D1"]
    assert {k: d1["data_quality"][k] for k in ("total", "unknown", "declared")} == {
        "total": 2301, "unknown": 477, "declared": 1824}
    assert d1["declaration_rate"] == pytest.approx(100 * 1824 / 2301)
    assert set(metrics) == set(STANDARDS["wdes"].metrics)
    assert all("declaration_rate" in metric for metric in metrics.values())


def test_the_disability_flag_classifies_a_label(capsys, tmp_path):
    # The sample trust's applicants with their refusal worded as no list knows it: unrecognised until the flag says.
    from openpyxl import load_workbook

    label = "Would rather not state"
    paths = [path for path, _ in sample_trust_paths()]
    applicants = next(p for p in paths if p.endswith("trac_applicants.xlsx"))
    book = load_workbook(applicants)
    changed = 0
    for row in book.active.iter_rows():
        for cell in row:
            if cell.value == "I do not wish to disclose this":
                cell.value, changed = label, changed + 1
    copy = tmp_path / "trac_applicants.xlsx"
    book.save(copy)
    files = [str(copy) if p == applicants else p for p in paths]

    def run(*arguments: str) -> dict:
        assert main(["--standard", "wdes", "--json", *arguments, *files]) == 0
        return json.loads(capsys.readouterr().out)

    payload = run()
    # 101 applicants carry it; 23 of them were shortlisted in the year, whom metric 2 counts.
    assert changed == 101
    assert payload["metrics"]["D2"]["data_quality"]["unrecognised_labels"] == {label: 23}
    assert "--disability \"LABEL=GROUP\"" in " ".join(payload["warnings"])
    payload = run("--disability", f"{label}=not_declared")
    assert payload["metrics"]["D2"]["data_quality"]["unrecognised_labels"] == {}
    assert not any("not recognised" in warning for warning in payload["warnings"])


def test_a_bad_disability_flag_is_refused_in_words(capsys):
    code, _, err = _run(capsys, "--disability", "Yes=blue")
    assert code == 2
    assert err.startswith("error: The disability override for 'Yes' is 'blue', which is not a group")
    assert "Traceback" not in err
    code, _, err = _run(capsys, "--disability", "no equals sign")
    assert code == 2 and "LABEL=GROUP" in err


# Charts, the counts template and publication, on the sample trust ------------------------------------------------


@pytest.fixture(scope="module")
def trust():
    return analyse_paths(sample_trust_paths(), settings=Settings(standard="wdes"))


def test_the_charts_speak_of_disability(trust):
    settings = trust.settings
    specs = [chart_for(result, settings) for result in trust.results.values()]
    specs.append(forest(list(trust.results.values()), settings))
    for spec in specs:
        text = json.dumps(spec.chart.to_dict()) + spec.title + spec.summary + spec.table.to_csv()
        assert not race_words(text), spec.title
    pay = specs[0].chart.to_dict()
    assert "Disability status of staff in each pay band" in json.dumps(pay)
    # Colours go by place in the comparison: the disabled group is dark blue, as the minority-ethnic group is.
    scales = [layer["encoding"]["color"]["scale"] for layer in pay["layer"]
              if layer.get("encoding", {}).get("color", {}).get("field") == "group"]
    assert scales[0]["domain"] == ["Disabled", "Non-disabled", "Not declared"]
    assert scales[0]["range"][0] == "#12436D"


def test_the_counts_template_round_trips_a_disability_figure_set(trust):
    written = io.BytesIO()
    write_template(written, figures=trust.figures, standard="wdes")
    sheets = read_workbook("wdes.xlsx", written.getvalue())
    about = next(sheet for sheet in sheets if sheet.name == "About")
    assert ["Groups", "Disability status"] == [str(v) for v in about.rows[5][:2]]
    pay = next(sheet for sheet in sheets if sheet.name.startswith("D1"))
    assert [str(v) for v in pay.rows[3][:4]] == ["Pay band", "Disabled", "Non-disabled", "Not declared"]
    board = next(sheet for sheet in sheets if sheet.name.startswith("D2"))
    assert [str(row[0]) for row in board.rows[4:7]] == ["Disabled", "Non-disabled", "Not declared"]
    read = read_template(sheets, file="wdes.xlsx")
    assert read.comparison is DISABILITY
    assert read.available == trust.figures.available
    key = ["metric", "item", "group"]
    assert (read.counts.sort_values(key).reset_index(drop=True)
            .equals(trust.figures.counts.sort_values(key).reset_index(drop=True)))
    for metric in read.available:
        assert (read.quality[metric].total, read.quality[metric].unknown) == (
            trust.figures.quality[metric].total, trust.figures.quality[metric].unknown)


def test_a_template_of_other_groups_is_refused_in_words(trust, tmp_path):
    from data_loaders.errors import InputError
    from pipeline.api import analyse, read_paths

    path = tmp_path / "wdes.xlsx"
    write_template(path, figures=trust.figures, standard="wdes")
    with pytest.raises(InputError, match="holds counts by disability status, but the NHS WRES compares ethnic groups"):
        analyse(read_paths([str(path)]), Settings(standard="nhs-wres"))
    # A race template's sheet relabelled as a WDES metric's is refused too, not read as ethnic groups.
    race = tmp_path / "race.xlsx"
    write_template(race, period_end=dt.date(2026, 3, 31), standard="wdes")
    import openpyxl

    book = openpyxl.load_workbook(race)
    book["About"]["B6"] = "Ethnic group"
    sheet = next(name for name in book.sheetnames if name.startswith("D2"))
    book[sheet]["B5"] = 3
    book.save(race)
    with pytest.raises(InputError, match="the sheet is for D2, which is counted by disability status, but this "
                                         "template holds counts by ethnic group"):
        read_paths([str(race)])
    book["About"]["B6"] = "Shoe size"
    book.save(race)
    with pytest.raises(InputError, match="'Shoe size'"):
        read_paths([str(race)])


def test_a_race_template_still_holds_ethnic_groups(tmp_path):
    path = tmp_path / "race.xlsx"
    write_template(path, period_end=dt.date(2026, 3, 31), standard="nhs-wres")
    sheets = read_workbook("race.xlsx", path.read_bytes())
    about = next(sheet for sheet in sheets if sheet.name == "About")
    assert not any(str(row[0]).strip() == "Groups" for row in about.rows if row)
    assert read_template(sheets, file="race.xlsx").comparison is ETHNICITY


def test_publication_withholds_small_disability_counts(trust):
    published = publish(trust.results, trust.settings)
    board = published["D10"]
    # The board's members are a handful: their counts are withheld, as the race standards' would be.
    assert {"disabled.events", "not_declared.events"} <= board.hidden
    assert board.sentence and not race_words(board.sentence)
    assert "withheld" in board.sentence
    pay = published["D1"]
    for band in pay.bands:
        for group in DISABILITY.keys:
            count = band.counts[group]
            assert count is None or count == 0 or count >= trust.settings.suppression_threshold, (band.band, group)


# The app's pages, headless, on the sample trust uploaded on the Data page --------------------------------------

WDES_PAGES = ["pages/pay_and_senior.py", "pages/recruitment.py", "pages/overview.py", "pages/report.py",
              "pages/present.py", "pages/trends.py", "pages/benchmarking.py", "pages/data.py"]


@pytest.fixture(scope="module")
def trust_app(tmp_path_factory):
    """The app with the sample trust's files added on the Data page and the WDES chosen in the sidebar."""
    from streamlit.testing.v1 import AppTest

    from ui.apptest import served_navigation

    database = tmp_path_factory.mktemp("db") / "wres.sqlite"
    with pytest.MonkeyPatch.context() as patch, served_navigation():
        patch.setenv("WRES_DATABASE_URL", f"sqlite:///{database}")
        at = AppTest.from_file(str(Path(__file__).parent.parent / "app.py"), default_timeout=180).run()
        at.switch_page("pages/data.py").run()
        files = [(path, None) for path, _ in sample_trust_paths()]
        at.file_uploader[0].set_value([(p.rsplit("/", 1)[-1], open(p, "rb").read(), "application/octet-stream")
                                       for p, _ in files]).run()
        next(b for b in at.button if b.label == "Add the files").click().run()
        assert not at.exception, at.exception
        at.sidebar.radio[0].set_value("wdes").run()
        assert not at.exception, at.exception
        yield at


def _page_text(at) -> str:
    """What the page's main area says: headings, text, captions, notes and tables (not the sidebar's controls)."""
    from ui.apptest import html_tables

    parts = [str(e.value) for kind in ("header", "subheader", "markdown", "caption", "text", "info", "warning",
                                        "success") for e in getattr(at, kind)]
    parts += [table.to_csv() for table in html_tables(at)]
    return "\n".join(parts)


@pytest.mark.parametrize("page", WDES_PAGES)
def test_the_pages_render_under_the_wdes_for_the_sample_trust(trust_app, page):
    at = trust_app
    at.switch_page(page).run()
    assert not at.exception, at.exception
    if page in ("pages/pay_and_senior.py", "pages/recruitment.py", "pages/overview.py"):
        text = _page_text(at)
        assert not race_words(text), race_words(text)
    if page == "pages/data.py":  # its list of the columns read names the ethnicity column, as read: not its labels
        headings = [str(h.value) for h in at.subheader]
        assert "Disability labels" in headings and "Ethnicity labels" not in headings
    if page == "pages/recruitment.py":
        assert "Declaration rate: 96% (554 of 577 declared)" in _page_text(at)


@pytest.mark.parametrize("kind", ["xlsx", "pptx"])
def test_the_board_pack_speaks_of_disability(kind, tmp_path, monkeypatch, capsys):
    from reports.cli import main as reports_main

    monkeypatch.setenv("WRES_DATABASE_URL", f"sqlite:///{tmp_path / 'none.sqlite'}")  # no dashboard database
    out = tmp_path / f"pack.{kind}"
    code = reports_main(["--format", kind, "--standard", "wdes", "--out", str(out),
                         *(path for path, _ in sample_trust_paths())])
    assert code == 0, capsys.readouterr().err
    if kind == "xlsx":
        import openpyxl

        book = openpyxl.load_workbook(out)
        text = "\n".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row
                         if c.value is not None)
    else:
        from pptx import Presentation

        deck = Presentation(str(out))
        text = "\n".join([deck.core_properties.title or ""] + [
            shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame])
        assert "Workforce disability equality" in text
    assert "The declaration rate is" in text
    assert not race_words(text), race_words(text)
