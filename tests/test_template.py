import datetime as dt
import io

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from data_loaders.comparison import DISABILITY
from data_loaders.errors import InputError
from data_loaders.readers import read_workbook
from data_loaders.report import RawSheet
from metrics.counts import COUNT_COLUMNS, DataQuality, FigureSet, Period
from metrics.registry import METRICS, metrics_of
from pipeline.template import FIRST_ROW, TEMPLATE_MARKER, is_counts_template, read_template, write_template

FILE = "Testshire counts.xlsx"
MARCH_2026 = dt.date(2026, 3, 31)


def _sheets(data: bytes, file: str = FILE) -> list[RawSheet]:
    return read_workbook(file, data)


def _written(**kwargs) -> bytes:
    target = io.BytesIO()
    write_template(target, **kwargs)
    return target.getvalue()


def _blank(organisation: str = "Testshire", period_end: dt.date | None = MARCH_2026) -> Workbook:
    return load_workbook(io.BytesIO(_written(organisation=organisation, period_end=period_end)))


def _saved(workbook: Workbook) -> bytes:
    target = io.BytesIO()
    workbook.save(target)
    return target.getvalue()


def _read(workbook: Workbook, file: str = FILE) -> FigureSet:
    return read_template(_sheets(_saved(workbook), file), file=file)


def _error(workbook: Workbook) -> str:
    with pytest.raises(InputError) as caught:
        _read(workbook)
    return str(caught.value)


def _counts(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(COUNT_COLUMNS)).astype(
        {"metric": "str", "item": "str", "group": "str", "events": "float64", "base": "float64"}
    )


def _fill(sheet, cells: dict[str, object]) -> None:
    for ref, value in cells.items():
        sheet[ref] = value


# --- the blank workbook ---------------------------------------------------------------


def test_blank_template_is_recognised_and_holds_only_the_period():
    sheets = _sheets(_written(organisation="Testshire", period_end=MARCH_2026))

    figures = read_template(sheets, file=FILE)

    assert is_counts_template(sheets)
    assert figures.organisation == "Testshire"
    assert figures.period == Period(dt.date(2025, 4, 1), MARCH_2026)
    assert figures.available == frozenset()
    assert figures.counts.empty
    assert list(figures.counts.columns) == list(COUNT_COLUMNS)
    assert figures.quality == {}


def test_sheets_are_named_from_the_registry_within_excels_31_characters():
    workbook = _blank()

    assert workbook.sheetnames == [
        "About",
        "M1 Pay bands",
        "M2 Appointment",
        "M3 Disciplinary",
        "M4 Fitness to practise",
        "M5 Continuing professional",
        "M6 Harassment from the public",
        "M7 Harassment from colleagues",
        "M8 Leaving the organisation",
        "M9 Senior management",
    ]
    assert workbook["About"]["A1"].value == TEMPLATE_MARKER
    assert workbook["M2 Appointment"]["A1"].value == "M2 Appointment from shortlisting"


def test_headings_come_from_the_registry_and_input_cells_are_unlocked_and_validated():
    workbook = _blank()
    m2 = workbook["M2 Appointment"]
    m8 = workbook["M8 Leaving the organisation"]
    m1 = workbook["M1 Pay bands"]

    assert [c.value for c in m2[4]] == ["Ethnic group", METRICS["M2"].base_label, METRICS["M2"].events_label]
    assert [c.value for c in m2["A"][4:7]] == ["BME", "White", "Unknown"]
    assert [c.value for c in m8[4]] == [
        "Ethnic group", "Headcount at start of year", "Headcount at end of year", "Leavers"
    ]
    assert [c.value for c in m1[4]] == ["Pay band", "BME", "White", "Unknown"]
    assert [m1.cell(row=r, column=1).protection.locked for r in range(5, 17)] == [False] * 12
    assert m1.cell(row=17, column=2).protection.locked
    assert not m2["C6"].protection.locked and m2["A6"].protection.locked
    (validation,) = m2.data_validations.dataValidation
    assert (validation.type, validation.operator, validation.formula1) == ("whole", "greaterThanOrEqual", "0")
    assert str(validation.sqref) == "B5:C7"
    assert (workbook["About"]["B5"].value.date(), workbook["About"]["B5"].number_format) == (MARCH_2026, "dd/mm/yyyy")


