"""Tests for the background writer: chain, file modes, rotation, restarts, disk errors, overload."""

from __future__ import annotations

import errno
import json
import os
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from rasa_ethics.audit.files import AuditFile, rotated_name, trail_files
from rasa_ethics.audit.verify import verify_trail
from rasa_ethics.audit.writer import AuditWriter

from .audit_testlib import records_of, write_trail


class TestChain:
    def test_intact_trail_verifies(self, trail: Path) -> None:
        """A trail written by the writer verifies, with seq 0..n-1 and linked hashes."""
        files = write_trail(trail, 50)
        result = verify_trail(files)
        assert result.ok, result.problem
        records = records_of(trail)
        assert [r["seq"] for r in records] == list(range(len(records)))
        assert [r["type"] for r in records[:3]] == ["rotate", "start", "checkpoint"]
        assert [r["type"] for r in records[-2:]] == ["stop", "checkpoint"]
        assert all(r["prev"] == p["hash"] for p, r in zip(records, records[1:], strict=False))
        assert result.head_hash == records[-1]["hash"]

    def test_restart_continues_the_chain(self, trail: Path) -> None:
        """A second writer on the same trail continues seq and prev where the first stopped."""
        write_trail(trail, 3)
        files = write_trail(trail, 3)
        assert verify_trail(files).ok
        types = [r["type"] for r in records_of(trail)]
        assert types.count("start") == 2 and types.count("rotate") == 1

    def test_torn_tail_is_cut_and_noted(self, trail: Path) -> None:
        """A half-written last line (a crash) is cut on restart and an error record says so."""
        write_trail(trail, 3)
        with open(trail, "ab") as handle:
            handle.write(b'{"half":')
        files = write_trail(trail, 1)
        assert verify_trail(files).ok
        notes = [r for r in records_of(trail) if r["type"] == "error"]
        assert notes == [{**notes[0], "kind": "torn_tail", "bytes": 8}]

    def test_second_writer_on_the_same_trail_is_refused(
        self, make_writer: Callable[..., AuditWriter]
    ) -> None:
        """Two writers on one trail would fork the chain, so the second one fails at start-up."""
        make_writer()
        with pytest.raises(RuntimeError, match="another writer"):
            make_writer()

    def test_policy_version_on_every_record(self, trail: Path) -> None:
        """Records carry their policy version; the writer's own records carry the latest one."""
        writer = AuditWriter(trail, fsync="never", policy_version="v1")
        writer.write("action", {"action": "a", "policy_version": "v2"})
        writer.close()
        versions = [(r["type"], r["policy_version"]) for r in records_of(trail)]
        assert versions == [
            ("rotate", "v1"),
            ("start", "v1"),
            ("checkpoint", "v1"),
            ("action", "v2"),
            ("stop", "v2"),
            ("checkpoint", "v2"),
        ]


class TestWriterErrors:
    def test_unserialisable_record_becomes_a_gap(self, trail: Path) -> None:
        """A record that cannot be serialised is counted in a gap; the chain stays intact."""
        writer = AuditWriter(trail, fsync="never")
        writer.write("action", {"action": "bad", "value": {1, 2}})
        writer.write("action", {"action": "good"})
        writer.close()
        records = records_of(trail)
        gap = next(r for r in records if r["type"] == "gap")
        assert (gap["reason"], gap["dropped"]) == ("writer_error", 1)
        assert [r["action"] for r in records if r["type"] == "action"] == ["good"]
        assert verify_trail(trail_files(trail)).ok

    def test_resume_after_the_active_file_vanished(self, trail: Path) -> None:
        """If only rotated files are left, a new active file links to the newest of them."""
        write_trail(trail, 40, rotate_max_bytes=3000)
        first = json.loads(trail.read_bytes().splitlines()[0])
        trail.rename(trail.with_name(rotated_name(trail, first["ts"], first["seq"])))
        files = write_trail(trail, 1)
        header = json.loads(trail.read_bytes().splitlines()[0])
        assert (header["reason"], header["prev_file"]) == ("resume", files[-2].name)
        assert verify_trail(files).ok


class TestFiles:
    def test_private_modes(self, trail: Path) -> None:
        """Audit files are created 0600 and the directory 0700."""
        files = write_trail(trail, 1, rotate_max_bytes=1)
        assert len(files) > 1
        for path in files + [trail.with_name("audit.jsonl.lock")]:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(trail.parent.stat().st_mode) == 0o700

    def test_rotation_by_size_keeps_the_chain(self, trail: Path) -> None:
        """Size rotation makes several sorted files whose headers link them into one chain."""
        files = write_trail(trail, 200, rotate_max_bytes=4000)
        assert len(files) > 3 and files[-1] == trail
        # a file ends with the record that passed the size and the checkpoint that signs it
        assert all(path.stat().st_size < 4000 + 400 + 600 for path in files)
        assert verify_trail(files).ok
        headers = [json.loads(path.read_bytes().splitlines()[0]) for path in files]
        assert [h["type"] for h in headers] == ["rotate"] * len(files)
        assert [h["prev_file"] for h in headers] == [None] + [p.name for p in files[:-1]]
        assert {h["reason"] for h in headers[1:]} == {"size"}

    def test_daily_rotation(self, trail: Path) -> None:
        """A record stamped on a new UTC day starts a new file."""
        now = [1_795_700_000.0]  # 2026-11-26T13:33:20Z
        writer = AuditWriter(trail, fsync="never", rotate_daily=True, clock=lambda: now[0])
        for step in (0, 3600, 86_400, 3600, 86_400):
            now[0] += step
            writer.write("action", {"action": "a"})
        writer.close()
        files = trail_files(trail)
        assert [path.name for path in files] == [
            "audit.20261126T133320Z-000000000000.jsonl",
            "audit.20261127T143320Z-000000000006.jsonl",
            "audit.jsonl",
        ]
        assert verify_trail(files).ok


