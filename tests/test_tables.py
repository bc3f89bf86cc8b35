import datetime as dt
import io

import pandas as pd
import pytest

from data_loaders import InputError, LoadedData, load_sheets
from data_loaders.report import RawSheet
from data_loaders.tables import SheetError, read_table

STAFF_HEADINGS = ["Employee No", "Job Title", "Service Area", "Grade", "Annual Salary", "Ethnic Origin", "Date Started"]
STAFF_ROWS = [
    [100234, "Social Worker", "Children's Services", "Grade 8", "£38,112", "N Black or Black British - African",
     "14/09/2019"],
    [100391.0, "Care Worker", "Adult Social Care", "Grade 3", 22450, "A White - British", dt.datetime(2022, 1, 3)],
    [100402, "Team Manager", "Adults", "Grade 10", "£45,000", "", 43831],
]


def raw(rows: list[list[object]], name: str = "Sheet1", file: str = "hr.xlsx", first_row: int = 1) -> RawSheet:
    return RawSheet(file=file, name=name, rows=rows, first_row=first_row)


def staff_sheet(name: str = "Staff") -> RawSheet:
    return raw([STAFF_HEADINGS, *STAFF_ROWS], name=name)


# --- header and rows ---------------------------------------------------------------------


def test_header_below_three_title_rows() -> None:
    rows = [
        ["Wexcombe Borough Council"],
        ["Social care workforce snapshot as at 31/03/2026"],
        ["Produced by HR Systems", None, None, "Run date: 02/04/2026"],
        STAFF_HEADINGS,
        *STAFF_ROWS,
    ]
    table = read_table(raw(rows, name="Staff in post"))
    assert table.dataset == "staff"
    assert table.report.header_row == 4
    assert table.report.columns == {
        "employee_id": "Employee No",
        "ethnicity": "Ethnic Origin",
        "pay_band": "Grade",
        "salary": "Annual Salary",
        "service": "Service Area",
        "job_title": "Job Title",
        "start_date": "Date Started",
    }
    frame = table.frame
    assert list(frame.columns) == ["employee_id", "ethnicity", "pay_band", "salary", "service", "job_title",
                                   "start_date"]
    assert frame["employee_id"].tolist() == ["100234", "100391", "100402"]
    assert frame["salary"].tolist() == [38112.0, 22450.0, 45000.0]
    assert frame["service"].tolist() == ["Children's", "Adults", "Adults"]
    assert frame["start_date"].tolist() == [pd.Timestamp(2019, 9, 14), pd.Timestamp(2022, 1, 3),
                                            pd.Timestamp(2020, 1, 1)]
    # a row without ethnicity is kept, blank, and said so
    assert frame["ethnicity"].isna().tolist() == [False, False, True]
    assert any("1 row had no ethnicity" in note for note in table.report.notes)
    assert table.report.rows_read == 3


def test_canonical_dtypes() -> None:
    frame = read_table(staff_sheet()).frame
    assert {c: str(t) for c, t in frame.dtypes.items()} == {
        "employee_id": "string",
        "ethnicity": "category",
        "pay_band": "category",
        "salary": "float64",
        "service": "category",
        "job_title": "category",
        "start_date": "datetime64[ns]",
    }


def test_blank_columns_and_rows_are_dropped() -> None:
    rows = [
        ["Employee No", None, "Ethnicity", None, "Grade"],
        [None, None, None, None, None],
        [1, None, "White British", None, "G1"],
        [],
        [2, "  ", "Indian", None, "G2"],
        ["", None, "", None, None],
        [3, None, "African", None, "G3"],
    ]
    table = read_table(raw(rows, name="Staff"))
    assert table.frame["employee_id"].tolist() == ["1", "2", "3"]
    assert table.frame["ethnicity"].tolist() == ["White British", "Indian", "African"]
    assert table.report.skipped == []
    assert table.report.unmapped_headings == []


def test_values_in_a_column_without_heading_are_noted() -> None:
    rows = [["Employee No", "Ethnicity", None], [1, "White British", "see HR"], [2, "Indian", None]]
    table = read_table(raw(rows, name="Staff"))
    assert "column C has values but no heading: it was not used" in table.report.notes


def test_totals_rows_are_skipped_and_reported() -> None:
    rows = [
        ["Employee No", "Ethnicity", "Grade", "Salary"],
        [1, "White British", "G1", 20000],
        [2, "Indian", "G2", 25000],
        ["Sub-total", None, None, 45000],
        [3, "African", "G2", 26000],
        ["Total", "3", None, "£71,000"],
        ["Grand total", "All staff", None, 71000],
    ]
    table = read_table(raw(rows, name="Staff", first_row=3))
    assert table.frame["employee_id"].tolist() == ["1", "2", "3"]
    assert [(s.reason, s.rows) for s in table.report.skipped] == [("totals row", [6, 8, 9])]
    assert table.report.skipped[0].count == 3


