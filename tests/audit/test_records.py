"""Tests for the record format: canonical JSON, sealing, line splitting, timestamps."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rasa_ethics.audit.records import GENESIS, canonical, format_ts, seal, split_line

_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


class TestCanonical:
    def test_sorted_compact_ascii(self) -> None:
        """Keys are sorted, there is no whitespace and non-ASCII is escaped."""
        assert canonical({"b": 1, "a": "é"}) == '{"a":"\\u00e9","b":1}'

    def test_rejects_nan(self) -> None:
        """NaN has no canonical JSON form and is refused."""
        with pytest.raises(ValueError):
            canonical({"x": float("nan")})


class TestSeal:
    def test_hash_is_sha256_of_canonical_record_without_hash(self) -> None:
        """The hash covers the canonical JSON of the record without ``hash``."""
        record = {"seq": 0, "prev": GENESIS, "type": "start", "ts": "t"}
        line, digest = seal(record)
        assert digest == hashlib.sha256(canonical(record).encode()).hexdigest()
        assert json.loads(line) == {**record, "hash": digest}
        assert line.endswith(f',"hash":"{digest}"}}\n')

    @given(st.dictionaries(st.text(min_size=1), _values, max_size=6))
    def test_split_line_returns_the_hashed_body(self, fields: dict) -> None:
        """For any fields, splitting a sealed line gives back the hashed bytes and the hash."""
        fields.pop("hash", None)
        line, digest = seal(fields)
        body, found = split_line(line.rstrip("\n").encode())
        assert found.decode() == digest
        assert hashlib.sha256(body).hexdigest() == digest
        assert json.loads(body) == json.loads(canonical(fields))

    def test_split_line_rejects_a_line_without_hash(self) -> None:
        """A line that does not end with the hash member is malformed."""
        with pytest.raises(ValueError):
            split_line(b'{"seq":1}')


class TestFormatTs:
    @pytest.mark.parametrize(
        ("seconds", "expected"),
        [
            (0.0, "1970-01-01T00:00:00.000000Z"),
            (1795748600.25, "2026-11-27T03:03:20.250000Z"),
            (1.9999999, "1970-01-01T00:00:02.000000Z"),
        ],
    )
    def test_utc_iso_with_microseconds(self, seconds: float, expected: str) -> None:
        """Timestamps are UTC ISO 8601 with six fractional digits and a Z."""
        assert format_ts(seconds) == expected