class TestDiskErrors:
    def test_disk_full_counts_a_gap(self, trail: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """While writes fail with ENOSPC, publishing never raises; a gap record counts the loss."""
        monkeypatch.setattr("rasa_ethics.audit._appender._RETRY_SECONDS", 0.01)
        writer = AuditWriter(trail, fsync="never")
        assert writer.flush()
        real_write = AuditFile.write

        def disk_full(self: AuditFile, data: bytes) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(AuditFile, "write", disk_full)
        for index in range(5):
            writer.write("action", {"action": f"lost_{index}"})
        assert writer.flush()
        assert writer.dropped == 5
        monkeypatch.setattr(AuditFile, "write", real_write)
        time.sleep(0.02)
        writer.write("action", {"action": "kept"})
        writer.close()
        records = records_of(trail)
        gap = next(r for r in records if r["type"] == "gap")
        assert gap["dropped"] == 5 and gap["reason"] == "disk_error" and gap["errno"] == "ENOSPC"
        assert [r["action"] for r in records if r["type"] == "action"] == ["kept"]
        assert not any("lost" in json.dumps(r) for r in records)
        assert verify_trail(trail_files(trail)).ok

    def test_partial_write_is_cut_back(self, trail: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A batch that reached the disk only in part is truncated, so the file stays verifiable."""
        monkeypatch.setattr("rasa_ethics.audit._appender._RETRY_SECONDS", 0.0)
        writer = AuditWriter(trail, fsync="never")
        assert writer.flush()
        real_write = AuditFile.write
        calls = []

        def half_then_full(self: AuditFile, data: bytes) -> None:
            calls.append(len(data))
            real_write(self, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(AuditFile, "write", half_then_full)
        writer.write("action", {"action": "lost"})
        assert writer.flush()
        monkeypatch.setattr(AuditFile, "write", real_write)
        writer.write("action", {"action": "kept"})
        writer.close()
        assert calls
        assert verify_trail(trail_files(trail)).ok
        assert next(r for r in records_of(trail) if r["type"] == "gap")["dropped"] == 1


class TestOverload:
    def _stall(self, monkeypatch: pytest.MonkeyPatch) -> threading.Event:
        """Make every batch write wait until the returned event is set."""
        release = threading.Event()
        real_write = AuditFile.write

        def slow(self: AuditFile, data: bytes) -> None:
            release.wait(5)
            real_write(self, data)

        monkeypatch.setattr(AuditFile, "write", slow)
        return release

    def test_drop_counts_and_never_blocks(
        self, trail: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With a full queue in drop mode, write returns at once; a gap record counts the loss."""
        release = self._stall(monkeypatch)
        writer = AuditWriter(trail, fsync="never", queue_size=5, on_overload="drop")
        started = time.perf_counter()
        for index in range(100):
            writer.write("action", {"action": f"a{index}"})
        assert time.perf_counter() - started < 0.5
        assert writer.dropped > 0
        release.set()
        writer.close()
        records = records_of(trail)
        gap = next(r for r in records if r["type"] == "gap")
        kept = [r for r in records if r["type"] == "action"]
        assert gap["reason"] == "queue_full" and gap["dropped"] + len(kept) == 100
        assert verify_trail(trail_files(trail)).ok

    def test_block_waits_and_loses_nothing(
        self, trail: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With a full queue in block mode, write waits for room and every record is written."""
        release = self._stall(monkeypatch)
        writer = AuditWriter(trail, fsync="never", queue_size=5, on_overload="block")
        done = threading.Event()

        def produce() -> None:
            for index in range(50):
                writer.write("action", {"action": f"a{index}"})
            done.set()

        threading.Thread(target=produce, daemon=True).start()
        assert not done.wait(0.3), "the producer should be blocked while the disk stalls"
        release.set()
        assert done.wait(5)
        writer.close()
        records = records_of(trail)
        assert len([r for r in records if r["type"] == "action"]) == 50
        assert not [r for r in records if r["type"] == "gap"]


class TestFsync:
    @pytest.mark.parametrize(("mode", "minimum"), [("every", 4), ("batch", 1), ("never", 0)])
    def test_fsync_modes(
        self, trail: Path, monkeypatch: pytest.MonkeyPatch, mode: str, minimum: int
    ) -> None:
        """``every`` syncs each record, ``batch`` each batch, ``never`` not at all."""
        synced = []
        monkeypatch.setattr(AuditFile, "fsync", lambda self: synced.append(1))
        writer = AuditWriter(trail, fsync=mode)
        for _ in range(2):
            writer.write("action", {"action": "a"})
        writer.close()
        assert len(synced) >= minimum if minimum else not synced
        assert os.path.exists(trail)
