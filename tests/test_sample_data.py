"""The Wexcombe sample exports: the committed files are exactly what the script makes, they look like
the exports they imitate, and the patterns built into the simulation show in the records.

Ethnicity is classified here by the NHS code letter / simple rules on purpose, so these tests do
not lean on the project's own loaders.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from sample_data import generate

COMMITTED = generate.DEFAULT_OUT
YEARS = ("2024-03-31", "2025-03-31", "2026-03-31")
WORKBOOKS = ("staff.xlsx", "recruitment.xlsx", "disciplinary.xlsx", "fitness_to_practise.xlsx", "cpd.xlsx")
FILES = (*WORKBOOKS, "survey.csv")
SM_GRADES = ("SM1", "SM2", "SM3")
CARE_GRADES = ("Grade 3", "Grade 4", "Grade 5")


# --- reading the files back, without the project's loaders -------------------------------------


def sheet_values(path: Path) -> dict[str, list[tuple[object, ...]]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}
    finally:
        workbook.close()


def read_table(path: Path, heading_row: int) -> pd.DataFrame:
    rows = sheet_values(path)
    first = next(iter(rows.values()))
    return pd.DataFrame([list(row) for row in first[heading_row:]], columns=list(first[heading_row - 1]), dtype=object)


def nhs_group(label: object) -> str:
    if not isinstance(label, str) or label.startswith("Z"):
        return "unknown"
    return "white" if label[0] in "ABC" else "bme"


def census_group(label: object) -> str:
    if not isinstance(label, str) or label == "Prefer not to say":
        return "unknown"
    return "white" if label.startswith("White:") else "bme"


def survey_group(text: str) -> str:
    text = text.strip().lower()
    if text in ("", "prefer not to say"):
        return "unknown"
    if text.startswith("mixed"):
        return "bme"
    if "white" in text or text in ("british", "irish", "english", "polish"):
        return "white"
    return "bme"


def period_start(year: str) -> pd.Timestamp:
    return pd.Timestamp(year) - pd.DateOffset(years=1) + pd.Timedelta(days=1)


def relative_likelihood(events: pd.Series, base: pd.Series) -> float:
    """(bme events / bme base) / (white events / white base), from counts indexed by group."""
    return float((events["bme"] / base["bme"]) / (events["white"] / base["white"]))


def salary_value(cell: object) -> int:
    return int(str(cell).replace("£", "").replace(",", "")) if isinstance(cell, str) else int(cell)


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wexcombe")
    generate.generate(out)
    return out


@pytest.fixture(scope="module")
def staff() -> dict[str, pd.DataFrame]:
    frames = {}
    for year in YEARS:
        frame = read_table(COMMITTED / year / "staff.xlsx", heading_row=5)
        frames[year] = (
            frame.loc[frame["Employee No"] != "Total"]
            .assign(group=lambda f: f["Ethnic Origin"].map(nhs_group), leaver=lambda f: f["Leaving Date"].notna())
        )
    return frames


@pytest.fixture(scope="module")
def in_post(staff: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {year: frame.loc[~frame["leaver"]] for year, frame in staff.items()}


@pytest.fixture(scope="module")
def recruitment() -> dict[str, pd.DataFrame]:
    return {
        year: read_table(COMMITTED / year / "recruitment.xlsx", heading_row=2).assign(
            group=lambda f: f["Ethnic Group"].map(census_group)
        )
        for year in YEARS
    }


def events_with_group(year: str, file: str, staff: dict[str, pd.DataFrame]) -> pd.DataFrame:
    events = read_table(COMMITTED / year / file, heading_row=1)
    people = staff[year][["Employee No", "group", "Registered Professional", "Service Area"]]
    return events.merge(people, on="Employee No", how="left", validate="many_to_one")


# --- the committed files are the script's output ------------------------------------------------


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("name", WORKBOOKS)
def test_committed_workbook_matches_a_fresh_run(regenerated: Path, year: str, name: str) -> None:
    committed = sheet_values(COMMITTED / year / name)
    fresh = sheet_values(regenerated / year / name)
    assert list(committed) == list(fresh)
    for title in committed:
        assert len(committed[title]) == len(fresh[title]), title
        for row_number, (ours, theirs) in enumerate(zip(committed[title], fresh[title], strict=True), start=1):
            assert ours == theirs, f"{year}/{name} {title} row {row_number}"


@pytest.mark.parametrize("year", YEARS)
def test_committed_survey_matches_a_fresh_run(regenerated: Path, year: str) -> None:
    assert (COMMITTED / year / "survey.csv").read_bytes() == (regenerated / year / "survey.csv").read_bytes()


def test_two_runs_write_byte_identical_files(regenerated: Path, tmp_path: Path) -> None:
    generate.main(["--out", str(tmp_path)])
    for year in YEARS:
        for name in FILES:
            assert (tmp_path / year / name).read_bytes() == (regenerated / year / name).read_bytes(), f"{year}/{name}"


def test_the_folder_holds_the_eighteen_files_and_the_census_table_and_stays_small() -> None:
    found = sorted(str(path.relative_to(COMMITTED)) for path in COMMITTED.rglob("*") if path.is_file())
    assert found == sorted([f"{year}/{name}" for year in YEARS for name in FILES] + ["census_ts021.csv"])
    assert sum(path.stat().st_size for path in COMMITTED.rglob("*") if path.is_file()) < 1_500_000


# --- the files look like the exports they imitate -----------------------------------------------


@pytest.mark.parametrize("year", YEARS)
def test_staff_file_has_title_rows_headings_and_a_total_of_staff_in_post(year: str) -> None:
    sheets = sheet_values(COMMITTED / year / "staff.xlsx")
    assert list(sheets) == ["Staff in post", "Notes"]
    rows = sheets["Staff in post"]
    snapshot = dt.date.fromisoformat(year)
    run = snapshot + dt.timedelta(days=2)
    assert rows[0][0] == "Wexcombe Borough Council"
    assert rows[1][0] == f"Social care workforce snapshot as at {snapshot:%d/%m/%Y}"
    assert rows[2][0] == f"Source: HR system export, run {run:%d/%m/%Y}"
    assert all(cell is None for cell in rows[3])
    assert rows[4] == generate.STAFF_HEADINGS
    data = rows[5:-1]
    headcount = sum(1 for row in data if row[10] is None)
    assert rows[-1][:2] == ("Total", headcount)
    assert 1_800 <= headcount <= 2_300
    assert any(isinstance(line[0], str) and "Leaving Date" in line[0] for line in sheets["Notes"])


@pytest.mark.parametrize("year", YEARS)
def test_staff_cells_carry_the_quirks_of_a_real_export(staff: dict[str, pd.DataFrame], year: str) -> None:
    frame = staff[year]
    salaries = frame["Annual Salary"]
    text_salaries = salaries[salaries.map(lambda v: isinstance(v, str))]
    assert 0.01 < len(text_salaries) / len(frame) < 0.10
    assert text_salaries.str.fullmatch(r"£\d{2,3},\d{3}").all()
    assert frame["Ethnic Origin"].isna().sum() > 0
    assert (frame["Ethnic Origin"] == "Z Not Stated").sum() > 0
    labels = frame["Ethnic Origin"].dropna()
    assert set(labels) <= set(generate.NHS_ETHNIC_ORIGIN.values())
    started = frame["Date Started"]
    assert 0 < started.isna().sum() < 30
    assert started.dropna().map(lambda v: isinstance(v, dt.datetime)).all()
    assert set(frame["Senior Manager"]) == {"Y", "N"} and set(frame["Registered Professional"]) == {"Y", "N"}


@pytest.mark.parametrize("year", YEARS)
def test_workforce_mix_matches_the_brief(in_post: dict[str, pd.DataFrame], year: str) -> None:
    frame = in_post[year]
    services = frame["Service Area"].value_counts(normalize=True)
    assert 0.52 < services["Adult Social Care"] < 0.58
    assert 0.37 < services["Children's Services"] < 0.43
    assert 0.03 < services["Business Support"] < 0.07
    assert 0.30 <= (frame["Registered Professional"] == "Y").mean() <= 0.35
    assert 0.02 <= (frame["Senior Manager"] == "Y").mean() <= 0.04
    assert set(frame.loc[frame["Senior Manager"] == "Y", "Grade"]) == set(SM_GRADES)
    registered_titles = set(frame.loc[frame["Registered Professional"] == "Y", "Job Title"])
    assert {"Social Worker", "Occupational Therapist"} <= registered_titles
    assert not registered_titles & {"Care Worker", "Team Manager", "Business Support Officer"}
    minority = (frame["group"] == "bme").mean()
    assert 0.23 < minority < 0.28


@pytest.mark.parametrize("year", YEARS)
def test_salaries_rise_with_grade_from_21k_to_about_120k(staff: dict[str, pd.DataFrame], year: str) -> None:
    salary = staff[year]["Annual Salary"].map(salary_value)
    by_grade = salary.groupby(staff[year]["Grade"]).agg(["min", "max", "median"])
    order = [grade for grade in generate.GRADES if grade in by_grade.index]
    assert order == list(generate.GRADES)
    medians = by_grade.loc[order, "median"]
    assert medians.is_monotonic_increasing
    assert 21_000 <= by_grade.loc["Grade 3", "min"] < 23_000
    assert 110_000 < by_grade.loc["SM3", "max"] <= 121_000


def test_employee_numbers_persist_from_one_snapshot_to_the_next(staff: dict[str, pd.DataFrame]) -> None:
    for before, after in zip(YEARS, YEARS[1:], strict=False):
        previous = staff[before].loc[~staff[before]["leaver"]].set_index("Employee No")
        current = staff[after].set_index("Employee No")
        assert current.index.is_unique
        # Everyone in post last March is either still in post or left this year.
        assert set(previous.index) <= set(current.index)
        newcomers = current.drop(index=previous.index)
        assert 150 < len(newcomers) < 450
        assert not newcomers["leaver"].any()
        started = newcomers["Date Started"].dropna().map(pd.Timestamp)
        assert (started >= period_start(after)).all()
        # A returning person keeps their start date and gender.
        both = previous.index
        assert (previous["Gender"] == current.loc[both, "Gender"]).all()
        assert previous["Date Started"].equals(current.loc[both, "Date Started"])
        assert (current.loc[both, "Grade"] != previous["Grade"]).sum() > 20  # promotions and progression


@pytest.mark.parametrize("year", YEARS)
def test_leavers_left_within_the_twelve_months(staff: dict[str, pd.DataFrame], year: str) -> None:
    left = staff[year].loc[staff[year]["leaver"], "Leaving Date"].map(pd.Timestamp)
    assert 200 < len(left) < 380
    assert left.between(period_start(year), pd.Timestamp(year)).all()


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("name", ("disciplinary.xlsx", "fitness_to_practise.xlsx", "cpd.xlsx"))
def test_every_event_belongs_to_someone_in_that_years_staff_file(
    staff: dict[str, pd.DataFrame], year: str, name: str
) -> None:
    events = read_table(COMMITTED / year / name, heading_row=1)
    assert set(events["Employee No"]) <= set(staff[year]["Employee No"])


@pytest.mark.parametrize("year", YEARS)
def test_event_files_have_their_headings_volumes_and_dates(staff: dict[str, pd.DataFrame], year: str) -> None:
    start, end = period_start(year), pd.Timestamp(year)
    cases = read_table(COMMITTED / year / "disciplinary.xlsx", heading_row=1)
    assert tuple(cases.columns) == generate.DISCIPLINARY_HEADINGS
    assert 35 <= len(cases) <= 45
    assert set(cases["Case Type"]) == {"Disciplinary"}
    opened = cases["Date Opened"]
    as_text = opened.map(lambda v: isinstance(v, str))
    assert 0 < as_text.sum() < len(cases)
    parsed = opened.map(lambda v: pd.to_datetime(v, dayfirst=True) if isinstance(v, str) else pd.Timestamp(v))
    assert parsed.between(start, end).all()

    referrals = events_with_group(year, "fitness_to_practise.xlsx", staff)
    assert 8 <= len(referrals) <= 14
    assert (referrals["Registered Professional"] == "Y").all()
    assert set(referrals["Regulator"]) <= {"Social Work England", "HCPC"}

    training = read_table(COMMITTED / year / "cpd.xlsx", heading_row=1)
    assert tuple(training.columns) == generate.CPD_HEADINGS
    funded_optional = training.loc[(training["Funded"] == "Y") & (training["Mandatory"] == "N")]
    assert 420 <= funded_optional["Employee No"].nunique() <= 580
    assert len(funded_optional) > funded_optional["Employee No"].nunique()  # some attend two
    assert training["Course Date"].map(pd.Timestamp).between(start, end).all()
    mandatory_titles = set(training.loc[training["Mandatory"] == "Y", "Course Title"])
    assert {"Safeguarding Adults Level 2", "Manual Handling"} <= mandatory_titles
    assert ((training["Funded"] == "N") & (training["Mandatory"] == "N")).any()


@pytest.mark.parametrize("year", YEARS)
def test_recruitment_volumes_and_outcomes(recruitment: dict[str, pd.DataFrame], year: str) -> None:
    rows = sheet_values(COMMITTED / year / "recruitment.xlsx")["Applicants"]
    assert rows[0][0].startswith("Applicant equality monitoring")
    assert rows[1] == generate.RECRUITMENT_HEADINGS
    frame = recruitment[year]
    assert 1_100 <= len(frame) <= 1_300
    assert frame["Applicant ID"].is_unique
    shortlisted = frame.loc[frame["Shortlisted"] == "Yes"]
    assert 0.32 < len(shortlisted) / len(frame) < 0.38
    assert 0.27 < (shortlisted["Outcome"] == "Appointed").mean() < 0.33
    assert set(shortlisted["Outcome"]) == {"Appointed", "Not appointed", "Withdrawn"}
    assert set(frame.loc[frame["Shortlisted"] == "No", "Outcome"]) == {"Not shortlisted"}
    assert frame["Application Date"].map(pd.Timestamp).between(period_start(year), pd.Timestamp(year)).all()
    known = frame.loc[frame["group"] != "unknown", "group"]
    assert 0.36 < (known == "bme").mean() < 0.45
    assert frame["Ethnic Group"].str.startswith("Black, Black British, Black Welsh, Caribbean or African:").any()


@pytest.mark.parametrize("year", YEARS)
def test_survey_is_excel_csv_from_a_uk_windows_machine(in_post: dict[str, pd.DataFrame], year: str) -> None:
    raw = (COMMITTED / year / "survey.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the en dash is the single byte 0x96
    text = raw.decode("cp1252")
    assert "\u2013" in text
    assert raw.endswith(b"\r\n") and raw.count(b"\n") == raw.count(b"\r\n")
    lines = text.split("\r\n")[:-1]
    assert lines[0] == ",".join(generate.SURVEY_HEADINGS)
    survey = pd.read_csv(COMMITTED / year / "survey.csv", encoding="cp1252", dtype=str, keep_default_na=False)
    assert 0.50 < len(survey) / len(in_post[year]) < 0.60
    answers = survey[["Harassment from public", "Harassment from colleagues", "Harassment from managers"]]
    assert set(answers.stack()) == {"Yes", "No", ""}
    assert (survey["Ethnicity"] == "").any() and (survey["Ethnicity"] == "Prefer not to say").any()


# --- the patterns built into the simulation -----------------------------------------------------


@pytest.mark.parametrize("year", YEARS)
def test_minority_ethnic_staff_cluster_in_care_grades_and_are_scarce_in_senior_management(
    in_post: dict[str, pd.DataFrame], year: str
) -> None:
    frame = in_post[year]
    share = (frame["group"] == "bme").mean()
    care = (frame.loc[frame["Grade"].isin(CARE_GRADES), "group"] == "bme").mean()
    senior = (frame.loc[frame["Senior Manager"] == "Y", "group"] == "bme").mean()
    assert care > share * 1.15
    assert senior < share / 2


def test_ethnicity_not_known_is_six_to_eight_percent_and_falls(in_post: dict[str, pd.DataFrame]) -> None:
    unknown = [(in_post[year]["group"] == "unknown").mean() for year in YEARS]
    assert all(0.055 <= share <= 0.085 for share in unknown)
    assert unknown[0] > unknown[1] > unknown[2]


def test_white_shortlisted_applicants_are_appointed_more_often_and_the_gap_narrows(
    recruitment: dict[str, pd.DataFrame],
) -> None:
    ratios = []
    for year in YEARS:
        shortlisted = recruitment[year].loc[lambda f: f["Shortlisted"] == "Yes"]
        rate = shortlisted.groupby("group")["Outcome"].agg(lambda s: (s == "Appointed").mean())
        ratios.append(rate["bme"] / rate["white"])
    assert all(0.55 < ratio < 0.85 for ratio in ratios)
    assert ratios[0] < ratios[1] < ratios[2]


@pytest.mark.parametrize("year", YEARS)
def test_minority_ethnic_staff_are_likelier_to_enter_disciplinary(
    staff: dict[str, pd.DataFrame], in_post: dict[str, pd.DataFrame], year: str
) -> None:
    cases = events_with_group(year, "disciplinary.xlsx", staff)
    ratio = relative_likelihood(cases["group"].value_counts(), in_post[year]["group"].value_counts())
    assert 1.3 < ratio < 2.0


def test_minority_ethnic_professionals_are_likelier_to_be_referred_for_fitness_to_practise(
    staff: dict[str, pd.DataFrame], in_post: dict[str, pd.DataFrame]
) -> None:
    # A dozen referrals a year is too few for a yearly test; three years together are not.
    referrals = pd.concat([events_with_group(year, "fitness_to_practise.xlsx", staff) for year in YEARS])
    registered = pd.concat([in_post[year].loc[lambda f: f["Registered Professional"] == "Y"] for year in YEARS])
    ratio = relative_likelihood(referrals["group"].value_counts(), registered["group"].value_counts())
    assert 1.4 < ratio < 3.0


@pytest.mark.parametrize("year", YEARS)
def test_minority_ethnic_staff_access_funded_optional_cpd_slightly_less(
    staff: dict[str, pd.DataFrame], in_post: dict[str, pd.DataFrame], year: str
) -> None:
    training = events_with_group(year, "cpd.xlsx", staff)
    people = training.loc[(training["Funded"] == "Y") & (training["Mandatory"] == "N")].drop_duplicates("Employee No")
    ratio = relative_likelihood(people["group"].value_counts(), in_post[year]["group"].value_counts())
    assert 0.75 < ratio < 1.0


@pytest.mark.parametrize("year", YEARS)
def test_minority_ethnic_respondents_report_more_harassment_most_of_all_from_managers(year: str) -> None:
    survey = pd.read_csv(COMMITTED / year / "survey.csv", encoding="cp1252", dtype=str, keep_default_na=False)
    survey = survey.assign(group=survey["Ethnicity"].map(survey_group))
    ratios = {}
    for source in ("public", "colleagues", "managers"):
        column = f"Harassment from {source}"
        answered = survey.loc[survey[column] != ""]
        rate = answered.groupby("group")[column].agg(lambda s: (s == "Yes").mean())
        ratios[source] = rate["bme"] / rate["white"]
    assert 1.05 < ratios["public"] < ratios["colleagues"] < ratios["managers"] < 2.2


@pytest.mark.parametrize("year", YEARS)
def test_minority_ethnic_staff_leave_more_and_the_gap_is_in_childrens_services(
    staff: dict[str, pd.DataFrame], year: str
) -> None:
    def leaving_ratio(frame: pd.DataFrame) -> float:
        at_end = frame.loc[~frame["leaver"], "group"].value_counts()
        started = frame["Date Started"].map(lambda v: pd.Timestamp(v) if v is not None else pd.NaT)
        at_start = frame.loc[started.isna() | (started < period_start(year)), "group"].value_counts()
        return relative_likelihood(frame.loc[frame["leaver"], "group"].value_counts(), (at_start + at_end) / 2)

    frame = staff[year]
    overall = leaving_ratio(frame)
    adults = leaving_ratio(frame.loc[frame["Service Area"] == "Adult Social Care"])
    childrens = leaving_ratio(frame.loc[frame["Service Area"] == "Children's Services"])
    assert 1.1 < overall < 1.5
    assert childrens > adults + 0.25
