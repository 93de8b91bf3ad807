"""Where one bot keeps conversations: every table and key rasa-ethics or Rasa writes them to.

Read from the bot's ``endpoints.yml`` the way the server reads it (``${VAR}`` substituted):

* the conversation events of the tracker store (the ``inner:`` store of
  ``rasa_ethics.RedactingTrackerStore``, or a plain store): Rasa's ``events`` table of a SQL
  store, or the keys of a Redis store (:mod:`rasa_ethics.rights.conversations`);
* in the plugin's database (``handoff.store_url`` of the policy, else the same database):
  ``rasa_ethics_handoffs`` (handoff rows and their transcripts), ``rasa_ethics_vault``
  (encrypted slot values), ``rasa_ethics_subjects`` (subject keys) and
  ``rasa_ethics_privacy_requests`` (the request register);
* the event broker that gets tombstones: the ``inner:`` broker of
  ``rasa_ethics.AuditEventBroker``, or the configured broker itself.

The audit trail is not here: it holds pseudonyms and names only, and keeps them (see
:mod:`rasa_ethics.rights.trail`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import RedisTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig, read_endpoint_config
from sqlalchemy.engine import Engine

from rasa_ethics.handoff.queue import handoffs as handoffs_table
from rasa_ethics.handoff.sqlite_file import private_sqlite_file
from rasa_ethics.policy import LoadedPolicy, load_policy
from rasa_ethics.rights.conversations import (
    ConversationEvents,
    RedisEvents,
    SQLEvents,
    UnerasableStore,
    events_of,
)
from rasa_ethics.rights.register import RequestRegister
from rasa_ethics.rights.tombstone import BrokerError, check_broker, publish_tombstones
from rasa_ethics.subjects import SubjectIndex, load_subject_key, subjects_table
from rasa_ethics.vault import Vault, vault_table

__all__ = [
    "BROKER_CLASS",
    "STORE_CLASS",
    "BotStores",
    "NothingStored",
    "RightsError",
    "locate",
    "stores_of",
]

STORE_CLASS = "rasa_ethics.RedactingTrackerStore"
BROKER_CLASS = "rasa_ethics.AuditEventBroker"
_DEFAULT_INNER: Dict[str, Any] = {"type": "sql", "dialect": "sqlite", "db": "rasa.db"}


class RightsError(Exception):
    """A rights operation that cannot be done as asked; the message says what to change."""


class NothingStored(RightsError):
    """Nothing is stored of the conversation asked for (a wrong id, or erased already)."""


@dataclass
class BotStores:
    """The stores of one bot, opened; tables the bot never created are left alone."""

    policy: LoadedPolicy
    conversations: ConversationEvents  # the tracker store's events (SQL table or Redis keys)
    plugin_engine: Engine
    register: RequestRegister
    broker: Optional[Dict[str, Any]]
    live_broker: Optional[EventBroker] = None  # in the server: the inner store's own broker
    _vault: "list[Optional[Vault]]" = field(default_factory=list, repr=False)

    @property
    def events_engine(self) -> Engine:
        """The SQL tracker store's engine; RightsError when the store is not SQL."""
        if not isinstance(self.conversations, SQLEvents):
            msg = "the tracker store is not a SQL database"
            raise RightsError(msg)
        return self.conversations.engine

    def has_table(self, table: sa.Table) -> bool:
        """True when ``table`` exists in the plugin's database."""
        return bool(sa.inspect(self.plugin_engine).has_table(table.name))

    def vault(self) -> Optional[Vault]:
        """The vault, if the bot ever made its table (its key is needed to find rows)."""
        if not self._vault:
            found = self.has_table(vault_table)
            self._vault.append(Vault.for_engine(self.plugin_engine) if found else None)
        return self._vault[0]

    def subject_index(self) -> SubjectIndex:
        """The subject keys the bot recorded; RightsError if it never recorded any."""
        privacy = self.policy.privacy
        if not self.has_table(subjects_table):
            msg = (
                "this bot keeps no subject keys; to record them from now on, set e.g.\n"
                "  privacy:\n    subject_types: [email]"
            )
            raise RightsError(msg)
        key = load_subject_key(self.plugin_engine, privacy.subject_key_env)
        return SubjectIndex(self.plugin_engine, key, privacy.subject_types)

    @property
    def handoffs(self) -> sa.Table:
        """The handoff queue's table."""
        return handoffs_table

    @property
    def subjects(self) -> sa.Table:
        """The subject-key table."""
        return subjects_table

    def check_broker(self) -> None:
        """Raise BrokerError when the broker that gets tombstones cannot take them now."""
        if self.live_broker is not None:
            if not self.live_broker.is_ready():
                msg = "the event broker is not ready; try again"
                raise BrokerError(msg)
        else:
            check_broker(self.broker)

    def publish(self, events: List[Dict[str, Any]]) -> int:
        """Publish tombstones to the bot's broker; the number published."""
        if self.live_broker is None:
            return publish_tombstones(self.broker, events)
        for event in events:
            self.live_broker.publish(event)
        return len(events)

    def dispose(self) -> None:
        """Close the connection pools (of the CLI's own engines only)."""
        self.conversations.dispose()  # a no-op on a running store's connections
        if self.live_broker is None:
            self.plugin_engine.dispose()


