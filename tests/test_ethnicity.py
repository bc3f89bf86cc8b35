import time

import numpy as np
import pandas as pd
import pytest

from data_loaders.ethnicity import (
    CENSUS_2021_CATEGORIES,
    HIGH_LEVEL_GROUPS,
    NOT_STATED,
    Classification,
    classify_label,
    classify_series,
    group_of,
    unrecognised_labels,
)

ASIAN = "Asian, Asian British or Asian Welsh"
BLACK = "Black, Black British, Black Welsh, Caribbean or African"
MIXED = "Mixed or Multiple ethnic groups"
WHITE = "White"
OTHER = "Other ethnic group"

BANGLADESHI = f"{ASIAN}: Bangladeshi"
CHINESE = f"{ASIAN}: Chinese"
INDIAN = f"{ASIAN}: Indian"
PAKISTANI = f"{ASIAN}: Pakistani"
OTHER_ASIAN = f"{ASIAN}: Other Asian"
AFRICAN = f"{BLACK}: African"
CARIBBEAN = f"{BLACK}: Caribbean"
OTHER_BLACK = f"{BLACK}: Other Black"
WHITE_AND_ASIAN = f"{MIXED}: White and Asian"
WHITE_AND_BLACK_AFRICAN = f"{MIXED}: White and Black African"
WHITE_AND_BLACK_CARIBBEAN = f"{MIXED}: White and Black Caribbean"
OTHER_MIXED = f"{MIXED}: Other Mixed or Multiple ethnic groups"
WHITE_BRITISH = "White: English, Welsh, Scottish, Northern Irish or British"
WHITE_IRISH = "White: Irish"
GYPSY_OR_IRISH_TRAVELLER = "White: Gypsy or Irish Traveller"
ROMA = "White: Roma"
OTHER_WHITE = "White: Other White"
ARAB = "Other ethnic group: Arab"
ANY_OTHER = "Other ethnic group: Any other ethnic group"

WHITE_MINORITIES = (WHITE_IRISH, GYPSY_OR_IRISH_TRAVELLER, ROMA, OTHER_WHITE)


def category_of(label: object) -> str | None:
    classification = classify_label(label)
    assert classification is not None, f"{label!r} was not recognised"
    return classification.category


# --- the categories themselves ------------------------------------------------------------------


def test_census_2021_has_19_categories_in_5_high_level_groups():
    assert len(CENSUS_2021_CATEGORIES) == 19 == len(set(CENSUS_2021_CATEGORIES))
    assert HIGH_LEVEL_GROUPS == (ASIAN, BLACK, MIXED, WHITE, OTHER)
    per_group = {
        group: sum(category.startswith(f"{group}: ") for category in CENSUS_2021_CATEGORIES)
        for group in HIGH_LEVEL_GROUPS
    }
    assert per_group == {ASIAN: 5, BLACK: 3, MIXED: 4, WHITE: 5, OTHER: 2}
    assert NOT_STATED not in CENSUS_2021_CATEGORIES


@pytest.mark.parametrize("category", CENSUS_2021_CATEGORIES)
def test_every_full_census_2021_label_is_its_own_category(category):
    high_level = category.split(": ")[0]
    assert classify_label(category) == Classification(
        category=category,
        high_level=high_level,
        white_minority=category in WHITE_MINORITIES,
        stated=True,
    )


