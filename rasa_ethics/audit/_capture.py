"""Process-wide hooks that let :func:`rasa_ethics.testing.capture_audit` see written records."""

from __future__ import annotations

import threading
from typing import Any

__all__ = ["CAPTURES", "deliver"]

#: Lists that receive a copy of every record once it is written; empty outside tests.
CAPTURES: list[list[dict[str, Any]]] = []
_LOCK = threading.Lock()


def deliver(records: list[dict[str, Any]]) -> None:
    """Append copies of ``records`` to every active capture."""
    with _LOCK:
        for sink in CAPTURES:
            sink.extend(dict(record) for record in records)


def add(sink: list[dict[str, Any]]) -> None:
    """Start delivering records to ``sink``."""
    with _LOCK:
        CAPTURES.append(sink)


def remove(sink: list[dict[str, Any]]) -> None:
    """Stop delivering records to ``sink``."""
    with _LOCK:
        CAPTURES[:] = [other for other in CAPTURES if other is not sink]
