"""The agent console: a web page on the agent channel, for agents with their own accounts.

Routes, under ``/webhooks/ethics_agent/``::

    GET  /console                          the page (static files under /console/static/)
    POST /console/api/login                {"agent", "password"}: a session cookie and a CSRF token
    POST /console/api/logout               GET /console/api/me
    GET  /console/api/queue                open requests (self-harm first), agents, canned replies
    GET  /console/api/handoffs/<id>        one open request, its redacted transcript and since
    POST /console/api/handoffs/<id>/claim  /assign {"agent"}  /reply {"text"}  /resolve
    POST /console/api/presence             {"presence": "online" | "away"}

Accounts live in the handoff database (``rasa-ethics agents add``,
:mod:`rasa_ethics.handoff.agents`).  The session is an HttpOnly, SameSite=Strict cookie; only
its hash is stored, it expires, and no token is ever put in a URL.  Every POST must carry the
session's CSRF token in ``X-CSRF-Token``, and a browser's ``Origin`` must be this server
(:mod:`rasa_ethics.channels.console_guard`).  An agent reads only conversations in an open
handoff.  Every action is recorded in the audit trail with the agent's id
(:mod:`rasa_ethics.channels.agent_audit`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Awaitable, Callable, Dict, Optional

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_ethics.channels.agent_audit import audit_action, audit_request
from rasa_ethics.channels.agent_input import (
    AGENT_ID_PATTERN,
    agent_id,
    read_json_object,
    reply_text,
    stop_reading,
)
from rasa_ethics.channels.console_guard import (
    LoginThrottle,
    check_csrf,
    same_origin,
    set_session_cookie,
)
from rasa_ethics.channels.desk import AgentDesk, DeskError
from rasa_ethics.channels.static_files import security_headers, serve
from rasa_ethics.handoff.agents import AgentAccounts, Session
from rasa_ethics.handoff.current import current_accounts
from rasa_ethics.handoff.queue import OPEN

__all__ = ["COOKIE", "SESSION_SECONDS", "add_console_routes"]

logger = logging.getLogger(__name__)

COOKIE = "rasa_ethics_agent_session"
SESSION_SECONDS = 8 * 3600
PRESENCE = ("online", "away")

Operation = Callable[[AgentDesk, Session, Dict[str, Any]], Awaitable[Any]]


def add_console_routes(blueprint: Blueprint, session_seconds: float = SESSION_SECONDS) -> None:
    """Mount the console page and its API on the agent channel's ``blueprint``."""
    console = _Console(session_seconds)

    @blueprint.route("/console", methods=["GET"])
    async def page(request: Request) -> HTTPResponse:
        return serve("console.html")

    @blueprint.route("/console/static/<name>", methods=["GET"])
    async def static(request: Request, name: str) -> HTTPResponse:
        return serve(name)

    @blueprint.route("/console/api/login", methods=["POST"], stream=True)
    async def login(request: Request) -> HTTPResponse:
        return await console.login(request)

    @blueprint.route("/console/api/logout", methods=["POST"], stream=True)
    async def logout(request: Request) -> HTTPResponse:
        return await console.logout(request)

    routes: Dict[str, Operation] = {
        "me": console.me,
        "queue": console.queue,
        "presence": console.presence,
    }
    for name, operation in routes.items():
        method = "POST" if name == "presence" else "GET"
        blueprint.add_route(
            console.route(operation),
            f"/console/api/{name}",
            methods=[method],
            stream=True,
            name=f"console_{name}",
        )
    blueprint.add_route(
        console.route(console.show, with_handoff=True),
        "/console/api/handoffs/<handoff_id>",
        methods=["GET"],
        stream=True,
        name="console_show",
    )
    for name in ("claim", "assign", "reply", "resolve"):
        blueprint.add_route(
            console.route(getattr(console, name), with_handoff=True),
            f"/console/api/handoffs/<handoff_id>/{name}",
            methods=["POST"],
            stream=True,
            name=f"console_{name}",
        )


