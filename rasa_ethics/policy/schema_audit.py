"""Policy schema: the audit section (where the trail goes and how it is kept)."""

# pydantic's mypy plugin does not run under the pinned mypy, so mypy cannot see Field() defaults.
# mypy: disable-error-code="call-arg"
from __future__ import annotations

from typing import Optional

from pydantic import Field, validator

from rasa_ethics.policy._section import Section

__all__ = ["AuditConfig"]


class AuditConfig(Section):
    """A tamper-evident, PII-free record of what the bot did."""

    enabled: bool = Field(True, description="Write the audit trail.")
    path: str = Field(
        "audit/audit.jsonl",
        description="Active audit file, relative to the bot folder; rotated files go next to it. "
        "Every Rasa replica needs its own file (endpoints.yml `path:` can use ${HOSTNAME}).",
    )
    pseudonym_key_env: str = Field(
        "RASA_ETHICS_AUDIT_KEY",
        description="Environment variable with the HMAC key that pseudonymises sender ids. If it "
        "is unset, a random key is drawn at start-up and pseudonyms only link the records of one "
        "process run (the start record says pseudonym_scope: ephemeral).",
    )
    signing_key_env: str = Field(
        "RASA_ETHICS_AUDIT_SIGNING_KEY",
        description="Environment variable with the Ed25519 private key (PEM) that signs the "
        "trail's checkpoints. `rasa-ethics audit keygen FILE` makes one.",
    )
    signing_key_file: Optional[str] = Field(
        None,
        description="PEM file (mode 0600, relative to the bot folder) with the Ed25519 private "
        "key that signs the trail's checkpoints, instead of the environment variable; keep it out "
        "of the audit folder. With neither, a key is generated beside the trail and every "
        "checkpoint says key_source: generated (anyone who can read that folder can re-sign the "
        "trail).",
    )
    checkpoint_every: int = Field(
        1000, ge=1, description="Sign a checkpoint at least every this many records."
    )
    checkpoint_seconds: float = Field(
        10.0,
        gt=0,
        description="Sign a checkpoint at most this many seconds after a record was written, so "
        "the last records of a quiet bot are signed too.",
    )
    fsync: str = Field(
        "batch",
        description="fsync after 'every' record, per write 'batch' (a turn's events form one "
        "batch), or 'never' (leave it to the OS).",
    )
    rotate_max_bytes: int = Field(
        50_000_000, ge=0, description="Start a new file past this size (0: never by size)."
    )
    rotate_daily: bool = Field(True, description="Start a new file every day (UTC).")
    queue_size: int = Field(10_000, ge=1, description="Records buffered for the background writer.")
    on_overload: str = Field(
        "drop",
        description="When the queue is full or the disk refuses a write: 'drop' (the bot never "
        "waits; a gap record counts what was lost) or 'block' (the bot waits; nothing is lost).",
    )
    durable: Optional[bool] = Field(
        None,
        description="Write each record to the file before the event broker returns, so a process "
        "killed outright (kill -9) loses no record Rasa acknowledged; fsync still follows "
        "`fsync`. Unset: on in a multi-replica set-up (a tracker store that is not SQLite, or a "
        "Redis lock store), off otherwise (records reach the file from a background thread within "
        "milliseconds).",
    )
    include_bot_text: bool = Field(
        False,
        description="Also record the text of bot messages, passed through the broker's redactor "
        "(`redactor:` in endpoints.yml). Without a redactor the text is left out.",
    )

    @validator("fsync")
    def _check_fsync(cls, value: str) -> str:
        if value not in {"every", "batch", "never"}:
            msg = "must be 'every', 'batch' or 'never'"
            raise ValueError(msg)
        return value

    @validator("on_overload")
    def _check_overload(cls, value: str) -> str:
        if value not in {"drop", "block"}:
            msg = "must be 'drop' or 'block'"
            raise ValueError(msg)
        return value