def test_a_row_that_starts_with_total_but_is_data_is_kept() -> None:
    rows = [
        ["Job Title", "Ethnicity", "Grade", "Service"],
        ["Total Rewards Officer", "White Irish", "G5", "HR"],
        ["Count", "120"],
    ]
    table = read_table(raw(rows, name="Staff"))
    assert table.frame["job_title"].tolist() == ["Total Rewards Officer"]
    assert [(s.reason, s.rows) for s in table.report.skipped] == [("totals row", [3])]


def test_notes_below_the_table_are_skipped_and_reported() -> None:
    rows = [
        ["Employee No", "Ethnicity", "Grade"],
        [1, "White British", "G1"],
        [2, "Indian", "G2"],
        [],
        [],
        ["Source: iTrent, 2 April 2026"],
        ["* Grade as at the snapshot date", None, "G9"],
        ["Prepared by the workforce team"],
    ]
    table = read_table(raw(rows, name="Staff"))
    assert table.frame["employee_id"].tolist() == ["1", "2"]
    assert [(s.reason, s.rows) for s in table.report.skipped] == [("notes below the table", [6, 7, 8])]


def test_repeated_header_rows_are_skipped() -> None:
    rows = [
        ["Staff in post"],
        ["Employee No", "Ethnicity", "Grade"],
        [1, "White British", "G1"],
        [2, "Indian", "G2"],
        ["Staff in post"],
        ["Page 2 of 2"],
        ["Employee No", "Ethnicity", "Grade"],
        [3, "African", "G3"],
    ]
    table = read_table(raw(rows, name="Workforce"))
    assert table.frame["employee_id"].tolist() == ["1", "2", "3"]
    assert {s.reason: s.rows for s in table.report.skipped} == {
        "page title repeated inside the data": [5, 6],
        "headings repeated inside the data": [7],
    }


def test_unreadable_cells_become_blank_and_are_reported() -> None:
    rows = [["Employee No", "Ethnicity", "Salary", "Start Date"]]
    rows += [[i, "White British", 20000, "01/04/2020"] for i in range(1, 11)]
    rows += [[11, "Indian", "TBC", "31/02/2021"], [12, "African", "£21,000", "unknown date"]]
    table = read_table(raw(rows, name="Staff", first_row=2))
    frame = table.frame
    assert len(frame) == 12
    assert frame["salary"].isna().tolist() == [False] * 10 + [True, False]
    assert frame["start_date"].isna().tolist() == [False] * 10 + [True, True]
    assert (
        "1 row had an amount that could not be read in column 'Salary' (row 13; e.g. 'TBC'): "
        "it is counted without a salary"
    ) in table.report.notes
    assert (
        "2 rows had a date that could not be read in column 'Start Date' (rows 13, 14; "
        "e.g. '31/02/2021', 'unknown date'): they are counted without a start date"
    ) in table.report.notes


def test_negative_salaries_are_left_blank_and_reported_with_their_rows() -> None:
    rows = [["Employee No", "Ethnicity", "Grade", "Annual Salary"],
            [1, "White British", None, 25000], [2, "Black African", None, -50000],
            [3, "Indian", "Grade 4", "-£1,200"], [4, "White British", None, 0]]
    table = read_table(raw(rows, name="Staff"))
    # Not dropped: the rows stay, their salary blank; a zero is left as written.
    assert table.frame["salary"].tolist()[0::3] == [25000.0, 0.0]
    assert table.frame["salary"].isna().tolist() == [False, True, True, False]
    assert table.frame["pay_band"].tolist()[2] == "Grade 4"
    assert table.report.notes == [
        "2 rows had an amount below zero in column 'Annual Salary' (rows 3, 4; e.g. '-50000', '-£1,200'): "
        "a salary cannot be negative, so they are counted without a salary and left out of the pay bands unless "
        "the row gives a pay band; the rest of each row still counts for the other metrics. "
        "Correct the amounts in the file and load it again"
    ]


DUPLICATED = ["Employee No", "Ethnicity", "Annual Salary", "Ethnicity", "Annual Salary"]


