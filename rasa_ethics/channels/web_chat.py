"""``rasa_ethics.WebChatChannel``: a web chat served by the Rasa server itself, with live replies.

Configure it in ``credentials.yml``::

    rasa_ethics.WebChatChannel:
      bot_label: AI assistant     # how the bot's messages are labelled (default)
      poll_seconds: 1.0           # how often a page's stream looks for replies saved elsewhere

Routes, under ``/webhooks/ethics_chat/``::

    GET  /                 the chat page           GET /widget.js   the embeddable widget
    GET  /static/<file>    its scripts and styles
    POST /session          {"session": "<key>"}: a new conversation
    POST /messages         {"session": ..., "text": ...}: the customer's message (or "/payload")
    GET  /stream           server-sent events: ?session=...&after=<cursor>
    GET  /messages         the same as JSON, for pages without a stream (polling)

The session key is the customer's only credential: it is random (256 bits), kept by the page, and
never stored; the conversation's sender id is derived from it (``webchat-`` and 32 hex digits of
its SHA-256), so nobody who sees a sender id (an agent, a log, the database) can read the chat.

Every message the page shows is read back from the tracker store (``channels.chat_view``): an
agent's reply saved by the agent console on any replica reaches the customer like the bot's own
answers.  A reply saved in this process wakes the stream at once; one saved by another replica is
found within ``poll_seconds``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import secrets
import time
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

from rasa.core.actions.action import create_bot_utterance
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_ethics import constants as c
from rasa_ethics.channels.agent_input import read_json_object, stop_reading
from rasa_ethics.channels.chat_view import BOT_LABEL, handoff_status, messages_after
from rasa_ethics.channels.desk import DeskError
from rasa_ethics.channels.static_files import security_headers, serve
from rasa_ethics.channels.wakeups import SentTexts, TooManyStreams, Wakeups
from rasa_ethics.handoff.current import current_accounts
from rasa_ethics.inputs import safe_text
from rasa_ethics.stores.tracker_store import find_ethics_store

__all__ = ["WebChatChannel", "sender_for"]

logger = logging.getLogger(__name__)

CHANNEL = "ethics_chat"
_SESSION = re.compile(r"[A-Za-z0-9_-]{43}")
MAX_TEXT_CHARS = 10_000  # longer texts are refused here; the policy's own limit applies below it
STREAM_SECONDS = 300.0  # a stream ends after this; EventSource reconnects with its cursor
PING_SECONDS = 15.0


def sender_for(session: str) -> str:
    """The conversation id of a session key."""
    return "webchat-" + hashlib.sha256(session.encode("ascii")).hexdigest()[:32]


class WebChatOutput(OutputChannel):
    """Wakes the page's stream; the messages themselves are read from the stored conversation."""

    def __init__(self, wakeups: Wakeups, sent: SentTexts) -> None:
        """Wake the streams registered in ``wakeups``; keep the texts sent in ``sent``."""
        self._wakeups = wakeups
        self._sent = sent

    @classmethod
    def name(cls) -> Text:
        """The channel name stored with the customer's messages."""
        return CHANNEL

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        """Called for every message (the agent desk's replies included): wake the page."""
        self._sent.keep(recipient_id, message.get("timestamp"), message.get("text"))
        self._wakeups.wake(recipient_id)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        """Required by Rasa; every kind of message goes through :meth:`send_response`."""
        self._wakeups.wake(recipient_id)


