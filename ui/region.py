"""`python -m ui.region --processes N`: the app for a region, N app processes behind one address.

One app process uses one core at most (Python's GIL), so on a server with several cores one process leaves the
others idle while people wait. This starts N processes (`python -m ui.serve`, as `make run` does), each on its own
port on 127.0.0.1, and HAProxy in front of them on the one address people open. Streamlit keeps a person's session
(what they uploaded, what they typed and not yet saved) in the process that opened it, and that process must also
receive the session's uploads (/_stcore/upload_file/<session>/...) and serve its downloads (/media/...): HAProxy
sends every request of a browser to the same process by a cookie it sets (SERVERID), not by the client's address,
since a council's whole office may reach the server from one address. Everything saved goes to the one shared
database, which must be PostgreSQL (WRES_DATABASE_URL): several processes are refused on the SQLite file.

The processes and HAProxy are started together and stopped together (Ctrl+C, or SIGTERM from a process manager);
if one of them stops on its own, the rest are stopped too and the command exits with an error, so that a process
manager (systemd's Restart=on-failure) starts the whole again. deploy/haproxy.cfg is the configuration this writes
for four processes (`haproxy_config`), for anyone who runs the processes under their own manager.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FRONT_PORT = 8501
FIRST_BACKEND_PORT = 8601
HEALTH = "/_stcore/health"
# A process's first start reads the sample council; on a busy 2-core machine that has taken half a minute.
START_PATIENCE_S = 120.0
README_SECTION = "'Running the app for a region' in the README"


class Refused(Exception):
    """The region cannot be started as asked; `str()` says why and what to do."""


def server_name(index: int) -> str:
    """The name (and SERVERID cookie value) of the `index`th app process, from 1: app1, app2, ..."""
    return f"app{index}"


def haproxy_config(backend_ports: Sequence[int], *, port: int = FRONT_PORT, address: str = "") -> str:
    """HAProxy's configuration for app processes on `backend_ports` of 127.0.0.1, people served on `address:port`
    ("" is every interface of the machine)."""
    servers = "\n".join(f"    server {server_name(n)} 127.0.0.1:{backend} cookie {server_name(n)} check"
                        for n, backend in enumerate(backend_ports, start=1))
    return f"""\
# The WRES dashboard for a region: {len(backend_ports)} app processes behind one address
# (README: "Running the app for a region"). `python -m ui.region` writes this for the processes it starts.
global
    maxconn 4096

defaults
    mode http
    timeout connect 5s
    # A person's browser and an app process may be quiet between actions; an upload of up to 100 MB keeps going.
    timeout client 60s
    timeout server 60s
    # The websocket each browser tab keeps open to its process (Streamlit pings it every 30 s).
    timeout tunnel 1h
    timeout http-request 30s
    # A process that is down: its people go to another rather than see an error. They start a new session
    # there: what they saved is in the database; what they had uploaded or typed and not saved was in the
    # process that stopped.
    option redispatch
    retries 3

frontend wres
    bind {address}:{port}
    default_backend app

backend app
    # Streamlit keeps each session in one process: every request of a browser (the page, its websocket, its
    # uploads to /_stcore/upload_file/<session>/..., its downloads from /media/...) must reach the process
    # that holds its session. HAProxy sets a cookie naming the process on the first response and follows it
    # afterwards; by cookie, not by the client's address, as a whole office may share one address.
    cookie SERVERID insert indirect nocache httponly attr "SameSite=Lax"
    # New browsers go to the process with the fewest open connections (a websocket is one per tab).
    balance leastconn
    option httpchk
    http-check send meth GET uri {HEALTH}
    http-check expect status 200
{servers}
"""


def backend_ports(processes: int, first: int = FIRST_BACKEND_PORT) -> list[int]:
    return list(range(first, first + processes))


def check_database(url: str | None, processes: int) -> str:
    """The shared database's URL, checked: a PostgreSQL (or other server) database that opens, or Refused."""
    from storage import DatabaseUnavailable, database_url, open_database, sqlite_file
    from storage.db import where

    url = url or database_url()
    if processes > 1 and (url.startswith("sqlite") or sqlite_file(url) is not None):
        shown = sqlite_file(url) or where(url)
        raise Refused(
            f"{processes} app processes cannot share the SQLite database {shown}: set WRES_DATABASE_URL to a "
            "PostgreSQL database that every process uses (postgresql+psycopg://user:password@host/database). "
            "SQLite lets one process write at a time, so with several processes saving at once each waits for the "
            "others; the region's setup is built and tested on PostgreSQL. For one process, use `make run`. "
            f"See {README_SECTION}.")
    try:
        engine = open_database(url)  # made or upgraded once here, before the processes open it together
    except DatabaseUnavailable as error:
        raise Refused(str(error)) from None
    engine.dispose()
    return url


def shared_cookie_secret(environment: dict[str, str], config_file: Path = ROOT / ".streamlit" / "config.toml") -> str:
    """The cookie secret every process signs with: the one configured, else one made for this start.

    Streamlit makes a random one per process by default, and a sign-in cookie signed by one process would not be
    accepted by another (after a process restarts, say). With sign-in ([auth] in secrets.toml), its cookie_secret,
    read by every process from the same file, signs instead."""
    configured = environment.get("STREAMLIT_SERVER_COOKIE_SECRET")
    if configured:
        return configured
    try:
        settings = tomllib.loads(config_file.read_text())
    except (OSError, tomllib.TOMLDecodeError):
        settings = {}
    in_file = settings.get("server", {}).get("cookieSecret")
    return str(in_file) if in_file else secrets.token_hex(32)


