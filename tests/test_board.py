"""The board list and NHS WRES indicator 9 (W9, board membership): read as a trust secretary writes it, counted
against the workforce, computed, said in words, published safely, carried by the counts template, and given by the
sample trust."""

from __future__ import annotations

import datetime as dt
import io
import json
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from charts.builders import chart_for
from commands.serialise import result_to_dict
from data_loaders import InputError
from data_loaders.comparison import DISABILITY
from data_loaders.report import RawSheet
from data_loaders.tables import read_table
from metrics import registry, stats
from metrics.counts import DataQuality, FigureSet, Period
from metrics.narrative import headline
from metrics.publish import publish
from metrics.records import figures_from_records
from metrics.registry import METRICS, STANDARDS, Standard, missing_datasets
from metrics.results import compute_results
from metrics.settings import Settings
from tests.disclosure_reader import reader_of

END = dt.date(2026, 3, 31)
NHS = Settings(standard="nhs-wres", period_end=END)
THRESHOLD = 10


def _sheets(data: bytes) -> list[RawSheet]:
    from data_loaders.readers import read_workbook

    return read_workbook("counts.xlsx", data)


def raw(rows: list[list[object]], name: str = "Sheet1") -> RawSheet:
    return RawSheet(file="board.xlsx", name=name, rows=rows, first_row=1)


# --- reading the board list ------------------------------------------------------------------------------


def test_a_trust_secretarys_list_is_read_as_the_board_with_its_roles_in_words() -> None:
    rows = [
        ["Name", "Role", "Voting member", "Exec/Non-exec", "Ethnic Origin", "Disability"],
        ["A Chair", "Chair", "Yes", "Non-executive", "A White - British", "No"],
        ["B Exec", "Chief Executive", "Yes", "Executive", "H Asian or Asian British - Indian", "No"],
        ["C NED", "Non-Executive Director (Audit Chair)", "Y", "Non-Executive Director", "A White - British", "Yes"],
        ["D Assoc", "Associate NED", "No", "Non-exec", "N Black or Black British - African", "No"],
        ["E Dir", "Director of People", "Non-voting", "Exec", "", "Not Declared"],
    ]
    table = read_table(raw(rows, name="Trust Board"))
    assert table.dataset == "board"
    frame = table.frame
    assert frame is not None
    assert table.report.columns["voting"] == "Voting member"
    assert table.report.columns["executive"] == "Exec/Non-exec"
    # "Executive" / "Exec" read as yes; "Non-executive", "Non-Executive Director", "Non-exec" as no.
    assert list(frame["executive"]) == [False, True, False, False, True]
    assert list(frame["voting"]) == [True, True, True, False, False]
    assert "1 row had no ethnicity recorded: counted as unknown" in table.report.notes


def test_the_headings_alone_say_it_is_the_board_and_a_role_that_cannot_be_read_is_said() -> None:
    rows = [
        ["Board member", "Voting", "Executive director", "Ethnicity"],
        ["A", "Voting", "Yes", "White British"],
        ["B", "Voting", "Maybe", "Indian"],
        ["C", "Non-voting", "No", "White British"],
    ]
    table = read_table(raw(rows))
    assert table.dataset == "board"
    assert table.frame is not None
    assert list(table.frame["voting"]) == [True, True, False]
    assert table.frame["executive"].isna().tolist() == [False, True, False]
    assert any("could not be read in column 'Executive director'" in note for note in table.report.notes)


def test_a_board_list_saying_neither_who_votes_nor_who_is_an_executive_is_refused_with_a_message() -> None:
    with pytest.raises(InputError) as refused:
        read_table(raw([["Name", "Ethnicity"], ["A", "White British"]]), dataset="board")
    assert "voting" in str(refused.value).lower() or "executive" in str(refused.value).lower()


# --- counting and computing, worked by hand ------------------------------------------------------------------


def _staff() -> pd.DataFrame:
    """60 minority-ethnic, 150 white and 10 unknown-ethnicity substantive staff in post, and 20 minority-ethnic bank
    workers (left out of the NHS WRES's workforce, as of its pay bands)."""
    ethnicity = ["Indian"] * 60 + ["White British"] * 150 + [None] * 10 + ["Black African"] * 20
    category = ["Permanent"] * 220 + ["Bank"] * 20
    return pd.DataFrame({"employee_id": [f"E{i:03d}" for i in range(len(ethnicity))],
                         "ethnicity": pd.array(ethnicity, dtype="str"),
                         "assignment_category": pd.array(category, dtype="str"),
                         "start_date": pd.to_datetime(["2020-01-01"] * len(ethnicity))})


