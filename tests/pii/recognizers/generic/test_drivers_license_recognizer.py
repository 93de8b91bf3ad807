"""DriversLicenseRecognizer."""

from __future__ import annotations

import pytest

from rasa_ethics.pii.recognizers.generic import DriversLicenseRecognizer
from tests.pii.table import check_table, row


class TestDriversLicenseRecognizer:
    """US state formats count only next to licence words."""

    @pytest.mark.parametrize(
        "text, expected_len, expected",
        [
            ("driver's license D1234567", 1, ((17, 25),)),
            ("DL# 123456789", 1, ((4, 13),)),
            ("license number S530-460-72-874-0", 1, ((15, 32),)),
            ("driving licence: WDL12AB3C4D", 1, ((17, 28),)),
            # any value right after the cue, spaces inside
            row("DL number K 4T 903 27", "K 4T 903 27"),
            row("my driving licence is ZG 856900", "ZG 856900"),
            row("führerschein B072RRE2I55", "B072RRE2I55"),
            row("my driver's license is NR 323151", "NR 323151"),
            # misses
            ("D1234567", 0, ()),
            ("the licence agreement, section 4", 0, ()),
            ("DL number please", 0, ()),
            ("my license expired", 0, ()),
        ],
    )
    def test_table(self, detect, text, expected_len, expected):
        """Each row: the number of licence numbers found and their offsets."""
        check_table(detect, DriversLicenseRecognizer(), text, expected_len, expected)
