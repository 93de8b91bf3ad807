"""The agent console's sign-in, sessions, CSRF and access rules, over real HTTP.

A real Sanic server in this process (``agent_server.serve_channel``) around a real Rasa Agent
whose RedactingTrackerStore keeps one open handoff in SQLite; the accounts are in that database.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import sqlite3
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, Optional, Tuple

import pytest

from rasa_ethics.channels.console import COOKIE
from rasa_ethics.handoff.current import current_accounts
from rasa_ethics.stores.tracker_store import find_ethics_store
from tests.channels.agent_server import serve_channel
from tests.channels.conftest import agent_with_handoff

PASSWORD = "correct horse battery staple"


class Browser:
    """A cookie-keeping HTTP client, as a browser on the console page is."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.csrf: Optional[str] = None

    def call(
        self, path: str, body: Any = None, csrf: Optional[str] = "session", **headers: str
    ) -> Tuple[int, Any, Dict[str, str]]:
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(
            f"{self.base}/webhooks/ethics_agent/console/api/{path}",
            data=data,
            method="POST" if data is not None else "GET",
        )
        if data is not None:
            request.add_header("Content-Type", "application/json")
            token = self.csrf if csrf == "session" else csrf
            if token:
                request.add_header("X-CSRF-Token", token)
        for name, value in headers.items():
            request.add_header(name.replace("_", "-"), value)
        try:
            with self.opener.open(request, timeout=30) as answer:
                return answer.status, json.loads(answer.read() or b"null"), dict(answer.headers)
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null"), dict(error.headers)

    def sign_in(self, agent: str = "sam", password: str = PASSWORD) -> Tuple[int, Any, Dict]:
        status, body, headers = self.call("login", {"agent": agent, "password": password})
        if status == 200:
            self.csrf = body["csrf"]
        return status, body, headers


@pytest.fixture
def console(tmp_path: Path) -> Iterator[Tuple[str, Any]]:
    """The console's server, the agent behind it, with agents sam and lee."""
    agent = agent_with_handoff(tmp_path)
    accounts = current_accounts()
    assert accounts is not None, "RedactingTrackerStore installs the agent accounts"
    accounts.add("sam", "Sam P.", PASSWORD)
    accounts.add("lee", "Lee W.", PASSWORD + " 2")
    with serve_channel(agent) as url:
        yield url, agent


def open_handoff(agent: Any) -> str:
    [row] = find_ethics_store(agent.tracker_store).handoffs.list("open")
    return row["id"]


def test_nothing_without_signing_in(console: Tuple[str, Any]) -> None:
    url, agent = console
    anonymous = Browser(url)
    for path in ("me", "queue", f"handoffs/{open_handoff(agent)}"):
        assert anonymous.call(path)[0] == 401
    assert anonymous.call("presence", {"presence": "online"}, csrf=None)[0] == 401
    with urllib.request.urlopen(f"{url}/webhooks/ethics_agent/console", timeout=30) as page:
        assert page.status == 200 and b"<html" in page.read().lower()  # the sign-in form


def test_wrong_passwords_are_refused_then_throttled(console: Tuple[str, Any]) -> None:
    url, _ = console
    browser = Browser(url)
    assert browser.sign_in(password="wrong password!")[0] == 401
    assert browser.sign_in(agent="nobody")[0] == 401
    assert browser.sign_in(agent="<script>")[0] == 401
    for _ in range(3):
        assert browser.sign_in(password="still the wrong one")[0] == 401
    assert browser.sign_in()[0] == 429  # the right password, too late: locked for a while
    assert len(browser.cookies) == 0


def test_the_session_cookie(console: Tuple[str, Any]) -> None:
    url, _ = console
    status, body, headers = Browser(url).sign_in()
    assert status == 200 and body["agent"] == "sam" and body["display_name"] == "Sam P."
    cookie = headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Path=/webhooks/ethics_agent/" in cookie
    token = cookie.split("=", 1)[1].split(";", 1)[0]
    assert len(token) >= 43 and token not in json.dumps(body)  # never handed to scripts


