"""Policy schema: the pii section (what is detected and how it is redacted)."""

# pydantic's mypy plugin does not run under the pinned mypy, so mypy cannot see Field() defaults.
# mypy: disable-error-code="call-arg"
from __future__ import annotations

from enum import Enum
from typing import ClassVar, Dict, List, Optional, Tuple

from pydantic import Field, validator

from rasa_ethics.policy._section import Section, phrases

__all__ = ["Operator", "PIIConfig", "PIIEntityRule"]


class Operator(str, Enum):
    """What happens to a detected value."""

    replace = "replace"  # type: ignore[assignment]  # shadows str.replace; the YAML word
    mask = "mask"
    hash = "hash"
    drop = "drop"


class PIIEntityRule(Section):
    """How one PII type is handled."""

    enabled: bool = Field(True, description="Detect this type.")
    operator: Operator = Field(
        Operator.replace,
        description="replace: <EMAIL>; mask: ****; hash: keyed HMAC token; drop: remove the value.",
    )
    threshold: Optional[float] = Field(
        None,
        ge=0.0,
        le=1.0,
        description="Lowest detection score (0-1) that redacts this type; unset: 0.5. Lower it to "
        "redact more (e.g. single first names score 0.55, lone surnames 0.4), raise it to redact "
        "only near-certain values (checksums and cue phrases score 0.8-1.0).",
    )


class PIIConfig(Section):
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
        "date_of_birth, passport, drivers_license, address, person, national_id, bank_account). "
        "Unlisted types use replace.",
    )
    allow_list: List[str] = phrases("Values never redacted, e.g. the shop's own support address.")
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
        "national_id",
        "bank_account",
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
