"""Wake the web chat streams of one conversation when something was saved for it in this process.

A stream subscribes an :class:`asyncio.Event` for its conversation, clears it before it reads the
conversation, and waits on it (with a timeout, for what other replicas save).  A wake-up that
comes while the stream is reading is kept by the event, so none is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Dict, Iterator, Set

__all__ = ["MAX_STREAMS", "TooManyStreams", "Wakeups"]

MAX_STREAMS = 2_000  # open streams per process; more are refused (503) rather than starve it


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
