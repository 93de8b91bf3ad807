"""The request register: every rights request (erase, export, opt-out), its deadline and state.

One SQL table, ``rasa_ethics_privacy_requests``, in the plugin's database (beside the handoff
queue and the vault).  A request gets a reference number (``PR-7K3M-9QXA``) that the customer
can quote and the operator can look up.  Its legal deadline follows ``privacy.jurisdiction``:
GDPR Art. 12(3) gives one month from receipt (the same day of the next month, or that month's
last day), CCPA §1798.130(a)(2) gives 45 days.

When a conversation is erased, every request of it forgets the conversation id and keeps only
the audit pseudonym (``subject``), so the register itself holds nothing that identifies it.
"""

from __future__ import annotations

import calendar
import secrets
import time
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

__all__ = [
    "DONE",
    "KINDS",
    "OPEN",
    "REFUSED",
    "RequestRegister",
    "deadline",
    "requests_table",
]

KINDS = ("erase", "export", "opt_out")
OPEN, DONE, REFUSED = "open", "done", "refused"
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U to misread
_CCPA_DAYS = 45

_metadata = sa.MetaData()
requests_table = sa.Table(
    "rasa_ethics_privacy_requests",
    _metadata,
    sa.Column("reference", sa.String(16), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("conversation_id", sa.String(255), index=True),  # None once it was erased
    sa.Column("subject", sa.String(64), nullable=False),  # the audit pseudonym
    sa.Column("jurisdiction", sa.String(8), nullable=False),
    sa.Column("received_at", sa.Float, nullable=False),
    sa.Column("deadline_at", sa.Float, nullable=False, index=True),
    sa.Column("state", sa.String(16), nullable=False, index=True),
    sa.Column("via", sa.String(16), nullable=False),  # chat | operator
    sa.Column("acted_by", sa.String(255)),
    sa.Column("acted_at", sa.Float),
)


def deadline(received_at: float, jurisdiction: str) -> float:
    """When a request received at ``received_at`` must be answered under ``jurisdiction``."""
    if jurisdiction == "ccpa":
        return received_at + _CCPA_DAYS * 86400.0
    if jurisdiction != "gdpr":
        msg = f"unknown jurisdiction {jurisdiction!r}; use 'gdpr' or 'ccpa'"
        raise ValueError(msg)
    received = datetime.fromtimestamp(received_at, tz=timezone.utc)
    # months counted from year 0: received.month - 1 is this month, + 1 the next one
    year, month0 = divmod(received.year * 12 + received.month, 12)
    month = month0 + 1
    day = min(received.day, calendar.monthrange(year, month)[1])
    return received.replace(year=year, month=month, day=day).timestamp()


def new_reference() -> str:
    """A fresh reference number, e.g. ``PR-7K3M-9QXA`` (40 random bits)."""
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"PR-{chars[:4]}-{chars[4:]}"


class RequestRegister:
    """File, look up, close and list rights requests."""

    def __init__(self, engine: Engine) -> None:
        """Use ``engine`` (the table is created if missing)."""
        self.engine = engine
        self.table = requests_table
        _metadata.create_all(engine, checkfirst=True)

    def file(
        self,
        kind: str,
        conversation_id: str,
        subject: str,
        jurisdiction: str,
        via: str,
        received_at: Optional[float] = None,
    ) -> Dict[str, Any]:
        """Register a new open request; the row as a dict (with its ``reference``)."""
        if kind not in KINDS:
            msg = f"unknown request kind {kind!r}; use one of {', '.join(KINDS)}"
            raise ValueError(msg)
        received = time.time() if received_at is None else received_at
        row = {
            "reference": new_reference(),
            "kind": kind,
            "conversation_id": conversation_id,
            "subject": subject,
            "jurisdiction": jurisdiction,
            "received_at": received,
            "deadline_at": deadline(received, jurisdiction),
            "state": OPEN,
            "via": via,
        }
        with self.engine.begin() as conn:
            conn.execute(requests_table.insert().values(**row))
        return {**row, "acted_by": None, "acted_at": None}

    def get(self, reference: str) -> Optional[Dict[str, Any]]:
        """One request, or None."""
        query = sa.select(requests_table).where(requests_table.c.reference == reference.upper())
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return dict(row._mapping) if row else None

    def latest(self, conversation_id: str, kind: str) -> Optional[Dict[str, Any]]:
        """The conversation's latest request of ``kind`` that was not refused, or None.

        The tracker store asks this for ``opt_out`` on each save of a conversation it does not
        already keep in memory: the register is the opt-out's durable, shared mark.
        """
        table = requests_table
        query = (
            sa.select(table)
            .where(
                table.c.conversation_id == conversation_id,
                table.c.kind == kind,
                table.c.state != REFUSED,
            )
            .order_by(table.c.received_at.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return dict(row._mapping) if row else None

    def close(self, reference: str, by: str, state: str = DONE) -> bool:
        """Mark an open request done (or refused); False if it is not open."""
        update = (
            requests_table.update()
            .where(requests_table.c.reference == reference, requests_table.c.state == OPEN)
            .values(state=state, acted_by=by, acted_at=time.time())
        )
        with self.engine.begin() as conn:
            return bool(conn.execute(update).rowcount == 1)

    def forget(self, conversation_id: str) -> int:
        """Drop the conversation id from its requests (after erasure); the number changed."""
        update = (
            requests_table.update()
            .where(requests_table.c.conversation_id == conversation_id)
            .values(conversation_id=None)
        )
        with self.engine.begin() as conn:
            return int(conn.execute(update).rowcount)

    def list(self, overdue: bool = False, now: Optional[float] = None) -> List[Dict[str, Any]]:
        """Requests by deadline; ``overdue``: only open ones past their deadline."""
        query = sa.select(requests_table).order_by(
            requests_table.c.deadline_at, requests_table.c.received_at
        )
        if overdue:
            query = query.where(
                requests_table.c.state == OPEN,
                requests_table.c.deadline_at < (time.time() if now is None else now),
            )
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]
