"""The background writer: a bounded queue, one thread, batched appends, signed checkpoints.

:meth:`AuditWriter.write` only puts a tuple on a queue, so the bot never waits for the disk.  The
writer thread (:class:`rasa_ethics.audit._appender.Appender`) seals records into the hash chain,
signs checkpoints (:mod:`rasa_ethics.audit.checkpoints`), appends each batch with one ``write``,
and fsyncs as the policy says.  When the queue is full or the disk refuses a write,
``on_overload`` decides: ``block`` waits, ``drop`` counts the lost records and writes a ``gap``
record with the count as soon as it can, so nothing vanishes unseen.

A *durable* writer (:meth:`AuditWriter.make_durable`) appends each record in the caller's thread,
under the lock the writer thread also takes, before :meth:`~AuditWriter.write` returns: the
kernel has it even if the process is killed with ``kill -9`` a moment later.  The thread then
only fsyncs (once per burst, as ``fsync: batch`` says), signs checkpoints and handles shutdown.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rasa_ethics.audit._appender import Appender
from rasa_ethics.audit._mailbox import Mailbox
from rasa_ethics.audit.chain import Chain
from rasa_ethics.audit.checkpoints import Checkpointer
from rasa_ethics.audit.files import TrailLock, ensure_private_dir
from rasa_ethics.audit.head import resume_notes
from rasa_ethics.audit.rotation import Rotator, resume_trail
from rasa_ethics.audit.signing import ENV_SIGNING_KEY, SigningKey, load_signing_key

__all__ = ["AuditWriter", "flush_all"]

logger = logging.getLogger(__name__)

_MAX_BATCH = 4096
Item = tuple[float, str, dict[str, Any]]
_LIVE: weakref.WeakSet[AuditWriter] = weakref.WeakSet()
_TIMER: Any = object()  # in a batch: the queue was quiet, see whether a checkpoint is due
_FSYNC: Any = object()  # in a batch: durable writes reached the file, fsync it (policy allowing)


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
        signing_key: signs the checkpoints; by default the key is loaded from ``$signing_key_env``,
            else ``signing_key_file``, else generated beside the trail
            (:func:`rasa_ethics.audit.signing.load_signing_key`).
        checkpoint_every: sign a checkpoint at least every this many records.
        checkpoint_seconds: and at most this many seconds after a record was written.
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
        signing_key: SigningKey | None = None,
        signing_key_file: str | Path | None = None,
        signing_key_env: str | None = ENV_SIGNING_KEY,
        checkpoint_every: int = 1000,
        checkpoint_seconds: float = 10.0,
    ) -> None:
        self.path = Path(path)
        self.block = on_overload == "block"
        self.clock = clock
        ensure_private_dir(self.path.parent)
        self._lock = TrailLock(self.path)
        self._queue: Mailbox[Item | _Control] = Mailbox(queue_size)
        self._overflow = 0
        self._overflow_lock = threading.Lock()
        self._closed = False
        self.durable = False
        self._disk = threading.Lock()  # the appender is used by one thread at a time
        try:
            # under the trail's lock, so two processes never both generate a key for it
            key = signing_key or load_signing_key(self.path, signing_key_file, signing_key_env)
            checkpointer = Checkpointer(
                self.path, key, checkpoint_every, checkpoint_seconds, sync=fsync != "never"
            )
            self._resume(checkpointer, rotate_max_bytes, rotate_daily)
        except Exception:
            self._lock.release()
            raise
        self.appender = Appender(
            self.chain,
            self.rotator,
            checkpointer,
            fsync=fsync,
            block=self.block,
            policy_version=policy_version,
            overflow=self._take_overflow,
        )
        self._queue.force((clock(), "start", dict(start_fields or {})))
        self._thread = threading.Thread(target=self._run, name="rasa-ethics-audit", daemon=True)
        self._thread.start()
        _LIVE.add(self)

    def _resume(self, checkpointer: Checkpointer, rotate_max_bytes: int, daily: bool) -> None:
        """Continue the existing chain; note what its signed head says is wrong with it."""
        state = resume_trail(self.path)
        notes = resume_notes(self.path, state.seq, state.prev, checkpointer.key)
        self.chain = Chain(state.seq, state.prev)
        checkpointer.resume(self.chain)
        self.rotator = Rotator(self.path, state, rotate_max_bytes, daily)
        for record_type, fields in state.notes + [("integrity", note) for note in notes]:
            self._queue.force((self.clock(), record_type, fields))

    # --- the bot's side ---------------------------------------------------------------------

    def make_durable(self, timeout: float = 10.0) -> None:
        """From now on, append each record before :meth:`write` returns (see the module doc).

        What is queued so far (the ``start`` record) is written first, so the order holds.
        """
        self.flush(timeout)
        self.durable = True

    def write(self, type_: str, fields: dict[str, Any], t: float | None = None) -> None:
        """Queue one record (durable: append it); never raises or waits in ``drop`` mode."""
        item = (self.clock() if t is None else t, type_, fields)
        if self._closed:
            if not self._overflow:
                logger.warning("rasa-ethics audit: %s is closed; events go unrecorded", self.path)
            self._count_overflow()
        elif self.durable:
            self._write_now(item)
        elif self.block:
            self._put_blocking(item)
        elif not self._queue.offer(item):
            self._count_overflow()

    def _write_now(self, item: Item) -> None:
        with self._disk:
            try:
                self.appender.record(*item)
            except Exception:  # noqa: BLE001 - count it; the turn goes on
                logger.exception("rasa-ethics audit: cannot record a %s event", item[1])
                self.appender.record_failed()
            self.appender.commit(sync=False)
        self._queue.offer(_FSYNC)  # a full mailbox only delays the fsync to the next burst

    def _put_blocking(self, item: Item) -> None:
        while not self._queue.put(item, timeout=1.0):
            if not self._thread.is_alive():
                msg = f"the audit writer of {self.path} has stopped; cannot record events"
                raise RuntimeError(msg)

    def _count_overflow(self) -> None:
        with self._overflow_lock:
            self._overflow += 1

    def _take_overflow(self) -> int:
        """The writer thread takes over the count of records the queue refused."""
        if not self._overflow:  # read without the lock: a stale 0 just waits for the next record
            return 0
        with self._overflow_lock:
            count, self._overflow = self._overflow, 0
        return count

    @property
    def dropped(self) -> int:
        """Records lost so far that a ``gap`` record has not accounted for yet."""
        with self._overflow_lock:
            return self._overflow + self.appender.unaccounted

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
        self.appender.deadline = time.monotonic() + timeout
        marker = _Control(stop=True)
        self._queue.force(marker)
        if not marker.done.wait(timeout):
            logger.error("rasa-ethics audit: writer of %s did not stop in time", self.path)
        _LIVE.discard(self)

    # --- the writer thread ------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            wait = self.appender.checkpoints.seconds_left(self.chain)
            batch = self._queue.take(_MAX_BATCH, wait)
            if not batch:  # quiet for a while: sign what is written so far
                batch = [_TIMER]
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
                    self.appender.rotator.close()
                    self._lock.release()
                item.done.set()
        return stop

    def _process(self, batch: list[Item | _Control]) -> bool:
        with self._disk:
            return self._process_locked(batch)

    def _process_locked(self, batch: list[Item | _Control]) -> bool:
        synced = False
        for item in batch:
            if item is _FSYNC:
                if not synced:
                    self.appender.sync()
                    synced = True
            elif item is _TIMER:
                self.appender.checkpoint_if_due(self.clock())
            elif not isinstance(item, _Control):
                try:
                    self.appender.record(*item)
                except Exception:  # noqa: BLE001 - count it, keep the trail going
                    logger.exception("rasa-ethics audit: cannot record a %s event", item[1])
                    self.appender.record_failed()
            else:
                self._control(item)
                if item.stop:
                    return True
        self.appender.commit()
        return False

    def _control(self, item: _Control) -> None:
        self.appender.commit()
        if item.stop:
            self._stop()
        item.done.set()

    def _stop(self) -> None:
        lost = self.appender.stop(self.clock())
        self._lock.release()
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
