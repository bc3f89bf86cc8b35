"""A copy of the tree as a fresh clone has it: the files git tracks, as they are in this working tree (so a
change being tested is in it), with no var/, no secrets and no node_modules."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def copy_of_the_tree(destination: Path) -> Path:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if not source.is_file() or name.startswith("var/"):
            continue
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        # Times kept, so make sees requirements.txt older than the virtualenv it is given, as after a clone.
        shutil.copy2(source, target)
    assert not (destination / "var").exists() and not (destination / ".streamlit" / "secrets.toml").exists()
    return destination


def run_in_a_fresh_clone(destination: Path, script: str) -> dict[str, Any]:
    """Run `script` (Python that prints one line "RESULT" + JSON) in a copy of the tree at `destination`, as a new
    user's first run is: no database URL set and no secrets, so the default SQLite file under var/ is made. Returns
    the JSON; the script's failure fails the test with the end of its stderr."""
    tree = copy_of_the_tree(destination)
    env = {k: v for k, v in os.environ.items() if k != "WRES_DATABASE_URL"}
    done = subprocess.run([sys.executable, "-c", script], cwd=tree, env=env | {"PYTHONPATH": str(tree)},
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-4000:]
    assert (tree / "var" / "wres.sqlite").is_file()  # the default database, made on first run
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT"))
    found: dict[str, Any] = json.loads(line.removeprefix("RESULT"))
    return found
