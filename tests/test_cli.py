"""The command line, run as a person runs it: a separate process, its output read back."""

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from metrics.registry import METRICS, metrics_of

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "wexcombe" / "2026-03-31"


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "metrics", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def sample_json():
    completed = run("--json")
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def test_sample_council_json_shape(sample_json):
    assert sample_json["standard"] == "sc-wres"
    assert sample_json["period"] == {"start": "2025-04-01", "end": "2026-03-31"}
    assert list(sample_json["metrics"]) == list(metrics_of("sc-wres"))
    assert isinstance(sample_json["warnings"], list)
    for metric_id in ("M2", "M3", "M4", "M5", "M8"):
        metric = sample_json["metrics"][metric_id]
        assert set(metric) >= {"value", "ci", "status", "groups", "sentence"}
        for group in ("bme", "white", "unknown"):
            figures = metric["groups"][group]
            assert isinstance(figures["events"], (int, float)) and isinstance(figures["base"], (int, float))
            assert 0 <= figures["rate"] <= 1
        low, high = metric["ci"]
        assert low < metric["value"] < high
        # The value is the BME rate over the white rate (SC-WRES).
        assert metric["value"] == pytest.approx(metric["groups"]["bme"]["rate"] / metric["groups"]["white"]["rate"],
                                                rel=1e-5)


def test_sample_council_pay_bands_and_senior_managers(sample_json):
    m1 = sample_json["metrics"]["M1"]
    for band in [*m1["bands"], m1["overall"]]:
        assert band["bme_pct"] + band["white_pct"] + band["unknown_pct"] == pytest.approx(100, abs=1e-3)
    assert sum(b["bme"] for b in m1["bands"]) == m1["overall"]["bme"]
    # The sample council's pattern: BME staff over-represented in the lowest band, under in the highest.
    assert m1["bands"][0]["bme_pct"] > m1["overall"]["bme_pct"] > m1["bands"][-1]["bme_pct"]
    m9 = sample_json["metrics"]["M9"]
    assert m9["value"] == pytest.approx(m9["senior_bme_pct"] - m9["workforce_bme_pct"], abs=1e-3)
    assert m9["value"] < 0 and m9["status"] == "adverse, beyond chance"


def test_survey_questions(sample_json):
    assert set(sample_json["metrics"]["M6"]["questions"]) == {"public"}
    assert set(sample_json["metrics"]["M7"]["questions"]) == {"colleagues", "managers"}


def test_nhs_standard_inverts_appointment_not_disciplinary(sample_json):
    completed = run("--json", "--standard", "nhs-wres")
    assert completed.returncode == 0, completed.stderr
    nhs = json.loads(completed.stdout)
    assert nhs["standard"] == "nhs-wres"
    sc = sample_json["metrics"]
    assert nhs["metrics"]["M2"]["value"] == pytest.approx(1 / sc["M2"]["value"], rel=1e-5)
    # Indicator 4 is white over BME, counted from non-mandatory courses funded or not (M5 counts funded ones only).
    w4 = nhs["metrics"]["W4"]["groups"]
    assert nhs["metrics"]["W4"]["value"] == pytest.approx(w4["white"]["rate"] / w4["bme"]["rate"], rel=1e-9)
    assert w4["white"]["events"] >= sc["M5"]["groups"]["white"]["events"]
    # Indicator 5 is counted as the SC-WRES's metric 6 is: the same figure, BME over white.
    assert nhs["metrics"]["W5"]["value"] == pytest.approx(sc["M6"]["value"])
    assert nhs["metrics"]["M3"]["value"] == pytest.approx(sc["M3"]["value"])
    assert nhs["metrics"]["M2"]["status"] == sc["M2"]["status"]


