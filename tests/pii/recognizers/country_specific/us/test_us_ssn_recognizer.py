"""UsSsnRecognizer."""

from __future__ import annotations

import pytest

from rasa_ethics.pii.recognizers.country_specific.us import UsSsnRecognizer
from tests.pii.table import check_table


class TestUsSsnRecognizer:
    """Grouped SSNs stand alone, bare nine digits need context, impossible numbers never count."""

    @pytest.mark.parametrize(
        "text, expected_len, expected",
        [
            ("078-05-1123", 1, ((0, 11),)),
            ("ssn 078 05 1123", 1, ((4, 15),)),
            ("my social security number is 219099999", 1, ((29, 38),)),
            ("SSN: 078 - 05 - 1123", 1, ((5, 20),)),
            # misses
            ("219099999", 0, ()),
            ("000-12-3456", 0, ()),
            ("666-12-3456", 0, ()),
            ("912-12-3456", 0, ()),
            ("123-00-4567", 0, ()),
            ("123-45-0000", 0, ()),
            ("111-11-1111", 0, ()),
            ("078-05-11234", 0, ()),
        ],
    )
    def test_table(self, detect, text, expected_len, expected):
        """Each row: the number of SSNs found and their offsets."""
        check_table(detect, UsSsnRecognizer(), text, expected_len, expected)
