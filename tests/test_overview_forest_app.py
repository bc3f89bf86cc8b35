"""The overview draws its forest above the table on the default first-run path: a fresh clone, no database URL and
no secrets, the built-in sample council, then the sample trust under the WDES.

The app runs in a child process inside a copy of the tree (tests.fresh_clone), so the default database it makes
(var/wres.sqlite) is the copy's, and no setting of this process's reaches it.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from charts.overview import TITLE
from metrics.registry import METRICS, STANDARDS
from tests.fresh_clone import run_in_a_fresh_clone

# Run in the copy: the overview on the sample council, then the sample trust's exports under the WDES.
_SCRIPT = textwrap.dedent("""
    import json

    from streamlit.testing.v1 import AppTest

    from ui.apptest import served_navigation
    from ui.safe import plain

    def seen(at):
        assert not at.exception, at.exception
        charts = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
        return {"subheaders": [plain(s.value) for s in at.subheader],
                "descriptions": [c.get("description", "") for c in charts],
                "captions": [plain(c.value) for c in at.caption],
                "expanders": [e.label for e in at.expander],
                "tables": [h.proto.body for h in at.get("html")],
                "links": [plain(link.label) for link in at.main.get("page_link")],
                "first": [type(e).__name__ + ":" + plain(str(getattr(e, "value", getattr(e, "label", ""))))
                          for e in at.main][:40]}

    out = {}
    with served_navigation():
        at = AppTest.from_file("app.py", default_timeout=180).run()
        at.switch_page("pages/overview.py").run()
        out["council"] = seen(at)
        at.switch_page("pages/data.py").run()
        next(b for b in at.button if b.label.startswith("Try the sample NHS trust's exports")).click().run()
        at.sidebar.radio[0].set_value("wdes").run()
        at.switch_page("pages/overview.py").run()
        out["wdes"] = seen(at)
    print("RESULT" + json.dumps(out))
""")


def _run_in_a_fresh_clone(tmp_path: Path) -> dict:
    return run_in_a_fresh_clone(tmp_path / "clone", _SCRIPT)


def test_the_overview_draws_the_forest_above_the_table_on_first_run_and_under_the_wdes(tmp_path):
    seen = _run_in_a_fresh_clone(tmp_path)

    council = seen["council"]
    assert TITLE in council["subheaders"]
    (summary,) = [d for d in council["descriptions"] if "relative likelihoods (SC-WRES) are drawn" in d]
    assert "9. Senior management (a percentage point difference)" in summary
    assert any(c.startswith("How to read it:") and "adverse to BME staff" in c for c in council["captions"])
    assert "The chart's figures as a table" in council["expanders"]
    assert any(f"The figures in the chart: {TITLE}" in t for t in council["tables"])
    # Above the table: the chart's heading comes before the first metric's link.
    order = council["first"]
    heading = next(i for i, e in enumerate(order) if TITLE in e)
    first_link = next(i for i, e in enumerate(order) if METRICS["M1"].label in e)
    assert heading < first_link, order

    wdes = seen["wdes"]
    assert TITLE in wdes["subheaders"]
    (summary,) = [d for d in wdes["descriptions"] if "relative likelihoods (WDES) are drawn" in d]
    caption = next(c for c in wdes["captions"] if c.startswith("How to read it:"))
    assert "adverse to disabled staff" in caption
    for word in ("BME", "white", "ethnic"):
        assert word not in summary and word not in caption
    not_ratio = [METRICS[m].label for m in STANDARDS["wdes"].metrics if METRICS[m].figure != "ratio"]
    assert all(label in caption for label in not_ratio)
