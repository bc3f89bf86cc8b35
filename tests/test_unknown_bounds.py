"""Whether a finding survives the people whose group is not known (issue 23): bounds and verdicts worked by hand,
and, over generated counts, the bounds against a brute force over every assignment of the unknown people."""

import datetime as dt
import json
import subprocess
import sys
from itertools import product
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data_loaders.comparison import DISABILITY, ETHNICITY
from metrics.counts import FigureSet, Period
from metrics.publish import publish_result
from metrics.results import compute_results
from metrics.settings import Settings
from metrics.unknown_bounds import difference_bounds, ratio_bounds, share_bounds, unknown_bounds, verdict

ROOT = Path(__file__).resolve().parent.parent
PERIOD = Period(dt.date(2025, 4, 1), dt.date(2026, 3, 31))
SC, NHS, WDES = Settings(), Settings(standard="nhs-wres"), Settings(standard="wdes")
FEW = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def result(metric, rows, standard=SC, item=""):
    groups = ("disabled", "non_disabled", "not_declared") if standard is WDES else ("bme", "white", "unknown")
    counts = pd.DataFrame([(metric, item, g, e, b) for g, (e, b) in zip(groups, rows, strict=True)],
                          columns=["metric", "item", "group", "events", "base"])
    fs = FigureSet("Test council", PERIOD, counts, available=frozenset({metric}),
                   comparison=DISABILITY if standard is WDES else ETHNICITY)
    return compute_results(fs, standard)[metric]


# Worked by hand --------------------------------------------------------------------------------------


def test_appointment_straddling_parity():
    # BME 30 of 120 shortlisted appointed (25%), white 70 of 200 (35%): 0.714. Unknown: 20 appointed, 20 not.
    r = result("M2", [(30, 120), (70, 200), (20, 40)])
    assert r.value == pytest.approx(0.25 / 0.35)
    b = unknown_bounds(r)
    # Highest: the 20 appointed BME, the 20 not appointed white: (50/140) / (70/220) = 11000/9800.
    # Lowest: the 20 appointed white, the 20 not appointed BME: (30/140) / (90/220) = 6600/12600.
    assert (b.low, b.high) == pytest.approx((6600 / 12600, 11000 / 9800))
    assert b.unknown == 40 and b.known == 320
    v = verdict(r, SC)
    assert v.holds is False and v.side is None
    # With k left unknown (k/2 appointed), the highest is under 1 while (30 + k/2)(200 + k/2) < 70(120 + k/2):
    # k/2 < 13.81, so k = 27 at most; 333 of the 360 known: 92.5%, against 320 of 360 (88.9%) now.
    assert v.declaration_needed == pytest.approx(100 * 333 / 360)
    assert v.declaration_now == pytest.approx(100 * 320 / 360)
    assert v.words == ("Depends on the 40 people whose ethnicity is not known: between 0.52 and 1.12; it would "
                       "stand with a declaration rate of 92.5% (now 88.9%).")


def test_appointment_holding_whatever_the_unknown_are_under_both_standards():
    # The same known counts; unknown 4 appointed of 16.
    rows = [(30, 120), (70, 200), (4, 16)]
    sc = result("M2", rows)
    # Highest (34/124) / (70/212) = 7208/8680; lowest (30/132) / (74/204) = 6120/9768.
    assert (unknown_bounds(sc).low, unknown_bounds(sc).high) == pytest.approx((6120 / 9768, 7208 / 8680))
    v = verdict(sc, SC)
    assert v.holds is True and v.side is None  # 0.63 is adverse, 0.83 within the range
    assert v.declaration_needed == v.declaration_now == pytest.approx(100 * 320 / 336)
    assert v.words == "Holds whatever the 16 people whose ethnicity is not known are: between 0.63 and 0.83."
    # The NHS WRES puts white staff's rate on top: the bounds are the reciprocals.
    nhs = result("M2", rows, NHS)
    assert (unknown_bounds(nhs).low, unknown_bounds(nhs).high) == pytest.approx((8680 / 7208, 9768 / 6120))
    assert verdict(nhs, NHS).words.startswith("Holds whatever the 16 people whose ethnicity is not known are: "
                                              "between 1.20 and 1.60")


