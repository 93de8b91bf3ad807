"""The audit trail of a served example bot: scripted conversations, verify, PII, report, disk full.

The session's ``plugin_bot`` serves every test here (tests/e2e/conftest.py).  Its event broker is
``rasa_ethics.AuditEventBroker`` wrapping Rasa's SQL event broker on SQLite, so the trail can be
compared with every event Rasa published.  The trail lives on a small tmpfs of its own (when this
process may mount one), so one test can fill that file system for real.  Other modules talk to
the same server: what is checked of the whole trail (no gap, no error, every conversation saw
the disclosure) holds for their conversations too.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import time
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from rasa_ethics.audit.events import EventMapper
from rasa_ethics.audit.files import trail_files
from rasa_ethics.audit.pseudonym import Pseudonymizer
from rasa_ethics.audit.report import summarise
from rasa_ethics.audit.verify import verify_trail
from tests.audit.audit_testlib import ARTIFACTS, screenshot
from tests.harness import AUDIT_KEY, BIN, ServedBot, Workspace, rasa_env
from tests.harness.full_disk import SmallFilesystem

pytestmark = pytest.mark.slow

RUN = uuid.uuid4().hex[:6]
PII = {
    "email": "olivia.planted@example.com",
    "phone": "+44 7700 900461",
    "card": "4539 1488 0343 6467",
    "iban": "GB82 WEST 1234 5698 7654 32",
    "ssn": "078-05-1120",
    "address": "221B Baker Street",
    "name": "Olivia Marchetti",
}
FALLBACK_CANDIDATES = ["asdkjh qwpoeiru", "zxcmnb lkjhg poiuy", "qwxz vbnm kjhg", "xkcd zzzq prrt"]
NOT_ASSERTED = "not asserted"
pseudonym = Pseudonymizer(AUDIT_KEY.encode())


@dataclass(frozen=True)
class Script:
    """One conversation: its sender, what the customer says, the handoff reason expected."""

    sender: str
    messages: tuple[str, ...]
    handoff: str | None


def scripts(fallbacks: list[str]) -> list[Script]:
    """The scripted conversations: disclosure, handoffs, PII, fallbacks, bot challenge."""
    pii_turns = (
        "where is my order?",
        PII["email"],
        "NW-482913",
        f"my card number is {PII['card']}",
        "thanks",
        f"my IBAN is {PII['iban']}, my name is {PII['name']}",
        "thank you",
        f"my SSN is {PII['ssn']}, call me on {PII['phone']}, I live at {PII['address']}",
        "ok thanks",
    )
    return [
        Script(f"disclosure-{RUN}", ("hello", "what are your opening hours?"), None),
        Script(f"handoff-{RUN}", ("hi", "I want to talk to a human", "hello?"), "customer_request"),
        # the sender id is personal data too (a phone number, as on messaging channels); the
        # NLU model decides whether PII messages are fallbacks, so handoffs are not asserted
        Script(PII["phone"], pii_turns, NOT_ASSERTED),
        Script(f"fallbacks-{RUN}", ("hello", *fallbacks), "consecutive_fallbacks"),
        Script(f"challenge-{RUN}", ("are you a bot?",), None),
        Script(f"complaint-{RUN}", ("I'd like to make a complaint",), "complaint"),
    ]


@dataclass
class Served:
    """The served bot, its workspace, and the small file system its trail is on."""

    client: ServedBot
    space: Workspace
    disk: SmallFilesystem


@pytest.fixture(scope="module")
def bot(plugin_bot: ServedBot, trail_disk: SmallFilesystem) -> Served:
    """The session's plugin bot, its audit trail on a small file system when mounting works."""
    assert plugin_bot.space is not None
    return Served(plugin_bot, plugin_bot.space, trail_disk)


