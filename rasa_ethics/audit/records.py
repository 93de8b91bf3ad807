"""The record format: canonical JSON lines chained by SHA-256.

A record is a flat JSON object.  Its line is the *canonical* JSON of the record without ``hash``
(keys sorted, no whitespace, ASCII only), with ``"hash"`` appended as the last member::

    {"policy_version":"…","prev":"<64 hex>","seq":7,"ts":"…","type":"action",…,"hash":"<64 hex>"}

``hash`` is the SHA-256 of the canonical JSON without ``hash``, which is exactly the bytes of the
line up to the final ``,"hash":…``.  ``prev`` is the ``hash`` of the record before, or
:data:`GENESIS` for the first record of a trail, so the records form one chain across files.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from typing import Any

__all__ = [
    "GENESIS",
    "HASH_SUFFIX_LEN",
    "RECORD_TYPES",
    "canonical",
    "format_ts",
    "parse",
    "seal",
    "split_line",
]

#: ``prev`` of the first record of a trail.
GENESIS = "0" * 64

#: Every record type the writer produces.
RECORD_TYPES = (
    "rotate",  # first record of every file; links to the previous file
    "start",  # the writer started (process start-up)
    "stop",  # the writer shut down cleanly
    "session_started",
    "user_turn",
    "action",
    "bot_utterance",
    "disclosure",
    "handoff",
    "handoff_confirmation",  # the bot offered a person (stage asked), the customer said yes/no
    "action_failure",  # an action failed; the customer got the outage text
    "feedback",  # the customer said the bot's last answer was wrong: that turn, by names and time
    "complaint_filed",  # a complaint queued with its reference, a person offered (when: ask)
    "agent_action",  # an agent signed in or out, claimed, assigned, replied, resolved, presence
    "error",
    "gap",
    "checkpoint",  # signed: vouches for every record before it
    "integrity",  # a starting writer found its trail cut, rewritten or without its head
    # the operators' privacy trail (rasa_ethics.rights): pseudonyms, references and counts only
    "erasure",  # one conversation erased everywhere
    "export",  # one conversation exported
    "purge",  # conversations past the retention period deleted
    "subject_lookup",  # conversations looked up by a subject key
    "privacy_request",  # a customer filed a rights request in the chat (kind, reference)
    "opt_out",  # a customer opted a conversation out of storage in the chat (reference)
)

_ENCODER = json.JSONEncoder(
    separators=(",", ":"), sort_keys=True, ensure_ascii=True, allow_nan=False
)


def _unsupported(value: Any) -> Any:
    msg = f"audit records hold JSON values only, not {type(value).__name__}"
    raise TypeError(msg)


# JSONEncoder.encode builds a new C encoder on every call; at 50k records a second reusing one
# is worth it.  Records are flat dicts built here, so the circular-reference check is dropped.
_C_ENCODE = (
    json.encoder.c_make_encoder(  # type: ignore[attr-defined]
        None,
        _unsupported,
        json.encoder.encode_basestring_ascii,
        None,
        ":",
        ",",
        True,
        False,
        False,
    )
    if getattr(json.encoder, "c_make_encoder", None)
    else None
)
_HASH_PREFIX = ',"hash":"'
#: Length of ``,"hash":"<64 hex>"}`` at the end of every line (without the newline).
HASH_SUFFIX_LEN = len(_HASH_PREFIX) + 64 + 2


def canonical(record: Any) -> str:
    """The canonical JSON of ``record``: sorted keys, no whitespace, ASCII only, no NaN."""
    if _C_ENCODE is None:  # pragma: no cover - CPython always has the C encoder
        return _ENCODER.encode(record)
    return "".join(_C_ENCODE(record, 0))


def _no_constant(name: str) -> Any:
    msg = f"{name} is not JSON"
    raise ValueError(msg)


# NaN and Infinity are not JSON, though Python's json reads them
_DECODER = json.JSONDecoder(parse_constant=_no_constant)


def parse(data: bytes) -> Any:
    """Parse strict JSON from UTF-8 ``data``; raise ValueError if it is not JSON."""
    return _DECODER.decode(data.decode("utf-8"))


def seal(record: Mapping[str, Any]) -> tuple[str, str]:
    """Hash ``record`` (which must not hold ``hash`` yet); return ``(line, hash)``.

    The line ends with a newline.
    """
    body = canonical(record)
    digest = hashlib.sha256(body.encode("ascii")).hexdigest()
    return f'{body[:-1]}{_HASH_PREFIX}{digest}"}}\n', digest


def split_line(line: bytes) -> tuple[bytes, bytes]:
    """Split a line (without its newline) into ``(body, hash)``; raise ValueError if malformed.

    ``body`` is the canonical JSON of the record without ``hash``, the bytes that were hashed.
    """
    tail = line[-HASH_SUFFIX_LEN:]
    if len(line) <= HASH_SUFFIX_LEN or tail[:9] != b',"hash":"' or tail[-2:] != b'"}':
        msg = 'the line does not end with ,"hash":"<64 hex digits>"}'
        raise ValueError(msg)
    return line[:-HASH_SUFFIX_LEN] + b"}", tail[9:-2]


def format_ts(seconds: float) -> str:
    """Seconds since the epoch as UTC ISO 8601 with microseconds: 2026-11-27T10:15:00.000123Z."""
    global _LAST_SECOND
    whole = int(seconds)
    micros = int(round((seconds - whole) * 1_000_000))
    if micros == 1_000_000:
        whole, micros = whole + 1, 0
    cached, prefix = _LAST_SECOND
    if cached != whole:
        prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole))
        _LAST_SECOND = (whole, prefix)
    return f"{prefix}.{micros:06d}Z"


_LAST_SECOND: tuple[int, str] = (-1, "")
