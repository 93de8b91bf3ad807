"""Rasa event dicts → audit records, keeping names and numbers and never text or values.

What other rasa-ethics components attach, and this module reads:

* ``parse_data["ethics_pii"]`` of a ``user`` event (or its ``metadata["ethics_pii"]``): a list of
  spans ``{"type", "start", "end"}``.  Only the types are counted.
* ``metadata["ethics_disclosure"] = True`` on the ``bot`` event that carries the disclosure.
* ``metadata["ethics_handoff"] = {"reason": ..., "signals": [...]}`` on the ``action`` event of
  the handoff response (EthicsPolicy) and/or on the ``bot`` event of the handoff message
  (EthicsNLG); optional keys ``available`` (bool) and ``webhook`` (bool or a status name).  A
  plain string is taken as the reason.  One handoff gives one record, from whichever comes
  first; the ``pause`` that follows adds nothing.  A ``pause`` without either is recorded as a
  handoff with reason ``unspecified``.
* ``metadata["ethics_agent"] = {"id": "sam"}`` on a ``bot`` event that a human agent sent (any
  true value marks it; the id is recorded when it looks like a name).
* ``metadata["ethics_confirm"] = {"stage": "asked", "reason": ...}`` on a ``bot`` event that
  offers a person, and ``{"stage": "yes" | "no", ...}`` on the ``action`` event that answers the
  offer: one ``handoff_confirmation`` record each.
* ``metadata["ethics_outage"] = {"action": name}`` on the ``bot`` event said when an action
  failed: an ``action_failure`` record.
* ``metadata["ethics_feedback"] = {"response", "action", "timestamp"}`` on the ``bot`` event of
  the offer of a person that follows the customer's feedback ("that's wrong"): one ``feedback``
  record pointing at the flagged bot turn by its response and action names and its timestamp.
* ``metadata["ethics_filed"] = {"reference": ...}`` on the ``bot`` event of
  ``utter_ethics_complaint_filed``: a ``complaint_filed`` record (the reference is not recorded:
  the queue row holds it).
* ``{"event": "ethics_agent_action", "action", "agent", "handoff", "assignee", "presence"}``,
  published by the agent console through the bot's broker: one ``agent_action`` record (the
  action, the agent's and assignee's ids when they look like names, the handoff id, the presence).

Everything recorded is a name (intent, action, response, policy, entity or PII type), a number, a
flag, or a pseudonym.  Names must look like identifiers; anything else becomes ``"<invalid>"``, so
a component that puts text where a name belongs cannot leak it.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from rasa_ethics import constants as c
from rasa_ethics.audit.pseudonym import Pseudonymizer
from rasa_ethics.handoff.decision import UNSPECIFIED, HandoffDecision

__all__ = ["EventMapper", "Redactor", "name"]

Redactor = Callable[[str], str]
Record = tuple[str, dict[str, Any]]
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_./:-]{0,99}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_PENDING_PAUSES = 10_000
_HANDOFF_RESPONSES = {c.RESPONSE_HANDOFF: True, c.RESPONSE_HANDOFF_UNAVAILABLE: False}
_VALID_NAMES: set[str] = set()  # names seen before: intents, actions, responses, policies


def name(value: Any) -> str | None:
    """``value`` if it looks like an identifier, None if empty, else ``"<invalid>"``."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        return "<invalid>"
    if value in _VALID_NAMES:
        return value
    if _NAME.fullmatch(value):
        if len(_VALID_NAMES) < 10_000:
            _VALID_NAMES.add(value)
        return value
    return "<invalid>"


