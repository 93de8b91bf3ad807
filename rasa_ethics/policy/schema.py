"""The policy YAML schema: the one place that says what conversation designers may write.

Every field has a description; ``rasa-ethics schema`` prints them.  The models use the pydantic v1
API because Rasa 3.6 pins pydantic 1.10.  Unknown keys are errors (``extra = forbid``) so that a
designer's typo never passes silently.
"""

# pydantic's mypy plugin does not run under the pinned mypy, so mypy cannot see Field() defaults.
# mypy: disable-error-code="call-arg"
from __future__ import annotations

from enum import Enum
from typing import ClassVar, Dict, List, Optional, Tuple

from pydantic import BaseModel, Field, root_validator, validator

__all__ = [
    "AuditConfig",
    "AvailabilityConfig",
    "DisclosureConfig",
    "HandoffConfig",
    "PIIConfig",
    "PIIEntityRule",
    "PolicyDocument",
    "PrivacyConfig",
    "SignalsConfig",
    "TopicConfig",
    "WebhookConfig",
]


class _Section(BaseModel):
    class Config:
        extra = "forbid"
        validate_assignment = True
        anystr_strip_whitespace = True


def _phrases(description: str) -> List[str]:
    return Field(default_factory=list, description=description)


class DisclosureConfig(_Section):
    """Tell customers they are talking to an AI, and answer truthfully when asked."""

    enabled: bool = Field(True, description="Prefix the first bot message of every session.")
    text: str = Field(
        "Hi! I'm an AI assistant, not a person. Type 'human' at any time to reach a person.",
        min_length=1,
        description="Disclosure shown before the first bot message of every session.",
    )
    bot_challenge_text: str = Field(
        "I'm an AI assistant, a computer program, not a human. "
        "If you'd like to talk to a person, just say 'human'.",
        min_length=1,
        description="Truthful answer to 'are you a bot?' (response utter_ethics_bot_challenge).",
    )
    bot_challenge_intents: List[str] = Field(
        default_factory=lambda: ["ethics_bot_challenge"],
        description="Intents that mean 'are you a bot?'. Intents the host bot already has "
        "(e.g. its own bot_challenge) are reused, not duplicated.",
    )
    bot_challenge_phrases: List[str] = _phrases(
        "Backstop phrases that count as a bot challenge even if the classifier misses them."
    )


class AvailabilityConfig(_Section):
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


class WebhookConfig(_Section):
    """Optional HTTP notification of each handoff request."""

    url: Optional[str] = Field(None, description="POST each handoff request as JSON to this URL.")
    timeout_seconds: float = Field(3.0, gt=0, description="Timeout of one delivery attempt.")
    max_attempts: int = Field(8, ge=1, description="Attempts before a request is parked as failed.")
    backoff_seconds: float = Field(1.0, gt=0, description="First retry delay; doubles each retry.")
    token_env: Optional[str] = Field(
        None, description="Environment variable holding a bearer token sent with each request."
    )


class TopicConfig(_Section):
    """A sensitive topic: phrases that trigger a handoff offer, and an optional first reply."""

    phrases: List[str] = _phrases("Lower-case phrases matched as whole words in the message.")
    text: Optional[str] = Field(
        None,
        description="Said before the handoff text, e.g. crisis resources for self-harm.",
    )


class SignalsConfig(_Section):
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
    frustration_phrases: List[str] = _phrases("Anger or frustration phrases.")
    complaint_intents: List[str] = Field(
        default_factory=lambda: ["ethics_complaint"],
        description="Intents that mean the customer wants to complain.",
    )