def locate(endpoints: Path, policy: Optional[Path] = None) -> BotStores:
    """Open the stores named in ``endpoints``; ``policy`` overrides the one named there."""
    if not endpoints.is_file():
        msg = f"{endpoints} not found: run this in the bot's folder or pass --endpoints"
        raise RightsError(msg)
    store = read_endpoint_config(str(endpoints), "tracker_store")
    if store is None:
        msg = f"{endpoints} has no tracker_store: conversations are kept in memory only"
        raise RightsError(msg)
    inner, named_policy = _inner_store(store)
    loaded = load_policy(policy or named_policy)
    conversations = _conversations(inner, endpoints)
    try:
        plugin_engine = _plugin_engine(loaded, conversations)
    except RightsError:
        conversations.dispose()
        raise
    return BotStores(
        policy=loaded,
        conversations=conversations,
        plugin_engine=plugin_engine,
        register=RequestRegister(plugin_engine),
        broker=_tombstone_broker(endpoints),
    )


def stores_of(store: Any) -> BotStores:
    """The stores of a running ``rasa_ethics.RedactingTrackerStore`` (the agent channel's privacy
    routes, the in-chat erasure); read through its ``live``, ``inner``, ``handoffs`` and
    ``event_broker`` (the store is built above this layer and uses it)."""
    try:
        conversations = events_of(store.inner)  # the running store's own connections
    except UnerasableStore as exc:
        raise RightsError(str(exc)) from None
    return BotStores(
        policy=store.live.current,
        conversations=conversations,
        plugin_engine=store.handoffs.engine,
        register=RequestRegister(store.handoffs.engine),
        broker=None,
        live_broker=store.event_broker,
    )


def _inner_store(store: EndpointConfig) -> "tuple[Dict[str, Any], Optional[str]]":
    """The inner store's config and the policy named beside it."""
    kind = str(store.type or "")
    if kind == STORE_CLASS:
        inner = store.kwargs.get("inner") or dict(_DEFAULT_INNER)
        return dict(inner), store.kwargs.get("policy")
    return {"type": kind, "url": store.url, **store.kwargs}, None


def _conversations(config: Dict[str, Any], endpoints: Path) -> ConversationEvents:
    """The conversation events of the store ``config`` names, with connections of their own."""
    kind = str(config.get("type", "")).lower()
    if kind == "sql":
        return SQLEvents(_sql_engine(config))
    if kind == "redis":
        options = {k: v for k, v in config.items() if k not in {"type", "url"}}
        # built by Rasa, as `rasa run` builds it: the same defaults, key prefix and TLS options
        redis = RedisTrackerStore(domain=Domain.empty(), host=config.get("url"), **options)
        return RedisEvents(redis.red, redis.key_prefix)
    msg = (
        f"erasure, export and purge work on SQL tracker stores (SQLite, PostgreSQL) and Redis; "
        f"{endpoints} uses {config.get('type') or 'the in-memory store'}"
    )
    raise RightsError(msg)


def _sql_engine(config: Dict[str, Any]) -> Engine:
    """The engine of Rasa's SQLTrackerStore for ``config`` (built by Rasa, same defaults)."""
    options = {k: v for k, v in config.items() if k not in {"type", "url"}}
    url = SQLTrackerStore.get_db_url(
        dialect=options.get("dialect", "sqlite"),
        host=config.get("url"),
        port=options.get("port"),
        db=options.get("db", "rasa.db"),
        username=options.get("username"),
        password=options.get("password"),
        login_db=options.get("login_db"),
        query=options.get("query"),
    )
    private_sqlite_file(url)
    store = SQLTrackerStore(host=config.get("url"), **options)
    return store.engine


def _plugin_engine(policy: LoadedPolicy, conversations: ConversationEvents) -> Engine:
    """The plugin's database: ``handoff.store_url``, else the SQL tracker store's."""
    url = policy.handoff.store_url
    if not url and isinstance(conversations, SQLEvents):
        return conversations.engine
    if not url:
        msg = (
            "the plugin's tables (handoffs, vault, subject keys, register) need a SQL database "
            "beside a Redis store; the server names it in the policy, e.g.\n"
            "  handoff:\n    store_url: sqlite:///handoffs.db"
        )
        raise RightsError(msg)
    private_sqlite_file(url)
    return sa.create_engine(url)


def _tombstone_broker(endpoints: Path) -> Optional[Dict[str, Any]]:
    """The broker config tombstones go to, or None when there is no broker behind the audit."""
    broker = read_endpoint_config(str(endpoints), "event_broker")
    if broker is None:
        return None
    if str(broker.type or "") == BROKER_CLASS:
        inner = broker.kwargs.get("inner")
        return dict(inner) if isinstance(inner, dict) else None
    return {"type": broker.type, "url": broker.url, **broker.kwargs}
