"""Tests for the bulk checks behind ``verify``, and for verifying in worker processes."""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from typing import Any

import pytest

from rasa_ethics.audit import _scan
from rasa_ethics.audit._scan import plan_segments, scan_lines
from rasa_ethics.audit.files import trail_files
from rasa_ethics.audit.records import seal
from rasa_ethics.audit.verify import verify_trail

from .audit_testlib import write_trail


def lines_of(path: Path) -> list[bytes]:
    """The lines of ``path`` without their newlines."""
    return path.read_bytes().splitlines()


def resealed(line: bytes, edit: bytes, replacement: bytes) -> bytes:
    """``line`` with ``edit`` replaced and a hash recomputed over the edited bytes."""
    body = line[:-75].replace(edit, replacement, 1) + b"}"
    digest = hashlib.sha256(body).hexdigest().encode()
    return body[:-1] + b',"hash":"' + digest + b'"}'


class TestScanLines:
    def test_intact_run(self, trail: Path) -> None:
        """An intact run reports its length, its first link and its last hash."""
        lines = lines_of(write_trail(trail, 10)[0])
        run = scan_lines(lines[3:], strict=True)
        assert run is not None and run.count == len(lines) - 3 and run.first_seq == 3
        assert run.first_prev == json.loads(lines[2])["hash"]
        assert run.last_hash == json.loads(lines[-1])["hash"]

    @pytest.mark.parametrize(
        ("edit", "replacement", "strict_only"),
        [
            (b'","', b'", "', True),  # whitespace
            (b'"policy_version":"testpolicy"', b'"policy_version":"test\\u0070olicy"', True),
            (b'"confidence":0.5', b'"confidence":0.50', True),  # number form
            (b'"confidence":0.5', b'"confidence":NaN', False),  # not canonical JSON at all
            (b'"seq":4', b'"seq":true', False),  # seq must be an int
            (b'"type":"action"', b'"type":1', False),  # type must be a string
        ],
    )
    def test_resealed_edits_are_refused(
        self, trail: Path, edit: bytes, replacement: bytes, strict_only: bool
    ) -> None:
        """A line edited and re-hashed is refused (the fast mode only checks JSON and fields)."""
        lines = lines_of(write_trail(trail, 10)[0])
        assert edit in lines[4]
        lines[4] = resealed(lines[4], edit, replacement)
        assert scan_lines(lines[4:5], strict=True) is None
        assert (scan_lines(lines[4:5], strict=False) is None) is not strict_only

    def test_two_records_on_one_line(self, trail: Path) -> None:
        """A line that holds two records is refused even though it parses and hashes."""
        lines = lines_of(write_trail(trail, 4)[0])
        first = json.loads(lines[2])
        second = json.loads(lines[3])
        del first["hash"], second["hash"]
        body = seal(first)[0].encode()[:-76] + b"}," + seal(second)[0].encode()[:-77]
        digest = hashlib.sha256(body + b"}").hexdigest().encode()
        assert scan_lines([body + b',"hash":"' + digest + b'"}'], strict=True) is None

    def test_broken_link(self, trail: Path) -> None:
        """Two intact lines that do not follow each other are refused as a run."""
        lines = lines_of(write_trail(trail, 6)[0])
        assert scan_lines([lines[2], lines[4]], strict=True) is None
        assert scan_lines([], strict=True) is None


class TestPlanSegments:
    def test_cuts_at_line_starts(self, trail: Path) -> None:
        """Segments cover the file after the header exactly, each starting at a line start."""
        path = write_trail(trail, 200)[0]
        data = path.read_bytes()
        header = data.index(b"\n") + 1
        bounds = plan_segments(path, header, len(data), 2000)
        assert bounds[0][0] == header and bounds[-1][1] == len(data) and len(bounds) > 5
        assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:], strict=False))
        assert all(data[start - 1 : start] == b"\n" for start, _ in bounds)


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Verify even small trails in two worker processes, in segments of about 20 records."""
    monkeypatch.setattr(_scan, "SEGMENT_BYTES", 6000)
    monkeypatch.setattr(_scan, "PARALLEL_MIN_BYTES", 1)


@pytest.mark.usefixtures("parallel")
class TestParallel:
    @pytest.fixture
    def files(self, trail: Path) -> list[Path]:
        """A trail of three files, about 30 segments."""
        return write_trail(trail, 600, rotate_max_bytes=60_000)

    def same_as_in_process(self, files: list[Path], **options: Any) -> str:
        """Verify with 2 workers and in-process; the results must agree; return the problem."""
        both = [verify_trail(files, jobs=jobs, **options) for jobs in (2, 1)]
        assert [r.workers for r in both] == [2, 1]
        seen = [(r.records, r.head_seq, r.head_hash, r.problem) for r in both]
        assert seen[0] == seen[1]
        return str(both[0].problem)

    def test_intact(self, files: list[Path]) -> None:
        """An intact trail verifies the same in workers as in this process."""
        assert len(files) == 3
        assert self.same_as_in_process(files) == "None"
        assert self.same_as_in_process(files, strict=False) == "None"

    def test_flipped_byte_in_a_late_segment(self, files: list[Path]) -> None:
        """A changed byte deep in the second file is named by file, line and seq."""
        data = bytearray(files[1].read_bytes())
        data[len(data) * 3 // 4] ^= 0x01
        files[1].write_bytes(bytes(data))
        problem = self.same_as_in_process(files)
        assert problem.startswith(f"{files[1]}:") and "hash mismatch" in problem

    def test_deleted_and_swapped_records(self, files: list[Path]) -> None:
        """A deleted record, then two swapped ones, are found at the same line as in-process."""
        lines = files[1].read_bytes().splitlines(keepends=True)
        files[1].write_bytes(b"".join(lines[:90] + lines[91:]))
        assert "a record is missing" in self.same_as_in_process(files)
        lines[90], lines[91] = lines[91], lines[90]
        files[1].write_bytes(b"".join(lines))
        assert f"{files[1]}:91: " in self.same_as_in_process(files)

    def test_dropped_rotated_file(self, files: list[Path]) -> None:
        """A missing middle file breaks the chain at the next file's first line."""
        files[1].unlink()
        problem = self.same_as_in_process(trail_files(files[-1]))
        assert problem.startswith(f"{files[2]}:1: ") and "rotated file is missing" in problem

    def test_with_other_threads_running(self, files: list[Path]) -> None:
        """A process with other threads gets its workers from a fork server, same result."""
        stop = threading.Event()
        other = threading.Thread(target=stop.wait)
        other.start()
        try:
            data = bytearray(files[2].read_bytes())
            data[len(data) // 2] ^= 0x20
            files[2].write_bytes(bytes(data))
            assert self.same_as_in_process(files).startswith(f"{files[2]}:")
        finally:
            stop.set()
            other.join()

    def test_torn_tail_and_anchor(self, files: list[Path]) -> None:
        """An anchor in a late segment is found; a torn last line is reported."""
        head = verify_trail(files, jobs=1).head_hash
        middle = json.loads(files[1].read_bytes().splitlines()[-5])["hash"]
        assert self.same_as_in_process(files, anchor=middle) == "None"
        assert self.same_as_in_process(files, anchor=head) == "None"
        files[-1].write_bytes(files[-1].read_bytes()[:-10])
        assert "incomplete" in self.same_as_in_process(files)
