"""Trail files: names that sort, discovery of rotated files, private file modes, the writer lock.

A trail is an active file (``audit.jsonl``) plus rotated files named
``audit.<UTC start of the file>-<first seq, 12 digits>.jsonl``, e.g.
``audit.20261127T101500Z-000000004711.jsonl``.  Rotated files are ordered by that first seq, so
a clock that jumps back cannot reorder them; the active file comes last.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "AuditFile",
    "TrailLock",
    "discover_trails",
    "ensure_private_dir",
    "read_edges",
    "rotated_name",
    "trail_files",
]

#: The signed head file of a trail is ``<active file><HEAD_SUFFIX>``.
HEAD_SUFFIX = ".head"
FILE_MODE = 0o600
DIR_MODE = 0o700
_ROTATED = re.compile(r"^(?P<stem>.+)\.(?P<ts>\d{8}T\d{6}Z)-(?P<seq>\d{12})(?P<suffix>\.[^.]+)$")


def rotated_name(active: Path, start_ts: str, first_seq: int) -> str:
    """The name an active file gets when it is rotated (``start_ts`` is the ISO ts of its start)."""
    compact = start_ts[:19].replace("-", "").replace(":", "") + "Z"
    return f"{active.stem}.{compact}-{first_seq:012d}{active.suffix}"


def parse_rotated(name: str) -> tuple[str, int, str] | None:
    """``(stem, first_seq, suffix)`` of a rotated file name, or None."""
    match = _ROTATED.match(name)
    if match is None:
        return None
    return match["stem"], int(match["seq"]), match["suffix"]


def trail_files(active: Path) -> list[Path]:
    """The existing files of the trail whose active file is ``active``, oldest first."""
    rotated: list[tuple[int, Path]] = []
    if active.parent.is_dir():
        for entry in active.parent.iterdir():
            parsed = parse_rotated(entry.name)
            if parsed and parsed[0] == active.stem and parsed[2] == active.suffix:
                rotated.append((parsed[1], entry))
    files = [path for _, path in sorted(rotated)]
    return files + [active] if active.is_file() else files


def discover_trails(paths: Iterable[Path]) -> dict[Path, list[Path]]:
    """Group ``paths`` (directories, active files or rotated files) by trail, files in order.

    A directory stands for every ``*.jsonl`` trail in it, and for every trail of a head file in
    it.  An active file brings its rotated files.  A rotated file named on its own stands for
    itself.
    """
    trails: dict[Path, list[Path]] = {}
    for path in paths:
        if path.is_dir():
            # a head file stands for its trail even when every file of it was deleted
            heads = [entry.with_suffix("") for entry in sorted(path.glob(f"*{HEAD_SUFFIX}"))]
            for entry in sorted(path.glob("*.jsonl")) + heads:
                parsed = parse_rotated(entry.name)
                active = entry.with_name(parsed[0] + parsed[2]) if parsed else entry
                trails.setdefault(active, trail_files(active))
        elif parse_rotated(path.name):
            trails.setdefault(path, [path])
        else:
            trails.setdefault(path, trail_files(path) or [path])
    return trails


def ensure_private_dir(path: Path) -> None:
    """Create ``path`` and missing parents with mode 0700 (existing directories are left alone)."""
    if not path.is_dir():
        os.makedirs(path, mode=DIR_MODE, exist_ok=True)


class AuditFile:
    """An append-only file opened with mode 0600; every write goes to the end."""

    def __init__(self, path: Path) -> None:
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
        self.path = path
        self._fd = os.open(path, flags, FILE_MODE)
        self.size = os.fstat(self._fd).st_size

    def write(self, data: bytes) -> None:
        """Write all of ``data``; raise OSError (e.g. ENOSPC) if the disk refuses."""
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            if written <= 0:
                raise OSError(errno.EIO, "short write")
            view = view[written:]
            self.size += written

    def truncate(self, size: int) -> None:
        """Cut the file back to ``size`` bytes (drops a partly written batch)."""
        os.ftruncate(self._fd, size)
        self.size = size

    def fsync(self) -> None:
        """Flush the file to stable storage."""
        os.fsync(self._fd)

    def close(self) -> None:
        """Close the file descriptor (idempotent)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


class TrailLock:
    """An exclusive lock on ``<active>.lock``: one writer per trail, or the chain would fork."""

    def __init__(self, active: Path) -> None:
        self.path = active.with_name(active.name + ".lock")
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._fd)
            msg = (
                f"another writer holds {self.path}: give every Rasa replica its own audit file, "
                "e.g. `path: audit/audit-${HOSTNAME}.jsonl` in endpoints.yml"
            )
            raise RuntimeError(msg) from None

    def release(self) -> None:
        """Release the lock (idempotent)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


@dataclass(frozen=True)
class Edges:
    """The first and last complete lines of a file, and where a torn tail starts (if any)."""

    first: bytes | None
    last: bytes | None
    complete_size: int
    size: int


def read_edges(path: Path, block: int = 65536) -> Edges:
    """Read the first and last complete lines of ``path`` without reading the whole file."""
    with open(path, "rb") as handle:
        first = handle.readline()
        size = handle.seek(0, os.SEEK_END)
        start = max(0, size - block)
        handle.seek(start)
        tail = handle.read()
        while start > 0 and tail.count(b"\n") < 2:
            start = max(0, start - block)
            handle.seek(start)
            tail = handle.read()
    cut = tail.rfind(b"\n") + 1
    last = None
    if cut:
        last = tail[tail.rfind(b"\n", 0, cut - 1) + 1 : cut - 1]
    return Edges(
        first=first[:-1] if first.endswith(b"\n") else None,
        last=last,
        complete_size=start + cut,
        size=size,
    )
