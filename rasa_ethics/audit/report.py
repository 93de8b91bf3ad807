"""Summaries of a trail: disclosure share, handoff rate and reasons, fallback rate, PII by type.

A *conversation* is a session: it starts at a ``session_started`` record of a sender.  Records of
a sender seen before any ``session_started`` (a trail that begins mid-conversation) count as one
conversation too.  A user turn is a *fallback* when its intent is ``nlu_fallback`` or
``action_default_fallback`` runs before the next user turn.
"""

from __future__ import annotations

import heapq
import json
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Summary", "format_text", "read_records", "summarise"]

FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTION = "action_default_fallback"
# records that show a conversation is under way; a lone action (e.g. action_session_start just
# before session_started) does not open one
_OPENS = frozenset({"session_started", "user_turn", "bot_utterance", "disclosure", "handoff"})


@dataclass
class _Conversation:
    user_turns: int = 0
    disclosed: bool = False
    handoff_turns: int | None = None
    turn_fallback: bool = False


@dataclass
class Summary:
    """Counts over a trail; the rates are properties."""

    records: int = 0
    conversations: int = 0
    disclosed: int = 0
    handed_off: int = 0
    handoff_reasons: Counter = field(default_factory=Counter)
    turns_before_handoff: list[int] = field(default_factory=list)
    user_turns: int = 0
    fallback_turns: int = 0
    pii: Counter = field(default_factory=Counter)
    per_day: Counter = field(default_factory=Counter)
    policy_versions: Counter = field(default_factory=Counter)
    dropped: int = 0
    errors: int = 0
    first_ts: str | None = None
    last_ts: str | None = None

    @property
    def disclosure_share(self) -> float:
        """Share of conversations that saw the disclosure."""
        return self.disclosed / self.conversations if self.conversations else 0.0

    @property
    def handoff_rate(self) -> float:
        """Share of conversations with at least one handoff."""
        return self.handed_off / self.conversations if self.conversations else 0.0

    @property
    def fallback_rate(self) -> float:
        """Share of user turns that ended in a fallback."""
        return self.fallback_turns / self.user_turns if self.user_turns else 0.0

    @property
    def median_turns_before_handoff(self) -> float | None:
        """Median number of user turns before a conversation's first handoff."""
        return statistics.median(self.turns_before_handoff) if self.turns_before_handoff else None


def read_records(trails: Sequence[Sequence[Path]]) -> Iterator[dict[str, Any]]:
    """Records of all trails; several trails (one per replica) are merged in time order."""
    streams = [_read_trail(files) for files in trails]
    if len(streams) == 1:
        return streams[0]
    return heapq.merge(*streams, key=lambda record: str(record.get("ts", "")))


def _read_trail(files: Iterable[Path]) -> Iterator[dict[str, Any]]:
    for path in files:
        with open(path, "rb") as handle:
            for line in handle:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue  # `verify` names broken lines; the report counts what it can read
                if isinstance(record, dict):
                    yield record


def summarise(records: Iterable[Mapping[str, Any]]) -> Summary:
    """Count conversations, disclosures, handoffs, fallbacks and PII detections."""
    summary = Summary()
    open_conversations: dict[str, _Conversation] = {}
    for record in records:
        summary.records += 1
        ts = str(record.get("ts", ""))
        summary.first_ts = summary.first_ts or ts
        summary.last_ts = ts or summary.last_ts
        _count(record, summary, open_conversations)
    return summary


def _count(record: Mapping[str, Any], summary: Summary, open_: dict[str, _Conversation]) -> None:
    kind = record.get("type")
    if kind == "gap":
        summary.dropped += int(record.get("dropped") or 0)
        return
    if kind == "error":
        summary.errors += 1
        return
    summary.policy_versions[str(record.get("policy_version"))] += 1
    sender = record.get("sender")
    if not isinstance(sender, str):
        return
    conversation = open_.get(sender)
    if conversation is None and kind not in _OPENS:
        return
    if conversation is None or kind == "session_started":
        conversation = open_[sender] = _Conversation()
        summary.conversations += 1
        summary.per_day[str(record.get("ts", ""))[:10]] += 1
    _apply(kind, record, conversation, summary)


def _apply(kind: Any, record: Mapping[str, Any], conv: _Conversation, summary: Summary) -> None:
    if kind == "user_turn":
        conv.user_turns += 1
        summary.user_turns += 1
        conv.turn_fallback = record.get("intent") == FALLBACK_INTENT
        summary.fallback_turns += conv.turn_fallback
        for pii_type, count in (record.get("pii") or {}).items():
            summary.pii[pii_type] += int(count)
    elif kind == "action" and record.get("action") == FALLBACK_ACTION:
        if conv.user_turns and not conv.turn_fallback:
            conv.turn_fallback = True
            summary.fallback_turns += 1
    elif kind == "disclosure" and not conv.disclosed:
        conv.disclosed = True
        summary.disclosed += 1
    elif kind == "handoff":
        summary.handoff_reasons[str(record.get("reason") or "unspecified")] += 1
        if conv.handoff_turns is None:
            conv.handoff_turns = conv.user_turns
            summary.handed_off += 1
            summary.turns_before_handoff.append(conv.user_turns)


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def _counts(counter: Counter) -> str:
    return ", ".join(f"{key} {count}" for key, count in counter.most_common()) or "none"


def format_text(summary: Summary, integrity: str = "") -> str:
    """The plain-text report printed by ``rasa-ethics audit report``."""
    s, median = summary, summary.median_turns_before_handoff
    rows = [
        ("Conversations", f"{s.conversations}"),
        ("  saw the disclosure", f"{s.disclosed} ({_pct(s.disclosure_share)})"),
        ("Handoffs", f"{s.handed_off} conversations ({_pct(s.handoff_rate)})"),
        ("  median user turns before", "-" if median is None else f"{median:g}"),
        ("  reasons", _counts(s.handoff_reasons)),
        ("User turns", f"{s.user_turns}"),
        ("  fallback rate", f"{_pct(s.fallback_rate)} ({s.fallback_turns} turns)"),
        ("PII detections by type", _counts(s.pii)),
        ("Records lost (gaps)", f"{s.dropped}"),
        ("Error records", f"{s.errors}"),
    ]
    head = [f"Audit report: {s.records} records, {s.first_ts or '-'} .. {s.last_ts or '-'}"]
    if integrity:
        head.append(f"Integrity: {integrity}")
    return "\n".join(head + [f"{label:<30}{value}" for label, value in rows])
