"""A staff survey's results as counts by group (pipeline.survey_counts): worked examples by hand, the survey year's
question codes, and every message for input a person must fix."""

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from commands.metrics_cli import main
from data_loaders.errors import InputError
from data_loaders.readers import read_workbook
from data_loaders.schema import SCHEMAS, normalise_heading
from data_loaders.survey_codes import DEFAULT_SURVEY_YEAR, SURVEY_YEARS, code_in
from metrics.registry import METRICS
from metrics.settings import Settings
from metrics.stats import NO_DATA
from pipeline.api import analyse, analyse_paths, read_paths
from pipeline.survey_counts import is_survey_counts, question_columns, read_survey_counts

MARCH_2026 = dt.date(2026, 3, 31)

# A long file as a trust might save its local results: a title row, a question, a breakdown and a group, the
# respondents and the number answering yes (q16b as percentages only). By hand:
#   q14a (W5) by ethnicity: BME = Asian 21/60 + Black 14/40 = 35/100 (35%); white 100/400 (25%);
#       ratio 0.35 / 0.25 = 1.40; unknown ("Prefer not to say") 20 of 520 respondents.
#   q16b (W8): white 12.5% of 400 = 50; BME 20.3% of 101 = 20.503 -> 21 (worked back, rounded);
#       ratio (21/101) / (50/400) = 1.6634.
#   q14a (D4A public) by disability: disabled 30/100, non-disabled 100/400; ratio 0.30 / 0.25 = 1.20.
LONG = """NHS Staff Survey 2024 local results
Question,Breakdown,Group,n,Yes,%
Q14a,Ethnicity,White,400,100,
Q14a,Ethnicity,Asian / Asian British,60,21,
Q14a,Ethnicity,Black / African / Caribbean / Black British,40,14,
Q14a,Ethnicity,Prefer not to say,20,5,
Q14a,Disability,Yes,100,30,
Q14a,Disability,No,400,100,
Q14a,Disability,Prefer not to say,20,4,
Q14a,Gender,Female,300,90,
Q16b,Ethnicity,White,400,,12.5
Q16b,Ethnicity,BME,101,,20.3
Q1,Ethnicity,White,400,300,
Q14a,Ethnicity,Total,520,140,
"""


