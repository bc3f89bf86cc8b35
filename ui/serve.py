"""`python -m ui.serve [options of streamlit run]`: the app as `streamlit run app.py` serves it, with the
first page made ready while the server starts. `make run` uses this.

Streamlit runs app.py only once a browser has connected, so the first person to open the app would wait
for the app's imports and for the sample council to be read. Here both start in a background thread as
the server starts, while that person's browser is still fetching Streamlit's page and scripts (about a
second here). The benchmark's "first page in a browser" case measures the difference.

Streamlit itself is imported here, in the main thread, before the background threads start, and the first script
run waits for the thread's imports before its own (ui.warm_up). Two threads importing the same package's modules
in different orders can meet in Python's import locks: one then fails with a deadlock error, half a module is
left behind, and the server does not start (it happened once in CI, on a loaded machine).

It also sets the memory allocator up to give large blocks back, and lets go of what people who have left held
(ui.memory).
"""

from __future__ import annotations

import sys
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"


def main(argv: list[str] | None = None) -> None:
    from ui import memory, warm_up  # light: warm_up imports the rest in the thread

    # Before anything large is allocated: large blocks (uploaded files' bytes) go back to the system when freed.
    memory.tune_allocator()
    # Streamlit whole, before a second thread imports anything (see above).
    from streamlit.web import cli

    # Once the people who added files have left (and their reconnection time has passed), their memory goes back.
    memory.start_releasing()
    warm_up.start_first_page()

    cli.main(["run", str(APP), *(sys.argv[1:] if argv is None else argv)], prog_name="streamlit")


if __name__ == "__main__":
    main()
