"""An HTTP client of one served bot: a customer on the REST channel, Rasa's API, the agent side."""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from typing import Any, Dict, List, Optional, Tuple

from tests.harness.workspace import Workspace

__all__ = ["AGENT_TOKEN", "API_TOKEN", "BotClient", "bot_events", "event_names", "request_json"]

#: The token of Rasa's HTTP API on every served bot (``--auth-token``).
API_TOKEN = "api-token-for-tests"
#: The AgentChannel's token on every served bot (``$RASA_ETHICS_AGENT_TOKEN``).
AGENT_TOKEN = "agent-token-for-tests"


def request_json(
    url: str, body: Any = None, headers: Optional[Dict[str, str]] = None, timeout: float = 60
) -> Any:
    """GET (``body`` None) or POST JSON; the decoded answer (None for an empty one)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        return json.loads(answer.read() or b"null")


class BotClient:
    """Talks to one running server over HTTP, as a customer, through Rasa's API, as an agent."""

    def __init__(self, url: str, space: Optional[Workspace] = None) -> None:
        """A client of the server at ``url`` (which runs in ``space``)."""
        self.url = url
        self.space = space

    def say(self, sender: str, text: str) -> List[str]:
        """Send a message over the REST channel; the texts the customer gets back."""
        body = {"sender": sender, "message": text}
        answer = request_json(f"{self.url}/webhooks/rest/webhook", body)
        return [str(message.get("text", "")) for message in answer or []]

    def timed_say(self, sender: str, text: str) -> Tuple[List[str], float]:
        """``say``, and seconds until the whole answer was back."""
        start = time.perf_counter()
        texts = self.say(sender, text)
        return texts, time.perf_counter() - start

    def api(self, path: str, body: Any = None) -> Any:
        """Call Rasa's HTTP API (``--enable-api``) with the test token."""
        separator = "&" if "?" in path else "?"
        return request_json(f"{self.url}{path}{separator}token={API_TOKEN}", body)

    def tracker(self, sender: str) -> Dict[str, Any]:
        """The stored conversation (latest session)."""
        return self.api(f"/conversations/{urllib.parse.quote(sender)}/tracker")

    def state(self, sender: str) -> Dict[str, Any]:
        """The stored conversation's current state without its events (``paused``, slots,
        ``active_loop``, ``latest_message``): cheaper for the server than :meth:`tracker`."""
        return self.api(f"/conversations/{urllib.parse.quote(sender)}/tracker?include_events=NONE")

    def parse(self, text: str) -> Dict[str, Any]:
        """What the model's NLU makes of ``text``."""
        return self.api("/model/parse", {"text": text})

    def execute(self, sender: str, action: str) -> Dict[str, Any]:
        """Run ``action`` in ``sender``'s conversation."""
        return self.api(f"/conversations/{urllib.parse.quote(sender)}/execute", {"name": action})

    def start_session(self, sender: str) -> None:
        """Create ``sender``'s conversation with a fresh session and no bot message yet."""
        events = [
            {"event": "action", "name": "action_session_start"},
            {"event": "session_started"},
            {"event": "action", "name": "action_listen"},
        ]
        self.api(f"/conversations/{urllib.parse.quote(sender)}/tracker/events", events)

    def agent(self, path: str, body: Any = None, token: str = AGENT_TOKEN) -> Any:
        """Call the AgentChannel (``/webhooks/ethics_agent``) as an agent with ``token``."""
        url = f"{self.url}/webhooks/ethics_agent{path}"
        return request_json(url, body, {"Authorization": f"Bearer {token}"})


def bot_events(tracker: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The BotUttered events of a tracker, as dicts."""
    return [e for e in tracker["events"] if e["event"] == "bot"]


def event_names(tracker: Dict[str, Any]) -> List[str]:
    """Event types, with action names: ``action:utter_greet``, ``bot``, ``pause`` ..."""
    return [
        f"action:{e['name']}" if e["event"] == "action" else e["event"] for e in tracker["events"]
    ]
