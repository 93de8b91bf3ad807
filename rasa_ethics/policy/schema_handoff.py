"""Policy schema: the handoff section (when to hand off, to whom, and what is said)."""

# pydantic's mypy plugin does not run under the pinned mypy, so mypy cannot see Field() defaults.
# mypy: disable-error-code="call-arg"
from __future__ import annotations

from typing import Dict, List, Literal, Optional

from pydantic import Field, root_validator, validator

from rasa_ethics.policy._section import (
    REPLACE,
    Section,
    check_host_actions,
    check_host_mode,
    check_two_buttons,
    phrases,
)

__all__ = [
    "AvailabilityConfig",
    "ConfirmConfig",
    "Decision",
    "HandoffConfig",
    "SignalsConfig",
    "TopicConfig",
    "WebhookConfig",
    "WhenConfig",
]

# What the bot does with one kind of evidence: hand off at once, ask first, or ignore it.
Decision = Literal["act", "ask", "off"]
MAX_CANNED_REPLY_CHARS = 1000  # the agent desk accepts replies of up to 4000 characters


class AvailabilityConfig(Section):
    """When human agents are available to take a handoff."""

    timezone: str = Field(
        "UTC", description="IANA time zone of the opening hours, e.g. Europe/Berlin."
    )
    hours: Dict[str, str] = Field(
        default_factory=dict,
        description="Opening hours per weekday (mon..sun) as 'HH:MM-HH:MM'. "
        "Empty means always open.",
    )
    agents_online: bool = Field(
        True, description="Set to false to send every handoff to the 'no agent available' text."
    )

    @validator("hours")
    def _check_hours(cls, value: Dict[str, str]) -> Dict[str, str]:
        days = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
        for day, span in value.items():
            if day not in days:
                msg = f"unknown weekday {day!r}; use one of mon, tue, wed, thu, fri, sat, sun"
                raise ValueError(msg)
            _parse_span(span)
        return value


def _parse_span(span: str) -> tuple[int, int]:
    """Parse 'HH:MM-HH:MM' into minutes since midnight."""
    try:
        start, end = (part.strip() for part in span.split("-"))
        h1, m1 = (int(x) for x in start.split(":"))
        h2, m2 = (int(x) for x in end.split(":"))
    except ValueError:
        msg = f"opening hours {span!r} must look like '09:00-17:30'"
        raise ValueError(msg) from None
    return h1 * 60 + m1, h2 * 60 + m2


class WebhookConfig(Section):
    """Optional HTTP notification of each handoff request."""

    url: Optional[str] = Field(None, description="POST each handoff request as JSON to this URL.")
    timeout_seconds: float = Field(3.0, gt=0, description="Timeout of one delivery attempt.")
    max_attempts: int = Field(8, ge=1, description="Attempts before a request is parked as failed.")
    backoff_seconds: float = Field(1.0, gt=0, description="First retry delay; doubles each retry.")
    token_env: Optional[str] = Field(
        None, description="Environment variable holding a bearer token sent with each request."
    )


class TopicConfig(Section):
    """A sensitive topic: phrases that trigger a handoff offer, and an optional first reply."""

    phrases: List[str] = phrases("Lower-case phrases matched as whole words in the message.")
    text: Optional[str] = Field(
        None,
        description="Said before the handoff text, e.g. crisis resources for self-harm.",
    )


class SignalsConfig(Section):
    """Signals that make the bot hand off by itself."""

    consecutive_fallbacks: int = Field(
        2, ge=0, description="Hand off after this many fallbacks in a row (0 turns it off)."
    )
    low_confidence_threshold: float = Field(
        0.4, ge=0, le=1, description="An intent confidence below this counts as a fallback turn."
    )
    sensitive_topics: Dict[str, TopicConfig] = Field(
        default_factory=dict,
        description="Editable lexicons, e.g. distress, bereavement, self_harm, medical, legal.",
    )
    frustration_phrases: List[str] = phrases("Anger or frustration phrases.")
    complaint_intents: List[str] = Field(
        default_factory=lambda: ["ethics_complaint"],
        description="Intents that mean the customer wants to complain.",
    )
    misunderstanding_phrases: List[str] = phrases(
        'Phrases saying the bot got it wrong, e.g. "that\'s not what I asked".'
    )
    misunderstanding_repeats: int = Field(
        2,
        ge=1,
        description="How many misunderstanding phrases in one session make the evidence "
        "`misunderstanding` (see `handoff.when`).",
    )


class WhenConfig(Section):
    """Per kind of evidence: `act` (hand off at once), `ask` (confirm first) or `off`."""

    @validator("*", pre=True)
    def _unquoted_off(cls, value: object) -> object:
        # YAML reads an unquoted `off` as false: take it as meant.
        return "off" if value is False else value

    request: Decision = Field(
        "act", description='The message asks for a person: "let me talk to someone".'
    )
    mention: Decision = Field(
        "act",
        description="The classifier says handoff and the message names a person or a role, "
        'without a clear request: "agent?".',
    )
    intent_only: Decision = Field(
        "ask",
        description="The classifier says handoff and the message hints at contact but names "
        'nobody: "how can I get in touch".',
    )
    assistant: Decision = Field(
        "ask",
        description='The message asks for an assistant who may be the bot itself: "can I talk '
        'to the assistant".',
    )
    misunderstanding: Decision = Field(
        "ask",
        description="The customer said again that the bot got it wrong (see "
        "`signals.misunderstanding_phrases`).",
    )
    complaint: Decision = Field("act", description="A complaint (intent and the word).")
    frustration: Decision = Field("act", description="A frustration phrase.")
    sensitive_topic: Decision = Field("act", description="A sensitive topic's phrase.")
    consecutive_fallbacks: Decision = Field(
        "act", description="`signals.consecutive_fallbacks` misunderstood turns in a row."
    )


