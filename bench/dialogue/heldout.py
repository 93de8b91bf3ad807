"""Print the held-out recall and false-handoff rates of the trained example bot.

The evaluation itself is ``tests.harness.heldout`` (``tests/e2e/test_heldout.py`` asserts the
same figures).  Run from the repository root::

    .venv/bin/python -m bench.dialogue.heldout [--model PATH] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from tests.harness import EXAMPLE_BOT, RECIPES, LoadedAgent, trained_model  # noqa: E402
from tests.harness.heldout import evaluate  # noqa: E402


def print_report(report: Dict[str, Any]) -> None:
    """The rates, then every miss, false handoff and reference error."""
    for key, figure in report.items():
        if isinstance(figure, dict) and "rate" in figure:
            print(f"{key:38} {figure['hits']:4}/{figure['total']:<4} = {figure['rate']:.3f}")
    for name, misses in report["misses"].items():
        for miss in misses:
            print(f"  missed {name}: {miss['text']!r} ({miss['intent']} {miss['confidence']})")
    for alarm in report["false_handoffs"]:
        print(f"  false handoff: {alarm['text']!r} ({alarm['reason']}, {alarm['detail']})")
    for error in report["reference_errors"]:
        print(f"  reference error: {error['text']!r} -> {error['decision']} ({error['intent']})")


def main(argv: Optional[List[str]] = None) -> int:
    """Print the figures (and write them as JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model archive (default: the harness's)")
    parser.add_argument("--json", type=Path, help="also write the full report here")
    args = parser.parse_args(argv)
    model = args.model or trained_model(RECIPES["example"])
    agent = LoadedAgent(model, EXAMPLE_BOT)
    try:
        report = {"model": str(model), **evaluate(agent)}
    finally:
        agent.close()
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
