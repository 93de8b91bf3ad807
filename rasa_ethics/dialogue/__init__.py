"""The dialogue side of rasa-ethics: EthicsPolicy, its detectors and the per-turn decision.

``EthicsIntentGuard`` (an NLU component) lives here too: it asks the same detectors whether an
ethics intent is backed by the message.

``rasa_ethics.dialogue.EthicsPolicy`` is the same class as ``rasa_ethics.EthicsPolicy``.  Names are
loaded lazily so that importing a detector does not import the Rasa policy machinery.
"""

from __future__ import annotations

import importlib
from typing import Any, Dict

_EXPORTS: Dict[str, str] = {
    "EthicsPolicy": "rasa_ethics.dialogue.rasa_policy",
    "EthicsIntentGuard": "rasa_ethics.dialogue.intent_guard",
    "Detectors": "rasa_ethics.dialogue.detectors",
    "PhraseMatcher": "rasa_ethics.dialogue.matcher",
    "analyse_turn": "rasa_ethics.dialogue.turn",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        msg = f"module 'rasa_ethics.dialogue' has no attribute {name!r}"
        raise AttributeError(msg)
    return getattr(importlib.import_module(module), name)
