"""Ed25519 keys that sign the trail's checkpoints: where the writer gets one, how readers check it.

The writer's private key comes from, in this order:

* ``$RASA_ETHICS_AUDIT_SIGNING_KEY`` (the variable ``audit.signing_key_env`` names): a PEM text;
* ``audit.signing_key_file``: a PEM file with mode 0600, best kept outside the audit folder;
* else a key generated once into ``<trail>.key`` (mode 0600) beside the trail.  Anyone who can
  read that folder can then re-sign a changed trail, so every checkpoint says
  ``key_source: generated`` and ``verify`` warns about it.

Readers need only the public key: the writer puts it into ``<trail>.pub`` beside the trail and
into every checkpoint.  ``verify --public-key FILE`` pins a copy kept elsewhere.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from rasa_ethics.audit.records import canonical

__all__ = [
    "CHECKPOINT_CONTEXT",
    "ENV_SIGNING_KEY",
    "HEAD_CONTEXT",
    "PublicKey",
    "SigningKey",
    "SigningKeyError",
    "generate_key_file",
    "generated_key_path",
    "load_signing_key",
    "public_key_path",
    "read_public_key",
    "signed_bytes",
    "write_public_key",
]

logger = logging.getLogger(__name__)

ENV_SIGNING_KEY = "RASA_ETHICS_AUDIT_SIGNING_KEY"
#: Prefixes of the signed bytes, so a checkpoint signature can never pass as a head signature.
CHECKPOINT_CONTEXT = b"rasa-ethics audit checkpoint v1\n"
HEAD_CONTEXT = b"rasa-ethics audit head v1\n"
_UNSIGNED = frozenset({"hash", "signature"})
_RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw
_KEYGEN_HINT = "create one with `rasa-ethics audit keygen FILE`"


def signed_bytes(context: bytes, record: dict[str, Any]) -> bytes:
    """What a signature covers: ``context`` plus the canonical JSON without hash and signature."""
    body = {key: value for key, value in record.items() if key not in _UNSIGNED}
    return context + canonical(body).encode("ascii")


class SigningKeyError(ValueError):
    """A signing or public key cannot be used; the message says what to do."""


@dataclass(frozen=True)
class PublicKey:
    """An Ed25519 public key; ``key_id`` is the first 16 hex digits of its SHA-256."""

    raw: bytes

    @property
    def b64(self) -> str:
        """The raw 32 bytes in base64, as checkpoints and head files carry it."""
        return base64.b64encode(self.raw).decode("ascii")

    @property
    def key_id(self) -> str:
        """A short fingerprint to compare by eye."""
        return hashlib.sha256(self.raw).hexdigest()[:16]

    def verify(self, signature: object, data: bytes) -> bool:
        """True if ``signature`` (base64 text) is this key's signature of ``data``."""
        if not isinstance(signature, str):
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(base64.b64decode(signature), data)
        except (InvalidSignature, ValueError):
            return False
        return True

    def pem(self) -> bytes:
        """The key as a PEM SubjectPublicKeyInfo block."""
        key = Ed25519PublicKey.from_public_bytes(self.raw)
        return key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    @classmethod
    def from_b64(cls, text: object) -> PublicKey | None:
        """The key a checkpoint or head carries, or None if it is not 32 bytes of base64."""
        try:
            raw = base64.b64decode(str(text), validate=True)
        except ValueError:
            return None
        return cls(raw) if len(raw) == 32 else None


@dataclass(frozen=True)
class SigningKey:
    """The writer's private key and where it came from (``source``: env, file, generated, given).

    ``ref`` names the variable or the file, so the trail can say where its key came from.
    """

    private: Ed25519PrivateKey
    source: str
    ref: str | None = None

    @property
    def public(self) -> PublicKey:
        """The public half."""
        return PublicKey(self.private.public_key().public_bytes(*_RAW))

    def sign(self, data: bytes) -> str:
        """The signature of ``data`` in base64."""
        return base64.b64encode(self.private.sign(data)).decode("ascii")


def public_key_path(active: Path) -> Path:
    """``<active>.pub``: the trail's public key, beside it."""
    return active.with_name(active.name + ".pub")


def generated_key_path(active: Path) -> Path:
    """``<active>.key``: where a key is generated when none is configured."""
    return active.with_name(active.name + ".key")


def load_signing_key(
    active: Path, key_file: str | Path | None = None, key_env: str | None = ENV_SIGNING_KEY
) -> SigningKey:
    """The writer's key: from ``$key_env``, else ``key_file``, else generated beside ``active``."""
    value = os.environ.get(key_env, "").strip() if key_env else ""
    if value and key_file:
        msg = (
            f"audit: both ${key_env} and audit.signing_key_file ({key_file}) are set; set only "
            "one, so it is clear which key signs the trail"
        )
        raise SigningKeyError(msg)
    if value:
        return SigningKey(_private_from_pem(value.encode("ascii"), f"${key_env}"), "env", key_env)
    if key_file:
        path = Path(key_file)
        return SigningKey(_read_private(path), "file", str(path))
    path = generated_key_path(active)
    if not path.exists():
        private = _create_private(path)
        logger.warning(
            "rasa-ethics audit: no signing key configured; generated %s. Anyone who can read the "
            "audit folder can re-sign the trail: set audit.signing_key_file or $%s.",
            path,
            key_env or ENV_SIGNING_KEY,
        )
        return SigningKey(private, "generated", path.name)
    return SigningKey(_read_private(path), "generated", path.name)


def generate_key_file(path: Path) -> SigningKey:
    """Write a new private key to ``path`` (mode 0600, never overwriting) and ``path.pub``."""
    signing = SigningKey(_create_private(path), "file", str(path))
    write_public_key(path.with_name(path.name + ".pub"), signing.public)
    return signing


def _create_private(path: Path) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    data = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        msg = f"{path} exists already; a key file is never overwritten"
        raise SigningKeyError(msg) from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return key


def write_public_key(path: Path, public: PublicKey) -> None:
    """Write ``public`` as PEM to ``path`` (replacing it atomically)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(public.pem())
    os.replace(tmp, path)


def read_public_key(path: Path) -> PublicKey:
    """The Ed25519 public key in the PEM file ``path``."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        msg = f"cannot read the public key {path}: {exc.strerror}"
        raise SigningKeyError(msg) from None
    if b"PRIVATE KEY" in data:
        msg = f"{path} holds a private key; verify needs only the public key ({path}.pub)"
        raise SigningKeyError(msg)
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        key = None
    if not isinstance(key, Ed25519PublicKey):
        msg = f"{path} is not an Ed25519 public key in PEM form"
        raise SigningKeyError(msg)
    return PublicKey(key.public_bytes(*_RAW))


def _read_private(path: Path) -> Ed25519PrivateKey:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        data = path.read_bytes()
    except OSError as exc:
        msg = f"cannot read the audit signing key {path}: {exc.strerror}; {_KEYGEN_HINT}"
        raise SigningKeyError(msg) from None
    if mode & 0o077:
        msg = f"the audit signing key {path} is readable by others (mode {mode:o}): chmod 600 it"
        raise SigningKeyError(msg)
    return _private_from_pem(data, str(path))


def _private_from_pem(data: bytes, source: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        msg = f"{source} is not an unencrypted Ed25519 private key in PEM form; {_KEYGEN_HINT}"
        raise SigningKeyError(msg)
    return key
