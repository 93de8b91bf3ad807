"""The error every sub-command raises for a user mistake."""

from __future__ import annotations

from rasa.shared.exceptions import RasaException

__all__ = ["CLIError"]


class CLIError(RasaException):
    """A user-facing error: printed without a traceback."""
