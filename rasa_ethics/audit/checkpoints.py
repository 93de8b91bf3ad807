"""Signed checkpoints in the chain: when the writer seals one, and what it carries.

A ``checkpoint`` record is an ordinary chained record that also carries the writer's public key,
where the key came from, and an Ed25519 ``signature`` over its canonical JSON without ``hash``
and ``signature``.  Its ``prev`` is the hash of the record before, so the signature vouches for
every record up to it: re-chaining an edited trail breaks the next checkpoint's signature.  Once
a checkpoint is on disk the signed head file (:mod:`rasa_ethics.audit.head`) names it.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from rasa_ethics.audit.chain import Chain
from rasa_ethics.audit.head import HeadWriter
from rasa_ethics.audit.signing import CHECKPOINT_CONTEXT, SigningKey, signed_bytes

__all__ = ["Checkpointer", "key_fields"]

#: Checkpoints after which the head is rewritten at once, not within a second.
_HEAD_AT_ONCE = frozenset({"start", "rotate", "time", "stop"})


def key_fields(key: SigningKey) -> dict[str, Any]:
    """Where the key came from and its public half, as checkpoints and the head carry them."""
    public = key.public
    return {
        "key_id": public.key_id,
        "key_source": key.source,
        "key_ref": key.ref,
        "public_key": public.b64,
    }


class Checkpointer:
    """Seals signed checkpoints into the chain when due; the head names them once on disk.

    Due: ``every`` records after the last checkpoint, or ``seconds`` after the first record that
    is not signed yet; the writer also asks for one at rotation, start and shutdown.
    """

    def __init__(
        self, active: Path, key: SigningKey, every: int, seconds: float, sync: bool
    ) -> None:
        self.key = key
        self.every = every
        self.seconds = seconds
        self._fields = key_fields(key)
        self.head = HeadWriter(active, key, self._fields, sync)
        self._last = self._committed = -1
        self._pending: dict[str, Any] | None = None
        self._at_once = False
        self._unsigned_since: float | None = None

    def resume(self, chain: Chain) -> None:
        """Records already in the trail count as signed (their writer signed or noted them)."""
        self._last = self._committed = chain.seq - 1

    def unsigned(self, chain: Chain) -> int:
        """Records sealed since the last checkpoint."""
        return chain.seq - 1 - self._last

    def due(self, chain: Chain) -> str | None:
        """Why a checkpoint must be sealed now (``records``, ``time``), or None."""
        if self.unsigned(chain) >= self.every:
            return "records"
        left = self._time_left(chain)
        return "time" if left is not None and left <= 0 else None

    def seconds_left(self, chain: Chain) -> float | None:
        """Seconds until a time checkpoint or a pending head is due; None if neither is."""
        waits = [w for w in (self._time_left(chain), self.head.seconds_left()) if w is not None]
        return min(waits) if waits else None

    def _time_left(self, chain: Chain) -> float | None:
        if self.unsigned(chain) <= 0:
            return None
        now = time.monotonic()
        if self._unsigned_since is None:  # the clock starts at the first unsigned record
            self._unsigned_since = now
        return max(0.0, self._unsigned_since + self.seconds - now)

    def postpone(self) -> None:
        """Start the time interval again (a time checkpoint is being tried)."""
        self._unsigned_since = time.monotonic()

    def seal(self, chain: Chain, ts: str, policy_version: str, reason: str) -> None:
        """Append a signed checkpoint to the pending batch."""
        fields = {"policy_version": policy_version, "reason": reason, **self._fields}
        body = {**fields, "type": "checkpoint", "seq": chain.seq, "prev": chain.prev, "ts": ts}
        signature = self.key.sign(signed_bytes(CHECKPOINT_CONTEXT, body))
        chain.append("checkpoint", ts=ts, signature=signature, **fields)
        self._last = chain.seq - 1
        self._unsigned_since = None
        self._pending = {"seq": self._last, "hash": chain.prev, "ts": ts}
        self._at_once = self._at_once or reason in _HEAD_AT_ONCE

    def committed(self) -> None:
        """The batch is on disk: let the head name its checkpoint, if it had one."""
        self._committed = self._last
        if self._pending is not None:
            self.head.point_at(self._pending, now=self._at_once)
            self._pending, self._at_once = None, False

    def rolled_back(self) -> None:
        """The batch was refused: a checkpoint in it is gone."""
        self._last = self._committed
        self._pending, self._at_once = None, False
