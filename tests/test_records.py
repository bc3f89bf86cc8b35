"""Counting from records: a small council worked by hand, person by person."""

import datetime as dt

import pandas as pd
import pytest

from metrics.counts import FigureSet, Period, empty_counts
from metrics.records import assumed_period_end, figures_from_records, in_post
from metrics.results import compute_results
from metrics.settings import Settings

WHITE, BME, UNKNOWN = "A White - British", "N Black or Black British - African", "Z Not Stated"
END = dt.date(2026, 3, 31)
SETTINGS = Settings(period_end=END)


def person(pid, ethnicity, band, service="Adults", start="2020-01-01", leave=None, senior=False,
           regulated=False, salary=None):
    return {
        "employee_id": str(pid), "ethnicity": ethnicity, "pay_band": band, "service": service,
        "start_date": pd.Timestamp(start) if start else pd.NaT,
        "leave_date": pd.Timestamp(leave) if leave else pd.NaT,
        "senior_manager": senior, "regulated_professional": regulated, "salary": salary,
    }


def staff_frame():
    people = []
    pid = 0

    def add(n, *args, **kwargs):
        nonlocal pid
        for _ in range(n):
            pid += 1
            people.append(person(pid, *args, **kwargs))

    # In post throughout: white 10 in Grade 3, 8 in Grade 8 (4 regulated), 2 senior in SM1.
    add(10, WHITE, "Grade 3")
    add(4, WHITE, "Grade 8", regulated=True, service="Children's")
    add(4, WHITE, "Grade 8")
    add(2, WHITE, "SM1", senior=True)
    # BME: 9 in Grade 3, 3 in Grade 8 (all regulated, children's).
    add(9, BME, "Grade 3")
    add(3, BME, "Grade 8", regulated=True, service="Children's")
    add(3, UNKNOWN, "Grade 3")
    # Leavers in the year: 2 white (October), 3 BME (June); one BME starter in September.
    add(2, WHITE, "Grade 3", leave="2025-10-01")
    add(3, BME, "Grade 3", leave="2025-06-30")
    add(1, BME, "Grade 3", start="2025-09-01")
    # Left before the period: in neither headcount, not a leaver of this year.
    add(1, WHITE, "Grade 3", leave="2025-01-15")
    return pd.DataFrame(people).astype({"senior_manager": "boolean", "regulated_professional": "boolean"})


def test_in_post_on_a_date():
    staff = staff_frame()
    assert int(in_post(staff, END).sum()) == 20 + 12 + 3 + 1  # 36
    assert int(in_post(staff, dt.date(2025, 4, 1)).sum()) == 20 + 12 + 3 + 5  # 40
    no_start = staff.assign(start_date=pd.NaT)
    # With no start dates, everyone counts from the beginning: the September starter too,
    # but still not the one who left in January 2025.
    assert int(in_post(no_start, dt.date(2025, 4, 1)).sum()) == 41


def test_pay_bands_leavers_and_senior_managers_by_hand():
    figures = figures_from_records({"staff": staff_frame()}, SETTINGS)
    assert figures.period == Period(dt.date(2025, 4, 1), END)
    results = compute_results(figures, SETTINGS)

    bands = {b.band: b for b in results["M1"].bands}
    assert list(bands) == ["Grade 3", "Grade 8", "SM1"]  # natural order
    assert bands["Grade 3"].counts == {"bme": 10, "white": 10, "unknown": 3}
    assert bands["Grade 3"].pct["bme"] == pytest.approx(100 * 10 / 23)
    assert bands["Grade 8"].counts == {"bme": 3, "white": 8, "unknown": 0}
    assert results["M1"].overall.counts == {"bme": 13, "white": 20, "unknown": 3}

    # M8: white 2 leavers over (22 + 20) / 2 = 21; BME 3 over (15 + 13) / 2 = 14.
    m8 = results["M8"]
    assert m8.groups["white"].events == 2 and m8.groups["white"].base == 21
    assert m8.groups["bme"].events == 3 and m8.groups["bme"].base == 14
    assert m8.value == pytest.approx((3 / 14) / (2 / 21))  # 2.25

    # M9: 2 of 20 white staff are senior, 0 of 13 BME: 0% of senior managers against
    # 13 / 33 = 39.4% of the workforce.
    m9 = results["M9"]
    assert m9.senior_pct == 0
    assert m9.workforce_pct == pytest.approx(100 * 13 / 33)
    assert m9.value == pytest.approx(-100 * 13 / 33)
    assert m9.ratio.value == 0 and m9.status == "adverse, could be chance"
    # 0 of 2 senior managers: Wilson 0% to 65.8%, so -39.4 to +26.4 points, which includes 0.
    assert m9.ci[0] < 0 < m9.ci[1]


def test_events_join_staff_count_people_and_keep_to_the_period():
    staff = staff_frame()
    bme_ids = staff.loc[(staff["ethnicity"] == BME) & staff["leave_date"].isna(), "employee_id"].tolist()
    white_ids = staff.loc[(staff["ethnicity"] == WHITE) & staff["leave_date"].isna(), "employee_id"].tolist()
    disciplinary = pd.DataFrame({
        "employee_id": [bme_ids[0], bme_ids[0], bme_ids[1], white_ids[0], white_ids[1]],
        # The second white case opened before the period: not counted.
        "date": pd.to_datetime(["2025-05-01", "2025-11-01", "2026-01-10", "2025-07-07", "2024-12-01"]),
    })
    figures = figures_from_records({"staff": staff, "disciplinary": disciplinary}, SETTINGS)
    m3 = compute_results(figures, SETTINGS)["M3"]
    # BME: 2 people (one had two cases) of 13; white: 1 of 20.
    assert (m3.groups["bme"].events, m3.groups["bme"].base) == (2, 13)
    assert (m3.groups["white"].events, m3.groups["white"].base) == (1, 20)
    assert m3.value == pytest.approx((2 / 13) / (1 / 20))


