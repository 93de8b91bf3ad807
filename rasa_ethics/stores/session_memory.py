"""Opted-out conversations, kept in this process's memory for as long as their session needs them.

A conversation the customer opted out of storing ("don't store this conversation"), or one of a
channel the policy opts out by default (``privacy.opt_out.default_channels``), never reaches the
inner tracker store or the event broker: :class:`~rasa_ethics.stores.RedactingTrackerStore` keeps
its tracker here instead.  What is kept is the copy the inner store would have stored (redacted,
vault slots as tokens), serialised as Rasa's ``InMemoryTrackerStore`` serialises it, so a later
change of the live tracker object never changes it.

Bounded both ways: a conversation idle for longer than its session lasts (the domain's
``session_expiration_time``; one hour when sessions never expire) is dropped, and past
``privacy.opt_out.max_conversations`` the longest idle one goes first.  Nothing here survives the
process, and another replica does not see it (see docs/privacy.md, "Opt-out").
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Callable, List, Optional, Tuple

from rasa.core.tracker_store import InMemoryTrackerStore, SerializedTrackerAsText
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

__all__ = ["DEFAULT_IDLE_MINUTES", "SessionMemory", "idle_minutes"]

#: How long an idle opted-out conversation is kept when the domain's sessions never expire.
DEFAULT_IDLE_MINUTES = 60.0


def idle_minutes(domain: Optional[Domain]) -> float:
    """How long an opted-out conversation outlives its last save: its session's lifetime."""
    if domain is None:
        return DEFAULT_IDLE_MINUTES
    minutes = float(domain.session_config.session_expiration_time or 0)
    return minutes if minutes > 0 else DEFAULT_IDLE_MINUTES


class SessionMemory:
    """Serialised trackers by conversation id, the longest idle first; bounded, expiring."""

    def __init__(
        self,
        limit: Callable[[], int],
        minutes: Callable[[], float],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``limit``: how many conversations at most; ``minutes``: how long an idle one stays
        (both read on each save, so a policy or domain change applies at once)."""
        self._limit = limit
        self._minutes = minutes
        self._clock = clock
        self._lock = threading.Lock()
        self._kept: "OrderedDict[str, Tuple[float, str]]" = OrderedDict()

    def __contains__(self, conversation_id: object) -> bool:
        """True while the conversation is kept (not yet expired)."""
        with self._lock:
            self._expire()
            return conversation_id in self._kept

    def __len__(self) -> int:
        """How many conversations are kept."""
        with self._lock:
            self._expire()
            return len(self._kept)

    def keys(self) -> List[str]:
        """The conversation ids kept, the longest idle first."""
        with self._lock:
            self._expire()
            return list(self._kept)

    def save(self, tracker: DialogueStateTracker) -> None:
        """Keep a copy of ``tracker`` (replacing the one kept before)."""
        text = SerializedTrackerAsText.serialise_tracker(tracker)
        with self._lock:
            self._kept.pop(tracker.sender_id, None)
            self._kept[tracker.sender_id] = (self._clock(), text)
            self._expire()
            while len(self._kept) > max(1, self._limit()):
                self._kept.popitem(last=False)

    async def retrieve(
        self, conversation_id: str, domain: Domain, all_sessions: bool = False
    ) -> Optional[DialogueStateTracker]:
        """A fresh tracker of the kept copy (its latest session, as Rasa's stores give), or None."""
        with self._lock:
            self._expire()
            found = self._kept.get(conversation_id)
        if found is None:
            return None
        # Rasa's in-memory store does the deserialising and the cut to the latest session.
        store = InMemoryTrackerStore(domain)
        store.store[conversation_id] = found[1]
        if all_sessions:
            return await store.retrieve_full_tracker(conversation_id)
        return await store.retrieve(conversation_id)

    def forget(self, conversation_id: str) -> bool:
        """Drop the conversation (after an erasure); True if it was kept."""
        with self._lock:
            return self._kept.pop(conversation_id, None) is not None

    def _expire(self) -> None:
        cut_off = self._clock() - self._minutes() * 60.0
        while self._kept:
            oldest = next(iter(self._kept))
            if self._kept[oldest][0] >= cut_off:
                return
            del self._kept[oldest]