def test_nobody_unknown_the_bounds_are_the_value():
    r = result("M2", [(30, 120), (70, 200), (0, 0)])
    b = unknown_bounds(r)
    assert b.low == b.high == pytest.approx(0.25 / 0.35) and b.unknown == 0
    v = verdict(r, SC)
    assert v.words == "Nobody whose ethnicity is not known is left out."
    assert v.declaration_now == v.declaration_needed == 100


def test_zero_events():
    # No BME staff entering disciplinary: 0 of 100, white 5 of 200; unknown 2 of 20.
    r = result("M3", [(0, 100), (5, 200), (2, 20)])
    assert r.value == 0
    # Lowest 0; highest (2/102) / (5/218) = 436/510.
    assert (unknown_bounds(r).low, unknown_bounds(r).high) == pytest.approx((0, 436 / 510))
    assert verdict(r, SC).holds is True
    # With no events in the bottom group, the ratio has no value, and could be unbounded: none at all of the
    # white would make it infinite. Lowest (2/117) / (3/203) = 406/351; no upper limit.
    low, high = ratio_bounds((2, 100), (0, 200), (3, 20))
    assert low == pytest.approx(406 / 351) and high is None
    assert verdict(result("M3", [(2, 100), (0, 200), (3, 20)]), SC) is None  # no value, no verdict


def test_leavers_not_among_their_base():
    # M8: BME 20 leavers over an average headcount of 200, white 30 over 600: 2.00; unknown 5 leavers over 50. The
    # leavers and the headcount are split apart. Highest: the 5 BME, the 50 white: (25/200) / (30/650); lowest the
    # reverse: (20/250) / (35/600).
    r = result("M8", [(20, 200), (30, 600), (5, 50)])
    assert r.value == pytest.approx(2.0)
    assert (unknown_bounds(r).low, unknown_bounds(r).high) == pytest.approx((12000 / 8750, 16250 / 6000))
    assert verdict(r, SC).words == ("Holds whatever the people whose ethnicity is not known are (leavers 5, average "
                                    "headcount 50): between 1.37 and 2.71, wholly in the adverse range.")


def test_survey_question():
    # M6: BME 40 of 100 say yes, white 60 of 200; unknown 5 of 30. 1.33.
    r = result("M6", [(40, 100), (60, 200), (5, 30)], item="public")
    assert r.value == pytest.approx(4 / 3)
    # Highest (45/105) / (60/225) = 10125/6300; lowest (40/125) / (65/205) = 8200/8125.
    assert (unknown_bounds(r).low, unknown_bounds(r).high) == pytest.approx((8200 / 8125, 10125 / 6300))
    assert verdict(r, SC).words == ("Holds whatever the 30 people whose ethnicity is not known are: between 1.01 "
                                    "and 1.61.")


def test_senior_managers_difference_in_points():
    # M9: senior managers BME 5, white 45, unknown 2; workforce BME 300, white 600, unknown 100. 10% - 33.3%.
    r = result("M9", [(5, 300), (45, 600), (2, 100)])
    assert r.value == pytest.approx(10 - 100 / 3)
    # Every senior manager and every member of staff counted: 52 and 1,000. x of the 2 unknown seniors and y of
    # the 98 other unknown staff are BME: 100(5 + x)/52 - 100(300 + x + y)/1000, at its corners:
    corners = [100 * (5 + x) / 52 - (300 + x + y) / 10 for x in (0, 2) for y in (0, 98)]
    b = unknown_bounds(r)
    assert (b.low, b.high) == pytest.approx((min(corners), max(corners)))
    assert (b.low, b.high) == pytest.approx((500 / 52 - 39.8, 700 / 52 - 30.2))  # -30.2 and -16.7
    v = verdict(r, SC)
    # The range is -6.7 to +8.3 points of a 33.3% workforce: -16.7 is below it, and low is adverse.
    assert v.holds is True and v.side == "adverse"
    assert v.words == ("Holds whatever the 100 people whose ethnicity is not known are: between -30.2 and -16.7 "
                       "points, wholly in the adverse range.")


