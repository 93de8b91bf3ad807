"""The retention purge on a schedule inside the server (``privacy.purge_every_hours``).

The store is the one Rasa builds from the bot's ``endpoints.yml`` (``TrackerStore.create``),
with its audit broker around a real SQL event broker, on a running event loop as under
``rasa run``: the schedule starts with the store.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict

import pytest
import yaml
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import TrackerStore
from rasa.utils.endpoints import read_endpoint_config

from rasa_ethics.audit.files import trail_files
from rasa_ethics.audit.verify import verify_trail
from rasa_ethics.policy import PolicyError, load_policy
from rasa_ethics.rights.trail import PrivacyTrail
from tests.rights.bot import CUSTOMERS, DOMAIN, sqlite_rows

EVERY_HOURS = 0.0004  # 1.44 s


def schedule(folder: Path, hours: float = EVERY_HOURS, **privacy: Any) -> None:
    """Set ``privacy.purge_every_hours`` (and ``privacy``) in the bot's policy."""
    policy = yaml.safe_load((folder / "policy.yml").read_text(encoding="utf-8"))
    policy["privacy"].update(purge_every_hours=hours, **privacy)
    (folder / "policy.yml").write_text(yaml.safe_dump(policy), encoding="utf-8")


def senders(folder: Path) -> set:
    return {s for (s,) in sqlite_rows(folder / "rasa.db", "SELECT DISTINCT sender_id FROM events")}


async def serve_until(folder: Path, done: Callable[[Any], bool], seconds: float = 30) -> Any:
    """Build the bot's store and broker on this loop, wait until ``done(store)``; the store."""
    endpoints = str(folder / "endpoints.yml")
    broker = await EventBroker.create(read_endpoint_config(endpoints, "event_broker"))
    store = TrackerStore.create(read_endpoint_config(endpoints, "tracker_store"), DOMAIN, broker)
    deadline = time.monotonic() + seconds
    try:
        while not done(store) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        await store.purges.stop()
    finally:
        assert broker is not None
        broker.flush()
        await broker.close()
    return store


def purge_records(folder: Path, trail: str = "audit/privacy.jsonl") -> list:
    trail = folder / trail
    if not trail.exists():
        return []
    return [json.loads(line) for line in trail.read_text().splitlines() if '"purge"' in line]


class TestSchedule:
    def test_the_server_purges_on_its_own(self, filled: Path) -> None:
        """Past retention goes (events, audited, tombstoned), the customers stay, unasked."""
        schedule(filled)
        asyncio.run(serve_until(filled, lambda store: store.purges.runs >= 1))
        assert senders(filled) == set(CUSTOMERS)
        [record] = purge_records(filled)[:1]
        assert record["operator"] == "schedule" and record["conversations"] == 2
        assert verify_trail(trail_files(filled / "audit" / "privacy.jsonl")).ok
        rows = sqlite_rows(filled / "events.db", "SELECT data FROM events")
        stones = [json.loads(d) for (d,) in rows if "rasa_ethics_erasure" in d]
        assert sorted(s["sender_id"] for s in stones) == ["old1", "old2"]

    def test_it_runs_again_each_period(self, filled: Path) -> None:
        """Later runs find nothing more to delete, and say so in the trail."""
        schedule(filled)
        asyncio.run(serve_until(filled, lambda store: store.purges.runs >= 2))
        first, second = purge_records(filled)[:2]
        assert (first["conversations"], second["conversations"]) == (2, 0)

    def test_a_failed_run_is_logged_and_the_next_one_purges(
        self, filled: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """The trail cannot be opened at first: nothing is deleted, the error says why, and the
        server goes on; once it can, the next run purges."""
        schedule(filled, audit_path="rights/privacy.jsonl")
        blocker = filled / "rights"
        blocker.write_text("a file where the trail's folder should be")

        def repaired_after_a_failure(store: Any) -> bool:
            if store.purges.runs >= 1 and blocker.is_file():
                assert senders(filled) >= {"old1", "old2"}  # nothing went without its record
                blocker.unlink()
            return store.purges.runs >= 2 and purge_records(filled, "rights/privacy.jsonl") != []

        with caplog.at_level(logging.ERROR, logger="rasa_ethics.rights.schedule"):
            store = asyncio.run(serve_until(filled, repaired_after_a_failure))
        assert "the scheduled purge failed" in caplog.text
        assert store.purges.runs >= 2 and senders(filled) == set(CUSTOMERS)

    def test_unset_means_no_purge(self, filled: Path) -> None:
        """Without purge_every_hours only the command purges."""
        store = asyncio.run(serve_until(filled, lambda store: False, seconds=2.5))
        assert store.purges.runs == 0 and senders(filled) >= {"old1", "old2"}


class TestPolicy:
    def test_needs_a_retention_period(self, tmp_path: Path) -> None:
        """A schedule without retention_days is refused with the fix, at the line."""
        path = tmp_path / "policy.yml"
        path.write_text("version: 1\nprivacy:\n  purge_every_hours: 24\n", encoding="utf-8")
        with pytest.raises(PolicyError, match="retention_days: 180") as raised:
            load_policy(path)
        assert "policy.yml:3" in str(raised.value)

    def test_hours_must_be_positive(self, tmp_path: Path) -> None:
        path = tmp_path / "policy.yml"
        text = "version: 1\nprivacy:\n  retention_days: 30\n  purge_every_hours: 0\n"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(PolicyError, match="purge_every_hours"):
            load_policy(path)


class TestOneWriterPerTrail:
    def test_a_second_privacy_action_waits_for_the_first(self, tmp_path: Path) -> None:
        """Two privacy actions of one process take turns on the trail rather than one failing
        on its lock (the schedule's thread and an erasure in the chat)."""
        policy = _policy(tmp_path)
        first, second = PrivacyTrail(policy), PrivacyTrail(policy)
        first.open()
        opened: Dict[str, float] = {}

        def open_second() -> None:
            second.open()
            opened["at"] = time.monotonic()
            second.close()

        thread = threading.Thread(target=open_second)
        thread.start()
        time.sleep(0.5)
        assert "at" not in opened  # still waiting
        closed_at = time.monotonic()
        first.close()
        thread.join(10)
        assert opened["at"] >= closed_at


def _policy(folder: Path):
    path = folder / "policy.yml"
    audit = folder / "privacy.jsonl"
    path.write_text(f"version: 1\nprivacy:\n  audit_path: {audit}\n", encoding="utf-8")
    return load_policy(path)
