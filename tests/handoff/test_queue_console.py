"""The queue for the agent console: new columns on old tables, claims, order, place and wait."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path
from typing import Optional

import pytest
import sqlalchemy as sa

from rasa_ethics.handoff.queue import HandoffQueue, QueuePosition, handoffs, topic_of
from rasa_ethics.handoff.request import HandoffRequest

NEW_COLUMNS = ("reference", "topic", "assignee", "claimed_at")


@dataclasses.dataclass(frozen=True)
class Referenced(HandoffRequest):
    """A request as helper C's HandoffRequest will carry it (with its reference)."""

    reference: Optional[str] = None


def request(i: int, reason: str = "customer_request", **extra) -> HandoffRequest:
    return Referenced(
        id=f"id-{i}",
        conversation_id=f"c{i}",
        reason=reason,
        created_at=1000.0 + i,
        available=True,
        signals=(reason,),
        **extra,
    )


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'h.db'}"


@pytest.fixture
def queue(url: str) -> HandoffQueue:
    return HandoffQueue.from_url(url)


def set_times(queue: HandoffQueue, handoff_id: str, **values: float) -> None:
    with queue.engine.begin() as connection:
        connection.execute(handoffs.update().where(handoffs.c.id == handoff_id).values(**values))


class TestOldTables:
    def test_columns_are_added_and_rows_kept(self, tmp_path: Path) -> None:
        """A table made before the console columns gets them on start; its rows survive."""
        path = tmp_path / "old.db"
        engine = sa.create_engine(f"sqlite:///{path}")
        old = sa.MetaData()
        sa.Table(
            "rasa_ethics_handoffs",
            old,
            *(c.copy() for c in handoffs.columns if c.name not in NEW_COLUMNS),
        )
        old.create_all(engine)
        with sqlite3.connect(path) as connection:
            connection.execute(
                "insert into rasa_ethics_handoffs (id, conversation_id, reason, signals, "
                "created_at, agent_available, transcript, status, delivery, attempts) values "
                "('old-1', 'c-old', 'topic:self_harm', '[]', 5, 1, '[]', 'open', 'none', 0)"
            )
        queue = HandoffQueue(engine)
        columns = {c["name"] for c in sa.inspect(engine).get_columns("rasa_ethics_handoffs")}
        assert set(NEW_COLUMNS) <= columns
        indexes = {i["name"] for i in sa.inspect(engine).get_indexes("rasa_ethics_handoffs")}
        assert "ix_rasa_ethics_handoffs_reference" in indexes
        row = queue.get("old-1")
        assert row["conversation_id"] == "c-old" and row["reference"] is None
        assert row["assignee"] is None and row["claimed_at"] is None
        queue.add(request(9, reference="HR-AAAA-BBBB"), with_webhook=False)
        assert queue.by_reference("HR-AAAA-BBBB")["id"] == "id-9"
        # an old row's self-harm reason still puts it first
        assert [r["id"] for r in queue.ordered_open()] == ["old-1", "id-9"]
        HandoffQueue(sa.create_engine(f"sqlite:///{path}"))  # a second start changes nothing
        assert len(queue.list(None)) == 2


class TestAdd:
    def test_reference_and_topic_are_stored(self, queue: HandoffQueue) -> None:
        """add() keeps the request's reference and the topic of its reason."""
        queue.add(request(1, "topic:self_harm", reference="HR-7K3M-9QXA"), with_webhook=False)
        row = queue.get("id-1")
        assert row["reference"] == "HR-7K3M-9QXA" and row["topic"] == "self_harm"

    def test_a_request_without_reference(self, queue: HandoffQueue) -> None:
        """Today's HandoffRequest (no reference attribute) is still queued."""
        plain = HandoffRequest("p", "c", "complaint", 1.0, True, ("complaint",))
        assert queue.add(plain, with_webhook=False)
        assert queue.get("p")["reference"] is None and queue.get("p")["topic"] is None

    @pytest.mark.parametrize(
        ("reason", "signals", "topic"),
        [
            ("topic:self_harm", ("topic:self_harm",), "self_harm"),
            ("topic:distress", ("topic:distress", "confirmed"), "distress"),  # an offer's yes
            ("complaint", ("complaint", "topic:medical"), "medical"),
            ("customer_request", ("customer_request",), None),
            ("topic:", ("topic:",), None),
        ],
    )
    def test_topic_of(self, reason: str, signals: tuple, topic: Optional[str]) -> None:
        """The topic is the first ``topic:<name>`` of the reason and the signals."""
        found = HandoffRequest("x", "c", reason, 1.0, True, signals)
        assert topic_of(found) == topic


