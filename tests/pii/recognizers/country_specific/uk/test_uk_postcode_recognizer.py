"""UkPostcodeRecognizer."""

from __future__ import annotations

import pytest

from rasa_ethics.pii.recognizers.country_specific.uk import UkPostcodeRecognizer
from tests.pii.table import check_table


class TestUkPostcodeRecognizer:
    """Upper-case postcodes stand alone; lower-case ones need context."""

    @pytest.mark.parametrize(
        "text, expected_len, expected",
        [
            ("SW1A 1AA", 1, ((0, 8),)),
            ("London NW1 6XE", 1, ((7, 14),)),
            ("M1 1AE", 1, ((0, 6),)),
            ("my postcode is ls1 4ab", 1, ((15, 22),)),
            # misses
            ("ls1 4ab", 0, ()),
            ("QV1 1AA", 0, ()),
        ],
    )
    def test_table(self, detect, text, expected_len, expected):
        """Each row: the number of postcodes found and their offsets."""
        check_table(detect, UkPostcodeRecognizer(), text, expected_len, expected)
