"""A copy of the tree as a fresh clone has it: the files git tracks, as they are in this working tree (so a
change being tested is in it), with no var/, no secrets and no node_modules."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

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