def test_a_workbook_that_is_not_a_template_is_not_taken_for_one():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Staff"
    for row in (["Employee ID", "Ethnicity", "Pay band"], ["E1", "White: English", "Band 5"]):
        sheet.append(row)
    sheets = _sheets(_saved(workbook), "staff.xlsx")

    assert not is_counts_template(sheets)
    with pytest.raises(InputError, match="not a counts template"):
        read_template(sheets, file="staff.xlsx")


def test_the_template_can_be_written_to_a_path(tmp_path):
    path = tmp_path / "counts.xlsx"

    write_template(path, organisation="Testshire", period_end=MARCH_2026)

    assert read_template(_sheets(path.read_bytes()), file=FILE).organisation == "Testshire"


def test_a_blank_organisation_falls_back_to_the_file_name():
    assert _read(_blank(organisation=""), file="Barsetshire 2026.xlsx").organisation == "Barsetshire 2026"


def test_a_period_end_typed_as_text_is_read_as_a_uk_date():
    workbook = _blank(period_end=None)
    workbook["About"]["B5"] = "31/03/2025"

    assert _read(workbook).period == Period(dt.date(2024, 4, 1), dt.date(2025, 3, 31))


# --- a template filled in by hand ----------------------------------------------------------


def _filled_by_hand() -> Workbook:
    workbook = _blank()
    _fill(workbook["M1 Pay bands"], {
        "A5": "Band A", "B5": 10, "C5": 30, "D5": 2,
        # Unknown left blank: nobody of unknown ethnicity in the band.
        "A6": "Band B", "B6": 5, "C6": "1,234",
        # Row 7 left blank, then one more band and a bank of blank rows.
        "A8": "Band C", "B8": 1, "C8": 9, "D8": 0,
    })
    _fill(workbook["M2 Appointment"], {
        "B5": 40, "C5": "6",
        "B6": "1,234", "C6": 200,
        "B7": 5, "C7": 1,
    })
    # M7: only the managers question (block at rows 10-14) is answered.
    _fill(workbook["M7 Harassment from colleagues"], {
        "B12": 50, "C12": 10,
        "B13": 150, "C13": 15,
        "B14": 20, "C14": " 4 ",
    })
    _fill(workbook["M8 Leaving the organisation"], {
        "B5": 20, "C5": 24, "D5": 3,
        "B6": 100, "C6": 103, "D6": 12,
        "B7": 4, "C7": 5, "D7": 1,
    })
    _fill(workbook["M9 Senior management"], {
        "B5": 120, "C5": 3,
        "B6": 400, "C6": 20,
        "B7": 30, "C7": 1,
    })
    return workbook


def test_a_template_filled_by_hand_gives_the_exact_counts_table():
    figures = _read(_filled_by_hand())

    # M1 base: each group's staff over all bands: BME 10+5+1, White 30+1234+9, Unknown 2+0+0.
    expected = _counts([
        ("M1", "Band A", "bme", 10, 16), ("M1", "Band A", "white", 30, 1273), ("M1", "Band A", "unknown", 2, 2),
        ("M1", "Band B", "bme", 5, 16), ("M1", "Band B", "white", 1234, 1273), ("M1", "Band B", "unknown", 0, 2),
        ("M1", "Band C", "bme", 1, 16), ("M1", "Band C", "white", 9, 1273), ("M1", "Band C", "unknown", 0, 2),
        ("M2", "", "bme", 6, 40), ("M2", "", "white", 200, 1234), ("M2", "", "unknown", 1, 5),
        ("M7", "managers", "bme", 10, 50), ("M7", "managers", "white", 15, 150), ("M7", "managers", "unknown", 4, 20),
        # M8 base: mean of start and end headcounts.
        ("M8", "", "bme", 3, 22), ("M8", "", "white", 12, 101.5), ("M8", "", "unknown", 1, 4.5),
        ("M9", "", "bme", 3, 120), ("M9", "", "white", 20, 400), ("M9", "", "unknown", 1, 30),
    ])
    pd.testing.assert_frame_equal(figures.counts, expected)
    assert figures.available == frozenset({"M1", "M2", "M7", "M8", "M9"})
    assert figures.quality == {
        "M1": DataQuality(total=16 + 1273 + 2, unknown=2),
        "M2": DataQuality(total=40 + 1234 + 5, unknown=5),
        "M7": DataQuality(total=220, unknown=20),
        # 22 + 101.5 + 4.5; the unknown 4.5 rounds half up to 5 people.
        "M8": DataQuality(total=128, unknown=5),
        "M9": DataQuality(total=550, unknown=30),
    }
    assert figures.notes == []
    assert figures.organisation == "Testshire"


