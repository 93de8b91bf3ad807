"""Agents' passwords: scrypt hashes in a self-describing string, checked in constant time.

A stored hash reads ``scrypt$n=16384,r=8,p=1$<salt>$<key>`` (salt and key in URL-safe base64
without padding), so the cost can be raised later: old hashes keep verifying with the parameters
they name.  Parameters read back from the database are bounded, so a tampered row cannot make a
sign-in allocate gigabytes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache
from typing import Dict, Optional

from rasa_ethics.handoff.tokens import is_weak, placeholder_in

__all__ = [
    "MIN_PASSWORD_CHARS",
    "hash_password",
    "password_problem",
    "verify_password",
    "verify_unknown",
]

MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 1024
SCHEME = "scrypt"
N, R, P = 2**14, 8, 1  # 16 MiB and about 50 ms per hash: OWASP's scrypt minimum is n=2**13
SALT_BYTES, KEY_BYTES = 16, 32
_MAX_N, _MAX_R, _MAX_P = 2**20, 16, 4


def hash_password(password: str) -> str:
    """A new salted scrypt hash of ``password``, with its parameters."""
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(password, salt, N, R, P)
    return f"{SCHEME}$n={N},r={R},p={P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored``; False for a malformed or unknown hash."""
    parsed = _parse(stored)
    if parsed is None:
        _scrypt(password, b"\0" * SALT_BYTES, N, R, P)  # the same work as a real check
        return False
    n, r, p, salt, key = parsed
    return hmac.compare_digest(_scrypt(password, salt, n, r, p, len(key)), key)


def verify_unknown(password: str) -> None:
    """Spend the time of a real check, for an agent id that does not exist."""
    verify_password(password, _dummy_hash())


def password_problem(password: str) -> Optional[str]:
    """Why ``password`` may not be used, or None if it may."""
    if len(password) < MIN_PASSWORD_CHARS:
        return f"the password is shorter than {MIN_PASSWORD_CHARS} characters"
    if len(password) > MAX_PASSWORD_CHARS:
        return f"the password is longer than {MAX_PASSWORD_CHARS} characters"
    word = placeholder_in(password)
    if word is not None:
        return f"the password contains the well-known placeholder {word!r}"
    if is_weak(password, min_chars=MIN_PASSWORD_CHARS):
        return "the password uses too few different characters"
    return None


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int = KEY_BYTES) -> bytes:
    data = password.encode("utf-8", "surrogatepass")
    return hashlib.scrypt(data, salt=salt, n=n, r=r, p=p, maxmem=256 * n * r + 2**20, dklen=length)


def _parse(stored: str) -> Optional[tuple]:
    """(n, r, p, salt, key) of a well-formed scrypt hash within bounds, else None."""
    parts = stored.split("$") if isinstance(stored, str) else []
    if len(parts) != 4 or parts[0] != SCHEME:
        return None
    try:
        params: Dict[str, int] = {
            k: int(v) for k, v in (item.split("=", 1) for item in parts[1].split(","))
        }
        n, r, p = params["n"], params["r"], params["p"]
        salt, key = _unb64(parts[2]), _unb64(parts[3])
    except (KeyError, ValueError):
        return None
    if not (1 < n <= _MAX_N and n & (n - 1) == 0 and 0 < r <= _MAX_R and 0 < p <= _MAX_P):
        return None
    if not salt or not 16 <= len(key) <= 64:
        return None
    return n, r, p, salt, key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