def test_a_difference_need_not_contain_the_value_with_the_unknown_left_out():
    # 1 BME senior manager and no white; 10 unknown, all senior; workforce 10 BME, 10 white, 10 unknown. Left out,
    # +50 points (100% less 50%); but 11 seniors of 30 staff whichever way the 10 fall: 1/11 - 10/30 at the
    # lowest, 11/11 - 20/30 at the highest.
    low, high = difference_bounds((1, 10), (0, 10), (10, 10))
    assert (low, high) == pytest.approx((100 / 11 - 100 / 3, 100 - 200 / 3))
    assert high < 50


def test_wdes_not_declared():
    # D3 capability: disabled 6 of 200, non-disabled 10 of 800: 2.4; not declared 2 of 100.
    r = result("D3", [(6, 200), (10, 800), (2, 100)], WDES)
    assert r.value == pytest.approx(2.4)
    # Highest (8/202) / (10/898) = 7184/2020; lowest (6/298) / (12/802) = 4812/3576.
    assert (unknown_bounds(r).low, unknown_bounds(r).high) == pytest.approx((4812 / 3576, 7184 / 2020))
    assert verdict(r, WDES).words == ("Holds whatever the 100 people whose disability status is not declared are: "
                                      "between 1.35 and 3.56, wholly in the adverse range.")


def test_wdes_straddling():
    # Disabled 3 of 50, non-disabled 10 of 800: 4.8; not declared 5 of 150. Lowest (3/195) / (15/805) = 0.83.
    r = result("D3", [(3, 50), (10, 800), (5, 150)], WDES)
    assert unknown_bounds(r).low == pytest.approx(2415 / 2925)
    v = verdict(r, WDES)
    # With k not declared (k/30 of them in capability), the lowest stays above 1 while
    # 3(800 + t) > (10 + t)(50 + 29t), t = k/30: 29t^2 + 337t - 1900 < 0, t < 4.153, k = 124 at most;
    # 876 of 1,000 declared (now 850).
    assert v.holds is False
    assert v.declaration_needed == pytest.approx(87.6) and v.declaration_now == pytest.approx(85.0)


def test_score_has_no_bounds_and_says_why():
    counts = pd.DataFrame([("D9A", "mean", "disabled", 6.0, 100), ("D9A", "mean", "non_disabled", 7.0, 300),
                           ("D9A", "mean", "not_declared", 6.5, 20), ("D9A", "sd", "disabled", 1.0, 100),
                           ("D9A", "sd", "non_disabled", 1.0, 300), ("D9A", "sd", "not_declared", 1.0, 20)],
                          columns=["metric", "item", "group", "events", "base"])
    fs = FigureSet("Test", PERIOD, counts, available=frozenset({"D9A"}), comparison=DISABILITY)
    r = compute_results(fs, WDES)["D9A"]
    assert r.value == pytest.approx(-1.0)
    assert unknown_bounds(r) is None
    assert "No bounds" in verdict(r, WDES).words and "each person's score" in verdict(r, WDES).words


def test_share_bounds():
    # WDES 8: 30 of 50 disabled staff say yes; 4 of 10 not declared: the 4 yes in, the 6 no out: 34/54; the
    # reverse: 30/56.
    assert share_bounds((30, 50), (4, 10)) == pytest.approx((100 * 30 / 56, 100 * 34 / 54))


def test_published_bounds_follow_the_withheld_counts():
    # The unknown group's 3 appointed are under the threshold of 10: withheld, and so are the bounds, which would
    # give them away; the figure itself, resting on the known groups, is published.
    published = publish_result(result("M2", [(30, 120), (70, 200), (3, 30)]), SC)
    assert published.groups["unknown"].events is None and published.value is not None
    assert unknown_bounds(published) is None
    assert "withheld" in verdict(published, SC).words
    # The unknown count withheld as data quality: the bounds too, whatever the groups show.
    from dataclasses import replace

    from metrics.counts import DataQuality

    counted = result("M2", [(30, 120), (70, 200), (12, 30)])
    assert unknown_bounds(replace(counted, quality=DataQuality(total=None, unknown=None))) is None
    # 12 appointed of 30: every count shown, and the bounds with them, as on screen.
    shown = publish_result(result("M2", [(30, 120), (70, 200), (12, 30)]), SC)
    assert unknown_bounds(shown) == unknown_bounds(result("M2", [(30, 120), (70, 200), (12, 30)]))


