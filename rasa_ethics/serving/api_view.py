"""Which view of a conversation a request gets: the running one, or the stored one.

``RedactingTrackerStore.retrieve`` gives the running conversation the real values of its vault
slots back: custom actions and response templates (``{email}``) need them.  Rasa's HTTP API
reads conversations through the same ``retrieve`` (``rasa/server.py``: ``/predict``,
``/tracker/events``, ``/trigger_intent``, ``/execute``, ``/messages``, ``/story`` go through
``MessageProcessor.fetch_tracker_and_update_session`` or ``get_tracker``), so it would hand those
values to any API client.  A request middleware therefore marks every request to
``/conversations/...``; while it runs, ``retrieve`` gives what is stored (vault tokens, redacted
text).  Actions the API runs (``/execute``, ``/trigger_intent``) see the stored view too.

The mark is a context variable, set (to true or false) for every request: Sanic serves the
requests of one keep-alive connection in one task, so a mark left over from an API request
must not leak into the next webhook request.
"""

from __future__ import annotations

import contextvars

from sanic.request import Request

__all__ = ["API_PREFIX", "mark_api_request", "stored_view_only"]

#: Rasa's routes that read or change a stored conversation.
API_PREFIX = "/conversations/"

_STORED_VIEW: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "rasa_ethics_stored_view", default=False
)


def stored_view_only() -> bool:
    """True while an HTTP API request is being served: give it no vault values."""
    return _STORED_VIEW.get()


async def mark_api_request(request: Request) -> None:
    """Request middleware: mark API requests, and unmark every other one."""
    _STORED_VIEW.set(request.path.startswith(API_PREFIX))