class ConfirmConfig(Section):
    """The question asked when the evidence is partial, and its two buttons."""

    text: str = Field(
        "Would you like me to connect you with a person?",
        min_length=1,
        description="The question (response utter_ethics_handoff_confirm).",
    )
    # Not `yes:`/`no:`: YAML reads those keys as booleans.
    yes_button: str = Field("Yes, connect me", min_length=1, description="Hands off.")
    no_button: str = Field("No, carry on", min_length=1, description="Goes back to the bot.")
    declined_text: str = Field(
        "OK, let's carry on.",
        min_length=1,
        description="Said after 'no' (response utter_ethics_handoff_declined); a form then asks "
        "its question again.",
    )

    @validator("no_button")
    def _buttons_differ(cls, value: str, values: dict) -> str:
        return check_two_buttons(value, values.get("yes_button"), "yes_button", "Yes, connect me")


class HandoffConfig(Section):
    """The always-available route to a human."""

    enabled: bool = Field(True, description="Allow customers to reach a human.")
    intents: List[str] = Field(
        default_factory=lambda: ["ethics_human_handoff"],
        description="Intents that mean 'talk to a human'. Intents the host bot already has "
        "(e.g. its own human_handoff) are reused, not duplicated.",
    )
    phrases: List[str] = phrases(
        "Backstop phrases: a handoff happens even if the classifier misses the intent."
    )
    text: str = Field(
        "I'm connecting you with a member of our team. They'll reply here shortly. Your "
        "reference number is {reference}.",
        min_length=1,
        description="Said when a handoff starts (response utter_ethics_handoff); {reference} "
        "(optional) is the request's number in the queue, e.g. HR-7K3M-9QXA.",
    )
    unavailable_text: str = Field(
        "All of our team are busy or away right now. Your request is queued and a person will "
        "get back to you by email as soon as we are open. Your reference number is {reference}.",
        min_length=1,
        description="Said when no agent is available (response utter_ethics_handoff_unavailable); "
        "{reference} (optional) is the request's number in the queue.",
    )
    resumed_text: str = Field(
        "You're talking to the AI assistant again. How else can I help?",
        min_length=1,
        description="Said when an agent hands the conversation back to the bot.",
    )
    host_flow: str = Field(
        REPLACE,
        description="When a customer asks for a person: 'replace' says the handoff text "
        "(utter_ethics_handoff); 'keep' runs your bot's own handoff flow instead, the actions in "
        "host_flow_actions, forms included, and then still pauses the bot, queues the request "
        "and audits it. If a flow of custom actions only sends nothing (the action server is "
        "down), the handoff text follows. With no agent available the unavailable_text is said "
        "in both modes, as your flow would promise a transfer.",
    )
    host_flow_actions: List[str] = Field(
        default_factory=list,
        description="Your bot's own handoff flow, in order, e.g. [utter_transfer, "
        "action_transfer_to_agent]; `rasa-ethics init --keep-host-flows` copies it from your "
        "rules. The request is queued once the last one has run.",
    )
    outage_text: str = Field(
        "Sorry, something on our side isn't working right now, so I can't finish that. "
        "Would you like me to connect you with a person?",
        min_length=1,
        description="Said when one of the bot's actions fails, e.g. its action server is down "
        "(response utter_ethics_outage); it carries the confirm buttons.",
    )
    confirm: ConfirmConfig = Field(default_factory=lambda: ConfirmConfig())
    when: WhenConfig = Field(default_factory=lambda: WhenConfig())
    transcript_turns: int = Field(
        10, ge=0, description="How many recent messages the handoff request carries."
    )
    store_url: Optional[str] = Field(
        None,
        description="SQLAlchemy URL of the handoff table. Default: the tracker store's database.",
    )
    canned_replies: List[str] = Field(
        default_factory=lambda: [
            "Thanks for waiting, I'm looking into this now.",
            "Could you tell me a little more about what happened?",
            "I'm sorry about this. Let me put it right for you.",
            "Is there anything else I can help you with today?",
        ],
        description="Replies an agent can send in one click from the agent console; the agent "
        "may edit one before sending it. Never said by the bot.",
    )
    expected_handle_minutes: float = Field(
        5.0,
        ge=0.5,
        description="Minutes an agent takes over one request, used for the waiting time a "
        "customer is told until requests have been resolved; then the median of the last 50.",
    )
    availability: AvailabilityConfig = Field(default_factory=lambda: AvailabilityConfig())
    signals: SignalsConfig = Field(default_factory=lambda: SignalsConfig())
    webhook: WebhookConfig = Field(default_factory=lambda: WebhookConfig())

    _check_host_flow = validator("host_flow", allow_reuse=True)(check_host_mode)

    @validator("canned_replies", each_item=True)
    def _check_canned_reply(cls, value: str) -> str:
        if not value.strip() or len(value) > MAX_CANNED_REPLY_CHARS:
            msg = (
                f"a canned reply must have 1 to {MAX_CANNED_REPLY_CHARS} characters, e.g.\n"
                "  canned_replies:\n  - Thanks for waiting, I'm looking into this now."
            )
            raise ValueError(msg)
        return value

    @root_validator(skip_on_failure=True)
    def _host_flow_has_actions(cls, values: dict) -> dict:
        example = "utter_transfer, action_transfer_to_agent"
        keys = ("host_flow", "host_flow_actions")
        check_host_actions(values["host_flow"], values["host_flow_actions"], keys, example)
        return values
