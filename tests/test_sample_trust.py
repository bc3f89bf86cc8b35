"""The sample trust: the committed files are exactly what its generator makes, they are shaped as an NHS
trust's systems export them (ESR's headings below title rows, bank workers in the staff list, the staff
survey by respondent under its question codes), and they are read as they come: every heading the
metrics need is recognised, the new columns are carried, and the NHS WRES and WDES figures come out of
the command line.

Counts are checked by hand from the cells here (NHS code letters, dates), not with the project's loaders.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import statistics
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from pipeline.api import SAMPLE_TRUST_DIR, analyse, read_paths, sample_trust_paths
from sample_data import generate_trust

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = generate_trust.DEFAULT_OUT
WORKBOOKS = tuple(name for name in generate_trust.FILES if name.endswith(".xlsx"))
SNAPSHOT = dt.datetime(2026, 3, 31)
WHITE_LETTERS = frozenset("ABC")
BME_LETTERS = frozenset("DEFGHJKLMNPRS")


def sheet_values(path: Path) -> dict[str, list[tuple[object, ...]]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}
    finally:
        workbook.close()


def staff_records() -> list[dict[str, object]]:
    rows = sheet_values(COMMITTED / "esr_staff_in_post.xlsx")["Staff in Post"]
    headings = rows[4]
    return [dict(zip(headings, row, strict=True)) for row in rows[5:]]


def in_post(record: dict[str, object]) -> bool:
    hired, left = record["Hire Date"], record["Termination Date"]
    return isinstance(hired, dt.datetime) and hired <= SNAPSHOT and (left is None or left > SNAPSHOT)


def nhs_group(label: object) -> str:
    if isinstance(label, str) and label[:1] in WHITE_LETTERS:
        return "white"
    if isinstance(label, str) and label[:1] in BME_LETTERS and label[1:2] == " ":
        return "bme"
    return "unknown"


def survey_by_hand() -> dict[str, dict[str, tuple[int, int]]]:
    """(yes, answered) by group for the NHS WRES's indicators 5-8, from the survey file's cells: 5 is Q14a; 6 is
    Q14b or Q14c (answered either, yes to either); 7 is Q15, "Don't know" an answer but not a yes; 8 is Q16b. The
    respondent's own ethnic group: white when it starts "White", unknown when blank, otherwise minority ethnic."""
    with (COMMITTED / "staff_survey.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))

    def group(row: dict[str, str]) -> str:
        label = row["Ethnic Group"]
        return "unknown" if not label else "white" if label.startswith("White") else "bme"

    questions = {"W5": ("Q14a",), "W6": ("Q14b", "Q14c"), "W7": ("Q15",), "W8": ("Q16b",)}
    out: dict[str, dict[str, tuple[int, int]]] = {}
    for metric_id, codes in questions.items():
        out[metric_id] = {}
        for g in ("bme", "white", "unknown"):
            mine = [r for r in rows if group(r) == g]
            answered = [r for r in mine if any(r[c] for c in codes)]
            out[metric_id][g] = (sum(1 for r in answered if any(r[c] == "Yes" for c in codes)), len(answered))
    return out


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("trust")
    generate_trust.generate(out)
    return out


@pytest.fixture(scope="module")
def inputs():
    return read_paths(sample_trust_paths())


# --- the committed files are the generator's output ---------------------------------------------


@pytest.mark.parametrize("name", WORKBOOKS)
def test_committed_workbook_matches_a_fresh_run(regenerated: Path, name: str) -> None:
    committed, fresh = sheet_values(COMMITTED / name), sheet_values(regenerated / name)
    assert list(committed) == list(fresh)
    for title in committed:
        assert len(committed[title]) == len(fresh[title]), title
        for row_number, (ours, theirs) in enumerate(zip(committed[title], fresh[title], strict=True), start=1):
            assert ours == theirs, f"{name} {title} row {row_number}"


def test_committed_survey_matches_a_fresh_run(regenerated: Path) -> None:
    assert (COMMITTED / "staff_survey.csv").read_bytes() == (regenerated / "staff_survey.csv").read_bytes()


def test_two_runs_write_byte_identical_files(regenerated: Path, tmp_path: Path) -> None:
    generate_trust.main(["--out", str(tmp_path)])
    for name in generate_trust.FILES:
        assert (tmp_path / name).read_bytes() == (regenerated / name).read_bytes(), name


def test_the_folder_holds_the_six_exports_and_stays_small() -> None:
    assert COMMITTED == SAMPLE_TRUST_DIR
    assert sorted(p.name for p in COMMITTED.iterdir()) == sorted(generate_trust.FILES)
    assert sum(p.stat().st_size for p in COMMITTED.iterdir()) < 800_000


# --- the files look like the exports they imitate -----------------------------------------------


def test_the_esr_export_has_title_rows_above_esrs_headings() -> None:
    sheets = sheet_values(COMMITTED / "esr_staff_in_post.xlsx")
    assert list(sheets) == ["Staff in Post", "Notes"]
    rows = sheets["Staff in Post"]
    assert rows[0][0] == "Northfield NHS Foundation Trust"
    assert rows[1][0].startswith("ESR BI: Assignment Details")
    assert all(cell is None for cell in rows[3])
    assert rows[4] == generate_trust.STAFF_HEADINGS
    for heading in ("Assignment Number", "Employee Number", "Ethnic Origin", "Disability Flag", "Staff Group",
                    "Assignment Category", "Org L4", "Hire Date", "Termination Date", "Date of Birth"):
        assert heading in rows[4]


def test_the_staff_list_is_a_trusts_workforce_with_its_bank_workers() -> None:
    records = staff_records()
    current = [r for r in records if in_post(r)]
    assert 2_400 <= len(current) <= 2_900
    assert {r["Assignment Category"] for r in records} == {"Permanent", "Fixed Term Temp", "Bank"}
    bank = [r for r in current if r["Assignment Category"] == "Bank"]
    assert 250 <= len(bank) <= 400
    assert all(r["Annual Salary"] is None and r["Contracted WTE"] == 0 for r in bank)
    assert {r["Staff Group"] for r in records} == {
        "Medical and Dental", "Nursing and Midwifery Registered", "Additional Clinical Services",
        "Allied Health Professionals", "Additional Professional Scientific and Technical", "Healthcare Scientists",
        "Administrative and Clerical", "Estates and Ancillary",
    }
    grades = {r["Grade"] for r in records}
    assert {"Band 2", "Band 3", "Band 4", "Band 5", "Band 6", "Band 7", "Band 8a", "Band 8b", "Band 8c", "Band 8d",
            "Band 9", "VSM", "Consultant", "Specialty Doctor", "Foundation Year 1"} <= grades
    assert set(r["Disability Flag"] for r in records) == {"Yes", "No", "Not Declared", "Unspecified"}
    labels = {r["Ethnic Origin"] for r in records} - {None}
    assert "Z Not Stated" in labels and "A White - British" in labels and "H Asian or Asian British - Indian" in labels
    assert all(nhs_group(label) != "unknown" or label == "Z Not Stated" for label in labels)
    # The pattern the national reports describe: minority-ethnic staff fewer from Band 8a up than in Band 5.
    def bme_share(wanted: set[str]) -> float:
        known = [nhs_group(r["Ethnic Origin"]) for r in current if r["Grade"] in wanted]
        known = [g for g in known if g != "unknown"]
        return known.count("bme") / len(known)

    assert bme_share({"Band 5"}) > 0.4 > bme_share({"Band 8a", "Band 8b", "Band 8c", "Band 8d", "Band 9", "VSM"})


def test_the_survey_is_by_respondent_under_the_staff_surveys_question_codes() -> None:
    raw = (COMMITTED / "staff_survey.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].split(",") == list(generate_trust.SURVEY_HEADINGS)
    assert 900 <= len(lines) - 1 <= 1_300


# --- read as they come --------------------------------------------------------------------------


def test_every_file_is_recognised_by_its_sheet_names_and_headings(inputs) -> None:
    read = {sheet.file: sheet.dataset for sheet in inputs.loaded.sheets if sheet.ignored is None}
    assert read == {
        "board_members.xlsx": "board",
        "er_cases.xlsx": "disciplinary",
        "esr_staff_in_post.xlsx": "staff",
        "non_mandatory_training.xlsx": "cpd",
        "staff_survey.csv": "survey",
        "trac_applicants.xlsx": "recruitment",
    }


def test_esr_headings_are_matched_below_the_title_rows(inputs) -> None:
    staff = next(s for s in inputs.loaded.sheets if s.dataset == "staff")
    assert staff.header_row == 5
    assert staff.columns == {
        "employee_id": "Employee Number",
        "ethnicity": "Ethnic Origin",
        "pay_band": "Grade",
        "salary": "Annual Salary",
        "service": "Org L4",
        "job_title": "Job Role",
        "start_date": "Hire Date",
        "leave_date": "Termination Date",
        "sex": "Gender",
        "disability": "Disability Flag",
        "staff_group": "Staff Group",
        "assignment_category": "Assignment Category",
        "wte": "Contracted WTE",  # for the pay gaps' weekly hours (metrics.paygap.weekly_hours_from)
    }
    # What the metrics do not need is left alone: the date of birth above all.
    assert staff.unmapped_headings == ["Org L3", "Organisation", "Assignment Number",
                                       "Latest Hire Date", "Date of Birth", "Sexual Orientation",
                                       "Religious Belief"]
    assert staff.rows_read == len(staff_records())


def test_the_new_columns_are_carried(inputs) -> None:
    records = staff_records()
    staff = inputs.loaded.datasets["staff"]
    assert staff["assignment_category"].astype(str).value_counts().to_dict() == {
        category: sum(1 for r in records if r["Assignment Category"] == category)
        for category in ("Permanent", "Bank", "Fixed Term Temp")
    }
    assert staff["staff_group"].astype(str).value_counts()["Medical and Dental"] == sum(
        1 for r in records if r["Staff Group"] == "Medical and Dental")
    assert staff["disability"].astype(str).value_counts()["Yes"] == sum(
        1 for r in records if r["Disability Flag"] == "Yes")
    assert set(staff["service"].astype(str)) == set(generate_trust.DIVISIONS)
    assert set(inputs.loaded.datasets["recruitment"]["disability"].dropna().astype(str)) == {
        "Yes", "No", "I do not wish to disclose this"}
    survey = next(s for s in inputs.loaded.sheets if s.dataset == "survey")
    assert {survey.columns[c] for c in ("harassment_public", "harassment_managers", "harassment_colleagues")} == {
        "Q14a", "Q14b", "Q14c"}
    assert survey.columns["harassment_public"] == "Q14a" and survey.columns["harassment_managers"] == "Q14b"
    assert set(inputs.loaded.datasets["survey"]["disability"].dropna().astype(str)) == {"Yes", "No"}


# --- a tiny ESR export, counted by hand ----------------------------------------------------------

NURSING, MEDICAL, CLINICAL = "Nursing and Midwifery Registered", "Medical and Dental", "Additional Clinical Services"
TINY_HEADINGS = ("Org L3", "Org L4", "Organisation", "Employee Number", "Assignment Number", "Assignment Category",
                 "Staff Group", "Job Role", "Grade", "Annual Salary", "Hire Date", "Latest Hire Date",
                 "Termination Date", "Date of Birth", "Gender", "Ethnic Origin", "Disability Flag")


def _tiny_rows() -> list[tuple[object, ...]]:
    d = dt.date
    trust = "Tiny NHS Trust"
    med, sur = "Medicine Division", "Surgery Division"
    return [
        # Band 5: two minority-ethnic, one white, one not stated; a fifth left in October.
        (trust, med, "314 Ward 8", 20100001, "20100001", "Permanent", NURSING, "Staff Nurse", "Band 5", 32324,
         d(2019, 9, 2), d(2019, 9, 2), None, d(1990, 1, 1), "Female", "N Black or Black British - African", "No"),
        (trust, med, "314 Ward 8", 20100002, "20100002-2", "Permanent", NURSING, "Staff Nurse", "Band 5", 29970,
         d(2021, 3, 1), d(2024, 6, 3), None, d(1996, 5, 5), "Female", "L Asian or Asian British - Any other Asian "
         "background", "Yes"),
        (trust, sur, "317 Ward 3", 20100003, "20100003", "Permanent", NURSING, "Staff Nurse", "Band 5", 36483,
         d(2010, 1, 4), d(2010, 1, 4), None, d(1980, 2, 2), "Male", "A White - British", "Not Declared"),
        (trust, sur, "317 Ward 3", 20100004, "20100004", "Fixed Term Temp", NURSING, "Staff Nurse", "Band 5", 29970,
         d(2025, 9, 1), d(2025, 9, 1), None, d(2001, 7, 7), "Female", "Z Not Stated", "Unspecified"),
        (trust, med, "314 Ward 8", 20100005, "20100005", "Permanent", NURSING, "Staff Nurse", "Band 5", 32324,
         d(2018, 4, 9), d(2018, 4, 9), d(2025, 10, 31), d(1992, 3, 3), "Female", "H Asian or Asian British - Indian",
         "No"),
        # Band 2: a minority-ethnic bank worker (no salary) and two white healthcare assistants.
        (trust, med, "320 Ward 12", 20100006, "20100006-2", "Bank", CLINICAL, "Healthcare Assistant", "Band 2", None,
         d(2022, 1, 10), d(2022, 1, 10), None, d(1985, 8, 8), "Female", "M Black or Black British - Caribbean",
         "No"),
        (trust, med, "320 Ward 12", 20100007, "20100007", "Permanent", CLINICAL, "Healthcare Assistant", "Band 2",
         24465, d(2015, 5, 5), d(2015, 5, 5), None, d(1975, 9, 9), "Female", "C White - Any other White background",
         "No"),
        (trust, sur, "317 Ward 3", 20100008, "20100008", "Permanent", CLINICAL, "Healthcare Assistant", "Band 2",
         24465, d(2023, 11, 6), d(2023, 11, 6), None, d(2000, 10, 10), "Male", "A White - British", "Yes"),
        # Consultants: one minority-ethnic, one white; and one who starts after the snapshot (booked ahead).
        (trust, sur, "330 Theatres", 20100009, "20100009", "Permanent", MEDICAL, "Consultant", "Consultant", 126608,
         d(2012, 8, 1), d(2012, 8, 1), None, d(1970, 4, 4), "Male", "H Asian or Asian British - Indian", "No"),
        (trust, med, "314 Ward 8", 20100010, "20100010", "Permanent", MEDICAL, "Consultant", "Consultant", 145478,
         d(2005, 2, 1), d(2005, 2, 1), None, d(1965, 6, 6), "Female", "B White - Irish", "No"),
        (trust, med, "314 Ward 8", 20100011, "20100011", "Permanent", MEDICAL, "Consultant", "Consultant", 109725,
         d(2026, 4, 6), d(2026, 4, 6), None, d(1984, 12, 12), "Male", "N Black or Black British - African", "No"),
        # A very senior manager, white.
        (trust, "Corporate Services", "399 Executive Office", 20100012, "20100012", "Permanent", "Administrative and "
         "Clerical", "Chief Executive", "VSM", 190000, d(2020, 1, 6), d(2020, 1, 6), None, d(1968, 1, 1), "Female",
         "A White - British", "No"),
    ]


# In post on 31 March 2026 (the leaver and the April starter are not), by band and group, counted from the rows.
TINY_IN_POST = {
    "Band 5": {"bme": 2, "white": 1, "unknown": 1},
    "Band 2": {"bme": 1, "white": 2, "unknown": 0},
    "Consultant": {"bme": 1, "white": 1, "unknown": 0},
    "VSM": {"bme": 0, "white": 1, "unknown": 0},
}


def _write_tiny(path: Path, headings: tuple[str, ...] = TINY_HEADINGS, drop: str | tuple[str, ...] | None = None,
                rows: list[tuple[object, ...]] | None = None) -> Path:
    dropped = (drop,) if isinstance(drop, str) else drop or ()
    keep = [i for i, heading in enumerate(TINY_HEADINGS) if heading not in dropped]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Staff in Post"
    sheet["A1"] = "Tiny NHS Trust"
    sheet["A2"] = "ESR BI: Assignment Details at 31/03/2026"
    sheet.append([])
    sheet.append([headings[i] for i in keep])
    for row in _tiny_rows() if rows is None else rows:
        sheet.append([row[i] for i in keep])
    workbook.save(path)
    return path


def test_a_tiny_esr_export_maps_each_heading_to_its_column(tmp_path: Path) -> None:
    inputs = read_paths([str(_write_tiny(tmp_path / "esr.xlsx"))])
    staff = inputs.loaded.datasets["staff"]
    rows = _tiny_rows()
    assert list(staff["employee_id"]) == [str(row[3]) for row in rows]  # not the Assignment Number
    assert list(staff["service"].astype(str)) == [row[1] for row in rows]  # Org L4, not the Organisation
    assert list(staff["start_date"].dt.date) == [row[10] for row in rows]  # Hire Date, not the date of birth
    assert [d.date() if d == d else None for d in staff["leave_date"]] == [row[12] for row in rows]
    assert list(staff["pay_band"].astype(str)) == [row[8] for row in rows]
    assert list(staff["assignment_category"].astype(str)) == [row[5] for row in rows]
    assert list(staff["staff_group"].astype(str)) == [row[6] for row in rows]
    assert list(staff["disability"].astype(str)) == [row[16] for row in rows]
    assert inputs.loaded.sheets[0].header_row == 4


def test_a_tiny_esr_export_gives_the_pay_bands_counted_by_hand(tmp_path: Path) -> None:
    from metrics.settings import Settings

    inputs = read_paths([str(_write_tiny(tmp_path / "esr.xlsx"))])
    m1 = analyse(inputs, Settings(period_end=dt.date(2026, 3, 31))).results["M1"]
    assert {band.band: dict(band.counts) for band in m1.bands} == TINY_IN_POST
    assert dict(m1.overall.counts) == {"bme": 4, "white": 5, "unknown": 1}


def _fourteen_rows() -> list[tuple[object, ...]]:
    """The tiny export and two administrators in Band 3: a white bank worker written "Bank Worker" and a
    minority-ethnic permanent one. Fourteen people: two bank workers, three clusters, two ethnic groups and one not
    stated."""
    d = dt.date
    admin = "Administrative and Clerical"
    return [*_tiny_rows(),
            ("Tiny NHS Trust", "Corporate Services", "350 Patient Access", 20100013, "20100013", "Bank Worker", admin,
             "Receptionist", "Band 3", None, d(2023, 2, 6), d(2023, 2, 6), None, d(1999, 3, 3), "Female",
             "A White - British", "No"),
            ("Tiny NHS Trust", "Corporate Services", "350 Patient Access", 20100014, "20100014", "Permanent", admin,
             "Receptionist", "Band 3", 24071, d(2021, 7, 5), d(2021, 7, 5), None, d(1994, 4, 4), "Male",
             "K Asian or Asian British - Bangladeshi", "No")]


def test_fourteen_people_under_the_nhs_wres_are_counted_by_cluster_without_the_bank_workers(tmp_path: Path) -> None:
    """In post on 31 March 2026: 12 (the October leaver and the April starter are not). The two bank workers (20100006,
    "Bank", a minority-ethnic healthcare assistant in Band 2; 20100013, "Bank Worker", a white receptionist in Band 3)
    are left out: 10 counted. By cluster, then band (lowest salary first within each):
    non-clinical Band 3 (20100014, BME) and VSM (20100012, white); clinical Band 2 (20100007, 20100008, both white)
    and Band 5 (20100001, 20100002 BME, 20100003 white, 20100004 not stated); medical and dental Consultant
    (20100009 BME, 20100010 white)."""
    from metrics.settings import Settings

    inputs = read_paths([str(_write_tiny(tmp_path / "esr.xlsx", rows=_fourteen_rows()))])
    analysis = analyse(inputs, Settings(standard="nhs-wres", period_end=dt.date(2026, 3, 31)))
    m1 = analysis.results["M1"]
    assert [(band.band, dict(band.counts)) for band in m1.bands] == [
        ("Non-clinical: Band 3", {"bme": 1, "white": 0, "unknown": 0}),
        ("Non-clinical: VSM", {"bme": 0, "white": 1, "unknown": 0}),
        ("Clinical: Band 2", {"bme": 0, "white": 2, "unknown": 0}),
        ("Clinical: Band 5", {"bme": 2, "white": 1, "unknown": 1}),
        ("Medical and dental: Consultant", {"bme": 1, "white": 1, "unknown": 0}),
    ]
    assert dict(m1.overall.counts) == {"bme": 4, "white": 5, "unknown": 1}
    assert ("2 bank workers in post (an assignment category of bank) left out of metric 1: the NHS WRES counts the "
            "pay bands of staff in post without bank workers.") in analysis.figures.notes
    assert m1.counted_text() == m1.definition.counted_text(standard="nhs-wres")
    assert "bank workers left out" in m1.counted_text()


def test_fourteen_people_under_the_sc_wres_keep_todays_bands_with_the_bank_workers(tmp_path: Path) -> None:
    """The same file under the SC-WRES: one set of bands, no clusters, the bank workers counted (Band 2's
    minority-ethnic healthcare assistant, Band 3's white receptionist): 12 in post."""
    from metrics.settings import Settings

    inputs = read_paths([str(_write_tiny(tmp_path / "esr.xlsx", rows=_fourteen_rows()))])
    analysis = analyse(inputs, Settings(standard="sc-wres", period_end=dt.date(2026, 3, 31)))
    m1 = analysis.results["M1"]
    assert {band.band: dict(band.counts) for band in m1.bands} == {
        **TINY_IN_POST, "Band 3": {"bme": 1, "white": 1, "unknown": 0}}
    assert dict(m1.overall.counts) == {"bme": 5, "white": 6, "unknown": 1}
    assert not any("bank" in note for note in analysis.figures.notes)
    assert m1.counted_text() == m1.definition.counted_text()


def test_without_an_assignment_category_or_staff_group_the_nhs_wres_counts_its_bands_as_before(tmp_path: Path) -> None:
    """Nothing to leave out and nothing to cluster by: today's bands, the bank worker (who cannot be told) counted,
    and the rule in words the plain one, as the sample council's figures under the NHS WRES."""
    from metrics.settings import Settings

    path = _write_tiny(tmp_path / "esr.xlsx", drop=("Assignment Category", "Staff Group"))
    m1 = analyse(read_paths([str(path)]), Settings(standard="nhs-wres", period_end=dt.date(2026, 3, 31))).results["M1"]
    assert {band.band: dict(band.counts) for band in m1.bands} == TINY_IN_POST
    assert m1.counted_text() == m1.definition.counted_text() and not m1.own_rule


def test_an_assignment_category_without_a_staff_group_leaves_bank_out_of_plain_bands(tmp_path: Path) -> None:
    from metrics.settings import Settings

    path = _write_tiny(tmp_path / "esr.xlsx", drop="Staff Group")
    m1 = analyse(read_paths([str(path)]), Settings(standard="nhs-wres", period_end=dt.date(2026, 3, 31))).results["M1"]
    # Band 2's minority-ethnic bank worker is left out; the bands are not clustered.
    assert {band.band: dict(band.counts) for band in m1.bands} == {
        **TINY_IN_POST, "Band 2": {"bme": 0, "white": 2, "unknown": 0}}
    assert m1.own_rule


@pytest.mark.parametrize(("category", "bank"), [
    ("Bank", True), ("bank", True), (" Bank Worker ", True), ("BANK STAFF", True), ("Permanent", False),
    ("Fixed Term Temp", False), ("Banking Officer", False), ("", False)])
def test_the_bank_rule(category: str, bank: bool) -> None:
    from metrics.registry import is_bank

    assert is_bank(category) is bank


def test_staff_groups_in_no_cluster_are_said_and_shown_apart(tmp_path: Path) -> None:
    from metrics.settings import Settings

    rows = [row[:6] + ("Locum Agency",) + row[7:] if row[3] == 20100012 else row for row in _tiny_rows()]
    analysis = analyse(read_paths([str(_write_tiny(tmp_path / "esr.xlsx", rows=rows))]),
                       Settings(standard="nhs-wres", period_end=dt.date(2026, 3, 31)))
    assert analysis.results["M1"].bands[-1].band == "Staff group not known: VSM"
    assert any("1 staff counted in metric 1 have a staff group that is in none of the clusters ('Locum Agency')"
               in note for note in analysis.figures.notes)


@pytest.mark.parametrize("drop", ["Date of Birth", "Latest Hire Date", "Organisation", "Assignment Number"])
def test_a_tiny_esr_export_needs_none_of_the_columns_the_metrics_do_not_use(tmp_path: Path, drop: str) -> None:
    from metrics.settings import Settings

    inputs = read_paths([str(_write_tiny(tmp_path / "esr.xlsx", drop=drop))])
    m1 = analyse(inputs, Settings(period_end=dt.date(2026, 3, 31))).results["M1"]
    assert dict(m1.overall.counts) == {"bme": 4, "white": 5, "unknown": 1}


@pytest.mark.parametrize(("written", "instead_of", "column"), [
    ("AfC Band", "Grade", "pay_band"),
    ("Pay Band", "Grade", "pay_band"),
    ("Disabled", "Disability Flag", "disability"),
    ("Disability", "Disability Flag", "disability"),
    ("Latest Hire Date", None, "start_date"),  # on its own, without a Hire Date column
])
def test_other_esr_spellings_are_known(tmp_path: Path, written: str, instead_of: str | None, column: str) -> None:
    if instead_of is None:
        path = _write_tiny(tmp_path / "esr.xlsx", drop="Hire Date")
    else:
        path = _write_tiny(tmp_path / "esr.xlsx", headings=tuple(written if h == instead_of else h
                                                                  for h in TINY_HEADINGS))
    assert read_paths([str(path)]).loaded.sheets[0].columns[column] == written


# --- the NHS WRES figures through the command line ---------------------------------------------


def test_the_nhs_wres_figures_come_out_of_the_command_line() -> None:
    files = [path for path, _ in sample_trust_paths()]
    completed = subprocess.run([sys.executable, "-m", "metrics", "--standard", "nhs-wres", "--json", *files],
                               cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    out = json.loads(completed.stdout)
    assert out["standard"] == "nhs-wres"
    assert out["period"] == {"start": "2025-04-01", "end": "2026-03-31"}
    # Staff in post counted by hand from the cells, the bank workers left out: the NHS WRES counts indicator 1
    # without them, and a note says how many.
    current = [r for r in staff_records() if in_post(r)]
    bank = [r for r in current if r["Assignment Category"] == "Bank"]
    counted = [r for r in current if r["Assignment Category"] != "Bank"]
    by_hand = {g: sum(1 for r in counted if nhs_group(r["Ethnic Origin"]) == g) for g in ("bme", "white", "unknown")}
    assert {g: out["metrics"]["M1"]["overall"][g] for g in by_hand} == by_hand
    assert (f"{len(bank):,} bank workers in post (an assignment category of bank) left out of metric 1: the NHS WRES "
            "counts the pay bands of staff in post without bank workers.") in out["warnings"]
    bands = [band["band"] for band in out["metrics"]["M1"]["bands"]]
    assert bands[0] == "Non-clinical: Band 2" and bands[-1] == "Medical and dental: Consultant"
    assert "Clinical: Band 5" in bands and "bank workers left out" in out["metrics"]["M1"]["counted"]
    metrics = out["metrics"]
    assert metrics["M2"]["value"] > 1  # white shortlisted applicants more often appointed (white over BME)
    assert metrics["M3"]["value"] > 1  # minority-ethnic staff more often in formal disciplinary cases
    assert metrics["W4"]["value"] > 1  # white staff more often in non-mandatory training (white over BME)
    # The NHS WRES's own indicators only: no fitness to practise, funded CPD, SC-WRES harassment or leaving.
    assert list(metrics) == ["M1", "M2", "M3", "W4", "W5", "W6", "W7", "W8", "W9"]
    # Indicators 5-8 counted by hand from the survey's cells (yes, of those who answered, by group).
    for metric_id, by_hand in survey_by_hand().items():
        counted = {g: (metrics[metric_id]["groups"][g]["events"], metrics[metric_id]["groups"][g]["base"])
                   for g in by_hand}
        assert counted == by_hand, metric_id
    assert metrics["W5"]["value"] > 1 and metrics["W6"]["value"] > 1 and metrics["W8"]["value"] > 1
    assert metrics["W7"]["value"] < 1  # minority-ethnic staff less often believe progression is fair


# --- the WDES figures through the command line -----------------------------------------------------------


def disability_group(label: object) -> str:
    """ESR's Disability Flag and the survey's own question: "Yes" disabled, "No" not, anything else not declared."""
    return {"Yes": "disabled", "No": "non_disabled"}.get(label if isinstance(label, str) else "", "not_declared")


def capability_by_hand() -> dict[str, tuple[int, int]]:
    """(people entering capability for performance, staff in post) by ESR's disability flag: the log's rows of type
    Capability opened in the year whose reason is not ill health, each person once, over the staff in post."""
    rows = sheet_values(COMMITTED / "er_cases.xlsx")["ER Cases"]
    headings = rows[0]
    cases = [dict(zip(headings, row, strict=True)) for row in rows[1:]]
    start = dt.datetime(2025, 4, 1)
    people = {c["Employee Number"] for c in cases
              if c["Case Type"] == "Capability" and c["Case Reason"] != "Ill Health"
              and start <= c["Date Opened"] <= SNAPSHOT}
    records = staff_records()
    flag = {r["Employee Number"]: r["Disability Flag"] for r in records}
    current = [r for r in records if in_post(r)]
    return {g: (sum(1 for p in people if disability_group(flag[p]) == g),
                sum(1 for r in current if disability_group(r["Disability Flag"]) == g))
            for g in ("disabled", "non_disabled", "not_declared")}


def wdes_survey_by_hand() -> dict[tuple[str, str], dict[str, tuple[int, int]]]:
    """(yes, answered) by the respondent's own disability answer, per (metric, question): 4a Q14a, Q14b, Q14c; 4b
    Q14d; 5 Q15 ("Don't know" an answer, not a yes); 6 Q11e; 7 Q4b, satisfied or very satisfied."""
    with (COMMITTED / "staff_survey.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    questions = {("D4A", "public"): "Q14a", ("D4A", "managers"): "Q14b", ("D4A", "colleagues"): "Q14c",
                 ("D4B", ""): "Q14d", ("D5", ""): "Q15", ("D6", ""): "Q11e", ("D7", ""): "Q4b"}
    out: dict[tuple[str, str], dict[str, tuple[int, int]]] = {}
    for key, code in questions.items():
        yes = ("Satisfied", "Very satisfied") if code == "Q4b" else ("Yes",)
        out[key] = {}
        for g in ("disabled", "non_disabled", "not_declared"):
            answered = [r[code] for r in rows if disability_group(r["Disability"]) == g and r[code]]
            out[key][g] = (sum(1 for a in answered if a in yes), len(answered))
    return out


def _survey_rows() -> list[dict[str, str]]:
    with (COMMITTED / "staff_survey.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def adjustments_by_hand() -> tuple[int, int, int]:
    """Disabled respondents (by their own answer) saying yes to Q30b, answering yes or no, and needing none."""
    answers = [r["Q30b"] for r in _survey_rows() if disability_group(r["Disability"]) == "disabled"]
    return (answers.count("Yes"), answers.count("Yes") + answers.count("No"), answers.count("No adjustment required"))


def engagement_by_hand() -> dict[str, list[float]]:
    """Each group's engagement scores, as the cells give them (blank cells left out)."""
    out: dict[str, list[float]] = {"disabled": [], "non_disabled": [], "not_declared": []}
    for r in _survey_rows():
        if r["Staff Engagement"]:
            out[disability_group(r["Disability"])].append(float(r["Staff Engagement"]))
    return out


def test_the_er_log_holds_disciplinary_and_capability_cases_and_the_survey_the_wdes_questions() -> None:
    rows = sheet_values(COMMITTED / "er_cases.xlsx")["ER Cases"]
    assert rows[0] == generate_trust.ER_HEADINGS
    assert {(r[2], r[3]) for r in rows[1:]} == {("Disciplinary", "Conduct"), ("Capability", "Performance"),
                                                 ("Capability", "Ill Health")}
    with (COMMITTED / "staff_survey.csv").open(encoding="utf-8-sig", newline="") as handle:
        survey = list(csv.DictReader(handle))
    # Q11e only for those who came to work unwell (Q11d yes), Q14d only for those harassed (yes to one of Q14a-c).
    assert all(not r["Q11e"] for r in survey if r["Q11d"] != "Yes")
    assert all(not r["Q14d"] for r in survey if "Yes" not in (r["Q14a"], r["Q14b"], r["Q14c"]))
    assert {r["Q4b"] for r in survey} == {"", *generate_trust.SATISFACTION}
    # Q30b only for those with a long-term condition; the engagement score on its 0-10 scale, or blank.
    assert all(not r["Q30b"] for r in survey if r["Disability"] != "Yes")
    assert {r["Q30b"] for r in survey if r["Disability"] == "Yes"} <= {"", "Yes", "No", "No adjustment required"}
    assert all(0 <= float(r["Staff Engagement"]) <= 10 for r in survey if r["Staff Engagement"])


def test_the_wdes_figures_come_out_of_the_command_line() -> None:
    files = [path for path, _ in sample_trust_paths()]
    completed = subprocess.run([sys.executable, "-m", "metrics", "--standard", "wdes", "--json", *files],
                               cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    out = json.loads(completed.stdout)
    metrics = out["metrics"]
    assert list(metrics) == ["D1", "D2", "D3", "D4A", "D4B", "D5", "D6", "D7", "D8", "D9A", "D9B", "D10"]
    # Metric 3 from the case log's capability rows, ill health left out, counted by hand from the cells.
    by_hand = capability_by_hand()
    assert {g: (metrics["D3"]["groups"][g]["events"], metrics["D3"]["groups"][g]["base"]) for g in by_hand} == by_hand
    assert metrics["D3"]["value"] > 1.3  # disabled staff more often in performance capability
    assert any(w.startswith("er_cases.xlsx / ER Cases: a case log of ") for w in out["warnings"])
    assert any("capability cases give ill health as the reason" in w for w in out["warnings"])
    # Metrics 4a-7 from the survey's cells, by the respondent's own disability answer.
    for (metric_id, item), counted_by_hand in wdes_survey_by_hand().items():
        found = metrics[metric_id]["questions"][item] if item else metrics[metric_id]
        counted = {g: (found["groups"][g]["events"], found["groups"][g]["base"]) for g in counted_by_hand}
        assert counted == counted_by_hand, (metric_id, item)
    assert metrics["D4B"]["value"] < 1 and metrics["D7"]["value"] < 1  # low is adverse: disabled staff fare worse
    assert metrics["D6"]["value"] > 1  # high is adverse
    # Metric 8 from Q30b's cells: disabled respondents' yes over yes and no ("No adjustment required" left out, and
    # said); metric 9a from the engagement scores' cells, by group.
    yes, answered, not_needed = adjustments_by_hand()
    assert (metrics["D8"]["groups"]["disabled"]["events"], metrics["D8"]["groups"]["disabled"]["base"]) == (
        yes, answered)
    assert metrics["D8"]["value"] == pytest.approx(100 * yes / answered)
    assert 60 <= metrics["D8"]["value"] <= 75 and metrics["D8"]["status"] == "one group"
    assert any(f"Metric 8: {not_needed} disabled respondents said they have not needed adjustments" in w
               for w in out["warnings"])
    for g, scores in engagement_by_hand().items():
        found = metrics["D9A"]["groups"][g]
        assert found["respondents"] == len(scores)
        assert found["mean"] == pytest.approx(statistics.fmean(scores))
        assert found["sd"] == pytest.approx(statistics.stdev(scores))
    disabled, others = metrics["D9A"]["groups"]["disabled"]["mean"], metrics["D9A"]["groups"]["non_disabled"]["mean"]
    assert 6.3 < disabled < 6.8 and 6.8 < others < 7.2
    assert metrics["D9A"]["value"] == pytest.approx(disabled - others)
    assert metrics["D9B"]["status"] == "narrative"
