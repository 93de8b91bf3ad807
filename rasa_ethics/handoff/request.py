"""Handoff requests as they are found in a conversation: who, why, when, and a short transcript."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence

from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered

from rasa_ethics import constants as c
from rasa_ethics.handoff.decision import HandoffDecision

__all__ = ["HandoffRequest", "Redactor", "identity", "requests_in", "request_id"]

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

    def as_payload(self, policy_name: str) -> Dict[str, Any]:
        """The JSON body sent to the webhook."""
        return {
            "id": self.id,
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
    for index, event in enumerate(events):
        if isinstance(event, UserUttered):
            announced = False
        if announced or not isinstance(event, ActionExecuted):
            continue
        decision = HandoffDecision.from_metadata(event.metadata)
        if decision is None or not _announced(events, index):
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
            )
        )
    return found


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
