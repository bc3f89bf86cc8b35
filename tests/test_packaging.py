"""`pip install .` works: the package builds from a fresh clone's files, carries the engine and the sample council,
and its commands give the same figures as the checkout's `python -m metrics`."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.fresh_clone import ROOT, copy_of_the_tree


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Built from a copy, so the build's own folders (build/, *.egg-info) never land in the working tree.
    tree = copy_of_the_tree(tmp_path_factory.mktemp("clone"))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                    "--disable-pip-version-check", "-w", str(out), str(tree)], check=True, capture_output=True)
    (built,) = out.glob("wres_dashboard-*.whl")
    return built


def test_the_wheel_carries_the_engine_the_sample_and_the_commands(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = next(archive.read(n).decode() for n in names if n.endswith(".dist-info/METADATA"))
        entry_points = next(archive.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt"))
    # Every module of the packages it installs, subpackages too, as the checkout has them.
    for package in ("access", "charts", "commands", "data_loaders", "metrics", "pipeline", "reports", "sample_data",
                    "storage"):
        modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / package).rglob("*.py")}
        assert modules and modules <= names, sorted(modules - names)
    assert "sample_data/wexcombe/2026-03-31/staff.xlsx" in names
    assert "sample_data/region/amberlow-council.xlsx" in names
    assert "reports/plan.typ" in names  # the PDF plan's template
    assert not [n for n in names if n.startswith(("tests/", "ui/", "pages/"))]  # the dashboard runs from a checkout
    from packaging.requirements import Requirement

    wanted = [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    declared = [Requirement(line.removeprefix("Requires-Dist: ")) for line in metadata.splitlines()
                if line.startswith("Requires-Dist: ")]
    assert sorted(map(str, declared)) == sorted(str(Requirement(r)) for r in wanted if r)  # requirements.txt, all
    assert "wres-metrics = commands.metrics_cli:main" in entry_points
    assert "wres-storage = storage.__main__:main" in entry_points


def test_the_installed_command_gives_the_checkouts_figures(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--disable-pip-version-check",
                    "--target", str(site), str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    installed = subprocess.run([sys.executable, "-m", "metrics", "--json"], cwd=elsewhere, capture_output=True,
                               text=True, env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}, check=True)
    checkout = subprocess.run([sys.executable, "-m", "metrics", "--json"], cwd=ROOT, capture_output=True, text=True,
                              check=True)
    probe = subprocess.run([sys.executable, "-c", "import metrics; print(metrics.__file__)"], cwd=elsewhere,
                           capture_output=True, text=True, env={"PYTHONPATH": str(site)}, check=True)
    assert probe.stdout.startswith(str(site))  # the installed copy ran, not the checkout
    assert json.loads(installed.stdout) == json.loads(checkout.stdout)
