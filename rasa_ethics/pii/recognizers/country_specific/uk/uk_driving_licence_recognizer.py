"""UK (DVLA) driving licence numbers, whose 16-character layout needs no context."""

from __future__ import annotations

from typing import ClassVar

from rasa_ethics.pii.recognizer import Pattern, PatternRecognizer

__all__ = ["UkDrivingLicenceRecognizer"]


class UkDrivingLicenceRecognizer(PatternRecognizer):
    """Surname (5, 9-padded), decade, month (+50 for women), day, year, initials, checks."""

    ENTITY = "drivers_license"
    PRECHECK = r"\d"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern(
            "dvla",
            r"(?<![\w-])[a-z9]{5}\d[0156]\d[0-3]\d\d[a-z9]{2}\d[a-z]{2}(?:[ -]?\d{2})?(?![\w-])",
            0.6,
        ),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = ("driving licence", "driving license", "licence", "dvla")

    def validate_result(self, value: str) -> bool | None:
        """Day 01-31 and month 01-12 (or 51-62) must be possible."""
        month, day = int(value[6:8]), int(value[8:10])
        month = month - 50 if month > 50 else month
        return None if 1 <= month <= 12 and 1 <= day <= 31 else False
