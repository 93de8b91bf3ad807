"""US ZIP codes, only with context (five digits alone are too common)."""

from __future__ import annotations

from typing import ClassVar

from rasa_ethics.pii.recognizer import Pattern, PatternRecognizer

__all__ = ["UsZipRecognizer"]


class UsZipRecognizer(PatternRecognizer):
    """``62704`` or ``62704-1234`` next to "zip", "zip code" or "postal code"."""

    ENTITY = "address"
    PRECHECK = r"\d"
    CONTEXT_REQUIRED = True
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("zip", r"(?<![\w-])\d{5}(?:-\d{4})?(?!\w|-\d)", 0.1),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = ("zip", "zip code", "zipcode", "postal code", "post code")
    CONTEXT_BOOST = 0.5
    CONTEXT_BEFORE = 24
    CONTEXT_AFTER = 0
