"""Bulk checks of trail lines, cheap enough to verify hundreds of thousands of records a second.

:func:`scan_lines` checks a run of lines without a Python loop per record: the hashes are
computed with ``map`` over the line bytes and compared as one joined string, the records are
parsed with one ``json.loads`` of the whole run, re-encoded with one canonical ``json`` call
(strict mode) and compared byte for byte, and ``seq``/``prev`` are compared as lists.  It only
answers "all good" (a :class:`Run`) or "something is off" (None); the caller then re-checks the
run line by line to name the first bad record.

:func:`scan_segment` applies it to a byte range of a file, so ``verify`` can hand segments of
large trails to worker processes; it reads the file itself, so only small results travel back.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import repeat
from multiprocessing.pool import Pool
from operator import add, itemgetter, methodcaller
from pathlib import Path
from typing import Any, BinaryIO

from rasa_ethics.audit.records import HASH_SUFFIX_LEN, canonical, parse

__all__ = [
    "CHUNK",
    "NOTABLE",
    "Run",
    "Segment",
    "SegmentResult",
    "Workers",
    "default_jobs",
    "plan_segments",
    "read_segment",
    "scan_lines",
    "scan_segment",
    "split_lines",
]

#: Bytes per segment handed to a worker process (about 10,000 records).
SEGMENT_BYTES = 4_000_000
#: Trails smaller than this are checked in this process: starting workers would cost more.
PARALLEL_MIN_BYTES = 8_000_000
#: Lines per bulk check (one json.loads each); a failing chunk is re-checked line by line.
CHUNK = 1000

_HASH_PREFIX = b',"hash":"'
_HEAD = itemgetter(slice(None, -HASH_SUFFIX_LEN))  # the record without its last "}" and hash
_PREFIX = itemgetter(slice(-HASH_SUFFIX_LEN, -66))  # ,"hash":"
_STORED = itemgetter(slice(-66, -2))  # the 64 hex digits
_END = itemgetter(slice(-2, None))  # "}
_HEX = methodcaller("hexdigest")
_SHA = hashlib.sha256
_SEQ, _PREV, _TS, _TYPE = (itemgetter(key) for key in ("seq", "prev", "ts", "type"))


#: Record types a run hands back for the signature checks (rare: about one in 1000 records).
NOTABLE = ("checkpoint", "integrity")


@dataclass(frozen=True)
class Run:
    """A run of consecutive, intact records: where it starts and the hash it ends with.

    ``notable``: ``(index in the run, record, hash)`` of its checkpoint and integrity records.
    """

    count: int
    first_seq: int
    first_prev: str
    last_hash: str
    notable: tuple[tuple[int, dict[str, Any], str], ...] = ()


def scan_lines(lines: list[bytes], strict: bool) -> Run | None:
    """Check ``lines`` (without newlines) in bulk; None if anything is off.

    Checked: each line ends with ``,"hash":"<64 hex>"}``, the hash matches the bytes before it,
    the run parses as JSON objects (one per line) with an int ``seq`` and str ``prev``, ``ts``
    and ``type``; ``seq`` counts up by one and ``prev`` is the hash of the line before; in
    ``strict`` mode the bytes are the canonical serialisation.  The link of the first record to
    whatever came before is left to the caller (``first_seq``, ``first_prev``).
    """
    if not lines or min(map(len, lines)) <= HASH_SUFFIX_LEN:
        return None
    if set(map(_PREFIX, lines)) != {_HASH_PREFIX} or set(map(_END, lines)) != {b'"}'}:
        return None
    heads = list(map(_HEAD, lines))
    digests = list(map(_HEX, map(_SHA, map(add, heads, repeat(b"}")))))
    if "".join(digests).encode("ascii") != b"".join(map(_STORED, lines)):
        return None
    joined = b"[" + b"},".join(heads) + b"}]"
    try:
        records = parse(joined)
        if strict and canonical(records).encode("ascii") != joined:
            return None
    except (ValueError, RecursionError):  # not JSON, or nested too deeply
        return None
    return _linked(records, digests, len(lines))


def _linked(records: list[Any], digests: list[str], count: int) -> Run | None:
    """The run, if ``records`` are ``count`` objects with valid fields, chained by ``digests``."""
    if len(records) != count or set(map(type, records)) != {dict}:
        return None
    try:
        seqs = list(map(_SEQ, records))
        prevs = list(map(_PREV, records))
        types = list(map(_TYPE, records))
        field_types = set(map(type, map(_TS, records))) | set(map(type, types))
    except KeyError:
        return None
    if set(map(type, seqs)) != {int} or field_types != {str} or type(prevs[0]) is not str:
        return None
    first = seqs[0]
    if seqs != list(range(first, first + count)) or prevs[1:] != digests[:-1]:
        return None
    return Run(count, first, prevs[0], digests[-1], _notable(types, records, digests))


def _notable(
    types: list[str], records: list[Any], digests: list[str]
) -> tuple[tuple[int, dict[str, Any], str], ...]:
    """The checkpoint and integrity records, found with ``list.index`` (no loop per record)."""
    found = []
    for kind in NOTABLE:
        index = -1
        while True:
            try:
                index = types.index(kind, index + 1)
            except ValueError:
                break
            found.append((index, records[index], digests[index]))
    return tuple(sorted(found, key=itemgetter(0)))


@dataclass(frozen=True)
class Segment:
    """A byte range of a trail file that starts at a line start; the last may end torn."""

    path: Path
    start: int
    end: int
    strict: bool
    anchor: bytes = b""


@dataclass(frozen=True)
class SegmentResult:
    """What :func:`scan_segment` found: one :class:`Run` (or None) per :data:`CHUNK` lines."""

    lines: int
    torn: bool
    anchor_found: bool
    runs: list[Run | None]


def read_segment(segment: Segment) -> bytes:
    """The bytes of ``segment``."""
    with open(segment.path, "rb") as handle:
        handle.seek(segment.start)
        return handle.read(segment.end - segment.start)


def split_lines(data: bytes) -> tuple[list[bytes], bytes]:
    """The complete lines of ``data`` (without newlines) and its torn tail (usually empty)."""
    lines = data.split(b"\n")
    return lines, lines.pop()


def scan_segment(segment: Segment) -> SegmentResult:
    """Bulk-check every :data:`CHUNK` lines of ``segment`` (runs in a worker process)."""
    enabled = gc.isenabled()
    gc.disable()  # millions of short-lived dicts: collection passes cost more than the checks
    try:
        data = read_segment(segment)
        lines, torn = split_lines(data)
        runs = [
            scan_lines(lines[start : start + CHUNK], segment.strict)
            for start in range(0, len(lines), CHUNK)
        ]
    finally:
        if enabled:
            gc.enable()
    found = bool(segment.anchor) and segment.anchor in data
    return SegmentResult(len(lines), bool(torn), found, runs)


def plan_segments(path: Path, start: int, size: int, target: int) -> list[tuple[int, int]]:
    """Split bytes ``start..size`` of ``path`` into ranges of about ``target`` bytes at newlines."""
    bounds = [start]
    with open(path, "rb") as handle:
        while bounds[-1] + target < size:
            handle.seek(bounds[-1] + target)
            cut = _next_line_start(handle, size)
            if cut >= size:
                break
            bounds.append(cut)
    bounds.append(size)
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def _next_line_start(handle: BinaryIO, size: int) -> int:
    """The offset after the next newline from the handle's position (``size`` if none)."""
    offset = handle.tell()
    while offset < size:
        block = handle.read(65536)
        if not block:
            break
        newline = block.find(b"\n")
        if newline >= 0:
            return offset + newline + 1
        offset += len(block)
    return size