def test_a_heading_written_twice_over_the_same_values_is_read_once_and_said_so() -> None:
    rows = [DUPLICATED, [1, "White British", 25000, "White British", "£25,000"], [2, "Indian", None, " Indian", None],
            DUPLICATED, [3, "Chinese", 31000, "Chinese", 31000]]
    table = read_table(raw(rows, name="Staff"))
    assert table.frame["ethnicity"].tolist() == ["White British", "Indian", "Chinese"]
    assert table.report.columns["ethnicity"] == "Ethnicity"
    # The second of each is named by its column, so the two can be told apart where headings are listed.
    assert table.report.unmapped_headings == ["Ethnicity (column D)", "Annual Salary (column E)"]
    # The headings repeated inside the data are still recognised as such.
    assert [(s.reason, s.rows) for s in table.report.skipped] == [("headings repeated inside the data", [4])]
    assert table.report.notes == [
        "the heading 'Ethnicity' is written twice, in columns B and D; they hold the same ethnicity in every row, "
        "so column B was read",
        "the heading 'Annual Salary' is written twice, in columns C and E; they hold the same salary in every row, "
        "so column C was read",
    ]


def test_a_heading_written_twice_over_different_values_says_which_was_read_and_how_to_choose() -> None:
    rows = [DUPLICATED, [1, "White British", 25000, "White British", 25000],
            [2, "Black African", 30000, "Indian", 31000], [3, "Indian", 40000, "Indian", 40000],
            [4, "Chinese", 28000, "Chinese", None]]
    table = read_table(raw(rows, name="Staff"))
    assert table.frame["ethnicity"].tolist() == ["White British", "Black African", "Indian", "Chinese"]
    assert table.frame["salary"].tolist() == [25000.0, 30000.0, 40000.0, 28000.0]
    assert table.report.notes == [
        "the heading 'Ethnicity' is written twice, in columns B and D, and they differ in 1 row (row 3; e.g. row 3: "
        "'Black African' in column B, 'Indian' in column D): column B, the first, was read for ethnicity and column D "
        "was not used. If column D is the right one, choose 'Ethnicity (column D)' for ethnicity (on the Data page, "
        "under Correct the columns), or delete or rename the wrong column in the file and load it again",
        "the heading 'Annual Salary' is written twice, in columns C and E, and they differ in 2 rows (rows 3, 5; "
        "e.g. row 3: '30000' in column C, '31000' in column E): column C, the first, was read for salary and "
        "column E was not used. If column E is the right one, choose 'Annual Salary (column E)' for salary (on the "
        "Data page, under Correct the columns), or delete or rename the wrong column in the file and load it again",
    ]
    chosen = read_table(raw(rows, name="Staff"), mappings={"staff": {"ethnicity": "Ethnicity (column D)"}})
    assert chosen.frame["ethnicity"].tolist() == ["White British", "Indian", "Indian", "Chinese"]
    assert chosen.report.columns["ethnicity"] == "Ethnicity (column D)"
    assert chosen.report.notes[0] == (
        "the heading 'Ethnicity' is written twice, in columns B and D, and they differ in 1 row (row 3; e.g. row 3: "
        "'Indian' in column D, 'Black African' in column B): column D, as chosen, was read for ethnicity and "
        "column B was not used. If column B is the right one, choose 'Ethnicity' for ethnicity (on the Data page, "
        "under Correct the columns), or delete or rename the wrong column in the file and load it again"
    )


def test_rows_with_nothing_in_the_columns_used_are_reported() -> None:
    rows = [["Employee No", "Ethnicity", "Comment"], [1, "Indian", None], [None, None, "left in May"]]
    table = read_table(raw(rows, name="Staff"))
    assert len(table.frame) == 1
    assert [(s.reason, s.rows) for s in table.report.skipped] == [("nothing in the columns used", [3])]


# --- which sheets and datasets -----------------------------------------------------------


@pytest.mark.parametrize("name", ["Notes", "Read me", "README", "Guidance", "Instructions", "Lookups", "Contents"])
def test_notes_sheets_are_ignored_by_name(name: str) -> None:
    table = read_table(raw([["Employee No", "Ethnicity"], [1, "Indian"]], name=name))
    assert table.dataset is None and table.frame is None
    assert table.report.ignored == "a notes or reference sheet (by its name)"


def test_a_sheet_without_recognisable_headings_is_ignored() -> None:
    rows = [["How to fill in this workbook"], ["1. Paste the HR export into the Staff sheet"], ["2. Save"]]
    table = read_table(raw(rows, name="Sheet3"))
    assert table.frame is None
    assert table.report.ignored == "no recognisable headings in the first 30 rows"


def test_a_summary_table_by_ethnic_group_is_ignored() -> None:
    rows = [["Pay band", "Salary range", "White", "BME", "Not known", "Total"], ["Band 1", "£0-£20k", 10, 4, 1, 15]]
    table = read_table(raw(rows, name="Staff summary"))
    assert table.frame is None
    assert "summary table" in table.report.ignored


