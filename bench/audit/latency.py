"""Turn latency of the served example bot with the audit event broker against without it.

Two real `rasa run` servers of the same model run side by side, sharing one action server; they
differ only in ``event_broker:`` (``rasa_ethics.AuditEventBroker`` with the policy's defaults,
``fsync: batch``, or none).  Turns go to them interleaved, in alternating order (A B, B A, ...),
so load from elsewhere on the machine hits both alike; each turn is timed from the REST request
until the whole answer is back.
"""

from __future__ import annotations

import statistics
import sys
import uuid
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.audit.served_bot import BotClient, make_workspace, served  # noqa: E402
from tests.servers import REPO, action_server, train_if_changed  # noqa: E402

__all__ = ["CONVERSATION", "Latency", "measure_latency"]

#: One conversation of ordinary turns: small talk, FAQs, the order form with its custom actions.
CONVERSATION = (
    "hello",
    "what are your opening hours?",
    "how do returns work?",
    "where is my order?",
    "jane.doe@example.com",
    "NW-100234",
    "are you a bot?",
    "thanks, bye",
)


@dataclass(frozen=True)
class Latency:
    """Per-turn latencies in seconds, measured interleaved, without and with the audit broker."""

    without: list[float]
    with_audit: list[float]

    @property
    def ratio(self) -> float:
        """p50 with the audit broker over p50 without it."""
        return statistics.median(self.with_audit) / statistics.median(self.without)

    @property
    def paired_ratio(self) -> float:
        """Median over turns of (with / without) for the same turn of the same conversation."""
        pairs = zip(self.with_audit, self.without, strict=True)
        return statistics.median(w / b for w, b in pairs)


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure_latency(workdir: Path, turns: int, model: Path | None = None) -> Latency:
    """Serve the example bot twice (with and without the audit broker) and time ``turns`` each."""
    model = model or train_if_changed(REPO / "example_bot")
    workdir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        actions = stack.enter_context(action_server(REPO / "example_bot", workdir))
        bots = []
        for name, audit in (("without", False), ("with", True)):
            space = make_workspace(workdir / name, actions, audit=audit, inner_sql=False)
            print(f"  starting `rasa run` {name} the audit broker ...", file=sys.stderr)
            bots.append(stack.enter_context(served(model, space)))
        without, with_audit = bots
        _converse(without, with_audit, turns=3 * len(CONVERSATION))  # warm-up, not measured
        return _converse(without, with_audit, turns)


def _converse(without: BotClient, with_audit: BotClient, turns: int) -> Latency:
    """``turns`` turns on each server, conversation by conversation, in alternating order."""
    times: dict[int, list[float]] = {0: [], 1: []}
    servers = (without, with_audit)
    sender = ""
    for turn in range(turns):
        step = turn % len(CONVERSATION)
        if step == 0:
            sender = f"bench-{uuid.uuid4().hex[:12]}"
        order = (0, 1) if turn % 2 == 0 else (1, 0)
        for index in order:
            times[index].append(servers[index].timed_say(sender, CONVERSATION[step]))
    return Latency(times[0], times[1])