@pytest.mark.parametrize(
    ("label", "category"),
    [
        ("White British", WHITE_BRITISH),
        ("White Irish", WHITE_IRISH),
        ("White Gypsy or Irish Traveller", GYPSY_OR_IRISH_TRAVELLER),
        ("Gypsy or Irish Traveller", GYPSY_OR_IRISH_TRAVELLER),
        ("White Roma", ROMA),
        ("Any other White background", OTHER_WHITE),
        ("Other White", OTHER_WHITE),
        ("White Other", OTHER_WHITE),
        ("Mixed White and Black Caribbean", WHITE_AND_BLACK_CARIBBEAN),
        ("White and Black Caribbean", WHITE_AND_BLACK_CARIBBEAN),
        ("Mixed White and Black African", WHITE_AND_BLACK_AFRICAN),
        ("White and Black African", WHITE_AND_BLACK_AFRICAN),
        ("Mixed White and Asian", WHITE_AND_ASIAN),
        ("White and Asian", WHITE_AND_ASIAN),
        ("Other mixed", OTHER_MIXED),
        ("Mixed other", OTHER_MIXED),
        ("Any other mixed background", OTHER_MIXED),
        ("Indian", INDIAN),
        ("Asian Indian", INDIAN),
        ("Pakistani", PAKISTANI),
        ("Bangladeshi", BANGLADESHI),
        ("Chinese", CHINESE),
        ("Other Asian", OTHER_ASIAN),
        ("Asian other", OTHER_ASIAN),
        ("Any other Asian background", OTHER_ASIAN),
        ("Black African", AFRICAN),
        ("African", AFRICAN),
        ("Black Caribbean", CARIBBEAN),
        ("Caribbean", CARIBBEAN),
        ("Other Black", OTHER_BLACK),
        ("Any other Black background", OTHER_BLACK),
        ("Arab", ARAB),
        ("Any other ethnic group", ANY_OTHER),
    ],
)
def test_census_2021_short_forms(label, category):
    assert category_of(label) == category


@pytest.mark.parametrize(
    ("label", "category"),
    [
        ("White: English/Welsh/Scottish/Northern Irish/British", WHITE_BRITISH),
        ("White: Irish", WHITE_IRISH),
        ("White: Gypsy or Irish Traveller", GYPSY_OR_IRISH_TRAVELLER),
        ("White: Other White", OTHER_WHITE),
        ("Mixed/multiple ethnic groups: White and Black Caribbean", WHITE_AND_BLACK_CARIBBEAN),
        ("Mixed/multiple ethnic groups: White and Black African", WHITE_AND_BLACK_AFRICAN),
        ("Mixed/multiple ethnic groups: White and Asian", WHITE_AND_ASIAN),
        ("Mixed/multiple ethnic groups: Other Mixed", OTHER_MIXED),
        ("Asian/Asian British: Indian", INDIAN),
        ("Asian/Asian British: Pakistani", PAKISTANI),
        ("Asian/Asian British: Bangladeshi", BANGLADESHI),
        ("Asian/Asian British: Chinese", CHINESE),
        ("Asian/Asian British: Other Asian", OTHER_ASIAN),
        ("Black/African/Caribbean/Black British: African", AFRICAN),
        ("Black/African/Caribbean/Black British: Caribbean", CARIBBEAN),
        ("Black/African/Caribbean/Black British: Other Black", OTHER_BLACK),
        ("Other ethnic group: Arab", ARAB),
        ("Other ethnic group: Any other ethnic group", ANY_OTHER),
    ],
)
def test_census_2011_labels(label, category):
    assert category_of(label) == category


NHS_PRINTED = [
    ("A White - British", WHITE_BRITISH),
    ("B White - Irish", WHITE_IRISH),
    ("C White - Any other White background", OTHER_WHITE),
    ("D Mixed - White and Black Caribbean", WHITE_AND_BLACK_CARIBBEAN),
    ("E Mixed - White and Black African", WHITE_AND_BLACK_AFRICAN),
    ("F Mixed - White and Asian", WHITE_AND_ASIAN),
    ("G Mixed - Any other mixed background", OTHER_MIXED),
    ("H Asian or Asian British - Indian", INDIAN),
    ("J Asian or Asian British - Pakistani", PAKISTANI),
    ("K Asian or Asian British - Bangladeshi", BANGLADESHI),
    ("L Asian or Asian British - Any other Asian background", OTHER_ASIAN),
    ("M Black or Black British - Caribbean", CARIBBEAN),
    ("N Black or Black British - African", AFRICAN),
    ("P Black or Black British - Any other Black background", OTHER_BLACK),
    ("R Other Ethnic Groups - Chinese", CHINESE),
    ("S Other Ethnic Groups - Any other ethnic group", ANY_OTHER),
    ("Z Not Stated", NOT_STATED),
    ("99 Not known", NOT_STATED),
]


