"""What the handoff and bot-challenge detection costs per message, measured in this process.

Run from the repository root::

    .venv/bin/python -m bench.dialogue.grammar [--rounds 7]

Every message of the truth-contract sets (``tests/data/ordinary_requests.yml`` and the held-out
``handoff_kinds``) is judged by the detectors EthicsPolicy and EthicsIntentGuard use
(:class:`rasa_ethics.dialogue.detectors.Detectors`), past their per-message cache, once per round.
Prints the median over rounds of the mean time per message.  A turn runs the detection once
(the NLU component and the policy share the cache), so this is what it adds to a turn's p50;
``make bench-dialogue`` measures whole turns against the plain bot.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import List

from rasa_ethics.dialogue.detectors import Detectors, Message
from rasa_ethics.policy import load_policy
from tests.e2e.truth import load_sets
from tests.harness import REPO


def _texts() -> List[str]:
    sets = load_sets("ordinary_requests.yml", "requests")
    sets.update(load_sets("handoff_heldout.yml", "handoff_kinds"))
    return [text for texts in sets.values() for text in texts]


def main() -> None:
    """Print the median per-message detection time over ``--rounds`` rounds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    policy = load_policy(REPO / "policies" / "northwind.yml")
    detectors = Detectors.for_policy(policy)
    texts = _texts()
    parse = {"intent": {"name": "greet", "confidence": 0.9}}
    per_message = []
    for _ in range(args.rounds + 1):  # the first round warms up and is not counted
        messages = [Message.from_parse_data(t, {"text": t, **parse}) for t in texts]
        start = time.perf_counter()
        for message in messages:
            detectors._inspect(message)  # past the cache: every message judged afresh
        per_message.append((time.perf_counter() - start) / len(messages) * 1000)
    runs = per_message[1:]
    shown = ", ".join(f"{r:.3f}" for r in runs)
    print(f"{len(texts)} messages, {args.rounds} rounds: detection per message, median "
          f"{statistics.median(runs):.3f} ms (rounds: {shown})")


if __name__ == "__main__":
    main()
