"""Real `rasa run` servers of the example bot for the ethics end-to-end tests, and an HTTP client.

Each server runs in its own workspace: ``<tmp>/bot`` (the working directory, so the model's
``policy: ../policies/northwind.yml`` resolves to ``<tmp>/policies``), a SQLite tracker store in
that folder, and endpoints/credentials written for the test.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import yaml

from tests.servers import RASA, REPO, rasa_env

AGENT_TOKEN = "agent-token-for-tests"
API_TOKEN = "api-token-for-tests"
POLICY_REF = "../policies/northwind.yml"


@dataclass
class Workspace:
    """Folders and files of one test server."""

    root: Path

    @property
    def bot(self) -> Path:
        return self.root / "bot"

    @property
    def db(self) -> Path:
        return self.bot / "rasa.db"

    @property
    def policy(self) -> Path:
        return self.root / "policies" / "northwind.yml"


def make_workspace(
    root: Path,
    action_url: Optional[str],
    plugin: bool = True,
    webhook: Optional[Dict[str, Any]] = None,
    tracker_store_type: str = "rasa_ethics.RedactingTrackerStore",
) -> Workspace:
    """Write endpoints.yml and credentials.yml (and copy the policies) for one server."""
    space = Workspace(root)
    space.bot.mkdir(parents=True)
    shutil.copytree(REPO / "policies", root / "policies")
    if webhook:
        text = space.policy.read_text(encoding="utf-8")
        hook = yaml.safe_dump({"handoff": {"webhook": webhook}}, sort_keys=False)
        space.policy.write_text(text.replace("handoff:\n", hook, 1), encoding="utf-8")
    inner = {"type": "sql", "dialect": "sqlite", "db": str(space.db)}
    endpoints: Dict[str, Any] = {
        "action_endpoint": {"url": action_url or "http://127.0.0.1:9/webhook"}
    }
    credentials: Dict[str, Any] = {"rest": None}
    if plugin:
        endpoints["nlg"] = {"type": "rasa_ethics.EthicsNLG", "policy": POLICY_REF}
        endpoints["tracker_store"] = {
            "type": tracker_store_type,
            "policy": POLICY_REF,
            "inner": inner,
        }
        credentials["rasa_ethics.AgentChannel"] = {"token_env": "RASA_ETHICS_AGENT_TOKEN"}
    else:
        endpoints["tracker_store"] = inner
    (space.bot / "endpoints.yml").write_text(yaml.safe_dump(endpoints), encoding="utf-8")
    (space.bot / "credentials.yml").write_text(yaml.safe_dump(credentials), encoding="utf-8")
    return space


def train_variant(out: Path, drop: Callable[[str], bool]) -> Path:
    """The example bot trained with the config entries named by ``drop`` taken out.

    Models are cached under ``out`` by a hash of everything that goes into training, so a second
    call (or a second session) with unchanged data reuses the model.
    """
    config = yaml.safe_load((REPO / "example_bot" / "config.yml").read_text(encoding="utf-8"))
    for key in ("importers", "pipeline", "policies"):
        config[key] = [item for item in config.get(key) or [] if not drop(item["name"])]
    text = yaml.safe_dump(config, sort_keys=False)
    folder = out / f"variant-{_training_hash(text)}"
    cached = sorted((folder / "models").glob("*.tar.gz"))
    if cached:
        return cached[-1]
    shutil.rmtree(folder, ignore_errors=True)
    # The config names its policy as ../policies/...: keep that valid next to the variant.
    shutil.copytree(REPO / "policies", out / "policies", dirs_exist_ok=True)
    shutil.copytree(
        REPO / "example_bot", folder, ignore=shutil.ignore_patterns("models", ".rasa", "*.db")
    )
    (folder / "config.yml").write_text(text, encoding="utf-8")
    subprocess.run(
        [RASA, "train", "--quiet", "--out", str(folder / "models")],
        cwd=folder,
        env=rasa_env(),
        check=True,
        capture_output=True,
    )
    return next((folder / "models").glob("*.tar.gz"))


def without_plugin(name: str) -> bool:
    """Every rasa-ethics component."""
    return name.startswith("rasa_ethics.")


def _training_hash(config_text: str) -> str:
    digest = hashlib.sha256(config_text.encode("utf-8"))
    for path in (
        sorted((REPO / "example_bot").glob("*.yml"))
        + sorted((REPO / "example_bot" / "data").glob("*.yml"))
        + sorted((REPO / "policies").glob("*.yml"))
        + [REPO / "rasa_ethics" / "importer" / "nlu" / "ethics_nlu.yml"]
    ):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


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


class BotClient:
    """Talks to one running server over HTTP, as a customer and through Rasa's API."""

    def __init__(self, url: str, space: Optional[Workspace] = None) -> None:
        self.url = url
        self.space = space

    def say(self, sender: str, text: str) -> List[str]:
        """Send a message over the REST channel; the texts the customer gets back."""
        answer = self._request("/webhooks/rest/webhook", {"sender": sender, "message": text})
        return [m.get("text", "") for m in answer]

    def timed_say(self, sender: str, text: str) -> "tuple[List[str], float]":
        """``say`` and its latency in seconds."""
        start = time.perf_counter()
        texts = self.say(sender, text)
        return texts, time.perf_counter() - start

    def tracker(self, sender: str) -> Dict[str, Any]:
        """The stored conversation (latest session)."""
        return self._request(f"/conversations/{urllib.parse.quote(sender)}/tracker", api=True)

    def parse(self, text: str) -> Dict[str, Any]:
        """What the model's NLU makes of ``text``."""
        return self._request("/model/parse", {"text": text}, api=True)

    def execute(self, sender: str, action: str) -> Dict[str, Any]:
        """Run ``action`` in ``sender``'s conversation (Rasa's HTTP API)."""
        path = f"/conversations/{urllib.parse.quote(sender)}/execute"
        return self._request(path, {"name": action}, api=True)

    def start_session(self, sender: str) -> None:
        """Create ``sender``'s conversation with a fresh session and no bot message yet."""
        events = [
            {"event": "action", "name": "action_session_start"},
            {"event": "session_started"},
            {"event": "action", "name": "action_listen"},
        ]
        self._request(
            f"/conversations/{urllib.parse.quote(sender)}/tracker/events", events, api=True
        )

    def _request(self, path: str, body: Any = None, api: bool = False) -> Any:
        url = self.url + path + (f"?token={API_TOKEN}" if api else "")
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            url, data=data, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            return json.loads(answer.read() or b"null")


def bot_events(tracker: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The BotUttered events of a tracker, as dicts."""
    return [e for e in tracker["events"] if e["event"] == "bot"]


def event_names(tracker: Dict[str, Any]) -> List[str]:
    """Event types, with action names: ``action:utter_greet``, ``bot``, ``pause`` ..."""
    return [
        f"action:{e['name']}" if e["event"] == "action" else e["event"] for e in tracker["events"]
    ]