def _csv(tmp_path: Path, text: str, name: str = "survey results.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _xlsx(tmp_path: Path, rows: list[list[object]], name: str = "survey results.xlsx") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Results"
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def _question(analysis, metric: str, key: str):
    return analysis.results[metric].questions[key]


def _counts(analysis, metric: str, key: str) -> dict[str, tuple[float, float]]:
    groups = _question(analysis, metric, key).groups
    return {g: (figures.events, figures.base) for g, figures in groups.items()}


def test_a_long_file_gives_the_nhs_wres_survey_indicators_counted_by_hand(tmp_path):
    analysis = analyse_paths([str(_csv(tmp_path, LONG))], Settings(standard="nhs-wres", period_end=MARCH_2026))
    assert _counts(analysis, "W5", "public") == {"bme": (35, 100), "white": (100, 400), "unknown": (5, 20)}
    assert _question(analysis, "W5", "public").value == pytest.approx(1.40)
    assert analysis.results["W5"].quality.total == 520 and analysis.results["W5"].quality.unknown == 20
    assert _counts(analysis, "W8", "discrimination") == {"bme": (21, 101), "white": (50, 400), "unknown": (0, 0)}
    assert _question(analysis, "W8", "discrimination").value == pytest.approx((21 / 101) / (50 / 400))
    # Nothing for the indicators the file does not give.
    assert analysis.results["W7"].status == NO_DATA
    text = " ".join(analysis.warnings)
    assert "read as counts by group, a row per question and group" in text
    assert "question codes of the 2024 survey (the file's title (cell A1))" in text
    assert "worked back from percentages in 2 rows" in text and "rounded to a whole person" in text
    assert "'Q1' (row 13)" in text  # a question no metric uses: left out, and said
    assert "breakdowns the standards do not compare were left out: 'Gender'" in text
    assert "Metrics W5, W8 come from the survey results file survey results.csv" in text


def test_the_same_file_gives_the_wdes_its_disability_breakdown_and_the_sc_wres_its_ethnicity(tmp_path):
    path = str(_csv(tmp_path, LONG))
    wdes = analyse_paths([path], Settings(standard="wdes", period_end=MARCH_2026))
    assert _counts(wdes, "D4A", "public") == {"disabled": (30, 100), "non_disabled": (100, 400),
                                               "not_declared": (4, 20)}
    assert _question(wdes, "D4A", "public").value == pytest.approx(1.20)
    sc = analyse_paths([path], Settings(standard="sc-wres", period_end=MARCH_2026))
    assert _counts(sc, "M6", "public")["bme"] == (35, 100)


# The wide shape, in a workbook: a row per question, a pair of columns per group. By hand:
#   q14a: BME 30% of 200 = 60, white 20% of 800 = 160; ratio 0.30 / 0.20 = 1.50; not stated 50 (10% -> 5).
#   q15 (W7): BME 44.4% of 200 = 88.8 -> 89; white 55.5% of 800 = 444; ratio (89/200) / (444/800) = 0.8018.
#   q14b and q14c alone cannot give W6 (one person may say yes to both): a note says so.
WIDE = [
    ["Northfield NHS Foundation Trust"],
    ["Survey year", 2024],
    [],
    ["Question", "BME %", "BME n", "White %", "White n", "Not stated %", "Not stated n"],
    ["q14a", 30, 200, 20, 800, 10, 50],
    ["q14b", 10, 200, 8, 800, "*", "*"],
    ["q14c", 15, 200, 12, 800, None, None],
    ["q15", 44.4, 200, 55.5, 800, None, None],
]


def test_a_wide_workbook_gives_the_same_counts_as_worked_by_hand(tmp_path):
    analysis = analyse_paths([str(_xlsx(tmp_path, WIDE))], Settings(standard="nhs-wres", period_end=MARCH_2026))
    assert _counts(analysis, "W5", "public") == {"bme": (60, 200), "white": (160, 800), "unknown": (5, 50)}
    assert _question(analysis, "W5", "public").value == pytest.approx(1.50)
    assert _counts(analysis, "W7", "career")["bme"] == (89, 200)
    assert _counts(analysis, "W7", "career")["white"] == (444, 800)
    assert _question(analysis, "W7", "career").value == pytest.approx((89 / 200) / (444 / 800))
    assert analysis.results["W6"].status == NO_DATA
    text = " ".join(analysis.warnings)
    assert "a row per question with a pair of columns per group" in text
    assert "question codes of the 2024 survey (the file's survey year (cell A2))" in text
    assert "one person may say yes to both" in text
    assert "1 figure held back by the survey (a small group) is not counted (row 6)" in text


def test_a_wide_file_with_counts_and_the_disability_groups(tmp_path):
    rows = [["Question code", "Disabled yes", "Disabled n", "Non-disabled yes", "Non-disabled n"],
            ["Q11e", 12, 40, 20, 160],
            ["Q4b", 14, 40, 80, 160]]
    analysis = analyse_paths([str(_xlsx(tmp_path, rows))], Settings(standard="wdes", period_end=MARCH_2026))
    assert _counts(analysis, "D6", "pressure") == {"disabled": (12, 40), "non_disabled": (20, 160),
                                                   "not_declared": (0, 0)}
    assert _question(analysis, "D6", "pressure").value == pytest.approx((12 / 40) / (20 / 160))
    assert _question(analysis, "D7", "valued").value == pytest.approx((14 / 40) / (80 / 160))
    assert not any("worked back" in w for w in analysis.warnings)


def test_excel_percentage_cells_are_fractions_of_one(tmp_path):
    rows = [["Question", "BME %", "BME n", "White %", "White n"],
            ["q14a", 0.3, 200, 0.2, 800]]
    analysis = analyse_paths([str(_xlsx(tmp_path, rows))], Settings(standard="nhs-wres", period_end=MARCH_2026))
    assert _counts(analysis, "W5", "public")["bme"] == (60, 200)
    assert any("read as fractions of 1" in w for w in analysis.warnings)


def test_rounding_works_back_half_up():
    # 2.5% of 100 is 2.5 people: 3, as a person rounds (Python's round would give 2).
    sheets = read_workbook("r.csv", b"Question,Group,n,%\nq14a,White,100,2.5\nq14a,BME,20,10\n")
    counts = read_survey_counts(sheets, file="r.csv")
    frame = counts.figures["ethnicity"].counts
    assert frame[(frame["metric"] == "W5") & (frame["group"] == "white")]["events"].tolist() == [3.0]


def test_a_council_survey_tabulated_by_group_with_its_own_question_mapped(tmp_path):
    text = ("Question,Ethnic group,Respondents,Number positive\n"
            "Q21 Fair promotion,White British,300,180\n"
            "Q21 Fair promotion,Black African,50,20\n"
            "Harassment from public,White British,300,60\n"
            "Harassment from public,Black African,50,15\n")
    path = _csv(tmp_path, text)
    analysis = analyse_paths([str(path)], Settings(standard="nhs-wres", period_end=MARCH_2026),
                             mapping={"survey": {"equal_opportunities": "Q21 Fair promotion"}})
    assert _counts(analysis, "W7", "career")["bme"] == (20, 50)
    # The standard's own words for a question need no mapping.
    assert _counts(analysis, "W5", "public")["bme"] == (15, 50)


def test_counts_by_group_fill_only_what_the_respondent_rows_did_not_give(tmp_path):
    respondents = _csv(tmp_path, "Respondent,Ethnicity,Q14a\nR1,White British,Yes\nR2,Indian,No\nR3,African,Yes\n",
                       name="respondents.csv")
    counts = _csv(tmp_path, "Question,Group,n,Yes\nq14a,White,10,1\nq14a,BME,10,1\nq15,White,10,5\nq15,BME,10,2\n")
    analysis = analyse_paths([str(respondents), str(counts)], Settings(standard="nhs-wres", period_end=MARCH_2026))
    assert _counts(analysis, "W5", "public")["bme"] == (1, 2)  # the respondents' own rows
    assert _counts(analysis, "W7", "career")["bme"] == (2, 10)  # from the counts
    text = " ".join(analysis.warnings)
    assert "respondents.csv: the staff survey was read with a row per respondent" in text
    assert "Metrics W7 come from the survey results file" in text


def test_the_shape_is_told_from_the_headings():
    assert is_survey_counts(read_workbook("a.csv", b"Question,Group,n,Yes\nq14a,White,1,1\n"))
    assert is_survey_counts(read_workbook("b.csv", b"Item,BME %,BME n,White %,White n\nq14a,1,2,3,4\n"))
    assert not is_survey_counts(read_workbook("c.csv", b"Respondent,Ethnicity,Q14a\nR1,White,Yes\n"))
    assert not is_survey_counts(read_workbook("d.csv", b"Employee No,Ethnicity,Grade\n1,White,3\n"))


# -- the survey year ---------------------------------------------------------------------------------------------


def test_the_codes_are_a_table_by_year_whose_default_the_schema_reads():
    assert DEFAULT_SURVEY_YEAR in SURVEY_YEARS and SURVEY_YEARS[DEFAULT_SURVEY_YEAR].verified
    survey_columns = {q.column for d in METRICS.values() if d.kind == "survey" for q in d.questions}
    for code, column in SURVEY_YEARS[DEFAULT_SURVEY_YEAR].codes.items():
        assert column in survey_columns
        # A respondent-level file's heading is read by the schema: the default year's code is among its headings.
        assert code in {normalise_heading(h) for h in SCHEMAS["survey"].column(column).headings}
    # And the other way: a code the schema reads a counted question's column by is in the default year's table, so
    # a respondent-level file and a file by group read the same codes (a new question: add its code to both).
    for column in question_columns():
        for heading in SCHEMAS["survey"].column(column).headings:
            if code_in(normalise_heading(heading)) is not None:
                assert SURVEY_YEARS[DEFAULT_SURVEY_YEAR].codes.get(normalise_heading(heading)) == column
    assert code_in("q14a in the last 12 months") == "q14a" and code_in("q 15") == "q15"
    assert code_in("q14ab") is None and code_in("question") is None


def test_a_year_column_chooses_the_codes_and_an_unchecked_year_is_said_to_be(tmp_path):
    text = "Survey year,Question,Group,n,Yes\n2023,q14a,White,10,1\n2023,q14a,BME,10,2\n"
    analysis = analyse_paths([str(_csv(tmp_path, text))], Settings(standard="nhs-wres", period_end=MARCH_2026))
    assert _counts(analysis, "W5", "public")["bme"] == (2, 10)
    assert any("2023 survey (the file's survey year column), assumed the same as 2024's; not checked" in w
               for w in analysis.warnings)


def test_a_year_whose_codes_are_not_known_is_refused_unless_its_questions_are_mapped(tmp_path):
    text = "Survey year,Question,Group,n,Yes\n2019,q13a,White,10,1\n2019,q13a,BME,10,2\n"
    path = str(_csv(tmp_path, text))
    with pytest.raises(InputError, match="question codes for 2019 are not known to the tool .it knows 2021 to "
                                         "2024.*--column"):
        read_paths([path])
    analysis = analyse_paths([path], Settings(standard="nhs-wres", period_end=MARCH_2026),
                             mapping={"survey": {"harassment_public": "Q13a"}})
    assert _counts(analysis, "W5", "public")["bme"] == (2, 10)
    assert any("only the questions mapped by hand were read" in w for w in analysis.warnings)


def test_the_survey_year_setting_and_the_command_line(tmp_path, capsys):
    path = _csv(tmp_path, "Question,Group,n,Yes\nq14a,White,10,1\nq14a,BME,10,2\n")
    inputs = read_paths([str(path)], survey_year=2022)
    assert any("2022 survey (the survey year chosen)" in w for w in inputs.loaded.warnings)
    # The file's own year and a different setting: refused, naming both.
    titled = _csv(tmp_path, "NHS Staff Survey 2024\nQuestion,Group,n,Yes\nq14a,White,10,1\nq14a,BME,10,2\n",
                  name="titled.csv")
    with pytest.raises(InputError, match="the survey year chosen is 2022, but the file's title .cell A1. says 2024"):
        read_paths([str(titled)], survey_year=2022)
    assert main(["--survey-year", "2019", str(path)]) == 2
    assert "question codes for 2019 are not known" in capsys.readouterr().err
    assert main(["--standard", "nhs-wres", "--survey-year", "2023", "--period-end", "2026-03-31", str(path)]) == 0
    assert "2023 survey (the survey year chosen)" in capsys.readouterr().out


# -- input a person must fix ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("rows", "message"), [
    ("q14a,White,10,1\nq14a,Martian,10,2\n",
     r"'f.csv', row 3: the group 'Martian' is not a group the tool recognises\. Write an ethnic group"),
    ("q14a,White,10,1\nq14a,BME,10,12\n",
     r"row 3: 12 answered yes for 'BME' but only 10 answered \(cell D3\)\. Check both counts"),
    ("q14a,White,10,1\nq14a,BME,-10,1\n", r"row 3: the respondents for 'BME' in cell C3 is -10, below zero"),
    ("q14a,White,10,1\nq14a,BME,10,lots\n", r"row 3: the number answering yes for 'BME' in cell D3 is 'lots', not a "
                                            r"number"),
    ("q14a,White,10,1\nq14a,BME,,1\n", r"row 3: there is no number of respondents for 'BME' \(cell C3\)"),
    ("q14a,White,10,1\nq14a,,10,1\n", r"row 3: there are counts for 'q14a' but no group \(cell B3\)"),
    ("q14a,White,10,1\nq14a,White,10,1\n", r"rows 2 and 3 both give the results of the same question for 'White'"),
])
def test_bad_rows_are_refused_with_the_row_and_what_to_do(rows, message):
    sheets = read_workbook("f.csv", ("Question,Group,n,Yes\n" + rows).encode())
    with pytest.raises(InputError, match=message):
        read_survey_counts(sheets, file="f.csv")


