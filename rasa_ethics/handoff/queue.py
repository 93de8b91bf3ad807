"""The durable queue of handoff requests: one SQL table, which is also the webhook outbox.

The table lives in the tracker store's database by default (so a handoff and the conversation it
belongs to are committed to the same place), or in ``handoff.store_url``.  Every Rasa replica reads
and writes the same rows; nothing is kept in process memory.

Delivery states (column ``delivery``): ``none`` (no webhook), ``pending`` (due at
``next_attempt_at``), ``sending`` (claimed by one worker until ``claimed_until``), ``delivered``,
``failed`` (parked after ``max_attempts``).  A claim is a conditional UPDATE, so two workers never
send the same row at once; a claim that outlives its lease (a crashed worker) becomes due again.

For the agent console (:mod:`rasa_ethics.handoff.queue_console`): the request's reference
(``HR-XXXX-XXXX``), its sensitive topic, the agent it is assigned to and when it was claimed.
Tables made before those columns existed get them on start (``ALTER TABLE ... ADD COLUMN``).
"""

from __future__ import annotations

import json
import time
from typing import Any, Callable, Dict, List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from rasa_ethics.handoff.queue_console import (
    OPEN,
    RESOLVED,
    ConsoleQueue,
    QueuePosition,
    add_missing_columns,
)
from rasa_ethics.handoff.request import HandoffRequest
from rasa_ethics.handoff.sqlite_file import private_sqlite_file

__all__ = ["DEFAULT_HANDLE_MINUTES", "HandoffQueue", "OPEN", "QueuePosition", "RESOLVED"]

NONE, PENDING, SENDING, DELIVERED, FAILED = "none", "pending", "sending", "delivered", "failed"

_metadata = sa.MetaData()
handoffs = sa.Table(
    "rasa_ethics_handoffs",
    _metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("reason", sa.String(100), nullable=False),
    sa.Column("signals", sa.Text, nullable=False, default="[]"),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("agent_available", sa.Boolean, nullable=False),
    sa.Column("transcript", sa.Text, nullable=False, default="[]"),
    sa.Column("status", sa.String(16), nullable=False, default=OPEN, index=True),
    sa.Column("resolved_at", sa.Float),
    sa.Column("resolved_by", sa.String(255)),
    sa.Column("delivery", sa.String(16), nullable=False, default=NONE, index=True),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", sa.Float),
    sa.Column("claimed_until", sa.Float),
    sa.Column("delivered_at", sa.Float),
    sa.Column("last_error", sa.String(255)),
    # the console's columns (added to older tables on start: add_missing_columns)
    sa.Column("reference", sa.String(16), index=True),
    sa.Column("topic", sa.String(100)),
    sa.Column("assignee", sa.String(255)),
    sa.Column("claimed_at", sa.Float),
)
TOPIC_PREFIX = (
    "topic:"  # a sensitive topic's reason and signal: "topic:self_harm" (dialogue/turn.py)
)
DEFAULT_HANDLE_MINUTES = 5.0

_DUE = sa.or_(
    sa.and_(handoffs.c.delivery == PENDING, handoffs.c.next_attempt_at <= sa.bindparam("now")),
    sa.and_(handoffs.c.delivery == SENDING, handoffs.c.claimed_until < sa.bindparam("now")),
)


