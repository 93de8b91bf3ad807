"""Both sides of a handoff in a real browser: the customer's web chat and the agent's console.

Debian's chromium, headless, driven by Playwright (tests/e2e/browser.py), against the session's
served example bot (plugin_bot: the action server up; degraded_bot: down).  Accounts are made with
the real `rasa-ethics agents` command in the bot's own database.  axe-core checks both pages.
Screenshots go to artifacts/ (not committed).
"""

from __future__ import annotations

import contextlib
import http.server
import json
import re
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from rasa_ethics.audit.files import trail_files
from rasa_ethics.policy import load_policy
from tests.e2e.browser import axe_problems, chromium
from tests.harness import BIN, REPO, ServedBot

pytestmark = pytest.mark.slow

NORTHWIND = load_policy(REPO / "policies" / "northwind.yml")
ARTIFACTS = REPO / "artifacts"
AGENTS = {"amira": "Amira K.", "ben": "Ben O."}
PASSWORD = "amber tulip quarry 47 hinge"
REFERENCE = re.compile(r"\bHR-[0-9A-Z]{4}-[0-9A-Z]{4}\b")
LIVE_SECONDS = 1.0  # an agent's reply appears in the customer's page within this


def agents_command(bot: ServedBot, *args: str, password: str = "") -> str:
    assert bot.space is not None
    command = [str(BIN / "rasa-ethics"), "agents", *args, "--endpoints", str(bot.space.endpoints)]
    done = subprocess.run(
        command, input=password, capture_output=True, text=True, timeout=60, cwd=bot.space.bot
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def staffed(plugin_bot: ServedBot, degraded_bot: ServedBot) -> Iterator[List[ServedBot]]:
    """Both bots with the agents amira and ben (removed afterwards: with accounts, presence
    decides availability)."""
    bots = [plugin_bot, degraded_bot]
    for bot in bots:
        for agent, name in AGENTS.items():
            agents_command(
                bot,
                "add",
                agent,
                "--display-name",
                name,
                "--password-stdin",
                password=PASSWORD + "\n",
            )
    yield bots
    for bot in bots:
        for agent in AGENTS:
            agents_command(bot, "remove", agent)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


# --- the two pages, as a person uses them ---------------------------------------------------------


def open_console(browser: Any, bot: ServedBot, agent: str) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{bot.url}/webhooks/ethics_agent/console")
    page.wait_for_selector("#signin:not([hidden])")
    assert page.locator("#desk").is_hidden()  # nothing of the queue before signing in
    assert axe_problems(page) == [], "the console's sign-in form"
    page.fill("#agent-id", agent)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_selector("#desk:not([hidden])")
    return page


def open_chat(browser: Any, bot: ServedBot) -> Any:
    page = browser.new_context(viewport={"width": 420, "height": 820}).new_page()
    page.goto(f"{bot.url}/webhooks/ethics_chat/")
    page.wait_for_selector("#log .message")
    return page


def messages(page: Any) -> List[Dict[str, str]]:
    return page.eval_on_selector_all(
        "#log .message",
        """items => items.map(m => ({
            cls: m.className,
            label: (m.querySelector('.message-label') || {}).textContent || '',
            text: (m.querySelector('.message-text') || {}).textContent || ''}))""",
    )


def say(page: Any, text: str, answers: int = 1) -> List[Dict[str, str]]:
    """Type ``text``, send it with Enter, and wait for ``answers`` more messages from the bot."""
    before = len([m for m in messages(page) if "message-customer" not in m["cls"]])
    page.fill("#message", text)
    page.press("#message", "Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#log .message:not(.message-customer)').length >= n",
        arg=before + answers,
    )
    return [m for m in messages(page) if "message-customer" not in m["cls"]][before:]


def ask_for_a_person(page: Any) -> str:
    """Press "Talk to a human"; the reference number the chat then shows."""
    before = len(messages(page))
    page.click("#handoff")
    page.wait_for_function("n => document.querySelectorAll('#log .message').length > n", arg=before)
    page.wait_for_function("() => /HR-/.test(document.querySelector('#status').textContent)")
    found = REFERENCE.search(page.inner_text("#status"))
    assert found, page.inner_text("#status")
    return found.group(0)


def open_request(console: Any, reference: str) -> None:
    row = console.locator("#queue li", has_text=reference)
    row.wait_for()
    row.locator("button").first.click()
    console.wait_for_selector("#detail:not([hidden])")
    console.wait_for_function(
        "ref => document.querySelector('#d-reference').textContent.includes(ref)", arg=reference
    )


def reply(console: Any, chat: Any, text: str) -> float:
    """Send ``text`` from the console; seconds until it is on the customer's page."""
    console.fill("#reply", text)
    started = time.monotonic()
    console.click("#reply-form button[type=submit]")
    chat.wait_for_function(
        "t => [...document.querySelectorAll('#log .message-agent .message-text')]"
        ".some(m => m.textContent === t)",
        arg=text,
        timeout=10_000,
    )
    return time.monotonic() - started


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


# --- the tests ------------------------------------------------------------------------------------


def test_customer_and_agent(staffed: List[ServedBot], browser: Any) -> None:
    bot = staffed[0]
    console = open_console(browser, bot, "amira")
    chat = open_chat(browser, bot)

    first = messages(chat)[0]
    assert first["label"] == "AI assistant" and first["text"] == NORTHWIND.disclosure.text
    assert "kind-disclosure" in first["cls"]
    assert "email" in " ".join(m["text"] for m in say(chat, "where is my order?")).lower()
    assert "order number" in " ".join(m["text"] for m in say(chat, "jane.doe@example.com")).lower()
    say(chat, "NW-482913")
    reference = ask_for_a_person(chat)
    assert any(reference in m["text"] for m in messages(chat))  # said in the handoff message too

    open_request(console, reference)
    assert console.inner_text("#d-reason") == "Customer request"  # the reason, worded
    transcript = console.inner_text("#transcript")
    assert "where is my order?" in transcript
    assert "jane.doe@example.com" not in transcript and "<EMAIL>" in transcript  # redacted
    console.click("#claim")
    console.wait_for_function(
        "() => document.querySelector('#d-assignee').textContent.includes('Amira')"
    )
    chat.wait_for_function("() => /Amira K\\./.test(document.querySelector('#status').textContent)")

    seconds = reply(console, chat, "Hi, I'm Amira. Your parcel left our warehouse this morning.")
    print(f"agent reply on the customer's page after {seconds * 1000:.0f} ms")
    assert seconds < LIVE_SECONDS
    agent_message = messages(chat)[-1]
    assert agent_message["label"] == "Amira K." and "message-agent" in agent_message["cls"]

    console.wait_for_function(  # the console shows the reply among the messages since
        "() => document.querySelector('#since').textContent.includes('Your parcel left')"
    )
    chat.wait_for_timeout(600)  # the new message's fade-in has ended
    for page, name in ((chat, "web-chat.png"), (console, "agent-console.png")):
        screenshot(page, name)
        assert axe_problems(page) == [], name

    console.click("#resolve")
    chat.wait_for_selector("#log .message.kind-resumed")
    assert messages(chat)[-1]["text"] == NORTHWIND.handoff.resumed_text
    chat.wait_for_function(
        "() => /AI assistant/.test(document.querySelector('#status').textContent)"
    )
    answer = say(chat, "are you a bot?")
    assert answer[-1]["label"] == "AI assistant"
    assert answer[-1]["text"] == NORTHWIND.disclosure.bot_challenge_text
    console.context.close()
    chat.context.close()


def test_two_customers_two_agents(staffed: List[ServedBot], browser: Any) -> None:
    bot = staffed[0]
    consoles = {agent: open_console(browser, bot, agent) for agent in AGENTS}
    chats = {agent: open_chat(browser, bot) for agent in AGENTS}  # each agent's customer
    references = {agent: ask_for_a_person(chat) for agent, chat in chats.items()}
    assert len(set(references.values())) == 2

    texts = {
        agent: f"{AGENTS[agent]} here, looking at request {references[agent]}." for agent in AGENTS
    }
    for agent, console in consoles.items():
        open_request(console, references[agent])
        console.click("#claim")
    for agent, console in consoles.items():
        assert reply(console, chats[agent], texts[agent]) < LIVE_SECONDS
    time.sleep(1.5)  # time for any cross-talk to arrive
    for agent, chat in chats.items():
        agent_messages = [m for m in messages(chat) if "message-agent" in m["cls"]]
        assert [(m["label"], m["text"]) for m in agent_messages] == [(AGENTS[agent], texts[agent])]
    for page in [*consoles.values(), *chats.values()]:
        page.context.close()


def test_action_server_down(staffed: List[ServedBot], browser: Any) -> None:
    """Without its action server the chat still discloses, hands off, and the reply arrives."""
    bot = staffed[1]
    console = open_console(browser, bot, "ben")
    chat = open_chat(browser, bot)
    assert messages(chat)[0]["text"] == NORTHWIND.disclosure.text
    reference = ask_for_a_person(chat)
    open_request(console, reference)
    console.click("#claim")
    assert reply(console, chat, "Ben here. Our systems are slow today; I can help.") < LIVE_SECONDS
    console.context.close()
    chat.context.close()


def test_the_widget_on_another_site(staffed: List[ServedBot], browser: Any) -> None:
    """A shop's page with the widget's script tag opens the chat in a frame from the bot."""
    bot = staffed[0]
    host_page = (
        "<!doctype html><html lang='en'><head><title>Shop</title></head><body><main>"
        "<h1>Our shop</h1>"
        f"<script src='{bot.url}/webhooks/ethics_chat/widget.js' defer></script>"
        "</main></body></html>"
    ).encode("utf-8")
    with shop_site(host_page) as shop:  # localhost: another site than the bot's 127.0.0.1
        page = browser.new_context().new_page()
        page.goto(shop)
        page.get_by_role("button", name="Chat with us").click()
        frame = page.frame_locator("iframe[title='Chat with us']")
        first = frame.locator("#log .message .message-text").first
        first.wait_for()
        assert first.text_content() == NORTHWIND.disclosure.text
        assert frame.locator("#handoff").is_visible()
        page.context.close()


@contextlib.contextmanager
def shop_site(page: bytes) -> Iterator[str]:
    """A web server on loopback that serves ``page``; yield its address (on localhost)."""

    class Shop(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Shop)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_agent_actions_are_audited(staffed: List[ServedBot]) -> None:
    """Every console action of the tests above is in the audit trail, with the agent's id."""
    space = staffed[0].space
    assert space is not None
    records = _trail(space.trail)
    actions = {
        (r.get("action"), r.get("agent")) for r in records if r.get("type") == "agent_action"
    }
    for expected in ("sign_in", "claim", "reply", "resolve"):
        assert (expected, "amira") in actions, sorted(actions)
    assert ("reply", "ben") in actions
    text = b"".join(file.read_bytes() for file in trail_files(space.trail))
    assert b"Amira. Your parcel" not in text  # never a text


def _trail(path: Path) -> List[Dict[str, Any]]:
    seen: List[Dict[str, Any]] = []
    for _ in range(20):
        time.sleep(0.3)
        records = [json.loads(line) for file in trail_files(path) for line in file.open("rb")]
        if records and len(records) == len(seen):
            return records
        seen = records
    return seen
