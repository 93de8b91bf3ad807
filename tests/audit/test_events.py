"""Tests for mapping Rasa event dicts to audit records."""

from __future__ import annotations

from typing import Any

import pytest

from rasa_ethics.audit.events import EventMapper, name
from rasa_ethics.audit.pseudonym import Pseudonymizer

from .audit_testlib import SENDER, conversation


@pytest.fixture
def mapper() -> EventMapper:
    """A mapper with a fixed pseudonym key."""
    return EventMapper(Pseudonymizer(key=b"k" * 32))


def records(mapper: EventMapper, events: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """All records of ``events``, in order."""
    return [record for event in events for record in mapper(event)]


class TestName:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("utter_greet", "utter_greet"),
            ("faq/ask_price", "faq/ask_price"),
            ("policy_2_RulePolicy", "policy_2_RulePolicy"),
            (None, None),
            ("", None),
            ("jane@example.com", "<invalid>"),
            ("call me on 0800", "<invalid>"),
            ("07700900123", "<invalid>"),
            (42, "<invalid>"),
        ],
    )
    def test_only_identifiers_pass(self, value: Any, expected: Any) -> None:
        """Names must look like identifiers; anything else is replaced."""
        assert name(value) == expected


class TestEventMapper:
    def test_conversation_record_types(self, mapper: EventMapper) -> None:
        """A session maps to the expected sequence of record types."""
        types = [type_ for type_, _ in records(mapper, conversation())]
        assert types == [
            "action",
            "session_started",
            "action",
            "user_turn",
            "action",
            "bot_utterance",
            "disclosure",
            "action",
            "user_turn",
            "action",
            "handoff",
            "bot_utterance",
        ]

    def test_user_turn_fields(self, mapper: EventMapper) -> None:
        """A user turn keeps intent, confidence, channel, entity names and PII counts only."""
        user = next(f for t, f in records(mapper, conversation()) if t == "user_turn")
        assert user == {
            "sender": mapper.pseudonymize(SENDER),
            "intent": "greet",
            "confidence": 0.93,
            "channel": "rest",
            "entities": ["email"],
            "pii": {"email": 1, "phone": 1},
        }

    def test_pii_from_metadata(self, mapper: EventMapper) -> None:
        """PII spans are also read from the event metadata."""
        event = {"event": "user", "sender_id": "a", "metadata": {"ethics_pii": [{"type": "iban"}]}}
        assert mapper(event)[0][1]["pii"] == {"iban": 1}

    def test_action_fields(self, mapper: EventMapper) -> None:
        """An action keeps its name, policy and confidence."""
        event = {
            "event": "action",
            "sender_id": "a",
            "name": "utter_x",
            "policy": "TEDPolicy",
            "confidence": 0.123456,
            "action_text": "secret text",
        }
        assert mapper(event) == [
            (
                "action",
                {
                    "sender": mapper.pseudonymize("a"),
                    "action": "utter_x",
                    "policy": "TEDPolicy",
                    "confidence": 0.1235,
                },
            )
        ]

    def test_one_handoff_from_action_bot_and_pause(self, mapper: EventMapper) -> None:
        """Action metadata, bot metadata and the pause of one handoff give one record."""
        handoffs = [f for t, f in records(mapper, conversation()) if t == "handoff"]
        assert handoffs == [
            {
                "sender": mapper.pseudonymize(SENDER),
                "reason": "explicit_request",
                "source": "action_metadata",
                "signals": ["intent", "phrase"],
                "available": True,
            }
        ]

    def test_handoff_from_bot_metadata_alone(self, mapper: EventMapper) -> None:
        """Without action metadata, the handoff message's metadata is the source."""
        events = [e for e in conversation() if e["event"] != "action"]
        handoffs = [f for t, f in records(mapper, events) if t == "handoff"]
        assert [(h["source"], h["reason"]) for h in handoffs] == [
            ("bot_metadata", "explicit_request")
        ]

    def test_new_turn_starts_a_new_handoff(self, mapper: EventMapper) -> None:
        """A second handoff after a new user turn is recorded again, even without a pause."""
        events = [e for e in conversation() if e["event"] != "pause"]
        events += [e for e in conversation() if e["event"] in ("user", "action", "bot")][-4:]
        assert [t for t, _ in records(mapper, events)].count("handoff") == 2

    def test_pause_alone_is_a_handoff(self, mapper: EventMapper) -> None:
        """A pause without a handoff message is recorded as a handoff of unknown reason."""
        assert mapper({"event": "pause", "sender_id": "a"}) == [
            (
                "handoff",
                {"sender": mapper.pseudonymize("a"), "reason": "unspecified", "source": "pause"},
            )
        ]

    def test_handoff_marker_details(self, mapper: EventMapper) -> None:
        """A string marker is the reason; webhook and availability are kept when present."""
        bot = {
            "event": "bot",
            "sender_id": "a",
            "text": "x",
            "metadata": {
                "template_name": "utter_ethics_handoff_unavailable",
                "ethics_handoff": "complaint",
            },
        }
        handoff = mapper(bot)[1][1]
        assert (handoff["reason"], handoff["available"]) == ("complaint", False)
        bot["sender_id"] = "b"
        bot["metadata"] = {
            "ethics_handoff": {"reason": "distress", "webhook": "delivered", "available": False}
        }
        fields = mapper(bot)[1][1]
        assert (fields["webhook"], fields["available"]) == ("delivered", False)

    def test_bot_text_only_through_a_redactor(self) -> None:
        """Bot text is left out unless a redactor is given, and then only its output is kept."""
        bot = {
            "event": "bot",
            "sender_id": "a",
            "text": "Hi jane@example.com",
            "metadata": {"utter_action": "utter_greet"},
        }
        plain = EventMapper(Pseudonymizer(key=b"k"))
        assert "text" not in plain(bot)[0][1]
        redacting = EventMapper(Pseudonymizer(key=b"k"), redactor=lambda text: "Hi <EMAIL>")
        assert redacting(bot)[0][1]["text"] == "Hi <EMAIL>"

    def test_unknown_events_give_nothing(self, mapper: EventMapper) -> None:
        """Slots, forms and other events are not recorded (slot values can be personal data)."""
        for kind in ("slot", "active_loop", "rewind", "restart", "followup", "loop_interrupted"):
            assert mapper({"event": kind, "sender_id": "a", "name": "email", "value": "x"}) == []


