"""The agent endpoints over real HTTP: where agents may write, what bodies they may send.

Issue 9, rows 5, 10 and 11.  A real Sanic server runs AgentChannel around a real (model-less)
Rasa Agent with a SQLite RedactingTrackerStore (tests/channels/agent_server.py).
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any, Iterator, List, Tuple

import pytest
from rasa.shared.core.events import BotUttered

from rasa_ethics.audit.events import EventMapper
from rasa_ethics.cli import main
from rasa_ethics.stores.tracker_store import find_ethics_store
from tests.channels.agent_server import TOKEN, call, headers_only, serve_channel
from tests.channels.conftest import agent_with_handoff

ROUTE = "/webhooks/ethics_agent"
REPLY = "Thanks for waiting, I am looking at it now."
FAKE_LINE = "\x1b[2K\r fake: agent approved refund"


class Served:
    """A served agent channel with one open handoff."""

    def __init__(self, url: str, agent: Any) -> None:
        self.url, self.agent = url, agent
        [row] = find_ethics_store(agent.tracker_store).handoffs.list("open")
        self.id, self.conversation = row["id"], row["conversation_id"]

    def route(self, suffix: str = "") -> str:
        return f"{self.url}{ROUTE}/handoffs/{self.id}{suffix}"

    def bot_texts(self) -> List[str]:
        tracker = asyncio.run(self.agent.tracker_store.retrieve(self.conversation))
        return [e.text for e in tracker.events if isinstance(e, BotUttered)]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    agent = agent_with_handoff(tmp_path)
    with serve_channel(agent) as url:
        yield Served(url, agent)


class TestOnlyOpenHandoffs:
    """Row 5: a reply goes only into a conversation whose handoff is open."""

    def test_reply_to_a_resolved_handoff_is_refused(self, served: Served) -> None:
        """After resolve, a reply gets 409 and nothing is stored as a bot message."""
        assert call(served.route("/resolve"), "POST", {"agent": "sam"})[0] == 200
        before = served.bot_texts()
        status, answer = call(served.route("/reply"), "POST", {"text": REPLY, "agent": "sam"})
        assert status == 409, answer
        assert answer["error"] == f"handoff {served.id} is already resolved"
        assert served.bot_texts() == before and REPLY not in before

    def test_reply_to_an_open_handoff(self, served: Served) -> None:
        """The ordinary case still works, and records the agent's id."""
        status, _ = call(served.route("/reply"), "POST", {"text": REPLY, "agent": "sam.lee"})
        assert status == 200 and served.bot_texts()[-1] == REPLY
        tracker = asyncio.run(served.agent.tracker_store.retrieve(served.conversation))
        assert tracker.events[-1].metadata["ethics_agent"] == {"id": "sam.lee"}


class TestAgentIds:
    """Row 5: agent ids are name-like tokens, and the audit records them."""

    @pytest.mark.parametrize(
        "agent",
        ["<b>sam</b>", "sam\x00", "sam\u202etxt.exe", "s" * 65, "", " sam", "sam lee", 42, None],
        ids=["markup", "nul", "bidi", "too-long", "empty", "space", "two-words", "number", "none"],
    )
    def test_bad_ids_are_refused(self, served: Served, agent: Any) -> None:
        """400 with a message that says what an id looks like; nothing is stored."""
        before = served.bot_texts()
        status, answer = call(served.route("/reply"), "POST", {"text": REPLY, "agent": agent})
        assert status == 400 and "agent must be your id" in answer["error"]
        assert served.bot_texts() == before
        assert call(served.route("/resolve"), "POST", {"agent": agent})[0] == 400

    def test_the_audit_records_the_id(self, served: Served) -> None:
        """The agent's BotUttered becomes a bot_utterance record with agent_id."""
        call(served.route("/reply"), "POST", {"text": REPLY, "agent": "sam.lee"})
        tracker = asyncio.run(served.agent.tracker_store.retrieve(served.conversation))
        event = {"sender_id": served.conversation, **tracker.events[-1].as_dict()}
        [(kind, fields)] = EventMapper(lambda sender: "p")(event)
        assert kind == "bot_utterance"
        assert (fields["agent"], fields["agent_id"]) == (True, "sam.lee")


