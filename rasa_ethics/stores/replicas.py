"""Several Rasa replicas: what every one of them must share, checked when the tracker store starts.

rasa-ethics treats a set-up as *multi-replica* when its tracker store is not SQLite or in memory
(PostgreSQL, MySQL, Redis, MongoDB, DynamoDB), or when its lock store is Redis: the signs that
more than one Rasa process serves the same conversations.  What one replica writes must then mean
the same to every other, so :func:`check_replicas` refuses to start (fail closed), saying what to
set, when:

* ``$RASA_ETHICS_VAULT_KEY`` is unset: the vault and the shared known values are encrypted with
  it, and a key of one replica's own would leave the others unable to read them;
* the audit pseudonym key (``audit.pseudonym_key_env``, default ``$RASA_ETHICS_AUDIT_KEY``) is
  unset while the trail is written: each replica would give the same customer another pseudonym;
* the lock store is Rasa's in-memory one: two replicas would handle two messages of one
  conversation at once, and the later save would overwrite the earlier turn;

A handoff queue in a SQLite file (``handoff.store_url``) only gets a warning: replicas on one
machine share the file, replicas on several would each queue alone.

In such a set-up the audit writer also becomes durable (``audit.durable``): a replica killed
outright loses none of the records of the events Rasa acknowledged.

Rasa 3.6.21 builds the event broker, the tracker store and the lock store in
``rasa.core.agent.load_agent`` from one ``AvailableEndpoints`` and passes the store only its own
section; :func:`rasa_endpoints` finds that object on the call stack.  An ``Agent`` built in code
(tests, notebooks) has no such frame: there the lock store is not checked.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any, List, Mapping, Optional

from rasa.core.utils import AvailableEndpoints
from rasa.shared.exceptions import RasaException
from sqlalchemy.engine import Engine

from rasa_ethics.audit.broker import AuditEventBroker
from rasa_ethics.vault import ENV_KEY as VAULT_KEY_ENV

__all__ = ["ReplicaSetupError", "check_replicas", "is_multi_replica", "rasa_endpoints"]

logger = logging.getLogger(__name__)

#: Tracker stores that several processes share (Rasa's names for them in endpoints.yml).
_SHARED_STORES = frozenset({"redis", "mongod", "mongo", "dynamo"})
_IN_MEMORY_LOCKS = frozenset({"", "in_memory", "inmemory"})


class ReplicaSetupError(RasaException):
    """A multi-replica set-up lacks what its replicas must share; the message says what to set."""


def rasa_endpoints() -> Optional[AvailableEndpoints]:
    """The endpoints Rasa is building the agent from, if this call comes from ``load_agent``."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "load_agent" and frame.f_globals.get("__name__") == (
            "rasa.core.agent"
        ):
            endpoints = frame.f_locals.get("endpoints")
            return endpoints if isinstance(endpoints, AvailableEndpoints) else None
        frame = frame.f_back  # type: ignore[assignment]
    return None


def lock_store_type(endpoints: Optional[AvailableEndpoints]) -> Optional[str]:
    """``"redis"``, ``"in_memory"``, a custom class path, or None when it cannot be known."""
    if endpoints is None:
        return None
    config = endpoints.lock_store
    kind = str(config.type or "").lower() if config is not None else ""
    return "in_memory" if kind in _IN_MEMORY_LOCKS else kind


def is_multi_replica(inner: Mapping[str, Any], lock_store: Optional[str]) -> bool:
    """True for a tracker store several processes share, or a Redis lock store."""
    kind = str(inner.get("type", "")).lower()
    if kind == "sql":
        shared = str(inner.get("dialect", "sqlite")).lower() != "sqlite"
    else:
        shared = kind in _SHARED_STORES
    return shared or lock_store == "redis"


def check_replicas(
    inner: Mapping[str, Any],
    policy: Any,
    broker: Any,
    queue_engine: Engine,
    lock_store: Optional[str],
) -> bool:
    """Fail closed if a multi-replica set-up lacks a shared key or store; True if multi-replica.

    ``policy`` is the loaded policy, ``broker`` the event broker Rasa gave the store.
    """
    if not is_multi_replica(inner, lock_store):
        return False
    problems: List[str] = []
    if not os.environ.get(VAULT_KEY_ENV, "").strip():
        problems.append(
            f"set ${VAULT_KEY_ENV} to one Fernet key, the same on every replica (make one with "
            "`python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'`)"
        )
    audit = audit_broker(broker)
    key_env = policy.audit.pseudonym_key_env
    if audit is not None and audit.writer is not None and not os.environ.get(key_env):
        problems.append(
            f"set ${key_env} to one long random secret, the same on every replica: the audit "
            "trail's pseudonyms must name a customer alike on all of them"
        )
    if lock_store == "in_memory":
        problems.append(
            "use a lock store every replica shares (endpoints.yml: `lock_store: type: redis`): "
            "with the in-memory one two replicas handle one conversation at once"
        )
    if queue_engine.dialect.name == "sqlite":
        logger.warning(
            "rasa-ethics: the handoff queue is the SQLite file %s; replicas on other machines "
            "would each queue alone (handoff.store_url: give a PostgreSQL URL)",
            queue_engine.url.database,
        )
    if problems:
        lines = "\n  - ".join(problems)
        msg = (
            "rasa-ethics: this is a multi-replica set-up (a tracker store that is not SQLite, "
            "or a Redis lock store), and every replica must share its keys and stores:"
            f"\n  - {lines}"
        )
        raise ReplicaSetupError(msg)
    if audit is not None:
        audit.make_durable()
    return True


def audit_broker(broker: Any) -> Optional[AuditEventBroker]:
    """The audit broker among the brokers Rasa gave the store, if there is one."""
    return broker if isinstance(broker, AuditEventBroker) else None
