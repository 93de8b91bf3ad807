"""UsZipRecognizer."""

from __future__ import annotations

import pytest

from rasa_ethics.pii.recognizers.country_specific.us import UsZipRecognizer
from tests.pii.table import check_table


class TestUsZipRecognizer:
    """ZIP codes count only right after ZIP-code words."""

    @pytest.mark.parametrize(
        "text, expected_len, expected",
        [
            ("my zip code is 62704", 1, ((15, 20),)),
            ("zip: 62704-1234", 1, ((5, 15),)),
            # misses
            ("order 62704 shipped", 0, ()),
            ("zip code please, yesterday I paid 62704 dollars", 0, ()),
        ],
    )
    def test_table(self, detect, text, expected_len, expected):
        """Each row: the number of ZIP codes found and their offsets."""
        check_table(detect, UsZipRecognizer(), text, expected_len, expected)
