"""Whole-word phrase matching on normalised text: the backstop behind the intent classifier.

Designers write phrases the way customers type them ("talk to a human", "don't want to live").
Both the phrases and the message are normalised the same way, so case, punctuation, curly quotes,
hyphens and apostrophes never decide whether a phrase matches:

    "Can I talk to a HUMAN?!"  ->  "can i talk to a human"
    "self-harm"                ->  "self harm"
    "don't" / "dont" / "don’t" ->  "dont"

A phrase matches when it occurs as whole words: "agent" matches "agent please" but not "agents"
or "reagent".
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, List, Optional, Tuple

__all__ = ["PhraseMatcher", "normalise"]

_APOSTROPHES = re.compile(r"['’‘`´]")
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def normalise(text: str) -> str:
    """Lower-case ``text`` and reduce it to words separated by single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _APOSTROPHES.sub("", text)
    text = _NON_WORD.sub(" ", text).replace("_", " ")
    return " ".join(text.split())


class PhraseMatcher:
    """Finds which of a fixed set of phrases occur as whole words in a message."""

    def __init__(self, phrases: Iterable[str]) -> None:
        """Compile ``phrases``; empty ones (after normalisation) are ignored."""
        self._phrases: List[Tuple[str, str]] = []
        seen = set()
        for phrase in phrases:
            padded = f" {normalise(phrase)} "
            if padded.strip() and padded not in seen:
                seen.add(padded)
                self._phrases.append((padded, phrase))

    def __len__(self) -> int:
        return len(self._phrases)

    def first_match(self, normalised_text: str) -> Optional[str]:
        """The first phrase (as the designer wrote it) found in an already normalised text."""
        padded = f" {normalised_text} "
        for needle, phrase in self._phrases:
            if needle in padded:
                return phrase
        return None

    def matches(self, text: str) -> bool:
        """True when any phrase occurs in ``text`` (raw or normalised)."""
        return self.first_match(normalise(text)) is not None
