"""PhoneRecognizer."""

from __future__ import annotations

import pytest

from rasa_ethics.pii.recognizers.generic import PhoneRecognizer
from tests.pii.table import check_table, row


class TestPhoneRecognizer:
    """Valid or phone-shaped numbers of the configured regions; identifiers that are not phones."""

    @pytest.mark.parametrize(
        "text, expected_len, expected",
        [
            ("call me at (202) 555-0143", 1, ((11, 25),)),
            ("+44 20 7946 0958", 1, ((0, 16),)),
            ("020 7946 0958", 1, ((0, 13),)),
            ("my number is 2025550143", 1, ((13, 23),)),
            ("+1-202-555-0143x123", 1, ((0, 19),)),
            ("001-202-555-0143", 1, ((0, 16),)),
            ("202.555.0143", 1, ((0, 12),)),
            ("07700 900 123 or 07700 900 456", 2, ((0, 13), (17, 30))),
            ("２０２－５５５－０１４３", 1, ((0, 12),)),
            # national formats of other countries, next to a phone word
            row("nobody answers at 61 284730", "61 284730"),
            row("phone: 512 33 981", "512 33 981"),
            row("you can call me on 06 48 22 91 07", "06 48 22 91 07"),
            row("my mobile is 0176 5523419", "0176 5523419"),
            row("whatsapp 389 771 204", "389 771 204"),
            # the phone word mistyped
            row("my moblie is 0176 5523419", "0176 5523419"),
            row("phnoe: 512 33 981", "512 33 981"),
            # the country code in brackets stays with the number
            row("ring (351) 919217160 if there's an issue", "(351) 919217160"),
            # misses
            ("order 2025550143 shipped", 0, ()),
            ("SSN 078-05-1123", 0, ()),
            ("on 12/03/2020", 0, ()),
            ("192.168.0.1", 0, ()),
            ("4111 1111 1111 1111", 0, ()),
            ("order 512 33 981 shipped", 0, ()),
            ("it costs 61 284730 points", 0, ()),
            ("the parcel weighs 512 33 981", 0, ()),
            ("12345", 0, ()),
        ],
    )
    def test_table(self, detect, text, expected_len, expected):
        """Each row: the number of phone numbers found and their offsets."""
        check_table(detect, PhoneRecognizer(["US", "GB"]), text, expected_len, expected)

    def test_regions_limit_local_formats(self, detect):
        """A German national number is found only when DE is one of the regions."""
        text = "ruf an: 030 12345678"
        assert detect(PhoneRecognizer(["US"]), text) == ()
        assert detect(PhoneRecognizer(["DE"]), text) == ((8, 20),)

    def test_reason_names_the_rules(self):
        """The reason says whether a number is valid and under which region's rules."""
        spans = PhoneRecognizer(["US"]).analyze("call (202) 555-0143")
        assert spans and "valid number (US rules)" in spans[0].reason
