"""Tests for the trail summary (text and HTML) on a synthetic trail with known numbers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from rasa_ethics.audit.files import trail_files
from rasa_ethics.audit.html import render_html
from rasa_ethics.audit.report import Summary, format_text, read_records, summarise
from rasa_ethics.audit.writer import AuditWriter

from .audit_testlib import ARTIFACTS, screenshot

# (type, fields) of four conversations by three senders, plus a gap
SYNTHETIC: list[tuple[str, dict[str, Any]]] = [
    ("action", {"sender": "a", "action": "action_session_start"}),
    ("session_started", {"sender": "a"}),
    ("user_turn", {"sender": "a", "intent": "greet"}),
    ("bot_utterance", {"sender": "a", "response": "utter_greet"}),
    ("disclosure", {"sender": "a", "response": "utter_greet"}),
    ("user_turn", {"sender": "a", "intent": "ethics_human_handoff"}),
    ("handoff", {"sender": "a", "reason": "explicit_request"}),
    ("session_started", {"sender": "b"}),
    ("disclosure", {"sender": "b"}),
    ("user_turn", {"sender": "b", "intent": "nlu_fallback"}),
    ("action", {"sender": "b", "action": "action_default_fallback"}),
    ("user_turn", {"sender": "b", "intent": "order"}),
    ("action", {"sender": "b", "action": "action_default_fallback"}),
    ("action", {"sender": "b", "action": "action_default_fallback"}),
    ("user_turn", {"sender": "b", "intent": "order"}),
    ("user_turn", {"sender": "b", "intent": "order"}),
    ("handoff", {"sender": "b", "reason": "consecutive_fallbacks"}),
    ("gap", {"dropped": 3, "reason": "queue_full"}),
    ("session_started", {"sender": "c"}),
    ("user_turn", {"sender": "c", "intent": "order", "pii": {"email": 2, "phone": 1}}),
    ("session_started", {"sender": "a"}),
    ("disclosure", {"sender": "a"}),
    ("user_turn", {"sender": "a", "intent": "greet", "pii": {"email": 1}}),
    ("handoff", {"sender": "a", "reason": "unspecified", "source": "pause"}),
    ("handoff", {"sender": "a", "reason": "explicit_request"}),
]


@pytest.fixture
def synthetic(trail: Path) -> list[Path]:
    """The synthetic trail on disk."""
    writer = AuditWriter(trail, fsync="never", policy_version="p1")
    for type_, fields in SYNTHETIC:
        writer.write(type_, dict(fields))
    writer.close()
    return trail_files(trail)


@pytest.fixture
def summary(synthetic: list[Path]) -> Summary:
    """The summary of the synthetic trail."""
    return summarise(read_records([synthetic]))


class TestSummarise:
    def test_numbers(self, summary: Summary) -> None:
        """Conversations, disclosure share, handoffs, turns, fallbacks, PII and gaps add up."""
        assert summary.conversations == 4
        assert summary.disclosed == 3 and summary.disclosure_share == 0.75
        assert summary.handed_off == 3 and summary.handoff_rate == 0.75
        assert dict(summary.handoff_reasons) == {
            "explicit_request": 2,
            "consecutive_fallbacks": 1,
            "unspecified": 1,
        }
        assert sorted(summary.turns_before_handoff) == [1, 2, 4]
        assert summary.median_turns_before_handoff == 2
        assert summary.user_turns == 8
        assert summary.fallback_turns == 2 and summary.fallback_rate == 0.25
        assert dict(summary.pii) == {"email": 3, "phone": 1}
        assert summary.dropped == 3

    def test_trails_of_several_replicas_merge(self, tmp_path: Path) -> None:
        """Two trails are read in time order as one stream."""
        trails = []
        for index in range(2):
            path = tmp_path / f"r{index}" / "audit.jsonl"
            writer = AuditWriter(path, fsync="never")
            writer.write("session_started", {"sender": f"s{index}"})
            writer.close()
            trails.append(trail_files(path))
        records = list(read_records(trails))
        assert [r["ts"] for r in records] == sorted(r["ts"] for r in records)
        assert summarise(records).conversations == 2

    def test_empty(self) -> None:
        """An empty trail gives zero rates, not errors."""
        empty = summarise([])
        assert (empty.disclosure_share, empty.handoff_rate, empty.fallback_rate) == (0, 0, 0)
        assert empty.median_turns_before_handoff is None


class TestFormatText:
    def test_text_report(self, summary: Summary) -> None:
        """The text report shows the headline numbers."""
        text = format_text(summary, "chain intact")
        assert "Integrity: chain intact" in text
        assert re.search(r"saw the disclosure\s+3 \(75\.0%\)", text)
        assert re.search(r"Handoffs\s+3 conversations \(75\.0%\)", text)
        assert re.search(r"median user turns before\s+2", text)
        assert "explicit_request 2, consecutive_fallbacks 1, unspecified 1" in text
        assert re.search(r"fallback rate\s+25\.0% \(2 turns\)", text)
        assert "email 3, phone 1" in text


class TestRenderHtml:
    def test_self_contained(self, summary: Summary) -> None:
        """The HTML report has its numbers and charts inline and loads nothing from outside."""
        html = render_html(summary, "chain intact (27 records)")
        assert html.startswith("<!DOCTYPE html>")
        for expected in ("75.0%", "25.0%", "explicit_request", "consecutive_fallbacks", "email"):
            assert expected in html
        assert html.count("<svg") == 4
        assert not re.search(r"<script|<link|@import|url\(|src=|href=", html)

    def test_escapes_names(self) -> None:
        """Names from the trail are HTML-escaped."""
        summary = Summary(conversations=1, handed_off=1)
        summary.handoff_reasons["<b>x</b>"] = 1
        html = render_html(summary)
        assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html

    def test_screenshot(self, summary: Summary, tmp_path: Path) -> None:
        """Headless Chromium renders the report to artifacts/audit-report.png."""
        page = tmp_path / "report.html"
        integrity = f"chain intact ({summary.records} records in 1 trail)"
        page.write_text(render_html(summary, integrity))
        shot = screenshot(page, ARTIFACTS / "audit-report.png", tmp_path)
        assert shot.stat().st_size > 20_000
