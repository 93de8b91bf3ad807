"""Turn latency of the example bot with rasa-ethics against without it, measured in the same run.

Run from the repository root::

    RASA_TELEMETRY_ENABLED=false .venv/bin/python bench/dialogue/run.py [--rounds 40]

Two `rasa run` servers (REST channel) share one action server:

* **with**: the example bot as `rasa-ethics init` sets it up: EthicsPolicy in the model, EthicsNLG,
  RedactingTrackerStore around a SQLite store;
* **without**: the example bot trained without the plugin, SQLite store, default NLG.

Both stores are SQLite files, so the comparison is about the plugin, not the storage.  The
conversations are the example bot's own (no ethics trigger in them, i.e. the everyday path where
EthicsPolicy abstains).  Each conversation runs on both servers in lockstep, turn by turn, so that
background load hits both sides alike.  Prints p50/p90 per side, the p50 ratio and the median of
the per-turn ratios; writes
``bench/out/dialogue.json``.  The plain model is trained once into ``bench/out/plain_model/``
(``--plain-model`` to reuse another one).
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
    train_plain_model,  # noqa: E402
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


def plain_model(explicit: Optional[Path]) -> Path:
    """The example bot without the plugin: given, cached, or trained now (about a minute)."""
    if explicit:
        return explicit
    cached = sorted((OUT / "plain_model").glob("plain_bot/models/*.tar.gz"))
    if cached:
        return cached[-1]
    (OUT / "plain_model").mkdir(parents=True, exist_ok=True)
    return train_plain_model(OUT / "plain_model")


def measure(bots: Dict[str, BotClient], rounds: int, warmup: int = 2) -> Dict[str, List[float]]:
    """Latencies per side.  The same conversation runs on both sides in lockstep, turn by turn,
    and which side goes first alternates, so background load hits both sides alike."""
    latencies: Dict[str, List[float]] = {name: [] for name in bots}
    names = list(bots)
    turn = 0
    for round_index in range(warmup + rounds):
        for messages in CONVERSATIONS:
            senders = {name: f"bench-{uuid.uuid4().hex[:10]}" for name in names}
            for message in messages:
                turn += 1
                for name in names if turn % 2 else names[::-1]:
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
    parser.add_argument("--rounds", type=int, default=40, help="rounds of all conversations")
    parser.add_argument("--plain-model", type=Path, help="model of the bot without the plugin")
    parser.add_argument("--model", type=Path, help="model of the bot with the plugin")
    args = parser.parse_args(argv)
    with_model = args.model or train_if_changed(REPO / "example_bot")
    without_model = plain_model(args.plain_model)
    env = {"RASA_ETHICS_AGENT_TOKEN": AGENT_TOKEN}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        root = Path(tmp)
        actions = stack.enter_context(action_server(REPO / "example_bot", root, free_port()))
        bots = {}
        for name, model, plugin in (("with", with_model, True), ("without", without_model, False)):
            space = make_workspace(root / name, actions, plugin=plugin)
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
    result = {name: summary(values) for name, values in latencies.items()}
    result["p50_ratio_with_over_without"] = round(
        result["with"]["p50_ms"] / result["without"]["p50_ms"], 3
    )
    result["median_paired_turn_ratio"] = round(
        paired_ratio(latencies["with"], latencies["without"]), 3
    )
    result["models"] = {"with": str(with_model), "without": str(without_model)}
    OUT.mkdir(exist_ok=True)
    (OUT / "dialogue.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
