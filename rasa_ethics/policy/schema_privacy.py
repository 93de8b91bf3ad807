"""Policy schema: the privacy section (what leaves the machine, and the customers' rights).

Rights requests (erasure, export, opt-out) get a legal deadline from ``jurisdiction``: GDPR
Art. 12(3) gives one month from receipt, CCPA §1798.130 gives 45 days.  ``retention_days`` is
what ``rasa-ethics privacy purge`` deletes past; unset, purge refuses to run rather than guess.
"""

# pydantic's mypy plugin does not run under the pinned mypy, so mypy cannot see Field() defaults.
# mypy: disable-error-code="call-arg"
from __future__ import annotations

from typing import List, Optional

from pydantic import Field, validator

from rasa_ethics.policy._section import Section
from rasa_ethics.policy.schema_pii import PIIConfig

__all__ = ["JURISDICTIONS", "PrivacyConfig"]

#: Jurisdiction → how long an organisation has to answer a request.
JURISDICTIONS = ("gdpr", "ccpa")


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

    @validator("subject_types", each_item=True)
    def _check_subject_type(cls, value: str) -> str:
        if value not in PIIConfig.ENTITY_TYPES:
            msg = (
                f"unknown PII type {value!r}; use one of {', '.join(PIIConfig.ENTITY_TYPES)}, "
                "e.g.\n  privacy:\n    subject_types: [email]"
            )
            raise ValueError(msg)
        return value

    @validator("jurisdiction")
    def _check_jurisdiction(cls, value: str) -> str:
        if value not in JURISDICTIONS:
            msg = "must be 'gdpr' or 'ccpa', e.g.\n  privacy:\n    jurisdiction: gdpr"
            raise ValueError(msg)
        return value
