"""Each metric's figures from counts worked by hand, under both standards."""

import datetime as dt

import pandas as pd
import pytest

from metrics import stats
from metrics.counts import DataQuality, FigureSet, Period
from metrics.narrative import headline, readable_bands
from metrics.publish import publish_result
from metrics.registry import STANDARDS
from metrics.results import compute_results, known_share, representation_range, workforce_share
from metrics.settings import Settings

PERIOD = Period(dt.date(2025, 4, 1), dt.date(2026, 3, 31))
SC = Settings()
NHS = Settings(standard="nhs-wres")
NHS_METRICS = STANDARDS["nhs-wres"].metrics


def figures(rows, quality=None):
    counts = pd.DataFrame(rows, columns=["metric", "item", "group", "events", "base"])
    return FigureSet("Test council", PERIOD, counts, quality or {}, available=frozenset(counts["metric"]))


def rl_rows(metric, bme, white, unknown=(0, 0), item=""):
    return [
        (metric, item, "bme", *bme),
        (metric, item, "white", *white),
        (metric, item, "unknown", *unknown),
    ]


def test_appointment_under_both_standards():
    # BME 30 of 120 shortlisted appointed (25%), white 70 of 200 (35%).
    fs = figures(rl_rows("M2", (30, 120), (70, 200), (4, 16)))
    sc = compute_results(fs, SC)["M2"]
    assert sc.value == pytest.approx(0.25 / 0.35)  # 0.714
    assert sc.ci == pytest.approx((0.496890, 1.026795), abs=1e-6)
    assert sc.status == "adverse, could be chance"  # low is adverse under SC-WRES; 0.50 to 1.03 includes 1.00
    assert sc.groups["bme"].rate == pytest.approx(0.25)
    assert sc.groups["unknown"].events == 4 and sc.groups["unknown"].base == 16
    nhs = compute_results(fs, NHS)["M2"]
    assert nhs.value == pytest.approx(1.4)  # white over BME: 0.35 / 0.25
    assert nhs.ci == pytest.approx((1 / 1.026795, 1 / 0.496890), abs=1e-6)
    assert nhs.status == "adverse, could be chance"  # high is adverse under NHS WRES's white-over-BME
    assert "NHS WRES" in nhs.sentence and "white over BME" in nhs.sentence
    assert "SC-WRES" in sc.sentence and "BME over white" in sc.sentence


def test_disciplinary_same_direction_under_both_standards():
    # BME 12 of 400 (3%), white 15 of 1,200 (1.25%): 2.4.
    fs = figures(rl_rows("M3", (12, 400), (15, 1200)))
    for settings in (SC, NHS):
        result = compute_results(fs, settings)["M3"]
        assert result.value == pytest.approx(2.4)
        assert result.status == "adverse, beyond chance"
        assert "does not include 1.00" in result.sentence


def test_cpd_ratio_flips_under_nhs():
    # BME 90 of 400 (22.5%), white 300 of 1,200 (25%): SC-WRES metric 5 (BME over white) 0.9; the same counts as the
    # NHS WRES's indicator 4 (white over BME) 1.111, and within range under both.
    assert compute_results(figures(rl_rows("M5", (90, 400), (300, 1200))), SC)["M5"].value == pytest.approx(0.9)
    nhs = compute_results(figures(rl_rows("W4", (90, 400), (300, 1200))), NHS)["W4"]
    assert nhs.value == pytest.approx(1 / 0.9)
    assert compute_results(figures(rl_rows("M5", (90, 400), (300, 1200))), SC)["M5"].status == "within range"
    assert nhs.status == "within range"


