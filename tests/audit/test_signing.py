"""Signing keys, pinning, the checkpoint schedule, and what a restarted writer notes."""

from __future__ import annotations

import json
import os
import shutil
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from rasa_ethics.audit.files import trail_files
from rasa_ethics.audit.head import head_path, read_head
from rasa_ethics.audit.signing import SigningKeyError, load_signing_key
from rasa_ethics.audit.verify import verify_trail
from rasa_ethics.audit.writer import AuditWriter
from rasa_ethics.cli import main

from .audit_testlib import records_of, write_trail

ENV = "RASA_ETHICS_AUDIT_SIGNING_KEY"


def verify(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """``rasa-ethics audit verify ARGS``: exit code, stdout, stderr."""
    capsys.readouterr()
    code = main(["audit", "verify", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def checkpoints(trail: Path) -> list[dict]:
    """The checkpoint records of the trail."""
    return [r for r in records_of(trail) if r["type"] == "checkpoint"]


def head_seq(trail: Path) -> int:
    """The seq of the checkpoint the head file names (-1: no head yet)."""
    head = read_head(head_path(trail))
    return head.seq if head is not None else -1


@pytest.fixture
def keyfile(tmp_path: Path) -> Path:
    """A private key made by ``rasa-ethics audit keygen``, outside the audit folder."""
    path = tmp_path / "keys" / "audit-signing.pem"
    path.parent.mkdir()
    assert main(["audit", "keygen", str(path)]) == 0
    return path


class TestKeySources:
    def test_generated_key(self, trail: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Without a configured key one is generated (0600) and every checkpoint says so."""
        write_trail(trail, 3)
        key = trail.with_name("audit.jsonl.key")
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
        assert {(c["key_source"], c["key_ref"]) for c in checkpoints(trail)} == {
            ("generated", "audit.jsonl.key")
        }
        code, out, _ = verify(capsys, trail)
        assert code == 0
        assert "key_source: generated" in out and "anyone who can read that folder" in out
        assert "NOT pinned" in out

    def test_keygen(self, keyfile: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """keygen writes a 0600 private key and its public key, and never overwrites one."""
        assert stat.S_IMODE(keyfile.stat().st_mode) == 0o600
        assert b"BEGIN PUBLIC KEY" in keyfile.with_name(keyfile.name + ".pub").read_bytes()
        before = keyfile.read_bytes()
        assert main(["audit", "keygen", str(keyfile)]) == 1
        assert "never overwritten" in capsys.readouterr().err
        assert keyfile.read_bytes() == before

    def test_key_from_the_environment(
        self,
        trail: Path,
        keyfile: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """``$RASA_ETHICS_AUDIT_SIGNING_KEY`` holds the PEM; nothing is generated; pinning works."""
        monkeypatch.setenv(ENV, keyfile.read_text())
        write_trail(trail, 3)
        assert not trail.with_name("audit.jsonl.key").exists()
        assert {(c["key_source"], c["key_ref"]) for c in checkpoints(trail)} == {("env", ENV)}
        code, out, _ = verify(capsys, trail, "--public-key", f"{keyfile}.pub")
        assert code == 0
        assert ", pinned: " in out and "generated" not in out and "warning" not in out

    def test_key_file(self, trail: Path, keyfile: Path) -> None:
        """``signing_key_file`` names a PEM file; the checkpoints say which."""
        writer = AuditWriter(trail, fsync="never", signing_key_file=keyfile)
        writer.close()
        assert {(c["key_source"], c["key_ref"]) for c in checkpoints(trail)} == {
            ("file", str(keyfile))
        }

    def test_configuration_mistakes(
        self, trail: Path, keyfile: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Both sources at once, a key others can read, or a file that is no key: refused."""
        monkeypatch.setenv(ENV, keyfile.read_text())
        with pytest.raises(SigningKeyError, match="set only one"):
            load_signing_key(trail, keyfile)
        monkeypatch.delenv(ENV)
        os.chmod(keyfile, 0o644)
        with pytest.raises(SigningKeyError, match="readable by others"):
            load_signing_key(trail, keyfile)
        junk = keyfile.with_name("junk.pem")
        junk.write_text("not a key\n")
        os.chmod(junk, 0o600)
        with pytest.raises(SigningKeyError, match="audit keygen"):
            load_signing_key(trail, junk)

    def test_the_broker_takes_the_policy_key(
        self, keyfile: Path, policy_file: Callable[..., Path]
    ) -> None:
        """``audit.signing_key_file`` of the policy reaches the writer; a bad one fails at start."""
        from rasa_ethics.audit.broker import AuditConfigError, AuditEventBroker

        broker = AuditEventBroker(policy=policy_file(signing_key_file=str(keyfile)))
        assert broker.writer is not None
        trail = broker.writer.path
        broker.writer.close()
        assert {c["key_source"] for c in checkpoints(trail)} == {"file"}
        with pytest.raises(AuditConfigError, match="cannot read the audit signing key"):
            AuditEventBroker(policy=policy_file(signing_key_file=str(keyfile) + ".missing"))


class TestPinning:
    def test_a_replaced_public_key_is_caught_only_by_a_pin(
        self, trail: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A forger who also replaces the .pub passes unpinned verify, which says NOT pinned."""
        write_trail(trail, 5)
        pinned = tmp_path / "kept-elsewhere.pub"
        shutil.copy(trail.with_name("audit.jsonl.pub"), pinned)
        forged = write_trail(tmp_path / "forger" / "audit.jsonl", 5)
        shutil.rmtree(trail.parent)
        shutil.copytree(forged[0].parent, trail.parent)
        code, out, _ = verify(capsys, trail)
        assert code == 0 and "NOT pinned" in out
        code, _, err = verify(capsys, trail, "--public-key", pinned)
        assert code == 1
        assert f"{trail}:3: seq 2: the checkpoint is signed with key " in err

    def test_a_private_key_is_no_pin(
        self, trail: Path, keyfile: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Readers never need the private key: given one as the pin, verify says so."""
        write_trail(trail, 2)
        code, _, err = verify(capsys, trail, "--public-key", keyfile)
        assert code == 1 and "holds a private key; verify needs only the public key" in err

    def test_a_missing_public_key(
        self, trail: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Without the .pub beside the trail verify fails, unless a pinned copy is given."""
        write_trail(trail, 2)
        pub = trail.with_name("audit.jsonl.pub")
        pinned = tmp_path / "copy.pub"
        shutil.move(pub, pinned)
        code, _, err = verify(capsys, trail)
        assert code == 1 and f"{pub}:0: " in err and "--public-key" in err
        assert verify(capsys, trail, "--public-key", pinned)[0] == 0

    def test_a_deleted_head(self, trail: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Without its head file a cut tail could not be seen, so a missing head fails."""
        write_trail(trail, 2)
        head_path(trail).unlink()
        code, _, err = verify(capsys, trail)
        assert code == 1 and f"{head_path(trail)}:0: seq ?: the head file is missing" in err


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
        import rasa_ethics.audit.head as head_module

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
        import errno

        import rasa_ethics.audit.head as head_module

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