class TestPseudonymizer:
    def test_keyed_pseudonyms_are_stable(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """With the key in the environment, the same sender always gets the same pseudonym."""
        monkeypatch.setenv("AUDIT_TEST_KEY", "s3cret")
        first, second = (
            Pseudonymizer(key_env="AUDIT_TEST_KEY"),
            Pseudonymizer(key_env="AUDIT_TEST_KEY"),
        )
        assert first.scope == "keyed"
        assert first(SENDER) == second(SENDER) != first("someone else")
        assert len(first(SENDER)) == 32 and SENDER not in first(SENDER)

    def test_ephemeral_without_key(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without a key, pseudonyms differ between runs and the scope says so."""
        monkeypatch.delenv("AUDIT_TEST_KEY", raising=False)
        first, second = (
            Pseudonymizer(key_env="AUDIT_TEST_KEY"),
            Pseudonymizer(key_env="AUDIT_TEST_KEY"),
        )
        assert first.scope == "ephemeral"
        assert first(SENDER) == first(SENDER) != second(SENDER)


class TestOddValues:
    @pytest.mark.parametrize("value", [{"a": 1}, ["x"], 3.5, True])
    def test_unhashable_or_odd_names(self, value: Any) -> None:
        """Lists, dicts and numbers where a name belongs become ``"<invalid>"``."""
        assert name(value) == "<invalid>"
