"""Signing keys: where the writer gets one, keygen, and pinning the public key in verify."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from rasa_ethics.audit.head import head_path
from rasa_ethics.audit.signing import SigningKeyError, load_signing_key
from rasa_ethics.audit.writer import AuditWriter
from rasa_ethics.cli import main

from .audit_testlib import checkpoints, write_trail
from .audit_testlib import verify_cli as verify

ENV = "RASA_ETHICS_AUDIT_SIGNING_KEY"


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
