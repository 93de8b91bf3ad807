"""Served bots: `rasa run` of a model in a workspace, and the example bot's action server."""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path
from typing import Iterator, Mapping, Optional, Sequence

from tests.harness.client import AGENT_TOKEN, API_TOKEN, BotClient
from tests.harness.processes import EXAMPLE_BOT, RASA, free_port, rasa_env, running, wait_until_up
from tests.harness.workspace import Workspace

__all__ = ["AUDIT_KEY", "ServedBot", "action_server", "served_bot"]

#: The pseudonym key of every served bot's audit trail, so tests can compute senders' pseudonyms.
AUDIT_KEY = "audit-e2e-pseudonym-key"


class ServedBot(BotClient):
    """A client of a running `rasa run`, with its process and log."""

    def __init__(self, url: str, space: Workspace, process: subprocess.Popen, log: Path) -> None:
        """The server at ``url`` running as ``process`` in ``space``, its output in ``log``."""
        super().__init__(url, space)
        self.process, self.log = process, log

    def log_text(self) -> str:
        """What the server has written to its log so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def served_bot(
    model: Path,
    space: Workspace,
    *,
    args: Sequence[str] = (),
    env: Optional[Mapping[str, str]] = None,
    prefix: Sequence[str] = (),
    wait: bool = True,
) -> Iterator[ServedBot]:
    """`rasa run` ``model`` in ``space`` on a free loopback port, REST channel and API on.

    The server gets the tests' API, agent and audit tokens; ``env`` adds or overrides variables
    (``rasa_env``).  ``prefix`` runs it under another program (``strace -f ...``).  Unless
    ``wait`` is false, the server is up when the block starts.  It is stopped afterwards.
    """
    port = free_port()
    command = [*prefix, RASA, "run", "--model", str(model), "--port", str(port)]
    command += ["--interface", "127.0.0.1", "--enable-api", "--auth-token", API_TOKEN]
    command += ["--endpoints", str(space.endpoints), "--credentials", str(space.credentials)]
    command += list(args)
    variables = {"RASA_ETHICS_AGENT_TOKEN": AGENT_TOKEN, "RASA_ETHICS_AUDIT_KEY": AUDIT_KEY}
    log = space.root / f"rasa-run-{port}.log"
    with running(command, space.bot, log, rasa_env(**{**variables, **(env or {})})) as process:
        url = f"http://127.0.0.1:{port}"
        if wait:
            wait_until_up(f"{url}/", process, log)
        yield ServedBot(url, space, process, log)


@contextlib.contextmanager
def action_server(
    workdir: Path, bot: Path = EXAMPLE_BOT, port: Optional[int] = None
) -> Iterator[str]:
    """`rasa run actions` of ``bot`` on ``port`` (default: a free one), its log in ``workdir``;
    yield the webhook."""
    port = port or free_port()
    log = workdir / f"actions-{port}.log"
    args = [RASA, "run", "actions", "--actions", "actions", "--port", str(port)]
    with running(args, bot, log, rasa_env(SANIC_HOST="127.0.0.1")) as process:  # as documented
        wait_until_up(f"http://127.0.0.1:{port}/health", process, log)
        yield f"http://127.0.0.1:{port}/webhook"
