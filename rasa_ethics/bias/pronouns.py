"""Pronoun swaps: he → she and she → he, with the object/possessive ambiguity of "her".

"her" is the object ("call her back" → "call him back") or the possessive ("her order" → "his
order").  It is read as the object when the next word is none, punctuation, or a word that
cannot follow a possessive (a preposition, article, pronoun, particle or time word), and as the
possessive otherwise.  "his" becomes "hers" when it stands alone ("the order is his").
"""

from __future__ import annotations

import re
from typing import Dict, Optional

__all__ = ["GROUPS", "swap_pronouns"]

GROUPS = ("pronouns.to_female", "pronouns.to_male")

_TO_FEMALE = {"he": "she", "him": "her", "himself": "herself"}
_TO_MALE = {"she": "he", "hers": "his", "herself": "himself"}
# Words after "her" that show it is the object, not a possessive ("tell her the", "ask her to").
_AFTER_OBJECT = frozenset(
    """
    to a an the that this these those about for with up back off out in on at into onto from by
    over and or but if so too as when because before after since until while again now today
    tonight tomorrow yesterday soon later please know what how why where whether it me him her
    us them you i we they he she my your our their his its some any anything something
    everything nothing is was are were will would can could should might must has have had do
    does did yet already once twice here there directly right first last
    """.split()
)
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


def _his(text: str, end: int) -> str:
    """'his' before a noun ('his order') stays a determiner: 'her'; alone it is 'hers'."""
    following = _WORD.match(text, end + 1) if text[end : end + 1] == " " else None
    return "her" if following else "hers"


def _her(text: str, end: int) -> str:
    """'him' (object) or 'his' (possessive), from the word after 'her'."""
    following = _WORD.match(text, end + 1) if text[end : end + 1] == " " else None
    if following is None or following.group().lower() in _AFTER_OBJECT:
        return "him"
    return "his"


def _cased(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    return word[0].upper() + word[1:] if like[0].isupper() else word


def swap_pronouns(text: str, to: str) -> Optional[str]:
    """``text`` with third-person pronouns of the other gender swapped to ``to`` ("female" or
    "male"); ``None`` if it has none."""
    table: Dict[str, str] = _TO_FEMALE if to == "female" else _TO_MALE
    parts, last, changed = [], 0, False
    for match in _WORD.finditer(text):
        word = match.group()
        base, _, clitic = word.lower().partition("'")
        if to == "female" and base == "his":
            new = _his(text, match.end())
        elif to == "male" and base == "her" and not clitic:
            new = _her(text, match.end())
        elif base in table:
            new = table[base]
        else:
            continue
        new += f"'{word.partition(chr(39))[2]}" if clitic else ""
        parts += [text[last : match.start()], _cased(new, word)]
        last, changed = match.end(), True
    return "".join(parts) + text[last:] if changed else None
