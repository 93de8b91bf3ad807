"""UkDrivingLicenceRecognizer."""

from __future__ import annotations

import pytest

from rasa_ethics.pii.recognizers.country_specific.uk import UkDrivingLicenceRecognizer
from tests.pii.table import check_table


class TestUkDrivingLicenceRecognizer:
    """The 16-character DVLA layout with a possible birth month and day."""

    @pytest.mark.parametrize(
        "text, expected_len, expected",
        [
            ("MORGA753116SM9IJ", 1, ((0, 16),)),
            ("licence SMITH561225JD9AB 35", 1, ((8, 27),)),
            ("JONES952319AB1CD", 1, ((0, 16),)),
            # misses
            ("MORGA713116SM9IJ", 0, ()),
            ("MORGA753356SM9IJ", 0, ()),
        ],
    )
    def test_table(self, detect, text, expected_len, expected):
        """Each row: the number of licence numbers found and their offsets."""
        check_table(detect, UkDrivingLicenceRecognizer(), text, expected_len, expected)
