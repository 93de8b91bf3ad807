"""All predefined recognizers, and which of them serve each PII type of the policy."""

from __future__ import annotations

from rasa_ethics.pii.recognizer import Recognizer
from rasa_ethics.pii.recognizers.country_specific.uk import (
    UkDrivingLicenceRecognizer,
    UkNinoRecognizer,
    UkPostcodeRecognizer,
)
from rasa_ethics.pii.recognizers.country_specific.us import UsSsnRecognizer, UsZipRecognizer
from rasa_ethics.pii.recognizers.generic import (
    BankAccountRecognizer,
    CreditCardRecognizer,
    DateOfBirthRecognizer,
    DriversLicenseRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    InternationalAddressRecognizer,
    IpRecognizer,
    NationalIdRecognizer,
    PassportRecognizer,
    PersonRecognizer,
    PhoneRecognizer,
    StreetAddressRecognizer,
)
from rasa_ethics.policy.schema import PIIConfig

__all__ = ["RECOGNIZERS", "build_recognizers"]

# PII type (the keys of `pii.entities` in the policy) -> recognizers that find it.
RECOGNIZERS: dict[str, tuple[type[Recognizer], ...]] = {
    "email": (EmailRecognizer,),
    "phone": (PhoneRecognizer,),
    "credit_card": (CreditCardRecognizer,),
    "iban": (IbanRecognizer,),
    "us_ssn": (UsSsnRecognizer,),
    "uk_nino": (UkNinoRecognizer,),
    "ip_address": (IpRecognizer,),
    "date_of_birth": (DateOfBirthRecognizer,),
    "passport": (PassportRecognizer,),
    "national_id": (NationalIdRecognizer,),
    "bank_account": (BankAccountRecognizer,),
    "drivers_license": (DriversLicenseRecognizer, UkDrivingLicenceRecognizer),
    "address": (
        StreetAddressRecognizer,
        InternationalAddressRecognizer,
        UsZipRecognizer,
        UkPostcodeRecognizer,
    ),
    "person": (PersonRecognizer,),
}


def build_recognizers(config: PIIConfig) -> list[Recognizer]:
    """One instance of every recognizer whose type the policy leaves enabled."""
    recognizers: list[Recognizer] = []
    for entity, classes in RECOGNIZERS.items():
        rule = config.entities.get(entity)
        if rule is not None and not rule.enabled:
            continue
        for cls in classes:
            if cls is PhoneRecognizer:
                recognizers.append(PhoneRecognizer(config.phone_regions))
            else:
                recognizers.append(cls())
    return recognizers
