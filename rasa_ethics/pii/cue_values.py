"""Values that only a cue phrase identifies: "my national ID is 318774025", "DL no. B 7R 552 10".

A national ID, a bank account or a driving licence has no shape of its own that sets it apart
from an order number.  What sets it apart is the phrase right before it.  :func:`cue_values`
finds each cue, skips filler ("number", "no.", "is", ":"), then reads the value that follows: groups
of letters and digits joined by single spaces, dashes, dots or slashes, as long as each group
holds a digit or is at most two letters ("B 7R 552 10"), with at least ``min_digits`` digits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from rasa_ethics.pii.recognizer import context_regex

__all__ = ["CueMatch", "cue_regex", "cue_values"]

_FILLER = re.compile(
    r"(?:[ \t]{0,2}(?:number|numbers|num|nbr|(?-i:no|nr|No|Nr)|n°|nº|#|id|is|was|are|will be|"
    r"should be|"
    r"of|reads|=|:|-|–|to use|details?)\.?[ \t]{0,2}|[ \t]{1,2})*",
    re.IGNORECASE,
)
_GROUP = re.compile(r"[A-Za-z0-9]{1,20}")
_JOIN = re.compile(r"[ ]?[-./][ ]?|[ ]")
_MAX_GROUPS = 6
_MAX_CHARS = 30

CueMatch = tuple[int, int, str]  # start, end, the cue word


def cue_regex(cues: Sequence[str]) -> re.Pattern[str]:
    """One case-insensitive regex for the cue phrases (see :func:`context_regex`)."""
    compiled = context_regex(cues)
    if compiled is None:
        msg = "at least one cue phrase is needed"
        raise ValueError(msg)
    return compiled


def cue_values(
    text: str, cues: re.Pattern[str], min_digits: int, max_digits: int = 24
) -> Iterator[CueMatch]:
    """``(start, end, cue)`` of each value right after a cue phrase."""
    for cue in cues.finditer(text):
        filler = _FILLER.match(text, cue.end())
        pos = filler.end() if filler else cue.end()
        end = _value_end(text, pos, min_digits, max_digits)
        if end is not None:
            yield pos, end, cue.group().lower()


def _value_end(text: str, pos: int, min_digits: int, max_digits: int) -> int | None:
    end = None
    digits = 0
    start = pos
    for _ in range(_MAX_GROUPS):
        group = _GROUP.match(text, pos)
        if group is None or group.end() - start > _MAX_CHARS:
            break
        value = group.group()
        has_digit = any(c.isdigit() for c in value)
        if not has_digit and (len(value) > 2 or end is not None and not value.isupper()):
            break
        if group.end() < len(text) and text[group.end()].isalnum():
            break  # a longer word than a group may hold
        digits += sum(c.isdigit() for c in value)
        if digits > max_digits:
            return None
        if has_digit or (end is not None and len(value) == 1 and value.isupper()):
            end = group.end()  # a check letter may close the value ("ZZ 122816 T")
        gap = _JOIN.match(text, group.end())
        if gap is None:
            break
        pos = gap.end()
    return end if end is not None and digits >= min_digits else None
