"""rasa_ethics.pii.spans."""

from __future__ import annotations

import pytest

from rasa_ethics.pii.spans import RedactionResult, Span, resolve_overlaps


class TestSpan:
    """Spans validate their offsets and round-trip through dicts."""

    def test_invalid_offsets(self):
        """An empty or negative span is an error."""
        with pytest.raises(ValueError):
            Span(3, 3, "email")
        with pytest.raises(ValueError):
            Span(-1, 3, "email")

    def test_round_trip(self):
        """to_dict(explain=True) and from_dict are inverse."""
        span = Span(1, 5, "phone", 0.8, "PhoneRecognizer", "valid number")
        assert Span.from_dict(span.to_dict(explain=True)) == span
        assert span.to_dict() == {"start": 1, "end": 5, "type": "phone"}

    def test_result_contract(self):
        """A result serialises to the CLI contract."""
        result = RedactionResult("<EMAIL>", (Span(0, 9, "email"),))
        expected = {"text": "<EMAIL>", "spans": [{"start": 0, "end": 9, "type": "email"}]}
        assert result.to_dict() == expected


class TestResolveOverlaps:
    """Overlapping detections merge into their union, named by the best member."""

    def test_disjoint_spans_are_sorted(self):
        """Non-overlapping spans come back in text order."""
        spans = [Span(10, 12, "a"), Span(0, 2, "b")]
        assert [s.start for s in resolve_overlaps(spans)] == [0, 10]

    def test_union_takes_best_type(self):
        """The higher score names the type; the extent covers both."""
        spans = [Span(0, 10, "address", 0.7, "A"), Span(5, 15, "person", 0.9, "P")]
        merged = resolve_overlaps(spans)
        assert len(merged) == 1
        assert (merged[0].start, merged[0].end, merged[0].type) == (0, 15, "person")
        assert "merged with A" in merged[0].reason

    def test_adjacent_spans_stay_apart(self):
        """Touching spans do not overlap."""
        assert len(resolve_overlaps([Span(0, 5, "a"), Span(5, 8, "b")])) == 2

    def test_chain_of_overlaps(self):
        """A chain of overlaps becomes one span."""
        merged = resolve_overlaps([Span(0, 4, "a"), Span(3, 8, "a"), Span(7, 12, "a")])
        assert [(s.start, s.end) for s in merged] == [(0, 12)]
