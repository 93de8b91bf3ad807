"""IpRecognizer."""

from __future__ import annotations

import pytest

from rasa_ethics.pii.recognizers.generic import IpRecognizer
from tests.pii.table import check_table, row


class TestIpRecognizer:
    """IPv4 and IPv6 addresses that ``ipaddress`` accepts; times, versions and MACs are not."""

    @pytest.mark.parametrize(
        "text, expected_len, expected",
        [
            ("from 192.168.0.1 today", 1, ((5, 16),)),
            ("8.8.8.8", 1, ((0, 7),)),
            ("2001:db8::ff00:42:8329", 1, ((0, 22),)),
            ("fe80::1 and ::ffff:192.0.2.1", 2, ((0, 7), (12, 28))),
            ("2001:0DB8:0000:0000:0000:FF00:0042:8329", 1, ((0, 39),)),
            # typed with spaces, next to the word "ip"
            row("my ip is 1 0 .0 .4 .2 2", "1 0 .0 .4 .2 2"),
            # a letter typed for a digit
            row("the router says 10.0.0.l3 is my ip", "10.0.0.l3"),
            # misses
            ("256.1.1.1", 0, ()),
            ("at 10:30:15", 0, ()),
            ("00:1a:2b:3c:4d:5e", 0, ()),
            ("0.0.0.0", 0, ()),
            ("the app crashes on version 1.0.4.2", 0, ()),
            ("build 10.2.0.1 is out", 0, ()),
            ("we scored 1 0 .0 .4 .2 2 points", 0, ()),
            ("chapter l.2.3 of the manual", 0, ()),
            ("1.2.3.4.5", 0, ()),
        ],
    )
    def test_table(self, detect, text, expected_len, expected):
        """Each row: the number of IP addresses found and their offsets."""
        check_table(detect, IpRecognizer(), text, expected_len, expected)
