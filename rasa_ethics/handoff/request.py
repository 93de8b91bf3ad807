"""Handoff requests as they are found in a conversation: who, why, when, and a short transcript.

Each request has a reference number the customer was told (:mod:`rasa_ethics.handoff.reference`):
derived from the conversation and the timestamp of the customer message that started its turn,
the same number EthicsNLG put into the handoff text.  A complaint filed with an offer of a person
(``utter_ethics_complaint_filed``, ``handoff.when.complaint: ask``) is a request too; a "yes" to
that offer hands off the same request, so it is not queued twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence

from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered

from rasa_ethics import constants as c
from rasa_ethics.handoff.decision import HandoffDecision
from rasa_ethics.handoff.reference import handoff_reference

__all__ = [
    "HandoffRequest",
    "Redactor",
    "filed_reference",
    "identity",
    "requests_in",
    "request_id",
]

Redactor = Callable[[str], str]

_NAMESPACE = uuid.UUID("5f0c1c8e-2b64-4c1e-9d6a-7f3e2a1b9c40")


def identity(text: str) -> str:
    """The default redactor: text unchanged, until the PII integration plugs its own in."""
    return text


def request_id(conversation_id: str, timestamp: float) -> str:
    """A stable id for the handoff announced at ``timestamp``, the same on every replica."""
    return str(uuid.uuid5(_NAMESPACE, f"{conversation_id}\x00{timestamp!r}"))


@dataclass(frozen=True)
class HandoffRequest:
    """One handoff, ready to be queued."""

    id: str
    conversation_id: str
    reason: str
    created_at: float
    available: bool
    signals: Sequence[str] = ()
    transcript: List[Dict[str, str]] = field(default_factory=list)
    reference: Optional[str] = None  # "HR-7K3M-9QXA", the number the customer was told

    def as_payload(self, policy_name: str) -> Dict[str, Any]:
        """The JSON body sent to the webhook."""
        return {
            "id": self.id,
            "reference": self.reference,
            "conversation_id": self.conversation_id,
            "reason": self.reason,
            "signals": list(self.signals),
            "created_at": self.created_at,
            "agent_available": self.available,
            "transcript": self.transcript,
            "policy": policy_name,
        }


def requests_in(
    conversation_id: str,
    events: Sequence[Event],
    transcript_turns: int,
    redact: Redactor = identity,
) -> List[HandoffRequest]:
    """Every handoff announced in ``events``, at most one per customer turn.

    A handoff is announced by the ``ActionExecuted`` of the handoff response, or of the last
    action of the host's own handoff flow (``handoff.host_flow: keep``), which carries the
    :class:`HandoffDecision` EthicsPolicy made.  The reason is that decision's, else "unspecified".
    The first announcement of a turn counts: if the host's flow reached nobody and the plugin's
    own handoff text followed, that is still one handoff.

    Only a handoff EthicsPolicy decided counts (its decision is on the action), and only when the
    customer was told: when the NLG said an offer in place of the handoff text, or the action
    failed and the outage offer went out instead, nobody was promised a person and nothing is
    queued.
    """
    found = []
    announced = False  # in the current customer turn
    turn_started: Optional[float] = None
    for index, event in enumerate(events):
        if isinstance(event, UserUttered):
            announced, turn_started = False, event.timestamp
        if announced or not isinstance(event, ActionExecuted):
            continue
        decision = HandoffDecision.from_metadata(event.metadata)
        reference = (
            None if turn_started is None else handoff_reference(conversation_id, turn_started)
        )
        if decision is None:
            decision, reference = _filed(events, index), _said_reference(events, index)
            if decision is None or reference is None:
                continue  # no complaint filed, or its number was never said: nothing queued
        elif not _announced(events, index):
            continue
        elif _answers_filing(event, events, index):
            announced = True  # "yes" to a filed complaint's offer: that request, queued already
            continue
        announced = True
        available = decision.available
        if available is None:
            available = event.action_name == c.RESPONSE_HANDOFF
        found.append(
            HandoffRequest(
                id=request_id(conversation_id, event.timestamp),
                conversation_id=conversation_id,
                reason=decision.reason,
                signals=decision.signals,
                created_at=event.timestamp,
                available=available,
                transcript=transcript(events[: index + 3], transcript_turns, redact),
                reference=reference,
            )
        )
    return found


def filed_reference(events: Sequence[Event]) -> Optional[str]:
    """The reference of the complaint whose offer the latest customer message answers, if any.

    It is said on the offer (``metadata["ethics_filed"]["reference"]`` of the bot message right
    before that customer message); the handoff a "yes" starts keeps that number.
    """
    seen_user = False
    for event in reversed(events):
        if isinstance(event, UserUttered):
            if seen_user:
                return None
            seen_user = True
        elif isinstance(event, BotUttered) and seen_user:
            info = (event.metadata or {}).get(c.META_FILED)
            found = info.get(c.REFERENCE) if isinstance(info, dict) else None
            return found if isinstance(found, str) else None
    return None


def _filed(events: Sequence[Event], index: int) -> Optional[HandoffDecision]:
    """The complaint EthicsPolicy filed with the action at ``index``, if it did."""
    info = (events[index].metadata or {}).get(c.META_FILED)  # type: ignore[attr-defined]
    if not isinstance(info, dict):
        return None
    return HandoffDecision.from_metadata({c.META_HANDOFF: info})


def _said_reference(events: Sequence[Event], index: int) -> Optional[str]:
    """The reference the bot message after the filing action said (the NLG marks it)."""
    for event in events[index + 1 :]:
        if isinstance(event, BotUttered):
            info = (event.metadata or {}).get(c.META_FILED)
            found = info.get(c.REFERENCE) if isinstance(info, dict) else None
            return found if isinstance(found, str) else None
        if isinstance(event, (ActionExecuted, UserUttered)):
            break
    return None


def _answers_filing(event: ActionExecuted, events: Sequence[Event], index: int) -> bool:
    """The handoff at ``index`` is the "yes" to the offer of a complaint that was filed."""
    answer = (event.metadata or {}).get(c.META_CONFIRM)
    if not isinstance(answer, dict) or answer.get(c.CONFIRM_STAGE) != c.STAGE_YES:
        return False
    return filed_reference(events[:index]) is not None


def _announced(events: Sequence[Event], index: int) -> bool:
    """The customer was told about the handoff decided at ``index``, and not offered one instead.

    The plugin's handoff text follows its action; a kept host flow may have spoken before its
    last action (``utter_transfer`` then ``action_transfer_to_agent``).
    """
    for event in events[index + 1 :]:
        if isinstance(event, BotUttered):
            return not (event.metadata or {}).get(c.META_CONFIRM)
        if isinstance(event, (ActionExecuted, UserUttered)):
            break
    for event in reversed(events[:index]):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and not (event.metadata or {}).get(c.META_CONFIRM):
            return True
    return False


def transcript(
    events: Sequence[Event], turns: int, redact: Redactor = identity
) -> List[Dict[str, str]]:
    """The last ``turns`` messages in ``events``, oldest first, each passed through ``redact``."""
    messages: List[Dict[str, str]] = []
    for event in reversed(events):
        if len(messages) >= turns:
            break
        role: Optional[str] = None
        if isinstance(event, UserUttered):
            role = "customer"
        elif isinstance(event, BotUttered):
            role = "agent" if (event.metadata or {}).get(c.META_AGENT) else "bot"
        if role and event.text:
            messages.append({"role": role, "text": redact(event.text)})
    messages.reverse()
    return messages
