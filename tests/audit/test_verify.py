"""Tests for ``verify_trail``: any change to a trail is found and the first bad record is named."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rasa_ethics.audit.files import discover_trails, trail_files
from rasa_ethics.audit.verify import verify_trail

from .audit_testlib import write_trail


def lines_of(path: Path) -> list[bytes]:
    """The lines of ``path`` with their newlines."""
    return path.read_bytes().splitlines(keepends=True)


@pytest.fixture
def small(trail: Path) -> list[Path]:
    """A one-file trail of 10 records: rotate, start, checkpoint, 5 actions, stop, checkpoint."""
    return write_trail(trail, 5)


class TestIntact:
    def test_intact_trail_passes(self, small: list[Path]) -> None:
        """An untouched trail verifies and reports its head."""
        result = verify_trail(small)
        assert result.ok and result.records == 10 and result.head_seq == 9

    def test_fast_mode_passes(self, small: list[Path]) -> None:
        """The fast mode (no canonical-form check) accepts an intact trail too."""
        assert verify_trail(small, strict=False).ok

    def test_large_trail_uses_the_bulk_path(self, trail: Path) -> None:
        """Thousands of records (several bulk chunks) verify."""
        files = write_trail(trail, 2500)
        assert verify_trail(files).records == 2507  # and 4 checkpoints: start, 2 of 1000, stop


class TestByteFlips:
    def test_every_single_byte_change_of_a_record_is_found(self, small: list[Path]) -> None:
        """Changing any one byte of a record, its newline included, fails at that record's line."""
        path = small[0]
        lines = lines_of(path)
        before = sum(len(line) for line in lines[:3])
        original = path.read_bytes()
        for offset in range(len(lines[3])):
            for replace in _replacements(original[before + offset]):
                data = bytearray(original)
                data[before + offset] = replace
                path.write_bytes(bytes(data))
                result = verify_trail(small)
                assert result.problem is not None, (offset, bytes([replace]))
                assert result.problem.line == 4 and result.problem.file == path
        path.write_bytes(original)
        assert verify_trail(small).ok

    # the file is restored after each example, so sharing the fixture is safe
    @settings(
        max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(position=st.integers(min_value=0), value=st.integers(min_value=0, max_value=255))
    def test_any_byte_anywhere(self, small: list[Path], position: int, value: int) -> None:
        """Overwriting any byte of the file with any other value is detected."""
        path = small[0]
        original = path.read_bytes()
        position %= len(original)
        if original[position] == value:
            return
        data = bytearray(original)
        data[position] = value
        path.write_bytes(bytes(data))
        try:
            assert not verify_trail(small).ok
        finally:
            path.write_bytes(original)


def _replacements(byte: int) -> list[int]:
    """Bit flips plus a space, a newline and a quote, minus the byte itself."""
    candidates = {byte ^ 0x01, byte ^ 0x20, byte ^ 0x80, 0x20, 0x0A, 0x22}
    return sorted(candidates - {byte})


class TestEdits:
    def test_deleted_record(self, small: list[Path]) -> None:
        """Deleting a record fails at the record after it, with the seq mismatch explained."""
        lines = lines_of(small[0])
        small[0].write_bytes(b"".join(lines[:4] + lines[5:]))
        problem = verify_trail(small).problem
        assert problem is not None and (problem.line, problem.seq) == (5, 5)
        assert "seq is 5, expected 4" in problem.message

    def test_swapped_records(self, small: list[Path]) -> None:
        """Swapping two records fails at the first of them."""
        lines = lines_of(small[0])
        lines[3], lines[4] = lines[4], lines[3]
        small[0].write_bytes(b"".join(lines))
        problem = verify_trail(small).problem
        assert problem is not None and problem.line == 4
        assert str(problem).startswith(f"{small[0]}:4: seq 4: seq is 4, expected 3")

    def test_duplicated_record(self, small: list[Path]) -> None:
        """Repeating a record fails at the copy."""
        lines = lines_of(small[0])
        small[0].write_bytes(b"".join(lines[:4] + lines[3:]))
        assert verify_trail(small).problem.line == 5  # type: ignore[union-attr]

    def test_truncated_last_line(self, small: list[Path]) -> None:
        """A last line without its newline is reported as incomplete."""
        small[0].write_bytes(small[0].read_bytes()[:-10])
        problem = verify_trail(small).problem
        assert problem is not None and problem.line == 10 and "incomplete" in problem.message

    def test_rewritten_record_with_recomputed_hash(self, small: list[Path]) -> None:
        """A record rewritten with a fresh hash still breaks the link from the next record."""
        import json

        from rasa_ethics.audit.records import seal

        lines = lines_of(small[0])
        record = json.loads(lines[3])
        del record["hash"]
        record["action"] = "utter_forged"
        lines[3] = seal(record)[0].encode()
        small[0].write_bytes(b"".join(lines))
        problem = verify_trail(small).problem
        assert problem is not None and problem.line == 5 and "prev" in problem.message

    def test_non_canonical_line_with_valid_hash(self, small: list[Path]) -> None:
        """A hash computed over non-canonical JSON fails the canonical check, not the hash check.

        The fast mode skips that check, but the signed head still names the original hash.
        """
        import hashlib

        lines = lines_of(small[0])
        body = lines[-1][: -(75 + 1)] + b"}"
        spaced = body.replace(b'","', b'", "', 1)
        digest = hashlib.sha256(spaced).hexdigest().encode()
        lines[-1] = spaced[:-1] + b',"hash":"' + digest + b'"}\n'
        small[0].write_bytes(b"".join(lines))
        problem = verify_trail(small).problem
        assert problem is not None and "canonical" in problem.message
        fast = verify_trail(small, strict=False).problem
        assert fast is not None and "is not the checkpoint the signed head names" in fast.message

    def test_anchor_detects_a_cut_tail(self, small: list[Path]) -> None:
        """With a noted head hash, cutting records off the end is detected (the head file too)."""
        head = verify_trail(small).head_hash
        assert verify_trail(small, anchor=head).ok
        lines = lines_of(small[0])
        small[0].write_bytes(b"".join(lines[:-2]))
        problem = verify_trail(small).problem
        assert problem is not None and "its tail was cut off" in problem.message
        small[0].with_name("audit.jsonl.head").unlink()  # the head gone as well: the anchor sees it
        problem = verify_trail(small, anchor=head).problem
        assert problem is not None and "head file is missing" in problem.message


class TestRotatedFiles:
    @pytest.fixture
    def rotated(self, trail: Path) -> list[Path]:
        """A trail of five or more files."""
        files = write_trail(trail, 120, rotate_max_bytes=3000)
        assert len(files) >= 5
        return files

    def test_dropped_middle_file(self, rotated: list[Path]) -> None:
        """Deleting a rotated file fails at the first record of the file after it."""
        rotated[2].unlink()
        files = trail_files(rotated[-1])
        problem = verify_trail(files).problem
        assert problem is not None and problem.file == rotated[3] and problem.line == 1
        assert "rotated file is missing" in problem.message

    def test_dropped_oldest_file(self, rotated: list[Path]) -> None:
        """Deleting the oldest file fails unless archiving is declared."""
        rotated[0].unlink()
        files = trail_files(rotated[-1])
        problem = verify_trail(files).problem
        assert problem is not None and "oldest records or files are missing" in problem.message
        assert verify_trail(files, allow_missing_start=True).ok

    def test_renamed_files(self, rotated: list[Path]) -> None:
        """Swapping the names of two rotated files is detected."""
        a, b = rotated[1], rotated[2]
        tmp = a.with_name("swap")
        os.rename(a, tmp)
        os.rename(b, a)
        os.rename(tmp, b)
        assert not verify_trail(trail_files(rotated[-1])).ok

    def test_discovery_from_directory_or_active_file(self, rotated: list[Path]) -> None:
        """A directory or the active file stands for the whole trail, in order."""
        active = rotated[-1]
        assert discover_trails([active.parent]) == {active: rotated}
        assert discover_trails([active]) == {active: rotated}
        assert discover_trails([rotated[1]]) == {rotated[1]: [rotated[1]]}
