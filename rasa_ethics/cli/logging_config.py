"""``rasa-ethics logging-config [--write DIR]``: the logging config that keeps PII out of logs.

``rasa run --logging-config-file PATH`` needs a path that exists wherever the package is
installed; this prints it, or copies the file into a folder (the bot's, say) to go with it.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
from pathlib import Path
from typing import Any

from rasa_ethics.cli.errors import CLIError

__all__ = ["register", "run"]

FILE_NAME = "logging.yml"


def register(subparsers: Any) -> None:
    """Add the ``logging-config`` sub-command."""
    parser = subparsers.add_parser(
        "logging-config",
        help="print the path of the logging config for `rasa run --logging-config-file`",
        description="Print the path of rasa-ethics' logging configuration (it keeps personal "
        "data out of Rasa's own logs), or copy it into a folder with --write.",
    )
    parser.add_argument(
        "--write",
        metavar="DIR",
        help=f"copy the file into DIR as {FILE_NAME} and print that path instead",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the packaged file's path, or copy it into ``--write DIR`` and print the copy's."""
    from rasa_ethics.logging import CONFIG_FILE

    if not args.write:
        print(CONFIG_FILE)
        return 0
    folder = Path(args.write)
    if not folder.is_dir():
        msg = f"'{folder}' is not a folder"
        raise CLIError(msg)
    target = folder / FILE_NAME
    if target.exists() and not filecmp.cmp(target, CONFIG_FILE, shallow=False):
        msg = f"{target} exists and differs from rasa-ethics' file; move it away first"
        raise CLIError(msg)
    if not target.exists():
        shutil.copyfile(CONFIG_FILE, target)
    print(target.resolve())
    return 0
