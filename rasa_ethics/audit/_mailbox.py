"""A bounded queue from the bot's threads to the writer thread that costs one append per put.

``queue.Queue`` takes a lock and notifies a condition on every put and get, and waking the
writer for every record makes it fight the bot for the GIL while a turn is being handled.  Here a
put is a ``deque.append`` (atomic under the GIL).  Only the first item of a batch wakes the
writer, which then lingers ``linger`` seconds, so the ~8 events of a turn reach it as one batch
(one write, one fsync); flush/stop markers and a half-full mailbox cut the linger short.

An idle writer sleeps until it is woken (at most ``idle_wait`` seconds, a safety net should two
producers race past the wake-up).  An earlier version looked every ``linger`` seconds instead;
that cost an idle bot about 7 ms of CPU a second, more than the records themselves.
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

    def __init__(self, size: int, linger: float = 0.005, idle_wait: float = 0.5) -> None:
        self.size = size
        self.linger = linger
        self.idle_wait = idle_wait
        self._wake_at = max(1, size // 2)
        self._items: deque[T] = deque()
        self._ready = threading.Event()
        self._urgent = False
        self._space = threading.Condition()
        self._waiting = 0

    def __len__(self) -> int:
        return len(self._items)

    def offer(self, item: T) -> bool:
        """Queue ``item`` unless the mailbox is full; never waits."""
        items = self._items
        if len(items) >= self.size:
            return False
        items.append(item)
        if len(items) == 1 or len(items) >= self._wake_at:
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
        """Queue ``item`` even when full and wake the consumer (flush and stop markers)."""
        self._items.append(item)
        self._urgent = True
        self._ready.set()

    def take(self, limit: int, timeout: float | None = None) -> list[T]:
        """Wait for items and return up to ``limit`` of them, oldest first (consumer only).

        With ``timeout``, return an empty list if nothing came within that many seconds.
        """
        items = self._items
        deadline = None if timeout is None else time.monotonic() + timeout
        while not items:
            wait = self.idle_wait if deadline is None else deadline - time.monotonic()
            if wait <= 0:
                return []
            self._ready.wait(min(wait, self.idle_wait))
            self._ready.clear()
        if not self._urgent and len(items) < self._wake_at:
            self._ready.clear()
            if not self._urgent:  # a marker forced in just before the clear
                self._ready.wait(self.linger)  # the rest of the turn; a marker ends it early
        self._urgent = False
        batch = list[T]()
        while items and len(batch) < limit:
            batch.append(items.popleft())
        if self._waiting:
            with self._space:
                self._space.notify_all()
        return batch
