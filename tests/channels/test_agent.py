"""AgentChannel: its token, and the start-up check that the right tracker store is in use."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig

from rasa_ethics.channels.agent import AgentChannel, check_tracker_store

REPO = Path(__file__).resolve().parents[2]


class FakeApp:
    def __init__(self, store) -> None:
        self.ctx = SimpleNamespace(agent=SimpleNamespace(tracker_store=store))
        self.stopped = False

    def stop(self) -> None:
        self.stopped = True


GOOD = "q2J8-vX0pLr5mWzT9cYb"  # 20 characters of several kinds


class TestToken:
    def test_token_from_credentials(self) -> None:
        """`token:` in credentials.yml wins."""
        assert AgentChannel.from_credentials({"token": GOOD})._token == GOOD

    def test_token_from_environment(self, monkeypatch) -> None:
        """`token_env:` names the variable (default RASA_ETHICS_AGENT_TOKEN)."""
        monkeypatch.setenv("MY_TOKEN", GOOD[::-1])
        assert AgentChannel.from_credentials({"token_env": "MY_TOKEN"})._token == GOOD[::-1]

    @pytest.mark.parametrize(
        "token",
        [
            "change-me",
            "abc",
            "short-but-ok-15",
            "change-me-change-me",
            "CHANGE_ME_PLEASE_NOW",
            "your-token-here-1",
            "a" * 40,
            "abababababababababab",
            "password-password-1",
        ],
    )
    def test_weak_tokens_refuse_to_start(self, monkeypatch, token: str) -> None:
        """Issue 9, row 14: short tokens and placeholders stop the server, with a clear way out."""
        monkeypatch.setenv("RASA_ETHICS_AGENT_TOKEN", token)
        with pytest.raises(RasaException) as error:
            AgentChannel.from_credentials(None)
        message = str(error.value)
        assert "$RASA_ETHICS_AGENT_TOKEN" in message and "at least 16" in message
        assert "secrets.token_urlsafe" in message and token not in message

    def test_no_token_no_channel(self, monkeypatch) -> None:
        """Without a token the server refuses to start: there is no open mode."""
        monkeypatch.delenv("RASA_ETHICS_AGENT_TOKEN", raising=False)
        with pytest.raises(RasaException, match="RASA_ETHICS_AGENT_TOKEN"):
            AgentChannel.from_credentials(None)

    def test_routes(self) -> None:
        """The channel is served under /webhooks/ethics_agent/."""
        assert AgentChannel(GOOD).url_prefix() == "ethics_agent"


class TestStartupCheck:
    def test_in_memory_fallback_stops_the_server(self) -> None:
        """Rasa's silent in-memory fallback is caught."""
        app = FakeApp(FailSafeTrackerStore(InMemoryTrackerStore(Domain.empty())))
        asyncio.run(check_tracker_store(app))
        assert app.stopped

    def test_redacting_store_passes(self, tmp_path: Path) -> None:
        """The real store, inside Rasa's FailSafe wrapper, passes."""
        store = TrackerStore.create(
            EndpointConfig(
                type="rasa_ethics.RedactingTrackerStore",
                policy=str(REPO / "policies" / "northwind.yml"),
                inner={"type": "sql", "dialect": "sqlite", "db": str(tmp_path / "rasa.db")},
            )
        )
        app = FakeApp(FailSafeTrackerStore(store))
        asyncio.run(check_tracker_store(app))
        assert not app.stopped
