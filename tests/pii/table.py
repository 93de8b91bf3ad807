"""Presidio-style hit/miss tables: ``(text, expected_len, ((start, end), ...))``."""

from __future__ import annotations

from collections.abc import Callable

from rasa_ethics.pii import Recognizer

Offsets = tuple[tuple[int, int], ...]


def check_table(
    detect: Callable[[Recognizer, str], Offsets],
    recognizer: Recognizer,
    text: str,
    expected_len: int,
    expected: Offsets,
) -> None:
    """Assert a Presidio-style table row: how many spans, and where."""
    found: list[tuple[int, int]] = list(detect(recognizer, text))
    assert len(found) == expected_len, f"{text!r}: got {found}"
    assert tuple(found) == expected, f"{text!r}: got {found}"


def row(text: str, *values: str) -> tuple[str, int, Offsets]:
    """A table row whose expected spans are the given substrings (each found left to right)."""
    spans = []
    pos = 0
    for value in values:
        start = text.index(value, pos)
        spans.append((start, start + len(value)))
        pos = start + len(value)
    return text, len(values), tuple(spans)


def whole(text: str) -> tuple[str, int, Offsets]:
    """A table row whose expected span is the whole text."""
    return text, 1, ((0, len(text)),)
