"""python -m loadtest.uploads [--people 10] [--rows 50000] [--after 0,60,120]

Many people adding their files at once (issue 29): N simulated people (10 by default) open sessions on one app
process started fresh for the run (as loadtest.crowd starts it), go to the Data page, and at the same moment each
upload a staff workbook of --rows people (made once per run by the benchmarks' generator, into a temporary folder)
and press "Add the files". Each is counted as added (the page said "Added ..."), told why not (an error on the
page, quoted), or neither (an error of the run: no answer, an exception drawn, a lost connection).

An upload goes over Streamlit's own protocol, as a browser's file_uploader sends it: a BackMsg file_urls_request
for the file's name, answered by a ForwardMsg file_urls_response with the file's id and upload address; an HTTP
PUT of the file (a multipart form, with the XSRF token as cookie and header) to /_stcore/upload_file/<session
id>/<file id>; then a rerun whose WidgetState for the uploader carries the file (file_uploader_state_value:
uploaded_file_info with its id, name, size and addresses), and a rerun pressing "Add the files".

Reported: the server's resident memory (VmRSS) idle before (after one visitor has opened the Data page and left),
its peak while the people add their files, and after they disconnect at +0 s and each of --after (seconds), with
the ratio of the last to idle. The target (issue 29): within 10% of idle two minutes after they leave.
"""

from __future__ import annotations

import argparse
import asyncio
import binascii
import contextlib
import os
import re
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import FileURLs
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect

from loadtest.crowd import SUBPROTOCOL, Answer, Server, User, print_first_five, started_server

DATA_PAGE = "Data"
UPLOADER_LABEL = "Workbooks or CSVs"
ADD_LABEL = "Add the files"
ADDED = "Added "
UPLOAD_TIMEOUT = 600.0  # ten people's files are read a core's worth at a time: minutes, not seconds, at most


@dataclass
class Outcome:
    person: str
    kind: str  # "added", "told" (the page said why not), "neither" (an error of the run)
    message: str = ""
    seconds: float = 0.0


def xsrf_token() -> str:
    """A token in Streamlit's version 2 form ("2|mask|masked token|time"): the server compares the header's token
    with the cookie's, so a client sending the same one as both passes, as the browser does with the cookie it was
    given."""
    mask, token = os.urandom(4), os.urandom(16)
    masked = bytes(byte ^ mask[n % 4] for n, byte in enumerate(token))
    return f"2|{binascii.b2a_hex(mask).decode()}|{binascii.b2a_hex(masked).decode()}|{int(time.time())}"


def put_file(url: str, name: str, data: bytes, timeout: float = UPLOAD_TIMEOUT) -> int:
    """The file as the browser sends it: one multipart form field, PUT; returns the HTTP status."""
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n").encode() \
        + data + f"\r\n--{boundary}--\r\n".encode()
    token = xsrf_token()
    request = urllib.request.Request(url, data=body, method="PUT", headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}", "X-Xsrftoken": token,
        "Cookie": f"_streamlit_xsrf={token}"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return int(response.status)


def plain(body: str) -> str:
    """What the page said, as read on it: without the Markdown escapes and word joiners the app writes into it."""
    return re.sub(r"\\(.)", r"\1", body).replace("\u2060", "")


