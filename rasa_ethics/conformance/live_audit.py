"""Live checks read from the bot's side: its audit trail, and the handoffs the run asked for.

The audit records name senders by a keyed pseudonym (:mod:`rasa_ethics.audit.pseudonym`).  With
the key (``audit.pseudonym_key_env``) set here as on the server, each conversation of the run is
found by its own pseudonym; without it, the check counts the distinct senders of the records
written since the run began.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Set

from rasa_ethics.audit.files import trail_files
from rasa_ethics.audit.pseudonym import Pseudonymizer
from rasa_ethics.audit.report import read_records
from rasa_ethics.conformance.results import FAIL, PASS, SKIP, Result
from rasa_ethics.policy import LoadedPolicy

__all__ = ["AuditWatch", "resolve_own_handoffs"]

ART5 = "GDPR Art. 5"
_CHECK = "live.audit_records"


class AuditWatch:
    """The trail at ``path``, noted before the run so the records it adds can be told apart."""

    def __init__(self, path: Optional[Path], policy: LoadedPolicy) -> None:
        """Count the records already there."""
        self.path = path
        self.key_env = policy.audit.pseudonym_key_env
        self.enabled = policy.audit.enabled
        self.before = len(self._records()) if self.readable else 0

    @property
    def readable(self) -> bool:
        """The trail is on this machine."""
        return self.path is not None and bool(trail_files(self.path))

    def _records(self) -> List[Dict[str, Any]]:
        assert self.path is not None
        return list(read_records([trail_files(self.path)]))

    def result(self, senders: List[str], wait_seconds: float = 15.0) -> Result:
        """Whether every conversation of the run left records (the writer flushes within
        seconds, so this waits up to ``wait_seconds``)."""
        if not self.enabled:
            return Result(_CHECK, FAIL, [ART5], "audit.enabled is false", kind="live")
        if not self.readable:
            where = self.path or "the bot folder"
            message = f"no audit trail at {where} (give --audit FILE where the server writes it)"
            return Result(_CHECK, SKIP, [ART5], message, kind="live")
        key = os.environ.get(self.key_env)
        deadline = time.monotonic() + wait_seconds
        while True:
            missing = self._missing(senders, key)
            if not missing or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        how = "by pseudonym" if key else f"by count (${self.key_env} unset here)"
        if missing:
            message = f"{len(missing)} of {len(senders)} conversations left no audit record ({how})"
            return Result(_CHECK, FAIL, [ART5], message, f"trail: {self.path}", kind="live")
        message = f"each of the {len(senders)} conversations left audit records ({how})"
        return Result(_CHECK, PASS, [ART5], message, kind="live")

    def _missing(self, senders: List[str], key: Optional[str]) -> List[str]:
        new = self._records()[self.before :]
        seen: Set[str] = {str(r.get("sender")) for r in new if r.get("type") == "user_turn"}
        if key:
            pseudonym = Pseudonymizer(key=key.encode("utf-8"))
            return [s for s in senders if pseudonym(s) not in seen]
        return senders[len(seen) :] if len(seen) < len(senders) else []


def resolve_own_handoffs(url: str, agent_token: Optional[str], prefix: str) -> Optional[str]:
    """Resolve the open handoffs of the run's conversations; None, or why that was not done."""
    if not agent_token:
        return "no agents' token: the run's handoff requests stay open for an agent to resolve"
    from rasa_ethics.handoff.client import HandoffClient, HandoffClientError

    client = HandoffClient(url, agent_token)
    try:
        for row in client.list("open"):
            if str(row.get("conversation_id", "")).startswith(prefix):
                client.resolve(str(row["id"]), agent="rasa-ethics-check")
    except HandoffClientError as exc:
        return f"could not resolve the run's handoffs: {exc}"
    return None
