"""InternationalAddressRecognizer."""

from __future__ import annotations

import pytest

from rasa_ethics.pii.recognizers.generic import InternationalAddressRecognizer
from tests.pii.table import check_table, row, whole


class TestInternationalAddressRecognizer:
    """Street-first addresses of many countries, with everything after them on one or more lines."""

    @pytest.mark.parametrize(
        "text, expected_len, expected",
        [
            # a street type before the name; the flat, postcode, city and country go with it
            row(
                "send it to ul. Kwiatowa 7 m. 12, 31-042 Kraków, Poland",
                "ul. Kwiatowa 7 m. 12, 31-042 Kraków, Poland",
            ),
            whole("Via Roma 15, int. 3, 20121 Milano"),
            whole("Calle de Alcalá 48, 2º B, 28014 Madrid"),
            whole("Rua das Flores 102, 4050-262 Porto"),
            row("to ул. Садовая, д. 12, кв. 4, 190000", "ул. Садовая, д. 12, кв. 4, 190000"),
            # a street type glued to the name, or a word of its own after it
            row(
                "ship to Prinsengracht 263, 1016 GV Amsterdam please",
                "Prinsengracht 263, 1016 GV Amsterdam",
            ),
            row("my address: Lindenstraße 23, 04109 Leipzig", "Lindenstraße 23, 04109 Leipzig"),
            whole("Dózsa György út 12., Szeged"),
            # the house number first, before a French type word; over two lines
            whole("12, rue des Lilas\n69003 Lyon"),
            whole("Storgatan 14\n114 55 Stockholm"),
            row(
                "Jan Nowak\nul. Lipowa 3/5\n00-123 Warszawa\nPolska",
                "ul. Lipowa 3/5\n00-123 Warszawa\nPolska",
            ),
            # no street type: a postcode and city confirm the street and number
            whole("Hlavná 8, 040 01 Košice"),
            # all in lower case
            row("we live at keizerstraat 5, 2000 antwerpen", "keizerstraat 5, 2000 antwerpen"),
            # more countries: BR (CEP without its dash, then city and state), AT (a hyphenated
            # name before "Weg"), RU (the locality first), CZ (a city with a particle)
            whole("Rua Vergueiro, 1200, Liberdade, 01504000 São Paulo / SP"),
            whole("Maria-Theresia-Weg 8, 6020 Innsbruck"),
            whole("г. Тула, ул. Мира, д. 7, 300001"),
            whole("Vinohradská 12, 120 00 Praha na Vinohradech"),
            # the house number before the street; a flat after it, or before it
            row("please deliver to 17 Mårtensgatan lgh 1102", "17 Mårtensgatan lgh 1102"),
            row("it goes to 5 Eichendorffweg, Wohnung 3", "5 Eichendorffweg, Wohnung 3"),
            row(
                "new address: m. 4, Zielna ulica 9, 87-100 Toruń",
                "m. 4, Zielna ulica 9, 87-100 Toruń",
            ),
            # a form: labels between the parts, and nothing of the address left behind
            row(
                "Address line 1: Herengracht 180\nAddress line 2: 3-hoog\nPostcode: 1016 BR",
                "Herengracht 180\nAddress line 2: 3-hoog\nPostcode: 1016 BR",
            ),
            # misses
            ("via email please, order 12345", 0, ()),
            ("the ring 3 times but nobody came", 0, ()),
            ("I bought Version 2 with 12345 points", 0, ()),
            ("Hauptstraße is closed today", 0, ()),
            ("we ordered 4 Wellington boots and 2 Hotspring lamps", 0, ()),
            ("Postcode: unknown, sorry", 0, ()),
            ("it took during 5 minutes", 0, ()),
        ],
    )
    def test_table(self, detect, text, expected_len, expected):
        """Each row: the number of addresses found and their offsets."""
        check_table(detect, InternationalAddressRecognizer(), text, expected_len, expected)
