"""Driver's licence numbers, only next to words such as "driver's license" or "DL".

Besides the US state formats, any value right after the cue counts, spaces inside included
("DL number B 7R 552 10", "licence ZG 856900").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rasa_ethics.pii.cue_values import cue_regex, cue_values
from rasa_ethics.pii.recognizer import NerEntity, Pattern, PatternRecognizer
from rasa_ethics.pii.spans import Span

__all__ = ["DriversLicenseRecognizer"]


class DriversLicenseRecognizer(PatternRecognizer):
    """The US state formats (1-2 letters and 4-14 digits, or 7-13 digits, dashes allowed)."""

    ENTITY = "drivers_license"
    PRECHECK = r"\d"
    CONTEXT_REQUIRED = True
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("license", r"(?<![\w-])[a-z]{0,3}\d(?:-?\d){3,15}[a-z]{0,2}(?![\w-])", 0.1),
        Pattern("license_mixed", r"(?<![\w-])(?=[a-z0-9]{0,11}\d)[a-z0-9*]{6,16}(?![\w-])", 0.05),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = (
        "driver's license", "drivers license", "driver license", "driver's licence",
        "drivers licence", "driving licence", "driving license", "licence number",
        "license number", "licence no", "license no", "license #", "dl", "dl#", "dln", "licence",
        "license",
    )
    CONTEXT_BOOST = 0.55
    CONTEXT_BEFORE = 40

    CUE_SCORE: ClassVar[float] = 0.8
    _cues = cue_regex(
        (
            *CONTEXT, "permis de conduire", "führerschein", "fuhrerschein", "rijbewijs",
            "prawo jazdy", "patente", "carnet de conducir", "licencia de conducir",
            "carteira de motorista",
        )
    )

    def analyze(self, text: str, entities: Sequence[NerEntity] = ()) -> list[Span]:
        """The state formats near a cue, and whatever value directly follows one."""
        spans = super().analyze(text, entities)
        if self._precheck is None or self._precheck.search(text):
            spans += [
                Span(start, end, self.ENTITY, self.CUE_SCORE, self.name, f"value after '{cue}'")
                for start, end, cue in cue_values(text, self._cues, min_digits=4, max_digits=16)
            ]
        return spans

    def validate_result(self, value: str) -> bool | None:
        """A licence number carries at least four digits."""
        return None if sum(c.isdigit() for c in value) >= 4 else False
