"""A metric page's Where it sits section on the default first-run path: a fresh clone, no database URL and no
secrets, the built-in sample council. The leaving page (metric 8) broken down by service as a forest and a funnel,
with its table and how to read it; counted once, not on every rerun; and with the sidebar filtered to one service,
service is no longer offered, with the reason.

The app runs in a child process inside a copy of the tree (tests.fresh_clone), as tests/test_overview_forest_app.py.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from metrics.breakdown import BY_CHANCE, METHOD_WORDS
from tests.fresh_clone import run_in_a_fresh_clone
from ui.where_it_sits import FOREST, FUNNEL, TITLE

_SCRIPT = textwrap.dedent("""
    import json

    from streamlit.testing.v1 import AppTest

    import metrics.breakdown
    from ui.apptest import served_navigation
    from ui.safe import plain

    counted = []
    original = metrics.breakdown.breakdown

    def counting(datasets, column, *args, **kwargs):
        counted.append(column)
        return original(datasets, column, *args, **kwargs)

    metrics.breakdown.breakdown = counting

    def seen(at):
        assert not at.exception, at.exception
        return {"expanders": [e.label for e in at.expander],
                "subheaders": [plain(s.value) for s in at.subheader],
                "captions": [plain(c.value) for c in at.caption],
                "markdown": [plain(m.value) for m in at.markdown],
                "tables": [h.proto.body for h in at.get("html")],
                "descriptions": [json.loads(c.proto.spec).get("description", "")
                                 for c in at.get("vega_lite_chart")],
                "chooser": {"options": list(at.selectbox(key="where_by_M8").options),
                            "value": at.selectbox(key="where_by_M8").value}}

    out = {}
    with served_navigation():
        at = AppTest.from_file("app.py", default_timeout=180).run()
        at.switch_page("pages/leavers.py").run()
        out["folded"] = {"charts": len(at.get("vega_lite_chart")), "counted": list(counted)}
        at.session_state["where_open_M8"] = True  # the section opened, as a click on it does
        at.run()
        out["forest"] = seen(at)
        at.run()  # a rerun: the breakdown is not counted again
        at.radio(key="where_view_M8").set_value(%(funnel)r).run()
        out["funnel"] = seen(at)
        out["counted"] = list(counted)
        at.radio(key="where_view_M8").set_value(%(forest)r).run()
        at.selectbox(key="where_by_M8").set_value("ethnic-group").run()
        out["ethnic"] = seen(at)
        at.selectbox(key="where_by_M8").set_value("service").run()
        at.sidebar.selectbox(key="sidebar_service").set_value("Adults").run()
        out["filtered"] = seen(at)
    print("RESULT" + json.dumps(out))
""") % {"funnel": FUNNEL, "forest": FOREST}


def _run_in_a_fresh_clone(tmp_path: Path) -> dict:
    return run_in_a_fresh_clone(tmp_path / "clone", _SCRIPT)


def test_the_leaving_page_shows_where_it_sits_by_service_on_first_run(tmp_path):
    seen = _run_in_a_fresh_clone(tmp_path)

    # Folded, the section counts nothing: the page draws only the metric's own chart.
    assert seen["folded"] == {"charts": 1, "counted": []}
    forest = seen["forest"]
    assert any(label.startswith(f"{TITLE}: metric 8") for label in forest["expanders"]), forest["expanders"]
    assert forest["chooser"]["value"] == "service"
    assert forest["chooser"]["options"][0] == "Service" and "Team" in forest["chooser"]["options"]
    assert "Leaving the organisation by service" in forest["subheaders"]
    (summary,) = [d for d in forest["descriptions"] if d.startswith("Leaving the organisation by service")]
    assert "3 services: 3 with a figure, compared (k = 3)" in summary
    (table,) = [t for t in forest["tables"] if "The figures in the chart: Leaving the organisation by service" in t]
    for words in ("Adults", "Children", "Business Support", "All services together", "Lower adjusted limit"):
        assert words in table
    assert any("staff list's 'service'" in c for c in forest["captions"])
    assert any(BY_CHANCE in c for c in forest["captions"])
    assert any(METHOD_WORDS in c for c in forest["captions"])

    funnel = seen["funnel"]
    assert "Leaving the organisation: services compared" in funnel["subheaders"]
    assert any(d.startswith("Across 3 services the organisation's own relative likelihood is")
               for d in funnel["descriptions"])
    assert any("lies wholly on the adverse side" in m or "No service's adjusted interval" in m
               for m in funnel["markdown"])
    # Counted once for the page's first run; the rerun and the switch to the funnel took it from the cache.
    assert seen["counted"] == ["service"]

    # By ethnic group, each against White British staff (the default setting), named in the chooser.
    ethnic = seen["ethnic"]
    assert forest["chooser"]["options"][1:4] == [
        "Ethnic group (against White British staff)", "Ethnic group, detailed categories (against White British staff)",
        "Ethnic group and sex (against White British staff of the same sex)"]
    assert ethnic["chooser"]["value"] == "ethnic-group"
    (table,) = [t for t in ethnic["tables"]
                if "The figures in the chart: Leaving the organisation by ethnic group" in t]
    for words in ("Asian", "Black", "Mixed", "White minorities"):
        assert words in table
    assert any("ethnic group comes from" in c and "'ethnicity'" in c for c in ethnic["captions"])

    filtered = seen["filtered"]
    assert "Service" not in filtered["chooser"]["options"] and filtered["chooser"]["value"] != "service"
    assert any(c.startswith("Not offered: service. The figures are filtered to one service in the sidebar")
               for c in filtered["captions"])
