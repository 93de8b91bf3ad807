"""The tombstone: the event that tells the event broker's consumers to forget a conversation.

Rasa published every event of the conversation to the broker while it ran, and rasa-ethics
cannot reach into Kafka topics, RabbitMQ queues or what their consumers stored.  So an erasure
(or a purge) publishes one more event, in the shape of Rasa's own events, for consumers to act
on::

    {"sender_id": "<conversation id>", "event": "rasa_ethics_erasure", "timestamp": 1764…,
     "version": 1, "reason": "request" | "retention", "reference": "PR-7K3M-9QXA" | null}

A consumer that keeps conversations deletes everything it holds under ``sender_id`` (and drops
later events of it with an older ``timestamp``).  The tombstone carries no content.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Dict, List, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

__all__ = [
    "REQUEST",
    "RETENTION",
    "TOMBSTONE_EVENT",
    "BrokerError",
    "check_broker",
    "publish_tombstones",
    "tombstone",
]

TOMBSTONE_EVENT = "rasa_ethics_erasure"
REQUEST, RETENTION = "request", "retention"


class BrokerError(Exception):
    """The broker that should get tombstones could not be reached."""


def tombstone(
    conversation_id: str, reason: str, reference: Optional[str], now: Optional[float] = None
) -> Dict[str, Any]:
    """The tombstone event of one conversation."""
    return {
        "sender_id": conversation_id,
        "event": TOMBSTONE_EVENT,
        "timestamp": time.time() if now is None else now,
        "version": 1,
        "reason": reason,
        "reference": reference,
    }


async def _open(config: Dict[str, Any]) -> EventBroker:
    broker = await EventBroker.create(EndpointConfig.from_dict(config))
    if broker is None:  # Rasa only logs a warning when a broker cannot be created
        msg = f"the event broker of type {config.get('type')!r} could not be created (see the log)"
        raise BrokerError(msg)
    return broker


async def _publish(config: Dict[str, Any], events: List[Dict[str, Any]]) -> None:
    broker = await _open(config)
    try:
        for event in events:
            broker.publish(event)
    finally:
        await broker.close()


def check_broker(config: Optional[Dict[str, Any]]) -> None:
    """Open and close the broker once, so an erasure never starts when tombstones cannot follow."""
    if config is not None:
        asyncio.run(_publish(config, []))


def publish_tombstones(config: Optional[Dict[str, Any]], events: List[Dict[str, Any]]) -> int:
    """Publish ``events`` to the broker of ``config``; the number published (0 without one)."""
    if config is None or not events:
        return 0
    asyncio.run(_publish(config, events))
    return len(events)
