"""Tests for ``rasa-ethics audit verify`` and ``rasa-ethics audit report``."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from rasa_ethics.cli import audit as audit_cli

from .audit_testlib import write_trail


def run(*argv: str) -> int:
    """Run ``rasa-ethics audit ...`` through this module's parser."""
    parser = argparse.ArgumentParser(prog="rasa-ethics")
    audit_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["audit", *argv])
    return int(args.handler(args) or 0)


class TestVerifyCommand:
    def test_intact_exits_zero(self, trail: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """An intact trail, named by its directory, exits 0 and prints its head."""
        files = write_trail(trail, 30, rotate_max_bytes=2000)
        assert run("verify", str(trail.parent)) == 0
        out = capsys.readouterr().out
        # actions, start and stop, a rotate header per file, a checkpoint after start, before
        # each rotation and after stop
        records = 30 + 2 + len(files) + 2 + len(files) - 1
        head = f"{records} records, head seq {records - 1} hash "
        assert f"{trail}: ok ({len(files)} file(s), {head}" in out

    def test_tampered_names_the_first_bad_record(
        self, trail: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A flipped byte exits 1 and names file, line and seq on stderr."""
        write_trail(trail, 5)
        data = bytearray(trail.read_bytes())
        third = data.index(b"\n", data.index(b"\n") + 1) + 1
        data[third + 5] ^= 0x01
        trail.write_bytes(bytes(data))
        assert run("verify", str(trail)) == 1
        err = capsys.readouterr().err
        assert f"{trail}:3: seq 2: hash mismatch" in err

    def test_missing_files_are_an_error(self, tmp_path: Path) -> None:
        """Naming a trail that does not exist is a user error."""
        from rasa_ethics.cli.errors import CLIError

        with pytest.raises(CLIError, match="no audit files found"):
            run("verify", str(tmp_path / "nothing.jsonl"))

    def test_registered_in_main(self, trail: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """``rasa-ethics audit verify`` is reachable from the console script."""
        from rasa_ethics.cli import main

        write_trail(trail, 1)
        assert main(["audit", "verify", str(trail)]) == 0


class TestReportCommand:
    def test_text_and_html(
        self, trail: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The report prints the summary with the integrity status and writes the HTML file."""
        write_trail(trail, 3)
        out_file = tmp_path / "out" / "report.html"
        assert run("report", str(trail), "--html", str(out_file)) == 0
        out = capsys.readouterr().out
        assert "Integrity: chain intact (8 records in 1 trail(s))" in out
        assert "Conversations" in out and f"HTML report written to {out_file}" in out
        assert "<h1>Audit report</h1>" in out_file.read_text()

    def test_report_flags_a_damaged_trail(
        self, trail: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A damaged trail is still summarised, with its first bad record in the status line."""
        write_trail(trail, 3)
        lines = trail.read_bytes().splitlines(keepends=True)
        trail.write_bytes(b"".join(lines[:2] + lines[3:]))
        assert run("report", str(trail)) == 0
        assert "Integrity: NOT intact: " in capsys.readouterr().out
