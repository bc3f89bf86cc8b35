"""python -m loadtest [--levels 1,10,20,40] [--seconds S] [--untuned-levels 1,10] [--think LOW,HIGH] [--processes N]

Many people at once on one server (issue 29): simulated users drive the app's own websocket protocol, as a
browser does, against one app process started fresh for the run (`python -m ui.serve`, as `make run` starts it)
on a throwaway SQLite database, with the sample council; then, when WRES_LOAD_DATABASE_URL names a throwaway
PostgreSQL database, the same levels against N app processes behind HAProxy (`python -m ui.region`, as `make
region` starts them), beside the one process. Loopback only, and bounded in time: each level runs for
--seconds after its users have opened their sessions.

Each user opens a session (a BackMsg rerun_script, as a browser sends on connecting), then, with a pause between
actions (--think, a person reading), switches pages (the page script hashes st.navigation sends), changes the
service filter (the sidebar's select box, found in the deltas) and every few actions saves a panel (types in one
of the page's panel boxes and presses its Save button, in one rerun). An action's time is from sending the rerun
to the server's script_finished for it: the server's whole work for the action, plus loopback.

Reported per level: actions per second, the median and 95th percentile per action (and the medians of page
switches, filter changes and saves), errors (an exception drawn, a script that did not finish, no answer within
the time limit, a lost connection), saves the app reported as saved and saves it refused (someone else saved the
same panel first: the app keeps both texts), lost saves (reported as saved but not in the database's history
afterwards: the database is read after the run), the server's resident memory (VmRSS from /proc, at the level's
end and its peak) and its CPU. Each level is printed beside the 1-user baseline of the same run, and, for
--untuned-levels, beside the same server with the rerun tuning off (WRES_RERUN_TUNING=off and Streamlit's
post-run garbage collection back on: the app as it was before issue 29).

Figures are printed, not asserted (tests/test_load.py runs it small and checks every action was answered and every
save is in the database).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from ui.turns import RUN_LOG, read_runs

ROOT = Path(__file__).resolve().parent.parent
SUBPROTOCOL = Subprotocol("streamlit")  # the first entry of Sec-WebSocket-Protocol, as the browser sends it

SERVICE_LABEL = "Service"
NAME_LABEL = "Your name (shown beside what you save)"
SAVED = "Saved."
REFUSED = "Not saved:"
LOAD_DATABASE = "WRES_LOAD_DATABASE_URL"  # the PostgreSQL database the several-process levels share
ACTION_TIMEOUT = 60.0  # seconds without script_finished: the action counts as an error
# The pages a user moves between: the overview and the metric pages (by their titles, as st.navigation names them).
OVERVIEW = "Overview"


@dataclass
class Action:
    kind: str  # "open", "page", "filter", "save"
    seconds: float
    error: str = ""


@dataclass
class Save:
    user: str
    text: str
    outcome: str  # "saved", "refused", "unanswered"


@dataclass
class Answer:
    """What one rerun drew, as far as a user needs it."""

    finished: bool = False
    errors: list[str] = field(default_factory=list)
    widgets: dict[str, tuple[str, str, list[str]]] = field(default_factory=dict)  # id: (kind, label, options)
    # Where each element sits (its delta path's parent): a panel's box and its outcome share a container.
    parents: dict[str, tuple[int, ...]] = field(default_factory=dict)  # widget id: parent path
    alerts: list[tuple[tuple[int, ...], str]] = field(default_factory=list)  # (parent path, body)


def user_key(widget_id: str) -> str:
    """The key the app gave a widget ("panel_M2_know_..."), from the id Streamlit made of it ("$$ID-<hash>-<key>");
    "" for a widget without a key."""
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 else ""


class User:
    """One person's browser tab: a websocket session, the widget values it has set, what the last run drew."""

    def __init__(self, number: int, url: str, rng: random.Random, think: tuple[float, float], run_id: str) -> None:
        self.name = f"load user {number}"
        self.url = url
        self.rng = rng
        self.think = think
        self.run_id = run_id
        self.pages: dict[str, str] = {}  # page name: script hash
        self.page_hash = ""
        self.state: dict[str, WidgetState] = {}  # what this tab would send back: the values set so far
        self.last = Answer()
        self.actions: list[Action] = []
        self.saves: list[Save] = []
        self.saved_count = 0

    async def _rerun(self, ws: ClientConnection, kind: str, page_hash: str | None = None,
                     trigger: str | None = None) -> Answer:
        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string = ""
        rerun.page_script_hash = self.page_hash if page_hash is None else page_hash
        for state in self.state.values():
            rerun.widget_states.widgets.add().CopyFrom(state)
        if trigger:
            rerun.widget_states.widgets.add(id=trigger, trigger_value=True)
        answer = Answer()
        start = time.perf_counter()
        await ws.send(message.SerializeToString())
        try:
            await asyncio.wait_for(self._receive(ws, answer), ACTION_TIMEOUT)
        except TimeoutError:
            answer.errors.append(f"no script_finished within {ACTION_TIMEOUT:.0f} s")
        seconds = time.perf_counter() - start
        if not answer.finished and not answer.errors:
            answer.errors.append("the script did not finish")
        self.actions.append(Action(kind, seconds, "; ".join(answer.errors)))
        self.last = answer
        return answer

    async def _receive(self, ws: ClientConnection, answer: Answer) -> None:
        while True:
            raw = await ws.recv()
            msg = ForwardMsg()
            msg.ParseFromString(raw if isinstance(raw, bytes) else raw.encode())
            kind = msg.WhichOneof("type")
            if kind == "navigation":
                self.pages = {page.page_name: page.page_script_hash for page in msg.navigation.app_pages}
                self.page_hash = msg.navigation.page_script_hash or self.page_hash
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                self._element(msg, answer)
            elif kind == "script_finished":
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # st.switch_page or a rerun: the same request goes on
                if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    answer.errors.append("the script failed to compile")
                answer.finished = True
                return

    @staticmethod
    def _element(msg: ForwardMsg, answer: Answer) -> None:
        element = msg.delta.new_element
        which = element.WhichOneof("type")
        parent = tuple(msg.metadata.delta_path[:-1])
        if which == "exception":
            answer.errors.append(f"exception: {element.exception.type}: {element.exception.message[:200]}")
        elif which == "alert":
            answer.alerts.append((parent, element.alert.body))
        elif which in ("selectbox", "text_area", "text_input", "button"):
            widget = getattr(element, which)
            options = list(widget.options) if which == "selectbox" else []
            answer.widgets[widget.id] = (which, widget.label, options)
            answer.parents[widget.id] = parent

    def _find(self, kind: str, label: str) -> tuple[str, list[str]] | None:
        return next(((wid, options) for wid, (k, lab, options) in self.last.widgets.items()
                     if k == kind and lab == label), None)

    async def pause(self) -> None:
        await asyncio.sleep(self.rng.uniform(*self.think))

    async def open(self, ws: ClientConnection) -> None:
        await self._rerun(ws, "open", page_hash="")
        named = self._find("text_input", NAME_LABEL)
        if named is not None:  # shown beside what they save, so the database says whose each save was
            self.state[named[0]] = WidgetState(id=named[0], string_value=self.name)

    async def switch_page(self, ws: ClientConnection, *, with_panels: bool = False) -> None:
        choices = [name for name in self.pages if name in PAGE_NAMES and not (with_panels and name == OVERVIEW)]
        current = next((name for name, h in self.pages.items() if h == self.page_hash), "")
        choices = [name for name in choices if name != current] or choices
        if not choices:
            self.actions.append(Action("page", 0.0, "no page to switch to: the navigation was not received"))
            return
        target = self.rng.choice(choices)
        self.page_hash = self.pages[target]
        await self._rerun(ws, "page", page_hash=self.page_hash)

    async def change_filter(self, ws: ClientConnection) -> None:
        found = self._find("selectbox", SERVICE_LABEL)
        if found is None:
            self.actions.append(Action("filter", 0.0, "no Service filter on the page"))
            return
        widget_id, options = found
        current = self.state[widget_id].string_value if widget_id in self.state else options[0]
        others = [o for o in options if o != current] or options
        self.state[widget_id] = WidgetState(id=widget_id, string_value=self.rng.choice(others))
        await self._rerun(ws, "filter")

    def _panels(self) -> list[tuple[str, str]]:
        """The page's panel boxes with their Save buttons: (box id, button id)."""
        boxes = {user_key(wid): wid for wid, (kind, _, _) in self.last.widgets.items()
                 if kind == "text_area" and user_key(wid).startswith("panel_")}
        return [(boxes[user_key(wid)[:-len("_save")]], wid) for wid, (kind, _, _) in self.last.widgets.items()
                if kind == "button" and user_key(wid).endswith("_save") and user_key(wid)[:-len("_save")] in boxes]

    async def save_panel(self, ws: ClientConnection) -> None:
        panels = self._panels()
        if not panels:
            await self.switch_page(ws, with_panels=True)
            await self.pause()
            panels = self._panels()
            if not panels:
                self.actions.append(Action("save", 0.0, "no panel with a Save button on the page"))
                return
        box, button = self.rng.choice(panels)
        self.saved_count += 1
        text = f"{self.run_id}: what {self.name} wrote, save {self.saved_count}"
        self.state[box] = WidgetState(id=box, string_value=text)
        answer = await self._rerun(ws, "save", trigger=button)
        parent = answer.parents.get(box)
        said = [body for where, body in answer.alerts if where == parent]
        outcome = ("saved" if SAVED in said else "refused" if any(b.startswith(REFUSED) for b in said)
                   else "unanswered")
        if outcome == "unanswered" and not self.actions[-1].error:
            self.actions[-1].error = "the save was not answered (neither saved nor refused)"
        self.saves.append(Save(self.name, text, outcome))
        # The box keeps the text; the next save in it is a new version (or, refused, the app's version of theirs).

    async def visit_everything(self) -> int:
        """Every page under every service, once, untimed: what the first person to open each pays (reading the
        files, counting the metrics for each filter) is paid before the levels, so they measure what everyone after
        meets. Returns the number of reruns."""
        async with connect(self.url, subprotocols=[SUBPROTOCOL], max_size=None, open_timeout=ACTION_TIMEOUT,
                           ping_interval=None) as ws:
            await self.open(ws)
            found = self._find("selectbox", SERVICE_LABEL)
            services = found[1] if found else []
            for service in services:
                if found:
                    self.state[found[0]] = WidgetState(id=found[0], string_value=service)
                for name in sorted(PAGE_NAMES & set(self.pages)):
                    self.page_hash = self.pages[name]
                    await self._rerun(ws, "warm-up")
        return len(self.actions)

    async def run(self, opened: asyncio.Event, deadline: asyncio.Future[float], actions: int | None = None) -> None:
        """Open a session, say so, then act until the deadline the level sets once everyone has opened one (or, given
        `actions`, until that many actions are done)."""
        try:
            async with connect(self.url, subprotocols=[SUBPROTOCOL], max_size=None, open_timeout=ACTION_TIMEOUT,
                               ping_interval=None) as ws:
                await self.open(ws)
                opened.set()
                until = await deadline
                for step in itertools.count(1):
                    if actions is not None and step > actions:
                        break
                    await self.pause()
                    if time.perf_counter() >= until:
                        break
                    if step % 4 == 0:
                        await self.save_panel(ws)
                    elif step % 2 == 1:
                        await self.switch_page(ws)
                    else:
                        await self.change_filter(ws)
        except (OSError, TimeoutError) as error:
            self.actions.append(Action("open", 0.0, f"connection: {error}"))
        except Exception as error:  # noqa: BLE001 - a closed connection or a protocol error: counted, not raised
            self.actions.append(Action("lost", 0.0, f"{type(error).__name__}: {error}"))
        finally:
            opened.set()



