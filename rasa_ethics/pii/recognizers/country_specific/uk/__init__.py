"""United Kingdom identifiers."""

from rasa_ethics.pii.recognizers.country_specific.uk.uk_driving_licence_recognizer import (
    UkDrivingLicenceRecognizer,
)
from rasa_ethics.pii.recognizers.country_specific.uk.uk_nino_recognizer import UkNinoRecognizer
from rasa_ethics.pii.recognizers.country_specific.uk.uk_postcode_recognizer import (
    UkPostcodeRecognizer,
)

__all__ = ["UkDrivingLicenceRecognizer", "UkNinoRecognizer", "UkPostcodeRecognizer"]
