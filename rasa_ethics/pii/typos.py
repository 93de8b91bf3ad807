"""Context words as customers mistype them: "phnoe", "adress", "licnse", "numbr".

A context word raises a candidate's score; a typo in it must not make a privacy filter miss the
value.  :func:`typo_variants` spells every single-word context word of five or more letters with
one letter left out, two neighbours swapped or one letter doubled, and four-letter words with two
neighbours swapped.  Variants that are common English words ("hone" from "phone") are left out.
Recognizers look the words near a candidate up in that set when their regex finds no exact word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rasa_ethics.pii._lexicon import is_common

__all__ = ["WORD", "typo_variants"]

#: A word of a text, for looking it up among the variants.
WORD = re.compile(r"[a-zà-ÿ]+", re.IGNORECASE)


def typo_variants(words: Iterable[str]) -> frozenset[str]:
    """One-typo spellings of the single-word entries of ``words`` (not the words themselves)."""
    exact = {w.lower() for w in words}
    variants: set[str] = set()
    for word in exact:
        if not word.isalpha() or len(word) < 4:
            continue
        variants.update(_swaps(word))
        if len(word) >= 5:
            variants.update(word[:i] + word[i + 1 :] for i in range(len(word)))
            variants.update(word[: i + 1] + word[i:] for i in range(len(word)))
    return frozenset(v for v in variants - exact if len(v) >= 4 and not is_common(v))


def _swaps(word: str) -> set[str]:
    return {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
