"""Regex character classes for letters of every European script, not only ASCII.

Python's ``re`` has no ``\\p{Lu}``.  ``[A-Z][a-z]+`` cut "Réka Szabó" at the first accented
letter and stored "<PERSON>ó"; these classes are built once from :mod:`unicodedata` and cover
Latin (with every extension), Greek and Cyrillic.  ``LETTER`` is any letter of any script.
"""

from __future__ import annotations

__all__ = ["LETTER", "LOWER", "UPPER"]

_RANGES = ((0x00C0, 0x024F), (0x0370, 0x03FF), (0x0400, 0x052F), (0x1E00, 0x1EFF))


def _class(test: str) -> str:
    chars = [chr(c) for lo, hi in _RANGES for c in range(lo, hi + 1) if getattr(chr(c), test)()]
    return "".join(chars)


#: Upper-case letters (inside a character class): ``rf"[{UPPER}]"``.
UPPER = "A-Z" + _class("isupper")
#: Lower-case letters (inside a character class).
LOWER = "a-z" + _class("islower")
#: Any letter of any script, as a whole class.
LETTER = r"[^\W\d_]"
