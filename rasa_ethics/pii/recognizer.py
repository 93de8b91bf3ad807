"""Base classes for recognizers, in the style of Presidio's ``PatternRecognizer``.

A recognizer finds one type of personal data in the *normalised* text.  Pattern recognizers carry
their regexes and context words as class constants, so each file reads as a small table:

- ``PATTERNS``: :class:`Pattern` (name, regex, base score).  A regex may name a ``value`` group
  when it must look at surrounding text.
- ``CONTEXT``: words or phrases that, found near a match, raise its score by ``CONTEXT_BOOST``.
- :meth:`PatternRecognizer.validate_result`: a checksum turns a match into a certainty (``True``) or
  rejects it (``False``); ``None`` keeps the pattern's score.
- :meth:`PatternRecognizer.invalidate_result`: prunes matches that cannot be real.

The engine keeps spans scoring at least :data:`SCORE_THRESHOLD`, so a pattern scored below it only
counts with context.  Every regex here is linear: bounded quantifiers, no nested unbounded repeats.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from re import Pattern as RegexPattern
from typing import ClassVar, NamedTuple

from rasa_ethics.pii.spans import Span
from rasa_ethics.pii.typos import WORD, typo_variants

__all__ = [
    "ANSWER_CUES",
    "SCORE_THRESHOLD",
    "NerEntity",
    "Pattern",
    "PatternRecognizer",
    "Recognizer",
    "context_regex",
]

SCORE_THRESHOLD = 0.5


class NerEntity(NamedTuple):
    """An entity found by spaCy, with offsets into the normalised text."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Pattern:
    """A named regex with the score a bare match earns."""

    name: str
    regex: str
    score: float


def context_regex(words: Sequence[str]) -> RegexPattern[str] | None:
    """One case-insensitive regex matching any of ``words`` as whole words (spaces: any gap)."""
    if not words:
        return None
    escaped = (re.escape(w).replace(r"\ ", r"[\s_-]{0,2}") for w in words)
    parts = sorted(escaped, key=len, reverse=True)
    # "<" and ">" keep the placeholder <PHONE> from counting as the context word "phone".
    return re.compile(rf"(?<![a-z0-9<_])(?:{'|'.join(parts)})(?![a-z0-9>_])", re.IGNORECASE)


class Recognizer(ABC):
    """Finds one type of personal data in normalised text."""

    ENTITY: ClassVar[str]
    USES_NER: ClassVar[bool] = False

    @property
    def name(self) -> str:
        """The class name, reported in ``--explain`` output."""
        return type(self).__name__

    @abstractmethod
    def analyze(self, text: str, entities: Sequence[NerEntity] = ()) -> list[Span]:
        """Spans (offsets into ``text``) that may hold this recognizer's type."""

    def answer(self, text: str) -> list[Span]:
        """Read ``text`` as if the question's cue phrase came right before it.

        "98 413527" after "What number can we reach you on?" is read as "phone number: 98
        413527", so context-only values count; spans are mapped back into ``text``.
        """
        cue = ANSWER_CUES.get(self.ENTITY)
        if cue is None:
            return []
        shift = len(cue)
        spans = self.analyze(cue + text)
        return [
            s.shifted(s.start - shift, s.end - shift) for s in spans if s.start >= shift
        ]


#: A cue phrase that stands in for the bot's question when a text is read as an answer.
ANSWER_CUES: dict[str, str] = {
    "email": "email: ",
    "phone": "phone number: ",
    "credit_card": "card number: ",
    "iban": "iban: ",
    "us_ssn": "ssn: ",
    "uk_nino": "national insurance number: ",
    "ip_address": "ip address: ",
    "date_of_birth": "date of birth: ",
    "passport": "passport number: ",
    "drivers_license": "driving licence number: ",
    "address": "address: ",
    "national_id": "national id: ",
    "bank_account": "bank account: ",
}


