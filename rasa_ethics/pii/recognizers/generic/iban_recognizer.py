"""International Bank Account Numbers, checked with ``stdnum.iban`` (mod-97 and country length).

Right after the word "iban", an IBAN-shaped value counts even when its checksum fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from stdnum import iban

from rasa_ethics.pii.recognizer import Pattern, PatternRecognizer

__all__ = ["IbanRecognizer"]


class IbanRecognizer(PatternRecognizer):
    """Country code, two check digits and up to 30 characters, grouped by spaces or dashes."""

    ENTITY = "iban"
    PRECHECK = r"\d"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("iban", r"(?<![\w-])[a-z]{2}\d{2}(?:[ -]?[a-z0-9]){11,30}", 0.3),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = ("iban", "bank account", "account number", "transfer")

    def candidates(self, text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
        """The longest valid prefix ending at a group break (more digits may follow)."""
        value = text[start:end]
        cuts = [i for i in range(len(value) - 1, 14, -1) if value[i] in " -"]
        if end == len(text) or not text[end].isalnum():
            cuts.insert(0, len(value))
        for cut in cuts:
            if iban.is_valid(value[:cut]):
                yield start, start + cut
                return
        if cuts and self.context_word(text, start, end) == "iban":
            yield start, start + cuts[0]  # a mistyped IBAN still leaks the account

    def validate_result(self, value: str) -> bool | None:
        """Valid IBANs are certain; others only got here after the word "iban"."""
        return True if iban.is_valid(value) else None
