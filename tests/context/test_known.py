"""remember: found values, and the words of a person's name, for the log filter."""

from __future__ import annotations

import pytest

from rasa_ethics.context import remember
from rasa_ethics.context.known import name_parts
from rasa_ethics.pii import Span
from rasa_ethics.pii.runtime import KnownValues


@pytest.mark.parametrize(
    ("value", "parts"),
    [
        ("Wilhelmina Jansen", ["Wilhelmina", "Jansen"]),
        ("Mrs Ann O'Neil", ["Ann", "O'Neil"]),
        ("Jo Li", []),  # two letters identify no one on their own
        ("Hannah", []),  # a single word is the value itself
        ("Réka Szabó", ["Réka", "Szabó"]),
    ],
)
def test_name_parts(value: str, parts: list) -> None:
    """Words of three letters or more, titles left out."""
    assert name_parts(value) == parts


def test_a_part_of_a_name_is_hidden() -> None:
    """DIET's entity value "Jansen" out of "Wilhelmina Jansen" is hidden in a later log line."""
    known = KnownValues()
    text = "I'm Wilhelmina Jansen"
    remember(text, [Span(4, len(text), "person")], known)
    line = "parse_data_entities=[{'entity': 'last_name', 'value': 'Jansen'}]"
    assert (
        known.redact(line) == "parse_data_entities=[{'entity': 'last_name', 'value': '<PERSON>'}]"
    )


def test_other_types_are_not_split() -> None:
    """An address's words are not remembered one by one ("Street" is no one's)."""
    known = KnownValues()
    text = "12 Baker Street"
    remember(text, [Span(0, len(text), "address")], known)
    assert known.redact("Street") == "Street"
    assert known.redact("at 12 Baker Street") == "at <ADDRESS>"
