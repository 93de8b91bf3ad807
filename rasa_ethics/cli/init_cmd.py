"""``rasa-ethics init [BOT_DIR]``: switch rasa-ethics on in an existing Rasa bot."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rasa_ethics.adoption import adopt


def register(subparsers: Any) -> None:
    """Add the ``init`` sub-command."""
    parser = subparsers.add_parser(
        "init",
        help="switch rasa-ethics on in a Rasa bot",
        description="Edit config.yml and endpoints.yml of a Rasa bot so it uses rasa-ethics, "
        "keeping comments. Running it again changes nothing.",
    )
    parser.add_argument("bot_dir", nargs="?", default=".", help="the bot folder (default: .)")
    parser.add_argument(
        "--policy",
        help="use this existing policy file (relative to BOT_DIR) instead of copying a starter one",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Apply the edits and print what changed."""
    changes = adopt(Path(args.bot_dir), policy=args.policy)
    if not changes:
        print(f"{args.bot_dir}: rasa-ethics is already set up; nothing changed.")
        return 0
    for change in changes:
        print(f"changed {change}")
    print(
        "Next: `rasa train`, then `rasa shell`. Edit the policy file to change texts and triggers."
    )
    return 0