# Skills for Care's published national SC-WRES figures (2023, and 2024 where noted), made
# from counts whose rates give exactly that ratio; each gets the status its direction implies.
@pytest.mark.parametrize(
    ("metric", "ratio", "status"),
    [
        ("M2", 0.5, "adverse, beyond chance"),
        ("M2", 0.52, "adverse, beyond chance"),  # 2024
        ("M3", 1.4, "adverse, beyond chance"),
        ("M3", 1.37, "adverse, beyond chance"),  # 2024
        ("M4", 2.1, "adverse, beyond chance"),
        ("M4", 1.08, "within range"),  # 2024
        ("M5", 1.0, "within range"),
        ("M8", 1.1, "within range"),
        ("M8", 1.21, "within range"),  # 2024
    ],
)
def test_published_national_figures(metric, ratio, status):
    # White: 1,000 of 10,000 (10%); BME: 10,000 x 0.10 x ratio of 10,000.
    fs = figures(rl_rows(metric, (1000 * ratio, 10000), (1000, 10000)))
    result = compute_results(fs, SC)[metric]
    assert result.value == pytest.approx(ratio)
    assert result.status == status
    # The same counts under the NHS WRES, for the metrics it shares (appointment, disciplinary): white over BME for
    # appointment, the same ratio for disciplinary; the finding (its status) does not change with the convention.
    if metric in NHS_METRICS:
        nhs = compute_results(fs, NHS)[metric]
        assert nhs.value == pytest.approx(1 / ratio if metric == "M2" else ratio)
        assert nhs.status == status
    else:
        assert metric not in compute_results(fs, NHS)


@pytest.mark.parametrize(
    ("question", "metric", "ratio", "status"),
    [("public", "M6", 1.2, "within range"), ("colleagues", "M7", 1.3, "adverse, beyond chance"),
     ("managers", "M7", 1.9, "adverse, beyond chance")],
)
def test_published_national_harassment(question, metric, ratio, status):
    fs = figures(rl_rows(metric, (100 * ratio, 1000), (100, 1000), item=question))
    result = compute_results(fs, SC)[metric].questions[question]
    assert result.value == pytest.approx(ratio)
    assert result.status == status


def test_nhs_appointment_ratio_is_the_inverse():
    # NHS national 2023: white shortlisted 1.59 times as likely to be appointed as BME.
    fs = figures(rl_rows("M2", (1000, 10000), (1590, 10000)))
    assert compute_results(fs, NHS)["M2"].value == pytest.approx(1.59)
    assert compute_results(fs, SC)["M2"].value == pytest.approx(1 / 1.59)  # 0.629


def test_survey_questions_separately():
    rows = rl_rows("M7", (30, 100), (40, 200), item="colleagues") + rl_rows(
        "M7", (19, 100), (20, 200), item="managers"
    )
    result = compute_results(figures(rows), SC)["M7"]
    assert result.questions["colleagues"].value == pytest.approx(1.5)  # 30% / 20%
    assert result.questions["managers"].value == pytest.approx(1.9)  # 19% / 10%
    assert result.status == "adverse, beyond chance"
    assert "from colleagues" in result.sentence and "from managers" in result.sentence


def test_pay_bands_percentages_sum_to_100():
    rows = [
        ("M1", "Under £30,000", "bme", 18, 40), ("M1", "Under £30,000", "white", 72, 140),
        ("M1", "Under £30,000", "unknown", 10, 20),
        ("M1", "£30,000 to £69,999", "bme", 22, 40), ("M1", "£30,000 to £69,999", "white", 68, 140),
        ("M1", "£30,000 to £69,999", "unknown", 10, 20),
    ]
    result = compute_results(figures(rows), SC)["M1"]
    first, second = result.bands
    assert first.band == "Under £30,000"
    assert first.pct == pytest.approx({"bme": 18.0, "white": 72.0, "unknown": 10.0})  # 18% as published
    assert second.pct["bme"] == pytest.approx(22.0)  # 22% as published for £30k-£69k
    assert result.overall.counts == {"bme": 40, "white": 140, "unknown": 20}
    assert result.overall.pct["bme"] == pytest.approx(20.0)
    assert result.status == "descriptive"
    # The share the words give is of staff whose ethnicity is known: 40 of 40 + 140 = 22.2%, not 40 of 200 = 20%.
    assert result.overall.known_pct == pytest.approx(100 * 40 / 180)
    assert workforce_share(result) == pytest.approx(22.222, abs=1e-3)
    assert result.sentence.startswith("BME staff are 22% of staff whose ethnicity is known (40 BME and 140 white).")


