"""The slide headlines (metrics.narrative.headline): the finding in about twenty plain words, on the sample council."""

import pytest

from metrics.api import analyse_paths, published_results
from metrics.narrative import headline
from metrics.settings import Settings

SC = Settings()
NHS = Settings(standard="nhs-wres")


@pytest.fixture(scope="module")
def analysis():
    return analyse_paths(settings=SC)


@pytest.mark.parametrize(("metric", "words"), [
    ("M1", "BME staff are 26% of the workforce: 47% of the lowest pay band, 0% of the highest."),
    ("M2", "BME shortlisted applicants were less likely to be appointed than white applicants: 0.78, could be chance."),
    ("M4", "BME regulated professionals were more likely to be referred for fitness to practise than white "
           "professionals: 1.77, could be chance, very few cases."),
    ("M5", "BME staff were about as likely to access funded non-mandatory CPD as white staff: 0.95, could be chance."),
    ("M7", "BME survey respondents were more likely to report harassment, bullying or abuse from colleagues: 1.32, "
           "could be chance; from managers: 1.67, beyond chance."),
    ("M9", "BME staff are 8.9% of senior managers and 28% of the workforce: 18.8 percentage points lower, "
           "beyond chance."),
])
def test_each_headline_in_plain_words(analysis, metric, words):
    assert headline(analysis.results[metric], SC) == words


def test_headlines_are_short(analysis):
    for result in analysis.results.values():
        assert len(headline(result, SC).split()) <= 25, result.id


def test_the_nhs_standard_puts_the_white_group_first_where_its_ratio_does():
    results = analyse_paths(settings=NHS).results
    assert headline(results["M2"], NHS) == ("White shortlisted applicants were more likely to be appointed than BME "
                                            "applicants: 1.28, could be chance.")


def test_withheld_figures_are_said_to_be_withheld(analysis):
    published = published_results(analysis, SC)
    assert headline(published["M4"], SC) == "Withheld from publication: some counts are under 10."
    assert headline(published["M1"], SC) == ("BME staff are 26% of the workforce: 47% of the lowest pay band, "
                                             "20% of the highest shown.")


def test_no_data_says_what_is_needed():
    from metrics import stats
    from metrics.registry import METRICS
    from metrics.results import MetricResult

    result = MetricResult(METRICS["M4"], "sc-wres", stats.NO_DATA)
    assert headline(result, SC) == "No data yet: this needs the fitness to practise and staff data."
