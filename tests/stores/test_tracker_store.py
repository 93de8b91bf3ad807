"""RedactingTrackerStore: built as Rasa builds it, stores via the inner store, queues handoffs."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import FailSafeTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, ConversationPaused, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig

from rasa_ethics.stores.tracker_store import RedactingTrackerStore, find_ethics_store
from tests.dialogue.builders import DOMAIN_YAML, session

REPO = Path(__file__).resolve().parents[2]
POLICY = str(REPO / "policies" / "northwind.yml")
DOMAIN = Domain.from_yaml(DOMAIN_YAML)


class ListBroker(EventBroker):
    def __init__(self) -> None:
        self.published: List[Dict[str, Any]] = []

    def publish(self, event: Dict[str, Any]) -> None:
        self.published.append(event)


def build(tmp_path: Path, broker: Any = None, **kwargs: Any) -> TrackerStore:
    config = {
        "type": "rasa_ethics.RedactingTrackerStore",
        "policy": POLICY,
        "inner": {"type": "sql", "dialect": "sqlite", "db": str(tmp_path / "rasa.db")},
        **kwargs,
    }
    return TrackerStore.create(EndpointConfig(**config), DOMAIN, broker)


def handoff_tracker(sender: str = "c1") -> DialogueStateTracker:
    events = session(
        UserUttered("get me a human"),
        ActionExecuted(
            "utter_ethics_handoff", metadata={"ethics_handoff": {"reason": "customer_request"}}
        ),
        BotUttered("connecting you"),
        ConversationPaused(),
        ActionExecuted("action_listen"),
    )
    return DialogueStateTracker.from_events(sender, events, DOMAIN.slots)


class TestConstruction:
    def test_rasa_builds_it(self, tmp_path: Path) -> None:
        """TrackerStore.create gives our class, not Rasa's silent in-memory fallback."""
        assert isinstance(build(tmp_path), RedactingTrackerStore)

    def test_it_learns_the_domains_own_names(self, tmp_path: Path) -> None:
        """The domain Rasa hands over (at build and later) holds names that are never PII."""
        from rasa.shared.core.domain import Domain

        from rasa_ethics.context import OWN_NAMES

        OWN_NAMES.clear()
        store = build(tmp_path)
        assert DOMAIN.form_names and all(OWN_NAMES.is_own(f) for f in DOMAIN.form_names)
        assert OWN_NAMES.is_own("Northwind")  # the policy's disclosure names the shop
        store.domain = Domain.from_dict({"intents": ["cc_payment"]})
        assert OWN_NAMES.is_own("cc_payment")
        OWN_NAMES.clear()

    def test_bad_inner_type_fails_closed(self, tmp_path: Path) -> None:
        """An inner store that cannot be imported is an error, not an in-memory store."""
        with pytest.raises(RasaException, match="could not be imported"):
            build(tmp_path, inner={"type": "no_such_module.Store"})

    def test_non_sql_inner_needs_store_url(self, tmp_path: Path) -> None:
        """Handoffs need SQL: a non-SQL store without handoff.store_url is refused with a hint."""
        with pytest.raises(RasaException, match="store_url"):
            build(tmp_path, inner={"type": "in_memory"})

    def test_store_url(self, tmp_path: Path) -> None:
        """handoff.store_url puts the table in its own database."""
        path = tmp_path / "policy.yml"
        path.write_text(
            f"extends_dirs: [{Path(POLICY).parent}]\nextends: {POLICY}\n"
            f"handoff:\n  store_url: sqlite:///{tmp_path / 'h.db'}\n"
        )
        store = build(tmp_path, policy=str(path), inner={"type": "in_memory"})
        asyncio.run(store.save(handoff_tracker()))
        assert len(store.handoffs.list()) == 1 and (tmp_path / "h.db").exists()

    @pytest.mark.parametrize(
        "inner, privacy, named",
        [
            ({"type": "mongod", "url": "mongodb://127.0.0.1:9"}, {}, "privacy.chat.enabled"),
            (
                {"type": "mongod", "url": "mongodb://127.0.0.1:9"},
                {"chat": {"enabled": False}, "retention_days": 30},
                "privacy.retention_days",
            ),
            ({"type": "dynamo", "region": "eu-west-1"}, {}, "privacy.chat.enabled"),
        ],
    )
    def test_a_store_that_cannot_erase_is_refused(
        self, tmp_path: Path, inner: Dict[str, Any], privacy: Dict[str, Any], named: str
    ) -> None:
        """Erasure enabled in the policy and a Mongo (or DynamoDB) inner store: no start, with
        the reason, before the store connects anywhere."""
        path = tmp_path / "policy.yml"
        path.write_text(
            f"extends_dirs: [{Path(POLICY).parent}]\nextends: {POLICY}\n"
            f"handoff:\n  store_url: sqlite:///{tmp_path / 'h.db'}\n"
            + (f"privacy: {json.dumps(privacy)}\n" if privacy else "")
        )
        started = time.monotonic()
        with pytest.raises(RasaException) as raised:
            build(tmp_path, policy=str(path), inner=inner)
        assert time.monotonic() - started < 5  # pymongo would wait 30 s for a server
        message = str(raised.value)
        assert "the policy enables erasure" in message and named in message
        assert "cannot erase conversations from" in message and "Redis" in message
        assert "enabled: false" in message

    def test_found_inside_rasas_wrappers(self, tmp_path: Path) -> None:
        """The agent channel finds it inside FailSafeTrackerStore."""
        store = build(tmp_path)
        assert find_ethics_store(FailSafeTrackerStore(store)) is store


