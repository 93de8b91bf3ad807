"""What one customer message signals, judged against the policy's intents and lexicons.

Detection never relies on the host's intent classifier alone.  Three sources are combined:

* the policy's intents (``handoff.intents``, ``disclosure.bot_challenge_intents``,
  ``handoff.signals.complaint_intents``), when the text backs them up;
* the policy's phrases (``handoff.phrases``, ``disclosure.bot_challenge_phrases``): a bot whose
  classifier misses "get me a person" still hands off;
* a small grammar of requests for a person and of identity questions
  (:mod:`rasa_ethics.dialogue.grammar`), which also catches typos and phrasings nobody listed.

A handoff request comes with the kind of its evidence (``Signals.handoff_kind``, the keys of the
policy's ``handoff.when``): ``request`` (the text asks for a person), ``mention`` (the classifier
says handoff and the text names a person), ``assistant`` (the text asks for an assistant who may
be the bot) and ``intent_only`` (the classifier says handoff and the text only hints at contact).
The classifier's intent alone is no evidence: without any of these, the message is the host's.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, List, Optional, Sequence, Tuple

from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME

from rasa_ethics import constants as c
from rasa_ethics.dialogue import grammar
from rasa_ethics.dialogue.feedback import feedback
from rasa_ethics.dialogue.grammar import Strength
from rasa_ethics.dialogue.matcher import PhraseMatcher
from rasa_ethics.dialogue.privacy import asks_who_reads, privacy_request
from rasa_ethics.dialogue.status import status_question
from rasa_ethics.dialogue.tokens import NAME_PLACEHOLDER
from rasa_ethics.policy.loader import LoadedPolicy
from rasa_ethics.policy.schema import PolicyDocument

__all__ = ["ASSISTANT", "INTENT_ONLY", "MENTION", "REQUEST", "Detectors", "Message", "Signals"]

#: A named access request, filed as an export (the privacy grammar's ``access_request``).
_ACCESS_REQUEST = re.compile(r"\b(data )?(subject )?access requests?\b|\bd?sars?\b")
# Kinds of handoff evidence: the keys of the policy's `handoff.when`.
REQUEST, MENTION, ASSISTANT, INTENT_ONLY = "request", "mention", "assistant", "intent_only"


@dataclass(frozen=True)
class Message:
    """The parts of a ``UserUttered`` event the detectors look at.

    ``intent``/``confidence`` are what NLU finally said (after EthicsIntentGuard);
    ``classifier_intent``/``classifier_confidence`` are the classifier's own prediction, which
    the ethics triggers judge.  ``names`` are the offsets of person names the PII detector found.
    """

    text: str
    intent: Optional[str] = None
    confidence: float = 0.0
    ranking: Sequence[Tuple[str, float]] = ()
    classifier_intent: Optional[str] = None
    classifier_confidence: float = 0.0
    names: Tuple[Tuple[int, int], ...] = ()

    @classmethod
    def from_parse_data(cls, text: Optional[str], parse_data: Dict[str, Any]) -> Message:
        """Build from a ``UserUttered``'s text and parse data."""
        intent = parse_data.get("intent") or {}
        original = parse_data.get(c.META_CLASSIFIER) or intent
        ranking = tuple(
            (str(item.get("name")), float(item.get("confidence") or 0.0))
            for item in parse_data.get("intent_ranking") or []
        )
        return cls(
            text=text or "",
            intent=intent.get("name"),
            confidence=float(intent.get("confidence") or 0.0),
            ranking=ranking,
            classifier_intent=original.get("name"),
            classifier_confidence=float(original.get("confidence") or 0.0),
            names=_person_spans(parse_data.get(c.META_PII)),
        )


def _person_spans(spans: Any) -> Tuple[Tuple[int, int], ...]:
    if not isinstance(spans, list):
        return ()
    found = []
    for span in spans:
        if isinstance(span, dict) and span.get("type") == "person":
            start, end = span.get("start"), span.get("end")
            if isinstance(start, int) and isinstance(end, int) and 0 <= start < end:
                found.append((start, end))
    return tuple(sorted(found))


