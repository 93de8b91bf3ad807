"""What detection returns: spans into the original text, and how overlapping spans are resolved."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = ["RedactionResult", "Span", "resolve_overlaps"]


@dataclass(frozen=True, order=True)
class Span:
    """One detected value: ``text[start:end]`` of the ORIGINAL text is personal data of ``type``.

    ``recognizer`` and ``reason`` explain the detection; neither ever holds the value itself.
    """

    start: int
    end: int
    type: str
    score: float = field(default=1.0, compare=False)
    recognizer: str = field(default="", compare=False)
    reason: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            msg = f"invalid span offsets {self.start}..{self.end}"
            raise ValueError(msg)

    def overlaps(self, other: Span) -> bool:
        """True when the two spans share at least one character."""
        return self.start < other.end and other.start < self.end

    def shifted(self, start: int, end: int) -> Span:
        """The same detection at other offsets."""
        return replace(self, start=start, end=end)

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        """JSON-ready form: ``start``, ``end``, ``type`` (plus score, recognizer, reason)."""
        data: dict[str, Any] = {"start": self.start, "end": self.end, "type": self.type}
        if explain:
            data.update(score=round(self.score, 3), recognizer=self.recognizer, reason=self.reason)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Span:
        """Rebuild a span stored with :meth:`to_dict` (e.g. in message metadata)."""
        return cls(
            start=int(data["start"]),
            end=int(data["end"]),
            type=str(data["type"]),
            score=float(data.get("score", 1.0)),
            recognizer=str(data.get("recognizer", "")),
            reason=str(data.get("reason", "")),
        )


@dataclass(frozen=True)
class RedactionResult:
    """Redacted text plus the spans (offsets into the ORIGINAL text) that were redacted."""

    text: str
    spans: tuple[Span, ...]

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        """The ``rasa-ethics redact`` JSON contract: ``{"text": ..., "spans": [...]}``."""
        return {"text": self.text, "spans": [s.to_dict(explain) for s in self.spans]}


def _rank(span: Span) -> tuple[float, int]:
    return (span.score, span.end - span.start)


def resolve_overlaps(spans: Iterable[Span]) -> list[Span]:
    """Merge overlapping spans into one span covering their union, sorted by start.

    A redactor must hide every character that any recognizer flagged, so overlapping detections
    are unioned rather than dropped.  The best-ranked member (score, then length) names the type.
    """
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    merged: list[Span] = []
    cluster: list[Span] = []
    end = -1
    for span in ordered:
        if cluster and span.start >= end:
            merged.append(_merge(cluster))
            cluster = []
        cluster.append(span)
        end = max(end, span.end) if len(cluster) > 1 else span.end
    if cluster:
        merged.append(_merge(cluster))
    return merged


def _merge(cluster: list[Span]) -> Span:
    best = max(cluster, key=_rank)
    start = min(s.start for s in cluster)
    end = max(s.end for s in cluster)
    if (start, end) == (best.start, best.end):
        return best
    others = sorted({s.recognizer for s in cluster} - {best.recognizer})
    reason = best.reason + (f"; merged with {', '.join(others)}" if others else "")
    return replace(best, start=start, end=end, reason=reason)
