"""Policy schema: the privacy section (what leaves the machine, and the customers' rights).

An opted-out conversation (``opt_out``) is kept in the Rasa process's memory for as long as its
session needs it and never reaches the tracker store or the broker.

Rights requests (erasure, export, opt-out) get a legal deadline from ``jurisdiction``: GDPR
Art. 12(3) gives one month from receipt, CCPA §1798.130 gives 45 days.  ``retention_days`` is
what ``rasa-ethics privacy purge`` deletes past; unset, purge refuses to run rather than guess.
"""

# pydantic's mypy plugin does not run under the pinned mypy, so mypy cannot see Field() defaults.
# mypy: disable-error-code="call-arg"
from __future__ import annotations

import re
from typing import List, Optional

from pydantic import Field, validator

from rasa_ethics.policy._section import Section, check_two_buttons
from rasa_ethics.policy.schema_pii import PIIConfig

__all__ = ["JURISDICTIONS", "ChatRightsConfig", "OptOutConfig", "PrivacyConfig"]

#: Jurisdiction → how long an organisation has to answer a request.
JURISDICTIONS = ("gdpr", "ccpa")
#: An input channel's name as Rasa records it on each message (``rest``, ``socketio``, ...).
_CHANNEL = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")


class ChatRightsConfig(Section):
    """Customers' rights in the chat: the texts of the erasure flow (EthicsPolicy decides it)."""

    enabled: bool = Field(
        True,
        description="Answer customers' own privacy requests in the chat ('delete my data'). "
        "Off: such messages are the host bot's.",
    )
    erase_confirm_text: str = Field(
        "Do you want me to erase this conversation and everything it stored about you? This "
        "cannot be undone. (Orders and your account are not affected.)",
        min_length=1,
        description="The question before an erasure (response utter_ethics_privacy_erase_confirm).",
    )
    erase_yes_button: str = Field(
        "Yes, erase it", min_length=1, description="Erases the conversation."
    )
    erase_no_button: str = Field("No, keep it", min_length=1, description="Keeps everything.")
    erased_text: str = Field(
        "Done: this conversation and what it stored about you are erased. Your reference "
        "number is {reference}. If you write again, a new conversation starts.",
        min_length=1,
        description="Said after the erasure was done (response utter_ethics_privacy_erased); "
        "{reference} is the request's reference number in the register.",
    )
    erase_failed_text: str = Field(
        "Sorry, I could not erase this conversation just now, so nothing was deleted. Please "
        "try again in a few minutes, or ask our team.",
        min_length=1,
        description="Said when the erasure could not be done (response "
        "utter_ethics_privacy_erase_failed): nothing was deleted.",
    )
    erase_declined_text: str = Field(
        "OK, nothing was deleted.",
        min_length=1,
        description="Said after 'no' to the erasure question (response "
        "utter_ethics_privacy_erase_declined).",
    )

    notice_text: str = Field(
        "Here is what this chat keeps about you: the messages of this conversation, with "
        "personal details such as e-mail addresses and phone numbers masked (the ones a form "
        "needs are kept encrypted until the conversation ends); if you ask for a person, a "
        "masked transcript goes to our support team. Only our support team and the operators of "
        "this service see it. Conversations are deleted after the retention period. To have this "
        "conversation deleted now, say 'delete my data'.",
        min_length=1,
        description="The privacy notice (response utter_ethics_privacy_notice), said to 'what do "
        "you keep about me?': what is stored, for how long, who sees it, how to have it deleted.",
    )
    notice_link: Optional[str] = Field(
        None,
        description="A link to the full privacy notice, said after notice_text ('Full privacy "
        "notice: <link>'); unset: no link.",
    )

    export_text: str = Field(
        "I've filed your request for a copy of your data; its reference number is {reference}. "
        "A chat cannot prove who you are, so our team will check that it's you before sending "
        "the copy. Please quote the reference if you contact us.",
        min_length=1,
        description="Said after a request for a copy of the customer's data was filed in the "
        "register (response utter_ethics_privacy_export_filed); {reference} is its number.",
    )
    export_failed_text: str = Field(
        "Sorry, I could not file your request just now. Please try again in a few minutes, or "
        "ask our team.",
        min_length=1,
        description="Said when the export request could not be filed (response "
        "utter_ethics_privacy_export_failed).",
    )

    opted_out_text: str = Field(
        "OK: from now on I keep this conversation only while we chat, and don't store it "
        "afterwards. Your reference number is {reference}. What you wrote before this stays "
        "stored; to delete it, say 'delete my data'.",
        min_length=1,
        description="Said after an opt-out took effect (response utter_ethics_privacy_opted_out): "
        "'don't store this conversation', 'stop using my data'; {reference} (optional) is the "
        "request's reference number.",
    )
    opt_out_failed_text: str = Field(
        "Sorry, I could not switch off storing this conversation just now, so it is still "
        "being stored. Please try again in a few minutes, or ask our team.",
        min_length=1,
        description="Said when the opt-out could not be done (response "
        "utter_ethics_privacy_opt_out_failed): the conversation is still stored.",
    )

    @validator("erase_no_button")
    def _buttons_differ(cls, value: str, values: dict) -> str:
        yes = values.get("erase_yes_button")
        return check_two_buttons(value, yes, "erase_yes_button", "Yes, erase it")

    @validator("erased_text", "export_text")
    def _has_reference(cls, value: str) -> str:
        if "{reference}" not in value:
            msg = "must say the reference number, e.g. 'Your reference number is {reference}.'"
            raise ValueError(msg)
        if value.count("{") != value.count("}") or value.count("{") != 1:
            msg = "may hold one placeholder only, {reference}"
            raise ValueError(msg)
        return value

    @validator("opted_out_text")
    def _optional_reference(cls, value: str) -> str:
        if value.count("{") != value.count("}") or value.count("{") > 1:
            msg = "may hold one placeholder only, {reference}"
            raise ValueError(msg)
        if "{" in value and "{reference}" not in value:
            msg = "the one placeholder is {reference}, e.g. 'Your reference is {reference}.'"
            raise ValueError(msg)
        return value


