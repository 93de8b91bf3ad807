"""What customers send, made safe for every store: sender ids and texts.

Rasa hands a channel's ``sender`` and ``message`` on unchanged, and some values stop it:

* a lone surrogate (``"x\\ud800"``, valid JSON) cannot be encoded as UTF-8.  SQLite raises
  ``UnicodeEncodeError`` inside ``SQLTrackerStore.session_scope``, which treats every
  ``ValueError`` as a missing PostgreSQL schema and calls ``sys.exit(1)``
  (``rasa/core/tracker_store.py``);
* PostgreSQL refuses NUL characters with a ``ValueError`` (the same exit), and ids longer than
  its ``VARCHAR(255)`` column;
* control characters reach terminals and log files.

:func:`safe_text` replaces each such character with U+FFFD, one for one, so offsets into the
text (the PII spans) stay valid.  :func:`safe_sender_id` leaves a normal id alone and maps any
other to a readable, stable and distinct one: the same raw id always gives the same safe id, and
two raw ids never share one (a SHA-256 of the raw id is appended).  Both are idempotent.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

__all__ = [
    "MAX_DEPTH",
    "MAX_SENDER_ID_CHARS",
    "REPLACEMENT",
    "TOO_DEEP",
    "depth_exceeds",
    "is_safe_text",
    "safe_json",
    "safe_sender_id",
    "safe_text",
]

REPLACEMENT = "\ufffd"
#: Below Rasa's ``sender_id VARCHAR(255)`` and the handoff queue's column of the same size.
MAX_SENDER_ID_CHARS = 200
#: Nesting deeper than this is cut (:func:`safe_json`) or refused (the REST channel guard).
MAX_DEPTH = 32
#: What stands in for a container nested deeper than :data:`MAX_DEPTH`.
TOO_DEEP = "<TOO_DEEP>"
_DIGEST_HEX = 16
# C0 controls except tab, newline and carriage return (customers write several lines), DEL, C1
# controls and surrogates (a valid pair never reaches Python as two characters).
_UNSAFE_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# An id has no business holding any control character.
_UNSAFE_IN_ID = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def is_safe_text(text: str) -> bool:
    """True when ``text`` holds none of the characters :func:`safe_text` replaces."""
    return _UNSAFE_IN_TEXT.search(text) is None


def safe_text(text: str) -> str:
    """``text`` with lone surrogates, NUL and control characters replaced (same length)."""
    return _UNSAFE_IN_TEXT.sub(REPLACEMENT, text)


def safe_sender_id(sender_id: Any) -> str:
    """A sender id every store accepts; a normal id comes back unchanged.

    An id with unsafe characters, or longer than :data:`MAX_SENDER_ID_CHARS`, becomes its
    cleaned beginning, ``~`` and 16 hex digits of the SHA-256 of the raw id.
    """
    raw = sender_id if isinstance(sender_id, str) else str(sender_id)
    if len(raw) <= MAX_SENDER_ID_CHARS and _UNSAFE_IN_ID.search(raw) is None:
        return raw
    # surrogatepass: every str has a byte form, and distinct strings have distinct ones.
    digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:_DIGEST_HEX]
    head = _UNSAFE_IN_ID.sub(REPLACEMENT, raw[: MAX_SENDER_ID_CHARS - _DIGEST_HEX - 1])
    return f"{head}~{digest}"


def safe_json(value: Any, max_depth: int = MAX_DEPTH) -> Any:
    """A copy of JSON-like ``value`` with every string (keys too) made safe by :func:`safe_text`.

    Containers nested deeper than ``max_depth`` become :data:`TOO_DEEP`, so that no later
    recursion (``copy.deepcopy``, ``json.dumps``) can hit Python's recursion limit.
    """
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, (dict, list, tuple)):
        if max_depth <= 0:
            return TOO_DEEP
        if isinstance(value, dict):
            return {
                safe_text(k) if isinstance(k, str) else k: safe_json(v, max_depth - 1)
                for k, v in value.items()
            }
        return [safe_json(v, max_depth - 1) for v in value]
    return value


def depth_exceeds(value: Any, limit: int = MAX_DEPTH) -> bool:
    """True when containers in ``value`` nest deeper than ``limit`` (iterative: any depth)."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list, tuple)):
            if depth >= limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False
