"""Person names: a name gazetteer, spaCy PERSON entities and phrases such as "my name is X".

The gazetteer (:mod:`rasa_ethics.pii.names`) finds names with no cue phrase and in lower case;
spaCy's small English model alone labels some full names ORG or GPE and misses others.  Every
class here covers the letters of all European scripts, so "Jakub Wróbel" is one name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import ClassVar

from rasa_ethics.pii._letters import LOWER, UPPER
from rasa_ethics.pii._lexicon import is_common
from rasa_ethics.pii.names import PARTICLES, NameMatch, find_names, gazetteer
from rasa_ethics.pii.recognizer import NerEntity, Pattern, PatternRecognizer
from rasa_ethics.pii.spans import Span

__all__ = ["PersonRecognizer"]

_UP, _LO = f"[{UPPER}]", f"[{LOWER}]"
_CAP = rf"(?:{_UP}{_LO}{{0,3}}['’]?{_UP}?{_LO}{{1,20}}(?:-{_UP}{_LO}{{1,20}})?)"
_INITIAL = rf"(?:{_UP}\.?(?![{UPPER}{LOWER}]))"
_NAME = rf"{_CAP}(?:[ ](?:{_CAP}|{_INITIAL})){{0,2}}"
_LOWER = rf"{_LO}[{LOWER}'-]{{1,24}}(?:[ ]{_LO}[{LOWER}'-]{{1,24}})?"
_TITLE = r"(?:mr|mrs|ms|miss|mx|dr|prof|sir|dame)\.?"
_STRONG = r"(?:my name is|my name's|my full name is|name is|name:|call me|i go by|account holder:?)"
_WEAK = r"(?:this is|i'm|i am|im|it's|speaking with|talk(?:ing)? to|regards,?|thanks,?|cheers,?)"
_NER_REASON = "spaCy PERSON entity"
# Every pattern starts with one of these; a text with none skips the patterns (not the gazetteer).
_CUES = re.compile(rf"(?i:{_TITLE}|name|call me|go by|holder|this is|i'm|i am|im|it's|speaking|"
                   r"talk|regards|thanks|cheers)")
_ANSWER_FILLER = re.compile(
    r"(?i:\s*(?:(?:it's|it is|its|this is|i'm|i am|im|my name is|my name's|my full name is|"
    r"name is|name|the name is|the name's|under|it's under|for|sure|yes|yeah|yep|ok|okay|hi|"
    r"hello|hey|of course|it should be|should be)[,.!:;-]?\s+)*)"
)
_ANSWER_TAIL = re.compile(r"(?i:[\s,.!;:]*(?:(?:thanks|thank you|thx|please|pls|again)[\s.!]*)*$)")
_ANSWER_WORD = re.compile(rf"[{UPPER}{LOWER}][{UPPER}{LOWER}'’-]*\.?")
_TOKEN = re.compile(rf"[{UPPER}{LOWER}][{UPPER}{LOWER}'’.-]*")
# "Jane Doe MD", "John Smith Jr." are one name; "Smith LLC" is a company, not a person.
_SUFFIX = re.compile(r",?[ ](?:(?:jr|sr|esq)\b\.?|(?:ii|iii|iv|md|phd|dds|dvm)\b)", re.IGNORECASE)
_COMPANY = re.compile(
    r",?[ ](?:llc|inc|ltd|plc|corp|co|group|gmbh|& sons|and sons)\b", re.IGNORECASE
)


class PersonRecognizer(PatternRecognizer):
    """Names from spaCy's ``PERSON`` entities and from introduction phrases."""

    ENTITY = "person"
    USES_NER = True
    FLAGS = 0
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("title_name", rf"(?<!\w)(?i:{_TITLE})[ ]{{1,2}}{_NAME}", 0.85),
        Pattern(
            "introduced",
            rf"(?<!\w)(?i:{_STRONG}|{_WEAK})[ ]{{1,2}}(?P<value>{_NAME})(?![\w@/])",
            0.8,
        ),
        Pattern(
            "introduced_lower",
            rf"(?<!\w)(?i:{_STRONG})[ ]{{1,2}}(?P<value>{_LOWER})(?![\w@/])",
            0.7,
        ),
    )
    NER_SCORE: ClassVar[float] = 0.75
    ORDINARY_NER_SCORE: ClassVar[float] = 0.45
    ANSWER_SCORE: ClassVar[float] = 0.8
    MAX_TOKENS: ClassVar[int] = 4

    def analyze(self, text: str, entities: Sequence[NerEntity] = ()) -> list[Span]:
        """Introduction phrases, gazetteer names and spaCy PERSON entities that look like names."""
        found = self.scan(text, self._patterns) if _CUES.search(text) else []
        found += [
            Span(e.start, e.end, self.ENTITY, self.NER_SCORE, self.name, _NER_REASON)
            for e in entities
            if e.label == "PERSON" and not _has_digit(text, e)
        ]
        spans = [self._tidy(text, span) for span in found]
        spans += [self._gazetteer_span(text, m) for m in find_names(text)]
        return [s for s in spans if s is not None]

    def answer(self, text: str) -> list[Span]:
        """The whole reply, less filler, when it is one to four words and none an ordinary one.

        After "What's the name on the account?", "hannah kowalczyk" or "it's Ngozi Okafor."
        is a name whether or not the gazetteer knows it.
        """
        filler = _ANSWER_FILLER.match(text)
        start = filler.end() if filler else 0
        tail = _ANSWER_TAIL.search(text, start)
        end = tail.start() if tail else len(text)
        words = list(_ANSWER_WORD.finditer(text, start, end))
        if not 1 <= len(words) <= self.MAX_TOKENS or words[0].start() != start:
            return []
        if words[-1].end() != end or any(text[a.end() : b.start()] not in (" ", ". ", "-")
                                          for a, b in zip(words, words[1:], strict=False)):
            return []
        if any(is_common(w.group()) and w.group().lower() not in PARTICLES for w in words):
            return []
        reason = "the whole answer to a question asking for a name"
        return [Span(start, end, self.ENTITY, self.ANSWER_SCORE, self.name, reason)]

    def _gazetteer_span(self, text: str, match: NameMatch) -> Span | None:
        if _COMPANY.match(text, match.end):
            return None
        suffix = _SUFFIX.match(text, match.end)
        end = suffix.end() if suffix else match.end
        reason = f"gazetteer: {match.reason}"
        return Span(match.start, end, self.ENTITY, match.score, self.name, reason)

    def _tidy(self, text: str, span: Span) -> Span | None:
        """Trim common words at both ends, add a name suffix, reject companies and non-names."""
        tokens = list(_TOKEN.finditer(text, span.start, span.end))
        if text.endswith("'s", span.start, span.end) and tokens:
            tokens[-1] = _TOKEN.match(text, tokens[-1].start(), span.end - 2) or tokens[-1]
        while tokens and is_common(tokens[-1].group()):
            tokens.pop()
        while tokens and is_common(tokens[0].group()):
            tokens.pop(0)
        from_ner = span.reason == _NER_REASON
        names = [t for t in tokens if t.group()[:1].isupper() or not from_ner]
        if not names or len(tokens) > self.MAX_TOKENS or all(len(t.group()) < 2 for t in tokens):
            return None
        end = tokens[-1].end()
        if _COMPANY.match(text, end):
            return None
        suffix = _SUFFIX.match(text, end)
        start = tokens[0].start() if from_ner else span.start
        span = span.shifted(start, suffix.end() if suffix else end)
        if from_ner and all(_ordinary(t.group()) for t in names):
            # spaCy calls "Rose Gold" a person; ordinary words need more than its guess.
            span = replace(span, score=self.ORDINARY_NER_SCORE, reason=_NER_REASON + " of words")
        return span


def _ordinary(word: str) -> bool:
    """A common English word or place, not an unambiguous name (per the gazetteer)."""
    flags = gazetteer().get(word.lower().strip(".'’"))
    return flags is None and is_common(word) or flags is not None and (
        "w" in flags or "p" in flags or not ("f" in flags or "l" in flags)
    )


def _has_digit(text: str, entity: NerEntity) -> bool:
    return any(c.isdigit() or c == "@" for c in text[entity.start : entity.end])
