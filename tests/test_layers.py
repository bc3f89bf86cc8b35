"""The layers stay apart, and the command line's start-up stays lean."""

import ast
import json
import os
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


# The layers from the bottom: what each may import of the project (besides itself and the standard library).
LAYERS = {
    "data_loaders": set(),
    "metrics": {"data_loaders"},
    "pipeline": {"data_loaders", "metrics"},
    "charts": {"data_loaders", "metrics"},
    "commands": {"data_loaders", "metrics", "pipeline"},
}


@pytest.mark.parametrize("folder", sorted(LAYERS))
def test_each_layer_imports_only_the_layers_below_it(folder):
    """The engine (metrics/) reads no file and writes no output: reading files and counts templates is pipeline/,
    the command line is commands/. Only `python -m metrics`'s entry point hands over to commands/."""
    project = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    allowed = LAYERS[folder] | {folder}
    offenders = {}
    for path in (ROOT / folder).rglob("*.py"):
        if path.relative_to(ROOT).as_posix() == "metrics/__main__.py":
            continue
        above = (imported_modules(path) & project) - allowed
        if above:
            offenders[path.relative_to(ROOT).as_posix()] = sorted(above)
    assert offenders == {}


def test_command_line_start_up_imports_only_what_it_uses():
    code = ("import sys, json; import pipeline.api, commands.metrics_cli, metrics.publish, commands.table; "
            "print(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))")
    loaded = set(json.loads(subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                                           check=True).stdout))
    assert {"pandas", "python_calamine", "metrics", "data_loaders"} <= loaded
    # Writing workbooks, the test-only statistics and the app are not paid for on every run.
    assert not loaded & {"streamlit", "scipy", "openpyxl", "altair", "plotly"}


# Private names stay in their module ---------------------------------------------------------------------------
# A name with a leading underscore is its module's own business: another module that imports it, or reaches for it
# as an attribute, breaks silently when the owner renames or changes it. What modules share is public in the
# module named for it (charts.shared, metrics.formatting, storage.figure_sets.count_rows).

# Folders that hold no project code: the environment, the browser tests' packages, caches.
NOT_PROJECT = {".venv", "node_modules", "__pycache__", "var"}


def project_files() -> list[Path]:
    """Every .py file of the project, by walking the tree (symlinked environments and hidden folders left out)."""
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in NOT_PROJECT and not d.startswith(".")]
        found += [Path(folder) / name for name in files if name.endswith(".py")]
    return sorted(found)


def project_modules(files: list[Path]) -> set[str]:
    """The project's top-level module names: its folders with Python in them (metrics, charts, tests...) and its
    top-level files (app). A module whose first part is not one of these is a third party's
    (`pptx.text.text._Paragraph` is python-pptx's to name)."""
    parts = [p.relative_to(ROOT).parts for p in files]
    return {p[0] for p in parts if len(p) > 1} | {p[0].removesuffix(".py") for p in parts if len(p) == 1}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_uses(path: Path, project: set[str], *, attributes: bool) -> list[str]:
    """Where `path` imports a private name from another project module (`from metrics.narrative import _cap`,
    `import charts._parts`) and, with `attributes`, where it reads one as an attribute of a project module or
    of a name imported from one (`values._is_number(...)`, `storage.figure_sets._count_rows`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    # Local name -> the project module (or the name in it) it stands for.
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] not in project:
                continue
            for alias in node.names:
                dotted = f"{node.module}.{alias.name}"
                if any(_private(part) for part in dotted.split(".")):
                    found.append((node.lineno, f"from {node.module} import {alias.name}"))
                bound[alias.asname or alias.name] = dotted
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] not in project:
                    continue
                if any(_private(part) for part in alias.name.split(".")):
                    found.append((node.lineno, f"import {alias.name}"))
                # `import a.b` binds a; `import a.b as c` binds c to a.b.
                bound[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else \
                    alias.name.split(".")[0]
    if attributes:
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Attribute) and _private(node.attr)):
                continue
            chain, base = [], node.value
            while isinstance(base, ast.Attribute):
                chain.append(base.attr)
                base = base.value
            if isinstance(base, ast.Name) and base.id in bound:
                owner = ".".join([bound[base.id], *reversed(chain)])
                found.append((node.lineno, f"{owner}.{node.attr}"))
    return [f"line {line}: {use}" for line, use in sorted(found)]


def test_no_module_uses_another_modules_private_names():
    """No project file imports a private name from another project module; outside the tests, none reads one as
    an attribute either. The tests may reach into a module's internals as attributes (to patch a cache, a limit or
    a slow path): that is what white-box tests are for, and a rename breaks them loudly, not silently."""
    files = project_files()
    project = project_modules(files)
    assert {"metrics", "charts", "storage", "data_loaders", "reports", "ui", "tests", "app"} <= project
    offenders = {str(p.relative_to(ROOT)): uses for p in files
                 if (uses := private_uses(p, project, attributes=p.relative_to(ROOT).parts[0] != "tests"))}
    assert offenders == {}


def test_the_check_tells_the_projects_private_names_from_a_third_partys(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from pptx.text.text import _Paragraph\n"
                      "from charts.builders import ChartSpec, _label\n"
                      "import data_loaders.values as values\n"
                      "import storage.figure_sets\n"
                      "values._is_number(1)\n"
                      "storage.figure_sets._count_rows\n"
                      "ChartSpec.__name__\n", encoding="utf-8")
    project = {"charts", "data_loaders", "storage"}
    assert private_uses(sample, project, attributes=True) == [
        "line 2: from charts.builders import _label",
        "line 5: data_loaders.values._is_number",
        "line 6: storage.figure_sets._count_rows",
    ]
    assert private_uses(sample, project, attributes=False) == ["line 2: from charts.builders import _label"]
