"""UkNinoRecognizer."""

from __future__ import annotations

import pytest

from rasa_ethics.pii.recognizers.country_specific.uk import UkNinoRecognizer
from tests.pii.table import check_table


class TestUkNinoRecognizer:
    """National Insurance numbers with allocatable prefixes and suffix A-D."""

    @pytest.mark.parametrize(
        "text, expected_len, expected",
        [
            ("AB123456C", 1, ((0, 9),)),
            ("NI number: AB 12 34 56 C", 1, ((11, 24),)),
            ("ce 12 34 56 d", 1, ((0, 13),)),
            # misses
            ("QQ123456C", 0, ()),
            ("GB123456A", 0, ()),
            ("AB123456E", 0, ()),
            ("DA123456A", 0, ()),
        ],
    )
    def test_table(self, detect, text, expected_len, expected):
        """Each row: the number of NINOs found and their offsets."""
        check_table(detect, UkNinoRecognizer(), text, expected_len, expected)
