"""The handoff table: queue, resolve, and the outbox operations."""

from __future__ import annotations

import time

import pytest

from rasa_ethics.handoff.queue import HandoffQueue
from rasa_ethics.handoff.request import HandoffRequest


def request(i: int = 1) -> HandoffRequest:
    return HandoffRequest(
        id=f"id-{i}",
        conversation_id=f"c{i}",
        reason="customer_request",
        created_at=1000.0 + i,
        available=True,
        signals=("customer_request",),
        transcript=[{"role": "customer", "text": "human"}],
    )


@pytest.fixture
def store(tmp_path) -> HandoffQueue:
    return HandoffQueue.from_url(f"sqlite:///{tmp_path / 'h.db'}")


class TestQueue:
    def test_add_is_idempotent(self, store: HandoffQueue) -> None:
        """Queuing the same request twice keeps one row."""
        assert store.add(request(), with_webhook=False)
        assert not store.add(request(), with_webhook=False)
        assert [r["id"] for r in store.list()] == ["id-1"]

    def test_row_round_trip(self, store: HandoffQueue) -> None:
        """Everything comes back as it went in."""
        store.add(request(), with_webhook=True)
        row = store.get("id-1")
        assert row["signals"] == ["customer_request"] and row["transcript"][0]["text"] == "human"
        assert row["status"] == "open" and row["delivery"] == "pending"

    def test_resolve_once(self, store: HandoffQueue) -> None:
        """A request is resolved once; a second attempt says no."""
        store.add(request(), with_webhook=False)
        assert store.resolve("id-1", "sam")
        assert not store.resolve("id-1", "sam")
        assert store.get("id-1")["resolved_by"] == "sam"
        assert store.list("open") == [] and len(store.list(None)) == 1

    def test_missing(self, store: HandoffQueue) -> None:
        """Unknown ids are None."""
        assert store.get("nope") is None


class TestOutbox:
    def test_only_one_claim_wins(self, tmp_path) -> None:
        """Two workers (two engines on one database) never both claim a row."""
        url = f"sqlite:///{tmp_path / 'shared.db'}"
        first, second = HandoffQueue.from_url(url), HandoffQueue.from_url(url)
        first.add(request(), with_webhook=True)
        now = time.time()
        assert [first.claim("id-1", now, 30), second.claim("id-1", now, 30)] == [True, False]

    def test_expired_lease_is_due_again(self, store: HandoffQueue) -> None:
        """A worker that died mid-delivery does not lose the row."""
        store.add(request(), with_webhook=True)
        now = time.time()
        assert store.claim("id-1", now, lease=1)
        assert store.due(now) == []
        assert [r["id"] for r in store.due(now + 2)] == ["id-1"]

    def test_retry_and_park(self, store: HandoffQueue) -> None:
        """A failed attempt is retried later; None parks it as failed."""
        store.add(request(), with_webhook=True)
        now = time.time()
        store.claim("id-1", now, 30)
        store.retry_later("id-1", now + 60, "HTTP 503")
        assert store.due(now) == [] and store.next_due_at() == pytest.approx(now + 60)
        store.claim("id-1", now + 61, 30)
        store.retry_later("id-1", None, "timeout")
        row = store.get("id-1")
        assert (
            row["delivery"] == "failed" and row["attempts"] == 2 and row["last_error"] == "timeout"
        )

    def test_delivered(self, store: HandoffQueue) -> None:
        """A delivered row is never due again."""
        store.add(request(), with_webhook=True)
        store.claim("id-1", time.time(), 30)
        store.delivered("id-1")
        assert store.get("id-1")["delivery"] == "delivered"
        assert store.due(time.time() + 10_000) == []

    def test_no_webhook_no_delivery(self, store: HandoffQueue) -> None:
        """Without a webhook nothing is ever due."""
        store.add(request(), with_webhook=False)
        assert store.due(time.time() + 10_000) == [] and store.next_due_at() is None
