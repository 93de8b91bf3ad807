"""Kept host flows: EthicsPolicy runs the host's own actions, then still pauses and hands off."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain, InvalidDomain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ethics.dialogue.rasa_policy import EthicsPolicy
from rasa_ethics.handoff.request import requests_in
from tests.dialogue.builders import DOMAIN_YAML, tracker, user
from tests.dialogue.test_rasa_policy import predicted

REPO = Path(__file__).resolve().parents[2]
HOST_DOMAIN = Domain.from_yaml(
    DOMAIN_YAML.replace("intents: [", "intents: [human_handoff, check_human, ").replace(
        "responses:\n",
        "responses:\n  utter_transfer: [{text: 'Transferring you'}]\n"
        "  utter_iamabot: [{text: 'I am a bot, made with Rasa.'}]\n",
    )
    + "actions: [action_transfer_to_agent]\n"
)
KEEP = """
disclosure:
  bot_challenge_intents: [check_human]
  bot_challenge_host_response: keep
  bot_challenge_host_actions: [utter_iamabot]
handoff:
  intents: [human_handoff]
  host_flow: keep
  host_flow_actions: [utter_transfer, action_transfer_to_agent]
"""


def make_policy(tmp_path: Path, body: str) -> EthicsPolicy:
    path = tmp_path / "policy.yml"
    path.write_text(
        f"extends_dirs: [{REPO / 'policies'}]\n"
        f"extends: {REPO / 'policies' / 'northwind.yml'}\n{body}"
    )
    config = {**EthicsPolicy.get_default_config(), "policy": str(path)}
    context = ExecutionContext(GraphSchema({}), "test-model")
    (tmp_path / "storage").mkdir(exist_ok=True)
    storage = LocalModelStorage(tmp_path / "storage")
    return EthicsPolicy.create(config, storage, Resource("e"), context)


def run_turn(policy: EthicsPolicy, t: DialogueStateTracker, domain: Domain) -> List[str]:
    """Apply EthicsPolicy's predictions, metadata included, until it abstains or listens."""
    names = []
    for _ in range(6):
        prediction = policy.predict_action_probabilities(t, domain)
        name = predicted(prediction, domain)
        names.append(name)
        t.update_with_events(prediction.optional_events, domain)
        if name in ("abstain", ACTION_LISTEN_NAME):
            return names
        t.update(ActionExecuted(name, policy="EthicsPolicy", metadata=prediction.action_metadata))
        t.update(BotUttered(name))
    return names


@pytest.fixture
def keep(tmp_path: Path) -> EthicsPolicy:
    return make_policy(tmp_path, KEEP)


