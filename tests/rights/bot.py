"""A bot folder with real SQL stores, filled through the real RedactingTrackerStore.

Conversations are saved the way ``rasa run`` saves them: the store Rasa builds from the
folder's ``endpoints.yml``, with the PII redaction, the vault, the handoff queue and the subject
keys, and the audit broker with a real SQL event broker inside (where tombstones land).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    Event,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from tests.dialogue.builders import DOMAIN_YAML, session

REPO = Path(__file__).resolve().parents[2]
NORTHWIND = REPO / "policies" / "northwind.yml"
DOMAIN = Domain.from_yaml(DOMAIN_YAML)
DAY = 86400.0
AUDIT_KEY = "a pseudonym key for the rights tests"

#: conversation → the e-mail address its customer gives
CUSTOMERS = {"ana": "ana@example.com", "ana2": "ana@example.com", "ben": "ben@example.org"}


def write_bot(
    folder: Path,
    inner: Optional[Dict[str, Any]] = None,
    privacy: Optional[Dict[str, Any]] = None,
    broker: Optional[Dict[str, Any]] = None,
    handoff: Optional[Dict[str, Any]] = None,
) -> None:
    """policy.yml and endpoints.yml of a bot whose store is ``inner`` (default SQLite);
    ``handoff``: the policy's handoff section (a Redis store needs its ``store_url``)."""
    policy: Dict[str, Any] = {
        "extends_dirs": [str(NORTHWIND.parent)],
        "extends": str(NORTHWIND),
        "privacy": {"subject_types": ["email"], "retention_days": 30, **(privacy or {})},
    }
    if handoff is not None:
        policy["handoff"] = handoff
    (folder / "policy.yml").write_text(yaml.safe_dump(policy), encoding="utf-8")
    endpoints = {
        "tracker_store": {
            "type": "rasa_ethics.RedactingTrackerStore",
            "policy": "policy.yml",
            "inner": inner or {"type": "sql", "dialect": "sqlite", "db": "rasa.db"},
        },
        "event_broker": {
            "type": "rasa_ethics.AuditEventBroker",
            "policy": "policy.yml",
            "path": "audit/audit.jsonl",
            "inner": broker or {"type": "sql", "dialect": "sqlite", "db": "events.db"},
        },
    }
    (folder / "endpoints.yml").write_text(yaml.safe_dump(endpoints), encoding="utf-8")


def conversation(sender: str, email: str, at: float) -> DialogueStateTracker:
    """A customer gives an e-mail address in the order form, then asks for a human."""
    events: List[Event] = [
        UserUttered("where is my order?", timestamp=at),
        BotUttered("Your email?", metadata={"utter_action": "utter_ask_email"}, timestamp=at + 1),
        ActionExecuted("action_listen", timestamp=at + 1),
        UserUttered(f"it is {email}", timestamp=at + 2),
        SlotSet("email", email, timestamp=at + 2),
        UserUttered("get me a human", timestamp=at + 3),
        ActionExecuted(
            "utter_ethics_handoff",
            metadata={"ethics_handoff": {"reason": "customer_request"}},
            timestamp=at + 4,
        ),
        BotUttered("connecting you", timestamp=at + 4),
        ConversationPaused(timestamp=at + 4),
        ActionExecuted("action_listen", timestamp=at + 4),
    ]
    return DialogueStateTracker.from_events(sender, session(*events), DOMAIN.slots)


async def _save_all(folder: Path, trackers: List[DialogueStateTracker]) -> None:
    broker = await EventBroker.create(
        read_endpoint_config(str(folder / "endpoints.yml"), "event_broker")
    )
    config = read_endpoint_config(str(folder / "endpoints.yml"), "tracker_store")
    store = TrackerStore.create(config, DOMAIN, broker)
    for tracker in trackers:
        await store.save(tracker)
    assert broker is not None
    broker.flush()
    await broker.close()


def fill(folder: Path, trackers: List[DialogueStateTracker]) -> None:
    """Save ``trackers`` through the store and broker of the bot in ``folder`` (the cwd)."""
    asyncio.run(_save_all(folder, trackers))


def fill_customers(folder: Path, old: Optional[List[str]] = None) -> None:
    """The three customers now, plus ``old`` conversations 40 days ago."""
    now = time.time() - 60
    trackers = [conversation(s, e, now) for s, e in CUSTOMERS.items()]
    trackers += [conversation(s, f"{s}@old.example", now - 40 * DAY) for s in old or []]
    fill(folder, trackers)


def sqlite_rows(db: Path, sql: str, *args: Any) -> List[Any]:
    """Rows of a query on a SQLite file."""
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()
