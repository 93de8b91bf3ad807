"""Signed checkpoints in the chain, and the signed head file beside the trail.

A ``checkpoint`` record is an ordinary chained record that also carries the writer's public key,
where the key came from, and an Ed25519 ``signature`` over its canonical JSON without ``hash``
and ``signature``.  Its ``prev`` is the hash of the record before, so the signature vouches for
every record up to it: re-chaining an edited trail breaks the next checkpoint's signature.

The head file (``<trail>.head``) is rewritten after every checkpoint reaches the disk.  It is
signed too and names the newest checkpoint (``seq``, ``hash``), so ``verify`` sees a trail that
ends before it: a cut tail or a deleted active file.  A writer that starts on a trail checks the
head first and records what it finds wrong (an ``integrity`` record), because its own new
checkpoints would otherwise vouch for a trail that was cut while the bot was stopped.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rasa_ethics.audit.chain import Chain
from rasa_ethics.audit.files import HEAD_SUFFIX
from rasa_ethics.audit.records import canonical
from rasa_ethics.audit.signing import (
    PublicKey,
    SigningKey,
    SigningKeyError,
    public_key_path,
    read_public_key,
    write_public_key,
)

__all__ = [
    "CHECKPOINT_CONTEXT",
    "HEAD_CONTEXT",
    "INTEGRITY_MESSAGES",
    "Checkpointer",
    "Head",
    "HeadError",
    "head_path",
    "read_head",
    "resume_notes",
    "signed_bytes",
]

logger = logging.getLogger(__name__)

#: Prefixes of the signed bytes, so a checkpoint signature can never pass as a head signature.
CHECKPOINT_CONTEXT = b"rasa-ethics audit checkpoint v1\n"
HEAD_CONTEXT = b"rasa-ethics audit head v1\n"
HEAD_FORMAT = "rasa-ethics-audit-head/1"
_UNSIGNED = frozenset({"hash", "signature"})

#: What ``verify`` says about each ``problem`` of an ``integrity`` record.
INTEGRITY_MESSAGES = {
    "cut": "the writer found the trail cut when it started: the trail ended at seq {trail_seq}, "
    "but its signed head named a checkpoint at seq {head_seq}: records or files were removed",
    "rewritten": "the writer found the trail rewritten when it started: its last record is not "
    "the checkpoint (seq {head_seq}) its signed head named",
    "head_missing": "the writer found the head file missing when it started (the trail went to "
    "seq {trail_seq}): it was deleted, perhaps together with records",
    "trail_missing": "the writer found only the trail's public key when it started: the trail "
    "files and their head were deleted",
    "bad_head": "the writer found a head file that is not signed by the trail's key",
}


def signed_bytes(context: bytes, record: dict[str, Any]) -> bytes:
    """What a signature covers: ``context`` plus the canonical JSON without hash and signature."""
    body = {key: value for key, value in record.items() if key not in _UNSIGNED}
    return context + canonical(body).encode("ascii")


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
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    try:
        os.write(fd, canonical(fields).encode("ascii") + b"\n")
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


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
    """Seals signed checkpoints into the chain when due and writes the head once they are on disk.

    Due: ``every`` records after the last checkpoint, or ``seconds`` after the first record that
    is not signed yet; the writer also asks for one at rotation, start and shutdown.
    """

    def __init__(
        self, active: Path, key: SigningKey, every: int, seconds: float, sync: bool
    ) -> None:
        self.path = head_path(active)
        self.trail = active.name
        self.key = key
        self.every = every
        self.seconds = seconds
        self.sync = sync
        self._fields = key_fields(key)
        self._last = self._committed = -1
        self._pending: dict[str, Any] | None = None
        self._unsigned_since: float | None = None
        self._head_failed = False

    def resume(self, chain: Chain) -> None:
        """Records already in the trail count as signed (their writer signed or noted them)."""
        self._last = self._committed = chain.seq - 1

    def unsigned(self, chain: Chain) -> int:
        """Records sealed since the last checkpoint."""
        return chain.seq - 1 - self._last

    def due(self, chain: Chain) -> str | None:
        """Why a checkpoint must be sealed now (``records``, ``time``), or None."""
        unsigned = self.unsigned(chain)
        if unsigned >= self.every:
            return "records"
        left = self.seconds_left(chain)
        return "time" if left is not None and left <= 0 else None

    def seconds_left(self, chain: Chain) -> float | None:
        """Seconds until a time checkpoint is due; None while every record is signed."""
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

    def committed(self) -> None:
        """The batch is on disk: point the head at its checkpoint, if it had one."""
        self._committed = self._last
        if self._pending is None:
            return
        fields = {"format": HEAD_FORMAT, "trail": self.trail}
        fields.update(self._pending, **self._fields)
        fields["signature"] = self.key.sign(signed_bytes(HEAD_CONTEXT, fields))
        self._pending = None
        try:
            _write_head(self.path, fields, self.sync)
        except OSError as exc:
            # the old head still names an earlier checkpoint, which stays valid
            if not self._head_failed:
                logger.error("rasa-ethics audit: cannot write %s: %s", self.path, exc.strerror)
            self._head_failed = True
            return
        self._head_failed = False

    def rolled_back(self) -> None:
        """The batch was refused: a checkpoint in it is gone."""
        self._last = self._committed
        self._pending = None


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
    if last is None or head.seq > last:
        return [{"problem": "cut", "head_seq": head.seq, "trail_seq": last}]
    if head.seq == last and head.hash != prev:
        return [{"problem": "rewritten", "head_seq": head.seq, "trail_seq": last}]
    return []
