"""Verify a trail: every line hashes to its ``hash``, links to the line before, and is canonical.

The check stops at the first bad record and names it (file, line, seq, what is wrong).  Intact
runs of lines take a bulk path (:mod:`rasa_ethics.audit._scan`: one ``json.loads`` and one
canonical re-encoding per 1000 lines, no Python loop per record); a run that fails is re-checked
line by line to find and explain the first bad record.  Large trails are cut into segments that
worker processes check in parallel; the chain is then stitched together here, in order.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rasa_ethics.audit._scan import (
    CHUNK,
    Segment,
    SegmentResult,
    Workers,
    plan_segments,
    read_segment,
    split_lines,
)
from rasa_ethics.audit.files import parse_rotated
from rasa_ethics.audit.records import GENESIS, canonical, parse, split_line

__all__ = ["Problem", "VerifyResult", "verify_trail"]

_SHA = hashlib.sha256


@dataclass(frozen=True)
class Problem:
    """The first bad record of a trail."""

    file: Path
    line: int
    seq: int | None
    message: str

    def __str__(self) -> str:
        where = f"seq {self.seq}" if self.seq is not None else "seq ?"
        return f"{self.file}:{self.line}: {where}: {self.message}"


@dataclass
class VerifyResult:
    """What :func:`verify_trail` found (``workers``: processes that checked it)."""

    files: list[Path]
    records: int = 0
    head_seq: int | None = None
    head_hash: str | None = None
    problem: Problem | None = None
    workers: int = 1

    @property
    def ok(self) -> bool:
        """True when the trail is intact."""
        return self.problem is None


class _Bad(Exception):
    def __init__(self, line: int, seq: int | None, message: str) -> None:
        super().__init__(message)
        self.line, self.seq, self.message = line, seq, message


@dataclass
class _State:
    seq: int | None
    prev: str | None
    prev_file: str | None = None
    strict: bool = True
    records: int = 0
    anchors: list[str] = field(default_factory=list)


def verify_trail(
    files: Sequence[Path],
    *,
    strict: bool = True,
    allow_missing_start: bool = False,
    anchor: str | None = None,
    jobs: int | None = None,
) -> VerifyResult:
    """Verify ``files`` (one trail, oldest first).

    Args:
        strict: also require every line to be the canonical serialisation of its record.
        allow_missing_start: accept a trail whose oldest files were archived or deleted.
        anchor: a ``hash`` noted earlier (e.g. from ``verify`` output); fail unless it is in the
            trail, which detects a trail cut short or rewritten before that point.
        jobs: processes for large trails (default: the usable CPUs, at most 8; 1: this one).
    """
    result = VerifyResult(list(files))
    start_seq, start_prev = (None, None) if allow_missing_start else (0, GENESIS)
    state = _State(seq=start_seq, prev=start_prev, strict=strict)
    workers = Workers(jobs, sum(_size(path) for path in files))
    enabled = gc.isenabled()
    gc.disable()  # millions of short-lived dicts: collection passes cost more than the checks
    try:
        result.problem = _verify_files(files, state, anchor, workers)
    finally:
        workers.close()
        if enabled:
            gc.enable()
    result.records, result.workers = state.records, workers.count
    result.head_seq = None if state.seq is None else state.seq - 1
    result.head_hash = state.prev if state.records else None
    if result.ok and anchor and anchor not in state.anchors:
        result.problem = _missing_anchor(files, anchor)
    return result


def _verify_files(
    files: Sequence[Path], state: _State, anchor: str | None, workers: Workers
) -> Problem | None:
    for path in files:
        problem = _verify_file(path, state, anchor, workers)
        if problem is not None:
            return problem
    return None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _missing_anchor(files: Sequence[Path], anchor: str) -> Problem:
    message = f"anchor {anchor} is not in the trail: it was cut short or rewritten"
    return Problem(files[-1] if files else Path("-"), 0, None, message)


def _verify_file(path: Path, state: _State, anchor: str | None, workers: Workers) -> Problem | None:
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            header = handle.readline()
    except OSError as exc:
        return Problem(path, 0, state.seq, f"cannot read the file: {exc.strerror}")
    try:
        _check_file(path, size, header, state, anchor, workers)
    except _Bad as bad:
        return Problem(path, bad.line, bad.seq, bad.message)
    state.prev_file = path.name
    return None


def _check_file(
    path: Path, size: int, header: bytes, state: _State, anchor: str | None, workers: Workers
) -> None:
    """Check the header line here, the rest in segments; raise :class:`_Bad` at a problem."""
    if not header:
        raise _Bad(1, state.seq, "empty file: every file starts with a rotate record")
    if not header.endswith(b"\n"):
        raise _Bad(1, state.seq, "the last line is incomplete (no newline)")
    needle = f'"hash":"{anchor}"'.encode("ascii") if anchor else b""
    if needle and needle in header:
        state.anchors.append(str(anchor))
    _slow_chunk([header[:-1]], state, path, 1)  # the file header gets the full treatment
    bounds = plan_segments(path, len(header), size, workers.target)
    segments = [Segment(path, start, end, state.strict, needle) for start, end in bounds]
    line = 2
    for segment, found in zip(segments, workers.map(segments), strict=True):
        if found.anchor_found:
            state.anchors.append(str(anchor))
        _apply(segment, found, state, line)
        line += found.lines
        if found.torn:
            raise _Bad(line, state.seq, "the last line is incomplete (no newline)")


def _apply(segment: Segment, found: SegmentResult, state: _State, first_line: int) -> None:
    """Advance the chain over the runs of a segment; re-check a run that fails line by line."""
    lines: list[bytes] | None = None
    for index, run in enumerate(found.runs):
        if run is not None and (run.first_seq, run.first_prev) == (state.seq, state.prev):
            state.seq, state.prev = run.first_seq + run.count, run.last_hash
            state.records += run.count
            continue
        if lines is None:
            lines = split_lines(read_segment(segment))[0]
        start = index * CHUNK
        _slow_chunk(lines[start : start + CHUNK], state, segment.path, first_line + start)


def _slow_chunk(chunk: list[bytes], state: _State, path: Path, first: int) -> None:
    for number, line in enumerate(chunk, start=first):
        record, digest = _check_line(line, number, state)
        _check_link(record, number, state, number == 1 and state.prev_file is not None)
        if number == 1:
            _check_header(record, number, state, path)
        state.seq, state.prev, state.records = record["seq"] + 1, digest, state.records + 1


def _check_line(line: bytes, number: int, state: _State) -> tuple[dict[str, Any], str]:
    try:
        body, digest = split_line(line)
    except ValueError as exc:
        raise _Bad(number, state.seq, f"malformed line: {exc}") from None
    if _SHA(body).hexdigest().encode("ascii") != digest:
        raise _Bad(
            number,
            _peek_seq(body, state),
            "hash mismatch: the record was changed after it was written",
        )
    try:
        record: Any = parse(body)
    except (ValueError, RecursionError):
        record = None
    if type(record) is not dict:
        raise _Bad(number, state.seq, "not a JSON object")
    missing = [
        key
        for key, kind in (("seq", int), ("prev", str), ("ts", str), ("type", str))
        if type(record.get(key)) is not kind
    ]
    if missing:
        raise _Bad(number, state.seq, f"missing or invalid field(s): {', '.join(missing)}")
    if state.strict and canonical(record).encode("ascii") != body:
        raise _Bad(
            number, record["seq"], "not in canonical form (sorted keys, no whitespace, ASCII)"
        )
    return record, digest.decode("ascii")


def _peek_seq(body: bytes, state: _State) -> int | None:
    try:
        seq = parse(body).get("seq")
    except (ValueError, RecursionError, AttributeError):
        return state.seq
    return seq if type(seq) is int else state.seq


def _check_link(record: dict[str, Any], number: int, state: _State, file_start: bool) -> None:
    seq = record["seq"]
    if state.seq is None:
        state.seq, state.prev = seq, record["prev"]  # archived start: take the first record as is
    if state.seq == 0 and state.prev == GENESIS and (seq != 0 or record["prev"] != GENESIS):
        raise _Bad(
            number,
            seq,
            f"the trail starts at seq {seq}, not 0: its oldest records or "
            "files are missing (use --allow-missing-start if they were archived)",
        )
    if file_start and (seq != state.seq or record["prev"] != state.prev):
        raise _Bad(
            number,
            seq,
            f"this file does not continue {state.prev_file!r} (which ends "
            f"before seq {state.seq}): a rotated file is missing or out of order",
        )
    if seq != state.seq:
        raise _Bad(
            number,
            seq,
            f"seq is {seq}, expected {state.seq}: a record is missing, duplicated or out of order",
        )
    if record["prev"] != state.prev:
        raise _Bad(
            number,
            seq,
            "prev does not match the hash of the record before: a record "
            "is missing or out of order",
        )


def _check_header(record: dict[str, Any], number: int, state: _State, path: Path) -> None:
    if record["type"] != "rotate":
        raise _Bad(number, record["seq"], "the first record of a file must be a rotate record")
    if state.prev_file is not None and record.get("prev_file") != state.prev_file:
        raise _Bad(
            number,
            record["seq"],
            f"this file follows {record.get('prev_file')!r}, "
            f"but the file before it is {state.prev_file!r}",
        )
    rotated = parse_rotated(path.name)
    if rotated is not None and rotated[1] != record["seq"]:
        raise _Bad(number, record["seq"], f"the file name says it starts at seq {rotated[1]}")