class _Console:
    """The console's handlers; state lives in the database, so any replica serves any agent."""

    def __init__(self, session_seconds: float) -> None:
        self.session_seconds = session_seconds
        self.throttle = LoginThrottle()

    # --- signing in and out ------------------------------------------------------------------

    async def login(self, request: Request) -> HTTPResponse:
        try:
            accounts = _accounts()
            if not same_origin(request):
                raise DeskError("sign in from the console page of this server", 403)
            body = await read_json_object(request)
            agent = body.get("agent")
            password = body.get("password")
            if not isinstance(agent, str) or not AGENT_ID_PATTERN.fullmatch(agent):
                raise DeskError("wrong agent id or password", 401)
            if not isinstance(password, str) or len(password) > 1024:
                raise DeskError("wrong agent id or password", 401)
            self.throttle.check(agent, request.ip)
            account = await asyncio.to_thread(accounts.authenticate, agent, password)
            if account is None:
                self.throttle.failed(agent, request.ip)
                raise DeskError("wrong agent id or password", 401)
            self.throttle.succeeded(agent, request.ip)
            session = await asyncio.to_thread(accounts.open_session, agent, self.session_seconds)
            await asyncio.to_thread(accounts.set_presence, agent, "online")
        except DeskError as exc:
            return _error(str(exc), exc.status)
        finally:
            stop_reading(request)
        audit_request(request, "sign_in", agent)
        answer = _json(_me(session, "online"))
        set_session_cookie(answer, request, COOKIE, session.token, self.session_seconds)
        return answer

    async def logout(self, request: Request) -> HTTPResponse:
        stop_reading(request)
        token = request.cookies.get(COOKIE)
        try:
            accounts = _accounts()
            session = await asyncio.to_thread(accounts.session, token) if token else None
            if session is not None:
                check_csrf(request, session)
                await asyncio.to_thread(accounts.close_session, token)
                audit_request(request, "sign_out", session.agent_id)
        except DeskError as exc:
            return _error(str(exc), exc.status)
        answer = _json({"signed_out": True})
        set_session_cookie(answer, request, COOKIE, "", 0)
        return answer

    def route(self, operation: Operation, with_handoff: bool = False) -> Callable[..., Any]:
        """A handler: session, CSRF (POST), the bot's readiness, then ``operation``."""

        async def handler(request: Request, handoff_id: Optional[str] = None) -> HTTPResponse:
            try:
                accounts = _accounts()
                token = request.cookies.get(COOKIE)
                session = await asyncio.to_thread(accounts.session, token) if token else None
                if session is None:
                    raise DeskError("sign in first (or again: your session has expired)", 401)
                body: Dict[str, Any] = {}
                if request.method == "POST":
                    check_csrf(request, session)
                    body = await read_json_object(request)
                if with_handoff:
                    body["handoff_id"] = handoff_id
                desk = _desk(request)
                return _json(await operation(desk, session, body))
            except DeskError as exc:
                return _error(str(exc), exc.status)
            finally:
                stop_reading(request)

        return handler

    # --- the operations ----------------------------------------------------------------------

    async def me(self, desk: AgentDesk, session: Session, body: Dict[str, Any]) -> Any:
        account = await asyncio.to_thread(_accounts().get, session.agent_id)
        return _me(session, (account or {}).get("presence", "away"))

    async def queue(self, desk: AgentDesk, session: Session, body: Dict[str, Any]) -> Any:
        accounts = _accounts()
        rows = await asyncio.to_thread(desk.handoffs.ordered_open)
        agents = await asyncio.to_thread(accounts.list)
        names = {a["id"]: a["display_name"] for a in agents}
        now = time.time()
        handoffs = [
            {
                "id": row["id"],
                "reference": row.get("reference"),
                "reason": row["reason"],
                "topic": row.get("topic"),
                "signals": row["signals"],
                "created_at": row["created_at"],
                "waiting_seconds": max(0.0, now - row["created_at"]),
                "assignee": row.get("assignee"),
                "assignee_name": names.get(row.get("assignee") or ""),
            }
            for row in rows
        ]
        canned = list(desk.store.live.current.handoff.canned_replies)
        people = [{k: a[k] for k in ("id", "display_name", "presence")} for a in agents]
        return {"handoffs": handoffs, "agents": people, "canned_replies": canned}

    async def show(self, desk: AgentDesk, session: Session, body: Dict[str, Any]) -> Any:
        row = _open(desk, body["handoff_id"])
        shown = await desk.show(row["id"])
        shown["assignee_name"] = _name(shown.get("assignee"))
        return shown

    async def claim(self, desk: AgentDesk, session: Session, body: Dict[str, Any]) -> Any:
        row = _open(desk, body["handoff_id"])
        if not await asyncio.to_thread(desk.handoffs.claim_for, row["id"], session.agent_id):
            raise DeskError(f"already claimed by {_name(row.get('assignee'))}", 409)
        audit_action(
            desk.agent.tracker_store, "claim", session.agent_id, row, assignee=session.agent_id
        )
        return {"id": row["id"], "assignee": session.agent_id}

    async def assign(self, desk: AgentDesk, session: Session, body: Dict[str, Any]) -> Any:
        row = _open(desk, body["handoff_id"])
        to = agent_id(body)
        if await asyncio.to_thread(_accounts().get, to) is None:
            raise DeskError(f"no agent {to}", 404)
        if not await asyncio.to_thread(desk.handoffs.assign, row["id"], to):
            raise DeskError("the request is no longer open", 409)
        audit_action(desk.agent.tracker_store, "assign", session.agent_id, row, assignee=to)
        return {"id": row["id"], "assignee": to}

    async def reply(self, desk: AgentDesk, session: Session, body: Dict[str, Any]) -> Any:
        row = _open(desk, body["handoff_id"])
        text = reply_text(body)
        if not await asyncio.to_thread(desk.handoffs.claim_for, row["id"], session.agent_id):
            raise DeskError(f"claimed by {_name(row.get('assignee'))}; ask them or reassign", 409)
        result = await desk.reply(row["id"], text, session.agent_id)
        audit_action(desk.agent.tracker_store, "reply", session.agent_id, row)
        return result

    async def resolve(self, desk: AgentDesk, session: Session, body: Dict[str, Any]) -> Any:
        row = _open(desk, body["handoff_id"])
        result = await desk.resolve(row["id"], session.agent_id)
        audit_action(desk.agent.tracker_store, "resolve", session.agent_id, row)
        return result

    async def presence(self, desk: AgentDesk, session: Session, body: Dict[str, Any]) -> Any:
        presence = body.get("presence")
        if presence not in PRESENCE:
            raise DeskError("presence must be online or away", 400)
        await asyncio.to_thread(_accounts().set_presence, session.agent_id, presence)
        audit_action(
            desk.agent.tracker_store, "presence", session.agent_id, None, presence=presence
        )
        return _me(session, presence)


