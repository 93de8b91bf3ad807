"""The background writer: a bounded queue, one thread, batched appends, rotation, counted gaps.

:meth:`AuditWriter.write` only puts a tuple on a queue, so the bot never waits for the disk.  The
writer thread seals records into the hash chain (:mod:`rasa_ethics.audit.chain`), appends each
batch with one ``write``, and fsyncs as the policy says.  When the queue is full or the disk
refuses a write, ``on_overload`` decides: ``block`` waits, ``drop`` counts the lost records and
writes a ``gap`` record with the count as soon as it can, so nothing vanishes unseen.
"""

from __future__ import annotations

import atexit
import errno
import logging
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rasa_ethics.audit._mailbox import Mailbox
from rasa_ethics.audit.chain import Chain
from rasa_ethics.audit.files import TrailLock, ensure_private_dir
from rasa_ethics.audit.records import format_ts
from rasa_ethics.audit.rotation import Rotator, resume_trail

__all__ = ["AuditWriter", "flush_all"]

logger = logging.getLogger(__name__)

_MAX_BATCH = 4096
_RETRY_SECONDS = 0.5
_INTERNAL = frozenset({"rotate", "gap"})
Item = tuple[float, str, dict[str, Any]]
_LIVE: weakref.WeakSet[AuditWriter] = weakref.WeakSet()


class _Control:
    """A marker on the queue: flush (set ``done`` when written) or stop."""

    def __init__(self, stop: bool = False) -> None:
        self.stop = stop
        self.done = threading.Event()


