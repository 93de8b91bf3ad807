"""Erasure, export and purge on PostgreSQL: a throw-away server from the Debian binaries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from rasa_ethics.audit.files import trail_files
from rasa_ethics.audit.verify import verify_trail
from rasa_ethics.rights import erase
from rasa_ethics.rights.export import export
from rasa_ethics.rights.locate import locate
from rasa_ethics.rights.purge import plan_purge, purge
from tests.e2e.postgres import postgres_server
from tests.rights.bot import CUSTOMERS, fill_customers, write_bot

pytestmark = pytest.mark.slow

COUNTS = {
    "events": "SELECT count(*) FROM events WHERE sender_id = :c",
    "handoffs": "SELECT count(*) FROM rasa_ethics_handoffs WHERE conversation_id = :c",
    "subjects": "SELECT count(*) FROM rasa_ethics_subjects WHERE conversation_id = :c",
}


@pytest.fixture(scope="module")
def server() -> Iterator[Dict[str, Any]]:
    with postgres_server() as inner:
        yield inner


@pytest.fixture
def pg_bot(bot: Path, server: Dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Path:
    """The bot on PostgreSQL (a fresh database per test), with the keys a server needs."""
    inner = {**server, "db": f"rights_{abs(hash(str(bot))) % 10**8}"}
    monkeypatch.setenv("RASA_ETHICS_VAULT_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("RASA_ETHICS_SUBJECT_KEY", "a subject key for the postgres tests")
    write_bot(bot, inner=inner)
    fill_customers(bot, old=["old1"])
    return bot


def counts(conversation: str) -> Dict[str, int]:
    stores = locate(Path("endpoints.yml"))
    with stores.events_engine.connect() as conn:
        found = {
            k: conn.execute(sa.text(q), {"c": conversation}).scalar() for k, q in COUNTS.items()
        }
    vault = stores.vault()
    found["vault"] = vault.count(conversation) if vault is not None else -1
    stores.dispose()
    return found


class TestOnPostgres:
    def test_erase_export_purge(self, pg_bot: Path) -> None:
        """ana is erased everywhere, the others are intact, old1 is purged, the trail verifies."""
        before = {c: counts(c) for c in [*CUSTOMERS, "old1"]}
        assert all(before["ana"].values()), before["ana"]
        stores = locate(Path("endpoints.yml"))
        document = export(stores, "ben", "sam")
        assert document["vault_fields"] == ["email"] and "ben@example.org" not in json.dumps(
            document
        )
        result = erase(stores, "ana", "sam")
        assert counts("ana") == dict.fromkeys(before["ana"], 0)
        assert result.erased.events == before["ana"]["events"]
        assert {c: counts(c) for c in ("ana2", "ben", "old1")} == {
            c: before[c] for c in ("ana2", "ben", "old1")
        }
        assert stores.subject_index().find("ana@example.com") == ["ana2"]
        plan = plan_purge(stores)
        assert plan.conversations == ["old1"]
        assert purge(stores, plan, "sam").deleted == plan.counts
        assert counts("old1") == dict.fromkeys(before["old1"], 0)
        trail = pg_bot / "audit" / "privacy.jsonl"
        assert verify_trail(trail_files(trail)).ok
        types = [json.loads(line)["type"] for line in trail.read_text().splitlines()]
        assert {"export", "erasure", "purge"} <= set(types)