def test_leavers_are_counted_over_the_average_of_the_two_headcounts():
    workbook = _blank()
    _fill(workbook["M8 Leaving the organisation"], {
        "B5": 30, "C5": 30, "D5": 2,
        "B6": 100, "C6": 103, "D6": 10,
        "B7": 0, "C7": 1, "D7": 0,
    })

    m8 = _read(workbook).for_metric("M8").set_index("group")

    assert m8["base"].to_dict() == {"bme": 30.0, "white": 101.5, "unknown": 0.5}
    assert m8["events"].to_dict() == {"bme": 2.0, "white": 10.0, "unknown": 0.0}


def test_rows_are_found_by_their_label_after_a_person_inserts_rows():
    workbook = _blank()
    m2 = workbook["M2 Appointment"]
    _fill(m2, {"B5": 40, "C5": 6, "B6": 100, "C6": 20, "B7": 5, "C7": 1})
    m2.insert_rows(6)
    m2["A6"] = "Figures from the recruitment system, checked by HR"
    m2.insert_rows(1, amount=2)
    m2.append(["Total", 145, 27])

    m2_counts = _read(workbook).for_metric("M2").set_index("group")

    assert m2_counts["events"].to_dict() == {"bme": 6.0, "white": 20.0, "unknown": 1.0}
    assert m2_counts["base"].to_dict() == {"bme": 40.0, "white": 100.0, "unknown": 5.0}


def test_a_note_that_names_a_group_is_not_taken_for_its_row():
    workbook = _blank()
    m2 = workbook["M2 Appointment"]
    _fill(m2, {"B5": 40, "C5": 6, "B6": 100, "C6": 20, "B7": 5, "C7": 1,
               "A9": "Unknown includes prefer not to say and not recorded"})

    m2_counts = _read(workbook).for_metric("M2").set_index("group")

    assert m2_counts["base"].to_dict() == {"bme": 40.0, "white": 100.0, "unknown": 5.0}


def test_the_organisations_own_words_for_the_group_are_accepted():
    workbook = _blank()
    _fill(workbook["M1 Pay bands"], {"B4": "BAME", "A5": "Band A", "B5": 3, "C5": 7, "D5": 1})
    _fill(workbook["M2 Appointment"], {"A5": "Black, Asian and minority ethnic",
                                       "B5": 10, "C5": 2, "B6": 20, "C6": 5, "B7": 1, "C7": 0})
    _fill(workbook["M9 Senior management"], {"A5": "Global majority",
                                            "B5": 50, "C5": 2, "B6": 150, "C6": 10, "B7": 5, "C7": 0})
    # A word the reader does not know: the one remaining group row is the minority-ethnic one.
    _fill(workbook["M3 Disciplinary"], {"A5": "Ethnically diverse colleagues",
                                       "B5": 60, "C5": 3, "B6": 140, "C6": 4, "B7": 9, "C7": 0})

    figures = _read(workbook)
    bme = figures.counts[figures.counts["group"] == "bme"].set_index("metric")

    assert bme["events"].to_dict() == {"M1": 3.0, "M2": 2.0, "M3": 3.0, "M9": 2.0}
    assert bme["base"].to_dict() == {"M1": 3.0, "M2": 10.0, "M3": 60.0, "M9": 50.0}


def test_a_blank_unknown_row_leaves_unknown_out_and_says_so():
    workbook = _blank()
    _fill(workbook["M3 Disciplinary"], {"B5": 60, "C5": 3, "B6": 140, "C6": 4})

    figures = _read(workbook)

    assert list(figures.for_metric("M3")["group"]) == ["bme", "white"]
    assert "M3" not in figures.quality
    assert figures.notes == [
        "M3 Disciplinary: no Unknown counts were entered, so how many people's ethnicity is not known "
        "cannot be shown."
    ]


# --- round trip -------------------------------------------------------------------------