@pytest.mark.parametrize(("label", "category"), NHS_PRINTED)
def test_nhs_codes_as_payroll_prints_them(label, category):
    assert category_of(label) == category


@pytest.mark.parametrize(("label", "category"), NHS_PRINTED)
def test_nhs_labels_in_esr_style(label, category):
    code, description = label.split(" ", 1)
    assert category_of(f"{code} - {description}") == category
    assert category_of(description) == category


@pytest.mark.parametrize(("label", "category"), NHS_PRINTED)
def test_nhs_code_alone(label, category):
    code = label.split(" ", 1)[0]
    assert category_of(code) == category
    assert category_of(code.lower()) == category


@pytest.mark.parametrize("code", [99, 99.0, np.int64(99), np.float64(99.0)])
def test_code_99_read_as_a_number(code):
    assert classify_label(code) == Classification(NOT_STATED, None, False, False)


@pytest.mark.parametrize(
    ("label", "category"),
    [
        # Census 2021 puts Northern Irish in the White British category, though NHS files it under C.
        ("C2 White Northern Irish", WHITE_BRITISH),
        ("CA English", WHITE_BRITISH),
        ("CP Polish", OTHER_WHITE),
        ("CH Turkish", OTHER_WHITE),
        ("CK Italian", OTHER_WHITE),
        ("CL Irish Traveller", GYPSY_OR_IRISH_TRAVELLER),
        ("GC Black and White", OTHER_MIXED),
        ("LA Mixed Asian", OTHER_ASIAN),
        ("LE Sri Lanka", OTHER_ASIAN),
        ("PA Somali", AFRICAN),
        ("PD Black British", OTHER_BLACK),
        ("SC Filipino", ANY_OTHER),
        ("S1 Other Ethnic Groups - Ashkenazi Jewish", ANY_OTHER),
        ("C2 - White - Northern Irish", WHITE_BRITISH),
    ],
)
def test_nhs_extended_codes_take_their_letters_group(label, category):
    assert category_of(label) == category


@pytest.mark.parametrize(
    "label",
    [
        "A White - Irish",  # code and label name different categories
        "A Black or Black British - African",
        "N White - British",
        "Z White - British",
        "SE Asian",  # SE is "Any other group", not Asian
        "A mixture of backgrounds",  # the article, not code A
        "CP Black African",
    ],
)
def test_a_code_that_contradicts_its_label_is_not_recognised(label):
    assert classify_label(label) is None


# --- unknowns -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label",
    [
        "Prefer not to say", "prefer not to say", "Not known", "Not stated", "Unknown", "Declined",
        "Information refused", "Do not wish to disclose", "I do not wish to disclose my ethnic origin",
        "N/A", "n/a", "#N/A", "-", "–", "Not Stated (person asked but declined to provide a response)",
        "Not known - not recorded", "Z", "99", "Z - Not Stated",
    ],
)
def test_free_text_unknowns_are_not_stated(label):
    assert classify_label(label) == Classification(NOT_STATED, None, False, False)
    assert group_of(classify_label(label)) == "unknown"


@pytest.mark.parametrize("blank", [None, float("nan"), np.nan, pd.NA, "", "   ", "\t"])
def test_blank_is_not_stated(blank):
    assert classify_label(blank) == Classification(NOT_STATED, None, False, False)


