"""``rasa_ethics.RedactingTrackerStore``: wraps any Rasa tracker store; queues handoffs on save.

Configure it in ``endpoints.yml`` around the store the bot would use anyway::

    tracker_store:
      type: rasa_ethics.RedactingTrackerStore
      policy: ethics_policy.yml
      inner:                      # any Rasa tracker store config; this is the default
        type: sql
        dialect: sqlite
        db: rasa.db

Facts of Rasa 3.6.21 this class is built around (``rasa/core/tracker_store.py``):

* a custom store is built as ``cls(host=url, domain=domain, event_broker=broker, **kwargs)``;
  an ``ImportError``/``AttributeError`` while doing so silently falls back to the in-memory
  store, so the constructor turns every error into a ``RasaException``, and the agent channel
  checks at start-up that this store is really in use (see ``rasa_ethics.channels.agent``);
* ``SQLTrackerStore.save`` appends only the events past the stored count, so a redacted copy
  must keep the same number of events;
* the event broker belongs to the inner store only, or every event would be published twice.

Two hooks for the PII integration: :attr:`redactor` (a whole tracker, before it is stored) and
:attr:`redact` (one text, for handoff transcripts).  The constructor sets both from the policy
(:class:`rasa_ethics.stores.redaction.TrackerRedaction`), and :meth:`retrieve` gives the running
conversation the real values of its vault slots back, but never to Rasa's HTTP API
(:mod:`rasa_ethics.serving.api_view`, installed by the constructor with the REST guard).

A conversation opted out of storage (the customer asked, or its channel is opted out by default)
is kept in process memory only, for its session, and never given to the inner store, so never to
the broker either (:mod:`rasa_ethics.stores.opt_out`).

Nothing a customer sends stops the process from here:

* every sender id is mapped to a safe one (:func:`rasa_ethics.inputs.safe_sender_id`) before
  the inner store, the vault or the handoff queue see it; a normal id stays as it is;
* an error of the inner store is logged (its type only: messages can hold ids and texts) and
  the turn goes on.  That includes ``SystemExit``: ``SQLTrackerStore.session_scope`` calls
  ``sys.exit(1)`` on any ``ValueError``, taking it for a missing PostgreSQL schema.
"""

from __future__ import annotations

import asyncio
import copy
import logging
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Text, TypeVar

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import (
    InMemoryTrackerStore,
    SQLTrackerStore,
    TrackerStore,
    create_tracker_store,
)
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy.engine import Engine

from rasa_ethics import constants as c
from rasa_ethics.context import OWN_NAMES
from rasa_ethics.dialogue.turn import session_events
from rasa_ethics.handoff.agents import AgentAccounts
from rasa_ethics.handoff.current import install_handoffs
from rasa_ethics.handoff.queue import HandoffQueue
from rasa_ethics.handoff.request import Redactor, identity, requests_in
from rasa_ethics.handoff.sqlite_file import private_sqlite_file
from rasa_ethics.handoff.webhook import WebhookWorker
from rasa_ethics.inputs import safe_sender_id
from rasa_ethics.nlg.rights import install_chat_rights
from rasa_ethics.pii.runtime import KNOWN_VALUES
from rasa_ethics.policy import LivePolicy
from rasa_ethics.rights.conversations import follow_retention, refuse_unerasable
from rasa_ethics.rights.erasure import erase
from rasa_ethics.rights.locate import stores_of
from rasa_ethics.rights.schedule import PurgeSchedule
from rasa_ethics.rights.trail import PrivacyTrail
from rasa_ethics.serving import install_in_running_server, stored_view_only
from rasa_ethics.stores.known_shared import SharedKnownValues
from rasa_ethics.stores.opt_out import OptOuts
from rasa_ethics.stores.redaction import TrackerRedaction
from rasa_ethics.stores.replicas import check_replicas, lock_store_type, rasa_endpoints
from rasa_ethics.subjects import SubjectIndex
from rasa_ethics.vault import load_key

__all__ = ["RedactingTrackerStore", "TrackerRedactor", "find_ethics_store", "unwrap"]

