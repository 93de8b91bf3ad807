"""Remembering what was found in a customer's message, so the log filter can hide it later.

Rasa logs the message's entities after the whole NLU pipeline ran: DIET may tag "Jansen" inside
"Wilhelmina Jansen", which the PII engine found as one name, and the ``processor.message.parse``
debug event then carries ``'value': 'Jansen'`` alone.  So the words of a person's name are
remembered too, each on its own (whole words only, see
:class:`~rasa_ethics.pii.runtime.KnownValues`): "Parker" after "Peter Parker" is the same person.
"""

from __future__ import annotations

import re
from typing import Iterable, List, Tuple

from rasa_ethics.pii import Span
from rasa_ethics.pii.runtime import KNOWN_VALUES, KnownValues

__all__ = ["name_parts", "remember"]

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# Titles are part of how a name is written, not part of the name.
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam", "dame"})


def name_parts(value: str) -> List[str]:
    """The words of a person's name that identify on their own (no titles, 3+ letters)."""
    words = _WORD.findall(value)
    if len(words) < 2:
        return []
    return [w for w in words if len(w) >= 3 and w.casefold() not in _TITLES]


def remember(text: str, spans: Iterable[Span], known: KnownValues = KNOWN_VALUES) -> None:
    """Remember the values ``spans`` mark in ``text``, and the words of each person's name."""
    values: List[Tuple[str, str]] = []
    for span in spans:
        value = text[span.start : span.end]
        values.append((value, span.type))
        if span.type == "person":
            values.extend((part, span.type) for part in name_parts(value))
    known.add(values)
