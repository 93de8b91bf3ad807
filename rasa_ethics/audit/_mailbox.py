"""A bounded queue from the bot's threads to the writer thread that costs one append per put.

``queue.Queue`` takes a lock and notifies a condition on every put and get; at tens of thousands
of records a second that is a large share of the bot's cost.  Here a put is a ``deque.append``
(atomic under the GIL), and the writer is woken through an Event only when it may be asleep.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Generic, TypeVar

__all__ = ["Mailbox"]

T = TypeVar("T")


class Mailbox(Generic[T]):
    """Many producers, one consumer; ``size`` bounds what producers may queue."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: deque[T] = deque()
        self._ready = threading.Event()
        self._space = threading.Condition()
        self._waiting = 0

    def __len__(self) -> int:
        return len(self._items)

    def offer(self, item: T) -> bool:
        """Queue ``item`` unless the mailbox is full; never waits."""
        if len(self._items) >= self.size:
            return False
        self._items.append(item)
        # the consumer clears `_ready` before it drains, so an item appended after that clear
        # sees it unset here and wakes the consumer; one appended before it is drained anyway
        if not self._ready.is_set():
            self._ready.set()
        return True

    def put(self, item: T, timeout: float) -> bool:
        """Queue ``item``, waiting up to ``timeout`` seconds for room; False if there was none."""
        deadline = time.monotonic() + timeout
        while not self.offer(item):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            with self._space:
                self._waiting += 1
                self._space.wait(min(remaining, 0.05))
                self._waiting -= 1
        return True

    def force(self, item: T) -> None:
        """Queue ``item`` even when full (flush and stop markers must always get through)."""
        self._items.append(item)
        self._ready.set()

    def take(self, limit: int) -> list[T]:
        """Wait for items and return up to ``limit`` of them, oldest first (consumer only)."""
        self._ready.wait()
        self._ready.clear()
        items, batch = self._items, []
        while items and len(batch) < limit:
            batch.append(items.popleft())
        if items:
            self._ready.set()
        if self._waiting:
            with self._space:
                self._space.notify_all()
        return batch
