"""Held-out recall and false-handoff rate of the trained example bot (tests/harness/heldout.py)."""

from __future__ import annotations

import pytest

from tests.harness import LoadedAgent
from tests.harness.heldout import evaluate

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(example_agent: LoadedAgent) -> dict:
    return evaluate(example_agent)


class TestHeldOut:
    def test_handoff_recall(self, report: dict) -> None:
        """At least 95% of the held-out handoff phrasings hand off."""
        assert report["handoff_recall"]["rate"] >= 0.95, report["misses"]["handoff"]

    def test_false_handoffs(self, report: dict) -> None:
        """At most 1% of other messages hand off (held-out negatives and the bot's test stories)."""
        assert report["false_handoff_not_handoff"]["rate"] <= 0.01, report["false_handoffs"]
        assert report["false_handoff_test_stories"]["rate"] <= 0.01, report["false_handoffs"]

    def test_bot_challenge_recall(self, report: dict) -> None:
        """Bot challenges are recognised too."""
        assert report["bot_challenge_recall"]["rate"] >= 0.95, report["misses"]["bot_challenge"]