def default_jobs() -> int:
    """Processes to verify with: the CPUs this process may use, at most 8."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 8))


class Workers:
    """Checks segments in worker processes for large trails, else in this process.

    Workers are forked while this process has a single thread (fast to start).  A forked child
    would inherit the locks other threads hold, so a multi-threaded caller (a test runner, a
    bot) gets them from a fork server instead, a clean process started for the purpose.
    """

    def __init__(self, jobs: int | None, total_bytes: int) -> None:
        jobs = default_jobs() if jobs is None else max(1, jobs)
        self.pool: Pool | None = None
        method = "fork" if threading.active_count() == 1 else "forkserver"
        if (
            jobs > 1
            and total_bytes >= PARALLEL_MIN_BYTES
            and method in multiprocessing.get_all_start_methods()
        ):
            try:
                self.pool = multiprocessing.get_context(method).Pool(jobs)
            except OSError:  # e.g. no /dev/shm for the pool's locks: check in this process
                self.pool = None
        self.count = jobs if self.pool is not None else 1
        # in-process: one segment per file; workers: several segments each, to share the load
        self.target = SEGMENT_BYTES if self.pool is not None else max(total_bytes, 1)

    def map(self, segments: list[Segment]) -> Iterator[SegmentResult]:
        """Results of :func:`scan_segment` for ``segments``, in order."""
        if self.pool is None:
            return map(scan_segment, segments)
        return self.pool.imap(scan_segment, segments)

    def close(self) -> None:
        """Stop the worker processes (an early problem leaves work that is not needed)."""
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
