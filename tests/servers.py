"""Start real Rasa processes for end-to-end tests and benchmarks: `rasa run`, `rasa run actions`."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RASA = str(BIN / "rasa")

__all__ = ["REPO", "action_server", "free_port", "post_json", "serve_bot", "train_if_changed"]


def rasa_env(**extra: str) -> Dict[str, str]:
    """The environment every Rasa process runs with: nothing phones home."""
    env = dict(os.environ)
    env.update(RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2", **extra)
    return env


def train_if_changed(bot: Path) -> Path:
    """Train ``bot`` unless its newest model is up to date; return the newest model."""
    models = bot / "models"
    dry = subprocess.run(
        [RASA, "train", "--dry-run"], cwd=bot, env=rasa_env(), capture_output=True, text=True
    )
    if dry.returncode != 0 or not list(models.glob("*.tar.gz")):
        print(f"\ntraining {bot.name} (data or config changed) ...", file=sys.stderr, flush=True)
        subprocess.run([RASA, "train", "--quiet"], cwd=bot, env=rasa_env(), check=True)
    return max(models.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def post_json(url: str, body: Any, token: Optional[str] = None, timeout: float = 30) -> Any:
    """POST JSON and decode the JSON answer."""
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read() or b"null")


def get_json(url: str, timeout: float = 30) -> Any:
    """GET and decode JSON."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read())


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            msg = f"server exited with {process.returncode}; log:\n{log.read_text()[-4000:]}"
            raise RuntimeError(msg)
        with contextlib.suppress(OSError, urllib.error.URLError):
            urllib.request.urlopen(url, timeout=2).read()
            return
        time.sleep(0.5)
    msg = f"server at {url} not up after {timeout}s; log:\n{log.read_text()[-4000:]}"
    raise RuntimeError(msg)


@contextlib.contextmanager
def _process(
    args: List[str], cwd: Path, log: Path, env: Dict[str, str]
) -> Iterator[subprocess.Popen]:
    with open(log, "wb") as out:
        process = subprocess.Popen(
            args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextlib.contextmanager
def serve_bot(
    model: Path,
    workdir: Path,
    endpoints: Optional[Path] = None,
    credentials: Optional[Path] = None,
    enable_api: bool = True,
    auth_token: str = "test-token",
    extra_args: Optional[List[str]] = None,
    env: Optional[Dict[str, str]] = None,
    start_timeout: float = 180,
) -> Iterator[str]:
    """Run `rasa run` on a free port in ``workdir``; yield its base URL."""
    port = free_port()
    args = [RASA, "run", "--model", str(model), "--port", str(port), "--interface", "127.0.0.1"]
    if endpoints:
        args += ["--endpoints", str(endpoints)]
    if credentials:
        args += ["--credentials", str(credentials)]
    if enable_api:
        args += ["--enable-api", "--auth-token", auth_token]
    args += extra_args or []
    log = workdir / f"rasa-run-{port}.log"
    with _process(args, workdir, log, rasa_env(**(env or {}))) as process:
        url = f"http://127.0.0.1:{port}"
        # Loading DIET traces a TensorFlow graph: minutes on a loaded machine.
        timeout = float(os.environ.get("RASA_ETHICS_TEST_START_TIMEOUT", start_timeout))
        _wait_until_up(f"{url}/", process, log, timeout=timeout)
        yield url


@contextlib.contextmanager
def action_server(bot: Path, workdir: Path, port: Optional[int] = None) -> Iterator[str]:
    """Run `rasa run actions` for ``bot`` on ``port`` (default: free); yield the webhook URL."""
    port = port or free_port()
    log = workdir / f"actions-{port}.log"
    args = [RASA, "run", "actions", "--actions", "actions", "--port", str(port)]
    with _process(args, bot, log, rasa_env(SANIC_HOST="127.0.0.1")) as process:  # as documented
        _wait_until_up(f"http://127.0.0.1:{port}/health", process, log, timeout=120)
        yield f"http://127.0.0.1:{port}/webhook"
