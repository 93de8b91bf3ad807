"""Asking when in doubt: the confirm question, its yes and no, inside and outside a form."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet

from rasa_ethics.dialogue.confirm import answer, offer_metadata, pending_offer
from rasa_ethics.dialogue.rasa_policy import EthicsPolicy
from rasa_ethics.policy.schema_handoff import ConfirmConfig
from tests.dialogue.builders import tracker, user
from tests.dialogue.test_rasa_policy import predicted, run_turn

REPO = Path(__file__).resolve().parents[2]
CONFIRM = ConfirmConfig()


@pytest.fixture(scope="module")
def ethics_policy(tmp_path_factory) -> EthicsPolicy:
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    config = {
        **EthicsPolicy.get_default_config(),
        "policy": str(REPO / "policies" / "northwind.yml"),
    }
    context = ExecutionContext(GraphSchema({}), "test-model")
    return EthicsPolicy.create(config, storage, Resource("ethics"), context)


def asked(reason: str = "customer_request") -> BotUttered:
    """The confirm question as the NLG marks it."""
    return BotUttered("connect you?", metadata=offer_metadata(reason))


FORM = (
    ActionExecuted("order_form"),
    ActiveLoop("order_form"),
    SlotSet("requested_slot", "email"),
    ActionExecuted(ACTION_LISTEN_NAME),
)


class TestAnswer:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Yes, connect me", True),
            ("yes please", True),
            ("ok", True),
            ("No, carry on", False),
            ("no thanks", False),
            ("I don't think so", False),
            ("where is my order", None),
            ("yes I would like to know where my parcel is right now", None),  # a new request
        ],
    )
    def test_table(self, text: str, expected) -> None:
        """Buttons (their payload is their title) and short typed answers."""
        assert answer(text, CONFIRM) is expected

    def test_pending_offer_is_the_last_bot_message(self, domain) -> None:
        """Only the bot's message right before the customer's counts."""
        t = tracker(domain, user("talk to the assistant"), asked(), user("yes"))
        assert pending_offer(t).reason == "customer_request"
        later = tracker(domain, user("a"), asked(), user("b"), BotUttered("x"), user("yes"))
        assert pending_offer(later) is None


class TestConfirmTurns:
    def test_partial_evidence_asks_then_listens(self, ethics_policy, domain) -> None:
        """ "Can I talk to the assistant?" may mean the bot: ask, and wait for the answer."""
        t = tracker(domain, user("can I talk to the assistant?"))
        assert run_turn(ethics_policy, t, domain) == [
            "utter_ethics_handoff_confirm",
            ACTION_LISTEN_NAME,
        ]
        assert not t.is_paused()

    def test_yes_hands_off_with_the_offers_reason(self, ethics_policy, domain) -> None:
        """Yes: the handoff, a pause, and the answer recorded on the action."""
        t = tracker(domain, user("can I talk to the assistant?"), asked(), user("Yes, connect me"))
        prediction = ethics_policy.predict_action_probabilities(t, domain)
        assert predicted(prediction, domain) == "utter_ethics_handoff"
        meta = prediction.action_metadata
        assert meta["ethics_handoff"]["signals"] == ["customer_request", "confirmed"]
        assert meta["ethics_confirm"] == {"stage": "yes", "reason": "customer_request"}
        assert run_turn(ethics_policy, t, domain) == ["utter_ethics_handoff", ACTION_LISTEN_NAME]
        assert t.is_paused()

    def test_no_goes_back_to_the_form(self, ethics_policy, domain) -> None:
        """No inside a form: the declined text, then the form asks again; the slot is clean."""
        t = tracker(
            domain,
            *FORM,
            user("can I talk to the assistant", "inform"),
            SlotSet("email", "can I talk to the assistant"),
            SlotSet("email", None),  # put back when the question was asked
            asked(),
            ActionExecuted(ACTION_LISTEN_NAME),
            user("No, carry on", "inform"),
            SlotSet("email", "No, carry on"),
        )
        prediction = ethics_policy.predict_action_probabilities(t, domain)
        assert prediction.action_metadata == {
            "ethics_confirm": {"stage": "no", "reason": "customer_request"}
        }
        assert run_turn(ethics_policy, t, domain) == ["utter_ethics_handoff_declined", "abstain"]
        assert t.active_loop_name == "order_form" and t.get_slot("email") is None

    def test_no_outside_a_form_listens(self, ethics_policy, domain) -> None:
        """No when idle: the declined text, then the customer's turn."""
        t = tracker(domain, user("can I talk to the assistant"), asked(), user("no"))
        assert run_turn(ethics_policy, t, domain) == [
            "utter_ethics_handoff_declined",
            ACTION_LISTEN_NAME,
        ]

    def test_anything_else_is_a_new_message(self, ethics_policy, domain) -> None:
        """An answer that is neither yes nor no goes to the host as usual."""
        t = tracker(domain, user("can I talk to the assistant"), asked(), user("where is my order"))
        assert predicted(ethics_policy.predict_action_probabilities(t, domain), domain) == "abstain"

    def test_ask_inside_a_form_keeps_it(self, ethics_policy, domain) -> None:
        """The question inside a form leaves the form active, its polluted slot restored."""
        t = tracker(
            domain,
            *FORM,
            user("can I talk to the assistant", "inform"),
            SlotSet("email", "can I talk to the assistant"),
        )
        assert run_turn(ethics_policy, t, domain) == [
            "utter_ethics_handoff_confirm",
            ACTION_LISTEN_NAME,
        ]
        assert t.active_loop_name == "order_form" and t.get_slot("email") is None

    def test_repeated_misunderstanding_asks(self, ethics_policy, domain) -> None:
        """Once is the host's to answer; the second "that's not what I asked" asks."""
        once = tracker(domain, user("that's not what I asked"))
        assert (
            predicted(ethics_policy.predict_action_probabilities(once, domain), domain) == "abstain"
        )
        twice = tracker(
            domain,
            user("that's not what I asked"),
            ActionExecuted("utter_greet"),
            BotUttered("Hello!"),
            user("no, that's not what I asked"),
        )
        assert run_turn(ethics_policy, twice, domain)[0] == "utter_ethics_handoff_confirm"

    def test_after_a_failed_action_it_listens(self, ethics_policy, domain) -> None:
        """The outage text is the last word of the turn."""
        outage = BotUttered(
            "broken",
            metadata={"ethics_outage": {"action": "x"}, **offer_metadata("action_failure")},
        )
        t = tracker(domain, user("NW-100234"), ActionExecuted("order_form"), outage)
        prediction = ethics_policy.predict_action_probabilities(t, domain)
        assert predicted(prediction, domain) == ACTION_LISTEN_NAME
        assert prediction.is_no_user_prediction


