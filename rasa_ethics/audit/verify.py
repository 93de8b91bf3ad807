"""Verify a trail: every line hashes to its ``hash``, links to the line before, and is canonical.

The check stops at the first bad record and names it (file, line, seq, what is wrong).  Intact
chunks of lines take a fast path (one JSON parse and one re-serialisation per 1000 lines); a chunk
that fails is re-checked line by line to find and explain the first bad record.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rasa_ethics.audit.files import parse_rotated
from rasa_ethics.audit.records import GENESIS, HASH_SUFFIX_LEN, canonical, split_line

__all__ = ["Problem", "VerifyResult", "verify_trail"]

_CHUNK = 1000
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
    """What :func:`verify_trail` found."""

    files: list[Path]
    records: int = 0
    head_seq: int | None = None
    head_hash: str | None = None
    problem: Problem | None = None

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
) -> VerifyResult:
    """Verify ``files`` (one trail, oldest first).

    Args:
        strict: also require every line to be the canonical serialisation of its record.
        allow_missing_start: accept a trail whose oldest files were archived or deleted.
        anchor: a ``hash`` noted earlier (e.g. from ``verify`` output); fail unless it is in the
            trail, which detects a trail cut short or rewritten before that point.
    """
    result = VerifyResult(list(files))
    start_seq, start_prev = (None, None) if allow_missing_start else (0, GENESIS)
    state = _State(seq=start_seq, prev=start_prev, strict=strict)
    enabled = gc.isenabled()
    gc.disable()  # millions of short-lived dicts: collection passes cost more than the checks
    try:
        for path in files:
            problem = _verify_file(path, state, anchor)
            if problem is not None:
                result.problem = problem
                break
    finally:
        if enabled:
            gc.enable()
    result.records = state.records
    result.head_seq = None if state.seq is None else state.seq - 1
    result.head_hash = state.prev if state.records else None
    if result.ok and anchor and anchor not in state.anchors:
        result.problem = _missing_anchor(files, anchor)
    return result


def _missing_anchor(files: Sequence[Path], anchor: str) -> Problem:
    message = f"anchor {anchor} is not in the trail: it was cut short or rewritten"
    return Problem(files[-1] if files else Path("-"), 0, None, message)


def _verify_file(path: Path, state: _State, anchor: str | None) -> Problem | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Problem(path, 0, state.seq, f"cannot read the file: {exc.strerror}")
    if anchor and f'"hash":"{anchor}"'.encode("ascii") in data:
        state.anchors.append(anchor)
    lines = data.split(b"\n")
    torn = lines.pop()
    try:
        if not lines and not torn:
            raise _Bad(1, state.seq, "empty file: every file starts with a rotate record")
        if lines:
            _slow_chunk(lines[:1], state, path, 1)  # the file header gets the full treatment
        for first, chunk in _chunks(lines, 1):
            if not _fast_chunk(chunk, state):
                _slow_chunk(chunk, state, path, first)
        if torn:
            raise _Bad(len(lines) + 1, state.seq, "the last line is incomplete (no newline)")
    except _Bad as bad:
        return Problem(path, bad.line, bad.seq, bad.message)
    state.prev_file = path.name
    return None


def _chunks(lines: list[bytes], skip: int) -> Iterator[tuple[int, list[bytes]]]:
    for start in range(skip, len(lines), _CHUNK):
        yield start + 1, lines[start : start + _CHUNK]


def _fast_chunk(chunk: list[bytes], state: _State) -> bool:
    """Check a chunk in bulk; False if anything is off (the slow path then explains it)."""
    bodies = []
    for line in chunk:
        body = line[:-HASH_SUFFIX_LEN] + b"}"
        if (
            line[-HASH_SUFFIX_LEN:-66] != b',"hash":"'
            or line[-2:] != b'"}'
            or _SHA(body).hexdigest().encode("ascii") != line[-66:-2]
        ):
            return False
        bodies.append(body)
    joined = b"[" + b",".join(bodies) + b"]"
    try:
        records = json.loads(joined)
    except ValueError:
        return False
    if len(records) != len(chunk) or (state.strict and canonical(records).encode() != joined):
        return False
    seq, prev = state.seq, state.prev
    if seq is None:
        return False
    for record, line in zip(records, chunk, strict=True):
        if type(record) is not dict or type(record.get("seq")) is not int:
            return False
        if record["seq"] != seq or record.get("prev") != prev:
            return False
        seq, prev = seq + 1, line[-66:-2].decode("ascii")
    state.seq, state.prev, state.records = seq, prev, state.records + len(chunk)
    return True


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
        record: Any = json.loads(body)
    except ValueError:
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
        seq = json.loads(body).get("seq")
    except (ValueError, AttributeError):
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
