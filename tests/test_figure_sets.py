from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import replace
from typing import Any

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from sqlalchemy import Engine, Insert, MetaData, event, func, insert, inspect, select
from sqlalchemy.exc import IntegrityError

import storage.figure_sets
from data_loaders.comparison import DISABILITY, ETHNICITY
from data_loaders.errors import InputError
from data_loaders.schema import SCHEMAS
from metrics import registry
from metrics.counts import DataQuality, FigureSet, Period, validate_counts
from metrics.results import compute_results
from metrics.settings import Settings
from pipeline.api import (
    SAMPLE_ORGANISATION,
    Analysis,
    analyse,
    analyse_paths,
    read_paths,
    sample_paths,
    sample_snapshots,
    sample_trust_paths,
)
from storage import (
    SCHEMA_VERSION,
    FigureSetSummary,
    StaleEdit,
    benchmark_sources,
    counting_choices,
    create_schema,
    delete_figure_set,
    list_figure_sets,
    load_benchmark_figures,
    load_figure_set,
    load_figure_sets,
    load_panel,
    made_with_of,
    make_engine,
    organisations_with_figures,
    save_figure_set,
    scope_of,
    stored_schema_version,
)
from storage.db import figure_counts, figure_sets, metadata, schema_version

ORG = "Northbrook Council"
MARCH_2026 = dt.date(2026, 3, 31)
POSTGRES_ENV = "WRES_TEST_POSTGRES_URL"
# The tables a version-1 database had.
VERSION_1_TABLES = ("schema_version", "panels", "actions", "organisation_settings")
MADE_WITH = counting_choices(Settings())


@functools.cache
def _sample(snapshot: str | None = None) -> Analysis:
    if snapshot is None:
        return analyse_paths()
    return analyse(read_paths(sample_paths(snapshot)), organisation=SAMPLE_ORGANISATION)


@functools.cache
def _sample_adults() -> Analysis:
    return analyse(read_paths(sample_paths()), organisation=SAMPLE_ORGANISATION, filters={"service": ["Adults"]})


def _figures(
    end: dt.date = MARCH_2026,
    organisation: str = ORG,
    disciplinary: tuple[float, float, float, float] = (12, 400, 20, 1200),
) -> FigureSet:
    """A small figure set: M3 (disciplinary) and M1 in two bands, in the bands' own order."""
    bme_entering, bme_headcount, white_entering, white_headcount = disciplinary
    counts = pd.DataFrame(
        {
            "metric": ["M3"] * 3 + ["M1"] * 6,
            "item": ["", "", "", "Band 9", "Band 9", "Band 9", "Band 10", "Band 10", "Band 10"],
            "group": ["bme", "white", "unknown"] * 3,
            "events": [bme_entering, white_entering, 1, 300, 900, 60, 100, 300, 40],
            "base": [bme_headcount, white_headcount, 100, 400, 1200, 100, 400, 1200, 100],
        }
    )
    quality = {"M3": DataQuality(1700, 100, {"Not known ": 3}), "M1": DataQuality(1700, 100)}
    return FigureSet(organisation, Period.twelve_months_to(end), counts, quality, ["Made by hand"],
                     frozenset({"M1", "M3"}))


def _save(
    engine: Engine, figures: FigureSet, *, version: int = 0, who: str = "alex", scope: str = ""
) -> FigureSetSummary:
    return save_figure_set(engine, figures, saved_by=who, made_with=MADE_WITH, scope=scope, expected_version=version)


def _count_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(figure_counts)).scalar()


# Round trips