def trail_records(space: Workspace) -> list[dict[str, Any]]:
    """Every record of the bot's trail, once the writer has caught up (no change for 0.3 s)."""
    seen: list[dict[str, Any]] = []
    for _ in range(20):
        time.sleep(0.3)
        records = [
            json.loads(line) for path in trail_files(space.trail) for line in path.open("rb")
        ]
        if records and len(records) == len(seen):
            break
        seen = records
    return records


def mapped_broker_events(space: Workspace, senders: set[str]) -> list[tuple[str, dict[str, Any]]]:
    """What the SQL broker received for ``senders``, mapped to audit records as the broker does."""
    mapper = EventMapper(pseudonym)
    with sqlite3.connect(space.events_db) as db:
        rows = db.execute("select data from events order by id").fetchall()
    events = [json.loads(data) for (data,) in rows]
    return [r for e in events if e["sender_id"] in senders for r in mapper(e)]


def without_chain(record: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """``(type, fields)`` of a trail record, without the fields the writer adds."""
    chain = {"seq", "ts", "prev", "hash", "policy_version", "type"}
    return record["type"], {k: v for k, v in record.items() if k not in chain}


@pytest.fixture(scope="module")
def conversation(bot: Served) -> dict[str, Any]:
    """Run the scripted conversations once; the trail and the broker's events afterwards."""
    fallbacks = [t for t in FALLBACK_CANDIDATES if _intent(bot, t) == "nlu_fallback"][:2]
    if len(fallbacks) < 2:
        pytest.skip(f"the model understands the gibberish {FALLBACK_CANDIDATES}; no fallbacks")
    plan = scripts(fallbacks)
    replies = {s.sender: [bot.client.say(s.sender, m) for m in s.messages] for s in plan}
    mine = {pseudonym(s.sender) for s in plan}
    records = trail_records(bot.space)
    return {
        "plan": plan,
        "replies": replies,
        "records": records,
        "mine": [r for r in records if r.get("sender") in mine],
        "broker": mapped_broker_events(bot.space, {s.sender for s in plan}),
    }


def _intent(bot: Served, text: str) -> str:
    return str(bot.client.parse(text)["intent"]["name"])


class TestScriptedConversations:
    def test_records_by_type_and_count(self, conversation: dict[str, Any]) -> None:
        """Each conversation has one session start, its user turns, a disclosure, its handoff."""
        for script in conversation["plan"]:
            mine = [r for r in conversation["mine"] if r["sender"] == pseudonym(script.sender)]
            kinds = Counter(r["type"] for r in mine)
            assert kinds["session_started"] == 1 and kinds["disclosure"] == 1, script
            assert kinds["user_turn"] == len(script.messages), script
            reasons = [r["reason"] for r in mine if r["type"] == "handoff"]
            if script.handoff != NOT_ASSERTED:
                assert reasons == ([script.handoff] if script.handoff else []), script
        kinds = Counter(r["type"] for r in conversation["records"])
        assert kinds["rotate"] >= 1 and kinds["start"] == 1  # a second file after UTC midnight
        assert kinds["gap"] == 0 and kinds["error"] == 0

    def test_summary(self, conversation: dict[str, Any]) -> None:
        """The report's numbers for these conversations: disclosures, handoffs, fallbacks."""
        summary = summarise(conversation["mine"])
        plan = conversation["plan"]
        assert summary.conversations == summary.disclosed == len(plan)
        assert summary.user_turns == sum(len(s.messages) for s in plan)
        assert {"customer_request", "complaint", "consecutive_fallbacks"} <= set(
            summary.handoff_reasons
        )
        assert summary.fallback_turns >= 2

    def test_the_sql_broker_received_the_same_events(self, conversation: dict[str, Any]) -> None:
        """Mapped as the broker maps them, the SQL broker's events equal the trail's records."""
        assert [without_chain(r) for r in conversation["mine"]] == conversation["broker"]
        assert len(conversation["broker"]) > 100

    def test_verify_passes(self, bot: Served, conversation: dict[str, Any]) -> None:
        """`rasa-ethics audit verify` accepts the trail."""
        result = _cli("verify", str(bot.space.audit_dir))
        assert result.returncode == 0, result.stderr
        assert re.search(rf"{re.escape(str(bot.space.trail))}: ok \(\d file\(s\), ", result.stdout)
        assert verify_trail(trail_files(bot.space.trail)).records >= len(conversation["records"])

    def test_no_planted_pii_in_the_trail(self, bot: Served, conversation: dict[str, Any]) -> None:
        """No planted value, nor the raw sender ids, in any file of the trail, in any encoding."""
        assert conversation["replies"][PII["phone"]][2], "the order lookup answered"
        data = b"".join(path.read_bytes() for path in bot.space.audit_dir.iterdir())
        for value in [*PII.values(), *(s.sender for s in conversation["plan"])]:
            for form in encodings(value):
                assert form.encode() not in data, (value, form)

    def test_html_report(self, bot: Served, conversation: dict[str, Any], tmp_path: Path) -> None:
        """`audit report --html` summarises the trail; Chromium renders it to artifacts/."""
        page = tmp_path / "report.html"
        result = _cli("report", str(bot.space.audit_dir), "--html", str(page))
        assert result.returncode == 0, result.stderr
        assert "Integrity: chain intact" in result.stdout
        assert re.search(r"saw the disclosure\s+\d+ \(100\.0%\)", result.stdout), result.stdout
        html = page.read_text()
        for expected in ("chain intact", "customer_request", "complaint", "consecutive_fallbacks"):
            assert expected in html
        assert not re.search(r"<script|<link|src=|href=", html)
        assert all(value not in html for value in PII.values())
        shot = screenshot(page, ARTIFACTS / "audit-report-e2e.png", tmp_path)
        assert shot.stat().st_size > 20_000


class TestDiskFull:
    def test_bot_answers_and_the_gap_is_recorded(self, bot: Served) -> None:
        """With the trail's file system full the bot still answers; the loss is then recorded."""
        if not bot.disk.mounted:
            pytest.skip(f"needs a small file system of its own to fill: {bot.disk.reason}")
        sender = f"diskfull-{RUN}"
        before = len(trail_records(bot.space))
        with bot.disk.filled():
            for text in ("hello", "what are your opening hours?", "how do returns work?") * 2:
                assert bot.client.say(sender, text), "the bot went quiet with the disk full"
            assert len(trail_records(bot.space)) - before < 40, "nothing was lost"
        time.sleep(0.6)  # the writer waits 0.5 s before it tries the disk again
        assert bot.client.say(sender, "thanks")
        records = trail_records(bot.space)
        gaps = [r for r in records if r["type"] == "gap"]
        assert [(g["reason"], g["errno"]) for g in gaps] == [("disk_error", "ENOSPC")]
        kept = [r for r in records if r.get("sender") == pseudonym(sender)]
        expected = mapped_broker_events(bot.space, {sender})
        assert len(kept) + gaps[0]["dropped"] == len(expected), "every lost record is counted"
        assert verify_trail(trail_files(bot.space.trail)).ok


def encodings(value: str) -> set[str]:
    """``value`` as it could appear in a file: raw, lower case, JSON-escaped, URL-encoded, bare."""
    forms = {value, value.lower(), json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)}
    forms |= {urllib.parse.quote(value), urllib.parse.quote_plus(value)}
    forms |= {urllib.parse.quote(value, safe=""), urllib.parse.quote(value.lower(), safe="")}
    bare = re.sub(r"[\s\-+]", "", value)
    if len(bare) >= 6:
        forms |= {bare, bare.lower()}
    return forms


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real `rasa-ethics audit ...` console script."""
    return subprocess.run(
        [str(BIN / "rasa-ethics"), "audit", *args],
        env=rasa_env(),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=os.getcwd(),
    )
