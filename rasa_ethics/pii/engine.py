"""The PII engine: detect once, redact with the policy's operators.

>>> engine = PIIEngine.from_policy(load_policy())
>>> engine.redact("mail me at jane@example.org").text
'mail me at <EMAIL>'

Detection runs on a normalised copy of the text (see :mod:`rasa_ethics.pii.normalize`); every span
returned indexes the ORIGINAL text.  Overlapping detections are merged so that no flagged character
survives.  Values that an allow-list entry matches, and placeholders left by an earlier redaction,
are never redacted, which makes redaction idempotent.  The engine holds no per-conversation state.

Each type's spans count from its policy ``threshold`` (default :data:`SCORE_THRESHOLD`).  A caller
that knows what the text answers (the bot asked "What's the name on the account?") passes
``expected_type="person"``: that type's threshold drops by :data:`EXPECTED_BOOST`, as a context
word would raise its scores, and its recognizers also read the whole text as a bare answer
(:meth:`~rasa_ethics.pii.recognizer.Recognizer.answer`: "hannah kowalczyk", "98 413527").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from rasa_ethics.pii.context import expected_type as expected_from_context
from rasa_ethics.pii.names import gazetteer
from rasa_ethics.pii.ner import NerRunner, needs_ner
from rasa_ethics.pii.normalize import Normalized, OffsetMap, apply_edits, normalize
from rasa_ethics.pii.operators import (
    OperatorFunc,
    build_operator,
    canonical,
    placeholder,
    read_hash_key,
)
from rasa_ethics.pii.published_values import is_test_value, says_test
from rasa_ethics.pii.recognizer import SCORE_THRESHOLD, NerEntity, Recognizer
from rasa_ethics.pii.recognizers import RECOGNIZERS, build_recognizers
from rasa_ethics.pii.spans import RedactionResult, Span, resolve_overlaps
from rasa_ethics.policy.schema import Operator, PIIConfig

__all__ = ["EXPECTED_BOOST", "PIIEngine"]

#: How much an expected type's threshold drops (the size of a context word's boost).
EXPECTED_BOOST = 0.35

_TOKEN_TYPES = "|".join(sorted((t.upper() for t in RECOGNIZERS), key=len, reverse=True))
# Tokens written by replace/hash; spans touching them are skipped, so redaction is idempotent.
_PLACEHOLDER = re.compile(rf"<(?:{_TOKEN_TYPES})(?:_[0-9a-f]{{8}})?>")
_NOT_ALNUM = re.compile(r"[^0-9a-z]")


class PIIEngine:
    """Detects and redacts personal data as the ``pii:`` section of a policy says."""

    def __init__(
        self,
        config: PIIConfig | None = None,
        *,
        recognizers: Sequence[Recognizer] | None = None,
        nlp_loader: Callable[[], object] | None = None,
        score_threshold: float = SCORE_THRESHOLD,
        batch_size: int = 64,
    ) -> None:
        """Build from a :class:`PIIConfig`; raise :class:`PIIConfigError` if it cannot apply."""
        self.config = config if config is not None else PIIConfig.parse_obj({})
        self.recognizers: list[Recognizer] = list(
            recognizers if recognizers is not None else build_recognizers(self.config)
        )
        self.score_threshold = score_threshold
        self._thresholds = {
            entity: rule.threshold
            for entity, rule in self.config.entities.items()
            if rule.threshold is not None
        }
        self._operators = self._build_operators()
        self._allowed = _allow_set(self.config.allow_list)
        self._ner_recognizers = [r for r in self.recognizers if r.USES_NER]
        self._pattern_recognizers = [r for r in self.recognizers if not r.USES_NER]
        self._ner_names = {r.name for r in self._ner_recognizers}
        self._ner: NerRunner | None = None
        if self._ner_recognizers:
            self._ner = NerRunner(nlp_loader or _default_loader, batch_size=batch_size)  # type: ignore[arg-type]

    @classmethod
    def from_policy(cls, policy: object) -> PIIEngine:
        """The engine for a loaded policy (anything with a ``pii`` attribute)."""
        return cls(getattr(policy, "pii"))  # noqa: B009 - Policy proxies sections via __getattr__

    def warm_up(self) -> None:
        """Load the spaCy model and the name gazetteer now, not on the first message."""
        gazetteer()
        if self._ner is not None:
            _ = self._ner.nlp

    def analyze(self, text: str, expected_type: str | None = None) -> list[Span]:
        """Spans of personal data in ``text``, sorted and non-overlapping.

        ``expected_type`` (a PII type such as ``"person"`` or ``"address"``): the text answers a
        question asking for that type, which makes such values easier to find.
        """
        return self.analyze_many([text], [expected_type])[0]

    def analyze_many(
        self, texts: Sequence[str], expected_types: Sequence[str | None] | None = None
    ) -> list[list[Span]]:
        """:meth:`analyze` for many texts, batching spaCy through ``nlp.pipe``.

        Patterns run first.  spaCy then runs only on texts with a capitalised, uncommon word that
        the patterns did not already cover, and only the spaCy-aware recognizers run again there.
        """
        if not self.config.enabled:
            return [[] for _ in texts]
        expected = list(expected_types) if expected_types is not None else [None] * len(texts)
        for entity in set(expected) - {None}:
            if entity not in RECOGNIZERS:
                msg = f"unknown expected_type {entity!r}; use one of {', '.join(RECOGNIZERS)}"
                raise ValueError(msg)
        normalized = [normalize(t) for t in texts]
        found = [
            self._run(self.recognizers, n.text, [], e)
            for n, e in zip(normalized, expected, strict=True)
        ]
        if self._ner is not None:
            todo = [
                i for i, spans in enumerate(found) if needs_ner(normalized[i].text, _ranges(spans))
            ]
            entities = self._ner.entities_many([normalized[i].text for i in todo])
            for i, ents in zip(todo, entities, strict=True):
                found[i] = [s for s in found[i] if s.recognizer not in self._ner_names]
                found[i] += self._run(self._ner_recognizers, normalized[i].text, ents, expected[i])
        results = [self._finish(n, spans) for n, spans in zip(normalized, found, strict=True)]
        return [self._second_look(t, spans) for t, spans in zip(texts, results, strict=True)]

    def redact(
        self, text: str, context: Mapping[str, object] | None = None
    ) -> RedactionResult:
        """Detect and redact ``text``.

        ``context``: what the conversation says about it, ``{"requested_slot": ...,
        "bot_question": ...}`` (see :mod:`rasa_ethics.pii.context`); the type they ask for is
        the ``expected_type`` of :meth:`analyze`.
        """
        return self.anonymize(text, self.analyze(text, expected_from_context(context)))

    def redact_many(self, texts: Iterable[str], batch_size: int = 256) -> list[RedactionResult]:
        """:meth:`redact` for many texts (spaCy runs batched)."""
        return list(self.iter_redact(texts, batch_size))

    def iter_redact(self, texts: Iterable[str], batch_size: int = 256) -> Iterator[RedactionResult]:
        """Stream :meth:`redact` results, ``batch_size`` texts at a time (bounded memory)."""
        batch: list[str] = []
        for text in texts:
            batch.append(text)
            if len(batch) >= batch_size:
                yield from self._redact_batch(batch)
                batch = []
        if batch:
            yield from self._redact_batch(batch)

    def anonymize(self, text: str, spans: Iterable[Span]) -> RedactionResult:
        """Apply the policy's operator to each span (e.g. spans detected earlier and stored)."""
        ordered = resolve_overlaps(s for s in spans if s.end <= len(text))
        parts: list[str] = []
        pos = 0
        for span in ordered:
            parts.append(text[pos : span.start])
            parts.append(self._operator(span.type)(span.type, text[span.start : span.end]))
            pos = span.end
        parts.append(text[pos:])
        return RedactionResult("".join(parts), tuple(ordered))

    def _redact_batch(self, batch: list[str]) -> list[RedactionResult]:
        return [self.anonymize(t, s) for t, s in zip(batch, self.analyze_many(batch), strict=False)]

    def _run(
        self,
        recognizers: Sequence[Recognizer],
        text: str,
        ents: list[NerEntity],
        expected: str | None = None,
    ) -> list[Span]:
        spans = [s for r in recognizers for s in r.analyze(text, ents)]
        if expected is not None:
            spans += [s for r in recognizers if r.ENTITY == expected for s in r.answer(text)]
        return [s for s in spans if s.score >= self._threshold(s.type, expected)]

    def _threshold(self, entity: str, expected: str | None) -> float:
        threshold = self._thresholds.get(entity, self.score_threshold)
        return threshold - EXPECTED_BOOST if entity == expected else threshold

    def _finish(self, norm: Normalized, found: list[Span]) -> list[Span]:
        protected = [(m.start(), m.end()) for m in _PLACEHOLDER.finditer(norm.text)]
        if found and says_test(norm.text):
            # A published test value in a message about a test is no one's data, nor is any
            # shorter value read inside it.
            protected += [
                (s.start, s.end) for s in found if is_test_value(s.type, norm.text[s.start : s.end])
            ]
            protected = _merged(protected)
        kept: list[Span] = []
        for span in found:
            if _touches(span, protected):
                continue
            start, end = norm.to_original(span.start, span.end)
            if not self._is_allowed(span.type, norm.original[start:end]):
                kept.append(span.shifted(start, end))
        return resolve_overlaps(kept)

    def _second_look(self, text: str, spans: list[Span]) -> list[Span]:
        """Look again with the found values replaced by placeholders.

        A value can hide its neighbour: in "+44 20 7946 0958 - 078-05-1123" the phone number's
        digits run into the SSN.  Redaction would reveal the SSN to a second pass, so the first
        must find it too, or redaction would not be idempotent.
        """
        if not spans:
            return spans
        edits = [(s.start, s.end, placeholder(s.type)) for s in spans]
        redacted = OffsetMap(edits)
        norm = normalize(apply_edits(text, edits))
        more = self._run(self._pattern_recognizers, norm.text, [])
        if not more:
            return spans
        back = [s.shifted(*redacted_range(redacted, s)) for s in self._finish(norm, more)]
        return resolve_overlaps([*spans, *back])

    def _is_allowed(self, entity: str, value: str) -> bool:
        return bool(self._allowed) and canonical(entity, value) in self._allowed

    def _operator(self, entity: str) -> OperatorFunc:
        return self._operators.get(entity) or self._operators["__default__"]

    def _build_operators(self) -> dict[str, OperatorFunc]:
        rules = dict(self.config.entities)
        needs_key = any(r.operator is Operator.hash for r in rules.values())
        key = read_hash_key(self.config.hash_key_env) if needs_key else None
        operators = {t: build_operator(r.operator, key) for t, r in rules.items()}
        operators["__default__"] = build_operator(Operator.replace, key)
        return operators


def _default_loader() -> object:
    from rasa_ethics.pii.spacy_model import load_english

    return load_english(("ner",))


def _touches(span: Span, protected: list[tuple[int, int]]) -> bool:
    """True when ``span`` overlaps one of the sorted, disjoint ``protected`` ranges."""
    i = bisect_left(protected, (span.end, -1)) - 1  # last range starting before span.end
    return i >= 0 and protected[i][1] > span.start


def redacted_range(offsets: OffsetMap, span: Span) -> tuple[int, int]:
    """Where a span of a redacted text lies in the text before redaction."""
    return offsets.start(span.start), offsets.end(span.end)


def _ranges(spans: list[Span]) -> list[tuple[int, int]]:
    """Sorted, merged ranges of ``spans``."""
    return [(s.start, s.end) for s in resolve_overlaps(spans)]


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, disjoint ranges covering ``ranges``."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _allow_set(values: Iterable[str]) -> frozenset[str]:
    forms = set()
    for value in values:
        spaced = canonical("", value)
        forms.update({spaced, _NOT_ALNUM.sub("", spaced)})
    forms.discard("")
    return frozenset(forms)
