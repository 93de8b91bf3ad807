"""Secrets the plugin accepts from its operators: long enough, and not a placeholder.

A token copied from the docs (``change-me``) or a short one lets anyone who guesses it answer
customers as an agent, so the server refuses to start with one, and says how to make a good one.
"""

from __future__ import annotations

import re
from typing import Optional

from rasa.shared.exceptions import RasaException

__all__ = ["MIN_TOKEN_CHARS", "WeakTokenError", "check_token", "is_weak", "placeholder_in"]

MIN_TOKEN_CHARS = 16
_GENERATE = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'
# Compared without case, spaces or punctuation: "Change-Me!" is "changeme".
_PLACEHOLDER_WORDS = (
    "changeme",
    "changethis",
    "replaceme",
    "yourtoken",
    "yoursecret",
    "tokenhere",
    "secrethere",
    "placeholder",
    "example",
    "password",
    "passw0rd",
    "letmein",
    "default",
    "dummy",
    "notasecret",
    "insecure",
    "todo",
    "fixme",
)
_MIN_DISTINCT_CHARS = 6  # "aaaaaaaaaaaaaaaa" and "abababababababab" are not secrets


class WeakTokenError(RasaException):
    """A configured token is too short or a known placeholder."""


def is_weak(token: str, min_chars: int = MIN_TOKEN_CHARS) -> bool:
    """True for a token shorter than ``min_chars``, a placeholder, or one of a few characters."""
    value = token.strip()
    return (
        len(value) < min_chars
        or len(set(value)) < _MIN_DISTINCT_CHARS
        or placeholder_in(value) is not None
    )


def placeholder_in(value: str) -> Optional[str]:
    """The well-known placeholder word ``value`` contains ("Change-Me!" has "changeme"), if any."""
    folded = re.sub(r"[^a-z0-9]", "", value.lower())
    return next((word for word in _PLACEHOLDER_WORDS if word in folded), None)


def check_token(token: str, where: str) -> str:
    """``token`` if it is strong enough, else :class:`WeakTokenError` naming ``where`` it is set."""
    if is_weak(token):
        msg = (
            f"the token in {where} is too weak: use at least {MIN_TOKEN_CHARS} random "
            f"characters, not a placeholder. Make one with `{_GENERATE}`"
        )
        raise WeakTokenError(msg)
    return token.strip()
