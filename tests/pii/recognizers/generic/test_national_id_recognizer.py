"""NationalIdRecognizer."""

from __future__ import annotations

import pytest

from rasa_ethics.pii.recognizers.generic import NationalIdRecognizer
from tests.pii.table import check_table, row


class TestNationalIdRecognizer:
    """A value right after a national-ID cue phrase, whatever its country's format."""

    @pytest.mark.parametrize(
        "text, expected_len, expected",
        [
            row("my national ID is 274015836", "274015836"),
            row("please use national ID 04829173 for the form", "04829173"),
            row("PESEL: 92071314764", "92071314764"),
            row("codice fiscale RSSMRA85T10A562S", "RSSMRA85T10A562S"),
            row("id number AB 482913 C", "AB 482913 C"),
            row("personnummer 811228-9874", "811228-9874"),
            # misses
            ("my national ID card expired", 0, ()),
            ("order 274015836 has not arrived", 0, ()),
            ("national ID 12", 0, ()),
            ("274015836", 0, ()),
        ],
    )
    def test_table(self, detect, text, expected_len, expected):
        """Each row: the number of national IDs found and their offsets."""
        check_table(detect, NationalIdRecognizer(), text, expected_len, expected)

    def test_answer(self):
        """A bare number answering "What is your national ID?" is one."""
        spans = NationalIdRecognizer().answer("274015836")
        assert [(s.start, s.end) for s in spans] == [(0, 9)]
