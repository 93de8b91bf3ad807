"""UK postcodes: upper-case ones stand alone, any-case ones need context."""

from __future__ import annotations

from typing import ClassVar

from rasa_ethics.pii.recognizer import Pattern, PatternRecognizer

__all__ = ["UkPostcodeRecognizer"]

_OUTWARD = r"(?:[A-PR-UWYZ][A-HK-Y]?\d[A-HJKMNPR-Y\d]?)"
_INWARD = r"\d[ABD-HJLNP-UW-Z]{2}"


class UkPostcodeRecognizer(PatternRecognizer):
    """``SW1A 1AA``, ``NW1 6XE``, ``M1 1AE`` (the outward code letters follow Royal Mail rules)."""

    ENTITY = "address"
    PRECHECK = r"\d"
    FLAGS = 0
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("postcode", rf"(?<![\w-]){_OUTWARD}[ -]?{_INWARD}(?![\w-])", 0.55),
        Pattern("postcode_any_case", rf"(?i)(?<![\w-]){_OUTWARD}[ -]?{_INWARD}(?![\w-])", 0.15),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = ("postcode", "post code", "postal code", "zip")
    CONTEXT_BOOST = 0.45
