"""The signed head file beside a trail, and what a starting writer makes of it.

The head file (``<trail>.head``) names the newest checkpoint that is on disk (``seq``, ``hash``)
and is signed like the checkpoints, so ``verify`` sees a trail that ends before it: a cut tail or
a deleted active file.  It is replaced atomically (a new file, fsynced, renamed over the old one);
while checkpoints come fast it is rewritten at most once a second, at once after the checkpoints
of start, rotation, a quiet interval and shutdown.

A writer that starts on a trail checks the head first and records what it finds wrong (an
``integrity`` record), because its own new checkpoints would otherwise vouch for a trail that
was cut while the bot was stopped.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rasa_ethics.audit.files import HEAD_SUFFIX
from rasa_ethics.audit.records import canonical
from rasa_ethics.audit.signing import (
    HEAD_CONTEXT,
    PublicKey,
    SigningKey,
    SigningKeyError,
    public_key_path,
    read_public_key,
    signed_bytes,
    write_public_key,
)

__all__ = [
    "INTEGRITY_MESSAGES",
    "Head",
    "HeadError",
    "HeadWriter",
    "head_path",
    "read_head",
    "resume_notes",
]

logger = logging.getLogger(__name__)

HEAD_FORMAT = "rasa-ethics-audit-head/1"
#: Seconds between head rewrites while checkpoints come faster (each rewrite costs an fsync).
HEAD_EVERY = 1.0

#: What ``verify`` says about each ``problem`` of an ``integrity`` record.
INTEGRITY_MESSAGES = {
    "cut": "the writer found the trail cut when it started: the trail ended at seq {trail_seq}, "
    "but its signed head named a checkpoint at seq {head_seq}: records or files were removed",
    "rewritten": "the writer found the trail rewritten when it started: its last record is not "
    "the checkpoint (seq {head_seq}) its signed head named",
    "head_missing": "the writer found the head file missing when it started (the trail went to "
    "seq {trail_seq}): it was deleted, perhaps together with records",
    "files_missing": "the writer found no file of the trail when it started, but its signed head "
    "named a checkpoint at seq {head_seq}: the files were deleted",
    "trail_missing": "the writer found only the trail's public key when it started: the trail "
    "files and their head were deleted",
    "bad_head": "the writer found a head file that is not signed by the trail's key",
}


def head_path(active: Path) -> Path:
    """``<active>.head``: the signed pointer to the newest checkpoint."""
    return active.with_name(active.name + HEAD_SUFFIX)


class HeadError(ValueError):
    """The head file exists but is not a head."""


@dataclass(frozen=True)
class Head:
    """The newest checkpoint of a trail, as the head file names it."""

    seq: int
    hash: str
    fields: dict[str, Any]

    def signed_by(self, public: PublicKey) -> bool:
        """True if the head carries ``public`` and its signature is valid."""
        return self.fields.get("public_key") == public.b64 and public.verify(
            self.fields.get("signature"), signed_bytes(HEAD_CONTEXT, self.fields)
        )


def read_head(path: Path) -> Head | None:
    """The head file at ``path``; None if there is none; HeadError if it is damaged."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise HeadError(f"cannot read {path}: {exc.strerror}") from None
    try:
        fields = json.loads(data)
    except (ValueError, RecursionError):
        fields = None
    if not isinstance(fields, dict) or fields.get("format") != HEAD_FORMAT:
        raise HeadError(f"{path} is not a rasa-ethics audit head file")
    seq, digest = fields.get("seq"), fields.get("hash")
    if type(seq) is not int or not isinstance(digest, str):
        raise HeadError(f"{path} has no valid seq and hash")
    return Head(seq, digest, fields)


def _write_head(path: Path, fields: dict[str, Any], sync: bool) -> None:
    """Replace the head atomically: a reader or a crash sees the old head or the new one."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    try:
        try:
            os.write(fd, canonical(fields).encode("ascii") + b"\n")
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)  # e.g. ENOSPC: leave no half-written file behind
        raise


class HeadWriter:
    """Rewrites the head of one trail: signed, atomically, at most every :data:`HEAD_EVERY` s."""

    def __init__(self, active: Path, key: SigningKey, key_fields: dict[str, Any], sync: bool):
        self.path = head_path(active)
        self.trail = active.name
        self.key = key
        self.sync = sync
        self._fields = key_fields
        self._due: dict[str, Any] | None = None  # the newest checkpoint on disk, not in the head
        self._written = float("-inf")
        self._failed = False

    def point_at(self, checkpoint: dict[str, Any], now: bool) -> None:
        """Name ``checkpoint`` (on disk now); write at once if ``now`` or the interval is over."""
        self._due = checkpoint
        if now or self.seconds_left() == 0:
            self.write()

    def seconds_left(self) -> float | None:
        """Seconds until a pending head is written; None if the head is up to date."""
        if self._due is None:
            return None
        return max(0.0, self._written + HEAD_EVERY - time.monotonic())

    def write(self) -> None:
        """Write the pending head (if any); a disk error keeps the old head, which stays valid."""
        if self._due is None:
            return
        fields = {"format": HEAD_FORMAT, "trail": self.trail, **self._due, **self._fields}
        fields["signature"] = self.key.sign(signed_bytes(HEAD_CONTEXT, fields))
        self._written = time.monotonic()
        try:
            _write_head(self.path, fields, self.sync)
        except OSError as exc:
            if not self._failed:
                logger.error("rasa-ethics audit: cannot write %s: %s", self.path, exc.strerror)
            self._failed = True
            return
        self._due, self._failed = None, False


def resume_notes(active: Path, seq: int, prev: str, key: SigningKey) -> list[dict[str, Any]]:
    """Check the head of the trail that ends at ``seq - 1`` with ``prev``; integrity notes.

    Raises SigningKeyError when the trail was signed by another key than ``key``.  Writes
    the public key file when it is missing.
    """
    public, pub_file = key.public, public_key_path(active)
    trail_pub = read_public_key(pub_file) if pub_file.exists() else None
    try:
        head = read_head(head_path(active))
    except HeadError:
        return [{"problem": "bad_head"}]
    signer = trail_pub or (PublicKey.from_b64(head.fields.get("public_key")) if head else None)
    if signer is not None and signer != public:
        msg = (
            f"the audit trail {active} is signed with key {signer.key_id}, but the configured "
            f"signing key is {public.key_id}. Configure the key that signed it, or start a new "
            f"trail by moving {active.parent} aside."
        )
        raise SigningKeyError(msg)
    if trail_pub is None:
        write_public_key(pub_file, public)
    return _head_notes(head, seq, prev, public, trail_pub is not None)


def _head_notes(
    head: Head | None, seq: int, prev: str, public: PublicKey, had_pub: bool
) -> list[dict[str, Any]]:
    last = seq - 1 if seq else None
    if head is None:
        if last is not None:
            return [{"problem": "head_missing", "trail_seq": last}]
        return [{"problem": "trail_missing"}] if had_pub else []
    if not head.signed_by(public):
        return [{"problem": "bad_head"}]
    if last is None:
        return [{"problem": "files_missing", "head_seq": head.seq}]
    if head.seq > last:
        return [{"problem": "cut", "head_seq": head.seq, "trail_seq": last}]
    if head.seq == last and head.hash != prev:
        return [{"problem": "rewritten", "head_seq": head.seq, "trail_seq": last}]
    return []
