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

``tests/e2e/test_heldout.py`` asserts the rates; ``python -m bench.dialogue.heldout`` prints them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List

import yaml

from tests.harness.agent import LoadedAgent
from tests.harness.processes import EXAMPLE_BOT, REPO

__all__ = ["evaluate", "judge", "nlu_examples", "story_utterances"]

HELDOUT = REPO / "tests" / "data" / "handoff_heldout.yml"
BOT = EXAMPLE_BOT
POLICY = REPO / "policies" / "northwind.yml"
_ENTITY = re.compile(r"\[([^\]]+)\]\([^)]+\)")


def story_utterances(path: Path = BOT / "tests" / "test_stories.yml") -> List[str]:
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


def judge(agent: LoadedAgent, texts: List[str], policy: Path = POLICY) -> List[Dict[str, Any]]:
    """Parse each text with the model and decide as EthicsPolicy would."""
    from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
    from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from rasa_ethics.dialogue.detectors import Detectors
    from rasa_ethics.dialogue.turn import analyse_turn
    from rasa_ethics.policy import load_policy

    detectors = Detectors.for_policy(load_policy(policy))
    results = []
    for text in texts:
        parse = agent.parse(text)
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


def evaluate(agent: LoadedAgent) -> Dict[str, Any]:
    """Recall and false-handoff rates, with every miss and false alarm listed."""
    data = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    ethics = nlu_examples(REPO / "rasa_ethics" / "importer" / "nlu" / "ethics_nlu.yml")
    host = nlu_examples(BOT / "data" / "nlu.yml")
    sets = {
        "handoff": data["handoff"],
        "bot_challenge": data["bot_challenge"],
        "not_handoff": data["not_handoff"],
        "test_stories": story_utterances(),
        "train_handoff": ethics["ethics_human_handoff"],
        "train_bot_challenge": ethics["ethics_bot_challenge"],
        "train_host": [text for examples in host.values() for text in examples],
    }
    judged = {name: judge(agent, texts) for name, texts in sets.items()}
    return {
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