def _page_names() -> frozenset[str]:
    # No Streamlit in these: the titles of the pages the default standard's menu lists, as st.navigation names them.
    from metrics.registry import DEFAULT_STANDARD
    from ui.navigation import pages_for

    return frozenset({OVERVIEW, *(page.title for page in pages_for(DEFAULT_STANDARD))})


PAGE_NAMES = _page_names()


# -- the server -------------------------------------------------------------------------------------------------


class Server:
    """One app process, `python -m ui.serve` as `make run` starts it, on a port of its own and its own database.
    (Region, below: several behind HAProxy.)"""

    def __init__(self, port: int, database: Path, *, tuned: bool = True) -> None:
        self.port = port
        self.database_url = f"sqlite:///{database}"
        self.run_log = _run_log()
        env = {**os.environ, "WRES_DATABASE_URL": self.database_url, RUN_LOG: str(self.run_log)}
        flags = ["--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true"]
        if not tuned:
            env["WRES_RERUN_TUNING"] = "off"
            flags += ["--runner.postScriptGC", "true"]
        self.process = subprocess.Popen([sys.executable, "-m", "ui.serve", *flags], cwd=ROOT, env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._cpu_mark = (0.0, time.perf_counter())

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app exited: {self._stderr()}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            time.sleep(0.2)
        raise RuntimeError(f"the app did not answer on port {self.port} within {timeout:.0f} s")

    def _stderr(self) -> str:
        return self.process.stderr.read().decode(errors="replace")[-2000:] if self.process.stderr else ""

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/_stcore/stream"

    def app_pids(self) -> list[int]:
        """The processes that run the app."""
        return [self.process.pid]

    def rss_mb(self) -> float:
        """The app processes' resident memory now (VmRSS), in MB, together."""
        return sum(_rss_mb(pid) for pid in self.app_pids())

    def cpu_seconds(self) -> float:
        return sum(_cpu_seconds(pid) for pid in self.app_pids())

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()
        self.run_log.unlink(missing_ok=True)


def _run_log() -> Path:
    """A file for the app processes to log each script run's times in (ui.turns.RUN_LOG): measured on the server."""
    handle, name = tempfile.mkstemp(prefix="wres-runs-", suffix=".log")
    os.close(handle)
    return Path(name)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def started_server(*, tuned: bool = True) -> Iterator[Server]:
    with tempfile.TemporaryDirectory(prefix="wres-load-") as folder:
        server = Server(free_port(), Path(folder) / "load.sqlite", tuned=tuned)
        try:
            server.wait_ready()
            yield server
        finally:
            server.stop()


class Region(Server):
    """Several app processes behind HAProxy (`python -m ui.region`, as `make region` starts them) over a PostgreSQL
    database (its memory and CPU are the app processes' together)."""

    def __init__(self, processes: int, database_url: str) -> None:  # Server's own is for one process on SQLite
        self.port, first = free_port(), free_port()
        self.database_url = database_url
        self.processes = processes
        self.run_log = _run_log()
        env = {**os.environ, "WRES_DATABASE_URL": database_url, RUN_LOG: str(self.run_log)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ui.region", "--processes", str(processes), "--port", str(self.port),
             "--address", "127.0.0.1", "--first-backend-port", str(first)], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def wait_ready(self, timeout: float = 180.0) -> None:
        super().wait_ready(timeout)  # HAProxy answers once every app process has
        deadline = time.monotonic() + timeout
        while len(self.app_pids()) < self.processes and time.monotonic() < deadline:
            time.sleep(0.2)

    def app_pids(self) -> list[int]:
        """The app processes (the region command's children but HAProxy)."""
        pids = []
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            pids += [int(p) for p in (task / "children").read_text().split()]
        return [pid for pid in pids if "ui.serve" in Path(f"/proc/{pid}/cmdline").read_text()]


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


@contextlib.contextmanager
def started_region(processes: int, database_url: str) -> Iterator[Region]:
    region = Region(processes, database_url)
    try:
        region.wait_ready()
        yield region
    finally:
        region.stop()


# -- a level ------------------------------------------------------------------------------------------------------


def percentile_95(times: Sequence[float]) -> float | None:
    """The 95th percentile of `times` (the nearest rank), None for none."""
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else None


@dataclass
class Level:
    users: int
    seconds: float
    actions: list[Action]
    saves: list[Save]
    rss_mb: float
    peak_rss_mb: float
    cpu_pct: float
    opens: list[float] = field(default_factory=list)  # each session's first page, timed apart from the actions
    client_cpu_pct: float = 0.0  # the load test's own process: it shares the machine with the server
    processes: int = 1  # the app processes that served the level
    lost: int = 0
    runs: list[tuple[float, float]] = field(default_factory=list)  # each script run: (waited for its turn, ran)

    @property
    def server_p95(self) -> float | None:
        return percentile_95([run[1] for run in self.runs])

    def server_median(self, which: int = 1) -> float | None:
        """The median script run on the server's side (which=1), or wait for its turn (which=0)."""
        return statistics.median(run[which] for run in self.runs) if self.runs else None

    @property
    def timed(self) -> list[float]:
        return [a.seconds for a in self.actions if not a.error and a.kind not in ("open", "lost")]

    def median(self, kind: str | None = None) -> float | None:
        times = [a.seconds for a in self.actions if not a.error and (a.kind == kind if kind else
                                                                        a.kind not in ("open", "lost"))]
        return statistics.median(times) if times else None

    @property
    def p95(self) -> float | None:
        return percentile_95(self.timed)

    @property
    def errors(self) -> list[str]:
        return [a.error for a in self.actions if a.error]

    @property
    def rate(self) -> float:
        return len(self.timed) / self.seconds if self.seconds else 0.0


async def _level(server: Server, users: int, seconds: float, think: tuple[float, float], seed: int,
                 run_id: str, actions: int | None = None) -> tuple[Level, list[User]]:
    crowd = [User(n, server.url, random.Random(seed * 1000 + n), think, run_id) for n in range(1, users + 1)]
    loop = asyncio.get_running_loop()
    deadline: asyncio.Future[float] = loop.create_future()
    opened = [asyncio.Event() for _ in crowd]
    tasks = []
    for user, event in zip(crowd, opened, strict=True):  # everyone opens the app within the first second or so
        tasks.append(asyncio.create_task(user.run(event, deadline, actions)))
        await asyncio.sleep(1.0 / users)
    await asyncio.gather(*(event.wait() for event in opened))
    # The opens are done: from now, `seconds` of switching pages, filtering and saving.
    cpu_start, start, own_start = server.cpu_seconds(), time.perf_counter(), time.process_time()
    _, log_from = read_runs(str(server.run_log), server.run_log.stat().st_size)
    deadline.set_result(start + seconds)
    peak = server.rss_mb()
    while not all(task.done() for task in tasks):
        await asyncio.wait(tasks, timeout=0.25)
        peak = max(peak, server.rss_mb())
    # An action begun before the deadline is waited for, not cut short: the level lasts until the last ends.
    elapsed = time.perf_counter() - start
    cpu = server.cpu_seconds() - cpu_start
    own = time.process_time() - own_start
    done = [a for user in crowd for a in user.actions if a.kind != "open" or a.error]
    opens = [a for user in crowd for a in user.actions if a.kind == "open" and not a.error]
    level = Level(users, elapsed, done, [s for user in crowd for s in user.saves], server.rss_mb(), peak,
                  100 * cpu / elapsed, opens=[a.seconds for a in opens], client_cpu_pct=100 * own / elapsed,
                  processes=len(server.app_pids()), runs=read_runs(str(server.run_log), log_from)[0])
    return level, crowd


def lost_saves(database_url: str, saves: Sequence[Save]) -> list[Save]:
    """The saves the app reported as saved whose text is not in the database's history of panel changes."""
    from pipeline.api import SAMPLE_ORGANISATION
    from storage import history, open_database
    from storage.audit import MAX_HISTORY

    engine = open_database(database_url)
    try:
        recorded = {(entry.changed_by, (entry.after or {}).get("text"))
                    for entry in history(engine, SAMPLE_ORGANISATION, "panel", limit=MAX_HISTORY)}
    finally:
        engine.dispose()
    return [save for save in saves if save.outcome == "saved" and (save.user, save.text) not in recorded]


def run_levels(levels: Sequence[int], seconds: float, *, tuned: bool = True, think: tuple[float, float] = (0.5, 1.5),
               seed: int = 29, actions: int | None = None, warm: bool = True, processes: int = 1,
               database_url: str = "") -> list[Level]:
    """Each level in turn on one server started fresh (`warm`: after one visit to every page under every service, in
    each app process), then every save checked against its database. Each user acts for `seconds` (or, given
    `actions`, that many actions, within `seconds`). `processes` > 1: that many behind HAProxy, over the PostgreSQL
    database at `database_url`."""
    results: list[Level] = []
    what = (f"{processes} processes" if processes > 1 else "tuned") if tuned else "untuned"
    serving = started_region(processes, database_url) if processes > 1 else started_server(tuned=tuned)
    with serving as server:
        run_id = f"load {time.strftime('%Y-%m-%d %H:%M:%S')} {what}"
        if warm:
            started = time.perf_counter()
            reruns = 0
            for visit in range(processes):  # HAProxy sends each new connection to the process with fewest open
                visitor = User(-visit, server.url, random.Random(seed), think, run_id)
                reruns += asyncio.run(visitor.visit_everything())
                failed = [a.error for a in visitor.actions if a.error]
                if failed:
                    raise RuntimeError(f"the warm-up visit failed: {failed[0]}")
            print(f"{what} server: every page under every service visited once first "
                  f"({reruns} reruns, {time.perf_counter() - started:.1f} s, not counted)", flush=True)
        for users in levels:
            level, _ = asyncio.run(_level(server, users, seconds, think, seed, run_id, actions))
            results.append(level)
            time.sleep(1.0)  # the sessions closed: let the server let them go before the next level
        for level in results:
            level.lost = len(lost_saves(server.database_url, level.saves))
    return results


# -- the table ----------------------------------------------------------------------------------------------------


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:,.0f} ms"


