"""Keyboard typos: one slip of the fingers per variant, the same for the same seed.

Four kinds, each its own group: a letter replaced by a neighbouring key of a QWERTY keyboard
(``typos.neighbour_key``), a letter left out (``typos.dropped_letter``), two neighbouring letters
swapped (``typos.swapped_letters``) and a letter typed twice (``typos.doubled_letter``).  The slip
falls on a word of three letters or more; which word and letter is drawn from a generator seeded
with the seed, the kind and the text, so a run never depends on the order of the examples.
"""

from __future__ import annotations

import random
import re
from typing import Callable, Dict, Optional, Tuple

__all__ = ["KINDS", "typo"]

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_WORD = re.compile(r"(?<![\w@.+-])[a-zA-Z]{3,}(?![\w@])")


def _neighbours() -> Dict[str, str]:
    """Keys next to each letter: left, right, and the overlapping keys of the rows around it."""
    near: Dict[str, str] = {}
    for r, row in enumerate(_ROWS):
        for c, key in enumerate(row):
            keys = [row[i] for i in (c - 1, c + 1) if 0 <= i < len(row)]
            for other in (r - 1, r + 1):
                if 0 <= other < len(_ROWS):
                    keys += [
                        _ROWS[other][i] for i in (c - 1, c, c + 1) if 0 <= i < len(_ROWS[other])
                    ]
            near[key] = "".join(sorted(set(keys)))
    return near


_NEAR = _neighbours()


def _neighbour_key(word: str, at: int, rng: random.Random) -> str:
    letter = word[at]
    new = rng.choice(_NEAR[letter.lower()])
    return word[:at] + (new.upper() if letter.isupper() else new) + word[at + 1 :]


def _dropped(word: str, at: int, rng: random.Random) -> str:
    return word[:at] + word[at + 1 :]


def _swapped(word: str, at: int, rng: random.Random) -> str:
    at = min(at, len(word) - 2)
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


def _doubled(word: str, at: int, rng: random.Random) -> str:
    return word[: at + 1] + word[at:]


KINDS: Dict[str, Callable[[str, int, random.Random], str]] = {
    "neighbour_key": _neighbour_key,
    "dropped_letter": _dropped,
    "swapped_letters": _swapped,
    "doubled_letter": _doubled,
}


def typo(text: str, kind: str, seed: int) -> Optional[str]:
    """``text`` with one typo of ``kind``; ``None`` if it has no word of three letters or more."""
    words: Tuple[re.Match, ...] = tuple(_WORD.finditer(text))
    if not words:
        return None
    rng = random.Random(f"{seed}\0{kind}\0{text}")
    match = rng.choice(words)
    word = match.group()
    # not the first letter: people rarely mistype it, and a changed first letter reads as
    # another word rather than a typo
    at = rng.randrange(1, len(word))
    new = KINDS[kind](word, at, rng)
    return text[: match.start()] + new + text[match.end() :] if new != word else None
