"""Secret key files kept beside a SQLite database: created once with mode 0600, read back safely.

The vault's encryption key (``<db>.vault-key``) and the subject-key HMAC secret
(``<db>.subject-key``) fall back to such a file when no environment variable names the key.  The
first process creates it exclusively; others read it, waiting briefly while it is being written.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path
from typing import Callable, Optional, Tuple, Type

from sqlalchemy.engine import Engine

__all__ = ["key_file", "read_key_file", "sqlite_key_file"]


def sqlite_key_file(engine: Engine, suffix: str) -> Optional[Path]:
    """``<database><suffix>`` for a SQLite file database, else None."""
    url = engine.url
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or database in {"", ":memory:"}:
        return None
    if database.startswith("file:"):
        return None
    return Path(database + suffix)


def key_file(
    path: Path, new_key: Callable[[], str], what: str, error: Type[Exception]
) -> Tuple[bytes, bool]:
    """The key in ``path``, and whether this call created the file (with ``new_key()``).

    Raises ``error``, its message naming ``what`` (e.g. "vault key file"), when the file is
    readable by others or stays empty.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return read_key_file(path, what, error), False
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(new_key() + "\n")
    return read_key_file(path, what, error), True


def read_key_file(path: Path, what: str, error: Type[Exception], attempts: int = 20) -> bytes:
    """The stripped content of ``path``, refusing a file others can read or one that stays empty."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        msg = f"the {what} {path} is readable by others (mode {mode:o}); run chmod 600 {path}"
        raise error(msg)
    for _ in range(attempts):  # another process may be writing it right now
        data = path.read_bytes().strip()
        if data:
            return data
        time.sleep(0.05)
    msg = f"the {what} {path} is empty; delete it to generate a new key"
    raise error(msg)