def test_a_percentage_over_100_and_an_ambiguous_unknown_are_refused():
    over = read_workbook("p.csv", b"Question,Group,n,%\nq14a,White,10,10\nq14a,BME,10,140\n")
    with pytest.raises(InputError, match=r"row 3: the percentage for 'BME' \(cell D3\) is 140, over 100\. Check"):
        read_survey_counts(over, file="p.csv")
    both = read_workbook("b.csv", b"Question,Group,n,Yes\nq14a,White,10,1\nq14a,BME,10,1\nq14a,Disabled,5,1\n"
                                  b"q14a,Non-disabled,5,1\nq14a,Prefer not to say,3,1\n")
    with pytest.raises(InputError, match="row 6: cannot tell whether 'Prefer not to say' is an answer to the "
                                         "ethnicity or the disability question. Add a Breakdown column"):
        read_survey_counts(both, file="b.csv")


def test_a_file_of_questions_no_metric_reads_gives_nothing_and_says_what_to_do():
    sheets = read_workbook("f.csv", b"Question,Group,n,Yes\nq99,White,10,1\nq98,BME,10,1\n")
    counts = read_survey_counts(sheets, file="f.csv")
    assert not any(figures.available for figures in counts.figures.values()) and counts.unused == ["q99", "q98"]
    text = " ".join(counts.notes)
    assert "'q99' (row 2); 'q98' (row 3)" in text
    assert "no row gives a question the standards use" in text
    assert "q4b, q11e, q14a, q14b, q14c, q14d, q15, q16b" in text
    assert "--column" in text


