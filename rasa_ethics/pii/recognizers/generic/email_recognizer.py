"""E-mail addresses (obfuscated forms are rewritten by the normaliser first)."""

from __future__ import annotations

from typing import ClassVar

from rasa_ethics.pii.recognizer import Pattern, PatternRecognizer

__all__ = ["EmailRecognizer"]


class EmailRecognizer(PatternRecognizer):
    """``local@domain.tld`` with a plausible local part and an alphabetic top-level domain."""

    ENTITY = "email"
    PRECHECK = "@"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern(
            "email",
            r"(?<![\w.%+-])(?P<value>[a-z0-9_%+-][a-z0-9._%+-]{0,63}@"
            r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,8}[a-z]{2,24})(?![\w-])",
            0.9,
        ),
    )

    def validate_result(self, value: str) -> bool | None:
        """Reject local parts with empty dot-separated atoms (``a..b@``, ``a.@``)."""
        local = value.split("@", 1)[0]
        return "" not in local.split(".")
