"""DateOfBirthRecognizer."""

from __future__ import annotations

import pytest

from rasa_ethics.pii.recognizers.generic import DateOfBirthRecognizer
from tests.pii.table import check_table


class TestDateOfBirthRecognizer:
    """Real dates next to birth context are dates of birth; other dates are not."""

    @pytest.mark.parametrize(
        "text, expected_len, expected",
        [
            ("I was born on 12/03/1990", 1, ((14, 24),)),
            ("DOB: 1985-07-21", 1, ((5, 15),)),
            ("date of birth 3 March 1979", 1, ((14, 26),)),
            ("my birthday is March 3rd, 1985", 1, ((15, 30),)),
            ("born 07.06.1966", 1, ((5, 15),)),
            ("dob 12 03 1990", 1, ((4, 14),)),
            ("12/16/1941 is my date of birth", 1, ((0, 10),)),
            # misses
            ("delivered on 12/03/2021", 0, ()),
            ("born on 31/02/1990", 0, ()),
            ("born on 12/03/2999", 0, ()),
            ("birthday party on Friday", 0, ()),
        ],
    )
    def test_table(self, detect, text, expected_len, expected):
        """Each row: the number of dates of birth found and their offsets."""
        check_table(detect, DateOfBirthRecognizer(), text, expected_len, expected)
