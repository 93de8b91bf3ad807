"""What a customer's message answers: the PII type of the bot's last question.

A Rasa bot knows what it just asked.  The reply to "What's the name on the account?" is a name
and the reply to "What's your delivery address?" is an address, cue phrase or not.  Two pieces of
the conversation say so:

* the form's ``requested_slot`` while a form is active (Rasa's own slot mappings key on it), its
  slot name mapped to a PII type by ``pii.context.slots`` (defaults:
  :data:`~rasa_ethics.policy.schema_pii.DEFAULT_CONTEXT_SLOTS`);
* the response names of the bot's messages since the customer last wrote (``utter_action`` in
  the ``BotUttered`` metadata): one listed in ``pii.context.responses``, or ``utter_ask_<slot>``
  / ``utter_ask_<form>_<slot>`` for a slot of a known type.

:class:`Asked` follows a conversation event by event (the tracker store replays every event it
stores) or reads a tracker's current state (the NLU component, before the message is logged).
:class:`AnswerTypes` turns it into the ``expected_type`` of
:meth:`rasa_ethics.pii.PIIEngine.analyze`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple

from rasa.shared.core.constants import REQUESTED_SLOT
from rasa.shared.core.events import (
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)

from rasa_ethics.policy.schema_pii import PIIContextConfig

__all__ = ["AnswerTypes", "Asked", "answer_types"]

_ASK = "utter_ask_"


@dataclass
class Asked:
    """What the bot has just asked: the active form, its requested slot, the responses sent."""

    active_loop: Optional[str] = None
    requested_slot: Optional[str] = None
    #: Response names of the bot's messages since the customer last wrote, oldest first.
    responses: List[str] = field(default_factory=list)

    def see(self, event: Event) -> None:
        """Move on past ``event`` (events in the order the tracker holds them)."""
        if isinstance(event, UserUttered):
            self.responses = []
        elif isinstance(event, BotUttered):
            name = _response_name(event)
            if name is not None:
                self.responses.append(name)
        elif isinstance(event, ActiveLoop):
            self.active_loop = event.name
        elif isinstance(event, SlotSet) and event.key == REQUESTED_SLOT:
            self.requested_slot = event.value if isinstance(event.value, str) else None
        elif isinstance(event, AllSlotsReset):
            self.requested_slot = None
        elif isinstance(event, (Restarted, SessionStarted)):
            self.active_loop, self.requested_slot, self.responses = None, None, []

    @classmethod
    def from_tracker(cls, tracker: Any) -> Asked:
        """The state of a tracker that has not yet logged the customer's newest message."""
        slot = tracker.slots.get(REQUESTED_SLOT)
        value = getattr(slot, "value", None)
        asked = cls(tracker.active_loop_name, value if isinstance(value, str) else None)
        for event in reversed(tracker.events):
            if isinstance(event, (UserUttered, Restarted, SessionStarted)):
                break
            name = _response_name(event) if isinstance(event, BotUttered) else None
            if name is not None:
                asked.responses.insert(0, name)
        return asked


def _response_name(event: BotUttered) -> Optional[str]:
    """The response a bot message was built from (``utter_action`` in its metadata), if any."""
    metadata = event.metadata
    name = metadata.get("utter_action") if isinstance(metadata, dict) else None
    return name if isinstance(name, str) else None


class AnswerTypes:
    """Which PII type answers which question, as the policy's ``pii.context`` says."""

    def __init__(self, context: PIIContextConfig) -> None:
        """The slot and response tables of ``context`` (defaults merged in)."""
        self.enabled = context.enabled
        self.slots: Dict[str, str] = context.slot_types()
        self.responses: Mapping[str, Optional[str]] = dict(context.responses)

    def expected(self, asked: Asked) -> Optional[str]:
        """The PII type the customer's next message answers, or None."""
        if not self.enabled:
            return None
        if asked.active_loop and asked.requested_slot in self.slots:
            return self.slots[asked.requested_slot]
        for name in reversed(asked.responses):
            kind = self.of_response(name)
            if kind is not None:
                return kind
        return None

    def of_response(self, name: str) -> Optional[str]:
        """The PII type of the answer to response ``name`` (``utter_ask_<form>_<slot>`` too)."""
        if name in self.responses:
            return self.responses[name]  # None: the designer says it asks for nothing personal
        if not name.startswith(_ASK):
            return None
        parts = name[len(_ASK) :].split("_")
        for i in range(len(parts)):
            kind = self.slots.get("_".join(parts[i:]))
            if kind is not None:
                return kind
        return None


_cache: Dict[int, Tuple[PIIContextConfig, AnswerTypes]] = {}
_lock = threading.Lock()


def answer_types(context: PIIContextConfig) -> AnswerTypes:
    """The (cached) :class:`AnswerTypes` of one loaded policy's ``pii.context``."""
    with _lock:
        hit = _cache.get(id(context))
        if hit is not None and hit[0] is context:
            return hit[1]
        if len(_cache) >= 16:  # policy versions; a live reload makes a new one now and then
            _cache.pop(next(iter(_cache)))
        types = AnswerTypes(context)
        _cache[id(context)] = (context, types)
        return types