def test_sample_figures_round_trip(engine: Engine) -> None:
    analysis = _sample()
    original = analysis.figures
    summary = save_figure_set(
        engine, original, saved_by="Alex Smith", made_with=counting_choices(analysis.settings)
    )
    assert (summary.organisation, summary.period_start, summary.period_end) == (
        "Wexcombe Borough Council", dt.date(2025, 4, 1), dt.date(2026, 3, 31)
    )
    assert (summary.scope, summary.source, summary.version, summary.saved_by) == ("", "records", 1, "Alex Smith")
    assert summary.available == ("M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8", "M9")
    assert summary.saved_at is not None and summary.saved_at.utcoffset() == dt.timedelta(0)
    assert summary.label == "1 April 2025 to 31 March 2026"

    loaded = load_figure_set(engine, summary.id)
    # Same rows in the same order (M1's bands are shown in the order they come), same dtypes.
    assert_frame_equal(loaded.counts, validate_counts(original.counts))
    assert list(loaded.counts.dtypes.astype(str)) == ["str", "str", "str", "float64", "float64"]
    assert loaded.available == original.available
    assert loaded.quality == original.quality
    assert loaded.quality["M6"].unrecognised == {"British": 54}
    assert (loaded.organisation, loaded.period, loaded.notes) == (original.organisation, original.period,
                                                                   original.notes)
    # The sample's notes say how many cases were of people who had left by the snapshot (metrics 3, 4 and 5).
    assert [note.split(":")[0] for note in loaded.notes] == ["Metric 3", "Metric 4", "Metric 5"]
    assert made_with_of(engine, summary.id) == {
        "white_minorities_as_bme": False,
        "ethnicity_overrides": {},
        "pay_band_boundaries": [25_000, 30_000, 40_000, 50_000, 70_000],
        "senior_bands": ["£70,000 and over"],
    }


def test_trends_from_stored_counts_equal_the_figures_from_the_records(engine: Engine) -> None:
    snapshots = [folder.name for folder in sample_snapshots()]
    assert snapshots == ["2024-03-31", "2025-03-31", "2026-03-31"]
    # Saved newest first: loading puts them oldest first all the same.
    for snapshot in reversed(snapshots):
        _save(engine, _sample(snapshot).figures)
    loaded = load_figure_sets(engine, SAMPLE_ORGANISATION)
    assert [str(f.period.end) for f in loaded] == snapshots
    appointment_ratios = []
    for snapshot, stored in zip(snapshots, loaded, strict=True):
        analysis = _sample(snapshot)
        from_records = compute_results(analysis.figures, analysis.settings)
        from_storage = compute_results(stored, analysis.settings)
        assert list(from_storage) == list(from_records)
        for metric_id, expected in from_records.items():
            got = from_storage[metric_id]
            assert (got.value, got.ci, got.status) == (expected.value, expected.ci, expected.status), metric_id
            assert (got.groups, got.bands, got.overall, got.questions) == (
                expected.groups, expected.bands, expected.overall, expected.questions
            ), metric_id
            assert got.sentence == expected.sentence, metric_id
            assert got == expected, metric_id
        assert [row.band for row in from_storage["M1"].bands] == list(
            dict.fromkeys(analysis.figures.for_metric("M1")["item"])
        )
        appointment_ratios.append(from_storage["M2"].value)
    # Three real, different years: the comparison above compared something.
    assert all(value is not None for value in appointment_ratios)
    assert len(set(appointment_ratios)) == 3


def test_a_filtered_set_is_kept_apart_under_its_scope(engine: Engine) -> None:
    adults = _sample_adults().figures
    whole = _sample().figures
    assert scope_of(adults.filters) == "service: Adults"
    with pytest.raises(ValueError, match="filtered to service: Adults: give that as the scope"):
        _save(engine, adults)
    scoped = _save(engine, adults, scope=f" {scope_of(adults.filters)} ")  # stored without the spaces
    _save(engine, whole)
    assert scoped.label == "1 April 2025 to 31 March 2026 (service: Adults)"
    assert [s.scope for s in list_figure_sets(engine)] == ["", "service: Adults"]
    (loaded_adults,) = load_figure_sets(engine, SAMPLE_ORGANISATION, scope="service: Adults")
    (loaded_whole,) = load_figure_sets(engine, SAMPLE_ORGANISATION)
    assert_frame_equal(loaded_adults.counts, validate_counts(adults.counts))
    assert_frame_equal(loaded_whole.counts, validate_counts(whole.counts))
    m3 = loaded_adults.for_metric("M3")
    assert m3["base"].sum() < whole.for_metric("M3")["base"].sum()
    assert loaded_adults.filters == {}