# Over generated counts ---------------------------------------------------------------------------------


@st.composite
def group(draw, min_events=0, max_base=40, min_base=1):
    base = draw(st.integers(min_base, max_base))
    return (draw(st.integers(min_events, base)), base)


def ratios_of_every_assignment(top, bottom, unknown, among):
    (a_e, a_b), (b_e, b_b), (u_e, u_b) = top, bottom, unknown
    if among:
        splits = ((x, x + y) for x, y in product(range(u_e + 1), range(u_b - u_e + 1)))
    else:
        splits = product(range(u_e + 1), range(u_b + 1))
    return [((a_e + x) / (a_b + z)) / ((b_e + u_e - x) / (b_b + u_b - z)) for x, z in splits]


@FEW
@given(group(), group(min_events=1), group(max_base=6, min_base=0), st.booleans())
def test_ratio_bounds_are_the_extremes_of_every_assignment(top, bottom, unknown, among):
    low, high = ratio_bounds(top, bottom, unknown, events_among_base=among)
    every = ratios_of_every_assignment(top, bottom, unknown, among)
    assert (low, high) == pytest.approx((min(every), max(every)))
    left_out = (top[0] / top[1]) / (bottom[0] / bottom[1])
    assert low <= left_out * (1 + 1e-12) and left_out <= high * (1 + 1e-12)
    nobody = ratio_bounds(top, bottom, (0, 0), events_among_base=among)
    assert nobody == pytest.approx((left_out, left_out))


@FEW
@given(group(min_events=1), group(), group(max_base=6, min_base=0), st.booleans())
def test_difference_bounds_are_the_extremes_of_every_assignment(focus, reference, unknown, among):
    (a_e, a_b), (b_e, b_b), (u_e, u_b) = focus, reference, unknown
    events, base = a_e + b_e + u_e, a_b + b_b + u_b
    splits = (((x, x + y) for x, y in product(range(u_e + 1), range(u_b - u_e + 1))) if among
              else product(range(u_e + 1), range(u_b + 1)))
    every = [100 * (a_e + x) / events - 100 * (a_b + z) / base for x, z in splits]
    assert difference_bounds(focus, reference, unknown, events_among_base=among) == pytest.approx(
        (min(every), max(every)))
    left_out = 100 * a_e / (a_e + b_e) - 100 * a_b / (a_b + b_b)
    assert difference_bounds(focus, reference, (0, 0), events_among_base=among) == pytest.approx(
        (left_out, left_out))
    if not among:  # the proportional split is one of the assignments' convex hull: the value lies inside
        low, high = difference_bounds(focus, reference, unknown, events_among_base=False)
        assert low - 1e-9 <= left_out <= high + 1e-9


@FEW
@given(group(), group(max_base=6, min_base=0))
def test_share_bounds_are_the_extremes_of_every_assignment(own, unknown):
    (a_e, a_b), (u_e, u_b) = own, unknown
    every = [100 * (a_e + x) / (a_b + x + y) for x, y in product(range(u_e + 1), range(u_b - u_e + 1))]
    low, high = share_bounds(own, unknown)
    assert (low, high) == pytest.approx((min(every), max(every)))
    assert low - 1e-9 <= 100 * a_e / a_b <= high + 1e-9


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(group(min_base=10), group(min_events=1, min_base=10), group(max_base=6, min_base=0))
def test_verdict_holds_only_when_every_assignment_is_on_the_findings_side(bme, white, unknown):
    r = result("M2", [bme, white, unknown])
    v = verdict(r, SC)
    if r.value is None or v is None or not unknown[1]:
        return
    every = ratios_of_every_assignment(bme, white, unknown, True)
    same_side = all(x > 1 for x in every) if r.value > 1 else all(x < 1 for x in every) if r.value < 1 else False
    assert v.holds is same_side
    if r.value == 1:  # at parity there is no finding to stand
        assert v.declaration_needed is None
    else:
        assert v.declaration_now <= v.declaration_needed <= 100


