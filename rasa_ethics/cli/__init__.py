"""The ``rasa-ethics`` command line.

Each sub-command lives in its own module with a ``register(subparsers)`` function that adds its
parser and sets ``handler``.  Errors are printed to stderr without a traceback, and exit non-zero.
"""

from __future__ import annotations

import os

# Before Rasa (and TensorFlow) are imported: no telemetry, no TensorFlow start-up chatter.
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import sys  # noqa: E402
from typing import List, Optional  # noqa: E402

from rasa_ethics.cli import (  # noqa: E402
    agents,
    audit,
    bias,
    check,
    handoff,
    init_cmd,
    logging_config,
    privacy,
    redact,
    validate,
)
from rasa_ethics.cli.errors import CLIError  # noqa: E402

__all__ = ["CLIError", "main"]

# Sub-command modules, in the order `--help` lists them.  Each keeps its heavy imports inside its
# handler, so `rasa-ethics --help` stays fast.
COMMANDS = [
    init_cmd,
    logging_config,
    validate,
    check,
    bias,
    handoff,
    agents,
    redact,
    audit,
    privacy,
]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    from rasa_ethics import __version__

    parser = argparse.ArgumentParser(
        prog="rasa-ethics",
        description="Ethics compliance for Rasa bots: disclosure, human handoff, PII, audit.",
    )
    parser.add_argument("--version", action="version", version=f"rasa-ethics {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point of the ``rasa-ethics`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if not isinstance(exc, (CLIError, OSError)) and not _is_rasa_error(exc):
            raise
        print(f"rasa-ethics {args.command}: error: {exc}", file=sys.stderr)
        return 1


def _is_rasa_error(exc: Exception) -> bool:
    """True for Rasa's own errors.  Rasa is imported only by the commands that need it (it takes
    about a second), so if it was never imported the error cannot be one of its own."""
    exceptions = sys.modules.get("rasa.shared.exceptions")
    return exceptions is not None and isinstance(exc, exceptions.RasaException)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
