"""Check and clean what reaches Rasa's REST channel, before ``RestInput`` reads it.

``rasa.core.channels.rest.RestInput`` reads ``request.json.get(...)`` and builds a
``UserMessage`` inside a ``try`` that swallows every error, so a malformed request gets ``[]``
(no answer, nothing said why) or a 500:

* a JSON list body (``.get`` on a list), ``message`` as a number or a list (``UserMessage``
  calls ``text.strip()``), ``message: null``;
* metadata nested 1000 deep, which later overflows the recursion of ``copy.deepcopy`` and
  ``json.dumps`` in the tracker store and the event broker.

This middleware answers those with ``400`` and a JSON ``{"error": ...}`` that says what to
send, and hands every good request on with its sender id, text and metadata made safe
(:mod:`rasa_ethics.inputs`): it replaces Sanic's parsed body (``request.parsed_json``), so
``RestInput`` and its subclasses (``callback``) read the cleaned values.  Bots keep ``rest:``
in ``credentials.yml`` as it is.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from rasa.core.channels.rest import RestInput
from sanic import response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_ethics.inputs import MAX_DEPTH, depth_exceeds, safe_json, safe_sender_id, safe_text

__all__ = ["check_rest_request", "clean_body", "problem_with"]

_FORMAT = 'send a JSON object such as {"sender": "customer-1", "message": "hello"}'


async def check_rest_request(request: Request) -> Optional[HTTPResponse]:
    """Request middleware: a 400 for a malformed REST message; else clean it and go on."""
    if request.method != "POST" or not request.path.endswith(_rest_webhooks(request)):
        return None
    try:
        body = request.json
    except InvalidUsage:
        return _bad_request(f"the body is not valid JSON; {_FORMAT}")
    problem = problem_with(body)
    if problem is not None:
        return _bad_request(problem)
    request.parsed_json = clean_body(body)  # type: ignore[assignment]
    return None


def problem_with(body: Any) -> Optional[str]:
    """What is wrong with a REST message body, or None."""
    if not isinstance(body, dict):
        return f"the body must be a JSON object, not {_kind(body)}; {_FORMAT}"
    if not isinstance(body.get("message"), str):
        return f"`message` must be a string, not {_kind(body.get('message'))}; {_FORMAT}"
    sender = body.get("sender")
    if sender is not None and (isinstance(sender, bool) or not isinstance(sender, (str, int))):
        return f"`sender` must be a string, not {_kind(sender)}; {_FORMAT}"
    channel = body.get("input_channel")
    if channel is not None and not isinstance(channel, str):
        return f"`input_channel` must be a string, not {_kind(channel)}"
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        return f"`metadata` must be a JSON object, not {_kind(metadata)}"
    if depth_exceeds(metadata, MAX_DEPTH):
        return f"`metadata` is nested deeper than {MAX_DEPTH} levels"
    return None


def clean_body(body: Dict[str, Any]) -> Dict[str, Any]:
    """The body with a safe sender id, text, channel name and metadata (see rasa_ethics.inputs)."""
    cleaned = dict(body)
    cleaned["message"] = safe_text(body["message"])
    if body.get("sender") is not None:
        cleaned["sender"] = safe_sender_id(body["sender"])
    if body.get("input_channel") is not None:
        cleaned["input_channel"] = safe_text(body["input_channel"])
    if body.get("metadata") is not None:
        cleaned["metadata"] = safe_json(body["metadata"])
    return cleaned


def _rest_webhooks(request: Request) -> Tuple[str, ...]:
    """How the message routes of the REST channels (and subclasses) of this server end.

    Rasa mounts each channel at ``<route><url_prefix>`` (``rasa/core/channels/channel.py``,
    ``route`` is ``/webhooks/`` under ``rasa run``).
    """
    channels = getattr(request.app.ctx, "input_channels", None) or []
    return tuple(f"/{c.url_prefix()}/webhook" for c in channels if isinstance(c, RestInput))


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def _bad_request(message: str) -> HTTPResponse:
    return response.json({"error": message}, status=400)
