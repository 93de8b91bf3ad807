"""United States identifiers."""

from rasa_ethics.pii.recognizers.country_specific.us.us_ssn_recognizer import UsSsnRecognizer
from rasa_ethics.pii.recognizers.country_specific.us.us_zip_recognizer import UsZipRecognizer

__all__ = ["UsSsnRecognizer", "UsZipRecognizer"]
