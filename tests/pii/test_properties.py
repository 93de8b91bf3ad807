"""Redaction invariants, checked with hypothesis on generated messages."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

VALUES = [
    "jane.doe@example.com", "john at example dot com", "+44 20 7946 0958", "(202) 555-0143",
    "4111 1111 1111 1111", "GB82 WEST 1234 5698 7654 32", "078-05-1123", "AB 12 34 56 C",
    "192.168.10.7", "2001:db8::1", "born 12/03/1990", "passport 123456789",
    "42 Baker Street, London NW1 6XE", "my name is Maria Lopez", "ｊｏｈｎ＠ｘ．ｉｏ",
    "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
]
FILLER = [
    "hi", "please", "the", "order", "12", "refund", "and", "call", "me", ",", ".", "!", "2024",
]
WORDS = st.sampled_from(VALUES) | st.sampled_from(FILLER) | st.text(alphabet="ab1 .-@", max_size=6)
MESSAGES = st.lists(WORDS, max_size=12).map(" ".join)
DIRECT = {"email", "phone", "credit_card", "iban", "us_ssn", "uk_nino", "ip_address"}
SETTINGS = settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


class TestRedactionProperties:
    """What must hold for every message."""

    @SETTINGS
    @given(MESSAGES)
    def test_offsets_are_valid(self, engine, text):
        """Spans lie inside the text, sorted and disjoint."""
        spans = engine.analyze(text)
        ends = [0] + [s.end for s in spans]
        for span, previous_end in zip(spans, ends, strict=False):
            assert previous_end <= span.start < span.end <= len(text)

    @SETTINGS
    @given(MESSAGES)
    def test_redaction_is_idempotent(self, engine, text):
        """Redacting a redacted text changes nothing."""
        once = engine.redact(text).text
        assert engine.redact(once).text == once

    @SETTINGS
    @given(MESSAGES)
    def test_no_detected_value_survives(self, engine, text):
        """A detected direct identifier (not repeated elsewhere) is gone; the rest is untouched."""
        result = engine.redact(text)
        for span in result.spans:
            value = text[span.start : span.end]
            detected = sum(text[s.start : s.end] == value for s in result.spans)
            if span.type in DIRECT and text.count(value) == detected:
                assert value not in result.text
        kept = [text[a.end : b.start] for a, b in zip(result.spans, result.spans[1:], strict=False)]
        assert all(piece in result.text for piece in kept)