def _board(rows: list[tuple[str | None, bool, bool, int]]) -> pd.DataFrame:
    """(ethnicity, voting, executive, how many) -> one row per member."""
    people = [(e, v, x) for e, v, x, n in rows for _ in range(n)]
    return pd.DataFrame({"ethnicity": pd.array([p[0] for p in people], dtype="str"),
                         "voting": pd.array([p[1] for p in people], dtype="boolean"),
                         "executive": pd.array([p[2] for p in people], dtype="boolean")})


# Voting: 2 minority-ethnic, 12 white, 1 not recorded; executives: 1 minority-ethnic, 5 white; and a minority-ethnic
# associate non-executive without a vote.
BOARD = [("Indian", True, True, 1), ("Pakistani", True, False, 1), ("White British", True, True, 5),
         ("White British", True, False, 7), (None, True, False, 1), ("Black African", False, False, 1)]


def test_w9_worked_by_hand() -> None:
    figures = figures_from_records({"staff": _staff(), "board": _board(BOARD)}, NHS)
    w9 = figures.for_metric("W9")
    # Above the line the board's members by group; below it the workforce (bank workers left out).
    assert w9[["item", "group", "events", "base"]].values.tolist() == [
        ["voting", "bme", 2.0, 60.0], ["voting", "white", 12.0, 150.0], ["voting", "unknown", 1.0, 10.0],
        ["executive", "bme", 1.0, 60.0], ["executive", "white", 5.0, 150.0], ["executive", "unknown", 0.0, 10.0],
    ]
    assert "20 bank workers in post (an assignment category of bank) left out of the workforce of metric 9" in " ".join(
        figures.notes)
    assert any(note.startswith("1 of the 16 board members has no ethnicity recorded") for note in figures.notes)
    # The data-quality line is the workforce's: 10 of 220.
    assert (figures.quality["W9"].total, figures.quality["W9"].unknown) == (220, 10)

    w9_result = compute_results(figures, NHS)["W9"]
    voting, executive = w9_result.questions["voting"], w9_result.questions["executive"]
    # Voting: 2 / (2 + 12) = 14.2857%; the workforce 60 / (60 + 150) = 28.5714%; 14.2857 - 28.5714 = -14.2857.
    assert voting.senior_pct == pytest.approx(100 * 2 / 14)
    assert voting.workforce_pct == pytest.approx(100 * 60 / 210)
    assert voting.value == pytest.approx(-14.2857, abs=1e-4)
    # Wilson's 95% interval for 2 of 14 (z = 1.96): centre (2/14 + z²/28) / (1 + z²/14) = 0.2198, half width
    # z √(2/14 · 12/14 / 14 + z²/784) / (1 + z²/14) = 0.1797: 4.0% to 39.9%, less 28.57: -24.6 to +11.4 points.
    assert voting.ci == pytest.approx((-24.56, 11.37), abs=0.05)
    # Executives: 1 / 6 = 16.667%, less 28.571% = -11.905 points.
    assert executive.value == pytest.approx(100 / 6 - 100 * 60 / 210)
    # The result's own figure is the voting members' (the indicator's headline).
    assert (w9_result.value, w9_result.status) == (voting.value, voting.status)
    assert stats.is_adverse(voting.status)
    assert w9_result.sentence.startswith(
        "The board's voting members are 2 of 14 BME (14%), and 1 more member's ethnicity is not known, against 29% "
        "of the workforce whose ethnicity is known: 14.3 percentage points lower, 95% interval -24.6 to +11.4 points.")
    assert "The board's executive members are 1 of 6 BME (17%), against 29% of the workforce" in w9_result.sentence
    assert headline(w9_result, NHS) == ("The board's voting members are 14% BME, the workforce 29%: 14.3 percentage "
                                        "points lower, could be chance.")
    # The chart draws a bar for each kind of member beside the workforce.
    spec = chart_for(w9_result, NHS)
    assert spec.summary.startswith("BME people are 14% of the board's voting members")
    assert "the board's executive members" in spec.summary
    out = result_to_dict(w9_result)
    assert set(out["items"]) == {"voting", "executive"}
    assert out["items"]["executive"]["senior_bme_pct"] == pytest.approx(16.7, abs=0.05)