def test_files_named_with_datasets_and_recognised_without():
    completed = run("--json", f"staff={SAMPLE / 'staff.xlsx'}", SAMPLE / "recruitment.xlsx")
    assert completed.returncode == 0, completed.stderr
    out = json.loads(completed.stdout)
    assert out["metrics"]["M1"]["status"] == "descriptive"
    assert out["metrics"]["M2"]["status"] != "no data"
    assert out["metrics"]["M6"]["status"] == "no data"
    assert out["metrics"]["M3"]["status"] == "no data"


def test_period_end_option():
    completed = run("--json", "--period-end", "2025-12-31", SAMPLE / "staff.xlsx")
    out = json.loads(completed.stdout)
    assert out["period"] == {"start": "2025-01-01", "end": "2025-12-31"}


def test_without_a_period_end_the_output_says_what_was_assumed_and_why(tmp_path):
    """A staff list whose only dates are start dates: the 31 March just gone, not the latest start date."""
    today = dt.date.today()
    march = dt.date(today.year if today >= dt.date(today.year, 3, 31) else today.year - 1, 3, 31)
    wb = Workbook()
    wb.active.append(["Employee No", "Ethnic Origin", "Grade", "Start Date"])
    for n in range(12):
        wb.active.append([n, "White British" if n % 3 else "Indian", "Grade 1", dt.datetime(2016 + n % 8, 9, 1)])
    path = tmp_path / "staff.xlsx"
    wb.save(path)
    out = json.loads(run("--json", path).stdout)
    assert out["period"]["end"] == march.isoformat()
    note = out["warnings"][0]  # first: every figure depends on it
    assert note.startswith(f"The period is assumed to end on {march.day} {march:%B %Y}: the 31 March just gone")
    assert "staff start dates are not used" in note and note.endswith("Give --period-end YYYY-MM-DD to set it.")
    readable = run(path).stdout
    assert "The period is assumed to end on" in readable and "--period-end YYYY-MM-DD" in readable
    given = json.loads(run("--json", "--period-end", "2025-12-31", path).stdout)
    assert given["period"]["end"] == "2025-12-31"
    assert not any("assumed" in w for w in given["warnings"])


def test_suppression_option_hides_small_counts():
    completed = run("--json", "--suppress", "10")
    assert completed.returncode == 0, completed.stderr
    out = json.loads(completed.stdout)
    m4 = out["metrics"]["M4"]  # a handful of fitness to practise referrals
    assert m4["groups"]["bme"]["events"] is None
    assert m4["value"] is None
    for band in out["metrics"]["M1"]["bands"]:
        for group in ("bme", "white", "unknown"):
            assert band[group] is None or band[group] == 0 or band[group] >= 10
    assert any("withheld" in w for w in out["warnings"])


def test_readable_table():
    completed = run()
    assert completed.returncode == 0, completed.stderr
    assert "Wexcombe Borough Council: SC-WRES, 1 April 2025 to 31 March 2026" in completed.stdout
    assert "M2 Appointment from shortlisting" in completed.stdout
    assert "What we know from our data" in completed.stdout


def test_template_command_writes_a_readable_blank(tmp_path):
    out = tmp_path / "counts.xlsx"
    completed = run("template", out)
    assert completed.returncode == 0, completed.stderr
    assert out.exists()
    reread = run("--json", out)
    # Blank: no period end date yet, and the message says where to put it.
    assert reread.returncode == 2
    assert reread.stderr.startswith("error:") and "B5" in reread.stderr


