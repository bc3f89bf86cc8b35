"""The region launcher (`python -m ui.region`, `make region`) without starting it: the configuration it writes is the
one in deploy/, HAProxy accepts it, several processes are refused on SQLite, and every process gets one cookie secret.
Starting it, with two processes and real browsers, is tests/browser/test_region.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ui.region import Refused, backend_ports, check_database, haproxy_config, shared_cookie_secret

ROOT = Path(__file__).resolve().parent.parent


def require_haproxy() -> str:
    found = shutil.which("haproxy")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("HAProxy is missing: .ci/run must install Debian's haproxy package", pytrace=False)
    pytest.skip("no haproxy (apt-get install haproxy): the region's configuration is not checked by HAProxy")


def test_the_configuration_in_deploy_is_the_one_the_launcher_writes():
    # The README points at deploy/haproxy.cfg as the working configuration: it must not drift from what is tested.
    assert (ROOT / "deploy" / "haproxy.cfg").read_text() == haproxy_config(backend_ports(4))


def test_the_configuration_keeps_a_browser_on_one_process_by_cookie():
    config = haproxy_config([9001, 9002], port=9000, address="127.0.0.1")
    assert "bind 127.0.0.1:9000" in config
    assert "cookie SERVERID insert indirect nocache" in config
    assert "server app1 127.0.0.1:9001 cookie app1 check" in config
    assert "server app2 127.0.0.1:9002 cookie app2 check" in config
    assert "balance source" not in config  # by the client's address: one office behind NAT would be one process
    assert "http-check send meth GET uri /_stcore/health" in config


def test_haproxy_accepts_the_configuration(tmp_path):
    haproxy = require_haproxy()
    for config in (ROOT / "deploy" / "haproxy.cfg", tmp_path / "two.cfg"):
        if not config.exists():
            config.write_text(haproxy_config([9001, 9002], port=9000, address="127.0.0.1"))
        checked = subprocess.run([haproxy, "-c", "-f", str(config)], capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "[WARNING]" not in checked.stdout + checked.stderr, checked.stdout + checked.stderr


@pytest.mark.parametrize("url", [None, "sqlite:////srv/wres/wres.sqlite"])
def test_several_processes_are_refused_on_sqlite(monkeypatch, url):
    monkeypatch.delenv("WRES_DATABASE_URL", raising=False)
    with pytest.raises(Refused, match="2 app processes cannot share the SQLite database .*WRES_DATABASE_URL .*"
                                      "PostgreSQL"):
        check_database(url, 2)


def test_the_command_says_why_it_refuses_and_starts_nothing(tmp_path):
    environment = {key: value for key, value in os.environ.items() if key != "WRES_DATABASE_URL"}
    ran = subprocess.run([sys.executable, "-m", "ui.region", "--processes", "2", "--port", "1"], cwd=ROOT,
                         env=environment, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 2
    assert ran.stderr.startswith("error: 2 app processes cannot share the SQLite database "), ran.stderr
    assert "Running the app for a region" in ran.stderr


def test_every_process_gets_the_same_cookie_secret(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[server]\nmaxUploadSize = 100\n")
    made = shared_cookie_secret({}, config)
    assert len(made) == 64  # made for this start, then given to every process in the environment
    assert shared_cookie_secret({"STREAMLIT_SERVER_COOKIE_SECRET": "given"}, config) == "given"
    config.write_text('[server]\ncookieSecret = "from the file"\n')
    assert shared_cookie_secret({}, config) == "from the file"