def test_a_board_with_no_minority_ethnic_member_is_adverse_by_the_whole_workforce_share() -> None:
    board = _board([("White British", True, True, 6), ("White British", True, False, 6)])
    result = compute_results(figures_from_records({"staff": _staff(), "board": board}, NHS), NHS)["W9"]
    voting = result.questions["voting"]
    # 0 of 12: a share of 0%, so the difference is the workforce's whole share, 28.57 points.
    assert voting.senior_pct == 0.0
    assert voting.value == pytest.approx(-100 * 60 / 210)
    # Wilson's interval for 0 of 12 reaches 24.3%: the difference is -28.6 to -4.3 points, beyond chance.
    assert voting.ci is not None and voting.ci[1] < 0
    assert voting.status == stats.ADVERSE_BEYOND_CHANCE
    assert "0 of 12 BME (0%)" in result.sentence


def test_without_the_board_list_the_metric_says_it_needs_it_and_nothing_fails() -> None:
    figures = figures_from_records({"staff": _staff()}, NHS)
    assert "W9" not in figures.available
    results = compute_results(figures, NHS)
    w9 = results["W9"]
    assert w9.status == stats.NO_DATA
    assert w9.sentence == "There is no data for this metric yet: it needs the board and staff data."
    assert list(missing_datasets(["W9"], {"staff"})) == ["board"]
    chart_for(w9, NHS)  # a message, not an error
    published = publish(results, Settings(standard="nhs-wres", suppression_threshold=THRESHOLD))
    assert result_to_dict(published["W9"])["status"] == stats.NO_DATA


def test_a_board_list_without_an_executive_column_gives_the_voting_figure_and_says_why_not_the_other() -> None:
    board = _board(BOARD).drop(columns="executive")
    figures = figures_from_records({"staff": _staff(), "board": board}, NHS)
    assert set(figures.for_metric("W9")["item"]) == {"voting"}
    assert ("The board list does not say who are the board's executive members, so metric 9 has no figure "
            "for them.") in figures.notes
    result = compute_results(figures, NHS)["W9"]
    assert list(result.questions) == ["voting"]
    assert result.sentence.startswith("The board's voting members are 2 of 14 BME")


def test_the_sc_wres_keeps_senior_managers_and_counts_no_board() -> None:
    settings = Settings(period_end=END)
    figures = figures_from_records({"staff": _staff(), "board": _board(BOARD)}, settings)
    assert "W9" not in figures.available
    assert "W9" not in compute_results(figures, settings)
    assert "M9" in STANDARDS["sc-wres"].metrics and "W9" not in STANDARDS["sc-wres"].metrics


def test_the_counter_takes_the_standards_comparison_so_a_disability_standard_counts_disabled_members(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.STANDARDS, "test-wdes",
                        Standard("test-wdes", "Test WDES", "A disability standard for tests", DISABILITY,
                                 metrics=("W9",)))
    settings = Settings(standard="test-wdes", period_end=END)
    staff = pd.DataFrame({"employee_id": [f"E{i}" for i in range(100)],
                          "disability": pd.array(["Yes"] * 10 + ["No"] * 80 + [None] * 10, dtype="str")})
    board = pd.DataFrame({"disability": pd.array(["Yes", "No", "No", "No", "Not Declared"], dtype="str"),
                          "voting": pd.array([True] * 5, dtype="boolean"),
                          "executive": pd.array([False, True, True, False, False], dtype="boolean")})
    figures = figures_from_records({"staff": staff, "board": board}, settings)
    assert figures.comparison is DISABILITY
    counts = figures.for_metric("W9")
    assert counts[["item", "group", "events", "base"]].values.tolist() == [
        ["voting", "disabled", 1.0, 10.0], ["voting", "non_disabled", 3.0, 80.0],
        ["voting", "not_declared", 1.0, 10.0],
        ["executive", "disabled", 0.0, 10.0], ["executive", "non_disabled", 2.0, 80.0],
        ["executive", "not_declared", 0.0, 10.0],
    ]
    voting = compute_results(figures, settings)["W9"].questions["voting"]
    # 1 of 4 disabled = 25%, against 10 of 90 = 11.1%: +13.9 points.
    assert voting.value == pytest.approx(25 - 100 / 9)
    assert "1 of 4 disabled (25%)" in voting.sentence


