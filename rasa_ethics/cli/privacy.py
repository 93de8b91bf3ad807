"""``rasa-ethics privacy export|erase|requests|purge|find``: customers' rights, for operators.

Run in the bot's folder: the stores are read from ``endpoints.yml`` as ``rasa run`` reads them
(:mod:`rasa_ethics.rights.locate`), so relative paths mean what they mean to the server.  Every
action is registered (request register) and audited (the privacy trail).  What customers wrote
is printed through :mod:`rasa_ethics.cli.terminal` only.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List

from rasa_ethics.cli.terminal import printable, printable_json, without_library_warnings


def register(subparsers: Any) -> None:
    """Add ``privacy`` with its five operations."""
    parser = subparsers.add_parser(
        "privacy",
        help="export, erase, purge and find customers' conversations; the request register",
        description="Customers' rights on the bot's SQL or Redis stores (run in the bot's folder).",
    )
    parser.add_argument("--endpoints", type=Path, default=Path("endpoints.yml"))
    parser.add_argument("--policy", type=Path, help="policy file (default: the one in endpoints)")
    parser.add_argument("--operator", default=_user(), help="your name, for the register")
    operations = parser.add_subparsers(dest="operation", metavar="OPERATION", required=True)
    for name, text in (("export", "print one conversation as JSON"), ("erase", "erase one")):
        sub = operations.add_parser(name, help=f"{text} (a request is registered and audited)")
        sub.add_argument("--conversation", required=True, help="the conversation (sender) id")
        sub.add_argument("--reference", help="close this registered request (e.g. PR-7K3M-9QXA)")
        if name == "export":
            sub.add_argument("--output", type=Path, help="write the JSON here (mode 0600)")
    listing = operations.add_parser("requests", help="the request register, by deadline")
    listing.add_argument("--overdue", action="store_true", help="open requests past deadline")
    listing.add_argument("--json", action="store_true")
    purge = operations.add_parser("purge", help="delete conversations past the retention period")
    purge.add_argument("--dry-run", action="store_true", help="print the counts, delete nothing")
    find = operations.add_parser("find", help="the conversations linked to a subject key")
    find.add_argument(
        "--subject", required=True, help="e.g. the customer's e-mail address; - reads stdin"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Open the bot's stores and do the operation."""
    return without_library_warnings(lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    from rasa_ethics.cli.errors import CLIError
    from rasa_ethics.rights.locate import RightsError, locate
    from rasa_ethics.rights.tombstone import BrokerError

    try:
        stores = locate(args.endpoints, args.policy)
        try:
            return _OPERATIONS[args.operation](args, stores)
        finally:
            stores.dispose()
    except (RightsError, BrokerError) as exc:
        raise CLIError(str(exc)) from None
    except Exception as exc:
        if type(exc).__module__.startswith(("sqlalchemy", "redis")):  # refused, or away
            msg = f"the database failed: {type(exc).__name__}: {str(exc).splitlines()[0]}"
            raise CLIError(msg) from None
        raise


def _export(args: argparse.Namespace, stores: Any) -> int:
    from rasa_ethics.rights.export import export

    document = export(stores, args.conversation, args.operator, args.reference)
    text = printable_json(document)
    if args.output is None:
        print(text)
    else:
        _write_private(args.output, text + "\n")
        print(f"export {document['reference']}: {len(document['events'])} events -> {args.output}")
    return 0


def _erase(args: argparse.Namespace, stores: Any) -> int:
    from rasa_ethics.rights.erasure import erase

    result = erase(stores, args.conversation, args.operator, args.reference)
    counts = ", ".join(f"{n} {kind}" for kind, n in result.erased.as_dict().items())
    print(f"erased {printable(result.conversation_id)} (request {result.reference}): {counts}")
    print(f"tombstones published: {result.tombstones}; audit subject {result.subject}")
    return 0


def _requests(args: argparse.Namespace, stores: Any) -> int:
    rows = stores.register.list(overdue=args.overdue)
    if args.json:
        print(printable_json(rows))
    elif not rows:
        print("no overdue requests" if args.overdue else "no requests")
    else:
        print(_table(rows))
    return 1 if args.overdue and rows else 0


def _purge(args: argparse.Namespace, stores: Any) -> int:
    from rasa_ethics.rights.purge import plan_purge, purge

    plan = plan_purge(stores)
    cutoff = _time(plan.cutoff)
    print(
        f"retention {plan.retention_days} days: {len(plan.conversations)} conversations with "
        f"no event since {cutoff} UTC: {_counts(plan.counts.as_dict())}"
    )
    if args.dry_run:
        print("dry run: nothing deleted")
        return 0
    result = purge(stores, plan, args.operator)
    print(
        f"purged {result.conversations} conversations: {_counts(result.deleted.as_dict())}; "
        f"tombstones published: {result.tombstones}"
    )
    return 0


def _find(args: argparse.Namespace, stores: Any) -> int:
    from rasa_ethics.rights.trail import PrivacyTrail

    value = sys.stdin.readline().strip() if args.subject == "-" else args.subject
    if not value:
        from rasa_ethics.cli.errors import CLIError

        raise CLIError("the subject is empty")
    found = stores.subject_index().find(value)
    trail = PrivacyTrail(stores.policy)
    trail.write([trail.record("subject_lookup", args.operator, conversations=len(found))])
    for conversation in found:
        print(printable(conversation))
    if not found:
        print("no conversation has this subject key", file=sys.stderr)
    return 0 if found else 1


_OPERATIONS = {
    "export": _export,
    "erase": _erase,
    "requests": _requests,
    "purge": _purge,
    "find": _find,
}


def _table(rows: List[Dict[str, Any]]) -> str:
    header = f"{'REFERENCE':12}  {'KIND':7}  {'STATE':7}  {'RECEIVED':10}  {'DEADLINE':10}  BY"
    lines = [header + "  CONVERSATION"]
    for row in rows:
        conversation = printable(row["conversation_id"] or "(erased)")
        lines.append(
            f"{row['reference']:12}  {row['kind']:7}  {row['state']:7}  "
            f"{_time(row['received_at'])[:10]}  {_time(row['deadline_at'])[:10]}  "
            f"{printable(row['acted_by'] or '-')}  {conversation}"
        )
    return "\n".join(lines)


def _counts(counts: Dict[str, int]) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in counts.items())


def _time(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (e.g. in a container)
        return "operator"


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to a new file only its owner can read (an export holds a conversation)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
