"""Tests for ``rasa_ethics.AuditEventBroker`` wrapping a real Rasa SQL event broker."""

from __future__ import annotations

import asyncio
import errno
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from rasa_ethics.audit.broker import AuditConfigError, AuditEventBroker
from rasa_ethics.audit.files import AuditFile, trail_files
from rasa_ethics.audit.verify import verify_trail
from rasa_ethics.testing import assert_no_record, assert_record, capture_audit

from .audit_testlib import SENDER, conversation, records_of

PLANTED = ("jane.doe", "example.com", "7700", "900123", "Connecting you")


def build(config: dict[str, Any]) -> EventBroker:
    """Build a broker from an endpoints.yml ``event_broker`` section, as Rasa does."""
    broker = asyncio.run(EventBroker.create(EndpointConfig.from_dict(config)))
    assert broker is not None
    return broker


def close(broker: EventBroker) -> None:
    """Close a broker the way Rasa does at shutdown."""
    asyncio.run(broker.close())


class TestFromEndpointConfig:
    def test_inner_sql_broker_gets_every_event(
        self, tmp_path: Path, policy_file: Callable[..., Path]
    ) -> None:
        """Every event reaches the inner SQL broker unchanged, and the trail records them."""
        broker = build(
            {
                "type": "rasa_ethics.AuditEventBroker",
                "policy": str(policy_file()),
                "inner": {"type": "sql", "dialect": "sqlite", "db": str(tmp_path / "events.db")},
            }
        )
        assert isinstance(broker, AuditEventBroker) and broker.is_ready()
        events = conversation()
        for event in events:
            broker.publish(event)
        close(broker)
        rows = (
            sqlite3.connect(tmp_path / "events.db")
            .execute("SELECT sender_id, data FROM events ORDER BY id")
            .fetchall()
        )
        assert [json.loads(data) for _, data in rows] == events
        assert {sender for sender, _ in rows} == {SENDER}
        trail = tmp_path / "audit" / "audit.jsonl"
        assert verify_trail(trail_files(trail)).ok
        assert len([r for r in records_of(trail) if r["type"] == "user_turn"]) == 2

    def test_path_override(self, tmp_path: Path, policy_file: Callable[..., Path]) -> None:
        """``path:`` in endpoints.yml overrides the policy's audit.path."""
        target = tmp_path / "elsewhere" / "trail.jsonl"
        broker = build(
            {
                "type": "rasa_ethics.AuditEventBroker",
                "policy": str(policy_file()),
                "path": str(target),
            }
        )
        close(broker)
        assert target.is_file()

    @pytest.mark.parametrize(
        ("extra", "message"),
        [
            ({"dialect": "sqlite"}, "unknown key"),
            ({"inner": {"db": "x.db"}}, "type:"),
            ({"inner": {"type": "no.such.Broker"}}, "could not be created"),
            ({"redactor": "no.such.function"}, "cannot import"),
        ],
    )
    def test_bad_configuration_fails_at_start(
        self, policy_file: Callable[..., Path], extra: dict[str, Any], message: str
    ) -> None:
        """A wrong event_broker section is an error at start-up, never a silent fallback."""
        config = {"type": "rasa_ethics.AuditEventBroker", "policy": str(policy_file()), **extra}
        with pytest.raises(AuditConfigError, match=message):
            asyncio.run(AuditEventBroker.from_endpoint_config(EndpointConfig.from_dict(config)))


class TestPublish:
    def test_no_planted_pii_in_the_trail(
        self, tmp_path: Path, policy_file: Callable[..., Path]
    ) -> None:
        """Emails, phone numbers, sender ids and message text never reach the trail."""
        broker = AuditEventBroker(policy=policy_file(include_bot_text=True))
        for event in conversation():
            broker.publish(event)
        close(broker)
        # digests and signatures are random: "7700" turns up in a hex hash now and then
        random = {"hash", "prev", "signature", "public_key"}
        text = "".join(
            json.dumps({key: value for key, value in json.loads(line).items() if key not in random})
            for path in trail_files(tmp_path / "audit" / "audit.jsonl")
            for line in path.read_text().splitlines()
        )
        assert "user_turn" in text
        for planted in PLANTED + (SENDER,):
            assert planted not in text, planted

    def test_bot_text_through_redactor(self, policy_file: Callable[..., Path]) -> None:
        """With include_bot_text and a redactor, the redacted bot text is recorded."""
        broker = AuditEventBroker(
            policy=policy_file(include_bot_text=True), redactor=lambda text: "[redacted]"
        )
        with capture_audit() as records:
            for event in conversation():
                broker.publish(event)
        close(broker)
        assert_record(records, type="bot_utterance", response="utter_greet", text="[redacted]")

    def test_capture_and_assert_helpers(self, policy_file: Callable[..., Path]) -> None:
        """capture_audit sees the broker's records; the assert helpers match on fields."""
        broker = AuditEventBroker(policy=policy_file())
        with capture_audit() as records:
            for event in conversation():
                broker.publish(event)
        close(broker)
        assert_record(records, type="handoff", reason="explicit_request")
        assert_record(records, type="disclosure", response="utter_greet")
        assert_record(records, count=2, type="user_turn")
        user = assert_record(records, type="user_turn", intent="greet")
        assert user["pii"] == {"email": 1, "phone": 1} and len(user["hash"]) == 64
        assert_no_record(records, type="error")
        with pytest.raises(AssertionError, match="expected a record with type='gap'"):
            assert_record(records, type="gap")

    def test_every_record_has_the_policy_version(self, policy_file: Callable[..., Path]) -> None:
        """All records carry the version hash of the policy."""
        broker = AuditEventBroker(policy=policy_file())
        with capture_audit() as records:
            for event in conversation():
                broker.publish(event)
        close(broker)
        version = broker.policy.current.version_hash
        assert {r["policy_version"] for r in records} == {version}

    def test_mapping_bug_becomes_error_record(self, policy_file: Callable[..., Path]) -> None:
        """A mapping failure is recorded by exception type only; the inner broker still runs."""
        inner = _ListBroker()
        broker = AuditEventBroker(policy=policy_file(), inner=inner)
        with capture_audit() as records:
            broker.publish({"event": "user", "sender_id": "a", "parse_data": "not a dict"})
        close(broker)
        error = assert_record(records, type="error")
        assert error["where"] == "publish" and error["error"] == "AttributeError"
        assert len(inner.events) == 1

    def test_disk_full_never_reaches_the_bot(
        self, policy_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With the disk full, publish neither raises nor stops the inner broker."""
        monkeypatch.setattr("rasa_ethics.audit._appender._RETRY_SECONDS", 0.0)
        inner = _ListBroker()
        broker = AuditEventBroker(policy=policy_file(), inner=inner)

        def disk_full(self: AuditFile, data: bytes) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(AuditFile, "write", disk_full)
        for event in conversation() * 20:
            broker.publish(event)
        assert len(inner.events) == 240
        close(broker)

    def test_disabled_audit_only_forwards(
        self, tmp_path: Path, policy_file: Callable[..., Path]
    ) -> None:
        """With audit.enabled false nothing is written, and events still reach the inner broker."""
        inner = _ListBroker()
        broker = AuditEventBroker(policy=policy_file(enabled=False), inner=inner)
        broker.publish(conversation()[0])
        close(broker)
        assert inner.events and not (tmp_path / "audit").exists()


class _ListBroker(EventBroker):
    """An inner broker that keeps what it is given."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def publish(self, event: dict[str, Any]) -> None:
        self.events.append(event)
