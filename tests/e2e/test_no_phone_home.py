"""A crash inside a served bot makes no connection to any outside host.

Rasa 3.6 starts Sentry crash reporting on every CLI run when telemetry is on (its default once
``~/.config/rasa/global.yml`` exists), and an uncaught exception then goes to Sentry.  These tests
serve the example bot with telemetry ON (Segment events only printed: ``RASA_TELEMETRY_DEBUG``),
record every ``connect()`` of the server and its children with ``strace -f``, and crash it:

* a test-only input channel takes a message and stops the server, and its ``after_server_stop``
  listener raises, so the exception leaves ``rasa run`` uncaught (Sentry's excepthook path);
* the channel module lives in a folder named ``site-packages`` because Rasa's ``before_send``
  drops events from code outside installed packages (``rasa/telemetry.py``): this crash would be
  reported.  The opt-in run proves it.

With the default policy only local connections appear.  With ``privacy.error_reporting: true``
and Sentry's address pointed at a local listener, the same crash does send its report.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import pytest
import yaml

from tests.servers import RASA, REPO, free_port, rasa_env

pytestmark = pytest.mark.slow

STRACE = shutil.which("strace")
POLICY_REF = "../policies/northwind.yml"
CHANNEL = '''
"""Test-only input channel: a message to it stops the server, which then crashes."""
from sanic import Blueprint, response
from rasa.core.channels.channel import InputChannel

PENDING = []


class CrashChannel(InputChannel):
    @classmethod
    def name(cls):
        return "crash"

    def blueprint(self, on_new_message):
        bp = Blueprint("crash_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(request):
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request):
            PENDING.append(request.json.get("message", ""))
            request.app.stop()
            return response.json({"stopping": True})

        @bp.listener("after_server_stop")
        async def crash(app, loop):
            if PENDING:
                raise RuntimeError("could not handle the message %r" % PENDING[-1])

        return bp
'''
# connect() targets that never leave the machine
_LOCAL_FAMILIES = {"AF_UNIX", "AF_LOCAL", "AF_NETLINK", "AF_UNSPEC"}
_FAMILY = re.compile(r"sa_family=(AF_\w+)")
_V4 = re.compile(r'inet_addr\("([\d.]+)"\)')
_V6 = re.compile(r'inet_pton\(AF_INET6, "([^"]+)"')
_PORT = re.compile(r"port=htons\((\d+)\)")


@dataclass
class CrashRun:
    """What one crashed server did."""

    connects: List[str]
    output: str
    returncode: Optional[int]

    def outside(self) -> List[str]:
        """connect() calls to anything but this machine, or to a DNS resolver anywhere."""
        return [line for line in self.connects if not _is_local(line)]


def _is_local(line: str) -> bool:
    family = _FAMILY.search(line)
    if family is None or family.group(1) in _LOCAL_FAMILIES:
        return True
    port = _PORT.search(line)
    if port and port.group(1) == "53":
        return False  # a name lookup, even via a loopback resolver, is on its way out
    v4, v6 = _V4.search(line), _V6.search(line)
    if v4:
        return v4.group(1).startswith("127.")
    if v6:
        return v6.group(1) in {"::1"} or v6.group(1).startswith("::ffff:127.")
    return False


@contextlib.contextmanager
def listener() -> Iterator[Dict[str, int]]:
    """A local TCP endpoint that counts connections (the stand-in Sentry of the opt-in run)."""
    seen = {"connections": 0}
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.5)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            with contextlib.suppress(OSError):
                conn, _ = server.accept()
                seen["connections"] += 1
                conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    seen["port"] = server.getsockname()[1]
    try:
        yield seen
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()


def workspace(root: Path, error_reporting: bool) -> Path:
    """Bot folder with the plugin's endpoints, the REST and crash channels, and the policy."""
    bot = root / "bot"
    bot.mkdir(parents=True)
    shutil.copytree(REPO / "policies", root / "policies")
    if error_reporting:
        with (root / "policies" / "northwind.yml").open("a", encoding="utf-8") as policy:
            policy.write("\nprivacy:\n  error_reporting: true\n")
    packages = root / "lib" / "site-packages"
    packages.mkdir(parents=True)
    (packages / "ethics_crash_channel.py").write_text(CHANNEL, encoding="utf-8")
    endpoints = {
        "action_endpoint": {"url": "http://127.0.0.1:9/webhook"},
        "nlg": {"type": "rasa_ethics.EthicsNLG", "policy": POLICY_REF},
        "tracker_store": {
            "type": "rasa_ethics.RedactingTrackerStore",
            "policy": POLICY_REF,
            "inner": {"type": "sql", "dialect": "sqlite", "db": str(bot / "rasa.db")},
        },
    }
    (bot / "endpoints.yml").write_text(yaml.safe_dump(endpoints), encoding="utf-8")
    credentials = {"rest": None, "ethics_crash_channel.CrashChannel": None}
    (bot / "credentials.yml").write_text(yaml.safe_dump(credentials), encoding="utf-8")
    return bot