def test_template_command_fills_a_template_from_hr_files(tmp_path, sample_json):
    """A council turns its exports into the counts a regional lead pools; read back, the figures are the same."""
    out = tmp_path / "wexcombe.xlsx"
    completed = run("template", out, *sorted(SAMPLE.iterdir()), "--organisation", "Wexcombe Borough Council")
    assert completed.returncode == 0, completed.stderr
    written, *notes = completed.stdout.splitlines()
    assert written == f"Wrote Wexcombe Borough Council counts for 1 April 2025 to 31 March 2026 to {out}"
    assert " ".join(notes).startswith("The period is assumed to end on 31 March 2026: the end of the month of the")
    reread = run("--json", out)
    assert reread.returncode == 0, reread.stderr
    figures = json.loads(reread.stdout)
    for metric_id in ("M2", "M3", "M8", "M9"):
        assert figures["metrics"][metric_id]["value"] == pytest.approx(sample_json["metrics"][metric_id]["value"])
    assert figures["metrics"]["M7"]["questions"]["managers"]["value"] == pytest.approx(
        sample_json["metrics"]["M7"]["questions"]["managers"]["value"])


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: p.write_bytes(b""), "empty"),
        (lambda p: p.write_text("just some words\nnothing tabular\n"), "heading"),
        (lambda p: p.write_bytes(bytes(range(256)) * 40), "not a spreadsheet"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, make, expected):
    path = tmp_path / "staff.xlsx"
    make(path)
    completed = run(path)
    assert completed.returncode == 2
    assert completed.stderr.startswith("error:")
    assert len(completed.stderr.strip().splitlines()) == 1
    assert "Traceback" not in completed.stderr
    assert expected in completed.stderr.lower()
    assert "staff.xlsx" in completed.stderr


def test_no_ethnicity_column_says_what_to_do(tmp_path):
    wb = Workbook()
    wb.active.append(["Employee No", "Grade", "Annual Salary"])
    wb.active.append([1, "Grade 3", 21000])
    path = tmp_path / "staff.xlsx"
    wb.save(path)
    completed = run(path)
    assert completed.returncode == 2
    assert "ethnicity" in completed.stderr.lower()
    assert "Traceback" not in completed.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["missing.xlsx"],
        ["--standard", "us-eeo"],
        ["--period-end", "31/03/2026"],
        ["--suppress", "-3"],
        ["payroll=staff.xlsx"],
    ],
)
def test_bad_arguments_exit_2(args):
    completed = run(*args)
    assert completed.returncode == 2
    assert completed.stderr.startswith("error:")
    assert len(completed.stderr.strip().splitlines()) == 1


def test_filter_option():
    completed = run("--json", "--filter", "service=Children's")
    assert completed.returncode == 0, completed.stderr
    out = json.loads(completed.stdout)
    assert out["filters"] == {"service": ["Children's"]}
    everyone = json.loads(run("--json").stdout)
    assert out["metrics"]["M1"]["overall"]["bme"] < everyone["metrics"]["M1"]["overall"]["bme"]
    bad = run("--filter", "service")
    assert bad.returncode == 2 and "COLUMN=VALUE" in bad.stderr


def _staff_csv(tmp_path):
    """A UK Excel CSV (Windows-1252) with title rows, a label the tool cannot place and no senior flag."""
    lines = ["Some Council HR,,", "Report run 01/04/2026,,", ",,", "Staff ID,Ethnic Group,Pay Band"]
    lines += [f"{n},Other - European,Band 1" for n in range(12)]
    lines += [f"{100 + n},White: Irish,Band 1" for n in range(12)]
    lines += [f"{200 + n},Asian or Asian British - Indian,Band 2" for n in range(6)]
    lines += [f"{300 + n},White British,Band 2" for n in range(6)]
    lines += ["Grand Total,36,"]
    path = tmp_path / "staff £ export.csv"
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    return path


