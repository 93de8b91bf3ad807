"""Errors of the PII engine."""

from __future__ import annotations

from rasa.shared.exceptions import RasaException

__all__ = ["DOCS_URL", "PIIConfigError"]

DOCS_URL = "https://github.com/rasa-ethics/rasa-ethics/blob/main/docs/pii.md"


class PIIConfigError(RasaException):
    """The ``pii:`` section cannot be applied (e.g. a hash key is missing); raised at start-up."""

    def __str__(self) -> str:
        return f"{super().__str__()}\n(see {DOCS_URL})"
