"""``rasa_ethics.AuditEventBroker``: the audit trail as a Rasa event broker that wraps another.

Configure it in ``endpoints.yml``::

    event_broker:
      type: rasa_ethics.AuditEventBroker
      policy: policies/default.yml   # optional
      path: audit/audit.jsonl        # optional, overrides audit.path of the policy
      inner:                         # optional: any other Rasa broker, which still gets every event
        type: sql
        dialect: sqlite
        db: events.db

Rasa calls :meth:`publish` with ``{"sender_id", **event.as_dict()}`` for every event of every
tracker save (about 8 per turn), on the event loop (``rasa/core/tracker_store.py``,
``_stream_new_events``), so :meth:`publish` only maps the event and queues the records.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from asyncio import AbstractEventLoop
from pathlib import Path
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig

from rasa_ethics.audit.events import EventMapper, Redactor, name
from rasa_ethics.audit.pseudonym import Pseudonymizer
from rasa_ethics.audit.signing import SigningKeyError
from rasa_ethics.audit.writer import AuditWriter
from rasa_ethics.policy import LivePolicy

__all__ = ["AuditConfigError", "AuditEventBroker"]

logger = logging.getLogger(__name__)

_OPTIONS = ("policy", "path", "inner", "redactor")


#: Events rasa-ethics publishes for the audit trail alone (the agent console's actions).
AUDIT_ONLY_EVENTS = frozenset({"ethics_agent_action"})


class AuditConfigError(RasaException):
    """The ``event_broker`` section of endpoints.yml is wrong; raised at start-up (fail closed)."""


class AuditEventBroker(EventBroker):
    """Write a tamper-evident, PII-free audit record of every event, then pass it on.

    Args:
        policy: policy file (default: ``$RASA_ETHICS_POLICY``, else the bundled default).
        path: audit file; overrides ``audit.path`` of the policy.
        inner: another event broker that still receives every event unchanged.
        redactor: turns a bot message into PII-free text; bot text is only recorded when the
            policy sets ``audit.include_bot_text`` and a redactor is given.
        pseudonym_key: HMAC key for sender pseudonyms (default: from ``audit.pseudonym_key_env``).
    """

    def __init__(
        self,
        policy: str | Path | None = None,
        path: str | Path | None = None,
        inner: EventBroker | None = None,
        redactor: Redactor | None = None,
        pseudonym_key: bytes | None = None,
    ) -> None:
        self.policy = LivePolicy(policy)
        self.inner = inner
        self.writer: AuditWriter | None = None
        self.mapper: EventMapper | None = None
        if self.policy.current.audit.enabled:
            self._start(path, redactor, pseudonym_key)

    def _start(self, path: str | Path | None, redactor: Redactor | None, key: bytes | None) -> None:
        current = self.policy.current
        config = current.audit
        if config.include_bot_text and redactor is None:
            logger.warning(
                "rasa-ethics audit: include_bot_text is on but no redactor is set; "
                "bot text is left out of the audit trail"
            )
        pseudonymize = Pseudonymizer(key, config.pseudonym_key_env)
        mapper = self.mapper = EventMapper(
            pseudonymize, redactor if config.include_bot_text else None
        )
        start = {
            "policy_version": current.version_hash,
            "policy_name": current.name,
            "pseudonym_scope": pseudonymize.scope,
            "bot_text": mapper.redactor is not None,
        }
        try:
            self.writer = self._writer(path or config.path, current.version_hash, start)
        except SigningKeyError as exc:  # no usable key, or not the key that signed the trail
            raise AuditConfigError(str(exc)) from None
        if config.durable:
            self.writer.make_durable()

    def make_durable(self) -> None:
        """Append records before :meth:`publish` returns, unless the policy says ``durable: false``.

        The tracker store calls this in a multi-replica set-up (``rasa_ethics.stores.replicas``).
        """
        if self.writer is not None and self.policy.current.audit.durable is not False:
            self.writer.make_durable()

    def _writer(self, path: str | Path, version: str, start: dict[str, Any]) -> AuditWriter:
        config = self.policy.current.audit
        return AuditWriter(
            path,
            signing_key_file=config.signing_key_file,
            signing_key_env=config.signing_key_env,
            checkpoint_every=config.checkpoint_every,
            checkpoint_seconds=config.checkpoint_seconds,
            fsync=config.fsync,
            rotate_max_bytes=config.rotate_max_bytes,
            rotate_daily=config.rotate_daily,
            queue_size=config.queue_size,
            on_overload=config.on_overload,
            policy_version=version,
            start_fields=start,
        )

    @classmethod
    async def from_endpoint_config(
        cls,
        broker_config: EndpointConfig,
        event_loop: AbstractEventLoop | None = None,
    ) -> AuditEventBroker:
        """Build the broker, and its ``inner`` broker, from the ``event_broker`` endpoint config."""
        options = dict(broker_config.kwargs)
        unknown = sorted(set(options) - set(_OPTIONS))
        if unknown or broker_config.url:
            msg = (
                f"event_broker of type rasa_ethics.AuditEventBroker: unknown key(s) "
                f"{', '.join(unknown or ['url'])}; it takes {', '.join(_OPTIONS)}. "
                "Put the settings "
                "of another broker under `inner:`."
            )
            raise AuditConfigError(msg)
        inner = await _inner_broker(options.get("inner"), event_loop)
        return cls(
            policy=options.get("policy"),
            path=options.get("path"),
            inner=inner,
            redactor=_load_redactor(options.get("redactor")),
        )

    def publish(self, event: dict[str, Any]) -> None:
        """Queue the audit records of ``event`` and pass it to the inner broker.

        The agent console's own events (:data:`AUDIT_ONLY_EVENTS`) are audited only: they are not
        Rasa events, and consumers of the inner broker would not know them.
        """
        if self.writer is not None:
            self._audit(event)
        if self.inner is not None and event.get("event") not in AUDIT_ONLY_EVENTS:
            self.inner.publish(event)

    def _audit(self, event: dict[str, Any]) -> None:
        assert self.writer is not None and self.mapper is not None
        version = self.policy.current.version_hash
        try:
            records = self.mapper(event)
        except Exception as exc:  # noqa: BLE001 - a mapping bug must not cost the bot its turn
            # only the exception type: its message could quote the event
            error = {
                "where": "publish",
                "error": type(exc).__name__,
                "event_type": name(event.get("event")),
            }
            records = [("error", error)]
        for type_, fields in records:
            fields["policy_version"] = version
            self.writer.write(type_, fields)

    def is_ready(self) -> bool:
        """Ready when the inner broker is (the audit writer is ready from the start)."""
        return self.inner.is_ready() if self.inner is not None else True

    async def close(self) -> None:
        """Close the inner broker, then flush and close the audit trail."""
        if self.inner is not None:
            await self.inner.close()
        if self.writer is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.writer.close)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every record published so far is written (for tests and shutdown hooks)."""
        return self.writer.flush(timeout) if self.writer is not None else True


async def _inner_broker(config: Any, event_loop: AbstractEventLoop | None) -> EventBroker | None:
    if config is None:
        return None
    if not isinstance(config, dict) or not config.get("type"):
        msg = "event_broker.inner must be a broker configuration with a `type:` (e.g. type: sql)"
        raise AuditConfigError(msg)
    inner = await EventBroker.create(EndpointConfig.from_dict(config), event_loop)
    if inner is None:
        # Rasa only logs a warning and runs without a broker when a class cannot be imported
        msg = f"event_broker.inner of type {config['type']!r} could not be created (see the log)"
        raise AuditConfigError(msg)
    return inner


def _load_redactor(path: str | None) -> Redactor | None:
    if not path:
        return None
    module_name, _, attribute = str(path).rpartition(".")
    try:
        redactor = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError, ValueError):
        msg = f"event_broker.redactor: cannot import {path!r} (give module.function)"
        raise AuditConfigError(msg) from None
    if not callable(redactor):
        msg = f"event_broker.redactor: {path!r} is not callable"
        raise AuditConfigError(msg)
    return redactor  # type: ignore[no-any-return]
