"""Crash a served bot from inside, under strace, and see what it connected to.

Rasa 3.6 starts Sentry crash reporting on every CLI run when telemetry is on (its default once
``~/.config/rasa/global.yml`` exists), and an uncaught exception then goes to Sentry.  A crashable
bot runs with telemetry ON (Segment events only printed: ``RASA_TELEMETRY_DEBUG``) under
``strace -f``, which records every ``connect()`` of the server and its children:

* a test-only input channel takes a message and stops the server, and its ``after_server_stop``
  listener raises, so the exception leaves ``rasa run`` uncaught (Sentry's excepthook path);
* the channel module lives in a folder named ``site-packages`` because Rasa's ``before_send``
  drops events from code outside installed packages (``rasa/telemetry.py``): this crash would be
  reported.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import threading
import urllib.error
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

from tests.harness import ServedBot, Workspace, make_workspace
from tests.harness.client import request_json

__all__ = ["STRACE", "CrashRun", "crash", "crash_env", "crashable", "listener", "traced"]

STRACE = shutil.which("strace")
# Only connect() stops the traced processes (seccomp-bpf): tracing every system call would make
# the server start several times slower.
TRACE = ["-f", "--seccomp-bpf", "-qq", "-e", "trace=connect"]
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
        return [line for line in self.connects if not is_local(line)]


def is_local(line: str) -> bool:
    """Whether a connect() line of strace stays on this machine (a DNS lookup never does)."""
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


def crashable(root: Path, actions: Optional[str] = None, **workspace: Any) -> Workspace:
    """A workspace with the REST and crash channels (``workspace``: see ``make_workspace``)."""
    packages = root / "lib" / "site-packages"
    packages.mkdir(parents=True)
    (packages / "ethics_crash_channel.py").write_text(CHANNEL, encoding="utf-8")
    channels = {"ethics_crash_channel.CrashChannel": None}
    return make_workspace(root, actions, channels=channels, **workspace)


def crash_env(space: Workspace, **extra: str) -> Dict[str, str]:
    """Telemetry on (so Rasa starts Sentry), Segment only printed, a fresh HOME, the channel."""
    home = space.root / "home"
    home.mkdir(exist_ok=True)
    packages = str(space.root / "lib" / "site-packages")
    path = os.pathsep.join(filter(None, [packages, os.environ.get("PYTHONPATH")]))
    env = {"HOME": str(home), "PYTHONPATH": path, "RASA_TELEMETRY_DEBUG": "true", **extra}
    env["RASA_TELEMETRY_ENABLED"] = "true"  # deliberately: the plugin must hold on its own
    return env


def traced(space: Workspace) -> List[str]:
    """The prefix that runs a server under strace, its connect() calls in ``connect.trace``
    (none without strace: the crash tests skip then)."""
    return [STRACE, *TRACE, "-o", str(space.root / "connect.trace")] if STRACE else []


def crash(bot: ServedBot, timeout: float = 120) -> CrashRun:
    """Send the crashing message, wait for the server to exit; what it connected to."""
    body = {"sender": "crash-test", "message": "hello"}
    with contextlib.suppress(OSError, urllib.error.URLError):
        request_json(f"{bot.url}/webhooks/crash/webhook", body, timeout=10)
    bot.process.wait(timeout=timeout)
    assert bot.space is not None
    trace = bot.space.root / "connect.trace"
    lines = trace.read_text(encoding="utf-8", errors="replace").splitlines() if STRACE else []
    connects = [line for line in lines if "connect(" in line]
    return CrashRun(connects, bot.log_text(), bot.process.returncode)
