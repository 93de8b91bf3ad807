"""PassportRecognizer."""

from __future__ import annotations

import pytest

from rasa_ethics.pii.recognizers.generic import PassportRecognizer
from tests.pii.table import check_table


class TestPassportRecognizer:
    """Document numbers count only next to the word passport."""

    @pytest.mark.parametrize(
        "text, expected_len, expected",
        [
            ("my passport number is 123456789", 1, ((22, 31),)),
            ("Passport C12345678, expires 2030", 1, ((9, 18),)),
            ("passport no. AB1234567", 1, ((13, 22),)),
            ("passport: 5X12A3456", 1, ((10, 19),)),
            # misses
            ("order 123456789", 0, ()),
            ("my passport expired", 0, ()),
            ("passport: ABCDEFG", 0, ()),
        ],
    )
    def test_table(self, detect, text, expected_len, expected):
        """Each row: the number of passport numbers found and their offsets."""
        check_table(detect, PassportRecognizer(), text, expected_len, expected)
