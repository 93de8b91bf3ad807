"""Wake the web chat streams of one conversation when something was saved for it in this process,
and keep for a while the texts this process sent (:class:`SentTexts`).

A stream subscribes an :class:`asyncio.Event` for its conversation, clears it before it reads the
conversation, and waits on it (with a timeout, for what other replicas save).  A wake-up that
comes while the stream is reading is kept by the event, so none is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict
from typing import Any, Dict, Iterator, Set, Tuple

__all__ = ["MAX_STREAMS", "SentTexts", "TooManyStreams", "Wakeups"]

MAX_STREAMS = 2_000  # open streams per process; more are refused (503) rather than starve it
KEPT_PER_CONVERSATION = 50
KEPT_CONVERSATIONS = 5_000
KEPT_SECONDS = 15 * 60


class TooManyStreams(Exception):
    """This process already serves :data:`MAX_STREAMS` streams."""


class Wakeups:
    """The streams waiting on each conversation."""

    def __init__(self, limit: int = MAX_STREAMS) -> None:
        """Allow at most ``limit`` subscriptions at a time."""
        self._waiting: Dict[str, Set[asyncio.Event]] = {}
        self._count = 0
        self._limit = limit

    @contextlib.contextmanager
    def subscribe(self, conversation_id: str) -> Iterator[asyncio.Event]:
        """An event that :meth:`wake` sets, for as long as the ``with`` block runs."""
        if self._count >= self._limit:
            raise TooManyStreams(f"{self._limit} streams are open")
        event = asyncio.Event()
        self._waiting.setdefault(conversation_id, set()).add(event)
        self._count += 1
        try:
            yield event
        finally:
            self._count -= 1
            events = self._waiting.get(conversation_id, set())
            events.discard(event)
            if not events:
                self._waiting.pop(conversation_id, None)

    def full(self) -> bool:
        """True when no more streams may subscribe."""
        return self._count >= self._limit

    def wake(self, conversation_id: str) -> None:
        """Wake every stream of ``conversation_id``."""
        for event in self._waiting.get(conversation_id, ()):
            event.set()

    @staticmethod
    async def wait(event: asyncio.Event, timeout: float) -> None:
        """Until ``event`` is set or ``timeout`` seconds passed (the caller clears it)."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)


class SentTexts:
    """The texts of messages this process sent to a chat, by conversation and event timestamp.

    The tracker store keeps messages redacted; the customer should read what the agent (or the
    bot) actually wrote, as on Rasa's other channels.  So the chat shows a message's sent text
    while this process still has it: at most :data:`KEPT_PER_CONVERSATION` per conversation, for
    :data:`KEPT_SECONDS`, for at most :data:`KEPT_CONVERSATIONS` conversations, in memory only.
    A chat served by another replica shows the stored, redacted text.
    """

    def __init__(self) -> None:
        """An empty store."""
        self._texts: "OrderedDict[str, OrderedDict[float, Tuple[float, str]]]" = OrderedDict()

    def keep(self, conversation_id: str, timestamp: Any, text: Any) -> None:
        """Remember ``text``, the message sent at ``timestamp`` (its event's timestamp)."""
        if not isinstance(timestamp, (int, float)) or not isinstance(text, str):
            return
        texts = self._texts.setdefault(conversation_id, OrderedDict())
        self._texts.move_to_end(conversation_id)
        texts[float(timestamp)] = (time.monotonic(), text)
        while len(texts) > KEPT_PER_CONVERSATION:
            texts.popitem(last=False)
        while len(self._texts) > KEPT_CONVERSATIONS:
            self._texts.popitem(last=False)

    def of(self, conversation_id: str) -> Dict[float, str]:
        """The texts still kept for ``conversation_id``, by timestamp."""
        texts = self._texts.get(conversation_id)
        if not texts:
            return {}
        now = time.monotonic()
        for stamp in [s for s, (kept, _) in texts.items() if now - kept > KEPT_SECONDS]:
            del texts[stamp]
        return {stamp: text for stamp, (_, text) in texts.items()}
