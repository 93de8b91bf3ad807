"""The policy YAML schema: the one place that says what conversation designers may write.

Every field has a description; ``rasa-ethics schema`` prints them.  The models use the pydantic v1
API because Rasa 3.6 pins pydantic 1.10.  Unknown keys are errors (``extra = forbid``) so that a
designer's typo never passes silently.
"""

# pydantic's mypy plugin does not run under the pinned mypy, so mypy cannot see Field() defaults.
# mypy: disable-error-code="call-arg"
from __future__ import annotations

from typing import List, Optional

from pydantic import Field, root_validator, validator

from rasa_ethics.policy._section import (
    KEEP,
    REPLACE,
    Section,
    check_host_actions,
    check_host_mode,
    phrases,
)
from rasa_ethics.policy.schema_audit import AuditConfig
from rasa_ethics.policy.schema_bias import BiasConfig, BiasThresholds
from rasa_ethics.policy.schema_handoff import (
    AvailabilityConfig,
    HandoffConfig,
    SignalsConfig,
    TopicConfig,
    WebhookConfig,
)
from rasa_ethics.policy.schema_limits import LimitsConfig
from rasa_ethics.policy.schema_pii import Operator, PIIConfig, PIIEntityRule
from rasa_ethics.policy.schema_privacy import PrivacyConfig
from rasa_ethics.policy.schema_redress import RedressConfig

__all__ = [
    "AuditConfig",
    "AvailabilityConfig",
    "BiasConfig",
    "BiasThresholds",
    "DisclosureConfig",
    "HandoffConfig",
    "KEEP",
    "LimitsConfig",
    "MessagesConfig",
    "Operator",
    "PIIConfig",
    "PIIEntityRule",
    "PolicyDocument",
    "PrivacyConfig",
    "REPLACE",
    "RedressConfig",
    "SignalsConfig",
    "TopicConfig",
    "WebhookConfig",
]


class DisclosureConfig(Section):
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
    bot_challenge_phrases: List[str] = phrases(
        "Backstop phrases that count as a bot challenge even if the classifier misses them."
    )
    bot_challenge_host_response: str = Field(
        REPLACE,
        description="'replace' answers every bot challenge with bot_challenge_text; 'keep' runs "
        "your bot's own answer instead, the actions in bot_challenge_host_actions, forms "
        "included. Keep an answer only if it says plainly that the customer talks to a bot. If "
        "custom actions only send nothing, bot_challenge_text follows.",
    )
    bot_challenge_host_actions: List[str] = Field(
        default_factory=list,
        description="Your bot's own answer to 'are you a bot?', in order, e.g. [utter_iamabot]; "
        "`rasa-ethics init --keep-host-flows` copies it from your rules.",
    )

    _check_host_response = validator("bot_challenge_host_response", allow_reuse=True)(
        check_host_mode
    )

    @root_validator(skip_on_failure=True)
    def _host_response_has_actions(cls, values: dict) -> dict:
        check_host_actions(
            values["bot_challenge_host_response"],
            values["bot_challenge_host_actions"],
            ("bot_challenge_host_response", "bot_challenge_host_actions"),
            "utter_iamabot",
        )
        return values


class MessagesConfig(Section):
    """What customers may send."""

    max_message_chars: int = Field(
        4000,
        ge=1,
        le=1_000_000,
        description="Longer messages are not given to NLU: the customer gets too_long_text and "
        "the conversation goes on. Only their length is stored.",
    )
    too_long_text: str = Field(
        "Sorry, that message is too long for me. Could you say it in a few sentences?",
        min_length=1,
        description="Answer to a message longer than max_message_chars "
        "(response utter_ethics_too_long).",
    )


class PolicyDocument(Section):
    """A whole policy file."""

    version: int = Field(1, description="Schema version of this file. Only 1 exists.")
    extends: Optional[str] = Field(
        None,
        description="Another policy file (relative to this one) whose settings this one overrides: "
        "a .yml or .yaml file in this file's folder or in one of extends_dirs.",
    )
    extends_dirs: List[str] = Field(
        default_factory=list,
        description="Folders besides its own (absolute, or relative to this file) whose policies "
        "the chain may extend. Only the policy that is loaded may list them.",
    )
    name: str = Field("default", description="A name for this policy, shown in audit records.")
    disclosure: DisclosureConfig = Field(default_factory=lambda: DisclosureConfig())
    handoff: HandoffConfig = Field(default_factory=lambda: HandoffConfig())
    pii: PIIConfig = Field(default_factory=lambda: PIIConfig())
    audit: AuditConfig = Field(default_factory=lambda: AuditConfig())
    privacy: PrivacyConfig = Field(default_factory=lambda: PrivacyConfig())
    redress: RedressConfig = Field(default_factory=lambda: RedressConfig())
    limits: LimitsConfig = Field(default_factory=lambda: LimitsConfig())
    messages: MessagesConfig = Field(default_factory=lambda: MessagesConfig())
    bias: BiasConfig = Field(default_factory=lambda: BiasConfig())

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
