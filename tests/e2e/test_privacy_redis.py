"""Customers' rights on a served example bot whose tracker store is Redis (issue 12).

A real `rasa run` of the trained example bot, its inner tracker store Rasa's RedisTrackerStore on
a throw-away redis-server, the plugin's tables in a SQLite file (``handoff.store_url``), Rasa's SQL
broker behind the audit broker.  One server for the module:

* the issue's in-chat scenario (order form with an e-mail address, a person, "delete my data",
  yes) leaves no key of the conversation in Redis and no row in the plugin's tables, the privacy
  trail verifies, the tombstone is the last brokered event, the next message starts anew;
* an operator's `rasa-ethics privacy erase` of a served conversation leaves no key in Redis;
* keys expire with ``privacy.retention_days`` (the store sets Redis's ``record_exp``).
"""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest
import redis
import yaml
from cryptography.fernet import Fernet

from tests.e2e.redis_server import redis_server
from tests.e2e.test_privacy_chat import CLI, EMAIL, form_handoff_then_erasure, stored
from tests.harness import AUDIT_KEY, ServedBot, make_workspace, rasa_env, served_bot

pytestmark = pytest.mark.slow

PREFIX = "tracker:"  # Rasa's DEFAULT_REDIS_TRACKER_STORE_KEY_PREFIX
DAY = 86400
POLICY = {
    "privacy": {"subject_types": ["email"], "retention_days": 30},
    "handoff": {"store_url": "sqlite:///plugin.db"},  # beside a Redis store, in the bot folder
}


@pytest.fixture(scope="module")
def server() -> Iterator[Dict[str, Any]]:
    with redis_server() as inner:
        yield inner


@pytest.fixture(scope="module")
def red(server: Dict[str, Any]) -> Iterator[redis.Redis]:
    client = redis.Redis(host=server["url"], port=server["port"], decode_responses=True)
    yield client
    client.close()


@pytest.fixture(scope="module")
def redis_bot(
    trained_example_bot: Path,
    actions: str,
    server: Dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ServedBot]:
    """The example bot with its action server, its conversations and locks in Redis.

    A Redis tracker store makes it a multi-replica set-up: shared keys, a Redis lock store.
    """
    root = tmp_path_factory.mktemp("privacy-redis")
    space = make_workspace(root, actions, broker_sql=True, policy=POLICY)
    endpoints = yaml.safe_load(space.endpoints.read_text(encoding="utf-8"))
    endpoints["tracker_store"]["inner"] = server
    endpoints["lock_store"] = {**server, "db": 1}
    space.endpoints.write_text(yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
    keys = {"RASA_ETHICS_VAULT_KEY": Fernet.generate_key().decode()}
    with served_bot(trained_example_bot, space, env=keys) as bot:
        bot.keys = keys  # type: ignore[attr-defined]
        yield bot


def sender(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}"


def keys_of(red: redis.Redis, who: str) -> list:
    return [k for k in red.scan_iter(match="*") if who in k]


class TestOnRedis:
    def test_form_handoff_then_erasure_in_the_chat(
        self, redis_bot: ServedBot, red: redis.Redis, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The issue's scenario on Redis: afterwards Redis holds no key of the conversation."""
        who = sender("erase-redis")
        form_handoff_then_erasure(redis_bot, who, monkeypatch)
        # the next message (asserted above) started a new session, which is stored again
        [key] = keys_of(red, who)
        assert EMAIL not in red.get(key) and "where is my order" not in red.get(key)

    def test_operator_erasure_leaves_no_key(
        self, redis_bot: ServedBot, red: redis.Redis, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A served conversation, then `rasa-ethics privacy erase`: no key of it is left."""
        who = sender("operator-redis")
        assert "email" in " ".join(redis_bot.say(who, "where is my order?")).lower()
        redis_bot.say(who, EMAIL)
        assert keys_of(red, who) == [PREFIX + who]
        assert 30 * DAY - 600 <= red.ttl(PREFIX + who) <= 30 * DAY  # record_exp = retention
        before = stored(redis_bot, who, monkeypatch)
        assert before["events"] > 0 and before["vault"] == 1 and before["subjects"] == 1
        assert redis_bot.space is not None
        done = subprocess.run(
            [CLI, "privacy", "--operator", "sam", "erase", "--conversation", who],
            cwd=redis_bot.space.bot,
            env=rasa_env(RASA_ETHICS_AUDIT_KEY=AUDIT_KEY, **redis_bot.keys),  # type: ignore[attr-defined]
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert f"{before['events']} events" in done.stdout, done.stdout
        assert keys_of(red, who) == []
        assert set(stored(redis_bot, who, monkeypatch).values()) == {0}
