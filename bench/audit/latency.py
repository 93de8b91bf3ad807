"""Turn latency of the served example bot with the audit event broker against without it.

Three real `rasa run` servers of the same model run side by side, sharing one action server;
they differ only in ``event_broker:``:

* ``none``: no event broker;
* ``no-op``: ``rasa_ethics.AuditEventBroker`` with ``audit.enabled: false``, which does nothing.
  It isolates what Rasa itself does for any event broker: on every tracker save the tracker
  store reads the stored tracker back to find the new events (``TrackerStore.stream_events``
  in ``rasa/core/tracker_store.py``) and turns each into a dict;
* ``audit``: the audit broker with the policy's defaults (``fsync: batch``).

Turns go to the servers interleaved, the order rotating every turn, so load from elsewhere on
the machine hits all alike; each turn is timed from the REST request until the whole answer is
back.  The CPU time each server process (all its threads) spent per turn is measured too, from
``/proc``: on a busy machine it is much steadier than the wall-clock latency.
"""

from __future__ import annotations

import os
import statistics
import sys
import urllib.parse
import uuid
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from tests.harness import (
    RECIPES,
    ServedBot,
    action_server,
    make_workspace,
    served_bot,
    trained_model,
)

__all__ = ["CONVERSATION", "VARIANTS", "Latency", "measure_latency", "percentile"]

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
#: Server name -> policy file of its event broker (None: no event broker).
VARIANTS: dict[str, str | None] = {"none": None, "no-op": "noaudit.yml", "audit": "northwind.yml"}
_NO_AUDIT = "extends: northwind.yml\naudit:\n  enabled: false\n"


@dataclass(frozen=True)
class Latency:
    """Per-turn latencies in seconds of each server, turn ``i`` of each measured together.

    ``cpu``: CPU seconds per turn of each server process (None where /proc is not readable).
    """

    times: dict[str, list[float]]
    cpu: dict[str, float | None]

    def ratio(self, name: str, base: str = "none") -> float:
        """p50 of server ``name`` over p50 of server ``base``."""
        return statistics.median(self.times[name]) / statistics.median(self.times[base])

    def paired_ratio(self, name: str, base: str = "none") -> float:
        """Median over turns of name/base for the same turn of the same conversation."""
        pairs = zip(self.times[name], self.times[base], strict=True)
        return statistics.median(a / b for a, b in pairs)


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure_latency(workdir: Path, turns: int, model: Path | None = None) -> Latency:
    """Serve the example bot once per variant and time ``turns`` turns on each."""
    model = model or trained_model(RECIPES["example"])
    workdir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        actions = stack.enter_context(action_server(workdir))
        bots: dict[str, ServedBot] = {}
        for name, policy in VARIANTS.items():
            space = make_workspace(workdir / name, actions, audit_policy=policy)
            (space.root / "policies" / "noaudit.yml").write_text(_NO_AUDIT)
            print(f"  starting `rasa run` ({name} event broker) ...", file=sys.stderr)
            bots[name] = stack.enter_context(served_bot(model, space))
        _converse(bots, turns=3 * len(CONVERSATION))  # warm-up, not measured
        before = {name: server_cpu(bot.url) for name, bot in bots.items()}
        times = _converse(bots, turns)
        cpu = {
            name: _per_turn(before[name], server_cpu(bot.url), turns) for name, bot in bots.items()
        }
        return Latency(times, cpu)


def server_cpu(url: str) -> float | None:
    """CPU seconds (user + system, all threads) of the `rasa run` process serving ``url``."""
    port = str(urllib.parse.urlsplit(url).port)
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                args = handle.read().split(b"\0")
            if b"--port" not in args or args[args.index(b"--port") + 1].decode() != port:
                continue
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except (OSError, ValueError, IndexError):
            continue
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return None


def _per_turn(before: float | None, after: float | None, turns: int) -> float | None:
    return None if before is None or after is None else (after - before) / turns


def _converse(bots: dict[str, ServedBot], turns: int) -> dict[str, list[float]]:
    """``turns`` turns on each server, conversation by conversation, in rotating order."""
    names = list(bots)
    times: dict[str, list[float]] = {name: [] for name in names}
    sender = ""
    for turn in range(turns):
        step = turn % len(CONVERSATION)
        if step == 0:
            sender = f"bench-{uuid.uuid4().hex[:12]}"
        shift = turn % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(bots[name].timed_say(sender, CONVERSATION[step])[1])
    return times
