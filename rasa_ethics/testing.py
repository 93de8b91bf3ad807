"""Helpers for testing bots that use rasa-ethics, in the spirit of ``structlog.testing``.

:func:`capture_audit` collects the audit records that every :class:`~rasa_ethics.AuditEventBroker`
(and :class:`~rasa_ethics.audit.writer.AuditWriter`) in the process writes while it is active::

    from rasa_ethics.testing import assert_record, capture_audit

    with capture_audit() as records:
        await agent.handle_text("I want to talk to a human", sender_id="t1")
    assert_record(records, type="handoff", reason="customer_request")

Records are captured once they are on disk, as the dicts that were written (with ``seq``,
``prev`` and ``hash``).  Leaving the block, and every assert helper, first waits for the writers
to flush, so records of the turn just handled are there.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from rasa_ethics.audit import _capture
from rasa_ethics.audit.writer import flush_all

__all__ = ["assert_no_record", "assert_record", "capture_audit", "find_records"]

AuditRecord = dict[str, Any]


@contextmanager
def capture_audit() -> Iterator[list[AuditRecord]]:
    """Collect the audit records written in this process while the block runs."""
    records: list[AuditRecord] = []
    _capture.add(records)
    try:
        yield records
        flush_all()
    finally:
        _capture.remove(records)


def find_records(records: Sequence[Mapping[str, Any]], **match: Any) -> list[AuditRecord]:
    """The records whose fields equal every ``key=value`` in ``match`` (flushes writers first)."""
    flush_all()
    return [dict(r) for r in records if all(k in r and r[k] == v for k, v in match.items())]


def assert_record(
    records: Sequence[Mapping[str, Any]], count: int = 0, **match: Any
) -> AuditRecord:
    """Assert that a record matches ``match`` (exactly ``count`` if given); return the first.

    Example: ``assert_record(records, type="handoff", reason="customer_request")``.
    """
    found = find_records(records, **match)
    if not found or (count and len(found) != count):
        wanted = ", ".join(f"{k}={v!r}" for k, v in match.items())
        seen = sorted({str(r.get("type")) for r in records})
        expected = f"{count} records" if count else "a record"
        msg = f"expected {expected} with {wanted}; found {len(found)} (record types seen: {seen})"
        raise AssertionError(msg)
    return found[0]


def assert_no_record(records: Sequence[Mapping[str, Any]], **match: Any) -> None:
    """Assert that no record matches ``match``."""
    found = find_records(records, **match)
    if found:
        wanted = ", ".join(f"{k}={v!r}" for k, v in match.items())
        msg = f"expected no record with {wanted}; found {len(found)}: {found[0]}"
        raise AssertionError(msg)
