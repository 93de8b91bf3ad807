"""The folder one served bot runs in: its endpoints, credentials and policies.

``<root>/bot`` is the server's working directory, so the ``../policies/northwind.yml`` references
of the model and of ``endpoints.yml`` resolve to a copy in ``<root>/policies`` that a test may
edit.  ``endpoints.yml`` and ``credentials.yml`` start as the example bot's own (what
`rasa-ethics init` wrote) and are pointed into the workspace: the action server, the SQLite
tracker store, the audit trail.  :func:`make_workspace` says what a variant changes.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

import yaml

from tests.harness.processes import EXAMPLE_BOT, REPO

__all__ = ["POLICY", "Workspace", "make_workspace", "shift_into_the_past"]

#: The policy file the example bot's config and endpoints name, relative to ``<root>/bot``.
POLICY = "../policies/northwind.yml"
#: An action endpoint where nothing listens (the action server is down).
NO_ACTIONS = "http://127.0.0.1:9/webhook"
_STORE = "rasa_ethics.RedactingTrackerStore"


@dataclass(frozen=True)
class Workspace:
    """The folders and files of one served bot."""

    root: Path
    audit: Optional[Path] = None  # where the audit trail goes, if not ``<root>/audit``

    @property
    def audit_dir(self) -> Path:
        """The folder of the audit trail."""
        return self.audit or self.root / "audit"

    @property
    def bot(self) -> Path:
        """The server's working directory."""
        return self.root / "bot"

    @property
    def policy(self) -> Path:
        """The bot's policy file (a copy the test may edit: it is reloaded live)."""
        return self.root / "policies" / "northwind.yml"

    @property
    def db(self) -> Path:
        """The SQLite database of the tracker store (and of the plugin's tables)."""
        return self.bot / "rasa.db"

    @property
    def trail(self) -> Path:
        """The active audit file."""
        return self.audit_dir / "audit.jsonl"

    @property
    def events_db(self) -> Path:
        """The SQLite database of Rasa's SQL event broker, when the audit broker wraps one."""
        return self.root / "events.db"

    @property
    def endpoints(self) -> Path:
        """The server's endpoints.yml."""
        return self.bot / "endpoints.yml"

    @property
    def credentials(self) -> Path:
        """The server's credentials.yml."""
        return self.bot / "credentials.yml"


def make_workspace(
    root: Path,
    actions: Optional[str] = None,
    *,
    plugin: bool = True,
    tracker_store: str = _STORE,
    audit_policy: Optional[str] = "northwind.yml",
    broker_sql: bool = False,
    audit_dir: Optional[Path] = None,
    policy: Optional[Mapping[str, Any]] = None,
    channels: Optional[Mapping[str, Any]] = None,
) -> Workspace:
    """Write one server's folder from the example bot's endpoints and credentials.

    ``actions``: the action server's webhook URL (None: nothing listens there).  ``plugin=False``
    serves the bot without rasa-ethics: a plain SQLite store, Rasa's NLG, REST only.  Otherwise
    ``tracker_store`` is the wrapper's ``type``; ``audit_policy`` names the audit broker's policy
    file in ``<root>/policies`` (None: no event broker), ``broker_sql`` wraps Rasa's SQL event
    broker on ``events.db`` so a test can see every event Rasa published.  ``policy``: sections
    merged into the copied policy file.  ``channels``: more entries for credentials.yml.
    """
    space = Workspace(root, audit_dir)
    space.bot.mkdir(parents=True)
    shutil.copytree(REPO / "policies", root / "policies")
    if policy:
        _merge_into_policy(space.policy, policy)
    endpoints = _load(EXAMPLE_BOT / "endpoints.yml")
    credentials = _load(EXAMPLE_BOT / "credentials.yml")
    endpoints["action_endpoint"] = {"url": actions or NO_ACTIONS}
    sqlite = {"type": "sql", "dialect": "sqlite", "db": str(space.db)}
    if plugin:
        endpoints["tracker_store"] = {"type": tracker_store, "policy": POLICY, "inner": sqlite}
        endpoints.pop("event_broker", None)
        if audit_policy:
            endpoints["event_broker"] = _audit_broker(space, audit_policy, broker_sql)
    else:
        endpoints = {"action_endpoint": endpoints["action_endpoint"], "tracker_store": sqlite}
        credentials = {"rest": None}
    credentials.update(channels or {})
    space.endpoints.write_text(yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
    space.credentials.write_text(yaml.safe_dump(credentials, sort_keys=False), encoding="utf-8")
    return space


def _load(path: Path) -> Dict[str, Any]:
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


def _audit_broker(space: Workspace, policy: str, sql: bool) -> Dict[str, Any]:
    broker: Dict[str, Any] = {
        "type": "rasa_ethics.AuditEventBroker",
        "policy": f"../policies/{policy}",
        "path": str(space.trail),
    }
    if sql:
        broker["inner"] = {"type": "sql", "dialect": "sqlite", "db": str(space.events_db)}
    return broker


def _merge_into_policy(path: Path, sections: Mapping[str, Any]) -> None:
    data = _load(path)
    for name, values in sections.items():
        data[name] = {**(data.get(name) or {}), **values}
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=4096)
    path.write_text(text, encoding="utf-8")


def shift_into_the_past(db: Path, sender: str, seconds: float) -> None:
    """Pretend ``sender``'s conversation happened ``seconds`` ago (for session expiry)."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute("select id, data from events where sender_id = ?", (sender,))
        for row_id, data in rows.fetchall():
            event = json.loads(data)
            event["timestamp"] -= seconds
            connection.execute(
                "update events set timestamp = ?, data = ? where id = ?",
                (event["timestamp"], json.dumps(event), row_id),
            )
