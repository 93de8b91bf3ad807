"""The conversation events of a bot's tracker store, as the rights operations need them.

Erasure, export and purge ask the same five things of whichever store Rasa keeps conversations
in: how many events one conversation has, what they are, delete them (during a purge only if the
conversation has no event newer than the cut-off), which conversations are older than a cut-off,
and whether one has any event at all.  :class:`SQLEvents` answers them from Rasa's ``events``
table (SQLite, PostgreSQL), :class:`RedisEvents` from the one key per conversation of Rasa's
``RedisTrackerStore``.  Every other store is refused: :func:`refuse_unerasable` at start-up, when
the policy promises deletion (in-chat erasure, a retention period), and :func:`events_of`
whenever an operation is asked for.

On Redis, retention works through the key's expiry: :func:`follow_retention` lowers the inner
store's ``record_exp`` to the retention period, so a conversation's key expires that long after
its last save.  A purge still finds and deletes keys stored before (without an expiry, or a
longer one).
"""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, Iterator, List, Mapping, Optional, Protocol

import sqlalchemy as sa
from rasa.core.tracker_store import (
    DynamoTrackerStore,
    InMemoryTrackerStore,
    MongoTrackerStore,
    RedisTrackerStore,
    SQLTrackerStore,
    TrackerStore,
)
from rasa.shared.utils.common import class_from_module_path
from sqlalchemy.engine import Engine

from rasa_ethics.policy import LoadedPolicy

__all__ = [
    "ConversationEvents",
    "RedisEvents",
    "SQLEvents",
    "UnerasableStore",
    "events_of",
    "follow_retention",
    "refuse_unerasable",
]

logger = logging.getLogger(__name__)

_DAY = 86400
_SCAN_BATCH = 500
_BUILTIN: Dict[str, type] = {
    "sql": SQLTrackerStore,
    "redis": RedisTrackerStore,
    "mongod": MongoTrackerStore,
    "dynamo": DynamoTrackerStore,
    "in_memory": InMemoryTrackerStore,
}
#: Stores whose conversations rasa-ethics can erase and purge.
ERASABLE = (SQLTrackerStore, RedisTrackerStore)


class UnerasableStore(Exception):
    """The tracker store is one rasa-ethics cannot erase conversations from."""


class ConversationEvents(Protocol):
    """The stored events of every conversation of one tracker store."""

    def count(self, conversation: str) -> int:
        """How many events of ``conversation`` are stored."""

    def events(self, conversation: str) -> List[Dict[str, Any]]:
        """The stored events of ``conversation`` (as Rasa stored them: redacted), oldest first."""

    def delete(self, conversation: str, before: Optional[float] = None) -> Optional[int]:
        """Delete the events of ``conversation``; how many.  With ``before``, only if its last
        event is older: None when it has a newer one (then nothing is deleted)."""

    def stale(self, cutoff: float) -> List[str]:
        """The conversations whose last event is older than ``cutoff``."""

    def has_events(self, conversation: str) -> bool:
        """True when any event of ``conversation`` is stored."""

    def dispose(self) -> None:
        """Close the connections this object opened (none when it uses a running store's)."""


