"""SQLite database files that only their owner can read: they hold whole conversations.

SQLite creates a missing database with the process umask (0644 as a rule), and later gives its
journal and WAL files the database file's own mode.  So the file is created here first, empty
(an empty file is a valid SQLite database), with mode 0600; one found readable by others is
tightened to 0600, with a warning.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import Optional, Union

from sqlalchemy.engine import URL, make_url

__all__ = ["DB_FILE_MODE", "private_sqlite_file", "sqlite_path"]

logger = logging.getLogger(__name__)

DB_FILE_MODE = 0o600


def sqlite_path(url: Union[str, URL]) -> Optional[Path]:
    """The database file of a SQLite URL, else None (another database, or in memory)."""
    parsed = make_url(str(url)) if not isinstance(url, URL) else url
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in {"", ":memory:"}:
        return None
    if database.startswith("file:"):
        return None  # a URI filename: SQLite opens it with its own options
    return Path(database)


def private_sqlite_file(url: Union[str, URL]) -> None:
    """Create the SQLite file of ``url`` with mode 0600, or tighten an existing one."""
    path = sqlite_path(url)
    if path is None:
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, DB_FILE_MODE)
    except FileExistsError:
        _tighten(path)
        return
    except OSError:
        return  # a missing folder: let SQLAlchemy report it as it would
    os.close(fd)


def _tighten(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if not mode & 0o077:
        return
    try:
        os.chmod(path, DB_FILE_MODE)
    except OSError as exc:
        logger.warning("rasa-ethics: %s is readable by others (mode %o): %s", path, mode, exc)
        return
    logger.warning(
        "rasa-ethics: %s was readable by others (mode %o); now 0600: it holds conversations",
        path,
        mode,
    )
