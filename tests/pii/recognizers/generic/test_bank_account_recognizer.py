"""BankAccountRecognizer."""

from __future__ import annotations

import pytest

from rasa_ethics.pii.recognizers.generic import BankAccountRecognizer
from tests.pii.table import check_table, row


class TestBankAccountRecognizer:
    """Account, routing and sort-code values right after their cue phrase."""

    @pytest.mark.parametrize(
        "text, expected_len, expected",
        [
            row("bank account 55120394471, routing 021000021", "55120394471", "021000021"),
            row("refund to account number 00-4481-2290", "00-4481-2290"),
            row("sort code 20-45-77", "20-45-77"),
            row("routing number 021000022 (I may have mistyped it)", "021000022"),
            # misses
            ("my bank account was charged twice", 0, ()),
            ("routing 12", 0, ()),
            ("order 55120394471 is late", 0, ()),
        ],
    )
    def test_table(self, detect, text, expected_len, expected):
        """Each row: the number of account numbers found and their offsets."""
        check_table(detect, BankAccountRecognizer(), text, expected_len, expected)

    def test_routing_checksum_is_reported(self):
        """A valid ABA routing number says so in its reason; a mistyped one still counts."""
        spans = BankAccountRecognizer().analyze("routing 021000021 or routing 021000022")
        assert ["valid ABA" in s.reason for s in spans] == [True, False]
