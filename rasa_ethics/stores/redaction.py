"""What ``RedactingTrackerStore`` stores: a redacted copy of every tracker, event for event.

:class:`TrackerRedaction` provides the store's hooks:

* :meth:`~TrackerRedaction.redact_tracker` (``redactor``): a copy of the tracker with the same
  number of events, in which user and bot text, parse data (text, entity values), slot values and
  the metadata of every event are redacted with the policy's operators.  User messages reuse the
  spans :class:`~rasa_ethics.nlu.PIIDetector` attached (detect once); without them the text is
  analysed here.  A message that answers the bot's question for a name, an address, ... is
  analysed as that type's answer (:mod:`rasa_ethics.context.answers`, followed event by event
  through the stored tracker), unless PIIDetector already did.  Slots in ``pii.vault_slots``
  are stored as vault tokens instead.
* :meth:`~TrackerRedaction.redact_text` (``redact``): one text, e.g. a handoff transcript line.
* :meth:`~TrackerRedaction.rehydrate`: puts the real values of vault slots back into a tracker
  that the running conversation retrieves, while they have not expired.

Every string of every event is made safe first (:func:`rasa_ethics.inputs.safe_json`: no lone
surrogate, NUL or control character, no nesting deeper than 32 levels), and a text longer than
the policy's ``messages.max_message_chars`` (refused, see PIIDetector) is stored as a note of
its length only: a 1 MB message is neither stored, nor analysed, nor put in the vault.  Both also
apply with ``pii.enabled: false``.

Why copies, and why the same number of events: the processor keeps using the tracker it saved,
and ``SQLTrackerStore.save`` appends only the events past the stored count
(``rasa/core/tracker_store.py``), as does ``stream_events`` towards the event broker.  Redaction
is deterministic (vault tokens too), so a redacted copy of the same events is always the same.
"""

from __future__ import annotations

import copy
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

from rasa.shared.core.events import Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from sqlalchemy.engine import Engine

from rasa_ethics import constants as c
from rasa_ethics.context import OWN_NAMES, AnswerTypes, Asked, answer_types, remember
from rasa_ethics.inputs import safe_json
from rasa_ethics.nlg.output import written_texts
from rasa_ethics.pii import PIIEngine, Span
from rasa_ethics.pii.runtime import engine_for
from rasa_ethics.policy import LivePolicy
from rasa_ethics.privacy import protect_process
from rasa_ethics.stores._values import (
    REDACTED_MARK,
    ValueRedactor,
    scrub,
    too_long,
    user_spans,
    withhold_long,
)
from rasa_ethics.vault import Vault, is_token

__all__ = ["REDACTED_MARK", "TrackerRedaction"]

logger = logging.getLogger(__name__)

_PURGE_EVERY_SECONDS = 60.0


@dataclass
class _Save:
    """What one call of :meth:`TrackerRedaction.redact_tracker` collects."""

    sender_id: str
    engine: PIIEngine
    vault_slots: frozenset
    limit: int  # messages.max_message_chars
    answers: AnswerTypes
    vaulted: Dict[str, Tuple[str, Any]] = field(default_factory=dict)
    asked: Asked = field(default_factory=Asked)  # what the bot has asked, up to this event
    expected: Optional[str] = None  # the PII type the current user event answers


