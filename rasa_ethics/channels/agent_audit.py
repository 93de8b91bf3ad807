"""The agent console's actions in the audit trail: one ``ethics_agent_action`` event each.

The event goes to the bot's :class:`~rasa_ethics.audit.broker.AuditEventBroker`, which records
it as an ``agent_action`` (the action, the agent's id, the handoff, a pseudonym of the
conversation; never a text) and does not pass it on to an inner broker.  A bot without the audit
broker has no trail to record in.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Dict, Optional

from sanic.request import Request

from rasa_ethics.audit.broker import AuditEventBroker

__all__ = ["AGENT_ACTION_EVENT", "audit_action", "audit_request"]

logger = logging.getLogger(__name__)

AGENT_ACTION_EVENT = "ethics_agent_action"


def audit_request(request: Request, action: str, agent: str, **fields: Any) -> None:
    """Record ``action`` by ``agent`` that concerns no conversation (signing in or out)."""
    bot = getattr(request.app.ctx, "agent", None)
    if bot is not None:
        audit_action(bot.tracker_store, action, agent, None, **fields)


def audit_action(
    store: Any, action: str, agent: str, row: Optional[Dict[str, Any]], **fields: Any
) -> None:
    """Record ``action`` by ``agent`` on the handoff ``row`` (or none) through ``store``'s broker.

    ``fields``: ``assignee`` (claim, assign) and ``presence`` (presence).
    """
    broker = getattr(store, "event_broker", None)
    if not isinstance(broker, AuditEventBroker):
        return
    event = {
        "event": AGENT_ACTION_EVENT,
        "sender_id": row["conversation_id"] if row else None,
        "timestamp": time.time(),
        "action": action,
        "agent": agent,
        "handoff": row["id"] if row else None,
        "assignee": fields.get("assignee"),
        "presence": fields.get("presence"),
    }
    try:
        broker.publish(event)
    except Exception as exc:  # noqa: BLE001 - the action was done; say the record failed
        logger.error("rasa-ethics console: audit of %s failed (%s)", action, type(exc).__name__)
