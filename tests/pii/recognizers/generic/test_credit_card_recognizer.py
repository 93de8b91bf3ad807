"""CreditCardRecognizer."""

from __future__ import annotations

import pytest

from rasa_ethics.pii.recognizers.generic import CreditCardRecognizer
from tests.pii.table import check_table


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
            # misses
            ("4111111111111112", 0, ()),
            ("4444 4444 4444 4444", 0, ()),
            ("1234567812345670", 0, ()),
            ("order 411111111111111111111111111", 0, ()),
            ("41111111", 0, ()),
        ],
    )
    def test_table(self, detect, text, expected_len, expected):
        """Each row: the number of cards found and their offsets."""
        check_table(detect, CreditCardRecognizer(), text, expected_len, expected)
