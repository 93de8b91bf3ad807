"""EthicsPolicy's predictions, step by step, on hand-built trackers (no trained model)."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest
from rasa.core.policies.policy import PolicyPrediction
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain, InvalidDomain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    ConversationPaused,
    SlotSet,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ethics.dialogue.rasa_policy import EthicsPolicy
from tests.dialogue.builders import tracker, user

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def ethics_policy(tmp_path_factory) -> EthicsPolicy:
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    config = {
        **EthicsPolicy.get_default_config(),
        "policy": str(REPO / "policies" / "northwind.yml"),
    }
    context = ExecutionContext(GraphSchema({}), "test-model")
    return EthicsPolicy.create(config, storage, Resource("ethics"), context)


def predicted(prediction: PolicyPrediction, domain: Domain) -> str:
    if not any(prediction.probabilities):
        return "abstain"
    return domain.action_names_or_texts[prediction.max_confidence_index]


def run_turn(policy: EthicsPolicy, t: DialogueStateTracker, domain: Domain) -> List[str]:
    """Let EthicsPolicy drive the turn alone: apply its predictions until it abstains or listens."""
    names = []
    for _ in range(5):
        prediction = policy.predict_action_probabilities(t, domain)
        name = predicted(prediction, domain)
        names.append(name)
        if name in ("abstain", ACTION_LISTEN_NAME):
            t.update_with_events(prediction.optional_events, domain)
            return names
        t.update_with_events(prediction.optional_events, domain)
        t.update(ActionExecuted(name, policy="EthicsPolicy"))
        t.update(BotUttered(name))
    return names


class TestPredictions:
    def test_abstains_on_ordinary_messages(self, ethics_policy, domain) -> None:
        """No trigger: all-zero probabilities, no events, no 'no user' flag."""
        prediction = ethics_policy.predict_action_probabilities(tracker(domain, user("hi")), domain)
        assert not any(prediction.probabilities)
        assert prediction.events == [] and prediction.optional_events == []
        assert not prediction.is_no_user_prediction

    def test_handoff_then_listen_with_pause(self, ethics_policy, domain) -> None:
        """Handoff text, then action_listen carrying the pause: it lands after the message."""
        t = tracker(domain, user("get me a human", "nlu_fallback", 0.4))
        assert run_turn(ethics_policy, t, domain) == ["utter_ethics_handoff", ACTION_LISTEN_NAME]
        assert isinstance(t.events[-1], ConversationPaused)
        assert t.is_paused()

    def test_wins_like_a_form(self, ethics_policy, domain) -> None:
        """Confidence 1.0, 'no user' flag, priority 6, turn hidden from ML policies, reason."""
        prediction = ethics_policy.predict_action_probabilities(
            tracker(domain, user("get me a human")), domain
        )
        assert prediction.max_confidence == 1.0 and prediction.is_no_user_prediction
        assert prediction.policy_priority == 6 and prediction.hide_rule_turn
        assert prediction.action_metadata["ethics_handoff"]["reason"] == "customer_request"

    def test_handoff_inside_form_closes_it(self, ethics_policy, domain) -> None:
        """The form is closed and the polluted slot restored, as optional (winner-only) events."""
        t = tracker(
            domain,
            ActionExecuted("order_form"),
            ActiveLoop("order_form"),
            SlotSet("requested_slot", "email"),
            ActionExecuted(ACTION_LISTEN_NAME),
            user("I want a human", "nlu_fallback", 0.4),
            SlotSet("email", "I want a human"),
        )
        prediction = ethics_policy.predict_action_probabilities(t, domain)
        assert prediction.events == []
        assert prediction.optional_events == [
            SlotSet("email", None),
            ActiveLoop(None),
            SlotSet("requested_slot", None),
        ]
        run_turn(ethics_policy, t, domain)
        assert t.active_loop_name is None and t.get_slot("email") is None

    def test_self_harm_crisis_text_first(self, ethics_policy, domain) -> None:
        """Crisis resources, then the handoff, then listen."""
        t = tracker(domain, user("I don't want to live anymore"))
        assert run_turn(ethics_policy, t, domain) == [
            "utter_ethics_topic_self_harm",
            "utter_ethics_handoff",
            ACTION_LISTEN_NAME,
        ]

    def test_bot_challenge_outside_form(self, ethics_policy, domain) -> None:
        """Answer, then listen."""
        t = tracker(domain, user("are you a bot?"))
        assert run_turn(ethics_policy, t, domain) == [
            "utter_ethics_bot_challenge",
            ACTION_LISTEN_NAME,
        ]
        assert not t.is_paused()

    def test_bot_challenge_inside_form_lets_the_form_continue(self, ethics_policy, domain) -> None:
        """After the answer it abstains, so RulePolicy re-runs the form to ask again."""
        t = tracker(
            domain,
            ActionExecuted("order_form"),
            ActiveLoop("order_form"),
            SlotSet("requested_slot", "email"),
            ActionExecuted(ACTION_LISTEN_NAME),
            user("are you a bot?", "ethics_bot_challenge"),
        )
        assert run_turn(ethics_policy, t, domain) == ["utter_ethics_bot_challenge", "abstain"]
        assert t.active_loop_name == "order_form"

    def test_too_long_message(self, ethics_policy, domain) -> None:
        """A message PIIDetector kept from NLU gets the too-long text, whatever the intent says."""
        huge = user("x" * 10, "ethics_human_handoff", ethics_too_long=1_048_576)
        t = tracker(domain, huge)
        assert run_turn(ethics_policy, t, domain) == ["utter_ethics_too_long", ACTION_LISTEN_NAME]
        assert not t.is_paused()

    def test_too_long_inside_form_restores_the_slot(self, ethics_policy, domain) -> None:
        """A from_text slot the huge text filled is put back; the form asks again."""
        t = tracker(
            domain,
            ActionExecuted("order_form"),
            ActiveLoop("order_form"),
            SlotSet("requested_slot", "email"),
            ActionExecuted(ACTION_LISTEN_NAME),
            user("x" * 5000, "nlu_fallback", ethics_too_long=5000),
            SlotSet("email", "x" * 5000),
        )
        assert run_turn(ethics_policy, t, domain) == ["utter_ethics_too_long", "abstain"]
        assert t.get_slot("email") is None and t.active_loop_name == "order_form"

    def test_abstains_once_the_host_acted(self, ethics_policy, domain) -> None:
        """After the host's own action in the same turn the turn is the host's again."""
        t = tracker(
            domain,
            user("are you a bot?"),
            ActionExecuted("utter_ethics_bot_challenge"),
            ActionExecuted("order_form"),
        )
        assert predicted(ethics_policy.predict_action_probabilities(t, domain), domain) == "abstain"

    def test_paused_conversation(self, ethics_policy, domain) -> None:
        """Nothing is predicted in a paused conversation."""
        t = tracker(domain, ConversationPaused(), user("get me a human"))
        assert predicted(ethics_policy.predict_action_probabilities(t, domain), domain) == "abstain"

    def test_unavailable_agents(self, tmp_path, domain) -> None:
        """With no agent available the unavailable text is said (and the request still queued)."""
        path = tmp_path / "closed.yml"
        path.write_text(
            f"extends_dirs: [{REPO / 'policies'}]\n"
            f"extends: {REPO / 'policies' / 'northwind.yml'}\n"
            "handoff:\n  availability:\n    agents_online: false\n"
        )
        storage = LocalModelStorage(tmp_path / "storage")
        config = {**EthicsPolicy.get_default_config(), "policy": str(path)}
        closed = EthicsPolicy.create(
            config, storage, Resource("x"), ExecutionContext(GraphSchema({}), "m")
        )
        t = tracker(domain, user("get me a human"))
        assert run_turn(closed, t, domain)[0] == "utter_ethics_handoff_unavailable"


class TestTraining:
    def test_train_checks_the_domain(self, ethics_policy) -> None:
        """Without the importer's responses training fails with a hint."""
        with pytest.raises(InvalidDomain, match="EthicsImporter"):
            ethics_policy.train([], Domain.from_yaml("version: '3.1'\nintents: [greet]"))

    def test_train_records_the_policy_version(self, ethics_policy, domain) -> None:
        """The resource names the policy file's version."""
        assert ethics_policy.train([], domain) == ethics_policy._resource
