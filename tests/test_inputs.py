"""rasa_ethics.inputs: sender ids and texts every store accepts (issue 9, row 1)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rasa_ethics.inputs import (
    MAX_SENDER_ID_CHARS,
    TOO_DEEP,
    depth_exceeds,
    is_safe_text,
    safe_json,
    safe_sender_id,
    safe_text,
)

CONTROL = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]]


def encodes(text: str) -> bool:
    """True when UTF-8 can encode ``text`` (raises otherwise)."""
    return isinstance(text.encode("utf-8"), bytes)


def nested(levels: int) -> Any:
    value: Any = "bottom"
    for _ in range(levels):
        value = {"a": [value]} if levels % 2 else [value]
    return value


class TestSafeSenderId:
    @pytest.mark.parametrize(
        "sender",
        ["default", "c1", "whatsapp:+447700900123", "jane.doe@example.com", "Zoë 😀", "x" * 200],
    )
    def test_normal_ids_are_unchanged(self, sender: str) -> None:
        """An id every store already accepts stays exactly as it is."""
        assert safe_sender_id(sender) == sender

    @pytest.mark.parametrize("sender", ["x\ud800", "x\x00", "x\x1b[2K", "x\n", "y" * 201])
    def test_unsafe_ids_are_replaced(self, sender: str) -> None:
        """Lone surrogates, NUL, control characters and overlong ids get a safe stand-in."""
        safe = safe_sender_id(sender)
        assert safe != sender and encodes(safe) and len(safe) <= MAX_SENDER_ID_CHARS
        assert safe.startswith(sender[:1])  # still readable

    def test_numbers_become_strings(self) -> None:
        """Rasa's UserMessage makes a str of any sender; so does this."""
        assert safe_sender_id(42) == "42"

    @given(st.text(max_size=400))
    def test_safe_stable_and_idempotent(self, sender: str) -> None:
        """Any id maps to an encodable, short, control-free id, the same every time."""
        safe = safe_sender_id(sender)
        assert encodes(safe) and len(safe) <= MAX_SENDER_ID_CHARS
        assert not any(ch in safe for ch in CONTROL)
        assert safe_sender_id(sender) == safe and safe_sender_id(safe) == safe

    @given(st.text(max_size=40), st.text(max_size=40))
    def test_distinct_ids_stay_distinct(self, first: str, second: str) -> None:
        """Two customers never end up in one conversation."""
        if first != second:
            assert safe_sender_id(first) != safe_sender_id(second)


class TestSafeText:
    def test_replacements(self) -> None:
        """One U+FFFD per unsafe character; tabs and line breaks stay."""
        assert safe_text("a\x00b\ud800c\x1b[2K\td\r\ne") == "a\ufffdb\ufffdc\ufffd[2K\td\r\ne"

    @given(st.text())
    def test_same_length_and_encodable(self, text: str) -> None:
        """Offsets into the text (PII spans) stay valid, and UTF-8 can always encode it."""
        safe = safe_text(text)
        assert len(safe) == len(text) and encodes(safe) and is_safe_text(safe)
        assert safe_text(safe) == safe


class TestSafeJson:
    def test_strings_and_keys(self) -> None:
        """Every string is made safe, dictionary keys too; other values stay."""
        cleaned = safe_json({"k\x00": ["v\ud800", 1, None, True]})
        assert cleaned == {"k\ufffd": ["v\ufffd", 1, None, True]}

    def test_deep_nesting_is_cut(self) -> None:
        """1000 levels become 32 and a marker; no recursion limit is reached."""
        cut = safe_json(nested(1000))
        assert not depth_exceeds(cut, 33) and TOO_DEEP in str(cut)

    @pytest.mark.parametrize(
        ("levels", "too_deep"), [(1, False), (32, False), (33, True), (5000, True)]
    )
    def test_depth_exceeds(self, levels: int, too_deep: bool) -> None:
        """Depth is measured without recursion, at any depth."""
        assert depth_exceeds(nested(levels), 32) is too_deep