def _figures() -> FigureSet:
    rows = [
        ("M1", "Under £25,000", "bme", 12, 20), ("M1", "Under £25,000", "white", 30, 70),
        ("M1", "Under £25,000", "unknown", 3, 4),
        ("M1", "£25,000 and over", "bme", 8, 20), ("M1", "£25,000 and over", "white", 40, 70),
        ("M1", "£25,000 and over", "unknown", 1, 4),
    ]
    for metric, (bme, white, unknown) in {
        "M2": ((5, 40), (30, 120), (0, 6)),
        "M3": ((2, 90), (1, 300), (0, 12)),
        "M4": ((1, 20), (0, 60), (0, 2)),
        "M5": ((30, 90), (100, 300), (3, 12)),
        "M8": ((9, 88.5), (25, 301), (2, 12.5)),
        "M9": ((1, 90), (8, 300), (0, 12)),
    }.items():
        rows += [(metric, "", "bme", *bme), (metric, "", "white", *white), (metric, "", "unknown", *unknown)]
    for metric, key, (bme, white, unknown) in (
        ("M6", "public", ((20, 70), (40, 200), (2, 10))),
        ("M7", "colleagues", ((10, 70), (20, 200), (1, 10))),
        ("M7", "managers", ((7, 68), (12, 195), (1, 9))),
    ):
        rows += [(metric, key, "bme", *bme), (metric, key, "white", *white), (metric, key, "unknown", *unknown)]
    order = {metric_id: n for n, metric_id in enumerate(metrics_of("sc-wres"))}
    counts = _counts(sorted(rows, key=lambda row: order[row[0]]))
    return FigureSet(
        organisation="Barsetshire County Council",
        period=Period.twelve_months_to(MARCH_2026),
        counts=counts,
        quality={
            "M1": DataQuality(total=94, unknown=4),
            "M2": DataQuality(total=166, unknown=6),
            "M3": DataQuality(total=402, unknown=12),
            "M4": DataQuality(total=82, unknown=2),
            "M5": DataQuality(total=402, unknown=12),
            "M6": DataQuality(total=280, unknown=10),
            "M7": DataQuality(total=280, unknown=10),
            "M8": DataQuality(total=402, unknown=13),
            "M9": DataQuality(total=402, unknown=12),
        },
        available=frozenset(metrics_of("sc-wres")),
    )


def _assert_same(read: FigureSet, expected: FigureSet) -> None:
    assert read.organisation == expected.organisation
    assert read.period == expected.period
    pd.testing.assert_frame_equal(read.counts, expected.counts)
    assert read.quality == expected.quality
    assert read.available == expected.available
    assert read.notes == expected.notes


def test_a_figure_set_written_to_the_template_reads_back_the_same():
    figures = _figures()

    read = read_template(_sheets(_written(figures=figures)), file=FILE)

    _assert_same(read, figures)


def test_an_average_headcount_that_is_not_a_whole_or_half_number_cannot_be_written():
    figures = _figures()
    counts = figures.counts.assign(base=figures.counts["base"].mask(figures.counts["metric"] == "M8", 88.25))
    partial = FigureSet(figures.organisation, figures.period, counts, available=figures.available)

    with pytest.raises(ValueError, match="88.25 is not the mean of two whole headcounts"):
        _written(figures=partial)


def test_a_hand_filled_template_survives_export_and_reimport():
    first = _read(_filled_by_hand())

    again = read_template(_sheets(_written(figures=first)), file=FILE)

    _assert_same(again, first)


# --- what a person is told ---------------------------------------------------------------


M2 = "'Testshire counts.xlsx', sheet 'M2 Appointment'"


def _m2(cells: dict[str, object]) -> Workbook:
    workbook = _blank()
    _fill(workbook["M2 Appointment"], {"B5": 40, "C5": 6, "B6": 100, "C6": 20, "B7": 5, "C7": 1, **cells})
    return workbook


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"C6": -3}, f"{M2}: Appointed for White in cell C6 is -3, but a count cannot be negative. "
                     "Enter the number of people, 0 or more."),
        ({"C6": "twelve"}, f"{M2}: Appointed for White in cell C6 is 'twelve', not a number. "
                           "Enter a whole number, or leave the cell blank."),
        ({"B5": 12.5}, f"{M2}: Shortlisted for BME in cell B5 is 12.5, not a whole number. "
                       "Counts are numbers of people: enter a whole number."),
        ({"B6": 10, "C6": 12}, f"{M2}: Appointed (12) is more than Shortlisted (10) for White, cell C6. "
                               "Check both counts."),
        ({"C6": None}, f"{M2}: the White row has Shortlisted (100) but no Appointed in cell C6. "
                       "Fill in every count of the row (0 where there are none), or leave the row blank."),
        ({"B7": None}, f"{M2}: the Unknown row has Appointed (1) but no Shortlisted in cell B7. "
                       "Fill in every count of the row (0 where there are none), or leave the row blank."),
        ({"B6": None, "C6": None}, f"{M2}: there are counts for other groups but none for White (row 6 is blank). "
                                   "Enter the White counts (0 where there are none)."),
        ({"A9": "Mixed", "B9": 7}, f"{M2}: cell B9 has a count, but the first cell of its row does not say BME, "
                                   "White or Unknown. Put the group's name in cell A9, or move the count to its "
                                   "group's row."),
        ({"A9": "White", "B9": 7, "C9": 1}, f"{M2}: rows 6 and 9 both say White. "
                                            "Keep one row of counts per ethnic group."),
    ],
)
def test_each_mistake_is_named_with_its_cell(cells, message):
    assert _error(_m2(cells)) == message


