"""``rasa-ethics check``: does a bot keep its ethics promises?

* :mod:`~rasa_ethics.conformance.wiring`: ``config.yml``, ``endpoints.yml`` and
  ``credentials.yml`` wire every component, Rasa's silent fallbacks included;
* :mod:`~rasa_ethics.conformance.promises`: the policy validates and keeps the promises on;
  what several replicas need; the host's own intents are reused;
* :mod:`~rasa_ethics.conformance.live`: scripted conversations with a running bot;
* :mod:`~rasa_ethics.conformance.results`: results, the obligations they serve, and the text,
  JSON and JUnit XML outputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

from rasa_ethics.conformance.bot import BotFiles, read_bot
from rasa_ethics.conformance.promises import policy_results, resolve_policy
from rasa_ethics.conformance.results import (
    FAIL,
    OBLIGATIONS,
    PASS,
    SKIP,
    WARN,
    Result,
    failed,
    format_json,
    format_junit,
    format_text,
)
from rasa_ethics.conformance.wiring import wiring_results
from rasa_ethics.policy import LoadedPolicy

__all__ = [
    "FAIL",
    "OBLIGATIONS",
    "PASS",
    "SKIP",
    "WARN",
    "BotFiles",
    "Result",
    "failed",
    "format_json",
    "format_junit",
    "format_text",
    "read_bot",
    "static_checks",
]


def static_checks(bot_dir: Path, replicas: int = 1) -> tuple[List[Result], Optional[LoadedPolicy]]:
    """Every static check of the bot in ``bot_dir``, and the policy it runs with (None when it
    does not validate)."""
    bot = read_bot(bot_dir)
    results = wiring_results(bot, replicas)
    policy, valid = resolve_policy(bot)
    results.append(valid)
    if policy is not None:
        results += policy_results(bot, policy, replicas)
    return results, policy
