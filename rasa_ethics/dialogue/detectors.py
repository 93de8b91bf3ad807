"""What one customer message signals, judged against the policy's intents and lexicons.

Detection never relies on the host's intent classifier alone.  Three sources are combined:

* the policy's intents (``handoff.intents``, ``disclosure.bot_challenge_intents``,
  ``handoff.signals.complaint_intents``), when the text backs them up;
* the policy's phrases (``handoff.phrases``, ``disclosure.bot_challenge_phrases``): a bot whose
  classifier misses "get me a person" still hands off;
* a small grammar of requests for a person and of identity questions
  (:mod:`rasa_ethics.dialogue.grammar`), which also catches typos and phrasings nobody listed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, List, Optional, Sequence, Tuple

from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME

from rasa_ethics.dialogue import grammar
from rasa_ethics.dialogue.grammar import Strength
from rasa_ethics.dialogue.matcher import PhraseMatcher
from rasa_ethics.policy.loader import LoadedPolicy
from rasa_ethics.policy.schema import PolicyDocument

__all__ = ["Detectors", "Message", "Signals"]


@dataclass(frozen=True)
class Message:
    """The parts of a ``UserUttered`` event the detectors look at."""

    text: str
    intent: Optional[str] = None
    confidence: float = 0.0
    ranking: Sequence[Tuple[str, float]] = ()

    @classmethod
    def from_parse_data(cls, text: Optional[str], parse_data: Dict[str, Any]) -> Message:
        """Build from a ``UserUttered``'s text and parse data."""
        intent = parse_data.get("intent") or {}
        ranking = tuple(
            (str(item.get("name")), float(item.get("confidence") or 0.0))
            for item in parse_data.get("intent_ranking") or []
        )
        return cls(
            text=text or "",
            intent=intent.get("name"),
            confidence=float(intent.get("confidence") or 0.0),
            ranking=ranking,
        )


@dataclass(frozen=True)
class Signals:
    """Everything one message triggers; each trigger says what matched (for logs and audit)."""

    handoff_request: Optional[str] = None
    bot_challenge: Optional[str] = None
    topics: Tuple[str, ...] = ()
    complaint: Optional[str] = None
    frustration: Optional[str] = None
    low_confidence: bool = False

    @property
    def any_handoff(self) -> bool:
        """True when the message alone asks for a handoff (fallback counting aside)."""
        return bool(self.handoff_request or self.topics or self.complaint or self.frustration)


class Detectors:
    """The policy's triggers, compiled once per policy version (see :meth:`for_policy`)."""

    def __init__(self, document: PolicyDocument) -> None:
        """Compile the intents and lexicons of ``document``."""
        self.document = document
        handoff, signals = self.document.handoff, self.document.handoff.signals
        self.handoff_intents = frozenset(handoff.intents) if handoff.enabled else frozenset()
        self.challenge_intents = frozenset(self.document.disclosure.bot_challenge_intents)
        self.complaint_intents = frozenset(signals.complaint_intents)
        self.threshold = signals.low_confidence_threshold
        self._handoff = PhraseMatcher(handoff.phrases if handoff.enabled else ())
        self._challenge = PhraseMatcher(self.document.disclosure.bot_challenge_phrases)
        self._frustration = PhraseMatcher(signals.frustration_phrases)
        self._topics: List[Tuple[str, PhraseMatcher]] = [
            (name, PhraseMatcher(topic.phrases)) for name, topic in signals.sensitive_topics.items()
        ]
        # Every prediction step of a turn inspects the same message: judge it once.
        self.inspect = lru_cache(maxsize=1024)(self._inspect)  # type: ignore[method-assign]

    @classmethod
    def for_policy(cls, policy: LoadedPolicy) -> Detectors:
        """Detectors for ``policy``, reused while its version hash stays the same."""
        return _CACHE.get(policy)

    def inspect(self, message: Message) -> Signals:
        """Judge one message (cached per message)."""
        return self._inspect(message)

    def _inspect(self, message: Message) -> Signals:
        """Judge one message.

        Intent predictions count only with evidence in the text: the classifier alone gives
        confidence 1.0 to "my estate agent needs a copy" (see :mod:`rasa_ethics.dialogue.grammar`).
        A button payload ("/ethics_human_handoff") is evidence by itself.
        """
        parts = grammar.clauses(message.text)
        asking = [p for p in parts if not grammar.is_identity_question(p[1])]
        identity = len(asking) < len(parts)
        intent = self._confident_intent(message)
        payload = message.text.lstrip().startswith("/")
        strength = max((grammar.request_strength(t) for _, t in asking), default=Strength.NONE)
        enabled = self.document.handoff.enabled
        handoff = None
        if enabled:
            if payload or strength >= Strength.MENTION:
                handoff = _by_intent(intent, self.handoff_intents)
            handoff = handoff or _first_phrase(self._handoff, asking)
            if not handoff and strength == Strength.REQUEST:
                handoff = "grammar:request"
        complaint = None
        if enabled and (payload or any(grammar.complaint_cue(t) for _, t in parts)):
            complaint = _by_intent(intent, self.complaint_intents)
        text = " ".join(n for n, _ in parts)
        return Signals(
            handoff_request=handoff,
            bot_challenge=_by_intent(intent, self.challenge_intents)
            or _by_phrase(self._challenge, text)
            or ("grammar:identity_question" if identity else None),
            topics=tuple(n for n, m in self._topics if m.first_match(text)) if enabled else (),
            complaint=complaint,
            frustration=_by_phrase(self._frustration, text) if enabled else None,
            low_confidence=self.is_low_confidence(message),
        )

    def is_low_confidence(self, message: Message) -> bool:
        """True when NLU did not understand the message (fallback intent or low confidence)."""
        if message.text.startswith("/"):
            return False  # a button payload or an intent typed by hand: understood by definition
        return message.intent in (None, DEFAULT_NLU_FALLBACK_INTENT_NAME) or (
            message.confidence < self.threshold
        )

    def _confident_intent(self, message: Message) -> Optional[str]:
        """The intent if NLU is confident about it (a fallback is not)."""
        if message.intent == DEFAULT_NLU_FALLBACK_INTENT_NAME:
            return None
        return message.intent if message.confidence >= self.threshold else None


def _by_intent(intent: Optional[str], intents: frozenset) -> Optional[str]:
    return f"intent:{intent}" if intent and intent in intents else None


def _first_phrase(matcher: PhraseMatcher, parts: Sequence[grammar.Clause]) -> Optional[str]:
    for normalised, _ in parts:
        found = _by_phrase(matcher, normalised)
        if found:
            return found
    return None


def _by_phrase(matcher: PhraseMatcher, normalised_text: str) -> Optional[str]:
    phrase = matcher.first_match(normalised_text)
    return f"phrase:{phrase}" if phrase else None


class _DetectorCache:
    """A tiny LRU of compiled detectors keyed by policy version hash."""

    def __init__(self, size: int = 8) -> None:
        self._size = size
        self._items: "OrderedDict[str, Detectors]" = OrderedDict()
        self._lock = threading.Lock()

    def get(self, policy: LoadedPolicy) -> Detectors:
        with self._lock:
            found = self._items.get(policy.version_hash)
            if found is not None:
                self._items.move_to_end(policy.version_hash)
                return found
        detectors = Detectors(policy.document)
        with self._lock:
            self._items[policy.version_hash] = detectors
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return detectors


_CACHE = _DetectorCache()
