"""``rasa-ethics check [BOT_DIR] [--url URL --token T]``: does a bot keep its ethics promises?"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, List, Optional

__all__ = ["register", "run"]

FORMATS = ("text", "json", "junit")


def register(subparsers: Any) -> None:
    """Add the ``check`` sub-command."""
    parser = subparsers.add_parser(
        "check",
        help="check that a bot keeps its ethics promises (static and live)",
        description="Static checks of BOT_DIR (config.yml, endpoints.yml, credentials.yml, the "
        "policy, the domain), and with --url live conversations with the running bot. Each "
        "result names the obligation it serves. Exit 1 on any failure (warnings too with "
        "--strict).",
    )
    parser.add_argument("bot_dir", nargs="?", default=".", help="the bot folder (default: .)")
    parser.add_argument("--url", help="a running bot (rasa run --enable-api) to talk to")
    parser.add_argument(
        "--token", help="Rasa's API token (--auth-token); default $RASA_ETHICS_API_TOKEN"
    )
    parser.add_argument(
        "--agent-token",
        help="the agents' token, to resolve the handoffs the live checks ask for "
        "(default $RASA_ETHICS_AGENT_TOKEN)",
    )
    parser.add_argument(
        "--audit", type=Path, help="the server's active audit file (default: from endpoints.yml)"
    )
    parser.add_argument(
        "--replicas",
        type=int,
        default=1,
        help="how many Rasa processes serve the bot; above 1, what only suits one is a failure",
    )
    parser.add_argument("--strict", action="store_true", help="warnings fail the run too")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    parser.add_argument("--output", type=Path, help="write the output to FILE instead of stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the checks, print them in the format asked, exit 1 if any failed."""
    from rasa_ethics import conformance as cf
    from rasa_ethics.cli.errors import CLIError

    bot = Path(args.bot_dir)
    if not bot.is_dir():
        raise CLIError(f"'{bot}' is not a folder")
    results, policy = cf.static_checks(bot, args.replicas)
    if args.url:
        results += _live(args, bot, policy)
    text = {
        "text": lambda: cf.format_text(results),
        "json": lambda: cf.format_json(results),
        "junit": lambda: cf.format_junit(results, args.strict),
    }[args.format]()
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        print(cf.format_text(results).splitlines()[-1])
    else:
        print(text)
    bad = cf.failed(results, args.strict)
    for result in bad:
        print(
            f"rasa-ethics check: {result.status}: {result.check}: {result.message}", file=sys.stderr
        )
    return 1 if bad else 0


def _live(args: argparse.Namespace, bot: Path, policy: Optional[Any]) -> List[Any]:
    from rasa_ethics.conformance.client import LiveBot
    from rasa_ethics.conformance.live import LiveRun, live_results
    from rasa_ethics.conformance.live_audit import AuditWatch, resolve_own_handoffs
    from rasa_ethics.conformance.results import WARN, Result
    from rasa_ethics.policy import load_policy

    policy = policy or load_policy(None)
    token = args.token or os.environ.get("RASA_ETHICS_API_TOKEN")
    watch = AuditWatch(args.audit or _trail(bot, policy), policy)
    live = LiveRun(LiveBot(args.url, token), policy)
    results = live_results(live)
    results.append(watch.result(live.senders))
    agent_token = args.agent_token or os.environ.get("RASA_ETHICS_AGENT_TOKEN")
    prefix = f"rasa-ethics-check-{live.run_id}-"
    left = resolve_own_handoffs(args.url, agent_token, prefix)
    if left:
        results.append(Result("live.cleanup", WARN, [], left, kind="live"))
    return results


def _trail(bot: Path, policy: Any) -> Path:
    """The active audit file the bot's endpoints.yml names (relative to the bot folder)."""
    from rasa_ethics.conformance.bot import read_bot

    broker = read_bot(bot).endpoint("event_broker") or {}
    path = Path(os.path.expandvars(str(broker.get("path") or policy.audit.path)))
    return path if path.is_absolute() else bot / path
