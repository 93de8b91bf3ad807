"""Recognizers that work for any country."""

from rasa_ethics.pii.recognizers.generic.bank_account_recognizer import BankAccountRecognizer
from rasa_ethics.pii.recognizers.generic.credit_card_recognizer import CreditCardRecognizer
from rasa_ethics.pii.recognizers.generic.date_of_birth_recognizer import DateOfBirthRecognizer
from rasa_ethics.pii.recognizers.generic.drivers_license_recognizer import DriversLicenseRecognizer
from rasa_ethics.pii.recognizers.generic.email_recognizer import EmailRecognizer
from rasa_ethics.pii.recognizers.generic.iban_recognizer import IbanRecognizer
from rasa_ethics.pii.recognizers.generic.international_address_recognizer import (
    InternationalAddressRecognizer,
)
from rasa_ethics.pii.recognizers.generic.ip_recognizer import IpRecognizer
from rasa_ethics.pii.recognizers.generic.national_id_recognizer import NationalIdRecognizer
from rasa_ethics.pii.recognizers.generic.passport_recognizer import PassportRecognizer
from rasa_ethics.pii.recognizers.generic.person_recognizer import PersonRecognizer
from rasa_ethics.pii.recognizers.generic.phone_recognizer import PhoneRecognizer
from rasa_ethics.pii.recognizers.generic.street_address_recognizer import StreetAddressRecognizer

__all__ = [
    "BankAccountRecognizer",
    "CreditCardRecognizer",
    "DateOfBirthRecognizer",
    "DriversLicenseRecognizer",
    "EmailRecognizer",
    "IbanRecognizer",
    "InternationalAddressRecognizer",
    "IpRecognizer",
    "NationalIdRecognizer",
    "PassportRecognizer",
    "PersonRecognizer",
    "PhoneRecognizer",
    "StreetAddressRecognizer",
]