def _ratio(value: float | None, base: float | None) -> str:
    return "-" if value is None or not base else f"{value / base:.1f}x"


def table(title: str, levels: Sequence[Level]) -> str:
    base = levels[0].median() if levels and levels[0].users == 1 else None
    lines = [title, "",
             "| users | actions | actions/s | median | p95 | median vs 1 user | page switch | filter change | save "
             "| first page | script run on the server: median (p95) | wait for its turn: median | errors | saved "
             "| refused | lost saves | server RSS end (peak) | server CPU | load test's CPU |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for level in levels:
        saved = sum(s.outcome == "saved" for s in level.saves)
        refused = sum(s.outcome == "refused" for s in level.saves)
        first = statistics.median(level.opens) if level.opens else None
        lines.append(f"| {level.users} | {len(level.timed)} | {level.rate:.1f} | {_ms(level.median())} | "
                     f"{_ms(level.p95)} | {_ratio(level.median(), base)} | {_ms(level.median('page'))} | "
                     f"{_ms(level.median('filter'))} | {_ms(level.median('save'))} | {_ms(first)} | "
                     f"{_ms(level.server_median())} ({_ms(level.server_p95)}) | {_ms(level.server_median(0))} | "
                     f"{len(level.errors)} | {saved} | {refused} | {level.lost} | "
                     f"{level.rss_mb:.0f} MB ({level.peak_rss_mb:.0f} MB) | {level.cpu_pct:.0f}% | "
                     f"{level.client_cpu_pct:.0f}% |")
    return "\n".join(lines)


def comparison(untuned: Sequence[Level], tuned: Sequence[Level],
               title: str = "Beside the untuned server (WRES_RERUN_TUNING=off, runner.postScriptGC on), same run:",
               before: str = "untuned", after: str = "tuned") -> str:
    lines = [title, "",
             f"| users | median {before} | median {after} | ratio | p95 {before} | p95 {after} | actions/s {before} "
             f"| actions/s {after} |",
             "|---|---|---|---|---|---|---|---|"]
    by_users = {level.users: level for level in tuned}
    for was in untuned:
        now = by_users.get(was.users)
        if now is None:
            continue
        lines.append(f"| {was.users} | {_ms(was.median())} | {_ms(now.median())} | "
                     f"{_ratio(now.median(), was.median())} | {_ms(was.p95)} | {_ms(now.p95)} | "
                     f"{was.rate:.1f} | {now.rate:.1f} |")
    return "\n".join(lines)


def print_first_five(title: str, lines: Sequence[str]) -> None:
    """`lines`' first five under `title`, after a blank line; nothing if there are none."""
    if lines:
        print()
        print(f"{title} (first five):")
        for line in lines[:5]:
            print(f"- {line}")


def _numbers(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m loadtest", description=__doc__.split("\n\n")[1])
    parser.add_argument("--levels", default="1,10,20,40", help="simultaneous users, level by level (1,10,20,40)")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long each level runs (20)")
    parser.add_argument("--untuned-levels", default="1,10",
                        help="the levels run again on a server with the rerun tuning off, for comparison (1,10; "
                        "'' for none)")
    parser.add_argument("--think", default="0.5,1.5", help="a user's pause between actions, seconds from,to (0.5,1.5)")
    parser.add_argument("--processes", type=int, default=2,
                        help="the levels run again with this many app processes behind HAProxy (make region), over "
                        "the PostgreSQL database in WRES_LOAD_DATABASE_URL (a throwaway one: the run saves panels in "
                        "it); without it, skipped with a note (2; 1 for none)")
    parser.add_argument("--seed", type=int, default=29)
    args = parser.parse_args(argv)
    region_url = os.environ.get(LOAD_DATABASE, "").strip()
    low, high = (float(part) for part in args.think.split(","))
    levels, untuned_levels = _numbers(args.levels), _numbers(args.untuned_levels)
    started = time.perf_counter()
    print(f"{os.cpu_count()} cores; {args.seconds:g} s a level; pauses {low:g}-{high:g} s between a user's actions; "
          "one app process (python -m ui.serve), the sample council, a fresh SQLite database", flush=True)
    untuned = run_levels(untuned_levels, args.seconds, tuned=False, think=(low, high), seed=args.seed) \
        if untuned_levels else []
    tuned = run_levels(levels, args.seconds, tuned=True, think=(low, high), seed=args.seed)
    region: list[Level] = []
    if args.processes > 1 and region_url:
        region = run_levels(levels, args.seconds, think=(low, high), seed=args.seed, processes=args.processes,
                            database_url=region_url)
    print()
    print(table("The app as it runs now (make run):", tuned))
    if region:
        print()
        print(table(f"{args.processes} app processes behind HAProxy (make region), PostgreSQL:", region))
        print()
        print(comparison(tuned, region, f"{args.processes} processes beside one, same run:", "1 process",
                         f"{args.processes} processes"))
    elif args.processes > 1:
        print()
        print(f"{args.processes} app processes: not run. Set {LOAD_DATABASE} to a throwaway PostgreSQL database "
              "(postgresql+psycopg://user:password@host/database) to run the levels again behind HAProxy.")
    if untuned:
        print()
        print(table("The same app with the rerun tuning off (the app before issue 29):", untuned))
        print()
        print(comparison(untuned, tuned))
    print_first_five("Errors", [e for level in (*tuned, *untuned, *region) for e in level.errors])
    print()
    print(f"Ran in {time.perf_counter() - started:.0f} s.")

