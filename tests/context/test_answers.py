"""Asked and AnswerTypes: what the bot just asked tells the PII type of the reply."""

from __future__ import annotations

from typing import Any, Optional

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    Event,
    Restarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ethics.context import AnswerTypes, Asked, answer_types
from rasa_ethics.policy.schema import PIIConfig

DOMAIN = Domain.from_dict(
    {
        "slots": {
            "name": {"type": "text", "mappings": [{"type": "from_text"}]},
            "requested_slot": {"type": "any", "mappings": [{"type": "custom"}]},
        },
        "forms": {"account_form": {"required_slots": ["name"]}},
        "responses": {"utter_ask_name": [{"text": "What's the name on the account?"}]},
    }
)


def types(**context: Any) -> AnswerTypes:
    return AnswerTypes(PIIConfig.parse_obj({"context": context}).context)


def asked_by(*events: Event) -> Asked:
    asked = Asked()
    for event in events:
        asked.see(event)
    return asked


def bot(response: Optional[str], text: str = "?") -> BotUttered:
    return BotUttered(text, metadata={"utter_action": response} if response else {})


FORM_ASKS_NAME = (ActiveLoop("account_form"), SlotSet("requested_slot", "name"))


class TestExpected:
    @pytest.mark.parametrize(
        ("events", "expected"),
        [
            (FORM_ASKS_NAME, "person"),
            ((*FORM_ASKS_NAME, bot("utter_ask_name")), "person"),
            ((ActiveLoop("f"), SlotSet("requested_slot", "delivery_address")), "address"),
            ((ActiveLoop("f"), SlotSet("requested_slot", "order_number")), None),
            ((SlotSet("requested_slot", "name"),), None),  # no active form: a stale slot value
            ((*FORM_ASKS_NAME, ActiveLoop(None)), None),
            ((bot("utter_ask_email"),), "email"),
            ((bot("utter_ask_order_status_form_phone_number"),), "phone"),
            ((bot("utter_ask_order_shipped"),), None),
            ((bot("utter_greet"),), None),
            ((bot("utter_ask_name"), UserUttered("Chloe")), None),  # answered already
            ((bot("utter_ask_name"), bot("utter_noted")), "person"),  # since the user wrote
            ((*FORM_ASKS_NAME, Restarted()), None),
            ((*FORM_ASKS_NAME, AllSlotsReset()), None),
            ((bot(None),), None),  # a custom action's own text has no response name
        ],
    )
    def test_table(self, events: tuple, expected: Optional[str]) -> None:
        """Form slot while a form is active, else the last response that asks for a type."""
        assert types().expected(asked_by(*events)) == expected

    def test_designers_extend_and_remove(self) -> None:
        """Policy entries are merged over the defaults; null removes one."""
        custom = types(slots={"holder": "person", "email": None}, responses={"utter_cb": "phone"})
        assert custom.expected(asked_by(ActiveLoop("f"), SlotSet("requested_slot", "holder")))
        assert custom.expected(asked_by(bot("utter_ask_email"))) is None
        assert custom.expected(asked_by(bot("utter_cb"))) == "phone"
        assert custom.expected(asked_by(ActiveLoop("f"), SlotSet("requested_slot", "name")))

    def test_a_listed_response_that_asks_nothing(self) -> None:
        """A response the designers map to null asks for nothing, whatever its name says."""
        assert types(responses={"utter_ask_name": None}).of_response("utter_ask_name") is None

    def test_switched_off(self) -> None:
        """pii.context.enabled: false reads no reply as an answer."""
        assert types(enabled=False).expected(asked_by(*FORM_ASKS_NAME)) is None

    def test_cached_per_policy(self) -> None:
        """One AnswerTypes per loaded pii.context."""
        context = PIIConfig.parse_obj({}).context
        assert answer_types(context) is answer_types(context)


class TestFromTracker:
    def test_the_state_before_the_newest_message(self) -> None:
        """A tracker's active form, requested slot and the responses since the user wrote."""
        events = [
            ActionExecuted("action_listen"),
            UserUttered("update my details"),
            ActionExecuted("account_form"),
            ActiveLoop("account_form"),
            SlotSet("requested_slot", "name"),
            bot("utter_ask_name"),
            ActionExecuted("action_listen"),
        ]
        tracker = DialogueStateTracker.from_events("s", events, DOMAIN.slots)
        asked = Asked.from_tracker(tracker)
        assert (asked.active_loop, asked.requested_slot) == ("account_form", "name")
        assert asked.responses == ["utter_ask_name"]
        assert asked == asked_by(*events)

    def test_an_empty_tracker(self) -> None:
        """Nothing asked yet."""
        tracker = DialogueStateTracker.from_events("s", [], DOMAIN.slots)
        assert types().expected(Asked.from_tracker(tracker)) is None


class TestSchema:
    def test_unknown_type_names_the_fix(self) -> None:
        """A typo in a type is an error that shows the YAML that fixes it."""
        with pytest.raises(ValueError, match="unknown PII type 'persn' for 'holder'"):
            PIIConfig.parse_obj({"context": {"slots": {"holder": "persn"}}})


class TestOddEvents:
    def test_bot_metadata_that_is_no_dict(self) -> None:
        """A bot event whose metadata is not a dict (an API client's) names no response."""
        event = BotUttered("?")
        event.metadata = ["utter_ask_name"]  # type: ignore[assignment]
        assert asked_by(event).responses == []