def test_the_workforce_share_is_of_staff_whose_ethnicity_is_known_by_hand():
    # 30 BME, 90 white, 30 unknown: 30 of 120 known = 25%, not 30 of 150 = 20%; the unknowns are said beside it.
    rows = [("M1", "Band A", "bme", 30, 0), ("M1", "Band A", "white", 90, 0), ("M1", "Band A", "unknown", 30, 0)]
    result = compute_results(figures(rows), SC)["M1"]
    assert known_share(30, 90) == 25.0 and known_share(None, 90) is None and known_share(0, 0) is None
    assert workforce_share(result) == 25.0
    assert result.overall.pct["bme"] == 20.0  # the band's make-up, unknown included, as the chart draws it
    assert result.sentence.startswith("BME staff are 25% of staff whose ethnicity is known (30 BME and 90 white).")
    # M9 writes the same share of the same staff.
    m9 = compute_results(figures(rl_rows("M9", (3, 30), (9, 90), (1, 30))), SC)["M9"]
    assert m9.workforce_pct == workforce_share(m9) == 25.0
    assert "25% of staff whose ethnicity is known" in m9.sentence


def _bands(*bands):
    """(band, bme, white, unknown) -> the M1 rows of a staff table."""
    return [("M1", band, g, n, 0) for band, *counts in bands for g, n in zip(("bme", "white", "unknown"), counts,
                                                                             strict=True)]


def test_a_top_band_of_six_does_not_lead_the_headline_by_hand():
    # Band C has 6 staff (under the minimum of 10): Band B, the highest with 10 or more, leads instead.
    rows = _bands(("Band A", 20, 20, 0), ("Band B", 3, 9, 0), ("Band C", 0, 6, 0))
    result = compute_results(figures(rows), SC)["M1"]
    # Known: 23 BME of 58 = 39.7%; Band B: 3 of 12 = 25%.
    assert [b.band for b in readable_bands(result, SC)] == ["Band A", "Band B"]
    assert headline(result, SC) == ("BME staff are 40% of staff whose ethnicity is known, 25% of Band B; "
                                    "the band above is too small to read.")
    assert "Band C" not in headline(result, SC)
    assert result.sentence == (
        "BME staff are 40% of staff whose ethnicity is known (23 BME and 35 white). Among the bands with 10 or "
        "more staff, their share is highest in Band A (50%) and lowest in Band B (25%). In the lowest band (Band A) "
        "they are 50%; in the highest with 10 or more staff (Band B), 25%. Bands with fewer than 10 staff (Band C) "
        "are too small to read, so they are left out of these comparisons.")
    # With the top band big enough, it leads.
    rows = _bands(("Band A", 20, 20, 0), ("Band B", 3, 9, 0), ("Band C", 1, 9, 0))
    assert headline(compute_results(figures(rows), SC)["M1"], SC) == (
        "BME staff are 39% of staff whose ethnicity is known, 10% of Band C, the highest pay band.")
    # Two small bands on top: both are left out, in the plural.
    rows = _bands(("Band A", 20, 20, 0), ("Band B", 3, 9, 0), ("Band C", 0, 6, 0), ("Band D", 1, 2, 0))
    assert headline(compute_results(figures(rows), SC)["M1"], SC).endswith(
        "25% of Band B; the bands above are too small to read.")


def test_senior_management_in_percentage_points():
    # Senior managers: BME 3, white 37, unknown 2; workforce BME 500, white 1,400, unknown 100.
    rows = rl_rows("M9", (3, 500), (37, 1400), (2, 100))
    result = compute_results(figures(rows), SC)["M9"]
    assert result.senior_pct == pytest.approx(7.5)  # 3 / 40
    assert result.workforce_pct == pytest.approx(100 * 500 / 1900)  # 26.32
    assert result.value == pytest.approx(7.5 - 100 * 500 / 1900)  # -18.82 pp
    assert result.ratio.value == pytest.approx((3 / 500) / (37 / 1400))  # 0.227
    assert result.status == "adverse, beyond chance"
    low, high = result.ci
    assert low < result.value < high
    assert "percentage points lower" in result.sentence


def test_small_group_is_insufficient():
    fs = figures(rl_rows("M4", (2, 8), (3, 120)))
    result = compute_results(fs, SC)["M4"]
    assert result.status == "insufficient data"
    assert result.value is None
    assert "only 8 BME regulated professionals (the minimum to compare is 10)" in result.sentence
    assert compute_results(fs, Settings(min_group_size=5))["M4"].status == "adverse, beyond chance"