def test_scope_in_words() -> None:
    assert scope_of({}) == ""
    assert scope_of({"team": ["B", "A"], "service": ["Adults", "Children's"], "job": []}) == (
        "service: Adults, Children's; team: B, A"
    )


def test_a_large_counts_table_is_written_in_one_statement(engine: Engine) -> None:
    bands = [f"Band {n}" for n in range(1, 1001)]
    counts = pd.DataFrame(
        {
            "metric": "M1",
            "item": [band for band in bands for _ in range(3)],
            "group": ["bme", "white", "unknown"] * len(bands),
            "events": [float(n % 7) for n in range(3 * len(bands))],
            "base": 3000.5,
        }
    )
    figures = FigureSet(ORG, Period.twelve_months_to(MARCH_2026), counts, available=frozenset({"M1"}))
    statements: list[Any] = []

    def record(conn: Any, clause: Any, multiparams: Any, params: Any, options: Any) -> None:
        if isinstance(clause, Insert) and clause.table is figure_counts:
            statements.append(multiparams)

    event.listen(engine, "before_execute", record)
    summary = _save(engine, figures)
    event.remove(engine, "before_execute", record)
    assert len(statements) == 1
    assert len(statements[0]) == 3000
    loaded = load_figure_set(engine, summary.id)
    assert_frame_equal(loaded.counts, validate_counts(counts))
    assert list(dict.fromkeys(loaded.counts["item"]))[:3] == ["Band 1", "Band 2", "Band 3"]


# No person-level data


def _every_row(engine: Engine) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    reflected = MetaData()
    reflected.reflect(engine)
    tables = {}
    with engine.connect() as conn:
        for name, table in reflected.tables.items():
            tables[name] = ([c.name for c in table.columns], [tuple(row) for row in conn.execute(select(table))])
    return tables


def _cell_words(value: Any) -> set[str]:
    if isinstance(value, str):
        return set(re.findall(r"\w+", value))
    if isinstance(value, float) and value.is_integer():
        return {str(int(value))}
    if isinstance(value, int | float):
        return {str(value)}
    return set()  # dates and times are not identifiers


PERSON_FIELD_WORDS = (
    "employee", "staff", "person", "people", "applicant", "respondent", "surname", "forename", "first_name",
    "last_name", "full_name", "birth", "dob", "age", "salary", "pay", "postcode", "address", "email", "phone",
    "nhs_number", "ni_number", "insurance", "job", "disability", "gender", "sex", "ethnicity", "religion",
)


def test_no_person_level_data_is_stored(engine: Engine) -> None:
    analysis = _sample()
    _save(engine, analysis.figures)
    _save(engine, _sample_adults().figures, scope="service: Adults")
    staff = read_paths(sample_paths()).loaded.datasets["staff"]
    staff_ids = {str(i) for i in staff["employee_id"].dropna()}
    assert len(staff_ids) == len(staff) == 2304

    tables = _every_row(engine)
    assert {"figure_sets", "figure_counts"} <= set(tables)
    # (a) No column is a person's field: nothing from the record layouts, nothing named like one.
    record_fields = {c.name for schema in SCHEMAS.values() for c in schema.columns}
    for name, (columns, _rows) in tables.items():
        assert not set(columns) & record_fields, name
        for column in columns:
            assert column != "name" and not any(word in column for word in PERSON_FIELD_WORDS), (name, column)
    # (b) No staff id appears as any value, on its own or inside the JSON text.
    for name, (_columns, rows) in tables.items():
        for row in rows:
            for value in row:
                assert not _cell_words(value) & staff_ids, (name, value)
    # (c) One row per metric, item and group: counts, far fewer than the people counted.
    _columns, rows = tables["figure_counts"]
    expected = len(analysis.figures.counts) + len(_sample_adults().figures.counts)
    assert len(rows) == expected
    assert len(analysis.figures.counts) == 66
    assert len(analysis.figures.counts) < len(staff) / 30


# Versions, replacing and deleting


