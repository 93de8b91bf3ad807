"""Safer defaults (issue 9, row 14): private database files, strong tokens, docs that say so.

The vault key file's mode 0600 is tested in tests/test_vault.py; the agent channel's refusal
of a weak token at start-up in tests/channels/test_agent.py.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Iterator

import pytest
from rasa.core.tracker_store import TrackerStore
from rasa.utils.endpoints import EndpointConfig

from rasa_ethics.handoff.queue import HandoffQueue

REPO = Path(__file__).resolve().parents[1]
POLICY = REPO / "policies" / "northwind.yml"
DOCS = [REPO / "README.md", REPO / "example_bot" / "README.md"]
DOCS += sorted((REPO / "docs").glob("*.md"))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most systems run with (files 0644 unless made private)."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


class TestDatabaseFiles:
    def test_tracker_database_is_created_private(self, tmp_path: Path, usual_umask: None) -> None:
        """The default SQLite store (rasa.db) is created 0600, and so are SQLite's own files."""
        db = tmp_path / "rasa.db"
        TrackerStore.create(
            EndpointConfig(
                type="rasa_ethics.RedactingTrackerStore",
                policy=str(POLICY),
                inner={"type": "sql", "dialect": "sqlite", "db": str(db)},
            )
        )
        assert mode(db) == 0o600
        assert all(mode(p) == 0o600 for p in tmp_path.glob("rasa.db*"))

    def test_relative_default_path(
        self, tmp_path: Path, usual_umask: None, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With no inner store configured, ./rasa.db is the one made private."""
        monkeypatch.chdir(tmp_path)
        TrackerStore.create(
            EndpointConfig(type="rasa_ethics.RedactingTrackerStore", policy=str(POLICY))
        )
        assert mode(tmp_path / "rasa.db") == 0o600

    def test_handoff_store_url(self, tmp_path: Path, usual_umask: None) -> None:
        """handoff.store_url's SQLite file is private too."""
        HandoffQueue.from_url(f"sqlite:///{tmp_path / 'handoffs.db'}")
        assert mode(tmp_path / "handoffs.db") == 0o600

    def test_an_existing_readable_database_is_tightened(
        self, tmp_path: Path, usual_umask: None, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A rasa.db left 0644 by an earlier version becomes 0600, with a warning."""
        db = tmp_path / "handoffs.db"
        db.touch(mode=0o644)
        os.chmod(db, 0o644)
        HandoffQueue.from_url(f"sqlite:///{db}")
        assert mode(db) == 0o600 and "was readable by others" in caplog.text

    @pytest.mark.parametrize(
        ("url", "expected"),
        [
            ("sqlite:///rasa.db", Path("rasa.db")),
            ("sqlite:////srv/bot/rasa.db", Path("/srv/bot/rasa.db")),
            ("sqlite://", None),
            ("sqlite:///:memory:", None),
            ("postgresql://bot@db/rasa", None),
        ],
    )
    def test_which_urls_are_files(self, url: str, expected: object) -> None:
        """Only SQLite file databases are touched."""
        from rasa_ethics.handoff.sqlite_file import sqlite_path

        assert sqlite_path(url) == expected


class TestTokens:
    @pytest.mark.parametrize(
        ("token", "weak"),
        [
            ("change-me", True),
            ("Change-Me-Change-Me", True),
            ("replace-me-with-a-real-one", True),
            ("your-token-here-please", True),
            ("my-secret-password-2024", True),
            ("x" * 32, True),
            ("0123456789abcde", True),  # 15 characters
            ("agent-token-for-tests", False),
            ("q2J8-vX0pLr5mWzT9cYb", False),
            ("3f9a1c2b8e7d6f5a4b3c2d1e0f9a8b7c", False),
        ],
    )
    def test_weak_tokens(self, token: str, weak: bool) -> None:
        """At least 16 characters, a few distinct ones, and no placeholder words."""
        from rasa_ethics.handoff.tokens import is_weak

        assert is_weak(token) is weak

    def test_message_says_where_and_how(self) -> None:
        """The error names where the token is set and how to make one, not the token."""
        from rasa_ethics.handoff.tokens import WeakTokenError, check_token

        with pytest.raises(WeakTokenError) as error:
            check_token("change-me", "$RASA_ETHICS_AGENT_TOKEN")
        message = str(error.value)
        assert "$RASA_ETHICS_AGENT_TOKEN" in message and "change-me" not in message


class TestDocs:
    @pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(REPO)))
    def test_no_placeholder_token(self, doc: Path) -> None:
        """No doc shows a token the server would refuse (a copied `change-me`)."""
        text = doc.read_text(encoding="utf-8")
        for value in re.findall(r"(?:TOKEN|token)[=:]\s*['\"]?([^\s'\"$`)]+)", text):
            assert not value.startswith(("change", "secret", "<")), f"{doc.name}: {value}"
        assert "change-me" not in text

    @pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(REPO)))
    def test_action_server_on_localhost(self, doc: Path) -> None:
        """Every `rasa run actions` in the docs binds to 127.0.0.1 (rasa_sdk 3.6 reads
        SANIC_HOST; it has no --host option and listens on every interface by default)."""
        for line in doc.read_text(encoding="utf-8").splitlines():
            if "rasa run actions" in line and not line.lstrip().startswith(("#", "Serve", ">")):
                if "`rasa run actions`" in line and "SANIC_HOST" not in line:
                    continue  # prose naming the command, not a command to run
                assert "SANIC_HOST=127.0.0.1" in line, f"{doc.name}: {line.strip()}"
