"""Retention: delete every conversation whose last event is older than ``privacy.retention_days``.

:func:`plan_purge` finds the conversations and counts their rows without deleting anything (what
``--dry-run`` prints); :func:`purge` deletes exactly those, each one only if it still has no
event newer than the cut-off (a customer who came back in between keeps the conversation), so
the counts it reports are what was deleted.  Handoff rows and subject keys of conversations that
no longer have events (e.g. in a separate ``handoff.store_url`` database) go too when they are
older than the cut-off (expired vault values are deleted by the running store itself).  On a
Redis store the keys also expire by themselves (:func:`rasa_ethics.rights.conversations.
follow_retention`); a purge finds the keys stored before with a longer expiry or none.  Every
purge writes one ``purge`` record to the privacy trail and one tombstone per conversation to the
broker.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import List, Optional

import sqlalchemy as sa

from rasa_ethics.rights.erasure import Erased, count_rows, erase_data
from rasa_ethics.rights.locate import BotStores, RightsError
from rasa_ethics.rights.tombstone import RETENTION, tombstone
from rasa_ethics.rights.trail import PrivacyTrail

__all__ = ["PurgePlan", "PurgeResult", "delete_and_audit", "plan_purge", "purge"]

_DAY = 86400.0


@dataclass
class PurgePlan:
    """What a purge with this cut-off would delete."""

    cutoff: float
    retention_days: int
    conversations: List[str]
    counts: Erased


@dataclass
class PurgeResult:
    """What a purge deleted."""

    plan: PurgePlan
    deleted: Erased = field(default_factory=Erased)
    conversations: int = 0
    tombstones: int = 0


def plan_purge(stores: BotStores, now: Optional[float] = None) -> PurgePlan:
    """The conversations past the policy's retention period, and their row counts."""
    days = stores.policy.privacy.retention_days
    if days is None:
        msg = "the policy sets no retention period; add e.g.\n  privacy:\n    retention_days: 180"
        raise RightsError(msg)
    cutoff = (time.time() if now is None else now) - days * _DAY
    conversations = sorted(set(_stale(stores, cutoff)) | set(_orphans(stores, cutoff)))
    counts = Erased()
    for conversation in conversations:
        counts.add(count_rows(stores, conversation))
    return PurgePlan(cutoff, days, conversations, counts)


def purge(stores: BotStores, plan: PurgePlan, operator: str) -> PurgeResult:
    """Delete what ``plan`` found (unless it has new events), audit it, tombstone it."""
    result, stones = delete_and_audit(stores, plan, operator)
    result.tombstones = stores.publish(stones)
    return result


def delete_and_audit(
    stores: BotStores, plan: PurgePlan, operator: str
) -> "tuple[PurgeResult, List[dict]]":
    """:func:`purge` but the publishing: the result and the tombstones still to publish (the
    server's schedule deletes in a worker thread and publishes on its event loop)."""
    stores.vault()  # a missing vault key stops here, before anything is deleted
    trail = PrivacyTrail(stores.policy)
    trail.open()  # ... and so does a trail that cannot be written
    try:
        stores.check_broker()
        result, purged = _delete(stores, plan)
        record = trail.record(
            "purge",
            operator,
            retention_days=plan.retention_days,
            cutoff=round(plan.cutoff, 3),
            conversations=result.conversations,
            **result.deleted.as_dict(),
        )
        trail.write([record])
    finally:
        trail.close()
    return result, [tombstone(c, RETENTION, None) for c in purged]


def _delete(stores: BotStores, plan: PurgePlan) -> "tuple[PurgeResult, List[str]]":
    """Erase the planned conversations that still have no newer event; and which those were."""
    result, purged = PurgeResult(plan), []
    for conversation in plan.conversations:
        erased = erase_data(stores, conversation, before=plan.cutoff)
        if erased != Erased():
            purged.append(conversation)
            result.deleted.add(erased)
    result.conversations = len(purged)
    return result, purged


def _stale(stores: BotStores, cutoff: float) -> List[str]:
    """Conversations whose newest event is older than ``cutoff``."""
    return stores.conversations.stale(cutoff)


def _orphans(stores: BotStores, cutoff: float) -> List[str]:
    """Conversations with old handoff rows or subject keys and no events at all."""
    found = set()
    with stores.plugin_engine.connect() as conn:
        for table, column in ((stores.handoffs, "created_at"), (stores.subjects, "first_seen")):
            if stores.has_table(table):
                query = sa.select(table.c.conversation_id).where(table.c[column] < cutoff)
                found |= {row.conversation_id for row in conn.execute(query.distinct())}
    return [c for c in sorted(found) if not _has_events(stores, c)]


def _has_events(stores: BotStores, conversation: str) -> bool:
    return stores.conversations.has_events(conversation)
