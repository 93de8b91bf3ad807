"""The PII vault: the real values of ``pii.vault_slots``, encrypted, for a limited time.

Some slots must hold a real value for the bot to work, e.g. the e-mail address an order lookup
needs.  The tracker store stores such a slot as a token (``vault:3f9a...``) and the value goes
here, encrypted with Fernet (AES-128-CBC plus HMAC-SHA256, from ``cryptography``).  Only the
conversation the value came from gets it back, and only until its time-to-live ends (end of the
session plus ``pii.vault_grace_minutes``); expired rows are deleted.

The table ``rasa_ethics_vault`` lives in the SQL database of the handoff queue, which is the
tracker store's own database by default, so every Rasa replica sees the same rows.

Key (:func:`load_key`): ``$RASA_ETHICS_VAULT_KEY`` (a Fernet key; every replica needs the same
one).  When it is unset and the database is a SQLite file, a key is generated once into
``<database>.vault-key`` with mode 0600: SQLite already confines the bot to one machine, and a
developer's bot starts without ceremony.  Any other database without the variable is an error
at start-up.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import time
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from rasa.shared.exceptions import RasaException
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from rasa_ethics.key_files import key_file, sqlite_key_file

__all__ = [
    "ENV_KEY",
    "TOKEN_PREFIX",
    "Vault",
    "VaultKeyError",
    "generate_key",
    "is_token",
    "load_key",
]

logger = logging.getLogger(__name__)

ENV_KEY = "RASA_ETHICS_VAULT_KEY"
TOKEN_PREFIX = "vault:"
KEY_FILE_SUFFIX = ".vault-key"
_TOKEN_HEX = 32  # 128 bits of HMAC: unique per conversation, slot and value
_GENERATE_HINT = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)

_metadata = sa.MetaData()
vault_table = sa.Table(
    "rasa_ethics_vault",
    _metadata,
    sa.Column("token", sa.String(64), primary_key=True),
    sa.Column("conversation", sa.String(64), nullable=False, index=True),  # keyed hash, not the id
    sa.Column("slot", sa.String(255), nullable=False),
    sa.Column("ciphertext", sa.Text, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False, index=True),
)


class VaultKeyError(RasaException):
    """The vault has no usable key; the message says how to provide one."""


def generate_key() -> str:
    """A new Fernet key (URL-safe base64 of 32 random bytes)."""
    return Fernet.generate_key().decode("ascii")


def is_token(value: Any) -> bool:
    """True for a vault token as stored in place of a slot value."""
    return isinstance(value, str) and value.startswith(TOKEN_PREFIX)


def load_key(engine: Engine) -> bytes:
    """The vault key: ``$RASA_ETHICS_VAULT_KEY``, else a 0600 key file next to a SQLite database."""
    value = os.environ.get(ENV_KEY, "").strip()
    if value:
        return _checked(value.encode("ascii"), f"${ENV_KEY}")
    path = key_file_path(engine)
    if path is None:
        msg = (
            f"pii.vault_slots needs an encryption key: set {ENV_KEY} to a Fernet key, the same in "
            f"every Rasa replica (generate one with `{_GENERATE_HINT}`), or store no slot in the "
            "vault:\n  pii:\n    vault_slots: []"
        )
        raise VaultKeyError(msg)
    return _key_file(path)


def key_file_path(engine: Engine) -> Optional[Path]:
    """``<database>.vault-key`` for a SQLite file database, else None."""
    return sqlite_key_file(engine, KEY_FILE_SUFFIX)


def _key_file(path: Path) -> bytes:
    key, created = key_file(path, generate_key, "vault key file", VaultKeyError)
    if created:
        logger.info("rasa-ethics: generated the vault key file %s (mode 0600)", path)
    return _checked(key, str(path))


def _checked(key: bytes, source: str) -> bytes:
    try:
        Fernet(key)
    except (ValueError, TypeError):
        msg = (
            f"{source} is not a Fernet key (32 url-safe base64 bytes); "
            f"generate one with `{_GENERATE_HINT}`"
        )
        raise VaultKeyError(msg) from None
    return key


class Vault:
    """Encrypted slot values with a time-to-live, resolvable only by their own conversation."""

    def __init__(self, engine: Engine, key: bytes) -> None:
        """Use ``engine`` (the table is created if missing) and the Fernet ``key``."""
        self.engine = engine
        self._fernet = Fernet(key)
        # A separate key for tokens and conversation hashes, derived so the Fernet key is never
        # used for two purposes.
        self._hmac_key = hmac.new(key, b"rasa-ethics vault tokens v1", hashlib.sha256).digest()
        _metadata.create_all(engine, checkfirst=True)

    @classmethod
    def for_engine(cls, engine: Engine) -> Vault:
        """A vault in ``engine``'s database with the key from :func:`load_key`."""
        return cls(engine, load_key(engine))

    def token_for(self, conversation_id: str, slot: str, value: Any) -> str:
        """The token that stands for ``value`` (the same value always gives the same token)."""
        canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
        digest = self._digest(f"token\x00{conversation_id}\x00{slot}\x00{canonical}")
        return TOKEN_PREFIX + digest[:_TOKEN_HEX]

    def store(
        self, conversation_id: str, values: Dict[str, Tuple[str, Any]], expires_at: float
    ) -> None:
        """Keep ``{token: (slot, value)}`` until ``expires_at``; extend the conversation's rows."""
        conversation = self._conversation(conversation_id)
        with self.engine.begin() as conn:
            known = set(
                conn.execute(
                    sa.select(vault_table.c.token).where(vault_table.c.token.in_(list(values)))
                ).scalars()
            )
            conn.execute(
                vault_table.update()
                .where(vault_table.c.conversation == conversation)
                .where(vault_table.c.expires_at < expires_at)
                .values(expires_at=expires_at)
            )
        for token, (slot, value) in values.items():
            if token not in known:
                self._insert(token, conversation, slot, value, expires_at)

    def resolve(self, conversation_id: str, tokens: Iterable[str]) -> Dict[str, Tuple[str, Any]]:
        """``{token: (slot, value)}`` for the tokens of this conversation that have not expired."""
        wanted = [t for t in set(tokens) if is_token(t)]
        if not wanted:
            return {}
        conversation = self._conversation(conversation_id)
        query = sa.select(vault_table).where(
            vault_table.c.token.in_(wanted),
            vault_table.c.conversation == conversation,
            vault_table.c.expires_at > time.time(),
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).fetchall()
        found = {}
        for row in rows:
            value = self._decrypt(row.ciphertext, conversation, row.slot)
            if value is not None:
                found[row.token] = (row.slot, value[0])
        return found

    def purge(self, now: Optional[float] = None) -> int:
        """Delete expired rows; the number deleted."""
        cutoff = time.time() if now is None else now
        with self.engine.begin() as conn:
            return int(
                conn.execute(
                    vault_table.delete().where(vault_table.c.expires_at <= cutoff)
                ).rowcount
            )

    def forget(self, conversation_id: str) -> int:
        """Delete every value of one conversation (erasure); the number deleted."""
        conversation = self._conversation(conversation_id)
        with self.engine.begin() as conn:
            query = vault_table.delete().where(vault_table.c.conversation == conversation)
            return int(conn.execute(query).rowcount)

    def fields(self, conversation_id: str) -> List[str]:
        """The slots one conversation has values of, expired or not (export: names only)."""
        query = (
            sa.select(vault_table.c.slot)
            .where(vault_table.c.conversation == self._conversation(conversation_id))
            .distinct()
        )
        with self.engine.connect() as conn:
            return sorted(row.slot for row in conn.execute(query))

    def count(self, conversation_id: str) -> int:
        """How many values of one conversation are stored (what :meth:`forget` would delete)."""
        query = (
            sa.select(sa.func.count())
            .select_from(vault_table)
            .where(vault_table.c.conversation == self._conversation(conversation_id))
        )
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)

    def _insert(
        self, token: str, conversation: str, slot: str, value: Any, expires_at: float
    ) -> None:
        plaintext = json.dumps({"c": conversation, "s": slot, "v": value}, default=str)
        row = {
            "token": token,
            "conversation": conversation,
            "slot": slot,
            "ciphertext": self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii"),
            "expires_at": expires_at,
        }
        try:
            with self.engine.begin() as conn:
                conn.execute(vault_table.insert().values(**row))
        except IntegrityError:  # another replica stored the same token first: same value
            pass

    def _decrypt(self, ciphertext: str, conversation: str, slot: str) -> Optional[Tuple[Any]]:
        """``(value,)``, or None when the row was tampered with or moved to another conversation."""
        try:
            data = json.loads(self._fernet.decrypt(ciphertext.encode("ascii")))
        except (InvalidToken, ValueError):
            logger.warning("rasa-ethics: a vault row failed to decrypt (wrong key or tampering)")
            return None
        if data.get("c") != conversation or data.get("s") != slot:
            logger.warning("rasa-ethics: a vault row belongs to another conversation; ignored")
            return None
        return (data.get("v"),)

    def _conversation(self, conversation_id: str) -> str:
        return self._digest(f"conversation\x00{conversation_id}")[:_TOKEN_HEX]

    def _digest(self, message: str) -> str:
        return hmac.new(self._hmac_key, message.encode("utf-8"), hashlib.sha256).hexdigest()
