"""A throw-away PostgreSQL server for end-to-end tests: initdb into a temp dir, pg_ctl start.

PostgreSQL refuses to run as root, so under root the server runs as the ``postgres`` user (the
Debian package creates it) in a folder that user owns.  :func:`postgres_server` skips the test,
saying why, when no PostgreSQL is installed or it cannot start; under CI (``$CI`` set, as
``.ci/run`` does, after `make system-deps` installed it) the test fails instead.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from tests.harness import free_port

__all__ = ["postgres_server"]


def _unavailable(reason: str) -> None:
    """Skip the test, or fail it under CI, where `make system-deps` installs PostgreSQL."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def _bindir() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not versions:
        _unavailable("PostgreSQL is not installed: make system-deps (apt-get install postgresql)")
    return versions[-1].parent


def _as_owner(args: List[str]) -> List[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _run(args: List[str]) -> None:
    done = subprocess.run(_as_owner(args), capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        _unavailable(f"PostgreSQL could not start: {' '.join(args[:1])}: {done.stderr[-800:]}")


@contextlib.contextmanager
def postgres_server() -> Iterator[Dict[str, Any]]:
    """Start a server; yield the ``inner:`` tracker-store config of a database on it."""
    bindir = _bindir()
    root = Path(tempfile.mkdtemp(prefix="rasa-ethics-pg-"))
    data, log = root / "data", root / "server.log"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    port = free_port()
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    _run([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"])
    _run([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"])
    try:
        yield {
            "type": "sql",
            "dialect": "postgresql",
            "url": "127.0.0.1",
            "port": port,
            "db": "rasa",
            "login_db": "postgres",  # Rasa creates `rasa` from there
            "username": "postgres",
            "password": "",
        }
    finally:
        subprocess.run(
            _as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(root, ignore_errors=True)
