"""Payment card numbers of every scheme: 12 to 19 digits, Luhn as a certainty, not a gate.

A Luhn-valid number with a card scheme's prefix is a card (score 1.0).  Next to a word such as
"card" or "visa", a number in card grouping with a scheme prefix is a card even when the
checksum fails: a mistyped card still leaks fifteen real digits.  Groups may be separated by
spaces, dashes, dots or slashes (``4111.1111.1111.1111``, ``4111/1111/1111/1111``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from stdnum import luhn

from rasa_ethics.pii.recognizer import Pattern, PatternRecognizer

__all__ = ["CreditCardRecognizer", "card_scheme"]

_SEPARATOR = re.compile("[ ./-]")
# Issuer prefixes (ISO/IEC 7812 IINs as the schemes publish them) and the lengths they issue.
_SCHEMES = (
    ("Visa", re.compile(r"4"), (13, 16, 19)),
    ("Mastercard", re.compile(r"5[1-5]|2(?:2[2-9]|[3-6]\d|7[01]|720)"), (16,)),
    ("American Express", re.compile(r"3[47]"), (15,)),
    ("Diners Club", re.compile(r"3(?:0[0-5]|09|6|8|9)"), (14, 15, 16, 17, 18, 19)),
    ("JCB", re.compile(r"35|2131|1800"), (15, 16, 17, 18, 19)),
    ("Discover", re.compile(r"6(?:011|4[4-9]|5)"), (16, 17, 18, 19)),
    ("UnionPay", re.compile(r"62|81"), (16, 17, 18, 19)),
    ("Maestro", re.compile(r"5[06-9]|6\d"), tuple(range(12, 20))),
    ("Mir", re.compile(r"220[0-4]"), (16, 17, 18, 19)),
    ("RuPay", re.compile(r"60|65|81|82|508"), (16,)),
)


def card_scheme(digits: str, any_length: bool = False) -> str | None:
    """The card scheme whose prefix (and, unless ``any_length``, length) ``digits`` has."""
    for name, prefix, lengths in _SCHEMES:
        if (any_length or len(digits) in lengths) and prefix.match(digits):
            return name
    return None


class CreditCardRecognizer(PatternRecognizer):
    """Card numbers in any grouping: Luhn-valid ones anywhere, mistyped ones in card context."""

    ENTITY = "credit_card"
    PRECHECK = r"\d"
    # The normaliser turns every space/dash run between digits into one " " or "-".
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("card", r"(?<![\w./-])\d(?:[ ./-]?\d){11,40}(?!\w|[./-]\d)", 0.3),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = (
        "card", "credit", "debit", "visa", "mastercard", "amex", "american express", "discover",
        "card number", "cc", "maestro", "jcb", "unionpay", "union pay", "diners", "mir", "rupay",
        "cartão", "tarjeta", "carte", "karte", "kaart", "karta", "carta",
    )
    MIN_DIGITS: ClassVar[int] = 12
    MAX_DIGITS: ClassVar[int] = 19

    def candidates(self, text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
        """Every card in a run of digit groups, longest first (a CVV or a card may follow)."""
        value = text[start:end]
        in_context = self.context_word(text, start, end) is not None
        cuts = [0, *(i + 1 for i, c in enumerate(value) if c in " ./-")]  # where groups start
        ends = [*(i for i, c in enumerate(value) if c in " ./-"), len(value)]  # where they end
        index = 0
        while index < len(cuts):
            first = cuts[index]
            last = self._longest_card(value, first, ends, in_context)
            if last is None:
                index += 1
                continue
            yield start + first, start + last
            index = next((i for i, cut in enumerate(cuts) if cut > last), len(cuts))

    def _longest_card(
        self, value: str, first: int, ends: list[int], in_context: bool
    ) -> int | None:
        for last in reversed(ends):
            if last <= first:
                return None
            groups = _SEPARATOR.split(value[first:last])
            digits = "".join(groups)
            if len(digits) < self.MIN_DIGITS:
                return None
            if len(digits) > self.MAX_DIGITS:
                continue
            if not _card_grouping(groups):
                # "card 4111 11 11 1111 1111": odd grouping, but the whole run, said to be a card
                whole = first == 0 and last == len(value) and all(2 <= len(g) <= 6 for g in groups)
                if in_context and whole and card_scheme(digits) and luhn.is_valid(digits):
                    return last
                continue
            if card_scheme(digits) and luhn.is_valid(digits):
                return last
            long_enough = len(digits) >= 13 or card_scheme(digits) is not None  # Maestro: 12
            if in_context and long_enough and _mistyped_card(digits, groups):
                return last
        return None

    def validate_result(self, value: str) -> bool | None:
        """Luhn-valid numbers are cards; others only got here with card context."""
        return True if luhn.is_valid(_SEPARATOR.sub("", value)) else None

    def invalidate_result(self, value: str) -> bool:
        """One repeated digit (``4444 4444 ...``) is a placeholder, not a card."""
        return len(set(_SEPARATOR.sub("", value))) == 1


def _mistyped_card(digits: str, groups: list[str]) -> bool:
    """A scheme's prefix, or written in fours: next to "card", a mistyped card still leaks."""
    fours = len(groups) >= 3 and all(len(g) == 4 for g in groups[:-1])
    return card_scheme(digits, any_length=True) is not None or fours


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
        or sizes in ([4, 6, 5], [4, 6, 4], [6, 13])
    )