# --- spellings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "category"),
    [
        ("  white   BRITISH  ", WHITE_BRITISH),
        ("White–Irish", WHITE_IRISH),
        ("White – Irish", WHITE_IRISH),
        ("White:Irish", WHITE_IRISH),
        ("White / Irish", None),  # "/" reads as "or": White or Irish is no category
        ("Mixed - White & Black Caribbean", WHITE_AND_BLACK_CARIBBEAN),
        ("mixed: white and asian", WHITE_AND_ASIAN),
        ("Black or Black British: African", AFRICAN),
        ("Asian, Asian British, Asian Welsh - Pakistani", PAKISTANI),
        ("Indian (Sikh)", INDIAN),
        ("White British (includes English, Scottish)", WHITE_BRITISH),
        ("Black Caribbean *", CARIBBEAN),
        ("Indian or British Indian", INDIAN),
        ("British, Mixed British", WHITE_BRITISH),
        ("Other - Arab", ARAB),
        ("Chinese or other ethnic group: Chinese", CHINESE),
    ],
)
def test_spelling_variants(label, category):
    classification = classify_label(label)
    assert (classification.category if classification else None) == category


@pytest.mark.parametrize(
    ("label", "category", "high_level"),
    [
        ("Irish", WHITE_IRISH, WHITE),
        ("Polish", OTHER_WHITE, WHITE),
        ("Traveller", GYPSY_OR_IRISH_TRAVELLER, WHITE),
        ("Gypsy", GYPSY_OR_IRISH_TRAVELLER, WHITE),
        ("Roma", ROMA, WHITE),
        ("Bangladeshi", BANGLADESHI, ASIAN),
        ("Caribbean", CARIBBEAN, BLACK),
        ("African", AFRICAN, BLACK),
        ("Somali", AFRICAN, BLACK),
        ("Nigerian", AFRICAN, BLACK),
        ("Ghanaian", AFRICAN, BLACK),
        ("Sri Lankan", OTHER_ASIAN, ASIAN),
        ("Nepali", OTHER_ASIAN, ASIAN),
        ("White - Welsh", WHITE_BRITISH, WHITE),
        ("White Scottish", WHITE_BRITISH, WHITE),
        # High-level words: the group is certain, the category is not.
        ("White", None, WHITE),
        ("Asian", None, ASIAN),
        ("Asian British", None, ASIAN),
        ("Black", None, BLACK),
        ("Black British", None, BLACK),
        ("Mixed", None, MIXED),
        ("Mixed race", None, MIXED),
        ("Other ethnic group", None, OTHER),
        ("White - Turkish", None, WHITE),
        ("Other ethnic group: Kurdish", None, OTHER),
    ],
)
def test_free_text(label, category, high_level):
    classification = classify_label(label)
    assert classification is not None
    assert classification.category == category
    assert classification.high_level == high_level
    assert classification.stated


@pytest.mark.parametrize(
    "label",
    [
        "Other", "Mixed/other", "Mixed or other", "White/Other", "European", "Any other", "Other - European",
        # National identities, not ethnic groups: Black British, Asian Welsh and so on exist.
        "British", "English", "Scottish", "Welsh", "Northern Irish",
        # Written under White or under Other in the census, so the group depends on the box.
        "Turkish", "Kurdish", "Latin American", "Jewish", "Filipino",
        "White Asian", "White - Black Caribbean", "White and Black Somali", "Asian - Caribbean",
        "Other - Black",
        "1 White British", "(see notes)", "X",
    ],
)
def test_ambiguous_labels_are_not_guessed(label):
    assert classify_label(label) is None
    assert group_of(classify_label(label)) == "unknown"


# --- groups -------------------------------------------------------------------------------------


@pytest.mark.parametrize("category", WHITE_MINORITIES)
def test_white_minorities_are_white_by_default_and_bme_by_setting(category):
    classification = classify_label(category)
    assert classification.white_minority
    assert group_of(classification) == "white"
    assert group_of(classification, white_minorities_as_bme=True) == "bme"


@pytest.mark.parametrize(
    "label", ["White British", "A", "White: English/Welsh/Scottish/Northern Irish/British"]
)
def test_white_british_is_always_white(label):
    classification = classify_label(label)
    assert not classification.white_minority
    assert group_of(classification) == "white"
    assert group_of(classification, white_minorities_as_bme=True) == "white"


def test_a_bare_white_cannot_be_placed_when_white_minorities_count_as_bme():
    assert group_of(classify_label("White")) == "white"
    assert group_of(classify_label("White"), white_minorities_as_bme=True) == "unknown"


