"""Turn latency of the example bot with EthicsPolicy against without it, measured in the same run.

Run from the repository root::

    RASA_TELEMETRY_ENABLED=false .venv/bin/python bench/dialogue/run.py [--rounds 30]

Three `rasa run` servers (REST channel) share one action server:

* **with**: the example bot as `rasa-ethics init` sets it up (EthicsPolicy, EthicsNLG,
  RedactingTrackerStore around SQLite, and whatever else the plugin adds, e.g. PII detection);
* **without_ethics_policy**: the same bot and endpoints, trained without EthicsPolicy: the
  ratio with / without_ethics_policy is the cost of the dialogue policy (the issue's figure);
* **plain**: the bot without any rasa-ethics component (SQLite store, default NLG): the ratio
  with / plain is the cost of the whole plugin, PII redaction included.

All stores are SQLite files, so storage is the same everywhere.  The conversations are the
example bot's own (no ethics trigger: the everyday path where EthicsPolicy abstains).  Each
conversation runs on every server in lockstep, turn by turn, the order rotating, so background
load hits all sides alike.  Prints p50/p90 per side, p50 ratios and medians of per-turn ratios;
writes ``bench/out/dialogue.json``.  Variant models are trained once and cached in
``bench/out/models/`` (keyed by a hash of the training inputs).
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
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.e2e.ethics_bot import (  # noqa: E402
    AGENT_TOKEN,
    API_TOKEN,
    BotClient,
    make_workspace,
    train_variant,
    without_plugin,
)
from tests.servers import REPO, action_server, free_port, serve_bot, train_if_changed  # noqa: E402

OUT = REPO / "bench" / "out"
CONVERSATIONS = [
    ["hello", "where is my order?", "jane.doe@example.com", "NW-100234", "no, that's all"],
    ["track my order", "what are your opening hours?", "olivia.m@example.com", "NW-482913"],
    [
        "hi",
        "how are you doing?",
        "what can you help me with?",
        "do you ship internationally?",
        "can I pay with PayPal?",
        "is this jacket waterproof?",
        "thank you",
        "goodbye",
    ],
    ["I need to change my delivery address", "no it hasn't", "thanks a lot"],
    ["has my order shipped yet?", "never mind"],
    ["are you open on Sunday?", "what's your return policy?"],
]


def without_ethics_policy(name: str) -> bool:
    """Only the dialogue policy."""
    return name == "rasa_ethics.EthicsPolicy"


def measure(bots: Dict[str, BotClient], rounds: int, warmup: int = 2) -> Dict[str, List[float]]:
    """Latencies per side.  The same conversation runs on both sides in lockstep, turn by turn,
    and which side goes first alternates, so background load hits both sides alike."""
    latencies: Dict[str, List[float]] = {name: [] for name in bots}
    names = list(bots)
    turn = 0
    orders = [names[i:] + names[:i] for i in range(len(names))]
    for round_index in range(warmup + rounds):
        for messages in CONVERSATIONS:
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
    models = {
        "with": train_if_changed(REPO / "example_bot"),
        "without_ethics_policy": train_variant(OUT / "models", without_ethics_policy),
        "plain": train_variant(OUT / "models", without_plugin),
    }
    env = {"RASA_ETHICS_AGENT_TOKEN": AGENT_TOKEN}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        root = Path(tmp)
        actions = stack.enter_context(action_server(REPO / "example_bot", root, free_port()))
        bots = {}
        for name, model in models.items():
            space = make_workspace(root / name, actions, plugin=name != "plain")
            url = stack.enter_context(
                serve_bot(
                    model,
                    space.bot,
                    space.bot / "endpoints.yml",
                    space.bot / "credentials.yml",
                    auth_token=API_TOKEN,
                    env=env,
                )
            )
            bots[name] = BotClient(url, space)
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
