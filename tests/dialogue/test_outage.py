"""The outage guard: a failed action answers with the outage text and leaves the form as it was."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, List

import pytest
from rasa.core.actions.action import Action, ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, Event, SlotSet
from rasa.utils.endpoints import EndpointConfig

from rasa_ethics.dialogue import outage
from rasa_ethics.nlg import EthicsNLG
from tests.dialogue.builders import tracker, user

REPO = Path(__file__).resolve().parents[2]
DEAD = EndpointConfig("http://127.0.0.1:9/webhook")  # nothing listens on the discard port


class Rejecting(Action):
    """An action that says "not my input", as a form does on an off-topic message."""

    def name(self) -> str:
        return "rejecting"

    async def run(self, *args: Any, **kwargs: Any) -> List[Event]:
        raise ActionExecutionRejection(self.name())


def run_guarded(action: Action, t, domain, nlg=None) -> List[Event]:
    nlg = nlg or TemplatedNaturalLanguageGenerator(domain.responses)
    guarded = outage._Guarded(action)
    return asyncio.run(guarded.run(CollectingOutputChannel(), nlg, t, domain))


class TestOutageGuard:
    def test_unreachable_action_server_gets_the_outage_text(self, domain) -> None:
        """A custom action whose server is down: the outage text, marked as an offer."""
        t = tracker(domain, user("NW-100234"))
        [message] = run_guarded(RemoteAction("action_lookup_order", DEAD), t, domain)
        assert isinstance(message, BotUttered) and message.text == "something broke, connect you?"
        assert message.metadata["ethics_outage"] == {"action": "action_lookup_order"}
        assert message.metadata["ethics_confirm"] == {"stage": "asked", "reason": "action_failure"}

    def test_form_keeps_its_state(self, domain) -> None:
        """The slot this turn's extraction set is put back; the form stays where it was."""
        t = tracker(
            domain,
            ActionExecuted("order_form"),
            ActiveLoop("order_form"),
            SlotSet("requested_slot", "email"),
            ActionExecuted(ACTION_LISTEN_NAME),
            user("jane@example.com", "inform"),
            SlotSet("email", "jane@example.com"),
        )
        events = run_guarded(RemoteAction("validate_order_form", DEAD), t, domain)
        assert events[0] == SlotSet("email", None) and isinstance(events[1], BotUttered)
        assert not [e for e in events if isinstance(e, ActiveLoop)]

    def test_live_policy_text_with_buttons_through_the_nlg(self, domain) -> None:
        """With EthicsNLG the designers' text and the confirm buttons go out."""
        nlg = EthicsNLG(policy=str(REPO / "policies" / "northwind.yml"))
        nlg.responses = domain.responses
        t = tracker(domain, user("hi"), BotUttered("Hello!"), user("NW-100234"))
        [message] = run_guarded(RemoteAction("action_lookup_order", DEAD), t, domain, nlg)
        assert message.text.startswith("Sorry, something on our side isn't working")
        assert [b["title"] for b in message.data["buttons"]] == ["Yes, connect me", "No, carry on"]

    def test_rejection_is_rasas_business(self, domain) -> None:
        """A form's "not my input" is no failure: Rasa's unhappy path handles it."""
        with pytest.raises(ActionExecutionRejection):
            run_guarded(Rejecting(), tracker(domain, user("hi")), domain)

    def test_installed_once(self) -> None:
        """Installing twice wraps once; the original stays reachable."""
        outage.install_outage_guard()
        first = MessageProcessor._run_action
        outage.install_outage_guard()
        assert MessageProcessor._run_action is first
        assert not getattr(first.__wrapped__, "__rasa_ethics_outage_guard__", False)
