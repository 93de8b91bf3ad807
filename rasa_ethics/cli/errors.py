"""The error every sub-command raises for a user mistake."""

from __future__ import annotations

__all__ = ["CLIError"]


class CLIError(Exception):
    """A user-facing error: printed without a traceback.

    Not a subclass of Rasa's ``RasaException``, so that commands which never need Rasa
    (``validate``, ``audit verify``) start without importing it; ``main`` prints both kinds the
    same way.
    """