@pytest.mark.parametrize(
    ("name", "dataset"),
    [
        ("Disciplinary cases 2025", "disciplinary"),
        ("Staff_in_post_Mar26", "staff"),
        ("Recruitment 2024-25", "recruitment"),
        ("CPD", "cpd"),
        ("Fitness to practise", "fitness_to_practise"),
        ("Leavers", "leavers"),
        ("Staff survey 2025", "survey"),
    ],
)
def test_dataset_from_sheet_name(name: str, dataset: str) -> None:
    # Headings shared by every dataset: only the name can say which this is.
    rows = [["Employee ID", "Ethnicity", "Date", "Shortlisted", "Leaving date", "Harassment from public"],
            [1, "Indian", "01/05/2024", "Y", "01/05/2024", "Yes"]]
    table = read_table(raw(rows, name=name))
    assert table.dataset == dataset


def test_dataset_from_a_csv_file_name() -> None:
    rows = [["Case ref", "Employee No", "Ethnicity", "Date opened"], ["D1", 1, "Indian", "01/05/2024"]]
    table = read_table(raw(rows, name="", file="disciplinary_cases_2025.csv"))
    assert table.dataset == "disciplinary"


@pytest.mark.parametrize(
    ("headings", "row", "dataset"),
    [
        (["Applicant ID", "Ethnicity", "Shortlisted", "Appointed", "Vacancy"], ["A1", "Indian", "Y", "N", "V1"],
         "recruitment"),
        (["Candidate number", "Ethnic group", "Outcome"], ["C1", "Indian", "Appointed"], "recruitment"),
        (["Respondent", "Ethnicity", "Harassment from public", "Harassment from colleagues"],
         [1, "Indian", "Yes", "No"], "survey"),
        (["Employee No", "Ethnicity", "Grade", "Salary", "Job title"], [1, "Indian", "G1", 20000, "Carer"], "staff"),
        (["Employee No", "Ethnicity", "Leaving date", "Reason for leaving"],
         [1, "Indian", "01/05/2024", "Retired"], "leavers"),
        (["Employee No", "Ethnicity", "Grade", "Leaving date", "Reason for leaving"],
         [1, "Indian", "G1", "01/05/2024", "Retired"], "leavers"),
        (["Referral ID", "Employee No", "Ethnicity", "Referral date"], ["R1", 1, "Indian", "01/05/2024"],
         "fitness_to_practise"),
        (["Case ref", "Employee No", "Ethnicity", "Hearing date"], ["C1", 1, "Indian", "01/05/2024"], "disciplinary"),
        (["Employee No", "Ethnicity", "Course title", "Funded", "Mandatory"], [1, "Indian", "AMHP", "Y", "N"], "cpd"),
    ],
)
def test_dataset_from_headings_alone(headings: list[str], row: list[object], dataset: str) -> None:
    table = read_table(raw([headings, row], name="Sheet1"))
    assert table.dataset == dataset


def test_headings_that_fit_two_datasets_equally_are_not_guessed() -> None:
    rows = [["Case ref", "Employee No", "Ethnicity", "Date"], ["C1", 1, "Indian", "01/05/2024"]]
    table = read_table(raw(rows, name="Sheet1"))
    assert table.frame is None
    assert "could not tell which data it holds" in table.report.ignored
    assert "formal disciplinary cases and fitness to practise referrals" in table.report.ignored


def test_several_datasets_in_one_workbook() -> None:
    sheets = [
        raw([["Guidance for this workbook"], ["Fill in each sheet"]], name="Read me"),
        staff_sheet("Staff"),
        raw([["Applicant ID", "Ethnicity", "Outcome"], ["A1", "Indian", "Appointed"],
             ["A2", "White British", "Not shortlisted"]], name="Sheet2"),
        raw([["Employee No", "Ethnicity", "Leaving date"], [100391, "A White - British", "30/06/2025"]],
            name="Leavers 2025"),
        raw([["Code", "Meaning"], ["A", "White British"]], name="Lookups"),
    ]
    loaded = load_sheets(sheets)
    assert isinstance(loaded, LoadedData)
    assert set(loaded.datasets) == {"staff", "recruitment", "leavers"}
    assert len(loaded.datasets["staff"]) == 3
    assert loaded.datasets["recruitment"]["appointed"].tolist() == [True, False]
    assert loaded.datasets["leavers"]["leave_date"].tolist() == [pd.Timestamp(2025, 6, 30)]
    assert [(r.sheet, r.dataset, r.ignored is not None) for r in loaded.sheets] == [
        ("Read me", None, True),
        ("Staff", "staff", False),
        ("Sheet2", "recruitment", False),
        ("Leavers 2025", "leavers", False),
        ("Lookups", None, True),
    ]
    assert loaded.warnings == []


