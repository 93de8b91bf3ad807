"""The example bot served by a real `rasa run`, with or without the audit trail.

Shared by the end-to-end audit tests and ``bench/audit``.  Each server gets a workspace:
``<root>/bot`` is its working directory, so the ``../policies/northwind.yml`` references of the
model and of ``endpoints.yml`` resolve to a copy in ``<root>/policies``.  ``endpoints.yml`` is
the example bot's own, with the action server, the tracker store's SQLite file and the event
broker pointed into the workspace.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from rasa_ethics.audit.pseudonym import Pseudonymizer
from tests.servers import REPO, post_json, serve_bot

__all__ = ["AUDIT_KEY", "BotClient", "Workspace", "make_workspace", "served"]

EXAMPLE_BOT = REPO / "example_bot"
#: The pseudonym key the audited servers run with, so tests can compute senders' pseudonyms.
AUDIT_KEY = "audit-e2e-pseudonym-key"
pseudonym = Pseudonymizer(AUDIT_KEY.encode())


@dataclass(frozen=True)
class Workspace:
    """The folders and files of one served bot."""

    root: Path
    audit_dir: Path

    @property
    def bot(self) -> Path:
        """The server's working directory."""
        return self.root / "bot"

    @property
    def trail(self) -> Path:
        """The active audit file."""
        return self.audit_dir / "audit.jsonl"

    @property
    def events_db(self) -> Path:
        """The SQLite database of the wrapped SQL event broker."""
        return self.root / "events.db"


def make_workspace(
    root: Path,
    action_url: str,
    audit: bool = True,
    audit_dir: Path | None = None,
    inner_sql: bool = True,
    policy: str = "northwind.yml",
) -> Workspace:
    """Write the server's endpoints and credentials; ``audit``: add the audit event broker.

    With ``inner_sql`` the broker wraps Rasa's SQL event broker on SQLite (``events.db``), so a
    test can compare what the audit trail recorded with every event Rasa published.  ``policy``
    names the broker's policy file in ``<root>/policies``.
    """
    space = Workspace(root, audit_dir or root / "audit")
    space.bot.mkdir(parents=True)
    shutil.copytree(REPO / "policies", root / "policies")
    endpoints: dict[str, Any] = yaml.safe_load((EXAMPLE_BOT / "endpoints.yml").read_text())
    endpoints["action_endpoint"] = {"url": action_url}
    store = endpoints.get("tracker_store") or {}
    inner = store.get("inner", store) if isinstance(store, dict) else {}
    if inner.get("dialect") == "sqlite":
        inner["db"] = str(root / "trackers.db")
    endpoints.pop("event_broker", None)
    if audit:
        endpoints["event_broker"] = audit_broker(space, inner_sql, policy)
    (space.bot / "endpoints.yml").write_text(yaml.safe_dump(endpoints, sort_keys=False))
    (space.bot / "credentials.yml").write_text("rest:\n")
    return space


def audit_broker(space: Workspace, inner_sql: bool, policy: str) -> dict[str, Any]:
    """The ``event_broker`` section: the audit broker, optionally around Rasa's SQL broker."""
    broker: dict[str, Any] = {
        "type": "rasa_ethics.AuditEventBroker",
        "policy": f"../policies/{policy}",
        "path": str(space.trail),
    }
    if inner_sql:
        broker["inner"] = {"type": "sql", "dialect": "sqlite", "db": str(space.events_db)}
    return broker


@contextlib.contextmanager
def served(model: Path, space: Workspace) -> Iterator[BotClient]:
    """Run `rasa run` for ``space`` (REST channel and API on); yield a client."""
    env = {"RASA_ETHICS_AUDIT_KEY": AUDIT_KEY}
    with serve_bot(
        model,
        space.bot,
        space.bot / "endpoints.yml",
        space.bot / "credentials.yml",
        env=env,
    ) as url:
        yield BotClient(url)


class BotClient:
    """A customer talking to a served bot over the REST channel."""

    def __init__(self, url: str) -> None:
        self.url = url

    def say(self, sender: str, text: str) -> list[str]:
        """Send ``text`` as ``sender``; the texts the customer gets back."""
        answer = post_json(f"{self.url}/webhooks/rest/webhook", {"sender": sender, "message": text})
        return [str(message.get("text", "")) for message in answer or []]

    def timed_say(self, sender: str, text: str) -> float:
        """Seconds from sending ``text`` until the whole answer is back."""
        started = time.perf_counter()
        self.say(sender, text)
        return time.perf_counter() - started