class TestBodies:
    """Row 11: the token is checked before the body is read; bodies are bounded and typed."""

    @pytest.mark.parametrize("path", ["/reply", "/resolve"])
    def test_no_token_is_401_whatever_the_body(self, served: Served, path: str) -> None:
        """A JSON list (once a 500) or broken JSON without a token: 401."""
        for raw in (b"[1, 2]", b"{not json", b"\xff\xfe"):
            assert call(served.route(path), "POST", raw=raw, token=None)[0] == 401

    @pytest.mark.parametrize(
        ("raw", "message"),
        [
            (b"[1, 2]", "must be a JSON object"),
            (b"{not json", "not JSON"),
            (b"[" * 20_000 + b"]" * 20_000, "not JSON"),
            (json.dumps({"text": {"a": 1}, "agent": "sam"}).encode(), "text must be a string"),
            (json.dumps({"text": "x" * 4001, "agent": "sam"}).encode(), "longer than 4000"),
        ],
        ids=["list", "broken", "deep", "text-object", "text-too-long"],
    )
    def test_bad_bodies_are_400(self, served: Served, raw: bytes, message: str) -> None:
        """Each gets 400 and says why; none is stored."""
        before = served.bot_texts()
        status, answer = call(served.route("/reply"), "POST", raw=raw)
        assert status == 400, answer
        assert message in answer["error"] and served.bot_texts() == before

    def test_a_big_body_is_413(self, served: Served) -> None:
        """A 10 MB reply (once accepted) is refused as soon as its headers arrive, and a body
        of unannounced size as soon as it passes 64 KB."""
        body = json.dumps({"text": "x" * 10_000_000, "agent": "sam"}).encode()
        path = f"{ROUTE}/handoffs/{served.id}/reply"
        assert headers_only(served.url, path, len(body), start=body[:100_000]) == 413
        assert headers_only(served.url, path, None, start=body[:100_000]) == 413
        assert not any("x" * 100 in text for text in served.bot_texts())

    @pytest.mark.parametrize(("token", "expected"), [(TOKEN, 413), (None, 401)])
    def test_fifty_megabytes_are_refused_unread(
        self, served: Served, token: Any, expected: int
    ) -> None:
        """The answer comes from the headers alone: the body is never sent, nor waited for."""
        path = f"{ROUTE}/handoffs/{served.id}/reply"
        started = time.perf_counter()
        status = headers_only(served.url, path, 50 * 1024 * 1024, token=token)
        seconds = time.perf_counter() - started
        print(
            f"\n50 MB announced ({'with' if token else 'without'} token): {status} in "
            f"{seconds * 1000:.0f} ms"
        )
        assert status == expected and seconds < 2.0

    def test_the_channel_still_serves_after_refusals(self, served: Served) -> None:
        """Refused requests leave the server answering."""
        headers_only(served.url, f"{ROUTE}/handoffs/{served.id}/reply", 50 * 1024 * 1024)
        assert call(f"{served.url}{ROUTE}/handoffs")[0] == 200


class TestTerminalOutput:
    """Row 10: what customers wrote cannot act on the agent's terminal."""

    @pytest.fixture
    def hostile(self, tmp_path: Path) -> Iterator[Tuple[str, str]]:
        sender = "c\x1b]0;owned\x07\u202e1"
        agent = agent_with_handoff(tmp_path, sender=sender, later=FAKE_LINE + "\u202e\x9b2J")
        with serve_channel(agent) as url:
            [row] = find_ethics_store(agent.tracker_store).handoffs.list("open")
            yield url, row["id"]

    @pytest.mark.parametrize("command", [["list"], ["show"], ["--json", "show"]])
    def test_no_control_sequence_is_printed(
        self, hostile: Tuple[str, str], command: List[str], capsys: pytest.CaptureFixture
    ) -> None:
        """`handoff list/show` print the text, never ESC, CSI, CR or bidi overrides."""
        url, handoff = hostile
        options, operation = command[:-1], command[-1]
        args = ["handoff", "--url", url, "--token", TOKEN, *options, operation]
        assert main(args + ([handoff] if operation == "show" else [])) == 0
        out = capsys.readouterr().out
        assert not set(out) & {"\x1b", "\x9b", "\r", "\u202e", "\x07"}
        assert "fake: agent approved refund" in out or operation == "list"
        if options:  # the JSON keeps the text, as the store holds it: its controls made safe
            text = json.loads(out)["since"][0]["text"]
            assert "fake: agent approved refund" in text and "\x1b" not in text

    @pytest.mark.parametrize(
        ("text", "shown"),
        [
            ("plain text, zoë", "plain text, zoë"),
            ("\x1b[2K\r fake", "\\u000d fake"),
            ("\x1b]0;title\x07after", "after"),
            ("a\u202eb", "a\\u202eb"),
            ("c\x9b31md", "cd"),
            ("two\nlines", "two\\u000alines"),
        ],
    )
    def test_printable(self, text: str, shown: str) -> None:
        """Escape sequences are dropped; other controls and bidi marks become visible escapes."""
        from rasa_ethics.cli.terminal import printable, printable_json

        assert printable(text) == shown
        assert json.loads(printable_json({"t": text})) == {"t": text}
