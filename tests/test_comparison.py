"""Who a standard compares is described once (data_loaders.comparison), and a second comparison needs
no other module changed to be described, named and set against a standard."""


import pytest

from charts.palette import group_label
from data_loaders import ethnicity
from data_loaders.comparison import ETHNICITY, Comparison, GroupWords
from metrics import registry
from metrics.registry import GROUPS, KNOWN_GROUPS, METRICS, STANDARDS, Counting, MetricDefinition, Standard
from metrics.settings import Settings

# A disability standard's groups, as the Workforce Disability Equality Standard would compare them.
DISABILITY = Comparison(
    key="disability",
    heading="Disability",
    focus=GroupWords("disabled", label="Disabled", noun="disabled", adjective="disabled", choice="Disabled"),
    reference=GroupWords("non_disabled", label="Non-disabled", noun="non-disabled", adjective="non-disabled",
                         choice="Non-disabled"),
    unknown=GroupWords("not_declared", label="Not declared", noun="not declared",
                       adjective="undeclared-disability", choice="Not declared"),
)


def test_the_race_standards_compare_by_ethnicity_in_one_order():
    assert all(STANDARDS[key].comparison is ETHNICITY for key in ("sc-wres", "nhs-wres"))
    assert GROUPS == ETHNICITY.keys == ("bme", "white", "unknown")
    assert KNOWN_GROUPS == ETHNICITY.known == ("bme", "white")
    # The loaders classify into the same groups, in the same order, as the engine counts them.
    assert ethnicity.GROUPS == GROUPS


def test_each_place_keeps_its_own_words_for_the_groups():
    assert [ETHNICITY.label(g) for g in GROUPS] == ["BME", "White", "Unknown"]
    assert [ETHNICITY.noun(g) for g in GROUPS] == ["BME", "white", "unknown"]
    assert [ETHNICITY.adjective(g) for g in GROUPS] == ["minority-ethnic", "white", "unknown-ethnicity"]
    assert [ETHNICITY.choice(g) for g in GROUPS] == ["Minority ethnic", "White", "Unknown"]
    # The organisation renames the minority-ethnic group only, in tables and sentences; never the others.
    assert [ETHNICITY.label(g, "Global majority") for g in GROUPS] == ["Global majority", "White", "Unknown"]
    assert [ETHNICITY.noun(g, "Global majority") for g in GROUPS] == ["Global majority", "white", "unknown"]
    settings = Settings(bme_label="Black and minority ethnic")
    assert [group_label(g, settings) for g in GROUPS] == ["Black and minority ethnic", "White", "Unknown"]
    assert Settings().bme_label == ETHNICITY.label("bme")


def test_a_comparison_is_of_its_two_known_groups():
    assert ETHNICITY.other("bme") == "white" and ETHNICITY.other("white") == "bme"
    with pytest.raises(KeyError, match="compares"):
        ETHNICITY.other("unknown")
    with pytest.raises(KeyError, match="no group"):
        ETHNICITY.group("disabled")
    with pytest.raises(ValueError, match="differ"):
        Comparison("x", "X", ETHNICITY.focus, ETHNICITY.focus, ETHNICITY.unknown)
    with pytest.raises(ValueError, match="rename"):
        Comparison("x", "X", ETHNICITY.focus, ETHNICITY.reference, ETHNICITY.unknown, renamable="disabled")


def test_a_disability_comparison_is_described_without_changing_any_other_module(monkeypatch):
    assert DISABILITY.keys == ("disabled", "non_disabled", "not_declared")
    assert DISABILITY.known == ("disabled", "non_disabled")
    assert [DISABILITY.label(g) for g in DISABILITY.keys] == ["Disabled", "Non-disabled", "Not declared"]
    assert DISABILITY.other("non_disabled") == "disabled"
    # Nothing in it may be renamed: the organisation's word for the minority-ethnic group does not leak in.
    assert DISABILITY.label("disabled", "BME") == "Disabled"
    assert DISABILITY.noun("disabled", "BME") == "disabled"

    # A standard names it in the registry, and the metric's groups and adverse direction follow from it.
    wdes = Standard("wdes", "WDES", "Workforce Disability Equality Standard", DISABILITY)
    monkeypatch.setitem(registry.STANDARDS, "wdes", wdes)
    leaving = MetricDefinition(
        id="W1", number=1, title="Leaving", description="", theme="Recruitment and retention",
        datasets=("staff",), kind="relative_likelihood", chart="forest", counting=Counting("leaving", events="leavers"),
        numerator={"wdes": "disabled"},
        adverse_if_bme_rate="higher",
    )
    assert leaving.denominator_group("wdes") == "non_disabled"
    assert leaving.adverse_if_ratio("wdes") == "higher"
    appointed = MetricDefinition(
        id="W2", number=2, title="Appointment", description="", theme="Recruitment and retention",
        datasets=("recruitment",), kind="relative_likelihood", chart="forest",
        counting=Counting("selection", events="recruitment"), numerator={"wdes": "non_disabled"},
        adverse_if_bme_rate="lower",
    )
    assert appointed.denominator_group("wdes") == "disabled"
    assert appointed.adverse_if_ratio("wdes") == "higher"
    # The pages' table labels follow the settings' standard.
    settings = Settings(standard="wdes")
    assert [group_label(g, settings) for g in DISABILITY.keys] == ["Disabled", "Non-disabled", "Not declared"]
    # The race standards are untouched.
    assert METRICS["M2"].denominator_group("nhs-wres") == "bme"
    assert group_label("bme", Settings(standard="nhs-wres", bme_label="Global majority")) == "Global majority"
