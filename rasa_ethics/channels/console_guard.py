"""Guards of the agent console: repeated wrong passwords, requests from other sites, CSRF, and
the session cookie.

:class:`LoginThrottle` counts failed sign-ins per agent id and per client address in process
memory: after :data:`MAX_FAILURES` within :data:`WINDOW_SECONDS`, further tries are refused with
429 until the window has passed (each replica counts its own; the scrypt hash already makes every
try slow).  :func:`same_origin` refuses a browser request whose ``Origin`` is another site.
"""

from __future__ import annotations

import hmac
import time
from collections import OrderedDict, deque
from typing import Deque, Optional, Tuple
from urllib.parse import urlsplit

from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_ethics.channels.desk import DeskError
from rasa_ethics.handoff.agents import Session

__all__ = [
    "LoginThrottle",
    "MAX_FAILURES",
    "WINDOW_SECONDS",
    "check_csrf",
    "same_origin",
    "set_session_cookie",
]

MAX_FAILURES = 5
WINDOW_SECONDS = 300.0
_MAX_KEYS = 10_000  # the oldest keys are forgotten beyond this, so the table cannot grow unbounded


class LoginThrottle:
    """Failed sign-ins per agent id and per client address."""

    def __init__(self, limit: int = MAX_FAILURES, window: float = WINDOW_SECONDS) -> None:
        """Allow ``limit`` failures per key within ``window`` seconds."""
        self.limit = limit
        self.window = window
        self._failures: "OrderedDict[Tuple[str, str], Deque[float]]" = OrderedDict()

    def check(self, agent: str, address: Optional[str]) -> None:
        """Raise 429 when the agent id or the address failed too often lately."""
        now = time.monotonic()
        for key in self._keys(agent, address):
            if len(self._recent(key, now)) >= self.limit:
                raise DeskError("too many failed sign-ins; wait a few minutes and try again", 429)

    def failed(self, agent: str, address: Optional[str]) -> None:
        """Count one failure."""
        now = time.monotonic()
        for key in self._keys(agent, address):
            self._recent(key, now).append(now)
            self._failures.move_to_end(key)
        while len(self._failures) > _MAX_KEYS:
            self._failures.popitem(last=False)

    def succeeded(self, agent: str, address: Optional[str]) -> None:
        """Forget the agent id's failures (the address keeps its own)."""
        self._failures.pop(("agent", agent), None)

    @staticmethod
    def _keys(agent: str, address: Optional[str]) -> Tuple[Tuple[str, str], ...]:
        return (("agent", agent), ("address", address or "?"))

    def _recent(self, key: Tuple[str, str], now: float) -> Deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        return times


def same_origin(request: Request) -> bool:
    """True unless a browser says the request comes from a page of another site."""
    origin = request.headers.get("Origin")
    if not origin:
        return True  # not a browser's cross-site request (browsers send Origin on POST)
    if origin == "null":
        return False
    host = request.headers.get("X-Forwarded-Host") or request.headers.get("Host", "")
    return urlsplit(origin).netloc.lower() == host.lower()


def check_csrf(request: Request, session: Session) -> None:
    """403 unless the request carries ``session``'s CSRF token and comes from this server."""
    presented = request.headers.get("X-CSRF-Token", "")
    if not same_origin(request) or not hmac.compare_digest(
        presented.encode("utf-8"), session.csrf.encode("utf-8")
    ):
        raise DeskError("missing or wrong CSRF token; reload the console", 403)


def set_session_cookie(
    answer: HTTPResponse, request: Request, name: str, value: str, max_age: float
) -> None:
    """The console's session cookie on ``answer``: HttpOnly, SameSite=Strict, the agent channel's
    path only, Secure behind HTTPS; ``max_age`` 0 deletes it."""
    answer.cookies[name] = value
    cookie = answer.cookies[name]
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["path"] = "/webhooks/ethics_agent/"
    cookie["max-age"] = int(max_age)
    if request.scheme == "https" or request.headers.get("X-Forwarded-Proto") == "https":
        cookie["secure"] = True
