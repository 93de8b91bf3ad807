"""The error of a bias run that cannot start: no such model, no examples."""

from __future__ import annotations

__all__ = ["BiasError"]


class BiasError(Exception):
    """A user-facing error of ``rasa-ethics bias``: printed without a traceback."""
