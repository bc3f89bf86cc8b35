"""The reports command (`python -m reports`) as the tests run it.

`reports_command` runs it in a child process, exactly as a user does, for what only a real process shows (the exit
code from `python -m`, one error line and no traceback). `reports_in_process` calls the same entry point
(reports.cli.main, which `python -m reports` calls) in this process, with the same environment, output and exit
code, for the tests that make whole board packs: a published pack's disclosure model is then protected once per
test run (metrics.disclosure.protect keeps its decisions in the process), where each child process works it out
again, some seconds a pack.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent


def _environment(database: Path | str) -> dict[str, str]:
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    return {"WRES_DATABASE_URL": url}


def reports_command(*args: str, database: Path | str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """`python -m reports ARGS` in a child process, with WRES_DATABASE_URL set to `database` (a path or a URL)."""
    return subprocess.run([sys.executable, "-m", "reports", *args], cwd=ROOT, env=os.environ | _environment(database),
                          capture_output=True, text=True, timeout=timeout, check=False)


def reports_in_process(*args: str, database: Path | str) -> subprocess.CompletedProcess[str]:
    """reports.cli.main(ARGS) in this process, with WRES_DATABASE_URL set to `database` and the output captured: the
    same exit code, stdout and stderr as `reports_command` gives."""
    from reports.cli import main

    out, err = io.StringIO(), io.StringIO()
    with mock.patch.dict(os.environ, _environment(database)), contextlib.chdir(ROOT), \
            contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return subprocess.CompletedProcess([sys.executable, "-m", "reports", *args], code, out.getvalue(), err.getvalue())
