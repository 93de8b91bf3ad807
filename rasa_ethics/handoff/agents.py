"""Agents' accounts, their sign-in sessions and their presence, beside the handoff queue.

Two tables in the queue's database (every replica sees the same agents and sessions):
``rasa_ethics_agents`` (id, display name, scrypt hash, presence) and
``rasa_ethics_agent_sessions``.  A session token is the cookie value; only its SHA-256 is stored,
so a copy of the database signs nobody in.  The CSRF token is stored as it is: it is sent to the
page anyway, and alone it opens nothing.

Presence is what an agent says ('online' or 'away'); a new account starts 'away'.  An agent counts
as online for availability only while also holding an unexpired session, so an agent who closed
the browser without signing out stops counting when the session expires.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
import unicodedata
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import sqlalchemy as sa
from rasa.shared.exceptions import RasaException
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from rasa_ethics.handoff.passwords import (
    hash_password,
    password_problem,
    verify_password,
    verify_unknown,
)
from rasa_ethics.handoff.sqlite_file import private_sqlite_file

__all__ = ["AGENT_ID_PATTERN", "AWAY", "ONLINE", "AgentAccounts", "AgentError", "Session"]

# An agent id is a name-like token: it goes into the tracker, the handoff table and the audit
# trail, so markup, control and bidi characters have no way in.  Same shape as audit names.
AGENT_ID_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}")
ONLINE, AWAY = "online", "away"
PRESENCES = (ONLINE, AWAY)
MAX_DISPLAY_NAME_CHARS = 100
_LAST_SEEN_EVERY = 30.0  # seconds: the console polls every second; one write per half minute

_metadata = sa.MetaData()
agents_table = sa.Table(
    "rasa_ethics_agents",
    _metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("display_name", sa.String(MAX_DISPLAY_NAME_CHARS), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("presence", sa.String(16), nullable=False, default=AWAY),
    sa.Column("presence_at", sa.Float, nullable=False),
)
sessions_table = sa.Table(
    "rasa_ethics_agent_sessions",
    _metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("agent_id", sa.String(64), nullable=False, index=True),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False, index=True),
    sa.Column("last_seen", sa.Float, nullable=False),
)
_PUBLIC = ("id", "display_name", "presence", "presence_at", "created_at")


class AgentError(RasaException):
    """An account operation that cannot be done as asked; the message says why."""


@dataclass(frozen=True)
class Session:
    """One signed-in agent: ``token`` is the cookie value, ``csrf`` the header every POST sends."""

    token: str
    csrf: str
    agent_id: str
    display_name: str
    expires_at: float


class AgentAccounts:
    """Add, remove and authenticate agents; open, find and close their sessions; presence."""

    def __init__(self, engine: Engine) -> None:
        """Use ``engine`` (the tables are created if they are missing)."""
        self.engine = engine
        _metadata.create_all(engine, checkfirst=True)

    @classmethod
    def from_url(cls, url: str) -> AgentAccounts:
        """Accounts on their own database, e.g. ``sqlite:///handoffs.db``."""
        private_sqlite_file(url)
        return cls(sa.create_engine(url))

    def add(self, agent_id: str, display_name: Optional[str], password: str) -> None:
        """A new 'away' account; AgentError for a bad id or name, a weak password or a duplicate."""
        _check_id(agent_id)
        name = _display_name(display_name or agent_id)
        problem = password_problem(password)
        if problem:
            msg = f"{problem}; choose another, e.g. four unrelated words"
            raise AgentError(msg)
        now = time.time()
        row = {
            "id": agent_id,
            "display_name": name,
            "password_hash": hash_password(password),
            "created_at": now,
            "presence": AWAY,
            "presence_at": now,
        }
        try:
            with self.engine.begin() as connection:
                connection.execute(agents_table.insert().values(**row))
        except IntegrityError:
            msg = f"an agent {agent_id!r} exists already"
            raise AgentError(msg) from None

    def remove(self, agent_id: str) -> bool:
        """Delete an account and its sessions; False if there was none."""
        with self.engine.begin() as connection:
            connection.execute(sessions_table.delete().where(sessions_table.c.agent_id == agent_id))
            deleted = connection.execute(agents_table.delete().where(agents_table.c.id == agent_id))
        return deleted.rowcount == 1

    def list(self) -> List[Dict[str, Any]]:
        """Every account by id: id, display_name, presence, presence_at, created_at (no hash)."""
        query = sa.select(*_columns()).order_by(agents_table.c.id)
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    def get(self, agent_id: str) -> Optional[Dict[str, Any]]:
        """One account as :meth:`list` shows it, or None."""
        query = sa.select(*_columns()).where(agents_table.c.id == agent_id)
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return dict(row._mapping) if row else None

    def authenticate(self, agent_id: str, password: str) -> Optional[Dict[str, Any]]:
        """The account if ``password`` is its password, else None.

        An unknown id costs the same scrypt work as a known one (a dummy hash), so the time of
        an answer does not tell which ids exist.
        """
        password = password if isinstance(password, str) else ""
        stored = None
        if isinstance(agent_id, str) and AGENT_ID_PATTERN.fullmatch(agent_id):
            query = sa.select(agents_table.c.password_hash).where(agents_table.c.id == agent_id)
            with self.engine.connect() as connection:
                stored = connection.execute(query).scalar()
        if stored is None:
            verify_unknown(password)
            return None
        if not verify_password(password, stored):
            return None
        return self.get(agent_id)

    def open_session(self, agent_id: str, ttl_seconds: float) -> Session:
        """A new session of ``agent_id`` lasting ``ttl_seconds``; expired sessions are dropped."""
        account = self.get(agent_id)
        if account is None:
            msg = f"no agent {agent_id!r}"
            raise AgentError(msg)
        if not ttl_seconds > 0:
            msg = f"a session must last a positive time, not {ttl_seconds!r} seconds"
            raise AgentError(msg)
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        now = time.time()
        expires_at = now + ttl_seconds
        row = {
            "token_hash": _digest(token),
            "agent_id": agent_id,
            "csrf": csrf,
            "created_at": now,
            "expires_at": expires_at,
            "last_seen": now,
        }
        with self.engine.begin() as connection:
            connection.execute(sessions_table.delete().where(sessions_table.c.expires_at <= now))
            connection.execute(sessions_table.insert().values(**row))
        return Session(token, csrf, agent_id, account["display_name"], expires_at)

    def session(self, token: str) -> Optional[Session]:
        """The live session of ``token``, or None (unknown, or expired: then it is deleted)."""
        if not isinstance(token, str) or not 16 <= len(token) <= 128:
            return None
        digest, now = _digest(token), time.time()
        query = (
            sa.select(sessions_table, agents_table.c.display_name)
            .join(agents_table, agents_table.c.id == sessions_table.c.agent_id)
            .where(sessions_table.c.token_hash == digest)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            return None
        if row.expires_at <= now:
            self._delete_session(digest)
            return None
        if now - row.last_seen >= _LAST_SEEN_EVERY:
            self._touch(digest, now)
        return Session(token, row.csrf, row.agent_id, row.display_name, row.expires_at)

    def close_session(self, token: str) -> None:
        """Sign out: the session of ``token`` is deleted (nothing happens for an unknown one)."""
        if isinstance(token, str):
            self._delete_session(_digest(token))

    def set_presence(self, agent_id: str, presence: str) -> None:
        """Record that ``agent_id`` is 'online' or 'away'."""
        if presence not in PRESENCES:
            msg = f"presence must be 'online' or 'away', not {presence!r}"
            raise AgentError(msg)
        update = (
            agents_table.update()
            .where(agents_table.c.id == agent_id)
            .values(presence=presence, presence_at=time.time())
        )
        with self.engine.begin() as connection:
            if connection.execute(update).rowcount != 1:
                msg = f"no agent {agent_id!r}"
                raise AgentError(msg)

    def anyone_online(self, now: Optional[float] = None) -> Optional[bool]:
        """None when there are no accounts (availability is the policy's alone); else True iff an
        agent is 'online' and holds an unexpired session."""
        now = time.time() if now is None else now
        live = sa.select(sessions_table.c.agent_id).where(sessions_table.c.expires_at > now)
        online = (
            sa.select(agents_table.c.id)
            .where(agents_table.c.presence == ONLINE, agents_table.c.id.in_(live))
            .limit(1)
        )
        with self.engine.connect() as connection:
            if connection.execute(sa.select(agents_table.c.id).limit(1)).first() is None:
                return None
            return connection.execute(online).first() is not None

    def _delete_session(self, digest: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(sessions_table.delete().where(sessions_table.c.token_hash == digest))

    def _touch(self, digest: str, now: float) -> None:
        update = (
            sessions_table.update()
            .where(sessions_table.c.token_hash == digest)
            .values(last_seen=now)
        )
        with self.engine.begin() as connection:
            connection.execute(update)


def _columns() -> List[sa.Column]:
    return [agents_table.c[name] for name in _PUBLIC]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _check_id(agent_id: str) -> None:
    if not isinstance(agent_id, str) or not AGENT_ID_PATTERN.fullmatch(agent_id):
        msg = (
            f"{agent_id!r} is not an agent id: 1 to 64 letters, digits, '.', '_' or '-', "
            "starting with a letter, e.g. sam.lee"
        )
        raise AgentError(msg)


def _display_name(value: str) -> str:
    """A name customers see as the label of an agent's messages: printable, one line."""
    name = value.strip()
    if not name or len(name) > MAX_DISPLAY_NAME_CHARS:
        msg = f"the display name must have 1 to {MAX_DISPLAY_NAME_CHARS} characters"
        raise AgentError(msg)
    if any(unicodedata.category(ch)[0] == "C" or ch in "\u2028\u2029" for ch in name):
        msg = "the display name may not hold control, format or bidi characters"
        raise AgentError(msg)
    return name
