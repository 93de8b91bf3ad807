"""What happens to a detected value: replace, mask, keyed hash or drop.

The keyed hash is HMAC-SHA256 over the type and a canonical form of the value (digits of a card
or phone number, lower-cased e-mail), so the same value always gives the same token, e.g.
``<EMAIL_3f9a1c2b>``, whatever its spacing.  Without the key nobody can test a guess against a
token.  The key comes from the environment variable named by ``pii.hash_key_env``; when a hash
operator is configured and the variable is unset the engine refuses to start (fail closed).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import unicodedata
from collections.abc import Callable

from rasa_ethics.pii.errors import PIIConfigError
from rasa_ethics.policy.schema import Operator

__all__ = [
    "HASH_CHARS",
    "OperatorFunc",
    "build_operator",
    "canonical",
    "placeholder",
    "read_hash_key",
]

HASH_CHARS = 8
OperatorFunc = Callable[[str, str], str]  # (entity type, original value) -> replacement
_NOT_ALNUM = re.compile(r"[^0-9a-z]")
_SPACES = re.compile(r"\s+")
_COMPACT_TYPES = frozenset(
    {"phone", "credit_card", "iban", "us_ssn", "uk_nino", "passport", "drivers_license"}
)


def placeholder(entity: str) -> str:
    """``<EMAIL>`` for ``email``."""
    return f"<{entity.upper()}>"


def canonical(entity: str, value: str) -> str:
    """The form that is hashed: spacing, case and Unicode width do not change a token."""
    folded = unicodedata.normalize("NFKC", value).casefold().strip()
    if entity in _COMPACT_TYPES:
        return _NOT_ALNUM.sub("", folded)
    return _SPACES.sub(" ", folded)


def build_operator(operator: Operator, hash_key: bytes | None = None) -> OperatorFunc:
    """The function applying ``operator``; ``hash`` needs ``hash_key``."""
    if operator is Operator.hash:
        if not hash_key:
            msg = "the 'hash' operator needs a key"
            raise PIIConfigError(msg)
        return _hasher(hash_key)
    return _SIMPLE[operator]


def read_hash_key(env_var: str) -> bytes:
    """The HMAC key from ``$env_var``; raise :class:`PIIConfigError` when it is unset or empty."""
    value = os.environ.get(env_var, "")
    if not value:
        msg = (
            f"a PII rule uses the 'hash' operator but the environment variable {env_var} is not "
            f"set; set it to a long random secret (e.g. `export {env_var}=$(openssl rand -hex 32)`)"
            f", or use another operator:\n  pii:\n    entities:\n      email: {{operator: replace}}"
        )
        raise PIIConfigError(msg)
    return value.encode("utf-8")


def _hasher(key: bytes) -> OperatorFunc:
    def apply(entity: str, value: str) -> str:
        """``<TYPE_xxxxxxxx>``: the first hex digits of the HMAC of the canonical value."""
        message = f"{entity}:{canonical(entity, value)}".encode()
        digest = hmac.new(key, message, hashlib.sha256).hexdigest()[:HASH_CHARS]
        return f"<{entity.upper()}_{digest}>"

    return apply


_SIMPLE: dict[Operator, OperatorFunc] = {
    Operator.replace: lambda entity, value: placeholder(entity),
    Operator.mask: lambda entity, value: "*" * len(value),
    Operator.drop: lambda entity, value: "",
}