class HandoffQueue(ConsoleQueue):
    """Queue, look up and resolve handoff requests; the outbox operations for the webhook worker;
    the console's claims, order and waiting times (:class:`ConsoleQueue`)."""

    table = handoffs

    def __init__(
        self, engine: Engine, handle_minutes: Callable[[], float] = lambda: DEFAULT_HANDLE_MINUTES
    ) -> None:
        """Use ``engine`` (the table is created, or given the columns it lacks).

        ``handle_minutes`` is the expected handling time before any request was resolved (the
        policy's ``handoff.expected_handle_minutes``; the tracker store passes its live policy's).
        """
        self.engine = engine
        self.handle_minutes = handle_minutes
        _metadata.create_all(engine, checkfirst=True)
        add_missing_columns(engine, handoffs)

    @classmethod
    def from_url(cls, url: str) -> HandoffQueue:
        """A store on its own database, e.g. ``sqlite:///handoffs.db`` or a PostgreSQL URL."""
        private_sqlite_file(url)
        return cls(sa.create_engine(url))

    def add(self, request: HandoffRequest, with_webhook: bool) -> bool:
        """Queue ``request``; False if it was queued before (by this or another replica)."""
        row = {
            "id": request.id,
            "conversation_id": request.conversation_id,
            "reason": request.reason,
            "signals": json.dumps(list(request.signals)),
            "created_at": request.created_at,
            "agent_available": request.available,
            "transcript": json.dumps(request.transcript, ensure_ascii=False),
            "status": OPEN,
            "delivery": PENDING if with_webhook else NONE,
            "attempts": 0,
            "next_attempt_at": time.time() if with_webhook else None,
            "reference": _text(getattr(request, "reference", None), 16),
            "topic": _text(topic_of(request), 100),
        }
        try:
            with self.engine.begin() as connection:
                connection.execute(handoffs.insert().values(**row))
        except IntegrityError:
            return False
        return True

    def _select(self, query: Any) -> List[Dict[str, Any]]:
        """The rows of ``query`` as dicts."""
        with self.engine.connect() as connection:
            return [_as_dict(row) for row in connection.execute(query)]

    def known(self, ids: List[str]) -> List[str]:
        """Which of ``ids`` are already queued."""
        if not ids:
            return []
        query = sa.select(handoffs.c.id).where(handoffs.c.id.in_(ids))
        with self.engine.connect() as connection:
            return [row.id for row in connection.execute(query)]

    def get(self, handoff_id: str) -> Optional[Dict[str, Any]]:
        """One request as a dict, or None."""
        query = sa.select(handoffs).where(handoffs.c.id == handoff_id)
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return _as_dict(row) if row else None

    def list(self, status: Optional[str] = OPEN, limit: int = 100) -> List[Dict[str, Any]]:
        """Requests, oldest first; ``status`` None lists all."""
        query = sa.select(handoffs).order_by(handoffs.c.created_at).limit(limit)
        if status:
            query = query.where(handoffs.c.status == status)
        with self.engine.connect() as connection:
            return [_as_dict(row) for row in connection.execute(query)]

    def resolve(self, handoff_id: str, by: Optional[str]) -> bool:
        """Mark a request resolved; False if it does not exist or was resolved already."""
        update = (
            handoffs.update()
            .where(handoffs.c.id == handoff_id, handoffs.c.status == OPEN)
            .values(status=RESOLVED, resolved_at=time.time(), resolved_by=by)
        )
        with self.engine.begin() as connection:
            return connection.execute(update).rowcount == 1

    # --- outbox -------------------------------------------------------------------------------

    def due(self, now: float, limit: int = 20) -> List[Dict[str, Any]]:
        """Rows whose webhook delivery is due (including leases that expired)."""
        query = sa.select(handoffs).where(_DUE).order_by(handoffs.c.created_at).limit(limit)
        with self.engine.connect() as connection:
            return [_as_dict(row) for row in connection.execute(query, {"now": now})]

    def claim(self, handoff_id: str, now: float, lease: float) -> bool:
        """Take one due row for sending; only one worker anywhere succeeds."""
        update = (
            handoffs.update()
            .where(handoffs.c.id == handoff_id, _DUE)
            .values(
                delivery=SENDING,
                claimed_until=now + lease,
                attempts=handoffs.c.attempts + 1,
            )
        )
        with self.engine.begin() as connection:
            return connection.execute(update, {"now": now}).rowcount == 1

    def delivered(self, handoff_id: str) -> None:
        """Record a successful delivery."""
        self._finish(handoff_id, delivery=DELIVERED, delivered_at=time.time(), last_error=None)

    def retry_later(self, handoff_id: str, at: Optional[float], error: str) -> None:
        """Record a failed attempt; ``at`` None parks the row as failed."""
        delivery = PENDING if at is not None else FAILED
        self._finish(handoff_id, delivery=delivery, next_attempt_at=at, last_error=error[:255])

    def next_due_at(self) -> Optional[float]:
        """When the earliest pending row becomes due, if any."""
        pending = sa.select(sa.func.min(handoffs.c.next_attempt_at)).where(
            handoffs.c.delivery == PENDING
        )
        leased = sa.select(sa.func.min(handoffs.c.claimed_until)).where(
            handoffs.c.delivery == SENDING
        )
        with self.engine.connect() as connection:
            times = [connection.execute(q).scalar() for q in (pending, leased)]
        times = [t for t in times if t is not None]
        return min(times) if times else None

    def _finish(self, handoff_id: str, **values: Any) -> None:
        update = (
            handoffs.update()
            .where(handoffs.c.id == handoff_id, handoffs.c.delivery == SENDING)
            .values(claimed_until=None, **values)
        )
        with self.engine.begin() as connection:
            connection.execute(update)


def topic_of(request: HandoffRequest) -> Optional[str]:
    """The sensitive topic of a request: its own ``topic``, else the first ``topic:<name>`` of its
    reason and signals (how dialogue/turn.py names a topic's reason), e.g. ``self_harm``."""
    explicit = getattr(request, "topic", None)
    if explicit:
        return str(explicit)
    for name in (request.reason, *request.signals):
        if name.startswith(TOPIC_PREFIX) and len(name) > len(TOPIC_PREFIX):
            return name[len(TOPIC_PREFIX) :]
    return None


def _text(value: Any, limit: int) -> Optional[str]:
    return str(value)[:limit] if value else None


def _as_dict(row: Any) -> Dict[str, Any]:
    data = dict(row._mapping)
    data["signals"] = json.loads(data["signals"] or "[]")
    data["transcript"] = json.loads(data["transcript"] or "[]")
    data["agent_available"] = bool(data["agent_available"])
    return data
