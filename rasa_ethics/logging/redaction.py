"""Redact log records before any handler sees them.

Rasa 3.6 adds its own handlers after a ``--logging-config-file`` is applied: the coloured console
handler (``rasa.utils.io.configure_colored_logging``, which replaces a console handler the file
declared), the ``--log-file`` handler (``rasa.core.utils.configure_file_logging``) and sanic's
handlers.  A filter attached to handlers in the file would miss those.  So :func:`install` wraps
the process's log record factory (``logging.setLogRecordFactory``): every record is redacted when
it is created, whichever logger and handler it then goes to.  Rasa's structlog output goes through
stdlib logging (``structlog.stdlib.LoggerFactory`` in ``rasa/utils/log_utils.py``), so it is
covered too.  Creating :class:`RedactingFilter` installs the factory, which is how a logging
configuration file switches it on.

What is redacted in a record: the message (after ``%`` formatting), the traceback text and the
stack text.  How (:func:`redact_message`): values the engines recently found in this process are
replaced wherever they appear, also JSON-escaped or URL-encoded (Rasa logs a message after NLU has
run on it, so a name spaCy found in the message is hidden even in a JSON dump), then the policy's
pattern recognizers run on the rest.  spaCy is not run on log lines: it would cost milliseconds
per line at DEBUG.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
from types import TracebackType
from typing import Any, Callable, Optional, Type

from rasa_ethics.context import OWN_NAMES
from rasa_ethics.pii.runtime import KNOWN_VALUES, log_engine

__all__ = [
    "RedactingFilter",
    "install",
    "install_excepthook",
    "installed",
    "redact_message",
    "redact_record",
]

_MARK = "_rasa_ethics_redacted"
_FACTORY_MARK = "__rasa_ethics_redacting__"
# Set aside before the patterns run, put back afterwards:
# * Unix timestamps with a fraction (1795751449.2615): Rasa's DEBUG dumps of events are full of
#   them, each would cost the phone recognizer a phonenumbers lookup, and no one writes a phone
#   number with a decimal point;
# * Rasa's action names ("previous action name: action_listen" reads like an introduction), and
#   every name of the bot's domain and its brand (rasa_ethics.context.own_names): "previous action
#   name: amount-of-money" is a slot of RasaHQ's financial-demo, not a person.
_TIMESTAMP = re.compile(
    r"(?<![\d.+-])1[5-9]\d{8}\.\d{1,9}(?![\d.])|(?<!\w)(?:action|utter|validate)_\w+"
)
_SHIELD = "\x00{}\x00"
_SHIELDED = re.compile("\x00(\\d+)\x00")
_busy = threading.local()
_lock = threading.Lock()


def redact_message(text: str) -> str:
    """``text`` without the values recently detected in this process, nor pattern-detected PII."""
    text = KNOWN_VALUES.redact(text)
    engine = log_engine()
    if engine is None:
        return text
    stamps: list[str] = []

    def shield(match: re.Match[str]) -> str:
        stamps.append(match.group(0))
        return _SHIELD.format(len(stamps) - 1)

    shielded = _TIMESTAMP.sub(shield, text)
    own = OWN_NAMES.pattern()
    if own is not None:
        shielded = own.sub(shield, shielded)
    redacted = engine.redact(shielded).text
    return _SHIELDED.sub(lambda m: stamps[int(m.group(1))], redacted) if stamps else redacted


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Redact ``record`` in place (once), and return it."""
    if getattr(record, _MARK, False) or getattr(_busy, "active", False):
        return record
    _busy.active = True  # the engine may log; those records need no redaction
    try:
        _redact_fields(record)
    except Exception:  # never lose a log record, never log the value: drop the text instead
        record.msg, record.args = "<log message withheld: redaction failed>", None
        record.exc_info, record.exc_text = None, None
    finally:
        _busy.active = False
    setattr(record, _MARK, True)
    return record


def _redact_fields(record: logging.LogRecord) -> None:
    message = record.getMessage()
    redacted = redact_message(message)
    if redacted != message or record.args:
        record.msg, record.args = redacted, None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        # Formatters print exc_text when it is set; dropping exc_info keeps them from rendering
        # the original (unredacted) exception message again.
        record.exc_text, record.exc_info = redact_message(record.exc_text), None
    if record.stack_info:
        record.stack_info = redact_message(record.stack_info)


def install() -> None:
    """Redact every log record this process creates from now on (idempotent)."""
    with _lock:
        previous = logging.getLogRecordFactory()
        if getattr(previous, _FACTORY_MARK, False):
            return
        logging.setLogRecordFactory(_factory(previous))


def installed() -> bool:
    """True when the redacting record factory is in place."""
    return bool(getattr(logging.getLogRecordFactory(), _FACTORY_MARK, False))


def _factory(previous: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(previous(*args, **kwargs))

    setattr(make_record, _FACTORY_MARK, True)
    return make_record


def install_excepthook() -> None:
    """Print uncaught exceptions redacted (Python's own hook writes them to stderr as they are).

    Replaces whatever hook is installed, Sentry's included: call it only when error reporting
    is off (:func:`rasa_ethics.privacy.protect_process` does).
    """
    if getattr(sys.excepthook, _FACTORY_MARK, False):
        return

    def excepthook(
        kind: Type[BaseException], value: BaseException, tb: Optional[TracebackType]
    ) -> None:
        text = "".join(traceback.format_exception(kind, value, tb))
        try:
            text = redact_message(text)
        except Exception:  # never hide that the process crashed
            text = f"{kind.__name__}: <message withheld: redaction failed>\n"
        sys.stderr.write(text)

    setattr(excepthook, _FACTORY_MARK, True)
    sys.excepthook = excepthook


class RedactingFilter(logging.Filter):
    """A filter that redacts records; creating one also installs the redacting record factory.

    In a logging configuration file::

        filters:
          pii:
            (): rasa_ethics.logging.RedactingFilter
    """

    def __init__(self, name: str = "") -> None:
        """Install the record factory (see the module docstring for why)."""
        super().__init__(name)
        install()

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact ``record`` (if the factory has not already) and let it through."""
        redact_record(record)
        return True
