"""python -m benchmarks [--rows N] [--repeat R] [--csv-rows N] [--app-repeat N] [--uploads N] [--no-app] [--all-readers]

Every speed target beside its baseline, in the same run. The workbook: the project's load and every metric against
fastexcel's bare read of the same file (the sheet to Arrow, nothing else: the floor issue 22 measures against), with
pandas' readers and python-calamine alone beside them only with --all-readers (openpyxl takes minutes at this size).
The national CSVs: every metric against pyarrow's bare read_csv of the same files (pandas' read_csv too with
--all-readers). Each figure is the median of R runs, with the fastest and slowest, each run in a fresh process so
imports and caches count as they do for a person running the command line; peak memory is the process's maximum
resident set.

Figures are printed, not asserted: machines here are noisy.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.workbooks import make_workbook

ROOT = Path(__file__).resolve().parent.parent

# Each case runs in its own interpreter: (name, code). The code reads the workbook at sys.argv[1].
WORKBOOK_BASELINE = "fastexcel bare read (sheet to Arrow)"
CASES: dict[str, str] = {
    WORKBOOK_BASELINE: """
import fastexcel
reader = fastexcel.read_excel(PATH)
tables = [reader.load_sheet(n, header_row=None).to_arrow() for n in reader.sheet_names]
""",
    "this project: load + every metric": """
from pipeline.api import analyse_paths
analysis = analyse_paths([PATH])
assert analysis.results["M1"].status != "no data"
""",
}
# Only with --all-readers, so that the default run stays under 2 minutes: pandas' own readers (openpyxl's is twenty
# times the others at 100,000 rows) and python-calamine alone (issue 7's floor).
MORE_CASES: dict[str, str] = {
    "pandas read_excel (calamine)": """
import pandas as pd
frames = pd.read_excel(PATH, sheet_name=None, engine="calamine", header=4)
""",
    "python-calamine alone (cells only)": """
from python_calamine import CalamineWorkbook
wb = CalamineWorkbook.from_path(PATH)
rows = [wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wb.sheet_names]
""",
    "pandas read_excel (openpyxl)": """
import pandas as pd
frames = pd.read_excel(PATH, sheet_name=None, engine="openpyxl", header=4)
""",
}

# The national scale: staff, recruitment and disciplinary CSVs in the folder at sys.argv[1].
CSV_BASELINE = "pyarrow read_csv bare (every file)"
CSV_CASES: dict[str, str] = {
    CSV_BASELINE: """
import pyarrow.csv
from pathlib import Path
tables = [pyarrow.csv.read_csv(p) for p in sorted(Path(PATH).glob("*.csv"))]
""",
    "this project: every metric (CSV)": """
from pathlib import Path
from pipeline.api import analyse_paths
analysis = analyse_paths([f"{p.stem}={p}" for p in sorted(Path(PATH).glob("*.csv"))])
assert analysis.results["M2"].status != "no data" and analysis.results["M3"].status != "no data"
""",
}
MORE_CSV_CASES: dict[str, str] = {
    "pandas read_csv (every file)": """