class Uploader(User):
    """One person's tab on the Data page: besides what crowd.User follows, the session's id (new_session), the
    upload addresses the server gives (file_urls_response), the uploader widget and what the page said (alerts
    with their kind: success, error...)."""

    def __init__(self, number: int, server: Server, run_id: str) -> None:
        import random

        super().__init__(number, server.url, random.Random(number), (0.0, 0.0), run_id)
        self.http = f"http://127.0.0.1:{server.port}"
        self.session_id = ""
        self.uploaders: dict[str, str] = {}  # label: widget id, as drawn by the last run
        self.said: list[tuple[int, str]] = []  # (Alert.Format, body) since the last clear
        self.file_urls: dict[str, list[FileURLs]] = {}  # request id: the addresses given

    async def _receive(self, ws: ClientConnection, answer: Answer) -> None:
        while True:
            msg = await self._next(ws)
            kind = msg.WhichOneof("type")
            if kind == "navigation":
                self.pages = {page.page_name: page.page_script_hash for page in msg.navigation.app_pages}
                self.page_hash = msg.navigation.page_script_hash or self.page_hash
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                if element.WhichOneof("type") == "file_uploader":
                    self.uploaders[element.file_uploader.label] = element.file_uploader.id
                elif element.WhichOneof("type") == "alert":
                    self.said.append((element.alert.format, plain(element.alert.body)))
                self._element(msg, answer)
            elif kind == "script_finished":
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    answer.errors.append("the script failed to compile")
                answer.finished = True
                return

    async def _next(self, ws: ClientConnection) -> ForwardMsg:
        """The next message, noting the session's id and any upload addresses on the way."""
        raw = await ws.recv()
        msg = ForwardMsg()
        msg.ParseFromString(raw if isinstance(raw, bytes) else raw.encode())
        kind = msg.WhichOneof("type")
        if kind == "new_session" and msg.new_session.initialize.session_id:
            self.session_id = msg.new_session.initialize.session_id
        elif kind == "file_urls_response":
            self.file_urls[msg.file_urls_response.response_id] = list(msg.file_urls_response.file_urls)
        return msg

    async def to_data_page(self, ws: ClientConnection) -> None:
        await self.open(ws)
        if DATA_PAGE not in self.pages:
            raise RuntimeError("no Data page in the navigation")
        self.page_hash = self.pages[DATA_PAGE]
        self.uploaders.clear()
        await self._rerun(ws, "page")
        if UPLOADER_LABEL not in self.uploaders or self._find("button", ADD_LABEL) is None:
            raise RuntimeError("the Data page has no uploader and Add button")

    async def upload(self, ws: ClientConnection, name: str, data: bytes) -> Outcome:
        """Upload `name` into the Data page's uploader and press Add the files: what the page said."""
        started = time.perf_counter()
        request = BackMsg()
        request_id = uuid.uuid4().hex
        request.file_urls_request.request_id = request_id
        request.file_urls_request.file_names.append(name)
        request.file_urls_request.session_id = self.session_id
        await ws.send(request.SerializeToString())
        while request_id not in self.file_urls:
            await asyncio.wait_for(self._next(ws), UPLOAD_TIMEOUT)
        (urls,) = self.file_urls.pop(request_id)
        status = await asyncio.to_thread(put_file, self.http + urls.upload_url, name, data)
        if status != 204:
            return Outcome(self.name, "neither", f"the upload was answered {status}")
        uploader = self.uploaders[UPLOADER_LABEL]
        state = WidgetState(id=uploader)
        info = state.file_uploader_state_value.uploaded_file_info.add(file_id=urls.file_id, name=name,
                                                                      size=len(data))
        info.file_urls.CopyFrom(urls)
        self.state[uploader] = state
        await self._rerun(ws, "arrived")  # the run the browser starts once the file has arrived
        found = self._find("button", ADD_LABEL)
        if found is None:
            return Outcome(self.name, "neither", "no Add the files button once the file had arrived")
        self.said.clear()
        answer = await asyncio.wait_for(self._rerun(ws, "add", trigger=found[0]), UPLOAD_TIMEOUT)
        self.state.pop(uploader, None)  # added, the uploader is replaced by an empty one
        seconds = time.perf_counter() - started
        if answer.errors:
            return Outcome(self.name, "neither", "; ".join(answer.errors), seconds)
        added = [body for kind, body in self.said if kind == Alert.SUCCESS and body.startswith(ADDED)]
        told = [body for kind, body in self.said if kind == Alert.ERROR]
        if added:
            return Outcome(self.name, "added", added[0], seconds)
        if told:
            return Outcome(self.name, "told", told[0], seconds)
        return Outcome(self.name, "neither", "the page said neither that the file was added nor why not", seconds)


@dataclass
class Run:
    people: int
    rows: int
    idle_mb: float
    peak_mb: float
    after_mb: dict[int, float]  # seconds after the people left: VmRSS
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(outcome.kind == kind for outcome in self.outcomes)

    @property
    def ratio(self) -> float:
        """The last measurement after they left, as a share of idle."""
        return self.after_mb[max(self.after_mb)] / self.idle_mb if self.after_mb and self.idle_mb else 0.0


def settled_rss_mb(server: Server, seconds: float = 3.0) -> float:
    """The server's resident memory once it has been quiet for a moment: the lowest of a few readings."""
    readings = []
    for _ in range(max(1, int(seconds / 0.5))):
        readings.append(server.rss_mb())
        time.sleep(0.5)
    return min(readings)


async def _person(uploader: Uploader, ready: asyncio.Event, go: asyncio.Event, leave: asyncio.Event,
                  name: str, data: bytes, outcomes: list[Outcome]) -> None:
    try:
        async with connect(uploader.url, subprotocols=[SUBPROTOCOL], max_size=None, open_timeout=UPLOAD_TIMEOUT,
                           ping_interval=None) as ws:
            await uploader.to_data_page(ws)
            ready.set()
            await go.wait()
            outcomes.append(await uploader.upload(ws, name, data))
            ready.set()
            await leave.wait()  # everyone stays until the last is answered: the peak is with all of them
    except Exception as error:  # noqa: BLE001 - a closed connection, a timeout, a protocol error: counted
        outcomes.append(Outcome(uploader.name, "neither", f"{type(error).__name__}: {error}"))
    finally:
        ready.set()