class TestStorage:
    def test_round_trip_through_the_inner_store(self, tmp_path: Path) -> None:
        """Save, retrieve, keys and full retrieval go through the inner SQL store."""
        store = build(tmp_path)
        asyncio.run(store.save(handoff_tracker()))
        tracker = asyncio.run(store.retrieve("c1"))
        assert tracker.is_paused() and list(asyncio.run(store.keys())) == ["c1"]
        assert asyncio.run(store.retrieve_full_tracker("c1")) is not None

    def test_domain_passes_through(self, tmp_path: Path) -> None:
        """Setting the domain (Agent.load_model does) reaches the inner store."""
        store, other = build(tmp_path), Domain.from_yaml("version: '3.1'\nintents: [x]")
        store.domain = other
        assert store.inner.domain is other and store.domain is other

    def test_broker_publishes_once(self, tmp_path: Path) -> None:
        """The broker belongs to the inner store: every event is published exactly once."""
        broker = ListBroker()
        store = build(tmp_path, broker)
        tracker = handoff_tracker()
        asyncio.run(store.save(tracker))
        assert len(broker.published) == len(tracker.events)
        assert store.event_broker is broker

    def test_redactor_hook(self, tmp_path: Path) -> None:
        """The PII hook sees the tracker before it is stored, and must keep the event count."""
        store = build(tmp_path)
        seen = []
        store.redactor = lambda tracker: seen.append(tracker.sender_id) or tracker
        asyncio.run(store.save(handoff_tracker()))
        assert seen == ["c1"]
        store.redactor = lambda tracker: DialogueStateTracker.from_events("c1", [], DOMAIN.slots)
        with pytest.raises(RasaException, match="number of events"):
            asyncio.run(store.save(handoff_tracker()))


class TestHandoffQueue:
    def test_handoff_is_queued_once_in_the_same_database(self, tmp_path: Path) -> None:
        """The request row sits next to the events, and saving again adds no second row."""
        store, tracker = build(tmp_path), handoff_tracker()
        asyncio.run(store.save(tracker))
        asyncio.run(store.save(tracker))
        fresh = build(tmp_path)  # another replica: no memory of what was queued
        asyncio.run(fresh.save(tracker))
        with sqlite3.connect(tmp_path / "rasa.db") as db:
            tables = {name for (name,) in db.execute("select name from sqlite_master")}
            rows = db.execute("select conversation_id, reason from rasa_ethics_handoffs").fetchall()
        assert {"events", "rasa_ethics_handoffs"} <= tables
        assert rows == [("c1", "customer_request")]

    def test_transcript_goes_through_the_redact_hook(self, tmp_path: Path) -> None:
        """Transcripts are redacted by the PII hook."""
        store = build(tmp_path)
        store.redact = lambda text: text.upper()
        asyncio.run(store.save(handoff_tracker()))
        assert store.handoffs.list()[0]["transcript"][0]["text"] == "GET ME A HUMAN"
