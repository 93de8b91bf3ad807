"""Reference numbers customers can quote: ``HR-7K3M-9QXA`` for a handoff or a complaint.

A handoff reference is derived, not drawn: 40 bits of ``sha256(conversation_id + "\\x00" +
repr(turn_timestamp))`` in Crockford base32 (the alphabet of the privacy register's ``PR-...``
numbers, :func:`rasa_ethics.rights.register.new_reference`).  ``turn_timestamp`` is the timestamp
of the customer's ``UserUttered`` that started the turn, so the NLG (which says the number) and
the tracker store (which queues the row) compute the same one on any replica, with no shared
state.

Customers type references as they read them: lower case, with spaces instead of dashes, or
none.  :data:`REFERENCE_PATTERN` finds those too and :func:`find_references` normalises them.
"""

from __future__ import annotations

import hashlib
import re
from typing import List, Optional, Sequence

from rasa.shared.core.events import Event, UserUttered

__all__ = [
    "HANDOFF_PREFIX",
    "PRIVACY_PREFIX",
    "REFERENCE_PATTERN",
    "find_references",
    "handoff_reference",
    "normalise_reference",
    "turn_timestamp",
]

HANDOFF_PREFIX, PRIVACY_PREFIX = "HR", "PR"
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U to misread
# What a customer may type for one character: Crockford's decoding of look-alikes.
_MISREAD = str.maketrans({"I": "1", "L": "1", "O": "0"})
_CHUNK = r"[0-9A-Za-z]{4}"
_SEP = r"[ \t\-_.]?"
#: HR-7K3M-9QXA and PR-... references, as typed: "hr 7k3m 9qxa", "HR7K3M9QXA", "hr-7k3m9qxa".
REFERENCE_PATTERN = re.compile(
    rf"(?<![0-9A-Za-z])(?P<prefix>[HhPp][Rr])(?P<s1>{_SEP})(?P<a>{_CHUNK})(?P<s2>{_SEP})(?P<b>{_CHUNK})"
    r"(?![0-9A-Za-z])"
)


def handoff_reference(conversation_id: str, turn_timestamp: float) -> str:
    """The reference of the handoff (or complaint) of the turn begun at ``turn_timestamp``."""
    digest = hashlib.sha256(f"{conversation_id}\x00{turn_timestamp!r}".encode("utf-8")).digest()
    bits = int.from_bytes(digest[:5], "big")  # 40 bits: 8 characters of 5 bits
    chars = "".join(_ALPHABET[(bits >> shift) & 31] for shift in range(35, -1, -5))
    return f"{HANDOFF_PREFIX}-{chars[:4]}-{chars[4:]}"


def normalise_reference(text: str) -> Optional[str]:
    """``text`` as a reference (``"hr 7k3m 9qxa"`` -> ``"HR-7K3M-9QXA"``), or None if it is none."""
    found = REFERENCE_PATTERN.fullmatch(text.strip())
    return _normalised(found) if found else None


def find_references(text: str) -> List[str]:
    """Every reference in a customer's text, normalised, in order of appearance."""
    return [ref for ref in map(_normalised, REFERENCE_PATTERN.finditer(text)) if ref]


def turn_timestamp(events: Sequence[Event]) -> Optional[float]:
    """The timestamp of the latest customer message in ``events``: the turn's reference seed."""
    for event in reversed(events):
        if isinstance(event, UserUttered):
            return float(event.timestamp)
    return None


def _normalised(found: "re.Match[str]") -> Optional[str]:
    typed = found["a"] + found["b"]
    chars = typed.upper().translate(_MISREAD)
    if any(ch not in _ALPHABET for ch in chars):
        return None  # a U, which no reference has
    dashed = all(sep and not sep.isspace() for sep in (found["s1"], found["s2"]))
    if not dashed and not any(ch.isdigit() for ch in typed):
        # Words are no references: "protection", "pr data team".  A reference without digits
        # (5% of them) is found when typed with its dashes.
        return None
    return f"{found['prefix'].upper()}-{chars[:4]}-{chars[4:]}"
