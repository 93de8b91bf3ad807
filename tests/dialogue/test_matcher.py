"""Whole-word phrase matching on normalised text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rasa_ethics.dialogue.matcher import PhraseMatcher, normalise


class TestNormalise:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Can I talk to a HUMAN?!", "can i talk to a human"),
            ("self-harm", "self harm"),
            ("don’t want to live", "dont want to live"),
            ("  lots   of\tspace ", "lots of space"),
            ("snake_case", "snake case"),
        ],
    )
    def test_table(self, text: str, expected: str) -> None:
        """Case, punctuation, quotes, hyphens and apostrophes never matter."""
        assert normalise(text) == expected

    @given(st.text())
    def test_idempotent(self, text: str) -> None:
        """Normalising twice changes nothing more."""
        assert normalise(normalise(text)) == normalise(text)


class TestPhraseMatcher:
    matcher = PhraseMatcher(["talk to a human", "agent", "don't want to live", "  "])

    @pytest.mark.parametrize(
        ("text", "phrase"),
        [
            ("Please, TALK TO A HUMAN.", "talk to a human"),
            ("agent please", "agent"),
            ("I dont want to live", "don't want to live"),
            ("agents please", None),  # whole words only
            ("reagent", None),
            ("talk to a humanoid", None),
            ("", None),
        ],
    )
    def test_hits_and_misses(self, text: str, phrase: str) -> None:
        """A phrase matches as whole words, after normalisation of both sides."""
        assert self.matcher.first_match(normalise(text)) == phrase

    def test_empty_phrases_are_ignored(self) -> None:
        """Blank phrases never match everything."""
        assert len(self.matcher) == 3
