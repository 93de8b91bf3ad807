"""The handoff queue as the agent console and the customer see it: claims, order, waiting time.

Mixed into :class:`~rasa_ethics.handoff.queue.HandoffQueue` (one table, one class for callers);
kept apart so each module stays small.  Also the start-up step that gives a table made by an
older version the columns added since (``ALTER TABLE ... ADD COLUMN``, SQLite and PostgreSQL).

Order: requests about self-harm first (topic ``self_harm``, or the reason ``topic:self_harm``
that dialogue/turn.py gives a sensitive topic), then the oldest first.  A customer's place counts
only requests still waiting for an agent: one an agent claimed is not ahead of anybody.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError

__all__ = ["OPEN", "RESOLVED", "SELF_HARM", "ConsoleQueue", "QueuePosition", "add_missing_columns"]

OPEN, RESOLVED = "open", "resolved"
SELF_HARM = "self_harm"
HANDLING_SAMPLE = 50  # resolved requests the median handling time is taken over


@dataclass(frozen=True)
class QueuePosition:
    """Where a waiting request is: ``place`` 1 is next; 0 means an agent has it already."""

    place: int
    ahead: int
    expected_wait_seconds: float


class ConsoleQueue:
    """The console's operations; the host class provides ``engine``, ``table``,
    ``handle_minutes`` and ``_select``."""

    engine: Engine
    table: sa.Table
    handle_minutes: Callable[[], float]

    def _select(self, query: Any) -> List[Dict[str, Any]]:  # pragma: no cover - HandoffQueue's
        raise NotImplementedError

    def by_reference(self, reference: str) -> Optional[Dict[str, Any]]:
        """The request with ``reference`` (e.g. ``HR-7K3M-9QXA``, any case), or None."""
        if not isinstance(reference, str) or not reference.strip():
            return None
        t = self.table
        query = (
            sa.select(t)
            .where(t.c.reference == reference.strip().upper())
            .order_by(t.c.created_at.desc())
            .limit(1)
        )
        found = self._select(query)
        return found[0] if found else None

    def open_for(self, conversation_id: str) -> Optional[Dict[str, Any]]:
        """The newest open request of a conversation, or None."""
        t = self.table
        query = (
            sa.select(t)
            .where(t.c.conversation_id == conversation_id, t.c.status == OPEN)
            .order_by(t.c.created_at.desc())
            .limit(1)
        )
        found = self._select(query)
        return found[0] if found else None

    def claim_for(self, handoff_id: str, agent_id: str) -> bool:
        """Take an open request nobody has; True also if ``agent_id`` has it already."""
        t = self.table
        claim = (
            t.update()
            .where(t.c.id == handoff_id, t.c.status == OPEN, t.c.assignee.is_(None))
            .values(assignee=agent_id, claimed_at=time.time())
        )
        holder = sa.select(t.c.assignee).where(t.c.id == handoff_id, t.c.status == OPEN)
        with self.engine.begin() as connection:
            if connection.execute(claim).rowcount == 1:
                return True
            row = connection.execute(holder).first()
        return row is not None and row.assignee == agent_id

    def assign(self, handoff_id: str, agent_id: str) -> bool:
        """Give an open request to ``agent_id`` (whoever had it); False if it is not open.

        ``claimed_at`` keeps the first claim: the handling time runs from when an agent first
        took the request.
        """
        t = self.table
        update = (
            t.update()
            .where(t.c.id == handoff_id, t.c.status == OPEN)
            .values(assignee=agent_id, claimed_at=sa.func.coalesce(t.c.claimed_at, time.time()))
        )
        with self.engine.begin() as connection:
            return connection.execute(update).rowcount == 1

    def ordered_open(self, limit: int = 500) -> List[Dict[str, Any]]:
        """Open requests, claimed or not: self-harm first, then the oldest first."""
        return self._select(self._in_order(sa.select(self.table)).limit(limit))

    def position(self, handoff_id: str) -> Optional[QueuePosition]:
        """Where an open request waits, and how long it may wait; None if it is not open.

        The expected wait is ``place`` times the median handling time
        (:meth:`expected_handle_seconds`).
        """
        t = self.table
        query = self._in_order(sa.select(t.c.id, t.c.assignee))
        with self.engine.connect() as connection:
            rows = list(connection.execute(query))
        mine = next((row for row in rows if row.id == handoff_id), None)
        if mine is None:
            return None
        if mine.assignee:
            return QueuePosition(place=0, ahead=0, expected_wait_seconds=0.0)
        waiting = [row.id for row in rows if not row.assignee]
        place = waiting.index(handoff_id) + 1
        wait = place * self.expected_handle_seconds()
        return QueuePosition(place=place, ahead=place - 1, expected_wait_seconds=wait)

    def expected_handle_seconds(self) -> float:
        """The median handling time of the last 50 resolved requests (resolved_at - claimed_at,
        else - created_at); ``handle_minutes()`` when none was resolved yet."""
        t = self.table
        started = sa.func.coalesce(t.c.claimed_at, t.c.created_at)
        query = (
            sa.select((t.c.resolved_at - started).label("seconds"))
            .where(t.c.status == RESOLVED, t.c.resolved_at.isnot(None))
            .order_by(t.c.resolved_at.desc())
            .limit(HANDLING_SAMPLE)
        )
        with self.engine.connect() as connection:
            found = [max(0.0, float(s)) for (s,) in connection.execute(query) if s is not None]
        if not found:
            return float(self.handle_minutes()) * 60.0
        return float(statistics.median(found))

    def _in_order(self, query: Any) -> Any:
        t = self.table
        self_harm = sa.or_(
            t.c.topic == SELF_HARM, t.c.reason.in_((SELF_HARM, f"topic:{SELF_HARM}"))
        )
        first = sa.case((self_harm, 0), else_=1)
        return query.where(t.c.status == OPEN).order_by(first, t.c.created_at, t.c.id)


def add_missing_columns(engine: Engine, table: sa.Table) -> None:
    """Add the columns of ``table`` an existing database table lacks (all nullable), and their
    indexes.  Two replicas starting at once may both try: the loser finds the column there."""
    missing = [col for col in table.columns if col.name not in _columns(engine, table)]
    for column in missing:
        if not column.nullable:
            msg = f"{table.name}.{column.name} is missing and cannot be added to existing rows"
            raise RuntimeError(msg)
        quote = engine.dialect.identifier_preparer.quote
        kind = column.type.compile(dialect=engine.dialect)
        ddl = f"ALTER TABLE {quote(table.name)} ADD COLUMN {quote(column.name)} {kind}"
        try:
            with engine.begin() as connection:
                connection.execute(sa.text(ddl))
        except (OperationalError, ProgrammingError):
            if column.name not in _columns(engine, table):
                raise
    for index in table.indexes:
        if any(col in missing for col in index.columns):
            try:
                index.create(engine, checkfirst=True)
            except (OperationalError, ProgrammingError):
                if index.name not in {
                    i["name"] for i in sa.inspect(engine).get_indexes(table.name)
                }:
                    raise


def _columns(engine: Engine, table: sa.Table) -> set:
    return {column["name"] for column in sa.inspect(engine).get_columns(table.name)}