def test_no_events_at_all_is_insufficient():
    fs = figures(rl_rows("M4", (0, 80), (0, 300)))
    result = compute_results(fs, SC)["M4"]
    assert result.status == "insufficient data"
    assert "no events" in result.sentence


def test_no_white_events_gives_no_ratio():
    fs = figures(rl_rows("M3", (4, 300), (0, 900)))
    result = compute_results(fs, SC)["M3"]
    assert result.value is None and result.status == "insufficient data"
    assert result.ratio.reason == ("none of the 900 white staff counted as 'entering disciplinary', so no ratio can "
                                   "be formed")


def test_missing_metrics_say_no_data():
    results = compute_results(figures(rl_rows("M3", (12, 400), (15, 1200))), SC)
    assert list(results) == [f"M{n}" for n in range(1, 10)]
    assert results["M2"].status == "no data"
    assert "recruitment" in results["M2"].sentence


def test_unknowns_reported_in_the_sentence():
    quality = {"M3": DataQuality(total=1700, unknown=100, unrecognised={"Other (please state)": 4})}
    fs = figures(rl_rows("M3", (12, 400), (15, 1200), (1, 100)), quality)
    sentence = compute_results(fs, SC)["M3"].sentence
    assert "not known for 5.9%" in sentence  # 100 / 1,700
    assert "not recognised" in sentence


def test_the_organisations_own_label_is_used():
    fs = figures(rl_rows("M2", (30, 120), (70, 200)))
    sentence = compute_results(fs, Settings(bme_label="Black, Asian and minority ethnic"))["M2"].sentence
    assert sentence.startswith("Black, Asian and minority ethnic shortlisted applicants were less likely")
    assert "BME" not in sentence


def test_few_events_are_called_a_prompt_not_a_finding():
    fs = figures(rl_rows("M4", (3, 60), (2, 300)))
    result = compute_results(fs, SC)["M4"]
    assert result.value == pytest.approx(7.5)
    assert "not a finding" in result.sentence
    assert "includes 1.00" not in result.sentence or result.ratio.includes_parity


# --- the local population (metric 9 beside the area served) ------------------------------------

CENSUS = {
    "White: English, Welsh, Scottish, Northern Irish or British": 600,
    "White: Irish": 30,
    "White: Other White": 70,
    "Asian, Asian British or Asian Welsh: Indian": 200,
    "Black, Black British, Black Welsh, Caribbean or African: African": 100,
}


def test_local_population_share_follows_the_white_minorities_choice():
    # 300 of 1,000 residents are in minority ethnic groups; with White minorities, 300 + 30 + 70 = 400.
    assert Settings(local_population=CENSUS).local_population_bme_pct == 30.0
    assert Settings(local_population=CENSUS, white_minorities_as_bme=True).local_population_bme_pct == 40.0
    assert Settings(local_population={"bme": 12.5, "white": 87.5}).local_population_bme_pct == 12.5
    assert Settings().local_population_bme_pct is None


def test_six_category_white_cannot_be_split_for_white_minorities():
    six = {"White": 800, "Asian, Asian British or Asian Welsh": 200}
    assert Settings(local_population=six).local_population_bme_pct == 20.0
    assert Settings(local_population=six, white_minorities_as_bme=True).local_population_bme_pct is None


@pytest.mark.parametrize(("population", "words"), [
    ({"Martian": 5}, "not a Census 2021 ethnic group"),
    ({"bme": -1, "white": 101}, "must be a number of 0 or more"),
    ({"bme": 30, "White: Irish": 70}, "mixes typed-in shares with Census counts"),
])
def test_bad_local_population_is_refused(population, words):
    with pytest.raises(ValueError, match=words):
        Settings(local_population=population)


def senior(settings):
    # 4 of 20 senior managers are BME (20%, Wilson 95% 8.07% to 41.60%); 100 of 400 staff (25%).
    rows = [("M9", "", "bme", 4, 100), ("M9", "", "white", 16, 300), ("M9", "", "unknown", 0, 0)]
    return compute_results(figures(rows), settings)["M9"]


