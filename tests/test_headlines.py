"""The slide headlines (metrics.narrative.headline): the finding in about twenty plain words, on the sample council."""

import pytest

from metrics.narrative import headline
from metrics.publish import publish
from metrics.settings import Settings
from pipeline.api import analyse_paths, published_results

SC = Settings()
NHS = Settings(standard="nhs-wres")


@pytest.fixture(scope="module")
def analysis():
    return analyse_paths(settings=SC)


@pytest.mark.parametrize(("metric", "words"), [
    # SM3, the highest band, has 6 staff: too few to lead; SM2 (13 staff, 1 BME of 11 known) does, and SM3 is said
    # to be too small. The workforce's share is of staff whose ethnicity is known: 526 of 1,895, 28%.
    ("M1", "BME staff are 28% of staff whose ethnicity is known, 9.1% of SM2; the band above is too small to read."),
    ("M2", "BME shortlisted applicants were less likely to be appointed than white applicants: 0.78, could be chance."),
    # Over the limit in full, so who is counted is named by its last word (the sentence has the full words).
    ("M4", "BME professionals were more likely to be referred for fitness to practise than white "
           "professionals: 1.77, could be chance, very few cases."),
    ("M5", "BME staff were about as likely to access funded non-mandatory CPD as white staff: 0.95, could be chance."),
    ("M7", "BME respondents were more likely to report harassment, bullying or abuse from colleagues: 1.32, could "
           "be chance; from managers: 1.67, beyond chance."),
    ("M9", "BME staff are 8.9% of senior managers, 28% of staff whose ethnicity is known: 18.8 percentage points "
           "lower, beyond chance."),
])
def test_each_headline_in_plain_words(analysis, metric, words):
    assert headline(analysis.results[metric], SC) == words


@pytest.mark.parametrize("settings", [SC, NHS])
def test_headlines_are_short(settings):
    # Every metric's headline, as counted and as published, in at most 22 words (about twenty, for a slide).
    analysis = analyse_paths(settings=settings)
    for results in (analysis.results, published_results(analysis, settings)):
        for result in results.values():
            assert len(headline(result, settings).split()) <= 22, (result.id, headline(result, settings))


def test_the_nhs_standard_puts_the_white_group_first_where_its_ratio_does():
    results = analyse_paths(settings=NHS).results
    assert headline(results["M2"], NHS) == ("White shortlisted applicants were more likely to be appointed than BME "
                                            "applicants: 1.28, could be chance.")


def test_withheld_figures_are_said_to_be_withheld(analysis):
    published = published_results(analysis, SC)
    assert headline(published["M4"], SC) == "Withheld from publication: some counts are under 10."
    # Published, the senior bands are combined rather than withheld: the finding leads.
    assert headline(published["M1"], SC) == ("BME staff are 28% of staff whose ethnicity is known, 14% of Grade 11 "
                                             "to SM3, the highest pay band.")
    # Not combined, 7 of the 13 bands are withheld, the senior ones among them: no lower band is called the highest.
    uncombined = publish(analysis.results, SC, combine=False)
    assert headline(uncombined["M1"], SC) == ("BME staff are 28% of staff whose ethnicity is known; the senior pay "
                                              "bands' figures are withheld for publication.")
    assert "The senior bands' figures (Grade 11, Grade 12, SM1, SM2, SM3) are withheld from publication" in \
        uncombined["M1"].sentence
    assert "the highest" not in uncombined["M1"].sentence


def test_no_data_says_what_is_needed():
    from metrics import stats
    from metrics.registry import METRICS
    from metrics.results import MetricResult

    result = MetricResult(METRICS["M4"], "sc-wres", stats.NO_DATA)
    assert headline(result, SC) == "No data yet: this needs the fitness to practise and staff data."


def test_a_survey_question_too_small_to_read_does_not_lead():
    from dataclasses import replace

    from metrics import stats
    from metrics.results import Ratio

    m7 = analyse_paths(settings=SC).results["M7"]
    colleagues, managers = m7.questions.values()
    small = replace(colleagues, ratio=Ratio(None, None, stats.INSUFFICIENT, "there are only 6 BME respondents"),
                    status=stats.INSUFFICIENT, value=None, ci=None)
    result = replace(m7, questions={"colleagues": small, "managers": managers})
    assert headline(result, SC) == ("BME respondents were more likely to report harassment from managers: 1.67, "
                                    "beyond chance; from colleagues: not enough data to compare survey "
                                    "respondents.")
