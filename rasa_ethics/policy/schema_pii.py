"""Policy schema: the pii section (what is detected and how it is redacted)."""

# pydantic's mypy plugin does not run under the pinned mypy, so mypy cannot see Field() defaults.
# mypy: disable-error-code="call-arg"
from __future__ import annotations

from enum import Enum
from typing import ClassVar, Dict, List, Optional, Tuple

from pydantic import Field, validator

from rasa_ethics.policy._section import Section, phrases

__all__ = ["DEFAULT_CONTEXT_SLOTS", "Operator", "PIIConfig", "PIIContextConfig", "PIIEntityRule"]


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


#: PII type of the answer to a form's question for a slot of this name (the reply to "What's the
#: name on the account?" for slot ``name`` is a person's name).
_CONTEXT_SLOT_NAMES = {
    "person": "name full_name first_name last_name surname given_name family_name customer_name "
    "account_name account_holder name_on_account cardholder_name contact_name recipient_name",
    "email": "email email_address e_mail contact_email",
    "phone": "phone phone_number mobile mobile_number telephone contact_phone",
    "address": "address street_address delivery_address shipping_address billing_address "
    "home_address postal_address new_address",
    "credit_card": "credit_card card_number credit_card_number",
    "iban": "iban",
    "date_of_birth": "date_of_birth dob birth_date birthday",
    "us_ssn": "ssn social_security_number",
    "national_id": "national_id national_id_number id_number",
    "passport": "passport passport_number",
    "drivers_license": "drivers_license driving_licence license_number",
    "bank_account": "bank_account bank_account_number",
}
DEFAULT_CONTEXT_SLOTS: Dict[str, str] = {
    slot: kind for kind, names in _CONTEXT_SLOT_NAMES.items() for slot in names.split()
}


class PIIContextConfig(Section):
    """The conversation as evidence: what the bot just asked for is what the reply holds."""

    enabled: bool = Field(
        True,
        description="Read a reply as the answer to the bot's question: the reply to the form's "
        "question for slot `name` (or to a response listed below) is searched for a name even "
        "without a cue phrase, and that type's threshold drops.",
    )
    slots: Dict[str, Optional[str]] = Field(
        default_factory=dict,
        description="Slot name -> PII type of its answer, merged over the defaults (name, "
        "full_name: person; email; phone, phone_number; address, delivery_address: address; "
        "...). `my_slot: null` removes a default.",
    )
    responses: Dict[str, Optional[str]] = Field(
        default_factory=dict,
        description="Response name -> PII type of the answer to it, for questions no form slot "
        "stands for, e.g. `utter_ask_callback: phone`. `utter_ask_<slot>` and "
        "`utter_ask_<form>_<slot>` follow the slot's type without being listed.",
    )

    @validator("slots", "responses")
    def _check_types(cls, value: Dict[str, Optional[str]]) -> Dict[str, Optional[str]]:
        for name, kind in value.items():
            if kind is not None and kind not in PIIConfig.ENTITY_TYPES:
                msg = (
                    f"unknown PII type {kind!r} for {name!r}; use one of "
                    f"{', '.join(PIIConfig.ENTITY_TYPES)}, e.g.\n"
                    f"  pii:\n    context:\n      slots:\n        {name}: person"
                )
                raise ValueError(msg)
        return value

    def slot_types(self) -> Dict[str, str]:
        """Slot name -> PII type: the defaults with this policy's entries applied."""
        merged: Dict[str, Optional[str]] = {**DEFAULT_CONTEXT_SLOTS, **self.slots}
        return {name: kind for name, kind in merged.items() if kind is not None}


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
    allow_list: List[str] = phrases(
        "Values never redacted, e.g. the shop's own support address. The bot's own words need no "
        "entry: the names in its domain (intents, slots, actions, ...) and the values in the "
        "designers' texts (its brand in the responses and the policy's texts) are never redacted."
    )
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
    context: PIIContextConfig = Field(
        default_factory=lambda: PIIContextConfig(),
        description="What the bot just asked for tells what the reply holds.",
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