def test_an_explicit_dataset_wins_over_the_sheet_name() -> None:
    rows = [["Employee No", "Ethnicity", "Date"], [1, "Indian", "01/05/2024"]]
    table = read_table(raw(rows, name="Staff"), dataset="disciplinary")
    assert table.dataset == "disciplinary"
    assert list(table.frame.columns) == ["employee_id", "ethnicity", "date"]


# --- headings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "column", "cell", "expected"),
    [
        ("Ethnicity", "ethnicity", " White British ", "White British"),
        ("Ethnic Origin", "ethnicity", "A White - British", "A White - British"),
        ("Ethnic Group", "ethnicity", "Indian", "Indian"),
        ("Ethnic Origin (self-declared)", "ethnicity", "Indian", "Indian"),
        ("ETHNIC_ORIGIN", "ethnicity", "Indian", "Indian"),
        ("Grade", "pay_band", "Grade 5", "Grade 5"),
        ("Pay Band", "pay_band", 5, "5"),
        ("Salary", "salary", "£23,456", 23456.0),
        ("Annual Salary", "salary", 23456, 23456.0),
        ("Salary (£)", "salary", "23,456", 23456.0),
        ("Employee No", "employee_id", 1234.0, "1234"),
        ("Staff ID", "employee_id", "S-01", "S-01"),
        ("Assignment Number", "employee_id", 98765, "98765"),
        ("Start Date", "start_date", "01/02/2024", pd.Timestamp(2024, 2, 1)),
        ("Date Started", "start_date", 45382, pd.Timestamp(2024, 3, 31)),
        ("Leaving Date", "leave_date", "31-Mar-2024", pd.Timestamp(2024, 3, 31)),
        ("Senior Manager (Y/N)", "senior_manager", "Y", True),
    ],
)
def test_staff_heading_variants(heading: str, column: str, cell: object, expected: object) -> None:
    others = {"ethnicity": ("Ethnicity", "Indian"), "employee_id": ("Employee No", 1)}
    headings, row = [heading], [cell]
    for other, (other_heading, value) in others.items():
        if other != column:
            headings.append(other_heading)
            row.append(value)
    table = read_table(raw([headings, row]), dataset="staff")
    assert table.report.columns[column] == heading
    assert table.frame.loc[0, column] == expected


@pytest.mark.parametrize(
    ("headings", "row", "shortlisted", "appointed"),
    [
        (["Shortlisted", "Appointed"], ["Y", "N"], True, False),
        (["Shortlisted (Y/N)", "Appointed (Y/N)"], ["Yes", "Yes"], True, True),
        (["Outcome"], ["Not shortlisted"], False, False),
        (["Application status"], ["Unsuccessful at interview"], True, False),
    ],
)
def test_recruitment_heading_variants(headings: list[str], row: list[object], shortlisted: bool,
                                      appointed: bool) -> None:
    table = read_table(raw([["Ethnicity", *headings], ["Indian", *row]], name="Applicants"))
    assert table.frame.loc[0, "shortlisted"] == shortlisted
    assert table.frame.loc[0, "appointed"] == appointed


def test_date_of_birth_and_names_are_not_taken_for_known_columns() -> None:
    rows = [["Employee Name", "Staff ID", "Date of Birth", "Ethnicity", "Case date"],
            ["A Person", "S1", "01/01/1980", "Indian", "01/05/2024"]]
    table = read_table(raw(rows, name="Disciplinary"))
    assert table.report.columns == {"employee_id": "Staff ID", "ethnicity": "Ethnicity", "date": "Case date"}
    assert table.report.unmapped_headings == ["Employee Name", "Date of Birth"]


def test_a_managers_ethnicity_is_not_the_persons() -> None:
    rows = [["Investigating Manager Ethnicity", "Employee Ethnicity", "Employee No"], ["White", "Indian", 1]]
    table = read_table(raw(rows, name="Disciplinary"))
    assert table.report.columns["ethnicity"] == "Employee Ethnicity"


def test_a_caller_mapping_overrides_the_headings() -> None:
    rows = [["Employee No", "Ethnicity (old system)", "Heritage"], [1, "Not known", "Indian"]]
    table = read_table(raw(rows, name="Staff"), mappings={"staff": {"ethnicity": "Heritage"}})
    assert table.report.columns == {"employee_id": "Employee No", "ethnicity": "Heritage"}
    assert table.report.unmapped_headings == ["Ethnicity (old system)"]
    assert table.frame["ethnicity"].tolist() == ["Indian"]


