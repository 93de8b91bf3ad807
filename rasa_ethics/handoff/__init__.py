"""Human handoff: the decision, the durable request queue, the webhook outbox and availability.

Names are loaded lazily (the agent channel pulls in Sanic and Rasa's agent).
"""

from __future__ import annotations

import importlib
from typing import Any, Dict

_EXPORTS: Dict[str, str] = {
    "AgentAccounts": "rasa_ethics.handoff.agents",
    "HandoffClient": "rasa_ethics.handoff.client",
    "HandoffRequest": "rasa_ethics.handoff.request",
    "HandoffDecision": "rasa_ethics.handoff.decision",
    "HandoffQueue": "rasa_ethics.handoff.queue",
    "WebhookWorker": "rasa_ethics.handoff.webhook",
    "is_available": "rasa_ethics.handoff.availability",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        msg = f"module 'rasa_ethics.handoff' has no attribute {name!r}"
        raise AttributeError(msg)
    return getattr(importlib.import_module(module), name)
