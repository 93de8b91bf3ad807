"""Held-out recall and false-handoff rate of the trained example bot (bench/dialogue/heldout.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.servers import REPO

pytestmark = pytest.mark.slow

sys.path.insert(0, str(REPO))
from bench.dialogue import heldout  # noqa: E402


@pytest.fixture(scope="module")
def report(trained_example_bot: Path, example_bot_dir: Path) -> dict:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(example_bot_dir)  # the model names its policy relative to the bot folder
        return heldout.evaluate(trained_example_bot)


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