class SQLEvents:
    """Rasa's ``events`` table: one row per event, ``sender_id`` and ``timestamp`` columns."""

    def __init__(self, engine: Engine, owned: bool = True) -> None:
        """The table in ``engine``'s database; ``owned``: :meth:`dispose` closes the engine."""
        self.engine = engine
        self.table: sa.Table = SQLTrackerStore.SQLEvent.__table__
        self._owned = owned

    def count(self, conversation: str) -> int:
        """How many rows of ``conversation`` the table holds."""
        table = self.table
        query = sa.select(sa.func.count()).select_from(table)
        with self.engine.connect() as conn:
            return int(conn.execute(query.where(table.c.sender_id == conversation)).scalar() or 0)

    def events(self, conversation: str) -> List[Dict[str, Any]]:
        """The ``data`` of its rows, in insertion order."""
        table = self.table
        query = sa.select(table.c.data).where(table.c.sender_id == conversation)
        with self.engine.connect() as conn:
            return [json.loads(row.data) for row in conn.execute(query.order_by(table.c.id))]

    def delete(self, conversation: str, before: Optional[float] = None) -> Optional[int]:
        """Delete its rows in one transaction (the cut-off is checked inside it)."""
        events = self.table
        with self.engine.begin() as conn:
            if before is not None:
                last = sa.select(sa.func.max(events.c.timestamp)).where(
                    events.c.sender_id == conversation
                )
                newest = conn.execute(last).scalar()
                if newest is not None and newest >= before:
                    return None
            deleted = conn.execute(events.delete().where(events.c.sender_id == conversation))
            return int(deleted.rowcount)

    def stale(self, cutoff: float) -> List[str]:
        """Grouped by sender: those whose newest timestamp is older than ``cutoff``."""
        events = self.table
        query = (
            sa.select(events.c.sender_id)
            .group_by(events.c.sender_id)
            .having(sa.func.max(events.c.timestamp) < cutoff)
        )
        with self.engine.connect() as conn:
            return [row.sender_id for row in conn.execute(query)]

    def has_events(self, conversation: str) -> bool:
        """One row of ``conversation`` is enough."""
        events = self.table
        query = sa.select(events.c.id).where(events.c.sender_id == conversation).limit(1)
        with self.engine.connect() as conn:
            return conn.execute(query).first() is not None

    def dispose(self) -> None:
        """Close the engine's pool, if this object made the engine."""
        if self._owned:
            self.engine.dispose()


class RedisEvents:
    """Rasa's ``RedisTrackerStore``: one key per conversation, ``key_prefix`` + the sender id,
    holding the whole tracker as JSON (``{"name": ..., "events": [...]}``)."""

    def __init__(self, red: Any, key_prefix: str, owned: bool = True) -> None:
        """The keys under ``key_prefix`` in the client ``red`` (``decode_responses=True``)."""
        self.red = red
        self.key_prefix = key_prefix
        self._owned = owned

    def count(self, conversation: str) -> int:
        """The number of events in its key."""
        return len(self.events(conversation))

    def events(self, conversation: str) -> List[Dict[str, Any]]:
        """The events of its key, in the order Rasa stored them."""
        return _events_in(self.red.get(self._key(conversation)))

    def delete(self, conversation: str, before: Optional[float] = None) -> Optional[int]:
        """Delete its key.  With ``before``, the key is watched: a save of the conversation
        between reading its last event and deleting it keeps the key (the customer came back)."""
        key = self._key(conversation)
        if before is None:
            with self.red.pipeline(transaction=True) as pipe:
                stored, _ = pipe.get(key).delete(key).execute()
            return len(_events_in(stored))
        from redis.exceptions import WatchError

        with self.red.pipeline(transaction=True) as pipe:
            try:
                pipe.watch(key)
                stored = pipe.get(key)
                if stored is None:
                    return 0
                events = _events_in(stored)
                if not events or _last_timestamp(events) >= before:
                    return None  # newer, or not a tracker: left alone
                pipe.multi()
                pipe.delete(key)
                pipe.execute()
            except WatchError:
                return None
        return len(events)

    def stale(self, cutoff: float) -> List[str]:
        """SCAN the prefix (never KEYS, which blocks the server): keys whose last event is older
        than ``cutoff``.  A key that holds no tracker is left alone."""
        found = []
        for key in self._keys():
            events = _events_in(self.red.get(key))
            if events and _last_timestamp(events) < cutoff:
                found.append(key[len(self.key_prefix) :])
        return sorted(found)

    def has_events(self, conversation: str) -> bool:
        """True when its key exists."""
        return bool(self.red.exists(self._key(conversation)))

    def dispose(self) -> None:
        """Close the client's connections, if this object made the client."""
        if self._owned:
            self.red.close()

    def _key(self, conversation: str) -> str:
        return self.key_prefix + conversation

    def _keys(self) -> Iterator[str]:
        pattern = _glob_escape(self.key_prefix) + "*"
        return iter(self.red.scan_iter(match=pattern, count=_SCAN_BATCH))


