"""Verify a trail: every line hashes to its ``hash``, links to the line before, and is canonical.

The check stops at the first bad record and names it (file, line, seq, what is wrong).  Intact
runs of lines take a bulk path (:mod:`rasa_ethics.audit._scan`: one ``json.loads`` and one
canonical re-encoding per 1000 lines, no Python loop per record); a run that fails is re-checked
line by line to find and explain the first bad record.  Large trails are cut into segments that
worker processes check in parallel; the chain is then stitched together here, in order.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rasa_ethics.audit._lines import check_header, check_line, check_link
from rasa_ethics.audit._scan import (
    CHUNK,
    NOTABLE,
    Segment,
    SegmentResult,
    Workers,
    plan_segments,
    read_segment,
    split_lines,
)
from rasa_ethics.audit._trust import Signatures, SigningReport
from rasa_ethics.audit.files import parse_rotated
from rasa_ethics.audit.problems import Bad, Problem
from rasa_ethics.audit.records import GENESIS

__all__ = ["Problem", "SigningReport", "VerifyResult", "verify_trail"]


@dataclass
class VerifyResult:
    """What :func:`verify_trail` found (``workers``: processes that checked it)."""

    files: list[Path]
    records: int = 0
    head_seq: int | None = None
    head_hash: str | None = None
    problem: Problem | None = None
    workers: int = 1
    signing: SigningReport = field(default_factory=SigningReport)

    @property
    def ok(self) -> bool:
        """True when the trail is intact."""
        return self.problem is None


@dataclass
class _State:
    seq: int | None
    prev: str | None
    signatures: Signatures
    prev_file: str | None = None
    strict: bool = True
    records: int = 0
    lines: int = 0  # lines of the file checked last
    anchors: list[str] = field(default_factory=list)


def verify_trail(
    files: Sequence[Path],
    *,
    strict: bool = True,
    allow_missing_start: bool = False,
    anchor: str | None = None,
    jobs: int | None = None,
    active: Path | None = None,
    public_key: Path | None = None,
) -> VerifyResult:
    """Verify ``files`` (one trail, oldest first), its signed checkpoints and its head.

    Args:
        strict: also require every line to be the canonical serialisation of its record.
        allow_missing_start: accept a trail whose oldest files were archived or deleted.
        anchor: a ``hash`` noted earlier (e.g. from ``verify`` output); fail unless it is in the
            trail, which detects a trail cut short or rewritten before that point.
        jobs: processes for large trails (default: the usable CPUs, at most 8; 1: this one).
        active: the trail's active file, whose ``.pub`` and ``.head`` files sit beside it
            (default: derived from the file names).  A rotated file here checks that file alone,
            without the head.
        public_key: a pinned public key file (default: ``<active>.pub``, not pinned).
    """
    result = VerifyResult(list(files))
    start_seq, start_prev = (None, None) if allow_missing_start else (0, GENESIS)
    signatures = _signatures(list(files), active, public_key)
    state = _State(seq=start_seq, prev=start_prev, signatures=signatures, strict=strict)
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
    result.signing = signatures.report
    if result.ok:
        result.problem = signatures.finish(list(files), state.seq, state.lines)
    if result.ok and anchor and anchor not in state.anchors:
        result.problem = _missing_anchor(files, anchor)
    return result


def _signatures(files: list[Path], active: Path | None, pinned: Path | None) -> Signatures:
    """The signature checks, for the trail ``active`` (or the one the files belong to)."""
    named = active or (files[-1] if files else Path("audit.jsonl"))
    rotated = parse_rotated(named.name)
    trail = named.with_name(rotated[0] + rotated[2]) if rotated else named
    return Signatures(trail, pinned, fragment=active is not None and rotated is not None)


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
    except Bad as bad:
        return Problem(path, bad.line, bad.seq, bad.message)
    state.prev_file = path.name
    return None


def _check_file(
    path: Path, size: int, header: bytes, state: _State, anchor: str | None, workers: Workers
) -> None:
    """Check the header line here, the rest in segments; raise :class:`_Bad` at a problem."""
    if not header:
        # A writer that just opened its next file has not written the header yet; the message
        # says "incomplete" as for a torn last line, which a reader racing a writer may see.
        raise Bad(1, state.seq, "empty file (incomplete): every file starts with a rotate record")
    if not header.endswith(b"\n"):
        raise Bad(1, state.seq, "the last line is incomplete (no newline)")
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
            raise Bad(line, state.seq, "the last line is incomplete (no newline)")
    state.lines = line - 1


def _apply(segment: Segment, found: SegmentResult, state: _State, first_line: int) -> None:
    """Advance the chain over the runs of a segment; re-check a run that fails line by line."""
    lines: list[bytes] | None = None
    for index, run in enumerate(found.runs):
        if run is not None and (run.first_seq, run.first_prev) == (state.seq, state.prev):
            for offset, record, digest in run.notable:
                _check_signed(record, digest, state, first_line + index * CHUNK + offset)
            state.seq, state.prev = run.first_seq + run.count, run.last_hash
            state.records += run.count
            continue
        if lines is None:
            lines = split_lines(read_segment(segment))[0]
        start = index * CHUNK
        _slow_chunk(lines[start : start + CHUNK], state, segment.path, first_line + start)


def _slow_chunk(chunk: list[bytes], state: _State, path: Path, first: int) -> None:
    for number, line in enumerate(chunk, start=first):
        record, digest = check_line(line, number, state)
        check_link(record, number, state, number == 1 and state.prev_file is not None)
        if number == 1:
            check_header(record, number, state, path)
        if record["type"] in NOTABLE:
            _check_signed(record, digest, state, number)
        state.seq, state.prev, state.records = record["seq"] + 1, digest, state.records + 1


def _check_signed(record: dict[str, Any], digest: str, state: _State, number: int) -> None:
    message = state.signatures.check(record, digest)
    if message is not None:
        raise Bad(number, record["seq"], message)