@pytest.mark.parametrize(("residents", "ending"), [
    (50.0, "senior management does not reflect the area it serves (95% interval 8% to 42%)."),
    (30.0, "within the uncertainty of the numbers (95% interval 8% to 42%), senior management reflects the area "
           "it serves."),
    (5.0, "BME people are a larger share of senior management than of the area (95% interval 8% to 42%)."),
])
def test_senior_management_against_the_area_served(residents, ending):
    from metrics.narrative import population_sentence

    settings = SC.with_(local_population={"bme": residents, "white": 100 - residents}, local_population_area="Northby")
    result = senior(settings)
    assert result.population_pct == residents
    sentence = population_sentence(result, settings)
    shown = f"{residents:.1f}%" if residents < 10 else f"{residents:.0f}%"  # one decimal under 10%
    assert sentence.startswith(f"BME people are {shown} of the residents of Northby with a stated ethnic group, "
                               "against 20% of senior managers: ")
    assert sentence.endswith(ending)
    assert sentence in result.sentence
    assert population_sentence(senior(SC), SC) == ""


def test_how_to_read_a_relative_likelihood_follows_the_registry_under_each_standard():
    from metrics.narrative import relative_likelihood_reading
    from metrics.settings import Settings

    sc_wres = relative_likelihood_reading(Settings())
    assert "Between **0.80 and 1.25** is the usual non-adverse range" in sc_wres
    assert ("low is adverse for appointment from shortlisting and continuing professional development; high is "
            "adverse for disciplinary, fitness to practise, harassment from the public, harassment from colleagues "
            "and managers, and leaving the organisation.") in sc_wres
    # Under the NHS WRES appointment and training put white staff's rate on top, so high is adverse for them; low is
    # adverse only for the share believing progression is fair (indicator 7, BME over white).
    nhs = relative_likelihood_reading(Settings(standard="nhs-wres"))
    assert ("(NHS WRES): low is adverse for equal opportunities for career progression; high is adverse for "
            "appointment from shortlisting, disciplinary, non-mandatory training and CPD, harassment from patients "
            "and the public, harassment from staff, and discrimination from staff.") in nhs
    assert "pay bands" not in sc_wres and "senior management" not in sc_wres  # shares and points, not ratios


@pytest.mark.parametrize(
    ("senior_bme", "expected", "words"),
    [
        # Workforce 500 BME of 1,900 known: 26.3%, so the range is 0.80 to 1.25 times that share, -5.3 to +6.6
        # points. 3 of 40 senior managers (7.5%): -18.8 points, Wilson 2.6% to 19.9%, so -23.7 to -6.5 points.
        (3, "adverse, beyond chance", "Adverse, beyond chance"),
        # 8 of 40 (20%): -6.3 points, below the range; Wilson 10.5% to 34.8%, -15.8 to +8.5 points: includes 0.
        (8, "adverse, could be chance", "Adverse, could be chance"),
        # 10 of 40 (25%): -1.3 points, within the range.
        (10, "within range", "Within range"),
    ],
)
def test_senior_management_status_is_in_points(senior_bme, expected, words):
    rows = rl_rows("M9", (senior_bme, 500), (40 - senior_bme, 1400))
    result = compute_results(figures(rows), SC)["M9"]
    assert result.status == expected and stats.status_words(result.status) == words
    workforce = 100 * 500 / 1900
    assert representation_range(workforce, SC) == pytest.approx((-0.2 * workforce, 0.25 * workforce))
    # The sentence talks in points throughout, never about 1.00.
    assert "1.00" not in result.sentence and "relative likelihood" not in result.sentence
    assert "points" in result.sentence
    if expected == "adverse, beyond chance":
        assert "-23.7 to -6.5 points" in result.sentence
        assert "The interval does not include 0 points: the difference is beyond chance." in result.sentence
        assert "outside the range of -5.3 to +6.6 points" in result.sentence
    elif expected == "adverse, could be chance":
        assert "The interval includes 0 points, so the difference could be down to chance." in result.sentence


def test_a_published_withheld_ratio_is_withheld_not_too_few():
    # 3 BME referrals of 60, 6 white of 400: a count under the threshold of 10 withholds the ratio.
    result = compute_results(figures(rl_rows("M4", (3, 60), (6, 400))), SC)["M4"]
    assert result.status == "adverse, could be chance"
    published = publish_result(result, SC.with_(suppression_threshold=10))
    assert published.value is None and published.status == stats.WITHHELD == "withheld"
    assert stats.status_words(published.status) == "Withheld for publication"
    assert "Too few" not in published.sentence and "withheld from publication" in published.sentence
