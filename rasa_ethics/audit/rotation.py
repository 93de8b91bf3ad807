"""Which file the next record goes to: resuming a trail, rotating by size or day, file headers.

Every file starts with a ``rotate`` record whose ``prev`` is the hash of the last record of the
previous file (or GENESIS), and whose ``prev_file`` names that file, so a missing rotated file
breaks the chain and ``verify`` reports it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rasa_ethics.audit.chain import Chain
from rasa_ethics.audit.files import AuditFile, read_edges, rotated_name, trail_files
from rasa_ethics.audit.records import GENESIS, split_line

__all__ = ["AuditTrailError", "Rotator", "TrailState", "resume_trail"]


class AuditTrailError(RuntimeError):
    """The existing trail cannot be continued safely."""


@dataclass
class TrailState:
    """Where a trail left off: the chain head, the active file's start, notes to record."""

    seq: int = 0
    prev: str = GENESIS
    prev_file: str | None = None
    start_ts: str = ""
    first_seq: int = 0
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def resume_trail(active: Path) -> TrailState:
    """Read the head of an existing trail; cut a torn last line (a crash mid-write) and note it."""
    state = TrailState()
    for path in reversed(trail_files(active)):
        edges = read_edges(path)
        if edges.complete_size != edges.size and path == active:
            os.truncate(path, edges.complete_size)
            discarded = edges.size - edges.complete_size
            state.notes.append(
                ("error", {"kind": "torn_tail", "file": path.name, "bytes": discarded})
            )
        if edges.last is None:
            continue
        head = _parse(path, edges.last)
        state.seq, state.prev = head["seq"] + 1, split_line(edges.last)[1].decode("ascii")
        if path == active and edges.first is not None:
            first = _parse(path, edges.first)
            state.start_ts, state.first_seq = first["ts"], first["seq"]
        else:
            state.prev_file = path.name
        break
    return state


def _parse(path: Path, line: bytes) -> dict[str, Any]:
    try:
        record = json.loads(split_line(line)[0])
        int(record["seq"]), str(record["ts"])
    except (ValueError, KeyError, TypeError):
        msg = (
            f"the last record of {path} is damaged, so the audit chain cannot continue. Check it "
            f"with `rasa-ethics audit verify {path}`, then move the trail aside to start a new one."
        )
        raise AuditTrailError(msg) from None
    return dict(record)


class Rotator:
    """Owns the active file: opens it, rotates it, appends batches, undoes refused batches."""

    def __init__(self, active: Path, state: TrailState, max_bytes: int, daily: bool) -> None:
        self.active = active
        self.max_bytes = max_bytes
        self.daily = daily
        self.file: AuditFile | None = None
        self._start_ts, self._first_seq = state.start_ts, state.first_seq
        self._prev_file = state.prev_file
        self._reason = "resume" if state.seq else "new_trail"
        self._good = 0
        self._lines = 0
        self._header_pending = False
        if active.is_file():
            self._open()

    def _open(self) -> None:
        self.file = AuditFile(self.active)
        self._good = self.file.size
        self._lines = 2 if self._good else 0  # an existing file: its header and more

    @property
    def header_needed(self) -> bool:
        """True when the active file has no header yet (new, or its header batch was refused)."""
        return (self.file is None or self._good == 0) and not self._header_pending

    def due(self, ts: str, chain: Chain) -> str | None:
        """Why the record stamped ``ts`` must start a new file, or None."""
        if self.header_needed:
            return None
        lines = self._lines + len(chain.sink.lines)
        if self.daily and ts[:10] != self._start_ts[:10] and lines > 1:
            return "daily"
        if self.max_bytes and self._good + chain.sink.size >= self.max_bytes and lines > 1:
            return "size"
        return None

    def rotate(self, reason: str) -> None:
        """Rename the active file to its rotated name; the next header opens a new one."""
        assert self.file is not None
        name = rotated_name(self.active, self._start_ts, self._first_seq)
        os.rename(self.active, self.active.with_name(name))
        self.file.close()
        self.file = None
        self._prev_file, self._reason = name, reason
        _fsync_dir(self.active.parent)

    def header(self, chain: Chain, ts: str, policy_version: str) -> None:
        """Open the active file if needed and append its ``rotate`` header record."""
        if self.file is None:
            self._open()
        self._start_ts, self._first_seq = ts, chain.seq
        self._header_pending = True
        chain.append(
            "rotate",
            ts=ts,
            policy_version=policy_version,
            reason=self._reason,
            prev_file=self._prev_file,
        )

    def append(self, data: bytes, lines: int, sync: bool) -> None:
        """Append a batch of ``lines`` lines; raise OSError if the disk refuses."""
        if self.file is None:
            msg = "no active audit file"
            raise OSError(msg)
        if self.file.size != self._good:
            self.file.truncate(self._good)
        self.file.write(data)
        if sync:
            self.file.fsync()
        self._good = self.file.size
        self._lines += lines
        self._header_pending = False

    def rolled_back(self) -> None:
        """A batch was refused: cut whatever part of it reached the file."""
        self._header_pending = False
        if self.file is not None and self.file.size != self._good:
            try:
                self.file.truncate(self._good)
            except OSError:
                pass  # retried before the next append

    def close(self) -> None:
        """Close the active file."""
        if self.file is not None:
            self.file.close()
            self.file = None


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