def _accounts() -> AgentAccounts:
    accounts = current_accounts()
    if accounts is None:
        raise DeskError("the bot is still starting, or has no RedactingTrackerStore", 503)
    return accounts


def _desk(request: Request) -> AgentDesk:
    agent = getattr(request.app.ctx, "agent", None)
    if agent is None:
        raise DeskError("the bot is still starting", 503)
    return AgentDesk(agent, getattr(request.app.ctx, "input_channels", []))


def _open(desk: AgentDesk, handoff_id: str) -> Dict[str, Any]:
    """The open request ``handoff_id``: agents read only conversations in a handoff."""
    row = desk.handoffs.get(handoff_id)
    if row is None or row["status"] != OPEN:
        raise DeskError("this conversation is not in an open handoff", 403)
    return row


def _name(agent: Optional[str]) -> Optional[str]:
    if not agent:
        return None
    account = _accounts().get(agent)
    return account["display_name"] if account else agent


def _me(session: Session, presence: str) -> Dict[str, Any]:
    return {
        "agent": session.agent_id,
        "display_name": session.display_name,
        "csrf": session.csrf,
        "presence": presence,
        "expires_at": session.expires_at,
    }


def _json(body: Any) -> HTTPResponse:
    return response.json(body, headers=security_headers(embeddable=False))


def _error(message: str, status: int) -> HTTPResponse:
    return response.json(
        {"error": message}, status=status, headers=security_headers(embeddable=False)
    )