# The command line ----------------------------------------------------------------------------------------


def test_command_line_json_on_the_sample_council():
    def run(*args):
        completed = subprocess.run([sys.executable, "-m", "metrics", *args, "--json"], cwd=ROOT, capture_output=True,
                                   text=True, timeout=120, check=False)
        assert completed.returncode == 0, completed.stderr
        return json.loads(completed.stdout)["metrics"]

    full = run()
    m2 = full["M2"]
    # BME 39 of 153 appointed, white 82 of 252, unknown 9 of 29 (20 not appointed).
    assert [m2["groups"][g]["events"] for g in ("bme", "white", "unknown")] == [39, 82, 9]
    assert [m2["groups"][g]["base"] for g in ("bme", "white", "unknown")] == [153, 252, 29]
    # Highest (48/162) / (82/272); lowest (39/173) / (91/261).
    assert m2["unknown_bounds"] == pytest.approx([39 * 261 / (173 * 91), 48 * 272 / (162 * 82)])
    assert m2["unknown_verdict"] == ("Holds whatever the 29 people whose ethnicity is not known are: between 0.65 "
                                     "and 0.98.")
    assert "unknown_bounds" not in full["M1"]  # no single figure
    assert all("unknown_bounds" in q for q in full["M7"]["questions"].values())
    published = run("--suppress", "10")
    # Published, the unknown group's appointed are withheld: so are the bounds that would reveal them; the figure
    # itself is shown.
    assert published["M2"]["groups"]["unknown"]["events"] is None and published["M2"]["value"] is not None
    assert published["M2"]["unknown_bounds"] is None and "withheld" in published["M2"]["unknown_verdict"]
    # Where every count is shown, so are the bounds, as on screen.
    assert published["M5"]["groups"]["unknown"]["events"] is not None
    assert published["M5"]["unknown_bounds"] == pytest.approx(full["M5"]["unknown_bounds"])


# The app -----------------------------------------------------------------------------------------------


def test_the_recruitment_page_and_the_overview_give_the_verdict(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from ui.apptest import served_navigation
    from ui.safe import plain

    monkeypatch.setenv("WRES_DATABASE_URL", f"sqlite:///{tmp_path / 'wres.sqlite'}")
    with served_navigation():
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
        assert not at.exception, at.exception
        # The overview: the sample council's appointment ratio holds whatever its 29 unknown are (worked by hand in
        # test_command_line_json_on_the_sample_council), with its icon beside the words.
        cells = [m.value for m in at.markdown if "If the unknown were known: </span>" in m.value]
        assert len(cells) == 9
        assert cells[1].endswith(":material/verified: Holds whatever the 29 unknown are")
        assert cells[0].endswith("–")  # the pay bands: no single figure
        at.switch_page("pages/recruitment.py").run()
        assert not at.exception, at.exception
        captions = [plain(c.value) for c in at.caption]
        assert ("**If the unknown were known.** Holds whatever the 29 people whose ethnicity is not known are: "
                "between 0.65 and 0.98.") in captions


# The board pack ----------------------------------------------------------------------------------------


def test_the_board_pack_gives_the_verdict_as_the_figures_are_published(tmp_path):
    from pypdf import PdfReader

    from pipeline.api import analyse_paths
    from reports.content import build_content, unknown_lines
    from reports.pdf import write_pdf

    analysis = analyse_paths()
    internal = build_content(analysis, publish_safe=False, pay_gaps=False)
    line = ("If the unknown were known: Holds whatever the 29 people whose ethnicity is not known are: between 0.65 "
            "and 0.98.")
    assert unknown_lines(internal.metrics["M2"], internal.settings, False) == [line]
    assert unknown_lines(internal.metrics["M1"], internal.settings, False) == []  # no single figure
    published = build_content(analysis, pay_gaps=False)
    # Published, the unknown group's appointed are withheld, so the bounds are too.
    (withheld,) = unknown_lines(published.metrics["M2"], published.settings, True)
    assert "withheld" in withheld and "between" not in withheld
    write_pdf(internal, tmp_path / "pack.pdf")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(str(tmp_path / "pack.pdf")).pages)
    assert line in text
    # The workbook under the figure, the slides in the metric's notes (its points box is full at the smallest size).
    from openpyxl import load_workbook
    from pptx import Presentation

    from reports.excel import sheet_name, write_excel
    from reports.pptx import write_pptx

    write_excel(internal, tmp_path / "pack.xlsx")
    sheet = load_workbook(tmp_path / "pack.xlsx", read_only=True)[sheet_name(internal.metrics["M2"].definition)]
    assert line in [row[0] for row in sheet.iter_rows(values_only=True) if row]
    write_pptx(internal, tmp_path / "pack.pptx")
    notes = [slide.notes_slide.notes_text_frame.text for slide in Presentation(str(tmp_path / "pack.pptx")).slides
             if slide.has_notes_slide]
    assert sum(line in n for n in notes) == 1  # M2's slide alone


