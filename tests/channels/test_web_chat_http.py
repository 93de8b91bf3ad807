"""The web chat's routes over real HTTP: its files, the conversation as the page sees it, and the
live stream an agent's reply wakes.

A real Sanic server in this process (``agent_server.serve_channel``) with the agent channel and
the web chat, around a real (model-less) Rasa Agent whose RedactingTrackerStore keeps, in SQLite,
one web chat conversation in an open handoff.
"""

from __future__ import annotations

import json
import queue
import secrets
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, Tuple

import pytest

from rasa_ethics.channels.web_chat import WebChatChannel, sender_for
from rasa_ethics.stores.tracker_store import find_ethics_store
from tests.channels.agent_server import TOKEN, call, serve_channel
from tests.channels.conftest import agent_with_handoff

CHAT = "/webhooks/ethics_chat"


@pytest.fixture
def chat(tmp_path: Path) -> Iterator[Tuple[str, str, Any]]:
    """(server URL, session key, agent): the key's conversation is waiting for a person."""
    key = secrets.token_urlsafe(32)
    agent = agent_with_handoff(tmp_path, sender=sender_for(key), channel="ethics_chat")
    # a long poll: a reply that arrives at once was pushed, not found by polling
    with serve_channel(agent, more=[WebChatChannel(poll_seconds=5.0)]) as url:
        yield url, key, agent


def get(url: str) -> Tuple[int, Any, bytes]:
    """(status, headers (case-insensitive), body)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_the_page_and_its_files(chat: Tuple[str, str, Any]) -> None:
    url, _, _ = chat
    status, headers, body = get(f"{url}{CHAT}/")
    assert status == 200 and b"Talk to a human" in body
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    status, headers, _ = get(f"{url}{CHAT}/static/chat.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    assert get(f"{url}{CHAT}/static/..%2Fweb_chat.py")[0] == 404
    assert get(f"{url}{CHAT}/static/nothing.js")[0] == 404
    assert get(f"{url}{CHAT}/widget.js")[0] == 200


def test_the_conversation_as_the_page_sees_it(chat: Tuple[str, str, Any]) -> None:
    url, key, _ = chat
    status, _, body = get(f"{url}{CHAT}/messages?session={key}&after=0")
    assert status == 200
    answer = json.loads(body)
    assert [(m["from"], m["text"]) for m in answer["messages"]] == [
        ("customer", "get me a human"),
        ("bot", "connecting you"),
        ("customer", "hello? anyone?"),
    ]
    assert answer["status"]["paused"] is True
    handoff = answer["status"]["handoff"]
    assert handoff["state"] == "waiting" and handoff["place"] == 1 and handoff["ahead"] == 0
    assert handoff["expected_wait_seconds"] > 0
    later = json.loads(
        get(f"{url}{CHAT}/messages?session={key}&after={answer['messages'][0]['id']}")[2]
    )
    assert [m["from"] for m in later["messages"]] == ["bot"]  # no customer messages after a cursor


def test_a_session_key_is_required(chat: Tuple[str, str, Any]) -> None:
    url, _, _ = chat
    assert get(f"{url}{CHAT}/messages?session=c1")[0] == 400  # a sender id is not a key
    assert get(f"{url}{CHAT}/messages")[0] == 400
    assert get(f"{url}{CHAT}/stream?session=short")[0] == 400
    other = secrets.token_urlsafe(32)
    answer = json.loads(get(f"{url}{CHAT}/messages?session={other}")[2])
    assert answer == {"messages": [], "status": {"handoff": None, "paused": False}}
    status, body = call(f"{url}{CHAT}/messages", "POST", {"session": "x", "text": "hi"}, token=None)
    assert status == 400 and "session" in body["error"]


def test_no_chat_without_the_disclosure(chat: Tuple[str, str, Any]) -> None:
    """A bot that cannot say the disclosure (here: no model loaded) opens no chat."""
    url, _, _ = chat
    status, body = call(f"{url}{CHAT}/session", "POST", {}, token=None)
    assert status == 503 and "session" not in body


def test_an_agent_reply_is_pushed_to_the_stream(chat: Tuple[str, str, Any]) -> None:
    url, key, agent = chat
    events: "queue.Queue[Tuple[float, str, Dict[str, Any]]]" = queue.Queue()

    def listen() -> None:
        with urllib.request.urlopen(f"{url}{CHAT}/stream?session={key}&after=0", timeout=30) as s:
            name = None
            for raw in s:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("event: "):
                    name = line[len("event: ") :]
                elif line.startswith("data: ") and name:
                    events.put((time.monotonic(), name, json.loads(line[len("data: ") :])))

    threading.Thread(target=listen, daemon=True).start()
    seen = [events.get(timeout=10) for _ in range(4)]  # three messages, then the status
    assert [name for _, name, _ in seen] == ["message", "message", "message", "status"]
    [row] = find_ethics_store(agent.tracker_store).handoffs.list("open")
    sent = time.monotonic()
    status, _ = call(
        f"{url}/webhooks/ethics_agent/handoffs/{row['id']}/reply",
        "POST",
        {"text": "Sam here, how can I help?", "agent": "sam"},
        token=TOKEN,
    )
    assert status == 200
    arrived, name, message = events.get(timeout=10)
    assert name == "message" and message["from"] == "agent" and message["label"] == "sam"
    assert message["text"] == "Sam here, how can I help?"
    assert arrived - sent < 1.0  # pushed: the stream's own poll is 5 s