def test_gypsy_roma_and_traveller_is_a_white_minority_without_a_category():
    classification = classify_label("Gypsy, Roma and Traveller")
    assert classification == Classification(None, WHITE, True, True)
    assert group_of(classification, white_minorities_as_bme=True) == "bme"


@pytest.mark.parametrize(
    "category",
    [c for c in CENSUS_2021_CATEGORIES if not c.startswith("White: ")],
)
def test_every_other_stated_category_is_bme_under_both_settings(category):
    assert group_of(classify_label(category)) == "bme"
    assert group_of(classify_label(category), white_minorities_as_bme=True) == "bme"


def test_unrecognised_and_not_stated_are_unknown():
    assert group_of(None) == "unknown"
    assert group_of(None, white_minorities_as_bme=True) == "unknown"
    assert group_of(classify_label("Prefer not to say"), white_minorities_as_bme=True) == "unknown"


# --- series -------------------------------------------------------------------------------------


SMALL = pd.Series(
    ["White British", "B White - Irish", "Indian", None, "Other", "Prefer not to say", "other", "White"],
    index=["e7", "e3", "e9", "e1", "e4", "e2", "e8", "e5"],
)


def test_classify_series_keeps_the_index_and_gives_each_row_its_outcome():
    result = classify_series(SMALL)
    assert list(result.index) == ["e7", "e3", "e9", "e1", "e4", "e2", "e8", "e5"]
    assert list(result.columns) == ["category", "group", "recognised"]
    assert result["category"].tolist()[:4] == [WHITE_BRITISH, WHITE_IRISH, INDIAN, NOT_STATED]
    assert result["category"].isna().tolist() == [False, False, False, False, True, False, True, True]
    assert result["group"].tolist() == [
        "white", "white", "bme", "unknown", "unknown", "unknown", "unknown", "white",
    ]
    assert result["recognised"].tolist() == [True, True, True, True, False, True, False, True]
    assert result["recognised"].dtype == bool


def test_classify_series_white_minorities_as_bme():
    result = classify_series(SMALL, white_minorities_as_bme=True)
    # Irish counts as BME; a bare "White" may be a White minority, so it cannot be placed.
    assert result["group"].tolist() == [
        "white", "bme", "bme", "unknown", "unknown", "unknown", "unknown", "unknown",
    ]


def test_classify_series_of_mixed_cell_types():
    labels = pd.Series(["N", 99, 99.0, np.nan, "A"], dtype=object)
    result = classify_series(labels)
    assert result["category"].tolist()[0] == AFRICAN
    assert result["group"].tolist() == ["bme", "unknown", "unknown", "unknown", "white"]
    assert result["recognised"].all()


def test_classify_series_of_an_empty_series():
    result = classify_series(pd.Series([], dtype="str"))
    assert len(result) == 0
    assert list(result.columns) == ["category", "group", "recognised"]


def test_classify_series_is_vectorised_over_100000_rows():
    distinct = [
        "White British", "A White - British", "White Irish", "Any other White background", "Indian",
        "Pakistani", "Bangladeshi", "Black African", "Black Caribbean", "Chinese", "Arab", "Other Asian",
        "Mixed White and Asian", "Prefer not to say", "Not known", "Z Not Stated", "Other", "Mixed/other",
        None, "",
    ]
    labels = pd.Series(np.tile(np.array(distinct, dtype=object), 5_000), index=pd.RangeIndex(100_000) + 1_000)
    classify_series(labels.head(40))  # warm up pandas' code paths, not this module's cache
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        result = classify_series(labels)
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.05
    assert result.index.equals(labels.index)
    # Per 20 rows: 4 white, 9 BME, 5 unknown (3 not stated and 2 blank), 2 unrecognised.
    assert result["group"].value_counts().to_dict() == {"bme": 45_000, "unknown": 35_000, "white": 20_000}
    assert int((~result["recognised"]).sum()) == 10_000


