"""StreetAddressRecognizer."""

from __future__ import annotations

import pytest

from rasa_ethics.pii.recognizers.generic import StreetAddressRecognizer
from tests.pii.table import check_table, row, whole


class TestStreetAddressRecognizer:
    """Street lines and PO boxes, extended over unit, city, state and postcode."""

    @pytest.mark.parametrize(
        "text, expected_len, expected",
        [
            ("I live at 42 Baker Street.", 1, ((10, 25),)),
            ("ship to 42 Baker Street, London NW1 6XE please", 1, ((8, 39),)),
            ("1600 Pennsylvania Ave NW, Washington, DC 20500", 1, ((0, 46),)),
            ("5088 Ellis Burgs Apt. 289, Port Christopher, OH 33962", 1, ((0, 53),)),
            ("Flat 3, 12 Oak Road, Leeds, LS1 4AB", 1, ((0, 35),)),
            ("PO Box 1234, Springfield, IL 62704", 1, ((0, 34),)),
            ("send to 12 st. john's rd, bath, ba1 2xy", 1, ((8, 39),)),
            ("at 42 Baker St. then", 1, ((3, 15),)),
            # letters outside ASCII, more countries' suffixes and postcodes, several lines
            whole("403 Kazlauskas Way, West Jorūnė, MI 35655"),
            whole("16 Regan Street, D02 X285 Dublin"),
            whole("12 Acacia Circuit, Richmond VIC 3121"),
            whole("77 Maple Drive\nToronto, ON M5V 2T6"),
            whole("Unit 4, 9 Harbour Esplanade, Auckland 1010"),
            row("send to 14, Gandhi Nagar, Pune-411001", "14, Gandhi Nagar, Pune-411001"),
            whole("12 Kauri Road, RD 2, Matakana 0985"),
            # the flat on the line before, the postcode on a labelled line after
            whole("Apt. 5C\n218 Willow Creek Road\nSpringfield, IL 62704"),
            whole("Suite 300, 1455 Market Street, San Francisco, CA 94103"),
            # misses
            ("I tried 2 different ways to log in", 0, ()),
            ("Your store on Main Street was closed", 0, ()),
            ("I have 3 items on the way", 0, ()),
            ("Apt. 5C is what the sign says", 0, ()),
            ("room 204 of your hotel", 0, ()),
        ],
    )
    def test_table(self, detect, text, expected_len, expected):
        """Each row: the number of addresses found and their offsets."""
        check_table(detect, StreetAddressRecognizer(), text, expected_len, expected)
