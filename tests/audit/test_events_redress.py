"""Audit records of redress: agent actions, feedback on an answer, filed complaints."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from rasa_ethics.audit.events import EventMapper
from rasa_ethics.audit.files import trail_files
from rasa_ethics.audit.pseudonym import Pseudonymizer
from rasa_ethics.audit.verify import verify_trail

from .audit_testlib import SENDER, records_of, verify_cli


@pytest.fixture
def mapper() -> EventMapper:
    return EventMapper(Pseudonymizer(key=b"k" * 32))


def agent_event(**changes: Any) -> dict[str, Any]:
    event = {
        "event": "ethics_agent_action",
        "sender_id": SENDER,
        "timestamp": 1000.0,
        "action": "claim",
        "agent": "sam.lee",
        "handoff": "5f0c1c8e-2b64-4c1e-9d6a-7f3e2a1b9c40",
        "assignee": None,
        "presence": None,
    }
    return {**event, **changes}


class TestAgentAction:
    def test_one_record_of_names(self, mapper: EventMapper) -> None:
        """The action, agent, handoff, assignee and presence, and the conversation's pseudonym."""
        [(kind, fields)] = mapper(agent_event(action="assign", assignee="kim"))
        assert kind == "agent_action"
        assert fields == {
            "sender": mapper.pseudonymize(SENDER),
            "action": "assign",
            "agent": "sam.lee",
            "handoff": "5f0c1c8e-2b64-4c1e-9d6a-7f3e2a1b9c40",
            "assignee": "kim",
            "presence": None,
        }

    def test_never_text(self, mapper: EventMapper) -> None:
        """A reply's text, or an id that is no name, never reaches the record."""
        event = agent_event(action="reply", text="your card 4111 1111", agent="jane@example.com")
        [(_, fields)] = mapper(event)
        assert fields["agent"] == "<invalid>" and "4111" not in str(fields)

    def test_sign_in_without_a_conversation(self, mapper: EventMapper) -> None:
        """sign_in and presence have no conversation: a pseudonym of None, like other records."""
        [(_, fields)] = mapper(agent_event(action="presence", sender_id=None, presence="away"))
        assert fields["presence"] == "away" and fields["handoff"]


class TestFeedbackAndComplaints:
    def test_feedback_points_at_the_flagged_turn(self, mapper: EventMapper) -> None:
        """The offer's ethics_feedback: the flagged response, action and time; never text."""
        flag = {"response": "utter_order_status", "action": "action_order", "timestamp": 12.5}
        event = {
            "event": "bot",
            "sender_id": SENDER,
            "text": "Would you like me to connect you with a person?",
            "metadata": {
                "utter_action": "utter_ethics_handoff_confirm",
                "ethics_confirm": {"stage": "asked", "reason": "feedback"},
                "ethics_feedback": flag,
            },
        }
        kinds = {kind: fields for kind, fields in mapper(event)}
        assert kinds["feedback"] == {
            "sender": mapper.pseudonymize(SENDER),
            "response": "utter_order_status",
            "action": "action_order",
            "flagged_at": 12.5,
        }
        assert kinds["handoff_confirmation"]["reason"] == "feedback"

    def test_filed_complaint(self, mapper: EventMapper) -> None:
        """utter_ethics_complaint_filed: one complaint_filed record, without the reference."""
        event = {
            "event": "bot",
            "sender_id": SENDER,
            "metadata": {
                "utter_action": "utter_ethics_complaint_filed",
                "ethics_filed": {"reference": "HR-7K3M-9QXA"},
            },
        }
        kinds = {kind: fields for kind, fields in mapper(event)}
        assert "complaint_filed" in kinds and "HR-7K3M" not in str(kinds)


def test_trail_with_agent_actions_verifies(
    tmp_path: Path, policy_file: Callable[..., Path], capsys: Any
) -> None:
    """Published through the broker, the records chain and `rasa-ethics audit verify` passes."""
    config = {"type": "rasa_ethics.AuditEventBroker", "policy": str(policy_file())}
    broker = asyncio.run(EventBroker.create(EndpointConfig.from_dict(config)))
    assert broker is not None
    for action in ("sign_in", "claim", "reply", "resolve", "sign_out"):
        broker.publish(agent_event(action=action))
    asyncio.run(broker.close())
    trail = tmp_path / "audit" / "audit.jsonl"
    assert verify_trail(trail_files(trail)).ok
    actions = [r["action"] for r in records_of(trail) if r["type"] == "agent_action"]
    assert actions == ["sign_in", "claim", "reply", "resolve", "sign_out"]
    code, _, _ = verify_cli(capsys, trail)
    assert code == 0
