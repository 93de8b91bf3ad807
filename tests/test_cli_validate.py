"""`rasa-ethics validate`: exit codes and FILE:LINE:COL messages, from the real console script."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CLI = REPO / ".venv" / "bin" / "rasa-ethics"


def run(*args: str, cwd: Path = REPO, **env: str) -> subprocess.CompletedProcess:
    """The console script's result; ``env`` is added to this process's environment."""
    return subprocess.run(
        [str(CLI), *args], capture_output=True, text=True, cwd=cwd, env={**os.environ, **env}
    )


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


# The loader itself rejects each of these in milliseconds (tests/policy/test_safety.py asserts
# under 1 s and prints the figures); the console script's own start-up (importing Rasa) varies by
# a second on 2 busy cores.  Before the fix: a bomb ran past 20 s, deep nesting 4 s, 50 MB 324 s.
SLACK_SECONDS = 2.0


def startup_seconds(folder: Path) -> float:
    """How long `validate` takes on a tiny valid file: the console script's own start-up."""
    (folder / "tiny.yml").write_text("name: tiny\n")
    started = time.perf_counter()
    assert run("validate", "tiny.yml", cwd=folder).returncode == 0
    return time.perf_counter() - started


class TestHostileFiles:
    """Issue 9, rows 3, 4 and 12: `validate` reports, never hangs, never prints a traceback."""

    @pytest.mark.parametrize("kind", ["alias-bomb", "deep-list", "recursive-alias", "huge-integer"])
    def test_rejected_cleanly_and_fast(self, tmp_path: Path, kind: str) -> None:
        """A bomb or deep nesting exits 1 with FILE:LINE:COL in about start-up time."""
        from tests.policy.test_safety import HOSTILE

        (tmp_path / "bad.yml").write_text(HOSTILE[kind]())
        startup = startup_seconds(tmp_path)
        started = time.perf_counter()
        result = run("validate", "bad.yml", cwd=tmp_path)
        seconds = time.perf_counter() - started
        print(f"\nvalidate {kind}: {seconds * 1000:.0f} ms (a valid file: {startup * 1000:.0f} ms)")
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert re.match(r"bad\.yml:\d+:\d+: ", result.stderr), result.stderr
        assert seconds < startup + SLACK_SECONDS

    def test_fifty_megabytes(self, tmp_path: Path) -> None:
        """A 50 MB file is refused from its size."""
        with (tmp_path / "big.yml").open("wb") as handle:
            handle.truncate(50 * 1024 * 1024)
        startup = startup_seconds(tmp_path)
        started = time.perf_counter()
        result = run("validate", "big.yml", cwd=tmp_path)
        seconds = time.perf_counter() - started
        print(f"\nvalidate 50 MB: {seconds * 1000:.0f} ms (a valid file: {startup * 1000:.0f} ms)")
        assert result.returncode == 1 and result.stderr.startswith("big.yml:1:1: <document>: ")
        assert seconds < startup + SLACK_SECONDS

    def test_a_valid_policy_past_the_hard_cap(self, tmp_path: Path) -> None:
        """3 MB of well-formed phrases (before the fix: read whole, and ok) is refused from its
        size: no policy may be larger than the hard cap, whatever its limits: section says."""
        line = "    - please let me talk to a real person now, request number {:06}\n"
        with (tmp_path / "big.yml").open("w") as handle:
            handle.write("handoff:\n  phrases:\n")
            handle.writelines(line.format(i) for i in range(45_000))
        assert (tmp_path / "big.yml").stat().st_size > 3_000_000
        startup = startup_seconds(tmp_path)
        started = time.perf_counter()
        result = run("validate", "big.yml", cwd=tmp_path)
        seconds = time.perf_counter() - started
        print(f"\nvalidate 3 MB: {seconds * 1000:.0f} ms (a valid file: {startup * 1000:.0f} ms)")
        assert result.returncode == 1, result.stdout
        assert result.stderr.startswith("big.yml:1:1: <document>: ")
        assert seconds < startup + SLACK_SECONDS

    def test_empty_file(self, tmp_path: Path) -> None:
        """An empty policy file is an error, not the bundled defaults."""
        (tmp_path / "empty.yml").write_text("")
        result = run("validate", "empty.yml", cwd=tmp_path)
        assert result.returncode == 1 and "empty.yml:1:1: <document>: " in result.stderr


class TestExtends:
    """Issue 9, row 6: `extends:` reads only policy files and never prints another file."""

    def test_the_environment_is_never_printed(self, tmp_path: Path) -> None:
        """`extends: /proc/self/environ` with the agent token set: exit 1, and nothing of the
        environment on either stream (before the fix it came out as an unknown key)."""
        token = "s3cr3t-Agent-Token-0123456789"
        (tmp_path / "p.yml").write_text("extends: /proc/self/environ\n")
        result = run("validate", "p.yml", cwd=tmp_path, RASA_ETHICS_AGENT_TOKEN=token)
        assert token not in result.stdout + result.stderr
        assert result.returncode == 1 and result.stderr.startswith("p.yml:1:10: extends: ")
