"""The operators' privacy trail: erasure, export and purge records, hash-chained and signed.

A running bot holds the lock of its own trail (one writer per trail, or the chain would fork),
so operators' actions go to a trail of their own, ``privacy.audit_path``, written with the same
writer, the same signing key settings and the same pseudonyms as the bot's trail: an ``erasure``
record's ``subject`` is the pseudonym the bot's records of that conversation carry (when
``$<audit.pseudonym_key_env>`` is set; otherwise ``pseudonym_scope`` says ``ephemeral``).
Records hold pseudonyms, reference numbers, counts and names, never content.
``rasa-ethics audit verify`` checks it like any other trail.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from rasa_ethics.audit.events import name
from rasa_ethics.audit.pseudonym import Pseudonymizer
from rasa_ethics.audit.writer import AuditWriter
from rasa_ethics.policy import LoadedPolicy

__all__ = ["PrivacyTrail"]

Record = Tuple[str, Dict[str, Any]]

#: One writer per trail in this process at a time: the server's purge schedule (a worker thread)
#: and an erasure in the chat (the event loop) wait for each other instead of one of them failing
#: on the trail's file lock.
_OPEN: Dict[Path, threading.Lock] = {}
_OPEN_GUARD = threading.Lock()
WAIT_SECONDS = 30.0


def _lock_of(path: Path) -> threading.Lock:
    with _OPEN_GUARD:
        return _OPEN.setdefault(path.resolve(), threading.Lock())


class PrivacyTrail:
    """Pseudonyms now, records written when the operation is done (:meth:`write`)."""

    def __init__(self, policy: LoadedPolicy) -> None:
        """Use the policy's ``audit:`` key settings and ``privacy.audit_path``."""
        self.policy = policy
        self.pseudonymize = Pseudonymizer(None, policy.audit.pseudonym_key_env)
        self.path = Path(policy.privacy.audit_path)
        self._writer: Optional[AuditWriter] = None
        self._held: Optional[threading.Lock] = None  # this process's turn on the trail, while open

    def subject(self, conversation_id: str) -> str:
        """The audit pseudonym of a conversation."""
        return self.pseudonymize(conversation_id)

    def record(self, type_: str, operator: str, **fields: Any) -> Record:
        """One record: ``fields`` plus the operator's name (if it looks like one) and the scope."""
        return type_, {
            **fields,
            "operator": name(operator) or "<unknown>",
            "pseudonym_scope": self.pseudonymize.scope,
        }

    def open(self) -> None:
        """Open the trail now (its lock, its signing key), so a problem stops the operation
        before anything is deleted."""
        if self._writer is not None:
            return
        lock = _lock_of(self.path)
        if not lock.acquire(timeout=WAIT_SECONDS):
            raise OSError(f"{self.path} is busy: another privacy action in this process holds it")
        try:
            self._writer = self._open_writer()
        except BaseException:
            lock.release()
            raise
        self._held = lock

    def _open_writer(self) -> AuditWriter:
        audit = self.policy.audit
        return AuditWriter(
            self.path,
            fsync="every",
            on_overload="block",
            policy_version=self.policy.version_hash,
            start_fields={
                "policy_name": self.policy.name,
                "pseudonym_scope": self.pseudonymize.scope,
                "writer": "rasa-ethics privacy",
            },
            signing_key_file=audit.signing_key_file,
            signing_key_env=audit.signing_key_env,
        )

    def write(self, records: List[Record]) -> Path:
        """Append ``records``, then close the trail (waiting for the disk)."""
        self.open()
        writer = self._writer
        assert writer is not None
        try:
            for type_, fields in records:
                writer.write(type_, {**fields, "policy_version": self.policy.version_hash})
        finally:
            self.close()
        return self.path

    def close(self) -> None:
        """Write what is queued and release the trail (idempotent)."""
        if self._writer is not None:
            try:
                self._writer.close()
            finally:
                self._writer, held, self._held = None, self._held, None
                if held is not None:
                    held.release()