class OptOutConfig(Section):
    """Conversations kept in process memory only, for as long as their session needs them."""

    default_channels: List[str] = Field(
        default_factory=list,
        description="Input channels whose conversations are opted out from their first message "
        "(never written to the tracker store or the broker), e.g. [socketio]; [] (the "
        "default): only customers who ask are.",
    )
    max_conversations: int = Field(
        10_000,
        ge=1,
        le=1_000_000,
        description="How many opted-out conversations one Rasa process keeps in memory; past "
        "it the longest idle one is dropped (its customer's context is lost, nothing is "
        "stored).",
    )

    @validator("default_channels", each_item=True)
    def _check_channel(cls, value: str) -> str:
        if not _CHANNEL.match(value):
            msg = (
                f"{value!r} is not an input channel name (lower case, as Rasa names them), "
                "e.g.\n  privacy:\n    opt_out:\n      default_channels: [socketio]"
            )
            raise ValueError(msg)
        return value

    @validator("default_channels")
    def _no_duplicates(cls, value: List[str]) -> List[str]:
        if len(set(value)) != len(value):
            msg = "lists a channel twice"
            raise ValueError(msg)
        return value


class PrivacyConfig(Section):
    """What the plugin lets leave the machine, and how customers' rights requests are kept."""

    error_reporting: bool = Field(
        False,
        description="Allow Rasa's built-in Sentry crash reporting. Off by default: crash reports "
        "can contain customer text.",
    )
    jurisdiction: str = Field(
        "gdpr",
        description="Which law sets the deadline of a rights request: 'gdpr' (one month from "
        "receipt) or 'ccpa' (45 days).",
    )
    retention_days: Optional[int] = Field(
        None,
        ge=1,
        le=36_500,
        description="Conversations whose last event is older than this many days are deleted "
        "by `rasa-ethics privacy purge`. Unset: purge refuses to run.",
    )
    purge_every_hours: Optional[float] = Field(
        None,
        gt=0,
        le=8_760,
        description="Purge inside the server as well: every this many hours (the first run a "
        "few minutes after start), each replica deletes what `rasa-ethics privacy purge` would. "
        "Unset (the default): only the command purges, e.g. from cron. Needs retention_days.",
    )
    subject_key_env: str = Field(
        "RASA_ETHICS_SUBJECT_KEY",
        description="Environment variable with the HMAC key of subject keys (e.g. a customer's "
        "e-mail address, kept only as a keyed hash so operators can find their conversations). "
        "Unset with a SQLite database: a key file <database>.subject-key (mode 0600) is made.",
    )
    subject_types: List[str] = Field(
        default_factory=list,
        description="PII types whose values customers give become subject keys of their "
        "conversation, e.g. [email]; [] (the default) keeps none. Needs the key in "
        "subject_key_env on any database but a SQLite file.",
    )
    audit_path: str = Field(
        "audit/privacy.jsonl",
        description="Audit trail of operators' privacy actions (erasure, export, purge), relative "
        "to the bot folder; a trail of its own, since a running bot holds the lock of its trail.",
    )

    chat: ChatRightsConfig = Field(
        default_factory=lambda: ChatRightsConfig(),
        description="Customers' own requests in the chat: the privacy notice, erasure of the "
        "conversation, a request for a copy of their data.",
    )

    opt_out: OptOutConfig = Field(
        default_factory=lambda: OptOutConfig(),
        description="Opted-out conversations ('don't store this conversation', or every "
        "conversation of a channel): kept in process memory for their session only.",
    )

    @validator("subject_types", each_item=True)
    def _check_subject_type(cls, value: str) -> str:
        if value not in PIIConfig.ENTITY_TYPES:
            msg = (
                f"unknown PII type {value!r}; use one of {', '.join(PIIConfig.ENTITY_TYPES)}, "
                "e.g.\n  privacy:\n    subject_types: [email]"
            )
            raise ValueError(msg)
        return value

    @validator("purge_every_hours")
    def _check_purge_schedule(cls, value: Optional[float], values: dict) -> Optional[float]:
        if value is not None and values.get("retention_days") is None:
            msg = (
                "needs privacy.retention_days (what the purge deletes past), e.g.\n  privacy:\n"
                "    retention_days: 180\n    purge_every_hours: 24"
            )
            raise ValueError(msg)
        return value

    @validator("jurisdiction")
    def _check_jurisdiction(cls, value: str) -> str:
        if value not in JURISDICTIONS:
            msg = "must be 'gdpr' or 'ccpa', e.g.\n  privacy:\n    jurisdiction: gdpr"
            raise ValueError(msg)
        return value
