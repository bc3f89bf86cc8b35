import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats.contingency import relative_risk

from metrics import stats


def test_worked_example_appointment():
    # BME: 30 appointed of 120 shortlisted (25%); white: 70 of 200 (35%).
    # 0.25 / 0.35 = 0.714286; se = sqrt(1/30 - 1/120 + 1/70 - 1/200) = sqrt(0.0342857) = 0.185164
    # exp(ln 0.714286 -/+ 1.959964 * 0.185164) = 0.4969 to 1.0268
    result = stats.relative_likelihood(30, 120, 70, 200)
    assert result.value == pytest.approx(0.714286, abs=1e-6)
    assert result.ci == pytest.approx((0.496890, 1.026795), abs=1e-6)
    assert result.includes_parity is True


def test_worked_example_disciplinary():
    # BME 12 of 400 (3%), white 15 of 1,200 (1.25%): 2.4 times as likely.
    # se = sqrt(1/12 - 1/400 + 1/15 - 1/1200) = sqrt(0.146667) = 0.382971
    # exp(0.875469 -/+ 1.959964 * 0.382971) = exp(0.124866), exp(1.626072) = 1.13299 to 5.08390
    result = stats.relative_likelihood(12, 400, 15, 1200)
    assert result.value == pytest.approx(2.4)
    assert result.ci == pytest.approx((1.13299, 5.08390), abs=1e-5)
    assert result.includes_parity is False


def test_fractional_base_average_headcount():
    # M8: 20 BME leavers over an average headcount of 101.5, 40 white over 400.5.
    result = stats.relative_likelihood(20, 101.5, 40, 400.5)
    assert result.value == pytest.approx((20 / 101.5) / (40 / 400.5))
    se = math.sqrt(1 / 20 - 1 / 101.5 + 1 / 40 - 1 / 400.5)
    assert result.ci[0] == pytest.approx(result.value * math.exp(-1.959964 * se), rel=1e-6)


def test_undefined_ratios():
    assert stats.relative_likelihood(5, 10, 0, 20).value is None  # infinite
    zero = stats.relative_likelihood(0, 10, 4, 20)
    assert zero.value == 0 and zero.ci is None
    assert stats.relative_likelihood(0, 0, 4, 20).value is None
    with pytest.raises(ValueError):
        stats.relative_likelihood(-1, 10, 4, 20)


def test_a_rate_over_100_percent_has_a_ratio_but_no_interval():
    # 11 leavers over an average headcount of 10 (a rate of 110%), 4 over 20: the ratio is 5.5, as the
    # rates give it; the Katz interval (1/a - 1/n under its root) treats a rate as a share, so none.
    over = stats.relative_likelihood(11, 10, 4, 20)
    assert over.value == pytest.approx((11 / 10) / (4 / 20)) and over.ci is None


@pytest.mark.parametrize(
    ("value", "adverse_if", "expected"),
    [
        (0.5, "lower", "adverse, could be chance"),  # SC-WRES appointment 2023, without an interval
        (2.0, "higher", "adverse, could be chance"),  # the same figure as NHS WRES reports it (white over BME)
        (1.4, "higher", "adverse, could be chance"),  # disciplinary 2023
        (1.0, "lower", "within range"),  # CPD 2023
        (1.1, "higher", "within range"),  # leaving 2023
        (0.80, "lower", "within range"),  # the range's edges are inside it
        (1.25, "higher", "within range"),
        (0.79, "higher", "favourable, could be chance"),
        (1.26, "lower", "favourable, could be chance"),
        (None, "higher", "insufficient data"),
    ],
)
def test_status_knows_the_direction(value, adverse_if, expected):
    assert stats.status_for(value, adverse_if) == expected


