"""A throw-away Redis server for tests: Debian's ``redis-server`` on a free port in a temp dir.

Nothing is persisted (no RDB snapshots, no append-only file) and it listens on 127.0.0.1 only.
:func:`redis_server` skips the test, saying why, when no ``redis-server`` is installed or it
cannot start; under CI (``$CI`` set, as ``.ci/run`` does, after `make system-deps` installed it)
the test fails instead, as :mod:`tests.e2e.postgres` does.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, Iterator, NoReturn

import pytest

from tests.harness import free_port

__all__ = ["redis_server"]

_START_SECONDS = 20.0


def _unavailable(reason: str) -> NoReturn:
    """Skip the test, or fail it under CI, where `make system-deps` installs redis-server."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def _wait_until_up(process: subprocess.Popen, port: int, log: Path) -> None:
    import redis

    client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=1)
    deadline = time.monotonic() + _START_SECONDS
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            try:
                if client.ping():
                    return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
    finally:
        client.close()
    process.kill()
    process.wait(timeout=10)
    _unavailable(f"redis-server could not start: {log.read_text(errors='replace')[-800:]}")


@contextlib.contextmanager
def redis_server() -> Iterator[Dict[str, Any]]:
    """Start a server; yield the ``inner:`` tracker-store config of a database on it."""
    binary = shutil.which("redis-server")
    if binary is None:
        _unavailable(
            "redis-server is not installed: make system-deps (apt-get install redis-server)"
        )
    root = Path(tempfile.mkdtemp(prefix="rasa-ethics-redis-"))
    log, port = root / "server.log", free_port()
    options = ["--port", str(port), "--bind", "127.0.0.1", "--dir", str(root)]
    options += ["--save", "", "--appendonly", "no", "--logfile", str(log)]
    process = subprocess.Popen([str(binary), *options], stdin=subprocess.DEVNULL)
    try:
        _wait_until_up(process, port, log)
        yield {"type": "redis", "url": "127.0.0.1", "port": port, "db": 0}
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)