def test_replace_with_the_right_version_rewrites_the_counts(engine: Engine) -> None:
    first = _save(engine, _figures())
    assert first.version == 1
    smaller = _figures(disciplinary=(30, 410, 15, 1190))
    smaller = FigureSet(smaller.organisation, smaller.period, smaller.for_metric("M3"), smaller.quality,
                        [], frozenset({"M3"}))
    second = _save(engine, smaller, version=1, who="beth")
    assert (second.id, second.version, second.saved_by, second.available) == (first.id, 2, "beth", ("M3",))
    assert second.saved_at is not None and first.saved_at is not None and second.saved_at >= first.saved_at
    loaded = load_figure_set(engine, first.id)
    assert loaded.counts["events"].tolist() == [30.0, 15.0, 1.0]
    assert loaded.counts["base"].tolist() == [410.0, 1190.0, 100.0]
    assert (loaded.available, loaded.notes) == (frozenset({"M3"}), [])
    assert _count_rows(engine) == 3  # the old M1 rows are gone
    assert [s.version for s in list_figure_sets(engine)] == [2]


def test_stale_version_raises_with_who_saved_and_changes_nothing(engine: Engine) -> None:
    _save(engine, _figures())
    # Both open version 1; Beth saves first.
    _save(engine, _figures(disciplinary=(13, 400, 20, 1200)), version=1, who="beth")
    with pytest.raises(StaleEdit) as raised:
        _save(engine, _figures(disciplinary=(99, 400, 20, 1200)), version=1, who="alex")
    assert (raised.value.current.version, raised.value.current.saved_by) == (2, "beth")
    assert "beth saved a newer version at " in str(raised.value)
    (stored,) = load_figure_sets(engine, ORG)
    assert stored.for_metric("M3")["events"].tolist() == [13.0, 20.0, 1.0]


def test_a_second_first_save_is_stale(engine: Engine) -> None:
    first = _save(engine, _figures())
    with pytest.raises(StaleEdit) as raised:
        _save(engine, _figures(disciplinary=(1, 2, 3, 4)), who="beth")
    assert raised.value.current == first
    assert load_figure_sets(engine, ORG)[0].for_metric("M3")["events"].tolist() == [12.0, 20.0, 1.0]