# --- the counts template ----------------------------------------------------------------------------------


def test_w9_round_trips_through_the_counts_template() -> None:
    from pipeline.template import read_template, write_template

    figures = figures_from_records({"staff": _staff(), "board": _board(BOARD)}, NHS)
    target = io.BytesIO()
    write_template(target, figures=figures, standard="nhs-wres")
    read = read_template(_sheets(target.getvalue()), file="counts.xlsx")
    pd.testing.assert_frame_equal(read.for_metric("W9").reset_index(drop=True),
                                  figures.for_metric("W9").reset_index(drop=True))
    assert read.quality["W9"] == DataQuality(total=220, unknown=10)
    again = compute_results(read, NHS)["W9"]
    assert again.questions["voting"].value == pytest.approx(-14.2857, abs=1e-4)


def test_more_board_members_than_a_groups_workforce_is_no_mistake_in_the_template() -> None:
    from pipeline.template import read_template, write_template

    rows = [("W9", "voting", "bme", 3.0, 2.0), ("W9", "voting", "white", 8.0, 300.0),
            ("W9", "voting", "unknown", 0.0, 5.0)]
    counts = pd.DataFrame(rows, columns=["metric", "item", "group", "events", "base"])
    figures = FigureSet("Tiny", Period.twelve_months_to(END), counts, {"W9": DataQuality(307, 5)},
                        available=frozenset({"W9"}))
    target = io.BytesIO()
    write_template(target, figures=figures, standard="nhs-wres")
    read = read_template(_sheets(target.getvalue()), file="counts.xlsx")
    assert read.for_metric("W9")["events"].tolist() == [3.0, 8.0, 0.0]


# --- publication -------------------------------------------------------------------------------------------


def _w9_figures(voting: dict[str, float], executive: dict[str, float], workforce: dict[str, float],
                bands: list[dict[str, float]] | None = None) -> FigureSet:
    rows = []
    for item, members in (("voting", voting), ("executive", executive)):
        rows += [("W9", item, g, members[g], workforce[g]) for g in ("bme", "white", "unknown")]
    for n, band in enumerate(bands or []):
        rows += [("M1", f"Band {n + 1}", g, band[g], workforce[g]) for g in ("bme", "white", "unknown")]
    counts = pd.DataFrame(rows, columns=["metric", "item", "group", "events", "base"])
    quality = {"W9": DataQuality(total=int(sum(workforce.values())), unknown=int(workforce["unknown"]))}
    if bands:
        quality["M1"] = quality["W9"]
    return FigureSet("Test Trust", Period.twelve_months_to(END), counts, quality,
                     available=frozenset(counts["metric"]))


PUBLISHED = Settings(standard="nhs-wres", suppression_threshold=THRESHOLD)


def test_a_small_count_on_the_board_withholds_all_that_kinds_members_and_nothing_says_the_count() -> None:
    # 2 minority-ethnic voting members of 14: shown beside 12 white, the board's size (public) would give 2 back.
    figures = _w9_figures({"bme": 2, "white": 12, "unknown": 0}, {"bme": 0, "white": 10, "unknown": 0},
                          {"bme": 600, "white": 1500, "unknown": 100})
    published = publish(compute_results(figures, PUBLISHED), PUBLISHED)["W9"]
    voting, executive = published.questions["voting"], published.questions["executive"]
    assert all(voting.groups[g].events is None for g in ("bme", "white", "unknown"))
    assert voting.senior_pct is None and voting.value is None and voting.ci is None
    assert voting.status == stats.WITHHELD
    # The executives' counts are each 0 or at least 10: all shown.
    assert [executive.groups[g].events for g in ("bme", "white", "unknown")] == [0, 10, 0]
    assert executive.value is not None
    # The workforce is large: shown.
    assert voting.groups["bme"].base == 600
    text = json.dumps(result_to_dict(published))
    assert "2 of" not in text and "of 14" not in text and "12 white" not in text
    assert "The figures for the board's voting members are withheld from publication" in published.sentence