@dataclass(frozen=True)
class Signals:
    """Everything one message triggers; each trigger says what matched (for logs and audit)."""

    handoff_request: Optional[str] = None
    handoff_kind: Optional[str] = None  # REQUEST, MENTION, ASSISTANT or INTENT_ONLY
    bot_challenge: Optional[str] = None
    topics: Tuple[str, ...] = ()
    complaint: Optional[str] = None
    frustration: Optional[str] = None
    misunderstanding: Optional[str] = None  # "that's not what I asked" (counts when repeated)
    low_confidence: bool = False
    privacy: Optional[str] = None  # a privacy request: privacy.ERASE, NOTICE, EXPORT, OPT_OUT
    privacy_evidence: Optional[str] = None  # what matched ("grammar:erase_my_data")
    status: Optional[str] = None  # "what is the status of HR-...?" (the evidence, not the number)
    feedback: Optional[str] = None  # "that's wrong": correctness, helpfulness or relevance

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
        self._misunderstanding = PhraseMatcher(signals.misunderstanding_phrases)
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
        # "are these chats reviewed by real people": a notice, neither a person asked for nor
        # a question about the bot (a privacy request only where the policy answers them)
        reading = self.document.privacy.chat.enabled and not message.text.lstrip().startswith("/")
        parts = [p for p in grammar.clauses(message.text) if not (reading and asks_who_reads(p[0]))]
        asking = [p for p in parts if not grammar.is_identity_question(p[1])]
        identity = len(asking) < len(parts)
        intent = self._confident_intent(message)
        enabled = self.document.handoff.enabled
        payload = message.text.lstrip().startswith("/")
        handoff, kind = self._handoff_evidence(message, asking, intent) if enabled else (None, None)
        complaint = None
        if enabled and (payload or any(grammar.complaint_cue(t) for _, t in parts)):
            complaint = _by_intent(intent, self.complaint_intents)
        text = " ".join(n for n, _ in parts)
        privacy = self._privacy(message, intent)
        # The intent counts with the shape of the question ("are you a humen"), never alone:
        # DIET puts "is this product vegan" and "do you sell robot toys" into it.
        shaped = payload or any(grammar.is_identity_form(t) for _, t in parts)
        return Signals(
            handoff_request=handoff,
            handoff_kind=kind,
            bot_challenge=_by_phrase(self._challenge, text)
            or ("grammar:identity_question" if identity else None)
            or (_by_intent(intent, self.challenge_intents) if shaped else None),
            topics=self._topics_of(text, privacy) if enabled else (),
            complaint=complaint,
            frustration=_by_phrase(self._frustration, text) if enabled else None,
            misunderstanding=_by_phrase(self._misunderstanding, text) if enabled else None,
            low_confidence=self.is_low_confidence(message),
            status=status_question(message.text),
            feedback=feedback(message.text) if enabled and self.document.redress.feedback else None,
            **privacy,
        )

    def _topics_of(self, text: str, privacy: Dict[str, Optional[str]]) -> Tuple[str, ...]:
        """The sensitive topics of ``text``; a named access request ("I'm making a subject
        access request") is filed as an export, not a legal topic for a person, unless the
        rest of the message is one ("I'll sue you, and this is a subject access request")."""
        if privacy.get("privacy_evidence") == "grammar:access_request":
            text = _ACCESS_REQUEST.sub(" ", text)
        return tuple(n for n, m in self._topics if m.first_match(text))

    def _privacy(self, message: Message, intent: Optional[str]) -> Dict[str, Optional[str]]:
        """The customer's own privacy request, if the policy answers them in the chat."""
        if not self.document.privacy.chat.enabled or message.text.lstrip().startswith("/"):
            return {}
        found = privacy_request(message.text, intent)
        if found is None:
            return {}
        return {"privacy": found[0], "privacy_evidence": found[1]}

    def _handoff_evidence(
        self, message: Message, asking: List[grammar.Clause], intent: Optional[str]
    ) -> Tuple[Optional[str], Optional[str]]:
        """The handoff trigger and the kind of its evidence, or (None, None)."""
        by_intent = _by_intent(intent, self.handoff_intents)
        if by_intent and message.text.lstrip().startswith("/"):
            return by_intent, REQUEST
        phrase = _first_phrase(self._handoff, asking)
        if phrase:
            return phrase, REQUEST
        named = _named(message)
        tokens = [t for _, t in asking] if named is None else _asking_tokens(named)
        levels = {grammar.request_strength(t) for t in tokens}
        if Strength.REQUEST in levels:
            return "grammar:request", REQUEST
        if by_intent and Strength.MENTION in levels:
            return by_intent, MENTION
        if Strength.MAYBE_BOT in levels:
            return "grammar:assistant", ASSISTANT
        if by_intent and Strength.HINT in levels:
            return by_intent, INTENT_ONLY
        return None, None

    def is_low_confidence(self, message: Message) -> bool:
        """True when NLU did not understand the message (fallback intent or low confidence)."""
        if message.text.startswith("/"):
            return False  # a button payload or an intent typed by hand: understood by definition
        return message.intent in (None, DEFAULT_NLU_FALLBACK_INTENT_NAME) or (
            message.confidence < self.threshold
        )

    def _confident_intent(self, message: Message) -> Optional[str]:
        """The classifier's intent if it is confident about it (a fallback is not)."""
        intent, confidence = message.intent, message.confidence
        if message.classifier_intent is not None:
            intent, confidence = message.classifier_intent, message.classifier_confidence
        if intent == DEFAULT_NLU_FALLBACK_INTENT_NAME:
            return None
        return intent if confidence >= self.threshold else None


def _named(message: Message) -> Optional[str]:
    """The text with each name the PII detector found written as one placeholder, if any."""
    if not message.names:
        return None
    text = message.text
    for start, end in reversed(message.names):
        text = f"{text[:start]} {NAME_PLACEHOLDER} {text[end:]}"
    return text


def _asking_tokens(text: str) -> List[Tuple[str, ...]]:
    return [t for _, t in grammar.clauses(text) if not grammar.is_identity_question(t)]


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
