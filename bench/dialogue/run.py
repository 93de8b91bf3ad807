"""Turn latency of the example bot with EthicsPolicy against without it, measured in the same run.

Run from the repository root (``make bench-dialogue``)::

    .venv/bin/python -m bench.dialogue.run [--rounds 30]

Three `rasa run` servers (REST channel) share one action server:

* **with**: the example bot as `rasa-ethics init` sets it up (EthicsPolicy, EthicsNLG,
  RedactingTrackerStore around SQLite, the audit broker, PII detection);
* **without_ethics_policy**: the same bot and endpoints, trained without EthicsPolicy: the
  ratio with / without_ethics_policy is the cost of the dialogue policy (the issue's figure);
* **plain**: the bot without any rasa-ethics component (SQLite store, default NLG): the ratio
  with / plain is the cost of the whole plugin, PII redaction and the audit trail included.

All stores are SQLite files, so storage is the same everywhere.  The conversations are the
example bot's own (no ethics trigger: the everyday path where EthicsPolicy abstains).  Each
conversation runs on every server in lockstep, turn by turn, the order rotating, so background
load hits all sides alike.  Prints p50/p90 per side, p50 ratios and medians of per-turn ratios;
writes ``bench/out/dialogue.json``.  Variant models come from the test harness's cache
(``tests/harness/training.py``: trained once per content hash).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import uuid
from contextlib import ExitStack
from pathlib import Path
from typing import Dict, List, Optional

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from tests.harness import (  # noqa: E402
    RECIPES,
    REPO,
    ServedBot,
    action_server,
    make_workspace,
    served_bot,
    trained_model,
)
from tests.harness.conversations import ORDINARY  # noqa: E402

OUT = REPO / "bench" / "out"
#: Server name -> the recipe of its model.
SIDES = {"with": "example", "without_ethics_policy": "no-ethics-policy", "plain": "plain"}


def measure(bots: Dict[str, ServedBot], rounds: int, warmup: int = 2) -> Dict[str, List[float]]:
    """Latencies per side.  The same conversation runs on both sides in lockstep, turn by turn,
    and which side goes first alternates, so background load hits both sides alike."""
    latencies: Dict[str, List[float]] = {name: [] for name in bots}
    names = list(bots)
    turn = 0
    orders = [names[i:] + names[:i] for i in range(len(names))]
    for round_index in range(warmup + rounds):
        for messages in ORDINARY:
            senders = {name: f"bench-{uuid.uuid4().hex[:10]}" for name in names}
            for message in messages:
                turn += 1
                for name in orders[turn % len(orders)]:
                    seconds = bots[name].timed_say(senders[name], message)[1]
                    if round_index >= warmup:
                        latencies[name].append(seconds)
    return latencies


def paired_ratio(with_: List[float], without: List[float]) -> float:
    """Median of the per-turn ratios (the same turn on both sides, measured back to back)."""
    return statistics.median(a / b for a, b in zip(with_, without, strict=True))


def summary(values: List[float]) -> Dict[str, float]:
    ordered = sorted(values)
    return {
        "turns": len(values),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))] * 1000, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
    }


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="rounds of all conversations")
    args = parser.parse_args(argv)
    models = {name: trained_model(RECIPES[recipe]) for name, recipe in SIDES.items()}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        root = Path(tmp)
        actions = stack.enter_context(action_server(root))
        bots = {}
        for name, model in models.items():
            space = make_workspace(root / name, actions, plugin=name != "plain")
            bots[name] = stack.enter_context(served_bot(model, space))
        latencies = measure(bots, args.rounds)
    result: Dict[str, object] = {name: summary(values) for name, values in latencies.items()}
    for other in ("without_ethics_policy", "plain"):
        result[f"p50_ratio_with_over_{other}"] = round(
            result["with"]["p50_ms"] / result[other]["p50_ms"],
            3,  # type: ignore[index]
        )
        result[f"median_paired_turn_ratio_with_over_{other}"] = round(
            paired_ratio(latencies["with"], latencies[other]), 3
        )
    result["models"] = {name: str(path) for name, path in models.items()}
    OUT.mkdir(exist_ok=True)
    (OUT / "dialogue.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
