"""The three panels beside the pay gaps: kept per comparison under the keys 'PGS', 'PGE' and 'PGD', which storage
takes beside the metrics' ids, in its history and in a backup."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import Engine

from storage import (
    PANEL_SUBJECTS,
    PAY_GAP_PANELS,
    load_panel,
    load_panels,
    panel_history,
    pay_gap_panel,
    restore_panel,
    save_panel,
)
from storage.backup import check_backup, export_all, import_all

ORG = "Northbrook Council"
PERIOD = "2026-03-31"


def test_the_pay_gap_keys_are_one_per_comparison():
    assert PAY_GAP_PANELS == ("PGS", "PGE", "PGD")
    assert pay_gap_panel("sex") == "PGS" and pay_gap_panel("ethnicity") == "PGE"
    with pytest.raises(ValueError, match="no pay gap comparison 'age'"):
        pay_gap_panel("age")


def test_a_pay_gap_panel_saves_reloads_and_keeps_its_history(engine: Engine) -> None:
    saved = save_panel(engine, ORG, PERIOD, "PGS", "know", "Women's median hourly pay is 8% lower.",
                       expected_version=0, user="a", figures="8.0%")
    assert saved.version == 1
    assert load_panel(engine, ORG, PERIOD, "PGS", "know").text == "Women's median hourly pay is 8% lower."
    found = load_panels(engine, ORG, PERIOD)
    assert found["PGS", "know"].version == 1 and found["PGE", "know"].version == 0
    save_panel(engine, ORG, PERIOD, "PGS", "know", "Second", expected_version=1, user="b")
    history = panel_history(engine, ORG, PERIOD, "PGS", "know")
    assert [entry.version for entry in history] == [2, 1]
    restored = restore_panel(engine, history[1].id, user="c", expected_version=2)
    assert restored.text == "Women's median hourly pay is 8% lower." and restored.version == 3


def test_every_key_fits_the_metric_column_that_holds_it():
    # SQLite ignores a column's length; PostgreSQL refuses a longer key ("PAYGAP-sex" was, at first).
    from storage.db import panels

    assert all(len(key) <= panels.c.metric.type.length for key in PANEL_SUBJECTS)


def test_an_unknown_key_is_still_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="no metric 'PGX'"):
        save_panel(engine, ORG, PERIOD, "PGX", "know", "x", expected_version=0, user="a")


def test_a_backup_with_pay_gap_panels_is_checked_and_imported(engine: Engine, tmp_path) -> None:
    save_panel(engine, ORG, PERIOD, "PGD", "achieved", "Reasonable adjustments audit",
               expected_version=0, user="a")
    exported = export_all(engine)
    check_backup(copy.deepcopy(exported))  # its panel and its history entry's key are both accepted
    from storage import open_database

    target = open_database(f"sqlite:///{tmp_path / 'target.sqlite'}")
    import_all(target, copy.deepcopy(exported), user="importer")
    assert load_panel(target, ORG, PERIOD, "PGD", "achieved").text == "Reasonable adjustments audit"


def test_the_pay_gaps_page_owns_the_pay_gap_panels_keys():
    from ui.navigation import PAY_GAPS_PAGE, page_for

    assert PAY_GAPS_PAGE.metrics == PAY_GAP_PANELS
    assert page_for("PGE").path == "pages/pay_gaps.py"
