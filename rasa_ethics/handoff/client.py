"""A small HTTP client for the agent channel, used by ``rasa-ethics handoff``."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, List, Optional

from rasa.shared.exceptions import RasaException

from rasa_ethics.constants import AGENT_TOKEN_ENV

__all__ = ["DEFAULT_TOKEN_ENV", "HandoffClient", "HandoffClientError"]

ROUTE = "/webhooks/ethics_agent"
DEFAULT_TOKEN_ENV = AGENT_TOKEN_ENV  # read by the CLI and by AgentChannel


class HandoffClientError(RasaException):
    """The bot answered with an error, or could not be reached."""


class HandoffClient:
    """Talks to ``rasa_ethics.AgentChannel`` of a running bot."""

    def __init__(self, url: str, token: str, timeout: float = 30.0) -> None:
        """``url`` is the bot's base URL, e.g. ``http://localhost:5005``."""
        self.base = url.rstrip("/") + ROUTE
        self.token = token
        self.timeout = timeout

    def list(self, status: str = "open") -> List[Dict[str, Any]]:
        """Handoff requests (status: open, resolved or all)."""
        return self._call("GET", f"/handoffs?{urllib.parse.urlencode({'status': status})}")

    def show(self, handoff_id: str) -> Dict[str, Any]:
        """One request with the conversation since the handoff."""
        return self._call("GET", f"/handoffs/{_quote(handoff_id)}")

    def reply(self, handoff_id: str, text: str, agent: str) -> Dict[str, Any]:
        """Put the agent's message into the conversation."""
        body = {"text": text, "agent": agent}
        return self._call("POST", f"/handoffs/{_quote(handoff_id)}/reply", body)

    def resolve(self, handoff_id: str, agent: str) -> Dict[str, Any]:
        """Close the request and hand the conversation back to the bot."""
        return self._call("POST", f"/handoffs/{_quote(handoff_id)}/resolve", {"agent": agent})

    def _call(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Any:
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as exc:
            raise HandoffClientError(_describe(exc)) from None
        except (urllib.error.URLError, OSError) as exc:
            msg = f"cannot reach the bot at {self.base}: {getattr(exc, 'reason', exc)}"
            raise HandoffClientError(msg) from None


def _quote(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def _describe(exc: urllib.error.HTTPError) -> str:
    try:
        detail = json.loads(exc.read()).get("error")
    except (ValueError, AttributeError):
        detail = None
    if exc.code == 404 and detail is None:
        detail = "not found: is rasa_ethics.AgentChannel in credentials.yml?"
    return f"HTTP {exc.code}: {detail or exc.reason}"
