"""Payment card numbers: 13 to 19 digits with a valid Luhn checksum."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from stdnum import luhn

from rasa_ethics.pii.recognizer import Pattern, PatternRecognizer

__all__ = ["CreditCardRecognizer"]

_SEPARATOR = re.compile("[ -]")


class CreditCardRecognizer(PatternRecognizer):
    """Card numbers in any grouping; the Luhn checksum decides (score 1.0 or rejected)."""

    ENTITY = "credit_card"
    PRECHECK = r"\d"
    # The normaliser turns every space/dash run between digits into one " " or "-".
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("card", r"(?<![\w-])\d(?:[ -]?\d){12,40}(?!\w|-\d)", 0.3),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = (
        "card", "credit", "debit", "visa", "mastercard", "amex", "american express", "discover",
        "card number", "cc",
    )
    MIN_DIGITS: ClassVar[int] = 13
    MAX_DIGITS: ClassVar[int] = 19

    def candidates(self, text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
        """Every card in a run of digit groups, longest first (a CVV or a card may follow)."""
        value = text[start:end]
        cuts = [0, *(i + 1 for i, c in enumerate(value) if c in " -")]  # where groups start
        ends = [*(i for i, c in enumerate(value) if c in " -"), len(value)]  # where groups end
        index = 0
        while index < len(cuts):
            first = cuts[index]
            last = self._longest_card(value, first, ends)
            if last is None:
                index += 1
                continue
            yield start + first, start + last
            index = next((i for i, cut in enumerate(cuts) if cut > last), len(cuts))

    def _longest_card(self, value: str, first: int, ends: list[int]) -> int | None:
        if value[first] not in "23456":  # Mastercard/Mir 2, Amex/Diners/JCB 3, Visa 4, 5, 6
            return None
        for last in reversed(ends):
            groups = _SEPARATOR.split(value[first:last])
            digits = "".join(groups)
            if len(digits) < self.MIN_DIGITS:
                return None
            if len(digits) <= self.MAX_DIGITS and _card_grouping(groups) and luhn.is_valid(digits):
                return last
        return None

    def validate_result(self, value: str) -> bool | None:
        """Luhn-valid numbers are cards (candidates were already checked)."""
        return True

    def invalidate_result(self, value: str) -> bool:
        """One repeated digit (``4444 4444 ...``) is a placeholder, not a card."""
        return len(set(_SEPARATOR.sub("", value))) == 1


def _card_grouping(groups: list[str]) -> bool:
    """Unbroken, one digit at a time, fours (last group shorter), or Amex-style 4-6-5 / 4-6-4.

    Anything else ("1234 5698 7654 32 4111") is digits of several values run together, and a
    Luhn check alone would accept one window in ten.
    """
    sizes = [len(g) for g in groups]
    return (
        len(sizes) == 1
        or set(sizes) == {1}
        or (set(sizes[:-1]) == {4} and 1 <= sizes[-1] <= 4)
        or sizes in ([4, 6, 5], [4, 6, 4])
    )
