"""UK National Insurance numbers."""

from __future__ import annotations

from typing import ClassVar

from rasa_ethics.pii.recognizer import Pattern, PatternRecognizer

__all__ = ["UkNinoRecognizer"]

_FIRST = "A-CEGHJ-PR-TW-Z"
_SECOND = "A-CEGHJ-NPR-TW-Z"


class UkNinoRecognizer(PatternRecognizer):
    """Two prefix letters, six digits (grouped or not) and a suffix A-D, e.g. ``QQ 12 34 56 C``."""

    ENTITY = "uk_nino"
    PRECHECK = r"\d"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern(
            "nino",
            rf"(?<![\w-])[{_FIRST}][{_SECOND}]"
            rf"[ -]?\d{{2}}[ -]?\d{{2}}[ -]?\d{{2}}[ -]?[A-D](?![\w-])",
            0.7,
        ),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = (
        "national insurance", "ni number", "nino", "ni no", "insurance number", "nin",
    )

    def invalidate_result(self, value: str) -> bool:
        """Prefixes BG, GB, KN, NK, NT, TN and ZZ are never allocated."""
        return value[:2].upper() in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