class TestKeptHandoffFlow:
    def test_host_actions_then_pause(self, keep) -> None:
        """The host's flow runs in its order, then action_listen with the pause."""
        t = tracker(HOST_DOMAIN, user("I want to talk to a human", "human_handoff"))
        names = run_turn(keep, t, HOST_DOMAIN)
        assert names == ["utter_transfer", "action_transfer_to_agent", ACTION_LISTEN_NAME]
        assert t.is_paused()

    def test_last_host_action_carries_the_decision(self, keep) -> None:
        """The queue finds one request, announced by the host's last action."""
        t = tracker(HOST_DOMAIN, user("I want to talk to a human", "human_handoff"))
        run_turn(keep, t, HOST_DOMAIN)
        [request] = requests_in("test", list(t.events), 10)
        assert request.reason == "customer_request" and request.available
        announced = [e for e in t.events if isinstance(e, ActionExecuted) and e.metadata]
        assert [e.action_name for e in announced] == ["action_transfer_to_agent"]

    def test_inside_a_form(self, keep) -> None:
        """The form is closed first, as for the plugin's own handoff."""
        t = tracker(
            HOST_DOMAIN,
            ActionExecuted("order_form"),
            ActiveLoop("order_form"),
            SlotSet("requested_slot", "email"),
            ActionExecuted(ACTION_LISTEN_NAME),
            user("get me a human", "human_handoff"),
        )
        assert run_turn(keep, t, HOST_DOMAIN)[0] == "utter_transfer"
        assert t.active_loop_name is None and t.is_paused()

    def test_actions_that_send_nothing_get_the_plugin_text(self, tmp_path) -> None:
        """Custom actions only and no bot message (action server down): the handoff text follows."""
        flow = "[utter_transfer, action_transfer_to_agent]"
        actions_only = make_policy(tmp_path, KEEP.replace(flow, "[action_transfer_to_agent]"))
        t = tracker(HOST_DOMAIN, user("I want to talk to a human", "human_handoff"))
        step = actions_only.predict_action_probabilities(t, HOST_DOMAIN)
        assert predicted(step, HOST_DOMAIN) == "action_transfer_to_agent"
        t.update_with_events(step.optional_events, HOST_DOMAIN)
        t.update(ActionExecuted("action_transfer_to_agent", metadata=step.action_metadata))
        names = run_turn(actions_only, t, HOST_DOMAIN)
        assert names == ["utter_ethics_handoff", ACTION_LISTEN_NAME]
        assert t.is_paused() and len(requests_in("test", list(t.events), 10)) == 1

    def test_a_response_in_the_flow_reaches_the_customer(self, keep) -> None:
        """Responses are sent in-process: no BotUttered recorded (`rasa test core`) is fine."""
        t = tracker(HOST_DOMAIN, user("I want to talk to a human", "human_handoff"))
        for name in ("utter_transfer", "action_transfer_to_agent"):
            step = keep.predict_action_probabilities(t, HOST_DOMAIN)
            assert predicted(step, HOST_DOMAIN) == name
            t.update_with_events(step.optional_events, HOST_DOMAIN)
            t.update(ActionExecuted(name, metadata=step.action_metadata))  # and no BotUttered
        assert run_turn(keep, t, HOST_DOMAIN) == [ACTION_LISTEN_NAME]
        assert t.is_paused()

    def test_other_reasons_get_the_plugin_handoff(self, keep) -> None:
        """A sensitive topic is the plugin's to answer: crisis text and its own handoff."""
        t = tracker(HOST_DOMAIN, user("I don't want to live anymore"))
        assert run_turn(keep, t, HOST_DOMAIN)[:2] == [
            "utter_ethics_topic_self_harm",
            "utter_ethics_handoff",
        ]

    def test_no_agent_available_gets_the_plugin_text(self, tmp_path) -> None:
        """The host's flow would promise a transfer: the unavailable text is said instead."""
        closed = make_policy(tmp_path, KEEP + "  availability:\n    agents_online: false\n")
        t = tracker(HOST_DOMAIN, user("get me a human", "human_handoff"))
        assert run_turn(closed, t, HOST_DOMAIN)[0] == "utter_ethics_handoff_unavailable"

    def test_replace_is_the_default(self, tmp_path) -> None:
        """Without host_flow: keep, the host intent gets the plugin's own handoff text."""
        replace = make_policy(tmp_path, "handoff:\n  intents: [human_handoff]\n")
        t = tracker(HOST_DOMAIN, user("I want to talk to a human", "human_handoff"))
        assert run_turn(replace, t, HOST_DOMAIN)[0] == "utter_ethics_handoff"

    def test_missing_action_falls_back_to_the_plugin(self, keep, domain) -> None:
        """A model without the host's actions gets the plugin's own handoff, not a crash."""
        t = tracker(domain, user("get me a human", "ethics_human_handoff"))
        assert run_turn(keep, t, domain)[0] == "utter_ethics_handoff"


class TestKeptBotChallenge:
    def test_host_answer_then_listen(self, keep) -> None:
        """The host's own answer, then listen; no pause."""
        t = tracker(HOST_DOMAIN, user("are you a bot?", "check_human"))
        assert run_turn(keep, t, HOST_DOMAIN) == ["utter_iamabot", ACTION_LISTEN_NAME]
        assert not t.is_paused()

    def test_inside_a_form_the_form_continues(self, keep) -> None:
        """After the host's answer it abstains, so RulePolicy re-runs the form."""
        t = tracker(
            HOST_DOMAIN,
            ActionExecuted("order_form"),
            ActiveLoop("order_form"),
            SlotSet("requested_slot", "email"),
            ActionExecuted(ACTION_LISTEN_NAME),
            user("wait, are you a bot?", "check_human"),
        )
        assert run_turn(keep, t, HOST_DOMAIN) == ["utter_iamabot", "abstain"]
        assert t.active_loop_name == "order_form"
        t.update(ActionExecuted("order_form"))  # RulePolicy re-ran the form: it asked again
        after = keep.predict_action_probabilities(t, HOST_DOMAIN)
        assert predicted(after, HOST_DOMAIN) == "abstain"


class TestTraining:
    def test_unknown_host_action_fails_training(self, keep, domain) -> None:
        """Training refuses a kept flow whose actions the domain lacks, naming the key."""
        with pytest.raises(InvalidDomain, match="handoff.host_flow_actions names 'utter_transfer'"):
            keep.train([], domain)

    def test_known_host_actions_train(self, keep) -> None:
        """With the host's actions in the domain, training succeeds."""
        assert keep.train([], HOST_DOMAIN) == keep._resource
