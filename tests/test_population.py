"""The local population from the Census 2021 ethnic group table (ONS TS021), worked by hand."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pytest
from openpyxl import Workbook

from data_loaders.errors import InputError
from data_loaders.population import (
    LOWER_TIER,
    SOURCE,
    UPPER_TIER,
    Area,
    AreaPopulation,
    is_ts021,
    read_ts021,
    typed_population,
)
from data_loaders.readers import read_workbook
from pipeline.api import sample_paths, sample_snapshots
from sample_data import population as sample

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "sample_data" / "wexcombe" / "census_ts021.csv"

HEADINGS = [
    "Lower Tier Local Authorities Code", "Lower Tier Local Authorities",
    "Ethnic group (20 categories) Code", "Ethnic group (20 categories)", "Observation",
]
# As ONS writes them, codes -8 and 1 to 19 in order.
LABELS = [
    "Does not apply",
    "Asian, Asian British or Asian Welsh: Bangladeshi",
    "Asian, Asian British or Asian Welsh: Chinese",
    "Asian, Asian British or Asian Welsh: Indian",
    "Asian, Asian British or Asian Welsh: Pakistani",
    "Asian, Asian British or Asian Welsh: Other Asian",
    "Black, Black British, Black Welsh, Caribbean or African: African",
    "Black, Black British, Black Welsh, Caribbean or African: Caribbean",
    "Black, Black British, Black Welsh, Caribbean or African: Other Black",
    "Mixed or Multiple ethnic groups: White and Asian",
    "Mixed or Multiple ethnic groups: White and Black African",
    "Mixed or Multiple ethnic groups: White and Black Caribbean",
    "Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups",
    "White: English, Welsh, Scottish, Northern Irish or British",
    "White: Irish",
    "White: Gypsy or Irish Traveller",
    "White: Roma",
    "White: Other White",
    "Other ethnic group: Arab",
    "Other ethnic group: Any other ethnic group",
]
CODES = [-8, *range(1, 20)]

# Observations in the order of LABELS.
#   Northby:   Asian 10+20+30+40+50 = 150, Black 60+70+80 = 210, Mixed 5+6+7+8 = 26, Other 9+15 = 24
#              -> minority ethnic 410; White British 1000, White minorities 11+2+3+44 = 60 -> white 1060;
#              residents 1470.
#   Southwick: 1..12 = 78 and 17+18 = 35 -> minority ethnic 113; White British 400, White minorities
#              13+14+15+16 = 58 -> white 458; residents 571 (the 7 "Does not apply" are not residents counted).
#   Eastmoor:  Indian 25, White British 100 -> residents 125, minority ethnic 20%.
NORTHBY = [0, 10, 20, 30, 40, 50, 60, 70, 80, 5, 6, 7, 8, 1000, 11, 2, 3, 44, 9, 15]
SOUTHWICK = [7, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 400, 13, 14, 15, 16, 17, 18]
EASTMOOR = [0, 0, 0, 25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0]
AREAS = {
    "E06000011": ("Southwick", SOUTHWICK),
    "E06000012": ("Northby", NORTHBY),
    "E07000013": ("Eastmoor", EASTMOOR),
}


def table_rows(headings: list[str] = HEADINGS, labels: list[str] = LABELS, codes: list[int] = CODES,
               areas: dict[str, tuple[str, list[int]]] = AREAS) -> list[list[object]]:
    rows: list[list[object]] = [list(headings)]
    for area_code, (name, observations) in areas.items():
        rows += [[area_code, name, code, label, count]
                 for code, label, count in zip(codes, labels, observations, strict=True)]
    return rows


def csv_bytes(rows: list[list[object]]) -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Dataset"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def refusal(data: bytes, name: str = "ts021.csv") -> str:
    with pytest.raises(InputError) as caught:
        read_ts021(name, data)
    return str(caught.value)


# --- the arithmetic ------------------------------------------------------------------------------


def test_one_area_counts_everyone_with_a_stated_group() -> None:
    table = read_ts021("ts021.csv", csv_bytes(table_rows()))
    northby = table.for_areas(["E06000012"])
    assert northby == AreaPopulation(codes=("E06000012",), name="Northby", residents=1470, bme=410, white=1060,
                                     source=SOURCE)
    assert northby.bme_pct == pytest.approx(100 * 410 / 1470)
    assert round(northby.bme_pct, 2) == 27.89
    assert table.for_areas(["E07000013"]).bme_pct == 20.0


def test_does_not_apply_is_left_out_of_the_residents() -> None:
    southwick = read_ts021("ts021.csv", csv_bytes(table_rows())).for_areas(["E06000011"])
    assert (southwick.residents, southwick.bme, southwick.white) == (571, 113, 458)


def test_two_areas_are_summed_and_named_in_order() -> None:
    table = read_ts021("ts021.csv", csv_bytes(table_rows()))
    both = table.for_areas(["e06000011 ", "E06000012", "E06000011"])
    assert both.codes == ("E06000012", "E06000011")
    assert both.name == "Northby, Southwick"
    assert (both.residents, both.bme, both.white) == (2041, 523, 1518)
    assert both.bme_pct == pytest.approx(100 * 523 / 2041)
    assert round(both.bme_pct, 2) == 25.62


def test_white_minorities_setting_moves_irish_gypsy_roma_and_other_white_only() -> None:
    table = read_ts021("ts021.csv", csv_bytes(table_rows()))
    northby = table.for_areas(["E06000012"], white_minorities_as_bme=True)
    assert (northby.residents, northby.bme, northby.white) == (1470, 410 + 60, 1000)
    both = table.for_areas(["E06000011", "E06000012"], white_minorities_as_bme=True)
    assert (both.residents, both.bme, both.white) == (2041, 523 + 60 + 58, 1400)


def test_category_counts_sum_each_category_over_the_areas() -> None:
    table = read_ts021("ts021.csv", csv_bytes(table_rows()))
    counts = table.category_counts(["E06000011", "E06000012"])
    assert len(counts) == 19 and "Does not apply" not in counts
    assert counts["Asian, Asian British or Asian Welsh: Indian"] == 33
    assert counts["White: Other White"] == 60
    assert counts["White: English, Welsh, Scottish, Northern Irish or British"] == 1400
    assert sum(counts.values()) == 2041


def test_the_table_lists_its_areas_by_name() -> None:
    table = read_ts021("ts021.csv", csv_bytes(table_rows()))
    assert table.areas() == [Area("E07000013", "Eastmoor"), Area("E06000012", "Northby"),
                             Area("E06000011", "Southwick")]
    assert (table.tier, table.detail) == (LOWER_TIER, "20 categories")


def test_an_area_with_no_residents_has_no_share() -> None:
    assert AreaPopulation(codes=("X",), name="Nowhere", residents=0, bme=0, white=0, source=SOURCE).bme_pct is None
    with pytest.raises(ValueError, match="must add up"):
        AreaPopulation(codes=("X",), name="Nowhere", residents=10, bme=3, white=6, source=SOURCE)


# --- the shapes users download -------------------------------------------------------------------


def test_a_title_row_blank_rows_and_notes_around_the_table() -> None:
    rows = [["TS021 - Ethnic group"], ["Census 2021, usual residents"], [], *table_rows(), [],
            ["Source: Office for National Statistics"]]
    rows.insert(10, ["", "", "", "", ""])  # a blank row among the figures
    table = read_ts021("ts021.csv", csv_bytes(rows))
    assert table.for_areas(["E06000012"]).bme == 410
    assert table.for_areas(["E06000011", "E06000012"]).residents == 2041


def test_an_xlsx_copy_with_a_title_row() -> None:
    rows = [["Ethnic group, Census 2021"], *table_rows()]
    rows[5][4] = float(rows[5][4])  # Excel keeps some whole numbers as floats: Southwick's Indian, 3.0
    table = read_ts021("ts021.xlsx", xlsx_bytes(rows))
    both = table.for_areas(["E06000011", "E06000012"])
    assert (both.residents, both.bme, both.white) == (2041, 523, 1518)


def test_upper_tier_local_authorities() -> None:
    headings = ["Upper Tier Local Authorities Code", "Upper Tier Local Authorities", *HEADINGS[2:]]
    table = read_ts021("ts021.csv", csv_bytes(table_rows(headings=headings)))
    assert table.tier == UPPER_TIER
    assert table.for_areas(["E06000012"]).bme == 410


SIX_HEADINGS = [*HEADINGS[:2], "Ethnic group (6 categories) Code", "Ethnic group (6 categories)", "Observation"]
SIX_LABELS = [
    "Does not apply", "Asian, Asian British or Asian Welsh",
    "Black, Black British, Black Welsh, Caribbean or African", "Mixed or Multiple ethnic groups",
    "White", "Other ethnic group",
]
# Northby's figures above, added up into the 6 categories.
SIX_AREAS = {"E06000012": ("Northby", [0, 150, 210, 26, 1060, 24])}


def test_six_categories_give_the_same_shares() -> None:
    table = read_ts021("ts021.csv", csv_bytes(table_rows(SIX_HEADINGS, SIX_LABELS, [-8, 1, 2, 3, 4, 5], SIX_AREAS)))
    assert table.detail == "6 categories"
    northby = table.for_areas(["E06000012"])
    assert (northby.residents, northby.bme, northby.white) == (1470, 410, 1060)


def test_six_categories_cannot_count_white_minorities_as_minority_ethnic() -> None:
    table = read_ts021("ts021.csv", csv_bytes(table_rows(SIX_HEADINGS, SIX_LABELS, [-8, 1, 2, 3, 4, 5], SIX_AREAS)))
    with pytest.raises(InputError) as caught:
        table.for_areas(["E06000012"], white_minorities_as_bme=True)
    message = str(caught.value)
    assert "'White' as one figure (Ethnic group (6 categories))" in message
    assert "Ethnic group (20 categories)" in message


def test_is_ts021_tells_the_table_from_an_hr_export() -> None:
    assert is_ts021(read_workbook("ts021.csv", csv_bytes(table_rows())))
    staff = csv_bytes([["Employee ID", "Ethnic Origin", "Pay Band"], ["1", "White: Irish", "Band 5"]])
    assert not is_ts021(read_workbook("staff.csv", staff))


# --- refusals ------------------------------------------------------------------------------------


def test_refuses_a_table_without_the_ts021_columns() -> None:
    rows = table_rows(headings=["Area code", "Area", "Ethnic group (20 categories) Code",
                                "Ethnic group (20 categories)", "Count"])
    assert refusal(csv_bytes(rows)) == (
        "'ts021.csv': this is not the Census 2021 ethnic group table (ONS TS021): the columns "
        "'Lower Tier Local Authorities Code' (or 'Upper Tier Local Authorities Code'), "
        "'Lower Tier Local Authorities' and 'Observation' were not found (headings found in row 1: 'Area code', "
        "'Area', 'Ethnic group (20 categories) Code', 'Ethnic group (20 categories)' and 'Count'). "
        "Download 'TS021 Ethnic group' from the ONS (the Census 2021 'Create a custom dataset' tool at "
        "www.ons.gov.uk/datasets/create, or the Census maps) or from nomis (www.nomisweb.co.uk), for lower tier "
        "(or upper tier) local authorities with 'Ethnic group (20 categories)', and upload the CSV as it is "
        "downloaded, headings unchanged."
    )


def test_refuses_a_file_with_no_headings_of_the_table() -> None:
    message = refusal(csv_bytes([["Employee ID", "Pay Band"], ["1", "Band 5"]]))
    assert "the columns 'Lower Tier Local Authorities Code' (or 'Upper Tier Local Authorities Code'), " \
           "'Lower Tier Local Authorities', 'Ethnic group (20 categories)' (or '(6 categories)') and " \
           "'Observation' were not found" in message
    assert "www.nomisweb.co.uk" in message


@pytest.mark.parametrize("observation", ["12.5", "c", "-3", "twelve"])
def test_refuses_an_observation_that_is_not_a_whole_number(observation: str) -> None:
    rows = table_rows()
    rows[4][4] = observation  # Southwick's Indian, spreadsheet row 5
    assert refusal(csv_bytes(rows)) == (
        f"'ts021.csv', row 5, column 'Observation': the Observation '{observation}' is not a whole number of "
        "residents. Upload the table as ONS publishes it, without editing its rows."
    )


def test_reads_an_observation_with_thousands_separators() -> None:
    rows = table_rows()
    rows[34][4] = "1,000"  # Northby's White British
    assert read_ts021("ts021.csv", csv_bytes(rows)).for_areas(["E06000012"]).white == 1060


def test_refuses_a_category_it_does_not_recognise() -> None:
    rows = table_rows()
    rows[7][3] = "Martian"
    message = refusal(csv_bytes(rows))
    assert message.startswith("'ts021.csv', row 8, column 'Ethnic group (20 categories)': the ethnic group "
                              "'Martian' is not one of the Census 2021 categories")


def test_refuses_an_area_listed_twice_with_different_names() -> None:
    rows = table_rows()
    rows[25][1] = "North By"  # a Northby row (spreadsheet row 26; Northby's first is row 22)
    message = refusal(csv_bytes(rows))
    assert message.startswith("'ts021.csv', row 26, column 'Lower Tier Local Authorities': the area code "
                              "E06000012 is listed twice with different names: 'Northby' (row 22) and 'North By'")


def test_refuses_a_category_listed_twice_for_one_area() -> None:
    rows = table_rows()
    rows.append(list(rows[3]))
    message = refusal(csv_bytes(rows))
    assert "'Asian, Asian British or Asian Welsh: Chinese' is listed twice for Southwick (E06000011), " \
           "in rows 4 and 62" in message


def test_refuses_a_blank_area_code() -> None:
    rows = table_rows()
    rows[2][0] = ""
    assert refusal(csv_bytes(rows)).startswith(
        "'ts021.csv', row 3, column 'Lower Tier Local Authorities Code': the Lower Tier Local Authorities Code "
        "cell is blank"
    )


def test_refuses_an_empty_file_and_headings_without_figures() -> None:
    assert refusal(b"").startswith("'ts021.csv': the file is empty")
    assert refusal(csv_bytes([HEADINGS, [], ["Source: ONS"]])).startswith(
        "'ts021.csv': the table has headings (row 1) but no rows of figures under them"
    )


def test_refuses_an_area_not_in_the_table() -> None:
    table = read_ts021("ts021.csv", csv_bytes(table_rows()))
    with pytest.raises(InputError) as caught:
        table.for_areas(["E06000012", "E09999999"])
    assert str(caught.value).startswith("'ts021.csv': the area code 'E09999999' is not in the table")
    with pytest.raises(InputError, match="no area was chosen"):
        table.for_areas([])


# --- a share typed in ----------------------------------------------------------------------------


def test_a_typed_share() -> None:
    typed = typed_population(34.5, " Wexcombe ")
    assert (typed.name, typed.bme_pct, typed.residents, typed.codes, typed.source) == (
        "Wexcombe", 34.5, None, (), "typed in")
    assert typed_population(0, "Eastwold").bme_pct == 0.0
    assert typed_population(100, "Eastwold").bme_pct == 100.0


@pytest.mark.parametrize(
    ("share", "area", "message"),
    [
        (100.5, "Wexcombe", "a percentage from 0 to 100; 100.5 was given"),
        (-1, "Wexcombe", "a percentage from 0 to 100; -1 was given"),
        (math.nan, "Wexcombe", "a percentage from 0 to 100; nan was given"),
        (True, "Wexcombe", "must be a number, not True"),
        ("34", "Wexcombe", "must be a number, not '34'"),
        (34.0, "  ", "Say which area"),
    ],
)
def test_a_typed_share_is_checked(share: object, area: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        typed_population(share, area)  # type: ignore[arg-type]
    assert message in str(caught.value)


# --- the sample council's file -------------------------------------------------------------------


def test_the_committed_sample_gives_wexcombes_figures() -> None:
    table = read_ts021(COMMITTED.name, COMMITTED.read_bytes())
    assert (table.tier, table.detail, len(table.areas())) == (LOWER_TIER, "20 categories", 9)
    wexcombe = table.for_areas([sample.WEXCOMBE])
    assert (wexcombe.name, wexcombe.residents, wexcombe.bme, wexcombe.white) == ("Wexcombe", 247788, 84526, 163262)
    assert round(wexcombe.bme_pct, 2) == 34.11
    assert round(table.for_areas([sample.WEXCOMBE], white_minorities_as_bme=True).bme_pct, 2) == 41.94


def test_the_committed_sample_adds_up_as_its_rows_do() -> None:
    with COMMITTED.open(newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["Lower Tier Local Authorities Code"] == sample.WEXCOMBE]
    assert [int(row["Ethnic group (20 categories) Code"]) for row in rows] == CODES
    assert [row["Ethnic group (20 categories)"] for row in rows] == LABELS
    counts = [int(row["Observation"]) for row in rows]
    white = sum(counts[13:18])
    minority = sum(counts[1:13]) + sum(counts[18:])
    assert (minority, white) == (84526, 163262)


def test_regenerating_the_sample_gives_identical_bytes(tmp_path: Path) -> None:
    assert sample.main(["--out", str(tmp_path)]) == 0
    assert (tmp_path / "census_ts021.csv").read_bytes() == COMMITTED.read_bytes()
    assert sample.ts021_csv(seed=1) != COMMITTED.read_bytes()


def test_the_sample_council_snapshots_ignore_the_census_file() -> None:
    assert [folder.name for folder in sample_snapshots()] == ["2024-03-31", "2025-03-31", "2026-03-31"]
    for folder in sample_snapshots():
        assert all(Path(path).name != COMMITTED.name for path, _ in sample_paths(folder.name))
