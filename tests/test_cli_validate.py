"""`rasa-ethics validate`: exit codes and FILE:LINE:COL messages, from the real console script."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CLI = REPO / ".venv" / "bin" / "rasa-ethics"


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([str(CLI), *args], capture_output=True, text=True, cwd=cwd)


class TestValidate:
    def test_shipped_policies_are_valid(self) -> None:
        """validate exits 0 on every file in policies/."""
        result = run("validate", "policies/default.yml", "policies/northwind.yml")
        assert result.returncode == 0, result.stderr
        assert "policies/default.yml: ok" in result.stdout

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("handoff:\n  text: hi\n bad: 1\n", "bad.yml:3:2: handoff.bad: invalid YAML"),
            ("handoff:\n  txt: hi\n", "bad.yml:2:3: handoff.txt: unknown key"),
            (
                "audit:\n  queue_size: lots\n",
                "bad.yml:2:15: audit.queue_size: value is not a valid integer",
            ),
        ],
        ids=["bad-indentation", "unknown-key", "wrong-type"],
    )
    def test_invalid_file(self, tmp_path: Path, text: str, expected: str) -> None:
        """An invalid file exits 1 with FILE:LINE:COL: key.path: message and no traceback."""
        (tmp_path / "bad.yml").write_text(text)
        result = run("validate", "bad.yml", cwd=tmp_path)
        assert result.returncode == 1
        assert result.stderr.startswith(expected), result.stderr
        assert "Traceback" not in result.stderr

    def test_schema_describes_every_section(self) -> None:
        """`rasa-ethics schema` lists keys with their descriptions."""
        result = run("schema")
        assert result.returncode == 0
        for key in ("disclosure.text", "handoff.signals.consecutive_fallbacks", "pii.allow_list"):
            assert key in result.stdout
