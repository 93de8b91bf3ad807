"""The disk side of the writer thread: seal records, sign checkpoints, append batches, count losses.

:class:`Appender` is driven by :class:`rasa_ethics.audit.writer.AuditWriter`'s thread only.  It
seals records into the chain, rotates files, seals a signed checkpoint when one is due (every N
records, after a quiet interval, at rotation, start and shutdown), and appends each batch with
one ``write``.  When the disk refuses, a refused batch is rolled back, lost records are counted
and a ``gap`` record reports them once writing works again.
"""

from __future__ import annotations

import errno
import logging
import time
from collections.abc import Callable
from typing import Any

from rasa_ethics.audit.chain import Chain
from rasa_ethics.audit.checkpoints import Checkpointer
from rasa_ethics.audit.records import format_ts
from rasa_ethics.audit.rotation import Rotator

__all__ = ["Appender"]

logger = logging.getLogger(__name__)

_RETRY_SECONDS = 0.5
#: The writer's own records: not counted as lost when a batch is refused.
_INTERNAL = frozenset({"rotate", "gap", "checkpoint"})
#: Records that are followed by a checkpoint at once, whatever the count.
_CHECKPOINT_AFTER = {"start": "start", "stop": "stop"}


class Appender:
    """Seal, sign and append records; ``overflow()`` hands over the bot side's drop count."""

    def __init__(
        self,
        chain: Chain,
        rotator: Rotator,
        checkpointer: Checkpointer,
        *,
        fsync: str,
        block: bool,
        policy_version: str,
        overflow: Callable[[], int],
    ) -> None:
        self.chain = chain
        self.rotator = rotator
        self.checkpoints = checkpointer
        self.fsync = fsync
        self.block = block
        self.policy_version = policy_version
        self.deadline = float("inf")  # set by close(): when block mode gives up on the disk
        self._overflow = overflow
        self._lost: dict[str, int] = {}
        self._in_flight: dict[str, int] = {}
        self._errno = ""
        self._retry_at = 0.0

    @property
    def unaccounted(self) -> int:
        """Lost records that no ``gap`` record on disk counts yet."""
        return sum(self._lost.values()) + sum(self._in_flight.values())

    def record(self, t: float, type_: str, fields: dict[str, Any]) -> None:
        """Seal one record into the pending batch (or count it lost if the disk refuses)."""
        if "policy_version" in fields:
            self.policy_version = fields["policy_version"]
        else:
            fields = {**fields, "policy_version": self.policy_version}
        if not self.block and time.monotonic() < self._retry_at:
            self._lose(1)  # the disk just failed: do not hammer it, count instead
            return
        ts = format_ts(t)
        if not self._ready(ts):
            self._lose(1)
            return
        self.chain.append(type_, ts=ts, **fields)
        reason = _CHECKPOINT_AFTER.get(type_) or self.checkpoints.due(self.chain)
        if reason:
            self._checkpoint(ts, reason)
        if self.fsync == "every":
            self.commit()

    def record_failed(self) -> None:
        """A record could not be sealed (e.g. not serialisable): count it."""
        self._lost["writer_error"] = self._lost.get("writer_error", 0) + 1

    def checkpoint_if_due(self, t: float) -> None:
        """Write a pending head, seal a checkpoint if one is due (when the writer was idle)."""
        if self.checkpoints.head.seconds_left() == 0:
            self.checkpoints.head.write()
        if not self.checkpoints.due(self.chain):
            return
        self.checkpoints.postpone()  # should this attempt fail, the next waits a whole interval
        if time.monotonic() >= self._retry_at:
            ts = format_ts(t)
            if self._ready(ts):
                self._checkpoint(ts, "time")

    def _ready(self, ts: str) -> bool:
        """Prepare the file for a record stamped ``ts``; False if the disk refused."""
        try:
            self._prepare(ts)
        except OSError as exc:
            self._disk_failed(exc)
            return self.block and self._attempt(lambda: self._prepare(ts))
        return True

    def _prepare(self, ts: str) -> None:
        """Rotate if due, write the file header if missing, then any pending ``gap`` records."""
        reason = self.rotator.due(ts, self.chain)
        if reason:
            self._checkpoint(ts, "rotate")  # the file that is closed ends signed
            self.commit()
            self.rotator.rotate(reason)
        if self.rotator.header_needed:
            self.rotator.header(self.chain, ts, self.policy_version)
        self._append_gaps(ts)

    def _checkpoint(self, ts: str, reason: str) -> None:
        if self.checkpoints.unsigned(self.chain):
            self.checkpoints.seal(self.chain, ts, self.policy_version, reason)

    def _append_gaps(self, ts: str) -> None:
        dropped = self._overflow()
        if dropped:
            self._lost["queue_full"] = self._lost.get("queue_full", 0) + dropped
        if not self._lost or self._in_flight:
            return
        for reason, count in sorted(self._lost.items()):
            detail = {"errno": self._errno} if reason == "disk_error" else {}
            self.chain.append(
                "gap",
                ts=ts,
                policy_version=self.policy_version,
                dropped=count,
                reason=reason,
                **detail,
            )
        self._in_flight, self._lost = self._lost, {}

    def _attempt(self, action: Callable[[], None]) -> bool:
        """Run a disk action; in block mode retry until it works or ``close`` gives up."""
        while True:
            try:
                action()
                return True
            except OSError as exc:
                self._disk_failed(exc)
                if not self.block or time.monotonic() > self.deadline:
                    return False
                time.sleep(_RETRY_SECONDS)

    def commit(self, sync: bool = True) -> None:
        """Append the pending batch; on failure roll it back and count what it lost.

        ``sync=False``: leave the fsync to a later :meth:`sync` (durable writes, see the writer).
        """
        if not self.chain.sink.lines:
            return
        lines = len(self.chain.sink.lines)
        data = self.chain.sink.take()
        sync = sync and self.fsync != "never"
        if self._attempt(lambda: self.rotator.append(data, lines, sync=sync)):
            self.chain.commit()
            self.checkpoints.committed()
            self._in_flight = {}
            self._errno = self._errno if "disk_error" in self._lost else ""
            return
        lost = [type_ for type_ in self.chain.rollback() if type_ not in _INTERNAL]
        self.rotator.rolled_back()
        self.checkpoints.rolled_back()
        for reason, count in self._in_flight.items():
            self._lost[reason] = self._lost.get(reason, 0) + count
        self._in_flight = {}
        self._lose(len(lost))

    def sync(self) -> None:
        """fsync what durable writes appended, unless the policy says ``fsync: never``."""
        if self.fsync == "never" or self.rotator.file is None:
            return
        try:
            self.rotator.file.fsync()
        except OSError as exc:  # the records are in the kernel; say so once, keep going
            self._disk_failed(exc)

    def _disk_failed(self, exc: OSError) -> None:
        name = errno.errorcode.get(exc.errno or 0, "EIO")
        if not self._errno:
            logger.error(
                "rasa-ethics audit: cannot write %s (%s); counting lost records",
                self.rotator.active,
                name,
            )
        self._errno = name
        self._retry_at = time.monotonic() + _RETRY_SECONDS

    def _lose(self, count: int) -> None:
        if count:
            self._lost["disk_error"] = self._lost.get("disk_error", 0) + count

    def stop(self, t: float) -> int:
        """Write a ``stop`` record and its checkpoint, close the file; return records lost."""
        self._retry_at = 0.0
        self.record(t, "stop", {})
        self.commit()
        self.rotator.close()
        dropped = self._overflow()
        if dropped:
            self._lost["queue_full"] = self._lost.get("queue_full", 0) + dropped
        return sum(self._lost.values())