class WebChatChannel(InputChannel):
    """The customers' web chat: the page, its widget, and live delivery of every reply."""

    @classmethod
    def name(cls) -> Text:
        """URL segment: ``/webhooks/ethics_chat/``."""
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> WebChatChannel:
        """Read ``bot_label`` and ``poll_seconds`` (both optional)."""
        credentials = credentials or {}
        poll = float(credentials.get("poll_seconds", 1.0))
        if not 0.05 <= poll <= 30:
            raise ValueError("rasa_ethics.WebChatChannel: poll_seconds must be 0.05 to 30")
        return cls(str(credentials.get("bot_label") or BOT_LABEL), poll)

    def __init__(self, bot_label: str = BOT_LABEL, poll_seconds: float = 1.0) -> None:
        """Label the bot's messages ``bot_label``; look for replies every ``poll_seconds``."""
        self.bot_label = bot_label
        self.poll_seconds = poll_seconds
        self.wakeups = Wakeups()
        self.sent = SentTexts()

    def get_output_channel(self) -> OutputChannel:
        """What the agent desk pushes an agent's reply through."""
        return WebChatOutput(self.wakeups, self.sent)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The page, its files, and the message routes."""
        blueprint = Blueprint("rasa_ethics_web_chat", __name__)

        @blueprint.route("/", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            if not request.path.endswith("/"):  # the page's files are relative to the folder
                return response.redirect(request.path + "/")
            return serve("chat.html", embeddable=True)

        @blueprint.route("/widget.js", methods=["GET"])
        async def widget(request: Request) -> HTTPResponse:
            return serve("widget.js")

        @blueprint.route("/static/<name>", methods=["GET"])
        async def static(request: Request, name: str) -> HTTPResponse:
            return serve(name, embeddable=True)

        @blueprint.route("/session", methods=["POST"], stream=True)
        async def new_session(request: Request) -> HTTPResponse:
            stop_reading(request)
            return await self._open(request)

        @blueprint.route("/messages", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            return await self._receive(request, on_new_message)

        @blueprint.route("/messages", methods=["GET"])
        async def poll(request: Request) -> HTTPResponse:
            try:
                sender, after = _session_and_cursor(request)
                messages, status = await self._view(request, sender, after)
            except DeskError as exc:
                return _json({"error": str(exc)}, exc.status)
            return _json({"messages": messages, "status": status})

        @blueprint.route("/stream", methods=["GET"])
        async def stream(request: Request) -> Optional[HTTPResponse]:
            try:
                sender, after = _session_and_cursor(request)
                await self._view(request, sender, after)  # 503 before the stream starts
                if self.wakeups.full():
                    raise DeskError("too many open chats; the page falls back to polling", 503)
            except DeskError as exc:
                return _json({"error": str(exc)}, exc.status)
            await self._stream(request, sender, after)
            return None

        return blueprint

    async def _open(self, request: Request) -> HTTPResponse:
        """A new conversation, opened with the AI disclosure (before the customer says a word)."""
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None or agent.tracker_store is None:
            return _json({"error": "the bot is still starting"}, 503)
        session = secrets.token_urlsafe(32)
        sender = sender_for(session)
        store = find_ethics_store(agent.tracker_store)
        disclose = store is None or store.live.current.disclosure.enabled
        try:
            async with agent.lock_store.lock(sender):
                await self._start(agent, sender, disclose)
        except Exception as exc:  # noqa: BLE001 - no chat without the disclosure
            logger.error("rasa-ethics web chat: the chat failed to start (%s)", type(exc).__name__)
            return _json({"error": "the chat could not be started; please try again"}, 503)
        return _json({"session": session})

    async def _start(self, agent: Any, sender: str, disclose: bool) -> None:
        """Start the session and say the disclosure as its first message.

        The disclosure is a message after the session's ``action_listen`` and no action of its
        own, so what the dialogue policies see is a fresh session, as after ``rasa shell``'s
        first message: an action before the customer's first word would change their predictions.
        """
        output = WebChatOutput(self.wakeups, self.sent)
        tracker = await agent.processor.fetch_tracker_and_update_session(sender, output)
        if disclose:
            message = await agent.nlg.generate(c.RESPONSE_DISCLOSURE, tracker, CHANNEL) or {}
            if not message.get("text"):
                raise RuntimeError("the NLG gave no disclosure text")
            message.update({"utter_action": c.RESPONSE_DISCLOSURE, c.META_DISCLOSURE: True})
            tracker.update(create_bot_utterance(message))  # as Rasa builds a response's event
        await agent.processor.save_tracker(tracker)

    async def _receive(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        try:
            body = await read_json_object(request)
            sender = sender_for(_session(body.get("session")))
            text = body.get("text")
            if not isinstance(text, str) or not text.strip():
                raise DeskError("text must be a non-empty string", 400)
            if len(text) > MAX_TEXT_CHARS:
                raise DeskError(f"text is longer than {MAX_TEXT_CHARS} characters", 413)
        except DeskError as exc:
            return _json({"error": str(exc)}, exc.status)
        finally:
            stop_reading(request)
        output = WebChatOutput(self.wakeups, self.sent)
        message = UserMessage(safe_text(text), output, sender, input_channel=CHANNEL)
        try:
            await on_new_message(message)
        except Exception as exc:  # noqa: BLE001 - the page must hear that its message failed
            logger.error("rasa-ethics web chat: a message failed (%s)", type(exc).__name__)
            return _json({"error": "the message could not be handled; please try again"}, 503)
        finally:
            self.wakeups.wake(sender)  # the turn is saved: its answers are in the tracker now
        return _json({"ok": True})

    async def _view(
        self, request: Request, sender: str, after: float
    ) -> Tuple[list, Dict[str, Any]]:
        """The messages after ``after`` and the handoff status of ``sender``'s conversation."""
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None or agent.tracker_store is None:
            raise DeskError("the bot is still starting", 503)
        tracker = await agent.tracker_store.retrieve(sender)
        if tracker is None:
            return [], handoff_status(None, None, _agent_name, False)
        found = messages_after(
            tracker.events,
            after,
            _agent_name,
            self.bot_label,
            with_customer=after <= 0,
            sent=self.sent.of(sender),
        )
        store = find_ethics_store(agent.tracker_store)
        row = place = None
        if store is not None:
            row = await asyncio.to_thread(store.handoffs.open_for, sender)
            if row is not None:
                place = await asyncio.to_thread(store.handoffs.position, row["id"])
        status = handoff_status(row, place, _agent_name, tracker.is_paused())
        return [m.as_json() for m in found], status

    async def _stream(self, request: Request, sender: str, after: float) -> None:
        try:
            with self.wakeups.subscribe(sender) as woken:
                await self._send_events(request, sender, after, woken)
        except TooManyStreams:
            logger.warning("rasa-ethics web chat: too many open streams; one was refused")

    async def _send_events(
        self, request: Request, sender: str, after: float, woken: asyncio.Event
    ) -> None:
        headers = {**security_headers(embeddable=True), "X-Accel-Buffering": "no"}
        stream = await request.respond(content_type="text/event-stream", headers=headers)
        await stream.send(f"retry: {int(self.poll_seconds * 1000)}\n\n")
        started = last_sent = time.monotonic()
        last_status: Optional[Dict[str, Any]] = None
        while time.monotonic() - started < STREAM_SECONDS:
            woken.clear()  # a wake-up from now on is kept for the wait below
            try:
                messages, status = await self._view(request, sender, after)
            except DeskError:
                break
            chunks = [_event("message", m, m["id"]) for m in messages]
            if status != last_status:
                chunks.append(_event("status", status))
                last_status = status
            if not chunks and time.monotonic() - last_sent > PING_SECONDS:
                chunks.append(": ping\n\n")  # keeps proxies from closing a quiet stream
            if chunks:
                await stream.send("".join(chunks))
                last_sent = time.monotonic()
            after = messages[-1]["id"] if messages else after
            await Wakeups.wait(woken, self.poll_seconds)
        await stream.eof()


def _agent_name(agent_id: str) -> Optional[str]:
    accounts = current_accounts()
    account = accounts.get(agent_id) if accounts is not None else None
    return account["display_name"] if account else None


def _session(value: Any) -> str:
    if not isinstance(value, str) or not _SESSION.fullmatch(value):
        raise DeskError("session must be the key POST /session gave", 400)
    return value


def _session_and_cursor(request: Request) -> Tuple[str, float]:
    sender = sender_for(_session(request.args.get("session")))
    raw = request.headers.get("Last-Event-ID") or request.args.get("after") or "0"
    try:
        after = float(raw)
    except ValueError:
        raise DeskError("after must be the id of the last message received", 400) from None
    if after != after:  # NaN
        raise DeskError("after must be a number", 400)
    return sender, after


def _event(name: str, data: Any, event_id: Optional[float] = None) -> str:
    lines = [f"event: {name}"]
    if event_id is not None:
        lines.append(f"id: {event_id!r}")
    lines.append("data: " + json.dumps(data, ensure_ascii=False))
    return "\n".join(lines) + "\n\n"


def _json(body: Dict[str, Any], status: int = 200) -> HTTPResponse:
    return response.json(body, status=status, headers=security_headers(embeddable=True))
