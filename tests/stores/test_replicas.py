"""A multi-replica set-up refuses to start without what its replicas share (stores/replicas.py).

The store is built the way ``rasa run`` builds it: by Rasa's own ``load_agent`` from an
``AvailableEndpoints``, so the lock store is found where Rasa keeps it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Dict, Optional

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from rasa.core.agent import load_agent
from rasa.core.utils import AvailableEndpoints
from rasa.utils.endpoints import EndpointConfig

from rasa_ethics.audit.broker import AuditEventBroker
from rasa_ethics.policy import load_policy
from rasa_ethics.stores.replicas import ReplicaSetupError, check_replicas, is_multi_replica
from tests.stores.test_tracker_store import POLICY

CLOSED_PORT = 9  # nothing listens there: the stores below must refuse before they connect


@pytest.fixture(autouse=True)
def no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RASA_ETHICS_VAULT_KEY", raising=False)
    monkeypatch.delenv("RASA_ETHICS_AUDIT_KEY", raising=False)


def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASA_ETHICS_VAULT_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("RASA_ETHICS_AUDIT_KEY", "one pseudonym key for every replica")


def policy_file(tmp_path: Path, store_url: str) -> str:
    path = tmp_path / "policy.yml"
    path.write_text(
        f"extends_dirs: [{Path(POLICY).parent}]\nextends: {POLICY}\n"
        f"handoff:\n  store_url: {store_url}\n"
        f"audit:\n  path: {tmp_path / 'audit' / 'audit.jsonl'}\n"
    )
    return str(path)


def start(tmp_path: Path, inner: Dict[str, Any], lock_store: Optional[Dict[str, Any]]) -> Any:
    """The agent Rasa's ``load_agent`` builds from these endpoints (no model)."""
    policy = policy_file(tmp_path, f"sqlite:///{tmp_path / 'handoffs.db'}")
    endpoints = AvailableEndpoints(
        tracker_store=EndpointConfig(
            type="rasa_ethics.RedactingTrackerStore", policy=policy, inner=inner
        ),
        lock_store=EndpointConfig(**lock_store) if lock_store else None,
    )
    return asyncio.run(load_agent(endpoints=endpoints))


REDIS_STORE = {"type": "redis", "url": "127.0.0.1", "port": CLOSED_PORT}


class TestWhatCountsAsSeveralReplicas:
    @pytest.mark.parametrize(
        "inner, lock_store, multi",
        [
            ({"type": "sql", "dialect": "sqlite", "db": "rasa.db"}, None, False),
            ({"type": "sql"}, "in_memory", False),  # Rasa's default dialect is SQLite
            ({"type": "in_memory"}, "in_memory", False),
            ({"type": "sql", "dialect": "postgresql"}, None, True),
            ({"type": "redis"}, "in_memory", True),
            ({"type": "mongod"}, None, True),
            ({"type": "sql", "dialect": "sqlite"}, "redis", True),  # the lock store tells
        ],
    )
    def test_shared_store_or_redis_lock(
        self, inner: Dict[str, Any], lock_store: Optional[str], multi: bool
    ) -> None:
        assert is_multi_replica(inner, lock_store) is multi


class TestStartUp:
    def test_single_sqlite_bot_starts_without_keys(self, tmp_path: Path) -> None:
        """The developer's bot (SQLite, in-memory locks) needs no key: nothing else shares it."""
        agent = start(tmp_path, {"type": "sql", "dialect": "sqlite", "db": "x.db"}, None)
        assert agent.tracker_store is not None

    def test_every_missing_piece_is_named(self, tmp_path: Path) -> None:
        """Redis conversations with Rasa's in-memory lock store and no key: one error that says
        what to set, found from the endpoints Rasa was given."""
        with pytest.raises(ReplicaSetupError) as raised:
            start(tmp_path, REDIS_STORE, None)
        message = str(raised.value)
        assert "multi-replica set-up" in message
        assert "$RASA_ETHICS_VAULT_KEY" in message and "Fernet" in message
        assert "lock_store: type: redis" in message

    def test_keys_and_a_redis_lock_store_start(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ) -> None:
        """With the keys set and a Redis lock store the store starts; its SQLite handoff queue
        is named in a warning (replicas on other machines would not share it)."""
        keys(monkeypatch)
        lock = {"type": "redis", "url": "127.0.0.1", "port": CLOSED_PORT}
        agent = start(tmp_path, {"type": "sql", "dialect": "sqlite", "db": "x.db"}, lock)
        assert agent.tracker_store is not None
        assert "handoffs.db" in caplog.text and "handoff.store_url" in caplog.text

    def test_audit_key_and_durable_trail(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With an audit trail the pseudonym key is needed too; once everything is there the
        trail becomes durable (records written before publish returns)."""
        policy = load_policy(policy_file(tmp_path, "sqlite:///unused.db"))
        broker = AuditEventBroker(policy=policy_file(tmp_path, "sqlite:///unused.db"))
        shared = sa.create_engine("postgresql://rasa@127.0.0.1:9/rasa")  # never connected
        inner = {"type": "sql", "dialect": "postgresql"}
        try:
            monkeypatch.setenv("RASA_ETHICS_VAULT_KEY", Fernet.generate_key().decode())
            with pytest.raises(ReplicaSetupError, match=r"\$RASA_ETHICS_AUDIT_KEY"):
                check_replicas(inner, policy, broker, shared, "redis")
            assert broker.writer is not None and not broker.writer.durable
            keys(monkeypatch)
            assert check_replicas(inner, policy, broker, shared, "redis") is True
            assert broker.writer.durable
        finally:
            asyncio.run(broker.close())