def test_an_unrecognised_wide_heading_names_its_cell():
    sheets = read_workbook("w.csv", b"Question,BME %,BME n,Martian %,Martian n\nq14a,10,10,10,10\n")
    with pytest.raises(InputError, match=r"the heading 'Martian %' \(cell D1\) is not for a group the tool "
                                         r"recognises.*delete its columns"):
        read_survey_counts(sheets, file="w.csv")


def test_a_bad_file_is_one_error_line_on_the_command_line_and_the_records_read_before_stay(tmp_path, capsys):
    bad = _csv(tmp_path, "Question,Group,n,Yes\nq14a,White,10,1\nq14a,BME,10,12\n", name="bad.csv")
    assert main([str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: 'bad.csv', row 3: 12 answered yes") and "Traceback" not in err
    # What was read before is untouched by a refused file: the inputs are built anew from the files given.
    good = read_paths([str(_csv(tmp_path, "Respondent,Ethnicity,Q14a\nR1,White,Yes\n", name="ok.csv"))])
    with pytest.raises(InputError):
        read_paths([str(bad)])
    assert "survey" in good.loaded.datasets and len(good.loaded.datasets["survey"]) == 1
    assert analyse(good, Settings(standard="nhs-wres", period_end=MARCH_2026)).results["W5"].status != NO_DATA


def test_a_survey_file_named_on_the_command_line_as_survey_is_read_by_its_shape(tmp_path):
    path = _csv(tmp_path, "Question,Group,n,Yes\nq14a,White,10,1\nq14a,BME,10,2\n")
    inputs = read_paths([f"survey={path}"])
    assert len(inputs.survey_counts) == 1 and "survey" not in inputs.loaded.datasets


def test_a_file_of_other_standards_questions_is_said_to_give_this_one_nothing(tmp_path):
    path = _csv(tmp_path, "Question,Group,n,Yes\nq15,White,10,5\nq15,BME,10,2\n")
    analysis = analyse_paths([str(path)], Settings(standard="sc-wres", period_end=MARCH_2026))
    assert any("the survey's results give the SC-WRES no figures" in w for w in analysis.warnings)
    assert analysis.results["M6"].status == NO_DATA


def test_detailed_breakdown_names_and_a_counts_template_beside_the_survey(tmp_path):
    from pipeline.template import write_template

    template = tmp_path / "counts.xlsx"
    write_template(template, organisation="Testshire", period_end=MARCH_2026, standard="nhs-wres")
    survey = _csv(tmp_path, "Question,Breakdown,Group,n,Yes\n"
                            "q14a,Ethnicity (detailed),White - British,10,1\n"
                            "q14a,Ethnicity (detailed),Asian / Asian British,10,4\n"
                            "q14a,Long-term condition or illness,Yes,5,1\n")
    analysis = analyse_paths([str(template), str(survey)], Settings(standard="nhs-wres"))
    assert _counts(analysis, "W5", "public")["bme"] == (4, 10)
    assert analysis.period.end == MARCH_2026  # the template's period; the survey's counts fill it


def test_a_question_without_one_of_the_groups_compared_is_said_not_to_be_counted(tmp_path):
    # Every minority-ethnic figure held back: W5 cannot be counted, and the note says why.
    path = _csv(tmp_path, "Question,Group,n,Yes\nq14a,White,400,100\nq14a,Asian / Asian British,*,*\n")
    analysis = analyse_paths([str(path)], Settings(standard="nhs-wres", period_end=MARCH_2026))
    assert analysis.results["W5"].status == NO_DATA
    text = " ".join(analysis.warnings)
    assert "W5 (from patients, service users, their relatives or the public) has no counts for BME" in text
    assert "1 figure held back by the survey (a small group) is not counted (row 3)" in text


def test_a_filtered_view_does_not_take_the_whole_organisations_survey_results(tmp_path):
    respondents = _csv(tmp_path, "Respondent,Service,Ethnicity,Q14a\nR1,Adults,White British,Yes\n",
                       name="respondents.csv")
    counts = _csv(tmp_path, "Question,Group,n,Yes\nq15,White,10,5\nq15,BME,10,2\n")
    analysis = analyse_paths([str(respondents), str(counts)], Settings(standard="nhs-wres", period_end=MARCH_2026),
                             filters={"service": ["Adults"]})
    assert analysis.results["W7"].status == NO_DATA
    assert any("are the whole organisation's, so they are not used when the figures are filtered" in w
               for w in analysis.warnings)


_CELLS = st.one_of(st.none(), st.integers(-5, 500), st.floats(-1, 150), st.just(float("nan")), st.just(float("inf")),
                   st.booleans(), st.sampled_from(["", "*", "White", "BME", "Yes", "No", "Prefer not to say",
                                                   "Martian", "q14a", "Q15", "q99", "12%", "1,200", "n/a", "2019",
                                                   "2024", "Ethnicity", "Disability", "Gender", "Total"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wide=st.booleans(), body=st.lists(st.lists(_CELLS, min_size=5, max_size=7), min_size=1, max_size=8))
def test_any_cells_under_the_headings_give_counts_or_a_message_never_a_traceback(wide, body):
    from data_loaders.report import RawSheet

    heading = (["Question", "BME %", "BME n", "White yes", "White n", "Survey year"] if wide
               else ["Question", "Breakdown", "Group", "n", "Yes", "%", "Survey year"])
    sheet = RawSheet("f.xlsx", "Results", [heading, *body])
    try:
        counts = read_survey_counts([sheet], file="f.xlsx")
    except InputError as error:
        assert str(error).startswith("'f.xlsx', sheet 'Results'")
        return
    for figures in counts.figures.values():
        frame = figures.counts
        assert (frame["events"] <= frame["base"]).all() and (frame["events"] >= 0).all()


def test_a_workbook_with_a_sheet_per_breakdown(tmp_path):
    # By hand: q14a by disability, Yes 25% of 80 = 20, No 20% of 320 = 64, prefer not to say 10% of 20 = 2;
    # D4A public ratio (20/80) / (64/320) = 1.25. The Gender sheet is left out; the Ethnicity sheet feeds the WRES.
    workbook = Workbook()
    sheets = {
        "Ethnicity": [["Question", "White %", "White n", "BME %", "BME n"], ["q14a", 20, 300, 30, 100]],
        "Disability": [["Question", "Yes %", "Yes n", "No %", "No n", "Prefer not to say %", "Prefer not to say n"],
                       ["q14a", 25, 80, 20, 320, 10, 20]],
        "Gender": [["Question", "Male %", "Male n", "Female %", "Female n"], ["q14a", 20, 100, 22, 300]],
    }
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "results.xlsx"
    workbook.save(path)
    wdes = analyse_paths([str(path)], Settings(standard="wdes", period_end=MARCH_2026))
    assert _counts(wdes, "D4A", "public") == {"disabled": (20, 80), "non_disabled": (64, 320), "not_declared": (2, 20)}
    assert _question(wdes, "D4A", "public").value == pytest.approx(1.25)
    wres = analyse_paths([str(path)], Settings(standard="nhs-wres", period_end=MARCH_2026))
    assert _counts(wres, "W5", "public")["bme"] == (30, 100)
    text = " ".join(wdes.warnings)
    assert "(sheets 'Ethnicity', 'Disability')" in text
    assert "sheets of breakdowns the standards do not compare were left out: 'Gender'" in text


def test_indicator_6_from_the_combined_questions_own_row(tmp_path):
    rows = [["Question", "BME yes", "BME n", "White yes", "White n"],
            ["q14b", 20, 200, 60, 800],
            ["Harassment from staff", 30, 200, 80, 800]]
    analysis = analyse_paths([str(_xlsx(tmp_path, rows))], Settings(standard="nhs-wres", period_end=MARCH_2026))
    assert _counts(analysis, "W6", "staff")["bme"] == (30, 200)
    assert _question(analysis, "W6", "staff").value == pytest.approx((30 / 200) / (80 / 800))
    assert not any("one person may say yes to both" in w for w in analysis.warnings)
