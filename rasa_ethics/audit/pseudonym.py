"""Pseudonymous sender ids: HMAC-SHA256 of the sender id, keyed by a secret from the environment.

With the key set (``audit.pseudonym_key_env``, default ``RASA_ETHICS_AUDIT_KEY``), the same
customer gets the same pseudonym across restarts and replicas, and nobody without the key can
link a pseudonym back to a sender id.  Without it, a random key is drawn at start-up: pseudonyms
then only link records written by one process run, and the ``start`` record says
``pseudonym_scope: ephemeral``.  The raw sender id is never written.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets

__all__ = ["Pseudonymizer"]

logger = logging.getLogger(__name__)

_CACHE_SIZE = 4096


class Pseudonymizer:
    """Map sender ids to 32-hex-digit pseudonyms."""

    def __init__(self, key: bytes | None = None, key_env: str | None = None) -> None:
        secret = key if key is not None else _from_env(key_env)
        self.scope = "keyed" if secret else "ephemeral"
        if not secret:
            logger.warning(
                "rasa-ethics audit: $%s is not set; sender pseudonyms only link records of this "
                "process run. Set it to a long random secret to link them across restarts.",
                key_env,
            )
        self._key = secret or secrets.token_bytes(32)
        self._cache: dict[str, str] = {}

    def __call__(self, sender_id: object) -> str:
        """The pseudonym of ``sender_id``."""
        text = str(sender_id)
        cached = self._cache.get(text)
        if cached is None:
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            digest = hmac.new(self._key, text.encode("utf-8"), hashlib.sha256).hexdigest()
            cached = self._cache[text] = digest[:32]
        return cached


def _from_env(name: str | None) -> bytes:
    value = os.environ.get(name, "") if name else ""
    return value.encode("utf-8")
