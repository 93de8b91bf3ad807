"""``rasa-ethics privacy``: the operators' commands, their output and their errors."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest
import yaml

from rasa_ethics.cli import main
from tests.rights.bot import REPO, sqlite_rows


def privacy(*args: str) -> int:
    return main(["privacy", "--operator", "sam", *args])


def events_of(db: Path, conversation: str) -> int:
    query = "SELECT count(*) FROM events WHERE sender_id = ?"
    return int(sqlite_rows(db, query, conversation)[0][0])


class TestCommands:
    def test_export_then_erase(self, filled: Path, capsys: pytest.CaptureFixture) -> None:
        """export prints the JSON; erase deletes and says what; a second export finds nothing."""
        assert privacy("export", "--conversation", "ben") == 0
        document = json.loads(capsys.readouterr().out)
        assert document["vault_fields"] == ["email"] and document["events"]
        assert privacy("erase", "--conversation", "ben") == 0
        out = capsys.readouterr().out
        assert "erased ben" in out and "1 handoffs" in out and "tombstones published: 1" in out
        assert events_of(filled / "rasa.db", "ben") == 0
        assert privacy("export", "--conversation", "ben") == 1
        assert "nothing is stored" in capsys.readouterr().err

    def test_export_to_a_private_file(self, filled: Path, capsys: pytest.CaptureFixture) -> None:
        """--output writes a 0600 file, and refuses to overwrite one."""
        assert privacy("export", "--conversation", "ana", "--output", "ana.json") == 0
        assert stat.S_IMODE(os.stat("ana.json").st_mode) == 0o600
        assert json.loads(Path("ana.json").read_text())["conversation_id"] == "ana"
        assert privacy("export", "--conversation", "ana", "--output", "ana.json") == 1
        assert "exists" in capsys.readouterr().err

    def test_requests_and_overdue(self, filled: Path, capsys: pytest.CaptureFixture) -> None:
        """The register lists each request with its deadline; --overdue exits 1 when late."""
        from rasa_ethics.rights.locate import locate

        stores = locate(Path("endpoints.yml"))
        late = stores.register.file("erase", "ana", "p", "gdpr", "chat", received_at=1.0e9)
        assert privacy("requests", "--overdue") == 1
        out = capsys.readouterr().out
        assert late["reference"] in out and "2001-10-09" in out  # received 2001-09-09
        assert out.splitlines()[1].endswith("  ana")  # the conversation to act on
        assert privacy("erase", "--conversation", "ana", "--reference", late["reference"]) == 0
        capsys.readouterr()
        assert privacy("requests", "--overdue") == 0
        assert "no overdue requests" in capsys.readouterr().out
        assert privacy("requests", "--json") == 0
        [row] = json.loads(capsys.readouterr().out)
        assert (row["state"], row["acted_by"], row["conversation_id"]) == ("done", "sam", None)

    def test_purge_dry_run_then_purge(self, filled: Path, capsys: pytest.CaptureFixture) -> None:
        """The dry run prints the counts and deletes nothing; the purge prints the same counts."""
        before = sqlite_rows(filled / "rasa.db", "SELECT count(*) FROM events")
        assert privacy("purge", "--dry-run") == 0
        dry = capsys.readouterr().out
        assert "2 conversations" in dry and "nothing deleted" in dry
        assert sqlite_rows(filled / "rasa.db", "SELECT count(*) FROM events") == before
        assert privacy("purge") == 0
        done = capsys.readouterr().out
        planned = dry.splitlines()[0].rsplit("UTC: ", 1)[1]
        assert f"purged 2 conversations: {planned}; tombstones published: 2" in done

    def test_find(self, filled: Path, capsys: pytest.CaptureFixture, monkeypatch) -> None:
        """find lists ana's conversations; - reads the address from stdin; none: exit 1."""
        assert privacy("find", "--subject", "Ana@Example.com") == 0
        assert capsys.readouterr().out.split() == ["ana", "ana2"]
        monkeypatch.setattr(sys, "stdin", __import__("io").StringIO("ben@example.org\n"))
        assert privacy("find", "--subject", "-") == 0
        assert capsys.readouterr().out.split() == ["ben"]
        assert privacy("find", "--subject", "nobody@example.com") == 1
        trail = (filled / "audit" / "privacy.jsonl").read_text()
        assert trail.count('"type":"subject_lookup"') == 3 and "example.com" not in trail


def run_cli(args: List[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "RASA_TELEMETRY_ENABLED": "false"}
    command = [sys.executable, "-m", "rasa_ethics.cli", "privacy", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


class TestErrors:
    @pytest.mark.parametrize(
        "store, args, message",
        [
            (None, ["requests"], "endpoints.yml not found"),
            ({"type": "mongod", "url": "mongodb://localhost"}, ["purge"], "SQL tracker stores"),
            ({"type": "redis", "url": "localhost"}, ["purge"], "store_url: sqlite:///"),
            (
                "sqlite",
                ["erase", "--conversation", "ana", "--reference", "PR-0000-0000"],
                "nothing is stored of conversation 'ana'",
            ),
            ("sqlite", ["find", "--subject", "a@b.c"], "keeps no subject keys"),
        ],
    )
    def test_clear_errors_no_traceback(self, tmp_path: Path, store, args, message) -> None:
        """Each mistake gets one line on stderr, exit 1, and no traceback."""
        if store is not None:
            inner = (
                {"type": "sql", "dialect": "sqlite", "db": "rasa.db"}
                if store == "sqlite"
                else store
            )
            endpoints = {
                "tracker_store": {"type": "rasa_ethics.RedactingTrackerStore", "inner": inner}
            }
            (tmp_path / "endpoints.yml").write_text(yaml.safe_dump(endpoints))
        done = run_cli(args, tmp_path)
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        # Rasa's dependencies may warn on import first (pkg_resources); the error comes last
        error = done.stderr[done.stderr.index("rasa-ethics privacy: error:") :]
        assert message in error