@pytest.mark.parametrize(
    ("value", "ci", "adverse_if", "expected", "words"),
    [
        # Appointment (SC-WRES, low is adverse), worked: 39 of 153 against 82 of 252 is 0.78, 0.57 to 1.08.
        (0.78, (0.57, 1.08), "lower", stats.ADVERSE_COULD_BE_CHANCE, "Adverse, could be chance"),
        # Half as likely to be appointed, and the interval well under 1.00.
        (0.50, (0.35, 0.70), "lower", stats.ADVERSE_BEYOND_CHANCE, "Adverse, beyond chance"),
        # Fitness to practise from 9 cases: far outside the range, but the interval is wide.
        (1.77, (0.45, 6.99), "higher", stats.ADVERSE_COULD_BE_CHANCE, "Adverse, could be chance"),
        (1.67, (1.11, 2.52), "higher", stats.ADVERSE_BEYOND_CHANCE, "Adverse, beyond chance"),
        # Within the range, whatever the interval says.
        (1.20, (1.05, 1.37), "higher", stats.WITHIN_RANGE, "Within range"),
        (0.70, (0.55, 0.89), "higher", stats.FAVOURABLE_BEYOND_CHANCE, "Favourable, beyond chance"),
        (0.70, (0.40, 1.22), "higher", stats.FAVOURABLE_COULD_BE_CHANCE, "Favourable, could be chance"),
        # An interval touching 1.00 includes it.
        (0.60, (0.36, 1.00), "lower", stats.ADVERSE_COULD_BE_CHANCE, "Adverse, could be chance"),
        (None, None, "lower", stats.INSUFFICIENT, "Too few to say"),
    ],
)
def test_status_says_whether_the_interval_rules_out_chance(value, ci, adverse_if, expected, words):
    status = stats.status_for(value, adverse_if, (0.80, 1.25), ci)
    assert status == expected
    assert stats.status_words(status) == words


def test_every_status_has_words_an_icon_and_a_colour():
    assert set(stats.LOOKS) == set(stats.STATUSES)
    assert len({look.words for look in stats.LOOKS.values()}) == len(stats.STATUSES)
    assert all(look.icon.startswith(":material/") and look.colour for look in stats.LOOKS.values())
    assert stats.status_words(stats.WITHHELD) == "Withheld for publication"
    assert stats.status_words("something new") == "something new"  # never a KeyError
    assert stats.ADVERSE == (stats.ADVERSE_BEYOND_CHANCE, stats.ADVERSE_COULD_BE_CHANCE)
    assert stats.headline_status([stats.WITHIN_RANGE, stats.ADVERSE_COULD_BE_CHANCE]) == stats.ADVERSE_COULD_BE_CHANCE
    assert stats.headline_status([stats.WITHHELD, stats.INSUFFICIENT]) == stats.WITHHELD


def test_wilson_interval_worked_example():
    # 3 of 40: p = 0.075, z^2 = 3.841459; centre = (0.075 + 0.048018) / 1.096036 = 0.112239;
    # half width = 1.959964 * sqrt(0.075 * 0.925 / 40 + 3.841459 / 6400) / 1.096036 = 0.086403
    low, high = stats.wilson_interval(3, 40)
    assert low == pytest.approx(0.025836, abs=1e-5)
    assert high == pytest.approx(0.198642, abs=1e-5)
    assert stats.wilson_interval(0, 0) is None


counts = st.integers(min_value=1, max_value=5000)


@given(a=counts, extra1=st.integers(0, 5000), c=counts, extra2=st.integers(0, 5000))
def test_interval_matches_scipy(a, extra1, c, extra2):
    n1, n2 = a + extra1, c + extra2
    ours = stats.relative_likelihood(a, n1, c, n2)
    theirs = relative_risk(a, n1, c, n2)
    assert ours.value == pytest.approx(theirs.relative_risk, rel=1e-12)
    low, high = theirs.confidence_interval(confidence_level=0.95)
    assert ours.ci == pytest.approx((low, high), rel=1e-9)


@given(a=counts, extra1=st.integers(0, 500), c=counts, extra2=st.integers(0, 500))
def test_interval_contains_the_value_and_swapping_groups_inverts_it(a, extra1, c, extra2):
    n1, n2 = a + extra1, c + extra2
    forward = stats.relative_likelihood(a, n1, c, n2)
    backward = stats.relative_likelihood(c, n2, a, n1)
    assert forward.ci[0] <= forward.value <= forward.ci[1]
    assert forward.value * backward.value == pytest.approx(1.0)
    assert forward.ci[0] * backward.ci[1] == pytest.approx(1.0)
    # An SC-WRES ratio and the NHS WRES ratio of the same counts get the same status.
    assert stats.status_for(forward.value, "lower", ci=forward.ci) == stats.status_for(backward.value, "higher",
                                                                                        ci=backward.ci)
