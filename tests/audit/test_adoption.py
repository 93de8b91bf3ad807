"""`rasa-ethics init` switches the audit trail on: ``event_broker:`` in endpoints.yml."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
import rasa.cli
from rasa.utils.endpoints import read_endpoint_config
from ruamel.yaml import YAML

from rasa_ethics.adoption import adopt
from rasa_ethics.audit.broker import AuditEventBroker

RASA_INIT_PROJECT = Path(rasa.cli.__file__).parent / "initial_project"


@pytest.fixture
def bot(tmp_path: Path) -> Path:
    """A copy of the project `rasa init` creates."""
    folder = tmp_path / "bot"
    shutil.copytree(RASA_INIT_PROJECT, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def broker_section(bot: Path) -> dict:
    """The ``event_broker`` section of the bot's endpoints.yml."""
    return dict(YAML(typ="safe").load((bot / "endpoints.yml").read_text())["event_broker"])


class TestEventBroker:
    def test_added_with_a_comment(self, bot: Path) -> None:
        """init adds the audit broker, says so, and keeps Rasa's commented-out examples."""
        changes = [str(change) for change in adopt(bot)]
        assert any("rasa_ethics.AuditEventBroker" in change for change in changes)
        assert broker_section(bot) == {
            "type": "rasa_ethics.AuditEventBroker",
            "policy": "ethics_policy.yml",
        }
        text = (bot / "endpoints.yml").read_text()
        assert "# rasa-ethics: the audit trail; your broker is `inner:`" in text
        assert "# Event broker which all conversation events should be streamed to." in text
        assert "#event_broker:\n#  url: localhost" in text

    def test_the_bots_own_broker_becomes_inner(self, bot: Path) -> None:
        """A broker the bot already had keeps getting every event, as ``inner:``."""
        with open(bot / "endpoints.yml", "a") as handle:
            handle.write("event_broker:\n  type: sql\n  dialect: sqlite\n  db: events.db\n")
        adopt(bot)
        inner = {"type": "sql", "dialect": "sqlite", "db": "events.db"}
        assert broker_section(bot)["inner"] == inner

    def test_a_broker_without_type_is_pika(self, bot: Path) -> None:
        """Rasa reads a broker without ``type:`` as pika; init spells that out for ``inner:``."""
        with open(bot / "endpoints.yml", "a") as handle:
            handle.write("event_broker:\n  url: localhost\n  username: guest\n")
        adopt(bot)
        assert broker_section(bot)["inner"] == {
            "type": "pika",
            "url": "localhost",
            "username": "guest",
        }

    def test_the_result_starts(self, bot: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """The broker builds from what init wrote (unknown keys would fail at start-up)."""
        with open(bot / "endpoints.yml", "a") as handle:
            handle.write("event_broker:\n  type: sql\n  dialect: sqlite\n  db: events.db\n")
        adopt(bot)
        monkeypatch.chdir(bot)
        config = read_endpoint_config(str(bot / "endpoints.yml"), "event_broker")
        assert config is not None
        broker = asyncio.run(AuditEventBroker.from_endpoint_config(config))
        assert broker.writer is not None and broker.inner is not None
        asyncio.run(broker.close())
        assert (bot / "audit" / "audit.jsonl").is_file()