def test_a_missing_period_end_date_says_where_to_put_it():
    assert _error(_blank(period_end=None)) == (
        "'Testshire counts.xlsx', sheet 'About': there is no period end date. Enter the last day of the "
        "12 months the counts cover (for example 31/03/2026) in cell B5, beside 'Period end date'."
    )


def test_a_period_end_that_is_not_a_date_is_refused():
    workbook = _blank(period_end=None)
    workbook["About"]["B5"] = "end of March"

    assert "the period end date in cell B5 is 'end of March', not a date" in _error(workbook)


def test_a_fraction_of_a_headcount_is_refused():
    workbook = _blank()
    _fill(workbook["M8 Leaving the organisation"], {"B5": 20, "C5": 24.5, "D5": 3})

    assert _error(workbook) == (
        "'Testshire counts.xlsx', sheet 'M8 Leaving the organisation': Headcount at end of year for BME in "
        "cell C5 is 24.5, not a whole number. Counts are numbers of people: enter a whole number."
    )


def test_pay_band_mistakes_are_named_with_their_cell():
    workbook = _blank()
    _fill(workbook["M1 Pay bands"], {"A5": "Band A", "B5": 3, "C5": "n/a"})
    assert "White staff in 'Band A' in cell C5 is 'n/a', not a number" in _error(workbook)

    workbook = _blank()
    _fill(workbook["M1 Pay bands"], {"A5": "Band A", "B5": 3, "C5": 7, "B6": 2})
    assert _error(workbook) == (
        "'Testshire counts.xlsx', sheet 'M1 Pay bands': there are counts in row 6 but no pay band. "
        "Enter the pay band's name in cell A6."
    )


def test_pay_bands_with_no_white_counts_are_refused():
    workbook = _blank()
    _fill(workbook["M1 Pay bands"], {"A5": "Band A", "B5": 3, "D5": 1, "A6": "Band B", "B6": 2})

    assert _error(workbook) == (
        "'Testshire counts.xlsx', sheet 'M1 Pay bands': there are counts for other groups but none for White. "
        "Enter the White staff in each band (0 where there are none)."
    )


def test_counts_under_deleted_headings_are_refused():
    workbook = _blank()
    m3 = workbook["M3 Disciplinary"]
    _fill(m3, {"B5": 60, "C5": 3, "B6": 140, "C6": 4, "B7": 9, "C7": 0})
    m3.delete_rows(4)

    assert _error(workbook) == (
        "'Testshire counts.xlsx', sheet 'M3 Disciplinary': cannot find the headings 'Headcount', "
        "'Entering disciplinary'. Put the headings back as they are in a blank counts template."
    )


def test_survey_headings_without_their_question_are_refused():
    workbook = _blank()
    m7 = workbook["M7 Harassment from colleagues"]
    _fill(m7, {"B12": 50, "C12": 10, "B13": 150, "C13": 15, "B14": 20, "C14": 4})
    m7["A10"] = None

    assert "cannot tell which question the headings in row 11 are for" in _error(workbook)


def test_a_survey_count_of_yes_above_respondents_is_refused():
    workbook = _blank()
    _fill(workbook["M6 Harassment from the public"], {"B6": 10, "C6": 11, "B7": 20, "C7": 2, "B8": 1, "C8": 0})

    assert _error(workbook) == (
        "'Testshire counts.xlsx', sheet 'M6 Harassment from the public': Yes (11) is more than Respondents "
        "(10) for BME, cell C6. Check both counts."
    )


