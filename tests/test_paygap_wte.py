"""Weekly hours from a whole-time equivalent (ESR's 'Contracted WTE'), with a full-time week the person can set."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from metrics import paygap as pg

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "paygap" / "payroll.csv"
SNAPSHOT = dt.date(2026, 3, 31)


def run(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "metrics", "paygap", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)


def test_weekly_hours_are_wte_times_the_full_time_week_where_no_hours_are_given():
    frame = pd.DataFrame({"weekly_hours": [20.0, None, None], "wte": [1.0, 0.8, None]})
    hours, from_wte = pg.weekly_hours_from(frame)
    assert hours.tolist()[:2] == [20.0, 30.0] and pd.isna(hours.iloc[2])  # given hours win over the WTE
    assert from_wte == 1
    assert pg.weekly_hours_from(frame.drop(columns="weekly_hours"), 37.0)[0].tolist()[:2] == [37.0, 29.6]
    with pytest.raises(ValueError, match="more than 0 hours"):
        pg.weekly_hours_from(frame, 0)


def test_the_hourly_rate_from_wte_and_the_note_that_says_how_many_rows():
    # 1 x 37.5 hours and 0.5 x 37.5 hours; a 7-day period: hourly rate = pay / hours.
    frame = pd.DataFrame({"sex": ["F", "M"], "ordinary_pay": [375.0, 375.0], "wte": [1.0, 0.5],
                          "pay_period_days": [7.0, 7.0], "bonus_pay": [0.0, 0.0]})
    people = pg.relevant_employees(frame, SNAPSHOT)
    assert people.hourly.tolist() == [10.0, 20.0]
    assert any("weekly hours worked out from WTE × 37.5 for 2 rows" in n and "Agenda for Change" in n
               for n in people.notes)
    people = pg.relevant_employees(frame, SNAPSHOT, full_time_hours=37.0)
    assert people.hourly.tolist() == pytest.approx([375 / 37, 375 / 18.5])
    assert any("weekly hours worked out from WTE × 37 for 2 rows" in n for n in people.notes)


def test_the_command_line_takes_a_contracted_wte_column_and_a_full_time_week(tmp_path):
    frame = pd.read_csv(FIXTURE, dtype=str)
    hours = frame.pop("Weekly Contracted Hours").astype(float)
    frame["Contracted WTE"] = (hours / 37.5).map(lambda v: f"{v:.6f}")
    path = tmp_path / "esr.csv"
    frame.to_csv(path, index=False)
    completed = run(path, "--by", "sex", "--snapshot", "2026-03-31", "--json", "--resamples", "0")
    assert completed.returncode == 0, completed.stderr
    data = json.loads(completed.stdout)
    assert data["full_time_hours"] == 37.5
    assert data["gaps"]["women"]["mean_pct"] == pytest.approx(json.loads(run(
        FIXTURE, "--by", "sex", "--snapshot", "2026-03-31", "--json", "--resamples", "0").stdout
    )["gaps"]["women"]["mean_pct"], abs=1e-6)
    # Every relevant employee's hours from the WTE (the one neither man nor woman too), none of the leavers'.
    assert any(f"weekly hours worked out from WTE × 37.5 for {data['employees'] + 1} rows" in n for n in data["notes"])
    text = run(path, "--by", "sex", "--snapshot", "2026-03-31", "--resamples", "0", "--full-time-hours", "37").stdout
    assert "weekly hours worked out from WTE × 37 for" in text
    bad = run(path, "--by", "sex", "--full-time-hours", "0")
    assert bad.returncode == 2 and "is not a week's hours" in bad.stderr


SAMPLE_TRUST_ESR = ROOT / "sample_data" / "trust" / "esr_staff_in_post.xlsx"


def test_the_sample_trust_has_wte_but_no_ordinary_pay_so_it_is_refused_with_its_message():
    # ESR's staff in post gives an annual (full-time) salary, not the pay for the pay period: the pay gaps do not
    # make one up from it.
    completed = run(SAMPLE_TRUST_ESR, "--by", "sex", "--snapshot", "2026-03-31")
    assert completed.returncode == 2
    assert "no ordinary pay column was found" in completed.stderr and "Traceback" not in completed.stderr
