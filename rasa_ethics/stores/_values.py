"""Redacting the values inside one event: free text, nested payloads, entities.

Used by :class:`rasa_ethics.stores.redaction.TrackerRedaction` for every event it stores.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from typing import Any, Dict, List, Optional

from rasa_ethics import constants as c
from rasa_ethics.context import OWN_NAMES
from rasa_ethics.nlg.output import unique_key
from rasa_ethics.pii import PIIEngine, Span
from rasa_ethics.pii.spans import resolve_overlaps
from rasa_ethics.vault import is_token

__all__ = [
    "REDACTED_MARK",
    "WITHHELD",
    "ValueRedactor",
    "too_long",
    "withhold_long",
    "scrub",
    "stored_spans",
    "user_spans",
]

#: Set in the parse data of a stored user event and the metadata of a stored bot event: their
#: text is already redacted, and the spans no longer index it.
REDACTED_MARK = "ethics_redacted"
# Keys whose values are names, ids, numbers or flags, never free text (outside _FREE containers).
_STRUCTURAL = frozenset(
    {
        "event",
        "timestamp",
        "name",
        "policy",
        "confidence",
        "intent",
        "intent_ranking",
        "text_tokens",
        "message_id",
        "input_channel",
        "model_id",
        "assistant_id",
        "hide_rule_turn",
        "utter_action",
        "entity",
        "extractor",
        "role",
        "group",
        "start",
        "end",
        "confidence_entity",
        "processors",
        c.META_PII,
        c.META_PII_EXPECTED,
        REDACTED_MARK,
        c.META_DISCLOSURE,
    }
)
# Containers of arbitrary data (channel metadata, bot payloads, slot values): every string in them
# is redacted, whatever its key, and so are their keys and long numbers (a client may send
# {"jane@example.com": ...} or {"phone": 4155552671}).
_FREE = frozenset({"metadata", "data", "value", "kwargs", "additional_info", "action_text"})
_MIN_DIGITS = 6  # shorter numbers (counts, prices, flags) are no one's personal data
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


class ValueRedactor:
    """Redacts strings wherever they sit in an event; remembers results by hash, not by text."""

    def __init__(self, cache_size: int = 4096) -> None:
        """Cache up to ``cache_size`` results (a turn re-saves the whole session)."""
        self._cache: OrderedDict[bytes, str] = OrderedDict()
        self._cache_size = cache_size

    def entity(
        self, entity: Dict[str, Any], spans: List[Span], engine: PIIEngine
    ) -> Dict[str, Any]:
        """An entity whose value is redacted; a value inside a detected span takes its type.

        Extractors may normalise a value ("NW 123" -> "NW-123"), so where the entity covers a
        detected span, the whole value gets that span's operator whatever it looks like now.
        """
        value, start, end = entity.get("value"), entity.get("start"), entity.get("end")
        if isinstance(value, str) and value and isinstance(start, int) and isinstance(end, int):
            for span in spans:
                if span.start < end and start < span.end:
                    rest = self.walk({k: v for k, v in entity.items() if k != "value"}, engine)
                    whole = Span(0, len(value), span.type)
                    return {**rest, "value": engine.anonymize(value, [whole]).text}
        return dict(self.walk(entity, engine))

    def walk(
        self,
        value: Any,
        engine: PIIEngine,
        key: Optional[str] = None,
        free: bool = False,
        limit: Optional[int] = None,
    ) -> Any:
        """Every string in ``value`` redacted, except under keys that only hold names or ids.

        Strings longer than ``limit`` are withheld (:func:`too_long`).
        """
        free = free or key in _FREE
        if not free and key in _STRUCTURAL:
            return value
        if isinstance(value, str):
            return self.text(engine, value, limit=limit) if not is_token(value) else value
        if isinstance(value, dict):
            if free:
                return self._free_dict(value, engine, limit)
            return {k: self.walk(v, engine, k, free, limit) for k, v in value.items()}
        if isinstance(value, list):
            return [self.walk(v, engine, None, free, limit) for v in value]
        if free and _is_long_number(value):
            digits = str(value)
            redacted = self.text(engine, digits)
            return value if redacted == digits else redacted
        return value

    def _free_dict(
        self, value: Dict[Any, Any], engine: PIIEngine, limit: Optional[int]
    ) -> Dict[Any, Any]:
        """A dict of arbitrary data: its keys are redacted too (two alike lose nothing)."""
        redacted: Dict[Any, Any] = {}
        for key, item in value.items():
            new_key = self.text(engine, key, limit=limit) if isinstance(key, str) else key
            if new_key != key:
                new_key = unique_key(new_key, redacted)
            if isinstance(item, (str, int)) and isinstance(key, str) and not is_token(item):
                redacted[new_key] = self._keyed(item, key, engine, limit)
            else:
                redacted[new_key] = self.walk(item, engine, key, True, limit)
        return redacted

    def _keyed(self, value: Any, key: str, engine: PIIEngine, limit: Optional[int]) -> Any:
        """A string or number in arbitrary data, its key read as its context."""
        # Rasa's own keys ("name", "intent", ...) are no cue: "name: widget" reads as a person.
        words = _CAMEL.sub(" ", key).replace("_", " ").replace("-", " ")
        cue = "" if key in _STRUCTURAL else f"{words}: "
        if isinstance(value, str):
            return self.text(engine, value, limit=limit, cue=cue)
        if not _is_long_number(value):
            return value
        digits = str(value)
        redacted = self.text(engine, digits, cue=cue)
        return value if redacted == digits else redacted

    def text(
        self,
        engine: PIIEngine,
        text: str,
        written: str = "",
        limit: Optional[int] = None,
        cue: str = "",
    ) -> str:
        """Redacted ``text``; cached by a hash of engine, text, ``written`` and ``cue``.

        Values that occur in ``written`` (the designers' texts) are not redacted.  ``cue`` is
        read before the text as its context ("phone: " makes "4155552671" a phone number).  A
        text longer than ``limit`` is withheld (:func:`too_long`).
        """
        if limit is not None and len(text) > limit:
            return too_long(text)
        if not text.strip():
            return text
        material = f"{id(engine)}\x00{text}\x00{written}\x00{cue}".encode()
        key = hashlib.blake2b(material, digest_size=16).digest()
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        spans = [
            s
            for s in OWN_NAMES.keep(text, _analyze(engine, text, cue))
            if not written or text[s.start : s.end] not in written
        ]
        redacted = engine.anonymize(text, spans).text
        self._cache[key] = redacted
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return redacted


def _analyze(engine: PIIEngine, text: str, cue: str) -> List[Span]:
    """Spans in ``text``, analysed after ``cue``; offsets into ``text``."""
    if not cue:
        return engine.analyze(text)
    shift = len(cue)
    return [
        s.shifted(max(s.start - shift, 0), s.end - shift)
        for s in engine.analyze(cue + text)
        if s.end > shift
    ]


WITHHELD = "<WITHHELD>"


def too_long(text: str) -> str:
    """What is stored for a text over ``messages.max_message_chars``: its length, nothing of it.

    The customer was told it is too long (PIIDetector kept it from NLU); analysing even a head of
    it costs tens of milliseconds on digit-heavy text, and every other customer waits meanwhile.
    """
    return f"<TOO_LONG: {len(text)} characters withheld>"


def withhold_long(value: Any, limit: int) -> Any:
    """``value`` with every string longer than ``limit`` replaced by :func:`too_long`."""
    if isinstance(value, str) and len(value) > limit:
        return too_long(value)
    if isinstance(value, dict):
        return {k: withhold_long(v, limit) for k, v in value.items()}
    if isinstance(value, list):
        return [withhold_long(v, limit) for v in value]
    return value


def _is_long_number(value: Any) -> bool:
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and len(str(abs(value))) >= _MIN_DIGITS
    )


def scrub(value: Any, key: Optional[str] = None, free: bool = False) -> Any:
    """``value`` with every string that could be free text replaced by ``<WITHHELD>``.

    In containers of arbitrary data, keys and long numbers are withheld too.
    """
    free = free or key in _FREE
    if not free and key in _STRUCTURAL:
        return value
    if isinstance(value, str) or (free and _is_long_number(value)):
        return WITHHELD
    if isinstance(value, dict) and free:
        scrubbed: Dict[Any, Any] = {}
        for k, v in value.items():
            scrubbed[unique_key(WITHHELD, scrubbed) if isinstance(k, str) else k] = scrub(
                v, k, True
            )
        return scrubbed
    if isinstance(value, dict):
        return {k: scrub(v, k, free) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, None, free) for v in value]
    return value


def stored_spans(parse_data: Dict[str, Any], text: str) -> Optional[List[Span]]:
    """The spans PIIDetector attached, if they fit ``text``; None: analyse the text here."""
    stored = parse_data.get(c.META_PII)
    if not isinstance(stored, list):
        return None
    try:
        spans = [Span.from_dict(s) for s in stored]
    except (KeyError, TypeError, ValueError):
        return None
    return spans if all(s.end <= len(text) for s in spans) else None


def user_spans(
    engine: PIIEngine, text: str, parse_data: Dict[str, Any], expected: Optional[str]
) -> List[Span]:
    """The spans of a user message: PIIDetector's, with what answering ``expected`` adds.

    PIIDetector notes the type it expected; the text is analysed again only when the store
    expects another (a message that bypassed NLU, a model trained before PIIDetector read the
    tracker).
    """
    found = stored_spans(parse_data, text)
    if found is None:
        return engine.analyze(text, expected)
    if expected is None or parse_data.get(c.META_PII_EXPECTED) == expected:
        return found
    return resolve_overlaps([*found, *engine.analyze(text, expected)])