logger = logging.getLogger(__name__)

TrackerRedactor = Callable[[DialogueStateTracker], DialogueStateTracker]
DEFAULT_INNER: Dict[str, Any] = {"type": "sql", "dialect": "sqlite", "db": "rasa.db"}
_BUILTIN = {"sql", "redis", "mongod", "dynamo", "in_memory"}
T = TypeVar("T")


def _same_tracker(tracker: DialogueStateTracker) -> DialogueStateTracker:
    return tracker


class RedactingTrackerStore(TrackerStore):
    """Stores through an inner store, after redaction; queues every handoff it sees."""

    #: PII hook: returns the tracker to store, with the same number of events. Identity for now.
    redactor: TrackerRedactor = staticmethod(_same_tracker)
    #: PII hook: redacts one text of a handoff transcript. Identity for now.
    redact: Redactor = staticmethod(identity)

    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[Text] = None,
        event_broker: Optional[EventBroker] = None,
        policy: Optional[Text] = None,
        inner: Optional[Dict[str, Any]] = None,
        **kwargs: Any,
    ) -> None:
        """Build the inner store and the handoff queue; any problem is an error (fail closed)."""
        try:
            self.live = LivePolicy(policy)
            # rights (issue 12): a store that cannot erase is refused before it connects
            refuse_unerasable(inner or DEFAULT_INNER, self.live.current)
            self.inner = _build_inner(inner or DEFAULT_INNER, domain, event_broker)
            follow_retention(self.inner, self.live.current)  # Redis: keys expire with retention
            self.handoffs = _handoff_store(self.live, self.inner)
            # several replicas: shared keys, a shared lock store, a durable audit trail
            self.multi_replica = check_replicas(
                inner or DEFAULT_INNER,
                self.live.current,
                event_broker,
                self.handoffs.engine,
                lock_store_type(rasa_endpoints()),
            )
            self.known_shared = _shared_known_values(self.multi_replica, self.handoffs.engine)
            live = self.live  # the waiting time customers are told follows policy reloads
            self.handoffs.handle_minutes = lambda: live.current.handoff.expected_handle_minutes
            # the console's agents, beside the queue; dialogue/ and nlg/ find both there
            self.agents = AgentAccounts(self.handoffs.engine)
            install_handoffs(self.handoffs, self.agents)
            # PII: redaction at rest, the vault (in the handoff table's database), log redaction
            self.redaction = TrackerRedaction.for_store(
                self.live, self.handoffs.engine, lambda: self.inner.domain
            )
            self.redactor = self.redaction.redact_tracker
            self.redact = self.redaction.redact_text
            # rights (issue 12): subject keys of what customers give, beside the vault
            self.subjects = SubjectIndex.for_policy(self.handoffs.engine, self.live.current)
            # opt-out: memory only, the register as the durable mark (beside the handoff table)
            self.opt_outs = OptOuts(self.live, self.handoffs.engine, lambda: self.inner.domain)
            self._learn(domain)
            install_in_running_server()
            install_chat_rights(self)  # EthicsNLG erases through this store (nlg/rights.py)
        except RasaException:
            raise
        except Exception as exc:  # AttributeError/ImportError would make Rasa fall back silently
            msg = f"rasa_ethics.RedactingTrackerStore could not start: {type(exc).__name__}: {exc}"
            raise RasaException(msg) from exc
        self.webhook = WebhookWorker(self.handoffs, self.live)
        self.purges = PurgeSchedule(lambda: stores_of(self), self.live)  # retention, in-server
        self._recorded: "Dict[str, None]" = {}
        super().__init__(domain, event_broker=None, **kwargs)
        self.webhook.start()  # under `rasa run` the loop is running; else on the first save
        self.purges.start()

    @property
    def event_broker(self) -> Optional[EventBroker]:
        """The inner store's broker (it alone publishes; exposed so Rasa closes it at shutdown)."""
        inner = self.__dict__.get("inner")
        return inner.event_broker if inner is not None else None

    @event_broker.setter
    def event_broker(self, broker: Optional[EventBroker]) -> None:
        # TrackerStore.__init__ assigns None here; the broker stays with the inner store.
        pass

    @property
    def domain(self) -> Domain:
        """The inner store's domain."""
        return self.inner.domain

    @domain.setter
    def domain(self, domain: Optional[Domain]) -> None:
        if hasattr(self, "inner"):
            self.inner.domain = domain
            self._learn(domain)

    def _learn(self, domain: Optional[Domain]) -> None:
        """The domain's names and the brand in its responses are never redacted (own names)."""
        if domain is not None:
            OWN_NAMES.learn_domain(domain, self.live.current)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store a redacted copy, then queue any handoff announced in this session.

        A session erased in the chat is never stored again: its events, the customer's "yes"
        and the bot's answer included, go nowhere (no table, no broker).  An opted-out
        conversation's redacted copy is kept in memory instead of the inner store (its handoffs
        are still queued: the customer asked for a person, who needs the transcript).
        """
        self.purges.start()  # outside `rasa run` the loop runs from the first save on
        if erased_in_chat(tracker):
            logger.info("rasa-ethics: this conversation was erased in the chat; not stored")
            self.opt_outs.memory.forget(safe_sender_id(tracker.sender_id))
            return
        tracker = _with_safe_id(tracker)
        memory_only = self._opted_out(tracker)
        if memory_only is None:
            return
        stored = self.redactor(tracker)
        if len(stored.events) != len(tracker.events):
            msg = "RedactingTrackerStore.redactor must keep the number of events"
            raise RasaException(msg)
        if memory_only:
            self.opt_outs.memory.save(stored)
        # Raising would make Rasa's FailSafeTrackerStore keep the raw tracker in memory and
        # publish it, unredacted, to the event broker (rasa/core/tracker_store.py).
        elif not await _guarded("save", _done(self.inner.save(stored)), False):
            return
        self._queue_handoffs(tracker)
        if not memory_only:
            self._link_subjects(tracker, stored)
        await self._sync_known_values()  # what this turn found reaches the other replicas

    async def _sync_known_values(self) -> None:
        """Several replicas: share known values through the database, off the event loop."""
        if self.known_shared is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.known_shared.sync)

    def _opted_out(self, tracker: DialogueStateTracker) -> Optional[bool]:
        """Whether the conversation is opted out; None (nothing is saved this turn) when the
        register cannot be read: storing might break a promise made on another replica."""
        try:
            return self.opt_outs.applies(tracker)
        except Exception as exc:  # the turn goes on; only its save is skipped
            logger.error(
                "rasa-ethics: the opt-out register could not be read (%s); this turn is not stored",
                type(exc).__name__,
            )
            return None

    def erase_in_chat(self, conversation_id: str) -> str:
        """Erase a conversation on the customer's own "yes" (EthicsNLG); its reference number.

        The same erasure as an operator's (:func:`rasa_ethics.rights.erasure.erase`): events,
        vault values, handoff rows and transcripts, subject keys; the request is registered
        (``via: chat``) and closed, the privacy trail gets the ``erasure`` record, the broker its
        tombstone.  It runs inside the turn, which holds the conversation's lock.  Any error
        propagates: then nothing was deleted (or, at worst, part of it; the NLG says it failed).
        """
        stores, conversation = stores_of(self), safe_sender_id(conversation_id)
        in_memory = conversation in self.opt_outs.memory  # opted out: maybe nothing stored
        result = erase(stores, conversation, "chat", via="chat", in_memory=in_memory)
        self.opt_outs.memory.forget(result.conversation_id)
        return result.reference

    def opt_out_in_chat(self, conversation_id: str) -> str:
        """Opt the conversation out of storage on the customer's request (EthicsNLG); its
        reference number (:meth:`rasa_ethics.stores.opt_out.OptOuts.opt_out_in_chat`).  Works
        on any inner store: the register lives in the plugin's SQL database."""
        return self.opt_outs.opt_out_in_chat(conversation_id)

    def privacy_request(self, reference: str) -> Optional[Dict[str, Any]]:
        """The register's row of a rights request, for a customer's status question (EthicsNLG
        says only its kind, state and deadline)."""
        return self.opt_outs.register.get(reference)

    def request_export_in_chat(self, conversation_id: str) -> str:
        """File the customer's request for a copy of their data (EthicsNLG); its reference.

        A chat proves no identity, so nothing is exported here: the request waits in the
        register (``via: chat``, with its legal deadline) for an operator, who verifies the
        requester and runs ``rasa-ethics privacy export --reference ...``.  The privacy trail
        gets a ``privacy_request`` record (pseudonym, kind, reference).
        """
        stores = stores_of(self)
        conversation = safe_sender_id(conversation_id)
        trail = PrivacyTrail(stores.policy)
        trail.open()  # a trail that cannot be written stops here, before anything is filed
        try:
            subject = trail.subject(conversation)
            jurisdiction = stores.policy.privacy.jurisdiction
            request = stores.register.file("export", conversation, subject, jurisdiction, "chat")
            fields = {"kind": "export", "subject": subject, "reference": request["reference"]}
            trail.write([trail.record("privacy_request", "chat", via="chat", **fields)])
        finally:
            trail.close()
        return str(request["reference"])

    def _link_subjects(self, tracker: DialogueStateTracker, stored: DialogueStateTracker) -> None:
        """Rights (issue 12): record the subject keys of values the customer gave, never the
        values (:mod:`rasa_ethics.subjects`); a failure is logged, the turn goes on."""
        subjects = getattr(self, "subjects", None)
        if subjects is None:
            return
        try:
            subjects.record(tracker.sender_id, subjects.values_in(tracker.events, stored.events))
        except Exception as exc:  # the conversation is stored; only its subject link is missing
            logger.error("rasa-ethics: subject keys not recorded (%s)", type(exc).__name__)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The latest session, from the inner store, with the real values of vault slots.

        Rasa's HTTP API gets the stored tracker, vault tokens and all.  An opted-out
        conversation comes from this process's memory.
        """
        safe = safe_sender_id(sender_id)
        await self._sync_known_values()  # what other replicas found, before this turn logs
        found = await self.opt_outs.memory.retrieve(safe, self.inner.domain)
        if found is None:
            found = await _guarded("read", self.inner.retrieve(safe), None)
        return found if stored_view_only() else self.redaction.rehydrate(found)

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        """All sessions, from memory (opted out) or the inner store."""
        safe = safe_sender_id(conversation_id)
        kept = await self.opt_outs.memory.retrieve(safe, self.inner.domain, all_sessions=True)
        if kept is not None:
            return kept
        return await _guarded("read", self.inner.retrieve_full_tracker(safe), None)

    async def keys(self) -> Iterable[Text]:
        """Conversation ids, from the inner store and the opted-out ones in memory."""
        stored: List[Text] = list(await _guarded("list", self.inner.keys(), []))
        known = set(stored)
        return stored + [k for k in self.opt_outs.memory.keys() if k not in known]

    def _queue_handoffs(self, tracker: DialogueStateTracker) -> None:
        """Insert-or-ignore each handoff of the current session into the queue.

        The id is derived from the conversation and the handoff's timestamp, so saving again (or
        another replica saving) never queues it twice.  Ids seen by this process are remembered
        only to skip the database round trip.
        """
        policy = self.live.current
        found = requests_in(
            tracker.sender_id, session_events(tracker), policy.handoff.transcript_turns, self.redact
        )
        fresh = [r for r in found if r.id not in self._recorded]
        if not fresh:
            return
        with_webhook = bool(policy.handoff.webhook.url)
        for request in fresh:
            if self.handoffs.add(request, with_webhook):
                logger.info("rasa-ethics queued handoff %s (reason=%s)", request.id, request.reason)
            self._remember(request.id)
        if with_webhook:
            self.webhook.nudge()

    def _remember(self, request_id: str, size: int = 10_000) -> None:
        self._recorded[request_id] = None
        if len(self._recorded) > size:
            self._recorded.pop(next(iter(self._recorded)))


async def _guarded(operation: str, call: Awaitable[T], failed: T) -> T:
    """``await call``; on an error of the inner store (``sys.exit`` too) log it, give ``failed``."""
    try:
        return await call
    except (Exception, SystemExit) as exc:
        # Only the type: the messages of store errors can hold sender ids and texts.
        logger.error(
            "rasa-ethics: the inner tracker store failed to %s a conversation (%s); the bot "
            "goes on without it for this turn",
            operation,
            type(exc).__name__,
        )
        return failed


async def _done(call: Awaitable[None]) -> bool:
    await call
    return True


def erased_in_chat(tracker: DialogueStateTracker) -> bool:
    """True when this session's bot said the conversation was erased (EthicsNLG, after doing it)."""
    return any(
        isinstance(e, BotUttered) and (e.metadata or {}).get(c.META_ERASED)
        for e in session_events(tracker)
    )


