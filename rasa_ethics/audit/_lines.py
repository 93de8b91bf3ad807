"""The checks of one line of a trail: hash, JSON fields, canonical form, links, file headers.

:mod:`rasa_ethics.audit.verify` runs them on file headers and on any run of lines the bulk scan
(:mod:`rasa_ethics.audit._scan`) did not accept, to name the first bad record and say why.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Protocol

from rasa_ethics.audit.files import parse_rotated
from rasa_ethics.audit.problems import Bad
from rasa_ethics.audit.records import GENESIS, canonical, parse, split_line

__all__ = ["ChainState", "check_header", "check_line", "check_link"]

_SHA = hashlib.sha256


class ChainState(Protocol):
    """Where the chain stands before the line: the next ``seq`` and the ``prev`` it needs."""

    seq: int | None
    prev: str | None
    prev_file: str | None
    strict: bool


def check_line(line: bytes, number: int, state: ChainState) -> tuple[dict[str, Any], str]:
    try:
        body, digest = split_line(line)
    except ValueError as exc:
        raise Bad(number, state.seq, f"malformed line: {exc}") from None
    if _SHA(body).hexdigest().encode("ascii") != digest:
        raise Bad(
            number,
            _peek_seq(body, state),
            "hash mismatch: the record was changed after it was written",
        )
    try:
        record: Any = parse(body)
    except (ValueError, RecursionError):
        record = None
    if type(record) is not dict:
        raise Bad(number, state.seq, "not a JSON object")
    missing = [
        key
        for key, kind in (("seq", int), ("prev", str), ("ts", str), ("type", str))
        if type(record.get(key)) is not kind
    ]
    if missing:
        raise Bad(number, state.seq, f"missing or invalid field(s): {', '.join(missing)}")
    if state.strict and canonical(record).encode("ascii") != body:
        raise Bad(
            number, record["seq"], "not in canonical form (sorted keys, no whitespace, ASCII)"
        )
    return record, digest.decode("ascii")


def _peek_seq(body: bytes, state: ChainState) -> int | None:
    try:
        seq = parse(body).get("seq")
    except (ValueError, RecursionError, AttributeError):
        return state.seq
    return seq if type(seq) is int else state.seq


def check_link(record: dict[str, Any], number: int, state: ChainState, file_start: bool) -> None:
    seq = record["seq"]
    if state.seq is None:
        state.seq, state.prev = seq, record["prev"]  # archived start: take the first record as is
    if state.seq == 0 and state.prev == GENESIS and (seq != 0 or record["prev"] != GENESIS):
        raise Bad(
            number,
            seq,
            f"the trail starts at seq {seq}, not 0: its oldest records or "
            "files are missing (use --allow-missing-start if they were archived)",
        )
    if file_start and (seq != state.seq or record["prev"] != state.prev):
        raise Bad(
            number,
            seq,
            f"this file does not continue {state.prev_file!r} (which ends "
            f"before seq {state.seq}): a rotated file is missing or out of order",
        )
    if seq != state.seq:
        raise Bad(
            number,
            seq,
            f"seq is {seq}, expected {state.seq}: a record is missing, duplicated or out of order",
        )
    if record["prev"] != state.prev:
        raise Bad(
            number,
            seq,
            "prev does not match the hash of the record before: a record "
            "is missing or out of order",
        )


def check_header(record: dict[str, Any], number: int, state: ChainState, path: Path) -> None:
    if record["type"] != "rotate":
        raise Bad(number, record["seq"], "the first record of a file must be a rotate record")
    if state.prev_file is not None and record.get("prev_file") != state.prev_file:
        raise Bad(
            number,
            record["seq"],
            f"this file follows {record.get('prev_file')!r}, "
            f"but the file before it is {state.prev_file!r}",
        )
    rotated = parse_rotated(path.name)
    if rotated is not None and rotated[1] != record["seq"]:
        raise Bad(number, record["seq"], f"the file name says it starts at seq {rotated[1]}")