class TestWhen:
    """Designers set per kind of evidence whether the bot acts, asks or ignores it."""

    def plan(self, tmp_path, when: str, message):
        from rasa_ethics.dialogue.detectors import Detectors
        from rasa_ethics.dialogue.turn import analyse_message
        from rasa_ethics.policy import load_policy

        path = tmp_path / "p.yml"
        path.write_text(
            f"extends_dirs: [{REPO / 'policies'}]\n"
            f"extends: {REPO / 'policies' / 'northwind.yml'}\nhandoff:\n  when:\n{when}"
        )
        return analyse_message(message, Detectors(load_policy(path).document))

    @pytest.mark.parametrize(
        ("when", "kind"),
        [("    mention: act\n", "handoff"), ("    mention: ask\n", "confirm"), ("    {}\n", None)],
    )
    def test_mention(self, tmp_path, when: str, kind) -> None:
        """ "Someone stole my parcel" with the classifier saying handoff: off by default."""
        from rasa_ethics.dialogue.detectors import Message

        message = Message("someone stole my parcel", "ethics_human_handoff", 0.99)
        plan = self.plan(tmp_path, when if when.strip() != "{}" else "    request: act\n", message)
        assert (plan.kind if plan else None) == kind

    def test_unquoted_off(self, tmp_path) -> None:
        """YAML reads `off` as false; the policy takes it as meant."""
        from rasa_ethics.dialogue.detectors import Message

        message = Message("can I talk to the assistant", "greet", 0.99)
        assert self.plan(tmp_path, "    assistant: off\n", message) is None
        assert self.plan(tmp_path, "    assistant: ask\n", message).kind == "confirm"