def _with_safe_id(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """``tracker``, or a shallow copy of it under its safe sender id (nothing is mutated)."""
    safe = safe_sender_id(tracker.sender_id)
    if safe == tracker.sender_id:
        return tracker
    renamed = copy.copy(tracker)
    renamed.sender_id = safe
    return renamed


def _build_inner(
    config: Dict[str, Any], domain: Optional[Domain], broker: Optional[EventBroker]
) -> TrackerStore:
    """The wrapped store, built the way Rasa builds a store from endpoints.yml."""
    store_type = str(config.get("type", "")).lower()
    if store_type == "in_memory":
        return InMemoryTrackerStore(domain or Domain.empty(), broker)
    endpoint = EndpointConfig.from_dict(dict(config))
    if store_type == "sql":
        private_sqlite_file(_sql_url(endpoint))  # before SQLite creates it world-readable
    store = create_tracker_store(endpoint, domain, broker)
    if store_type not in _BUILTIN and isinstance(store, InMemoryTrackerStore):
        msg = f"inner tracker store type '{config.get('type')}' could not be imported"
        raise RasaException(msg)
    return store


def _shared_known_values(multi_replica: bool, engine: Engine) -> Optional[SharedKnownValues]:
    """Several replicas share what their engines found (encrypted under the vault key)."""
    if not multi_replica:
        return None
    shared = SharedKnownValues(KNOWN_VALUES, engine, load_key(engine))
    shared.start()
    return shared


def _sql_url(endpoint: EndpointConfig) -> str:
    """The URL Rasa's SQLTrackerStore will open for ``endpoint`` (same defaults)."""
    kwargs = endpoint.kwargs
    return str(
        SQLTrackerStore.get_db_url(
            dialect=kwargs.get("dialect", "sqlite"),
            host=endpoint.url,
            db=kwargs.get("db", "rasa.db"),
            login_db=kwargs.get("login_db"),
        )
    )


def _handoff_store(live: LivePolicy, inner: TrackerStore) -> HandoffQueue:
    """The handoff table: in ``handoff.store_url``, else in the inner SQL store's database."""
    url = live.current.handoff.store_url
    if url:
        return HandoffQueue.from_url(url)
    sql = getattr(inner, "_tracker_store", inner)  # AwaitableTrackerStore wraps sync stores
    if isinstance(sql, SQLTrackerStore):
        return HandoffQueue(sql.engine)
    msg = (
        f"handoff requests need a SQL database, and the inner tracker store is "
        f"{type(sql).__name__}. Name one in the policy, e.g.\n"
        "  handoff:\n    store_url: sqlite:///handoffs.db"
    )
    raise RasaException(msg)


def unwrap(store: Any) -> List[Any]:
    """The chain of stores Rasa wrapped around ours (FailSafe, Awaitable), outermost first."""
    chain = [store]
    while hasattr(chain[-1], "_tracker_store"):
        chain.append(chain[-1]._tracker_store)
    return chain


def find_ethics_store(tracker_store: Any) -> Optional[RedactingTrackerStore]:
    """Our store inside the wrappers Rasa put around it, or None if Rasa is not using it."""
    for store in unwrap(tracker_store):
        if isinstance(store, RedactingTrackerStore):
            return store
    return None
