"""The signature side of ``verify``: checkpoint signatures, integrity notes, the signed head.

:class:`Signatures` is fed every ``checkpoint`` and ``integrity`` record in chain order and
says what is wrong with it; :meth:`Signatures.finish` then holds the end of the trail against
the signed head file, which catches a cut tail, a deleted active file and a trail rewritten
after its newest checkpoint.  Only public keys are used: the one pinned with ``--public-key``,
else ``<trail>.pub`` beside the trail.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rasa_ethics.audit.head import INTEGRITY_MESSAGES, Head, HeadError, head_path, read_head
from rasa_ethics.audit.problems import Problem
from rasa_ethics.audit.signing import (
    CHECKPOINT_CONTEXT,
    PublicKey,
    SigningKeyError,
    public_key_path,
    read_public_key,
    signed_bytes,
)

__all__ = ["Signatures", "SigningReport"]


@dataclass
class SigningReport:
    """What the signatures of a trail say (part of :class:`rasa_ethics.audit.VerifyResult`)."""

    public_key: Path | None = None
    pinned: bool = False
    key_id: str | None = None
    key_sources: list[str] = field(default_factory=list)
    checkpoints: int = 0
    last_checkpoint_seq: int | None = None
    unsigned_tail: int = 0
    head_checked: bool = False
    warnings: list[str] = field(default_factory=list)


class Signatures:
    """Checks the signed records of one trail whose active file is ``active``.

    ``pinned``: a public key file given by the reader; else ``<active>.pub`` is used.
    ``fragment``: a rotated file checked on its own, so the head (newer) is not compared.
    """

    def __init__(self, active: Path, pinned: Path | None, fragment: bool) -> None:
        self.active = active
        self.fragment = fragment
        key_file = pinned or public_key_path(active)
        self.report = SigningReport(key_file, pinned=pinned is not None)
        self.key_error: str | None = None
        self.public: PublicKey | None = None
        try:
            self.public = read_public_key(key_file)
        except SigningKeyError as exc:
            self.key_error = str(exc)
        self._hashes: dict[int, str] = {}  # seq -> hash of every valid checkpoint
        # read before the trail: a running writer rewrites the head only once its checkpoint is
        # on disk, so this head never names a record that the files read afterwards lack
        self._head: Head | HeadError | None = None
        try:
            self._head = read_head(head_path(active))
        except HeadError as exc:
            self._head = exc

    def check(self, record: dict[str, Any], digest: str) -> str | None:
        """What is wrong with this checkpoint or integrity record, or None."""
        if record["type"] == "integrity":
            problem = str(record.get("problem"))
            text = INTEGRITY_MESSAGES.get(problem, f"an integrity problem {problem!r} was noted")
            return text.format_map(defaultdict(lambda: "?", record))
        return self._checkpoint(record, digest)

    def _checkpoint(self, record: dict[str, Any], digest: str) -> str | None:
        carried = PublicKey.from_b64(record.get("public_key"))
        if carried is None:
            return "the checkpoint carries no valid public key"
        if self.public is None and self.key_error is not None:
            self.public = carried  # still check the chain; finish() reports the missing key
        trusted = self.public or carried
        if carried != trusted:
            return (
                f"the checkpoint is signed with key {carried.key_id}, not the trail's key "
                f"{trusted.key_id} ({self.report.public_key}): the trail was forged or re-signed"
            )
        if not trusted.verify(record.get("signature"), signed_bytes(CHECKPOINT_CONTEXT, record)):
            since = self.report.last_checkpoint_seq
            where = f"after the checkpoint at seq {since}" if since is not None else "before it"
            return (
                f"the checkpoint's signature is invalid: a record {where} was changed and the "
                "chain recomputed, or the checkpoint was forged"
            )
        self._signed(record, digest, trusted)
        return None

    def _signed(self, record: dict[str, Any], digest: str, key: PublicKey) -> None:
        report = self.report
        report.checkpoints += 1
        report.last_checkpoint_seq = record["seq"]
        report.key_id = key.key_id
        source = str(record.get("key_source"))
        if source not in report.key_sources:
            report.key_sources.append(source)
        self._hashes[record["seq"]] = digest

    def finish(self, files: list[Path], next_seq: int | None, lines: int) -> Problem | None:
        """Compare the end of the trail (``next_seq``; ``lines`` in its last file) with the head."""
        report = self.report
        last = files[-1] if files else self.active
        if self.key_error is not None:
            return Problem(report.public_key or last, 0, None, self._key_problem())
        end = -1 if next_seq is None else next_seq - 1
        if not self.fragment and (report.checkpoints or self._head is not None):
            report.head_checked = True
            problem = self._check_head(files, end, lines)
            if problem is not None:
                return problem
        if report.last_checkpoint_seq is None:
            message = (
                "no signed checkpoint: the trail is unsigned (written before rasa-ethics signed "
                "trails, or its checkpoints and head were removed)"
            )
            return Problem(last, 0, None, message)
        report.unsigned_tail = end - report.last_checkpoint_seq
        self._warn()
        return None

    def _key_problem(self) -> str:
        if self.report.pinned:
            return str(self.key_error)
        return (
            f"{self.key_error}: the trail's public key is missing, so its signatures cannot be "
            "checked; pass --public-key FILE with a copy kept elsewhere"
        )

    def _check_head(self, files: list[Path], end: int, lines: int) -> Problem | None:
        path, head = head_path(self.active), self._head
        if isinstance(head, HeadError):
            return Problem(path, 0, None, str(head))
        if head is None:
            message = (
                "the head file is missing: it names the newest signed checkpoint, and was "
                "deleted, perhaps together with records at the end of the trail"
            )
            return Problem(path, 0, None, message)
        assert self.public is not None
        if not head.signed_by(self.public):
            return Problem(path, 0, head.seq, "the head file is not signed by the trail's key")
        if head.seq > end:
            return self._cut(files, end, lines, head.seq)
        if self._hashes.get(head.seq) != head.hash:
            message = (
                f"the record at seq {head.seq} is not the checkpoint the signed head names: the "
                "trail was rewritten"
            )
            return Problem(path, 0, head.seq, message)
        return None

    def _cut(self, files: list[Path], end: int, lines: int, head_seq: int) -> Problem:
        if self.active not in files:
            rest = f"the remaining files end at seq {end}" if files else "no file is left"
            message = (
                f"the active file is missing: the signed head names a checkpoint at seq "
                f"{head_seq}, but {rest}"
            )
            return Problem(self.active, 0, end + 1, message)
        message = (
            f"records from seq {end + 1} on are missing: the signed head names a checkpoint at "
            f"seq {head_seq}, but the trail ends at seq {end} (its tail was cut off)"
        )
        return Problem(files[-1], lines + 1, end + 1, message)

    def _warn(self) -> None:
        report = self.report
        if "generated" in report.key_sources:
            report.warnings.append(
                "the checkpoints are signed with a key generated beside the trail "
                "(key_source: generated): anyone who can read that folder can re-sign a changed "
                "trail. Configure audit.signing_key_file or $RASA_ETHICS_AUDIT_SIGNING_KEY."
            )
        if not report.pinned:
            report.warnings.append(
                f"the public key was not pinned: it was read from {report.public_key}, beside the "
                "trail; someone who replaced the whole trail could have replaced it too. Pass "
                "--public-key FILE with a copy kept elsewhere."
            )
