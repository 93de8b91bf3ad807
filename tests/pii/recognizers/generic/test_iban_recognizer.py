"""IbanRecognizer."""

from __future__ import annotations

import pytest

from rasa_ethics.pii.recognizers.generic import IbanRecognizer
from tests.pii.table import check_table, row


class TestIbanRecognizer:
    """Mod-97-valid IBANs, compact or grouped, are found; invalid ones are not."""

    @pytest.mark.parametrize(
        "text, expected_len, expected",
        [
            ("GB82WEST12345698765432", 1, ((0, 22),)),
            ("iban GB82 WEST 1234 5698 7654 32 please", 1, ((5, 32),)),
            ("DE89 3704 0044 0532 0130 00", 1, ((0, 27),)),
            ("de89370400440532013000", 1, ((0, 22),)),
            ("FR14-2004-1010-0505-0001-3M02-606", 1, ((0, 33),)),
            # a group opened by a letter that could be a digit: the Italian CIN
            row(
                "bonifico su IT83 O518 0241 6449 9178 5005 527 grazie",
                "IT83 O518 0241 6449 9178 5005 527",
            ),
            # misses
            ("GB82WEST12345698765433", 0, ()),
            ("GB82 WEST", 0, ()),
            ("XX82WEST12345698765432", 0, ()),
        ],
    )
    def test_table(self, detect, text, expected_len, expected):
        """Each row: the number of IBANs found and their offsets."""
        check_table(detect, IbanRecognizer(), text, expected_len, expected)
