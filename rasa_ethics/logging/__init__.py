"""Keep personal data out of log records: ``rasa_ethics.logging.RedactingFilter``.

Use it through Rasa's ``--logging-config-file`` (``rasa_ethics/resources/logging.yml``), or let the
plugin install it: the NLU component and the tracker store do so when they load.
``rasa-ethics logging-config`` prints where the installed package keeps that file
(:data:`CONFIG_FILE`).
"""

from pathlib import Path

from rasa_ethics.logging.redaction import (
    RedactingFilter,
    install,
    install_excepthook,
    installed,
    redact_message,
    redact_record,
)

#: The logging configuration for ``rasa run --logging-config-file``, inside the installed package.
CONFIG_FILE = Path(__file__).resolve().parents[1] / "resources" / "logging.yml"

__all__ = [
    "CONFIG_FILE",
    "RedactingFilter",
    "install",
    "install_excepthook",
    "installed",
    "redact_message",
    "redact_record",
]
