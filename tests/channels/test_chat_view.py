"""What the web chat page is shown of a stored conversation."""

from __future__ import annotations

from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from rasa_ethics import constants as c
from rasa_ethics.channels.chat_view import handoff_status, messages_after
from rasa_ethics.handoff.queue import QueuePosition

NAMES = {"sam": "Sam P."}


def name_of(agent: str) -> str | None:
    return NAMES.get(agent)


def conversation() -> list:
    return [
        ActionExecuted("action_session_start", timestamp=1.0),
        BotUttered("Hi! I'm an AI assistant.", metadata={c.META_DISCLOSURE: True}, timestamp=2.0),
        UserUttered("where is my order <EMAIL>", timestamp=3.0),
        UserUttered("/ethics_human_handoff", timestamp=4.0),
        BotUttered("Connecting you.", metadata={"utter_action": c.RESPONSE_HANDOFF}, timestamp=5.0),
        BotUttered("I'm looking now.", metadata={c.META_AGENT: {c.AGENT_ID: "sam"}}, timestamp=6.0),
        BotUttered(
            "From an agent without an account.",
            metadata={c.META_AGENT: {c.AGENT_ID: "lee"}},
            timestamp=7.0,
        ),
        BotUttered("Back to the AI assistant.", metadata={c.META_RESUMED: True}, timestamp=8.0),
        BotUttered(
            "Connect you with a person?",
            data={
                "buttons": [{"title": "Yes", "payload": "/affirm"}, {"title": "", "payload": "x"}]
            },
            timestamp=9.0,
        ),
    ]


def test_labels_kinds_and_buttons() -> None:
    shown = [m.as_json() for m in messages_after(conversation(), 0, name_of)]
    assert [(m["from"], m["label"], m["kind"]) for m in shown] == [
        ("bot", "AI assistant", "disclosure"),
        ("customer", "You", "message"),  # the payload of a button is left out
        ("bot", "AI assistant", "handoff"),
        ("agent", "Sam P.", "message"),
        ("agent", "lee", "message"),
        ("bot", "AI assistant", "resumed"),
        ("bot", "AI assistant", "message"),
    ]
    assert shown[-1]["buttons"] == [{"title": "Yes", "payload": "/affirm"}]  # the empty one dropped
    assert shown[1]["text"] == "where is my order <EMAIL>"  # as stored: redacted


def test_cursor_and_customer_messages() -> None:
    later = messages_after(conversation(), 3.0, name_of, with_customer=False)
    assert [m.id for m in later] == [5.0, 6.0, 7.0, 8.0, 9.0]
    assert not [
        m
        for m in messages_after(conversation(), 0, name_of, with_customer=False)
        if m.sender == "customer"
    ]
    assert messages_after(conversation(), 9.0, name_of) == []


def test_bot_label_is_configurable() -> None:
    first = messages_after(conversation(), 0, name_of, bot_label="Northwind's AI")[0]
    assert first.label == "Northwind's AI"


def test_status() -> None:
    assert handoff_status(None, None, name_of, False) == {"handoff": None, "paused": False}
    row = {"reference": "HR-AAAA-BBBB", "assignee": None}
    waiting = handoff_status(
        row, QueuePosition(place=2, ahead=1, expected_wait_seconds=600.0), name_of, True
    )
    assert waiting == {
        "handoff": {
            "reference": "HR-AAAA-BBBB",
            "state": "waiting",
            "agent": None,
            "place": 2,
            "ahead": 1,
            "expected_wait_seconds": 600.0,
        },
        "paused": True,
    }
    taken = handoff_status({**row, "assignee": "sam"}, None, name_of, True)["handoff"]
    assert taken["state"] == "with_agent" and taken["agent"] == "Sam P."


def test_a_sent_text_replaces_the_stored_one() -> None:
    """The customer reads what the agent wrote, not the redacted copy the store keeps."""
    events = [
        BotUttered("Hi, I'm <PERSON>.", metadata={c.META_AGENT: {c.AGENT_ID: "sam"}}, timestamp=6.0)
    ]
    [shown] = messages_after(events, 0, name_of, sent={6.0: "Hi, I'm Sam.", 7.0: "other"})
    assert shown.text == "Hi, I'm Sam."
    assert messages_after(events, 0, name_of)[0].text == "Hi, I'm <PERSON>."
