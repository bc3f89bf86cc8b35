"""The layers stay apart, and the command line's start-up stays lean."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    "folder", ["metrics", "data_loaders", "charts", "storage", "reports", "access", "sample_data", "benchmarks"]
)
def test_computation_never_imports_streamlit(folder):
    offenders = [p.name for p in (ROOT / folder).rglob("*.py") if "streamlit" in imported_modules(p)]
    assert offenders == []


def test_data_loaders_do_not_depend_on_metrics():
    offenders = [p.name for p in (ROOT / "data_loaders").rglob("*.py") if "metrics" in imported_modules(p)]
    assert offenders == []


def test_command_line_start_up_imports_only_what_it_uses():
    code = ("import sys, json; import metrics.api, metrics.cli, metrics.publish, metrics.table; "
            "print(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))")
    loaded = set(json.loads(subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                                           check=True).stdout))
    assert {"pandas", "python_calamine", "metrics", "data_loaders"} <= loaded
    # Writing workbooks, the test-only statistics and the app are not paid for on every run.
    assert not loaded & {"streamlit", "scipy", "openpyxl", "altair", "plotly"}
