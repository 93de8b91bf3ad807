"""Export one conversation: what is stored of it, as JSON, and nothing of any other.

The export holds the stored events (already redacted: what Rasa's SQL or Redis store keeps), the
*names* of the slots whose values sit encrypted in the vault (never the values: a chat alone
does not prove who asks), and the handoff requests of the conversation without their
transcripts (which repeat the events).  Every row is selected by exact equality on the
conversation id (or its keyed hash, in the vault), never by a pattern.
"""

from __future__ import annotations

import time
from typing import Any, Dict, List, Optional

import sqlalchemy as sa

from rasa_ethics.audit.records import format_ts
from rasa_ethics.inputs import safe_sender_id
from rasa_ethics.rights.erasure import open_request
from rasa_ethics.rights.locate import BotStores, NothingStored
from rasa_ethics.rights.register import DONE
from rasa_ethics.rights.trail import PrivacyTrail

__all__ = ["EXPORT_FORMAT", "conversation_export", "export"]

EXPORT_FORMAT = "rasa-ethics export v1"
_HANDOFF_FIELDS = ("id", "created_at", "reason", "status", "resolved_at")


def conversation_export(stores: BotStores, conversation_id: str) -> Dict[str, Any]:
    """The export document of one conversation; RightsError when nothing is stored of it."""
    events = stores.conversations.events(conversation_id)
    handoffs = _handoffs(stores, conversation_id)
    if not events and not handoffs:
        msg = f"nothing is stored of conversation {conversation_id!r}"
        raise NothingStored(msg)
    return {
        "format": EXPORT_FORMAT,
        "conversation_id": conversation_id,
        "exported_at": format_ts(time.time()),
        "events": events,
        "vault_fields": _vault_fields(stores, conversation_id),
        "handoffs": handoffs,
    }


def export(
    stores: BotStores, conversation_id: str, operator: str, reference: Optional[str] = None
) -> Dict[str, Any]:
    """Export on an operator's request: register the request as done and audit it."""
    conversation = safe_sender_id(conversation_id)
    trail = PrivacyTrail(stores.policy)
    document = conversation_export(stores, conversation)  # nothing stored: nothing registered
    request = open_request(stores, trail, "export", conversation, reference)
    document["reference"] = request["reference"]
    counts = {
        "events": len(document["events"]),
        "vault_fields": len(document["vault_fields"]),
        "handoffs": len(document["handoffs"]),
    }
    trail.open()  # a trail that cannot be written stops the export before it is marked done
    try:
        stores.register.close(request["reference"], operator, DONE)
        fields = {"subject": request["subject"], "reference": request["reference"], **counts}
        trail.write([trail.record("export", operator, **fields)])
    finally:
        trail.close()
    return document


def _handoffs(stores: BotStores, conversation_id: str) -> List[Dict[str, Any]]:
    table = stores.handoffs
    if not stores.has_table(table):
        return []
    columns = [table.c[name] for name in _HANDOFF_FIELDS]
    query = sa.select(*columns).where(table.c.conversation_id == conversation_id)
    with stores.plugin_engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query.order_by(table.c.created_at))]


def _vault_fields(stores: BotStores, conversation_id: str) -> List[str]:
    vault = stores.vault()
    return vault.fields(conversation_id) if vault is not None else []
