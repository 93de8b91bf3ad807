"""``rasa_ethics.AgentChannel``: the agent side of a handoff, served by the Rasa server itself.

Configure it in ``credentials.yml``::

    rasa_ethics.AgentChannel:
      token_env: RASA_ETHICS_AGENT_TOKEN   # or `token: ...`; required, there is no open mode
      console_session_hours: 8             # how long a console sign-in lasts (default)

Routes (all but the first need ``Authorization: Bearer <token>``)::

    GET  /webhooks/ethics_agent/                            health
    GET  /webhooks/ethics_agent/handoffs?status=open        list (open | resolved | all)
    GET  /webhooks/ethics_agent/handoffs/<id>               show
    POST /webhooks/ethics_agent/handoffs/<id>/reply         {"text": "...", "agent": "alice"}
    POST /webhooks/ethics_agent/handoffs/<id>/resolve       {"agent": "alice"}
    GET  /webhooks/ethics_agent/privacy/requests?overdue=1  the rights request register
    POST /webhooks/ethics_agent/privacy/export              {"conversation": ..., "agent": ...}
    POST /webhooks/ethics_agent/privacy/erase               {"conversation": ..., "agent": ...}

The agent console (``/webhooks/ethics_agent/console``, :mod:`rasa_ethics.channels.console`) is
for people: they sign in with their own accounts (``rasa-ethics agents add``), not the token,
which stays for machine clients such as ``rasa-ethics handoff``.

The privacy routes take an optional ``"reference"`` of a registered request, and do what
``rasa-ethics privacy`` does (``rasa_ethics.channels.privacy_desk``).

Nothing of a request body is read before the token is checked, and then at most 64 KB of it
(see ``rasa_ethics.channels.agent_input``).  A reply goes only into a handoff that is still open
(409 otherwise); ``agent`` is the agent's id, a name-like token recorded with the message and in
the audit trail.  The token must be at least 16 characters and no placeholder.

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

from rasa_ethics.channels.agent_input import (
    agent_id,
    read_json_object,
    reply_text,
    stop_reading,
)
from rasa_ethics.channels.console import SESSION_SECONDS, add_console_routes
from rasa_ethics.channels.desk import AgentDesk, DeskError
from rasa_ethics.channels.privacy_desk import (
    erase_conversation,
    export_conversation,
    list_requests,
    request_fields,
)
from rasa_ethics.handoff.client import DEFAULT_TOKEN_ENV
from rasa_ethics.handoff.tokens import check_token
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
        where = "`token:` in credentials.yml" if credentials.get("token") else f"${env}"
        hours = float(credentials.get("console_session_hours", SESSION_SECONDS / 3600))
        if not 0 < hours <= 24 * 7:
            raise RasaException("rasa_ethics.AgentChannel: console_session_hours must be 0-168")
        return cls(check_token(str(token), where), hours * 3600)

    @classmethod
    def raise_missing_token(cls, env: str) -> NoReturn:
        """Refuse to serve agent endpoints without authentication."""
        msg = (
            f"rasa_ethics.AgentChannel needs a token: set ${env}, or put `token:` under "
            "`rasa_ethics.AgentChannel:` in credentials.yml"
        )
        raise RasaException(msg)

    def __init__(self, token: str, session_seconds: float = SESSION_SECONDS) -> None:
        """Serve agent requests that present ``token``; console sign-ins last
        ``session_seconds``."""
        self._token = token
        self._session_seconds = session_seconds

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The agent routes, and the start-up check of the tracker store."""
        blueprint = Blueprint("rasa_ethics_agent", __name__)
        blueprint.listener("after_server_start")(check_tracker_store)

        # stream=True: Sanic reads no body before the handler has checked the token.
        @blueprint.route("/", methods=["GET"], stream=True)
        async def health(request: Request) -> HTTPResponse:
            stop_reading(request)
            return response.json({"status": "ok"})

        @blueprint.route("/handoffs", methods=["GET"], stream=True)
        async def list_handoffs(request: Request) -> HTTPResponse:
            status = request.args.get("status", "open")

            async def operation(desk: AgentDesk) -> Any:
                if status not in STATUSES:  # checked after the token, like any bad request
                    raise DeskError("status must be open, resolved or all", 400)
                return desk.list(STATUSES[status])

            return await self._serve(request, operation)

        @blueprint.route("/handoffs/<handoff_id>", methods=["GET"], stream=True)
        async def show(request: Request, handoff_id: str) -> HTTPResponse:
            return await self._serve(request, lambda desk: desk.show(handoff_id))

        @blueprint.route("/handoffs/<handoff_id>/reply", methods=["POST"], stream=True)
        async def reply(request: Request, handoff_id: str) -> HTTPResponse:
            async def operation(desk: AgentDesk) -> Any:
                body = await read_json_object(request)
                return await desk.reply(handoff_id, reply_text(body), agent_id(body))

            return await self._serve(request, operation)

        @blueprint.route("/handoffs/<handoff_id>/resolve", methods=["POST"], stream=True)
        async def resolve(request: Request, handoff_id: str) -> HTTPResponse:
            async def operation(desk: AgentDesk) -> Any:
                body = await read_json_object(request)
                return await desk.resolve(handoff_id, agent_id(body))

            return await self._serve(request, operation)

        self._privacy_routes(blueprint)
        add_console_routes(blueprint, self._session_seconds)
        return blueprint

    def _privacy_routes(self, blueprint: Blueprint) -> None:
        """The operators' rights routes: the request register, export, erasure."""

        @blueprint.route("/privacy/requests", methods=["GET"], stream=True)
        async def privacy_requests(request: Request) -> HTTPResponse:
            overdue = request.args.get("overdue", "") in {"1", "true", "yes"}

            async def operation(desk: AgentDesk) -> Any:
                return list_requests(desk, overdue)

            return await self._serve(request, operation)

        for name, handler in (("export", export_conversation), ("erase", erase_conversation)):
            blueprint.add_route(
                self._rights_route(handler),
                f"/privacy/{name}",
                methods=["POST"],
                stream=True,
                name=f"privacy_{name}",
            )

    def _rights_route(self, handler: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
        async def route(request: Request) -> HTTPResponse:
            async def operation(desk: AgentDesk) -> Any:
                body = await read_json_object(request)
                conversation, reference = request_fields(body)
                return await handler(desk, conversation, agent_id(body), reference)

            return await self._serve(request, operation)

        return route

    async def _serve(
        self, request: Request, operation: Callable[[AgentDesk], Awaitable[Any]]
    ) -> HTTPResponse:
        """Token first, then the bot's readiness, then the operation (which may read the body)."""
        try:
            if not self._authorised(request):
                return _error("missing or wrong bearer token", 401)
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None:
                return _error("the bot is still starting", 503)
            desk = AgentDesk(agent, getattr(request.app.ctx, "input_channels", []))
            return response.json(await operation(desk))
        except DeskError as exc:
            return _error(str(exc), exc.status)
        finally:
            stop_reading(request)  # whatever is left unread stays unread

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


def _error(message: str, status: int) -> HTTPResponse:
    return response.json({"error": message}, status=status)
