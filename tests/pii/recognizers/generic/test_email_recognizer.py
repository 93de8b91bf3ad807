"""EmailRecognizer."""

from __future__ import annotations

import pytest

from rasa_ethics.pii.recognizers.generic import EmailRecognizer
from tests.pii.table import check_table, row


class TestEmailRecognizer:
    """Plain, obfuscated, full-width and zero-width-split addresses; near misses."""

    @pytest.mark.parametrize(
        "text, expected_len, expected",
        [
            ("jane.doe@example.com", 1, ((0, 20),)),
            ("mail JANE_DOE+tag@Mail.Example.co.uk now", 1, ((5, 36),)),
            ("john at example dot com", 1, ((0, 23),)),
            ("john [at] example [dot] org", 1, ((0, 27),)),
            ("maria dot lopez (at) gmail (dot) com", 1, ((0, 36),)),
            ("ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ", 1, ((0, 16),)),
            ("jo\u200bhn@exa\u200bmple.com", 1, ((0, 18),)),
            ("a@b.co and c@d.io", 2, ((0, 6), (11, 17))),
            # spaces inside, control and bidi characters, Cyrillic look-alikes
            row("mail me: mry.jnes@wid get .com", "mry.jnes@wid get .com"),
            row("ana @ correo.es", "ana @ correo.es"),
            row("jane\u202e@example.com", "jane\u202e@example.com"),
            row("jane\u0000@example.com", "jane\u0000@example.com"),
            row("j\u0430ne@ex\u0430mple.com", "j\u0430ne@ex\u0430mple.com"),
            # typos: a doubled @, a comma for the last dot, one character at a time
            row("write to bogdan.m@@seznam.cz please", "bogdan.m@@seznam.cz"),
            row("it's rui.faria@sapo,pt", "rui.faria@sapo,pt"),
            row("mail: t o m a s @ w p . p l", "t o m a s @ w p . p l"),
            # misses
            ("look at example.com", 0, ()),
            ("user@localhost", 0, ()),
            ("@handle on twitter", 0, ()),
            ("a..b@example.com", 0, ()),
            ("meet me @ the station. see you", 0, ()),
            ("we met @@ the cafe, then went home", 0, ()),
            ("a b c @ d e f", 0, ()),
            ("price 5@3.50", 0, ()),
        ],
    )
    def test_table(self, detect, text, expected_len, expected):
        """Each row: the number of e-mails found and their offsets in the original text."""
        check_table(detect, EmailRecognizer(), text, expected_len, expected)