def test_csrf_and_origin(console: Tuple[str, Any]) -> None:
    url, agent = console
    browser = Browser(url)
    browser.sign_in()
    handoff = open_handoff(agent)
    assert browser.call(f"handoffs/{handoff}/claim", {}, csrf=None)[0] == 403
    assert browser.call(f"handoffs/{handoff}/claim", {}, csrf="forged")[0] == 403
    foreign = browser.call(f"handoffs/{handoff}/claim", {}, Origin="https://evil.example")
    assert foreign[0] == 403
    status, body, _ = browser.call(f"handoffs/{handoff}/claim", {})
    assert status == 200 and body["assignee"] == "sam"


def test_an_expired_session_is_refused(console: Tuple[str, Any], tmp_path: Path) -> None:
    url, _ = console
    browser = Browser(url)
    browser.sign_in()
    assert browser.call("me")[0] == 200
    with sqlite3.connect(tmp_path / "rasa.db") as db:
        db.execute("UPDATE rasa_ethics_agent_sessions SET expires_at = 0")
    assert browser.call("me")[0] == 401
    assert browser.call("queue")[0] == 401


def test_only_conversations_in_an_open_handoff(console: Tuple[str, Any]) -> None:
    url, agent = console
    browser = Browser(url)
    browser.sign_in()
    handoff = open_handoff(agent)
    status, shown, _ = browser.call(f"handoffs/{handoff}")
    assert status == 200 and shown["since"] == [{"role": "customer", "text": "hello? anyone?"}]
    assert browser.call("handoffs/not-a-handoff")[0] == 403
    assert browser.call(f"handoffs/{handoff}/resolve", {})[0] == 200
    assert browser.call(f"handoffs/{handoff}")[0] == 403  # resolved: no longer readable
    assert browser.call(f"handoffs/{handoff}/reply", {"text": "hello"})[0] == 403


def test_claimed_by_someone_else(console: Tuple[str, Any]) -> None:
    url, agent = console
    sam, lee = Browser(url), Browser(url)
    sam.sign_in()
    lee.sign_in("lee", PASSWORD + " 2")
    handoff = open_handoff(agent)
    assert sam.call(f"handoffs/{handoff}/claim", {})[0] == 200
    assert lee.call(f"handoffs/{handoff}/claim", {})[0] == 409
    assert lee.call(f"handoffs/{handoff}/reply", {"text": "me too"})[0] == 409
    assert sam.call(f"handoffs/{handoff}/assign", {"agent": "lee"})[0] == 200
    status, _, _ = lee.call(f"handoffs/{handoff}/reply", {"text": "Lee here, I have it now."})
    assert status == 200
    tracker = asyncio.run(agent.tracker_store.retrieve("c1"))
    assert tracker.events[-1].text == "Lee here, I have it now."
    assert tracker.events[-1].metadata["ethics_agent"] == {"id": "lee"}


def test_queue_presence_and_sign_out(console: Tuple[str, Any]) -> None:
    url, agent = console
    browser = Browser(url)
    browser.sign_in()
    status, queue, _ = browser.call("queue")
    assert status == 200
    [row] = queue["handoffs"]
    assert row["id"] == open_handoff(agent) and row["reason"] == "customer_request"
    assert row["waiting_seconds"] >= 0 and queue["canned_replies"]
    assert {a["id"]: a["presence"] for a in queue["agents"]} == {"sam": "online", "lee": "away"}
    assert browser.call("presence", {"presence": "away"})[1]["presence"] == "away"
    assert browser.call("presence", {"presence": "asleep"})[0] == 400
    assert current_accounts().anyone_online() is False
    assert browser.call("logout", {})[0] == 200
    assert browser.call("me")[0] == 401