# --- the WDES's counts: by disability, metrics 3 to 7 among them ----------------------------------------------------


def _wdes_figures() -> FigureSet:
    """Counts by disability for the WDES's metrics 3 (capability), 4a (three sources), 4b, 5, 6 and 7, made up and
    in the WDES's order, the not-declared group given for each."""
    rows: list[tuple] = []
    for metric, key, (disabled, non_disabled, not_declared) in (
        ("D3", "", ((4, 173), (25, 1923), (7, 548))),
        ("D4A", "public", ((53, 234), (198, 776), (4, 17))),
        ("D4A", "managers", ((25, 234), (74, 775), (1, 15))),
        ("D4A", "colleagues", ((41, 232), (134, 780), (6, 16))),
        ("D4B", "reported", ((43, 99), (177, 342), (3, 8))),
        ("D5", "career", ((100, 238), (329, 788), (9, 17))),
        ("D6", "pressure", ((44, 158), (78, 413), (1, 7))),
        ("D7", "valued", ((85, 235), (335, 773), (9, 16))),
    ):
        rows += [(metric, key, "disabled", *disabled), (metric, key, "non_disabled", *non_disabled),
                 (metric, key, "not_declared", *not_declared)]
    quality = {"D3": DataQuality(total=2644, unknown=548), "D4A": DataQuality(total=1027, unknown=17),
               "D4B": DataQuality(total=449, unknown=8), "D5": DataQuality(total=1043, unknown=17),
               "D6": DataQuality(total=578, unknown=7), "D7": DataQuality(total=1024, unknown=16)}
    return FigureSet(organisation="Northfield NHS Foundation Trust", period=Period.twelve_months_to(MARCH_2026),
                     counts=_counts(rows), quality=quality, available=frozenset(quality), comparison=DISABILITY)


def test_the_wdes_metrics_3_to_7_are_written_and_read_back_by_disability():
    figures = _wdes_figures()
    workbook = load_workbook(io.BytesIO(_written(figures=figures, standard="wdes")))
    # A sheet for each of the WDES's metrics but the narrative (9b, written in the app's panels), and none of the
    # race standards'.
    assert [name.split()[0] for name in workbook.sheetnames[1:]] == [m for m in metrics_of("wdes") if m != "D9B"]

    read = read_template(_sheets(_written(figures=figures, standard="wdes")), file=FILE)

    assert read.comparison is DISABILITY
    _assert_same(read, figures)


def test_a_blank_wdes_template_filled_by_hand_gives_its_counts():
    workbook = load_workbook(io.BytesIO(_written(organisation="Northfield", period_end=MARCH_2026, standard="wdes")))
    sheet = next(workbook[name] for name in workbook.sheetnames if name.startswith("D3 "))
    # The group rows under the headings, in the comparison's order: disabled, non-disabled, not declared.
    assert [sheet.cell(row=FIRST_ROW + 1 + i, column=1).value for i in range(3)] == [
        "Disabled", "Non-disabled", "Not declared"]
    _fill(sheet, {f"B{FIRST_ROW + 1}": 40, f"C{FIRST_ROW + 1}": 3, f"B{FIRST_ROW + 2}": 400, f"C{FIRST_ROW + 2}": 10})

    read = _read(workbook)

    assert read.comparison is DISABILITY
    assert read.available == frozenset({"D3"})
    assert list(read.counts.itertuples(index=False, name=None)) == [("D3", "", "disabled", 3.0, 40.0),
                                                                    ("D3", "", "non_disabled", 10.0, 400.0)]
    # No not-declared counts: the note says so in the comparison's words.
    assert read.notes == ["D3 Capability: no Not declared counts were entered, so how many people's disability "
                          "status is not declared cannot be shown."]


def test_a_workbook_with_sheets_of_both_comparisons_is_refused():
    race = load_workbook(io.BytesIO(_written(figures=_figures())))
    wdes = load_workbook(io.BytesIO(_written(figures=_wdes_figures(), standard="wdes")))
    source = wdes[next(name for name in wdes.sheetnames if name.startswith("D3 "))]
    copy = race.create_sheet(source.title)
    for row in source.iter_rows(values_only=True):
        copy.append(list(row))
    with pytest.raises(InputError, match="which is counted by disability status, but this template holds counts by "
                                         "ethnic group"):
        _read(race)
