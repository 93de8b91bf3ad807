"""Customers' rights for operators: erasure, export, retention purge, subject keys, the register.

* :func:`~rasa_ethics.rights.locate.locate` opens a bot's SQL stores from its ``endpoints.yml``;
* :func:`~rasa_ethics.rights.erasure.erase` erases one conversation everywhere;
* :func:`~rasa_ethics.rights.export.export` exports one;
* :func:`~rasa_ethics.rights.purge.plan_purge` and :func:`~rasa_ethics.rights.purge.purge`
  apply ``privacy.retention_days``;
* :class:`~rasa_ethics.rights.register.RequestRegister` keeps every request and its deadline.

``rasa-ethics privacy`` is the command line over these (see ``docs/privacy.md``).  The functions
named like their modules (``locate``, ``export``, ``purge``) are imported from those modules.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "BotStores": "rasa_ethics.rights.locate",
    "Erased": "rasa_ethics.rights.erasure",
    "RequestRegister": "rasa_ethics.rights.register",
    "RightsError": "rasa_ethics.rights.locate",
    "TOMBSTONE_EVENT": "rasa_ethics.rights.tombstone",
    "conversation_export": "rasa_ethics.rights.export",
    "deadline": "rasa_ethics.rights.register",
    "erase": "rasa_ethics.rights.erasure",
    "erase_data": "rasa_ethics.rights.erasure",
    "plan_purge": "rasa_ethics.rights.purge",
    "tombstone": "rasa_ethics.rights.tombstone",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        msg = f"module 'rasa_ethics.rights' has no attribute {name!r}"
        raise AttributeError(msg)
    return getattr(importlib.import_module(module), name)