class PatternRecognizer(Recognizer):
    """A recognizer driven by ``PATTERNS`` and ``CONTEXT`` class constants."""

    PATTERNS: ClassVar[tuple[Pattern, ...]] = ()
    CONTEXT: ClassVar[tuple[str, ...]] = ()
    CONTEXT_BOOST: ClassVar[float] = 0.35
    CONTEXT_BEFORE: ClassVar[int] = 48
    CONTEXT_AFTER: ClassVar[int] = 24
    FLAGS: ClassVar[int] = re.IGNORECASE
    # A cheap regex that must match before the patterns run (e.g. "@" for e-mail, r"\d" for
    # numbers); most messages then skip most recognizers.  None: always run.
    PRECHECK: ClassVar[str | None] = None
    # True when every pattern scores below the threshold without context: a text with no
    # context word anywhere is skipped at once.
    CONTEXT_REQUIRED: ClassVar[bool] = False

    _compiled: ClassVar[dict[type, tuple[tuple[Pattern, RegexPattern[str]], ...]]] = {}
    _context: ClassVar[dict[type, RegexPattern[str] | None]] = {}
    _prechecks: ClassVar[dict[type, RegexPattern[str] | None]] = {}
    _typos: ClassVar[dict[type, frozenset[str]]] = {}

    def __init__(self) -> None:
        cls = type(self)
        if cls not in PatternRecognizer._compiled:
            compiled = tuple((p, re.compile(p.regex, cls.FLAGS)) for p in cls.PATTERNS)
            PatternRecognizer._compiled[cls] = compiled
            PatternRecognizer._context[cls] = context_regex(cls.CONTEXT)
            PatternRecognizer._prechecks[cls] = re.compile(cls.PRECHECK) if cls.PRECHECK else None
            PatternRecognizer._typos[cls] = typo_variants(cls.CONTEXT)
        self._patterns = PatternRecognizer._compiled[cls]
        self._typo_words = PatternRecognizer._typos[cls]
        self._context_re = PatternRecognizer._context[cls]
        self._precheck = PatternRecognizer._prechecks[cls]

    def analyze(self, text: str, entities: Sequence[NerEntity] = ()) -> list[Span]:
        """Run every pattern, then the validation, invalidation and context steps."""
        if not self.may_match(text):
            return []
        return self.scan(text, self._patterns)

    def scan(
        self, text: str, patterns: Sequence[tuple[Pattern, RegexPattern[str]]]
    ) -> list[Span]:
        """Run some of the compiled ``(pattern, regex)`` pairs over ``text``."""
        spans: list[Span] = []
        for pattern, regex in patterns:
            group = "value" if "value" in regex.groupindex else 0
            pos = 0
            while (match := regex.search(text, pos)) is not None:
                last = match.start()
                for start, end in self.candidates(text, match.start(group), match.end(group)):
                    span = self.score(text, start, end, pattern)
                    if span is not None:
                        spans.append(span)
                        last = max(last, end)
                # A greedy match may run into the next value ("IBAN IBAN"): when only a prefix
                # was accepted, scan again right after it.
                pos = last if match.start() < last < match.end() else match.end()
        return spans

    def may_match(self, text: str) -> bool:
        """False when ``PRECHECK`` or a required context word rules the whole text out."""
        if self._precheck is not None and self._precheck.search(text) is None:
            return False
        if self.CONTEXT_REQUIRED and self._context_re is not None:
            found = self._context_re.search(text) is not None
            return found or self._typo_in(text, 0, len(text)) is not None
        return True

    def candidates(self, text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
        """Ranges to evaluate for one regex match (override to trim or split a match)."""
        yield start, end

    def score(self, text: str, start: int, end: int, pattern: Pattern) -> Span | None:
        """Score one candidate, or None when it is rejected."""
        value = text[start:end]
        if self.invalidate_result(value):
            return None
        valid = self.validate_result(value)
        if valid is False:
            return None
        score = 1.0 if valid else pattern.score
        reason = f"pattern {pattern.name}" + ("; validated" if valid else "")
        word = self.context_word(text, start, end)
        if word is not None:
            score = min(1.0, score + self.CONTEXT_BOOST)
            reason += f"; context '{word}'"
        return Span(start, end, self.ENTITY, score, self.name, reason)

    def context_word(self, text: str, start: int, end: int) -> str | None:
        """The first context word near ``text[start:end]``, lower-cased, or None."""
        if self._context_re is None:
            return None
        lo, hi = max(0, start - self.CONTEXT_BEFORE), end + self.CONTEXT_AFTER
        before = self._context_re.search(text, lo, start)
        if before is None:
            before = self._context_re.search(text, end, hi)
        if before is not None:
            return before.group().lower()
        return self._typo_in(text, lo, start) or self._typo_in(text, end, hi)

    def _typo_in(self, text: str, start: int, end: int) -> str | None:
        """A mistyped context word ("phnoe") in ``text[start:end]``, lower-cased, or None."""
        if self._typo_words:
            for word in WORD.findall(text, start, end):
                if word.lower() in self._typo_words:
                    return word.lower()
        return None

    def validate_result(self, value: str) -> bool | None:
        """True: a checksum proves the value; False: reject it; None: keep the pattern score."""
        return None

    def invalidate_result(self, value: str) -> bool:
        """True when the value cannot be real (e.g. an SSN with area 000)."""
        return False
