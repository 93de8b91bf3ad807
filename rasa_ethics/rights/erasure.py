"""Erase one conversation everywhere rasa-ethics and Rasa's tracker store keep it.

What goes (:func:`erase_data`): its events (Rasa's ``events`` table of a SQL store, its key in a
Redis store: :mod:`rasa_ethics.rights.conversations`), its handoff rows (with
their transcripts), its vault values, its subject keys, and its id in the request register.
What stays: the audit trail, which holds only its pseudonym and names and gets an ``erasure``
record (so the chain is untouched), and the request's reference number.  The broker's
consumers get a tombstone (:mod:`rasa_ethics.rights.tombstone`).

:func:`erase` is the whole operation: check the broker, delete, record, publish.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Dict, Optional

import sqlalchemy as sa

from rasa_ethics.inputs import safe_sender_id
from rasa_ethics.rights.locate import BotStores, NothingStored, RightsError
from rasa_ethics.rights.register import DONE, OPEN
from rasa_ethics.rights.tombstone import REQUEST, tombstone
from rasa_ethics.rights.trail import PrivacyTrail

__all__ = ["Erased", "ErasureResult", "count_rows", "erase", "erase_data", "open_request"]


@dataclass
class Erased:
    """How many rows of each kind one erasure (or a purge) deleted."""

    events: int = 0
    handoffs: int = 0
    vault: int = 0
    subjects: int = 0
    requests: int = 0  # register rows that forgot the conversation id (they stay)

    def add(self, other: Erased) -> None:
        """Add ``other``'s counts to these."""
        for key, value in asdict(other).items():
            setattr(self, key, getattr(self, key) + value)

    def as_dict(self) -> Dict[str, int]:
        """The counts by kind."""
        return asdict(self)


@dataclass
class ErasureResult:
    """What :func:`erase` did."""

    conversation_id: str
    reference: str
    subject: str
    erased: Erased
    tombstones: int


def erase_data(stores: BotStores, conversation_id: str, before: Optional[float] = None) -> Erased:
    """Delete every row of one conversation; ``before``: only if its last event is older.

    ``before`` is the retention cut-off of a purge: a conversation that got a new event since
    the purge was planned is left alone (nothing is deleted, all counts are 0).
    """
    counts = Erased()
    deleted = stores.conversations.delete(conversation_id, before)
    if deleted is None:  # it has an event newer than the cut-off
        return counts
    counts.events = deleted
    counts.add(_plugin_rows(stores, conversation_id))
    return counts


def _plugin_rows(stores: BotStores, conversation_id: str) -> Erased:
    counts = Erased()
    vault = stores.vault()
    if vault is not None:
        counts.vault = vault.forget(conversation_id)
    with stores.plugin_engine.begin() as conn:
        for table, attribute in ((stores.handoffs, "handoffs"), (stores.subjects, "subjects")):
            if stores.has_table(table):
                query = table.delete().where(table.c.conversation_id == conversation_id)
                setattr(counts, attribute, int(conn.execute(query).rowcount))
    counts.requests = stores.register.forget(conversation_id)
    return counts


def erase(
    stores: BotStores,
    conversation_id: str,
    operator: str,
    reference: Optional[str] = None,
    via: str = "operator",
    in_memory: bool = False,
) -> ErasureResult:
    """Erase a conversation on a request, register it, audit it, tombstone it.

    ``reference`` closes a request filed before (e.g. in the chat); without it a request is
    filed (received ``via`` the operator or the chat) and closed now.  Nothing is deleted when
    the vault key, the privacy trail or the broker cannot be reached.  ``in_memory``: the
    conversation is also kept in the process's memory (opted out), so having nothing stored is
    no mistake of the id.  The tombstone goes out only when events were stored: an opted-out
    conversation that never reached the store never reached the broker either.
    """
    conversation = safe_sender_id(conversation_id)
    if not in_memory and count_rows(stores, conversation) == Erased():
        msg = f"nothing is stored of conversation {conversation!r} (check the id); nothing done"
        raise NothingStored(msg)
    trail = PrivacyTrail(stores.policy)
    stores.vault()  # a missing vault key stops here, before anything is filed or deleted
    trail.open()  # ... and so does a trail that cannot be written
    try:
        stores.check_broker()  # ... and a broker that cannot take the tombstone
        request = open_request(stores, trail, "erase", conversation, reference, via)
        erased = erase_data(stores, conversation)
        stores.register.close(request["reference"], operator, DONE)
        fields = {"subject": request["subject"], "reference": request["reference"]}
        trail.write(
            [trail.record("erasure", operator, reason=REQUEST, **fields, **erased.as_dict())]
        )
    finally:
        trail.close()
    stones = [tombstone(conversation, REQUEST, request["reference"])] if erased.events else []
    sent = stores.publish(stones)
    return ErasureResult(conversation, request["reference"], request["subject"], erased, sent)


def open_request(
    stores: BotStores,
    trail: PrivacyTrail,
    kind: str,
    conversation: str,
    reference: Optional[str],
    via: str = "operator",
) -> Dict[str, Any]:
    """The open request to close: the one named, or a new one filed now (``via`` whom)."""
    if reference is None:
        return stores.register.file(
            kind,
            conversation,
            trail.subject(conversation),
            stores.policy.privacy.jurisdiction,
            via=via,
        )
    found = stores.register.get(reference)
    if found is None:
        msg = f"no request {reference} in the register (`rasa-ethics privacy requests`)"
        raise RightsError(msg)
    if found["kind"] != kind or found["state"] != OPEN:
        msg = f"request {reference} is {found['state']} ({found['kind']}), not an open {kind}"
        raise RightsError(msg)
    if found["conversation_id"] != conversation:
        msg = f"request {reference} belongs to another conversation"
        raise RightsError(msg)
    return found


def count_rows(stores: BotStores, conversation: str) -> Erased:
    """The rows :func:`erase_data` would delete (register rows: those that would forget it)."""
    counts = Erased(events=stores.conversations.count(conversation))
    counts.handoffs = _rows(stores, stores.handoffs, "conversation_id", conversation)
    counts.subjects = _rows(stores, stores.subjects, "conversation_id", conversation)
    counts.requests = _rows(stores, stores.register.table, "conversation_id", conversation)
    vault = stores.vault()
    counts.vault = vault.count(conversation) if vault is not None else 0
    return counts


def _rows(stores: BotStores, table: sa.Table, column: str, value: str) -> int:
    if not stores.has_table(table):
        return 0
    query = sa.select(sa.func.count()).select_from(table).where(table.c[column] == value)
    with stores.plugin_engine.connect() as conn:
        return int(conn.execute(query).scalar() or 0)
