"""Subject keys: find every conversation of one customer without storing what identifies them.

A customer who gives an e-mail address (any PII type in ``privacy.subject_types``) links their
conversation to a *subject key*: an HMAC-SHA256 of the normalised value, keyed by a secret.  The
table ``rasa_ethics_subjects`` holds ``(subject, conversation_id)`` pairs only, never the value,
so an operator who is given the e-mail address by the customer can find their conversations
(``rasa-ethics privacy find --subject``) and nobody without the key can read addresses out of it.

Key (:func:`load_subject_key`): ``$<privacy.subject_key_env>`` (default
``RASA_ETHICS_SUBJECT_KEY``), the same in every replica and for the operators' CLI.  When it is
unset and the database is a SQLite file, a key is generated once into
``<database>.subject-key`` with mode 0600, as the vault does; any other database without it is
an error at start-up while ``subject_types`` is not empty.

The table lives in the handoff queue's database, beside the vault (the tracker store's database
by default).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
import unicodedata
from pathlib import Path
from typing import Any, Collection, Dict, Iterable, List, Optional, Tuple

import sqlalchemy as sa
from rasa.shared.exceptions import RasaException
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from rasa_ethics import constants as c
from rasa_ethics.key_files import key_file, sqlite_key_file

__all__ = [
    "KEY_FILE_SUFFIX",
    "SubjectIndex",
    "SubjectKeyError",
    "load_subject_key",
    "normalise",
    "subjects_table",
]

KEY_FILE_SUFFIX = ".subject-key"
_HEX = 64
_CACHE_SIZE = 10_000
# A link this process wrote is not written again for this long; after that it is re-checked, so
# a conversation erased by another process gets its links back when the customer gives them.
_CACHE_SECONDS = 600.0

_metadata = sa.MetaData()
subjects_table = sa.Table(
    "rasa_ethics_subjects",
    _metadata,
    sa.Column("subject", sa.String(_HEX), primary_key=True),  # keyed hash of the value
    sa.Column("conversation_id", sa.String(255), primary_key=True, index=True),
    sa.Column("first_seen", sa.Float, nullable=False),
)


class SubjectKeyError(RasaException):
    """No usable subject key; the message says how to provide one."""


def normalise(value: str) -> str:
    """The form that is hashed: NFKC, trimmed, case-folded, inner whitespace removed.

    ``" Ana.Lee@Example.COM "`` and ``"ana.lee@example.com"`` are one subject.
    """
    folded = unicodedata.normalize("NFKC", value).strip().casefold()
    return "".join(folded.split())


def load_subject_key(engine: Engine, env: str) -> bytes:
    """``$env``, else a 0600 key file beside a SQLite database file, else SubjectKeyError."""
    value = os.environ.get(env, "").strip()
    if value:
        return value.encode("utf-8")
    path = sqlite_key_file(engine, KEY_FILE_SUFFIX)
    if path is None:
        msg = (
            f"subject keys need an HMAC key: set ${env} to a long random secret, the same in "
            "every Rasa replica and for `rasa-ethics privacy`, or keep no subject keys:\n"
            "  privacy:\n    subject_types: []"
        )
        raise SubjectKeyError(msg)
    return _key_file(path)


def _key_file(path: Path) -> bytes:
    return key_file(path, lambda: secrets.token_hex(32), "subject key file", SubjectKeyError)[0]


class SubjectIndex:
    """``(subject key, conversation)`` pairs in SQL; the values themselves are never stored."""

    def __init__(self, engine: Engine, key: bytes, types: Collection[str]) -> None:
        """Use ``engine`` (the table is created if missing), the HMAC ``key`` and PII ``types``."""
        self.engine = engine
        self.types = frozenset(types)
        # Derived, so the configured secret is never used for two purposes.
        self._key = hmac.new(key, b"rasa-ethics subject keys v1", hashlib.sha256).digest()
        self._seen: Dict[Tuple[str, str], float] = {}
        _metadata.create_all(engine, checkfirst=True)

    @classmethod
    def for_policy(cls, engine: Engine, policy: Any) -> Optional[SubjectIndex]:
        """The index the policy's ``privacy:`` section asks for; None with no subject types."""
        privacy = policy.privacy
        if not privacy.subject_types:
            return None
        return cls(engine, load_subject_key(engine, privacy.subject_key_env), privacy.subject_types)

    def subject(self, value: str) -> str:
        """The subject key of ``value`` (a hex HMAC of its normalised form)."""
        digest = hmac.new(self._key, normalise(value).encode("utf-8"), hashlib.sha256)
        return digest.hexdigest()

    def values_in(self, raw_events: Iterable[Any], stored_events: Iterable[Any]) -> List[str]:
        """Values of the subject types customers gave, from the raw events and the spans that
        redaction left on the stored copies (same positions)."""
        found = []
        for raw, stored in zip(raw_events, stored_events, strict=True):
            text = getattr(raw, "text", None)
            parse_data = getattr(stored, "parse_data", None)
            if getattr(raw, "type_name", "") != "user" or not isinstance(text, str):
                continue
            for span in (parse_data or {}).get(c.META_PII) or []:
                start, end = _offsets(span)
                if span.get("type") in self.types and 0 <= start < end <= len(text):
                    found.append(text[start:end])
        return found

    def record(self, conversation_id: str, values: Iterable[str]) -> int:
        """Link ``values`` to the conversation; the number of new links."""
        added, now = 0, time.monotonic()
        for subject in {self.subject(v) for v in values if normalise(v)}:
            if now - self._seen.get((subject, conversation_id), -_CACHE_SECONDS) < _CACHE_SECONDS:
                continue
            added += self._insert(subject, conversation_id)
            self._remember((subject, conversation_id), now)
        return added

    def find(self, value: str) -> List[str]:
        """The conversations linked to the subject ``value``, oldest link first."""
        query = (
            sa.select(subjects_table.c.conversation_id)
            .where(subjects_table.c.subject == self.subject(value))
            .order_by(subjects_table.c.first_seen)
        )
        with self.engine.connect() as conn:
            return [row.conversation_id for row in conn.execute(query)]

    def _insert(self, subject: str, conversation_id: str) -> int:
        row = {"subject": subject, "conversation_id": conversation_id, "first_seen": time.time()}
        try:
            with self.engine.begin() as conn:
                conn.execute(subjects_table.insert().values(**row))
        except IntegrityError:  # linked before, by this or another replica
            return 0
        return 1

    def _remember(self, pair: Tuple[str, str], now: float) -> None:
        self._seen.pop(pair, None)
        self._seen[pair] = now
        if len(self._seen) > _CACHE_SIZE:
            self._seen.pop(next(iter(self._seen)))

    def forget_cached(self, conversation_id: str) -> None:
        """Drop this process's memory of a conversation's links (after it was erased)."""
        for pair in [p for p in self._seen if p[1] == conversation_id]:
            del self._seen[pair]


def _offsets(span: Any) -> Tuple[int, int]:
    try:
        return int(span.get("start")), int(span.get("end"))
    except (AttributeError, TypeError, ValueError):
        return -1, -1