import pandas as pd
from pathlib import Path
frames = [pd.read_csv(p) for p in sorted(Path(PATH).glob("*.csv"))]
""",
}

RUNNER = """
import sys, time
PATH = sys.argv[1]
start = time.perf_counter()
{code}
elapsed = time.perf_counter() - start
# The peak resident set of this process alone, in kB. Not getrusage's ru_maxrss: Linux carries that across
# exec from the parent, so every case would report at least the benchmark's own peak (making the CSVs).
with open("/proc/self/status") as status:
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(elapsed, peak_kb)
"""


# Where the project's time goes, stage by stage, in one fresh process.
STAGES = """
import json, sys, time
marks = [("start", time.perf_counter())]
from pipeline.api import read_paths, analyse
from data_loaders.readers import read_path
from data_loaders import load_sheets
from metrics.records import figures_from_records
from metrics.results import compute_results
marks.append(("imports (pandas, numpy, calamine, the project)", time.perf_counter()))
sheets = read_path(sys.argv[1])
marks.append(("read cells, with the safety checks", time.perf_counter()))
loaded = load_sheets(sheets)
marks.append(("find headings, parse values, classify", time.perf_counter()))
figures = figures_from_records(loaded.datasets)
marks.append(("count every metric", time.perf_counter()))
compute_results(figures)
marks.append(("ratios, intervals, sentences", time.perf_counter()))
print(json.dumps([(name, t - marks[i][1]) for i, (name, t) in enumerate(marks[1:])]))
"""


def stage_times(workbook: Path) -> list[tuple[str, float]]:
    completed = subprocess.run([sys.executable, "-c", STAGES, str(workbook)], cwd=ROOT, capture_output=True,
                               text=True, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"benchmark stages failed:\n{completed.stderr}")
    return [tuple(pair) for pair in json.loads(completed.stdout)]


# The app on the sample council, headless (AppTest), in one fresh process: each figure is one
# rerun as Streamlit makes it after a click; AppTest's own overhead is included.
APP = """
import json, os, sys, tempfile, time
os.environ["WRES_DATABASE_URL"] = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench.sqlite")
from streamlit.testing.v1 import AppTest
from ui.apptest import served_navigation

def timed(action):
    start = time.perf_counter()
    action()
    return time.perf_counter() - start

figures = []
with served_navigation():
    at = AppTest.from_file("app.py", default_timeout=300)
    figures.append(("first page (cold: reads the sample, computes)", timed(at.run)))
    # A person reads the first page before clicking; meanwhile the app imports what the other pages need
    # (ui.warm_up). A second is quick for a person, and enough for that on this machine.
    time.sleep(1.0)
    def page(path):
        return lambda: at.switch_page(path).run()

    def service(name):
        return lambda: at.sidebar.selectbox[1].set_value(name).run()

    figures.append(("page switch: overview to recruitment", timed(page("pages/recruitment.py"))))
    figures.append(("page switch: recruitment to overview", timed(page("pages/overview.py"))))
    figures.append(("filter change, first time: Adults", timed(service("Adults"))))
    figures.append(("filter change, back to all services", timed(service("All services"))))
    figures.append(("filter change, again: Adults", timed(service("Adults"))))
    assert not at.exception, at.exception
print(json.dumps(figures))
"""


# A long-running app: N uploads of different files, each followed by a page and a filter change, in one
# session; the resident memory after each tenth. Caches are bounded, so it should level off.
MEMORY = """
import io, json, os, sys, tempfile
os.environ["WRES_DATABASE_URL"] = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench.sqlite")
from openpyxl import Workbook
from streamlit.testing.v1 import AppTest
from ui.apptest import served_navigation

def resident_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024