class TrackerRedaction:
    """The redaction hooks of a tracker store, following the live policy's ``pii:`` section."""

    def __init__(
        self,
        live: LivePolicy,
        vault: Optional[Vault] = None,
        domain: Callable[[], Any] = lambda: None,
        cache_size: int = 4096,
    ) -> None:
        """``domain`` gives the current domain (session expiry, response templates)."""
        self.live = live
        self.vault = vault
        self.domain = domain
        self.values = ValueRedactor(cache_size)
        self._purged_at = 0.0
        if self.live.current.pii.vault_slots and vault is None:
            msg = "pii.vault_slots is set, but the tracker store has no vault"
            raise RasaException(msg)

    @classmethod
    def for_store(
        cls, live: LivePolicy, engine: Engine, domain: Callable[[], Any]
    ) -> TrackerRedaction:
        """The hooks of a tracker store whose SQL database (``engine``) also holds the vault.

        Also protects the process (:func:`rasa_ethics.privacy.protect_process`: Sentry, log
        redaction) and loads spaCy now rather than on the first message.
        """
        policy = live.current
        engine_for(policy).warm_up()
        protect_process(policy)
        vault = Vault.for_engine(engine) if policy.pii.enabled and policy.pii.vault_slots else None
        return cls(live, vault, domain)

    # --- hooks ---------------------------------------------------------------------------------

    def redact_tracker(self, tracker: DialogueStateTracker) -> DialogueStateTracker:
        """A redacted copy of ``tracker`` with exactly the same number of events."""
        policy = self.live.current
        limit = policy.messages.max_message_chars
        if not policy.pii.enabled:
            cleaned = [withhold_long(safe_json(e.as_dict()), limit) for e in tracker.events]
            return _copy(tracker, [_rebuild(data) for data in cleaned])
        save = _Save(
            tracker.sender_id,
            engine_for(policy),
            frozenset(policy.pii.vault_slots),
            limit,
            answer_types(policy.pii.context),
        )
        redacted = [self._following(event, save) for event in tracker.events]
        if save.vaulted and self.vault is not None:
            try:
                self.vault.store(tracker.sender_id, save.vaulted, self._expiry(tracker, policy))
            except Exception as exc:  # the tokens are stored; the values are lost, not leaked
                logger.error(
                    "rasa-ethics: the vault could not store values (%s)", type(exc).__name__
                )
        self._purge()
        return _copy(tracker, [_rebuild(data) for data in redacted])

    def redact_text(self, text: str) -> str:
        """``text`` redacted with the live policy (handoff transcripts)."""
        policy = self.live.current
        return self.values.text(engine_for(policy), text) if policy.pii.enabled else text

    def rehydrate(self, tracker: Optional[DialogueStateTracker]) -> Optional[DialogueStateTracker]:
        """Put the real values of vault slots back, for the conversation that owns them.

        A token that no longer resolves (expired, or another conversation's) becomes ``None``, so
        a form asks for the value again instead of passing a token to a custom action.
        """
        if tracker is None or self.vault is None:
            return tracker
        names = set(self.live.current.pii.vault_slots)
        slot_events = [
            e
            for e in tracker.events
            if isinstance(e, SlotSet) and e.key in names and is_token(e.value)
        ]
        slots = [s for n, s in tracker.slots.items() if n in names and is_token(s.value)]
        tokens = [e.value for e in slot_events] + [s.value for s in slots]
        if not tokens:
            return tracker
        found = self.vault.resolve(tracker.sender_id, tokens)
        for event in slot_events:
            event.value = _value(found, event.value, event.key)
        for slot in slots:
            slot.value = _value(found, slot.value, slot.name)
        self._remember([value for _, value in found.values()])
        return tracker

    # --- events --------------------------------------------------------------------------------

    def _following(self, event: Event, save: _Save) -> Dict[str, Any]:
        """The redacted event, knowing what the bot had asked before it (never raises)."""
        is_user = isinstance(event, UserUttered)
        save.expected = save.answers.expected(save.asked) if is_user else None
        redacted = self._safely(event, save)
        try:
            save.asked.see(event)
        except Exception as exc:  # an odd event must not stop the save: see _safely
            kind = type(exc).__name__  # only the type: a message could hold a value
            logger.error("rasa-ethics: could not follow a %s event (%s)", event.type_name, kind)
            save.asked = Asked()
        return redacted

    def _safely(self, event: Event, save: _Save) -> Dict[str, Any]:
        """The redacted event; if redacting fails, the event with all its text withheld.

        Never raise from here: Rasa's ``FailSafeTrackerStore`` would answer an exception by
        keeping the raw tracker in memory and publishing it to the event broker.
        """
        try:
            return self._event(safe_json(event.as_dict()), save)  # a copy: events stay as they are
        except Exception as exc:
            kind = type(exc).__name__
            logger.error("rasa-ethics: could not redact a %s event (%s)", event.type_name, kind)
            return scrub(safe_json(event.as_dict()))

    def _event(self, data: Dict[str, Any], save: _Save) -> Dict[str, Any]:
        kind = data.get("event")
        if kind == "user":
            return self._user(data, save)
        if kind == "bot":
            return self._bot(data, save)
        if kind == "slot" and data.get("name") in save.vault_slots and self.vault is not None:
            return self._vault_slot(data, save)
        return self.values.walk(data, save.engine, limit=save.limit)

    def _user(self, data: Dict[str, Any], save: _Save) -> Dict[str, Any]:
        parse_data = data.get("parse_data") or {}
        if parse_data.get(REDACTED_MARK):
            return data
        text = data.get("text")
        redacted, spans = self._user_text(text, parse_data, save)
        entities = [
            self.values.entity(e, spans, save.engine) for e in parse_data.get("entities") or []
        ]
        rest = {k: v for k, v in parse_data.items() if k not in {"text", "entities"}}
        data["parse_data"] = {
            **self.values.walk(rest, save.engine, limit=save.limit),
            "text": redacted,
            "entities": entities,
            c.META_PII: [s.to_dict() for s in spans],
            REDACTED_MARK: True,
        }
        data["text"] = redacted
        data["metadata"] = self.values.walk(
            data.get("metadata"), save.engine, "metadata", limit=save.limit
        )
        return data

    def _user_text(
        self, text: Any, parse_data: Dict[str, Any], save: _Save
    ) -> Tuple[Any, List[Span]]:
        """The stored text and the spans found in it (those PIIDetector attached, if they fit).

        A text over the limit is withheld; PIIDetector did not analyse it (it is too long).
        """
        if not isinstance(text, str):
            return text, []
        if len(text) > save.limit:
            return too_long(text), []
        spans = OWN_NAMES.keep(text, user_spans(save.engine, text, parse_data, save.expected))
        redacted = save.engine.anonymize(text, spans).text
        remember(text, spans)
        return redacted, spans

    def _bot(self, data: Dict[str, Any], save: _Save) -> Dict[str, Any]:
        """Bot text and payloads; values the designers wrote (templates, policy texts) stay."""
        metadata = data.get("metadata") or {}
        if metadata.get(REDACTED_MARK):
            return data
        text = data.pop("text", None)
        data = self.values.walk(data, save.engine, limit=save.limit)
        if isinstance(text, str):
            responses = getattr(self.domain(), "responses", None) or {}
            written = written_texts(self.live.current, responses.get(metadata.get("utter_action")))
            text = self.values.text(save.engine, text, written, limit=save.limit)
        data["text"] = text
        data["metadata"] = {**(data.get("metadata") or {}), REDACTED_MARK: True}
        return data

    def _vault_slot(self, data: Dict[str, Any], save: _Save) -> Dict[str, Any]:
        value = data.get("value")
        if isinstance(value, str) and len(value) > save.limit:  # a refused message, not a value
            return self.values.walk(data, save.engine, limit=save.limit)
        if value is None or is_token(value) or self.vault is None:
            return data  # without a vault (slot added to the policy later) it is redacted above
        token = self.vault.token_for(save.sender_id, data["name"], value)
        save.vaulted[token] = (data["name"], value)
        data["value"] = token
        return data

    def _remember(self, values: List[Any]) -> None:
        """Let the log filter hide re-hydrated values too (they were detected in an earlier run)."""
        engine = engine_for(self.live.current)
        for value in values:
            if isinstance(value, str):
                remember(value, engine.analyze(value))

    def _expiry(self, tracker: DialogueStateTracker, policy: Any) -> float:
        """End of the session (last event + session expiry) plus the grace period."""
        last = max([time.time()] + [e.timestamp for e in list(tracker.events)[-1:]])
        session = _session_seconds(self.domain())
        return last + session + 60.0 * policy.pii.vault_grace_minutes

    def _purge(self) -> None:
        now = time.monotonic()
        if self.vault is not None and now - self._purged_at >= _PURGE_EVERY_SECONDS:
            self._purged_at = now
            try:
                deleted = self.vault.purge()
            except Exception as exc:  # tried again a minute later
                logger.error(
                    "rasa-ethics: expired vault values not deleted (%s)", type(exc).__name__
                )
                return
            if deleted:
                logger.debug("rasa-ethics: deleted %d expired vault values", deleted)


def _session_seconds(domain: Any) -> float:
    """The domain's session expiry in seconds (0 when sessions never expire)."""
    if domain is None:
        return 3600.0
    minutes = getattr(getattr(domain, "session_config", None), "session_expiration_time", 60)
    return 60.0 * float(minutes or 0)


def _value(found: Dict[str, Tuple[str, Any]], token: str, slot: str) -> Any:
    hit = found.get(token)
    return hit[1] if hit is not None and hit[0] == slot else None


def _copy(tracker: DialogueStateTracker, events: List[Event]) -> DialogueStateTracker:
    """A tracker like ``tracker`` with the stored ``events``."""
    return DialogueStateTracker.from_events(
        tracker.sender_id,
        events,
        slots=[copy.copy(slot) for slot in tracker.slots.values()],
        max_event_history=tracker._max_event_history,
        sender_source=tracker.sender_source,
    )


def _rebuild(data: Dict[str, Any]) -> Event:
    event = Event.from_parameters(data)
    if event is None:
        msg = f"rasa-ethics cannot store a redacted copy of a '{data.get('event')}' event"
        raise RasaException(msg)
    return event