# --- overrides ----------------------------------------------------------------------------------


def test_override_to_a_group_rescues_an_unrecognised_label():
    labels = pd.Series(["Other", " OTHER ", "European", "Indian"])
    result = classify_series(labels, overrides={"other": "bme", "European": "White"})
    assert result["group"].tolist() == ["bme", "bme", "white", "bme"]
    assert result["recognised"].tolist() == [True, True, True, True]
    assert result["category"].isna().tolist() == [True, True, True, False]


def test_override_to_a_category_follows_the_white_minorities_setting():
    labels = pd.Series(["European", "Mixed/other"])
    overrides = {
        "European": "White: Other White",
        "Mixed / Other": "Other ethnic group: Any other ethnic group",
    }
    default = classify_series(labels, overrides=overrides)
    assert default["category"].tolist() == [OTHER_WHITE, ANY_OTHER]
    assert default["group"].tolist() == ["white", "bme"]
    as_bme = classify_series(labels, overrides=overrides, white_minorities_as_bme=True)
    assert as_bme["group"].tolist() == ["bme", "bme"]


def test_override_wins_over_the_built_in_classification():
    labels = pd.Series(["Irish", "White British", "Indian"])
    overrides = {"Irish": "bme", "indian": "unknown", "White British": "Not stated"}
    result = classify_series(labels, overrides=overrides)
    assert result["group"].tolist() == ["bme", "unknown", "unknown"]
    assert result["category"].isna().tolist() == [True, False, True]
    assert result["category"].iloc[1] == NOT_STATED


def test_override_category_names_are_read_after_normalisation():
    result = classify_series(pd.Series(["European"]), overrides={"European": "white:  other white"})
    assert result["category"].tolist() == [OTHER_WHITE]


@pytest.mark.parametrize("target", ["minority", "Other", "Polish", "", None, 3])
def test_an_override_to_neither_a_group_nor_a_category_is_an_error(target):
    with pytest.raises(ValueError, match="neither a group .* nor a Census 2021 category"):
        classify_series(pd.Series(["European"]), overrides={"European": target})


def test_two_overrides_of_the_same_label_that_disagree_are_an_error():
    with pytest.raises(ValueError, match="disagree"):
        classify_series(pd.Series(["Other"]), overrides={"Other": "bme", "other ": "unknown"})


# --- reporting unrecognised labels --------------------------------------------------------------


def test_unrecognised_labels_are_counted_as_written_most_frequent_first():
    labels = pd.Series(
        ["Other", "European", "Other ", "Indian", None, "", "Mixed/other", "European", "Other", "other", "-"]
    )
    assert unrecognised_labels(labels) == {"Other": 3, "European": 2, "Mixed/other": 1, "other": 1}
    assert list(unrecognised_labels(labels)) == ["Other", "European", "Mixed/other", "other"]


def test_overrides_remove_labels_from_the_unrecognised_report():
    labels = pd.Series(["Other", "European", "Other", "Turkish"])
    assert unrecognised_labels(labels, overrides={"OTHER": "bme", "Turkish": "unknown"}) == {"European": 1}


def test_nothing_unrecognised_gives_an_empty_report():
    assert unrecognised_labels(pd.Series(["White British", None, "N"])) == {}


def test_label_table_lists_every_label_with_its_rows_and_group():
    from data_loaders.ethnicity import label_table

    labels = pd.Series(["A White - British", "A White - British", "Martian", None, "B White - Irish", "Z Not Stated"])
    table = label_table(labels)
    rows = {r["label"]: (r["rows"], r["group"], r["recognised"]) for r in table.to_dict("records")}
    assert rows == {
        "A White - British": (2, "white", True),
        "Martian": (1, "unknown", False),
        "(blank)": (1, "unknown", True),
        "B White - Irish": (1, "white", True),
        "Z Not Stated": (1, "unknown", True),
    }
    assert table["label"].iloc[0] == "A White - British"  # most frequent first
    as_bme = label_table(labels, white_minorities_as_bme=True, overrides={"Martian": "bme"})
    assert dict(zip(as_bme["label"], as_bme["group"], strict=True))["B White - Irish"] == "bme"
    assert dict(zip(as_bme["label"], as_bme["group"], strict=True))["Martian"] == "bme"


