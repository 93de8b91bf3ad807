"""``rasa_ethics.AgentChannel``: the agent side of a handoff, served by the Rasa server itself.

Configure it in ``credentials.yml``::

    rasa_ethics.AgentChannel:
      token_env: RASA_ETHICS_AGENT_TOKEN   # or `token: ...`; required, there is no open mode

Routes (all but the first need ``Authorization: Bearer <token>``)::

    GET  /webhooks/ethics_agent/                            health
    GET  /webhooks/ethics_agent/handoffs?status=open        list (open | resolved | all)
    GET  /webhooks/ethics_agent/handoffs/<id>               show
    POST /webhooks/ethics_agent/handoffs/<id>/reply         {"text": "...", "agent": "alice"}
    POST /webhooks/ethics_agent/handoffs/<id>/resolve       {"agent": "alice"}

At server start the channel also checks that Rasa really uses ``RedactingTrackerStore``: Rasa
falls back to an in-memory store when a custom store class fails to import
(``rasa/core/tracker_store.py``), which would silently lose handoffs and redaction.  Then the
server is stopped (fail closed).
"""

from __future__ import annotations

import hmac
import logging
import os
from typing import Any, Awaitable, Callable, Dict, NoReturn, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_ethics.channels.desk import AgentDesk, DeskError
from rasa_ethics.handoff.client import DEFAULT_TOKEN_ENV
from rasa_ethics.stores.tracker_store import find_ethics_store

__all__ = ["AgentChannel", "DEFAULT_TOKEN_ENV", "check_tracker_store"]

logger = logging.getLogger(__name__)

STATUSES = {"open": "open", "resolved": "resolved", "all": None}


class AgentChannel(InputChannel):
    """Authenticated HTTP endpoints for human agents (``rasa-ethics handoff`` uses them)."""

    @classmethod
    def name(cls) -> Text:
        """URL segment: ``/webhooks/ethics_agent/``."""
        return "ethics_agent"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> AgentChannel:
        """Read the token (``token``, else the variable named by ``token_env``)."""
        credentials = credentials or {}
        env = credentials.get("token_env") or DEFAULT_TOKEN_ENV
        token = credentials.get("token") or os.environ.get(env)
        if not token:
            cls.raise_missing_token(env)
        return cls(str(token))

    @classmethod
    def raise_missing_token(cls, env: str) -> NoReturn:
        """Refuse to serve agent endpoints without authentication."""
        msg = (
            f"rasa_ethics.AgentChannel needs a token: set ${env}, or put `token:` under "
            "`rasa_ethics.AgentChannel:` in credentials.yml"
        )
        raise RasaException(msg)

    def __init__(self, token: str) -> None:
        """Serve agent requests that present ``token``."""
        self._token = token

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The agent routes, and the start-up check of the tracker store."""
        blueprint = Blueprint("rasa_ethics_agent", __name__)
        blueprint.listener("after_server_start")(check_tracker_store)

        @blueprint.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/handoffs", methods=["GET"])
        async def list_handoffs(request: Request) -> HTTPResponse:
            status = request.args.get("status", "open")
            if status not in STATUSES:
                return _error("status must be open, resolved or all", 400)
            return await self._serve(request, lambda desk: _sync(desk.list(STATUSES[status])))

        @blueprint.route("/handoffs/<handoff_id>", methods=["GET"])
        async def show(request: Request, handoff_id: str) -> HTTPResponse:
            return await self._serve(request, lambda desk: desk.show(handoff_id))

        @blueprint.route("/handoffs/<handoff_id>/reply", methods=["POST"])
        async def reply(request: Request, handoff_id: str) -> HTTPResponse:
            body = request.json or {}
            text, agent = str(body.get("text") or ""), _agent_name(body)
            return await self._serve(request, lambda desk: desk.reply(handoff_id, text, agent))

        @blueprint.route("/handoffs/<handoff_id>/resolve", methods=["POST"])
        async def resolve(request: Request, handoff_id: str) -> HTTPResponse:
            agent = _agent_name(request.json or {})
            return await self._serve(request, lambda desk: desk.resolve(handoff_id, agent))

        return blueprint

    async def _serve(
        self, request: Request, operation: Callable[[AgentDesk], Awaitable[Any]]
    ) -> HTTPResponse:
        if not self._authorised(request):
            return _error("missing or wrong bearer token", 401)
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None:
            return _error("the bot is still starting", 503)
        try:
            desk = AgentDesk(agent, getattr(request.app.ctx, "input_channels", []))
            return response.json(await operation(desk))
        except DeskError as exc:
            return _error(str(exc), exc.status)

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        scheme, _, presented = header.partition(" ")
        presented_bytes = presented.strip().encode("utf-8")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            presented_bytes, self._token.encode("utf-8")
        )


async def check_tracker_store(app: Sanic, _loop: Any = None) -> None:
    """Stop the server if Rasa is not using RedactingTrackerStore (it fell back silently)."""
    agent = getattr(app.ctx, "agent", None)
    if agent is None or find_ethics_store(agent.tracker_store) is not None:
        return
    logger.critical(
        "rasa-ethics: the tracker store in use is %s, not rasa_ethics.RedactingTrackerStore. "
        "Handoffs would not be queued. Check `tracker_store:` in endpoints.yml and that "
        "rasa_ethics imports in this environment. Stopping the server.",
        type(agent.tracker_store).__name__,
    )
    app.stop()


async def _sync(value: Any) -> Any:
    return value


def _agent_name(body: Dict[str, Any]) -> str:
    return str(body.get("agent") or "agent")[:255]


def _error(message: str, status: int) -> HTTPResponse:
    return response.json({"error": message}, status=status)
