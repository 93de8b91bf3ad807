"""The privacy routes of the agent channel: a real HTTP server around a real (model-less) agent."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Iterator

import pytest
from rasa.core.agent import Agent
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import TrackerStore
from rasa.utils.endpoints import read_endpoint_config

from tests.channels.agent_server import call, serve_channel
from tests.rights.bot import DOMAIN, sqlite_rows


@pytest.fixture
def url(filled: Path) -> Iterator[str]:
    """The filled bot served: its store and broker from endpoints.yml, as `rasa run` builds them."""
    endpoints = str(filled / "endpoints.yml")
    broker = asyncio.run(EventBroker.create(read_endpoint_config(endpoints, "event_broker")))
    store = TrackerStore.create(read_endpoint_config(endpoints, "tracker_store"), DOMAIN, broker)
    with serve_channel(Agent(domain=DOMAIN, tracker_store=store)) as base:
        yield f"{base}/webhooks/ethics_agent/privacy"
    assert broker is not None
    asyncio.run(broker.close())


def events_of(bot: Path, conversation: str) -> int:
    query = "SELECT count(*) FROM events WHERE sender_id = ?"
    return int(sqlite_rows(bot / "rasa.db", query, conversation)[0][0])


class TestPrivacyRoutes:
    def test_refused_without_the_token(self, filled: Path, url: str) -> None:
        """No token, or a wrong one: 401 on every route, and nothing is erased or registered."""
        body = {"conversation": "ana", "agent": "sam"}
        for token in (None, "wrong-token-wrong-token"):
            assert call(f"{url}/erase", "POST", body, token=token)[0] == 401
            assert call(f"{url}/export", "POST", body, token=token)[0] == 401
            assert call(f"{url}/requests", token=token)[0] == 401
        assert events_of(filled, "ana") > 0
        tables = sqlite_rows(filled / "rasa.db", "SELECT name FROM sqlite_master")
        assert ("rasa_ethics_privacy_requests",) not in tables  # no request was even read

    def test_export_erase_and_the_register(self, filled: Path, url: str) -> None:
        """Export, then erasure with its tombstone, then the register shows both with deadlines."""
        status, document = call(f"{url}/export", "POST", {"conversation": "ana", "agent": "sam"})
        assert status == 200 and document["vault_fields"] == ["email"]
        assert "ana@example.com" not in json.dumps(document)
        status, erased = call(f"{url}/erase", "POST", {"conversation": "ana", "agent": "sam"})
        assert status == 200 and erased["erased"]["handoffs"] == 1 and erased["tombstones"] == 1
        assert events_of(filled, "ana") == 0 and events_of(filled, "ben") > 0
        stones = sqlite_rows(filled / "events.db", "SELECT sender_id, data FROM events")
        assert [s for s, d in stones if "rasa_ethics_erasure" in d] == ["ana"]
        status, rows = call(f"{url}/requests")
        assert status == 200
        assert sorted((r["kind"], r["state"], r["acted_by"]) for r in rows) == [
            ("erase", "done", "sam"),
            ("export", "done", "sam"),
        ]
        assert all(r["deadline_at"] > r["received_at"] for r in rows)
        assert call(f"{url}/requests?overdue=1") == (200, [])

    @pytest.mark.parametrize(
        "body, status",
        [
            ({"conversation": "nobody", "agent": "sam"}, 404),
            ({"conversation": "ana", "agent": "sam", "reference": "PR-0000-0000"}, 409),
            ({"conversation": "", "agent": "sam"}, 400),
            ({"conversation": "ana"}, 400),
        ],
    )
    def test_bad_requests(self, filled: Path, url: str, body: dict, status: int) -> None:
        """Unknown conversations, unknown references, missing fields: an answer, nothing erased."""
        assert call(f"{url}/erase", "POST", body)[0] == status
        assert events_of(filled, "ana") > 0