def test_the_unique_key_catches_a_first_save_that_raced_another(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PostgreSQL at READ COMMITTED: the other first save commits after this one looked.
    first = _save(engine, _figures())
    real_read = storage.figure_sets._read_summary
    calls = []

    def blind_first_read(*args: Any) -> Any:
        calls.append(args)
        return None if len(calls) == 1 else real_read(*args)

    monkeypatch.setattr(storage.figure_sets, "_read_summary", blind_first_read)
    with pytest.raises(StaleEdit) as raised:
        _save(engine, _figures(disciplinary=(1, 2, 3, 4)), who="beth")
    assert raised.value.current == first
    assert _count_rows(engine) == 9


def test_replacing_a_set_someone_deleted_saves_it_anew(engine: Engine) -> None:
    first = _save(engine, _figures())
    delete_figure_set(engine, first.id, expected_version=1)
    again = _save(engine, _figures(disciplinary=(30, 410, 15, 1190)), version=1, who="beth")
    # A new id: a page still holding the old one cannot reach the new set.
    assert (again.version, again.saved_by) == (1, "beth")
    assert again.id != first.id
    assert [s.id for s in list_figure_sets(engine)] == [again.id]
    assert load_figure_set(engine, again.id).for_metric("M3")["events"].tolist() == [30.0, 15.0, 1.0]


def test_delete_with_the_right_version_removes_the_set_and_its_counts(engine: Engine) -> None:
    this_year = _save(engine, _figures())
    last_year = _save(engine, _figures(end=dt.date(2025, 3, 31)))
    _save(engine, _figures(), version=1, who="beth")
    with pytest.raises(StaleEdit) as raised:
        delete_figure_set(engine, this_year.id, expected_version=1)
    assert raised.value.current.saved_by == "beth"
    assert _count_rows(engine) == 18

    delete_figure_set(engine, this_year.id, expected_version=2)
    assert [s.id for s in list_figure_sets(engine)] == [last_year.id]
    with engine.connect() as conn:
        remaining = set(conn.execute(select(figure_counts.c.figure_set_id)).scalars())
    assert remaining == {last_year.id}
    assert _count_rows(engine) == 9
    with pytest.raises(LookupError, match=f"no saved figure set {this_year.id}"):
        load_figure_set(engine, this_year.id)
    with pytest.raises(LookupError):
        made_with_of(engine, this_year.id)
    delete_figure_set(engine, this_year.id, expected_version=2)  # already gone: nothing to do
    assert len(load_figure_sets(engine, ORG)) == 1


def test_list_order_and_organisations(engine: Engine) -> None:
    _save(engine, _figures(end=dt.date(2026, 3, 31), organisation="Wexcombe Borough Council"))
    _save(engine, _figures(end=dt.date(2026, 3, 31)))
    _save(engine, _figures(end=dt.date(2024, 3, 31)))
    _save(engine, _figures(end=dt.date(2025, 3, 31)), scope="service: Adults")
    _save(engine, _figures(end=dt.date(2025, 3, 31)))
    assert [(s.organisation, s.period_end.isoformat(), s.scope) for s in list_figure_sets(engine)] == [
        (ORG, "2024-03-31", ""),
        (ORG, "2025-03-31", ""),
        (ORG, "2025-03-31", "service: Adults"),
        (ORG, "2026-03-31", ""),
        ("Wexcombe Borough Council", "2026-03-31", ""),
    ]
    assert [s.period_end.year for s in list_figure_sets(engine, ORG)] == [2024, 2025, 2025, 2026]
    assert list_figure_sets(engine, "Nobody Council") == []
    assert organisations_with_figures(engine) == [ORG, "Wexcombe Borough Council"]
    assert [f.period.end.year for f in load_figure_sets(engine, ORG)] == [2024, 2025, 2026]
    assert [f.period.end.year for f in load_figure_sets(engine, ORG, scope="service: Adults")] == [2025]


def test_a_failed_write_keeps_the_old_set(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _save(engine, _figures())
    real_rows = storage.figure_sets.count_rows

    def rows_with_a_repeat(figure_set_id: int, counts: pd.DataFrame) -> list[dict[str, Any]]:
        rows = real_rows(figure_set_id, counts)
        return [*rows, rows[0]]  # the last insert breaks the primary key, after the old rows were deleted

    monkeypatch.setattr(storage.figure_sets, "count_rows", rows_with_a_repeat)
    with pytest.raises(IntegrityError):
        _save(engine, _figures(disciplinary=(50, 400, 20, 1200)), version=1, who="beth")
    monkeypatch.undo()
    (stored,) = list_figure_sets(engine)
    assert stored == first
    assert_frame_equal(load_figure_set(engine, first.id).counts, validate_counts(_figures().counts))


# Refusals and limits


def _with_counts(figures: FigureSet, **changes: Any) -> FigureSet:
    counts = figures.counts.assign(**changes)
    return FigureSet(figures.organisation, figures.period, counts, figures.quality, figures.notes,
                     figures.available, figures.filters)


@pytest.mark.parametrize(
    ("figures", "source", "message"),
    [
        (FigureSet(ORG, Period.twelve_months_to(MARCH_2026), _figures().counts), "records",
         "hold no metric's data: there is nothing to save"),
        (_with_counts(_figures(), events=[12, 20, 1, 300, -900, 60, 100, 300, 40]), "records",
         "counts cannot be negative"),
        (_with_counts(_figures(), base=[400, float("nan"), 100, 400, 1200, 100, 400, 1200, 100]), "records",
         "blank or not a number"),
        (_with_counts(_figures(), item=["", "", "", "Band 9", "Band 9", "Band 9", "Band 9", "Band 9", "Band 9"]),
         "records", "the counts list M1 Band 9 bme more than once"),
        (_figures(organisation=""), "records", "the organisation is required"),
        (_figures(), "survey", "the source must be one of 'records', 'counts template'"),
        (FigureSet(ORG, Period(MARCH_2026, dt.date(2025, 4, 1)), _figures().counts, available=frozenset({"M3"})),
         "records", r"the period starts \(2026-03-31\) after it ends \(2025-04-01\)"),
        (FigureSet(ORG, Period.twelve_months_to(MARCH_2026), _figures().counts, available=frozenset({"M10"})),
         "records", "no metric 'M10'"),

        (replace(_figures(), own_rules=frozenset({"M10"})), "records",
         "no metric 'M10' to have been counted under its own rule"),
        # The race standards' groups in figures that say they are counted by disability.
        (replace(_figures(), comparison=DISABILITY), "records", "unknown groups .* of the disability comparison"),
    ],
)
def test_figures_that_cannot_be_saved_are_refused(engine: Engine, figures: FigureSet, source: str,
                                                  message: str) -> None:
    with pytest.raises(ValueError, match=message):
        save_figure_set(engine, figures, saved_by="alex", made_with=MADE_WITH, source=source)
    assert list_figure_sets(engine) == []
    assert _count_rows(engine) == 0


def test_made_with_must_be_plain_json(engine: Engine) -> None:
    with pytest.raises(ValueError, match="plain JSON"):
        save_figure_set(engine, _figures(), saved_by="alex", made_with={"period_end": MARCH_2026})
    summary = save_figure_set(engine, _figures(), saved_by="alex", source="counts template",
                              made_with={"ethnicity_overrides": {"Other White": "bme"}})
    assert summary.source == "counts template"
    assert made_with_of(engine, summary.id) == {"ethnicity_overrides": {"Other White": "bme"}}


def test_counting_choices_are_the_settings_the_counts_depend_on() -> None:
    settings = Settings(white_minorities_as_bme=True, ethnicity_overrides={"Other White": "bme"},
                        pay_band_boundaries=(20_000, 35_000), senior_bands=("Band 8d", "Band 9"),
                        bme_label="Global majority", min_group_size=5)
    assert counting_choices(settings) == {
        "white_minorities_as_bme": True,
        "ethnicity_overrides": {"Other White": "bme"},
        "pay_band_boundaries": [20_000, 35_000],
        "senior_bands": ["Band 8d", "Band 9"],
    }


def test_unrecognised_labels_are_kept_to_the_50_most_frequent_and_200_characters(engine: Engine) -> None:
    long_label = "W" * 300
    labels = {f"label {n:02d}": 100 - n for n in range(60)} | {long_label: 1000}
    figures = _figures()
    figures = FigureSet(figures.organisation, figures.period, figures.counts,
                        {"M3": DataQuality(1700, None, labels)}, [], figures.available)
    kept = load_figure_set(engine, _save(engine, figures).id).quality["M3"]
    assert (kept.total, kept.unknown) == (1700, None)
    assert len(kept.unrecognised) == 50
    assert kept.unrecognised["W" * 200] == 1000
    assert max(len(label) for label in kept.unrecognised) == 200
    # The long label and the 49 most frequent others; the rarest eleven are dropped.
    assert set(kept.unrecognised) - {"W" * 200} == {f"label {n:02d}" for n in range(49)}
    assert kept.unrecognised["label 00"] == 100


# Schema


def test_figure_tables_are_created(engine: Engine) -> None:
    assert stored_schema_version(engine) == SCHEMA_VERSION
    names = set(inspect(engine).get_table_names())
    assert {"figure_sets", "figure_counts"} <= names
    keys = inspect(engine).get_foreign_keys("figure_counts")
    assert [(k["referred_table"], k["constrained_columns"], k["options"].get("ondelete")) for k in keys] == [
        ("figure_sets", ["figure_set_id"], "CASCADE")
    ]
    assert [u["column_names"] for u in inspect(engine).get_unique_constraints("figure_sets")] == [
        ["organisation", "period_end", "scope"]
    ]


def test_a_version_1_database_is_upgraded(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.begin() as conn:
        metadata.create_all(conn, tables=[metadata.tables[name] for name in VERSION_1_TABLES])
        conn.execute(insert(schema_version).values(version=1, applied_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC)))
        # As version 1's save wrote it (today's save also writes a history entry, a table version 1 lacks).
        conn.execute(insert(metadata.tables["panels"]).values(
            organisation=ORG, period="2026-03-31", metric="M3", kind="know", text="written at version 1",
            version=1, updated_by="alex", updated_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC)))
    assert set(inspect(engine).get_table_names()) == set(VERSION_1_TABLES)
    assert stored_schema_version(engine) == 1

    create_schema(engine)
    create_schema(engine)  # and again: nothing more to do
    assert stored_schema_version(engine) == SCHEMA_VERSION
    with engine.connect() as conn:
        assert list(conn.execute(select(schema_version.c.version).order_by(schema_version.c.version)).scalars()) == [
            1, 2, 3, 4, 5, 6, 7
        ]
    assert {"figure_sets", "figure_counts"} <= set(inspect(engine).get_table_names())
    assert load_panel(engine, ORG, "2026-03-31", "M3", "know").text == "written at version 1"
    summary = _save(engine, _figures())
    assert_frame_equal(load_figure_set(engine, summary.id).counts, validate_counts(_figures().counts))
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(figure_sets)).scalar() == 1
    engine.dispose()


