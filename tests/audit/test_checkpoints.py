"""Checkpoints: when the writer signs, the head file, and what a restarted writer notes."""

from __future__ import annotations

import errno
import json
import os
import threading
import time
from pathlib import Path

import pytest

import rasa_ethics.audit.head as head_module
from rasa_ethics.audit.files import trail_files
from rasa_ethics.audit.head import head_path
from rasa_ethics.audit.signing import SigningKeyError
from rasa_ethics.audit.verify import verify_trail
from rasa_ethics.audit.writer import AuditWriter

from .audit_testlib import checkpoints, head_seq, records_of, write_trail
from .audit_testlib import verify_cli as verify

ENV = "RASA_ETHICS_AUDIT_SIGNING_KEY"


class TestRestart:
    def test_a_clean_restart_notes_nothing(self, trail: Path) -> None:
        """A writer that starts on an intact trail continues it; verify passes."""
        write_trail(trail, 3)
        files = write_trail(trail, 3)
        assert not [r for r in records_of(trail) if r["type"] == "integrity"]
        assert verify_trail(files).ok

    def test_a_tail_cut_while_stopped_is_recorded(self, trail: Path) -> None:
        """A tail cut while the bot was stopped stays visible after the next writer signs on."""
        write_trail(trail, 1500)
        lines = trail.read_bytes().splitlines(keepends=True)
        trail.write_bytes(b"".join(lines[:-5]))
        files = write_trail(trail, 3)
        notes = [r for r in records_of(trail) if r["type"] == "integrity"]
        assert [(n["problem"], n["head_seq"], n["trail_seq"]) for n in notes] == [
            ("cut", len(lines) - 1, len(lines) - 6)
        ]
        problem = verify_trail(files).problem  # the note sits in a bulk-checked run of lines
        assert problem is not None and problem.seq == notes[0]["seq"]
        assert "the writer found the trail cut when it started" in problem.message

    def test_a_deleted_active_file_is_recorded(self, trail: Path) -> None:
        """The active file deleted while stopped: the next writer notes it."""
        write_trail(trail, 60, rotate_max_bytes=3000)
        trail.unlink()
        files = write_trail(trail, 1)
        notes = [r for r in records_of(trail) if r["type"] == "integrity"]
        assert [n["problem"] for n in notes] == ["cut"]
        assert not verify_trail(files).ok

    def test_deleted_files_are_recorded(self, trail: Path) -> None:
        """Every trail file deleted while stopped, the head left: the new trail says so."""
        write_trail(trail, 3)
        trail.unlink()
        files = write_trail(trail, 1)
        notes = [r for r in records_of(trail) if r["type"] == "integrity"]
        assert [(n["problem"], n["head_seq"]) for n in notes] == [("files_missing", 7)]
        assert "the files were deleted" in str(verify_trail(files).problem)

    def test_a_deleted_head_is_recorded(self, trail: Path) -> None:
        """The head deleted while stopped: noted, because the trail may have been cut with it."""
        write_trail(trail, 3)
        head_path(trail).unlink()
        files = write_trail(trail, 1)
        assert [r["problem"] for r in records_of(trail) if r["type"] == "integrity"] == [
            "head_missing"
        ]
        assert "head file missing" in str(verify_trail(files).problem)

    def test_another_key_is_refused(
        self, trail: Path, keyfile: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A writer whose key did not sign the trail refuses to start, and changes nothing."""
        files = write_trail(trail, 3)
        before = trail.read_bytes()
        monkeypatch.setenv(ENV, keyfile.read_text())
        with pytest.raises(SigningKeyError, match="is signed with key .* configured signing key"):
            AuditWriter(trail, fsync="never")
        assert trail.read_bytes() == before and verify_trail(files).ok
        AuditWriter(trail, fsync="never", signing_key_env=None).close()  # the lock was released


class TestSchedule:
    def test_every_n_records(self, trail: Path) -> None:
        """With ``checkpoint_every: 4`` no more than 4 records go unsigned."""
        writer = AuditWriter(trail, fsync="never", checkpoint_every=4)
        for index in range(20):
            writer.write("action", {"action": f"a{index}"})
        writer.close()
        seqs = [r["seq"] for r in checkpoints(trail)]
        gaps = [b - a for a, b in zip(seqs, seqs[1:], strict=False)]
        assert len(seqs) >= 6 and max(gaps) <= 5
        assert verify_trail(trail_files(trail)).ok

    def test_a_quiet_writer_signs_within_seconds(
        self, trail: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Records of a writer that then goes quiet are signed after ``checkpoint_seconds``."""
        writer = AuditWriter(trail, fsync="never", checkpoint_seconds=0.2)
        try:
            assert writer.flush()
            for index in range(3):
                writer.write("action", {"action": f"a{index}"})
            assert writer.flush()
            last = json.loads(trail.read_bytes().splitlines()[-1])
            assert last["type"] == "action"
            deadline = time.monotonic() + 5
            while head_seq(trail) <= last["seq"]:
                assert time.monotonic() < deadline, "no checkpoint after the quiet interval"
                time.sleep(0.05)
            time.sleep(0.1)
            code, out, _ = verify(capsys, trail)  # while the writer is still running
            assert code == 0 and "not signed yet" not in out
            assert checkpoints(trail)[-1]["reason"] == "time"
        finally:
            writer.close()

    def test_verify_while_the_writer_signs(self, trail: Path) -> None:
        """A trail verified while its writer appends and signs never looks cut or rewritten."""
        writer = AuditWriter(trail, fsync="never", checkpoint_every=3)
        stop = threading.Event()

        def produce() -> None:
            index = 0
            while not stop.is_set():
                writer.write("action", {"action": f"a{index}"})
                index += 1
                time.sleep(0.001)

        producer = threading.Thread(target=produce, daemon=True)
        producer.start()
        try:
            seen = []
            for _ in range(20):
                result = verify_trail(trail_files(trail))
                # a reader may catch a batch half written (the last line without its newline)
                if result.problem is not None and "incomplete" not in result.problem.message:
                    seen.append(str(result.problem))
                time.sleep(0.01)
        finally:
            stop.set()
            producer.join()
            writer.close()
        assert seen == []
        assert verify_trail(trail_files(trail)).ok

    def test_the_head_follows_a_burst_within_a_second(
        self, trail: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Checkpoints in quick succession rewrite the head about once a second, not each time."""
        writes = []
        real = head_module._write_head

        def counted(path: Path, fields: dict, sync: bool) -> None:
            writes.append(fields["seq"])
            real(path, fields, sync)

        monkeypatch.setattr(head_module, "_write_head", counted)
        writer = AuditWriter(trail, fsync="never", checkpoint_every=2, checkpoint_seconds=60)
        try:
            for index in range(60):
                writer.write("action", {"action": f"a{index}"})
            assert writer.flush()
            newest = checkpoints(trail)[-1]["seq"]
            deadline = time.monotonic() + 5
            while head_seq(trail) != newest:
                assert time.monotonic() < deadline, "the head never caught up"
                time.sleep(0.05)
        finally:
            writer.close()
        assert len(checkpoints(trail)) > 30
        assert len(writes) <= 5, writes  # start, at most a couple while busy, the last, stop

    def test_a_refused_head_write_keeps_the_old_head(
        self, trail: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """While the head cannot be replaced the old one stays valid; the next write catches up."""
        monkeypatch.setattr(head_module, "HEAD_EVERY", 0.0)  # every checkpoint tries the head
        real = os.replace
        attempts = []

        def full(src: str, dst: str) -> None:  # only the head is replaced while the writer runs
            attempts.append(dst)
            raise OSError(errno.ENOSPC, "No space left on device")

        writer = AuditWriter(trail, fsync="never", checkpoint_every=2)
        try:
            assert writer.flush()
            before = head_seq(trail)
            monkeypatch.setattr(os, "replace", full)
            for index in range(6):
                writer.write("action", {"action": f"a{index}"})
            assert writer.flush()
            # The writer retries the head at once while HEAD_EVERY is 0: space the retries out,
            # and flush once more, so that no attempt is under way while the files are looked at
            monkeypatch.setattr(head_module, "HEAD_EVERY", 3600.0)
            assert writer.flush()
            assert len(checkpoints(trail)) >= 3  # the trail itself was written and signed
            assert attempts, "the head was never tried"
            assert head_seq(trail) == before
            assert not trail.with_name("audit.jsonl.head.tmp").exists()
            assert verify_trail(trail_files(trail)).ok
            monkeypatch.setattr(os, "replace", real)
        finally:
            writer.close()
        assert head_seq(trail) == checkpoints(trail)[-1]["seq"]
        assert verify_trail(trail_files(trail)).ok
