"""The benchmark runs (on a small workbook) so it cannot rot; its figures are printed, not asserted."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _case(lines: list[str], name: str) -> tuple[float, float, float, float]:
    """(median, fastest, slowest, ratio to the baseline) from a case's line."""
    line = next(line for line in lines if line.startswith(name))
    median, spread, ratio = line[len(name):].split()[:3]
    fastest, slowest = spread.split("-")
    return float(median), float(fastest), float(slowest), float(ratio)


def _check_against_baseline(lines: list[str], baseline: str, ours: str) -> None:
    floor, *_, own_ratio = _case(lines, baseline)
    assert own_ratio == 1.0  # the baseline is 1x itself
    median, fastest, slowest, ratio = _case(lines, ours)
    assert fastest <= median <= slowest
    # The figures printed are rounded to 0.01: each may be off by 0.005, which the quotient magnifies.
    assert abs(ratio - median / floor) <= 0.005 / floor + 0.005 * median / floor**2 + 0.006
    assert f"(baseline: {baseline})" in lines


def test_benchmark_prints_each_case_beside_its_baseline():
    completed = subprocess.run([sys.executable, "-m", "benchmarks", "--rows", "300", "--repeat", "3",
                                "--csv-rows", "2000", "--uploads", "2", "--all-readers"], cwd=ROOT,
                               capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert "Median of 3 runs" in completed.stdout
    _check_against_baseline(lines, "fastexcel bare read (sheet to Arrow)", "this project: load + every metric")
    assert any(line.startswith("python-calamine alone (cells only)") for line in lines)
    assert any(line.startswith("pandas read_excel (openpyxl)") for line in lines)  # these only with --all-readers
    assert any(line.startswith("pandas read_excel (calamine)") for line in lines)
    assert "count every metric" in completed.stdout
    assert "National-scale CSVs: 2,000 staff, 500 applicants, 20 disciplinary cases" in completed.stdout
    _check_against_baseline(lines, "pyarrow read_csv bare (every file)", "this project: every metric (CSV)")
    assert any(line.startswith("pandas read_csv (every file)") for line in lines)
    assert "The whole benchmark took" in completed.stdout
    assert "page switch: overview to recruitment" in completed.stdout
    assert "filter change, again: Adults" in completed.stdout
    assert "resident memory across 2 uploads" in completed.stdout and "after 2:" in completed.stdout
    assert "An upload of the 300-row workbook in the app" in completed.stdout
    upload = float(next(line for line in lines if "upload, click to overview" in line).split()[4])
    command_line = float(next(line for line in lines if "command line: load + every metric" in line).split()[-2])
    ratio = float(next(line for line in lines if line.split()[:1] == ["ratio"]).split()[-2])
    assert abs(ratio - upload / command_line) < 0.01 / command_line + 0.01  # the figures printed are rounded
    assert "Reading staff.xlsx (file 1 of 1):" in completed.stdout and "Counting the metrics:" in completed.stdout
    assert "The first page in headless Chromium" in completed.stdout
    if Path("/usr/bin/chromium").exists():  # CI installs it: there, both ways of starting the app are timed
        for server in ("streamlit run app.py", "python -m ui.serve (make run)"):
            line = next(line for line in lines if line.strip().startswith(server))
            assert [float(figure) for figure in line.split()[-4::2]], line
    else:
        assert "skipped: no Chromium" in completed.stdout
