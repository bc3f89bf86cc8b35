"""Disability labels read into the WDES groups (data_loaders.disability), and the words for those groups
(data_loaders.comparison.DISABILITY)."""

import typing

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data_loaders.comparison import DISABILITY, ETHNICITY
from data_loaders.disability import (
    GROUPS,
    DisabilityGroup,
    classify_disability,
    classify_disability_groups,
    disability_label_table,
    recognise_disability,
    resolve_disability_overrides,
    unrecognised_disability_labels,
)

# --- the comparison's words ---------------------------------------------------------------------


def test_the_disability_groups_and_their_words():
    assert DISABILITY.keys == GROUPS == ("disabled", "non_disabled", "not_declared")
    assert typing.get_args(DisabilityGroup) == GROUPS
    assert DISABILITY.known == ("disabled", "non_disabled")
    assert DISABILITY.other("disabled") == "non_disabled"
    assert [DISABILITY.label(g) for g in GROUPS] == ["Disabled", "Non-disabled", "Not declared"]
    assert [DISABILITY.noun(g) for g in GROUPS] == ["disabled", "non-disabled", "not declared"]
    assert [DISABILITY.choice(g) for g in GROUPS] == ["Disabled", "Non-disabled", "Not declared"]
    assert [DISABILITY.people(g) for g in GROUPS] == [
        "disabled people", "non-disabled people", "people whose disability status is not known"]
    # Nothing is renamed: an organisation's word for the minority-ethnic group does not leak in.
    assert DISABILITY.label("disabled", "BME") == "Disabled"
    assert DISABILITY.noun("not_declared", "Global majority") == "not declared"


def test_the_people_phrase_of_the_race_groups_is_their_adjective_before_people():
    assert [ETHNICITY.people(g) for g in ETHNICITY.keys] == [
        "minority-ethnic people", "white people", "unknown-ethnicity people"]


# --- one label ----------------------------------------------------------------------------------

LABELS = [
    # ESR and HR systems
    ("Yes", "disabled"),
    ("Y", "disabled"),
    ("No", "non_disabled"),
    ("N", "non_disabled"),
    ("Disabled", "disabled"),
    ("Not disabled", "non_disabled"),
    ("Non-disabled", "non_disabled"),
    ("Yes - disabled", "disabled"),
    ("No - not disabled", "non_disabled"),
    ("Not Declared", "not_declared"),
    ("Not declared", "not_declared"),
    ("Prefer not to say", "not_declared"),
    ("Prefer not to answer", "not_declared"),
    ("I do not wish to disclose", "not_declared"),
    ("Unspecified", "not_declared"),
    ("Unknown", "not_declared"),
    ("Not known", "not_declared"),
    ("Not Stated", "not_declared"),
    ("Information refused", "not_declared"),
    # blank
    ("", "not_declared"),
    ("   ", "not_declared"),
    (None, "not_declared"),
    (np.nan, "not_declared"),
    (pd.NA, "not_declared"),
    # Census style: a condition limiting day-to-day activities a lot or a little is a disability
    ("Yes, limited a lot", "disabled"),
    ("Yes, limited a little", "disabled"),
    # case, spaces and punctuation
    ("YES", "disabled"),
    ("  no  ", "non_disabled"),
    ("y", "disabled"),
    ("NON DISABLED", "non_disabled"),
    ("yes-disabled", "disabled"),
    ("Yes (disabled)", "disabled"),
    ("No, not disabled", "non_disabled"),
    ("not_declared", "not_declared"),
    ("Yes,   limited a  LOT.", "disabled"),
    ("prefer NOT to say", "not_declared"),
    # ESR's own wording of a refusal.
    ("I do not wish to disclose this", "not_declared"),
]


@pytest.mark.parametrize(("label", "group"), LABELS)
def test_every_label_is_its_group(label, group):
    assert recognise_disability(label) == group
    assert classify_disability(label) == group


@pytest.mark.parametrize("label", ["Maybe", "None", "N/A", "Yes, not limited", "Yes - but not disabled", "2", "Nope"])
def test_a_label_that_is_not_certain_is_not_guessed(label):
    # "None" may be no disability or no answer; "Yes, not limited" is disabled to the staff survey and not to
    # the Census: they are counted as not declared, and not recognised, so they are reported.
    assert recognise_disability(label) is None
    assert classify_disability(label) == "not_declared"