async def _crowd(server: Server, people: int, workbook: Path, run_id: str) -> tuple[list[Outcome], float]:
    """Everyone on the Data page, then all their uploads at once; returns the outcomes and the peak VmRSS."""
    data = workbook.read_bytes()
    uploaders = [Uploader(n, server, run_id) for n in range(1, people + 1)]
    ready = [asyncio.Event() for _ in uploaders]
    go, leave = asyncio.Event(), asyncio.Event()
    outcomes: list[Outcome] = []
    tasks = [asyncio.create_task(_person(u, r, go, leave, f"staff {u.name}.xlsx", data, outcomes))
             for u, r in zip(uploaders, ready, strict=True)]
    await asyncio.gather(*(event.wait() for event in ready))
    for event in ready:
        event.clear()
    peak = server.rss_mb()
    go.set()
    waiting = asyncio.gather(*(event.wait() for event in ready))
    while not waiting.done():
        await asyncio.wait([waiting], timeout=0.25)
        peak = max(peak, server.rss_mb())
    leave.set()
    await asyncio.gather(*tasks)
    return outcomes, max(peak, server.rss_mb())


async def _visit(server: Server, run_id: str) -> None:
    uploader = Uploader(0, server, run_id)
    async with connect(uploader.url, subprotocols=[SUBPROTOCOL], max_size=None, open_timeout=UPLOAD_TIMEOUT,
                       ping_interval=None) as ws:
        await uploader.to_data_page(ws)


def run_uploads(people: int = 10, rows: int = 50_000, after: Sequence[int] = (60, 120),
                workbook: Path | None = None) -> Run:
    """One fresh server; a visitor opens the Data page and leaves (idle is measured after); `people` add a
    workbook of `rows` at once; their memory after they leave, at +0 s and +each of `after` seconds."""
    with contextlib.ExitStack() as stack:
        if workbook is None:
            from benchmarks.workbooks import make_workbook

            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="wres-uploads-")))
            workbook = folder / f"staff {rows}.xlsx"
            make_workbook(rows, workbook)
        server = stack.enter_context(started_server())
        run_id = f"uploads {time.strftime('%Y-%m-%d %H:%M:%S')}"
        asyncio.run(_visit(server, run_id))
        idle = settled_rss_mb(server)
        outcomes, peak = asyncio.run(_crowd(server, people, workbook, run_id))
        left = time.monotonic()
        measured = {0: settled_rss_mb(server, 1.0)}
        for seconds in sorted(after):
            time.sleep(max(0.0, left + seconds - time.monotonic()))
            measured[seconds] = settled_rss_mb(server, 1.0)
        return Run(people, rows, idle, peak, measured, outcomes)


def table(title: str, runs: Sequence[Run]) -> str:
    afters = sorted({seconds for run in runs for seconds in run.after_mb})
    lines = [title, "",
             "| people | rows each | added | told why | neither | idle | peak with all | "
             + " | ".join(f"+{s} s after" for s in afters) + f" | +{afters[-1] if afters else 0} s / idle |",
             "|---|---|---|---|---|---|---|" + "---|" * len(afters) + "---|"]
    for run in runs:
        lines.append(f"| {run.people} | {run.rows:,} | {run.count('added')} | {run.count('told')} | "
                     f"{run.count('neither')} | {run.idle_mb:.0f} MB | {run.peak_mb:.0f} MB | "
                     + " | ".join(f"{run.after_mb[s]:.0f} MB" if s in run.after_mb else "-" for s in afters)
                     + f" | {100 * (run.ratio - 1):+.0f}% |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m loadtest.uploads", description=__doc__.split("\n\n")[1])
    parser.add_argument("--people", type=int, default=10, help="people adding a workbook at once (10)")
    parser.add_argument("--rows", type=int, default=50_000, help="rows in each person's staff workbook (50,000)")
    parser.add_argument("--after", default="60,120",
                        help="seconds after the people leave to measure the memory again (60,120)")
    args = parser.parse_args(argv)
    if args.people < 1 or args.rows < 1:
        parser.error("--people and --rows must be at least 1")
    try:
        after = [int(part) for part in args.after.split(",") if part.strip()]
    except ValueError:
        parser.error(f"--after takes whole seconds separated by commas, not {args.after!r}")
    started = time.perf_counter()
    print(f"{os.cpu_count()} cores; {args.people} people each adding a {args.rows:,}-row staff workbook at once; "
          "one app process (python -m ui.serve), a fresh SQLite database", flush=True)
    run = run_uploads(args.people, args.rows, after)
    print()
    print(table("Adding files at once, and the server's memory (VmRSS) after:", [run]))
    print_first_five("Not added", [f"{o.person} ({'told' if o.kind == 'told' else 'error'}): {o.message}"
                                   for o in run.outcomes if o.kind != "added"])
    print()
    print(f"Ran in {time.perf_counter() - started:.0f} s.")


if __name__ == "__main__":
    main()
