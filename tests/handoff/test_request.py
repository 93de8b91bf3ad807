"""Finding handoff requests in a conversation's events."""

from __future__ import annotations

from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from rasa_ethics.handoff.request import request_id, requests_in, transcript

DECIDED = {"ethics_handoff": {"reason": "customer_request", "signals": ["customer_request"]}}


def handoff_events(name: str = "utter_ethics_handoff", metadata=DECIDED, said=None):
    return [
        UserUttered("hello"),
        BotUttered("Hi!"),
        UserUttered("my email is jane@example.com, get me a human"),
        ActionExecuted(name, metadata=metadata, timestamp=1000.0),
        said or BotUttered("connecting you"),
    ]


class TestRequestsIn:
    def test_reason_from_the_policy_metadata(self) -> None:
        """EthicsPolicy's action metadata gives the reason and signals."""
        [request] = requests_in("c1", handoff_events(), transcript_turns=10)
        assert request.reason == "customer_request" and request.signals == ("customer_request",)
        assert request.available and request.created_at == 1000.0

    def test_no_decision_no_request(self) -> None:
        """A handoff response that EthicsPolicy did not decide is never queued."""
        assert requests_in("c1", handoff_events(metadata=None), transcript_turns=10) == []

    def test_an_offer_said_instead_is_no_request(self) -> None:
        """When the NLG said the confirm question in place of the handoff text, nobody is queued."""
        offer = BotUttered("connect you?", metadata={"ethics_confirm": {"stage": "asked"}})
        assert requests_in("c1", handoff_events(said=offer), transcript_turns=10) == []

    def test_unavailable(self) -> None:
        """The unavailable response marks the request as queued without an agent."""
        [request] = requests_in("c1", handoff_events("utter_ethics_handoff_unavailable"), 10)
        assert not request.available

    def test_stable_id(self) -> None:
        """The same handoff gets the same id on every save and replica."""
        first = requests_in("c1", handoff_events(), 10)[0].id
        assert first == requests_in("c1", handoff_events(), 10)[0].id == request_id("c1", 1000.0)
        assert first != request_id("c2", 1000.0)

    def test_transcript_is_short_and_redacted(self) -> None:
        """The transcript holds the last N messages, each through the redact hook."""
        [request] = requests_in(
            "c1", handoff_events(), 2, redact=lambda t: t.replace("jane@example.com", "<EMAIL>")
        )
        assert request.transcript == [
            {"role": "customer", "text": "my email is <EMAIL>, get me a human"},
            {"role": "bot", "text": "connecting you"},
        ]

    def test_host_flow_action_with_a_decision(self) -> None:
        """The last action of a kept host flow announces the handoff it carries."""
        meta = {"ethics_handoff": {"reason": "customer_request", "available": True}}
        [request] = requests_in("c1", handoff_events("action_transfer", meta), 10)
        assert request.reason == "customer_request" and request.available

    def test_other_actions_announce_nothing(self) -> None:
        """A host action without a decision is not a handoff."""
        assert requests_in("c1", handoff_events("action_transfer", metadata=None), 10) == []

    def test_one_request_per_customer_turn(self) -> None:
        """The plugin's text after a host flow that reached nobody is the same handoff."""
        meta = {"ethics_handoff": {"reason": "customer_request", "available": True}}
        events = [
            *handoff_events("action_transfer", meta),
            ActionExecuted("utter_ethics_handoff", metadata=meta, timestamp=1001.0),
            UserUttered("hello?"),
            ActionExecuted("utter_ethics_handoff", metadata=meta, timestamp=1002.0),
            BotUttered("connecting you"),
        ]
        found = requests_in("c1", events, 10)
        assert [r.created_at for r in found] == [1000.0, 1002.0]


    def test_host_flow_that_spoke_before_its_last_action(self) -> None:
        """utter_transfer, then a silent action_transfer carrying the decision: announced."""
        meta = {"ethics_handoff": {"reason": "customer_request", "available": True}}
        events = [
            UserUttered("get me a human"),
            ActionExecuted("utter_transfer"),
            BotUttered("Transferring you now."),
            ActionExecuted("action_transfer", metadata=meta, timestamp=1000.0),
        ]
        assert len(requests_in("c1", events, 10)) == 1

    def test_failed_action_with_the_outage_offer_is_no_request(self) -> None:
        """The last host action failed and the outage offer went out: nobody was told."""
        meta = {"ethics_handoff": {"reason": "customer_request", "available": True}}
        offer = BotUttered("broken", metadata={"ethics_confirm": {"stage": "asked"}})
        events = [
            UserUttered("get me a human"),
            ActionExecuted("action_transfer", metadata=meta, timestamp=1000.0),
            offer,
        ]
        assert requests_in("c1", events, 10) == []


class TestTranscript:
    def test_agent_messages_are_labelled(self) -> None:
        """Messages an agent sent are marked as such."""
        events = [
            UserUttered("hi"),
            BotUttered("I'm Sam from support", metadata={"ethics_agent": {"id": "sam"}}),
        ]
        assert [m["role"] for m in transcript(events, 10)] == ["customer", "agent"]