def port_free(port: int, address: str = "127.0.0.1") -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((address, port))
        except OSError:
            return False
    return True


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def stop_all(processes: Iterable[subprocess.Popen[bytes]]) -> None:
    """SIGTERM to each (Streamlit and HAProxy stop cleanly on it), then SIGKILL to any still running after 20 s."""
    running = [process for process in processes if process.poll() is None]
    for process in running:
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 20
    for process in running:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_ready(process: subprocess.Popen[bytes], url: str, what: str, patience: float) -> None:
    deadline = time.monotonic() + patience
    while not answers(url):
        if process.poll() is not None:
            raise Refused(f"{what} stopped as it started (exit status {process.returncode}); its output is above")
        if time.monotonic() > deadline:
            raise Refused(f"{what} did not answer at {url} within {patience:.0f} s")
        time.sleep(0.25)


def run(processes: int, port: int, address: str, first_backend_port: int, streamlit_options: Sequence[str],
        patience: float = START_PATIENCE_S) -> None:
    """Start the region and serve until stopped (SIGINT or SIGTERM) or until one of its processes stops."""
    if processes < 1:
        raise Refused("--processes must be at least 1")
    # In a process of its own: the database code brings pandas with it (about 140 MB), which this process, watching
    # the others for as long as they run, has no use for.
    checked = subprocess.run([sys.executable, "-m", "ui.region", "--check-database", "--processes", str(processes)],
                             cwd=ROOT, capture_output=True, text=True)
    if checked.returncode != 0:
        raise Refused(checked.stderr.strip().removeprefix("error: ") or f"the database check failed ({checked})")
    url, shown = checked.stdout.strip().split("\n")  # the URL, then the URL with its password hidden
    haproxy = shutil.which("haproxy")
    if haproxy is None:
        raise Refused("HAProxy is not installed: on Debian or Ubuntu, `sudo apt-get install -y haproxy`; "
                      f"see {README_SECTION}")
    ports = backend_ports(processes, first_backend_port)
    taken = [p for p in [port, *ports] if not port_free(p, "127.0.0.1" if p != port else (address or "0.0.0.0"))]
    if taken:
        raise Refused(f"port{'s' if len(taken) > 1 else ''} {', '.join(map(str, taken))} already in use: choose "
                      "others with --port and --first-backend-port")
    environment = dict(os.environ)
    environment["WRES_DATABASE_URL"] = url
    environment["STREAMLIT_SERVER_COOKIE_SECRET"] = shared_cookie_secret(environment)
    started: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="wres-region-") as folder:
        config = Path(folder) / "haproxy.cfg"
        config.write_text(haproxy_config(ports, port=port, address=address))
        try:
            for backend in ports:
                started.append(subprocess.Popen(
                    [sys.executable, "-m", "ui.serve", "--server.headless", "true", "--server.address", "127.0.0.1",
                     "--server.port", str(backend), *streamlit_options], cwd=ROOT, env=environment))
            for n, (process, backend) in enumerate(zip(started, ports, strict=True), start=1):
                wait_until_ready(process, f"http://127.0.0.1:{backend}{HEALTH}",
                                 f"app process {server_name(n)} (port {backend})", patience)
            front = subprocess.Popen([haproxy, "-db", "-f", str(config)], cwd=folder)
            started.append(front)
            wait_until_ready(front, f"http://127.0.0.1:{port}{HEALTH}", f"HAProxy (port {port})", 30)
            print(f"The dashboard is at http://{address or 'localhost'}:{port}: {processes} app process"
                  f"{'es' if processes > 1 else ''} (127.0.0.1, ports {ports[0]}-{ports[-1]}) behind HAProxy, "
                  f"saving to {shown}. Ctrl+C stops them all.", flush=True)
            while True:
                for n, process in enumerate(started, start=1):
                    if process.poll() is not None:
                        what = "HAProxy" if process is front else f"app process {server_name(n)}"
                        raise Refused(f"{what} stopped (exit status {process.returncode}); stopping the others")
                time.sleep(1)
        finally:
            # A second Ctrl+C must not leave processes behind: stop_all kills what has not stopped in 20 s.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            stop_all(started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ui.region",
        description="Serve the dashboard for a region: several app processes behind HAProxy on one address, over "
                    "the shared PostgreSQL database in WRES_DATABASE_URL. Other options (--server.maxUploadSize "
                    "...) are passed to every app process.")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2,
                        help="how many app processes (default: one per core, here %(default)s)")
    parser.add_argument("--port", type=int, default=FRONT_PORT, help="the port people open (default %(default)s)")
    parser.add_argument("--address", default="",
                        help="the address HAProxy listens on (default: every interface; 127.0.0.1 for this machine "
                             "only)")
    parser.add_argument("--first-backend-port", type=int, default=FIRST_BACKEND_PORT,
                        help="the app processes listen on 127.0.0.1 from this port up (default %(default)s)")
    parser.add_argument("--check-database", action="store_true", help=argparse.SUPPRESS)  # run() asks this way
    known, streamlit_options = parser.parse_known_args(argv)
    if known.check_database:
        try:
            from storage.db import where

            url = check_database(os.environ.get("WRES_DATABASE_URL"), known.processes)
            print(f"{url}\n{where(url)}")
        except Refused as refused:
            print(f"error: {refused}", file=sys.stderr)
            return 2
        return 0

    def stop(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    # Ctrl+C, and SIGTERM from a process manager, stop everything and exit 0. SIGINT is taken explicitly: a
    # shell without job control starts a background command with SIGINT ignored, which Python would inherit.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        run(known.processes, known.port, known.address, known.first_backend_port, streamlit_options)
    except Refused as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
