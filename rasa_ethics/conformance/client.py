"""The HTTP client of ``rasa-ethics check --url``: a customer on the REST channel, Rasa's API."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, List, Optional

__all__ = ["BotHTTPError", "LiveBot"]


class BotHTTPError(Exception):
    """The bot could not be reached, or answered with an error."""


class LiveBot:
    """A running bot at ``url``: the REST channel, and Rasa's HTTP API with ``token``."""

    def __init__(self, url: str, token: Optional[str], timeout: float = 60.0) -> None:
        """``url`` is the server's base URL, e.g. ``http://localhost:5005``."""
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def say(self, sender: str, text: str) -> List[str]:
        """Send ``text`` as ``sender`` over the REST channel; the texts sent back."""
        answer = self._call("/webhooks/rest/webhook", {"sender": sender, "message": text})
        return [str(m.get("text", "")) for m in answer or [] if isinstance(m, dict)]

    def tracker(self, sender: str) -> Dict[str, Any]:
        """The stored conversation, as Rasa's API serves it (``GET /conversations/.../tracker``)."""
        return self._api(f"/conversations/{urllib.parse.quote(sender, safe='')}/tracker")

    def execute(self, sender: str, action: str) -> Dict[str, Any]:
        """Run ``action`` in ``sender``'s conversation (how a form is started here)."""
        path = f"/conversations/{urllib.parse.quote(sender, safe='')}/execute"
        return self._api(path, {"name": action})

    def domain(self) -> Dict[str, Any]:
        """The domain of the loaded model."""
        return self._api("/domain", accept="application/json")

    def _api(self, path: str, body: Any = None, accept: str = "") -> Any:
        if self.token:
            path += ("&" if "?" in path else "?") + urllib.parse.urlencode({"token": self.token})
        return self._call(path, body, accept)

    def _call(self, path: str, body: Any = None, accept: str = "") -> Any:
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(self.url + path, data=data)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if accept:
            request.add_header("Accept", accept)
        shown = path.split("?")[0]
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as exc:
            hint = " (is --token right, and the server run with --enable-api?)" * (
                exc.code in (401, 403)
            )
            msg = f"{shown}: HTTP {exc.code}{hint}"
            raise BotHTTPError(msg) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            msg = f"{self.url}{shown}: {exc}"
            raise BotHTTPError(msg) from None
