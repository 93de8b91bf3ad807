"""US Social Security Numbers."""

from __future__ import annotations

from typing import ClassVar

from rasa_ethics.pii.recognizer import Pattern, PatternRecognizer

__all__ = ["UsSsnRecognizer"]


class UsSsnRecognizer(PatternRecognizer):
    """``AAA-GG-SSSS`` or ``AAA GG SSSS``, or nine digits with context."""

    ENTITY = "us_ssn"
    PRECHECK = r"\d"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("ssn_grouped", r"(?<![\w-])\d{3}[ -]\d{2}[ -]\d{4}(?!\w|-\d)", 0.6),
        Pattern("ssn_digits", r"(?<![\w-])\d{9}(?!\w|-\d)", 0.2),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = (
        "ssn", "ss#", "ss #", "social security", "social security number", "social", "ssn#",
        "taxpayer", "tin", "credit check", "identity",
    )

    def invalidate_result(self, value: str) -> bool:
        """Area 000, 666 or 9xx, group 00, serial 0000 or one repeated digit: never issued."""
        digits = value.replace("-", "").replace(" ", "")
        area, group, serial = digits[:3], digits[3:5], digits[5:]
        return (
            area in ("000", "666")
            or area[0] == "9"
            or group == "00"
            or serial == "0000"
            or len(set(digits)) == 1
            or digits in ("123456789", "987654321")
        )
