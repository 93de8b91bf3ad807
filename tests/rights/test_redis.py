"""Erasure, export and purge on Redis: Rasa's RedisTrackerStore on a throw-away redis-server.

The bot keeps conversations in Redis (one key per conversation) and the plugin's tables (vault,
handoff queue, subject keys, register) in a SQLite file named by ``handoff.store_url``.  The
conversations are saved through the real RedactingTrackerStore, as ``rasa run`` saves them.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import redis
from cryptography.fernet import Fernet
from rasa.shared.core.events import UserUttered

from rasa_ethics.audit.files import trail_files
from rasa_ethics.audit.verify import verify_trail
from rasa_ethics.rights import erase
from rasa_ethics.rights.export import export
from rasa_ethics.rights.locate import NothingStored, locate
from rasa_ethics.rights.purge import plan_purge, purge
from rasa_ethics.rights.tombstone import TOMBSTONE_EVENT
from tests.e2e.redis_server import redis_server
from tests.rights.bot import (
    CUSTOMERS,
    DAY,
    conversation,
    fill,
    fill_customers,
    sqlite_rows,
    write_bot,
)
from tests.rights.test_cli import run_cli

pytestmark = pytest.mark.slow

PREFIX = "tracker:"  # Rasa's DEFAULT_REDIS_TRACKER_STORE_KEY_PREFIX
PLUGIN_DB = "plugin.db"
TABLES = {"handoffs": "rasa_ethics_handoffs", "subjects": "rasa_ethics_subjects"}


@pytest.fixture(scope="module")
def server() -> Iterator[Dict[str, Any]]:
    with redis_server() as inner:
        yield inner


@pytest.fixture
def red(server: Dict[str, Any]) -> Iterator[redis.Redis]:
    """A client of the server's database, emptied before each test."""
    client = redis.Redis(host=server["url"], port=server["port"], decode_responses=True)
    client.flushdb()
    yield client
    client.close()


