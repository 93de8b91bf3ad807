"""Someone with write access to the audit folder edits the trail: ``audit verify`` catches it.

Every test runs the real ``rasa-ethics audit verify`` (the console script, or the CLI's ``main``)
with no extra flags on real files that a real writer wrote, first on the intact trail (exit 0),
then on the tampered one (exit 1, the first bad record or file named on stderr).  With an
unkeyed hash chain alone each of these tampered trails passed ``verify``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rasa_ethics.audit.files import trail_files
from rasa_ethics.audit.records import seal
from rasa_ethics.cli import main

from .audit_testlib import write_trail

CONSOLE_SCRIPT = Path(sys.executable).parent / "rasa-ethics"


def verify(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """``rasa-ethics audit verify ARGS`` through the CLI's main: exit code, stdout, stderr."""
    capsys.readouterr()
    code = main(["audit", "verify", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def rechain(records: list[dict]) -> list[bytes]:
    """Records sealed again from the first on, each linked to the new hash before it."""
    lines, prev = [], None
    for record in records:
        record = {key: value for key, value in record.items() if key != "hash"}
        if prev is not None:
            record["prev"] = prev
        line, prev = seal(record)
        lines.append(line.encode("ascii"))
    return lines


@pytest.fixture
def rotated(trail: Path) -> list[Path]:
    """A trail of several files, closed cleanly."""
    files = write_trail(trail, 60, rotate_max_bytes=3000)
    assert len(files) >= 3 and files[-1] == trail
    return files


class TestTamperedTrails:
    def test_intact_trail_passes_the_console_script(self, rotated: list[Path]) -> None:
        """The installed console script accepts the intact trail and rejects a cut tail."""
        trail = rotated[-1]
        command = [str(CONSOLE_SCRIPT), "audit", "verify", str(trail.parent)]
        intact = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert intact.returncode == 0, intact.stderr
        assert f"{trail}: ok ({len(rotated)} file(s), " in intact.stdout
        lines = trail.read_bytes().splitlines(keepends=True)
        trail.write_bytes(b"".join(lines[:-2]))
        cut = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert cut.returncode == 1
        assert "TAMPERED" in cut.stderr

    def test_cut_tail(self, rotated: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
        """Records cut off the end of the trail: the first missing seq is named."""
        trail = rotated[-1]
        assert verify(capsys, trail.parent)[0] == 0
        lines = trail.read_bytes().splitlines(keepends=True)
        kept = len(lines) - 2  # e.g. the stop record, which would show a clean shutdown
        assert kept >= 1
        last_kept = json.loads(lines[kept - 1])["seq"]
        trail.write_bytes(b"".join(lines[:kept]))
        code, _, err = verify(capsys, trail.parent)
        assert code == 1
        missing = last_kept + 1
        assert f"{trail}:{kept + 1}: seq {missing}: records from seq {missing} on are" in err

    def test_edited_and_rechained(
        self, rotated: list[Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A record edited and every hash after it recomputed: the next checkpoint is named."""
        assert verify(capsys, rotated[-1].parent)[0] == 0
        counts = [len(path.read_bytes().splitlines()) for path in rotated]
        records = [json.loads(line) for path in rotated for line in path.read_bytes().splitlines()]
        edited = counts[0] + 3  # an action in the second file
        assert records[edited]["type"] == "action"
        records[edited]["action"] = "utter_refund_approved"
        lines = rechain(records)
        for path, count in zip(rotated, counts, strict=True):
            path.write_bytes(b"".join(lines[:count]))
            lines = lines[count:]
        code, _, err = verify(capsys, rotated[-1].parent)
        assert code == 1
        types = [record["type"] for record in records]
        checkpoint = types.index("checkpoint", edited)
        line, seq = checkpoint - counts[0] + 1, records[checkpoint]["seq"]
        assert f"{rotated[1]}:{line}: seq {seq}: the checkpoint's signature is invalid" in err

    def test_forged_trail(
        self, rotated: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A whole new trail written with another key over the old one: its first checkpoint."""
        trail = rotated[-1]
        assert verify(capsys, trail.parent)[0] == 0
        forged = write_trail(tmp_path / "forger" / "audit.jsonl", 10)
        for path in rotated:
            path.unlink()
        for path in forged[0].parent.iterdir():
            if path.name.endswith((".jsonl", ".head")):  # the trail's own public key stays
                shutil.copy(path, trail.parent / path.name)
        code, _, err = verify(capsys, trail.parent)
        assert code == 1
        first = next(
            i
            for i, line in enumerate(trail.read_bytes().splitlines())
            if json.loads(line)["type"] == "checkpoint"
        )
        assert f"{trail}:{first + 1}: seq {first}: the checkpoint is signed with key " in err

    def test_deleted_active_file(
        self, rotated: list[Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The active file deleted, the rotated files intact: the active file is named."""
        trail = rotated[-1]
        assert verify(capsys, trail.parent)[0] == 0
        trail.unlink()
        assert trail_files(trail) == rotated[:-1]
        for target in (trail.parent, trail):
            code, _, err = verify(capsys, target)
            assert code == 1
            assert f"{trail}:0: " in err and "the active file is missing" in err

    def test_deleted_only_file(self, trail: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A trail of one file that was deleted: still named, not just "no files"."""
        write_trail(trail, 5)
        assert verify(capsys, trail.parent)[0] == 0
        trail.unlink()
        code, _, err = verify(capsys, trail.parent)
        assert code == 1
        assert f"{trail}:0: seq 0: the active file is missing" in err
