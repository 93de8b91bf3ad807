"""Tests for the queue between the bot and the writer thread."""

from __future__ import annotations

import threading
import time

from rasa_ethics.audit._mailbox import Mailbox


class TestMailbox:
    def test_offer_respects_the_bound(self) -> None:
        """offer() refuses items beyond the size and never waits."""
        box: Mailbox[int] = Mailbox(3)
        assert [box.offer(i) for i in range(5)] == [True, True, True, False, False]
        assert box.take(10) == [0, 1, 2]

    def test_take_returns_at_most_limit_in_order(self) -> None:
        """take() hands out the oldest items first, at most ``limit`` at a time."""
        box: Mailbox[int] = Mailbox(100)
        for i in range(10):
            box.offer(i)
        assert box.take(4) == [0, 1, 2, 3]
        assert box.take(100) == [4, 5, 6, 7, 8, 9]

    def test_a_turn_arrives_as_one_batch(self) -> None:
        """Items offered within the linger time reach the consumer together."""
        box: Mailbox[int] = Mailbox(100, linger=0.05)
        taken: list[list[int]] = []
        consumer = threading.Thread(target=lambda: taken.append(box.take(100)))
        consumer.start()
        time.sleep(0.01)
        for i in range(8):
            box.offer(i)
        consumer.join(2)
        assert taken == [list(range(8))]

    def test_force_wakes_the_consumer_at_once(self) -> None:
        """A forced item (flush or stop marker) is taken without waiting for the linger time."""
        box: Mailbox[str] = Mailbox(1, linger=10)
        box.offer("full")
        started = time.perf_counter()
        threading.Timer(0.05, lambda: box.force("marker")).start()
        assert box.take(10) == ["full"]
        assert box.take(10) == ["marker"]
        assert time.perf_counter() - started < 2

    def test_put_waits_for_room(self) -> None:
        """put() blocks while full and succeeds once the consumer takes items."""
        box: Mailbox[int] = Mailbox(1, linger=0.01)
        box.offer(0)
        threading.Timer(0.1, lambda: box.take(10)).start()
        started = time.perf_counter()
        assert box.put(1, timeout=5)
        assert 0.05 < time.perf_counter() - started < 4

    def test_put_times_out(self) -> None:
        """put() gives up after its timeout when nobody makes room."""
        box: Mailbox[int] = Mailbox(1)
        box.offer(0)
        assert not box.put(1, timeout=0.05)

    def test_an_idle_consumer_sleeps(self) -> None:
        """A consumer with nothing to do waits to be woken instead of looking every few ms."""
        box: Mailbox[int] = Mailbox(100, linger=0.001, idle_wait=5)
        waits: list[float | None] = []
        wait = box._ready.wait

        def counting_wait(timeout: float | None = None) -> bool:
            waits.append(timeout)
            return wait(timeout)

        box._ready.wait = counting_wait  # type: ignore[method-assign]
        taken: list[list[int]] = []
        consumer = threading.Thread(target=lambda: taken.append(box.take(10)))
        consumer.start()
        time.sleep(0.3)
        box.offer(7)
        consumer.join(2)
        assert taken == [[7]] and len(waits) <= 3
