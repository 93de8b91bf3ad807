"""The tamper-evident, PII-free audit trail.

* :class:`AuditEventBroker` records every turn from Rasa's event stream (``endpoints.yml``).
* :class:`AuditWriter` appends hash-chained JSON lines from a background thread and signs
  checkpoints with an Ed25519 key (:func:`load_signing_key`).
* :func:`verify_trail` checks a trail with the public key alone; :func:`summarise` and
  :func:`render_html` report on it.

Names are imported lazily, so ``rasa-ethics audit verify`` does not load Rasa.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "AuditConfigError": "rasa_ethics.audit.broker",
    "AuditEventBroker": "rasa_ethics.audit.broker",
    "AuditTrailError": "rasa_ethics.audit.rotation",
    "AuditWriter": "rasa_ethics.audit.writer",
    "EventMapper": "rasa_ethics.audit.events",
    "Problem": "rasa_ethics.audit.verify",
    "Pseudonymizer": "rasa_ethics.audit.pseudonym",
    "RECORD_TYPES": "rasa_ethics.audit.records",
    "SigningKey": "rasa_ethics.audit.signing",
    "SigningKeyError": "rasa_ethics.audit.signing",
    "SigningReport": "rasa_ethics.audit.verify",
    "Summary": "rasa_ethics.audit.report",
    "VerifyResult": "rasa_ethics.audit.verify",
    "discover_trails": "rasa_ethics.audit.files",
    "generate_key_file": "rasa_ethics.audit.signing",
    "load_signing_key": "rasa_ethics.audit.signing",
    "read_records": "rasa_ethics.audit.report",
    "render_html": "rasa_ethics.audit.html",
    "summarise": "rasa_ethics.audit.report",
    "verify_trail": "rasa_ethics.audit.verify",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        msg = f"module 'rasa_ethics.audit' has no attribute {name!r}"
        raise AttributeError(msg)
    return getattr(importlib.import_module(module), name)
