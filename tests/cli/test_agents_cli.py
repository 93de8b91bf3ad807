"""`rasa-ethics agents add|remove|list` on a copy of the example bot's endpoints.yml."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path
from typing import List

import pytest

from rasa_ethics.cli import main
from rasa_ethics.handoff.agents import AgentAccounts

REPO = Path(__file__).resolve().parents[2]
GOOD = "correct horse battery staple"


@pytest.fixture
def bot(tmp_path: Path, monkeypatch) -> Path:
    """The example bot's endpoints.yml, its policy path made absolute, run in tmp_path."""
    text = (REPO / "example_bot" / "endpoints.yml").read_text()
    policy = REPO / "policies" / "northwind.yml"
    (tmp_path / "endpoints.yml").write_text(text.replace("../policies/northwind.yml", str(policy)))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, argv: List[str], stdin: str = "") -> "tuple[int, str, str]":
    import sys

    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(["agents", *argv])
    finally:
        sys.stdin = old
    out, err = capsys.readouterr()
    return code, out, err


class TestAgentsCommand:
    def test_add_list_remove(self, bot: Path, capsys) -> None:
        """An agent added is in the tracker store's SQLite file, listed, then removed."""
        code, out, _ = run(
            capsys, ["add", "sam.lee", "--display-name", "Sam P.", "--password-stdin"], GOOD + "\n"
        )
        assert code == 0 and "sam.lee" in out and GOOD not in out
        accounts = AgentAccounts.from_url(f"sqlite:///{bot / 'rasa.db'}")
        assert accounts.authenticate("sam.lee", GOOD)["display_name"] == "Sam P."
        code, out, _ = run(capsys, ["list"])
        assert code == 0
        header, line = out.strip().splitlines()
        assert header.split()[:3] == ["ID", "NAME", "PRESENCE"]
        assert line.split()[:4] == ["sam.lee", "Sam", "P.", "away"]
        assert "scrypt" not in out and GOOD not in out
        assert run(capsys, ["remove", "sam.lee"])[0] == 0
        assert run(capsys, ["list"])[1].strip() == "no agents"

    def test_password_prompted_twice(self, bot: Path, capsys, monkeypatch) -> None:
        """Without --password-stdin the password is asked twice and must match."""
        answers = iter([GOOD, GOOD + "x"])
        monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
        code, _, err = run(capsys, ["add", "kim"])
        assert code == 1 and "differ" in err
        answers = iter([GOOD, GOOD])
        assert run(capsys, ["add", "kim"])[0] == 0
        with sqlite3.connect(bot / "rasa.db") as connection:
            [(stored,)] = connection.execute("select password_hash from rasa_ethics_agents")
        assert stored.startswith("scrypt$") and GOOD not in stored

    def test_clear_errors(self, bot: Path, capsys) -> None:
        """A weak password, a duplicate and an unknown agent: one line each, no traceback."""
        code, _, err = run(capsys, ["add", "kim", "--password-stdin"], "short\n")
        assert code == 1 and "shorter than 12" in err and "short\n" not in err
        run(capsys, ["add", "kim", "--password-stdin"], GOOD + "\n")
        code, _, err = run(capsys, ["add", "kim", "--password-stdin"], GOOD + "\n")
        assert code == 1 and "exists already" in err
        code, _, err = run(capsys, ["remove", "nobody"])
        assert code == 1 and "no agent" in err and "Traceback" not in err

    def test_db_url(self, tmp_path: Path, capsys) -> None:
        """--db-url names the database directly, and may follow the operation."""
        url = f"sqlite:///{tmp_path / 'own.db'}"
        assert run(capsys, ["add", "kim", "--db-url", url, "--password-stdin"], GOOD + "\n")[0] == 0
        assert [row["id"] for row in AgentAccounts.from_url(url).list()] == ["kim"]
        assert "kim" in run(capsys, ["--db-url", url, "list"])[1]

    @pytest.mark.parametrize(
        "store",
        [
            "tracker_store:\n  type: redis\n  url: localhost\n",
            "tracker_store:\n  type: rasa_ethics.RedactingTrackerStore\n  policy: {policy}\n"
            "  inner:\n    type: redis\n    url: localhost\n",
            "",  # no tracker store: conversations in memory
        ],
    )
    def test_no_sql_database(self, tmp_path: Path, capsys, monkeypatch, store: str) -> None:
        """Redis or in-memory without handoff.store_url: told what to set."""
        policy = REPO / "policies" / "northwind.yml"
        (tmp_path / "endpoints.yml").write_text(store.format(policy=policy))
        monkeypatch.chdir(tmp_path)
        code, _, err = run(capsys, ["list"])
        assert code == 1 and "store_url" in err and "--db-url" in err

    def test_store_url_beside_redis(self, tmp_path: Path, capsys, monkeypatch) -> None:
        """With handoff.store_url the accounts go there, as the server puts its queue."""
        own = tmp_path / "handoffs.db"
        policy = tmp_path / "policy.yml"
        policy.write_text(
            f"extends_dirs: [{REPO / 'policies'}]\nextends: {REPO / 'policies' / 'northwind.yml'}\n"
            f"handoff:\n  store_url: sqlite:///{own}\n"
        )
        (tmp_path / "endpoints.yml").write_text(
            f"tracker_store:\n  type: rasa_ethics.RedactingTrackerStore\n  policy: {policy}\n"
            "  inner:\n    type: redis\n    url: localhost\n"
        )
        monkeypatch.chdir(tmp_path)
        assert run(capsys, ["add", "kim", "--password-stdin"], GOOD + "\n")[0] == 0
        assert AgentAccounts.from_url(f"sqlite:///{own}").get("kim") is not None
