"""Passport numbers: 6-9 letters and digits, only next to the word "passport"."""

from __future__ import annotations

from typing import ClassVar

from rasa_ethics.pii.recognizer import Pattern, PatternRecognizer

__all__ = ["PassportRecognizer"]


class PassportRecognizer(PatternRecognizer):
    """US (``C12345678``, ``123456789``), UK (``123456789``) and most ICAO 9303 document numbers."""

    ENTITY = "passport"
    PRECHECK = r"\d"
    CONTEXT_REQUIRED = True
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("passport", r"(?<![\w-])[a-z]{0,2}\d{6,9}[a-z]?(?![\w-])", 0.1),
        Pattern("passport_mixed", r"(?<![\w-])(?=[a-z0-9]{0,8}\d)[a-z0-9]{6,9}(?![\w-])", 0.05),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = (
        "passport", "passport number", "passport no", "travel document",
    )
    CONTEXT_BOOST = 0.55
    CONTEXT_BEFORE = 40

    def validate_result(self, value: str) -> bool | None:
        """A passport number carries at least five digits."""
        return None if sum(c.isdigit() for c in value) >= 5 else False
