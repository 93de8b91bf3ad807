"""Keep personal data out of log records: ``rasa_ethics.logging.RedactingFilter``.

Use it through Rasa's ``--logging-config-file`` (``rasa_ethics/resources/logging.yml``), or let the
plugin install it: the NLU component and the tracker store do so when they load.
"""

from rasa_ethics.logging.redaction import (
    RedactingFilter,
    install,
    install_excepthook,
    installed,
    redact_message,
    redact_record,
)

__all__ = [
    "RedactingFilter",
    "install",
    "install_excepthook",
    "installed",
    "redact_message",
    "redact_record",
]
