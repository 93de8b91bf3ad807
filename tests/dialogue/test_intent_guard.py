"""EthicsIntentGuard: an ethics intent without evidence goes back to the host's intents."""

from __future__ import annotations

from pathlib import Path
from typing import List, Tuple

import pytest
from rasa.shared.nlu.training_data.message import Message

from rasa_ethics.dialogue.intent_guard import EthicsIntentGuard, without_ethics_intents

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def guard() -> EthicsIntentGuard:
    return EthicsIntentGuard({"policy": str(REPO / "policies" / "northwind.yml")})


def parsed(text: str, ranking: List[Tuple[str, float]]) -> Message:
    """A message as DIET leaves it: the top intent and the ranking."""
    items = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    return Message(data={"text": text, "intent": dict(items[0]), "intent_ranking": items})


def processed(guard: EthicsIntentGuard, message: Message) -> Message:
    [result] = guard.process([message])
    return result


class TestEthicsIntentGuard:
    def test_no_evidence_goes_to_the_hosts_best_intent(self, guard) -> None:
        """ "Can I get the bill from Mr. Brown" is no handoff: the host's intents, renormalised."""
        message = parsed(
            "can I get the bill from Mr. Brown",
            [("ethics_human_handoff", 0.9), ("payment_methods", 0.06), ("order_status", 0.04)],
        )
        result = processed(guard, message)
        assert result.get("intent")["name"] == "payment_methods"
        assert result.get("intent")["confidence"] == pytest.approx(0.6)
        assert [i["name"] for i in result.get("intent_ranking")] == [
            "payment_methods",
            "order_status",
        ]
        assert result.get("ethics_classifier") == {
            "name": "ethics_human_handoff",
            "confidence": 0.9,
        }

    def test_evidence_keeps_the_intent(self, guard) -> None:
        """A real request stays what the classifier said (EthicsPolicy acts on it)."""
        message = parsed(
            "I want to talk to a person", [("ethics_human_handoff", 0.95), ("greet", 0.05)]
        )
        assert processed(guard, message).get("intent")["name"] == "ethics_human_handoff"
        assert processed(guard, message).get("ethics_classifier") is None

    def test_partial_evidence_keeps_the_intent(self, guard) -> None:
        """EthicsPolicy asks about it: the intent stays."""
        message = parsed("how do I get in touch", [("ethics_human_handoff", 0.9), ("greet", 0.1)])
        assert processed(guard, message).get("intent")["name"] == "ethics_human_handoff"

    def test_complaint_without_the_word(self, guard) -> None:
        """ "I want to give feedback" is no complaint."""
        message = parsed(
            "I want to give feedback about your service",
            [("ethics_complaint", 0.8), ("ask_help", 0.15), ("greet", 0.05)],
        )
        assert processed(guard, message).get("intent")["name"] == "ask_help"

    def test_host_intents_are_left_alone(self, guard) -> None:
        """Only ethics intents are judged."""
        message = parsed(
            "where is my order", [("order_status", 0.99), ("ethics_human_handoff", 0.01)]
        )
        assert processed(guard, message).get("intent_ranking")[1]["name"] == "ethics_human_handoff"

    def test_nothing_of_the_hosts_left_is_a_fallback(self) -> None:
        """A ranking of ethics intents only leaves the host nothing: NLU did not understand."""
        guarded = frozenset({"ethics_human_handoff"})
        assert (
            without_ethics_intents([{"name": "ethics_human_handoff", "confidence": 1.0}], guarded)
            == []
        )


class TestPrivacyIntents:
    def test_without_evidence_they_go_back_to_the_host(self, guard) -> None:
        """Gibberish the classifier put into a privacy intent is the host's (or a fallback)."""
        message = parsed("zzzt qqq", [("ethics_privacy_export", 0.7), ("greet", 0.3)])
        result = processed(guard, message)
        assert result.get("intent")["name"] == "greet"
        assert result.get("ethics_classifier")["name"] == "ethics_privacy_export"

    def test_with_evidence_they_stay(self, guard) -> None:
        message = parsed("delete my data", [("ethics_privacy_erase", 0.9), ("greet", 0.1)])
        assert processed(guard, message).get("intent")["name"] == "ethics_privacy_erase"
