"""CreditCardRecognizer."""

from __future__ import annotations

import pytest

from rasa_ethics.pii.recognizers.generic import CreditCardRecognizer
from tests.pii.table import check_table, row


class TestCreditCardRecognizer:
    """Luhn-valid numbers in any grouping are cards; everything else is not."""

    @pytest.mark.parametrize(
        "text, expected_len, expected",
        [
            ("4111111111111111", 1, ((0, 16),)),
            ("card 4111 1111 1111 1111 thanks", 1, ((5, 24),)),
            ("4111-1111-1111-1111", 1, ((0, 19),)),
            ("4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1", 1, ((0, 31),)),
            ("3782 822463 10005", 1, ((0, 17),)),
            ("5500 0000 0000 0004 cvv 123", 1, ((0, 19),)),
            ("4111 1111 1111 1111 123", 1, ((0, 19),)),
            ("４１１１１１１１１１１１１１１１", 1, ((0, 16),)),
            # other schemes and lengths: Maestro 12 and 15, UnionPay 19, JCB 1800 and 2131
            row("my maestro 5018 1152 4492", "5018 1152 4492"),
            row("card 6304 8790 1234 564", "6304 8790 1234 564"),
            row("6212 3456 7890 1234 569", "6212 3456 7890 1234 569"),
            row("jcb 1800 1234 5678 9015", "1800 1234 5678 9015"),
            row("2131 9092 6685 878", "2131 9092 6685 878"),
            # dots and slashes between the groups
            row("4111.1111.1111.1111", "4111.1111.1111.1111"),
            row("4111/1111/1111/1111", "4111/1111/1111/1111"),
            # a mistyped card (Luhn fails) next to the word "card" is still a card
            row("card number 4539 1488 0343 6468", "4539 1488 0343 6468"),
            row("crad number 4539 1488 0343 6468", "4539 1488 0343 6468"),
            # even with its first digits mistyped, written in fours after "card number"
            row("card number 0592-4838-1739-7538", "0592-4838-1739-7538"),
            # a mistyped 12-digit Maestro number next to "card"
            row("the card is 6761 0042 9913, it was declined", "6761 0042 9913"),
            # misses
            ("4111111111111112", 0, ()),
            ("4444 4444 4444 4444", 0, ()),
            ("1234567812345670", 0, ()),
            ("order 411111111111111111111111111", 0, ()),
            ("4539 1488 0343 6468", 0, ()),
            ("card ending in 6467, code 9999 1488", 0, ()),
            ("ref 4539-1488-0343-6468-9988", 0, ()),
            ("192.168.100.200", 0, ()),
            ("41111111", 0, ()),
        ],
    )
    def test_table(self, detect, text, expected_len, expected):
        """Each row: the number of cards found and their offsets."""
        check_table(detect, CreditCardRecognizer(), text, expected_len, expected)