def workbook(n):
    book = Workbook()
    book.active.append(["Employee No", "Ethnic Origin", "Grade", "Service Area"])
    for row in range(400):
        label = "A White - British" if (row + n) % 3 else "N Black or Black British - African"
        book.active.append([n * 1000 + row, label, f"Grade {row % 7}", "Adults" if row % 2 else "Children's"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

uploads = int(sys.argv[1])
marks = []
with served_navigation():
    at = AppTest.from_file("app.py", default_timeout=300).run()
    for n in range(1, uploads + 1):
        at.switch_page("pages/data.py").run()
        at.file_uploader[0].set_value([("staff.xlsx", workbook(n), "application/octet-stream")]).run()
        next(b for b in at.button if b.label == "Add the files").click().run()
        at.switch_page("pages/overview.py").run()
        at.selectbox(key="sidebar_service").set_value("Adults" if n % 2 else "All services").run()
        assert not at.exception, at.exception
        if n == 1 or n % 10 == 0 or n == uploads:
            marks.append((n, resident_mb()))
print(json.dumps(marks))
"""


# An upload of the workbook at sys.argv[1] in the app, headless (AppTest), in a fresh process: from the click on
# "Add the files" (the file already on the server, as a browser has sent it by then) until the overview shows the
# metrics. Also the stages the Data page's progress indicator reported, with their seconds.
UPLOAD = """
import json, os, sys, tempfile, time
os.environ["WRES_DATABASE_URL"] = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench.sqlite")
from streamlit.testing.v1 import AppTest
from ui.apptest import served_navigation

data = open(sys.argv[1], "rb").read()
with served_navigation():
    at = AppTest.from_file("app.py", default_timeout=300).run()
    at.switch_page("pages/data.py").run()
    at.file_uploader[0].set_value([("staff.xlsx", data, "application/octet-stream")]).run()
    start = time.perf_counter()
    next(b for b in at.button if b.label == "Add the files").click().run()
    added = time.perf_counter()
    assert not at.exception, at.exception
    assert any("Added staff" in s.value for s in at.success), [e.value for e in at.error]
    stages = [m.value for status in at.get("status") for m in status.children.values()]
    at.switch_page("pages/overview.py").run()
    shown = time.perf_counter()
    assert not at.exception, at.exception
    assert any("Metric" in m.value for m in at.markdown) and at.main.get("page_link")
print(json.dumps({"seconds": shown - start, "data_page": added - start, "stages": stages}))
"""


def upload_figures(workbook: Path, repeat: int) -> dict[str, object]:
    """The median of `repeat` uploads, each in a fresh process; the stages of the last."""
    runs = []
    for _ in range(repeat):
        completed = subprocess.run([sys.executable, "-c", UPLOAD, str(workbook)], cwd=ROOT, capture_output=True,
                                   text=True, check=False)
        if completed.returncode != 0:
            raise SystemExit(f"benchmark of an upload in the app failed:\n{completed.stderr[-3000:]}")
        runs.append(json.loads(completed.stdout.strip().splitlines()[-1]))
    return {"seconds": statistics.median(r["seconds"] for r in runs),
            "data_page": statistics.median(r["data_page"] for r in runs), "stages": runs[-1]["stages"]}


def print_upload(rows: int, upload: dict[str, object], command_line: float) -> None:
    print(f"\nAn upload of the {rows:,}-row workbook in the app (AppTest; from the click on 'Add the files' until "
          "the overview shows the metrics; target: at most 2x the command line):")
    print(f"  {'upload, click to overview':<52} {upload['seconds']:>7.2f} s  (of which the Data page: "
          f"{upload['data_page']:.2f} s)")
    print(f"  {'command line: load + every metric (above)':<52} {command_line:>7.2f} s")
    print(f"  {'ratio':<52} {upload['seconds'] / command_line:>7.2f} x")
    print("  stages the progress indicator showed (one run): " + "; ".join(
        str(stage).replace("\\", "") for stage in upload["stages"]))


def memory_marks(uploads: int) -> list[tuple[int, float]]:
    completed = subprocess.run([sys.executable, "-c", MEMORY, str(uploads)], cwd=ROOT, capture_output=True,
                               text=True, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"benchmark of the app's memory failed:\n{completed.stderr[-3000:]}")
    return [tuple(pair) for pair in json.loads(completed.stdout.strip().splitlines()[-1])]


def app_times() -> list[tuple[str, float]]:
    completed = subprocess.run([sys.executable, "-c", APP], cwd=ROOT, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"benchmark of the app failed:\n{completed.stderr[-3000:]}")
    return [tuple(pair) for pair in json.loads(completed.stdout.strip().splitlines()[-1])]


CHROMIUM = Path("/usr/bin/chromium")
# The app's first page in a real browser: a server started fresh, then a new browser tab, until the overview is
# drawn in full. Baseline: `streamlit run app.py` (nothing done before someone connects); the project's own run
# command, `python -m ui.serve`, makes the first page ready as the server starts.
SERVERS: dict[str, list[str]] = {
    "streamlit run app.py": ["-m", "streamlit", "run", "app.py"],
    "python -m ui.serve (make run)": ["-m", "ui.serve"],
}


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _first_visit(browser: object, command: list[str]) -> tuple[float, float]:
    """(seconds from the server's start, seconds from the browser's request) until the overview is complete."""
    import os
    import urllib.request

    port = _free_port()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        server = subprocess.Popen(
            [sys.executable, *command, "--server.headless", "true", "--server.port", str(port), "--server.address",
             "127.0.0.1", "--browser.gatherUsageStats", "false"], cwd=ROOT,
            env=os.environ | {"WRES_DATABASE_URL": f"sqlite:///{folder}/bench.sqlite"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit(f"benchmark: the server ({' '.join(command)}) did not start") from None
                    time.sleep(0.02)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            requested = time.perf_counter()
            page.goto(url)
            # The overview's last element, then Streamlit's running indicator gone: the page is complete.
            page.get_by_text("How to read a relative likelihood").first.wait_for(timeout=60_000)
            page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                                   timeout=60_000)
            complete = time.perf_counter()
            context.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    return complete - started, complete - requested


def browser_first_page(repeat: int) -> dict[str, dict[str, float]] | None:
    """The median of `repeat` fresh servers for each way of starting the app; None without Chromium."""
    if not CHROMIUM.exists():
        return None
    from playwright.sync_api import sync_playwright

    figures = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        warm = browser.new_context()
        warm.new_page().goto("about:blank")  # the browser's own start is not the app's
        warm.close()
        for name, command in SERVERS.items():
            try:
                runs = [_first_visit(browser, command) for _ in range(repeat)]
            except Exception as error:  # noqa: BLE001 - a page that never completes is a figure too, not a crash
                print(f"  {name}: the page did not complete ({type(error).__name__}: {str(error).splitlines()[0]})")
                continue
            figures[name] = {"from_start": statistics.median(r[0] for r in runs),
                             "from_request": statistics.median(r[1] for r in runs)}
        browser.close()
    return figures


def print_browser(figures: dict[str, dict[str, float]] | None, repeat: int) -> None:
    print(f"\nThe first page in headless Chromium, on a server started fresh for it (median of {repeat}; target: "
          "under 2 s):")
    if figures is None:
        print(f"  skipped: no Chromium at {CHROMIUM}")
        return
    print(f"  {'server started with':<36} {'from the request':>17} {'from the start':>15}")
    for name, f in figures.items():
        print(f"  {name:<36} {f['from_request']:>15.2f} s {f['from_start']:>13.2f} s")


def make_csvs(rows: int, folder: Path) -> int:
    """A national-scale export as CSVs: `rows` staff (leavers carry a leaving date), a quarter as many
    applicants, and disciplinary cases for 1% of staff; seeded. Returns the bytes written."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(2026)
    labels = np.array(["A White - British", "C White - Any other White background", "H Asian or Asian British - Indian",
                       "N Black or Black British - African", "M Black or Black British - Caribbean", "Z Not Stated"])
    weights = [0.64, 0.06, 0.11, 0.09, 0.05, 0.05]
    grades = np.array([f"Grade {g}" for g in range(3, 15)])
    ids = np.arange(100_000, 100_000 + rows)
    leaving = np.where(rng.random(rows) < 0.12, "30/09/2025", "")
    pd.DataFrame({
        "Employee No": ids, "Ethnic Origin": labels[rng.choice(len(labels), rows, p=weights)],
        "Grade": grades[rng.integers(0, len(grades), rows)], "Annual Salary": rng.integers(18_000, 90_000, rows),
        "Service Area": np.where(rng.random(rows) < 0.6, "Adult Social Care", "Children's Services"),
        "Date Started": "01/04/2015", "Leaving Date": leaving,
    }).to_csv(folder / "staff.csv", index=False)
    applicants = max(rows // 4, 40)
    shortlisted = rng.random(applicants) < 0.4
    pd.DataFrame({
        "Vacancy Ref": rng.integers(1, max(applicants // 20, 2), applicants),
        "Ethnicity": labels[rng.choice(len(labels), applicants, p=weights)],
        "Shortlisted": np.where(shortlisted, "Yes", "No"),
        "Appointed": np.where(shortlisted & (rng.random(applicants) < 0.25), "Yes", "No"),
    }).to_csv(folder / "recruitment.csv", index=False)
    cases = max(rows // 100, 20)
    pd.DataFrame({"Employee No": rng.choice(ids, cases, replace=False), "Date Opened": "15/06/2025"}).to_csv(
        folder / "disciplinary.csv", index=False)
    return sum(p.stat().st_size for p in folder.glob("*.csv"))


CACHE = Path(tempfile.gettempdir()) / "wres-bench"


def cached(kind: str, rows: int, make: Callable[[Path], object], maker: Callable[..., object]) -> tuple[Path, bool]:
    """The input made by `make` for `rows`, kept in the system's temporary folder between runs (making the
    100,000-row workbook takes 10-20 s, a sixth of the budget): keyed by the maker's source, so a changed generator
    makes a new one. Returns (path, whether it was made now)."""
    key = hashlib.sha256(inspect.getsource(maker).encode()).hexdigest()[:12]
    path = CACHE / f"{kind}-{rows}-{key}"
    if path.exists():
        return path, False
    CACHE.mkdir(exist_ok=True)
    partial = CACHE / f"{path.name}.{os.getpid()}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    make(partial)
    try:
        partial.rename(path)  # whole or not at all: an interrupted run leaves only a .partial folder
    except OSError:  # another run made it meanwhile
        shutil.rmtree(partial, ignore_errors=True)
        if not path.exists():
            raise
    return path, True


def run_case(code: str, workbook: Path) -> tuple[float, float]:
    completed = subprocess.run(
        [sys.executable, "-c", RUNNER.format(code=code), str(workbook)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"benchmark case failed:\n{completed.stderr}")
    seconds, max_rss_kb = completed.stdout.split()[-2:]
    return float(seconds), float(max_rss_kb) / 1024


def timed_cases(cases: dict[str, str], path: Path, repeat: int) -> dict[str, dict[str, float]]:
    """Each case `repeat` times, in turn (one run of every case, then the next round), so a slow spell on a
    shared machine falls on every case rather than on one: median, fastest and slowest seconds, median peak MB."""
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    for _ in range(repeat):
        for name, code in cases.items():
            runs[name].append(run_case(code, path))
    return {name: {"seconds": statistics.median(r[0] for r in found), "min": min(r[0] for r in found),
                   "max": max(r[0] for r in found), "peak_mb": statistics.median(r[1] for r in found),
                   "runs": len(found)}
            for name, found in runs.items()}


def print_cases(figures: dict[str, dict[str, float]], baseline: str, note: str = "") -> None:
    """One line a case: median, fastest-slowest, the ratio of its median to the baseline's, peak memory."""
    floor = figures[baseline]["seconds"]
    width = max(len(n) for n in figures)
    print(f"{'case':<{width}}  {'median s':>8}  {'min-max s':>11}  {'x baseline':>10}  {'peak MB':>8}{note}")
    for name, f in figures.items():
        spread = f"{f['min']:.2f}-{f['max']:.2f}"
        print(f"{name:<{width}}  {f['seconds']:>8.2f}  {spread:>11}  {f['seconds'] / floor:>10.2f}  "
              f"{f['peak_mb']:>8.0f}")
    print(f"(baseline: {baseline})")


def national_csv(rows: int, repeat: int, all_readers: bool = False) -> dict[str, dict[str, float]]:
    """The CSV cases at national scale, each beside pyarrow reading the same files."""
    started = time.perf_counter()
    folder, made = cached("csv", rows, lambda into: make_csvs(rows, into), make_csvs)
    size = sum(p.stat().st_size for p in folder.glob("*.csv"))
    how = f"made in {time.perf_counter() - started:.1f} s" if made else f"made by an earlier run, in {folder}"
    print(f"\nNational-scale CSVs: {rows:,} staff, {rows // 4:,} applicants, {rows // 100:,} disciplinary cases, "
          f"{size / 1e6:.0f} MB ({how}); median of {repeat} runs")
    figures = timed_cases(CSV_CASES | (MORE_CSV_CASES if all_readers else {}), folder, repeat)
    print_cases(figures, CSV_BASELINE, "   (targets: 2x, 2,048 MB)")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each command-line case (median, min-max)")
    parser.add_argument("--app-repeat", type=int, default=1,
                        help="runs of the upload and of each fresh server in the browser case")
    parser.add_argument("--all-readers", action="store_true",
                        help="also time pandas' readers (openpyxl: 18 s a run at 100k rows) and python-calamine alone")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    parser.add_argument("--no-app", action="store_true", help="skip the app's rerun timings")
    parser.add_argument("--uploads", type=int, default=0,
                        help="uploads (each with a page and a filter change) in the app's memory run (0 to skip)")
    parser.add_argument("--csv-rows", type=int, default=1_600_000,
                        help="staff rows of the national-scale CSV case (0 to skip it)")
    args = parser.parse_args(argv)
    began = time.perf_counter()

    started = time.perf_counter()
    folder, made = cached("xlsx", args.rows, lambda into: make_workbook(args.rows, into / "staff.xlsx"),
                          make_workbook)
    workbook = folder / "staff.xlsx"
    size_mb = workbook.stat().st_size / 1e6
    how = f"made in {time.perf_counter() - started:.1f} s" if made else f"made by an earlier run, in {folder}"
    print(f"Staff workbook: {args.rows:,} rows, {size_mb:.1f} MB ({how})")
    print(f"Median of {args.repeat} runs, each in a fresh process (time includes imports after start-up), with "
          "the fastest and slowest.\n")
    cases = dict(CASES) | (MORE_CASES if args.all_readers else {})
    figures = timed_cases(cases, workbook, args.repeat)
    stages = stage_times(workbook)
    upload = {} if args.no_app else upload_figures(workbook, args.app_repeat)
    print_cases(figures, WORKBOOK_BASELINE, "   (target: 1.5x)")
    print("\nThis project, stage by stage, one after another (one run; the command line above reads the cells on a "
          "worker thread while pandas and the engine import):")
    for name, seconds in stages:
        print(f"  {name:<48} {seconds:>6.2f} s")
    if upload:
        print_upload(args.rows, upload, figures["this project: load + every metric"]["seconds"])
    national = national_csv(args.csv_rows, args.repeat, args.all_readers) if args.csv_rows else {}
    reruns = [] if args.no_app else app_times()
    if reruns:
        print("\nThe app on the sample council (AppTest, one rerun each; target: page switch and filter change "
              "under 300 ms):")
        for name, seconds in reruns:
            print(f"  {name:<52} {seconds * 1000:>7.0f} ms")
    browser = None if args.no_app else browser_first_page(args.app_repeat)
    if not args.no_app:
        print_browser(browser, args.app_repeat)
    memory = memory_marks(args.uploads) if args.uploads and not args.no_app else []
    if memory:
        print(f"\nThe app's resident memory across {args.uploads} uploads of different files in one session, each "
              "followed by a page and a filter change (target: flat):")
        print("  " + ", ".join(f"after {n}: {mb:.0f} MB" for n, mb in memory))
    print(f"\nThe whole benchmark took {time.perf_counter() - began:.0f} s.")
    if args.json:
        print(json.dumps({"cases": figures, "stages": dict(stages), "national_csv": national, "app": dict(reruns),
                          "upload": upload, "browser_first_page": browser,
                          "memory_mb_after_uploads": dict(memory)}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
