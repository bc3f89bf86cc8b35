"""A new user's first run: a fresh clone, `make run` as the README writes it, nothing else set.

No WRES_DATABASE_URL, no .streamlit/secrets.toml, no var/ folder: the app must make its default
database itself and draw the overview and the board pack page without an exception. Every other
browser test points the app at a throwaway database; this one must not, or a broken default path
would stay green (as it once did).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.browser.serving import require_chromium, settle, start, stop
from tests.fresh_clone import copy_of_the_tree

require_chromium()

from playwright.sync_api import expect  # noqa: E402

expect.set_options(timeout=30_000)


def test_make_run_on_a_fresh_clone_shows_the_sample_council(tmp_path, page):
    tree = copy_of_the_tree(tmp_path / "clone")
    # The virtualenv this suite runs in stands in for the one `make run` would make (half a minute's install).
    (tree / ".venv").symlink_to(Path(sys.prefix))
    env = {name: value for name, value in os.environ.items()
           if name != "WRES_DATABASE_URL" and not name.startswith("STREAMLIT_")}
    process, url = start(None, cwd=tree, command=["make", "run"], env=env, patience=180)
    try:
        for path, heading in (("", "Overview"), ("report", "Board pack")):
            page.goto(f"{url}/{path}")
            settle(page)
            expect(page.locator("h1").first).to_have_text(heading)
            expect(page.get_by_text("Sample data").first).to_be_visible()
            assert page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]').count() == 0, \
                page.locator('[data-testid="stMain"]').inner_text()[:2000]
        expect(page.get_by_text("Wexcombe Borough Council").first).to_be_visible()
        assert (tree / "var" / "wres.sqlite").is_file(), "the default database was not made under var/"
    finally:
        stop(process)