@pytest.fixture
def redis_bot(
    bot: Path, server: Dict[str, Any], red: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """ana, ana2, ben now and old1, old2 40 days ago, in Redis; retention 30 days.

    A Redis tracker store is a multi-replica set-up: the store refuses to start without the keys
    every replica shares.
    """
    monkeypatch.setenv("RASA_ETHICS_VAULT_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("RASA_ETHICS_AUDIT_KEY", "a pseudonym key for the redis tests")
    write_bot(bot, inner=server, handoff={"store_url": f"sqlite:///{PLUGIN_DB}"})
    fill_customers(bot, old=["old1", "old2"])
    return bot


def stored(red: redis.Redis, conversation: str) -> Dict[str, int]:
    """What is kept of ``conversation``: events in its key, plugin rows, vault values."""
    value = red.get(PREFIX + conversation)
    counts = {"events": len(json.loads(value)["events"]) if value is not None else 0}
    for kind, table in TABLES.items():
        query = f"SELECT count(*) FROM {table} WHERE conversation_id = ?"
        counts[kind] = sqlite_rows(Path(PLUGIN_DB), query, conversation)[0][0]
    stores = locate(Path("endpoints.yml"))
    vault = stores.vault()
    counts["vault"] = vault.count(conversation) if vault is not None else -1
    stores.dispose()
    return counts


def trail_records(folder: Path) -> List[Dict[str, Any]]:
    trail = folder / "audit" / "privacy.jsonl"
    assert verify_trail(trail_files(trail)).ok
    return [json.loads(line) for p in trail_files(trail) for line in p.read_text().splitlines()]


def tombstones(folder: Path) -> List[Dict[str, Any]]:
    rows = sqlite_rows(folder / "events.db", "SELECT data FROM events")
    return [e for e in (json.loads(d) for (d,) in rows) if e.get("event") == TOMBSTONE_EVENT]


class TestStore:
    def test_one_key_per_conversation_expiring_with_retention(
        self, redis_bot: Path, red: redis.Redis
    ) -> None:
        """Each conversation is one key; record_exp follows retention_days (30): the key
        expires 30 days after its last save."""
        keys = sorted(red.scan_iter(match=PREFIX + "*"))
        assert keys == sorted(PREFIX + c for c in [*CUSTOMERS, "old1", "old2"])
        for key in keys:
            assert 30 * DAY - 120 <= red.ttl(key) <= 30 * DAY


class TestErase:
    def test_nothing_of_the_conversation_remains(self, redis_bot: Path, red: redis.Redis) -> None:
        """ana's key, handoff rows, subject keys and vault values go; the others stay; the
        trail verifies and holds the erasure; the broker got the tombstone."""
        before = {c: stored(red, c) for c in [*CUSTOMERS, "old1"]}
        assert all(before["ana"].values()), before["ana"]
        result = erase(locate(Path("endpoints.yml")), "ana", "sam")
        assert red.exists(PREFIX + "ana") == 0
        assert stored(red, "ana") == dict.fromkeys(before["ana"], 0)
        assert result.erased.events == before["ana"]["events"]
        assert result.erased.handoffs == result.erased.subjects == result.erased.vault == 1
        assert {c: stored(red, c) for c in ("ana2", "ben", "old1")} == {
            c: before[c] for c in ("ana2", "ben", "old1")
        }
        [record] = [r for r in trail_records(redis_bot) if r["type"] == "erasure"]
        assert record["events"] == before["ana"]["events"] and record["handoffs"] == 1
        assert [(t["sender_id"], t["reason"]) for t in tombstones(redis_bot)] == [
            ("ana", "request")
        ]

    def test_nothing_stored_is_refused(self, redis_bot: Path, red: redis.Redis) -> None:
        """A conversation with no key and no rows is refused; nothing is filed or deleted."""
        keys = sorted(red.scan_iter(match="*"))
        stores = locate(Path("endpoints.yml"))
        with pytest.raises(NothingStored, match="nothing is stored of conversation 'nobody'"):
            erase(stores, "nobody", "sam")
        assert sorted(red.scan_iter(match="*")) == keys and stores.register.list() == []
        done = run_cli(["erase", "--conversation", "nobody"], redis_bot)
        assert done.returncode == 1 and "nothing is stored" in done.stderr, done.stderr


class TestExport:
    def test_the_stored_tracker_and_vault_names(self, redis_bot: Path, red: redis.Redis) -> None:
        """ben's export holds exactly the events of ben's key (redacted), the vault field
        names and his handoff; no address."""
        document = export(locate(Path("endpoints.yml")), "ben", "sam")
        assert document["events"] == json.loads(red.get(PREFIX + "ben"))["events"]
        assert document["vault_fields"] == ["email"] and len(document["handoffs"]) == 1
        assert "ben@example.org" not in json.dumps(document)
        assert "<EMAIL>" in json.dumps(document["events"])


class TestPurge:
    def test_dry_run_counts_are_what_the_purge_deletes(
        self, redis_bot: Path, red: redis.Redis
    ) -> None:
        """`privacy purge --dry-run` counts old1 and old2 (found with SCAN, never KEYS) and
        deletes nothing; `privacy purge` deletes exactly those counts; the rest stays."""
        before = {c: stored(red, c) for c in [*CUSTOMERS, "old1", "old2"]}
        red.config_resetstat()
        dry = run_cli(["purge", "--dry-run"], redis_bot)
        assert dry.returncode == 0, dry.stderr
        stats = red.info("commandstats")
        assert "cmdstat_scan" in stats and "cmdstat_keys" not in stats
        assert {c: stored(red, c) for c in before} == before  # the dry run deleted nothing
        done = run_cli(["purge"], redis_bot)
        assert done.returncode == 0, done.stderr
        planned = re.search(r"retention 30 days: 2 conversations .*: (.*)\n", dry.stdout)
        deleted = re.search(r"purged 2 conversations: (.*); tombstones published: 2", done.stdout)
        assert planned and deleted, (dry.stdout, done.stdout)
        assert planned.group(1) == deleted.group(1)
        expected = sum(before[c]["events"] for c in ("old1", "old2"))
        assert planned.group(1).startswith(f"{expected} events, 2 handoffs, 2 vault, 2 subjects")
        assert sorted(red.scan_iter(match=PREFIX + "*")) == sorted(PREFIX + c for c in CUSTOMERS)
        assert {c: stored(red, c) for c in CUSTOMERS} == {c: before[c] for c in CUSTOMERS}
        [record] = [r for r in trail_records(redis_bot) if r["type"] == "purge"]
        assert record["conversations"] == 2 and record["events"] == expected

    def test_a_conversation_that_came_back_is_kept(self, redis_bot: Path, red: redis.Redis) -> None:
        """A new event after the plan keeps old1's key whole; the counts say what went."""
        stores = locate(Path("endpoints.yml"))
        plan = plan_purge(stores)
        assert plan.conversations == ["old1", "old2"]
        came_back = conversation("old1", "old1@old.example", time.time() - 40 * DAY)
        came_back.update(UserUttered("I'm back", timestamp=time.time()))
        fill(redis_bot, [came_back])
        result = purge(stores, plan, "sam")
        assert red.exists(PREFIX + "old1") == 1 and red.exists(PREFIX + "old2") == 0
        assert result.conversations == 1 and result.deleted.events < plan.counts.events
