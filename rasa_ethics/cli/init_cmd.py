"""``rasa-ethics init [BOT_DIR]``: switch rasa-ethics on in an existing Rasa bot."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, List

__all__ = ["register", "run"]

CONCERN_LABEL = {
    "bot_challenge": "a bot-challenge intent",
    "handoff": "a handoff intent",
    "complaint": "a complaint intent",
}


def register(subparsers: Any) -> None:
    """Add the ``init`` sub-command."""
    parser = subparsers.add_parser(
        "init",
        help="switch rasa-ethics on in a Rasa bot",
        description="Edit config.yml, endpoints.yml, credentials.yml and .gitignore of a Rasa bot "
        "so it uses rasa-ethics, in the files' own style. Proposes reusing the bot's own "
        "bot-challenge, handoff and complaint intents. Running it again changes nothing.",
    )
    parser.add_argument("bot_dir", nargs="?", default=".", help="the bot folder (default: .)")
    parser.add_argument(
        "--policy",
        help="use this existing policy file (relative to BOT_DIR) instead of copying a starter one",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse the bot's own intents that init finds, without asking (written into the "
        "policy; without this flag init asks when run in a terminal, else only prints them)",
    )
    parser.add_argument(
        "--keep-host-flows",
        action="store_true",
        help="for reused intents, keep the bot's own answer from its rules (its handoff flow, "
        "its answer to 'are you a bot?'); the plugin still pauses, queues and audits a handoff",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Survey the bot, apply the edits, and print what changed and what the server needs."""
    from rasa_ethics.adoption import adopt, next_steps, policy_path, survey
    from rasa_ethics.policy import load_policy

    bot = Path(args.bot_dir)
    found = survey(bot, args.policy)
    interactive = sys.stdin.isatty() and not args.reuse
    chosen = _choose(found, args.reuse, interactive, args.keep_host_flows)
    reused = found.listed + chosen
    keep = args.keep_host_flows or (interactive and _ask_keep(found, reused))
    kept = found.kept_flows(reused) if keep else []
    changes = adopt(bot, policy=args.policy, reuse=chosen, kept=kept)
    if changes:
        for change in changes:
            print(f"changed {change}")
    else:
        print(f"{args.bot_dir}: rasa-ethics is already set up; nothing changed.")
    for line in next_steps(bot.resolve(), load_policy(policy_path(bot.resolve(), args.policy))):
        print(line)
    return 0


def _choose(found: Any, reuse_all: bool, interactive: bool, keep: bool) -> List[Any]:
    """The proposals to apply: all with --reuse, those confirmed at a prompt, else none.

    Each proposal is one line saying why, then what reusing it changes in the host's own rules,
    stories and tests.
    """
    for listed in found.listed:
        print(f"  {listed.why}: reused already ({listed.policy_key})")
    if not found.proposals:
        return []
    if reuse_all:
        print("Reusing your bot's own intents (written into the policy):")
    elif not interactive:
        print("Your bot's own intents that rasa-ethics can reuse (run with --reuse to apply):")
    chosen = []
    for reuse in found.proposals:
        print(f"  {reuse.why}: reuse it as {CONCERN_LABEL[reuse.concern]} ({reuse.policy_key})")
        for line in found.consequences(reuse, keep, applied=reuse_all):
            print(f"      {line}")
        if reuse_all or (interactive and _confirm(f"  Reuse {reuse.intent}? [Y/n] ", True)):
            chosen.append(reuse)
    return chosen


def _ask_keep(found: Any, reused: List[Any]) -> bool:
    """Ask whether to keep the host's own flows, if any reused intent has one."""
    flows = found.kept_flows(reused)
    if not flows:
        return False
    shown = "; ".join(", ".join(flow.actions) for flow in flows)
    question = f"Keep your bot's own answers ({shown}) instead of the plugin's texts? [y/N] "
    return _confirm(question, default=False)


def _confirm(question: str, default: bool) -> bool:
    try:
        answer = input(question).strip().lower()
    except EOFError:
        return default
    return default if not answer else answer in ("y", "yes")