def crash_served_bot(model: Path, root: Path, env: Dict[str, str]) -> CrashRun:
    """Serve under strace, wait until up, send the crashing message, wait for the exit."""
    bot = root / "bot"
    port, trace, log = free_port(), root / "connect.trace", root / "rasa-run.log"
    args = [STRACE or "strace", "-f", "-qq", "-e", "trace=connect", "-o", str(trace)]
    args += [RASA, "run", "--model", str(model), "--port", str(port), "--interface", "127.0.0.1"]
    args += ["--endpoints", "endpoints.yml", "--credentials", "credentials.yml"]
    with open(log, "wb") as out:
        process = subprocess.Popen(args, cwd=bot, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/", process, log)
        body = json.dumps({"sender": "crash-test", "message": "hello"}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/webhooks/crash/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with contextlib.suppress(OSError, urllib.error.URLError):
            urllib.request.urlopen(request, timeout=10).read()
        process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    lines = trace.read_text(encoding="utf-8", errors="replace").splitlines()
    return CrashRun(
        [x for x in lines if "connect(" in x], log.read_text(errors="replace"), process.returncode
    )


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text(errors='replace')[-3000:]}")
        with contextlib.suppress(OSError, urllib.error.URLError):
            urllib.request.urlopen(url, timeout=2).read()
            return
        time.sleep(0.5)
    raise RuntimeError(f"server not up:\n{log.read_text(errors='replace')[-3000:]}")


def telemetry_on(root: Path, **extra: str) -> Dict[str, str]:
    """Telemetry on (so Rasa starts Sentry), Segment only printed, a fresh HOME."""
    home = root / "home"
    home.mkdir(exist_ok=True)
    env = rasa_env(RASA_TELEMETRY_DEBUG="true", HOME=str(home))
    env["RASA_TELEMETRY_ENABLED"] = "true"  # deliberately: the plugin must hold on its own
    env["PYTHONPATH"] = str(root / "lib" / "site-packages")
    env.update(extra)
    return env


@pytest.mark.skipif(STRACE is None, reason="needs strace (apt-get install strace)")
class TestCrash:
    def test_default_policy_connects_nowhere(
        self, trained_example_bot: Path, tmp_path: Path
    ) -> None:
        """Sentry was started, the plugin stopped it, the crash happened: only local connects."""
        workspace(tmp_path, error_reporting=False)
        run = crash_served_bot(trained_example_bot, tmp_path, telemetry_on(tmp_path))
        assert "stopped Rasa's Sentry error reporting" in run.output
        assert run.returncode != 0 and "RuntimeError: could not handle the message" in run.output
        assert run.connects, "strace recorded nothing: the test would prove nothing"
        assert run.outside() == []

    def test_opt_in_does_report(self, trained_example_bot: Path, tmp_path: Path) -> None:
        """privacy.error_reporting: true leaves Sentry on, and the same crash is sent."""
        workspace(tmp_path, error_reporting=True)
        with listener() as sentry:
            key = f"probe@127.0.0.1:{sentry['port']}/x"  # DSN: https://{key}.ingest.sentry.io/...
            env = telemetry_on(tmp_path, RASA_EXCEPTION_WRITE_KEY=key)
            run = crash_served_bot(trained_example_bot, tmp_path, env)
            deadline = time.monotonic() + 10
            while not sentry["connections"] and time.monotonic() < deadline:
                time.sleep(0.2)
        assert "allowed by the policy" in run.output
        assert "RuntimeError: could not handle the message" in run.output
        assert sentry["connections"] >= 1, run.output[-3000:]