# Trends ------------------------------------------------------------------------------------------------


def test_trends_give_each_years_bounds_and_verdict():
    from charts.trends import trend
    from metrics.trends import history, trend_table
    from metrics.unknown_bounds import HEADING

    def year(end, unknown):
        rows = [("M2", "", g, e, b) for g, (e, b) in zip(("bme", "white", "unknown"),
                                                          [(30, 120), (70, 200), unknown], strict=True)]
        counts = pd.DataFrame(rows, columns=["metric", "item", "group", "events", "base"])
        return FigureSet("Test council", Period.twelve_months_to(end), counts, available=frozenset({"M2"}))

    years = history([year(dt.date(2025, 3, 31), (20, 40)), year(dt.date(2026, 3, 31), (4, 16))], SC)
    table = trend_table(years, SC)
    # Worked in test_appointment_straddling_parity and test_appointment_holding_whatever_the_unknown_are_...
    assert list(table["unknown_low"]) == pytest.approx([6600 / 12600, 6120 / 9768])
    assert list(table["unknown_high"]) == pytest.approx([11000 / 9800, 7208 / 8680])
    assert list(table["unknown_verdict"]) == ["depends on the 40 unknown", "holds whatever the 16 unknown are"]
    assert list(trend(years, "M2", SC).table[HEADING]) == list(table["unknown_verdict"])


# Pay gaps ----------------------------------------------------------------------------------------------


def test_pay_gap_bounds_worked_by_hand():
    import metrics.paygap as pg

    # Disabled 15 and 17 an hour, non-disabled 20 and 20, one person not saying at 5.
    frame = pd.DataFrame({"disability": ["No", "No", "Yes", "Yes", "Prefer not to say"],
                          "ordinary_pay": [20.0, 20.0, 15.0, 17.0, 5.0], "weekly_hours": 1.0,
                          "pay_period_days": 7.0, "bonus_pay": 0.0})
    people = pg.relevant_employees(frame, dt.date(2026, 3, 31))
    gap = pg.pay_gaps(people, pg.disability_grouping(people.frame), pg.Bootstrap(resamples=0)).gaps["disabled"]
    assert gap.mean_pct == pytest.approx(20.0)
    # Mean: the 5 with the non-disabled, 15 on average against 16: -6.7%; with the disabled, 12.33 against 20: 38.3%.
    # Depends on the one person, from a gap against disabled staff to one in their favour.
    assert gap.unknown_bounds["mean_pct"] == pytest.approx((100 * (1 - 16 / 15), 100 * (1 - 37 / 3 / 20)))
    # Median: 16 against 20 (20%), or 15 against 20 (25%): a gap whatever they are.
    assert gap.unknown_bounds["median_pct"] == pytest.approx((20.0, 25.0))
    # In words, as the Pay gaps page gives them under the gaps.
    result = pg.pay_gaps(people, pg.disability_grouping(people.frame), pg.Bootstrap(resamples=0))
    assert pg.unknown_sentence(result, "disabled", "mean_pct") == (
        "If the unknown were known: with the people whose disability status is not declared in either group, the "
        "mean hourly pay gap would lie between -6.7% and 38.3%: it depends on them.")
    assert pg.unknown_sentence(result, "disabled", "median_pct") == (
        "If the unknown were known: with the people whose disability status is not declared in either group, the "
        "median hourly pay gap would lie between 20.0% and 25.0%: a gap the same way whatever they are.")
    assert pg.unknown_sentence(result, "disabled", "bonus_mean_pct") is None