def test_fitness_to_practise_is_over_regulated_professionals():
    staff = staff_frame()
    regulated_bme = staff.loc[(staff["ethnicity"] == BME) & staff["regulated_professional"].fillna(False),
                              "employee_id"].tolist()
    ftp = pd.DataFrame({"employee_id": regulated_bme[:1], "date": pd.to_datetime(["2025-08-08"])})
    figures = figures_from_records({"staff": staff, "fitness_to_practise": ftp}, SETTINGS.with_(min_group_size=1))
    m4 = compute_results(figures, SETTINGS.with_(min_group_size=1))["M4"]
    assert (m4.groups["bme"].events, m4.groups["bme"].base) == (1, 3)
    assert (m4.groups["white"].events, m4.groups["white"].base) == (0, 4)
    assert m4.value is None  # no white referrals: no ratio


def test_recruitment_counts_shortlisted_only():
    recruitment = pd.DataFrame({
        "ethnicity": [BME] * 5 + [WHITE] * 5 + [UNKNOWN] * 2,
        "shortlisted": pd.array([True, True, True, True, False, True, True, True, False, False, True, None],
                                dtype="boolean"),
        "appointed": pd.array([True, False, False, False, False, True, True, False, False, False, True, False],
                              dtype="boolean"),
    })
    figures = figures_from_records({"recruitment": recruitment}, SETTINGS)
    m2 = compute_results(figures, SETTINGS.with_(min_group_size=1))["M2"]
    assert (m2.groups["bme"].events, m2.groups["bme"].base) == (1, 4)
    assert (m2.groups["white"].events, m2.groups["white"].base) == (2, 3)
    assert (m2.groups["unknown"].events, m2.groups["unknown"].base) == (1, 1)
    assert m2.value == pytest.approx((1 / 4) / (2 / 3))  # 0.375
    assert any("no shortlisting outcome" in note for note in figures.notes)


def test_survey_questions_count_those_who_answered():
    survey = pd.DataFrame({
        "ethnicity": [BME] * 4 + [WHITE] * 6,
        "harassment_public": pd.array([True, True, False, None, True, False, False, False, False, False],
                                      dtype="boolean"),
        "harassment_managers": pd.array([True] * 2 + [False] * 2 + [True] + [False] * 5, dtype="boolean"),
    })
    figures = figures_from_records({"survey": survey}, SETTINGS)
    results = compute_results(figures, SETTINGS.with_(min_group_size=1))
    public = results["M6"]
    assert (public.groups["bme"].events, public.groups["bme"].base) == (2, 3)  # one did not answer
    assert (public.groups["white"].events, public.groups["white"].base) == (1, 6)
    assert public.value == pytest.approx((2 / 3) / (1 / 6))  # 4.0
    assert set(results["M7"].questions) == {"managers"}  # colleagues was not asked


def test_filter_by_service_applies_to_staff_and_joined_events():
    staff = staff_frame()
    figures = figures_from_records({"staff": staff}, SETTINGS, filters={"service": ["Children's"]})
    m1 = compute_results(figures, SETTINGS)["M1"]
    assert m1.overall.counts == {"bme": 3, "white": 4, "unknown": 0}
    assert figures.filters == {"service": ["Children's"]}
    recruitment = pd.DataFrame({"ethnicity": [BME], "shortlisted": pd.array([True], dtype="boolean"),
                                "appointed": pd.array([True], dtype="boolean")})
    filtered = figures_from_records({"recruitment": recruitment}, SETTINGS, filters={"service": ["Adults"]})
    assert "M2" not in filtered.available
    assert any("cannot be filtered by service" in note for note in filtered.notes)


def test_salary_bands_when_there_is_no_band_column():
    staff = pd.DataFrame({
        "ethnicity": [BME, WHITE, WHITE, BME],
        "salary": [22000.0, 29999.0, 71000.0, None],
    })
    figures = figures_from_records({"staff": staff}, SETTINGS)
    m1 = compute_results(figures, SETTINGS)["M1"]
    bands = {b.band: b.counts for b in m1.bands}
    assert bands == {
        "Under £25,000": {"bme": 1, "white": 0, "unknown": 0},
        "£25,000 to £29,999": {"bme": 0, "white": 1, "unknown": 0},
        "£70,000 and over": {"bme": 0, "white": 1, "unknown": 0},
    }
    assert any("neither a pay band nor a salary" in note for note in figures.notes)
    # With no senior-manager column, the senior bands setting decides: one white senior manager.
    m9 = figures.for_metric("M9").set_index("group")
    assert m9.loc["white", "events"] == 1 and m9.loc["bme", "events"] == 0


def test_white_minorities_setting():
    staff = pd.DataFrame({"ethnicity": ["B White - Irish", "A White - British", "H Asian or Asian British - Indian"],
                          "pay_band": ["G1", "G1", "G1"]})
    default = compute_results(figures_from_records({"staff": staff}, SETTINGS), SETTINGS)["M1"]
    assert default.overall.counts == {"bme": 1, "white": 2, "unknown": 0}
    as_bme = SETTINGS.with_(white_minorities_as_bme=True)
    changed = compute_results(figures_from_records({"staff": staff}, as_bme), as_bme)["M1"]
    assert changed.overall.counts == {"bme": 2, "white": 1, "unknown": 0}


def test_unrecognised_labels_are_reported_not_guessed():
    staff = pd.DataFrame({"ethnicity": ["Martian", "Martian", WHITE, None], "pay_band": ["G1"] * 4})
    figures = figures_from_records({"staff": staff}, SETTINGS)
    quality = figures.quality["M1"]
    assert quality.unrecognised == {"Martian": 2}
    assert quality.unknown == 3  # two unrecognised and one blank
    overridden = SETTINGS.with_(ethnicity_overrides={"Martian": "bme"})
    assert figures_from_records({"staff": staff}, overridden).quality["M1"].unknown == 1