def _events_in(stored: Optional[str]) -> List[Dict[str, Any]]:
    """The event dicts of a serialised tracker (Rasa's ``SerializedTrackerAsText``); [] when
    there is none or it is not one."""
    if stored is None:
        return []
    try:
        events = json.loads(stored).get("events")
    except (ValueError, AttributeError):
        return []
    return [e for e in events if isinstance(e, dict)] if isinstance(events, list) else []


def _last_timestamp(events: List[Dict[str, Any]]) -> float:
    return max(float(e.get("timestamp") or 0.0) for e in events)


def _glob_escape(text: str) -> str:
    """``text`` as a literal in a Redis MATCH pattern."""
    return "".join(f"\\{ch}" if ch in "*?[]\\" else ch for ch in text)


def events_of(store: TrackerStore, owned: bool = False) -> ConversationEvents:
    """The conversation events of a built Rasa store (inside Rasa's ``AwaitableTrackerStore``
    too); UnerasableStore for a store rasa-ethics cannot erase."""
    inner = getattr(store, "_tracker_store", store)
    if isinstance(inner, SQLTrackerStore):
        return SQLEvents(inner.engine, owned)
    if isinstance(inner, RedisTrackerStore):
        return RedisEvents(inner.red, inner.key_prefix, owned)
    raise UnerasableStore(_cannot_erase(type(inner).__name__))


def _cannot_erase(name: str) -> str:
    return (
        f"erasure, export and purge work on SQL (SQLite, PostgreSQL) and Redis tracker stores; "
        f"this bot uses {name}"
    )


def refuse_unerasable(config: Mapping[str, Any], policy: LoadedPolicy) -> None:
    """Raise UnerasableStore when the policy promises deletion (in-chat erasure, or a retention
    period) and the store ``config`` names cannot erase.  Checked from the config, before the
    store is built: Rasa's MongoTrackerStore connects in its constructor.

    The in-memory store passes: nothing of it outlives the process.  A type that cannot be
    imported passes too (building it reports that).
    """
    privacy = policy.privacy
    promises = []
    if privacy.chat.enabled:
        promises.append("privacy.chat.enabled: customers erase their conversation in the chat")
    if privacy.retention_days is not None:
        promises.append("privacy.retention_days: purge")
    store_class = _store_class(str(config.get("type") or "sql"))
    if not promises or store_class is None:
        return
    if issubclass(store_class, (*ERASABLE, InMemoryTrackerStore)):
        return
    msg = (
        f"the policy enables erasure ({'; '.join(promises)}), and rasa-ethics cannot erase "
        f"conversations from {store_class.__name__}: erasure, export and purge work on SQL "
        "(SQLite, PostgreSQL) and Redis tracker stores only. Use one of those as the inner "
        "store, or turn erasure off in the policy (and set no retention_days):\n"
        "  privacy:\n    chat:\n      enabled: false"
    )
    raise UnerasableStore(msg)


def _store_class(kind: str) -> Optional[type]:
    known = _BUILTIN.get(kind.lower())
    if known is not None:
        return known
    try:
        found = class_from_module_path(kind)
    except Exception:  # building the store reports it (rasa_ethics.stores.tracker_store)
        return None
    return found if isinstance(found, type) else None


def follow_retention(store: TrackerStore, policy: LoadedPolicy) -> None:
    """Make a Redis store's keys expire ``privacy.retention_days`` after their last save.

    Rasa's ``RedisTrackerStore.save`` writes the whole tracker with ``SET ... EX record_exp``
    (rasa/core/tracker_store.py), so every save starts the period again: the key lives that long
    after the conversation's last event.  A shorter ``record_exp`` of endpoints.yml is kept.
    """
    inner = getattr(store, "_tracker_store", store)
    days = policy.privacy.retention_days
    if not isinstance(inner, RedisTrackerStore) or days is None:
        return
    seconds = days * _DAY
    if inner.record_exp is None or float(inner.record_exp) > seconds:
        inner.record_exp = seconds
        logger.info("rasa-ethics: Redis conversations expire %s days after their last event", days)
