"""Builders for dialogue tests: an inline domain, parsed user messages and trackers."""

from __future__ import annotations

import time
from typing import Any, Dict, List, Optional

from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

DOMAIN_YAML = """
version: "3.1"
intents: [greet, inform, order_status, ethics_human_handoff, ethics_bot_challenge, ethics_complaint]
slots:
  email:
    type: text
    mappings:
      - type: from_text
        intent: [inform, nlu_fallback]
        conditions:
          - active_loop: order_form
            requested_slot: email
  phone:
    type: text
    mappings:
      - type: from_entity
        entity: phone
entities: [phone]
forms:
  order_form:
    required_slots: [email]
responses:
  utter_greet: [{text: "Hello!"}]
  utter_ask_email: [{text: "Your email?"}]
  utter_ethics_disclosure: [{text: "disclosure"}]
  utter_ethics_bot_challenge: [{text: "I am a bot"}]
  utter_ethics_handoff: [{text: "handing off"}]
  utter_ethics_handoff_unavailable: [{text: "nobody there"}]
  utter_ethics_resumed: [{text: "bot again"}]
  utter_ethics_too_long: [{text: "too long"}]
  utter_ethics_topic_self_harm: [{text: "crisis"}]
  utter_ethics_handoff_confirm: [{text: "connect you?"}]
  utter_ethics_handoff_declined: [{text: "carry on"}]
  utter_ethics_outage: [{text: "something broke, connect you?"}]
"""


def user(
    text: str, intent: Optional[str] = "greet", confidence: float = 0.99, **extra: Any
) -> UserUttered:
    """A user message as NLU would have parsed it."""
    parse: Dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": [],
        **extra,
    }
    return UserUttered(text, parse["intent"], [], parse)


def session(*events: Event) -> List[Event]:
    """A new session followed by ``events`` (which Python built first: the session start gets an
    earlier timestamp, as SQL stores filter events by the session's start time)."""
    start = min((e.timestamp for e in events), default=time.time()) - 1
    return [
        ActionExecuted(ACTION_SESSION_START_NAME, timestamp=start),
        SessionStarted(timestamp=start),
        ActionExecuted(ACTION_LISTEN_NAME, timestamp=start),
        *events,
    ]


def tracker(domain: Domain, *events: Event) -> DialogueStateTracker:
    """A tracker of a new session with ``events``."""
    return DialogueStateTracker.from_events("test", session(*events), domain.slots)