def test_unrecognised_labels_are_warned_and_can_be_classified(tmp_path):
    path = _staff_csv(tmp_path)
    out = json.loads(run("--json", path).stdout)
    assert out["metrics"]["M1"]["data_quality"]["unrecognised_labels"] == {"Other - European": 12}
    assert out["metrics"]["M1"]["overall"]["unknown"] == 12
    # The command line's own advice: its flag, not the app's pages.
    assert ("Ethnicity labels not recognised, counted as unknown until they are classified: 'Other - European' (12). "
            "Say which group each belongs to with --ethnicity \"LABEL=GROUP\"") in "\n".join(out["warnings"])
    assert not any("Data page" in w or "settings" in w.lower() for w in out["warnings"] if "not recognised" in w)
    assert any("1 row skipped: totals row" in w for w in out["warnings"])
    fixed = json.loads(run("--json", "--ethnicity", "Other - European=white", path).stdout)
    assert fixed["metrics"]["M1"]["overall"] == {"bme": 6, "white": 30, "unknown": 0,
                                                 "bme_pct": pytest.approx(100 * 6 / 36),
                                                 "white_pct": pytest.approx(100 * 30 / 36), "unknown_pct": 0,
                                                 "bme_pct_of_known": pytest.approx(100 * 6 / 36)}
    bad = run("--ethnicity", "Other - European=martian", path)
    assert bad.returncode == 2 and bad.stderr.startswith("error:") and "martian" in bad.stderr


def test_senior_bands_option(tmp_path):
    path = _staff_csv(tmp_path)
    out = json.loads(run("--json", path).stdout)
    assert out["metrics"]["M9"]["status"] == "no data"
    assert any("--senior-band" in w for w in out["warnings"])
    senior = json.loads(run("--json", "--senior-band", "Band 2", "--ethnicity", "Other - European=white",
                            path).stdout)["metrics"]["M9"]
    # Band 2: 6 BME and 6 white senior managers; the workforce: 6 BME of 36.
    assert senior["senior_bme_pct"] == pytest.approx(50.0)
    assert senior["workforce_bme_pct"] == pytest.approx(100 * 6 / 36)


# --- python -m metrics benchmark ------------------------------------------------------------------------------

REGION = ROOT / "sample_data" / "region"


def test_benchmark_json_holds_the_engines_pooled_figures():
    from metrics.benchmarking import benchmark
    from metrics.settings import Settings
    from pipeline.template import read_template_paths

    completed = run("benchmark", REGION, "--json", "--standard", "nhs-wres")
    assert completed.returncode == 0, completed.stderr
    out = json.loads(completed.stdout)
    assert out["standard"] == "nhs-wres" and len(out["organisations"]) == 30
    engine = benchmark(read_template_paths([REGION]), Settings(standard="nhs-wres"), published_only=())
    assert [c["metric"] + (" " + c["question"] if c["question"] else "") for c in out["comparisons"]] == [
        c.key for c in engine.comparisons]
    # The region's councils hold SC-WRES counts: of the NHS WRES's indicators, appointment and disciplinary.
    assert [c.metric_id for c in engine.comparisons if c.pooled.value is not None] == ["M2", "M3"]
    for shown, computed in zip(out["comparisons"], engine.comparisons, strict=True):
        assert shown["title"] == METRICS[computed.metric_id].title
        if computed.pooled.value is None:  # no organisation has counts for it (the region has no board lists)
            assert shown["pooled"]["value"] is None
            continue
        assert shown["pooled"]["value"] == pytest.approx(computed.pooled.value, rel=1e-12)
        assert shown["pooled"]["ci"] == pytest.approx(list(computed.pooled.ci), rel=1e-12)
        assert shown["pooled"]["numerator"]["events"] == computed.pooled.numerator.events
    assert out["workforce"]["pooled_bme_pct"] == pytest.approx(engine.workforce.pooled_pct, rel=1e-12)


def test_benchmark_folder_expands_and_reads_as_tables():
    completed = run("benchmark", REGION, "--metric", "M3")
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("Benchmarking 30 organisations: SC-WRES, 1 April 2025 to 31 March 2026")
    assert "M3 Disciplinary" in completed.stdout and "M2 Appointment" not in completed.stdout
    kestermoor = next(line for line in completed.stdout.splitlines() if line.startswith("Kestermoor City Council"))
    assert kestermoor.endswith("above the 99.8% limit, adverse")
    assert "Not placed: Fernhithe Council: there are only" in completed.stdout


