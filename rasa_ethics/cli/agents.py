"""``rasa-ethics agents add|remove|list``: the agent console's accounts, in the bot's database.

Run in the bot's folder.  The accounts live beside the handoff queue, so the database is found
as the server finds the queue's: the policy's ``handoff.store_url``, else the SQL database of the
tracker store named in ``endpoints.yml`` (read as :mod:`rasa_ethics.rights.locate` reads it for
``rasa-ethics privacy``), or ``--db-url``.  A password is read from the terminal (twice) or from
stdin, and is never printed, nor is its hash.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List

from rasa_ethics.cli.terminal import printable, without_library_warnings


def register(subparsers: Any) -> None:
    """Add ``agents`` with its three operations."""
    parser = subparsers.add_parser(
        "agents",
        help="add, remove and list the agent console's accounts",
        description="Accounts of the agent console, in the bot's handoff database.",
    )
    _where(parser, argparse.Namespace(endpoints=Path("endpoints.yml"), policy=None, db_url=None))
    operations = parser.add_subparsers(dest="operation", metavar="OPERATION", required=True)
    add = operations.add_parser("add", help="add an agent; the password is asked for twice")
    add.add_argument("name", help="the agent id they sign in with, e.g. sam.lee")
    add.add_argument("--display-name", help='the name customers see, e.g. "Sam P." (default: id)')
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin's first line"
    )
    remove = operations.add_parser("remove", help="delete an agent and sign them out")
    remove.add_argument("name")
    listing = operations.add_parser("list", help="every agent: id, name, presence, created")
    for sub in (add, remove, listing):
        _where(sub, None)  # the options may also follow the operation
    parser.set_defaults(handler=run)


def _where(parser: argparse.ArgumentParser, defaults: Any) -> None:
    """--endpoints, --policy and --db-url; ``defaults`` None leaves the group's values alone."""

    def default(name: str) -> Any:
        return argparse.SUPPRESS if defaults is None else getattr(defaults, name)

    parser.add_argument(
        "--endpoints", type=Path, default=default("endpoints"), help="default: endpoints.yml"
    )
    parser.add_argument(
        "--policy", type=Path, default=default("policy"), help="default: the one in endpoints"
    )
    parser.add_argument(
        "--db-url",
        default=default("db_url"),
        help="the handoff database's SQLAlchemy URL, instead of finding it from endpoints",
    )


def run(args: argparse.Namespace) -> int:
    """Open the accounts and do the operation."""
    return without_library_warnings(lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    from rasa_ethics.cli.errors import CLIError
    from rasa_ethics.handoff.agents import AgentAccounts, AgentError

    try:
        engine = _engine(args)
        try:
            return _OPERATIONS[args.operation](args, AgentAccounts(engine))
        finally:
            engine.dispose()
    except AgentError as exc:
        raise CLIError(str(exc)) from None
    except Exception as exc:
        if type(exc).__module__.startswith("sqlalchemy"):  # refused, away, or not a database
            msg = f"the database failed: {type(exc).__name__}: {str(exc).splitlines()[0]}"
            raise CLIError(msg) from None
        raise


def _engine(args: argparse.Namespace) -> Any:
    """The handoff database: --db-url, else the server's (store_url, else the SQL store's)."""
    import sqlalchemy as sa

    from rasa_ethics.cli.errors import CLIError
    from rasa_ethics.handoff.sqlite_file import private_sqlite_file
    from rasa_ethics.policy import load_policy
    from rasa_ethics.rights.locate import _inner_store, _sql_engine

    if args.db_url:
        private_sqlite_file(args.db_url)
        return sa.create_engine(args.db_url)
    from rasa.utils.endpoints import read_endpoint_config

    if not args.endpoints.is_file():
        msg = f"{args.endpoints} not found: run this in the bot's folder or pass --endpoints"
        raise CLIError(msg)
    store = read_endpoint_config(str(args.endpoints), "tracker_store")
    inner, named_policy = _inner_store(store) if store is not None else ({}, None)
    url = load_policy(args.policy or named_policy).handoff.store_url
    if url:
        private_sqlite_file(url)
        return sa.create_engine(url)
    if str(inner.get("type", "")).lower() == "sql":
        return _sql_engine(inner)
    kind = inner.get("type") or "the in-memory store"
    msg = (
        f"{args.endpoints}: the tracker store is {kind}, so there is no SQL database for the "
        "handoff queue and its agents. Name one in the policy (the server needs it too), e.g.\n"
        "  handoff:\n    store_url: sqlite:///handoffs.db\nor pass --db-url URL"
    )
    raise CLIError(msg)


def _add(args: argparse.Namespace, accounts: Any) -> int:
    password = _password(args)
    accounts.add(args.name, args.display_name, password)
    shown = accounts.get(args.name)
    print(f"added agent {printable(args.name)} ({printable(shown['display_name'])}), away")
    return 0


def _remove(args: argparse.Namespace, accounts: Any) -> int:
    from rasa_ethics.cli.errors import CLIError

    if not accounts.remove(args.name):
        msg = f"no agent {printable(args.name)!r}"
        raise CLIError(msg)
    print(f"removed agent {printable(args.name)} and their sessions")
    return 0


def _list(args: argparse.Namespace, accounts: Any) -> int:
    rows = accounts.list()
    if not rows:
        print("no agents")
    else:
        print(_table(rows))
    return 0


def _password(args: argparse.Namespace) -> str:
    from rasa_ethics.cli.errors import CLIError

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"Password for {printable(args.name)}: ")
        if getpass.getpass("The same again: ") != password:
            raise CLIError("the two passwords differ; nothing was added")
    if not password:
        raise CLIError("the password is empty; nothing was added")
    return password


_OPERATIONS: Dict[str, Callable[[argparse.Namespace, Any], int]] = {
    "add": _add,
    "remove": _remove,
    "list": _list,
}


def _table(rows: List[Dict[str, Any]]) -> str:
    names = [printable(row["display_name"]) for row in rows]
    id_width = max(len("ID"), *(len(row["id"]) for row in rows))
    name_width = max(len("NAME"), *(len(name) for name in names))
    lines = [f"{'ID':{id_width}}  {'NAME':{name_width}}  {'PRESENCE':8}  CREATED (UTC)"]
    for row, name in zip(rows, names, strict=True):
        created = datetime.fromtimestamp(row["created_at"], tz=timezone.utc)
        lines.append(
            f"{row['id']:{id_width}}  {name:{name_width}}  {row['presence']:8}  "
            f"{created:%Y-%m-%d %H:%M:%S}"
        )
    return "\n".join(lines)
