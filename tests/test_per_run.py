"""ui.per_run: what a run asks for often is looked up once that run, and never carried into the next."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui import per_run

APP = str(Path(__file__).resolve().parent.parent / "app.py")


class Maker:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def test_once_a_run_for_the_very_same_objects():
    make, view, equal_but_another = Maker(), ["view"], ["view"]
    with per_run.remembering():
        assert per_run.remembered("count", (view,), make) == 1
        assert per_run.remembered("count", (view,), make) == 1  # the same run, the same view: looked up once
        assert per_run.remembered("count", (equal_but_another,), make) == 2  # equal is not the same object
        assert per_run.remembered("published", (view,), make) == 3  # another question about the view
    with per_run.remembering():  # the next run starts afresh: a save or an upload in between is seen
        assert per_run.remembered("count", (view,), make) == 4
    assert make.calls == 4


def test_nothing_is_remembered_outside_a_run_or_with_the_tuning_off():
    make = Maker()
    assert [per_run.remembered("engine", (), make) for _ in range(2)] == [1, 2]
    with per_run.remembering(enabled=False):  # the load test's untuned baseline
        assert [per_run.remembered("engine", (), make) for _ in range(2)] == [3, 4]


def test_a_failure_is_not_remembered_and_the_run_ends_with_nothing_kept():
    calls: list[int] = []

    def failing_then_fine() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the database is not there yet")
        return "engine"

    with pytest.raises(RuntimeError), per_run.remembering():
        per_run.remembered("engine", (), failing_then_fine)
    with per_run.remembering():
        with pytest.raises(RuntimeError):
            per_run.remembered("engine", (), lambda: (_ for _ in ()).throw(RuntimeError("stopped")))
        assert per_run.remembered("engine", (), failing_then_fine) == "engine"
        assert per_run.remembered("engine", (), failing_then_fine) == "engine"
    assert len(calls) == 2
    assert per_run.remembered("engine", (), failing_then_fine) == "engine"  # the run's memo went with it
    assert len(calls) == 3


def test_a_metric_page_looks_its_view_up_once_a_run(monkeypatch, tmp_path):
    # Two metrics, six panels, two charts: each asked for the view's analysis, and each ask hashed the files,
    # the settings and the filters again in Streamlit's cache.
    from ui import state

    monkeypatch.setenv("WRES_DATABASE_URL", f"sqlite:///{tmp_path / 'wres.sqlite'}")
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/conduct.py").run()
    assert not at.exception, at.exception
    asked: list[tuple] = []
    analysed, together = state._analysed, state._together

    def counting(name, cached):
        def ask(*args, **kwargs):
            # Which question: the files (by identity), the corrections, the settings, the filters, the organisation.
            asked.append((name, id(args[0]), *args[1:5]))
            return cached(*args, **kwargs)
        return ask

    monkeypatch.setattr(state, "_analysed", counting("analysis", analysed))
    monkeypatch.setattr(state, "_together", counting("published", together))
    at.run()
    assert not at.exception, at.exception
    # Once each for the page's view (the year before, once its reading has ended in the background, is another
    # question: the page compares with it).
    assert len(asked) == len(set(asked)), asked
    assert {question[0] for question in asked} == {"analysis", "published"}


def test_a_page_of_two_metrics_reads_the_plan_once_a_run(monkeypatch, tmp_path):
    import sqlalchemy
    from sqlalchemy import event

    monkeypatch.setenv("WRES_DATABASE_URL", f"sqlite:///{tmp_path / 'wres.sqlite'}")
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/conduct.py").run()  # metrics 3 and 4, each with its actions from the plan
    statements: list[str] = []

    def seen(conn, cursor, statement, *_args):
        statements.append(statement)

    event.listen(sqlalchemy.engine.Engine, "before_cursor_execute", seen)
    try:
        at.run()
    finally:
        event.remove(sqlalchemy.engine.Engine, "before_cursor_execute", seen)
    assert not at.exception, at.exception
    assert [s for s in statements if "FROM actions" in s].__len__() == 1, statements
    assert len(at.expander) and sum("Actions in the plan for metric" in e.label for e in at.expander) == 2
