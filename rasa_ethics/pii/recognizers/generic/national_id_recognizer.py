"""National identity and tax numbers of any country, identified by the phrase before them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from rasa_ethics.pii.cue_values import cue_regex, cue_values
from rasa_ethics.pii.recognizer import NerEntity, Recognizer
from rasa_ethics.pii.spans import Span

_DIGIT = re.compile(r"\d")

__all__ = ["NationalIdRecognizer"]


class NationalIdRecognizer(Recognizer):
    """``my national ID is 318774025``, ``PESEL 03282515006``, ``codice fiscale TMBGNL44D62C329W``.

    Formats differ by country (digits, letters and digits, check characters), so the cue
    phrase decides: a value of 5 to 20 digits (letters allowed) right after it.
    """

    ENTITY = "national_id"
    CUES: ClassVar[tuple[str, ...]] = (
        "national id", "national identity", "national identification", "national insurance",
        "id number", "id no", "id #", "identity number", "identification number",
        "personal number", "personal id", "personal identification", "personal code",
        "citizen id", "citizen number", "tax id", "tax number", "tax code", "tax identification",
        "taxpayer id", "tin", "vat number", "pesel", "bsn", "nif", "nie", "dni", "codice fiscale",
        "fiscal code", "personnummer", "cpr", "insee", "sin", "social insurance", "aadhaar",
        "aadhar", "pan", "nric", "curp", "rfc", "cpf", "rut", "hetu", "id card", "identity card",
        "egn", "oib", "jmbg", "emšo", "emso", "amka", "afm", "kimlik", "tc kimlik", "cnp",
        "social security", "steuer-id", "steueridentifikationsnummer", "isikukood", "asmens kodas",
        "personas kods", "rodné číslo", "rodne cislo", "kennitala", "fødselsnummer", "my id",
        "passport or id", "identity document", "dni number", "ine", "ife", "cédula", "cedula",
    )
    SCORE: ClassVar[float] = 0.8
    MIN_DIGITS: ClassVar[int] = 5

    def __init__(self) -> None:
        self._cues = cue_regex(self.CUES)

    def analyze(self, text: str, entities: Sequence[NerEntity] = ()) -> list[Span]:
        """The value after each cue phrase."""
        if _DIGIT.search(text) is None:  # every value holds digits: skip the cue scan
            return []
        return [
            Span(start, end, self.ENTITY, self.SCORE, self.name, f"value after '{cue}'")
            for start, end, cue in cue_values(text, self._cues, self.MIN_DIGITS, max_digits=20)
        ]
