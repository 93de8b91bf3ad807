"""Driver's licence numbers, only next to words such as "driver's license" or "DL"."""

from __future__ import annotations

from typing import ClassVar

from rasa_ethics.pii.recognizer import Pattern, PatternRecognizer

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

    def validate_result(self, value: str) -> bool | None:
        """A licence number carries at least four digits."""
        return None if sum(c.isdigit() for c in value) >= 4 else False