def test_a_mapping_lets_unknown_headings_be_found() -> None:
    rows = [["Workforce list"], ["Person", "Heritage", "Level"], [7, "Indian", "L2"]]
    loaded = load_sheets([raw(rows)], dataset="staff",
                         mapping={"employee_id": "Person", "ethnicity": "Heritage", "pay_band": "Level"})
    frame = loaded.datasets["staff"]
    assert frame.to_dict("list") == {"employee_id": ["7"], "ethnicity": ["Indian"], "pay_band": ["L2"]}
    assert loaded.sheets[0].header_row == 2


def test_a_mapping_naming_a_missing_heading_is_an_input_error() -> None:
    rows = [["Employee No", "Ethnicity"], [1, "Indian"]]
    with pytest.raises(InputError) as error:
        read_table(raw(rows, name="Staff"), mappings={"staff": {"ethnicity": "Heritage"}})
    message = str(error.value)
    assert "'hr.xlsx', sheet 'Staff'" in message
    assert "the heading 'Heritage' chosen for ethnicity is not on this sheet" in message
    assert "'Employee No', 'Ethnicity'" in message


# --- errors ------------------------------------------------------------------------------


def test_no_ethnicity_column_is_an_input_error_with_advice() -> None:
    rows = [["Employee No", "Grade", "Salary", "Heritage"], [1, "G1", 20000, "Indian"]]
    with pytest.raises(InputError) as error:
        load_sheets([raw(rows, name="Staff", file="export.xlsx")])
    message = str(error.value)
    assert message.startswith("'export.xlsx', sheet 'Staff': no ethnicity column was found")
    assert "headings found: 'Employee No', 'Grade', 'Salary', 'Heritage'" in message
    # The command line offers no choice of columns, so the advice is what to do in the file; the app, which offers
    # the choice, is given the columns to choose from.
    assert message.endswith("Give the column that holds ethnicity the heading 'Ethnicity' or add such a column.")
    assert error.value.missing == ("ethnicity",)
    assert error.value.headings == ("Employee No", "Grade", "Salary", "Heritage")
    assert error.value.dataset == "staff"


def test_events_need_an_employee_id_or_an_ethnicity() -> None:
    rows = [["Case ref", "Hearing date", "Outcome"], ["C1", "01/05/2024", "Warning"]]
    with pytest.raises(InputError, match="no employee ID or ethnicity column was found") as error:
        read_table(raw(rows, name="Disciplinary"))
    assert str(error.value).endswith("Give the column that holds employee ID or ethnicity the heading 'Employee ID' "
                                     "or 'Ethnicity', or add such a column.")
    assert error.value.missing == ("employee_id", "ethnicity")


def test_headings_without_rows_is_an_input_error() -> None:
    rows = [["Staff in post"], ["Employee No", "Ethnicity", "Grade"], [], [None, "", None]]
    with pytest.raises(InputError, match="has headings but no rows of data") as error:
        load_sheets([raw(rows, name="Staff")])
    assert "row 2" in str(error.value)


def test_headings_with_only_a_totals_row_is_an_input_error() -> None:
    rows = [["Employee No", "Ethnicity", "Salary"], ["Total", None, 0]]
    with pytest.raises(InputError, match="has headings but no rows of data"):
        read_table(raw(rows, name="Staff"))


def test_a_workbook_with_nothing_recognisable_is_an_input_error() -> None:
    sheets = [raw([["Notes"], ["Nothing here"]], name="Notes"), raw([["Blah", "Blah"], [1, 2]], name="Sheet1")]
    with pytest.raises(InputError, match="no sheet holds data that could be recognised") as error:
        load_sheets(sheets)
    assert "'Notes': a notes or reference sheet" in str(error.value)


def test_an_empty_template_sheet_does_not_stop_the_data_that_loaded() -> None:
    empty_leavers = raw([["Employee No", "Ethnicity", "Leaving date"]], name="Leavers")
    loaded = load_sheets([staff_sheet(), empty_leavers])
    assert set(loaded.datasets) == {"staff"}
    assert loaded.sheets[1].ignored == "the sheet has headings but no rows of data"
    assert any("Leavers" in w and "no rows of data" in w for w in loaded.warnings)


def test_a_failing_second_sheet_of_a_dataset_that_loaded_is_reported() -> None:
    summary = raw([["Pay band", "Salary range"], ["Band 1", "£20k-£25k"]], name="Staff by band")
    loaded = load_sheets([staff_sheet(), summary])
    assert len(loaded.datasets["staff"]) == 3
    assert "no ethnicity column" in loaded.sheets[1].ignored
    assert any("Staff by band" in w for w in loaded.warnings)