def test_default_period_is_the_month_end_of_the_latest_date():
    frames = {"disciplinary": pd.DataFrame({"date": pd.to_datetime(["2025-06-01", "2026-03-28", "2031-01-01"])})}
    # 2031 is in the future: a typing error or a booked date, not the period's end.
    assumed = assumed_period_end(frames, today=dt.date(2026, 11, 23))
    assert assumed.end == dt.date(2026, 3, 31)
    assert assumed.reason == "the end of the month of the latest date in the disciplinary cases (28 March 2026)"
    figures = figures_from_records(frames, Settings(), today=dt.date(2026, 11, 23))
    assert figures.period == Period(dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert any(n.startswith("The period is assumed to end on 31 March 2026: the end of the month")
               for n in figures.notes)


# --- the period end assumed when none is given: worked examples ----------------------------------


def test_with_no_dates_at_all_the_period_ends_on_the_31_march_just_gone():
    staff = pd.DataFrame({"employee_id": ["1", "2"], "ethnicity": [WHITE, BME]})
    for today, end in [(dt.date(2026, 12, 6), dt.date(2026, 3, 31)), (dt.date(2026, 3, 31), dt.date(2026, 3, 31)),
                       (dt.date(2026, 3, 30), dt.date(2025, 3, 31))]:
        assumed = assumed_period_end({"staff": staff}, today=today)
        assert assumed.end == end, today
    assert assumed.reason == ("the 31 March just gone, the usual WRES snapshot date, as no file has dates of events "
                              "(applications, cases, referrals, courses or leaving)")
    assert assumed_period_end({}, today=dt.date(2026, 12, 6)).end == dt.date(2026, 3, 31)  # nothing read yet


def test_start_dates_alone_do_not_set_the_period_end():
    # The list was taken in December: its latest start date (September) says nothing about the snapshot date.
    staff = pd.DataFrame({"employee_id": ["1", "2", "3"], "ethnicity": [WHITE, BME, WHITE],
                          "start_date": pd.to_datetime(["2012-05-01", "2025-11-03", "2026-09-01"])})
    today = dt.date(2026, 12, 6)
    assumed = assumed_period_end({"staff": staff}, today=today)
    assert assumed.end == dt.date(2026, 3, 31)
    assert "staff start dates are not used, as they say when people joined" in assumed.reason
    # Counted at that snapshot, the September starter is not in post, and the notes say so.
    figures = figures_from_records({"staff": staff}, Settings(), today=today)
    assert figures.period.end == dt.date(2026, 3, 31)
    assert ("1 staff in the staff list started after the period end (31 March 2026), so are not counted as in post "
            "(the earliest: employee 3, starting 1 September 2026)." in figures.notes)


def test_when_everyone_starts_after_the_period_end_the_notes_say_so_and_blame_no_column():
    # A list whose start dates are all after the period end: the pay band column is there, the people are not in post.
    staff = pd.DataFrame({"employee_id": ["1", "2"], "ethnicity": [WHITE, BME],
                          "pay_band": pd.Categorical(["Grade 3", "Grade 5"]), "salary": [23000.0, 31000.0],
                          "start_date": pd.to_datetime(["2031-05-01", "2030-01-01"])})
    figures = figures_from_records({"staff": staff}, Settings(), today=dt.date(2026, 12, 6))
    assert figures.period.end == dt.date(2026, 3, 31)
    staff_notes = [n for n in figures.notes if not n.startswith(("The period is assumed", "Metric 8"))]
    assert staff_notes == [
        "Every one of the 2 staff in the staff list started after the period end (31 March 2026; the earliest: "
        "employee 2, starting 1 January 2030), so no one is in post at it and the metrics counted from staff in post "
        "(pay bands, senior managers, and the rates of metrics 3, 4, 5 and 8) have no one to count. Check the start "
        "dates in the file (a year typed wrongly, or the date of a contract change rather than of joining), or set the "
        "period end if the list is for a later date.",
        "No one in the staff list is in post at the period end (31 March 2026), so the pay bands (metric 1) and "
        "senior managers (metric 9) have no one to count.",
    ]
    assert not {"M1", "M9"} & figures.available
    # With a period end after the start dates, the same list is counted.
    later = figures_from_records({"staff": staff}, Settings(period_end=dt.date(2032, 3, 31)))
    assert "M1" in later.available
    assert not [n for n in later.notes if "period end" in n]


def test_the_pay_band_note_says_which_is_missing_the_columns_or_the_values():
    staff = pd.DataFrame({"employee_id": ["1", "2"], "ethnicity": [WHITE, BME]})
    assert ("The staff data has no pay band or salary column, so metric 1 cannot be shown."
            in figures_from_records({"staff": staff}, SETTINGS).notes)
    blank = staff.assign(pay_band=pd.Categorical([None, None], categories=["Grade 3"]), salary=[None, float("nan")])
    notes = figures_from_records({"staff": blank}, SETTINGS).notes
    assert ("None of the 2 staff in post at the period end has a pay band or a salary (those cells are blank or "
            "could not be read), so metric 1 cannot be shown." in notes)


def test_the_latest_leaving_date_sets_the_period_end():
    leavers = pd.DataFrame({"employee_id": ["1", "2", "3"], "ethnicity": [WHITE, BME, WHITE],
                            "leave_date": pd.to_datetime(["2025-07-31", "2026-03-14", "2027-01-31"])})
    staff = pd.DataFrame({"employee_id": ["4"], "ethnicity": [BME], "start_date": pd.to_datetime(["2026-06-01"]),
                          "leave_date": pd.to_datetime(["2025-12-19"])})
    today = dt.date(2026, 12, 6)
    assumed = assumed_period_end({"leavers": leavers}, today=today)
    assert assumed.end == dt.date(2026, 3, 31)  # January 2027 is a notice period, not evidence
    assert assumed.reason == "the end of the month of the latest leaving date in the leavers data (14 March 2026)"
    # Leaving dates in the staff list count too; the later one of the two files wins.
    later = staff.assign(leave_date=pd.to_datetime(["2026-05-02"]))
    assumed = assumed_period_end({"leavers": leavers, "staff": later}, today=today)
    assert (assumed.end, assumed.reason) == (
        dt.date(2026, 5, 31), "the end of the month of the latest leaving date in the staff list (2 May 2026)")
    # An event date outranks a later start date.
    assert assumed_period_end({"leavers": leavers, "staff": staff}, today=today).end == dt.date(2026, 3, 31)


def test_event_dates_only_after_today_fall_back_to_31_march_and_say_why():
    recruitment = pd.DataFrame({"ethnicity": [WHITE], "date": pd.to_datetime(["2027-02-01"])})
    assumed = assumed_period_end({"recruitment": recruitment}, today=dt.date(2026, 12, 6))
    assert assumed.end == dt.date(2026, 3, 31)
    assert "every date of an event in the files is after today" in assumed.reason


def test_a_counts_template_gives_its_period_when_the_records_have_no_event_dates():
    template = FigureSet("Template Council", Period.twelve_months_to(dt.date(2025, 3, 31)), empty_counts())
    staff = pd.DataFrame({"employee_id": ["1"], "ethnicity": [WHITE]})
    assumed = assumed_period_end({"staff": staff}, [template], today=dt.date(2026, 12, 6))
    assert (assumed.end, assumed.reason) == (dt.date(2025, 3, 31), "the end of the period the counts template gives")
    disciplinary = pd.DataFrame({"date": pd.to_datetime(["2026-02-10"])})
    assert assumed_period_end({"disciplinary": disciplinary}, [template], today=dt.date(2026, 12, 6)).end == (
        dt.date(2026, 2, 28))


def test_a_period_end_given_is_used_without_a_note():
    staff = pd.DataFrame({"employee_id": ["1"], "ethnicity": [WHITE]})
    figures = figures_from_records({"staff": staff}, Settings(period_end=dt.date(2025, 12, 31)))
    assert figures.period.end == dt.date(2025, 12, 31)
    assert not any("assumed" in n for n in figures.notes)


# --- categorical frames -------------------------------------------------------------------------
# The loaders keep text columns categorical (categories str, NaN for blank); counting must give the
# same figures from them as from text, and work on the categories rather than on each row's text.

TEXT_COLUMNS = ("ethnicity", "pay_band", "service", "job_title")


def as_categorical(frame, unused=("Unused category",)):
    """The frame with its text columns categorical, each with categories no row uses."""
    return frame.assign(**{
        column: pd.Categorical(frame[column], categories=[*sorted(set(frame[column].dropna())), *unused])
        for column in TEXT_COLUMNS if column in frame.columns
    })


def worked_example():
    staff = staff_frame()
    bme_ids = staff.loc[(staff["ethnicity"] == BME) & staff["leave_date"].isna(), "employee_id"].tolist()
    disciplinary = pd.DataFrame({"employee_id": [bme_ids[0], bme_ids[0], bme_ids[1]],
                                 "date": pd.to_datetime(["2025-05-01", "2025-11-01", "2026-01-10"])})
    recruitment = pd.DataFrame({
        "ethnicity": [BME] * 3 + [WHITE] * 3,
        "service": ["Adults", "Children's", "Adults", "Adults", "Adults", "Children's"],
        "shortlisted": pd.array([True, True, True, True, True, None], dtype="boolean"),
        "appointed": pd.array([True, False, False, True, True, False], dtype="boolean"),
    })
    survey = pd.DataFrame({"ethnicity": [BME, BME, WHITE, None],
                           "harassment_public": pd.array([True, False, True, True], dtype="boolean")})
    return {"staff": staff, "disciplinary": disciplinary, "recruitment": recruitment, "survey": survey}


@pytest.mark.parametrize("filters", [None, {"service": ["Children's"]}])
def test_categorical_frames_give_the_same_figures_as_text_frames(filters):
    text = worked_example()
    categorical = {name: as_categorical(frame) for name, frame in text.items()}
    from_text = figures_from_records(text, SETTINGS, filters=filters)
    from_categories = figures_from_records(categorical, SETTINGS, filters=filters)
    pd.testing.assert_frame_equal(from_categories.counts, from_text.counts)
    assert from_categories.quality == from_text.quality
    assert from_categories.notes == from_text.notes
    # The survey has no service column, so a service filter leaves M6 out.
    expected = {"M1", "M2", "M3", "M8", "M9"} | (set() if filters else {"M6"})
    assert from_categories.available == from_text.available == expected
    assert isinstance(categorical["staff"]["ethnicity"].dtype, pd.CategoricalDtype)  # inputs untouched
    assert "group" not in categorical["staff"].columns

    counts = from_categories.counts.set_index(["metric", "item", "group"])
    if filters is None:
        # By hand: Grade 3 holds 10 BME (9 + the September starter), 10 white, 3 unknown in post.
        assert counts.loc[("M1", "Grade 3", "bme"), "events"] == 10
        assert counts.loc[("M1", "Grade 3", "white"), "events"] == 10
        assert counts.loc[("M1", "Grade 3", "unknown"), "events"] == 3
        # M2: BME 1 appointed of 3 shortlisted; white 2 of 2 (the third was not shortlisted).
        assert tuple(counts.loc[("M2", "", "bme")]) == (1, 3)
        assert tuple(counts.loc[("M2", "", "white")]) == (2, 2)
        # M3: two BME people (one with two cases) of 13 BME staff in post.
        assert tuple(counts.loc[("M3", "", "bme")]) == (2, 13)
    else:
        # Children's: 4 white and 3 BME regulated staff in Grade 8; one BME applicant shortlisted.
        assert counts.loc[("M1", "Grade 8", "white"), "events"] == 4
        assert counts.loc[("M1", "Grade 8", "bme"), "events"] == 3
        assert tuple(counts.loc[("M2", "", "bme")]) == (0, 1)
        assert tuple(counts.loc[("M2", "", "white")]) == (0, 0)


def test_categorical_with_unused_categories_and_blanks():
    staff = pd.DataFrame({
        "employee_id": ["1", "2", "3", "4", "5", "6"],
        "ethnicity": pd.Categorical([WHITE, WHITE, BME, None, BME, WHITE],
                                    categories=[WHITE, BME, UNKNOWN, "Unused label"]),
        "pay_band": pd.Categorical(["Grade 3", None, "Grade 3", "Grade 8", None, None],
                                   categories=["Grade 3", "Grade 8", "Grade 99"]),
        "salary": [None, 72000.0, None, None, 22000.0, None],
    })
    figures = figures_from_records({"staff": staff}, SETTINGS)
    m1 = figures.for_metric("M1")
    # Blank bands take the salary's band; nobody is in Grade 99, so it is no row. Bands with
    # salaries come first by median salary; Grade 3 and 8 have none, so follow in natural order.
    assert m1["item"].drop_duplicates().tolist() == ["Under £25,000", "£70,000 and over", "Grade 3", "Grade 8"]
    events = {(r.item, r.group): r.events for r in m1.itertuples()}
    assert events[("Under £25,000", "bme")] == 1 and events[("£70,000 and over", "white")] == 1
    assert events[("Grade 3", "white")] == 1 and events[("Grade 3", "bme")] == 1
    assert events[("Grade 8", "unknown")] == 1  # the blank ethnicity
    # Person 6 has neither band nor salary: out of M1's base (white 2, BME 2, unknown 1).
    assert m1.groupby("group")["base"].first().to_dict() == {"bme": 2, "unknown": 1, "white": 2}
    assert "1 staff in post have neither a pay band nor a salary and are left out of metric 1." in figures.notes
    assert (figures.quality["M1"].total, figures.quality["M1"].unknown) == (5, 1)
    # M9 from the senior band: person 2 of 3 white staff in post.
    m9 = figures.for_metric("M9").set_index("group")
    assert (m9.loc["white", "events"], m9.loc["white", "base"]) == (1, 3)
    assert (m9.loc["bme", "events"], m9.loc["bme", "base"]) == (0, 2)


def test_unrecognised_categorical_labels_are_counted_per_label():
    staff = pd.DataFrame({
        "ethnicity": pd.Categorical([" Martian", "Martian", "Klingon", WHITE, "Martian", None],
                                    categories=[" Martian", "Martian", "Klingon", "Vulcan", WHITE]),
        "pay_band": ["G1"] * 6,
    })
    quality = figures_from_records({"staff": staff}, SETTINGS).quality["M1"]
    # " Martian" is "Martian" once stripped; "Vulcan" labels nobody.
    assert quality.unrecognised == {"Martian": 3, "Klingon": 1}
    assert list(quality.unrecognised) == ["Martian", "Klingon"]  # most frequent first
    assert (quality.total, quality.unknown) == (6, 5)  # four unrecognised and one blank
    overridden = figures_from_records({"staff": staff}, SETTINGS.with_(ethnicity_overrides={"Martian": "bme"}))
    assert overridden.quality["M1"].unrecognised == {"Klingon": 1}
    assert overridden.quality["M1"].unknown == 2


def test_regulated_professionals_from_categorical_job_titles():
    staff = pd.DataFrame({
        "employee_id": ["1", "2", "3", "4"],
        "ethnicity": [BME, BME, WHITE, WHITE],
        "pay_band": ["G1"] * 4,
        "job_title": pd.Categorical(["Social Worker", "Cook", "Senior social worker", None],
                                    categories=["Cook", "Occupational Therapist", "Senior social worker",
                                                "Social Worker"]),
    })
    ftp = pd.DataFrame({"employee_id": ["1"], "date": pd.to_datetime(["2025-08-08"])})
    figures = figures_from_records({"staff": staff, "fitness_to_practise": ftp}, SETTINGS)
    m4 = figures.for_metric("M4").set_index("group")
    # Regulated: the two social workers (persons 1 and 3); the cook and the blank title are not.
    assert (m4.loc["bme", "events"], m4.loc["bme", "base"]) == (1, 1)
    assert (m4.loc["white", "events"], m4.loc["white", "base"]) == (0, 1)
    assert any("taken from job titles" in note for note in figures.notes)


@pytest.mark.parametrize("categorical", [False, True])
def test_an_event_joins_the_last_staff_record_of_its_employee_number(categorical):
    staff = pd.DataFrame({"employee_id": ["7", "7", "8"], "ethnicity": [WHITE, BME, WHITE], "pay_band": ["G1"] * 3})
    staff = as_categorical(staff) if categorical else staff
    disciplinary = pd.DataFrame({"employee_id": ["7"], "date": pd.to_datetime(["2025-08-08"])})
    m3 = figures_from_records({"staff": staff, "disciplinary": disciplinary}, SETTINGS).for_metric("M3")
    m3 = m3.set_index("group")
    assert (m3.loc["bme", "events"], m3.loc["white", "events"]) == (1, 0)
    assert (m3.loc["bme", "base"], m3.loc["white", "base"]) == (1, 2)


def test_an_event_without_an_employee_number_matches_no_staff_record():
    # The BME staff record has no employee number either; a blank number is not a match.
    staff = pd.DataFrame({"employee_id": pd.array([None, "1", "2"], dtype="string"),
                          "ethnicity": [BME, WHITE, WHITE], "pay_band": ["G1"] * 3})
    disciplinary = pd.DataFrame({"employee_id": pd.array([None, "1"], dtype="string"),
                                 "date": pd.to_datetime(["2025-08-08", "2025-09-09"])})
    figures = figures_from_records({"staff": staff, "disciplinary": disciplinary}, SETTINGS)
    m3 = figures.for_metric("M3").set_index("group")
    assert m3.loc["bme", "events"] == 0
    assert m3.loc["white", "events"] == 1
    leavers = pd.DataFrame({"employee_id": pd.array([None], dtype="string"),
                            "ethnicity": [WHITE], "leave_date": pd.to_datetime(["2025-10-01"])})
    m8 = figures_from_records({"staff": staff, "leavers": leavers}, SETTINGS).for_metric("M8").set_index("group")
    # The leaver with no number is an extra white leaver, not the BME record with no number.
    assert (m8.loc["bme", "events"], m8.loc["white", "events"]) == (0, 1)


def test_leavers_list_joins_staff_by_employee_number():
    staff = as_categorical(pd.DataFrame({
        "employee_id": ["1", "2", "3"], "ethnicity": [BME, WHITE, WHITE], "pay_band": ["G1"] * 3,
        "start_date": pd.to_datetime(["2020-01-01"] * 3),
    }))
    # Person 1 is in the staff data; person 9 is not, and started after the period began.
    leavers = pd.DataFrame({"employee_id": ["1", "9"], "ethnicity": [None, BME],
                            "start_date": pd.to_datetime([None, "2025-06-01"]),
                            "leave_date": pd.to_datetime(["2025-07-01", "2025-12-01"])})
    m8 = figures_from_records({"staff": staff, "leavers": leavers}, SETTINGS).for_metric("M8").set_index("group")
    # BME: 2 leavers over (start 1 + end 1) / 2 = 1, since the snapshot still lists person 1 and the
    # extra leaver was not in post at the start.
    assert (m8.loc["bme", "events"], m8.loc["bme", "base"]) == (2, 1)
    assert (m8.loc["white", "events"], m8.loc["white", "base"]) == (0, 2)


# --- events in the corners: undated rows, unmatched employee numbers, referrals of whom -------------

def in_post_ids(staff, ethnicity, **flags):
    """Employee numbers of the people of `ethnicity` in post throughout (and with `flags`), in order."""
    rows = (staff["ethnicity"] == ethnicity) & staff["leave_date"].isna() & staff["start_date"].lt("2025-01-01")
    for column, value in flags.items():
        rows &= staff[column].fillna(False) == value
    return staff.loc[rows, "employee_id"].tolist()


def test_undated_disciplinary_cases_are_left_out_and_said():
    staff = staff_frame()
    bme, white = in_post_ids(staff, BME), in_post_ids(staff, WHITE)
    disciplinary = pd.DataFrame({
        "employee_id": [bme[0], bme[1], white[0], white[1]],
        # BME person 2 and white person 1 have no date: once counted as in the period, now left out.
        "date": pd.to_datetime(["2025-05-01", None, None, "2025-07-07"]),
    })
    figures = figures_from_records({"staff": staff, "disciplinary": disciplinary}, SETTINGS)
    m3 = figures.for_metric("M3").set_index("group")
    # Before: BME 2 of 13, white 2 of 20. After: BME 1 of 13, white 1 of 20.
    assert (m3.loc["bme", "events"], m3.loc["bme", "base"]) == (1, 13)
    assert (m3.loc["white", "events"], m3.loc["white", "base"]) == (1, 20)
    assert ("2 of the 4 disciplinary cases have no date, so they are left out of metric 3: only dated rows "
            "can be placed in the period.") in figures.notes


def test_an_events_file_with_no_date_column_is_for_the_year_and_says_so():
    staff = staff_frame()
    bme = in_post_ids(staff, BME)
    disciplinary = pd.DataFrame({"employee_id": [bme[0], bme[1], bme[1]]})
    figures = figures_from_records({"staff": staff, "disciplinary": disciplinary}, SETTINGS)
    m3 = figures.for_metric("M3").set_index("group")
    # All three cases count (two people): the same figures as before, now with a note.
    assert (m3.loc["bme", "events"], m3.loc["bme", "base"]) == (2, 13)
    assert ("The disciplinary cases have no date column, so the file is taken to be for the period "
            "(1 April 2025 to 31 March 2026): all 3 are counted in metric 3.") in figures.notes
    assert not any("have no date," in note for note in figures.notes)


@pytest.mark.parametrize(("name", "metric", "words"), [
    ("recruitment", "M2", "applications in the recruitment data"),
    ("fitness_to_practise", "M4", "fitness to practise referrals"),
    ("cpd", "M5", "courses in the professional development data"),
    ("leavers", "M8", "leavers in the leavers data"),
])
def test_every_event_metric_leaves_out_undated_rows_the_same_way(name, metric, words):
    staff = staff_frame()
    regulated = in_post_ids(staff, BME, regulated_professional=True)
    column = "leave_date" if name == "leavers" else "date"
    # Three rows, one undated: of three regulated BME people in post (so each metric can count them).
    events = pd.DataFrame({"employee_id": regulated[:3],
                           column: pd.to_datetime(["2025-06-01", None, "2025-12-01"])})
    if name == "recruitment":
        events = events.drop(columns="employee_id").assign(
            ethnicity=BME, shortlisted=pd.array([True] * 3, dtype="boolean"),
            appointed=pd.array([True] * 3, dtype="boolean"))
    if name == "cpd":
        events = events.assign(funded=True, non_mandatory=True)
    figures = figures_from_records({"staff": staff, name: events}, SETTINGS)
    counted = figures.for_metric(metric).set_index("group")
    # Two of the three count: before this rule, all three did. (Metric 8 adds the staff list's own
    # three BME leavers of June.)
    assert counted.loc["bme", "events"] == 2 + (3 if name == "leavers" else 0)
    number = metric[1]
    assert (f"1 of the 3 {words} has no date, so it is left out of metric {number}: only dated rows "
            "can be placed in the period.") in figures.notes


def test_cases_of_employee_numbers_the_staff_data_lacks_are_left_out_and_named():
    staff = staff_frame()
    bme, white = in_post_ids(staff, BME), in_post_ids(staff, WHITE)
    disciplinary = pd.DataFrame({
        "employee_id": [bme[0], white[0], "9001", "9002", "9001"],
        "date": pd.to_datetime(["2025-05-01", "2025-06-01", "2025-07-01", "2025-08-01", "2025-09-01"]),
    })
    figures = figures_from_records({"staff": staff, "disciplinary": disciplinary}, SETTINGS)
    m3 = figures.for_metric("M3").set_index("group")
    # Before: 9001 and 9002 were two 'unknown ethnicity' people over the 3 unknown staff in post.
    # After: they are in no group; BME 1 of 13, white 1 of 20, unknown 0 of 3.
    assert (m3.loc["bme", "events"], m3.loc["white", "events"], m3.loc["unknown", "events"]) == (1, 1, 0)
    assert (m3.loc["bme", "base"], m3.loc["white", "base"], m3.loc["unknown", "base"]) == (13, 20, 3)
    assert ("3 of the 5 disciplinary cases could not be matched to anyone in the staff data by employee "
            "number (9001, 9002), so they are left out of metric 3. Check these numbers against the staff "
            "list.") in figures.notes


def test_many_unmatched_numbers_show_five_and_are_no_longer_capped_silently():
    staff = staff_frame()
    numbers = [f"900{i}" for i in range(1, 8)]
    cpd = pd.DataFrame({"employee_id": numbers, "date": pd.to_datetime(["2025-10-10"] * 7),
                        "funded": True, "non_mandatory": True})
    figures = figures_from_records({"staff": staff, "cpd": cpd}, SETTINGS)
    m5 = figures.for_metric("M5").set_index("group")
    # Before: 7 'unknown' people over 3 unknown staff in post, capped at 3 of 3 with "capped at 100%".
    assert m5.loc["unknown", "events"] == 0
    assert ("7 of the 7 courses in the professional development data could not be matched to anyone in the "
            "staff data by employee number (9001, 9002, 9003, 9004, 9005 and 2 more), so they are left out of "
            "metric 5. Check these numbers against the staff list.") in figures.notes
    assert not any("capped" in note for note in figures.notes)


def test_unmatched_numbers_are_found_against_the_whole_staff_data_not_a_filtered_view():
    staff = staff_frame()
    adults, childrens = in_post_ids(staff, BME)[0], in_post_ids(staff, BME, regulated_professional=True)[0]
    disciplinary = pd.DataFrame({"employee_id": [adults, childrens], "date": pd.to_datetime(["2025-05-01"] * 2)})
    figures = figures_from_records({"staff": staff, "disciplinary": disciplinary}, SETTINGS,
                                   filters={"service": ["Children's"]})
    # The Adults case is outside the view, not unmatched: it is filtered out without a note.
    assert figures.for_metric("M3").set_index("group").loc["bme", "events"] == 1
    assert not any("could not be matched" in note for note in figures.notes)


def small_staff(in_post, left, ethnicity):
    """`in_post` people of `ethnicity` in post throughout, `left` who left on 1 October 2025."""
    return [{"employee_id": f"{ethnicity[0]}{i}", "ethnicity": ethnicity, "pay_band": "G1",
             "start_date": pd.Timestamp("2020-01-01"),
             "leave_date": pd.Timestamp("2025-10-01") if i >= in_post else pd.NaT}
            for i in range(in_post + left)]


def test_cases_of_people_who_left_can_exceed_those_in_post_and_are_said_not_capped():
    staff = pd.DataFrame(small_staff(2, 3, WHITE) + small_staff(2, 0, BME))
    # The three white staff who left in October each had a case in May; one BME person in post had one.
    disciplinary = pd.DataFrame({"employee_id": ["A2", "A3", "A4", "N0"], "date": pd.to_datetime(["2025-05-01"] * 4)})
    settings = SETTINGS.with_(min_group_size=1)
    figures = figures_from_records({"staff": staff, "disciplinary": disciplinary}, settings)
    m3 = compute_results(figures, settings)["M3"]
    # Before: white capped at 2 of 2 (100%). After: 3 of 2 (150%), and the ratio (1/2) / (3/2) = 1/3.
    assert (m3.groups["white"].events, m3.groups["white"].base) == (3, 2)
    assert m3.groups["white"].rate == 1.5
    assert m3.value == pytest.approx(1 / 3) and m3.ci is None
    assert ("Metric 3: 3 white people are counted under 'Entering disciplinary', more than the 2 in post at "
            "the period end (people who left during the year, and cases with no employee number, still count), "
            "so their rate is over 100%; it is shown as it is, not capped.") in figures.notes


def test_leavers_over_an_average_headcount_are_said_not_a_crash():
    # BME: 20 at the start, 16 left in October, 4 at the end: 16 leavers over (20 + 4) / 2 = 12.
    # White: 22 at the start, 2 left, 20 at the end: 2 over 21. Before, the ratio raised ValueError.
    staff = pd.DataFrame(small_staff(4, 16, BME) + small_staff(20, 2, WHITE))
    figures = figures_from_records({"staff": staff}, SETTINGS)
    m8 = compute_results(figures, SETTINGS)["M8"]
    assert (m8.groups["bme"].events, m8.groups["bme"].base) == (16, 12)
    assert m8.value == pytest.approx((16 / 12) / (2 / 21)) and m8.ci is None
    assert "(16 of 12, 133%, against 2 of 21, 9.5%)" in m8.sentence
    assert "no interval can be given because a rate is over 100%." in m8.sentence
    assert ("Metric 8: 16 minority-ethnic people are counted under 'Leavers', more than the 12 of the average "
            "headcount (leavers are counted over the average of the headcounts at the start and end of the "
            "year, not out of it), so their rate is over 100%; it is shown as it is, not capped.") in figures.notes


def test_fitness_to_practise_counts_only_referrals_of_regulated_professionals():
    staff = staff_frame()
    regulated_bme = in_post_ids(staff, BME, regulated_professional=True)
    regulated_white = in_post_ids(staff, WHITE, regulated_professional=True)
    unregulated_white = in_post_ids(staff, WHITE, regulated_professional=False)
    ftp = pd.DataFrame({
        "employee_id": [regulated_bme[0], regulated_white[0], unregulated_white[0], unregulated_white[1]],
        "date": pd.to_datetime(["2025-08-08", "2025-09-09", "2025-10-10", "2025-11-11"]),
    })
    settings = SETTINGS.with_(min_group_size=1)
    figures = figures_from_records({"staff": staff, "fitness_to_practise": ftp}, settings)
    m4 = compute_results(figures, settings)["M4"]
    # Headcount: 3 BME and 4 white regulated professionals. Before: white 3 referrals of 4 (two of them
    # of people not regulated); after: white 1 of 4, BME 1 of 3, a ratio of (1/3) / (1/4).
    assert (m4.groups["bme"].events, m4.groups["bme"].base) == (1, 3)
    assert (m4.groups["white"].events, m4.groups["white"].base) == (1, 4)
    assert m4.value == pytest.approx((1 / 3) / (1 / 4))
    assert ("2 of the 4 fitness to practise referrals are of staff who are not regulated professionals by the "
            "staff data's regulated-professional column, so they are left out of metric 4, whose headcount is "
            "regulated professionals only.") in figures.notes


def test_fitness_to_practise_referrals_by_job_title_as_the_headcount_decides():
    staff = pd.DataFrame({
        "employee_id": ["1", "2", "3", "4"],
        "ethnicity": [BME, BME, WHITE, WHITE],
        "pay_band": ["G1"] * 4,
        "job_title": ["Social Worker", "Cook", "Senior social worker", "Driver"],
    })
    # The cook (2) and the driver (4) are referred, and a referral with no number: who it is, nobody knows.
    ftp = pd.DataFrame({"employee_id": pd.array(["1", "2", "4", None], dtype="string"),
                        "ethnicity": [None, None, None, WHITE],
                        "date": pd.to_datetime(["2025-08-08"] * 4)})
    figures = figures_from_records({"staff": staff, "fitness_to_practise": ftp}, SETTINGS)
    m4 = figures.for_metric("M4").set_index("group")
    # Before: BME 2 (1 and the cook), capped at the 1 BME social worker; white 2 (the driver and the
    # unnumbered referral), capped at the 1 white social worker. After: BME 1 of 1, white 1 of 1.
    assert (m4.loc["bme", "events"], m4.loc["bme", "base"]) == (1, 1)
    assert (m4.loc["white", "events"], m4.loc["white", "base"]) == (1, 1)
    assert ("2 of the 4 fitness to practise referrals are of staff who are not regulated professionals by their "
            "job title in the staff data, so they are left out of metric 4, whose headcount is regulated "
            "professionals only.") in figures.notes
    assert ("1 fitness to practise referral has no employee number, so whether it is of a regulated "
            "professional cannot be checked; counted in metric 4.") in figures.notes


# --- who is counted: the population rule on the dates the standards use ---------------------------

def test_metric_8_starts_from_the_snapshot_on_the_day_before_the_year():
    """The starting headcount is the snapshot on 31 March 2025, the day before the year starts, as published.

    Worked by hand, three white people in post throughout plus:
    - one who left on 1 April 2025, the year's first day: in post on 31 March 2025 (start headcount) and a
      leaver of this year;
    - one who started on 1 April 2025: not in post on 31 March 2025, so not in the start headcount.
    White: 1 leaver over ((3 + 1) + (3 + 1)) / 2 = 4. Snapshotting on 1 April instead (the old rule) gave
    ((3 + 1) + 4) / 2 = 4 too, but from the wrong people: the leaver out and the starter in; the BME side
    below tells them apart.
    BME, one in post throughout and one who left on 1 April 2025: 1 leaver over (2 + 1) / 2 = 1.5. On 1 April
    the old rule gave (1 + 1) / 2 = 1, a rate of 100% for a group that had two people at the start.
    """
    people = [person(i, WHITE, "G1") for i in range(1, 4)]
    people += [person(4, WHITE, "G1", leave="2025-04-01"), person(5, WHITE, "G1", start="2025-04-01")]
    people += [person(6, BME, "G1"), person(7, BME, "G1", leave="2025-04-01")]
    staff = pd.DataFrame(people).astype({"senior_manager": "boolean", "regulated_professional": "boolean"})
    m8 = figures_from_records({"staff": staff}, SETTINGS).for_metric("M8").set_index("group")
    assert (m8.loc["white", "events"], m8.loc["white", "base"]) == (1, 4)
    assert (m8.loc["bme", "events"], m8.loc["bme", "base"]) == (1, 1.5)


def test_a_leavers_list_person_who_started_on_the_years_first_day_was_not_in_post_at_the_start():
    staff = pd.DataFrame([person(1, BME, "G1"), person(2, WHITE, "G1")]).astype(
        {"senior_manager": "boolean", "regulated_professional": "boolean"})
    leavers = pd.DataFrame({"employee_id": ["8", "9"], "ethnicity": [BME, BME],
                            "start_date": pd.to_datetime(["2025-03-31", "2025-04-01"]),
                            "leave_date": pd.to_datetime(["2025-08-01", "2025-09-01"])})
    m8 = figures_from_records({"staff": staff, "leavers": leavers}, SETTINGS).for_metric("M8").set_index("group")
    # BME: 2 leavers; start headcount 1 (person 1) + 1 (person 8, in post on 31 March 2025); end 1.
    assert (m8.loc["bme", "events"], m8.loc["bme", "base"]) == (2, 1.5)


def test_cases_of_people_who_left_count_over_the_snapshot_and_a_note_says_how_many():
    staff = staff_frame()
    # Employee numbers 38-40 are the three BME people who left in June 2025; 1 is white, in post.
    leavers = staff.loc[(staff["ethnicity"] == BME) & staff["leave_date"].notna(), "employee_id"].tolist()
    assert leavers == ["38", "39", "40"]
    disciplinary = pd.DataFrame({"employee_id": ["38", "39", "1"],
                                 "date": pd.to_datetime(["2025-05-01", "2025-05-02", "2025-07-07"])})
    figures = figures_from_records({"staff": staff, "disciplinary": disciplinary}, SETTINGS)
    m3 = figures.for_metric("M3").set_index("group")
    # BME: both cases count (the standards count the year's cases) over the 13 in post on 31 March 2026.
    assert (m3.loc["bme", "events"], m3.loc["bme", "base"]) == (2, 13)
    assert (m3.loc["white", "events"], m3.loc["white", "base"]) == (1, 20)
    assert ("Metric 3: 2 of the 3 counted under 'Entering disciplinary' were not in post on 31 March 2026 "
            "(they left during the year). They are counted, by the metric's rule: see 'Who is counted'."
            ) in figures.notes


def test_no_note_when_everyone_with_a_case_is_still_in_post():
    staff = staff_frame()
    disciplinary = pd.DataFrame({"employee_id": ["1"], "date": pd.to_datetime(["2025-07-07"])})
    figures = figures_from_records({"staff": staff, "disciplinary": disciplinary}, SETTINGS)
    assert not any("were not in post" in n or "was not in post" in n for n in figures.notes)


def test_the_population_rule_names_the_periods_dates():
    from metrics.registry import METRICS

    period = Period.twelve_months_to(END)
    assert METRICS["M8"].counted_text(period) == (
        "Above the line, staff who left in the 12 months to 31 March 2026 (1 April 2025 to 31 March 2026); "
        "below it, the average of the headcount in post on 31 March 2025 and the headcount in post on "
        "31 March 2026.")
    assert "staff in post on 31 March 2026" in METRICS["M3"].counted_text(period)
    assert all(m.counted for m in METRICS.values())