# Schema version 6: whose groups a saved period holds, and the metrics counted under their standard's own rule

TEST_WDES = "test-wdes"


@pytest.fixture
def wdes(monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A disability standard registered while the test runs (the user-visible WDES is another step's)."""
    monkeypatch.setitem(registry.STANDARDS, TEST_WDES,
                        registry.Standard(TEST_WDES, "Test WDES", "A disability standard for tests", DISABILITY))
    return Settings(standard=TEST_WDES, period_end=MARCH_2026)


def _disability_figures(organisation: str = ORG) -> FigureSet:
    """M3 and M1 in two bands over the disability groups, whose keys are longer than the race standards'."""
    counts = pd.DataFrame({
        "metric": ["M3"] * 3 + ["M1"] * 6,
        "item": ["", "", "", "Band 9", "Band 9", "Band 9", "Band 10", "Band 10", "Band 10"],
        "group": ["disabled", "non_disabled", "not_declared"] * 3,
        "events": [4.0, 8.0, 0.0, 30.0, 120.0, 10.0, 10.0, 40.0, 10.0],
        "base": [40.0, 160.0, 20.0, 160.0, 160.0, 160.0, 60.0, 60.0, 60.0],
    })
    return FigureSet(organisation, Period.twelve_months_to(MARCH_2026), counts,
                     {"M3": DataQuality(220, 20, {"Prefer not to say": 10})}, ["Counted by disability"],
                     frozenset({"M1", "M3"}), comparison=DISABILITY, own_rules=frozenset({"M1"}))


def test_disability_figures_are_saved_and_reloaded_equal(engine: Engine, wdes: Settings) -> None:
    figures = _disability_figures()
    summary = _save(engine, figures)
    assert summary.comparison == "disability"
    assert summary.state()["comparison"] == "disability"
    (listed,) = list_figure_sets(engine, ORG)
    assert listed.comparison == "disability"
    loaded = load_figure_set(engine, summary.id)
    assert_frame_equal(loaded.counts, validate_counts(figures.counts, DISABILITY))
    assert loaded.comparison is DISABILITY
    assert loaded.own_rules == frozenset({"M1"})
    assert (loaded.available, loaded.notes, loaded.quality["M3"].unrecognised) == (
        figures.available, figures.notes, {"Prefer not to say": 10})
    # Read back, they compute as they did: the disability standard's ratio, the own rule kept.
    before, after = compute_results(figures, wdes), compute_results(loaded, wdes)
    assert (after["M3"].value, after["M3"].ci) == (before["M3"].value, before["M3"].ci)
    assert after["M1"].own_rule and before["M1"].own_rule
    # Not under a race standard, whose groups they are not.
    with pytest.raises(ValueError, match="counted by disability"):
        compute_results(loaded, Settings())


def test_an_nhs_wres_period_reopens_with_the_nhs_wres_rule(engine: Engine) -> None:
    """The sample trust's staff data have an assignment category and staff groups, so its indicator 1 is counted
    under the NHS WRES's own rule (no bank workers, by cluster), and a reopened period says so, as on screen."""
    settings = Settings(standard="nhs-wres", period_end=MARCH_2026)
    analysis = analyse(read_paths(sample_trust_paths()), settings)
    figures = replace(analysis.figures, organisation="Sample NHS Trust")
    assert figures.own_rules == frozenset({"M1"})
    loaded = load_figure_set(engine, _save(engine, figures).id)
    assert loaded.own_rules == frozenset({"M1"}) and loaded.comparison is ETHNICITY
    m1 = compute_results(loaded, settings)["M1"]
    assert m1.own_rule
    assert m1.counted_text() == m1.definition.counted_text(standard="nhs-wres") == \
        analysis.results["M1"].counted_text()
    assert m1.counted_text() != m1.definition.counted_text()
    # Without the own rule recorded it would have read as the plain one: what schema 5 showed.
    assert compute_results(replace(loaded, own_rules=frozenset()), settings)["M1"].counted_text() == \
        m1.definition.counted_text()


def test_one_comparisons_saved_figures_are_not_replaced_by_anothers(engine: Engine, wdes: Settings) -> None:
    saved = _save(engine, _figures())
    with pytest.raises(ValueError, match="counted by ethnicity, and these by disability: .* not replaced"):
        _save(engine, _disability_figures(), version=saved.version)
    kept = load_figure_set(engine, saved.id)
    assert kept.comparison is ETHNICITY
    assert_frame_equal(kept.counts, validate_counts(_figures().counts))
    assert [s.version for s in list_figure_sets(engine)] == [1]


def test_a_saved_period_of_a_comparison_this_code_does_not_know_is_a_clear_error(engine: Engine) -> None:
    summary = _save(engine, _figures())
    with engine.begin() as conn:
        conn.execute(figure_sets.update().values(comparison="gender"))
    with pytest.raises(InputError, match="counted by 'gender', which this version of the dashboard does not know"):
        load_figure_set(engine, summary.id)
    # Not read as the race standards' figures by trends, and still listed, kept and removable.
    assert load_figure_sets(engine, ORG) == []
    assert [s.comparison for s in list_figure_sets(engine, ORG)] == ["gender"]
    assert _count_rows(engine) == 9


def test_trends_and_benchmarking_read_one_comparisons_periods(engine: Engine, wdes: Settings) -> None:
    _save(engine, _figures(dt.date(2025, 3, 31)))
    _save(engine, _disability_figures(), scope="Test WDES")
    _save(engine, _figures(organisation="Wexcombe Council"))
    _save(engine, _disability_figures("Bramford Council"))
    assert [fs.period.end for fs in load_figure_sets(engine, ORG)] == [dt.date(2025, 3, 31)]
    assert load_figure_sets(engine, ORG, "Test WDES") == []
    (disability,) = load_figure_sets(engine, ORG, "Test WDES", comparison=DISABILITY)
    assert disability.comparison is DISABILITY
    assert [s.organisation for s in benchmark_sources(engine)] == [ORG, "Wexcombe Council"]
    assert [(s.organisation, s.summary.comparison) for s in benchmark_sources(engine, comparison=DISABILITY)] == [
        ("Bramford Council", "disability")]


def test_benchmarking_reads_the_periods_saved_under_the_standard_asked_for(engine: Engine) -> None:
    """Each standard's saved periods are its own (saved under its scope, "" for the SC-WRES): benchmarking under the
    NHS WRES sets the NHS WRES's periods side by side, never the SC-WRES's, and a loaded one is checked in its own
    scope."""
    _save(engine, _figures())
    _save(engine, _figures(organisation="Wexcombe Council"), scope="NHS WRES")
    assert [s.organisation for s in benchmark_sources(engine)] == [ORG]
    (nhs,) = benchmark_sources(engine, scope="NHS WRES")
    assert (nhs.organisation, nhs.summary.scope) == ("Wexcombe Council", "NHS WRES")
    assert load_benchmark_figures(engine, nhs.summary.id).figures.organisation == "Wexcombe Council"