def test_sheet_errors_know_their_dataset() -> None:
    with pytest.raises(SheetError) as error:
        read_table(raw([["Applicant ID", "Ethnicity", "Vacancy"], ["A1", "Indian", "V1"]], name="Recruitment"))
    assert error.value.dataset == "recruitment"
    assert "no shortlisted or outcome column" in str(error.value)


# --- recruitment, cpd, flags -------------------------------------------------------------


def test_an_outcome_only_recruitment_sheet() -> None:
    rows = [
        ["Recruitment 2025-26"],
        ["Applicant No", "Vacancy Ref", "Ethnic Origin", "Application Status", "Closing Date"],
        ["A1", "V1", "Indian", "Appointed", "01/05/2025"],
        ["A2", "V1", "White British", "Unsuccessful at interview", "01/05/2025"],
        ["A3", "V1", "African", "Not shortlisted", "01/05/2025"],
        ["A4", "V1", "Pakistani", "Withdrawn", "01/05/2025"],
        ["A5", "V2", "White Irish", "Offer accepted", "02/06/2025"],
        ["A6", "V2", None, "Pending review", "02/06/2025"],
    ]
    table = read_table(raw(rows, name="Sheet1"))
    frame = table.frame
    assert table.dataset == "recruitment"
    assert list(frame.columns) == ["applicant_id", "ethnicity", "shortlisted", "appointed", "outcome", "vacancy",
                                   "date"]
    assert frame["shortlisted"].tolist() == [True, True, False, pd.NA, True, pd.NA]
    assert frame["appointed"].tolist() == [True, False, False, False, True, pd.NA]
    assert frame["outcome"].tolist()[:2] == ["Appointed", "Unsuccessful at interview"]
    assert frame["shortlisted"].dtype == "boolean"
    assert any("1 row had an outcome that could not be read" in n and "row 8" in n for n in table.report.notes)


def test_explicit_shortlisted_and_appointed_win_and_outcome_fills_blanks() -> None:
    rows = [
        ["Applicant ID", "Ethnicity", "Shortlisted", "Appointed", "Outcome"],
        ["A1", "Indian", "Y", None, "Withdrawn"],  # the Shortlisted column says yes
        ["A2", "Indian", None, None, "Withdrawn"],  # not known whether shortlisted
        ["A3", "Indian", "N", "N", "Appointed"],  # explicit cells win over the outcome
        ["A4", "Indian", None, "Y", None],  # appointed from shortlisting: was shortlisted
    ]
    frame = read_table(raw(rows, name="Recruitment")).frame
    assert frame["shortlisted"].tolist() == [True, pd.NA, False, True]
    assert frame["appointed"].tolist() == [False, False, False, True]


def test_tick_list_columns_read_blanks_as_no() -> None:
    rows = [["Employee No", "Ethnicity", "Senior Manager", "Regulated"],
            [1, "Indian", "Y", "Y"], [2, "Indian", None, "N"], [3, "Indian", None, None]]
    table = read_table(raw(rows, name="Staff"))
    assert table.frame["senior_manager"].tolist() == [True, False, False]
    # a column that also says no keeps its blanks as not known
    assert table.frame["regulated_professional"].tolist() == [True, False, pd.NA]
    assert "column 'Senior Manager' only marks yes: its 2 blank cells were read as no" in table.report.notes


def test_survey_blanks_stay_unanswered() -> None:
    rows = [["Respondent ID", "Ethnicity", "Harassment from public"], [1, "Indian", "Yes"], [2, "Indian", None]]
    frame = read_table(raw(rows, name="Survey")).frame
    assert frame["harassment_public"].tolist() == [True, pd.NA]


def test_cpd_with_mandatory_only() -> None:
    rows = [
        ["Employee No", "Ethnicity", "Course Title", "Mandatory", "Funded", "Course Date"],
        [1, "Indian", "Safeguarding adults", "Yes", "Yes", "03/06/2025"],
        [2, "White British", "AMHP training", "No", "Yes", "10/09/2025"],
        [3, "African", "Leadership", None, "No", "10/09/2025"],
    ]
    table = read_table(raw(rows, name="Training"))
    frame = table.frame
    assert table.dataset == "cpd"
    assert frame["mandatory"].tolist() == [True, False, pd.NA]
    assert frame["non_mandatory"].tolist() == [False, True, pd.NA]
    assert list(frame.columns) == ["employee_id", "ethnicity", "course", "funded", "non_mandatory", "mandatory",
                                   "date"]
    assert any("no non-mandatory column" in note and "'Mandatory'" in note for note in table.report.notes)


# --- loading -----------------------------------------------------------------------------


