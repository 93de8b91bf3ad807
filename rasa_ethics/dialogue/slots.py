"""Undo what the customer's ethics message did to the bot's slots, and close an active form.

``action_extract_slots`` runs before any policy (``MessageProcessor.handle_message`` in
``rasa/core/processor.py``), so a ``from_text`` slot may already hold "I want a human" or
"are you a bot?" when EthicsPolicy sees the message.  The events built here put such slots back to
the value they had before the message, and, for a handoff, deactivate the form the way Rasa's own
``action_deactivate_loop`` does (``ActiveLoop(None)`` and ``requested_slot`` unset).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.shared.core.constants import REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

__all__ = ["extracted_slots", "interrupt_events", "polluted_slots"]

FROM_TEXT = "from_text"


def interrupt_events(
    tracker: DialogueStateTracker, domain: Domain, close_form: bool
) -> List[Event]:
    """Events that restore polluted slots and, if ``close_form``, deactivate the active form."""
    restored = polluted_slots(tracker, domain)
    events: List[Event] = [SlotSet(name, value) for name, value in restored.items()]
    if close_form and tracker.active_loop_name:
        events += [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
    return events


def polluted_slots(tracker: DialogueStateTracker, domain: Domain) -> Dict[str, Any]:
    """Slots set from the latest user message's text, mapped to their value before it.

    A slot counts as polluted when the slot extraction of this turn set it to the raw message
    text, or when it has a ``from_text`` mapping and was set this turn.
    """
    return _restore(tracker, domain, polluted_only=True)


def extracted_slots(tracker: DialogueStateTracker, domain: Domain) -> Dict[str, Any]:
    """Every slot this turn's slot extraction set, mapped to its value before the message.

    Putting them back leaves a form exactly as it was before the turn (see
    :mod:`rasa_ethics.dialogue.outage`: a value that could not be validated is not kept).
    """
    return _restore(tracker, domain, polluted_only=False)


def _restore(tracker: DialogueStateTracker, domain: Domain, polluted_only: bool) -> Dict[str, Any]:
    events = list(tracker.events)
    user_index = _latest_user_index(events)
    if user_index is None:
        return {}
    user = events[user_index]
    text = user.text or ""
    restored: Dict[str, Any] = {}
    for event in events[user_index + 1 :]:
        if isinstance(event, ActionExecuted):
            break  # only the extraction that ran before any action of this turn
        if not isinstance(event, SlotSet) or event.key == REQUESTED_SLOT:
            continue
        polluted = event.value == text or _has_from_text_mapping(domain, event.key)
        if polluted or not polluted_only:
            before = _value_before(events, user_index, event.key, domain)
            if before != event.value:
                restored[event.key] = before
    return restored


def _latest_user_index(events: List[Event]) -> Optional[int]:
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            return index
    return None


def _has_from_text_mapping(domain: Domain, slot_name: str) -> bool:
    for slot in domain.slots:
        if slot.name == slot_name:
            return any(m.get("type") == FROM_TEXT for m in slot.mappings)
    return False


def _value_before(events: List[Event], index: int, slot_name: str, domain: Domain) -> Any:
    for event in reversed(events[:index]):
        if isinstance(event, SlotSet) and event.key == slot_name:
            return event.value
    for slot in domain.slots:
        if slot.name == slot_name:
            return slot.initial_value
    return None