def test_a_board_whose_counts_are_all_large_enough_is_published_whole() -> None:
    figures = _w9_figures({"bme": 10, "white": 20, "unknown": 0}, {"bme": 0, "white": 12, "unknown": 0},
                          {"bme": 600, "white": 1500, "unknown": 100})
    published = publish(compute_results(figures, PUBLISHED), PUBLISHED)["W9"]
    assert published.hidden == frozenset()
    assert published.questions["voting"].sentence.startswith("The board's voting members are 10 of 30 BME (33%)")


few = st.integers(min_value=0, max_value=14)


@st.composite
def boards(draw: st.DrawFn) -> tuple[FigureSet, dict[str, float]]:
    """A board (each group 0 to 14 of voting members, and of executives) and a workforce in one to three pay bands,
    some groups small."""
    voting = {g: float(draw(few)) for g in ("bme", "white", "unknown")}
    executive = {g: float(draw(few)) for g in ("bme", "white", "unknown")}
    bands = [{g: float(draw(st.integers(0, 40))) for g in ("bme", "white", "unknown")}
             for _ in range(draw(st.integers(1, 3)))]
    workforce = {g: sum(band[g] for band in bands) for g in ("bme", "white", "unknown")}
    sizes = {"voting": sum(voting.values()), "executive": sum(executive.values())}
    return _w9_figures(voting, executive, workforce, bands), sizes


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(boards())
def test_a_reader_who_knows_the_boards_size_learns_no_small_count(board: tuple[FigureSet, dict[str, float]]) -> None:
    figures, sizes = board
    published = publish(compute_results(figures, PUBLISHED), PUBLISHED)
    text = json.dumps({"metrics": {m: result_to_dict(r) for m, r in published.items()}
                       | {m: {} for m in METRICS if m not in published}})
    reader = reader_of(text)
    for item, size in sizes.items():
        if f"W9 {item} bme events" in reader.cells.get("", {}):
            reader.knows(f"W9 {item}", size)
    # Each kind of member's counts are shown all together (each 0 or at least the threshold) or not at all.
    w9 = published["W9"]
    for item in w9.questions.values():
        shown = [item.groups[g].events for g in ("bme", "white", "unknown")]
        assert all(v is None for v in shown) or all(v is not None and (v == 0 or v >= THRESHOLD) for v in shown)
    # Nothing can be narrowed beyond what the board's size alone gives (0 to its size), and nothing else at all.
    for where, (low, high) in reader.narrow(THRESHOLD).items():
        item = where.split(" ")[1] if where.startswith("W9 ") else ""
        assert item in sizes and where.endswith(" events"), where
        assert (low, high) == (0, math.floor(sizes[item])), where


# --- the sample trust ------------------------------------------------------------------------------------------


def test_the_sample_trust_gives_w9_from_its_board_list() -> None:
    from pipeline.api import analyse_paths, sample_trust_paths

    analysis = analyse_paths(sample_trust_paths(), settings=NHS)
    counts = analysis.figures.for_metric("W9")
    by = {(r.item, r.group): r.events for r in counts.itertuples()}
    # The trust secretary's list: voting, 2 minority-ethnic, 9 white, 1 not stated; executives 2, 3 and 1.
    assert [by[("voting", g)] for g in ("bme", "white", "unknown")] == [2.0, 9.0, 1.0]
    assert [by[("executive", g)] for g in ("bme", "white", "unknown")] == [2.0, 3.0, 1.0]
    result = analysis.results["W9"]
    assert result.questions["voting"].sentence.startswith("The board's voting members are 2 of 11 BME (18%)")
    assert result.counted_text() == METRICS["W9"].counted_text()


def test_members_with_a_blank_role_are_not_counted_in_it_and_a_note_says_how_many() -> None:
    board = _board(BOARD)
    board["executive"] = board["executive"].mask(board.index < 2)  # the first two members' executive cells blank
    figures = figures_from_records({"staff": _staff(), "board": board}, NHS)
    assert ("2 of the 16 board members have a blank in the board list's 'executive' column, so they are not "
            "counted among the board's executive members in metric 9.") in figures.notes
    executive = figures.for_metric("W9").query("item == 'executive'")
    # The first two were the minority-ethnic executive and a minority-ethnic voting member: 0 left, 5 white.
    assert executive["events"].tolist() == [0.0, 5.0, 0.0]
