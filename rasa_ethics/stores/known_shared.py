"""Known values shared by every replica: encrypted rows beside the vault, bound by a time-to-live.

:data:`~rasa_ethics.pii.runtime.KNOWN_VALUES` lets the log filter and the output redaction hide a
value that was found in a customer's message (see :mod:`rasa_ethics.context.known`).  With
several replicas, the next turn of a conversation may reach another process, whose filter never
saw the value, and the stored events it could learn from are already redacted.  So in a
multi-replica set-up each replica writes what it learns to the table ``rasa_ethics_known_values``
in the handoff queue's database, and reads back what the others wrote:

* a row holds one value and its PII type, encrypted with Fernet under the vault key
  (``$RASA_ETHICS_VAULT_KEY``, the same on every replica), and a keyed hash of the value so the
  same value is stored once; nothing in it is readable without the key;
* a row expires with the known values' own time-to-live (an hour after it was last seen) and is
  then deleted; erasure need not touch it, since it links the value to no conversation;
* the store syncs before it reads a conversation and after it saves one (new values out, others'
  values in, off the event loop), and a background thread syncs an idle replica every few seconds.

A database that is down costs only the sharing: local values keep working, the error is logged
once, and the next sync catches up.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from typing import Any, List, Optional, Tuple

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from rasa_ethics.pii.runtime import KnownValues

__all__ = ["SharedKnownValues"]

logger = logging.getLogger(__name__)

_metadata = sa.MetaData()
known_table = sa.Table(
    "rasa_ethics_known_values",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("digest", sa.String(64), nullable=False, unique=True),  # keyed hash of the value
    sa.Column("ciphertext", sa.Text, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False, index=True),
)

IDLE_SYNC_SECONDS = 2.0
PURGE_SECONDS = 60.0
_MAX_ROWS_PER_READ = 5_000


class SharedKnownValues:
    """Share the values of a :class:`KnownValues` through a SQL table (thread-safe)."""

    def __init__(self, known: KnownValues, engine: Engine, key: bytes) -> None:
        """Share ``known`` through ``engine``'s database, encrypted with the Fernet ``key``."""
        self.known = known
        self.engine = engine
        self._fernet = Fernet(key)
        self._hmac_key = hmac.new(key, b"rasa-ethics known values v1", hashlib.sha256).digest()
        self._pending: List[Tuple[str, str]] = []
        self._pending_lock = threading.Lock()
        self._sync_lock = threading.Lock()
        self._last_id = 0
        self._purged_at = 0.0
        self._failing = False
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        _metadata.create_all(engine, checkfirst=True)
        known.on_new = self._queue

    def _queue(self, values: List[Tuple[str, str]]) -> None:
        """Called by :class:`KnownValues` with the values this process just found."""
        with self._pending_lock:
            self._pending.extend(values)

    def start(self) -> None:
        """Sync an idle replica every :data:`IDLE_SYNC_SECONDS` from a daemon thread."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="rasa-ethics-known-values", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        """Stop the thread; values stay shared in the table until they expire."""
        self._stop.set()
        if self.known.on_new == self._queue:
            self.known.on_new = None

    def _run(self) -> None:
        while not self._stop.wait(IDLE_SYNC_SECONDS):
            self.sync()

    def sync(self) -> int:
        """Write the values found here, read those the others found; how many were read.

        Never raises: a failure is logged (once until it works again) and retried next time.
        """
        with self._sync_lock:
            with self._pending_lock:
                pending, self._pending = self._pending, []
            try:
                self._write(pending)
                read = self._read()
                self._purge()
            except SQLAlchemyError as exc:
                with self._pending_lock:
                    self._pending[:0] = pending[-self.known.max_values :]
                if not self._failing:
                    logger.error(
                        "rasa-ethics: known values cannot be shared (%s); this replica keeps "
                        "its own until the database answers",
                        type(exc).__name__,
                    )
                self._failing = True
                return 0
            if self._failing:
                logger.info("rasa-ethics: known values are shared again")
            self._failing = False
            return read

    def _write(self, values: List[Tuple[str, str]]) -> None:
        if not values:
            return
        expires = time.time() + self.known.ttl_seconds
        unique = {value: kind for value, kind in values}
        with self.engine.begin() as conn:
            for value, kind in unique.items():
                digest = self._digest(value)
                seen = conn.execute(
                    known_table.update()
                    .where(known_table.c.digest == digest)
                    .values(expires_at=expires)
                ).rowcount
                if seen:
                    continue
                row = {
                    "digest": digest,
                    "ciphertext": self._seal(value, kind),
                    "expires_at": expires,
                }
                try:
                    with conn.begin_nested():
                        conn.execute(known_table.insert().values(**row))
                except IntegrityError:  # another replica stored the same value just now
                    pass

    def _read(self) -> int:
        query = (
            sa.select(known_table.c.id, known_table.c.ciphertext)
            .where(known_table.c.id > self._last_id, known_table.c.expires_at > time.time())
            .order_by(known_table.c.id)
            .limit(_MAX_ROWS_PER_READ)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).fetchall()
        values = []
        for row in rows:
            self._last_id = max(self._last_id, int(row.id))
            opened = self._open(row.ciphertext)
            if opened is not None:
                values.append(opened)
        self.known.add(values, share=False)
        return len(values)

    def _purge(self) -> None:
        now = time.time()
        if now - self._purged_at < PURGE_SECONDS:
            return
        self._purged_at = now
        with self.engine.begin() as conn:
            conn.execute(known_table.delete().where(known_table.c.expires_at <= now))

    def _seal(self, value: str, kind: str) -> str:
        plaintext = json.dumps({"v": value, "t": kind}, ensure_ascii=False).encode("utf-8")
        return self._fernet.encrypt(plaintext).decode("ascii")

    def _open(self, ciphertext: str) -> Optional[Tuple[str, str]]:
        try:
            data: Any = json.loads(self._fernet.decrypt(ciphertext.encode("ascii")))
            return str(data["v"]), str(data["t"])
        except (InvalidToken, ValueError, KeyError, TypeError):
            logger.warning("rasa-ethics: a known-values row failed to decrypt (another key?)")
            return None

    def _digest(self, value: str) -> str:
        return hmac.new(self._hmac_key, value.encode("utf-8"), hashlib.sha256).hexdigest()