class TestLookups:
    def test_by_reference(self, queue: HandoffQueue) -> None:
        """A reference finds its request, whatever the case; an unknown one finds nothing."""
        queue.add(request(1, reference="HR-7K3M-9QXA"), with_webhook=False)
        assert queue.by_reference("hr-7k3m-9qxa ")["id"] == "id-1"
        assert queue.by_reference("HR-0000-0000") is None and queue.by_reference("") is None

    def test_open_for(self, queue: HandoffQueue) -> None:
        """The newest open request of a conversation; None once it is resolved."""
        queue.add(request(1), with_webhook=False)
        newer = dataclasses.replace(request(2), conversation_id="c1")
        queue.add(newer, with_webhook=False)
        assert queue.open_for("c1")["id"] == "id-2"
        queue.resolve("id-2", "sam")
        assert queue.open_for("c1")["id"] == "id-1"
        queue.resolve("id-1", "sam")
        assert queue.open_for("c1") is None


class TestClaims:
    def test_claim_for(self, queue: HandoffQueue) -> None:
        """One agent claims an open request; the claim is theirs to repeat, nobody else's."""
        queue.add(request(1), with_webhook=False)
        assert queue.claim_for("id-1", "sam")
        claimed_at = queue.get("id-1")["claimed_at"]
        assert queue.claim_for("id-1", "sam") and not queue.claim_for("id-1", "kim")
        assert queue.get("id-1")["assignee"] == "sam"
        assert queue.get("id-1")["claimed_at"] == claimed_at
        queue.resolve("id-1", "sam")
        assert not queue.claim_for("id-1", "sam") and not queue.claim_for("nope", "sam")

    def test_assign(self, queue: HandoffQueue) -> None:
        """Assigning moves an open request to another agent; the first claim time stays."""
        queue.add(request(1), with_webhook=False)
        queue.claim_for("id-1", "sam")
        first = queue.get("id-1")["claimed_at"]
        assert queue.assign("id-1", "kim")
        assert queue.get("id-1")["assignee"] == "kim" and queue.get("id-1")["claimed_at"] == first
        queue.resolve("id-1", "kim")
        assert not queue.assign("id-1", "sam")


class TestOrderAndWait:
    def test_self_harm_first_then_oldest(self, queue: HandoffQueue) -> None:
        """Self-harm requests go first, each group oldest first; resolved ones are gone."""
        for i, reason in enumerate(
            [
                "customer_request",
                "topic:distress",
                "topic:self_harm",
                "complaint",
                "topic:self_harm",
            ]
        ):
            queue.add(request(i, reason), with_webhook=False)
        queue.resolve("id-3", "sam")
        assert [r["id"] for r in queue.ordered_open()] == ["id-2", "id-4", "id-0", "id-1"]

    def test_position_and_default_wait(self, queue: HandoffQueue) -> None:
        """Place counts waiting requests only; wait is place x the policy's minutes."""
        for i in range(3):
            queue.add(request(i), with_webhook=False)
        assert queue.position("id-2") == QueuePosition(3, 2, 3 * 300.0)
        queue.claim_for("id-0", "sam")  # with an agent: ahead of nobody
        assert queue.position("id-0") == QueuePosition(0, 0, 0.0)
        assert queue.position("id-2") == QueuePosition(2, 1, 600.0)
        queue.handle_minutes = lambda: 2.0
        assert queue.position("id-1").expected_wait_seconds == 120.0
        assert queue.position("nope") is None

    def test_wait_from_the_median_handling_time(self, queue: HandoffQueue) -> None:
        """Once requests were resolved, the median of (resolved - claimed, else - created)."""
        for i, (start, end) in enumerate([(100, 160), (200, 300), (None, 1500)]):
            queue.add(request(i), with_webhook=False)
            queue.resolve(f"id-{i}", "sam")
            set_times(queue, f"id-{i}", claimed_at=start, resolved_at=end)
        # handling: 60 s, 100 s and 1500 - 1002 = 498 s (never claimed): median 100 s
        assert queue.expected_handle_seconds() == 100.0
        queue.add(request(7), with_webhook=False)
        queue.add(request(8, "topic:self_harm"), with_webhook=False)
        assert queue.position("id-8") == QueuePosition(1, 0, 100.0)
        assert queue.position("id-7") == QueuePosition(2, 1, 200.0)