class HandoffConfig(_Section):
    """The always-available route to a human."""

    enabled: bool = Field(True, description="Allow customers to reach a human.")
    intents: List[str] = Field(
        default_factory=lambda: ["ethics_human_handoff"],
        description="Intents that mean 'talk to a human'. Intents the host bot already has "
        "(e.g. its own human_handoff) are reused, not duplicated.",
    )
    phrases: List[str] = _phrases(
        "Backstop phrases: a handoff happens even if the classifier misses the intent."
    )
    text: str = Field(
        "I'm connecting you with a member of our team. They'll reply here shortly.",
        min_length=1,
        description="Said when a handoff starts (response utter_ethics_handoff).",
    )
    unavailable_text: str = Field(
        "All of our team are busy or away right now. Your request is queued and a person will "
        "get back to you by email as soon as we are open.",
        min_length=1,
        description="Said when no agent is available (response utter_ethics_handoff_unavailable).",
    )
    resumed_text: str = Field(
        "You're talking to the AI assistant again. How else can I help?",
        min_length=1,
        description="Said when an agent hands the conversation back to the bot.",
    )
    transcript_turns: int = Field(
        10, ge=0, description="How many recent messages the handoff request carries."
    )
    store_url: Optional[str] = Field(
        None,
        description="SQLAlchemy URL of the handoff table. Default: the tracker store's database.",
    )
    availability: AvailabilityConfig = Field(default_factory=lambda: AvailabilityConfig())
    signals: SignalsConfig = Field(default_factory=lambda: SignalsConfig())
    webhook: WebhookConfig = Field(default_factory=lambda: WebhookConfig())


class Operator(str, Enum):
    """What happens to a detected value."""

    replace = "replace"  # type: ignore[assignment]  # shadows str.replace; the YAML word
    mask = "mask"
    hash = "hash"
    drop = "drop"


class PIIEntityRule(_Section):
    """How one PII type is handled."""

    enabled: bool = Field(True, description="Detect this type.")
    operator: Operator = Field(
        Operator.replace,
        description="replace: <EMAIL>; mask: ****; hash: keyed HMAC token; drop: remove the value.",
    )


class PIIConfig(_Section):
    """Detect personal data once and redact it at every exit."""

    enabled: bool = Field(True, description="Turn PII detection and redaction on.")
    nlu_input: str = Field(
        "raw",
        description="'raw': NLU sees the original text; 'redacted': NLU sees placeholders.",
    )
    phone_regions: List[str] = Field(
        default_factory=lambda: ["US", "GB"],
        description="ISO country codes used to parse phone numbers written without +prefix.",
    )
    entities: Dict[str, PIIEntityRule] = Field(
        default_factory=dict,
        description="Per-type rules (email, phone, credit_card, iban, us_ssn, uk_nino, ip_address, "
        "date_of_birth, passport, drivers_license, address, person). Unlisted types use replace.",
    )
    allow_list: List[str] = _phrases("Values never redacted, e.g. the shop's own support address.")
    redact_bot_output: bool = Field(True, description="Redact PII in the bot's own messages.")
    hash_key_env: str = Field(
        "RASA_ETHICS_PII_KEY", description="Environment variable holding the HMAC key for 'hash'."
    )
    vault_slots: List[str] = Field(
        default_factory=list,
        description="Slots that must keep a real value for the bot to work. They are stored as "
        "tokens; the raw value lives encrypted in the vault until the session ends.",
    )
    vault_grace_minutes: int = Field(
        30, ge=0, description="How long a vaulted value outlives its session."
    )

    # The PII types the engine knows (rasa_ethics.pii.recognizers.RECOGNIZERS has one entry each).
    ENTITY_TYPES: ClassVar[Tuple[str, ...]] = (
        "email",
        "phone",
        "credit_card",
        "iban",
        "us_ssn",
        "uk_nino",
        "ip_address",
        "date_of_birth",
        "passport",
        "drivers_license",
        "address",
        "person",
    )

    @validator("nlu_input")
    def _check_nlu_input(cls, value: str) -> str:
        if value not in {"raw", "redacted"}:
            msg = "must be 'raw' or 'redacted'"
            raise ValueError(msg)
        return value

    @validator("entities")
    def _check_entities(cls, value: Dict[str, PIIEntityRule]) -> Dict[str, PIIEntityRule]:
        for name in value:
            if name not in cls.ENTITY_TYPES:
                msg = (
                    f"unknown PII type {name!r}; use one of {', '.join(cls.ENTITY_TYPES)}, e.g.\n"
                    f"  pii:\n    entities:\n      email: {{operator: replace}}"
                )
                raise ValueError(msg)
        return value

    @validator("phone_regions", each_item=True)
    def _check_region(cls, value: str) -> str:
        import phonenumbers  # cheap, and only needed when a policy is validated

        region = value.upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            msg = (
                f"unknown phone region {value!r}; use ISO 3166 codes, e.g.\n"
                "  phone_regions: [US, GB]"
            )
            raise ValueError(msg)
        return region