# --- a column -----------------------------------------------------------------------------------


def test_the_declaration_rate_of_a_small_column():
    # 7 disabled, 30 non-disabled and 13 not declared (blank, refusals, a label nobody recognises) of 50.
    labels = pd.Series(
        ["Yes"] * 4 + ["Y", "Yes - disabled", "Yes, limited a little"]
        + ["No"] * 25 + ["N", "Not disabled", "Non-disabled", "NO", " no "]
        + ["Not declared"] * 5 + [None, np.nan, "", "Prefer not to say", "Unspecified", "Information refused",
                                   "Maybe", "Maybe"]
    )
    assert len(labels) == 50
    groups = classify_disability_groups(labels)["group"]
    counts = groups.value_counts(sort=False)
    assert counts.to_dict() == {"disabled": 7, "non_disabled": 30, "not_declared": 13}
    declared = (counts["disabled"] + counts["non_disabled"]) / len(labels)
    assert declared == pytest.approx(0.74)
    # Among those who declared, 7 of 37 are disabled.
    assert counts["disabled"] / (counts["disabled"] + counts["non_disabled"]) == pytest.approx(7 / 37)


def test_the_groups_are_a_categorical_in_the_comparisons_order_on_the_columns_index():
    labels = pd.Series(["No", None, "Yes", "Maybe", "Not declared"], index=["e5", "e1", "e9", "e2", "e7"])
    result = classify_disability_groups(labels)
    assert list(result.columns) == ["group", "recognised"]
    assert list(result.index) == ["e5", "e1", "e9", "e2", "e7"]
    assert isinstance(result["group"].dtype, pd.CategoricalDtype)
    assert list(result["group"].cat.categories) == ["disabled", "non_disabled", "not_declared"]
    assert result["group"].tolist() == ["non_disabled", "not_declared", "disabled", "not_declared", "not_declared"]
    # Only a label that is written and not recognised is unrecognised: a blank is simply not declared.
    assert result["recognised"].tolist() == [True, True, True, False, True]
    # Another order may be asked for, but not other groups.
    reordered = classify_disability_groups(labels, groups=("not_declared", "disabled", "non_disabled"))
    assert list(reordered["group"].cat.categories) == ["not_declared", "disabled", "non_disabled"]
    assert reordered["group"].tolist() == result["group"].tolist()
    with pytest.raises(ValueError, match="groups must be"):
        classify_disability_groups(labels, groups=("disabled", "non_disabled", "unknown"))


def test_a_categorical_column_and_a_text_column_classify_alike():
    labels = pd.Series(["Yes", "No", None, "Maybe", "No", "Yes, limited a lot"])
    as_categories = labels.astype(pd.CategoricalDtype(["Yes", "No", "Maybe", "Yes, limited a lot", "Unused"]))
    assert classify_disability_groups(as_categories).equals(classify_disability_groups(labels))
    assert classify_disability_groups(labels.astype("str")).equals(classify_disability_groups(labels))
    # The unused category labels no row, so it is not reported.
    assert unrecognised_disability_labels(as_categories) == {"Maybe": 1}


def test_an_empty_column():
    result = classify_disability_groups(pd.Series([], dtype="str"))
    assert len(result) == 0 and list(result["group"].cat.categories) == list(GROUPS)
    assert unrecognised_disability_labels(pd.Series([], dtype="str")) == {}


def test_unrecognised_labels_are_reported_with_their_rows_most_first():
    labels = pd.Series(["Maybe", " Maybe ", "Yes", "N/A", "None", "N/A", "N/A", None, "", "Nope"])
    unrecognised = unrecognised_disability_labels(labels)
    assert unrecognised == {"N/A": 3, "Maybe": 2, "None": 1, "Nope": 1}
    assert list(unrecognised) == ["N/A", "Maybe", "None", "Nope"]  # ties alphabetically
    # What a caller says: "7 labels were not recognised (4 distinct): ..."
    assert sum(unrecognised.values()) == 7
    assert int((~classify_disability_groups(labels)["recognised"]).sum()) == 7


# --- overrides ----------------------------------------------------------------------------------