# --- categorical columns ------------------------------------------------------------------------
# The loaders keep text columns categorical: classification then works on the categories and the
# rows' codes. Unused categories label no row and must not be reported.

CATEGORICAL = pd.Series(
    pd.Categorical(
        ["Indian", "Martian", None, "A White - British", "Martian", "Indian", " Martian"],
        categories=["A White - British", "Indian", "Martian", " Martian", "Klingon", "B White - Irish"],
    ),
    index=[10, 11, 12, 13, 14, 15, 16],
)


def test_classify_series_of_a_categorical_matches_the_same_labels_as_text():
    as_text = CATEGORICAL.astype(object).where(CATEGORICAL.notna(), None)
    from_categories = classify_series(CATEGORICAL)
    from_text = classify_series(as_text)
    pd.testing.assert_frame_equal(from_categories, from_text)
    assert from_categories["group"].tolist() == ["bme", "unknown", "unknown", "white", "unknown", "bme", "unknown"]
    assert from_categories["recognised"].tolist() == [True, False, True, True, False, True, False]
    assert from_categories["category"].tolist()[0] == INDIAN


def test_classify_groups_gives_categorical_groups_in_the_order_asked():
    from data_loaders.ethnicity import classify_groups

    result = classify_groups(CATEGORICAL, groups=("bme", "white", "unknown"))
    assert list(result.index) == [10, 11, 12, 13, 14, 15, 16]
    assert list(result["group"].cat.categories) == ["bme", "white", "unknown"]
    # bme=0, white=1, unknown=2 in the order asked for.
    assert result["group"].cat.codes.tolist() == [0, 2, 2, 1, 2, 0, 2]
    assert result["recognised"].tolist() == [True, False, True, True, False, True, False]
    assert result["recognised"].dtype == bool
    other_order = classify_groups(CATEGORICAL.astype(object), white_minorities_as_bme=True,
                                  groups=("white", "bme", "unknown"))
    assert list(other_order["group"].cat.categories) == ["white", "bme", "unknown"]
    assert other_order["group"].astype(str).tolist() == result["group"].astype(str).tolist()
    # Asked for none, the groups come in the engine's one order (data_loaders.comparison.ETHNICITY).
    default_order = classify_groups(CATEGORICAL.astype(object), white_minorities_as_bme=True)
    assert list(default_order["group"].cat.categories) == ["bme", "white", "unknown"]


def test_classify_groups_applies_overrides_and_the_white_minorities_setting():
    from data_loaders.ethnicity import classify_groups

    labels = pd.Series(pd.Categorical(["B White - Irish", "Martian", "A White - British", "Martian"]))
    result = classify_groups(labels, white_minorities_as_bme=True, overrides={"martian": "white"})
    assert result["group"].astype(str).tolist() == ["bme", "white", "white", "white"]
    assert result["recognised"].all()


def test_classify_groups_refuses_groups_that_are_not_the_three():
    from data_loaders.ethnicity import classify_groups

    with pytest.raises(ValueError, match="groups"):
        classify_groups(CATEGORICAL, groups=("bme", "white"))


def test_unrecognised_labels_of_a_categorical_skip_unused_categories():
    # "Klingon" is a category no row uses; " Martian" strips to "Martian" and is counted with it.
    assert unrecognised_labels(CATEGORICAL) == {"Martian": 3}


def test_label_table_of_a_categorical_lists_only_labels_in_use():
    from data_loaders.ethnicity import label_table

    table = label_table(CATEGORICAL)
    rows = {r["label"]: r["rows"] for r in table.to_dict("records")}
    # "Martian" and " Martian" are both written as "Martian" once stripped: 3 rows.
    assert rows == {"Martian": 3, "Indian": 2, "A White - British": 1, "(blank)": 1}