def test_sheets_of_the_same_dataset_are_put_together() -> None:
    first = staff_sheet("Staff Adults")
    second = raw([["Staff ID", "Ethnicity", "Senior manager"], ["S9", "Indian", "Y"], ["S10", "Irish", "N"]],
                 name="Staff Childrens")
    loaded = load_sheets([first, second])
    staff = loaded.datasets["staff"]
    assert staff["employee_id"].tolist() == ["100234", "100391", "100402", "S9", "S10"]
    assert staff["salary"].isna().tolist() == [False, False, False, True, True]
    assert staff["senior_manager"].tolist() == [pd.NA, pd.NA, pd.NA, True, False]
    assert str(staff["senior_manager"].dtype) == "boolean"
    assert str(staff["salary"].dtype) == "float64"
    assert str(staff["start_date"].dtype) == "datetime64[ns]"
    assert any("staff rows from 2 sheets were put together" in w for w in loaded.warnings)


def test_a_mapping_needs_a_dataset() -> None:
    with pytest.raises(ValueError, match="needs the dataset"):
        load_sheets([staff_sheet()], mapping={"ethnicity": "Ethnic Origin"})


def test_many_rows_load() -> None:
    rows = [["Employee No", "Ethnicity", "Grade", "Salary", "Start Date"]]
    labels = ["White British", "Indian", "African", None, "Prefer not to say"]
    rows += [[i, labels[i % 5], f"G{i % 9}", 20000 + i % 7 * 1000, f"{1 + i % 28:02d}/04/2020"] for i in range(50_000)]
    rows.append(["Total", None, None, 1_000_000_000, None])
    table = read_table(raw(rows, name="Staff"))
    assert len(table.frame) == 50_000
    assert table.frame["ethnicity"].isna().sum() == 10_000
    assert table.frame.loc[49_999, "start_date"] == pd.Timestamp(2020, 4, 20)  # 49,999 % 28 == 19
    assert table.report.skipped[0].rows == [50_002]


# --- end to end through the readers --------------------------------------------------------


def _xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_read_sources_end_to_end() -> None:
    pytest.importorskip("data_loaders.readers")
    from data_loaders.source import Source
    from pipeline.api import read_sources

    workbook = _xlsx({
        "Read me": [["This workbook holds the WRES data"]],
        "Staff in post": [
            ["Wexcombe Borough Council"],
            ["Snapshot at 31 March 2026"],
            [],
            ["Employee No", "Grade", "Annual Salary", "Ethnic Origin", "Date Started"],
            [100234, "Grade 8", "£38,112", "N Black or Black British - African", dt.datetime(2019, 9, 14)],
            [100391, "Grade 3", 22450, "A White - British", "03/01/2022"],
            ["Total", None, 60562],
        ],
    })
    applicants = _xlsx({"Sheet1": [["Applicant ID", "Ethnicity", "Outcome"], ["A1", "Indian", "Appointed"]]})
    sources = [Source("wres.xlsx", workbook, None), Source("applicants.xlsx", applicants, "recruitment")]
    loaded = read_sources(sources).loaded
    staff = loaded.datasets["staff"]
    assert staff["employee_id"].tolist() == ["100234", "100391"]
    assert staff["salary"].tolist() == [38112.0, 22450.0]
    assert staff["start_date"].tolist() == [pd.Timestamp(2019, 9, 14), pd.Timestamp(2022, 1, 3)]
    assert loaded.datasets["recruitment"]["appointed"].tolist() == [True]
    staff_report = next(r for r in loaded.sheets if r.sheet == "Staff in post")
    assert staff_report.header_row == 4
    assert [(s.reason, s.rows) for s in staff_report.skipped] == [("totals row", [7])]


def test_read_sources_errors_name_the_file() -> None:
    pytest.importorskip("data_loaders.readers")
    from data_loaders.source import Source
    from pipeline.api import read_sources

    workbook = _xlsx({"Staff": [["Employee No", "Grade"], [1, "G1"]]})
    with pytest.raises(InputError, match="'no_ethnicity.xlsx', sheet 'Staff': no ethnicity column"):
        read_sources([Source("no_ethnicity.xlsx", workbook, None)])


def test_a_sheet_that_fits_two_datasets_is_reported_in_the_warnings() -> None:
    ambiguous = raw([["Case ref", "Employee No", "Ethnicity", "Date"], ["C1", 1, "Indian", "01/05/2024"]])
    loaded = load_sheets([staff_sheet(), ambiguous])
    assert set(loaded.datasets) == {"staff"}
    assert len(loaded.warnings) == 1
    assert loaded.warnings[0].startswith("hr.xlsx / Sheet1: not used: could not tell which data it holds")