class AuditWriter:
    """Append sealed records to a trail from a background thread.

    Args:
        path: the active file of the trail, e.g. ``audit/audit.jsonl``.
        fsync: ``"every"`` record, per ``"batch"``, or ``"never"``.
        rotate_max_bytes: start a new file past this size (0: never by size).
        rotate_daily: start a new file when the UTC date changes.
        queue_size: records buffered for the thread.
        on_overload: ``"drop"`` (count, then write a ``gap`` record) or ``"block"``.
        policy_version: version hash put on the writer's own records until a record brings another.
        start_fields: fields of the ``start`` record written first.
        clock: seconds since the epoch, for the ``ts`` of records (tests pass a fake clock).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        fsync: str = "batch",
        rotate_max_bytes: int = 0,
        rotate_daily: bool = False,
        queue_size: int = 10_000,
        on_overload: str = "drop",
        policy_version: str = "",
        start_fields: dict[str, Any] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.fsync = fsync
        self.block = on_overload == "block"
        self.policy_version = policy_version
        self.clock = clock
        ensure_private_dir(self.path.parent)
        self._lock = TrailLock(self.path)
        self._queue: Mailbox[Item | _Control] = Mailbox(queue_size)
        self._overflow = 0
        self._overflow_lock = threading.Lock()
        self._lost: dict[str, int] = {}
        self._in_flight: dict[str, int] = {}
        self._errno = ""
        self._retry_at = 0.0
        self._closed = False
        self._deadline = float("inf")
        self._resume(rotate_max_bytes, rotate_daily)
        self._queue.force((clock(), "start", dict(start_fields or {})))
        self._thread = threading.Thread(target=self._run, name="rasa-ethics-audit", daemon=True)
        self._thread.start()
        _LIVE.add(self)

    def _resume(self, rotate_max_bytes: int, rotate_daily: bool) -> None:
        """Continue the existing chain (releasing the lock if that fails)."""
        try:
            state = resume_trail(self.path)
        except Exception:
            self._lock.release()
            raise
        self.chain = Chain(state.seq, state.prev)
        self.rotator = Rotator(self.path, state, rotate_max_bytes, rotate_daily)
        for record_type, fields in state.notes:
            self._queue.force((self.clock(), record_type, fields))

    # --- the bot's side ---------------------------------------------------------------------

    def write(self, type_: str, fields: dict[str, Any], t: float | None = None) -> None:
        """Queue one record; never raises or waits in ``drop`` mode."""
        item = (self.clock() if t is None else t, type_, fields)
        if self._closed:
            if not self._overflow:
                logger.warning("rasa-ethics audit: %s is closed; events go unrecorded", self.path)
            self._count_overflow()
        elif self.block:
            self._put_blocking(item)
        elif not self._queue.offer(item):
            self._count_overflow()

    def _put_blocking(self, item: Item) -> None:
        while not self._queue.put(item, timeout=1.0):
            if not self._thread.is_alive():
                msg = f"the audit writer of {self.path} has stopped; cannot record events"
                raise RuntimeError(msg)

    def _count_overflow(self) -> None:
        with self._overflow_lock:
            self._overflow += 1

    @property
    def dropped(self) -> int:
        """Records lost so far that a ``gap`` record has not accounted for yet."""
        with self._overflow_lock:
            return self._overflow + sum(self._lost.values()) + sum(self._in_flight.values())

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued so far is written; False on timeout."""
        if self._closed or not self._thread.is_alive():
            return False
        marker = _Control()
        self._queue.force(marker)
        return marker.done.wait(timeout)

    def close(self, timeout: float = 10.0) -> None:
        """Write what is queued, a ``stop`` record, fsync, and release the trail (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._deadline = time.monotonic() + timeout
        marker = _Control(stop=True)
        self._queue.force(marker)
        if not marker.done.wait(timeout):
            logger.error("rasa-ethics audit: writer of %s did not stop in time", self.path)
        _LIVE.discard(self)

    # --- the writer thread ------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            batch = self._queue.take(_MAX_BATCH)
            try:
                if self._process(batch):
                    return
            except Exception:  # noqa: BLE001 - the thread must survive anything
                logger.exception("rasa-ethics audit: writer error")
                if self._release_waiters(batch):
                    return

    def _release_waiters(self, batch: list[Item | _Control]) -> bool:
        """After an unexpected error: wake flush/close callers; True if the writer must stop."""
        stop = False
        for item in batch:
            if isinstance(item, _Control):
                if item.stop:
                    stop = True
                    self.rotator.close()
                    self._lock.release()
                item.done.set()
        return stop

    def _process(self, batch: list[Item | _Control]) -> bool:
        for item in batch:
            if not isinstance(item, _Control):
                try:
                    self._record(*item)
                except Exception:  # noqa: BLE001 - count it, keep the trail going
                    logger.exception("rasa-ethics audit: cannot record a %s event", item[1])
                    self._lost["writer_error"] = self._lost.get("writer_error", 0) + 1
                continue
            self._commit()
            if item.stop:
                self._stop()
            item.done.set()
            if item.stop:
                return True
        self._commit()
        return False

    def _record(self, t: float, type_: str, fields: dict[str, Any]) -> None:
        if "policy_version" in fields:
            self.policy_version = fields["policy_version"]
        else:
            fields = {**fields, "policy_version": self.policy_version}
        if not self.block and time.monotonic() < self._retry_at:
            self._lose(1)  # the disk just failed: do not hammer it, count instead
            return
        ts = format_ts(t)
        try:
            self._prepare(ts)
        except OSError as exc:
            self._disk_failed(exc)
            if not (self.block and self._attempt(lambda: self._prepare(ts))):
                self._lose(1)
                return
        self.chain.append(type_, ts=ts, **fields)
        if self.fsync == "every":
            self._commit()

    def _prepare(self, ts: str) -> None:
        """Rotate if due, write the file header if missing, then any pending ``gap`` records."""
        reason = self.rotator.due(ts, self.chain)
        if reason:
            self._commit()
            self.rotator.rotate(reason)
        if self.rotator.header_needed:
            self.rotator.header(self.chain, ts, self.policy_version)
        self._append_gaps(ts)

    def _append_gaps(self, ts: str) -> None:
        if self._overflow:  # read without the lock: a stale 0 just waits for the next record
            with self._overflow_lock:
                self._lost["queue_full"] = self._lost.get("queue_full", 0) + self._overflow
                self._overflow = 0
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
                if not self.block or time.monotonic() > self._deadline:
                    return False
                time.sleep(_RETRY_SECONDS)

    def _commit(self) -> None:
        if not self.chain.sink.lines:
            return
        lines = len(self.chain.sink.lines)
        data = self.chain.sink.take()
        if self._attempt(lambda: self.rotator.append(data, lines, sync=self.fsync != "never")):
            self.chain.commit()
            self._in_flight = {}
            self._errno = self._errno if "disk_error" in self._lost else ""
            return
        lost = [type_ for type_ in self.chain.rollback() if type_ not in _INTERNAL]
        self.rotator.rolled_back()
        for reason, count in self._in_flight.items():
            self._lost[reason] = self._lost.get(reason, 0) + count
        self._in_flight = {}
        self._lose(len(lost))

    def _disk_failed(self, exc: OSError) -> None:
        name = errno.errorcode.get(exc.errno or 0, "EIO")
        if not self._errno:
            logger.error(
                "rasa-ethics audit: cannot write %s (%s); counting lost records", self.path, name
            )
        self._errno = name
        self._retry_at = time.monotonic() + _RETRY_SECONDS

    def _lose(self, count: int) -> None:
        if count:
            self._lost["disk_error"] = self._lost.get("disk_error", 0) + count

    def _stop(self) -> None:
        self._retry_at = 0.0
        self._record(self.clock(), "stop", {})
        self._commit()
        self.rotator.close()
        self._lock.release()
        lost = sum(self._lost.values()) + self._overflow
        if lost:
            logger.error(
                "rasa-ethics audit: %s records of %s were lost at shutdown", lost, self.path
            )


def flush_all(timeout: float = 10.0) -> None:
    """Flush every open writer in this process (tests call this before looking at records)."""
    for writer in list(_LIVE):
        writer.flush(timeout)


def _close_all() -> None:
    for writer in list(_LIVE):
        writer.close()


atexit.register(_close_all)