def _number(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
        return round(float(value), 4)
    return None


class EventMapper:
    """Turn one Rasa event dict (``{"sender_id", "event", ...}``) into zero or more records."""

    def __init__(self, pseudonymize: Pseudonymizer, redactor: Redactor | None = None) -> None:
        self.pseudonymize = pseudonymize
        self.redactor = redactor
        # senders whose handoff is recorded but whose `pause` has not come yet
        self._handoffs: OrderedDict[str, None] = OrderedDict()
        self._handlers: dict[str, Callable[[str, Mapping[str, Any]], list[Record]]] = {
            "session_started": lambda sender, _event: [("session_started", {"sender": sender})],
            "user": self._user,
            "action": self._action,
            "bot": self._bot,
            "pause": self._pause,
            c.EVENT_AGENT_ACTION: self._agent_action,
        }

    def __call__(self, event: Mapping[str, Any]) -> list[Record]:
        """The records for ``event`` (most events give one, ``bot`` events up to three)."""
        handler = self._handlers.get(str(event.get("event")))
        if handler is None:
            return []
        return handler(self.pseudonymize(event.get("sender_id")), event)

    def _user(self, sender: str, event: Mapping[str, Any]) -> list[Record]:
        parse = event.get("parse_data") or {}
        intent = parse.get("intent") or {}
        fields: dict[str, Any] = {
            "sender": sender,
            "intent": name(intent.get("name")),
            "confidence": _number(intent.get("confidence")),
            "channel": name(event.get("input_channel")),
        }
        entities = sorted({name(e.get("entity")) or "" for e in parse.get("entities") or []} - {""})
        if entities:
            fields["entities"] = entities
        pii = _pii_counts(parse, event.get("metadata") or {})
        if pii:
            fields["pii"] = pii
        self._handoffs.pop(sender, None)  # a new turn: a later handoff is a new one
        return [("user_turn", fields)]

    def _action(self, sender: str, event: Mapping[str, Any]) -> list[Record]:
        action = name(event.get("name"))
        fields = {
            "sender": sender,
            "action": action,
            "policy": name(event.get("policy")),
            "confidence": _number(event.get("confidence")),
        }
        records: list[Record] = [("action", fields)]
        records += _confirmation(sender, event.get("metadata") or {}, (c.STAGE_YES, c.STAGE_NO))
        marker = (event.get("metadata") or {}).get(c.META_HANDOFF)
        if marker and sender not in self._handoffs:
            records.append(("handoff", _handoff(sender, marker, action, "action_metadata")))
            self._remember(sender)
        return records

    def _bot(self, sender: str, event: Mapping[str, Any]) -> list[Record]:
        metadata = event.get("metadata") or {}
        response = name(metadata.get("utter_action") or metadata.get("template_name"))
        fields: dict[str, Any] = {"sender": sender, "response": response}
        agent = metadata.get(c.META_AGENT)
        if agent:
            fields["agent"] = True
            agent_id = name(agent.get(c.AGENT_ID)) if isinstance(agent, Mapping) else None
            if agent_id:
                fields["agent_id"] = agent_id
        text = event.get("text")
        if self.redactor is not None and isinstance(text, str) and text:
            fields["text"] = self.redactor(text)
        records: list[Record] = [("bot_utterance", fields)]
        if metadata.get(c.META_DISCLOSURE) is True:
            records.append(("disclosure", {"sender": sender, "response": response}))
        records += _confirmation(sender, metadata, (c.STAGE_ASKED,))
        records += _feedback(sender, metadata.get(c.META_FEEDBACK))
        if isinstance(metadata.get(c.META_FILED), Mapping):
            records.append(("complaint_filed", {"sender": sender, "response": response}))
        outage = metadata.get(c.META_OUTAGE)
        if isinstance(outage, Mapping):
            records.append(
                ("action_failure", {"sender": sender, "action": name(outage.get("action"))})
            )
        marker = metadata.get(c.META_HANDOFF)
        if marker and sender not in self._handoffs:
            records.append(("handoff", _handoff(sender, marker, response, "bot_metadata")))
            self._remember(sender)
        return records

    def _agent_action(self, sender: str, event: Mapping[str, Any]) -> list[Record]:
        fields: dict[str, Any] = {"sender": sender, "action": name(event.get("action"))}
        for key in ("agent", "assignee", "presence"):
            fields[key] = name(event.get(key))
        handoff = event.get("handoff")  # a queue row's id: a UUID
        is_id = isinstance(handoff, str) and _UUID.fullmatch(handoff)
        fields["handoff"] = handoff if is_id else name(handoff)
        return [("agent_action", fields)]

    def _pause(self, sender: str, _event: Mapping[str, Any]) -> list[Record]:
        if sender in self._handoffs:
            del self._handoffs[sender]
            return []  # already recorded, with its reason, from the handoff message
        return [("handoff", {"sender": sender, "reason": UNSPECIFIED, "source": "pause"})]

    def _remember(self, sender: str) -> None:
        self._handoffs[sender] = None
        self._handoffs.move_to_end(sender)
        while len(self._handoffs) > _PENDING_PAUSES:
            self._handoffs.popitem(last=False)


def _confirmation(
    sender: str, metadata: Mapping[str, Any], stages: tuple[str, ...]
) -> list[Record]:
    """A ``handoff_confirmation`` record if ``metadata`` marks an offer or its answer."""
    info = metadata.get(c.META_CONFIRM)
    if not isinstance(info, Mapping) or info.get(c.CONFIRM_STAGE) not in stages:
        return []
    fields = {
        "sender": sender,
        "stage": name(info.get(c.CONFIRM_STAGE)),
        "reason": name(info.get(c.CONFIRM_REASON)) or UNSPECIFIED,
    }
    return [("handoff_confirmation", fields)]


def _feedback(sender: str, info: Any) -> list[Record]:
    """A ``feedback`` record if an offer carries the flagged bot turn (names and a time)."""
    if not isinstance(info, Mapping):
        return []
    fields = {
        "sender": sender,
        "response": name(info.get(c.FEEDBACK_RESPONSE)),
        "action": name(info.get(c.FEEDBACK_ACTION)),
        "flagged_at": _number(info.get(c.FEEDBACK_TIMESTAMP)),
    }
    return [("feedback", fields)]


def _handoff(sender: str, marker: Any, response: str | None, source: str) -> dict[str, Any]:
    decision = HandoffDecision.from_metadata({c.META_HANDOFF: marker})
    decision = decision or HandoffDecision(UNSPECIFIED)
    fields: dict[str, Any] = {
        "sender": sender,
        "reason": name(decision.reason) or UNSPECIFIED,
        "source": source,
    }
    if decision.signals:
        fields["signals"] = sorted({name(signal) or "" for signal in decision.signals} - {""})
    available = decision.available
    if available is None:
        available = _HANDOFF_RESPONSES.get(response or "")
    if isinstance(available, bool):
        fields["available"] = available
    webhook = marker.get(c.HANDOFF_WEBHOOK) if isinstance(marker, Mapping) else None
    if webhook is not None:
        fields["webhook"] = webhook if isinstance(webhook, bool) else name(webhook)
    return fields


def _pii_counts(parse: Mapping[str, Any], metadata: Mapping[str, Any]) -> dict[str, int]:
    spans = parse.get(c.META_PII)
    if spans is None:
        spans = metadata.get(c.META_PII)
    if not isinstance(spans, list):
        return {}
    counts: dict[str, int] = {}
    for span in spans:
        if isinstance(span, Mapping):
            kind = name(span.get("type")) or "unknown"
            counts[kind] = counts.get(kind, 0) + 1
    return counts
