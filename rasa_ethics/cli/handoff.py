"""``rasa-ethics handoff list|show|reply|resolve``: the agent side, against a running bot.

Everything printed goes through :mod:`rasa_ethics.cli.terminal`: customers choose the text (and
the conversation id), and nothing they send may act on the agent's terminal.
"""

from __future__ import annotations

import argparse
import os
from datetime import datetime, timezone
from typing import Any, Dict, List

from rasa_ethics.cli.terminal import printable, printable_json
from rasa_ethics.constants import AGENT_TOKEN_ENV as DEFAULT_TOKEN_ENV

URL_ENV = "RASA_ETHICS_URL"


def register(subparsers: Any) -> None:
    """Add ``handoff`` with its four operations."""
    parser = subparsers.add_parser(
        "handoff",
        help="list, read, answer and resolve human handoffs of a running bot",
        description="Work on handoff requests through the bot's rasa_ethics.AgentChannel.",
    )
    parser.add_argument(
        "--url",
        default=os.environ.get(URL_ENV, "http://localhost:5005"),
        help=f"the bot's base URL (default: ${URL_ENV} or http://localhost:5005)",
    )
    parser.add_argument(
        "--token", help=f"the agent token (default: ${DEFAULT_TOKEN_ENV})"
    )
    parser.add_argument("--json", action="store_true", help="print the raw JSON answer")
    parser.add_argument("--agent", default=os.environ.get("USER", "agent"), help="your name")
    operations = parser.add_subparsers(dest="operation", metavar="OPERATION", required=True)
    listing = operations.add_parser("list", help="list handoff requests")
    listing.add_argument("--status", choices=["open", "resolved", "all"], default="open")
    show = operations.add_parser("show", help="show one request and the conversation since")
    show.add_argument("id")
    reply = operations.add_parser("reply", help="send a message to the customer")
    reply.add_argument("id")
    reply.add_argument("text")
    resolve = operations.add_parser("resolve", help="close the request; the bot takes over again")
    resolve.add_argument("id")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Call the bot and print the answer."""
    from rasa_ethics.cli.errors import CLIError
    from rasa_ethics.handoff.client import HandoffClient

    token = args.token or os.environ.get(DEFAULT_TOKEN_ENV)
    if not token:
        msg = f"no agent token: pass --token or set ${DEFAULT_TOKEN_ENV}"
        raise CLIError(msg)
    client = HandoffClient(args.url, token)
    if args.operation == "list":
        result: Any = client.list(args.status)
    elif args.operation == "show":
        result = client.show(args.id)
    elif args.operation == "reply":
        result = client.reply(args.id, args.text, args.agent)
    else:
        result = client.resolve(args.id, args.agent)
    print(printable_json(result) if args.json else _render(args, result))
    return 0


def _render(args: argparse.Namespace, result: Any) -> str:
    if args.operation == "list":
        return _table(result)
    if args.operation == "show":
        return _detail(result)
    if args.operation == "reply":
        where = "delivered live" if result.get("pushed") else "stored in the conversation"
        return f"reply to {printable(result['conversation_id'])}: {where}"
    resumed = "the bot is back" if result.get("resumed") else "conversation was not paused"
    return f"handoff {printable(result['id'])} resolved ({resumed})"


def _table(rows: List[Dict[str, Any]]) -> str:
    if not rows:
        return "no handoff requests"
    lines = [f"{'ID':36}  {'CREATED (UTC)':19}  {'STATUS':8}  {'WEBHOOK':9}  REASON  CONVERSATION"]
    for row in rows:
        p = {key: printable(row[key]) for key in ("id", "status", "delivery", "reason")}
        lines.append(
            f"{p['id']:36}  {_time(row['created_at'])}  {p['status']:8}  "
            f"{p['delivery']:9}  {p['reason']}  {printable(row['conversation_id'])}"
        )
    return "\n".join(lines)


def _detail(row: Dict[str, Any]) -> str:
    signals = ", ".join(printable(s) for s in row["signals"]) or "-"
    lines = [
        f"handoff {printable(row['id'])} ({printable(row['status'])}, "
        f"{'paused' if row['paused'] else 'not paused'})",
        f"conversation: {printable(row['conversation_id'])}",
        f"reason: {printable(row['reason'])}  signals: {signals}",
        f"created: {_time(row['created_at'])} UTC, agent available: {row['agent_available']}",
        f"webhook: {printable(row['delivery'])} (attempts {row['attempts']})",
        "transcript:",
    ]
    lines += _messages(row["transcript"])
    if row.get("since"):
        lines.append("since the handoff:")
        lines += _messages(row["since"])
    return "\n".join(lines)


def _messages(messages: List[Dict[str, Any]]) -> List[str]:
    return [f"  {printable(m['role']):>8}: {printable(m['text'])}" for m in messages]


def _time(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
