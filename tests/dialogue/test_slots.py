"""Undoing what an ethics message did to the slots, and closing the form."""

from __future__ import annotations

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet

from rasa_ethics.dialogue.slots import interrupt_events, polluted_slots
from tests.dialogue.builders import tracker, user


def in_form(domain: Domain, *events):
    return tracker(
        domain,
        user("where is my order", "order_status"),
        ActionExecuted("order_form"),
        ActiveLoop("order_form"),
        SlotSet("requested_slot", "email"),
        ActionExecuted("action_listen"),
        *events,
    )


class TestPollutedSlots:
    def test_from_text_slot_is_restored(self, domain: Domain) -> None:
        """A from_text slot filled with 'I want a human' goes back to its old value."""
        t = in_form(
            domain, user("I want a human", "nlu_fallback", 0.4), SlotSet("email", "I want a human")
        )
        assert polluted_slots(t, domain) == {"email": None}

    def test_slot_set_to_the_raw_text_is_restored(self, domain: Domain) -> None:
        """Any slot set to the message text this turn counts, whatever its mapping."""
        t = in_form(
            domain,
            SlotSet("phone", "+44 20 1234 5678"),
            user("are you a bot"),
            SlotSet("phone", "are you a bot"),
        )
        assert polluted_slots(t, domain) == {"phone": "+44 20 1234 5678"}

    def test_entity_slots_of_this_turn_stay(self, domain: Domain) -> None:
        """A slot from an entity is real information: it is kept."""
        t = in_form(
            domain, user("human please, call +44 20 1234 5678"), SlotSet("phone", "+442012345678")
        )
        assert polluted_slots(t, domain) == {}

    def test_only_slots_set_before_any_action(self, domain: Domain) -> None:
        """Slots set by actions of this turn (after the extraction) are not touched."""
        t = in_form(domain, user("human"), ActionExecuted("some_action"), SlotSet("email", "human"))
        assert polluted_slots(t, domain) == {}


class TestInterruptEvents:
    def test_handoff_closes_the_form(self, domain: Domain) -> None:
        """The form is deactivated the way action_deactivate_loop does it."""
        t = in_form(
            domain, user("I want a human", "nlu_fallback", 0.4), SlotSet("email", "I want a human")
        )
        events = interrupt_events(t, domain, close_form=True)
        assert events == [SlotSet("email", None), ActiveLoop(None), SlotSet("requested_slot", None)]

    def test_bot_challenge_keeps_the_form(self, domain: Domain) -> None:
        """A bot challenge only restores slots; the form goes on."""
        t = in_form(domain, user("are you a bot"))
        assert interrupt_events(t, domain, close_form=False) == []

    def test_no_form_no_loop_events(self, domain: Domain) -> None:
        """Outside a form nothing is deactivated."""
        t = tracker(domain, user("I want a human"))
        assert interrupt_events(t, domain, close_form=True) == []