class AuditConfig(_Section):
    """A tamper-evident, PII-free record of what the bot did."""

    enabled: bool = Field(True, description="Write the audit trail.")
    path: str = Field(
        "audit/audit.jsonl",
        description="Active audit file, relative to the bot folder; rotated files go next to it. "
        "Every Rasa replica needs its own file (endpoints.yml `path:` can use ${HOSTNAME}).",
    )
    pseudonym_key_env: str = Field(
        "RASA_ETHICS_AUDIT_KEY",
        description="Environment variable with the HMAC key that pseudonymises sender ids. If it "
        "is unset, a random key is drawn at start-up and pseudonyms only link the records of one "
        "process run (the start record says pseudonym_scope: ephemeral).",
    )
    fsync: str = Field(
        "batch",
        description="fsync after 'every' record, per write 'batch' (a turn's events form one "
        "batch), or 'never' (leave it to the OS).",
    )
    rotate_max_bytes: int = Field(
        50_000_000, ge=0, description="Start a new file past this size (0: never by size)."
    )
    rotate_daily: bool = Field(True, description="Start a new file every day (UTC).")
    queue_size: int = Field(10_000, ge=1, description="Records buffered for the background writer.")
    on_overload: str = Field(
        "drop",
        description="When the queue is full or the disk refuses a write: 'drop' (the bot never "
        "waits; a gap record counts what was lost) or 'block' (the bot waits; nothing is lost).",
    )
    include_bot_text: bool = Field(
        False,
        description="Also record the text of bot messages, passed through the broker's redactor "
        "(`redactor:` in endpoints.yml). Without a redactor the text is left out.",
    )

    @validator("fsync")
    def _check_fsync(cls, value: str) -> str:
        if value not in {"every", "batch", "never"}:
            msg = "must be 'every', 'batch' or 'never'"
            raise ValueError(msg)
        return value

    @validator("on_overload")
    def _check_overload(cls, value: str) -> str:
        if value not in {"drop", "block"}:
            msg = "must be 'drop' or 'block'"
            raise ValueError(msg)
        return value


class PrivacyConfig(_Section):
    """What the plugin lets leave the machine."""

    error_reporting: bool = Field(
        False,
        description="Allow Rasa's built-in Sentry crash reporting. Off by default: crash reports "
        "can contain customer text.",
    )


class PolicyDocument(_Section):
    """A whole policy file."""

    version: int = Field(1, description="Schema version of this file. Only 1 exists.")
    extends: Optional[str] = Field(
        None,
        description="Another policy file (relative to this one) whose settings this one overrides.",
    )
    name: str = Field("default", description="A name for this policy, shown in audit records.")
    disclosure: DisclosureConfig = Field(default_factory=lambda: DisclosureConfig())
    handoff: HandoffConfig = Field(default_factory=lambda: HandoffConfig())
    pii: PIIConfig = Field(default_factory=lambda: PIIConfig())
    audit: AuditConfig = Field(default_factory=lambda: AuditConfig())
    privacy: PrivacyConfig = Field(default_factory=lambda: PrivacyConfig())

    @validator("version")
    def _check_version(cls, value: int) -> int:
        if value != 1:
            msg = "only version 1 exists"
            raise ValueError(msg)
        return value

    @root_validator(skip_on_failure=True)
    def _intents_do_not_overlap(cls, values: dict) -> dict:
        handoff, disclosure = values.get("handoff"), values.get("disclosure")
        if handoff and disclosure:
            both = set(handoff.intents) & set(disclosure.bot_challenge_intents)
            if both:
                name = sorted(both)[0]
                msg = (
                    f"intent {name!r} is both a handoff and a bot-challenge intent; "
                    f"keep it in one, e.g.\n  handoff:\n    intents: [{name}]"
                )
                raise ValueError(msg)
        return values