def test_benchmark_anonymised_shows_no_names():
    completed = run("benchmark", REGION, "--anonymise", "--json", "--metric", "M2")
    assert completed.returncode == 0, completed.stderr
    assert "Council" not in completed.stdout
    out = json.loads(completed.stdout)
    assert out["anonymised"] is True
    assert all(row["size"] % 10 == 0 and "groups" not in row for row in out["comparisons"][0]["organisations"])


def test_benchmark_refuses_a_records_file_in_one_line():
    completed = run("benchmark", REGION / "ashmere-borough-council.xlsx", SAMPLE / "staff.xlsx")
    assert completed.returncode == 2
    assert completed.stderr.startswith("error:") and len(completed.stderr.strip().splitlines()) == 1
    assert "staff.xlsx" in completed.stderr and "one counts template per organisation" in completed.stderr
    assert "python -m metrics template" in completed.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([REGION / "ashmere-borough-council.xlsx"], "at least 2 organisations"),
        ([REGION / "ashmere-borough-council.xlsx", REGION / "ashmere-borough-council.xlsx"], "About sheet"),
        ([REGION, "--metric", "M12"], "no metric"),
        (["missing-folder"], "does not exist"),
        ([], "required"),
    ],
)
def test_benchmark_bad_input_exit_2(args, expected):
    completed = run("benchmark", *args)
    assert completed.returncode == 2
    assert completed.stderr.startswith("error:") and len(completed.stderr.strip().splitlines()) == 1
    assert expected in completed.stderr


def test_the_engine_gives_the_unrecognised_labels_and_leaves_the_advice_to_each_front_end(tmp_path):
    from pipeline.api import analyse_paths, unrecognised_note

    analysis = analyse_paths([str(_staff_csv(tmp_path))])
    assert analysis.unrecognised == {"Other - European": 12}
    assert not any("not recognised" in w for w in analysis.warnings)
    assert unrecognised_note(analysis.unrecognised) == (
        "Ethnicity labels not recognised, counted as unknown until they are classified: 'Other - European' (12).")


def test_the_census_table_given_as_an_hr_file_is_refused_without_a_flag_that_does_not_exist():
    result = run(str(ROOT / "sample_data" / "wexcombe" / "census_ts021.csv"))
    assert result.returncode == 2
    assert "this is the Census 2021 ethnic group table (TS021), not an HR export" in result.stderr
    assert "Settings page under 'Local population'" in result.stderr
    assert "--population" not in result.stderr  # the command line has no such option


def test_no_senior_managers_found_says_how_to_give_the_bands_here(tmp_path):
    workbook = Workbook()
    workbook.active.append(["Employee No", "Ethnic Origin", "Pay Band"])
    for n in range(20):
        workbook.active.append([n, "A White - British" if n % 2 else "R Chinese", f"Band {n % 4}"])
    path = tmp_path / "staff.xlsx"
    workbook.save(path)
    warnings = json.loads(run("--json", str(path)).stdout)["warnings"]
    (note,) = [w for w in warnings if w.startswith("No senior managers were found")]
    assert note.endswith("Say which pay bands are senior management. Give them with --senior-band BAND "
                         "(once for each band).")
    senior = json.loads(run("--json", "--senior-band", "Band 3", str(path)).stdout)
    assert not [w for w in senior["warnings"] if w.startswith("No senior managers were found")]