def test_overrides_settle_unrecognised_labels_and_win_over_the_built_in_reading():
    labels = pd.Series(["None", " NONE", "N/A", "Yes", "Maybe", None])
    overrides = {"None": "non_disabled", "n/a": "Not declared", "Yes": "Non-disabled"}
    result = classify_disability_groups(labels, overrides=overrides)
    assert result["group"].tolist() == [
        "non_disabled", "non_disabled", "not_declared", "non_disabled", "not_declared", "not_declared"]
    assert result["recognised"].tolist() == [True, True, True, True, False, True]
    assert unrecognised_disability_labels(labels, overrides) == {"Maybe": 1}
    assert classify_disability("none", overrides) == "non_disabled"
    assert classify_disability("none") == "not_declared"


def test_an_override_names_a_group_by_its_key_label_or_choice():
    assert resolve_disability_overrides({"A": "disabled", "B": "NON_DISABLED", "C": "Not declared",
                                         "D": " non-disabled "}) == {
        "a": "disabled", "b": "non_disabled", "c": "not_declared", "d": "non_disabled"}
    assert resolve_disability_overrides(None) == {}


@pytest.mark.parametrize("target", ["yes", "unknown", "bme", "", None, 3])
def test_an_override_to_no_group_is_an_error(target):
    with pytest.raises(ValueError, match="not a group"):
        classify_disability_groups(pd.Series(["Maybe"]), overrides={"Maybe": target})


def test_two_overrides_of_the_same_label_that_disagree_are_an_error():
    with pytest.raises(ValueError, match="disagree"):
        resolve_disability_overrides({"None": "disabled", " none ": "non_disabled"})
    # Two spellings of one label that agree are fine.
    assert resolve_disability_overrides({"None": "disabled", " NONE": "Disabled"}) == {"none": "disabled"}


# --- properties ---------------------------------------------------------------------------------

KNOWN = [label for label, _ in LABELS if isinstance(label, str)]
WHITESPACE = st.text(alphabet=" \t\n\r\u00a0", max_size=4)


@settings(max_examples=200, deadline=None)
@given(
    label=st.sampled_from(KNOWN),
    casing=st.sampled_from([str.upper, str.lower, str.title, str.swapcase, str.casefold, str.capitalize]),
    before=WHITESPACE,
    after=WHITESPACE,
)
def test_a_known_label_is_read_alike_in_any_case_and_with_any_surrounding_whitespace(label, casing, before, after):
    assert classify_disability(before + casing(label) + after) == classify_disability(label)
    assert recognise_disability(before + casing(label) + after) == recognise_disability(label)


@settings(max_examples=200, deadline=None)
@given(label=st.text(max_size=30), before=WHITESPACE, after=WHITESPACE)
def test_any_text_is_one_of_the_three_groups_whatever_the_surrounding_whitespace(label, before, after):
    group = classify_disability(label)
    assert group in GROUPS
    assert classify_disability(before + label + after) == group
    assert recognise_disability(before + label + after) == recognise_disability(label)
    assert classify_disability(label.casefold()) == group
    # The column reads each label as the label alone does.
    column = classify_disability_groups(pd.Series([label, before + label + after, None]))
    assert column["group"].tolist() == [group, group, "not_declared"]
    assert column["recognised"].tolist() == [recognise_disability(label) is not None] * 2 + [True]


def test_label_table_lists_every_label_with_its_rows_and_group():
    labels = pd.Series(["Yes", "None", "No", "None ", None, "No", "Yes, not limited", "No"], dtype="str")
    table = disability_label_table(labels)
    assert table.to_dict("records") == [
        {"label": "No", "rows": 3, "group": "non_disabled", "recognised": True},
        {"label": "None", "rows": 2, "group": "not_declared", "recognised": False},
        {"label": "(blank)", "rows": 1, "group": "not_declared", "recognised": True},
        {"label": "Yes", "rows": 1, "group": "disabled", "recognised": True},
        {"label": "Yes, not limited", "rows": 1, "group": "not_declared", "recognised": False},
    ]
    settled = disability_label_table(labels, {"None": "Non-disabled", "Yes, not limited": "disabled"})
    assert settled.set_index("label").loc[["None", "Yes, not limited"], "group"].tolist() == ["non_disabled",
                                                                                            "disabled"]
    assert settled["recognised"].all()
    # A categorical's unused categories label no row.
    categorical = pd.Series(pd.Categorical(["No", "No"], categories=["No", "Maybe"]))
    assert disability_label_table(categorical)["label"].tolist() == ["No"]
