"""What the agent endpoints accept: bodies read only after authentication, bounded and typed.

The agent routes are streaming routes (``stream=True``), so Sanic reads no body before the
handler runs (``sanic/app.py`` preloads the body of every other route, up to ``REQUEST_MAX_SIZE``,
100 MB).  The handler checks the token first, then the declared size, then reads at most
:data:`MAX_BODY_BYTES`, then parses.  A refused request's body is never read: the connection is
closed instead (``sanic/http.py`` drains an unread body only up to ``request_max_size``).
"""

from __future__ import annotations

import json
from typing import Any, Dict, List

from sanic.request import Request

from rasa_ethics.channels.desk import DeskError
from rasa_ethics.handoff.agents import AGENT_ID_PATTERN  # the one rule, also for accounts

__all__ = [
    "AGENT_ID_PATTERN",
    "MAX_BODY_BYTES",
    "MAX_TEXT_CHARS",
    "agent_id",
    "read_json_object",
    "reply_text",
    "stop_reading",
]

MAX_BODY_BYTES = 64 * 1024
MAX_TEXT_CHARS = 4_000


async def read_json_object(request: Request) -> Dict[str, Any]:
    """The body as a JSON object; :class:`DeskError` (400 or 413) for anything else."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
        raise DeskError(f"the request body is larger than {MAX_BODY_BYTES} bytes", 413)
    raw = await _read_at_most(request, MAX_BODY_BYTES)
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, RecursionError):
        raise DeskError("the request body is not JSON", 400) from None
    if not isinstance(body, dict):
        raise DeskError('the request body must be a JSON object, e.g. {"agent": "sam"}', 400)
    return body


def agent_id(body: Dict[str, Any]) -> str:
    """The ``agent`` field: who is answering, e.g. ``sam.lee``."""
    value = body.get("agent")
    if not isinstance(value, str) or not AGENT_ID_PATTERN.fullmatch(value):
        msg = (
            "agent must be your id: 1 to 64 letters, digits, '.', '_' or '-', starting with a "
            'letter, e.g. "sam.lee"'
        )
        raise DeskError(msg, 400)
    return value


def reply_text(body: Dict[str, Any]) -> str:
    """The ``text`` field of a reply: a string of at most :data:`MAX_TEXT_CHARS` characters."""
    text = body.get("text")
    if not isinstance(text, str):
        raise DeskError("text must be a string", 400)
    if len(text) > MAX_TEXT_CHARS:
        raise DeskError(f"text is longer than {MAX_TEXT_CHARS} characters", 400)
    return text


def stop_reading(request: Request) -> None:
    """Make Sanic close the connection rather than read what is left of the body."""
    if request.stream is not None:
        request.stream.request_max_size = 0


async def _read_at_most(request: Request, limit: int) -> bytes:
    if request.stream is None:  # not a streaming route: the body is already in memory
        body = bytes(request.body or b"")
        if len(body) > limit:
            raise DeskError(f"the request body is larger than {limit} bytes", 413)
        return body
    chunks: List[bytes] = []
    size = 0
    while True:
        chunk = await request.stream.read()
        if chunk is None:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise DeskError(f"the request body is larger than {limit} bytes", 413)
        chunks.append(chunk)