def test_pay_gap_bounds_in_the_command_lines_json_and_not_when_published(tmp_path):
    path = tmp_path / "pay.csv"
    pd.DataFrame({"disability": ["No", "No", "Yes", "Yes", "Prefer not to say"],
                  "ordinary_pay": [20.0, 20.0, 15.0, 17.0, 5.0], "weekly_hours": 1.0, "pay_period_days": 7.0,
                  "bonus_pay": 0.0}).to_csv(path, index=False)

    def run(*extra):
        completed = subprocess.run([sys.executable, "-m", "metrics", "paygap", str(path), "--by", "disability",
                                    "--snapshot", "2026-03-31", "--json", *extra], cwd=ROOT, capture_output=True,
                                   text=True, timeout=120, check=False)
        assert completed.returncode == 0, completed.stderr
        return completed.stdout

    bounds = json.loads(run())["gaps"]["disabled"]["unknown_bounds"]
    # As worked in test_pay_gap_bounds_worked_by_hand.
    assert bounds["mean_pct"] == pytest.approx([100 * (1 - 16 / 15), 100 * (1 - 37 / 3 / 20)])
    assert bounds["median_pct"] == pytest.approx([20.0, 25.0])
    # Published, they are left out: a bound can be one unknown person's rate of pay.
    assert "unknown_bounds" not in run("--suppress", "2")


def test_pay_gap_bounds_only_where_the_two_groups_hold_everyone_known():
    import metrics.paygap as pg

    labels = ["White British"] * 4 + ["Indian"] * 3 + ["African", "Caribbean"] + ["Not stated"]
    frame = pd.DataFrame({"ethnicity": labels, "ordinary_pay": [20.0] * 4 + [10.0] * 3 + [16.0, 16.0] + [1.0],
                          "weekly_hours": 1.0, "pay_period_days": 7.0, "bonus_pay": 0.0})
    people = pg.relevant_employees(frame, dt.date(2026, 3, 31))
    result = pg.pay_gaps(people, pg.ethnicity_grouping(people.frame, threshold=3), pg.Bootstrap(resamples=0))
    # Minority ethnic (10, 10, 10, 16, 16) against White (20 x 4), the 1 not stated: with White, 12.4 against
    # 16.2; with minority ethnic, 10.5 against 20.
    assert result.gaps[pg.MINORITY_ETHNIC].unknown_bounds["mean_pct"] == pytest.approx(
        (100 * (1 - 12.4 / 16.2), 100 * (1 - 10.5 / 20)))
    # The Indian group beside others: the person not stated could be in a third group.
    assert result.gaps["Asian, Asian British or Asian Welsh: Indian"].unknown_bounds == {}


@FEW
@given(st.lists(st.integers(1, 30), min_size=1, max_size=5), st.lists(st.integers(1, 30), min_size=1, max_size=5),
       st.lists(st.integers(1, 30), max_size=6), st.sampled_from(["mean", "median"]))
def test_pay_gap_bounds_are_the_extremes_of_every_split(group, reference, unknown, statistic):
    import statistics

    from metrics.unknown_bounds import pay_gap_bounds

    measure = statistics.fmean if statistic == "mean" else statistics.median
    every = []
    for chosen in product((False, True), repeat=len(unknown)):
        g = group + [u for u, c in zip(unknown, chosen, strict=True) if c]
        r = reference + [u for u, c in zip(unknown, chosen, strict=True) if not c]
        every.append(100 * (1 - measure(g) / measure(r)))
    assert pay_gap_bounds(group, reference, unknown, statistic) == pytest.approx((min(every), max(every)))
    left_out = 100 * (1 - measure(group) / measure(reference))
    assert pay_gap_bounds(group, reference, [], statistic) == pytest.approx((left_out, left_out))
