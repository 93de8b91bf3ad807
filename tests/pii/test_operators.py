"""rasa_ethics.pii.operators."""

from __future__ import annotations

import pytest

from rasa_ethics.pii.errors import PIIConfigError
from rasa_ethics.pii.operators import build_operator, canonical, read_hash_key
from rasa_ethics.policy.schema import Operator


class TestOperators:
    """replace, mask, drop and the keyed hash."""

    def test_replace_mask_drop(self):
        """Placeholders name the type; masks keep the length; drop removes the value."""
        assert build_operator(Operator.replace)("email", "a@b.co") == "<EMAIL>"
        assert build_operator(Operator.mask)("credit_card", "4111 1111") == "*********"
        assert build_operator(Operator.drop)("person", "Ann") == ""

    def test_hash_is_keyed_and_stable(self):
        """The same value and key give the same token; another key gives another token."""
        first = build_operator(Operator.hash, b"k1")
        assert first("email", "Jane@Example.com") == first("email", "jane@example.com")
        assert first("phone", "+44 20 7946 0958") == first("phone", "+44-20-7946-0958")
        assert first("email", "a@b.co") != build_operator(Operator.hash, b"k2")("email", "a@b.co")
        token = first("email", "a@b.co")
        assert token.startswith("<EMAIL_") and len(token) == len("<EMAIL_12345678>")

    def test_hash_needs_a_key(self, monkeypatch):
        """An unset key variable fails closed, naming the variable and a fix."""
        monkeypatch.delenv("NO_SUCH_KEY", raising=False)
        with pytest.raises(PIIConfigError, match="NO_SUCH_KEY"):
            read_hash_key("NO_SUCH_KEY")
        with pytest.raises(PIIConfigError):
            build_operator(Operator.hash, None)

    def test_canonical(self):
        """Numbers lose separators; other values lose case and extra spaces."""
        assert canonical("iban", "GB82 west 1234") == "gb82west1234"
        assert canonical("person", " Jane   DOE ") == "jane doe"
