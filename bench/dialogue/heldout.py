"""Held-out evaluation of the handoff and bot-challenge triggers on the trained example bot.

Each utterance is parsed by the real trained model (its NLU pipeline) and judged by the same
function EthicsPolicy uses (``rasa_ethics.dialogue.turn.analyse_turn``), as the first message of a
fresh conversation.  Sets:

* ``tests/data/handoff_heldout.yml``: ``handoff`` (recall), ``bot_challenge`` (recall),
  ``not_handoff`` (false-handoff rate); none of them is in any training data;
* the example bot's test stories (``example_bot/tests/test_stories.yml``): every user message
  (false-handoff rate; they all belong to the host's own intents);
* for reference, training data (NOT held out for the classifier, but never used to write the
  grammar): the shipped ethics examples (recall) and the example bot's own NLU examples
  (false-handoff rate).

Usage::

    .venv/bin/python -m bench.dialogue.heldout [--model PATH] [--json OUT]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import yaml  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
HELDOUT = REPO / "tests" / "data" / "handoff_heldout.yml"
BOT = REPO / "example_bot"
POLICY = REPO / "policies" / "northwind.yml"
_ENTITY = re.compile(r"\[([^\]]+)\]\([^)]+\)")


def test_story_utterances(path: Path = BOT / "tests" / "test_stories.yml") -> List[str]:
    """User messages of the example bot's test stories, entity markup removed."""
    stories = yaml.safe_load(path.read_text(encoding="utf-8"))["stories"]
    texts = []
    for story in stories:
        for step in story["steps"]:
            if "user" in step and not str(step.get("intent", "")).startswith("ethics_"):
                texts.append(_ENTITY.sub(r"\1", step["user"]).strip())
    return texts


def nlu_examples(path: Path) -> Dict[str, List[str]]:
    """Examples per intent of a Rasa YAML NLU file, entity markup removed."""
    blocks = yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]
    found: Dict[str, List[str]] = {}
    for block in blocks:
        if "intent" in block:
            lines = [line[2:] for line in block["examples"].splitlines() if line.startswith("- ")]
            found[block["intent"]] = [_ENTITY.sub(r"\1", line).strip() for line in lines]
    return found


def judge(agent: Any, texts: List[str], policy_path: Path = POLICY) -> List[Dict[str, Any]]:
    """Parse each text with the model and decide as EthicsPolicy would."""
    from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
    from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from rasa_ethics.dialogue.detectors import Detectors
    from rasa_ethics.dialogue.turn import analyse_turn
    from rasa_ethics.policy import load_policy

    detectors = Detectors.for_policy(load_policy(policy_path))

    async def parse_all() -> List[Dict[str, Any]]:
        return [await agent.parse_message(text) for text in texts]

    results = []
    for text, parse in zip(texts, asyncio.run(parse_all()), strict=True):
        events = [
            ActionExecuted(ACTION_SESSION_START_NAME),
            SessionStarted(),
            ActionExecuted(ACTION_LISTEN_NAME),
            UserUttered(text, parse["intent"], parse["entities"], parse),
        ]
        plan = analyse_turn(DialogueStateTracker.from_events("eval", events), detectors)
        results.append(
            {
                "text": text,
                "intent": parse["intent"]["name"],
                "confidence": round(float(parse["intent"]["confidence"]), 3),
                "decision": plan.kind if plan else None,
                "reason": plan.reason if plan else None,
                "detail": plan.detail if plan else {},
            }
        )
    return results


def evaluate(model: Path) -> Dict[str, Any]:
    """Recall and false-handoff rates, with every miss and false alarm listed."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    data = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    ethics = nlu_examples(REPO / "rasa_ethics" / "importer" / "nlu" / "ethics_nlu.yml")
    host = nlu_examples(BOT / "data" / "nlu.yml")
    sets = {
        "handoff": data["handoff"],
        "bot_challenge": data["bot_challenge"],
        "not_handoff": data["not_handoff"],
        "test_stories": test_story_utterances(),
        "train_handoff": ethics["ethics_human_handoff"],
        "train_bot_challenge": ethics["ethics_bot_challenge"],
        "train_host": [text for examples in host.values() for text in examples],
    }
    judged = {name: judge(agent, texts) for name, texts in sets.items()}
    return {
        "model": str(model),
        "handoff_recall": _rate(judged["handoff"], "handoff"),
        "bot_challenge_recall": _rate(judged["bot_challenge"], "bot_challenge"),
        "false_handoff_not_handoff": _rate(judged["not_handoff"], "handoff"),
        "false_handoff_test_stories": _rate(judged["test_stories"], "handoff"),
        "reference_train_handoff_recall": _rate(judged["train_handoff"], "handoff"),
        "reference_train_bot_challenge_recall": _rate(
            judged["train_bot_challenge"], "bot_challenge"
        ),
        "reference_train_host_false_handoff": _rate(judged["train_host"], "handoff"),
        "misses": {
            "handoff": [r for r in judged["handoff"] if r["decision"] != "handoff"],
            "bot_challenge": [
                r for r in judged["bot_challenge"] if r["decision"] != "bot_challenge"
            ],
        },
        "false_handoffs": [
            r
            for name in ("not_handoff", "test_stories")
            for r in judged[name]
            if r["decision"] == "handoff"
        ],
        "reference_errors": [
            r
            for name, want in (
                ("train_handoff", "handoff"),
                ("train_bot_challenge", "bot_challenge"),
            )
            for r in judged[name]
            if r["decision"] != want
        ]
        + [r for r in judged["train_host"] if r["decision"] == "handoff"],
    }


def _rate(results: List[Dict[str, Any]], decision: str) -> Dict[str, Any]:
    hits = sum(1 for r in results if r["decision"] == decision)
    return {"hits": hits, "total": len(results), "rate": round(hits / len(results), 4)}


def newest_model(folder: Path = BOT / "models") -> Path:
    """The most recently trained model of the example bot."""
    return max(folder.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)


def main(argv: Optional[List[str]] = None) -> int:
    """Print the figures (and write them as JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model archive (default: newest example bot)")
    parser.add_argument("--json", type=Path, help="also write the full report here")
    args = parser.parse_args(argv)
    os.chdir(BOT)  # the model's EthicsPolicy names its policy file relative to the bot folder
    report = evaluate(args.model or newest_model())
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
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