def test_bad_values_in_an_export_are_named_in_the_warnings(tmp_path):
    # One workbook, as a new user's export might come: a negative salary, a heading written twice over different
    # values, and every start date after the period end.
    workbook = Workbook()
    workbook.active.title = "Staff"
    workbook.active.append(["Employee No", "Ethnicity", "Grade", "Annual Salary", "Ethnicity", "Start Date"])
    workbook.active.append([1, "White British", "Grade 3", 25000, "White British", dt.datetime(2030, 1, 1)])
    workbook.active.append([2, "Black African", None, -50000, "Indian", dt.datetime(2031, 5, 1)])
    path = tmp_path / "staff.xlsx"
    workbook.save(path)
    completed = run("--json", "--period-end", "2026-03-31", str(path))
    assert completed.returncode == 0, completed.stderr
    warnings = json.loads(completed.stdout)["warnings"]
    assert ("staff.xlsx / Staff: 1 row had an amount below zero in column 'Annual Salary' (row 3; e.g. '-50000'): "
            "a salary cannot be negative, so it is counted without a salary and left out of the pay bands unless the "
            "row gives a pay band; the rest of each row still counts for the other metrics. Correct the amount in "
            "the file and load it again") in warnings
    assert ("staff.xlsx / Staff: the heading 'Ethnicity' is written twice, in columns B and E, and they differ in "
            "1 row (row 3; e.g. row 3: 'Black African' in column B, 'Indian' in column E): column B, the first, was "
            "read for ethnicity and column E was not used. If column E is the right one, choose 'Ethnicity (column E)' "
            "for ethnicity (on the Data page, under Correct the columns), or delete or rename the wrong column in the "
            "file and load it again") in warnings
    assert any(w.startswith("Every one of the 2 staff in the staff list started after the period end (31 March "
                            "2026; the earliest: employee 1, starting 1 January 2030)") for w in warnings)
    assert not any("no pay band or salary column" in w or w.startswith("No senior managers") for w in warnings)


def test_the_command_line_says_which_events_were_left_out(tmp_path):
    # 12 staff, numbers 0-11; 0, 3, 6 and 9 are regulated. Four referrals: one fine, one undated, one of
    # a number nobody has, one of an unregulated person; one is counted.
    staff = Workbook()
    staff.active.append(["Employee No", "Ethnic Origin", "Grade", "Regulated professional"])
    for n in range(12):
        staff.active.append([n, "White British" if n % 2 else "Indian", "Grade 1", "Y" if n % 3 == 0 else "N"])
    staff.save(tmp_path / "staff.xlsx")
    referrals = Workbook()
    referrals.active.append(["Case ID", "Employee No", "Date referred"])
    for case, (number, day) in enumerate([(0, dt.datetime(2025, 6, 1)), (3, None), (77, dt.datetime(2025, 7, 1)),
                                          (1, dt.datetime(2025, 8, 1))]):
        referrals.active.append([f"F{case}", number, day])
    referrals.save(tmp_path / "ftp.xlsx")
    args = ("--json", "--period-end", "2026-03-31", tmp_path / "staff.xlsx",
            f"fitness_to_practise={tmp_path / 'ftp.xlsx'}")
    out = json.loads(run(*args).stdout)
    assert out["metrics"]["M4"]["groups"]["bme"]["events"] == 1
    assert sum(g["events"] for g in out["metrics"]["M4"]["groups"].values()) == 1
    for note in ("1 of the 4 fitness to practise referrals has no date, so it is left out of metric 4",
                 "1 of the 3 fitness to practise referrals could not be matched to anyone in the staff data by "
                 "employee number (77)",
                 "1 of the 2 fitness to practise referrals is of staff who are not regulated professionals"):
        assert any(w.startswith(note) for w in out["warnings"]), note
    readable = run(*args[1:]).stdout
    assert "employee number (77)" in readable


def test_every_metric_says_who_is_counted_with_the_periods_dates(sample_json):
    from metrics.counts import Period

    period = Period.twelve_months_to(dt.date(2026, 3, 31))
    for metric_id, metric in sample_json["metrics"].items():
        assert metric["counted"] == METRICS[metric_id].counted_text(period)
    text = " ".join(run().stdout.split())
    assert f"Who is counted -------------- M1: {METRICS['M1'].counted_text(period)}" in text
