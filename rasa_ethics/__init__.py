"""rasa-ethics: ethics compliance for Rasa 3.6 bots.

The classes users name in ``config.yml`` and ``endpoints.yml`` are importable from the top level,
e.g. ``rasa_ethics.EthicsImporter``.  They are loaded lazily, so ``import rasa_ethics`` stays cheap
for the CLI and for Rasa's own module loading.
"""

from __future__ import annotations

import importlib
from typing import Any, Dict

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: Dict[str, str] = {
    "AgentChannel": "rasa_ethics.channels.agent",
    "WebChatChannel": "rasa_ethics.channels.web_chat",
    "EthicsImporter": "rasa_ethics.importer.ethics_importer",
    "EthicsNLG": "rasa_ethics.nlg.generator",
    "EthicsPolicy": "rasa_ethics.dialogue.rasa_policy",
    "EthicsIntentGuard": "rasa_ethics.dialogue.intent_guard",
    "RedactingTrackerStore": "rasa_ethics.stores.tracker_store",
    "load_policy": "rasa_ethics.policy",
    "LivePolicy": "rasa_ethics.policy",
    "PolicyError": "rasa_ethics.policy",
    "PIIEngine": "rasa_ethics.pii",
    "PIIDetector": "rasa_ethics.nlu.pii_detector",
    "AuditEventBroker": "rasa_ethics.audit.broker",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        msg = f"module 'rasa_ethics' has no attribute {name!r}"
        raise AttributeError(msg)
    return getattr(importlib.import_module(module), name)
