"""Real processes for end-to-end tests and benchmarks: their environment, ports and lifetime."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, Iterator, Mapping, Optional, Sequence

__all__ = [
    "BIN",
    "EXAMPLE_BOT",
    "RASA",
    "REPO",
    "ServerError",
    "free_port",
    "rasa_env",
    "running",
    "wait_until_up",
]

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_BOT = REPO / "example_bot"
BIN = Path(sys.executable).parent
RASA = str(BIN / "rasa")


class ServerError(RuntimeError):
    """A server did not come up, or stopped early; the message ends with its log."""


def rasa_env(**extra: str) -> Dict[str, str]:
    """The environment every Rasa process runs with: nothing phones home (``extra`` may differ)."""
    env = dict(os.environ)
    env.update(RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")
    env.update(extra)
    return env


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def log_tail(log: Path, size: int = 4000) -> str:
    """The end of a process's log (empty if it wrote none)."""
    with contextlib.suppress(OSError):
        return log.read_text(encoding="utf-8", errors="replace")[-size:]
    return ""


def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 900) -> None:
    """Poll ``url`` until it answers; raise :class:`ServerError` if the process exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            msg = f"server exited with {process.returncode}; log:\n{log_tail(log)}"
            raise ServerError(msg)
        with contextlib.suppress(OSError, urllib.error.URLError):
            urllib.request.urlopen(url, timeout=2).read()
            return
        time.sleep(0.2)
    msg = f"server at {url} not up after {timeout:.0f} s; log:\n{log_tail(log)}"
    raise ServerError(msg)


@contextlib.contextmanager
def running(
    args: Sequence[str], cwd: Path, log: Path, env: Optional[Mapping[str, str]] = None
) -> Iterator[subprocess.Popen]:
    """Run ``args`` in its own process group, output to ``log``; stop the group afterwards."""
    with open(log, "wb") as out:
        process = subprocess.Popen(
            list(args),
            cwd=cwd,
            env=dict(env) if env is not None else rasa_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    started = time.monotonic()
    try:
        yield process
    finally:
        _note_cpu(process, args, time.monotonic() - started)
        stop(process)


def _note_cpu(process: subprocess.Popen, args: Sequence[str], seconds: float) -> None:
    """With $RASA_ETHICS_CPU_LOG, append the process's lifetime and CPU seconds to that file:
    on a 2-core machine, where the suite's time goes."""
    out = os.environ.get("RASA_ETHICS_CPU_LOG")
    if not out or process.poll() is not None:
        return
    with contextlib.suppress(OSError, ValueError, IndexError):
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        cpu = sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
        test = os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0]
        with open(out, "a", encoding="utf-8") as log:
            log.write(f"{cpu:7.1f} {seconds:7.1f} {' '.join(map(str, args[1:3]))} {test}\n")


def stop(process: subprocess.Popen, grace: float = 20) -> None:
    """SIGTERM the process group, SIGKILL it after ``grace`` seconds.

    Only while the process has not been reaped: after that its id may already name another
    process group (ids are recycled; pid_max is 32768 on these machines).
    """
    if process.poll() is not None:
        return
    _signal_group(process, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        _signal_group(process, signal.SIGKILL)
        process.wait()


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)
